package redis

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "redis"

// Values ArmoniK Core reads (armonik-reference §5.6, Infra storage/onpremise/redis).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.Redis.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll"
	// Port is the Redis port of the server and of its Service.
	Port = 6379
)

// Defaults.
const (
	DefaultImage           = "redis"
	DefaultTag             = "8.6.0-alpine"
	DefaultPullPolicy      = "IfNotPresent"
	DefaultInstanceName    = "ArmoniKRedis"
	DefaultClientName      = "ArmoniK.Core"
	DefaultMaxMemoryPolicy = "noeviction"
	DefaultSize            = "8Gi"
	// DefaultTTL is Redis__TtlTimeSpan: objects expire a day after they are written
	// (upstream's quick-deploy value; Core's own default, TimeSpan.MaxValue, never expires them).
	DefaultTTL = "1.00:00:00"
	// DefaultMemoryLimit is the server container's memory limit when none is given, and
	// DefaultMemoryRequest its request: without a limit, maxmemory could not be derived and
	// the server would grow until the node kills it.
	DefaultMemoryLimit   = "4Gi"
	DefaultMemoryRequest = "1Gi"
	// MaxMemoryPercent is the share of the memory limit given to maxmemory when it is not set:
	// the rest covers the append-only file's rewrite (a fork), client buffers and
	// fragmentation, so the server refuses writes before the kernel kills it.
	MaxMemoryPercent = 75
	// DefaultCAPath is Redis__CaPath with TLS on: upstream's /redis/chain.pem (Infra
	// storage/onpremise/redis/outputs.tf).
	DefaultCAPath = "/redis/chain.pem"
)

const tlsDir = "/tls"

// The redis user of the official image is UID 999, group 1000 (the image's entrypoint drops to
// it when started as root; started as that user, it just runs the server).
const uid, gid = 999, 1000

// envPassword holds the password in the server container: Kubernetes expands $(REDISCLI_AUTH)
// in the arguments (--requirepass), and redis-cli reads it for the readiness probe, so the
// password is never a literal anywhere.
const envPassword = "REDISCLI_AUTH"

// Config configures the Redis module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "redis"): the Deployment and Service are <name>, the Secrets
	// <name>-server and <name>-credentials, the claim <name>-data.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in Redis__EndpointUrl (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "redis").
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "8.6.0-alpine"); ignored when Image is pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// InstanceName is Redis__InstanceName, the key prefix Core uses (default "ArmoniKRedis").
	InstanceName string `json:"instance_name,omitempty" yaml:"instance_name,omitempty"`
	// ClientName is Redis__ClientName (default "ArmoniK.Core").
	ClientName string `json:"client_name,omitempty" yaml:"client_name,omitempty"`
	// MaxMemory is the server's maxmemory, in Redis units such as "2gb" (default: 75% of the
	// container's memory limit, in bytes). It must stay below the memory limit.
	MaxMemory string `json:"max_memory,omitempty" yaml:"max_memory,omitempty"`
	// TTL is Redis__TtlTimeSpan, a .NET TimeSpan: how long Core keeps payloads and results
	// (default "1.00:00:00", one day, as upstream's quick-deploy; Core's own default never
	// expires them, and with noeviction the server then refuses writes once full).
	TTL string `json:"ttl,omitempty" yaml:"ttl,omitempty"`
	// MaxMemoryPolicy is what the server does at MaxMemory (default "noeviction": writes fail;
	// upstream's allkeys-lru silently drops payloads and results that tasks still need).
	MaxMemoryPolicy string `json:"max_memory_policy,omitempty" yaml:"max_memory_policy,omitempty"`
	// AppendOnly turns the append-only file on (default true: every write is logged and
	// fsynced each second, so a restart loses at most a second; false keeps only Redis's
	// periodic snapshots).
	AppendOnly *bool `json:"append_only,omitempty" yaml:"append_only,omitempty"`
	// Resources are the server container's requests and limits (default: memory request 1Gi,
	// memory limit 4Gi; a given memory limit sizes maxmemory).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding the data directory (default size "8Gi", the cluster's
	// default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// Wait makes apply wait until the server is ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the server runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the server run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// TLS makes the server speak TLS only, on the same port (--tls-port 6379 --port 0), with
	// the user's certificate (default off; ArmoniK reads the CA at /redis/chain.pem). See
	// modules.TLS.
	TLS modules.TLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods may connect, on 6379
	// (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.InstanceName = kit.Or(c.InstanceName, DefaultInstanceName)
	c.ClientName = kit.Or(c.ClientName, DefaultClientName)
	c.MaxMemoryPolicy = kit.Or(c.MaxMemoryPolicy, DefaultMaxMemoryPolicy)
	c.TTL = kit.Or(c.TTL, DefaultTTL)
	c.Resources = withMemory(c.Resources)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.TLS = c.TLS.WithDefaults(DefaultCAPath)
	c.AppendOnly = kit.OrTrue(c.AppendOnly)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: "object-storage", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		Availability: c.Availability, Replicas: 1,
	}
}

