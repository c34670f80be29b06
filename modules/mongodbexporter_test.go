package modules_test

// Tests of the mongodbexporter module.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodbexporter"
)

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
