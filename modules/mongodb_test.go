package modules_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
)

// synthMongoDB synthesizes the module alone in a stack with cfg (namespace armonik).
func synthMongoDB(t *testing.T, cfg mongodb.Config) ([]byte, synthtest.JSON, *mongodb.Module) {
	t.Helper()
	st, ns := newStack(t)
	cfg.Namespace = ns
	db := must(mongodb.New(st, "mongodb", cfg))(t)
	raw, out := synthtest.Synth(t, st)
	return raw, out, db
}

func member(i int) string {
	return fmt.Sprintf("mongodb-%d.mongodb-headless.armonik.svc.cluster.local:27017", i)
}

// TestMongoDBReplicaSet pins three members with backups to the in-cluster MinIO store, and
// checks what makes it a replica set: the key file, the members' addresses, the disruption
// budget, the anti-affinity, the readiness and stop hooks, the connection string.
func TestMongoDBReplicaSet(t *testing.T) {
	raw, out, db := synthMongoDB(t, mongodb.Config{Replicas: 3, Backup: mongodb.Backup{Enabled: true}})
	golden.JSON(t, "module-mongodb-replica-set", raw)

	if got, want := db.Members, []string{member(0), member(1), member(2)}; !reflect.DeepEqual(got, want) {
		t.Errorf("members %q, want %q", got, want)
	}
	sts := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	if got := synthtest.Get(sts, "spec.replicas"); got != "3" {
		t.Errorf("replicas %v", got)
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "mongodb-members"), "data.members"); got != member(0)+"\n"+member(1)+"\n"+member(2)+"\n" {
		t.Errorf("desired members %q", got)
	}
	conn := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "mongodb-connection"), "data.uri")
	if want := "mongodb://armonik:${random_password.mongodb-server-password.result}@" + member(0) + "," + member(1) + "," + member(2) +
		"/database?replicaSet=rs0&authSource=admin"; conn != want {
		t.Errorf("connection string\n  %v\nwant\n  %s", conn, want)
	}

	// The key file: generated, read from the Secret by the init container only, copied with
	// the mode mongod requires; mongod runs with it and the replica set name.
	keyfile := out.Resources("random_password")["mongodb-server-keyfile"]
	if keyfile["length"] != float64(756) || keyfile["special"] != false {
		t.Errorf("the replica-set key must be 756 letters and digits: %v", keyfile)
	}
	spec := synthtest.Get(sts, "spec.template.spec").(map[string]any)
	init := synthtest.Get(spec, "init_container.0").(map[string]any)
	if cmd := fmt.Sprint(init["command"]); !strings.Contains(cmd, "cp /keyfile-secret/keyfile /keyfile/keyfile && chmod 0400 /keyfile/keyfile") {
		t.Errorf("key file copy %s", cmd)
	}
	cs := synthtest.Containers(sts)
	if got := fmt.Sprint(cs["mongod"]["args"]); got != "[--replSet rs0 --bind_ip_all --port 27017 --keyFile /keyfile/keyfile]" {
		t.Errorf("mongod args %s", got)
	}
	if !strings.Contains(string(raw), "${random_password.mongodb-server-keyfile.result}") {
		t.Error("the key file must come from the random_password")
	}

	// Readiness requires a healthy member, not an open port.
	probe := fmt.Sprint(synthtest.Get(cs["mongod"], "readiness_probe.exec.command"))
	if !strings.Contains(probe, "h.setName === 'rs0' && (h.isWritablePrimary || h.secondary)") {
		t.Errorf("readiness probe %s", probe)
	}
	if got := fmt.Sprint(synthtest.Get(cs["mongod"], "lifecycle.pre_stop.0.exec.command")); got != "[bash /scripts/replicaset.sh prestop]" {
		t.Errorf("preStop %s", got)
	}
	if got := spec["termination_grace_period_seconds"]; got != float64(300) {
		t.Errorf("termination grace %v", got)
	}
	if got := fmt.Sprint(cs["rs-init"]["command"]); got != "[bash /scripts/replicaset.sh run]" {
		t.Errorf("rs-init command %s", got)
	}
	// The desired members reach the controller as a directory mount (updated in place).
	for _, m := range synthtest.Get(cs["rs-init"], "volume_mount").([]any) {
		if m.(map[string]any)["mount_path"] == "/rs-config" && m.(map[string]any)["sub_path"] != nil {
			t.Error("the members file must not be a subPath mount: the kubelet would never update it")
		}
	}

	// Spread over the nodes, and one member down at a time.
	anti := synthtest.Get(spec, "affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution.0")
	if synthtest.Get(anti, "pod_affinity_term.topology_key") != "kubernetes.io/hostname" ||
		fmt.Sprint(synthtest.Get(anti, "pod_affinity_term.label_selector.0.match_labels")) != "map[app.kubernetes.io/instance:mongodb app.kubernetes.io/name:mongodb]" {
		t.Errorf("anti-affinity %v", anti)
	}
	pdb := out.Named(t, "kubernetes_pod_disruption_budget_v1", "mongodb")
	if synthtest.Get(pdb, "spec.max_unavailable") != "1" || synthtest.Get(pdb, "spec.min_available") != nil ||
		fmt.Sprint(synthtest.Get(pdb, "spec.selector.match_labels")) != "map[app.kubernetes.io/instance:mongodb app.kubernetes.io/name:mongodb]" {
		t.Errorf("disruption budget %v", pdb["spec"])
	}

	// The backups: a CronJob, admitted by MongoDB's NetworkPolicy, writing to a MinIO that
	// admits only it.
	cron := out.Named(t, "kubernetes_cron_job_v1", "mongodb-backup")
	if synthtest.Get(cron, "spec.schedule") != "0 2 * * *" || synthtest.Get(cron, "spec.concurrency_policy") != "Forbid" {
		t.Errorf("backup schedule %v", cron["spec"])
	}
	pod := synthtest.Get(cron, "spec.job_template.spec.template").(map[string]any)
	backupLabels := synthtest.Get(pod, "metadata.labels").(map[string]any)
	np := out.Named(t, "kubernetes_network_policy_v1", "mongodb")
	var admitted []string
	for _, f := range synthtest.Get(np, "spec.ingress.0.from").([]any) {
		admitted = append(admitted, fmt.Sprint(synthtest.Get(f, "pod_selector.match_labels")))
	}
	wantSel := "map[app.kubernetes.io/instance:mongodb app.kubernetes.io/name:mongodb-backup]"
	if fmt.Sprint(admitted) != "[map[app.kubernetes.io/part-of:armonik] map[app.kubernetes.io/instance:mongodb app.kubernetes.io/name:mongodb] "+wantSel+"]" {
		t.Errorf("MongoDB admits %v", admitted)
	}
	if backupLabels["app.kubernetes.io/name"] != "mongodb-backup" || backupLabels["app.kubernetes.io/instance"] != "mongodb" {
		t.Errorf("backup pod labels %v", backupLabels)
	}
	storeNP := out.Named(t, "kubernetes_network_policy_v1", "mongodb-backups")
	if got := fmt.Sprint(synthtest.Get(storeNP, "spec.ingress.0.from.0.pod_selector.match_labels")); got != wantSel {
		t.Errorf("the backup store admits %s", got)
	}
	if got := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_secret_v1", "mongodb-backups-credentials"), "data")); !strings.Contains(got, "AWS_ACCESS_KEY_ID:armonik") ||
		!strings.Contains(got, "AWS_SECRET_ACCESS_KEY:${random_password.mongodb-backups-server-root-password.result}") {
		t.Errorf("the store's credentials %s", got)
	}
	bc := map[string]map[string]any{}
	for _, k := range []string{"init_container", "container"} {
		for _, c := range synthtest.Get(pod, "spec."+k).([]any) {
			bc[c.(map[string]any)["name"].(string)] = c.(map[string]any)
		}
	}
	if fmt.Sprint(bc["dump"]["command"]) != "[bash /backup-scripts/backup.sh dump]" || bc["dump"]["image"] != "mongo:8.2.5" ||
		fmt.Sprint(bc["upload"]["command"]) != "[bash /backup-scripts/backup.sh upload]" || bc["upload"]["image"] != "amazon/aws-cli:2.37.5" {
		t.Errorf("backup containers %v", bc)
	}
	if got := synthtest.Get(synthtest.Env(bc["dump"], "MONGODB_URI"), "value_from.secret_key_ref"); fmt.Sprint(got) != "map[key:uri name:${kubernetes_secret_v1.mongodb-connection.metadata[0].name}]" {
		t.Errorf("the dump reads the connection string from %v", got)
	}
	for name, want := range map[string]string{
		"S3_BUCKET": "mongodb-backups", "S3_PREFIX": "armonik/mongodb/", "RETENTION_DAYS": "7", "S3_FORCE_PATH_STYLE": "true",
		"S3_ENDPOINT": "http://mongodb-backups.armonik.svc.cluster.local:9000", "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
	} {
		if got := synthtest.Env(bc["upload"], name)["value"]; got != want {
			t.Errorf("upload %s = %v, want %s", name, got, want)
		}
	}
	if got := fmt.Sprint(synthtest.Get(synthtest.Env(bc["upload"], "AWS_SECRET_ACCESS_KEY"), "value_from.secret_key_ref")); got != "map[key:AWS_SECRET_ACCESS_KEY name:${kubernetes_secret_v1.mongodb-backups-credentials.metadata[0].name}]" {
		t.Errorf("upload secret key from %s", got)
	}
}

