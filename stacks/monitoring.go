package stacks

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/fluentbit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/grafana"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kubestatemetrics"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodbexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nodeexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/otel"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
	"github.com/armonik-cdktf/armonik-cdktf/modules/seq"
)

// MonitoringConfig configures the observability of a stack: the metrics store (an in-cluster
// Prometheus, or the URL of one the cluster already runs) that queue-length scaling, the
// pod-deletion-cost updater and Grafana query; logs (fluent-bit shipping every container's
// output to Seq); dashboards (Grafana); the exporters they read; traces (an OpenTelemetry
// collector).
//
// Every part is a section. A section turns its part on (enabled: false turns it off); without
// its section a part takes the stack's default: armonik-localhost turns on everything but
// tracing (Prometheus only when prometheus_url is not set), armonik-external nothing.
type MonitoringConfig struct {
	// Prometheus deploys a Prometheus beside ArmoniK (modules/prometheus) that scrapes the
	// metrics exporter, the polling agents and the exporters below. Default: on in
	// armonik-localhost unless prometheus_url is set, off in armonik-external.
	Prometheus *PrometheusSwitch `yaml:"prometheus,omitempty"`
	// PrometheusURL names a Prometheus the cluster already runs instead: the base URL of its
	// HTTP API as pods reach it, e.g. http://prometheus-server.monitoring.svc.cluster.local:9090.
	// It must scrape the metrics exporter (its Service carries the prometheus.io annotations)
	// with a namespace label, the polling agents' pods with kubernetes_namespace and
	// kubernetes_pod_name labels, and the exporters deployed here (docs/monitoring.md lists
	// their jobs). Grafana's data source defaults to it.
	PrometheusURL string `yaml:"prometheus_url,omitempty"`
	// NodeAgentsNamespace receives the node agents, fluent-bit and node-exporter (default
	// <namespace>-node-agents). The stack creates it labelled
	// pod-security.kubernetes.io/enforce=privileged: the agents read the nodes' files and use
	// their network, which the baseline and restricted levels forbid. ArmoniK's namespace is
	// never loosened for them.
	NodeAgentsNamespace string `yaml:"node_agents_namespace,omitempty"`
	// LogsNamespace receives Seq (default <namespace>-logs). The stack creates it labelled
	// pod-security.kubernetes.io/enforce=baseline: the Seq image runs its server as root
	// (modules/seq), which the restricted level of ArmoniK's namespace refuses and baseline
	// admits. ArmoniK's namespace is never loosened for it.
	LogsNamespace string `yaml:"logs_namespace,omitempty"`
	// ScraperPods are the labels of the pods allowed to scrape the exporters (default: the
	// in-cluster Prometheus' pods; with prometheus_url, app.kubernetes.io/name: prometheus).
	ScraperPods map[string]string `yaml:"scraper_pods,omitempty"`
	// ScraperNamespace is the namespace of ScraperPods (default ArmoniK's): where the
	// Prometheus of prometheus_url runs.
	ScraperNamespace string `yaml:"scraper_namespace,omitempty"`
	// Grafana serves the dashboards.
	Grafana *GrafanaSwitch `yaml:"grafana,omitempty"`
	// Seq stores the logs and serves their UI.
	Seq *SeqSwitch `yaml:"seq,omitempty"`
	// FluentBit ships the containers' logs (to Seq when it is enabled).
	FluentBit *FluentBitSwitch `yaml:"fluent_bit,omitempty"`
	// NodeExporter measures the nodes (CPU, memory, disks, network).
	NodeExporter *NodeExporterSwitch `yaml:"node_exporter,omitempty"`
	// MongoDBExporter measures the table store, reading the same outputs as ArmoniK.
	MongoDBExporter *MongoDBExporterSwitch `yaml:"mongodb_exporter,omitempty"`
	// KubeStateMetrics measures ArmoniK's Deployments and pods (pods per partition).
	KubeStateMetrics *KubeStateMetricsSwitch `yaml:"kube_state_metrics,omitempty"`
	// Tracing exports Core's traces over OTLP (OTLP__Uri, and OTLP__AuthToken with a token, to
	// the control plane and the polling agents, the components that read them). Default off.
	Tracing *TracingSwitch `yaml:"tracing,omitempty"`
}

