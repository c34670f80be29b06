// Package prometheus deploys an in-cluster Prometheus that scrapes ArmoniK out of the box, and
// gives it to its consumers as an outputs.MetricsSource (its in-cluster URL). It is not an
// AEP 5 module: it feeds no container's environment. External is the same contract for a
// Prometheus the cluster already runs.
//
// Objects (all named after Config.Name, default "prometheus", in Config.Namespace):
//
//   - Deployment <name> (one replica, Recreate: the claim is ReadWriteOnce) running
//     prom/prometheus:v3.5.1 (the tag ArmoniK 2.23.0 pins) as nobody (65534) with a read-only
//     root filesystem, every capability dropped and the RuntimeDefault seccomp profile; the data
//     in the claim <name>-data at /prometheus, kept Retention (default 15d); probes on
//     /-/ready and /-/healthy.
//   - ConfigMap <name>-config: prometheus.yml. Its jobs: "prometheus" (itself),
//     "metrics-exporter" (the static target <metrics-exporter Service>.<ns>.svc.<domain>:9419
//     with the label namespace=<ns>, so queries can tell two ArmoniK deployments apart; the
//     gauges armonik_<partition>_tasks_<status> of Core's Control/Metrics/src/ArmoniKMeter.cs),
//     "polling-agents" (every compute-plane pod of the namespace found by Kubernetes service
//     discovery, on the agent's port 1080, /metrics: Core's OpenTelemetry meter, among which
//     TaskStartTime_Seconds, with the labels kubernetes_namespace, kubernetes_pod_name,
//     kubernetes_pod_node_name and partition, the labels the pod-deletion-cost updater reads,
//     as upstream's Infra monitoring/onpremise/prometheus/prometheus-configmap.tf produces
//     them), then Config.Jobs, then Config.Targets: the exporters' jobs (modules.ScrapeTarget:
//     a Service's address, or every address of a headless Service through dns_sd_configs for
//     a DaemonSet such as node-exporter). The pods roll when it changes (config-hash
//     annotation).
//   - ServiceAccount <name> with a Role <name> (get, list and watch pods, in the namespace
//     only) and its RoleBinding: service discovery of the polling agents needs nothing more.
//     Upstream bound a ClusterRole over namespaces, nodes, services and endpoints to the
//     namespace's default ServiceAccount.
//   - Service <name> (ClusterIP, port 9090).
//   - NetworkPolicy <name> (default on): ingress on 9090 only from ArmoniK's pods
//     (app.kubernetes.io/part-of=armonik, the pod-deletion-cost updater among them), from the
//     namespaces of QueryNamespaces (default keda: KEDA's operator evaluates the triggers) and
//     from AllowFrom; egress only to DNS (port 53), to the metrics exporter's and the polling
//     agents' pods on 1080, to the Kubernetes API (APIServerCIDR, ports 443 and 6443: service
//     discovery), to the pods of Config.Jobs and to those of Config.Targets (by pod and
//     namespace selector). Targets on the host's network (node-exporter) are nodes, which no
//     pod selector matches: they are admitted by address, NodeCIDR (default 0.0.0.0/0) on
//     their port only. CNIs that never match cluster nodes with ipBlock rules (Cilium: use a
//     CiliumNetworkPolicy with toEntities host and remote-node) need their own rule for them,
//     or network_policy: false.
//
// The module scrapes the ArmoniK of its own namespace (install it beside ArmoniK).
package prometheus

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "prometheus"

// Port is Prometheus's HTTP port (API and UI), of the container and of the Service.
const Port = 9090

