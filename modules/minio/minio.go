package minio

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "minio"

// The roles of a MinIO instance.
const (
	// RoleObjectStorage makes the instance ArmoniK Core's object store: S3__* and the S3 adapter
	// keys, for the control plane and the polling agents (list the module in the core layer).
	RoleObjectStorage = modules.RoleObjectStorage
	// RoleSharedStorage makes the instance the workers' shared storage: FileStorageType=S3 and
	// S3Storage__*, for the workers (list the module in the worker layer).
	RoleSharedStorage = modules.RoleSharedStorage
	// RoleBackup makes the instance a store of backups (modules/mongodb's dumps): no ArmoniK
	// output; the Secret <name>-credentials holds AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
	// what the AWS CLI reads, and the NetworkPolicy admits the pods of Config.Clients.
	RoleBackup = "backup"
)

// Values ArmoniK Core reads (armonik-reference §5.7, Infra storage/onpremise/minio).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.S3.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll"
	// Port is the S3 API port of the server and of its Service; ConsolePort the web console's.
	Port        = 9000
	ConsolePort = 9001
)

// Defaults.
const (
	DefaultRole       = RoleObjectStorage
	DefaultImage      = "quay.io/minio/minio"
	DefaultTag        = "RELEASE.2025-09-07T16-13-09Z"
	DefaultPullPolicy = "IfNotPresent"
	DefaultUser       = "armonik"
	DefaultBucket     = "minio-bucket"
	DefaultSize       = "10Gi"
)

// The image has no USER (root); MinIO needs no privilege, so it runs as 1000:1000 like the
// MinIO Helm chart does. The data claim is group-owned (fsGroup) and the certificates directory
// is an emptyDir, so nothing else needs writing.
const uid, gid = 1000, 1000

const (
	dataDir  = "/data"
	certsDir = "/etc/minio/certs"
)

