package modules_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/fluentbit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/grafana"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kubestatemetrics"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodbexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nodeexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/otel"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
	"github.com/armonik-cdktf/armonik-cdktf/modules/seq"
)

// agentsNamespace adds the node agents' namespace to st.
func agentsNamespace(t *testing.T, st cdk.Stack) *k8s.Namespace {
	t.Helper()
	return must(k8s.NewNamespace(st, "agents", k8s.NamespaceSpec{Name: "armonik-node-agents"}))(t)
}

// TestMonitoringGoldens pins the synthesized JSON of each observability module, alone in a
// stack with the namespaces the stack gives it.
func TestMonitoringGoldens(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error
	}{
		{"seq", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := seq.New(st, "seq", seq.Config{Namespace: ns, Ingesters: []k8s.PolicyPeer{{
				NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": "armonik-node-agents"},
				PodSelector:       map[string]string{"app.kubernetes.io/name": "fluent-bit"},
			}}})
			return err
		}},
		{"fluent-bit", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := fluentbit.New(st, "fluent-bit", fluentbit.Config{
				Namespace: agentsNamespace(t, st), Namespaces: []string{"armonik"}, NamespaceRefs: []*k8s.Namespace{ns},
				Output: fluentbit.Output{Seq: &fluentbit.SeqOutput{Host: "seq.armonik.svc.cluster.local"}},
			})
			return err
		}},
		{"fluent-bit-cloudwatch", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := fluentbit.New(st, "fluent-bit", fluentbit.Config{
				Namespace: agentsNamespace(t, st), AllNamespaces: true,
				Output: fluentbit.Output{Stdout: true, CloudWatch: &fluentbit.CloudWatchOutput{
					Region: "eu-west-3", LogGroup: "/armonik/logs", RoleARN: "arn:aws:iam::123456789012:role/fluent-bit",
				}},
			})
			return err
		}},
		{"node-exporter", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := nodeexporter.New(st, "node-exporter", nodeexporter.Config{Namespace: agentsNamespace(t, st)})
			return err
		}},
		{"mongodb-exporter", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			db := must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns}))(t)
			_, err := mongodbexporter.New(st, "mongodb-exporter", mongodbexporter.Config{
				Namespace: ns, TableStorage: []outputs.ModuleOutputs{db},
				MongoDBPods: map[string]string{"app.kubernetes.io/name": mongodb.Kind, "app.kubernetes.io/instance": "mongodb"}, MongoDBPort: db.Port,
				Scrapers: []k8s.PolicyPeer{{PodSelector: map[string]string{"app.kubernetes.io/name": "prometheus"}}},
			})
			return err
		}},
		{"kube-state-metrics", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := kubestatemetrics.New(st, "kube-state-metrics", kubestatemetrics.Config{
				Namespace: ns, Namespaces: []string{"armonik"},
				Scrapers: []k8s.PolicyPeer{{PodSelector: map[string]string{"app.kubernetes.io/name": "prometheus"}}},
			})
			return err
		}},
		{"grafana", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := grafana.New(st, "grafana", grafana.Config{Namespace: ns, PrometheusURL: "http://prometheus.armonik.svc.cluster.local:9090"})
			return err
		}},
		{"otel-jaeger", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := otel.New(st, "tracing", otel.Config{Namespace: ns, Jaeger: &otel.Jaeger{}})
			return err
		}},
		{"otel-endpoint", func(t *testing.T, st cdk.Stack, ns *k8s.Namespace) error {
			_, err := otel.New(st, "tracing", otel.Config{Namespace: ns, Endpoint: "https://otlp.example.com:4317", AuthToken: true})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, ns := newStack(t)
			if err := c.build(t, st, ns); err != nil {
				t.Fatal(err)
			}
			raw, _ := synthtest.Synth(t, st)
			golden.JSON(t, "module-"+c.name, raw)
		})
	}
}

