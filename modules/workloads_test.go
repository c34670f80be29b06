package modules_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// kubernetesObjects returns "<type> <metadata.name>" for every namespaced Kubernetes object.
func kubernetesObjects(out synthtest.JSON) []string {
	var names []string
	res, _ := out["resource"].(map[string]any)
	for typ := range res {
		if !strings.HasPrefix(typ, "kubernetes_") || typ == "kubernetes_namespace_v1" {
			continue
		}
		for _, r := range out.Resources(typ) {
			names = append(names, fmt.Sprintf("%s %v", typ, synthtest.Get(r, "metadata.name")))
		}
	}
	sort.Strings(names)
	return names
}

// TestTwoInstancesDoNotCollide deploys two instances of every module in one namespace: no two
// objects of a type share a name (upstream's RabbitMQ reused ActiveMQ's Secret names), and
// reusing a construct id is an error, not a panic.
func TestTwoInstancesDoNotCollide(t *testing.T) {
	st, ns := newStack(t)
	for _, suffix := range []string{"", "-b"} {
		must(activemq.New(st, "activemq"+suffix, activemq.Config{Namespace: ns, Name: "activemq" + suffix}))(t)
		must(mongodb.New(st, "mongodb"+suffix, mongodb.Config{Namespace: ns, Name: "mongodb" + suffix}))(t)
		must(redis.New(st, "redis"+suffix, redis.Config{Namespace: ns, Name: "redis" + suffix}))(t)
		must(minio.New(st, "minio"+suffix, minio.Config{Namespace: ns, Name: "minio" + suffix}))(t)
		must(minio.New(st, "shared"+suffix, minio.Config{Namespace: ns, Name: "shared" + suffix, Role: minio.RoleSharedStorage}))(t)
		must(rabbitmq.New(st, "rabbitmq"+suffix, rabbitmq.Config{Namespace: ns, Name: "rabbitmq" + suffix}))(t)
	}
	_, out := synthtest.Synth(t, st)
	names := kubernetesObjects(out)
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("two objects are called %s", n)
		}
		seen[n] = true
	}
	if len(names) < 2*6*4 {
		t.Errorf("expected at least 48 objects, got %d: %v", len(names), names)
	}
	if _, err := redis.New(st, "redis", redis.Config{Namespace: ns, Name: "redis-c"}); err == nil ||
		!strings.Contains(err.Error(), `redis "redis-c"`) {
		t.Errorf("reusing a construct id must be an error naming the module, got %v", err)
	}
}