// TestMongoDBScalingPlanShapes synthesizes 1 -> 3 -> 5 -> 3 -> 1 members and compares each step
// with the previous one, as a plan would: only the member list, the connection string and
// the StatefulSet's replicas change (and the disruption budget appears above one member);
// nothing that holds data is replaced (the StatefulSet's immutable fields and its pod template
// are equal, so no member restarts either).
func TestMongoDBScalingPlanShapes(t *testing.T) {
	resources := func(n int) map[string]any {
		_, out, _ := synthMongoDB(t, mongodb.Config{Replicas: n})
		flat := map[string]any{}
		for typ, byID := range out["resource"].(map[string]any) {
			for id, r := range byID.(map[string]any) {
				flat[typ+"."+id] = r
			}
		}
		return flat
	}
	steps := []int{1, 3, 5, 3, 1}
	states := map[int]map[string]any{}
	for _, n := range []int{1, 3, 5} {
		states[n] = resources(n)
	}
	const (
		members = "kubernetes_config_map_v1.mongodb-members"
		conn    = "kubernetes_secret_v1.mongodb-connection"
		sts     = "kubernetes_stateful_set_v1.mongodb-statefulset"
	)
	want := map[string]string{
		// The PodDisruptionBudget (maxUnavailable 1 at any size) does not change.
		"1->3": "update " + members + "; update " + conn + "; update " + sts,
		"3->5": "update " + members + "; update " + conn + "; update " + sts,
		"5->3": "update " + members + "; update " + conn + "; update " + sts,
		"3->1": "update " + members + "; update " + conn + "; update " + sts,
	}
	for i := 1; i < len(steps); i++ {
		from, to := states[steps[i-1]], states[steps[i]]
		step := fmt.Sprintf("%d->%d", steps[i-1], steps[i])
		var changes []string
		for _, k := range sortedKeys(from, to) {
			a, inA := from[k]
			b, inB := to[k]
			switch {
			case !inA:
				changes = append(changes, "create "+k)
			case !inB:
				changes = append(changes, "delete "+k)
			case !reflect.DeepEqual(a, b):
				changes = append(changes, "update "+k)
			}
		}
		if got := strings.Join(changes, "; "); got != want[step] {
			t.Errorf("%s: changes\n  %s\nwant\n  %s", step, got, want[step])
		}
		// The StatefulSet differs in spec.replicas only.
		a, b := clone(t, from[sts]), clone(t, to[sts])
		if ra, rb := synthtest.Get(a, "spec.replicas"), synthtest.Get(b, "spec.replicas"); ra != fmt.Sprint(steps[i-1]) || rb != fmt.Sprint(steps[i]) {
			t.Errorf("%s: replicas %v -> %v", step, ra, rb)
		}
		delete(a["spec"].(map[string]any), "replicas")
		delete(b["spec"].(map[string]any), "replicas")
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the StatefulSet changes beyond spec.replicas (pod template, claims or selector): members would restart or be replaced", step)
		}
	}
}

