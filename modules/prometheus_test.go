package modules_test

// Tests of the prometheus module with the exporters it scrapes.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kubestatemetrics"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nodeexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
)

// TestScrapeTargets: every exporter gives one scrape job; a DaemonSet's is scraped on every
// node (dns_sd_configs on its headless Service), the others through their Service.
func TestScrapeTargets(t *testing.T) {
	st, ns := newStack(t)
	agents := agentsNamespace(t, st)
	ne := must(nodeexporter.New(st, "node-exporter", nodeexporter.Config{Namespace: agents}))(t)
	ksm := must(kubestatemetrics.New(st, "kube-state-metrics", kubestatemetrics.Config{Namespace: ns, Namespaces: []string{"armonik"}}))(t)
	var sources []modules.ScrapeSource = []modules.ScrapeSource{ne, ksm}
	var got []map[string]any
	for _, s := range sources {
		for _, tg := range s.ScrapeTargets() {
			if err := tg.Validate(); err != nil {
				t.Error(err)
			}
			got = append(got, tg.ScrapeConfig())
		}
	}
	want := []map[string]any{
		{"job_name": "node-exporter", "metrics_path": "/metrics", "scheme": "http",
			"dns_sd_configs": []any{map[string]any{"names": []any{"node-exporter.armonik-node-agents.svc.cluster.local"}, "type": "A", "port": 9100}}},
		{"job_name": "kube-state-metrics", "metrics_path": "/metrics", "scheme": "http",
			"static_configs": []any{map[string]any{"targets": []any{"kube-state-metrics.armonik.svc.cluster.local:8080"}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scrape configs\n got %#v\nwant %#v", got, want)
	}
	if !ne.Target.HostNetwork || ne.Target.Namespace != "armonik-node-agents" || ne.Target.Pods["app.kubernetes.io/name"] != "node-exporter" ||
		ksm.Target.HostNetwork || ksm.Target.Namespace != "armonik" {
		t.Errorf("egress facts of the targets: %+v %+v", ne.Target, ksm.Target)
	}
	bad := modules.ScrapeTarget{JobName: "a b", Host: "Not_A_Host", Port: 0, Path: "metrics", Labels: map[string]string{"app.kubernetes.io/x": "y"}}
	err := bad.Validate()
	for _, w := range []string{"job name", `host "Not_A_Host"`, "port 0", `path "metrics"`, `label "app.kubernetes.io/x"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("scrape target error lacks %q: %v", w, err)
		}
	}
	_, out := synthtest.Synth(t, st)
	if synthtest.Get(out.Named(t, "kubernetes_service_v1", "node-exporter"), "spec.cluster_ip") != "None" {
		t.Error("node-exporter's Service must be headless")
	}
	ds := out.Named(t, "kubernetes_daemon_set_v1", "node-exporter")
	for path, want := range map[string]any{
		"spec.template.spec.host_network":                                 true,
		"spec.template.spec.host_pid":                                     true,
		"spec.template.spec.security_context.run_as_user":                 "65534",
		"spec.template.spec.container.0.volume_mount.0.mount_propagation": "HostToContainer",
		"spec.template.spec.container.0.volume_mount.0.read_only":         true,
	} {
		if got := synthtest.Get(ds, path); got != want {
			t.Errorf("node-exporter %s = %v, want %v", path, got, want)
		}
	}
	role := out.Named(t, "kubernetes_role_v1", "armonik-kube-state-metrics")
	if got := fmt.Sprint(role["rule"]); got != "[map[api_groups:[] resources:[pods] verbs:[list watch]] map[api_groups:[apps] resources:[deployments] verbs:[list watch]]]" {
		t.Errorf("kube-state-metrics rules %s", got)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestPrometheusScrapesTheExporters: given the exporters' scrape targets, the Prometheus module
// adds their jobs to prometheus.yml (node-exporter per node through dns_sd_configs on its
// headless Service, the others through their Service) and, to its NetworkPolicy, one egress
// rule per target on its port: a pod selector in its own namespace, a namespace and pod
// selector elsewhere, and node_cidr for the host-network node-exporter, whose pods no selector
// matches. A target whose job name is taken, or that names no pods, is an error.
func TestPrometheusScrapesTheExporters(t *testing.T) {
	st, ns := newStack(t)
	agents := agentsNamespace(t, st)
	ne := must(nodeexporter.New(st, "node-exporter", nodeexporter.Config{Namespace: agents}))(t)
	ksm := must(kubestatemetrics.New(st, "kube-state-metrics", kubestatemetrics.Config{Namespace: ns, Namespaces: []string{"armonik"}}))(t)
	targets := append(ne.ScrapeTargets(), ksm.ScrapeTargets()...)
	must(prometheus.New(st, "prometheus", prometheus.Config{
		Namespace: ns, Targets: targets, NodeCIDR: "10.0.0.0/16", AllowFrom: []map[string]string{{"app.kubernetes.io/name": "grafana"}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	var prom struct {
		ScrapeConfigs []map[string]any `yaml:"scrape_configs"`
	}
	text := out.Named(t, "kubernetes_config_map_v1", "prometheus-config")["data"].(map[string]any)["prometheus.yml"].(string)
	if err := yaml.Unmarshal([]byte(text), &prom); err != nil {
		t.Fatal(err)
	}
	jobs := map[string]map[string]any{}
	for _, j := range prom.ScrapeConfigs {
		jobs[fmt.Sprint(j["job_name"])] = j
	}
	if got := fmt.Sprint(jobs["node-exporter"]["dns_sd_configs"]); got != "[map[names:[node-exporter.armonik-node-agents.svc.cluster.local] port:9100 type:A]]" {
		t.Errorf("node-exporter job: %v", jobs["node-exporter"])
	}
	if got := fmt.Sprint(jobs["kube-state-metrics"]["static_configs"]); got != "[map[targets:[kube-state-metrics.armonik.svc.cluster.local:8080]]]" {
		t.Errorf("kube-state-metrics job: %v", jobs["kube-state-metrics"])
	}
	np := out.Named(t, "kubernetes_network_policy_v1", "prometheus")
	egress, _ := synthtest.Get(np, "spec.egress").([]any)
	var rules []string
	for _, e := range egress {
		rules = append(rules, synthtest.String(e))
	}
	for _, want := range []string{
		`{"ports":[{"port":"9100","protocol":"TCP"}],"to":[{"ip_block":{"cidr":"10.0.0.0/16"}}]}`,
		`{"ports":[{"port":"8080","protocol":"TCP"}],"to":[{"pod_selector":{"match_labels":{"app.kubernetes.io/component":"metrics","app.kubernetes.io/instance":"kube-state-metrics","app.kubernetes.io/name":"kube-state-metrics"}}}]}`,
	} {
		if !slices.Contains(rules, want) {
			t.Errorf("no egress rule %s in\n%s", want, strings.Join(rules, "\n"))
		}
	}
	if got := synthtest.String(synthtest.Get(np, "spec.ingress.0.from")); !strings.Contains(got, `"app.kubernetes.io/name":"grafana"`) {
		t.Errorf("Prometheus must admit Grafana: %s", got)
	}

	// A target in another namespace is reached with a namespace selector too; a taken job name
	// and a target without pods are errors.
	st2, ns2 := newStack(t)
	other := modules.ScrapeTarget{JobName: "exporter", Host: "exporter.tools.svc.cluster.local", Port: 9000, Pods: map[string]string{"app": "x"}, Namespace: "tools"}
	must(prometheus.New(st2, "prometheus", prometheus.Config{Namespace: ns2, Targets: []modules.ScrapeTarget{other}}))(t)
	_, out2 := synthtest.Synth(t, st2)
	if got := synthtest.String(synthtest.Get(out2.Named(t, "kubernetes_network_policy_v1", "prometheus"), "spec.egress")); !strings.Contains(got,
		`{"ports":[{"port":"9000","protocol":"TCP"}],"to":[{"namespace_selector":{"match_labels":{"kubernetes.io/metadata.name":"tools"}},"pod_selector":{"match_labels":{"app":"x"}}}]}`) {
		t.Errorf("egress to another namespace: %s", got)
	}
	_, err := prometheus.New(st2, "bad", prometheus.Config{Name: "bad", Namespace: ns2, Targets: []modules.ScrapeTarget{
		{JobName: "metrics-exporter", Host: "a.b", Port: 1, Pods: map[string]string{"a": "b"}},
		{JobName: "nopods", Host: "a.b", Port: 1},
	}})
	for _, w := range []string{`targets[0]: job "metrics-exporter" is already a job`, `targets[1]: job "nopods" names no pods`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}