// TestLabelsSecurityAndWait checks every object and workload of the five deployments: the
// storage labels (never part-of=armonik), selectors within them, the secure contexts, the
// config hash, and the Wait switch (claims never wait to be bound).
func TestLabelsSecurityAndWait(t *testing.T) {
	for _, wait := range []bool{true, false} {
		st, _ := deployAll(t, wait)
		_, out := synthtest.Synth(t, st)
		res, _ := out["resource"].(map[string]any)
		for typ := range res {
			if !strings.HasPrefix(typ, "kubernetes_") || typ == "kubernetes_namespace_v1" {
				continue
			}
			for id, r := range out.Resources(typ) {
				labels, _ := synthtest.Get(r, "metadata.labels").(map[string]any)
				if labels["app.kubernetes.io/part-of"] != "armonik-storage" {
					t.Errorf("%s.%s: part-of label %v, want armonik-storage", typ, id, labels["app.kubernetes.io/part-of"])
				}
			}
		}
		for _, w := range workloads(out) {
			labels, _ := synthtest.Get(w.res, "spec.template.metadata.labels").(map[string]any)
			for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/part-of"} {
				if labels[k] == nil || labels[k] == "" {
					t.Errorf("%s: pod template lacks the label %s", w.id, k)
				}
			}
			if labels["app.kubernetes.io/part-of"] != "armonik-storage" {
				t.Errorf("%s: pod template part-of = %v", w.id, labels["app.kubernetes.io/part-of"])
			}
			sel, _ := synthtest.Get(w.res, "spec.selector.match_labels").(map[string]any)
			if len(sel) != 2 || sel["app.kubernetes.io/name"] != labels["app.kubernetes.io/name"] || sel["app.kubernetes.io/instance"] != labels["app.kubernetes.io/instance"] {
				t.Errorf("%s: selector %v must be the name and instance labels", w.id, sel)
			}
			if synthtest.Get(w.res, "spec.template.metadata.annotations") == nil {
				t.Errorf("%s: no config-hash annotation", w.id)
			}
			pod := synthtest.Get(w.res, "spec.template.spec").(map[string]any)
			if synthtest.Get(pod, "security_context.run_as_non_root") != true || synthtest.Get(pod, "security_context.run_as_user") == nil {
				t.Errorf("%s: the pod must run as a non-root UID: %v", w.id, pod["security_context"])
			}
			if pod["automount_service_account_token"] != false {
				t.Errorf("%s: the service-account token must not be mounted", w.id)
			}
			for _, c := range allContainers(w.res) {
				sc, _ := c["security_context"].(map[string]any)
				if sc["allow_privilege_escalation"] != false || !reflect.DeepEqual(synthtest.Get(sc, "capabilities.drop"), []any{"ALL"}) {
					t.Errorf("%s, container %v: security context %v", w.id, c["name"], sc)
				}
			}
			if got := w.res["wait_for_rollout"]; got != wait {
				t.Errorf("%s: wait_for_rollout = %v with Wait %v", w.id, got, wait)
			}
		}
		for id, c := range out.Resources("kubernetes_persistent_volume_claim_v1") {
			if c["wait_until_bound"] != false {
				t.Errorf("claim %s: wait_until_bound must be false (WaitForFirstConsumer classes bind only once the pod exists)", id)
			}
		}
	}
}

// TestStorageSettings checks that size and StorageClass reach the claims, and that MongoDB's
// claim is deleted with its StatefulSet unless retained.
func TestStorageSettings(t *testing.T) {
	st, ns := newStack(t)
	s := modules.Storage{Size: "3Gi", StorageClass: "fast"}
	must(activemq.New(st, "activemq", activemq.Config{Namespace: ns, Storage: s}))(t)
	must(redis.New(st, "redis", redis.Config{Namespace: ns, Storage: s}))(t)
	must(minio.New(st, "minio", minio.Config{Namespace: ns, Storage: s}))(t)
	must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, Storage: s}))(t)
	must(mongodb.New(st, "kept", mongodb.Config{Namespace: ns, Name: "kept", RetainClaims: true}))(t)
	_, out := synthtest.Synth(t, st)
	claims := out.Resources("kubernetes_persistent_volume_claim_v1")
	for _, id := range []string{"activemq-data", "redis-data", "minio-data"} {
		c := claims[id]
		if synthtest.Get(c, "spec.resources.requests.storage") != "3Gi" || synthtest.Get(c, "spec.storage_class_name") != "fast" {
			t.Errorf("claim %s: %v", id, c["spec"])
		}
	}
	db := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	if synthtest.Get(db, "spec.volume_claim_template.0.spec.resources.requests.storage") != "3Gi" ||
		synthtest.Get(db, "spec.volume_claim_template.0.spec.storage_class_name") != "fast" {
		t.Errorf("mongodb claim template: %v", synthtest.Get(db, "spec.volume_claim_template"))
	}
	for name, want := range map[string]string{"mongodb": "Delete", "kept": "Retain"} {
		sts := out.Named(t, "kubernetes_stateful_set_v1", name)
		if got := synthtest.Get(sts, "spec.persistent_volume_claim_retention_policy.0.when_deleted"); got != want {
			t.Errorf("StatefulSet %s: claims %v on delete, want %s", name, got, want)
		}
	}
	// The broker's store limits follow the claim: 70% and 20% of 3Gi.
	xml := fmt.Sprint(synthtest.Get(out.Resources("kubernetes_config_map_v1")["activemq-config"], "data"))
	if !strings.Contains(xml, `limit="2150 mb"`) || !strings.Contains(xml, `limit="614 mb"`) {
		t.Errorf("activemq.xml store limits do not follow the claim size:\n%s", xml)
	}
}

