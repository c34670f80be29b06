package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// variant is a documented configuration of a stack: its YAML, whether its queue speaks AMQP,
// whether a DLL worker reads shared storage.
type variant struct {
	name, doc string
	amqp      bool
	shared    bool // a DLL worker reads shared storage
}

// stackVariants are the documented variants of both stacks that the conformance tests build.
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
		{"default", "", true, false},
		{"rabbitmq", "localhost:\n  queue: {rabbitmq: {}}\n", true, false},
		{"minio-object-store", "localhost:\n  object_storage: {minio: {}}\n", true, false},
		{"nfs-object-store", "localhost:\n  object_storage: {nfs: {server: nfs.example.internal, path: /exports/armonik}}\n", true, false},
		{"tls", "localhost:\n  queue: {activemq: {tls: {enabled: true, secret: amq-tls}, allow_insecure_tls: true}}\n" +
			"  table_storage: {mongodb: {tls: {enabled: true, secret: mongo-tls}}}\n  object_storage: {redis: {tls: {enabled: true, secret: redis-tls}}}\n", true, false},
		{"dll-minio-shared", "localhost:\n  shared_storage: {minio: {}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, true, true},
		{"dll-hostpath-shared", "localhost:\n  pod_security: privileged\n  shared_storage: {hostpath: {}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, true, true},
		{"dll-nfs-shared", "localhost:\n  shared_storage: {nfs: {storage_class: nfs-csi}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, true, true},
		{"external-aws", "stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n" +
			"  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n" +
			"  shared_storage: {s3: {region: eu-west-3, bucket: packages}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, false, true},
		{"external-amazonmq", "stacks: [armonik-external]\nexternal:\n  queue: {amazonmq: {host: b-1.mq.eu-west-3.amazonaws.com}}\n" +
			"  table_storage: {external_mongodb: {existing_secret: atlas}}\n  object_storage: {elasticache: {host: master.example.cache.amazonaws.com}}\n", true, false},
		{"external-gcp", "stacks: [armonik-external]\nexternal:\n  queue: {pubsub: {project_id: armonik-project}}\n" +
			"  table_storage: {external_mongodb: {existing_secret: atlas}}\n  object_storage: {memorystore: {host: 10.0.0.3, existing_secret: redis-auth, ca_secret: redis-ca}}\n" +
			"  shared_storage: {gcs: {bucket: packages, existing_secret: hmac}}\n  armonik:\n    partitions:\n      - name: default\n" + dll, false, true},
		{"elastic", string(elastic), true, false},
		// A production shape: RabbitMQ, MinIO for objects and shared files, three control-plane
		// replicas, the system PriorityClass over the partitions.
		{"production", "localhost:\n  queue: {rabbitmq: {}}\n  object_storage: {minio: {}}\n  shared_storage: {minio: {}}\n" +
			"  armonik:\n    priority_classes: {enabled: true}\n    control_plane: {replicas: 3}\n    partitions:\n      - name: default\n" + dll +
			"      - name: urgent\n        priority: 5\n", true, true},
		// A DLL worker scaling on its queue, with a grace period longer than a day (GraceDelay
		// 1.03:46:40, a TimeSpan with days), beside a TCP partition scaling from one pod.
		{"elastic-dll-long-grace", "localhost:\n  shared_storage: {minio: {}}\n  monitoring: {prometheus: {}}\n  keda: {existing: true}\n" +
			"  armonik:\n    partitions:\n      - name: default\n        termination_grace_period_seconds: 200000\n        scaling: {max_replicas: 3}\n" + dll +
			"      - name: tcp\n        socket_type: tcp\n        scaling: {min_replicas: 1, max_replicas: 2}\n", true, true},
		// Every observability part on, tracing included (OTLP__Uri in the control and polling
		// layers, the exporter statuses in the metrics layer).
		{"monitoring-everything-on", "localhost:\n  monitoring:\n    prometheus: {}\n    grafana: {}\n    seq: {}\n    fluent_bit: {}\n" +
			"    node_exporter: {}\n    mongodb_exporter: {}\n    kube_state_metrics: {}\n    tracing: {}\n", true, false},
		// Tracing to an external collector with a token (OTLP__AuthToken from a Secret in the
		// control plane and the polling agents).
		{"tracing", "localhost:\n  monitoring:\n    tracing: {endpoint: \"https://otlp.example.com:4317\", auth_token: true}\n", true, false},
		{"elastic-external", "stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n" +
			"  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n" +
			"  monitoring: {prometheus_url: \"http://prometheus-server.monitoring.svc.cluster.local:9090\"}\n  keda: {existing: true}\n" +
			"  armonik:\n    priority_classes: {enabled: true}\n    partitions:\n      - name: default\n        scaling: {max_replicas: 10}\n", false, false},
	}
}

// TestStackVariantsPassCoreRules builds every documented variant of both stacks and checks
// that each container passes the rules of the pinned Core version without a failure or a
// warning, that AMQP queues publish Amqp__MaxPriority, that shared storage is deployed exactly
// where a worker reads it, and that the metrics exporter holds the table storage only.
func TestStackVariantsPassCoreRules(t *testing.T) {
	for _, tc := range stackVariants(t) {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &stacks.Config{}
			var err error
			if tc.doc != "" {
				if cfg, err = stacks.Parse([]byte(tc.doc)); err != nil {
					t.Fatal(err)
				}
			}
			var st *stacks.Stack
			if strings.Contains(tc.doc, "armonik-external") {
				st, err = stacks.NewExternal(cdk.NewTestApp(), cfg.External)
			} else {
				st, err = stacks.NewLocalhost(cdk.NewTestApp(), cfg.Localhost)
			}
			if err != nil {
				t.Fatal(err)
			}
			a := st.ArmoniK
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
			if want := strings.Count(tc.doc, "scaling:"); len(a.ScaledObjects) != want {
				t.Errorf("%d ScaledObjects, want %d", len(a.ScaledObjects), want)
			}
			if sawShared != tc.shared {
				t.Errorf("a DLL worker reading shared storage: %v, want %v", sawShared, tc.shared)
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
					core := c.Name == "control-plane" || c.Name == "polling-agent" || c.Name == "init"
					if core && names["Amqp__MaxPriority"] != tc.amqp {
						t.Errorf("%s/%s: Amqp__MaxPriority present %v, want %v", p.Name, c.Name, names["Amqp__MaxPriority"], tc.amqp)
					}
					if c.Name == "polling-agent" && p.Name == "compute-plane-default" && strings.Contains(tc.doc, "200000") {
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
					if tracing && strings.Contains(tc.doc, "tracing:") && !names["OTLP__Uri"] {
						t.Errorf("%s/%s lacks OTLP__Uri with tracing on", p.Name, c.Name)
					}
					if names["FileStorageType"] && !tc.shared {
						t.Errorf("%s/%s receives shared storage that no worker reads", p.Name, c.Name)
					}
				}
			}
			shared := 0
			for _, m := range st.Modules {
				if slices.Contains(outputs.FamiliesOf(m), outputs.FamilySharedStorage) {
					shared++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.shared]; shared != want {
				t.Errorf("%d shared-storage modules, want %d", shared, want)
			}
		})
	}
}