// Config configures the MinIO module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "minio"): the Deployment and Service are <name>, the Secrets
	// <name>-server and <name>-credentials, the claim <name>-data.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Role is "object-storage" (default: ArmoniK's object store), "shared-storage" (the
	// workers' shared storage) or "backup" (a store of backups); the stacks set it from where
	// the module is listed.
	Role string `json:"-" yaml:"-"`
	// Clients selects the pods the NetworkPolicy admits (default ArmoniK's pods,
	// app.kubernetes.io/part-of=armonik); set by the module a backup store serves.
	Clients map[string]string `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in the endpoint URL (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "quay.io/minio/minio": docker.io/minio/minio is gone).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "RELEASE.2025-09-07T16-13-09Z"); ignored when Image is
	// pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// User is the access key (MinIO root user) clients use (default "armonik"); the secret key
	// is generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// Bucket is the bucket ArmoniK uses, created before the server starts (default
	// "minio-bucket", ArmoniK's).
	Bucket string `json:"bucket,omitempty" yaml:"bucket,omitempty"`
	// Resources are the server container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding the objects (default size "10Gi", the cluster's default
	// StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// Wait makes apply wait until the server is ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the server runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the server run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods may connect, on the S3
	// port 9000 (default true). In the shared-storage role these are the workers, which carry
	// the same label. The console (9001) stays reachable through kubectl port-forward only.
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Role = kit.Or(c.Role, DefaultRole)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.User = kit.Or(c.User, DefaultUser)
	c.Bucket = kit.Or(c.Bucket, DefaultBucket)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: c.Role, Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		Availability: c.Availability, Replicas: 1,
	}
}

// bucketRE is the S3 bucket naming rule: 3 to 63 lowercase letters, digits, dots and hyphens,
// starting and ending with a letter or digit.
var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if c.Role != RoleObjectStorage && c.Role != RoleSharedStorage && c.Role != RoleBackup {
		e.Add("role", "%q must be %q, %q or %q", c.Role, RoleObjectStorage, RoleSharedStorage, RoleBackup)
	}
	if !kit.UserName(c.User) || len(c.User) < 3 {
		e.Add("user", "%q must be 3 to 64 letters, digits, '.', '_' or '-' (a MinIO access key)", c.User)
	}
	if !bucketRE.MatchString(c.Bucket) || strings.Contains(c.Bucket, "..") {
		e.Add("bucket", "%q is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')", c.Bucket)
	}
	return e.Err()
}

// Module is a deployed MinIO server; it implements outputs.ModuleOutputs.
type Module struct {
	// Deployment runs the server; Service exposes the S3 API on Port and the console on
	// ConsolePort.
	Deployment, Service *k8s.Object
	// Server is the Secret <name>-server the server reads: root-user and root-password
	// (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials ArmoniK reads whole, created once the server
	// is ready (with Wait) so that ArmoniK's pods start after it. Its keys are named after the
	// variables of the role: S3__Login and S3__Password (object storage), or
	// S3Storage__AccessKeyId and S3Storage__SecretAccessKey (shared storage).
	Credentials *k8s.Object
	// Claim holds the objects.
	Claim *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Role is the instance's role; Bucket its bucket.
	Role, Bucket string
	// Host is the Service's DNS name, <name>.<namespace>.svc.<cluster domain>; Port its S3 port;
	// EndpointURL is http://Host:Port.
	Host        string
	Port        int
	EndpointURL string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys a MinIO server on scope (a stack) with the configuration cfg, defaults applied.
// It returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Role: cfg.Role, Bucket: cfg.Bucket, Host: cm.Host(cfg.Name), Port: Port}
	m.EndpointURL = "http://" + m.Host + ":" + strconv.Itoa(Port)

	userKey, passwordKey := "S3__Login", "S3__Password"
	switch cfg.Role {
	case RoleSharedStorage:
		userKey, passwordKey = "S3Storage__AccessKeyId", "S3Storage__SecretAccessKey"
	case RoleBackup:
		userKey, passwordKey = "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"
	}
	var err error
	m.Server, err = k8s.NewGeneratedSecret(scope, id+"-server", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"root-password": {}},
		Data:      map[string]string{"root-user": cfg.User},
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	m.Claim, err = k8s.NewClaim(scope, id+"-data", k8s.ClaimSpec{
		Meta: cm.Meta(cfg.Name + "-data"), Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass,
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(m.Server.Object)
	if err != nil {
		return nil, e.Fail(err)
	}
	secretKey := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Server.NameRef, Key: k} }
	health := func(path string, p k8s.Probe) *k8s.Probe {
		p.HTTPGet = &k8s.HTTPGet{Path: path, Port: "s3"}
		return &p
	}
	one := 1
	m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta:     cm.Meta(cfg.Name),
		Replicas: &one,
		Selector: cm.Selector(),
		Strategy: "Recreate",
		Wait:     kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(uid, gid, gid),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				PriorityClassName:            cfg.PriorityClassName,
				// The bucket is a directory of the data directory, created before the server
				// starts (upstream does the same in the server's shell command); MinIO serves
				// every top-level directory as a bucket. Core only checks that it exists.
				InitContainers: []k8s.Container{{
					Name:            "bucket",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Command:         []string{"mkdir", "-p", dataDir + "/" + cfg.Bucket},
					Mounts:          []k8s.Mount{{Volume: "data", Path: dataDir}},
					Security:        kit.ContainerSecurity(),
				}},
				Containers: []k8s.Container{{
					Name:            "minio",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					// The image's entrypoint prepends "minio".
					Args: []string{
						"server", dataDir,
						"--address", ":" + strconv.Itoa(Port),
						"--console-address", ":" + strconv.Itoa(ConsolePort),
						"--certs-dir", certsDir,
					},
					Env: []k8s.EnvVar{
						{Name: "MINIO_ROOT_USER", SecretKey: secretKey("root-user")},
						{Name: "MINIO_ROOT_PASSWORD", SecretKey: secretKey("root-password")},
					},
					Ports: []k8s.Port{{Name: "s3", ContainerPort: Port}, {Name: "console", ContainerPort: ConsolePort}},
					Mounts: []k8s.Mount{
						{Volume: "data", Path: dataDir},
						{Volume: "certs", Path: certsDir},
					},
					Resources: cfg.Resources,
					Startup:   health("/minio/health/live", k8s.Probe{PeriodSeconds: 5, FailureThreshold: 60}),
					Readiness: health("/minio/health/ready", k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 5}),
					Liveness:  health("/minio/health/live", k8s.Probe{PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security:  kit.ContainerSecurity(),
				}},
				Volumes: []k8s.Volume{
					{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: m.Claim.NameRef}},
					{Name: "certs", EmptyDir: &k8s.EmptyDirVolume{}},
				},
			},
		},
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta:     cm.Meta(cfg.Name),
		Selector: cm.Selector(),
		Ports: []k8s.ServicePort{
			{Name: "s3", Port: Port, TargetPort: "s3"},
			{Name: "console", Port: ConsolePort, TargetPort: "console"},
		},
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	m.Credentials, err = k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-credentials"),
		Data:      map[string]string{userKey: cfg.User, passwordKey: m.Server.Values["root-password"]},
		DependsOn: []*k8s.Object{m.Deployment},
	})
	if err != nil {
		return nil, e.Fail(err)
	}

	if m.DisruptionBudget, err = cm.DisruptionBudget(scope, id+"-disruption-budget"); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if len(cfg.Clients) > 0 {
			m.NetworkPolicy, err = k8s.NewNetworkPolicy(scope, id+"-network-policy", k8s.NetworkPolicySpec{
				Meta:        cm.Meta(cfg.Name),
				PodSelector: cm.Selector(),
				Ingress:     []k8s.IngressRule{{From: []k8s.PolicyPeer{{PodSelector: cfg.Clients}}, Ports: []k8s.PolicyPort{{Port: strconv.Itoa(Port)}}}},
			})
		} else {
			m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", false, Port)
		}
		if err != nil {
			return nil, e.Fail(err)
		}
	}

	creds := kit.Ref(m.Credentials)
	out := outputs.NewModule(cfg.Name)
	switch cfg.Role {
	case RoleObjectStorage:
		out.Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
			Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
			Env("S3__EndpointUrl", m.EndpointURL).
			Env("S3__BucketName", cfg.Bucket).
			Env("S3__MustForcePathStyle", "true").
			Env("S3__UseChecksum", "true").
			Env("S3__UseChunkEncoding", "true").
			EnvSecret(creds, "S3__Login", "S3__Password")
	case RoleSharedStorage:
		out.Env("FileStorageType", "S3").
			Env("S3Storage__ServiceURL", m.EndpointURL).
			Env("S3Storage__BucketName", cfg.Bucket).
			Env("S3Storage__MustForcePathStyle", "true").
			EnvSecret(creds, "S3Storage__AccessKeyId", "S3Storage__SecretAccessKey")
	}
	family := outputs.FamilyObject
	switch cfg.Role {
	case RoleSharedStorage:
		family = outputs.FamilySharedStorage
	case RoleBackup:
		family = "" // a store of backups gives ArmoniK nothing
	}
	m.ModuleOutputs = kit.NewModuleOutputs(family, out)
	return m, nil
}