func sortedKeys(ms ...map[string]any) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func clone(t *testing.T, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMongoDBBackupToS3 pins backups to an existing bucket of Google Cloud Storage (HMAC key)
// with TLS on: the CA reaches the dump, the endpoint and the user's Secret the upload, and no
// MinIO is deployed.
func TestMongoDBBackupToS3(t *testing.T) {
	days := 30
	raw, out, db := synthMongoDB(t, mongodb.Config{Replicas: 3, TLS: userTLS("mongodb-tls"), Backup: mongodb.Backup{
		Enabled: true, Schedule: "@hourly", RetentionDays: &days, Bucket: "armonik-backups", Prefix: "prod/",
		S3: &mongodb.BackupS3{Endpoint: "https://storage.googleapis.com", Region: "auto", CredentialsSecret: "gcs-hmac",
			AccessKeyIDKey: "access_id", SecretAccessKeyKey: "secret"},
	}})
	golden.JSON(t, "module-mongodb-backup-s3", raw)
	if db.Backup == nil || db.Backup.Store != nil || len(out.Resources("kubernetes_deployment_v1")) != 0 {
		t.Fatalf("an S3 destination deploys no store: %+v", db.Backup)
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "mongodb-connection"), "data.uri").(string); !strings.HasSuffix(got, "&tls=true") {
		t.Errorf("connection string %s", got)
	}
	pod := synthtest.Get(out.Named(t, "kubernetes_cron_job_v1", "mongodb-backup"), "spec.job_template.spec.template.spec")
	dump := synthtest.Get(pod, "init_container.0").(map[string]any)
	upload := synthtest.Get(pod, "container.0").(map[string]any)
	if synthtest.Env(dump, "MONGODB_CA_FILE")["value"] != "/mongodb/certs/ca.crt" {
		t.Errorf("the dump must get the CA: %v", dump["env"])
	}
	for name, want := range map[string]string{"S3_ENDPOINT": "https://storage.googleapis.com", "AWS_DEFAULT_REGION": "auto",
		"S3_BUCKET": "armonik-backups", "S3_PREFIX": "prod/", "RETENTION_DAYS": "30", "S3_FORCE_PATH_STYLE": "false"} {
		if got := synthtest.Env(upload, name)["value"]; got != want {
			t.Errorf("upload %s = %v, want %s", name, got, want)
		}
	}
	if got := fmt.Sprint(synthtest.Get(synthtest.Env(upload, "AWS_ACCESS_KEY_ID"), "value_from.secret_key_ref")); got != "map[key:access_id name:gcs-hmac]" {
		t.Errorf("access key from %s", got)
	}
}