// Defaults.
const (
	DefaultImage          = "prom/prometheus"
	DefaultTag            = "v3.5.1"
	DefaultPullPolicy     = "IfNotPresent"
	DefaultSize           = "8Gi"
	DefaultRetention      = "15d"
	DefaultScrapeInterval = "15s"
	// DefaultMetricsExporter is the Service name of ArmoniK's metrics exporter.
	DefaultMetricsExporter = "metrics-exporter"
	// DefaultMetricsExporterPort is its Service port.
	DefaultMetricsExporterPort = 9419
	// DefaultAPIServerCIDR admits the Kubernetes API wherever it is: the API server is not a
	// pod, so a NetworkPolicy can only name it by address.
	DefaultAPIServerCIDR = "0.0.0.0/0"
	// DefaultNodeCIDR admits the nodes' addresses wherever they are, for the scrape targets on
	// the host's network (node-exporter), on their port only.
	DefaultNodeCIDR = "0.0.0.0/0"
	// DefaultKEDANamespace is where KEDA usually runs (modules/keda's default).
	DefaultKEDANamespace = "keda"
)

// nobody is the user of the prom/prometheus image.
const nobody = 65534

const (
	configDir = "/etc/prometheus"
	dataDir   = "/prometheus"
)

// Config configures the Prometheus module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "prometheus"): the Deployment, Service, ServiceAccount, Role
	// and NetworkPolicy are <name>, the ConfigMap <name>-config, the claim <name>-data.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created, ArmoniK's namespace (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain of the URLs (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "prom/prometheus").
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "v3.5.1"); ignored when Image is pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources are the server container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding the time series (default size "8Gi", the cluster's default
	// StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// Retention is how long samples are kept, a Prometheus duration such as "15d" (default "15d").
	Retention string `json:"retention,omitempty" yaml:"retention,omitempty"`
	// ScrapeInterval is how often every target is scraped, a Prometheus duration (default "15s").
	ScrapeInterval string `json:"scrape_interval,omitempty" yaml:"scrape_interval,omitempty"`
	// MetricsExporter is the Service name of ArmoniK's metrics exporter (default
	// "metrics-exporter").
	MetricsExporter string `json:"metrics_exporter,omitempty" yaml:"metrics_exporter,omitempty"`
	// MetricsExporterPort is the port of that Service (default 9419).
	MetricsExporterPort int `json:"metrics_exporter_port,omitempty" yaml:"metrics_exporter_port,omitempty"`
	// Jobs are more scrape jobs of static targets (default none).
	Jobs []Job `json:"jobs,omitempty" yaml:"jobs,omitempty"`
	// Wait makes apply wait until the server is ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the server runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the server run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// PriorityClassName is the server pod's PriorityClass (default none; the stacks set
	// ArmoniK's system class when armonik.priority_classes is enabled: the partitions scale on
	// what this server answers, so a worker must not preempt it).
	PriorityClassName string `json:"priority_class_name,omitempty" yaml:"priority_class_name,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name> restricting the server's ingress and egress
	// (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// QueryNamespaces are namespaces whose pods may query the server (default ["keda"]: KEDA's
	// operator evaluates the prometheus triggers). ArmoniK's own pods always may.
	QueryNamespaces []string `json:"query_namespaces,omitempty" yaml:"query_namespaces,omitempty"`
	// AllowFrom are more pods of the namespace that may query the server, by labels (e.g. a
	// Grafana: {app.kubernetes.io/name: grafana}).
	AllowFrom []map[string]string `json:"allow_from,omitempty" yaml:"allow_from,omitempty"`
	// APIServerCIDR is where the Kubernetes API server is, for the egress rule of service
	// discovery (default "0.0.0.0/0" on ports 443 and 6443: a NetworkPolicy cannot name the API
	// server otherwise; narrow it to your control plane's addresses). CNIs that never match
	// cluster nodes with ipBlock rules (Cilium) need their own rule for the API server, or
	// network_policy: false.
	APIServerCIDR string `json:"api_server_cidr,omitempty" yaml:"api_server_cidr,omitempty"`
	// NodeCIDR holds the nodes' addresses, for the egress rule of the scrape targets on the
	// host's network, such as node-exporter (default "0.0.0.0/0", on those targets' ports
	// only; narrow it to your nodes' network). The same CNI caveat as api_server_cidr applies.
	NodeCIDR string `json:"node_cidr,omitempty" yaml:"node_cidr,omitempty"`
	// Targets are the exporters' scrape jobs (modules.ScrapeSource: node-exporter,
	// kube-state-metrics, the MongoDB exporter); the stack sets them.
	Targets []modules.ScrapeTarget `json:"-" yaml:"-"`
}

// Job is a scrape job of static targets.
type Job struct {
	// Name is the job label (job_name).
	Name string `json:"name" yaml:"name"`
	// Targets are host:port addresses.
	Targets []string `json:"targets" yaml:"targets"`
	// MetricsPath (default "/metrics").
	MetricsPath string `json:"metrics_path,omitempty" yaml:"metrics_path,omitempty"`
	// PodSelector are the labels of the pods behind the targets, in the namespace: the
	// NetworkPolicy lets the server reach them (required while network_policy is on).
	PodSelector map[string]string `json:"pod_selector,omitempty" yaml:"pod_selector,omitempty"`
	// PodPort is the port of those pods the targets lead to (required while network_policy is on).
	PodPort int `json:"pod_port,omitempty" yaml:"pod_port,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.Retention = kit.Or(c.Retention, DefaultRetention)
	c.ScrapeInterval = kit.Or(c.ScrapeInterval, DefaultScrapeInterval)
	c.MetricsExporter = kit.Or(c.MetricsExporter, DefaultMetricsExporter)
	if c.MetricsExporterPort == 0 {
		c.MetricsExporterPort = DefaultMetricsExporterPort
	}
	c.APIServerCIDR = kit.Or(c.APIServerCIDR, DefaultAPIServerCIDR)
	c.NodeCIDR = kit.Or(c.NodeCIDR, DefaultNodeCIDR)
	if c.QueryNamespaces == nil {
		c.QueryNamespaces = []string{DefaultKEDANamespace}
	}
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: "monitoring", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		// The priority class only: Prometheus has no disruption budget (one replica, Recreate).
		Availability: modules.Availability{PriorityClassName: c.PriorityClassName},
	}
}