// PrometheusSwitch turns the in-cluster Prometheus on or off and configures it.
type PrometheusSwitch struct {
	// Enabled deploys Prometheus (default true when the section is given).
	Enabled           *bool `yaml:"enabled,omitempty"`
	prometheus.Config `yaml:",inline"`
}

// GrafanaSwitch turns Grafana on or off and configures it.
type GrafanaSwitch struct {
	// Enabled deploys Grafana (default true when the section is given). Its prometheus_url
	// defaults to the stack's Prometheus (the in-cluster one, or monitoring.prometheus_url);
	// with the front door on, it is served at /grafana/ through it.
	Enabled        *bool `yaml:"enabled,omitempty"`
	grafana.Config `yaml:",inline"`
}

// SeqSwitch turns Seq on or off and configures it.
type SeqSwitch struct {
	// Enabled deploys Seq (default true when the section is given). With the front door on,
	// its UI is served at /seq/ through it.
	Enabled    *bool `yaml:"enabled,omitempty"`
	seq.Config `yaml:",inline"`
}

// FluentBitSwitch turns fluent-bit on or off and configures it.
type FluentBitSwitch struct {
	// Enabled deploys fluent-bit (default true when the section is given). Its output
	// defaults to the stack's Seq.
	Enabled          *bool `yaml:"enabled,omitempty"`
	fluentbit.Config `yaml:",inline"`
}

// NodeExporterSwitch turns node-exporter on or off and configures it.
type NodeExporterSwitch struct {
	// Enabled deploys node-exporter (default true when the section is given).
	Enabled             *bool `yaml:"enabled,omitempty"`
	nodeexporter.Config `yaml:",inline"`
}

// MongoDBExporterSwitch turns the MongoDB exporter on or off and configures it.
type MongoDBExporterSwitch struct {
	// Enabled deploys the MongoDB exporter (default true when the section is given).
	Enabled                *bool `yaml:"enabled,omitempty"`
	mongodbexporter.Config `yaml:",inline"`
}

// KubeStateMetricsSwitch turns kube-state-metrics on or off and configures it.
type KubeStateMetricsSwitch struct {
	// Enabled deploys kube-state-metrics limited to ArmoniK's namespace (default true when the
	// section is given).
	Enabled                 *bool `yaml:"enabled,omitempty"`
	kubestatemetrics.Config `yaml:",inline"`
}

// TracingSwitch turns tracing on or off and configures it.
type TracingSwitch struct {
	// Enabled exports Core's traces (default true when the section is given). In
	// armonik-localhost, without endpoint or forward, an OpenTelemetry collector and Jaeger
	// are deployed.
	Enabled     *bool `yaml:"enabled,omitempty"`
	otel.Config `yaml:",inline"`
}

// Monitoring is what a stack deployed for observability.
type Monitoring struct {
	// NodeAgents is the namespace of the node agents (nil when none is deployed).
	NodeAgents *k8s.Namespace
	// Logs is Seq's namespace (nil when Seq is not deployed).
	Logs *k8s.Namespace
	// Metrics is the metrics source ArmoniK and Grafana query (nil when the stack has none):
	// the in-cluster Prometheus (Prometheus) or an existing one (*prometheus.External).
	Metrics outputs.MetricsSource
	// The modules deployed (nil when disabled).
	Prometheus       *prometheus.Module
	Seq              *seq.Module
	FluentBit        *fluentbit.Module
	Grafana          *grafana.Module
	NodeExporter     *nodeexporter.Module
	MongoDBExporter  *mongodbexporter.Module
	KubeStateMetrics *kubestatemetrics.Module
	Tracing          *otel.Module
	// ScrapeTargets are the exporters' scrape jobs: the in-cluster Prometheus runs them; a
	// Prometheus of prometheus_url must be configured to.
	ScrapeTargets []modules.ScrapeTarget
}

// DefaultScraperPods are the labels of the pods allowed to scrape the exporters when the
// Prometheus is not the stack's own.
var DefaultScraperPods = map[string]string{"app.kubernetes.io/name": "prometheus"}