// TestTracingKeys: the tracing module publishes exactly OTLP__Uri, and, with a token,
// OTLP__AuthToken from a Secret through a second module; the stack lists both in the control
// and polling layers only: the two components that read them (Control/Submitter/src/Program.cs,
// Compute/PollingAgent/src/Program.cs). Workers, the metrics exporter and the init Job never
// receive them.
func TestTracingKeys(t *testing.T) {
	st, all := deployAll(t, false)
	inCluster := must(otel.New(st, "tracing", otel.Config{Namespace: all.ns, ClusterDomain: "example.internal", Jaeger: &otel.Jaeger{}}))(t)
	if got, want := keysOf(inCluster), keys(map[string]string{"OTLP__Uri": "http://otel-collector.grid.svc.example.internal:4317"}, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("in-cluster collector outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	if inCluster.Auth != nil {
		t.Error("the in-cluster collector has no token: Auth must be nil")
	}

	remote := must(otel.New(st, "remote", otel.Config{Name: "remote", Namespace: all.ns, Endpoint: "https://otlp.example.com:4317", AuthToken: true}))(t)
	if got, want := keysOf(remote), keys(map[string]string{"OTLP__Uri": "https://otlp.example.com:4317"}, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("endpoint outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	if got, want := keysOf(remote.Auth), keys(nil, map[string]string{"OTLP__AuthToken": "remote-credentials/token"}); !reflect.DeepEqual(got, want) {
		t.Errorf("endpoint token outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	existing := must(otel.New(st, "byo", otel.Config{Name: "byo", Namespace: all.ns, Endpoint: "http://collector.tracing:4317", AuthToken: true, ExistingSecret: "otlp-token", TokenKey: "bearer"}))(t)
	if got, want := keysOf(existing.Auth), keys(nil, map[string]string{"OTLP__AuthToken": "otlp-token/bearer"}); !reflect.DeepEqual(got, want) {
		t.Errorf("existing Secret token outputs\n got %s\nwant %s", dump(got), dump(want))
	}

	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers: armonik.Layers{
			Core:    armonik.Conf{all.mq, all.db, all.rd},
			Worker:  armonik.Conf{all.shared},
			Control: armonik.Conf{remote, remote.Auth},
			Polling: armonik.Conf{remote, remote.Auth},
		},
	}))(t)
	for _, c := range []struct {
		pod, container string
		want           []string
	}{
		{"control-plane", "control-plane", []string{"OTLP__AuthToken", "OTLP__Uri"}},
		{"compute-plane-default", "polling-agent", []string{"OTLP__AuthToken", "OTLP__Uri"}},
		{"compute-plane-default", "worker", nil},
		{"metrics-exporter", "metrics-exporter", nil},
		{"init", "init", nil},
	} {
		got := fromModules(mergedContainer(t, a, c.pod, c.container), "remote", "remote-auth")
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s/%s gets %v from tracing, want %v", c.pod, c.container, got, c.want)
		}
	}
	_, out := synthtest.Synth(t, st)
	if v, ok := out["variable"].(map[string]any)["remote_auth_token"].(map[string]any); !ok || v["sensitive"] != true || v["default"] != nil {
		t.Errorf("the token variable must be sensitive without default: %v", v)
	}
}

