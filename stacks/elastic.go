package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
)

// MonitoringConfig says where ArmoniK's metrics are stored and queried: queue-length scaling
// (partitions[i].scaling) and the pod-deletion-cost updater need one of the two.
type MonitoringConfig struct {
	// Prometheus deploys a Prometheus beside ArmoniK (modules/prometheus; {} for its defaults)
	// that scrapes the metrics exporter and the polling agents.
	Prometheus *prometheus.Config `yaml:"prometheus,omitempty"`
	// PrometheusURL names a Prometheus the cluster already runs: the base URL of its HTTP API as
	// pods reach it, e.g. http://prometheus-server.monitoring.svc.cluster.local:9090. It must
	// scrape the metrics exporter (its Service carries the prometheus.io annotations) with a
	// namespace label, and the polling agents' pods with kubernetes_namespace and
	// kubernetes_pod_name labels.
	PrometheusURL string `yaml:"prometheus_url,omitempty"`
}

// KEDAConfig says where KEDA comes from, for partitions that scale on their queue length.
type KEDAConfig struct {
	// Existing means the cluster already runs KEDA 2.x with its CRDs: the stack only creates
	// ScaledObjects. Otherwise add armonik-platform to stacks: it installs KEDA, and this stack
	// depends on it.
	Existing bool `yaml:"existing,omitempty"`
	// Namespace is where KEDA runs (default "keda", or armonik-platform's keda.namespace): the
	// in-cluster Prometheus admits queries from its pods.
	Namespace string `yaml:"namespace,omitempty"`
}

// urlSource is a metrics source known by its URL before the stack is built (for validation).
type urlSource struct{ name, url string }

func (u urlSource) MetricsSourceName() string { return u.name }
func (u urlSource) PrometheusURL() string     { return u.url }

// monitoring is a stack's metrics source: a planned one for validation, and how to build it.
type monitoring struct {
	planned outputs.MetricsSource
	build   func(scope constructs.Construct, ns *k8s.Namespace) (outputs.MetricsSource, error)
}

// plan returns the stack's metrics source (nil when none is configured) and the problems of
// the settings (paths relative to "monitoring."). An in-cluster Prometheus gets the stack's
// cluster domain and wait switch unless it sets its own, and admits queries from KEDA's
// namespace unless query_namespaces is set.
func (m MonitoringConfig) plan(ns *k8s.Namespace, clusterDomain string, wait *bool, keda KEDAConfig) (*monitoring, []error) {
	var errs []error
	if m.Prometheus != nil && m.PrometheusURL != "" {
		return nil, []error{fmt.Errorf("monitoring: choose prometheus (deploy one) or prometheus_url (use an existing one), not both")}
	}
	switch {
	case m.Prometheus != nil:
		c := *m.Prometheus
		c.Namespace = ns
		c.ClusterDomain = or(c.ClusterDomain, clusterDomain)
		c.Wait = orPtr(c.Wait, wait)
		if c.QueryNamespaces == nil && keda.Namespace != "" {
			c.QueryNamespaces = []string{keda.Namespace}
		}
		d := c.WithDefaults()
		errs = append(errs, prefixed("monitoring.prometheus: ", d.Validate())...)
		return &monitoring{
			planned: urlSource{name: d.Name, url: d.URL()},
			build: func(scope constructs.Construct, n *k8s.Namespace) (outputs.MetricsSource, error) {
				c := c
				c.Namespace = n
				return prometheus.New(scope, "prometheus", c)
			},
		}, errs
	case m.PrometheusURL != "":
		src, err := prometheus.NewExternal(m.PrometheusURL)
		if err != nil {
			return nil, []error{fmt.Errorf("monitoring.prometheus_url: %w", err)}
		}
		return &monitoring{planned: src, build: func(constructs.Construct, *k8s.Namespace) (outputs.MetricsSource, error) { return src, nil }}, nil
	}
	return nil, nil
}

// validate checks a stack's KEDA settings (paths relative to the stack).
func (k KEDAConfig) validate() []error {
	if k.Namespace == "" {
		return nil
	}
	if msgs := validation.IsDNS1123Label(k.Namespace); len(msgs) > 0 {
		return []error{fmt.Errorf("keda.namespace: %q %s", k.Namespace, msgs[0])}
	}
	return nil
}

// kedaProblems reports, for a stack (its configuration key, such as "localhost") whose ArmoniK
// is a, partitions that scale on their queue without KEDA, and KEDA declared twice (paths
// relative to the stack).
func kedaProblems(stack string, a *armonik.Config, k KEDAConfig, platform bool) []error {
	var errs []error
	scaling := false
	for i, p := range a.Partitions {
		if p.Scaling == nil {
			continue
		}
		scaling = true
		if !k.Existing && !platform {
			errs = append(errs, fmt.Errorf("armonik.partitions[%d].scaling: needs KEDA: add %s to stacks (it installs KEDA %s before this stack), or set %s.keda.existing: true when the cluster already runs KEDA",
				i, PlatformName, kedaVersion, stack))
		}
	}
	if scaling && k.Existing && platform {
		errs = append(errs, fmt.Errorf("keda.existing: true, but %s installs KEDA too: remove one", PlatformName))
	}
	return errs
}