// frontPods selects the front door's pods (constructs/armonik front.go), which proxy /grafana/
// and /seq/.
var frontPods = map[string]string{armonik.LabelPartOf: armonik.PartOf, armonik.LabelComponent: armonik.ComponentFront}

// Front-door routes of the UIs.
const (
	grafanaRoute = "/grafana"
)

// monitoringContext is what a stack gives its monitoring.
type monitoringContext struct {
	// namespace is ArmoniK's namespace (by name when validating).
	namespace     *k8s.Namespace
	clusterDomain string
	wait          *bool
	localhost     bool
	keda          KEDAConfig
}

// monitoringPlan is a MonitoringConfig with the stack's defaults applied: every switch set.
type monitoringPlan struct {
	cfg MonitoringConfig
	x   monitoringContext
	// prometheus, grafana...: the parts turned on.
	prometheus, grafana, seq, fluentBit, nodeExporter, mongoDBExporter, kubeStateMetrics, tracing bool
	// front says ArmoniK's front door is on: it then proxies the UIs.
	front bool
	// ingress is ArmoniK's ingress, which Grafana shares (nil when disabled).
	ingress *armonik.Ingress
	// partitions are ArmoniK's partition names (Grafana's per-partition panels).
	partitions []string
	// external is the Prometheus of prometheus_url (nil otherwise).
	external *prometheus.External
}

// on says whether a part is on: its section's enabled setting, true when the section is
// given without it, def without a section.
func on(section bool, enabled *bool, def bool) bool {
	switch {
	case !section:
		return def
	case enabled == nil:
		return true
	}
	return *enabled
}

// plan applies the stack's defaults to the monitoring settings, wires what ArmoniK must know
// before it is validated (its metrics source, the front door's routes to the UIs) into a, and
// returns every problem of the settings (paths relative to the stack, "monitoring." included).
func (c MonitoringConfig) plan(x monitoringContext, a *armonik.Config) (*monitoringPlan, []error) {
	p := &monitoringPlan{cfg: c, x: x, front: !a.Front.Disabled}
	d := &p.cfg
	p.prometheus = on(d.Prometheus != nil, enabled(d.Prometheus), x.localhost && d.PrometheusURL == "")
	p.grafana = on(d.Grafana != nil, enabledOf(d.Grafana), x.localhost)
	p.seq = on(d.Seq != nil, enabledOf(d.Seq), x.localhost)
	p.fluentBit = on(d.FluentBit != nil, enabledOf(d.FluentBit), x.localhost)
	p.nodeExporter = on(d.NodeExporter != nil, enabledOf(d.NodeExporter), x.localhost)
	p.mongoDBExporter = on(d.MongoDBExporter != nil, enabledOf(d.MongoDBExporter), x.localhost)
	p.kubeStateMetrics = on(d.KubeStateMetrics != nil, enabledOf(d.KubeStateMetrics), x.localhost)
	p.tracing = on(d.Tracing != nil, enabledOf(d.Tracing), false)
	if a.Ingress.Enabled {
		in := a.Ingress
		p.ingress = &in
	}
	for _, part := range a.Partitions {
		p.partitions = append(p.partitions, part.Name)
	}
	if len(a.Partitions) == 0 {
		p.partitions = []string{"default"} // armonik.Config.WithDefaults: one partition, "default"
	}
	d.NodeAgentsNamespace = or(d.NodeAgentsNamespace, x.namespace.Name+"-node-agents")
	d.LogsNamespace = or(d.LogsNamespace, x.namespace.Name+"-logs")
	d.ScraperNamespace = or(d.ScraperNamespace, x.namespace.Name)
	if d.ScraperPods == nil {
		if p.prometheus {
			d.ScraperPods = p.prometheusConfig(x.namespace, nil).WithDefaults().Selector()
		} else {
			d.ScraperPods = DefaultScraperPods
		}
	}
	var errs []error
	if d.PrometheusURL != "" {
		src, err := prometheus.NewExternal(d.PrometheusURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("monitoring.prometheus_url: %w", err))
		} else if !p.prometheus {
			p.external = src
		}
	}
	errs = append(errs, prefixed("monitoring.", errors.Join(p.validate()...))...)
	switch {
	case p.prometheus:
		pc := p.prometheusConfig(x.namespace, nil).WithDefaults()
		a.Metrics = urlSource{name: pc.Name, url: pc.URL()}
	case p.external != nil:
		a.Metrics = p.external
	}
	if p.front {
		if p.grafana && a.Front.GrafanaURL == "" {
			a.Front.GrafanaURL = p.grafanaConfig(x.namespace).WithDefaults().InClusterURL()
		}
		if p.seq && a.Front.SeqURL == "" {
			a.Front.SeqURL = p.seqConfig(p.logsNamespace()).WithDefaults().InClusterURL()
		}
	}
	return p, errs
}

