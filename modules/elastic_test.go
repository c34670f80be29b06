package modules_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/keda"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
)

// TestPrometheusWithArmoniK builds Prometheus beside an ArmoniK whose partitions scale on their
// queue, and checks that what Prometheus scrapes, admits and reaches is what ArmoniK creates.
func TestPrometheusWithArmoniK(t *testing.T) {
	st, all := deployAll(t, false)
	prom := must(prometheus.New(st, "prometheus", prometheus.Config{Namespace: all.ns}))(t)
	ns := all.ns.Name
	if prom.PrometheusURL() != "http://prometheus."+ns+".svc.cluster.local:9090" || prom.MetricsSourceName() != "prometheus" {
		t.Errorf("metrics source %s %s", prom.MetricsSourceName(), prom.PrometheusURL())
	}
	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no, Metrics: prom,
		Layers:     armonik.Layers{Core: armonik.Conf{all.mq, all.db, all.rd}, Worker: armonik.Conf{all.shared}},
		Partitions: []armonik.Partition{{Name: "default", Scaling: &armonik.Scaling{MaxReplicas: 5}}},
	}))(t)
	raw, out := synthtest.Synth(t, st)
	_ = raw
	if a.PodDeletionCost == nil || a.ScaledObjects["default"] == nil {
		t.Fatal("scaling with a metrics source must create the ScaledObject and the pod-deletion-cost updater")
	}

	// prometheus.yml parses and scrapes the metrics exporter's Service and the agents' pods.
	cm := out.Named(t, "kubernetes_config_map_v1", "prometheus-config")
	var conf struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string          `yaml:"targets"`
				Labels  map[string]string `yaml:"labels"`
			} `yaml:"static_configs"`
			RelabelConfigs []struct {
				SourceLabels []string `yaml:"source_labels"`
				Regex        string   `yaml:"regex"`
				Action       string   `yaml:"action"`
				TargetLabel  string   `yaml:"target_label"`
			} `yaml:"relabel_configs"`
		} `yaml:"scrape_configs"`
	}
	data, _ := synthtest.Get(cm, "data").(map[string]any) // Get splits on dots: read the key directly
	if err := yaml.Unmarshal([]byte(fmt.Sprint(data["prometheus.yml"])), &conf); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	jobs := map[string]int{}
	for i, j := range conf.ScrapeConfigs {
		jobs[j.JobName] = i
	}
	exporter := conf.ScrapeConfigs[jobs["metrics-exporter"]].StaticConfigs[0]
	svc := out.Named(t, "kubernetes_service_v1", "metrics-exporter")
	if want := fmt.Sprintf("metrics-exporter.%s.svc.cluster.local:%v", ns, synthtest.Get(svc, "spec.port.0.port")); !reflect.DeepEqual(exporter.Targets, []string{want}) {
		t.Errorf("exporter target %v, want %s", exporter.Targets, want)
	}
	if exporter.Labels["namespace"] != ns {
		t.Errorf("exporter labels %v: KEDA's default query selects namespace", exporter.Labels)
	}
	agents := conf.ScrapeConfigs[jobs["polling-agents"]]
	keep := agents.RelabelConfigs[0]
	plane := out.Named(t, "kubernetes_deployment_v1", "compute-plane-default")
	labels, _ := synthtest.Get(plane, "spec.template.metadata.labels").(map[string]any)
	portName := synthtest.Get(synthtest.Containers(plane)["polling-agent"], "port.0.name")
	if keep.Action != "keep" || keep.Regex != fmt.Sprintf("%v;%v;%v", labels["app.kubernetes.io/part-of"], labels["app.kubernetes.io/component"], portName) {
		t.Errorf("the agents' keep rule %+v does not match the compute-plane pods (labels %v, port %v)", keep, labels, portName)
	}
	var targets []string
	for _, r := range agents.RelabelConfigs[1:] {
		targets = append(targets, r.TargetLabel)
	}
	if !reflect.DeepEqual(targets, []string{"kubernetes_namespace", "kubernetes_pod_name", "kubernetes_pod_node_name", "partition"}) {
		t.Errorf("agent labels %v: the pod-deletion-cost updater reads kubernetes_namespace and kubernetes_pod_name", targets)
	}

	// The NetworkPolicy: ingress from ArmoniK's pods (the updater among them) and KEDA; egress
	// to DNS, the exporter and agent pods, the API server, nothing else.
	pol := out.Named(t, "kubernetes_network_policy_v1", "prometheus")
	if got := synthtest.String(synthtest.Get(pol, "spec.policy_types")); got != `["Ingress","Egress"]` {
		t.Errorf("policy types %s", got)
	}
	pdcLabels, _ := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "pod-deletion-cost"), "spec.template.metadata.labels").(map[string]any)
	if !matches(synthtest.Get(pol, "spec.ingress.0.from.0.pod_selector.match_labels").(map[string]any), pdcLabels) {
		t.Error("the pod-deletion-cost updater may not query Prometheus")
	}
	if got := synthtest.Get(pol, "spec.ingress.0.from.1.namespace_selector.match_labels"); synthtest.String(got) != `{"kubernetes.io/metadata.name":"keda"}` {
		t.Errorf("KEDA's namespace peer %v", got)
	}
	egress, _ := synthtest.Get(pol, "spec.egress").([]any)
	if len(egress) != 4 {
		t.Fatalf("egress rules %s", synthtest.String(egress))
	}
	exporterLabels, _ := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter"), "spec.template.metadata.labels").(map[string]any)
	for i, want := range []struct {
		labels map[string]any
		port   string
	}{{exporterLabels, "1080"}, {labels, "1080"}} {
		rule := egress[i+1]
		if !matches(synthtest.Get(rule, "to.0.pod_selector.match_labels").(map[string]any), want.labels) || synthtest.Get(rule, "ports.0.port") != want.port {
			t.Errorf("egress rule %d %s does not reach pods %v on %s", i+1, synthtest.String(rule), want.labels, want.port)
		}
	}
	if got := synthtest.String(synthtest.Get(egress[3], "to")); got != `[{"ip_block":{"cidr":"0.0.0.0/0"}}]` {
		t.Errorf("API server egress %s", got)
	}

	// Discovery only: a Role reading pods, in the namespace.
	role := out.Named(t, "kubernetes_role_v1", "prometheus")
	if got := synthtest.String(synthtest.Get(role, "rule")); got != `[{"api_groups":[""],"resources":["pods"],"verbs":["get","list","watch"]}]` {
		t.Errorf("prometheus role %s", got)
	}
	d := out.Named(t, "kubernetes_deployment_v1", "prometheus")
	c := synthtest.Containers(d)["prometheus"]
	if synthtest.Get(c, "security_context.read_only_root_filesystem") != true || synthtest.Get(d, "spec.template.spec.security_context.run_as_user") != "65534" {
		t.Errorf("prometheus security %s / %s", synthtest.String(synthtest.Get(c, "security_context")), synthtest.String(synthtest.Get(d, "spec.template.spec.security_context")))
	}
}

