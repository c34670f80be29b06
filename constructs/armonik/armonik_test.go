package armonik_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

// stubStorage stands in for the storage modules: the three adapters with every key Core's
// rules require, and credentials in Secrets as real modules give them.
func stubStorage() outputs.ModuleOutputs {
	creds := outputs.Named("stub-credentials")
	return outputs.NewModule("stub-storage").
		Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Amqp.QueueBuilder").
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll").
		Env("Amqp__Host", "queue.armonik.svc.cluster.local").
		Env("Amqp__Port", "5672").
		Env("Amqp__Scheme", "AMQP").
		Env("Amqp__MaxPriority", "10").
		Env("Components__TableStorage", "ArmoniK.Adapters.MongoDB.TableStorage").
		EnvFromSecret("MongoDB__ConnectionString", creds, "uri").
		Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Redis.ObjectBuilder").
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll").
		Env("Redis__EndpointUrl", "redis.armonik.svc.cluster.local:6379").
		EnvSecret(outputs.Named("stub-amqp"), "Amqp__User", "Amqp__Password").
		MountSecret("stub-ca", outputs.Named("stub-ca"), "/stub")
}

func mark(name string) outputs.ModuleOutputs {
	return outputs.NewModule("mark-"+strings.ToLower(name)).Env("MARK_"+name, "1")
}

type env struct {
	stack cdk.Stack
	ns    *k8s.Namespace
}

func newEnv(t *testing.T) env {
	t.Helper()
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	ns, err := k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{Name: "armonik"})
	if err != nil {
		t.Fatal(err)
	}
	return env{st, ns}
}

func build(t *testing.T, cfg armonik.Config) (*armonik.ArmoniK, []byte, synthtest.JSON) {
	t.Helper()
	e := newEnv(t)
	cfg.Namespace = e.ns
	a, err := armonik.New(e.stack, "armonik", cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw, out := synthtest.Synth(t, e.stack)
	return a, raw, out
}

func ptr[T any](v T) *T { return &v }

var (
	htcmock = armonik.Image{Repository: "dockerhubaneo/armonik_core_htcmock_test_worker", Tag: "0.37.2"}
	bench   = armonik.Image{Repository: "dockerhubaneo/armonik_core_bench_test_worker", Tag: "0.37.2"}
	shipper = armonik.Image{Repository: "fluent/fluent-bit", Tag: "4.2.2"}
)

// twoPartitions: alpha runs the htcmock worker and a log-shipper sidecar, beta the bench
// worker with 3 replicas.
func twoPartitions(socket string) []armonik.Partition {
	return []armonik.Partition{
		{Name: "alpha", SocketType: socket, Worker: armonik.Worker{Name: "htc", Image: htcmock},
			Sidecars: []armonik.Sidecar{{Name: "log-shipper", Image: shipper, Args: []string{"-c", "/fluent-bit/etc/fluent-bit.conf"}}}},
		{Name: "beta", SocketType: socket, Workload: armonik.Workload{Replicas: ptr(3)}, ParentPartitionIDs: []string{"alpha"},
			Worker: armonik.Worker{Name: "bench", Image: bench}},
	}
}

func TestGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  armonik.Config
	}{
		{"armonik-minimal", armonik.Config{Layers: armonik.Layers{Core: splitStorage()}}},
		{"armonik-two-partitions-uds", armonik.Config{Layers: armonik.Layers{Core: splitStorage()}, Partitions: twoPartitions(armonik.UnixDomainSocket)}},
		{"armonik-two-partitions-tcp", armonik.Config{Layers: armonik.Layers{Core: splitStorage()}, Partitions: twoPartitions(armonik.TCP)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, raw, _ := build(t, tc.cfg)
			golden.JSON(t, tc.name, raw)
		})
	}
}

// containers returns every container of the synthesized ArmoniK, keyed "<pod>/<container>".
func containers(out synthtest.JSON) map[string]map[string]any {
	all := map[string]map[string]any{}
	for _, typ := range []string{"kubernetes_deployment_v1", "kubernetes_job_v1"} {
		for _, r := range out.Resources(typ) {
			pod, _ := synthtest.Get(r, "metadata.name").(string)
			for name, c := range synthtest.Containers(r) {
				all[pod+"/"+name] = c
			}
		}
	}
	return all
}