func enabled(s *PrometheusSwitch) *bool {
	if s == nil {
		return nil
	}
	return s.Enabled
}

// switchable is a monitoring section with an enabled setting.
type switchable interface {
	*GrafanaSwitch | *SeqSwitch | *FluentBitSwitch | *NodeExporterSwitch | *MongoDBExporterSwitch | *KubeStateMetricsSwitch | *TracingSwitch
}

func enabledOf[S switchable](s S) *bool {
	switch v := any(s).(type) {
	case *GrafanaSwitch:
		if v != nil {
			return v.Enabled
		}
	case *SeqSwitch:
		if v != nil {
			return v.Enabled
		}
	case *FluentBitSwitch:
		if v != nil {
			return v.Enabled
		}
	case *NodeExporterSwitch:
		if v != nil {
			return v.Enabled
		}
	case *MongoDBExporterSwitch:
		if v != nil {
			return v.Enabled
		}
	case *KubeStateMetricsSwitch:
		if v != nil {
			return v.Enabled
		}
	case *TracingSwitch:
		if v != nil {
			return v.Enabled
		}
	}
	return nil
}

// orZero is the section's value, or its zero value without a section.
func orZero[T any](p *T) T {
	if p == nil {
		var z T
		return z
	}
	return *p
}

func (p *monitoringPlan) agents() bool { return p.fluentBit || p.nodeExporter }

// urlSource is a metrics source known by its URL before the stack is built (for validation).
type urlSource struct{ name, url string }

func (u urlSource) MetricsSourceName() string { return u.name }
func (u urlSource) PrometheusURL() string     { return u.url }

// The configurations each module gets from the stack, in namespace ns (ArmoniK's, by name when
// validating) and, for the node agents, agents.

func (p *monitoringPlan) scrapers() []k8s.PolicyPeer {
	d := &p.cfg
	if d.ScraperNamespace == p.x.namespace.Name {
		return []k8s.PolicyPeer{{PodSelector: d.ScraperPods}}
	}
	return []k8s.PolicyPeer{k8sPeerIn(d.ScraperNamespace, d.ScraperPods)}
}

// prometheusConfig is the in-cluster Prometheus' configuration: it scrapes targets, admits
// KEDA's namespace (unless query_namespaces says otherwise) and Grafana.
func (p *monitoringPlan) prometheusConfig(ns *k8s.Namespace, targets []modules.ScrapeTarget) prometheus.Config {
	c := orZero(p.cfg.Prometheus).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if c.QueryNamespaces == nil && p.x.keda.Namespace != "" {
		c.QueryNamespaces = []string{p.x.keda.Namespace}
	}
	if p.grafana {
		// Grafana's pod selector depends on its name only.
		g := grafana.Config{Name: orZero(p.cfg.Grafana).Name, Namespace: ns}
		c.AllowFrom = append(slices.Clip(c.AllowFrom), g.WithDefaults().Selector())
	}
	c.Targets = append(slices.Clip(c.Targets), targets...)
	return c
}

// logsNamespace is Seq's namespace by name (a stand-in when the name is invalid: the problem
// is reported once, as logs_namespace's).
func (p *monitoringPlan) logsNamespace() *k8s.Namespace {
	ns, err := k8s.ExistingNamespace(p.cfg.LogsNamespace)
	if err != nil {
		ns, _ = k8s.ExistingNamespace(p.x.namespace.Name + "-logs")
	}
	return ns
}