// TestElasticGoldens pins the Prometheus and KEDA modules alone, with their defaults.
func TestElasticGoldens(t *testing.T) {
	st, ns := newStack(t)
	must(prometheus.New(st, "prometheus", prometheus.Config{Namespace: ns}))(t)
	raw, _ := synthtest.Synth(t, st)
	golden.JSON(t, "module-prometheus", raw)

	st, ns = newStack(t)
	m := must(keda.New(st, "keda", keda.Config{Namespace: ns}))(t)
	raw, out := synthtest.Synth(t, st)
	golden.JSON(t, "module-keda", raw)
	if len(m.CRDs) != 6 || len(m.Ready()) != 6 {
		t.Fatalf("CRDs %d", len(m.CRDs))
	}
	so := out.Manifest(t, "CustomResourceDefinition", "scaledobjects.keda.sh")
	schema := synthtest.Get(so, "manifest.spec.versions.0.schema.openAPIV3Schema.properties.spec")
	if got := synthtest.String(synthtest.Get(schema, "required")); got != `["scaleTargetRef","triggers"]` {
		t.Errorf("ScaledObject spec required %s", got)
	}
	if got := synthtest.Get(schema, "properties.triggers.items.properties.metadata.additionalProperties.type"); got != "string" {
		t.Errorf("trigger metadata values %v", got)
	}
	for _, r := range out.Resources("kubernetes_manifest") {
		if synthtest.Get(r, "manifest.spec.versions.0.subresources.status") == nil {
			t.Errorf("%v: no status subresource (the operator writes status)", synthtest.Get(r, "manifest.metadata.name"))
		}
	}
	args := synthtest.String(synthtest.Get(synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "keda-operator"))["keda-operator"], "args"))
	for _, want := range []string{"--enable-cert-rotation=true", "--enable-webhook-patching=false", "--k8s-cluster-domain=cluster.local"} {
		if !strings.Contains(args, want) {
			t.Errorf("operator args lack %s: %s", want, args)
		}
	}
	adapter := synthtest.String(synthtest.Get(synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "keda-metrics-apiserver"))["keda-metrics-apiserver"], "args"))
	if !strings.Contains(adapter, "--metrics-service-address=keda-operator.armonik.svc.cluster.local:9666") {
		t.Errorf("metrics server args %s", adapter)
	}
	reader := out.Named(t, "kubernetes_role_binding_v1", "keda-auth-reader")
	if synthtest.Get(reader, "metadata.namespace") != "kube-system" || synthtest.Get(reader, "role_ref.name") != "extension-apiserver-authentication-reader" {
		t.Errorf("auth reader binding %s", synthtest.String(reader))
	}
	hpa := out.Named(t, "kubernetes_cluster_role_binding_v1", "keda-hpa-controller-external-metrics")
	if got := synthtest.String(synthtest.Get(hpa, "subject")); got != `[{"kind":"ServiceAccount","name":"horizontal-pod-autoscaler","namespace":"kube-system"}]` {
		t.Errorf("the HPA controller must read external metrics: %s", got)
	}
}

