package rabbitmq

import (
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "rabbitmq"

// Values ArmoniK Core reads (armonik-reference §5.1-5.2, Infra storage/onpremise/rabbitmq):
// from Core 0.36, the same AMQP 1.0 adapter as ActiveMQ's; before, Core's own RabbitMQ adapter
// (AMQP 0-9-1), which Config.Core selects (see the package documentation).
const (
	// QueueAdapterClassName is Components__QueueAdaptorSettings__ClassName from Core 0.36.
	QueueAdapterClassName = "ArmoniK.Core.Adapters.Amqp.QueueBuilder"
	// QueueAdapterPath is Components__QueueAdaptorSettings__AdapterAbsolutePath from Core 0.36.
	QueueAdapterPath = "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll"
	// Rabbit091ClassName and Rabbit091Path are the AMQP 0-9-1 adapter of Core < 0.36 (Core 0.34.5
	// Dockerfile: /adapters/queue/rabbit; Adaptors/RabbitMQ/src/QueueBuilder.cs).
	Rabbit091ClassName = "ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder"
	Rabbit091Path      = "/adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll"
	// MaxPriority091 is the highest x-max-priority RabbitMQ accepts on a classic queue, which
	// the 0-9-1 adapter declares with Amqp__MaxPriority (RabbitMQ docs, "Priority Queue Support").
	MaxPriority091 = 255
	// Port is the AMQP port (0-9-1 and 1.0) of the broker and of its Service; TLSPort replaces
	// it with TLS on.
	Port    = 5672
	TLSPort = 5671
	// Scheme is Amqp__Scheme without TLS, TLSScheme with it.
	Scheme    = "AMQP"
	TLSScheme = "AMQPS"
)

// Defaults.
const (
	DefaultImage      = "rabbitmq"
	DefaultTag        = "4.1-management"
	DefaultPullPolicy = "IfNotPresent"
	DefaultUser       = "armonik"
	DefaultSize       = "8Gi"
	// DefaultCAPath is Amqp__CaPath with TLS on: upstream's /amqp/ca.pem (Infra
	// storage/onpremise/rabbitmq/outputs.tf).
	DefaultCAPath = "/amqp/ca.pem"
)

// The rabbitmq user and group of the official image are 999:999 (groupadd/useradd --uid 999 in
// its Dockerfile); started as that user, the entrypoint runs the server directly.
const uid, gid = 999, 999

const (
	// mnesiaDir is RABBITMQ_MNESIA_BASE, where the node keeps everything (metadata, message
	// stores, feature flags): the claim. HOME (/var/lib/rabbitmq, with the Erlang cookie) stays
	// in the container, see the package doc.
	mnesiaDir = "/var/lib/rabbitmq/mnesia"
	confFile  = "/etc/rabbitmq/conf.d/90-armonik.conf"
	tlsDir    = "/etc/rabbitmq/tls"
)

// Config configures the RabbitMQ module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "rabbitmq"): the StatefulSet and Service are <name> (the pod
	// <name>-0), the Secrets <name>-server and <name>-credentials, the ConfigMap <name>-config,
	// the claim data-<name>-0, the NetworkPolicy <name>. None is shared with ActiveMQ.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Core is the Core version ArmoniK runs, whose adapters and keys the module's outputs match
	// (default corerules.Pinned, the Core of armonik.version 2.23.0; set by the caller, the
	// stacks from armonik.version; see modules/kit/version.go).
	Core *corerules.Version `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in Amqp__Host (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the broker image (default "rabbitmq", the official image).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "4.1-management"); ignored when Image is pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// User is the broker user ArmoniK connects as (default "armonik"); its password is
	// generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// Resources are the broker container's requests and limits (default none). RabbitMQ sizes
	// its memory alarm from the container's memory limit.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim template of the node's data (default size "8Gi", the cluster's
	// default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// RetainClaims keeps the data claim when the StatefulSet is deleted (default false: the
	// claim is deleted with it, so destroy leaves nothing).
	RetainClaims bool `json:"retain_claims,omitempty" yaml:"retain_claims,omitempty"`
	// Wait makes apply wait until the broker accepts connections (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the broker runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the broker run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// TLS serves AMQPS on 5671 with the user's certificate instead of AMQP on 5672 (default
	// off; ArmoniK reads the CA at /amqp/ca.pem). See modules.TLS.
	TLS modules.TLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods may connect to the
	// broker, on its AMQP port (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// AMQP holds Amqp__MaxPriority (max_priority, default 10) and Amqp__AllowInsecureTls
	// (allow_insecure_tls, TLS only). See modules.AMQP.
	modules.AMQP `json:",inline" yaml:",inline"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.AMQP = c.AMQP.WithDefaults()
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.User = kit.Or(c.User, DefaultUser)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.TLS = c.TLS.WithDefaults(DefaultCAPath)
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

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	kit.ValidateUserName(e, "user", c.User)
	if c.User == "guest" {
		e.Add("user", "%q is RabbitMQ's well-known default user, limited to localhost connections; choose another name", c.User)
	}
	kit.ValidateTLS(e, c.TLS)
	kit.ValidateAMQP(e, c.AMQP, c.TLS.Enabled, c.Core)
	if a, ok := c.adapter(e); ok && a.Name == "RabbitMQ" && c.MaxPriority > MaxPriority091 {
		e.Add("max_priority", "%d is above %d: Core %s's RabbitMQ adapter declares its queues with x-max-priority = max_priority, which RabbitMQ refuses above %d",
			c.MaxPriority, MaxPriority091, kit.Core(c.Core).Core, MaxPriority091)
	}
	return e.Err()
}