func sortedNames(m map[string]map[string]any, keep func(map[string]any) bool) []string {
	var out []string
	for k, c := range m {
		if keep(c) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// TestLayersReachExactlyTheirContainers marks every layer with its own variable and checks
// which containers receive it against the precedence table.
func TestLayersReachExactlyTheirContainers(t *testing.T) {
	cfg := armonik.Config{
		Layers: armonik.Layers{
			Core:    append(splitStorage(), mark("CORE")),
			Log:     []outputs.ModuleOutputs{mark("LOG")},
			Control: []outputs.ModuleOutputs{mark("CONTROL")},
			Compute: []outputs.ModuleOutputs{mark("COMPUTE")},
			Polling: []outputs.ModuleOutputs{mark("POLLING")},
			Worker:  []outputs.ModuleOutputs{mark("WORKER")},
			Metrics: []outputs.ModuleOutputs{mark("METRICS")},
			Jobs:    []outputs.ModuleOutputs{mark("JOBS")},
		},
		Partitions: twoPartitions(armonik.UnixDomainSocket),
	}
	cfg.Partitions[0].PollingAgent.Conf = []outputs.ModuleOutputs{mark("ALPHA_POLLING")}
	cfg.Partitions[0].Worker.Conf = []outputs.ModuleOutputs{mark("ALPHA_WORKER")}
	cfg.Partitions[0].Sidecars[0].Conf = []outputs.ModuleOutputs{mark("ALPHA_SIDECAR")}
	_, _, out := build(t, cfg)
	all := containers(out)

	// The metrics exporter receives only the table-storage modules of the core layer: a module
	// with no table-storage key (MARK_CORE) does not reach it; stub-storage does.
	want := map[string][]string{
		"CORE":          {"compute-plane-alpha/polling-agent", "compute-plane-beta/polling-agent", "control-plane/control-plane", "init/init"},
		"LOG":           {"compute-plane-alpha/htc", "compute-plane-alpha/log-shipper", "compute-plane-alpha/polling-agent", "compute-plane-beta/bench", "compute-plane-beta/polling-agent", "control-plane/control-plane", "metrics-exporter/metrics-exporter"},
		"CONTROL":       {"control-plane/control-plane"},
		"COMPUTE":       {"compute-plane-alpha/htc", "compute-plane-alpha/polling-agent", "compute-plane-beta/bench", "compute-plane-beta/polling-agent"},
		"POLLING":       {"compute-plane-alpha/polling-agent", "compute-plane-beta/polling-agent"},
		"WORKER":        {"compute-plane-alpha/htc", "compute-plane-beta/bench"},
		"METRICS":       {"metrics-exporter/metrics-exporter"},
		"JOBS":          {"init/init"},
		"ALPHA_POLLING": {"compute-plane-alpha/polling-agent"},
		"ALPHA_WORKER":  {"compute-plane-alpha/htc"},
		"ALPHA_SIDECAR": {"compute-plane-alpha/log-shipper"},
	}
	for layer, w := range want {
		got := sortedNames(all, func(c map[string]any) bool { return synthtest.Env(c, "MARK_"+layer) != nil })
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("MARK_%s reaches\n  %v\nwant\n  %v", layer, got, w)
		}
	}
	// Workers never receive core's credentials, Secrets or mounts.
	for name, c := range all {
		if !strings.Contains(name, "polling-agent") && strings.HasPrefix(name, "compute-plane") {
			if synthtest.Env(c, "MongoDB__Password") != nil || c["env_from"] != nil {
				t.Errorf("worker %s receives core credentials", name)
			}
			for _, m := range asList(c["volume_mount"]) {
				if synthtest.Get(m, "mount_path") == "/stub" {
					t.Errorf("worker %s mounts core's Secret", name)
				}
			}
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestComputePlaneShape checks the pod of a partition: volumes, mounts, channel env, probes.
func TestComputePlaneShape(t *testing.T) {
	cfg := armonik.Config{
		Layers:     armonik.Layers{Core: splitStorage()},
		Partitions: twoPartitions(armonik.TCP),
	}
	cfg.Partitions[0].SharedCache = armonik.SharedCache{Memory: true, SizeLimit: "1Gi"}
	cfg.Partitions[0].NodeCache = armonik.NodeCache{Path: "/var/cache/armonik", Threshold: 80}
	_, _, out := build(t, cfg)
	d := out.Named(t, "kubernetes_deployment_v1", "compute-plane-alpha")
	vols := map[string]any{}
	for _, v := range asList(synthtest.Get(d, "spec.template.spec.volume")) {
		name, _ := synthtest.Get(v, "name").(string)
		if _, dup := vols[name]; dup {
			t.Errorf("volume %q defined twice", name)
		}
		vols[name] = v
	}
	if got := synthtest.Get(vols["comm-volume"], "empty_dir.medium"); got != "Memory" {
		t.Errorf("comm-volume medium = %v, want Memory", got)
	}
	if got := synthtest.Get(vols["cache-volume"], "host_path.path"); got != "/var/cache/armonik" {
		t.Errorf("cache-volume host path = %v", got)
	}
	cs := synthtest.Containers(d)
	if len(cs) != 3 {
		t.Fatalf("want polling-agent, one worker and one sidecar, got %d containers", len(cs))
	}
	// The sidecar gets no channel, no shared socket volume and no probe on the agent's port.
	sidecar := cs["log-shipper"]
	if synthtest.Env(sidecar, "ComputePlane__AgentChannel__Address") != nil || sidecar["volume_mount"] != nil || sidecar["liveness_probe"] != nil {
		t.Errorf("the sidecar must receive no channel, mount or probe: %v", sidecar)
	}
	if got := fmt.Sprint(sidecar["args"]); got != "[-c /fluent-bit/etc/fluent-bit.conf]" {
		t.Errorf("sidecar args %s", got)
	}
	delete(cs, "log-shipper")
	for name, c := range cs {
		paths := map[string]bool{}
		for _, m := range asList(c["volume_mount"]) {
			p, _ := synthtest.Get(m, "mount_path").(string)
			v, _ := synthtest.Get(m, "name").(string)
			if paths[p] {
				t.Errorf("%s: two mounts at %s", name, p)
			}
			paths[p] = true
			if vols[v] == nil {
				t.Errorf("%s: mount %s uses volume %q, which the pod lacks", name, p, v)
			}
		}
		if !paths["/cache/shared"] {
			t.Errorf("%s lacks /cache/shared", name)
		}
		if paths["/cache/internal"] != (name == "polling-agent") {
			t.Errorf("%s: /cache/internal mounted=%v, want only in the agent", name, paths["/cache/internal"])
		}
		if got := synthtest.Get(synthtest.Env(c, "ComputePlane__AgentChannel__Address"), "value"); got != "http://localhost:10666" {
			t.Errorf("%s: agent channel %v", name, got)
		}
		if got := synthtest.Get(c, "liveness_probe.http_get.port"); got != "1080" {
			t.Errorf("%s: liveness probe port %v, want the agent's 1080", name, got)
		}
	}
	agent := cs["polling-agent"]
	for k, v := range map[string]string{
		"Pollster__PartitionId": "alpha", "Pollster__CacheEvictionThreshold": "80", "Submitter__DeletePayload": "true",
	} {
		if got := synthtest.Get(synthtest.Env(agent, k), "value"); got != v {
			t.Errorf("polling agent %s = %v, want %s", k, got, v)
		}
	}
	// Keys Core 0.37.2 never reads are not emitted.
	for _, k := range []string{"Amqp__PartitionId", "PubSub__PartitionId", "SQS__PartitionId", "InitServices__InitQueue",
		"InitServices__InitObjectStorage", "Authenticator__RequireAuthentication", "Amqp__LinkCredit"} {
		if synthtest.Env(agent, k) != nil {
			t.Errorf("polling agent receives %s, which it does not read", k)
		}
	}
	if got := synthtest.Get(d, "spec.template.spec.security_context.run_as_user"); got != "5000" {
		t.Errorf("pod user %v, want 5000", got)
	}
	if got := synthtest.Get(d, "spec.template.metadata.labels"); fmt.Sprint(got) != "map[app.kubernetes.io/component:compute-plane app.kubernetes.io/name:armonik app.kubernetes.io/part-of:armonik armonik.aneo.fr/partition:alpha]" {
		t.Errorf("pod labels %v", got)
	}
	beta := out.Named(t, "kubernetes_deployment_v1", "compute-plane-beta")
	if got := synthtest.Get(beta, "spec.replicas"); got != "3" {
		t.Errorf("beta replicas %v, want 3", got)
	}
	// The init Job gets the partitions, from the same list.
	job := synthtest.Containers(out.Named(t, "kubernetes_job_v1", "init"))["init"]
	if got := synthtest.Get(synthtest.Env(job, "InitServices__Partitioning__Partitions__1"), "value"); got != `{"PartitionId":"beta","ParentPartitionIds":["alpha"],"PodReserved":0,"PodMax":1,"PreemptionPercentage":0,"Priority":1,"PodConfiguration":null}` {
		t.Errorf("partition definition: %v", got)
	}
	cp := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
	if synthtest.Env(cp, "InitServices__Partitioning__Partitions__0") != nil {
		t.Error("with an init Job the control plane must not get the partitions")
	}
	if got := synthtest.Get(synthtest.Env(cp, "Submitter__DefaultPartition"), "value"); got != "alpha" {
		t.Errorf("default partition %v", got)
	}
}

func TestDefaultsReplacedShowInExplain(t *testing.T) {
	tuning := outputs.NewModule("grace-tuning").Env("Pollster__GraceDelay", "00:01:00")
	a, _, out := build(t, armonik.Config{Layers: armonik.Layers{Core: append(splitStorage(), tuning)}})
	agent := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default"))["polling-agent"]
	if got := synthtest.Get(synthtest.Env(agent, "Pollster__GraceDelay"), "value"); got != "00:01:00" {
		t.Errorf("Pollster__GraceDelay = %v, want the module's 00:01:00", got)
	}
	ex := a.Explain()
	if !regexp.MustCompile(`Pollster__GraceDelay\s+"00:01:00"\s+core\s+grace-tuning\s+replaces default armonik \(defaults\)`).MatchString(ex) {
		t.Errorf("explain does not show the replaced default:\n%s", ex)
	}
	if strings.Contains(ex, "password\"") {
		t.Error("explain shows a secret value")
	}
}

func TestErrorsAreCollectedBeforeAnyResource(t *testing.T) {
	e := newEnv(t)
	other := outputs.NewModule("other-object-store").Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.S3.ObjectBuilder")
	_, err := armonik.New(e.stack, "armonik", armonik.Config{
		Namespace:  e.ns,
		Layers:     armonik.Layers{Core: append(splitStorage(), other)},
		Partitions: []armonik.Partition{{Name: "Bad_Name"}, {Name: "ok", SocketType: "pipe"}},
	})
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{
		`partitions[0].name: "Bad_Name"`,
		`partitions[1].socket_type: "pipe"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// A conflict between two modules names both, the key and the container.
	_, err = armonik.New(e.stack, "armonik", armonik.Config{Namespace: e.ns, Layers: armonik.Layers{Core: append(splitStorage(), other)}})
	if err == nil {
		t.Fatal("two object stores accepted")
	}
	for _, want := range []string{`module "object"`, `other-object-store`, `Components__ObjectStorageAdaptorSettings__ClassName`, `container "control-plane"`, `container "polling-agent"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("conflict error lacks %q:\n%v", want, err)
		}
	}
	// Missing adapters.
	_, err = armonik.New(e.stack, "armonik", armonik.Config{Namespace: e.ns})
	if err == nil {
		t.Fatal("no storage accepted")
	}
	for _, want := range []string{
		`control-plane, container "control-plane": no queue module (no module of its layers provides the queue family): add a queue module`,
		`compute-plane-default, container "polling-agent": no table-storage module`,
		`metrics-exporter, container "metrics-exporter": no table-storage module`,
		`init, container "init": no object-storage module`,
		`add an object-storage module`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("adapter error lacks %q:\n%v", want, err)
		}
	}
	_, out := synthtest.Synth(t, e.stack)
	if n := len(out.ResourceIDs("kubernetes_deployment_v1")); n != 0 {
		t.Errorf("failed New calls created %d Deployments", n)
	}
}

func hashOf(t *testing.T, out synthtest.JSON, deployment string) string {
	t.Helper()
	h, _ := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", deployment), "spec.template.metadata.annotations").(map[string]any)
	s, _ := h[k8s.ConfigHashAnnotation].(string)
	if s == "" {
		t.Fatalf("%s has no config hash", deployment)
	}
	return s
}

func TestConfigHash(t *testing.T) {
	base := func(level string) armonik.Config {
		return armonik.Config{Layers: armonik.Layers{Core: splitStorage()}, Logging: armonik.Logging{Level: level}}
	}
	_, _, a := build(t, base("Information"))
	_, _, b := build(t, base("Debug"))
	if hashOf(t, a, "control-plane") == hashOf(t, b, "control-plane") {
		t.Error("the hash must change when an env value changes")
	}

	// Adding an unrelated resource before ArmoniK shifts every Terraform token; the hash of a
	// pod referencing a Secret created in the stack must not move.
	withSecret := func(extra bool) synthtest.JSON {
		e := newEnv(t)
		if extra {
			if _, err := k8s.NewConfigMap(e.stack, "unrelated", k8s.ConfigMapSpec{Meta: k8s.Meta{Name: "unrelated", Namespace: e.ns.Name}, Data: map[string]string{"a": "b"}}); err != nil {
				t.Fatal(err)
			}
		}
		sec, err := k8s.NewSecret(e.stack, "creds", k8s.SecretSpec{Meta: k8s.Meta{Name: "creds", Namespace: e.ns.Name}, Data: map[string]string{"password": "${var.password}"}})
		if err != nil {
			t.Fatal(err)
		}
		mod := outputs.NewModule("db").EnvFromSecret("Db__Password", outputs.Named("creds").WithToken(sec.Name), "password")
		if _, err := armonik.New(e.stack, "armonik", armonik.Config{Namespace: e.ns, Layers: armonik.Layers{Core: append(splitStorage(), mod)}}); err != nil {
			t.Fatal(err)
		}
		_, out := synthtest.Synth(t, e.stack)
		return out
	}
	h1, h2 := hashOf(t, withSecret(false), "control-plane"), hashOf(t, withSecret(true), "control-plane")
	if h1 != h2 {
		t.Errorf("an unrelated resource changed the hash:\n%s\n%s", h1, h2)
	}
	if !strings.Contains(h1, "kubernetes_secret_v1.creds.data") {
		t.Fatalf("the hash must cover the referenced Secret's data, got %s", h1)
	}
	// Evaluate the expression with Terraform itself, the Secret's data replaced by two
	// different values: the annotation must differ.
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform not on PATH: cannot evaluate the expression")
	}
	eval := func(data string) string {
		// The annotation is a Terraform string template: evaluate it as one.
		expr := `"` + strings.ReplaceAll(h1, "kubernetes_secret_v1.creds.data", data) + `"`
		cmd := exec.Command(tf, "console")
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
		cmd.Stdin = strings.NewReader(expr + "\n")
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform console: %v\n%s", err, got)
		}
		return strings.Trim(strings.TrimSpace(string(got)), `"`)
	}
	v1, v2 := eval(`{password = "one"}`), eval(`{password = "two"}`)
	if v1 == v2 || !regexp.MustCompile(`^[0-9a-f]{64}-[0-9a-f]{64}$`).MatchString(v1) {
		t.Errorf("the hash must follow the Secret's data: %s vs %s", v1, v2)
	}
}
