package otel

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label.
const Kind = "otel"

// The keys ArmoniK Core reads for tracing (Control/Submitter/src/Program.cs and
// Compute/PollingAgent/src/Program.cs at 0.37.2: builder.Configuration["OTLP:Uri"] and
// ["OTLP:AuthToken"]).
const (
	// URIEnv is the OTLP endpoint; Core exports traces only when it is set (gRPC, the .NET
	// exporter's default protocol).
	URIEnv = "OTLP__Uri"
	// AuthTokenEnv is sent as "Authorization: Bearer <token>" with every export.
	AuthTokenEnv = "OTLP__AuthToken"
)

// Defaults and facts of the images (see the package documentation for their sources).
const (
	DefaultName        = "otel-collector"
	DefaultImage       = "otel/opentelemetry-collector"
	DefaultTag         = "0.159.0"
	DefaultJaegerImage = "jaegertracing/jaeger"
	DefaultJaegerTag   = "2.20.0"
	DefaultPullPolicy  = "IfNotPresent"
	DefaultTokenKey    = "token"
	// DefaultMaxTraces bounds Jaeger's in-memory store (its all-in-one default).
	DefaultMaxTraces = 100000

	// OTLP ports of the collector and of Jaeger; the health check and the UI.
	GRPCPort     = 4317
	HTTPPort     = 4318
	HealthPort   = 13133
	JaegerUIPort = 16686

	configDir = "/etc/otelcol-armonik"
	// uid is the user of both images (ARG USER_UID=10001).
	uid = int64(10001)
)

// Jaeger is the trace backend of the localhost stack: Jaeger all-in-one, traces in memory.
type Jaeger struct {
	// Image (default jaegertracing/jaeger).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag (default 2.20.0).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
}