// TestMongoDBExporterIsAnAEP5Consumer: the exporter merges the very outputs ArmoniK's core
// layer gets from modules/mongodb with outputs.MergePod, so it receives exactly the keys
// ArmoniK does, and connects with $(MongoDB__ConnectionString) expanded by Kubernetes: the
// URI is never a literal. A NetworkPolicy of its own admits it to MongoDB's pods.
func TestMongoDBExporterIsAnAEP5Consumer(t *testing.T) {
	st, all := deployAll(t, false)
	ex := must(mongodbexporter.New(st, "mongodb-exporter", mongodbexporter.Config{
		Namespace: all.ns, TableStorage: []outputs.ModuleOutputs{all.db},
		MongoDBPods: map[string]string{"app.kubernetes.io/name": mongodb.Kind, "app.kubernetes.io/instance": "mongodb"}, MongoDBPort: all.db.Port,
	}))(t)
	got := fromModules(ex.Pod.Containers[0], "mongodb")
	want := slices.Sorted(func(yield func(string) bool) {
		k := keysOf(all.db)
		for n := range k.Env {
			if !yield(n) {
				return
			}
		}
		for n := range k.EnvFromSecret {
			if !yield(n) {
				return
			}
		}
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the exporter gets\n  %v\nwant the MongoDB module's keys\n  %v", got, want)
	}
	if ex.URIVariable != "MongoDB__ConnectionString" {
		t.Errorf("URI variable %q", ex.URIVariable)
	}
	_, out := synthtest.Synth(t, st)
	d := out.Named(t, "kubernetes_deployment_v1", "mongodb-exporter")
	c := allContainers(d)[0]
	args := fmt.Sprint(c["args"])
	for _, w := range []string{"--mongodb.uri=$(MongoDB__ConnectionString)", "--no-mongodb.direct-connect", "--collector.diagnosticdata", "--collector.replicasetstatus", "--collector.dbstats"} {
		if !strings.Contains(args, w) {
			t.Errorf("args lack %q: %s", w, args)
		}
	}
	if got := secretsRead(c); !reflect.DeepEqual(got, []string{secretRef("mongodb-connection")}) {
		t.Errorf("the exporter reads the Secrets %v", got)
	}
	// The access policy selects the MongoDB pods and admits the exporter's.
	sts := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	np := out.Named(t, "kubernetes_network_policy_v1", "mongodb-exporter-to-mongodb")
	podLabels := func(r map[string]any) map[string]any {
		m, _ := synthtest.Get(r, "spec.template.metadata.labels").(map[string]any)
		return m
	}
	sel, _ := synthtest.Get(np, "spec.pod_selector.match_labels").(map[string]any)
	if !matches(sel, podLabels(sts)) {
		t.Errorf("the access policy selects %v, not the MongoDB pods %v", sel, podLabels(sts))
	}
	from, _ := synthtest.Get(np, "spec.ingress.0.from.0.pod_selector.match_labels").(map[string]any)
	if !matches(from, podLabels(d)) || synthtest.Get(np, "spec.ingress.0.ports.0.port") != "27017" {
		t.Errorf("the access policy admits %v on %v, not the exporter %v on 27017", from, synthtest.Get(np, "spec.ingress.0.ports.0.port"), podLabels(d))
	}
	if synthtest.Get(out.Named(t, "kubernetes_service_v1", "mongodb-exporter"), "spec.port.0.port") != float64(9216) {
		t.Error("the exporter's Service serves 9216")
	}
	if !reflect.DeepEqual(ex.Target, modules.ScrapeTarget{
		JobName: "mongodb-exporter", Host: "mongodb-exporter.grid.svc.cluster.local", Port: 9216, Labels: map[string]string{"namespace": "grid"},
		Pods:      map[string]string{"app.kubernetes.io/name": "mongodb-exporter", "app.kubernetes.io/instance": "mongodb-exporter", "app.kubernetes.io/component": "metrics"},
		Namespace: "grid",
	}) {
		t.Errorf("scrape target %+v", ex.Target)
	}
}

// TestMongoDBExporterVariants: a monitoring connection string from the exporter's own conf is
// preferred; a TLS table store's CA reaches the Go driver through SSL_CERT_FILE; an external
// MongoDB works the same without an access policy; outputs without a connection string are an
// error naming both variables.
func TestMongoDBExporterVariants(t *testing.T) {
	st, ns := newStack(t)
	db := must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, TLS: userTLS("mongodb-tls")}))(t)
	monitoring := outputs.NewModule("monitoring-user").EnvFromSecret("MongoDB__MonitoringConnectionString", outputs.Named("mongodb-monitor"), "uri")
	ex := must(mongodbexporter.New(st, "exporter", mongodbexporter.Config{
		Namespace: ns, TableStorage: []outputs.ModuleOutputs{db}, Conf: armonik.Conf{monitoring},
	}))(t)
	if ex.URIVariable != "MongoDB__MonitoringConnectionString" {
		t.Errorf("URI variable %q, want the monitoring connection string", ex.URIVariable)
	}
	ext := must(externalmongodb.New(st, "ext", externalmongodb.Config{Name: "ext", Namespace: ns, ExistingSecret: "atlas"}))(t)
	exExt := must(mongodbexporter.New(st, "exporter-ext", mongodbexporter.Config{Name: "exporter-ext", Namespace: ns, TableStorage: []outputs.ModuleOutputs{ext}}))(t)
	if exExt.MongoDBAccess != nil {
		t.Error("no access policy without MongoDB pods")
	}
	_, err := mongodbexporter.New(st, "exporter-bad", mongodbexporter.Config{
		Name: "exporter-bad", Namespace: ns, TableStorage: []outputs.ModuleOutputs{outputs.NewModule("nothing").Env("MongoDB__Host", "db")},
	})
	if err == nil || !strings.Contains(err.Error(), "neither MongoDB__MonitoringConnectionString nor MongoDB__ConnectionString") {
		t.Errorf("error %v", err)
	}
	_, out := synthtest.Synth(t, st)
	c := allContainers(out.Named(t, "kubernetes_deployment_v1", "mongodb-exporter"))[0]
	if !strings.Contains(fmt.Sprint(c["args"]), "--mongodb.uri=$(MongoDB__MonitoringConnectionString)") {
		t.Errorf("args %v", c["args"])
	}
	env := map[string]any{}
	for _, e := range c["env"].([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)] = m
	}
	if v := synthtest.Get(env["SSL_CERT_FILE"], "value"); v != "$(MongoDB__CAFile)" {
		t.Errorf("SSL_CERT_FILE = %v", v)
	}
	var paths []string
	for _, m := range c["volume_mount"].([]any) {
		paths = append(paths, fmt.Sprint(synthtest.Get(m, "mount_path")))
	}
	if !slices.Contains(paths, "/mongodb/certs") {
		t.Errorf("the CA mount is missing: %v", paths)
	}
}