// adapter is the queue adapter Core reaches RabbitMQ with: its own AMQP 0-9-1 adapter where the
// images ship it (Core < 0.36), else the AMQP 1.0 adapter.
func (c *Config) adapter(e *kit.Errors) (corerules.Adapter, bool) {
	if a, err := kit.Core(c.Core).Ships("queue", "RabbitMQ"); err == nil {
		return a, true
	}
	return kit.RequireAdapter(e, c.Core, "queue", "Amqp")
}

// Module is a deployed RabbitMQ broker; it implements outputs.ModuleOutputs.
type Module struct {
	// StatefulSet runs the broker; Service exposes AMQP (or AMQPS) and gives the pod its stable
	// name.
	StatefulSet, Service *k8s.Object
	// Server is the Secret <name>-server the broker reads: username and password (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials ArmoniK reads whole: Amqp__User and
	// Amqp__Password, the same values, created once the broker is ready (with Wait), so that
	// ArmoniK's pods start after it.
	Credentials *k8s.Object
	// BrokerConfig is the ConfigMap <name>-config holding 90-armonik.conf (no credential).
	BrokerConfig *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Host is the Service's DNS name, <name>.<namespace>.svc.<cluster domain>; Port its port
	// (Port, or TLSPort with TLS on).
	Host string
	Port int
	// Adapter is the Core queue adapter ArmoniK reaches the broker with (AMQP 1.0, or the AMQP
	// 0-9-1 RabbitMQ adapter of Core < 0.36).
	Adapter corerules.Adapter

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys a RabbitMQ broker on scope (a stack) with the configuration cfg, defaults
// applied. It returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	tls := cfg.TLS.Enabled
	port, portName, scheme := Port, "amqp", Scheme
	if tls {
		port, portName, scheme = TLSPort, "amqps", TLSScheme
	}
	adapter, _ := cfg.adapter(e)
	m := &Module{Host: cm.Host(cfg.Name), Port: port, Adapter: adapter}

	var err error
	if m.Server, err = k8s.NewGeneratedSecret(scope, id+"-server", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"password": {}},
		Data:      map[string]string{"username": cfg.User},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.BrokerConfig, err = k8s.NewConfigMap(scope, id+"-config", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-config"),
		Data: map[string]string{"90-armonik.conf": k8s.Literal(brokerConf(tls, adapter.Name == "RabbitMQ"))},
	}); err != nil {
		return nil, e.Fail(err)
	}
	// One Service: ArmoniK's endpoint, and the StatefulSet's service name (the node name,
	// rabbit@<name>-0, comes from the pod's host name, which needs no DNS record).
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta:     cm.Meta(cfg.Name),
		Selector: cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: portName, Port: port, TargetPort: portName}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHashWith(kit.TLSHashInputs(cfg.TLS), m.Server.Object, m.BrokerConfig)
	if err != nil {
		return nil, e.Fail(err)
	}
	server := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Server.NameRef, Key: k} }
	tcp := func(p k8s.Probe) *k8s.Probe { p.TCPPort = portName; return &p }
	mounts := []k8s.Mount{
		{Volume: "data", Path: mnesiaDir},
		{Volume: "config", Path: confFile, SubPath: "90-armonik.conf", ReadOnly: true},
	}
	volumes := []k8s.Volume{{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: m.BrokerConfig.NameRef}}}
	if tls {
		mounts = append(mounts, k8s.Mount{Volume: "tls", Path: tlsDir, ReadOnly: true})
		volumes = append(volumes, kit.TLSVolume("tls", cfg.TLS))
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
					Name:            "rabbitmq",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Env: []k8s.EnvVar{
						// Read by the server (not the entrypoint) on the first boot of an empty
						// node: the one user, instead of guest.
						{Name: "RABBITMQ_DEFAULT_USER", SecretKey: server("username")},
						{Name: "RABBITMQ_DEFAULT_PASS", SecretKey: server("password")},
						{Name: "RABBITMQ_MNESIA_BASE", Value: mnesiaDir},
					},
					Ports:     []k8s.Port{{Name: portName, ContainerPort: port}},
					Mounts:    mounts,
					Resources: cfg.Resources,
					// Listeners open at the end of the boot: the startup probe allows 5 minutes.
					Startup:   tcp(k8s.Probe{PeriodSeconds: 5, FailureThreshold: 60}),
					Readiness: tcp(k8s.Probe{PeriodSeconds: 10}),
					Liveness:  tcp(k8s.Probe{PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security:  kit.ContainerSecurity(),
				}},
				Volumes: volumes,
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Credentials, err = k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-credentials"),
		Data:      map[string]string{"Amqp__User": cfg.User, "Amqp__Password": m.Server.Values["password"]},
		DependsOn: []*k8s.Object{m.StatefulSet},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.DisruptionBudget, err = cm.DisruptionBudget(scope, id+"-disruption-budget"); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", false, port); err != nil {
			return nil, e.Fail(err)
		}
	}

	creds := kit.Ref(m.Credentials)
	out := outputs.NewModule(cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", adapter.ClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", adapter.Path).
		Env("Amqp__Host", m.Host).
		Env("Amqp__Port", strconv.Itoa(port)).
		Env("Amqp__Scheme", scheme).
		EnvSecret(creds, "Amqp__User", "Amqp__Password")
	kit.AMQPOutputs(out, cfg.AMQP)
	if tls {
		kit.CAMount(out, "Amqp__CaPath", cfg.Name+"-ca", cfg.TLS)
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyQueue, out)
	return m, nil
}