// TestMongoDBRestoreJob checks the Job go run . restore prints: the backup's pod turned around
// (fetch, then mongorestore), with the names the stack gives the objects it refers to.
func TestMongoDBRestoreJob(t *testing.T) {
	ns, err := k8s.ExistingNamespace("armonik")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mongodb.Config{Namespace: ns, Replicas: 3, Backup: mongodb.Backup{Enabled: true}}
	manifest, err := mongodb.RestoreJob(cfg, "20260405T020000Z")
	if err != nil {
		t.Fatal(err)
	}
	job := clone(t, manifest) // what kubectl reads
	get := func(path string) any { return synthtest.Get(job, path) }
	if get("apiVersion") != "batch/v1" || get("kind") != "Job" || get("metadata.generateName") != "mongodb-restore-" ||
		get("metadata.namespace") != "armonik" || get("spec.backoffLimit") != 0.0 || get("spec.template.spec.restartPolicy") != "Never" {
		t.Errorf("job %v", job)
	}
	fetch := get("spec.template.spec.initContainers.0").(map[string]any)
	restore := get("spec.template.spec.containers.0").(map[string]any)
	if fmt.Sprint(fetch["command"]) != "[bash /backup-scripts/backup.sh fetch]" || fetch["image"] != "amazon/aws-cli:2.37.5" ||
		fmt.Sprint(restore["command"]) != "[bash /backup-scripts/backup.sh restore]" || restore["image"] != "mongo:8.2.5" {
		t.Errorf("containers:\n%v\n%v", fetch, restore)
	}
	env := func(c map[string]any) map[string]string {
		out := map[string]string{}
		for _, e := range c["env"].([]any) {
			m := e.(map[string]any)
			if v, ok := m["value"]; ok {
				out[m["name"].(string)] = fmt.Sprint(v)
			} else {
				ref := synthtest.Get(m, "valueFrom.secretKeyRef").(map[string]any)
				out[m["name"].(string)] = "secret " + fmt.Sprint(ref["name"]) + "/" + fmt.Sprint(ref["key"])
			}
		}
		return out
	}
	for k, v := range map[string]string{
		"DUMP": "20260405T020000Z", "S3_BUCKET": "mongodb-backups", "S3_PREFIX": "armonik/mongodb/",
		"S3_ENDPOINT":       "http://mongodb-backups.armonik.svc.cluster.local:9000",
		"AWS_ACCESS_KEY_ID": "secret mongodb-backups-credentials/AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY": "secret mongodb-backups-credentials/AWS_SECRET_ACCESS_KEY",
	} {
		if got := env(fetch)[k]; got != v {
			t.Errorf("fetch %s = %q, want %q", k, got, v)
		}
	}
	if got := env(restore)["MONGODB_URI"]; got != "secret mongodb-connection/uri" {
		t.Errorf("restore MONGODB_URI = %q", got)
	}
	if got := fmt.Sprint(get("spec.template.spec.volumes")); !strings.Contains(got, "name:mongodb-backup-scripts") {
		t.Errorf("volumes %s", got)
	}
	labels := get("spec.template.metadata.labels").(map[string]any)
	if labels["app.kubernetes.io/name"] != "mongodb-backup" || labels["app.kubernetes.io/instance"] != "mongodb" {
		t.Errorf("the restore pod must carry the labels the NetworkPolicies admit: %v", labels)
	}
	if !strings.Contains(fmt.Sprint(get("spec.template.spec.securityContext")), "runAsNonRoot:true") {
		t.Errorf("pod security %v", get("spec.template.spec.securityContext"))
	}

	// The names it uses are those of the objects the stack creates.
	_, out, _ := synthMongoDB(t, mongodb.Config{Replicas: 3, Backup: mongodb.Backup{Enabled: true}})
	for _, n := range []struct{ typ, name string }{
		{"kubernetes_secret_v1", "mongodb-connection"}, {"kubernetes_secret_v1", "mongodb-backups-credentials"},
		{"kubernetes_config_map_v1", "mongodb-backup-scripts"},
	} {
		out.Named(t, n.typ, n.name)
	}
	script := synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "mongodb-backup-scripts"), "data").(map[string]any)["backup.sh"]
	if !strings.Contains(fmt.Sprint(script), `mongorestore --config="$conf" --archive="$dir/dump.archive.gz" --gzip --drop`) {
		t.Error("the restore step must run mongorestore --archive --gzip --drop")
	}

	// With S3 credentials from the user's Secret, and the latest dump.
	cfg.Backup = mongodb.Backup{Enabled: true, Bucket: "b-123", S3: &mongodb.BackupS3{Region: "eu-west-3", CredentialsSecret: "s3-keys"}}
	if manifest, err = mongodb.RestoreJob(cfg, "latest"); err != nil {
		t.Fatal(err)
	}
	job = clone(t, manifest)
	fetch = synthtest.Get(job, "spec.template.spec.initContainers.0").(map[string]any)
	if e := env(fetch); e["DUMP"] != "latest" || e["AWS_ACCESS_KEY_ID"] != "secret s3-keys/AWS_ACCESS_KEY_ID" || e["S3_ENDPOINT"] != "" || e["AWS_DEFAULT_REGION"] != "eu-west-3" {
		t.Errorf("fetch env %v", e)
	}

	// Refused: no backups, a bad dump name.
	if _, err := mongodb.RestoreJob(mongodb.Config{Namespace: ns}, "latest"); err == nil || !strings.Contains(err.Error(), `mongodb "mongodb": backup: off`) {
		t.Errorf("restore without backups: %v", err)
	}
	if _, err := mongodb.RestoreJob(cfg, "yesterday"); err == nil || !strings.Contains(err.Error(), `dump "yesterday" must be latest or a dump's UTC timestamp`) {
		t.Errorf("restore of a bad name: %v", err)
	}
}