// seqConfig is Seq's configuration in its namespace ns (Seq's own, not ArmoniK's): the log
// shipper and ArmoniK's front door are admitted from their namespaces.
func (p *monitoringPlan) seqConfig(ns *k8s.Namespace) seq.Config {
	c := orZero(p.cfg.Seq).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if p.fluentBit {
		c.Ingesters = append(slices.Clip(c.Ingesters), k8sPeerIn(p.cfg.NodeAgentsNamespace, p.fluentBitConfig(nil, nil, nil).Selector()))
	}
	if p.front {
		c.UIClients = append(slices.Clip(c.UIClients), k8sPeerIn(p.x.namespace.Name, frontPods))
	}
	return c
}

func k8sPeerIn(ns string, pods map[string]string) k8s.PolicyPeer {
	return k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": ns}, PodSelector: pods}
}

func (p *monitoringPlan) fluentBitConfig(agents, armonikNS *k8s.Namespace, seqModule *seq.Module) fluentbit.Config {
	c := orZero(p.cfg.FluentBit).Config
	c.Namespace, c.ClusterDomain, c.Wait = agents, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if len(c.Namespaces) == 0 && !c.AllNamespaces {
		c.Namespaces = []string{p.x.namespace.Name}
	}
	if armonikNS != nil {
		c.NamespaceRefs = append(slices.Clip(c.NamespaceRefs), armonikNS)
	}
	if c.Output.Seq == nil && p.seq {
		host := p.seqHost()
		if seqModule != nil {
			host = seqModule.Host
		}
		c.Output.Seq = &fluentbit.SeqOutput{Host: host, Port: seq.IngestionPort}
	}
	return c.WithDefaults()
}

func (p *monitoringPlan) seqHost() string {
	s := orZero(p.cfg.Seq)
	return or(s.Name, seq.Kind) + "." + p.cfg.LogsNamespace + ".svc." + or(s.ClusterDomain, p.x.clusterDomain)
}

func (p *monitoringPlan) nodeExporterConfig(agents *k8s.Namespace) nodeexporter.Config {
	c := orZero(p.cfg.NodeExporter).Config
	c.Namespace, c.ClusterDomain, c.Wait = agents, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	return c
}

func (p *monitoringPlan) kubeStateMetricsConfig(ns *k8s.Namespace) kubestatemetrics.Config {
	c := orZero(p.cfg.KubeStateMetrics).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if len(c.Namespaces) == 0 {
		c.Namespaces = []string{p.x.namespace.Name}
	}
	c.Scrapers = append(slices.Clip(c.Scrapers), p.scrapers()...)
	return c
}

func (p *monitoringPlan) mongoDBExporterConfig(ns *k8s.Namespace, table outputs.ModuleOutputs) mongodbexporter.Config {
	c := orZero(p.cfg.MongoDBExporter).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if table != nil {
		c.TableStorage = append([]outputs.ModuleOutputs{table}, c.TableStorage...)
	}
	if db, ok := table.(*mongodb.Module); ok {
		// modules/mongodb's pods carry its kind and instance (modules/kit Common.Selector).
		c.MongoDBPods = map[string]string{"app.kubernetes.io/name": mongodb.Kind, "app.kubernetes.io/instance": db.ModuleName()}
		c.MongoDBPort = db.Port
	}
	c.Scrapers = append(slices.Clip(c.Scrapers), p.scrapers()...)
	return c
}

// prometheusURL is Grafana's data source by default: the in-cluster Prometheus, or
// prometheus_url ("" when the stack has neither).
func (p *monitoringPlan) prometheusURL(ns *k8s.Namespace) string {
	switch {
	case p.prometheus:
		return p.prometheusConfig(ns, nil).WithDefaults().URL()
	case p.external != nil:
		return p.external.PrometheusURL()
	}
	return ""
}

