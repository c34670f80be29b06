package main

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// localhostWithMongoDB synthesizes the default armonik-localhost with a MongoDB of n members;
// it returns every resource as "type.id" -> JSON.
func localhostWithMongoDB(t *testing.T, n int) map[string]any {
	t.Helper()
	cfg := stacks.DefaultLocalhost()
	if err := cfg.TableStorage.Set("mongodb", &mongodb.Config{Replicas: n}); err != nil {
		t.Fatal(err)
	}
	st, err := stacks.NewLocalhost(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st.Stack)
	flat := map[string]any{}
	for typ, byID := range out["resource"].(map[string]any) {
		for id, r := range byID.(map[string]any) {
			flat[typ+"."+id] = r
		}
	}
	return flat
}

// TestMongoDBMembersChangeNothingOfArmoniK is AEP 5's promise kept: with 1 or 3 MongoDB
// members, every resource of ArmoniK (its Deployments, its init Job, their config-hash
// expressions) and of the rest of the stack synthesizes to the same JSON; only the MongoDB
// module's own objects differ, and of what ArmoniK reads, only the content of the connection
// Secret (its uri). At apply time ArmoniK's pods roll once, their config hash covering that
// content.
func TestMongoDBMembersChangeNothingOfArmoniK(t *testing.T) {
	one, three := localhostWithMongoDB(t, 1), localhostWithMongoDB(t, 3)
	var differ []string
	armonikResources := 0
	for k, a := range one {
		if strings.Contains(k, ".armonik-") {
			armonikResources++
		}
		if b, ok := three[k]; !ok || !reflect.DeepEqual(a, b) {
			differ = append(differ, k)
		}
	}
	for k := range three {
		if _, ok := one[k]; !ok {
			differ = append(differ, k+" (new)")
		}
	}
	sort.Strings(differ)
	want := []string{
		"kubernetes_config_map_v1.mongodb-members",
		"kubernetes_secret_v1.mongodb-connection",
		"kubernetes_stateful_set_v1.mongodb-statefulset",
	}
	if !reflect.DeepEqual(differ, want) {
		t.Errorf("resources that differ between 1 and 3 members:\n  %s\nwant\n  %s", strings.Join(differ, "\n  "), strings.Join(want, "\n  "))
	}
	if armonikResources < 5 {
		t.Fatalf("found %d ArmoniK resources: the comparison is broken", armonikResources)
	}
	// Of the connection Secret, only the uri's content changes.
	a, b := clone(t, one["kubernetes_secret_v1.mongodb-connection"]), clone(t, three["kubernetes_secret_v1.mongodb-connection"])
	ua, ub := synthtest.Get(a, "data.uri"), synthtest.Get(b, "data.uri")
	delete(a["data"].(map[string]any), "uri")
	delete(b["data"].(map[string]any), "uri")
	if !reflect.DeepEqual(a, b) || ua == ub {
		t.Errorf("the connection Secret must differ in its uri only:\n%v\n%v", a, b)
	}
	if !strings.Contains(ub.(string), "mongodb-2.mongodb-headless.armonik.svc.cluster.local:27017/database?replicaSet=rs0") {
		t.Errorf("uri with 3 members: %v", ub)
	}
	// ArmoniK reads it by the same reference, and its config hash names it.
	for _, d := range []string{"kubernetes_deployment_v1.armonik-control-plane", "kubernetes_job_v1.armonik-init"} {
		raw, _ := json.Marshal(one[d])
		if !strings.Contains(string(raw), "kubernetes_secret_v1.mongodb-connection") {
			t.Errorf("%s does not read the connection Secret", d)
		}
	}
}