// TestElasticConfigErrors: every problem of the Prometheus and KEDA settings at once, with its key.
func TestElasticConfigErrors(t *testing.T) {
	st, ns := newStack(t)
	checkConfigErrors(t, st, []configErrorCase{
		{"prometheus", func() error {
			_, err := prometheus.New(st, "prometheus", prometheus.Config{
				Namespace: ns, Retention: "forever", ScrapeInterval: "15", APIServerCIDR: "10.0.0.0",
				QueryNamespaces: []string{"Bad_NS"}, AllowFrom: []map[string]string{{}},
				Jobs:              []prometheus.Job{{Name: "metrics-exporter", Targets: []string{"nohost"}}},
				PriorityClassName: "System_Class",
			})
			return err
		}, []string{
			`prometheus "prometheus": retention: "forever" is not a Prometheus duration`,
			`prometheus "prometheus": scrape_interval: "15" is not a Prometheus duration`,
			`prometheus "prometheus": api_server_cidr: "10.0.0.0"`,
			`prometheus "prometheus": query_namespaces[0]: "Bad_NS"`,
			`prometheus "prometheus": allow_from[0]: empty`,
			`prometheus "prometheus": jobs[0].name: "metrics-exporter" is already a job`,
			`prometheus "prometheus": jobs[0].targets: "nohost" is not host:port`,
			`prometheus "prometheus": jobs[0]: pod_selector and pod_port are required while network_policy is on`,
			`prometheus "prometheus": priority_class_name: "System_Class"`,
		}},
		{"keda", func() error {
			_, err := keda.New(st, "keda", keda.Config{LogLevel: "loud", PullPolicy: "Sometimes", OperatorResources: k8s.Resources{Limits: map[string]string{"cpu": "lots"}}})
			return err
		}, []string{
			`keda "keda": namespace: required`,
			`keda "keda": log_level: "loud" must be one of debug, info, error`,
			`keda "keda": pull_policy: "Sometimes"`,
			`keda "keda": operator_resources.limits.cpu: "lots" is not a Kubernetes quantity`,
		}},
	})
	for url, want := range map[string]string{
		"":                           "required",
		"prometheus:9090":            "the scheme must be http or https",
		"http://":                    "no host",
		"http://u:p@prometheus:9090": "credentials do not belong in the URL",
		"http://p:9090/?x=1":         "no query",
	} {
		if _, err := prometheus.NewExternal(url); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewExternal(%q): %v, want %q", url, err, want)
		}
	}
	if e, err := prometheus.NewExternal("http://prometheus-server.monitoring:9090/"); err != nil || e.PrometheusURL() != "http://prometheus-server.monitoring:9090" {
		t.Errorf("NewExternal: %v %v", e, err)
	}
}