// TestClientSecretsAfterServers: the Secrets ArmoniK reads are created after their server's
// workload, which (with Wait) is ready by then, so ArmoniK's pods start after the storage.
func TestClientSecretsAfterServers(t *testing.T) {
	st, _ := deployAll(t, true)
	_, out := synthtest.Synth(t, st)
	for secret, after := range map[string]string{
		"activemq-credentials": "kubernetes_deployment_v1.activemq-deployment",
		"redis-credentials":    "kubernetes_deployment_v1.redis-deployment",
		"s3-credentials":       "kubernetes_deployment_v1.s3-deployment",
		"shared-credentials":   "kubernetes_deployment_v1.shared-deployment",
		"mongodb-credentials":  "kubernetes_stateful_set_v1.mongodb-statefulset",
		"mongodb-connection":   "kubernetes_stateful_set_v1.mongodb-statefulset",
		"rabbitmq-credentials": "kubernetes_stateful_set_v1.rabbitmq-statefulset",
	} {
		if got := synthtest.Get(out.Named(t, "kubernetes_secret_v1", secret), "depends_on"); !reflect.DeepEqual(got, []any{after}) {
			t.Errorf("Secret %s: depends_on %v, want [%s]", secret, got, after)
		}
	}
	// The servers read their own Secrets, never the clients' ones.
	for _, w := range workloads(out) {
		for _, c := range allContainers(w.res) {
			for _, s := range secretsRead(c) {
				if !strings.HasSuffix(s, "-server.metadata[0].name}") {
					t.Errorf("%s, container %v reads %s, want its <name>-server Secret", w.id, c["name"], s)
				}
			}
		}
	}
}