func clone(t *testing.T, v any) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(v)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRestoreCommand prints the restore Job of the configured MongoDB, and refuses when there
// are no backups.
func TestRestoreCommand(t *testing.T) {
	code, stdout, stderr, _ := runIn(t, `
localhost:
  namespace: prod
  table_storage:
    mongodb:
      replicas: 3
      backup:
        enabled: true
        bucket: armonik-prod-backups
        s3: {region: eu-west-3, credentials_secret: backup-keys}
`, "restore", "--dump", "20260405T020000Z")
	if code != 0 {
		t.Fatalf("restore: exit %d: %s", code, stderr)
	}
	var job map[string]any
	if err := json.Unmarshal([]byte(stdout), &job); err != nil {
		t.Fatalf("restore printed no JSON: %v\n%s", err, stdout)
	}
	fetch := synthtest.Get(job, "spec.template.spec.initContainers.0").(map[string]any)
	if synthtest.Get(job, "metadata.namespace") != "prod" || synthtest.Env(fetch, "DUMP")["value"] != "20260405T020000Z" ||
		synthtest.Env(fetch, "S3_BUCKET")["value"] != "armonik-prod-backups" || synthtest.Env(fetch, "S3_PREFIX")["value"] != "prod/mongodb/" {
		t.Errorf("restore job %s", stdout)
	}
	code, _, stderr, _ = runIn(t, "", "restore")
	if code != 1 || !strings.Contains(stderr, "backup: off: there is no backup to restore") {
		t.Errorf("restore without backups: exit %d: %s", code, stderr)
	}

	// armonik-external: the external MongoDB's backups, to a GCS bucket.
	code, stdout, stderr, _ = runIn(t, `
stacks: [armonik-external]
external:
  namespace: grid
  queue: {amazonmq: {host: b-1234.mq.eu-west-3.amazonaws.com}}
  object_storage: {s3: {region: eu-west-3, bucket: my-armonik-objects}}
  table_storage:
    external_mongodb:
      existing_secret: atlas-connection
      backup:
        enabled: true
        bucket: grid-backups
        s3: {endpoint: "https://storage.googleapis.com", region: auto, credentials_secret: gcs-hmac}
`, "restore", "armonik-external")
	if code != 0 {
		t.Fatalf("restore armonik-external: exit %d: %s", code, stderr)
	}
	job = nil
	if err := json.Unmarshal([]byte(stdout), &job); err != nil {
		t.Fatal(err)
	}
	fetch = synthtest.Get(job, "spec.template.spec.initContainers.0").(map[string]any)
	restore := synthtest.Get(job, "spec.template.spec.containers.0").(map[string]any)
	if synthtest.Get(job, "metadata.namespace") != "grid" || synthtest.Env(fetch, "S3_ENDPOINT")["value"] != "https://storage.googleapis.com" ||
		synthtest.Get(synthtest.Env(restore, "MONGODB_URI"), "valueFrom.secretKeyRef.name") != "atlas-connection" {
		t.Errorf("external restore job %s", stdout)
	}
	code, _, stderr, _ = runIn(t, "stacks: [armonik-localhost]\n", "restore", "armonik-external")
	if code != 1 || !strings.Contains(stderr, "armonik-external is not a configured stack with a MongoDB") {
		t.Errorf("restore of an unconfigured stack: exit %d: %s", code, stderr)
	}
}

// TestProductionExampleSynthesizes builds the stacks of docs/armonik.production.yaml and
// checks its MongoDB: three members, a disruption budget, backups to S3; that every pod of
// every stack pulls from the private registry with the pull Secret (created in each namespace)
// and passes the restricted Pod Security level; and that each stack keeps its state under its
// own key of the S3 bucket, locked.
func TestProductionExampleSynthesizes(t *testing.T) {
	cfg, err := stacks.LoadFile("docs/armonik.production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	built, err := stacks.Build(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 2 {
		t.Fatalf("built %d stacks, want the platform and ArmoniK", len(built))
	}
	var local synthtest.JSON
	kinds := map[string]int{}
	for _, b := range built {
		var out synthtest.JSON
		if err := json.Unmarshal(checkImages(t, b.Name, b.Stack, kinds), &out); err != nil {
			t.Fatal(err)
		}
		if b.Name == stacks.LocalhostName {
			local = out
		}
		if problems, _ := podSecurityProblems(t, out); len(problems) > 0 {
			t.Errorf("%s: pods breaking the restricted level:\n%s", b.Name, strings.Join(problems, "\n"))
		}
		want := `{"s3":{"bucket":"corp-tfstate","key":"armonik/prod/` + b.Name + `.tfstate","region":"eu-west-3","use_lockfile":true}}`
		if got := synthtest.String(synthtest.Get(out, "terraform.backend")); got != want {
			t.Errorf("%s: backend %s, want %s", b.Name, got, want)
		}
	}
	if local == nil {
		t.Fatal("no armonik-localhost")
	}
	if got := synthtest.Get(local.Named(t, "kubernetes_stateful_set_v1", "mongodb"), "spec.replicas"); got != "3" {
		t.Errorf("members %v", got)
	}
	local.Named(t, "kubernetes_pod_disruption_budget_v1", "mongodb")
	cron := local.Named(t, "kubernetes_cron_job_v1", "mongodb-backup")
	upload := synthtest.Get(cron, "spec.job_template.spec.template.spec.container.0").(map[string]any)
	if synthtest.Env(upload, "S3_BUCKET")["value"] != "my-company-armonik-backups" || synthtest.Env(upload, "RETENTION_DAYS")["value"] != "14" {
		t.Errorf("backup upload env %v", upload["env"])
	}
	if len(local.Resources("kubernetes_deployment_v1")) == 0 || strings.Contains(synthtest.String(local), "mongodb-backups-server") {
		t.Error("backups to S3 deploy no MinIO store")
	}
}
