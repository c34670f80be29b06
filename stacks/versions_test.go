package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModulesFollowTheVersion: a module the version cannot use is refused with the versions
// that can; the modules the stack builds receive the version's Core; the DLL worker of 2.22.3
// gets MinIO as shared storage by default.
func TestModulesFollowTheVersion(t *testing.T) {
	for doc, want := range map[string]string{
		"localhost:\n  queue: {nats: {}}\n  armonik: {version: 2.22.3}\n": `localhost.queue.nats: nats "nats": armonik.version: the Core 0.34.5 images ship no NATS queue adapter ` +
			`(ArmoniK.Core.Adapters.Nats.QueueBuilder): Core 0.37.2 and 0.40.1 ship it: choose armonik.version 2.23.0 or core-0.40.1`,
		"stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n  table_storage: {external_mongodb: {}}\n  object_storage: {gcs: {bucket: objects, api: native}}\n": `external.object_storage.gcs: gcs "gcs": armonik.version: the Core 0.37.2 images ship no Google Cloud Storage object adapter ` +
			`(ArmoniK.Core.Adapters.Gcs.ObjectBuilder): Core 0.40.1 ships it: choose armonik.version core-0.40.1`,
		"localhost:\n  queue: {rabbitmq: {prefix: /queues/}}\n": `localhost.queue.rabbitmq: rabbitmq "rabbitmq": prefix: Core 0.37.2 binds no option Amqp__Prefix, so it would be ignored (Core 0.40.1 reads it): choose armonik.version core-0.40.1`,
		"localhost:\n  armonik: {version: 2.30.0}\n":            `localhost.armonik.version: "2.30.0" is not a supported version (supported: 2.22.3, 2.23.0, core-0.40.1; default 2.23.0)`,
	} {
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v\nwant %q", doc, err, want)
		}
	}
	for _, doc := range []string{
		"localhost:\n  queue: {nats: {}}\n",
		"localhost:\n  queue: {nats: {}}\n  armonik: {version: core-0.40.1}\n",
		"localhost:\n  queue: {rabbitmq: {prefix: /queues/}}\n  armonik: {version: core-0.40.1}\n",
	} {
		if _, err := Parse([]byte(doc)); err != nil {
			t.Errorf("%s: %v", doc, err)
		}
	}
	for version, want := range map[string]string{
		"2.22.3": "[queue.activemq table_storage.mongodb object_storage.redis shared_storage.minio]",
		"2.23.0": "[queue.activemq table_storage.mongodb object_storage.redis]",
	} {
		cfg := LocalhostConfig{}
		cfg.ArmoniK.Version = version
		mods, errs := cfg.plan()
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var paths []string
		for _, m := range mods {
			paths = append(paths, m.path)
		}
		if got := fmt.Sprint(paths); got != want {
			t.Errorf("%s plans %s, want %s", version, got, want)
		}
	}
}

// TestReadDeployed reads the version of the previous synthesis from its control plane's image.
func TestReadDeployed(t *testing.T) {
	dir := t.TempDir()
	write := func(stack, body string) {
		p := filepath.Join(dir, "stacks", stack, "cdk.tf.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(LocalhostName, `{"resource": {"kubernetes_deployment_v1": {
		"armonik-metrics-exporter": {"spec": {"template": {"spec": {"container": [{"name": "metrics-exporter", "image": "dockerhubaneo/armonik_control_metrics:0.34.5"}]}}}},
		"armonik-control-plane": {"metadata": {"name": "control-plane"}, "spec": {"template": {"spec": {"container": [{"image": "dockerhubaneo/armonik_control:0.34.5", "name": "control-plane"}]}}}}}}}`)
	write(ExternalName, `{"resource": {"kubernetes_deployment_v1": {"x": {"spec": {"template": {"spec": {"container": [{"image": "registry.example/control:7.0", "name": "control-plane"}]}}}}}}}`)
	cfg := &Config{}
	ReadDeployed(dir, cfg)
	if d := cfg.Localhost.ArmoniK.Deployed; d == nil || d.Version != "2.22.3" || d.Source != filepath.Join(dir, "stacks", LocalhostName, "cdk.tf.json") {
		t.Errorf("localhost: deployed %+v", d)
	}
	if d := cfg.External.ArmoniK.Deployed; d != nil {
		t.Errorf("an unknown tag is no version: %+v", d)
	}
	// The guard then refuses the upgrade to the default version until it is acknowledged.
	_, errs := cfg.Localhost.plan()
	if err := fmt.Sprint(errs); !strings.Contains(err, `armonik.version: upgrading from 2.22.3 (Core 0.34.5) (deployed, from `+dir) ||
		!strings.Contains(err, `set acknowledge_migration: "2.23.0"`) {
		t.Errorf("plan: %s", err)
	}
	cfg.Localhost.ArmoniK.AcknowledgeMigration = "2.23.0"
	if _, errs := cfg.Localhost.plan(); len(errs) > 0 {
		t.Errorf("acknowledged: %v", errs)
	}
}