func TestMongoDBBackupConfigErrors(t *testing.T) {
	st, ns := newStack(t)
	neg := -1
	checkConfigErrors(t, st, []configErrorCase{
		{"mongodb backup", func() error {
			_, err := mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, AntiAffinity: "always", Backup: mongodb.Backup{
				Enabled: true, Schedule: "daily", RetentionDays: &neg, Prefix: "/abs", MinIO: &mongodb.BackupMinIO{}, ScratchSize: "big",
				S3: &mongodb.BackupS3{Endpoint: "ftp://x", CredentialsSecret: "Bad_Secret"},
			}})
			return err
		}, []string{
			`mongodb "mongodb": anti_affinity: "always" must be preferred, required or none`,
			`mongodb "mongodb": backup.schedule: "daily" must have five fields`,
			`mongodb "mongodb": backup.retention_days: -1 must be 0 (keep every dump) or more`,
			`mongodb "mongodb": backup: set minio or s3, not both`,
			`mongodb "mongodb": backup.prefix: "/abs" must be empty or folders ending in '/'`,
			`mongodb "mongodb": backup.scratch_size: "big" is not a positive Kubernetes quantity`,
			`mongodb "mongodb": backup.s3.endpoint: "ftp://x" must be an http(s) URL`,
			`mongodb "mongodb": backup.s3.credentials_secret: "Bad_Secret"`,
		}},
		{"mongodb backup s3", func() error {
			_, err := mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, Backup: mongodb.Backup{Enabled: true, S3: &mongodb.BackupS3{}}})
			return err
		}, []string{
			`mongodb "mongodb": backup.bucket: required with s3: an existing bucket`,
			`mongodb "mongodb": backup.s3.region: required with Amazon S3 (no endpoint)`,
			`mongodb "mongodb": backup.s3: set credentials_secret (a Secret with the access key) or service_account (a cloud identity)`,
		}},
	})
	// Off: none of it is checked, nothing is created.
	_, out, db := synthMongoDB(t, mongodb.Config{Backup: mongodb.Backup{Schedule: "never"}})
	if db.Backup != nil || len(out.Resources("kubernetes_cron_job_v1")) != 0 {
		t.Error("backups are off by default")
	}
	// A single member's budget lets a drain evict it (maxUnavailable 1), so drains finish.
	if pdb := out.Named(t, "kubernetes_pod_disruption_budget_v1", "mongodb"); synthtest.Get(pdb, "spec.max_unavailable") != "1" {
		t.Errorf("a single member's disruption budget: %v", pdb["spec"])
	}
}