// TestWorkloadDetails pins what each server needs to work, beyond the goldens' defaults.
func TestWorkloadDetails(t *testing.T) {
	st, all := deployAll(t, true)
	_, out := synthtest.Synth(t, st)

	// Redis: the image's entrypoint is kept (no command), the password comes from $(VAR).
	rd := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "redis"))["redis"]
	if rd["command"] != nil {
		t.Errorf("redis: the command must not be overridden (the entrypoint drops privileges): %v", rd["command"])
	}
	args := fmt.Sprint(rd["args"])
	if !strings.Contains(args, "--requirepass $(REDISCLI_AUTH)") || !strings.Contains(args, "--maxmemory-policy noeviction") || !strings.Contains(args, "--appendonly yes") {
		t.Errorf("redis args: %s", args)
	}
	if synthtest.Get(synthtest.Env(rd, "REDISCLI_AUTH"), "value_from.secret_key_ref.key") != "password" {
		t.Errorf("redis: REDISCLI_AUTH must come from the server Secret")
	}

	// MinIO: the bucket directory is created before the server starts.
	for _, name := range []string{"s3", "shared"} {
		d := out.Named(t, "kubernetes_deployment_v1", name)
		cmd := fmt.Sprint(synthtest.Get(d, "spec.template.spec.init_container.0.command"))
		if cmd != "[mkdir -p /data/minio-bucket]" {
			t.Errorf("minio %s: bucket init command %s", name, cmd)
		}
	}
	if synthtest.Get(synthtest.Env(synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "shared"))["minio"], "MINIO_ROOT_PASSWORD"),
		"value_from.secret_key_ref.key") != "root-password" {
		t.Error("minio shared: MINIO_ROOT_PASSWORD must come from the server Secret")
	}
	shared := out.Named(t, "kubernetes_secret_v1", "shared-credentials")
	if got := synthtest.Get(shared, "data.S3Storage__SecretAccessKey"); got != "${random_password.shared-server-root-password.result}" {
		t.Errorf("minio shared: the clients' secret key must be the server's root password, got %v", got)
	}

	// MongoDB: the members' addresses, the replica set, the headless Service, the connection string.
	if got := strings.Join(all.db.Members, ","); got != "mongodb-0.mongodb-headless.grid.svc.example.internal:27017" {
		t.Errorf("members %q", got)
	}
	sts := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	cs := synthtest.Containers(sts)
	if got := fmt.Sprint(cs["mongod"]["args"]); got != "[--replSet rs0 --bind_ip_all --port 27017 --keyFile /keyfile/keyfile]" {
		t.Errorf("mongod args %s", got)
	}
	if got := synthtest.Env(cs["rs-init"], "RS_SELF")["value"]; got != "$(POD_NAME).mongodb-headless.grid.svc.example.internal:27017" {
		t.Errorf("rs-init must know its member's stable name, got %v", got)
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "mongodb-members"), "data.members"); got != all.db.Members[0]+"\n" {
		t.Errorf("desired members %q", got)
	}
	svc := out.Named(t, "kubernetes_service_v1", "mongodb-headless")
	if synthtest.Get(svc, "spec.cluster_ip") != "None" || synthtest.Get(svc, "spec.publish_not_ready_addresses") != true {
		t.Errorf("mongodb-headless must be headless and publish not-ready addresses: %v", svc["spec"])
	}
	if got := synthtest.Get(sts, "spec.service_name"); got != "${kubernetes_service_v1.mongodb-headless.metadata[0].name}" {
		t.Errorf("service_name %v", got)
	}
	conn := out.Named(t, "kubernetes_secret_v1", "mongodb-connection")
	want := "mongodb://armonik:${random_password.mongodb-server-password.result}@mongodb-0.mongodb-headless.grid.svc.example.internal:27017/database?replicaSet=rs0&authSource=admin"
	if got := synthtest.Get(conn, "data.uri"); got != want {
		t.Errorf("connection string\n  %v\nwant\n  %s", got, want)
	}
	keyfile := out.Resources("random_password")["mongodb-server-keyfile"]
	if keyfile["length"] != float64(756) || keyfile["special"] != false {
		t.Errorf("the replica-set key must be 756 letters and digits: %v", keyfile)
	}
	if got := synthtest.Get(sts, "spec.template.spec.volume.0.secret.items.0.mode"); got != "0440" {
		t.Errorf("the key file Secret volume mode %v", got)
	}

	// ActiveMQ: the broker configuration replaces conf/activemq.xml only; no web console.
	mq := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "activemq"))["activemq"]
	mount := synthtest.Get(mq, "volume_mount.0").(map[string]any)
	if mount["mount_path"] != "/opt/apache-activemq/conf/activemq.xml" || mount["sub_path"] != "activemq.xml" {
		t.Errorf("activemq config mount %v", mount)
	}
	xml := fmt.Sprint(synthtest.Get(out.Resources("kubernetes_config_map_v1")["activemq-config"], "data"))
	for _, s := range []string{`prioritizedMessages="true"`, `anonymousAccessAllowed="false"`, `amqp://0.0.0.0:5672`} {
		if !strings.Contains(xml, s) {
			t.Errorf("activemq.xml lacks %s", s)
		}
	}
	if strings.Contains(xml, "jetty.xml") || strings.Contains(xml, "61616") {
		t.Error("activemq.xml must not start the web console or the OpenWire connector")
	}
	if p := synthtest.Get(out.Named(t, "kubernetes_service_v1", "activemq"), "spec.port"); len(p.([]any)) != 1 {
		t.Errorf("the ActiveMQ Service must expose AMQP only: %v", p)
	}
}