func (p *monitoringPlan) grafanaConfig(ns *k8s.Namespace) grafana.Config {
	c := orZero(p.cfg.Grafana).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	c.PrometheusURL = or(c.PrometheusURL, p.prometheusURL(ns))
	c.Partitions = p.partitions
	c.Sources = []grafana.Source{}
	for _, s := range []struct {
		on  bool
		src grafana.Source
	}{
		{p.nodeExporter, grafana.SourceNodeExporter},
		{p.mongoDBExporter, grafana.SourceMongoDBExporter},
		{p.kubeStateMetrics, grafana.SourceKubeStateMetrics},
	} {
		if s.on {
			c.Sources = append(c.Sources, s.src)
		}
	}
	if p.front || p.ingress != nil {
		// The front door proxies /grafana/ without stripping it (the route's URL ends with the
		// path), and an Ingress routes the path as it is: Grafana serves from the sub-path.
		c.SubPath = or(c.SubPath, grafanaRoute)
	}
	if p.front {
		c.UIClients = append(slices.Clip(c.UIClients), k8s.PolicyPeer{PodSelector: frontPods})
	}
	if in := p.ingress; in != nil {
		c.Ingress = &grafana.Ingress{ClassName: in.ClassName, Host: in.Host, TLSSecret: in.TLSSecret, Annotations: in.Annotations}
	}
	return c
}

func (p *monitoringPlan) tracingConfig(ns *k8s.Namespace) otel.Config {
	c := orZero(p.cfg.Tracing).Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.x.clusterDomain), orPtr(c.Wait, p.x.wait)
	if p.x.localhost && c.Endpoint == "" && c.Jaeger == nil && c.Forward == nil {
		c.Jaeger = &otel.Jaeger{}
	}
	return c
}

// validate returns every problem of the monitoring settings (paths relative to
// "<stack>.monitoring."), checking each enabled module as New will.
func (p *monitoringPlan) validate() []error {
	var errs []error
	d := &p.cfg
	if d.Prometheus != nil && p.prometheus && d.PrometheusURL != "" {
		errs = append(errs, fmt.Errorf("prometheus: choose prometheus (deploy one) or prometheus_url (use an existing one), not both"))
	}
	if msgs := validation.IsDNS1123Label(d.NodeAgentsNamespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("node_agents_namespace: %q %s", d.NodeAgentsNamespace, msgs[0]))
	} else if d.NodeAgentsNamespace == p.x.namespace.Name && p.agents() {
		errs = append(errs, fmt.Errorf("node_agents_namespace: %q is ArmoniK's namespace: the node agents need the Pod Security level privileged, which ArmoniK's namespace must not get; name another", d.NodeAgentsNamespace))
	}
	if msgs := validation.IsDNS1123Label(d.LogsNamespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("logs_namespace: %q %s", d.LogsNamespace, msgs[0]))
	} else if p.seq && (d.LogsNamespace == p.x.namespace.Name || (p.agents() && d.LogsNamespace == d.NodeAgentsNamespace)) {
		errs = append(errs, fmt.Errorf("logs_namespace: %q is ArmoniK's or the node agents' namespace: Seq runs as root and gets a namespace of its own at the Pod Security level baseline; name another", d.LogsNamespace))
	}
	if msgs := validation.IsDNS1123Label(d.ScraperNamespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("scraper_namespace: %q %s", d.ScraperNamespace, msgs[0]))
	}
	for _, k := range slices.Sorted(maps.Keys(d.ScraperPods)) {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("scraper_pods: key %q: %s", k, msgs[0]))
		}
		if msgs := validation.IsValidLabelValue(d.ScraperPods[k]); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("scraper_pods: value %q of %q: %s", d.ScraperPods[k], k, msgs[0]))
		}
	}
	if len(d.ScraperPods) == 0 {
		errs = append(errs, errors.New("scraper_pods: at least one label (an empty selector would admit every pod of the namespace)"))
	}
	if p.grafana && orZero(d.Grafana).PrometheusURL == "" && p.prometheusURL(p.x.namespace) == "" {
		errs = append(errs, errors.New("grafana: needs a Prometheus for its data source: turn on monitoring.prometheus, set monitoring.prometheus_url, or set grafana.prometheus_url"))
	}
	ns := p.x.namespace
	agents, _ := k8s.ExistingNamespace(d.NodeAgentsNamespace)
	if agents == nil {
		agents, _ = k8s.ExistingNamespace(ns.Name + "-node-agents")
	}
	check := func(key string, enabled bool, validate func() error) {
		if enabled {
			errs = append(errs, prefixed(key+": ", validate())...)
		}
	}
	check("prometheus", p.prometheus, func() error { return p.prometheusConfig(ns, nil).WithDefaults().Validate() })
	check("seq", p.seq, func() error { return p.seqConfig(p.logsNamespace()).WithDefaults().Validate() })
	check("fluent_bit", p.fluentBit, func() error { return p.fluentBitConfig(agents, nil, nil).Validate() })
	check("node_exporter", p.nodeExporter, func() error { return p.nodeExporterConfig(agents).WithDefaults().Validate() })
	check("kube_state_metrics", p.kubeStateMetrics, func() error { return p.kubeStateMetricsConfig(ns).WithDefaults().Validate() })
	check("mongodb_exporter", p.mongoDBExporter, func() error {
		// The table store is built later: stand in for it.
		return p.mongoDBExporterConfig(ns, outputs.NewModule("table-storage")).WithDefaults().Validate()
	})
	if p.grafana && (orZero(d.Grafana).PrometheusURL != "" || p.prometheusURL(ns) != "") {
		check("grafana", true, func() error { return p.grafanaConfig(ns).WithDefaults().Validate() })
	}
	check("tracing", p.tracing, func() error { return p.tracingConfig(ns).WithDefaults().Validate() })
	return errs
}

