package nats

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "nats"

// Ports of the server: clients, and HTTP monitoring (/healthz, read by the probes only).
const (
	Port        = 4222
	MonitorPort = 8222
)

// Defaults.
const (
	DefaultImage      = "nats"
	DefaultTag        = "2.12.7"
	DefaultPullPolicy = "IfNotPresent"
	DefaultUser       = "armonik"
	DefaultSize       = "8Gi"
)

// The official nats image is built FROM scratch: the server binary alone, no user. The pod runs
// it as uid:gid 1000:1000, non-root, owning the claim through fsGroup.
const uid, gid = 1000, 1000

const (
	confDir  = "/etc/nats"
	confFile = confDir + "/nats.conf"
	authFile = confDir + "/auth.conf"
	dataDir  = "/data"
)

// Config configures the NATS module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "nats"): the StatefulSet and Service are <name> (the pod
	// <name>-0), the Secrets <name>-server, <name>-auth and <name>-credentials, the ConfigMap
	// <name>-config, the claim data-<name>-0, the NetworkPolicy <name>.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Core is the Core version ArmoniK runs (default corerules.Pinned; set by the caller, the
	// stacks from armonik.version): its images must ship the NATS adapter (Core 0.36.0 and later).
	Core *corerules.Version `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in Nats__Url (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "nats", the official image).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "2.12.7"); ignored when Image is pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// User is the user ArmoniK connects as (default "armonik"); its password is generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// Resources are the server container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim template of JetStream's file store (default size "8Gi", the
	// cluster's default StorageClass): Core's stream keeps its messages in files.
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// RetainClaims keeps the data claim when the StatefulSet is deleted (default false: the
	// claim is deleted with it, so destroy leaves nothing).
	RetainClaims bool `json:"retain_claims,omitempty" yaml:"retain_claims,omitempty"`
	// Wait makes apply wait until the server is healthy with JetStream on (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the server runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the server run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods may connect to the
	// server, on its client port (default true).
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
	c.User = kit.Or(c.User, DefaultUser)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: "queue", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		Availability: c.Availability, Replicas: 1,
	}
}

// Validate returns every problem of c (after defaults) at once, including a Core version whose
// images ship no NATS adapter.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	kit.ValidateUserName(e, "user", c.User)
	kit.RequireAdapter(e, c.Core, "queue", "Nats")
	return e.Err()
}

// Module is a deployed NATS server with JetStream; it implements outputs.ModuleOutputs.
type Module struct {
	// StatefulSet runs the server; Service exposes the client port and gives the pod its
	// stable name.
	StatefulSet, Service *k8s.Object
	// Server is the Secret <name>-server: the generated password.
	Server *k8s.GeneratedSecret
	// Auth is the Secret <name>-auth: the server's authorization block (key authorization,
	// mounted as auth.conf), built from the password's Terraform reference.
	Auth *k8s.Object
	// Credentials is the Secret <name>-credentials ArmoniK reads: url, the client URL with the
	// user and password (Nats__Url), created once the server is healthy (with Wait).
	Credentials *k8s.Object
	// ServerConfig is the ConfigMap <name>-config holding nats.conf (no credential).
	ServerConfig *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Host is the Service's DNS name, <name>.<namespace>.svc.<cluster domain>.
	Host string
	// Adapter is Core's NATS queue adapter.
	Adapter corerules.Adapter

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys a NATS server with JetStream on scope (a stack) with the configuration cfg,
// defaults applied. It returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	adapter, _ := kit.Core(cfg.Core).Ships("queue", "Nats")
	m := &Module{Host: cm.Host(cfg.Name), Adapter: adapter}

	var err error
	if m.Server, err = k8s.NewGeneratedSecret(scope, id+"-server", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"password": {}},
		Data:      map[string]string{"username": cfg.User},
	}); err != nil {
		return nil, e.Fail(err)
	}
	password := m.Server.Values["password"]
	// The password is quoted in the server's configuration: a generated value may start with a
	// digit, which the configuration parser would otherwise read as a number.
	if m.Auth, err = k8s.NewSecret(scope, id+"-auth", k8s.SecretSpec{
		Meta: cm.Meta(cfg.Name + "-auth"),
		Data: map[string]string{"authorization": k8s.Literal("authorization {\n  user: \""+cfg.User+"\"\n  password: \"") + password + k8s.Literal("\"\n}\n")},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.ServerConfig, err = k8s.NewConfigMap(scope, id+"-config", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-config"),
		Data: map[string]string{"nats.conf": k8s.Literal(serverConf(cfg.Name))},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta:     cm.Meta(cfg.Name),
		Selector: cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: "client", Port: Port, TargetPort: "client"}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(m.Auth, m.ServerConfig)
	if err != nil {
		return nil, e.Fail(err)
	}
	health := func(query string, p k8s.Probe) *k8s.Probe {
		p.HTTPGet = &k8s.HTTPGet{Path: "/healthz?" + query, Port: "monitor"}
		return &p
	}
	one := 1
	if m.StatefulSet, err = k8s.NewStatefulSet(scope, id+"-statefulset", k8s.StatefulSetSpec{
		Meta:         cm.Meta(cfg.Name),
		Replicas:     &one,
		ServiceName:  m.Service.NameRef,
		Selector:     cm.Selector(),
		Claims:       []k8s.ClaimTemplate{{Name: "data", Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass}},
		RetainClaims: cfg.RetainClaims,
		Wait:         kit.Bool(cfg.Wait, true),
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
					Name:            "nats",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Args:            []string{"--config", confFile},
					Ports:           []k8s.Port{{Name: "client", ContainerPort: Port}, {Name: "monitor", ContainerPort: MonitorPort}},
					Mounts: []k8s.Mount{
						{Volume: "data", Path: dataDir},
						{Volume: "config", Path: confFile, SubPath: "nats.conf", ReadOnly: true},
						{Volume: "auth", Path: authFile, SubPath: "auth.conf", ReadOnly: true},
					},
					Resources: cfg.Resources,
					// /healthz?js-enabled-only=true: the server is up with JetStream enabled;
					// js-server-only adds that JetStream is current (nats-server monitoring).
					Startup:   health("js-enabled-only=true", k8s.Probe{PeriodSeconds: 5, FailureThreshold: 60}),
					Readiness: health("js-server-only=true", k8s.Probe{PeriodSeconds: 10}),
					Liveness:  health("js-enabled-only=true", k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security:  kit.ContainerSecurity(),
				}},
				Volumes: []k8s.Volume{
					{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: m.ServerConfig.NameRef}},
					{Name: "auth", Secret: &k8s.SecretVolume{Name: m.Auth.NameRef, DefaultMode: kit.ServerTLSMode,
						Items: []k8s.KeyToPath{{Key: "authorization", Path: "auth.conf"}}}},
				},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	// Core's adapter takes one URL (new NatsClient(Nats__Url)); NATS.Net reads the user and the
	// password from its user information (NatsOpts.ReadUserInfoFromConnectionString).
	url := k8s.Literal("nats://"+cfg.User+":") + password + k8s.Literal("@"+kit.HostPort(m.Host, Port))
	if m.Credentials, err = k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-credentials"),
		Data:      map[string]string{"url": url},
		DependsOn: []*k8s.Object{m.StatefulSet},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", false, Port); err != nil {
			return nil, e.Fail(err)
		}
	}
	if m.DisruptionBudget, err = cm.DisruptionBudget(scope, id+"-disruption-budget"); err != nil {
		return nil, e.Fail(err)
	}

	out := outputs.NewModule(cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", adapter.ClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", adapter.Path).
		EnvFromSecret("Nats__Url", kit.Ref(m.Credentials), "url")
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyQueue, out)
	return m, nil
}

// serverConf is the server's configuration file: client and monitoring ports, JetStream with its
// file store on the claim, and the authorization block included from the Secret.
func serverConf(name string) string {
	return `# Generated by armonik-cdktf (modules/nats).
server_name: ` + name + `
port: ` + strconv.Itoa(Port) + `
http_port: ` + strconv.Itoa(MonitorPort) + `

# ArmoniK Core's NATS adapter publishes to and pulls from one JetStream stream, armonik-stream,
# with file storage and work-queue retention, one subject per partition (it creates the stream
# and adds the subjects itself).
jetstream {
  store_dir: "` + dataDir + `"
}

# One user, whose password is generated (Secret ` + name + `-auth, mounted beside this file).
include ./auth.conf
`
}