// Forward is an OTLP/gRPC backend the collector sends the traces to.
type Forward struct {
	// Endpoint is host:port of the backend's OTLP/gRPC receiver.
	Endpoint string `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	// Insecure sends in clear text (default false: TLS with the system's CAs).
	Insecure bool `json:"insecure,omitempty" yaml:"insecure,omitempty"`
}

// Config configures tracing: an OpenTelemetry collector in the cluster (with Jaeger, or
// forwarding to a backend), or only the endpoint of a collector running elsewhere.
type Config struct {
	// Name of the instance (default "otel-collector"): the collector's Deployment and Service,
	// the ConfigMap <name>-config, and <name>-jaeger.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects (set by the stack).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Services' DNS names (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Endpoint is the OTLP/gRPC URL of a collector running elsewhere (http(s)://host:port):
	// then nothing is deployed and ArmoniK exports there. "" (default) deploys a collector.
	Endpoint string `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	// AuthToken sends a bearer token to Endpoint, from ExistingSecret or, when that is empty,
	// from the sensitive Terraform variable <name>_auth_token ('-' becomes '_'), put into the
	// Secret <name>-credentials (default false).
	AuthToken bool `json:"auth_token,omitempty" yaml:"auth_token,omitempty"`
	// ExistingSecret holds the token (key TokenKey) in the namespace.
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// TokenKey is the Secret's key holding the token (default "token").
	TokenKey string `json:"token_key,omitempty" yaml:"token_key,omitempty"`
	// Image of the collector (default otel/opentelemetry-collector, the core distribution).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the collector image (default 0.159.0).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the images (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the collector.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector of the pods.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pods.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// Jaeger deploys Jaeger all-in-one as the backend (in memory; the localhost stack's
	// default). Without Jaeger and Forward, the collector prints the traces it receives.
	Jaeger *Jaeger `json:"jaeger,omitempty" yaml:"jaeger,omitempty"`
	// Forward sends the traces to a backend (with or instead of Jaeger).
	Forward *Forward `json:"forward,omitempty" yaml:"forward,omitempty"`
	// Wait waits for the rollouts (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicies <name> (only Senders may send traces) and
	// <name>-jaeger (only the collector may send, only UIClients may browse) (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Senders may send traces (default: ArmoniK's pods of the namespace).
	Senders []k8s.PolicyPeer `json:"-" yaml:"-"`
	// UIClients may reach Jaeger's UI from inside the cluster (kubectl port-forward needs
	// nothing).
	UIClients []k8s.PolicyPeer `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, DefaultName)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.TokenKey = kit.Or(c.TokenKey, DefaultTokenKey)
	if c.Jaeger != nil {
		j := *c.Jaeger
		j.Image = kit.Or(j.Image, DefaultJaegerImage)
		j.Tag = kit.Or(j.Tag, DefaultJaegerTag)
		c.Jaeger = &j
	}
	if c.Senders == nil {
		c.Senders = []k8s.PolicyPeer{{PodSelector: kit.ConsumerSelector()}}
	}
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() obs.Common {
	return obs.Common{
		Kind: Kind, Component: "tracing", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "tracing", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	return []kit.Credential{{Env: AuthTokenEnv, Key: c.TokenKey, Field: "token_key", Var: "auth_token", What: "the bearer token of the OTLP endpoint"}}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	if c.Endpoint != "" {
		kit.ValidateName(e, c.Name)
		if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Port() == "" || u.User != nil {
			e.Add("endpoint", "%q must be the OTLP/gRPC URL of a collector, http(s)://host:port, without credentials", c.Endpoint)
		}
		if c.Jaeger != nil || c.Forward != nil {
			e.Add("endpoint", "deploys nothing: leave jaeger and forward empty (the collector at the endpoint decides where traces go)")
		}
		if c.AuthToken {
			ep := c.endpoint()
			ep.ValidateCredentials(e, c.ExistingSecret, c.credentials())
		}
		return e.Err()
	}
	cm := c.common()
	cm.Validate(e)
	if c.AuthToken || c.ExistingSecret != "" {
		e.Add("auth_token", "only with endpoint: the in-cluster collector (core distribution) checks no token; the NetworkPolicy limits who may send")
	}
	if j := c.Jaeger; j != nil {
		kit.ValidateImage(e, "jaeger.", j.Image, j.Tag, c.PullPolicy)
		kit.ValidateResources(e, "jaeger.resources", j.Resources)
	}
	if f := c.Forward; f != nil {
		host, port, ok := strings.Cut(f.Endpoint, ":")
		n, err := strconv.Atoi(port)
		if !ok || err != nil || n < 1 || n > 65535 || len(validation.IsDNS1123Subdomain(host)) > 0 && !isIP(host) {
			e.Add("forward.endpoint", "%q must be host:port", f.Endpoint)
		}
	}
	obs.ValidatePeers(e, "senders", c.Senders)
	obs.ValidatePeers(e, "ui_clients", c.UIClients)
	return e.Err()
}

func isIP(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.') {
			return false
		}
	}
	return s != ""
}

// Module is tracing for ArmoniK. It implements outputs.ModuleOutputs with the endpoint alone
// (OTLP__Uri). Auth, when a token is configured, holds OTLP__AuthToken. List both in ArmoniK's
// control and polling layers only: the Submitter and the polling agent are the components that
// read them, so that no other container receives the token or a key it never reads.
type Module struct {
	// Collector is the collector's Deployment, Service its Service, Config its ConfigMap
	// <name>-config (nil with Endpoint).
	Collector, Service, Config *k8s.Object
	// Jaeger and JaegerService run the backend (nil without Config.Jaeger).
	Jaeger, JaegerService *k8s.Object
	// NetworkPolicies of the collector and of Jaeger.
	NetworkPolicies []*k8s.Object
	// Credentials is the Secret <name>-credentials made from the sensitive variable (nil
	// otherwise); Variables the variables declared.
	Credentials *k8s.Object
	Variables   []*k8s.Variable
	// URI is OTLP__Uri.
	URI string
	// JaegerUIService and JaegerUIPort are what kubectl port-forward takes.
	JaegerUIService string
	JaegerUIPort    int
	// Auth gives OTLP__AuthToken (nil without a token).
	Auth outputs.ModuleOutputs

	kit.ModuleOutputs
}

// New deploys tracing on scope with the configuration cfg, defaults applied. It returns every
// configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{}
	if cfg.Endpoint != "" {
		m.URI = cfg.Endpoint
		if cfg.AuthToken {
			auth := outputs.NewModule(cfg.Name + "-auth")
			ep := cfg.endpoint()
			sec, vars, err := ep.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), auth)
			if err != nil {
				return nil, e.Fail(err)
			}
			m.Credentials, m.Variables, m.Auth = sec, vars, auth
		}
		m.ModuleOutputs = kit.NewModuleOutputs("", outputs.NewModule(cfg.Name).Env(URIEnv, m.URI))
		return m, nil
	}
	cm := cfg.common()
	m.URI = cm.URL(cfg.Name, GRPCPort)
	var err error
	jaegerHost := ""
	if j := cfg.Jaeger; j != nil {
		if err := m.jaeger(scope, id, &cfg, j); err != nil {
			return nil, e.Fail(err)
		}
		jaegerHost = cm.Host(cfg.Name + "-jaeger")
	}
	if m.Config, err = k8s.NewConfigMap(scope, id+"-config", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-config"),
		Data: map[string]string{"config.yaml": k8s.Literal(collectorConfig(jaegerHost, cfg.Forward))},
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(nil, m.Config)
	if err != nil {
		return nil, e.Fail(err)
	}
	health := func(p k8s.Probe) *k8s.Probe { p.HTTPGet = &k8s.HTTPGet{Path: "/", Port: "health"}; return &p }
	user := uid
	replicas := 1
	if m.Collector, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta: cm.Meta(cfg.Name), Replicas: &replicas, Selector: cm.Selector(), Wait: kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels: cm.Labels(), Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name: "collector", Image: cm.ImageRef(), ImagePullPolicy: cfg.PullPolicy,
					// The image's entrypoint is /otelcol; its own config is replaced.
					Args: []string{"--config=" + configDir + "/config.yaml"},
					Ports: []k8s.Port{
						{Name: "otlp-grpc", ContainerPort: GRPCPort},
						{Name: "otlp-http", ContainerPort: HTTPPort},
						{Name: "health", ContainerPort: HealthPort},
					},
					Mounts:    []k8s.Mount{{Volume: "config", Path: configDir, ReadOnly: true}},
					Resources: cfg.Resources,
					Readiness: health(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3}),
					Liveness:  health(k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security:  secure(),
				}},
				Volumes: []k8s.Volume{{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: m.Config.NameRef}}},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: cm.Meta(cfg.Name), Selector: cm.Selector(),
		Ports: []k8s.ServicePort{
			{Name: "otlp-grpc", Port: GRPCPort, TargetPort: "otlp-grpc"},
			{Name: "otlp-http", Port: HTTPPort, TargetPort: "otlp-http"},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		np, err := cm.NetworkPolicy(scope, id+"-network-policy", []obs.PortPeers{
			{Port: GRPCPort, From: cfg.Senders}, {Port: HTTPPort, From: cfg.Senders},
		})
		if err != nil {
			return nil, e.Fail(err)
		}
		m.NetworkPolicies = append(m.NetworkPolicies, np)
	}
	m.ModuleOutputs = kit.NewModuleOutputs("", outputs.NewModule(cfg.Name).Env(URIEnv, m.URI))
	return m, nil
}

// jaeger deploys Jaeger all-in-one: its default configuration (no arguments) receives OTLP,
// keeps traces in memory and serves the UI; JAEGER_LISTEN_HOST=0.0.0.0 is set by the image.
func (m *Module) jaeger(scope constructs.Construct, id string, cfg *Config, j *Jaeger) error {
	cm := cfg.common()
	cm.Component = "tracing-backend"
	cm.Name = cfg.Name + "-jaeger"
	name := cm.Name
	// The Kind label stays "otel"; the instance and component tell the pods apart.
	user := uid
	replicas := 1
	tcp := func(p k8s.Probe) *k8s.Probe { p.TCPPort = "ui"; return &p }
	var err error
	if m.Jaeger, err = k8s.NewDeployment(scope, id+"-jaeger", k8s.DeploymentSpec{
		Meta: cm.Meta(name), Replicas: &replicas, Selector: cm.Selector(), Wait: kit.Bool(cfg.Wait, true),
		// Traces live in memory: a second pod would hold other traces.
		Strategy: "Recreate",
		Template: k8s.PodTemplate{
			Labels: cm.Labels(),
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name: "jaeger", Image: obs.ImageRef(j.Image, j.Tag), ImagePullPolicy: cfg.PullPolicy,
					Ports: []k8s.Port{
						{Name: "otlp-grpc", ContainerPort: GRPCPort},
						{Name: "ui", ContainerPort: JaegerUIPort},
					},
					Mounts:    []k8s.Mount{{Volume: "tmp", Path: "/tmp"}},
					Resources: j.Resources,
					Readiness: tcp(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3}),
					Liveness:  tcp(k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security:  secure(),
				}},
				// The image declares VOLUME /tmp.
				Volumes: []k8s.Volume{{Name: "tmp", EmptyDir: &k8s.EmptyDirVolume{SizeLimit: "256Mi"}}},
			},
		},
	}); err != nil {
		return err
	}
	if m.JaegerService, err = k8s.NewService(scope, id+"-jaeger-service", k8s.ServiceSpec{
		Meta: cm.Meta(name), Selector: cm.Selector(),
		Ports: []k8s.ServicePort{
			{Name: "otlp-grpc", Port: GRPCPort, TargetPort: "otlp-grpc"},
			{Name: "ui", Port: JaegerUIPort, TargetPort: "ui"},
		},
	}); err != nil {
		return err
	}
	m.JaegerUIService, m.JaegerUIPort = name, JaegerUIPort
	if kit.Bool(cfg.NetworkPolicy, true) {
		collector := cfg.common()
		np, err := cm.NetworkPolicy(scope, id+"-jaeger-network-policy", []obs.PortPeers{
			{Port: GRPCPort, From: []k8s.PolicyPeer{{PodSelector: collector.Selector()}}},
			{Port: JaegerUIPort, From: cfg.UIClients},
		})
		if err != nil {
			return err
		}
		m.NetworkPolicies = append(m.NetworkPolicies, np)
	}
	return nil
}

func secure() *k8s.ContainerSecurity {
	f, t := false, true
	return &k8s.ContainerSecurity{
		AllowPrivilegeEscalation: &f, Privileged: &f, ReadOnlyRootFilesystem: &t,
		DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
	}
}

// collectorConfig is the collector's configuration: OTLP in (gRPC and HTTP), memory_limiter
// then batch, out to Jaeger and/or the forward backend over OTLP/gRPC (otlp_grpc, the
// exporter's name in the 0.159 core distribution), or to the debug exporter when neither.
func collectorConfig(jaegerHost string, fwd *Forward) string {
	var exporters, names []string
	if jaegerHost != "" {
		exporters = append(exporters,
			"  otlp_grpc/jaeger:",
			"    endpoint: "+jaegerHost+":"+strconv.Itoa(GRPCPort),
			"    tls:",
			"      insecure: true")
		names = append(names, "otlp_grpc/jaeger")
	}
	if fwd != nil {
		exporters = append(exporters,
			"  otlp_grpc/forward:",
			"    endpoint: "+fwd.Endpoint,
			"    tls:",
			"      insecure: "+strconv.FormatBool(fwd.Insecure))
		names = append(names, "otlp_grpc/forward")
	}
	if len(names) == 0 {
		exporters = append(exporters, "  debug:", "    verbosity: basic")
		names = append(names, "debug")
	}
	lines := []string{
		"receivers:",
		"  otlp:",
		"    protocols:",
		"      grpc:",
		"        endpoint: 0.0.0.0:" + strconv.Itoa(GRPCPort),
		"      http:",
		"        endpoint: 0.0.0.0:" + strconv.Itoa(HTTPPort),
		"processors:",
		"  memory_limiter:",
		"    check_interval: 1s",
		"    limit_percentage: 80",
		"    spike_limit_percentage: 25",
		"  batch: {}",
		"exporters:",
	}
	lines = append(lines, exporters...)
	lines = append(lines,
		"extensions:",
		"  health_check:",
		"    endpoint: 0.0.0.0:"+strconv.Itoa(HealthPort),
		"service:",
		"  extensions: [health_check]",
		"  pipelines:",
		"    traces:",
		"      receivers: [otlp]",
		"      processors: [memory_limiter, batch]",
		"      exporters: ["+strings.Join(names, ", ")+"]",
		"")
	return strings.Join(lines, "\n")
}