// build deploys the enabled modules on st, in ArmoniK's namespace ns, and adds their outputs to
// ArmoniK's layers: the tracing endpoint and its token, if any, to the control and polling
// layers (Core 0.37.2 reads OTLP__* in the Submitter and the polling agent only:
// Control/Submitter/src/Program.cs, Compute/PollingAgent/src/Program.cs), the exporter
// statuses the dashboards need to the metrics layer; a.Metrics becomes the stack's metrics source. table is the table store's module,
// which the MongoDB exporter reads. The in-cluster Prometheus is built after the exporters:
// it scrapes their targets.
func (p *monitoringPlan) build(st constructs.Construct, ns *k8s.Namespace, table outputs.ModuleOutputs, a *armonik.Config) (*Monitoring, error) {
	d := &p.cfg
	mon := &Monitoring{}
	var errs []error
	fail := func(key string, err error) { errs = append(errs, prefixed("monitoring."+key+": ", err)...) }
	var err error
	if p.agents() {
		if mon.NodeAgents, err = k8s.NewNamespace(st, "node-agents-namespace", k8s.NamespaceSpec{
			Name: d.NodeAgentsNamespace,
			Labels: map[string]string{
				"app.kubernetes.io/managed-by":       "cdktf",
				"pod-security.kubernetes.io/enforce": "privileged",
			},
		}); err != nil {
			return nil, errors.Join(prefixed("monitoring.node_agents_namespace: ", err)...)
		}
	}
	if p.seq {
		labels := map[string]string{"app.kubernetes.io/managed-by": "cdktf"}
		maps.Copy(labels, k8s.PodSecurityLabels(k8s.PodSecurityBaseline))
		if mon.Logs, err = k8s.NewNamespace(st, "logs-namespace", k8s.NamespaceSpec{Name: d.LogsNamespace, Labels: labels}); err != nil {
			return nil, errors.Join(prefixed("monitoring.logs_namespace: ", err)...)
		}
		if mon.Seq, err = seq.New(st, "seq", p.seqConfig(mon.Logs)); err != nil {
			fail("seq", err)
		}
	}
	if p.fluentBit {
		if mon.FluentBit, err = fluentbit.New(st, "fluent-bit", p.fluentBitConfig(mon.NodeAgents, ns, mon.Seq)); err != nil {
			fail("fluent_bit", err)
		}
	}
	if p.nodeExporter {
		if mon.NodeExporter, err = nodeexporter.New(st, "node-exporter", p.nodeExporterConfig(mon.NodeAgents)); err != nil {
			fail("node_exporter", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.NodeExporter.ScrapeTargets()...)
		}
	}
	if p.kubeStateMetrics {
		if mon.KubeStateMetrics, err = kubestatemetrics.New(st, "kube-state-metrics", p.kubeStateMetricsConfig(ns)); err != nil {
			fail("kube_state_metrics", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.KubeStateMetrics.ScrapeTargets()...)
		}
	}
	if p.mongoDBExporter {
		if mon.MongoDBExporter, err = mongodbexporter.New(st, "mongodb-exporter", p.mongoDBExporterConfig(ns, table)); err != nil {
			fail("mongodb_exporter", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.MongoDBExporter.ScrapeTargets()...)
		}
	}
	switch {
	case p.prometheus:
		c := p.prometheusConfig(ns, mon.ScrapeTargets)
		// The partitions scale on what Prometheus answers: a worker must not preempt it.
		if c.PriorityClassName == "" && a.SystemPriorityClass != nil {
			c.PriorityClassName = a.SystemPriorityClass.NameRef
		}
		if mon.Prometheus, err = prometheus.New(st, "prometheus", c); err != nil {
			fail("prometheus", err)
		} else {
			mon.Metrics = mon.Prometheus
		}
	case p.external != nil:
		mon.Metrics = p.external
	}
	if p.grafana {
		if mon.Grafana, err = grafana.New(st, "grafana", p.grafanaConfig(ns)); err != nil {
			fail("grafana", err)
		} else {
			a.Layers.Metrics = append(armonik.Conf{mon.Grafana.ExporterOutputs}, a.Layers.Metrics...)
		}
	}
	if p.tracing {
		if mon.Tracing, err = otel.New(st, "tracing", p.tracingConfig(ns)); err != nil {
			fail("tracing", err)
		} else {
			tracing := armonik.Conf{mon.Tracing}
			if mon.Tracing.Auth != nil {
				tracing = append(tracing, mon.Tracing.Auth)
			}
			a.Layers.Control = append(slices.Clip(tracing), a.Layers.Control...)
			a.Layers.Polling = append(slices.Clip(tracing), a.Layers.Polling...)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	a.Metrics = mon.Metrics
	return mon, nil
}

// GraphLinks are the monitoring's edges of the stack's graph that are no AEP 5 outputs:
// Prometheus scraping ArmoniK's metrics exporter, the polling agents and the exporters, Grafana
// querying it, fluent-bit shipping logs to Seq, the front door routing to Grafana and Seq.
func (s *Stack) GraphLinks() []GraphLink {
	m := s.Monitoring
	if m == nil {
		return nil
	}
	var links []GraphLink
	link := func(from, to, label string) { links = append(links, GraphLink{From: from, To: to, Label: label}) }
	if m.Prometheus != nil {
		link("o:prometheus", "c:"+armonik.ComponentMetricsExporter, "scrapes")
		if s.ArmoniK != nil {
			for _, p := range s.ArmoniK.Pods {
				for _, c := range p.Containers {
					if c.Name == "polling-agent" {
						link("o:prometheus", "c:"+p.Name+"/"+c.Name, "scrapes")
					}
				}
			}
		}
		if m.NodeExporter != nil {
			link("o:prometheus", "o:node-exporter", "scrapes")
		}
		if m.KubeStateMetrics != nil {
			link("o:prometheus", "o:kube-state-metrics", "scrapes")
		}
		if m.MongoDBExporter != nil {
			link("o:prometheus", "c:"+m.MongoDBExporter.Pod.Name+"/"+m.MongoDBExporter.Pod.Containers[0].Name, "scrapes")
		}
	}
	if m.Grafana != nil {
		grafanaNode := "m:" + m.Grafana.ExporterOutputs.ModuleName()
		if m.Prometheus != nil {
			link(grafanaNode, "o:prometheus", "queries")
		}
		if s.ArmoniK != nil && s.ArmoniK.Front != nil && s.ArmoniK.Config.Front.GrafanaURL != "" {
			link("c:front/nginx", grafanaNode, "/grafana/")
		}
	}
	if m.Seq != nil {
		if m.FluentBit != nil {
			link("o:fluent-bit", "o:seq", "ships logs")
		}
		if s.ArmoniK != nil && s.ArmoniK.Front != nil && s.ArmoniK.Config.Front.SeqURL != "" {
			link("c:front/nginx", "o:seq", "/seq/")
		}
	}
	return links
}

// Consumers returns the merged pods of the stack's AEP 5 consumers other than ArmoniK.
func (s *Stack) Consumers() []*outputs.Pod {
	if s.Monitoring == nil || s.Monitoring.MongoDBExporter == nil {
		return nil
	}
	return []*outputs.Pod{s.Monitoring.MongoDBExporter.Pod}
}
