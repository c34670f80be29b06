package modules_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/fluentbit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/grafana"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kubestatemetrics"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodbexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nodeexporter"
	"github.com/armonik-cdktf/armonik-cdktf/modules/otel"
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
