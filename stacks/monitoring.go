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
	"github.com/armonik-cdktf/armonik-cdktf/modules/seq"
)

// MonitoringConfig configures the observability of a stack: logs (fluent-bit shipping every
// container's output to Seq), dashboards (Grafana on a Prometheus), the exporters they read,
// and traces (an OpenTelemetry collector). Every part has an enabled switch; armonik-localhost
// turns on all but tracing, armonik-external none.
type MonitoringConfig struct {
	// NodeAgentsNamespace receives the node agents, fluent-bit and node-exporter (default
	// <namespace>-node-agents). The stack creates it labelled
	// pod-security.kubernetes.io/enforce=privileged: the agents read the nodes' files and use
	// their network, which the baseline and restricted levels forbid. ArmoniK's namespace is
	// never loosened for them.
	NodeAgentsNamespace string `yaml:"node_agents_namespace,omitempty"`
	// ScraperPods are the labels of the pods, in ArmoniK's namespace, allowed to scrape the
	// exporters (default app.kubernetes.io/name: prometheus, the Prometheus module's pods).
	ScraperPods map[string]string `yaml:"scraper_pods,omitempty"`
	// Grafana serves the dashboards.
	Grafana GrafanaSwitch `yaml:"grafana,omitempty"`
	// Seq stores the logs and serves their UI.
	Seq SeqSwitch `yaml:"seq,omitempty"`
	// FluentBit ships the containers' logs (to Seq when it is enabled).
	FluentBit FluentBitSwitch `yaml:"fluent_bit,omitempty"`
	// NodeExporter measures the nodes (CPU, memory, disks, network).
	NodeExporter NodeExporterSwitch `yaml:"node_exporter,omitempty"`
	// MongoDBExporter measures the table store, reading the same outputs as ArmoniK.
	MongoDBExporter MongoDBExporterSwitch `yaml:"mongodb_exporter,omitempty"`
	// KubeStateMetrics measures ArmoniK's Deployments and pods (pods per partition).
	KubeStateMetrics KubeStateMetricsSwitch `yaml:"kube_state_metrics,omitempty"`
	// Tracing exports Core's traces over OTLP (OTLP__Uri in the log layer).
	Tracing TracingSwitch `yaml:"tracing,omitempty"`
}

// GrafanaSwitch turns Grafana on or off and configures it.
type GrafanaSwitch struct {
	// Enabled deploys Grafana (default: true in armonik-localhost, false in armonik-external).
	// Its prometheus_url defaults to http://prometheus.<namespace>.svc.<cluster domain>:9090,
	// where the stack's Prometheus serves.
	Enabled        *bool `yaml:"enabled,omitempty"`
	grafana.Config `yaml:",inline"`
}

// SeqSwitch turns Seq on or off and configures it.
type SeqSwitch struct {
	// Enabled deploys Seq (default: true in armonik-localhost, false in armonik-external).
	Enabled    *bool `yaml:"enabled,omitempty"`
	seq.Config `yaml:",inline"`
}

// FluentBitSwitch turns fluent-bit on or off and configures it.
type FluentBitSwitch struct {
	// Enabled deploys fluent-bit (default: true in armonik-localhost, false in
	// armonik-external). Its output defaults to the stack's Seq.
	Enabled          *bool `yaml:"enabled,omitempty"`
	fluentbit.Config `yaml:",inline"`
}

// NodeExporterSwitch turns node-exporter on or off and configures it.
type NodeExporterSwitch struct {
	// Enabled deploys node-exporter (default: true in armonik-localhost, false in
	// armonik-external).
	Enabled             *bool `yaml:"enabled,omitempty"`
	nodeexporter.Config `yaml:",inline"`
}

// MongoDBExporterSwitch turns the MongoDB exporter on or off and configures it.
type MongoDBExporterSwitch struct {
	// Enabled deploys the MongoDB exporter (default: true in armonik-localhost, false in
	// armonik-external).
	Enabled                *bool `yaml:"enabled,omitempty"`
	mongodbexporter.Config `yaml:",inline"`
}

// KubeStateMetricsSwitch turns kube-state-metrics on or off and configures it.
type KubeStateMetricsSwitch struct {
	// Enabled deploys kube-state-metrics limited to ArmoniK's namespace (default: true in
	// armonik-localhost, false in armonik-external).
	Enabled                 *bool `yaml:"enabled,omitempty"`
	kubestatemetrics.Config `yaml:",inline"`
}