// Selector is the server's pod selector (c after defaults): the exporters' NetworkPolicies
// admit it.
func (c Config) Selector() map[string]string {
	cm := c.common()
	return cm.Selector()
}

// validDuration reports whether s is a Prometheus duration: numbers with the units y, w, d,
// h, m, s, ms, such as 15d or 1h30m.
func validDuration(s string) bool {
	if s == "" {
		return false
	}
	units := []string{"y", "w", "d", "h", "ms", "m", "s"}
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return false
		}
		s = s[i:]
		found := false
		for _, u := range units {
			if strings.HasPrefix(s, u) {
				s, found = s[len(u):], true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if !validDuration(c.Retention) {
		e.Add("retention", "%q is not a Prometheus duration such as 15d or 12h", c.Retention)
	}
	if !validDuration(c.ScrapeInterval) {
		e.Add("scrape_interval", "%q is not a Prometheus duration such as 15s or 1m", c.ScrapeInterval)
	}
	if msgs := validation.IsDNS1035Label(c.MetricsExporter); len(msgs) > 0 {
		e.Add("metrics_exporter", "%q: %s", c.MetricsExporter, msgs[0])
	}
	if c.MetricsExporterPort < 1 || c.MetricsExporterPort > 65535 {
		e.Add("metrics_exporter_port", "%d is not in 1-65535", c.MetricsExporterPort)
	}
	for i, ns := range c.QueryNamespaces {
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			e.Add(fmt.Sprintf("query_namespaces[%d]", i), "%q: %s", ns, msgs[0])
		}
	}
	for i, sel := range c.AllowFrom {
		if len(sel) == 0 {
			e.Add(fmt.Sprintf("allow_from[%d]", i), "empty: give the labels of the pods that may query")
		}
	}
	if _, _, err := net.ParseCIDR(c.APIServerCIDR); err != nil {
		e.Add("api_server_cidr", "%q: %v", c.APIServerCIDR, err)
	}
	if _, _, err := net.ParseCIDR(c.NodeCIDR); err != nil {
		e.Add("node_cidr", "%q: %v", c.NodeCIDR, err)
	}
	jobs := map[string]bool{"prometheus": true, "metrics-exporter": true, "polling-agents": true}
	for i, j := range c.Jobs {
		key := fmt.Sprintf("jobs[%d]", i)
		if j.Name == "" {
			e.Add(key+".name", "required")
		} else if jobs[j.Name] {
			e.Add(key+".name", "%q is already a job (prometheus, metrics-exporter and polling-agents are built in)", j.Name)
		}
		jobs[j.Name] = true
		if len(j.Targets) == 0 {
			e.Add(key+".targets", "at least one host:port")
		}
		for _, t := range j.Targets {
			if host, port, ok := strings.Cut(t, ":"); !ok || host == "" || !validPort(port) {
				e.Add(key+".targets", "%q is not host:port", t)
			}
		}
		if j.MetricsPath != "" && !strings.HasPrefix(j.MetricsPath, "/") {
			e.Add(key+".metrics_path", "%q must start with /", j.MetricsPath)
		}
		if kit.Bool(c.NetworkPolicy, true) && (len(j.PodSelector) == 0 || j.PodPort < 1 || j.PodPort > 65535) {
			e.Add(key, "pod_selector and pod_port are required while network_policy is on: the policy lets the server reach only the pods it names")
		}
	}
	for i, t := range c.Targets {
		key := fmt.Sprintf("targets[%d]", i)
		if err := t.Validate(); err != nil {
			e.Add(key, "%v", err)
		}
		if jobs[t.JobName] {
			e.Add(key, "job %q is already a job of the server: give the exporter another job_name", t.JobName)
		}
		jobs[t.JobName] = true
		if kit.Bool(c.NetworkPolicy, true) && !t.HostNetwork && len(t.Pods) == 0 {
			e.Add(key, "job %q names no pods: the NetworkPolicy lets the server reach only the pods it names", t.JobName)
		}
	}
	return e.Err()
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

// URL is the in-cluster URL of the server a configuration (defaults applied, Namespace set)
// deploys: http://<name>.<namespace>.svc.<cluster domain>:9090.
func (c Config) URL() string {
	cm := c.common()
	return "http://" + cm.Host(c.Name) + ":" + strconv.Itoa(Port)
}

// Module is a deployed Prometheus; it implements outputs.MetricsSource.
type Module struct {
	// Deployment runs the server; Service exposes it on Port; ConfigMap holds prometheus.yml.
	Deployment, Service, ConfigMap *k8s.Object
	// Claim holds the time series.
	Claim *k8s.Object
	// ServiceAccount, Role and RoleBinding let the server discover the polling agents' pods.
	ServiceAccount, Role, RoleBinding *k8s.Object
	// NetworkPolicy restricts the server's traffic (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// Host is the Service's DNS name; URL is http://Host:Port.
	Host, URL string
	// Config is the configuration with its defaults applied.
	Config Config
}

var _ outputs.MetricsSource = (*Module)(nil)

// MetricsSourceName implements outputs.MetricsSource: the instance name.
func (m *Module) MetricsSourceName() string { return m.Config.Name }

// PrometheusURL implements outputs.MetricsSource.
func (m *Module) PrometheusURL() string { return m.URL }

// New deploys Prometheus on scope (a stack) with the configuration cfg, defaults applied. It
// returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Host: cm.Host(cfg.Name), URL: cfg.URL(), Config: cfg}
	text, err := cfg.promConfig()
	if err != nil {
		return nil, e.Fail(err)
	}
	if m.ConfigMap, err = k8s.NewConfigMap(scope, id+"-config", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-config"), Data: map[string]string{"prometheus.yml": k8s.Literal(text)},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.ServiceAccount, err = k8s.NewServiceAccount(scope, id+"-service-account", k8s.ServiceAccountSpec{
		Meta: cm.Meta(cfg.Name), AutomountToken: true,
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Role, err = k8s.NewRole(scope, id+"-role", k8s.RoleSpec{
		Meta:  cm.Meta(cfg.Name),
		Rules: []k8s.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.RoleBinding, err = k8s.NewRoleBinding(scope, id+"-role-binding", k8s.RoleBindingSpec{
		Meta: cm.Meta(cfg.Name), Role: m.Role.NameRef,
		Subjects: []k8s.RoleSubject{{Name: m.ServiceAccount.NameRef, Namespace: cfg.Namespace.NameRef}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Claim, err = k8s.NewClaim(scope, id+"-data", k8s.ClaimSpec{
		Meta: cm.Meta(cfg.Name + "-data"), Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass,
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(m.ConfigMap)
	if err != nil {
		return nil, e.Fail(err)
	}
	one, t := 1, true
	sec := kit.ContainerSecurity()
	sec.ReadOnlyRootFilesystem = &t
	probe := func(path string, period, failures int) *k8s.Probe {
		return &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: path, Port: "http"}, PeriodSeconds: period, TimeoutSeconds: 5, FailureThreshold: failures}
	}
	if m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta: cm.Meta(cfg.Name), Replicas: &one, Selector: cm.Selector(), Strategy: "Recreate",
		Wait: kit.Bool(cfg.Wait, true),
		// The Role must exist before the server starts discovering pods.
		DependsOn: []*k8s.Object{m.RoleBinding},
		Template: k8s.PodTemplate{
			Labels: cm.Labels(), Annotations: hash,
			Spec: k8s.PodSpec{
				ServiceAccountName: m.ServiceAccount.NameRef,
				// Service discovery reads the API with the account's token.
				AutomountServiceAccountToken: &t,
				Security:                     kit.PodSecurity(nobody, nobody, nobody),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				PriorityClassName:            cfg.PriorityClassName,
				Containers: []k8s.Container{{
					Name: "prometheus", Image: cm.ImageRef(), ImagePullPolicy: cfg.PullPolicy,
					Args: []string{
						"--config.file=" + configDir + "/prometheus.yml",
						"--storage.tsdb.path=" + dataDir,
						"--storage.tsdb.retention.time=" + cfg.Retention,
						"--web.listen-address=:" + strconv.Itoa(Port),
					},
					Ports:     []k8s.Port{{Name: "http", ContainerPort: Port}},
					Resources: cfg.Resources,
					Mounts: []k8s.Mount{
						{Volume: "config", Path: configDir, ReadOnly: true},
						{Volume: "data", Path: dataDir},
					},
					// Replaying a large write-ahead log takes a while: 5 minutes to start.
					Startup:   probe("/-/ready", 5, 60),
					Readiness: probe("/-/ready", 10, 3),
					Liveness:  probe("/-/healthy", 20, 3),
					Security:  sec,
				}},
				Volumes: []k8s.Volume{
					{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: m.ConfigMap.NameRef}},
					{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: m.Claim.NameRef}},
				},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: cm.Meta(cfg.Name), Selector: cm.Selector(),
		Ports: []k8s.ServicePort{{Name: "http", Port: Port, TargetPort: "http"}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = k8s.NewNetworkPolicy(scope, id+"-network-policy", cfg.policy(cm)); err != nil {
			return nil, e.Fail(err)
		}
	}
	return m, nil
}

// armonikPods selects ArmoniK's pods of one component.
func armonikPods(component string) map[string]string {
	return map[string]string{armonik.LabelPartOf: armonik.PartOf, armonik.LabelComponent: component}
}

// policy is the NetworkPolicy of the server.
func (c *Config) policy(cm kit.Common) k8s.NetworkPolicySpec {
	from := []k8s.PolicyPeer{{PodSelector: kit.ConsumerSelector()}}
	for _, ns := range c.QueryNamespaces {
		from = append(from, k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": ns}})
	}
	for _, sel := range c.AllowFrom {
		from = append(from, k8s.PolicyPeer{PodSelector: sel})
	}
	agent := strconv.Itoa(armonik.AgentPort)
	egress := []k8s.EgressRule{
		// DNS, wherever the cluster's resolver is.
		{Ports: []k8s.PolicyPort{{Port: "53", Protocol: "UDP"}, {Port: "53", Protocol: "TCP"}}},
		{To: []k8s.PolicyPeer{{PodSelector: armonikPods(armonik.ComponentMetricsExporter)}},
			Ports: []k8s.PolicyPort{{Port: strconv.Itoa(armonik.MetricsExporterPort)}}},
		{To: []k8s.PolicyPeer{{PodSelector: armonikPods(armonik.ComponentComputePlane)}},
			Ports: []k8s.PolicyPort{{Port: agent}}},
		{To: []k8s.PolicyPeer{{CIDR: c.APIServerCIDR}},
			Ports: []k8s.PolicyPort{{Port: "443"}, {Port: "6443"}}},
	}
	for _, j := range c.Jobs {
		egress = append(egress, k8s.EgressRule{
			To: []k8s.PolicyPeer{{PodSelector: j.PodSelector}}, Ports: []k8s.PolicyPort{{Port: strconv.Itoa(j.PodPort)}},
		})
	}
	for _, t := range c.Targets {
		port := []k8s.PolicyPort{{Port: strconv.Itoa(t.Port)}}
		switch {
		case t.HostNetwork:
			// The pods have their node's address: no pod selector matches them.
			egress = append(egress, k8s.EgressRule{To: []k8s.PolicyPeer{{CIDR: c.NodeCIDR}}, Ports: port})
		case t.Namespace == "" || t.Namespace == c.Namespace.Name:
			egress = append(egress, k8s.EgressRule{To: []k8s.PolicyPeer{{PodSelector: t.Pods}}, Ports: port})
		default:
			egress = append(egress, k8s.EgressRule{To: []k8s.PolicyPeer{{
				NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": t.Namespace}, PodSelector: t.Pods,
			}}, Ports: port})
		}
	}
	return k8s.NetworkPolicySpec{
		Meta: cm.Meta(c.Name), PodSelector: cm.Selector(),
		Ingress:        []k8s.IngressRule{{From: from, Ports: []k8s.PolicyPort{{Port: strconv.Itoa(Port)}}}},
		RestrictEgress: true,
		Egress:         egress,
	}
}

// The prometheus.yml schema, for the fields used here.
type (
	promFile struct {
		Global promGlobal `yaml:"global"`
		// ScrapeConfigs are promScrap values and the targets' own (modules.ScrapeTarget.ScrapeConfig).
		ScrapeConfigs []any `yaml:"scrape_configs"`
	}
	promGlobal struct {
		ScrapeInterval     string `yaml:"scrape_interval"`
		EvaluationInterval string `yaml:"evaluation_interval"`
	}
	promScrap struct {
		JobName        string        `yaml:"job_name"`
		MetricsPath    string        `yaml:"metrics_path,omitempty"`
		StaticConfigs  []promStatic  `yaml:"static_configs,omitempty"`
		KubernetesSD   []promK8sSD   `yaml:"kubernetes_sd_configs,omitempty"`
		RelabelConfigs []promRelabel `yaml:"relabel_configs,omitempty"`
	}
	promStatic struct {
		Targets []string          `yaml:"targets"`
		Labels  map[string]string `yaml:"labels,omitempty"`
	}
	promK8sSD struct {
		Role       string `yaml:"role"`
		Namespaces struct {
			Names []string `yaml:"names"`
		} `yaml:"namespaces"`
	}
	promRelabel struct {
		SourceLabels []string `yaml:"source_labels,omitempty"`
		Regex        string   `yaml:"regex,omitempty"`
		Action       string   `yaml:"action,omitempty"`
		TargetLabel  string   `yaml:"target_label,omitempty"`
	}
)

// sdLabel is the service-discovery meta label of a pod label (Prometheus replaces every
// character that is not a letter, a digit or '_' with '_').
func sdLabel(label string) string {
	var b strings.Builder
	b.WriteString("__meta_kubernetes_pod_label_")
	for _, r := range label {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// promConfig renders prometheus.yml.
func (c *Config) promConfig() (string, error) {
	ns := c.Namespace.Name
	exporter := fmt.Sprintf("%s.%s.svc.%s:%d", c.MetricsExporter, ns, c.ClusterDomain, c.MetricsExporterPort)
	sd := promK8sSD{Role: "pod"}
	sd.Namespaces.Names = []string{ns}
	f := promFile{
		Global: promGlobal{ScrapeInterval: c.ScrapeInterval, EvaluationInterval: c.ScrapeInterval},
		ScrapeConfigs: []any{
			promScrap{JobName: "prometheus", StaticConfigs: []promStatic{{Targets: []string{"localhost:" + strconv.Itoa(Port)}}}},
			promScrap{JobName: "metrics-exporter", StaticConfigs: []promStatic{{Targets: []string{exporter}, Labels: map[string]string{"namespace": ns}}}},
			promScrap{
				JobName: "polling-agents", MetricsPath: "/metrics", KubernetesSD: []promK8sSD{sd},
				RelabelConfigs: []promRelabel{
					{
						SourceLabels: []string{sdLabel(armonik.LabelPartOf), sdLabel(armonik.LabelComponent), "__meta_kubernetes_pod_container_port_name"},
						Regex:        armonik.PartOf + ";" + armonik.ComponentComputePlane + ";" + armonik.AgentPortName,
						Action:       "keep",
					},
					{SourceLabels: []string{"__meta_kubernetes_namespace"}, TargetLabel: "kubernetes_namespace"},
					{SourceLabels: []string{"__meta_kubernetes_pod_name"}, TargetLabel: "kubernetes_pod_name"},
					{SourceLabels: []string{"__meta_kubernetes_pod_node_name"}, TargetLabel: "kubernetes_pod_node_name"},
					{SourceLabels: []string{sdLabel(armonik.LabelPartition)}, TargetLabel: "partition"},
				},
			},
		},
	}
	for _, j := range c.Jobs {
		f.ScrapeConfigs = append(f.ScrapeConfigs, promScrap{JobName: j.Name, MetricsPath: j.MetricsPath, StaticConfigs: []promStatic{{Targets: j.Targets}}})
	}
	for _, t := range c.Targets {
		f.ScrapeConfigs = append(f.ScrapeConfigs, t.ScrapeConfig())
	}
	var b strings.Builder
	b.WriteString("# Generated by armonik-cdktf (modules/prometheus).\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return "", err
	}
	return b.String(), enc.Close()
}

// External is a Prometheus the cluster already runs, given by its URL; it implements
// outputs.MetricsSource. Its configuration must scrape what the consumers query: ArmoniK's
// metrics exporter (the Service carries prometheus.io/scrape, port and path annotations) with a
// namespace label for KEDA's default queries, and, for the pod-deletion-cost updater, the
// polling agents' pods with kubernetes_namespace and kubernetes_pod_name labels.
type External struct {
	url string
}

var _ outputs.MetricsSource = (*External)(nil)

// NewExternal returns the source at rawURL: an absolute http or https URL reachable from the
// cluster's pods (e.g. http://prometheus-server.monitoring.svc.cluster.local:9090).
func NewExternal(rawURL string) (*External, error) {
	if err := ValidateURL(rawURL); err != nil {
		return nil, err
	}
	return &External{url: strings.TrimRight(rawURL, "/")}, nil
}

// ValidateURL reports why rawURL cannot be a Prometheus URL, or nil.
func ValidateURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	switch {
	case rawURL == "":
		return fmt.Errorf("required: the URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring.svc.cluster.local:9090")
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", rawURL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q: the scheme must be http or https", rawURL)
	case u.Host == "":
		return fmt.Errorf("%q: no host", rawURL)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q: a base URL has no query or fragment", rawURL)
	case u.User != nil:
		return fmt.Errorf("%q: credentials do not belong in the URL (it is stored in plain text)", rawURL)
	}
	return nil
}

// MetricsSourceName implements outputs.MetricsSource.
func (e *External) MetricsSourceName() string { return "external" }

// PrometheusURL implements outputs.MetricsSource.
func (e *External) PrometheusURL() string { return e.url }
