package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/grafana"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// localhost builds armonik-localhost from a configuration document ("" = the defaults).
func localhost(t *testing.T, doc string) (*stacks.Stack, synthtest.JSON) {
	t.Helper()
	cfg := stacks.DefaultLocalhost()
	if doc != "" {
		c, err := stacks.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		cfg = c.Localhost
	}
	st, err := stacks.NewLocalhost(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st.Stack)
	return st, out
}

// armoniKContainers returns, for every container of ArmoniK's workloads, its env as
// name -> value or "secret:<ref>/<key>", and the Secrets it reads whole.
func armoniKContainers(out synthtest.JSON) map[string]map[string]string {
	res := map[string]map[string]string{}
	for _, typ := range []string{"kubernetes_deployment_v1", "kubernetes_job_v1"} {
		for _, r := range out.Resources(typ) {
			if synthtest.Get(r, "spec.template.metadata.labels.app\\.kubernetes\\.io/part-of") != "armonik" {
				labels, _ := synthtest.Get(r, "spec.template.metadata.labels").(map[string]any)
				if labels["app.kubernetes.io/part-of"] != "armonik" {
					continue
				}
			}
			list, _ := synthtest.Get(r, "spec.template.spec.container").([]any)
			for _, c := range list {
				m := c.(map[string]any)
				key := fmt.Sprint(synthtest.Get(r, "metadata.name"), "/", m["name"])
				env := map[string]string{}
				for _, e := range asList(m["env"]) {
					em := e.(map[string]any)
					v := fmt.Sprint(em["value"])
					if s := synthtest.Get(em, "value_from.secret_key_ref"); s != nil {
						v = fmt.Sprint("secret:", synthtest.Get(s, "name"), "/", synthtest.Get(s, "key"))
					}
					env[em["name"].(string)] = v
				}
				for _, f := range asList(m["env_from"]) {
					if n := synthtest.Get(f, "secret_ref.name"); n != nil {
						env["envFrom:"+fmt.Sprint(n)] = "secret"
					}
				}
				res[key] = env
			}
		}
	}
	return res
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestMonitoringInDefaultStack: armonik-localhost deploys Seq, fluent-bit, Grafana and the
// exporters by default. The node agents get a namespace of their own labelled privileged, Seq
// (which runs as root) one labelled baseline, and ArmoniK's stays at restricted; the policies admit fluent-bit into Seq and the MongoDB exporter
// into MongoDB; the exporters give their scrape jobs; and ArmoniK's containers get no
// credential from any of it, only MetricsExporter__Metrics in the metrics exporter.
func TestMonitoringInDefaultStack(t *testing.T) {
	st, out := localhost(t, "")
	agents := out.Named(t, "kubernetes_namespace_v1", "armonik-node-agents")
	if synthtest.Get(agents, "metadata.labels.pod-security\\.kubernetes\\.io/enforce") != "privileged" {
		if l, _ := synthtest.Get(agents, "metadata.labels").(map[string]any); l["pod-security.kubernetes.io/enforce"] != "privileged" {
			t.Errorf("the node agents' namespace must be labelled privileged: %v", l)
		}
	}
	main, _ := synthtest.Get(out.Named(t, "kubernetes_namespace_v1", "armonik"), "metadata.labels").(map[string]any)
	logs, _ := synthtest.Get(out.Named(t, "kubernetes_namespace_v1", "armonik-logs"), "metadata.labels").(map[string]any)
	for _, mode := range []string{"enforce", "audit", "warn"} {
		if l := main["pod-security.kubernetes.io/"+mode]; l != "restricted" {
			t.Errorf("ArmoniK's namespace must not be loosened: label %s = %v", mode, l)
		}
		if l := logs["pod-security.kubernetes.io/"+mode]; l != "baseline" {
			t.Errorf("Seq's namespace: label %s = %v, want baseline", mode, l)
		}
	}
	agentsRef := "${kubernetes_namespace_v1.node-agents-namespace.metadata[0].name}"
	nsRef := "${kubernetes_namespace_v1.namespace.metadata[0].name}"
	for _, ds := range []string{"fluent-bit", "node-exporter"} {
		if got := synthtest.Get(out.Named(t, "kubernetes_daemon_set_v1", ds), "metadata.namespace"); got != agentsRef {
			t.Errorf("DaemonSet %s in %v, want the node agents' namespace", ds, got)
		}
	}
	for _, d := range []string{"prometheus", "grafana", "mongodb-exporter", "kube-state-metrics"} {
		if got := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", d), "metadata.namespace"); got != nsRef {
			t.Errorf("Deployment %s in %v, want ArmoniK's namespace", d, got)
		}
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "seq"), "metadata.namespace"); got != "${kubernetes_namespace_v1.logs-namespace.metadata[0].name}" {
		t.Errorf("Deployment seq in %v, want its own namespace", got)
	}
	if len(out.Resources("kubernetes_cron_job_v1")) != 1 {
		t.Error("Seq's retention CronJob is missing")
	}

	// fluent-bit ships to Seq, whose policy admits fluent-bit's pods from their namespace.
	conf := fmt.Sprint(out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config")["data"].(map[string]any)["fluent-bit.conf"])
	if !strings.Contains(conf, "Host                   "+st.Monitoring.Seq.Host) || !strings.Contains(conf, "/var/log/containers/*_armonik_*.log") {
		t.Errorf("fluent-bit.conf does not ship armonik's logs to %s:\n%s", st.Monitoring.Seq.Host, conf)
	}
	fbLabels, _ := synthtest.Get(out.Named(t, "kubernetes_daemon_set_v1", "fluent-bit"), "spec.template.metadata.labels").(map[string]any)
	np := out.Named(t, "kubernetes_network_policy_v1", "seq")
	peer := synthtest.Get(np, "spec.ingress.0.from.0")
	if synthtest.Get(np, "spec.ingress.0.ports.0.port") != "5341" ||
		!reflect.DeepEqual(synthtest.Get(peer, "namespace_selector.match_labels"), map[string]any{"kubernetes.io/metadata.name": "armonik-node-agents"}) ||
		!subset(synthtest.Get(peer, "pod_selector.match_labels"), fbLabels) {
		t.Errorf("Seq's ingestion does not admit fluent-bit (%v): %v", fbLabels, synthtest.Get(np, "spec.ingress"))
	}
	// The MongoDB exporter reaches MongoDB through a policy of its own.
	sts, _ := synthtest.Get(out.Named(t, "kubernetes_stateful_set_v1", "mongodb"), "spec.template.metadata.labels").(map[string]any)
	acc := out.Named(t, "kubernetes_network_policy_v1", "mongodb-exporter-to-mongodb")
	if !subset(synthtest.Get(acc, "spec.pod_selector.match_labels"), sts) {
		t.Errorf("the exporter's access policy does not select MongoDB's pods %v", sts)
	}
	var jobs []string
	for _, tg := range st.Monitoring.ScrapeTargets {
		jobs = append(jobs, tg.JobName)
	}
	sort.Strings(jobs)
	if !reflect.DeepEqual(jobs, []string{"kube-state-metrics", "mongodb-exporter", "node-exporter"}) {
		t.Errorf("scrape jobs %v", jobs)
	}
	if st.Monitoring.Tracing != nil {
		t.Error("tracing is off by default")
	}

	// ArmoniK's containers: the same Secrets as without monitoring; the only difference is
	// MetricsExporter__Metrics in the metrics exporter.
	_, bare := localhost(t, `
localhost:
  monitoring:
    prometheus: {enabled: false}
    grafana: {enabled: false}
    seq: {enabled: false}
    fluent_bit: {enabled: false}
    node_exporter: {enabled: false}
    mongodb_exporter: {enabled: false}
    kube_state_metrics: {enabled: false}
`)
	with, without := armoniKContainers(out), armoniKContainers(bare)
	if len(with) == 0 || !reflect.DeepEqual(slices.Sorted(keysOf(with)), slices.Sorted(keysOf(without))) {
		t.Fatalf("ArmoniK containers differ: %v vs %v", slices.Sorted(keysOf(with)), slices.Sorted(keysOf(without)))
	}
	for c, env := range with {
		for k, v := range env {
			if without[c][k] == v {
				continue
			}
			if c == "metrics-exporter/metrics-exporter" && k == "MetricsExporter__Metrics" && v == "completed,error,retried" {
				continue
			}
			t.Errorf("%s: monitoring added or changed %s=%s", c, k, v)
		}
	}
	if _, ok := with["metrics-exporter/metrics-exporter"]["MetricsExporter__Metrics"]; !ok {
		t.Error("the metrics exporter lacks MetricsExporter__Metrics")
	}
	for _, typ := range []string{"kubernetes_daemon_set_v1", "kubernetes_cron_job_v1"} {
		if n := len(bare.Resources(typ)); n != 0 {
			t.Errorf("every switch off: %d %s remain", n, typ)
		}
	}
	for _, n := range bare.ResourceIDs("kubernetes_namespace_v1") {
		if n != "namespace" {
			t.Errorf("every switch off: namespace %s remains", n)
		}
	}
	for _, d := range []string{"prometheus", "seq", "grafana", "mongodb-exporter", "kube-state-metrics"} {
		if _, ok := bare.Resources("kubernetes_deployment_v1")[d+"-deployment"]; ok {
			t.Errorf("every switch off: Deployment %s remains", d)
		}
	}
}

func keysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// subset reports whether every label of sel is in labels.
func subset(sel any, labels map[string]any) bool {
	m, _ := sel.(map[string]any)
	if len(m) == 0 {
		return false
	}
	for k, v := range m {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestTracingInStack: with tracing on, OTLP__Uri reaches the control plane and the polling
// agents (the components Core reads it in), never the workers, the metrics exporter or the
// init Job; with an external endpoint and a token, OTLP__AuthToken reaches the same two, from
// the module's Secret, and is a sensitive variable.
func TestTracingInStack(t *testing.T) {
	st, out := localhost(t, "localhost:\n  monitoring:\n    tracing: {enabled: true}\n")
	c := armoniKContainers(out)
	uri := "http://otel-collector.armonik.svc.cluster.local:4317"
	for name, want := range map[string]string{
		"control-plane/control-plane": uri, "compute-plane-default/polling-agent": uri,
		"compute-plane-default/worker": "", "metrics-exporter/metrics-exporter": "", "init/init": "",
	} {
		if got := c[name]["OTLP__Uri"]; got != want {
			t.Errorf("%s: OTLP__Uri = %q, want %q", name, got, want)
		}
	}
	if st.Monitoring.Tracing.JaegerUIService != "otel-collector-jaeger" {
		t.Error("armonik-localhost's tracing deploys Jaeger")
	}
	out.Named(t, "kubernetes_deployment_v1", "otel-collector-jaeger")

	_, out = localhost(t, "localhost:\n  monitoring:\n    tracing: {enabled: true, endpoint: \"https://otlp.example.com:4317\", auth_token: true}\n")
	c = armoniKContainers(out)
	token := "secret:${kubernetes_secret_v1.tracing-credentials.metadata[0].name}/token"
	for name, want := range map[string]string{
		"control-plane/control-plane": token, "compute-plane-default/polling-agent": token,
		"compute-plane-default/worker": "", "metrics-exporter/metrics-exporter": "", "init/init": "",
	} {
		if got := c[name]["OTLP__AuthToken"]; got != want {
			t.Errorf("%s: OTLP__AuthToken = %q, want %q", name, got, want)
		}
	}
	if _, ok := out.Resources("kubernetes_deployment_v1")["tracing-deployment"]; ok {
		t.Error("an endpoint deploys no collector")
	}
	v, _ := out["variable"].(map[string]any)["otel-collector_auth_token"].(map[string]any)
	if v == nil {
		v, _ = out["variable"].(map[string]any)["otel_collector_auth_token"].(map[string]any)
	}
	if v["sensitive"] != true || v["default"] != nil {
		t.Errorf("the token must be a sensitive variable without default: %v", out["variable"])
	}
}

// TestMonitoringConfigErrorsInStack: bad monitoring settings are reported with their paths.
func TestMonitoringConfigErrorsInStack(t *testing.T) {
	_, err := stacks.Parse([]byte(`
localhost:
  monitoring:
    node_agents_namespace: armonik
    scraper_pods: {}
    seq: {retention_days: -3}
    fluent_bit: {mem_buf_limit: lots}
    grafana: {prometheus_url: "ftp://prometheus"}
    tracing: {enabled: true, endpoint: nowhere}
`))
	for _, w := range []string{
		`localhost.monitoring.node_agents_namespace: "armonik" is ArmoniK's namespace`,
		"localhost.monitoring.scraper_pods: at least one label",
		`localhost.monitoring.seq: seq "seq": retention_days: -3`,
		`localhost.monitoring.fluent_bit: fluent-bit "fluent-bit": mem_buf_limit: "lots"`,
		`localhost.monitoring.grafana: grafana "grafana": prometheus_url: "ftp://prometheus"`,
		`localhost.monitoring.tracing: otel "otel-collector": endpoint: "nowhere"`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	// fluent-bit without Seq needs an output.
	_, err = stacks.Parse([]byte("localhost:\n  monitoring:\n    seq: {enabled: false}\n"))
	if err == nil || !strings.Contains(err.Error(), `localhost.monitoring.fluent_bit: fluent-bit "fluent-bit": output: required`) {
		t.Errorf("fluent-bit without Seq: %v", err)
	}
	if _, err := stacks.Parse([]byte("localhost:\n  monitoring:\n    seq: {enabled: false}\n    fluent_bit: {output: {stdout: true}}\n")); err != nil {
		t.Errorf("fluent-bit to stdout: %v", err)
	}
}

// TestReadmeTracingGraph keeps the README's second graph (the default stack with tracing on)
// current: it shows where the tracing module's endpoint goes.
func TestReadmeTracingGraph(t *testing.T) {
	code, stdout, stderr, _ := runIn(t, "localhost:\n  monitoring:\n    tracing: {}\n", "explain", "--mermaid")
	if code != 0 {
		t.Fatalf("explain --mermaid: exit %d\n%s", code, stderr)
	}
	for _, w := range []string{"m_otel_collector --> l_control", "m_otel_collector --> l_polling"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("the tracing module must reach the control and polling layers (%s):\n%s", w, stdout)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)(<!-- graph-tracing:begin -->\n```mermaid\n)(.*?)(```\n<!-- graph-tracing:end -->)")
	m := re.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no <!-- graph-tracing:begin --> ```mermaid ... ``` <!-- graph-tracing:end --> block")
	}
	golden.File(t, "README.md", re.ReplaceAll(readme, []byte("${1}"+strings.ReplaceAll(stdout, "$", "$$")+"${3}")))
}

// TestExternalMonitoring: armonik-external deploys nothing for monitoring by default, and with
// bring-your-own endpoints: Grafana on the given Prometheus, fluent-bit to CloudWatch with its
// IAM role, the MongoDB exporter reading external_mongodb's Secret as ArmoniK does, and Core's
// traces to an external collector with a token from a sensitive variable.
func TestExternalMonitoring(t *testing.T) {
	base, err := os.ReadFile("testdata/external.yaml")
	if err != nil {
		t.Fatal(err)
	}
	build := func(extra string) synthtest.JSON {
		cfg, err := stacks.Parse(append(append([]byte{}, base...), extra...))
		if err != nil {
			t.Fatal(err)
		}
		st, err := stacks.NewExternal(cdk.NewTestApp(), cfg.External)
		if err != nil {
			t.Fatal(err)
		}
		_, out := synthtest.Synth(t, st.Stack)
		return out
	}
	out := build("")
	if n := len(out.Resources("kubernetes_daemon_set_v1")) + len(out.Resources("kubernetes_cron_job_v1")); n != 0 {
		t.Errorf("armonik-external deploys no monitoring by default, found %d objects", n)
	}
	out = build(`  monitoring:
    grafana: {enabled: true, prometheus_url: "https://prometheus.example.com"}
    fluent_bit:
      enabled: true
      output: {cloudwatch: {region: eu-west-3, log_group: /armonik/logs, role_arn: "arn:aws:iam::123456789012:role/fluent-bit"}}
    mongodb_exporter: {enabled: true}
    tracing: {enabled: true, endpoint: "https://otlp.example.com:4317", auth_token: true}
`)
	if _, ok := out.Resources("kubernetes_deployment_v1")["seq-deployment"]; ok {
		t.Error("no Seq unless enabled")
	}
	ds := fmt.Sprint(out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config")["data"])
	if !strings.Contains(ds, "cloudwatch_logs") || strings.Contains(ds, "/api/events/raw") {
		t.Errorf("fluent-bit ships to CloudWatch only:\n%s", ds)
	}
	if sa := out.Named(t, "kubernetes_service_account_v1", "fluent-bit"); synthtest.Get(sa, "metadata.annotations.eks\\.amazonaws\\.com/role-arn") == nil {
		if a, _ := synthtest.Get(sa, "metadata.annotations").(map[string]any); a["eks.amazonaws.com/role-arn"] != "arn:aws:iam::123456789012:role/fluent-bit" {
			t.Errorf("fluent-bit's ServiceAccount lacks its IAM role: %v", a)
		}
	}
	prov := fmt.Sprint(out.Named(t, "kubernetes_config_map_v1", "grafana-provisioning")["data"])
	if !strings.Contains(prov, "url: https://prometheus.example.com") {
		t.Errorf("Grafana's data source: %s", prov)
	}
	c := allContainersOf(out.Named(t, "kubernetes_deployment_v1", "mongodb-exporter"))
	if !strings.Contains(fmt.Sprint(c), "atlas-connection") {
		t.Errorf("the exporter must read external_mongodb's Secret: %v", c)
	}
	got := armoniKContainers(out)
	if got["control-plane/control-plane"]["OTLP__AuthToken"] == "" || got["compute-plane-default/worker"]["OTLP__AuthToken"] != "" {
		t.Errorf("OTLP__AuthToken: control plane %q, worker %q", got["control-plane/control-plane"]["OTLP__AuthToken"], got["compute-plane-default/worker"]["OTLP__AuthToken"])
	}

	// monitoring.prometheus_url is the metrics source of the scalers and Grafana's data source;
	// the exporters admit the scraper pods named in that Prometheus' namespace.
	out = build(`  monitoring:
    prometheus_url: "http://prometheus-server.monitoring.svc.cluster.local:9090"
    scraper_pods: {app: prometheus-server}
    scraper_namespace: monitoring
    grafana: {}
    mongodb_exporter: {}
`)
	prov = fmt.Sprint(out.Named(t, "kubernetes_config_map_v1", "grafana-provisioning")["data"])
	if !strings.Contains(prov, "url: http://prometheus-server.monitoring.svc.cluster.local:9090") {
		t.Errorf("Grafana's data source must default to monitoring.prometheus_url: %s", prov)
	}
	if _, ok := out.Resources("kubernetes_deployment_v1")["prometheus-deployment"]; ok {
		t.Error("prometheus_url deploys no Prometheus")
	}
	peer := synthtest.Get(out.Named(t, "kubernetes_network_policy_v1", "mongodb-exporter"), "spec.ingress.0.from.0")
	if !reflect.DeepEqual(synthtest.Get(peer, "namespace_selector.match_labels"), map[string]any{"kubernetes.io/metadata.name": "monitoring"}) ||
		!reflect.DeepEqual(synthtest.Get(peer, "pod_selector.match_labels"), map[string]any{"app": "prometheus-server"}) {
		t.Errorf("the exporter must admit the scraper of monitoring.prometheus_url: %v", peer)
	}
}

func allContainersOf(r map[string]any) []any {
	l, _ := synthtest.Get(r, "spec.template.spec.container").([]any)
	return l
}

// TestDashboardsQueryWhatTheStackScrapes is the dashboard test against a built stack: every
// query of every dashboard the stack provisions names a metric its Prometheus really scrapes.
// The jobs of the Prometheus' own prometheus.yml say which sources are scraped (every job
// yields up); ArmoniK's metrics exporter serves the gauges of Core's ArmoniKMeter.cs for the
// stack's partitions and for the statuses always exported plus those its
// MetricsExporter__Metrics lists; node-exporter, kube-state-metrics and the MongoDB exporter
// serve grafana.SourceMetrics. The per-partition queue panel, expanded for each option of the
// dashboard's partition variable, queries exactly what that partition's KEDA ScaledObject
// queries, and its pods are those of the partition's Deployment.
func TestDashboardsQueryWhatTheStackScrapes(t *testing.T) {
	_, out := localhost(t, `
localhost:
  keda: {existing: true}
  armonik:
    partitions:
      - name: default
        scaling: {max_replicas: 5}
      - name: batch-jobs
        scaling: {max_replicas: 5}
`)
	unescape := strings.NewReplacer("$${", "${", "%%{", "%{").Replace
	data := func(cm, key string) string {
		d, _ := out.Named(t, "kubernetes_config_map_v1", cm)["data"].(map[string]any)
		s, ok := d[key].(string)
		if !ok {
			t.Fatalf("ConfigMap %s has no %s", cm, key)
		}
		return unescape(s)
	}
	var prom struct {
		ScrapeConfigs []struct {
			JobName string `yaml:"job_name"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(data("prometheus-config", "prometheus.yml")), &prom); err != nil {
		t.Fatal(err)
	}
	containers := armoniKContainers(out)
	statuses := append(slices.Clone(grafana.AlwaysExported), strings.Split(containers["metrics-exporter/metrics-exporter"]["MetricsExporter__Metrics"], ",")...)
	partitions := []string{"default", "batch-jobs"}
	served := map[string]bool{"up": true}
	var jobs []string
	for _, j := range prom.ScrapeConfigs {
		jobs = append(jobs, j.JobName)
		var names []string
		switch j.JobName {
		case "metrics-exporter":
			names = grafana.ArmoniKMetrics(partitions, statuses)
		case "node-exporter":
			names = grafana.SourceMetrics[grafana.SourceNodeExporter]
		case "kube-state-metrics":
			names = grafana.SourceMetrics[grafana.SourceKubeStateMetrics]
		case "mongodb-exporter":
			names = grafana.SourceMetrics[grafana.SourceMongoDBExporter]
		}
		for _, n := range names {
			served[n] = true
		}
	}
	sort.Strings(jobs)
	if want := []string{"kube-state-metrics", "metrics-exporter", "mongodb-exporter", "node-exporter", "polling-agents", "prometheus"}; !reflect.DeepEqual(jobs, want) {
		t.Errorf("the Prometheus scrapes %v, want %v", jobs, want)
	}
	possible := grafana.ArmoniKMetrics(partitions, grafana.TaskStatuses)

	dashboards, _ := out.Named(t, "kubernetes_config_map_v1", "grafana-dashboards")["data"].(map[string]any)
	if len(dashboards) != len(grafana.Dashboards) {
		t.Errorf("%d dashboards provisioned, want all %d (every source is deployed)", len(dashboards), len(grafana.Dashboards))
	}
	queuePanels := 0
	for _, file := range slices.Sorted(keysOf(dashboards)) {
		var dash struct {
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Query any    `json:"query"`
				} `json:"list"`
			} `json:"templating"`
			Panels []struct {
				Title   string `json:"title"`
				Repeat  string `json:"repeat"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal([]byte(unescape(dashboards[file].(string))), &dash); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// The options of the partition variable: "text : value" pairs (Grafana's custom variable).
		type option struct{ text, value string }
		var options []option
		for _, v := range dash.Templating.List {
			if v.Name != grafana.PartitionVariable {
				continue
			}
			for _, pair := range strings.Split(fmt.Sprint(v.Query), ",") {
				text, value, ok := strings.Cut(pair, " : ")
				if !ok {
					t.Errorf("%s: partition option %q is not \"text : value\"", file, pair)
				}
				options = append(options, option{text, value})
			}
			if want := []option{{"default", "default"}, {"batch-jobs", "batch_jobs"}}; !reflect.DeepEqual(options, want) {
				t.Errorf("%s: partition options %v, want %v", file, options, want)
			}
		}
		for _, p := range dash.Panels {
			for _, q := range p.Targets {
				exprs := []string{q.Expr}
				if strings.Contains(q.Expr, "${partition") {
					if len(options) == 0 || p.Repeat != grafana.PartitionVariable {
						t.Errorf("%s: panel %q uses the partition variable without repeating over it", file, p.Title)
					}
					exprs = nil
					for _, o := range options {
						e := strings.ReplaceAll(q.Expr, "${partition:text}", o.text)
						exprs = append(exprs, strings.ReplaceAll(e, "${partition}", o.value))
					}
				}
				for i, expr := range exprs {
					expr = strings.ReplaceAll(expr, "$namespace", "armonik")
					if regexp.MustCompile(`\$(\{|[A-Za-z_])`).MatchString(expr) {
						t.Errorf("%s: panel %q: unknown variable in %q", file, p.Title, expr)
					}
					names, regexes := grafana.QueryMetrics(expr)
					if len(names)+len(regexes) == 0 {
						t.Errorf("%s: panel %q: no metric in %q", file, p.Title, expr)
					}
					for _, n := range names {
						if !served[n] {
							t.Errorf("%s: panel %q: %q is not scraped by the stack's Prometheus (jobs %v)", file, p.Title, n, jobs)
						}
					}
					for _, re := range regexes {
						r := regexp.MustCompile("^(?:" + re + ")$")
						hits := 0
						for _, n := range possible {
							if r.MatchString(n) {
								if !served[n] {
									t.Errorf("%s: panel %q: %q matches %s, which the exporter does not serve", file, p.Title, re, n)
								}
								hits++
							}
						}
						if hits == 0 {
							t.Errorf("%s: panel %q: %q matches no metric the exporter serves", file, p.Title, re)
						}
					}
					// The queue against the pods, per partition: KEDA's own query.
					if strings.Contains(q.Expr, "_tasks_queued") && p.Repeat == grafana.PartitionVariable {
						queuePanels++
						part := options[i].text
						so := out.Manifest(t, "ScaledObject", "compute-plane-"+part)
						if want := synthtest.Get(so, "manifest.spec.triggers.0.metadata.query"); expr != want {
							t.Errorf("%s: panel %q for %s queries\n  %s\nits ScaledObject\n  %v", file, p.Title, part, expr, want)
						}
					}
					if strings.Contains(q.Expr, "kube_deployment_status_replicas_available") && p.Repeat == grafana.PartitionVariable {
						if want := `deployment="compute-plane-` + options[i].text + `"`; !strings.Contains(expr, want) {
							t.Errorf("%s: panel %q: %s does not select %s", file, p.Title, expr, want)
						}
					}
				}
			}
		}
	}
	if queuePanels != len(partitions) {
		t.Errorf("%d per-partition queue queries checked against the ScaledObjects, want %d", queuePanels, len(partitions))
	}
}
