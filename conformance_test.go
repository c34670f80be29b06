package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// variant is a documented configuration of a stack: its YAML, whether its queue speaks AMQP,
// whether a DLL worker reads shared storage, and the versions it runs on.
type variant struct {
	name, doc string
	amqp      bool
	shared    bool // a DLL worker reads shared storage
	// versions the variant runs on (nil: every supported version); the default worker of
	// 2.22.3 is the DLL worker, which needs shared storage (armonik-localhost deploys MinIO
	// for it by default; armonik-external has no default).
	versions []string
}

const v2223, v2230, v0401 = "2.22.3", "2.23.0", "core-0.40.1"

// stackVariants are the documented variants of both stacks that the conformance and pod
// security tests build.
func stackVariants(t *testing.T) []variant {
	t.Helper()
	const dll = "        worker: {image: {repository: dockerhubaneo/armonik_worker_dll, tag: 0.19.3}}\n"
	// The elastic-compute fixture of the goldens: armonik-platform, Prometheus, two partitions
	// scaling on their queue, PriorityClasses, a GraceDelay from a one-hour grace period.
	elastic, err := os.ReadFile("testdata/elastic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return []variant{
		{name: "default", amqp: true},
		{name: "rabbitmq", doc: "localhost:\n  queue: {rabbitmq: {}}\n", amqp: true},
		{name: "nats", doc: "localhost:\n  queue: {nats: {}}\n", versions: []string{v2230, v0401}},
		{name: "minio-object-store", doc: "localhost:\n  object_storage: {minio: {}}\n", amqp: true},
		{name: "nfs-object-store", doc: "localhost:\n  object_storage: {nfs: {server: nfs.example.internal, path: /exports/armonik}}\n", amqp: true},
		{name: "tls", doc: "localhost:\n  queue: {activemq: {tls: {enabled: true, secret: amq-tls}, allow_insecure_tls: true}}\n" +
			"  table_storage: {mongodb: {tls: {enabled: true, secret: mongo-tls}}}\n  object_storage: {redis: {tls: {enabled: true, secret: redis-tls}}}\n", amqp: true},
		{name: "rabbitmq-tls", doc: "localhost:\n  queue: {rabbitmq: {tls: {enabled: true, secret: rabbit-tls}}}\n", amqp: true},
		{name: "amqp-prefix", doc: "localhost:\n  queue: {activemq: {prefix: armonik., separator: .}}\n", amqp: true, versions: []string{v0401}},
		{name: "dll-minio-shared", doc: "localhost:\n  shared_storage: {minio: {}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, amqp: true, shared: true},
		{name: "dll-hostpath-shared", doc: "localhost:\n  pod_security: privileged\n  shared_storage: {hostpath: {}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, amqp: true, shared: true},
		{name: "dll-nfs-shared", doc: "localhost:\n  shared_storage: {nfs: {storage_class: nfs-csi}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, amqp: true, shared: true},
		{name: "external-aws", doc: "stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n" +
			"  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n" +
			"  shared_storage: {s3: {region: eu-west-3, bucket: packages}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, shared: true},
		{name: "external-amazonmq", doc: "stacks: [armonik-external]\nexternal:\n  queue: {amazonmq: {host: b-1.mq.eu-west-3.amazonaws.com}}\n" +
			"  table_storage: {external_mongodb: {existing_secret: atlas}}\n  object_storage: {elasticache: {host: master.example.cache.amazonaws.com}}\n", amqp: true,
			versions: []string{v2230, v0401}},
		{name: "external-gcp", doc: "stacks: [armonik-external]\nexternal:\n  queue: {pubsub: {project_id: armonik-project}}\n" +
			"  table_storage: {external_mongodb: {existing_secret: atlas}}\n  object_storage: {memorystore: {host: 10.0.0.3, existing_secret: redis-auth, ca_secret: redis-ca}}\n" +
			"  shared_storage: {gcs: {bucket: packages, existing_secret: hmac}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, shared: true},
		{name: "external-gcs-native", doc: "stacks: [armonik-external]\nexternal:\n  queue: {pubsub: {project_id: armonik-project}}\n" +
			"  table_storage: {external_mongodb: {existing_secret: atlas}}\n  object_storage: {gcs: {bucket: objects, api: native, credentials_secret: gcs-sa}}\n",
			versions: []string{v0401}},
		{name: "elastic", doc: string(elastic), amqp: true},
		// A production shape: RabbitMQ, MinIO for objects and shared files, three control-plane
		// replicas, the system PriorityClass over the partitions.
		{name: "production", doc: "localhost:\n  queue: {rabbitmq: {}}\n  object_storage: {minio: {}}\n  shared_storage: {minio: {}}\n" +
			"  armonik:\n    priority_classes: {enabled: true}\n    control_plane: {replicas: 3}\n    partitions:\n      - name: default\n" + dll +
			"      - name: urgent\n        priority: 5\n", amqp: true, shared: true},
		// A DLL worker scaling on its queue, with a grace period longer than a day (GraceDelay
		// 1.03:46:40, a TimeSpan with days), beside a TCP partition scaling from one pod.
		{name: "elastic-dll-long-grace", doc: "localhost:\n  shared_storage: {minio: {}}\n  monitoring: {prometheus: {}}\n  keda: {existing: true}\n" +
			"  armonik:\n    partitions:\n      - name: default\n        termination_grace_period_seconds: 200000\n        scaling: {max_replicas: 3}\n" + dll +
			"      - name: tcp\n        socket_type: tcp\n        scaling: {min_replicas: 1, max_replicas: 2}\n", amqp: true, shared: true},
		// Every observability part on, tracing included (OTLP__Uri in the control and polling
		// layers, the exporter statuses in the metrics layer).
		{name: "monitoring-everything-on", doc: "localhost:\n  monitoring:\n    prometheus: {}\n    grafana: {}\n    seq: {}\n    fluent_bit: {}\n" +
			"    node_exporter: {}\n    mongodb_exporter: {}\n    kube_state_metrics: {}\n    tracing: {}\n", amqp: true},
		// Tracing to an external collector with a token (OTLP__AuthToken from a Secret in the
		// control plane and the polling agents).
		{name: "tracing", doc: "localhost:\n  monitoring:\n    tracing: {endpoint: \"https://otlp.example.com:4317\", auth_token: true}\n", amqp: true},
		{name: "elastic-external", doc: "stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n" +
			"  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n" +
			"  monitoring: {prometheus_url: \"http://prometheus-server.monitoring.svc.cluster.local:9090\"}\n  keda: {existing: true}\n" +
			"  armonik:\n    priority_classes: {enabled: true}\n    partitions:\n      - name: default\n        scaling: {max_replicas: 10}\n",
			versions: []string{v2230, v0401}},
	}
}

// TestStackVariantsPassCoreRules builds every documented variant of both stacks, with every
// supported version (armonik.version) that can run it, and checks that each container passes
// the rules of that version's Core without a failure or a warning (config.unread warns about a
// key the version does not bind), that AMQP queues publish Amqp__MaxPriority, that shared
// storage is deployed exactly where a worker reads it, and that the metrics exporter holds the
// table storage only.
//
// With the default version (and the default stack with every version), each variant is also
// built with an image registry and a pull Secret (they change nothing of the above), and
// checkImages walks every pod template of the synthesized stacks (the platform's too, when the
// variant selects it): no image outside the registry, no pod without the Secret.
func TestStackVariantsPassCoreRules(t *testing.T) {
	kinds := map[string]int{}
	for _, tc := range stackVariants(t) {
		for _, version := range versions.Keys() {
			if tc.versions != nil && !slices.Contains(tc.versions, version) {
				continue
			}
			var images map[string]int
			// Every variant with the default version, and the default stack with every version
			// (a version has pods of its own: the init Job of Core < 0.35 runs mongosh).
			if version == versions.Default || tc.name == "default" {
				images = kinds
			}
			t.Run(tc.name+"@"+version, func(t *testing.T) {
				st, out := checkVariant(t, tc.doc, version, tc.amqp, tc.shared || (version == v2223 && !strings.Contains(tc.doc, "armonik-external")), images)
				// Pod security does not depend on the version: checked once per variant, with
				// the default version or the first the variant runs on.
				if version == v2230 || (tc.versions != nil && !slices.Contains(tc.versions, v2230) && version == tc.versions[0]) {
					if out == nil {
						_, out = synthtest.Synth(t, st.Stack)
					}
					checkRestricted(t, st, out, tc.doc)
				}
			})
		}
	}
	checkKindsWalked(t, kinds)
}

// checkVariant builds the configuration doc with armonik.version set to version and checks it
// (see TestStackVariantsPassCoreRules); with images non-nil, built with testImages, its stacks
// are synthesized and walked by checkImages, and the ArmoniK stack's synthesis is returned.
func checkVariant(t *testing.T, doc, version string, amqp, shared bool, images map[string]int) (*stacks.Stack, synthtest.JSON) {
	t.Helper()
	external := strings.Contains(doc, "armonik-external")
	doc = withVersion(doc, version)
	cfg, err := stacks.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if images != nil {
		cfg.Localhost.Images, cfg.External.Images, cfg.Platform.Images = testImages, testImages, testImages
	}
	app := cdk.NewTestApp()
	var st *stacks.Stack
	name := stacks.LocalhostName
	if external {
		name = stacks.ExternalName
		st, err = stacks.NewExternal(app, cfg.External)
	} else {
		st, err = stacks.NewLocalhost(app, cfg.Localhost)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out synthtest.JSON
	if images != nil {
		if err := json.Unmarshal(checkImages(t, name, st.Stack, images), &out); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(cfg.SelectedStacks(), stacks.PlatformName) {
			p, err := stacks.NewPlatform(app, cfg.Platform)
			if err != nil {
				t.Fatal(err)
			}
			checkImages(t, stacks.PlatformName, p.Stack, images)
		}
	}
	a := st.ArmoniK
	if a.Release.Key != version {
		t.Fatalf("built version %s, want %s", a.Release.Key, version)
	}
	initServices := a.Release.Core.InitServices
	for _, r := range a.Conformance {
		if r.Version != a.Release.Core.Core {
			t.Errorf("%s/%s checked against Core %s, want %s", r.Pod, r.Container, r.Version, a.Release.Core.Core)
		}
	}
	if len(a.Conformance) < 5 {
		t.Fatalf("only %d containers checked", len(a.Conformance))
	}
	var sawShared bool
	for _, r := range a.Conformance {
		for _, v := range r.Verdicts {
			if v.Status == corerules.Fail || v.Status == corerules.Warn {
				t.Errorf("%s/%s: %s %s %s: %s", r.Pod, r.Container, v.Status, v.Rule, v.Key, v.Detail)
			}
			if v.Rule == "amqp.max-priority" && v.Status == corerules.Pass && v.Value != "10" {
				t.Errorf("%s/%s: Amqp__MaxPriority = %q", r.Pod, r.Container, v.Value)
			}
			if v.Rule == "dll.file-storage" && v.Status == corerules.Pass {
				sawShared = true
			}
		}
	}
	if want := strings.Count(doc, "scaling:"); len(a.ScaledObjects) != want {
		t.Errorf("%d ScaledObjects, want %d", len(a.ScaledObjects), want)
	}
	if sawShared != shared {
		t.Errorf("a DLL worker reading shared storage: %v, want %v", sawShared, shared)
	}
	for _, p := range a.Pods {
		for _, c := range p.Containers {
			names := map[string]bool{}
			for _, e := range c.Env {
				names[e.Name] = true
			}
			for _, f := range c.EnvFrom {
				for _, k := range f.Keys {
					names[f.Prefix+k.Key] = true
				}
			}
			// The init Job of Core < 0.35 runs mongosh and reads the table storage only.
			core := c.Name == "control-plane" || c.Name == "polling-agent" || (c.Name == "init" && initServices)
			if core && names["Amqp__MaxPriority"] != amqp {
				t.Errorf("%s/%s: Amqp__MaxPriority present %v, want %v", p.Name, c.Name, names["Amqp__MaxPriority"], amqp)
			}
			if c.Name == "polling-agent" && p.Name == "compute-plane-default" && strings.Contains(doc, "200000") {
				for _, e := range c.Env {
					if e.Name == "Pollster__GraceDelay" && e.Value != "1.03:46:40" {
						t.Errorf("Pollster__GraceDelay %q, want half of 200000 s as a TimeSpan with days", e.Value)
					}
				}
			}
			if c.Name == "metrics-exporter" {
				for n := range names {
					// MetricsExporter__* is the exporter's own section (Core 0.37.2
					// Control/Metrics/src/Options/MetricsExporter.cs): Grafana's statuses.
					if !strings.HasPrefix(n, "MongoDB__") && !strings.HasPrefix(n, "Serilog__") && n != "Components__TableStorage" && !strings.HasPrefix(n, "MetricsExporter__") {
						t.Errorf("the metrics exporter receives %s", n)
					}
				}
			}
			tracing := c.Name == "control-plane" || c.Name == "polling-agent"
			if !tracing && (names["OTLP__Uri"] || names["OTLP__AuthToken"]) {
				t.Errorf("%s/%s receives the tracing keys, which only the Submitter and the polling agent read", p.Name, c.Name)
			}
			if tracing && strings.Contains(doc, "tracing:") && !names["OTLP__Uri"] {
				t.Errorf("%s/%s lacks OTLP__Uri with tracing on", p.Name, c.Name)
			}
			if names["FileStorageType"] && !shared {
				t.Errorf("%s/%s receives shared storage that no worker reads", p.Name, c.Name)
			}
		}
	}
	sharedModules := 0
	for _, m := range st.Modules {
		if slices.Contains(outputs.FamiliesOf(m), outputs.FamilySharedStorage) {
			sharedModules++
		}
	}
	if want := map[bool]int{true: 1, false: 0}[shared]; sharedModules != want {
		t.Errorf("%d shared-storage modules, want %d", sharedModules, want)
	}
	return st, out
}

// withVersion sets armonik.version in the stack section of a configuration document (the last
// section of the documents above), as a user would.
func withVersion(doc, version string) string {
	if doc == "" {
		doc = "localhost:\n"
	}
	if strings.Contains(doc, "\n  armonik:\n") {
		return strings.Replace(doc, "\n  armonik:\n", "\n  armonik:\n    version: "+version+"\n", 1)
	}
	return doc + "  armonik:\n    version: " + version + "\n"
}