// TracingSwitch turns tracing on or off and configures it.
type TracingSwitch struct {
	// Enabled exports Core's traces (default false). In armonik-localhost, without endpoint
	// or forward, an OpenTelemetry collector and Jaeger are deployed.
	Enabled     *bool `yaml:"enabled,omitempty"`
	otel.Config `yaml:",inline"`
}

// Monitoring is what a stack deployed for observability.
type Monitoring struct {
	// NodeAgents is the namespace of the node agents (nil when none is deployed).
	NodeAgents *k8s.Namespace
	// The modules deployed (nil when disabled).
	Seq              *seq.Module
	FluentBit        *fluentbit.Module
	Grafana          *grafana.Module
	NodeExporter     *nodeexporter.Module
	MongoDBExporter  *mongodbexporter.Module
	KubeStateMetrics *kubestatemetrics.Module
	Tracing          *otel.Module
	// ScrapeTargets are the exporters' scrape jobs, for the stack's Prometheus.
	ScrapeTargets []modules.ScrapeTarget
}

// DefaultScraperPods are the labels of the pods allowed to scrape the exporters.
var DefaultScraperPods = map[string]string{"app.kubernetes.io/name": "prometheus"}

// monitoringPlan is a MonitoringConfig with the stack's defaults applied.
type monitoringPlan struct {
	cfg           MonitoringConfig
	namespace     string
	clusterDomain string
	wait          *bool
	localhost     bool
	// ingress is ArmoniK's ingress, which the UIs share (nil when disabled).
	ingress *armonik.Ingress
}

