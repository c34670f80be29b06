package stacks

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
)

// TestBadConfigs: each bad document is rejected with messages naming the path of the setting.
func TestBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown top-level key", "colour: blue\n", []string{"line 1: colour: unknown key (known keys: external, localhost, platform, stacks, state)"}},
		{"unknown nested key", "localhost:\n  armonik:\n    partitions:\n      - name: a\n        workerz: []\n",
			[]string{"line 5: localhost.armonik.partitions[0].workerz: unknown key"}},
		{"wrong type", "localhost:\n  wait: sometimes\n", []string{`line 2: localhost.wait: want true or false, got "sometimes"`}},
		{"two workers", "localhost:\n  armonik:\n    partitions:\n      - name: a\n      - name: b\n        workers:\n          - name: w\n",
			[]string{"line 6: localhost.armonik.partitions[1].workers: a partition runs exactly one ArmoniK worker: write worker:", "sidecars"}},
		{"sidecar without image", "localhost:\n  armonik:\n    partitions:\n      - name: a\n        sidecars: [{name: proxy}]\n",
			[]string{"localhost.armonik.partitions[0].sidecars[0].image: required"}},
		{"bad runtime", "localhost:\n  armonik:\n    partitions: [{name: a, worker: {runtime: java}}]\n",
			[]string{`localhost.armonik.partitions[0].worker.runtime: "java" must be one of dynamic, dll, custom`}},
		{"zero max priority", "localhost:\n  queue: {activemq: {max_priority: -1}}\n",
			[]string{`localhost.queue.activemq: activemq "activemq": max_priority: -1 must be at least 1`}},
		{"duplicate partition", "localhost:\n  armonik:\n    partitions: [{name: a}, {name: a}]\n",
			[]string{`localhost.armonik.partitions[1].name: "a" is already the name of partitions[0]`}},
		{"two object stores", "localhost:\n  object_storage: {redis: {}, minio: {}}\n",
			[]string{"line 2: localhost.object_storage: choose one of redis, minio, nfs, s3, elasticache, gcs, memorystore, not 2 (redis, minio)"}},
		{"negative replicas", "localhost:\n  armonik:\n    control_plane: {replicas: -1}\n",
			[]string{"localhost.armonik.control_plane.replicas: -1 must be >= 0"}},
		{"bad names", "localhost:\n  namespace: ArmoniK\n  armonik:\n    partitions: [{name: Bad_Partition}]\n",
			[]string{`localhost.namespace: "ArmoniK"`, `localhost.armonik.partitions[0].name: "Bad_Partition"`}},
		{"bad module setting", "localhost:\n  table_storage:\n    mongodb: {replicas: 2}\n",
			[]string{`localhost.table_storage.mongodb: mongodb "mongodb": replicas`}},
		{"unknown stack", "stacks: [armonik-prod]\n", []string{`stacks[0]: unknown stack "armonik-prod"`}},
		{"hostpath under restricted", "localhost:\n  shared_storage: {hostpath: {}}\n",
			[]string{`localhost.shared_storage.hostpath: mounts a directory of the node (a hostPath volume) in the workers, which the Pod Security level "restricted" of the namespace refuses`, "set pod_security: privileged"}},
		{"hostpath under baseline", "stacks: [armonik-external]\nexternal:\n  pod_security: baseline\n  queue: {sqs: {region: eu-west-3}}\n  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: b}}\n  shared_storage: {hostpath: {}}\n",
			[]string{`external.shared_storage.hostpath: mounts a directory of the node (a hostPath volume) in the workers, which the Pod Security level "baseline" of the namespace refuses`}},
		{"bad pod security level", "localhost:\n  pod_security: strict\n",
			[]string{`localhost.pod_security: "strict" must be one of restricted, baseline, privileged, none`}},
		{"security context off under restricted", "localhost:\n  armonik:\n    control_plane: {disable_security_context: true}\n    partitions: [{name: a, run_as_user: 0}]\n",
			[]string{"localhost.armonik.control_plane.disable_security_context: the namespace enforces the Pod Security level restricted", "localhost.armonik.partitions[0].run_as_user: 0 is root"}},
		{"drain-blocking budgets", "localhost:\n  queue: {activemq: {disruption_budget: {min_available: \"1\"}}}\n  object_storage: {redis: {disruption_budget: {max_unavailable: \"0%\"}}}\n  armonik:\n    control_plane: {replicas: 2, disruption_budget: {min_available: \"100%\"}}\n",
			[]string{`localhost.queue.activemq: activemq "activemq": disruption_budget.min_available: "1" of 1 replicas allows no eviction: node drains would wait forever`,
				`localhost.object_storage.redis: redis "redis": disruption_budget.max_unavailable: "0%" allows no eviction`,
				`localhost.armonik.control_plane.disruption_budget.min_available: "100%" allows no eviction`}},
		{"budget bounds", "localhost:\n  armonik:\n    control_plane: {disruption_budget: {min_available: \"1\", max_unavailable: \"1\"}}\n  table_storage: {mongodb: {disruption_budget: {max_unavailable: two}}}\n",
			[]string{"localhost.armonik.control_plane.disruption_budget: set max_unavailable or min_available, not both",
				`disruption_budget.max_unavailable: "two" must be a number of pods or a percentage`}},
		{"partition above the system class", "localhost:\n  armonik:\n    priority_classes: {enabled: true, system: {value: 100}}\n    partitions: [{name: a, priority: 100}]\n",
			[]string{`localhost.armonik.partitions[0].priority: 100 is not below priority_classes.system.value 100: the workers of partition "a" would preempt the control plane and the storage`}},
		{"no queue", "stacks: [armonik-external]\nexternal:\n  table_storage: {external_mongodb: {existing_secret: s}}\n  object_storage: {s3: {region: eu-west-3, bucket: b}}\n",
			[]string{"external.queue: required: choose one of amazonmq, sqs, pubsub"}},
		{"in-cluster service in external", "stacks: [armonik-external]\nexternal:\n  queue: {activemq: {}}\n",
			[]string{"line 3: external.queue.activemq: not available here (choose one of amazonmq, sqs, pubsub)"}},
		{"unknown module", "localhost:\n  table_storage: {postgres: {}}\n",
			[]string{"line 2: localhost.table_storage.postgres: not available here (choose one of mongodb, external_mongodb)"}},
		{"typo inside a module", "localhost:\n  queue: {rabbitmq: {max_prority: 5}}\n",
			[]string{"line 2: localhost.queue.rabbitmq.max_prority: unknown key"}},
		{"queue scaling without a metrics source", "localhost:\n  keda: {existing: true}\n  monitoring: {prometheus: {enabled: false}, grafana: {enabled: false}}\n  armonik:\n    partitions: [{name: a, scaling: {max_replicas: 5}}]\n",
			[]string{"localhost.armonik.partitions[0].scaling: scaling on the queue length needs a metrics source"}},
		{"scaling min > max", elastic("{min_replicas: 6, max_replicas: 5}"),
			[]string{"localhost.armonik.partitions[0].scaling: min_replicas 6 is greater than max_replicas 5"}},
		{"HPA and queue scaling", elastic("{max_replicas: 5}\n        autoscaling: {min_replicas: 1, max_replicas: 5, cpu_utilization: 80}"),
			[]string{"localhost.armonik.partitions[0]: autoscaling and scaling are both set"}},
		{"replicas and queue scaling", elastic("{max_replicas: 5}\n        replicas: 2"),
			[]string{"localhost.armonik.partitions[0]: replicas and scaling are both set"}},
		{"reserved and max pods contradict scaling", elastic("{min_replicas: 1, max_replicas: 5}\n        max_pods: 10"),
			[]string{"localhost.armonik.partitions[0]: reserved_pods 1 and max_pods 10 contradict scaling (min_replicas 1, max_replicas 5)"}},
		{"bad threshold", elastic("{max_replicas: 5, threshold: two}"),
			[]string{`localhost.armonik.partitions[0].scaling.threshold: "two" is not a number`}},
		{"queue scaling without KEDA", "localhost:\n  monitoring: {prometheus: {}}\n  armonik:\n    partitions: [{name: a, scaling: {max_replicas: 5}}]\n",
			[]string{"localhost.armonik.partitions[0].scaling: needs KEDA: add armonik-platform to stacks"}},
		{"KEDA installed twice", "stacks: [armonik-platform, armonik-localhost]\n" + elastic("{max_replicas: 5}"),
			[]string{"localhost.keda.existing: true, but armonik-platform installs KEDA too"}},
		{"two metrics sources", "localhost:\n  monitoring: {prometheus: {}, prometheus_url: \"http://p:9090\"}\n",
			[]string{"localhost.monitoring.prometheus: choose prometheus (deploy one) or prometheus_url (use an existing one), not both"}},
		{"Grafana without a Prometheus", "localhost:\n  monitoring: {prometheus: {enabled: false}}\n",
			[]string{"localhost.monitoring.grafana: needs a Prometheus for its data source: turn on monitoring.prometheus, set monitoring.prometheus_url, or set grafana.prometheus_url"}},
		{"bad Prometheus URL", "localhost:\n  monitoring: {prometheus_url: \"prometheus.monitoring:9090\"}\n",
			[]string{`localhost.monitoring.prometheus_url: "prometheus.monitoring:9090": the scheme must be http or https`}},
		{"bad Prometheus setting", "localhost:\n  monitoring: {prometheus: {retention: forever}}\n",
			[]string{`localhost.monitoring.prometheus: prometheus "prometheus": retention: "forever" is not a Prometheus duration`}},
		{"bad KEDA setting", "stacks: [armonik-platform]\nplatform:\n  keda: {log_level: loud}\n",
			[]string{`platform.keda: keda "keda": log_level: "loud" must be one of debug, info, error`}},
		{"worker waits for the agent on TCP", "localhost:\n  armonik:\n    partitions:\n      - name: a\n        socket_type: tcp\n        worker: {name: w, image: {repository: r}, wait_for_agent: true}\n",
			[]string{"localhost.armonik.partitions[0].worker.wait_for_agent: needs socket_type unixdomainsocket"}},
		{"empty file", "", []string{"the document is empty"}},
		{"tab indentation", "localhost:\n\tnamespace: x\n", []string{"line 2: tabs are not allowed for indentation in YAML: indent with spaces"}},
		{"invalid UTF-8", "localhost:\n  namespace: \"a\xffb\"\n", []string{"line 2: invalid UTF-8 at byte offset 26 (byte 0xff)"}},
		{"typo in a list-form conf", "localhost:\n  armonik:\n    layers:\n      core:\n        - env: {A: \"1\"}\n        - envv: {B: \"2\"}\n",
			[]string{"line 6: localhost.armonik.layers.core[1].envv: unknown key (known keys: env,"}},
		{"oversized value", "localhost:\n  wait: " + strings.Repeat("y", 500) + "\n", []string{`line 2: localhost.wait: want true or false, got "yyyyy`, `... (500 characters)`}},
		{"anchors bomb", bomb(), []string{"expands to more than"}},
		{"not YAML", "localhost: [\n", []string{"not valid YAML"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err != nil && strings.Contains(err.Error(), strings.Repeat("y", 100)) {
				t.Errorf("an oversized value is echoed whole: %.200s", err)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// elastic is a localhost configuration with a Prometheus, KEDA already installed, and one
// partition "a" whose scaling is the given YAML flow mapping (and whatever follows it).
func elastic(scaling string) string {
	return "localhost:\n  monitoring: {prometheus: {}}\n  keda: {existing: true}\n  armonik:\n    partitions:\n      - name: a\n        scaling: " + scaling + "\n"
}

// bomb is a "billion laughs" document that stays within the schema: each level is a list
// of ten aliases of its first element, four levels deep, so about 10^5 nodes once expanded.
func bomb() string {
	ten := func(first, alias string) string { return "[" + first + strings.Repeat(", *"+alias, 9) + "]" }
	sources := ten("&s {name: s, keys: [a, a, a, a, a, a, a, a, a, a]}", "s")
	confs := ten("&o {env_secret: "+sources+"}", "o")
	sidecars := ten("&w {name: w, image: {repository: r}, conf: "+confs+"}", "w")
	parts := ten("&p {name: a, sidecars: "+sidecars+"}", "p")
	return "localhost: {armonik: {partitions: " + parts + "}}\n"
}

// TestConfsAreNamedByTheirPath: each conf of the file is a module named after its place, so a
// conflict says which two entries clash.
func TestConfsAreNamedByTheirPath(t *testing.T) {
	cfg, err := Parse([]byte("localhost:\n  armonik:\n    layers:\n      core:\n        - env: {A: \"1\"}\n        - env: {B: \"2\"}\n      control:\n        env: {C: \"3\"}\n    partitions:\n      - name: gpu\n        worker: {conf: {env: {D: \"4\"}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Localhost.ArmoniK
	var got []string
	for _, m := range append(append(a.Layers.Core, a.Layers.Control...), a.Partitions[0].Worker.Conf...) {
		got = append(got, m.ModuleName())
	}
	want := "config localhost.armonik.layers.core[0]|config localhost.armonik.layers.core[1]|config localhost.armonik.layers.control|config localhost.armonik.partitions[0].worker.conf"
	if strings.Join(got, "|") != want {
		t.Errorf("module names\n %s\nwant\n %s", strings.Join(got, "|"), want)
	}
}

// TestExampleConfig: the documented example parses, validates and builds.
func TestExampleConfig(t *testing.T) {
	cfg, err := LoadFile(filepath.Join("..", "docs", "armonik.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Localhost.ArmoniK.Partitions) < 2 {
		t.Fatal("the example should show several partitions")
	}
	a := cfg.Localhost.ArmoniK
	if !a.Authentication.RequireAuthorization || len(a.Authentication.Users) == 0 || len(a.Authentication.Roles) == 0 ||
		len(a.Authentication.Certificates) == 0 || !a.Front.MTLS.Enabled || len(a.Front.MTLS.Clients) == 0 {
		t.Fatal("the example should show authentication with users, roles, certificates and generated client certificates")
	}
}

// TestProductionConfig: the documented production example parses and validates, with a
// replicated MongoDB that is backed up (main_test.go synthesizes it).
func TestProductionConfig(t *testing.T) {
	cfg, err := LoadFile(filepath.Join("..", "docs", "armonik.production.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	db, ok := cfg.Localhost.TableStorage.Config.(*mongodb.Config)
	if !ok || db.Replicas < 3 || !db.Backup.Enabled {
		t.Fatalf("the production example should show a MongoDB replica set with backups, got %+v", cfg.Localhost.TableStorage.Config)
	}
	if _, err := RestoreJob(cfg, "", "latest"); err != nil {
		t.Errorf("its restore job: %v", err)
	}
}

// TestSchemaIsCurrent keeps docs/armonik.schema.json equal to the schema of the Go types.
func TestSchemaIsCurrent(t *testing.T) {
	golden.File(t, filepath.Join("..", "docs", "armonik.schema.json"), SchemaJSON(t))
}

// SchemaJSON renders the configuration schema with field documentation from the source.
func SchemaJSON(t testing.TB) []byte {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	s := yamlconf.Schema(Config{}, "https://github.com/armonik-cdktf/armonik-cdktf/docs/armonik.schema.json",
		"armonik-cdktf configuration (armonik.yaml)", yamlconf.SourceDocs("github.com/armonik-cdktf/armonik-cdktf", root))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzConfig: any document is either accepted or rejected with an error, never a panic.
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"", "stacks: [armonik-localhost]\n", "localhost:\n  namespace: x\n",
		"localhost:\n  armonik:\n    partitions: [{name: a, worker: {name: w, image: {repository: r}}, sidecars: [{name: s, image: {repository: p}}]}]\n",
		"external:\n  queue: {sqs: {region: eu-west-3}}\nstacks: [armonik-external]\n", "localhost: {shared_storage: {none: true}}\n",
		"localhost:\n  armonik:\n    layers:\n      core: {env: {A: b}, env_secret: [s, {name: t, keys: [K]}]}\n",
		bomb(), "a: &a [*a]\n",
		"stacks: [armonik-platform, armonik-localhost]\nlocalhost: {monitoring: {prometheus: {}}, armonik: {partitions: [{name: a, scaling: {max_replicas: 3}, worker: {wait_for_agent: false}}]}}\n",
		"localhost: {queue: {activemq: {storage: {size: 1Gi}}}}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		// Parsing is deterministic: the same document gives the same verdict and messages.
		cfg2, err2 := Parse(data)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("two parses of one document differ:\n%v\n---\n%v", err, err2)
		}
		if err != nil {
			// Every problem is a line of its own that says where it is.
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.TrimSpace(line) == "" || !strings.Contains(line, ":") {
					t.Fatalf("a problem without its place: %q in\n%v", line, err)
				}
			}
			return
		}
		// A configuration Parse accepts validates, selects known stacks only, and plans the
		// same modules every time.
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate rejects: %v", err)
		}
		for _, s := range cfg.SelectedStacks() {
			if !slices.Contains(StackNames, s) {
				t.Fatalf("unknown stack %q selected", s)
			}
		}
		paths := func(c *Config) string {
			var out []string
			for _, name := range c.SelectedStacks() {
				var mods []*module
				switch name {
				case LocalhostName:
					mods, _ = c.Localhost.plan()
				case ExternalName:
					mods, _ = c.External.plan()
				}
				for _, m := range mods {
					out = append(out, name+":"+m.path)
				}
			}
			return strings.Join(out, " ")
		}
		if a, b := paths(cfg), paths(cfg2); a != b || (a == "" && slices.Contains(cfg.SelectedStacks(), LocalhostName)) {
			t.Fatalf("planned modules %q then %q", a, b)
		}
	})
}