// TestFluentBit: the DaemonSet reads the node's logs read-only, keeps its offsets on the node,
// and may read the pods of the shipped namespace only (a Role there, bound to its
// ServiceAccount in the agents' namespace); its configuration ships exactly that namespace's
// files to Seq as CLEF. With all_namespaces, a ClusterRole instead.
func TestFluentBit(t *testing.T) {
	st, ns := newStack(t)
	must(fluentbit.New(st, "fluent-bit", fluentbit.Config{
		Namespace: agentsNamespace(t, st), Namespaces: []string{"armonik"}, NamespaceRefs: []*k8s.Namespace{ns},
		Output: fluentbit.Output{Seq: &fluentbit.SeqOutput{Host: "seq.armonik.svc.cluster.local"}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	role := out.Named(t, "kubernetes_role_v1", "armonik-node-agents-fluent-bit")
	if synthtest.Get(role, "metadata.namespace") != "${kubernetes_namespace_v1.ns.metadata[0].name}" {
		t.Errorf("the Role must be in the shipped namespace, by reference: %v", synthtest.Get(role, "metadata.namespace"))
	}
	if got := fmt.Sprint(role["rule"]); got != "[map[api_groups:[] resources:[pods] verbs:[get list watch]]]" {
		t.Errorf("role rules %s", got)
	}
	b := out.Named(t, "kubernetes_role_binding_v1", "armonik-node-agents-fluent-bit")
	if got := fmt.Sprint(b["subject"]); got != "[map[kind:ServiceAccount name:fluent-bit namespace:armonik-node-agents]]" {
		t.Errorf("binding subjects %s", got)
	}
	if len(out.Resources("kubernetes_cluster_role_v1")) != 0 {
		t.Error("no ClusterRole when shipping named namespaces")
	}
	ds := out.Named(t, "kubernetes_daemon_set_v1", "fluent-bit")
	if synthtest.Get(ds, "metadata.namespace") != "${kubernetes_namespace_v1.agents.metadata[0].name}" {
		t.Error("the DaemonSet belongs in the node agents' namespace")
	}
	vols := fmt.Sprint(synthtest.Get(ds, "spec.template.spec.volume"))
	for _, w := range []string{"path:/var/log type:Directory", "path:/var/lib/armonik-fluent-bit/armonik-node-agents-fluent-bit type:DirectoryOrCreate"} {
		if !strings.Contains(vols, w) {
			t.Errorf("volumes lack %q: %s", w, vols)
		}
	}
	c := allContainers(ds)[0]
	if synthtest.Get(c, "security_context.read_only_root_filesystem") != true || synthtest.Get(c, "security_context.allow_privilege_escalation") != false {
		t.Errorf("security context %v", c["security_context"])
	}
	conf := synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config"), "data.fluent-bit\\.conf")
	if conf == nil {
		conf = out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config")["data"].(map[string]any)["fluent-bit.conf"]
	}
	text := fmt.Sprint(conf)
	for _, w := range []string{
		"Path                   /var/log/containers/*_armonik_*.log",
		"Name                   kubernetes",
		"Host                   seq.armonik.svc.cluster.local",
		"Port                   5341",
		"URI                    /api/events/raw?clef",
		"Header                 Content-Type application/vnd.serilog.clef",
		"json_date_key          @t",
		"Rename                 log @m",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("fluent-bit.conf lacks %q:\n%s", w, text)
		}
	}

	st2, _ := newStack(t)
	must(fluentbit.New(st2, "fluent-bit", fluentbit.Config{Namespace: agentsNamespace(t, st2), AllNamespaces: true, Output: fluentbit.Output{Stdout: true}}))(t)
	_, out2 := synthtest.Synth(t, st2)
	if len(out2.Resources("kubernetes_role_v1")) != 0 {
		t.Error("all_namespaces uses a ClusterRole, no Role")
	}
	cr := out2.Named(t, "kubernetes_cluster_role_v1", "armonik-node-agents-fluent-bit")
	if got := fmt.Sprint(cr["rule"]); got != "[map[api_groups:[] resources:[pods] verbs:[get list watch]]]" {
		t.Errorf("cluster role rules %s", got)
	}
	out2.Named(t, "kubernetes_cluster_role_binding_v1", "armonik-node-agents-fluent-bit")
}

// TestSeq: the admin password and the retention job's API key are generated; the retention
// CronJob keeps one policy and reads its credentials from the Secret; the ingestion port admits
// only the ingesters, the API port only the retention job (and UI clients).
func TestSeq(t *testing.T) {
	st, ns := newStack(t)
	shippers := k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": "agents"}, PodSelector: map[string]string{"app": "shipper"}}
	m := must(seq.New(st, "seq", seq.Config{Namespace: ns, Ingesters: []k8s.PolicyPeer{shippers}}))(t)
	if m.IngestionURL != "http://seq.armonik.svc.cluster.local:5341" || m.UIServiceName != "seq-ui" || m.UIPort != 8080 {
		t.Errorf("module %+v", m)
	}
	zero := 0
	must(seq.New(st, "seq-b", seq.Config{Name: "seq-b", Namespace: ns, RetentionDays: &zero}))(t)
	_, out := synthtest.Synth(t, st)
	if len(out.Resources("kubernetes_cron_job_v1")) != 1 {
		t.Error("retention_days 0 creates no CronJob")
	}
	cj := out.Named(t, "kubernetes_cron_job_v1", "seq-retention")
	if synthtest.Get(cj, "spec.schedule") != "0 */12 * * *" {
		t.Errorf("schedule %v", synthtest.Get(cj, "spec.schedule"))
	}
	c, _ := synthtest.Get(cj, "spec.job_template.spec.template.spec.container.0").(map[string]any)
	if got := secretsRead(c); !reflect.DeepEqual(got, []string{secretRef("seq-admin")}) {
		t.Errorf("the retention job reads %v", got)
	}
	if script := fmt.Sprint(synthtest.Get(c, "command.2")); !strings.Contains(script, "retention create --after \"$SEQ_RETENTION\" --delete-all-events") ||
		strings.Contains(strings.ReplaceAll(script, "$${", ""), "${") {
		t.Errorf("retention script (escaped for Terraform):\n%s", script)
	}
	dep := out.Named(t, "kubernetes_deployment_v1", "seq")
	if got := secretsRead(allContainers(dep)[0]); !reflect.DeepEqual(got, []string{secretRef("seq-admin")}) {
		t.Errorf("Seq reads %v", got)
	}
	np := out.Named(t, "kubernetes_network_policy_v1", "seq")
	rules, _ := synthtest.Get(np, "spec.ingress").([]any)
	if len(rules) != 2 || synthtest.Get(rules[0], "ports.0.port") != "5341" || synthtest.Get(rules[1], "ports.0.port") != "80" {
		t.Fatalf("seq ingress rules %v", rules)
	}
	if from := synthtest.Get(rules[0], "from.0"); !reflect.DeepEqual(from, map[string]any{
		"namespace_selector": map[string]any{"match_labels": map[string]any{"kubernetes.io/metadata.name": "agents"}},
		"pod_selector":       map[string]any{"match_labels": map[string]any{"app": "shipper"}},
	}) {
		t.Errorf("ingestion admits %v", from)
	}
	jobLabels, _ := synthtest.Get(cj, "spec.job_template.spec.template.metadata.labels").(map[string]any)
	if sel, _ := synthtest.Get(rules[1], "from.0.pod_selector.match_labels").(map[string]any); !matches(sel, jobLabels) {
		t.Errorf("the API port admits %v, not the retention job %v", sel, jobLabels)
	}
	// The Services never select the retention job's pods.
	svcSel, _ := synthtest.Get(out.Named(t, "kubernetes_service_v1", "seq"), "spec.selector").(map[string]any)
	if matches(svcSel, jobLabels) {
		t.Error("the Seq Service selects the retention job's pods")
	}
}

// TestGrafanaDashboardsFollowSources: a dashboard is provisioned only when every source it
// reads is deployed; the data source is the given Prometheus; the sub-path and the Ingress go
// together; MetricsExporter__Metrics is what the dashboards need from ArmoniK's exporter.
func TestGrafanaDashboardsFollowSources(t *testing.T) {
	st, ns := newStack(t)
	g := must(grafana.New(st, "grafana", grafana.Config{
		Namespace: ns, PrometheusURL: "http://prom.monitoring.svc:9090", Sources: []grafana.Source{grafana.SourceMongoDBExporter},
		Ingress: &grafana.Ingress{ClassName: "nginx", Host: "armonik.example.com"}, SubPath: "/grafana",
	}))(t)
	if !reflect.DeepEqual(g.DashboardFiles, []string{"armonik-tasks.json", "mongodb.json"}) {
		t.Errorf("dashboards %v", g.DashboardFiles)
	}
	if got, want := keysOf(g.ExporterOutputs), keys(map[string]string{"MetricsExporter__Metrics": "completed,error,retried"}, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("exporter outputs %s", dump(got))
	}
	_, out := synthtest.Synth(t, st)
	cm := out.Named(t, "kubernetes_config_map_v1", "grafana-dashboards")
	var keys []string
	for k := range cm["data"].(map[string]any) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"armonik-tasks.json", "mongodb.json"}) {
		t.Errorf("dashboard ConfigMap keys %v", keys)
	}
	ds := fmt.Sprint(out.Named(t, "kubernetes_config_map_v1", "grafana-provisioning")["data"].(map[string]any)["datasources.yaml"])
	if !strings.Contains(ds, "url: http://prom.monitoring.svc:9090") || !strings.Contains(ds, "uid: prometheus") {
		t.Errorf("datasources.yaml:\n%s", ds)
	}
	in := out.Named(t, "kubernetes_ingress_v1", "grafana")
	if synthtest.Get(in, "spec.rule.0.http.path.0.path") != "/grafana" {
		t.Errorf("ingress %v", in["spec"])
	}
	c := allContainers(out.Named(t, "kubernetes_deployment_v1", "grafana"))[0]
	env := fmt.Sprint(c["env"])
	for _, w := range []string{"GF_SERVER_SERVE_FROM_SUB_PATH value:true", "GF_ANALYTICS_REPORTING_ENABLED value:false", "/grafana/"} {
		if !strings.Contains(env, w) {
			t.Errorf("env lacks %q: %s", w, env)
		}
	}
	if synthtest.Get(c, "liveness_probe.http_get.path") != "/grafana/api/health" {
		t.Errorf("probe path %v", synthtest.Get(c, "liveness_probe.http_get.path"))
	}
}

// TestDashboardsQueryServedMetrics is the dashboard test: every dashboard file is valid JSON
// with a unique uid, every panel queries the provisioned data source, and every query names
// only metrics its sources serve: ArmoniK's exporter (the names ArmoniKMeter.cs emits for the
// statuses always exported plus MetricsExporter__Metrics, for a partition "default" and one
// with a '-'), Prometheus' up, and the exporters' names (grafana.SourceMetrics, from their
// sources). A __name__ regular expression must match some served name and no name the
// exporter could serve without being asked (a status outside the list).
func TestDashboardsQueryServedMetrics(t *testing.T) {
	partitions := []string{"default", "gpu-a"}
	served := grafana.ArmoniKMetrics(partitions, append(slices.Clone(grafana.AlwaysExported), grafana.DashboardStatuses...))
	possible := grafana.ArmoniKMetrics(partitions, grafana.TaskStatuses)
	uids := map[string]string{}
	files, err := filesOf()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(grafana.Dashboards) {
		t.Errorf("%d dashboard files, %d declared in grafana.Dashboards", len(files), len(grafana.Dashboards))
	}
	for _, d := range grafana.Dashboards {
		raw, err := grafana.DashboardJSON(d.File)
		if err != nil {
			t.Fatal(err)
		}
		var dash struct {
			UID    string `json:"uid"`
			Title  string `json:"title"`
			Panels []struct {
				Title      string            `json:"title"`
				Datasource map[string]string `json:"datasource"`
				Targets    []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &dash); err != nil {
			t.Errorf("%s: invalid JSON: %v", d.File, err)
			continue
		}
		if dash.UID == "" || dash.Title == "" || len(dash.Panels) == 0 {
			t.Errorf("%s: needs a uid, a title and panels", d.File)
		}
		if other, dup := uids[dash.UID]; dup {
			t.Errorf("%s: uid %q is also %s's", d.File, dash.UID, other)
		}
		uids[dash.UID] = d.File
		known := map[string]bool{}
		for _, s := range d.Sources {
			if s == grafana.SourceArmoniK {
				for _, n := range served {
					known[n] = true
				}
				continue
			}
			for _, n := range grafana.SourceMetrics[s] {
				known[n] = true
			}
		}
		queries := 0
		for _, p := range dash.Panels {
			if p.Datasource["uid"] != grafana.DatasourceUID {
				t.Errorf("%s: panel %q: data source %v, want uid %q", d.File, p.Title, p.Datasource, grafana.DatasourceUID)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", d.File, p.Title)
			}
			for _, q := range p.Targets {
				queries++
				var names, regexes []string
				for _, expr := range expandVariables(q.Expr, partitions) {
					n, r := grafana.QueryMetrics(expr)
					names, regexes = append(names, n...), append(regexes, r...)
				}
				if len(names)+len(regexes) == 0 {
					t.Errorf("%s: panel %q: no metric in %q", d.File, p.Title, q.Expr)
				}
				for _, n := range names {
					if !known[n] {
						t.Errorf("%s: panel %q: %q is not served by %v", d.File, p.Title, n, d.Sources)
					}
				}
				for _, re := range regexes {
					r, err := regexp.Compile("^(?:" + re + ")$")
					if err != nil {
						t.Errorf("%s: panel %q: bad regexp %q", d.File, p.Title, re)
						continue
					}
					hits := 0
					for _, n := range possible {
						if r.MatchString(n) {
							if !slices.Contains(served, n) {
								t.Errorf("%s: panel %q: %q matches %s, which the exporter does not serve (add its status to MetricsExporter__Metrics)", d.File, p.Title, re, n)
							}
							hits++
						}
					}
					if hits == 0 {
						t.Errorf("%s: panel %q: %q matches no metric the exporter serves", d.File, p.Title, re)
					}
				}
			}
		}
		if queries == 0 {
			t.Errorf("%s: no query", d.File)
		}
	}
	// The tokenizer itself.
	names, regexes := grafana.QueryMetrics(`sum by (pod) (increase(kube_pod_container_status_restarts_total{a="b"}[1h])) > 0 and on(x) up offset 5m`)
	if !reflect.DeepEqual(names, []string{"kube_pod_container_status_restarts_total", "up"}) || regexes != nil {
		t.Errorf("tokenizer: %v %v", names, regexes)
	}
}

// expandVariables returns expr once per partition, with the dashboards' variables replaced as
// Grafana does: ${partition} by the partition's name in metric names (its option value),
// ${partition:text} by the partition's name (its option text), $namespace by "armonik". A
// query without the partition variable is returned once.
func expandVariables(expr string, partitions []string) []string {
	ns := strings.ReplaceAll(expr, "$namespace", "armonik")
	if !strings.Contains(ns, "${partition") {
		return []string{ns}
	}
	var out []string
	for _, p := range partitions {
		e := strings.ReplaceAll(ns, "${partition:text}", p)
		out = append(out, strings.ReplaceAll(e, "${partition}", grafana.MetricPartition(p)))
	}
	return out
}

// filesOf lists the dashboard files embedded in the package.
func filesOf() ([]string, error) {
	var out []string
	for _, d := range grafana.Dashboards {
		if _, err := grafana.DashboardJSON(d.File); err != nil {
			return nil, err
		}
		out = append(out, d.File)
	}
	return out, nil
}

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

// TestMonitoringConfigErrors: every problem of every observability module is reported at once,
// naming the module, the instance and the key, and nothing is created.
func TestMonitoringConfigErrors(t *testing.T) {
	st, ns := newStack(t)
	neg := -1
	checkConfigErrors(t, st, []configErrorCase{
		{"seq", func() error {
			_, err := seq.New(st, "seq", seq.Config{Namespace: ns, SystemRAMTarget: "2", RetentionDays: &neg, AdminUser: "a b", Service: obs.Service{Type: "Headless"}})
			return err
		}, []string{`seq "seq": admin_user`, `seq "seq": system_ram_target: "2"`, `seq "seq": retention_days: -1`, `seq "seq": service.type: "Headless"`}},
		{"fluent-bit", func() error {
			_, err := fluentbit.New(st, "fluent-bit", fluentbit.Config{Namespace: ns, MemBufLimit: "lots", Output: fluentbit.Output{CloudWatch: &fluentbit.CloudWatchOutput{Region: "mars", LogGroup: ""}}})
			return err
		}, []string{`fluent-bit "fluent-bit": namespaces: required`, `output.cloudwatch.region: "mars"`, `output.cloudwatch.log_group: ""`, `mem_buf_limit: "lots"`}},
		{"grafana", func() error {
			_, err := grafana.New(st, "grafana", grafana.Config{Namespace: ns, PrometheusURL: "http://user:pw@prom:9090", Ingress: &grafana.Ingress{}})
			return err
		}, []string{`grafana "grafana": prometheus_url: "http://user:pw@prom:9090"`, `grafana "grafana": sub_path: required with an Ingress`}},
		{"mongodb-exporter", func() error {
			_, err := mongodbexporter.New(st, "mongodb-exporter", mongodbexporter.Config{Namespace: ns, Collectors: []string{"everything"}})
			return err
		}, []string{`mongodb-exporter "mongodb-exporter": table_storage: required`, `collectors[0]: "everything" is not one of`}},
		{"kube-state-metrics", func() error {
			_, err := kubestatemetrics.New(st, "kube-state-metrics", kubestatemetrics.Config{Namespace: ns, Kinds: []string{"secrets"}})
			return err
		}, []string{`kube-state-metrics "kube-state-metrics": namespaces: required`, `kinds[0]: "secrets" is not one of`}},
		{"otel", func() error {
			_, err := otel.New(st, "tracing", otel.Config{Namespace: ns, Endpoint: "otlp.example.com", Jaeger: &otel.Jaeger{}})
			return err
		}, []string{`otel "otel-collector": endpoint: "otlp.example.com"`, `otel "otel-collector": endpoint: deploys nothing`}},
		{"otel token in cluster", func() error {
			_, err := otel.New(st, "tracing", otel.Config{Namespace: ns, AuthToken: true, Forward: &otel.Forward{Endpoint: "nowhere"}})
			return err
		}, []string{`otel "otel-collector": auth_token: only with endpoint`, `forward.endpoint: "nowhere"`}},
		{"node-exporter", func() error {
			_, err := nodeexporter.New(st, "node-exporter", nodeexporter.Config{Namespace: ns, PullPolicy: "Sometimes", JobName: "node exporter"})
			return err
		}, []string{`node-exporter "node-exporter": pull_policy: "Sometimes"`, `node-exporter "node-exporter": job_name: "node exporter"`}},
	})
}

// keys is the keySet of a module giving only env and env_from_secret.
func keys(env, fromSecret map[string]string) keySet {
	if env == nil {
		env = map[string]string{}
	}
	if fromSecret == nil {
		fromSecret = map[string]string{}
	}
	return keySet{Env: env, EnvSecret: map[string][]string{}, EnvFromSecret: fromSecret}
}

// TestMonitoringSecretScan: the observability modules' generated credentials (admin passwords,
// the retention API key) appear only in Secret data; no ConfigMap (fluent-bit.conf, the
// collector's configuration, the dashboards) holds a credential or a reference; every
// credential-looking variable of their containers comes from a Secret; and every "${" is an
// escaped literal or a reference the modules made.
func TestMonitoringSecretScan(t *testing.T) {
	st, ns := newStack(t)
	agents := agentsNamespace(t, st)
	db := must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns}))(t)
	s := must(seq.New(st, "seq", seq.Config{Namespace: ns}))(t)
	must(fluentbit.New(st, "fluent-bit", fluentbit.Config{Namespace: agents, Namespaces: []string{"armonik"},
		Output: fluentbit.Output{Seq: &fluentbit.SeqOutput{Host: s.Host}, CloudWatch: &fluentbit.CloudWatchOutput{Region: "eu-west-3", LogGroup: "g"}}}))(t)
	must(grafana.New(st, "grafana", grafana.Config{Namespace: ns, PrometheusURL: "http://prometheus:9090"}))(t)
	must(mongodbexporter.New(st, "mongodb-exporter", mongodbexporter.Config{Namespace: ns, TableStorage: []outputs.ModuleOutputs{db}}))(t)
	must(kubestatemetrics.New(st, "kube-state-metrics", kubestatemetrics.Config{Namespace: ns, Namespaces: []string{"armonik"}}))(t)
	must(nodeexporter.New(st, "node-exporter", nodeexporter.Config{Namespace: agents}))(t)
	must(otel.New(st, "tracing", otel.Config{Namespace: ns, Jaeger: &otel.Jaeger{}}))(t)
	_, out := synthtest.Synth(t, st)
	var all []leaf
	leaves(out, "", &all)
	open := regexp.MustCompile(`\$+\{`)
	for _, l := range all {
		if strings.Contains(l.value, "random_password.") && !secretData.MatchString(l.path) {
			t.Errorf("%s references a generated credential outside a Secret's data: %q", l.path, l.value)
		}
		for _, loc := range open.FindAllStringIndex(l.value, -1) {
			if (loc[1]-loc[0]-1)%2 == 0 {
				continue
			}
			rest := l.value[loc[1]:]
			if !strings.HasPrefix(rest, "kubernetes_") && !strings.HasPrefix(rest, "random_password.") && !strings.HasPrefix(rest, "nonsensitive(") {
				t.Errorf("unescaped Terraform template sequence at %s: %.60q", l.path, l.value[loc[0]:])
			}
		}
	}
	for id, cm := range out.Resources("kubernetes_config_map_v1") {
		for k, v := range cm["data"].(map[string]any) {
			text := strings.ReplaceAll(fmt.Sprint(v), "$${", "")
			for _, bad := range []string{"random_password", "kubernetes_secret_v1", "${"} {
				if strings.Contains(text, bad) {
					t.Errorf("ConfigMap %s: %s refers to %q", id, k, bad)
				}
			}
		}
	}
	var containers []map[string]any
	for _, w := range workloads(out) {
		containers = append(containers, allContainers(w.res)...)
	}
	for _, typ := range []string{"kubernetes_daemon_set_v1"} {
		for _, r := range out.Resources(typ) {
			containers = append(containers, allContainers(r)...)
		}
	}
	for _, r := range out.Resources("kubernetes_cron_job_v1") {
		list, _ := synthtest.Get(r, "spec.job_template.spec.template.spec.container").([]any)
		for _, c := range list {
			containers = append(containers, c.(map[string]any))
		}
	}
	checked := 0
	for _, c := range containers {
		for _, e := range asList(c["env"]) {
			m := e.(map[string]any)
			name := m["name"].(string)
			if !credentialLooking.MatchString(name) && !strings.Contains(strings.ToLower(name), "apikey") {
				continue
			}
			checked++
			if _, literal := m["value"]; literal || synthtest.Get(m, "value_from.secret_key_ref.name") == nil {
				t.Errorf("container %v: %s must come from a Secret", c["name"], name)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d credential variables checked: the scan is blind", checked)
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

// TestGrafanaPartitions: the partitions dashboard's partition variable lists the partitions as
// "name : metric name" pairs (Core's exporter writes '-' as '_'); the other dashboards are
// provisioned as their files are.
func TestGrafanaPartitions(t *testing.T) {
	st, ns := newStack(t)
	must(grafana.New(st, "grafana", grafana.Config{Namespace: ns, PrometheusURL: "http://p:9090", Partitions: []string{"default", "gpu-a-b"}}))(t)
	_, out := synthtest.Synth(t, st)
	data := out.Named(t, "kubernetes_config_map_v1", "grafana-dashboards")["data"].(map[string]any)
	var dash struct {
		Templating struct {
			List []struct {
				Name, Type string
				Query      any
			}
		}
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(data["armonik-partitions.json"].(string), "$${", "${")), &dash); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range dash.Templating.List {
		if v.Name == grafana.PartitionVariable {
			found = true
			if v.Type != "custom" || v.Query != "default : default,gpu-a-b : gpu_a_b" {
				t.Errorf("partition variable %+v", v)
			}
		}
	}
	if !found {
		t.Error("no partition variable")
	}
	raw, _ := grafana.DashboardJSON("armonik-tasks.json")
	if got := strings.ReplaceAll(data["armonik-tasks.json"].(string), "$${", "${"); got != string(raw) {
		t.Error("a dashboard without the partition variable must be provisioned as its file is")
	}
	if _, err := grafana.New(st, "bad", grafana.Config{Name: "bad", Namespace: ns, PrometheusURL: "http://p:9090", Partitions: []string{"Bad_Name"}}); err == nil ||
		!strings.Contains(err.Error(), `partitions[0]: "Bad_Name"`) {
		t.Errorf("a partition name that is not a DNS label: %v", err)
	}
}
