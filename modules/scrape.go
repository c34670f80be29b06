package modules

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ScrapeTarget is one scrape job an exporter asks a Prometheus to run: the exporters
// (modules/nodeexporter, modules/mongodbexporter, modules/kubestatemetrics) each give one, and a
// Prometheus module takes a list of them as extra scrape jobs (ScrapeConfig renders each).
//
// Exporters are reached through their Service's DNS name, never through the Kubernetes API, so
// a Prometheus needs no RBAC for them. A DaemonSet's exporter is scraped on every node: its
// Service is headless and PerPod resolves every address behind the name (dns_sd_configs, type
// A), where a ClusterIP Service would answer from one random node per scrape.
type ScrapeTarget struct {
	// JobName is the job label of every series (unique among a Prometheus' jobs).
	JobName string
	// Host is the Service's DNS name, <service>.<namespace>.svc.<cluster domain>.
	Host string
	// Port is the metrics port.
	Port int
	// Path is the metrics path (default /metrics).
	Path string
	// PerPod scrapes every pod behind a headless Service instead of the Service's one address.
	PerPod bool
	// Labels are added to every series of the job (namespace...).
	Labels map[string]string
	// Pods are the labels of the pods behind the target and Namespace their namespace: a
	// Prometheus whose NetworkPolicy restricts its egress admits them with these (a pod
	// selector, with a namespace selector when Namespace is not its own) on Port.
	Pods      map[string]string
	Namespace string
	// HostNetwork says the pods use their node's network (node-exporter): their addresses are
	// the nodes', which no pod selector matches; an egress rule must admit them by address
	// (ipBlock) on Port.
	HostNetwork bool
}

// labelName is a Prometheus label name (names starting with __ are reserved).
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ScrapeSource is what gives scrape targets: every exporter module.
type ScrapeSource interface {
	ScrapeTargets() []ScrapeTarget
}

// MetricsPath returns Path, or /metrics.
func (t ScrapeTarget) MetricsPath() string {
	if t.Path == "" {
		return "/metrics"
	}
	return t.Path
}

// Address is host:port.
func (t ScrapeTarget) Address() string { return t.Host + ":" + strconv.Itoa(t.Port) }

// Validate returns every problem of t.
func (t ScrapeTarget) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("scrape target %q: "+format, append([]any{t.JobName}, args...)...))
	}
	if t.JobName == "" || strings.ContainsAny(t.JobName, " \t\n\"") {
		add("job name: required, without blanks or quotes")
	}
	if msgs := validation.IsDNS1123Subdomain(t.Host); len(msgs) > 0 {
		add("host %q: %s", t.Host, msgs[0])
	}
	if t.Port < 1 || t.Port > 65535 {
		add("port %d is not in 1-65535", t.Port)
	}
	if !strings.HasPrefix(t.MetricsPath(), "/") {
		add("path %q must start with /", t.Path)
	}
	for _, k := range slices.Sorted(maps.Keys(t.Labels)) {
		if !labelName.MatchString(k) || strings.HasPrefix(k, "__") {
			add("label %q: a Prometheus label name is letters, digits and underscores, not starting with a digit or __", k)
		}
	}
	return errors.Join(errs...)
}

// ScrapeConfig is t as one entry of Prometheus' scrape_configs, ready to be marshalled to YAML
// or JSON (which Prometheus also reads): static_configs with host:port, or dns_sd_configs of
// type A on the host with the port when PerPod.
func (t ScrapeTarget) ScrapeConfig() map[string]any {
	cfg := map[string]any{
		"job_name":     t.JobName,
		"metrics_path": t.MetricsPath(),
		"scheme":       "http",
	}
	if t.PerPod {
		cfg["dns_sd_configs"] = []any{map[string]any{"names": []any{t.Host}, "type": "A", "port": t.Port}}
		if len(t.Labels) > 0 {
			// dns_sd_configs have no labels of their own: add them by relabelling.
			var relabel []any
			for _, k := range slices.Sorted(maps.Keys(t.Labels)) {
				relabel = append(relabel, map[string]any{"target_label": k, "replacement": t.Labels[k]})
			}
			cfg["relabel_configs"] = relabel
		}
		return cfg
	}
	static := map[string]any{"targets": []any{t.Address()}}
	if len(t.Labels) > 0 {
		labels := map[string]any{}
		for k, v := range t.Labels {
			labels[k] = v
		}
		static["labels"] = labels
	}
	cfg["static_configs"] = []any{static}
	return cfg
}