// TestExternalMongoDBBackups backs up a MongoDB outside the stack (armonik-external) to an S3
// bucket through its connection string, with its private CA; the in-cluster store is refused.
func TestExternalMongoDBBackups(t *testing.T) {
	st, ns := newStack(t)
	bk := mongodb.Backup{Enabled: true, Bucket: "armonik-backups", S3: &mongodb.BackupS3{Region: "eu-west-3", ServiceAccount: "backup-irsa"}}
	ext := must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns, CASecret: "atlas-ca", Backup: bk}))(t)
	if ext.Backup == nil || ext.Backup.Store != nil {
		t.Fatalf("backups %+v", ext.Backup)
	}
	raw, out := synthtest.Synth(t, st)
	golden.JSON(t, "module-externalmongodb-backup", raw)
	pod := synthtest.Get(out.Named(t, "kubernetes_cron_job_v1", "externalmongodb-backup"), "spec.job_template.spec.template.spec")
	dump := synthtest.Get(pod, "init_container.0").(map[string]any)
	if got := fmt.Sprint(synthtest.Get(synthtest.Env(dump, "MONGODB_URI"), "value_from.secret_key_ref")); got != "map[key:connection-string name:${kubernetes_secret_v1.externalmongodb-credentials.metadata[0].name}]" {
		t.Errorf("the dump reads the connection string from %s", got)
	}
	if synthtest.Env(dump, "MONGODB_CA_FILE")["value"] != "/mongodb/certs/ca.crt" || !strings.Contains(fmt.Sprint(synthtest.Get(pod, "volume")), "atlas-ca") {
		t.Errorf("the dump must get the private CA: %v", synthtest.Get(pod, "volume"))
	}
	upload := synthtest.Get(pod, "container.0").(map[string]any)
	if synthtest.Get(pod, "service_account_name") != "backup-irsa" || synthtest.Env(upload, "AWS_ACCESS_KEY_ID") != nil {
		t.Errorf("with a service account, the pods use its cloud identity and no key: %v", pod)
	}
	if synthtest.Env(upload, "S3_PREFIX")["value"] != "armonik/externalmongodb/" {
		t.Errorf("prefix %v", synthtest.Env(upload, "S3_PREFIX"))
	}

	nsName, _ := k8s.ExistingNamespace("armonik")
	manifest, err := externalmongodb.RestoreJob(externalmongodb.Config{Namespace: nsName, ExistingSecret: "atlas-uri", Backup: bk}, "latest")
	if err != nil {
		t.Fatal(err)
	}
	job := clone(t, manifest)
	restore := synthtest.Get(job, "spec.template.spec.containers.0").(map[string]any)
	if got := fmt.Sprint(synthtest.Get(synthtest.Env(restore, "MONGODB_URI"), "valueFrom.secretKeyRef")); got != "map[key:connection-string name:atlas-uri]" {
		t.Errorf("the restore reads the connection string from %s", got)
	}

	st, ns = newStack(t)
	checkConfigErrors(t, st, []configErrorCase{{"externalmongodb backup", func() error {
		_, err := externalmongodb.New(st, "bad", externalmongodb.Config{Name: "bad", Namespace: ns, Backup: mongodb.Backup{Enabled: true, MinIO: &mongodb.BackupMinIO{}}})
		return err
	}, []string{
		`externalmongodb "bad": backup.minio: only the in-cluster mongodb module deploys a store: set backup.s3`,
	}}, {"externalmongodb backup no bucket", func() error {
		_, err := externalmongodb.New(st, "bad2", externalmongodb.Config{Name: "bad2", Namespace: ns, Backup: mongodb.Backup{Enabled: true}})
		return err
	}, []string{
		`externalmongodb "bad2": backup.s3: required: the bucket the dumps go to`,
	}}})
}