// MaxMemoryPolicies are the eviction policies of Redis.
var MaxMemoryPolicies = []string{
	"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
}

var memoryRE = regexp.MustCompile(`(?i)^[0-9]+(k|kb|m|mb|g|gb)?$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	kit.ValidateRedisNames(e, c.InstanceName, c.ClientName)
	if c.MaxMemory != "" && !memoryRE.MatchString(c.MaxMemory) {
		e.Add("max_memory", "%q is not a Redis memory size such as 2gb or 512mb", c.MaxMemory)
	} else if limit, ok := memoryLimit(c.Resources); ok && c.MaxMemory != "" && redisBytes(c.MaxMemory) >= limit {
		e.Add("max_memory", "%q is not below the container's memory limit %s: the kernel would kill the server before it refuses writes", c.MaxMemory, c.Resources.Limits["memory"])
	}
	kit.ValidateTimeSpan(e, "ttl", c.TTL)
	kit.ValidateOneOf(e, "max_memory_policy", c.MaxMemoryPolicy, MaxMemoryPolicies)
	kit.ValidateTLS(e, c.TLS)
	return e.Err()
}

// Module is a deployed Redis server; it implements outputs.ModuleOutputs.
type Module struct {
	// Deployment runs the server; Service exposes it on Port.
	Deployment, Service *k8s.Object
	// Server is the Secret <name>-server the server reads: password (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials ArmoniK reads whole: Redis__User (empty: the
	// default user) and Redis__Password, created once the server is ready (with Wait), so that
	// ArmoniK's pods start after it.
	Credentials *k8s.Object
	// Claim holds the data directory.
	Claim *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Host is the Service's DNS name, <name>.<namespace>.svc.<cluster domain>; Port its port;
	// Endpoint is Host:Port, Redis__EndpointUrl.
	Host     string
	Port     int
	Endpoint string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys a Redis server on scope (a stack) with the configuration cfg, defaults applied.
// It returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Host: cm.Host(cfg.Name), Port: Port}
	m.Endpoint = m.Host + ":" + strconv.Itoa(Port)

	var err error
	m.Server, err = k8s.NewGeneratedSecret(scope, id+"-server", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"password": {}},
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
	hash, err := cm.ConfigHashWith(kit.TLSHashInputs(cfg.TLS), m.Server.Object)
	if err != nil {
		return nil, e.Fail(err)
	}
	appendOnly := "no"
	if kit.Bool(cfg.AppendOnly, true) {
		appendOnly = "yes"
	}
	// The entrypoint stays: given "redis-server" it runs the server as is (as the redis user).
	tls := cfg.TLS.Enabled
	args := []string{"redis-server", "--port", strconv.Itoa(Port)}
	cli := "redis-cli -p " + strconv.Itoa(Port)
	mounts := []k8s.Mount{{Volume: "data", Path: "/data"}}
	volumes := []k8s.Volume{{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: m.Claim.NameRef}}}
	if tls {
		// TLS only, on the same port; clients need no certificate (they send the password).
		args = []string{
			"redis-server", "--port", "0", "--tls-port", strconv.Itoa(Port),
			"--tls-cert-file", tlsDir + "/" + modules.DefaultTLSCertKey,
			"--tls-key-file", tlsDir + "/" + modules.DefaultTLSKeyKey,
			"--tls-ca-cert-file", tlsDir + "/" + modules.DefaultTLSCAKey,
			"--tls-auth-clients", "no",
		}
		cli += " --tls --cacert " + tlsDir + "/" + modules.DefaultTLSCAKey
		mounts = append(mounts, k8s.Mount{Volume: "tls", Path: tlsDir, ReadOnly: true})
		volumes = append(volumes, kit.TLSVolume("tls", cfg.TLS))
	}
	args = append(args,
		"--dir", "/data",
		"--requirepass", "$("+envPassword+")",
		"--appendonly", appendOnly,
		"--maxmemory-policy", cfg.MaxMemoryPolicy,
	)
	if mm := maxMemory(cfg); mm != "" {
		args = append(args, "--maxmemory", mm)
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
				Containers: []k8s.Container{{
					Name:            "redis",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Args:            args,
					Env: []k8s.EnvVar{
						{Name: envPassword, SecretKey: &k8s.KeyRef{Name: m.Server.NameRef, Key: "password"}},
					},
					Ports:     []k8s.Port{{Name: "redis", ContainerPort: Port}},
					Mounts:    mounts,
					Resources: cfg.Resources,
					// Loading a large append-only file can take a while: the startup probe allows 5 minutes.
					Startup:   &k8s.Probe{TCPPort: "redis", PeriodSeconds: 5, FailureThreshold: 60},
					Readiness: &k8s.Probe{Exec: []string{"sh", "-c", cli + " ping | grep -q PONG"}, PeriodSeconds: 10, TimeoutSeconds: 5},
					Liveness:  &k8s.Probe{TCPPort: "redis", PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3},
					Security:  readOnlyRoot(kit.ContainerSecurity()),
				}},
				Volumes: volumes,
			},
		},
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta:     cm.Meta(cfg.Name),
		Selector: cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: "redis", Port: Port, TargetPort: "redis"}},
	})
	if err != nil {
		return nil, e.Fail(err)
	}
	m.Credentials, err = k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-credentials"),
		Data:      map[string]string{"Redis__User": "", "Redis__Password": m.Server.Values["password"]},
		DependsOn: []*k8s.Object{m.Deployment},
	})
	if err != nil {
		return nil, e.Fail(err)
	}

	if m.DisruptionBudget, err = cm.DisruptionBudget(scope, id+"-disruption-budget"); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", false, Port); err != nil {
			return nil, e.Fail(err)
		}
	}

	creds := kit.Ref(m.Credentials)
	out := outputs.NewModule(cfg.Name).
		Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("Redis__EndpointUrl", m.Endpoint).
		Env("Redis__Ssl", strconv.FormatBool(tls)).
		Env("Redis__ClientName", cfg.ClientName).
		Env("Redis__InstanceName", cfg.InstanceName).
		Env("Redis__TtlTimeSpan", cfg.TTL).
		EnvSecret(creds, "Redis__User", "Redis__Password")
	if tls {
		kit.CAMount(out, "Redis__CaPath", cfg.Name+"-ca", cfg.TLS)
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyObject, out)
	return m, nil
}

// readOnlyRoot makes the root filesystem read-only: the server writes only to /data.
func readOnlyRoot(s *k8s.ContainerSecurity) *k8s.ContainerSecurity {
	t := true
	s.ReadOnlyRootFilesystem = &t
	return s
}

// withMemory gives r the default memory request and limit when it sets no memory limit.
func withMemory(r k8s.Resources) k8s.Resources {
	if _, ok := r.Limits["memory"]; ok {
		return r
	}
	limits := map[string]string{"memory": DefaultMemoryLimit}
	for k, v := range r.Limits {
		limits[k] = v
	}
	r.Limits = limits
	if _, ok := r.Requests["memory"]; !ok {
		requests := map[string]string{"memory": DefaultMemoryRequest}
		for k, v := range r.Requests {
			requests[k] = v
		}
		r.Requests = requests
	}
	return r
}

// memoryLimit returns the memory limit of r in bytes.
func memoryLimit(r k8s.Resources) (int64, bool) {
	q, err := resource.ParseQuantity(r.Limits["memory"])
	if err != nil || q.Value() <= 0 {
		return 0, false
	}
	return q.Value(), true
}

// maxMemory is the server's --maxmemory: Config.MaxMemory, else MaxMemoryPercent of the memory
// limit in bytes.
func maxMemory(cfg Config) string {
	if cfg.MaxMemory != "" {
		return strings.ToLower(cfg.MaxMemory)
	}
	if limit, ok := memoryLimit(cfg.Resources); ok {
		return strconv.FormatInt(limit*MaxMemoryPercent/100, 10)
	}
	return ""
}

// redisBytes converts a Redis memory size (memoryRE) to bytes: k, m, g are powers of 1000,
// kb, mb, gb powers of 1024, as redis.conf documents.
func redisBytes(s string) int64 {
	s = strings.ToLower(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, _ := strconv.ParseInt(n, 10, 64)
			return v * u.mult
		}
	}
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}
