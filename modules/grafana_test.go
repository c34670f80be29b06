package modules_test

// Tests of the grafana module and its dashboards.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/grafana"
)

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