func on(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// plan applies the defaults of a stack: everything but tracing on in armonik-localhost,
// everything off in armonik-external.
func (c MonitoringConfig) plan(namespace, clusterDomain string, wait *bool, localhost bool, a *armonik.Config) *monitoringPlan {
	p := &monitoringPlan{cfg: c, namespace: namespace, clusterDomain: clusterDomain, wait: wait, localhost: localhost}
	if a.Ingress.Enabled {
		in := a.Ingress
		p.ingress = &in
	}
	d := &p.cfg
	d.NodeAgentsNamespace = or(d.NodeAgentsNamespace, namespace+"-node-agents")
	if d.ScraperPods == nil {
		d.ScraperPods = DefaultScraperPods
	}
	for _, s := range []**bool{&d.Grafana.Enabled, &d.Seq.Enabled, &d.FluentBit.Enabled, &d.NodeExporter.Enabled, &d.MongoDBExporter.Enabled, &d.KubeStateMetrics.Enabled} {
		*s = ptr(on(*s, localhost))
	}
	d.Tracing.Enabled = ptr(on(d.Tracing.Enabled, false))
	return p
}

func (p *monitoringPlan) agents() bool {
	return *p.cfg.FluentBit.Enabled || *p.cfg.NodeExporter.Enabled
}

// The configurations each module gets from the stack (namespaces filled in by the caller).

func (p *monitoringPlan) scrapers() []k8s.PolicyPeer {
	return []k8s.PolicyPeer{{PodSelector: p.cfg.ScraperPods}}
}

func (p *monitoringPlan) seqConfig(ns *k8s.Namespace) seq.Config {
	c := p.cfg.Seq.Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	if *p.cfg.FluentBit.Enabled {
		c.Ingesters = append(c.Ingesters, k8sPeerIn(p.cfg.NodeAgentsNamespace, p.fluentBitConfig(nil, nil, nil).Selector()))
	}
	return c
}

func k8sPeerIn(ns string, pods map[string]string) k8s.PolicyPeer {
	return k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": ns}, PodSelector: pods}
}

func (p *monitoringPlan) fluentBitConfig(agents, armonikNS *k8s.Namespace, seqModule *seq.Module) fluentbit.Config {
	c := p.cfg.FluentBit.Config
	c.Namespace, c.ClusterDomain, c.Wait = agents, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	if len(c.Namespaces) == 0 && !c.AllNamespaces {
		c.Namespaces = []string{p.namespace}
	}
	if armonikNS != nil {
		c.NamespaceRefs = append(c.NamespaceRefs, armonikNS)
	}
	if c.Output.Seq == nil && *p.cfg.Seq.Enabled {
		host := p.seqHost()
		if seqModule != nil {
			host = seqModule.Host
		}
		c.Output.Seq = &fluentbit.SeqOutput{Host: host, Port: seq.IngestionPort}
	}
	return c.WithDefaults()
}

func (p *monitoringPlan) seqHost() string {
	return or(p.cfg.Seq.Name, seq.Kind) + "." + p.namespace + ".svc." + or(p.cfg.Seq.ClusterDomain, p.clusterDomain)
}

func (p *monitoringPlan) nodeExporterConfig(agents *k8s.Namespace) nodeexporter.Config {
	c := p.cfg.NodeExporter.Config
	c.Namespace, c.ClusterDomain, c.Wait = agents, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	return c
}

func (p *monitoringPlan) kubeStateMetricsConfig(ns *k8s.Namespace) kubestatemetrics.Config {
	c := p.cfg.KubeStateMetrics.Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	if len(c.Namespaces) == 0 {
		c.Namespaces = []string{p.namespace}
	}
	c.Scrapers = append(c.Scrapers, p.scrapers()...)
	return c
}

func (p *monitoringPlan) mongoDBExporterConfig(ns *k8s.Namespace, table outputs.ModuleOutputs) mongodbexporter.Config {
	c := p.cfg.MongoDBExporter.Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	if table != nil {
		c.TableStorage = append([]outputs.ModuleOutputs{table}, c.TableStorage...)
	}
	if db, ok := table.(*mongodb.Module); ok {
		// modules/mongodb's pods carry its kind and instance (modules/internal/base Selector).
		c.MongoDBPods = map[string]string{"app.kubernetes.io/name": mongodb.Kind, "app.kubernetes.io/instance": db.ModuleName()}
		c.MongoDBPort = db.Port
	}
	c.Scrapers = append(c.Scrapers, p.scrapers()...)
	return c
}

// DefaultPrometheusURL is where the stack's Prometheus serves (modules/prometheus: Service
// prometheus, port 9090, in ArmoniK's namespace).
func DefaultPrometheusURL(namespace, clusterDomain string) string {
	return "http://prometheus." + namespace + ".svc." + clusterDomain + ":9090"
}

func (p *monitoringPlan) grafanaConfig(ns *k8s.Namespace) grafana.Config {
	c := p.cfg.Grafana.Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	c.PrometheusURL = or(c.PrometheusURL, DefaultPrometheusURL(p.namespace, or(c.ClusterDomain, p.clusterDomain)))
	c.Sources = []grafana.Source{}
	for _, s := range []struct {
		on  bool
		src grafana.Source
	}{
		{*p.cfg.NodeExporter.Enabled, grafana.SourceNodeExporter},
		{*p.cfg.MongoDBExporter.Enabled, grafana.SourceMongoDBExporter},
		{*p.cfg.KubeStateMetrics.Enabled, grafana.SourceKubeStateMetrics},
	} {
		if s.on {
			c.Sources = append(c.Sources, s.src)
		}
	}
	if in := p.ingress; in != nil {
		c.SubPath = or(c.SubPath, "/grafana")
		c.Ingress = &grafana.Ingress{ClassName: in.ClassName, Host: in.Host, TLSSecret: in.TLSSecret, Annotations: in.Annotations}
	}
	return c
}

func (p *monitoringPlan) tracingConfig(ns *k8s.Namespace) otel.Config {
	c := p.cfg.Tracing.Config
	c.Namespace, c.ClusterDomain, c.Wait = ns, or(c.ClusterDomain, p.clusterDomain), orPtr(c.Wait, p.wait)
	if p.localhost && c.Endpoint == "" && c.Jaeger == nil && c.Forward == nil {
		c.Jaeger = &otel.Jaeger{}
	}
	return c
}

// validate returns every problem of the monitoring settings (paths relative to
// "<stack>.monitoring."), checking each enabled module as New will.
func (p *monitoringPlan) validate() []error {
	var errs []error
	d := &p.cfg
	if msgs := validation.IsDNS1123Label(d.NodeAgentsNamespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("node_agents_namespace: %q %s", d.NodeAgentsNamespace, msgs[0]))
	} else if d.NodeAgentsNamespace == p.namespace && p.agents() {
		errs = append(errs, fmt.Errorf("node_agents_namespace: %q is ArmoniK's namespace: the node agents need the Pod Security level privileged, which ArmoniK's namespace must not get; name another", d.NodeAgentsNamespace))
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
	ns := k8s.ExistingNamespace(p.namespace)
	agents := k8s.ExistingNamespace(d.NodeAgentsNamespace)
	check := func(key string, enabled bool, validate func() error) {
		if enabled {
			errs = append(errs, prefixed(key+": ", validate())...)
		}
	}
	check("seq", *d.Seq.Enabled, func() error { return p.seqConfig(ns).WithDefaults().Validate() })
	check("fluent_bit", *d.FluentBit.Enabled, func() error { return p.fluentBitConfig(agents, nil, nil).Validate() })
	check("node_exporter", *d.NodeExporter.Enabled, func() error { return p.nodeExporterConfig(agents).WithDefaults().Validate() })
	check("kube_state_metrics", *d.KubeStateMetrics.Enabled, func() error { return p.kubeStateMetricsConfig(ns).WithDefaults().Validate() })
	check("mongodb_exporter", *d.MongoDBExporter.Enabled, func() error {
		// The table store is built later: stand in for it.
		return p.mongoDBExporterConfig(ns, outputs.NewModule("table-storage")).WithDefaults().Validate()
	})
	check("grafana", *d.Grafana.Enabled, func() error { return p.grafanaConfig(ns).WithDefaults().Validate() })
	check("tracing", *d.Tracing.Enabled, func() error { return p.tracingConfig(ns).WithDefaults().Validate() })
	return errs
}

// build deploys the enabled modules on st and adds their outputs to ArmoniK's layers: the
// tracing endpoint to the log layer (and its token, if any, to the control and polling
// layers only), the exporter statuses the dashboards need to the metrics layer. table is the
// table store's module, which the MongoDB exporter reads.
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
			return nil, prefixed1("monitoring.node_agents_namespace: ", err)
		}
	}
	if *d.Seq.Enabled {
		if mon.Seq, err = seq.New(st, "seq", p.seqConfig(ns)); err != nil {
			fail("seq", err)
		}
	}
	if *d.FluentBit.Enabled {
		if mon.FluentBit, err = fluentbit.New(st, "fluent-bit", p.fluentBitConfig(mon.NodeAgents, ns, mon.Seq)); err != nil {
			fail("fluent_bit", err)
		}
	}
	if *d.NodeExporter.Enabled {
		if mon.NodeExporter, err = nodeexporter.New(st, "node-exporter", p.nodeExporterConfig(mon.NodeAgents)); err != nil {
			fail("node_exporter", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.NodeExporter.ScrapeTargets()...)
		}
	}
	if *d.KubeStateMetrics.Enabled {
		if mon.KubeStateMetrics, err = kubestatemetrics.New(st, "kube-state-metrics", p.kubeStateMetricsConfig(ns)); err != nil {
			fail("kube_state_metrics", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.KubeStateMetrics.ScrapeTargets()...)
		}
	}
	if *d.MongoDBExporter.Enabled {
		if mon.MongoDBExporter, err = mongodbexporter.New(st, "mongodb-exporter", p.mongoDBExporterConfig(ns, table)); err != nil {
			fail("mongodb_exporter", err)
		} else {
			mon.ScrapeTargets = append(mon.ScrapeTargets, mon.MongoDBExporter.ScrapeTargets()...)
		}
	}
	if *d.Grafana.Enabled {
		if mon.Grafana, err = grafana.New(st, "grafana", p.grafanaConfig(ns)); err != nil {
			fail("grafana", err)
		} else {
			a.Layers.Metrics = append(armonik.Conf{mon.Grafana.ExporterOutputs}, a.Layers.Metrics...)
		}
	}
	if *d.Tracing.Enabled {
		if mon.Tracing, err = otel.New(st, "tracing", p.tracingConfig(ns)); err != nil {
			fail("tracing", err)
		} else {
			a.Layers.Log = append(armonik.Conf{mon.Tracing}, a.Layers.Log...)
			if mon.Tracing.Auth != nil {
				a.Layers.Control = append(armonik.Conf{mon.Tracing.Auth}, a.Layers.Control...)
				a.Layers.Polling = append(armonik.Conf{mon.Tracing.Auth}, a.Layers.Polling...)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return mon, nil
}

func prefixed1(path string, err error) error { return errors.Join(prefixed(path, err)...) }

// Consumers returns the merged pods of the stack's AEP 5 consumers other than ArmoniK.
func (s *Stack) Consumers() []*outputs.Pod {
	if s.Monitoring == nil || s.Monitoring.MongoDBExporter == nil {
		return nil
	}
	return []*outputs.Pod{s.Monitoring.MongoDBExporter.Pod}
}