// brokerConf is the configuration file added to the image's conf.d (after its 10-defaults.conf).
// v091 says that Core reaches the broker with its AMQP 0-9-1 adapter (Core < 0.36).
func brokerConf(tls, v091 bool) string {
	var b strings.Builder
	b.WriteString("# Generated by armonik-cdktf (modules/rabbitmq).\n")
	if v091 {
		b.WriteString(`
# ArmoniK Core < 0.36 speaks AMQP 0-9-1 (its RabbitMQ adapter) and declares one classic queue
# per partition, non-durable and non-exclusive (QueueDeclare(partition, durable: false,
# exclusive: false, autoDelete: false), x-max-priority): transient non-exclusive queues,
# deprecated since RabbitMQ 4.0 but permitted by default. Permit them explicitly, so a release
# that denies them by default keeps working.
deprecated_features.permit.transient_nonexcl_queues = true
`)
	} else {
		b.WriteString(`
# ArmoniK Core 0.37.2 attaches to bare AMQP 1.0 addresses (<partition>###q<level>) that RabbitMQ
# declares on the fly: the address format v1, deprecated since RabbitMQ 4.0 but permitted by
# default. Permit it explicitly, so a release that denies it by default keeps working.
deprecated_features.permit.amqp_address_v1 = true
`)
	}
	if tls {
		b.WriteString(`
# TLS only: AMQPS on ` + strconv.Itoa(TLSPort) + `, no plain listener. Clients authenticate with their password (no
# client certificate).
listeners.tcp = none
listeners.ssl.default = ` + strconv.Itoa(TLSPort) + `
ssl_options.certfile = ` + tlsDir + "/" + modules.DefaultTLSCertKey + `
ssl_options.keyfile = ` + tlsDir + "/" + modules.DefaultTLSKeyKey + `
ssl_options.cacertfile = ` + tlsDir + "/" + modules.DefaultTLSCAKey + `
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
`)
	} else {
		b.WriteString(`
# AMQP 0-9-1 and 1.0 on ` + strconv.Itoa(Port) + `.
listeners.tcp.default = ` + strconv.Itoa(Port) + `
`)
	}
	return b.String()
}
