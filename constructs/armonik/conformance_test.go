package armonik_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// splitStorage is stubStorage as three modules, one per adapter family (inferred from keys).
func splitStorage() []outputs.ModuleOutputs {
	o := stubStorage().Outputs()
	by := map[outputs.Family]*outputs.Module{
		outputs.FamilyQueue: outputs.NewModule("queue"), outputs.FamilyTable: outputs.NewModule("table"), outputs.FamilyObject: outputs.NewModule("object"),
	}
	for k, v := range o.Env {
		f := outputs.InferFamilies(outputs.Outputs{Env: map[string]string{k: v}})[0]
		by[f].Env(k, v)
	}
	by[outputs.FamilyTable].EnvFromSecret("MongoDB__ConnectionString", outputs.Named("stub-credentials"), "uri")
	by[outputs.FamilyQueue].EnvSecret(outputs.Named("stub-amqp"), "Amqp__User", "Amqp__Password")
	by[outputs.FamilyObject].EnvSecret(outputs.Named("stub-redis"), "Redis__User", "Redis__Password")
	return []outputs.ModuleOutputs{by[outputs.FamilyQueue], by[outputs.FamilyTable], by[outputs.FamilyObject]}
}

// TestOverrideBreakingARuleIsRejected: a user override that breaks a Core rule fails New with a
// message naming the component, the key, the module and layer, the rule and Core's file, and
// nothing is created.
func TestOverrideBreakingARuleIsRejected(t *testing.T) {
	e := newEnv(t)
	_, err := armonik.New(e.stack, "armonik", armonik.Config{
		Namespace: e.ns,
		Layers:    armonik.Layers{Core: splitStorage()},
		Overrides: armonik.Overrides{Control: armonik.Conf{outputs.Static("my-overrides", outputs.Outputs{Env: map[string]string{"Amqp__MaxPriority": "0"}})}},
	})
	if err == nil {
		t.Fatal("Amqp__MaxPriority=0 accepted")
	}
	for _, want := range []string{
		`control-plane, container "control-plane": Amqp__MaxPriority = "0" from module "my-overrides" (layer "override", env)`,
		`breaks Core 0.37.2 rule amqp.max-priority`,
		`Minimum value for MaxPriority is 1.`,
		`Adaptors/QueueCommon/src/QueueStorageBase.cs`,
		`set max_priority on the queue module`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "polling-agent") {
		t.Errorf("the control-plane override must not be reported for the agents:\n%v", err)
	}
	_, out := synthtest.Synth(t, e.stack)
	if n := len(out.ResourceIDs("kubernetes_deployment_v1")); n != 0 {
		t.Errorf("a rejected configuration created %d Deployments", n)
	}
}

// TestMetricsExporterHoldsOnlyTableStorage: the exporter reads MongoDB only (Core
// Control/Metrics/src/Program.cs): it receives neither the queue's nor the object store's keys.
func TestMetricsExporterHoldsOnlyTableStorage(t *testing.T) {
	a, _, out := build(t, armonik.Config{Layers: armonik.Layers{Core: splitStorage()}})
	me := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter"))["metrics-exporter"]
	if synthtest.Env(me, "MongoDB__ConnectionString") == nil || synthtest.Env(me, "Components__TableStorage") == nil {
		t.Fatalf("the metrics exporter lacks the table storage: %v", me)
	}
	for _, prefix := range []string{"Amqp__", "Redis__", "Components__Queue", "Components__Object", "Authenticator__", "Submitter__"} {
		for _, e := range asList(me["env"]) {
			if name, _ := synthtest.Get(e, "name").(string); strings.HasPrefix(name, prefix) {
				t.Errorf("the metrics exporter receives %s", name)
			}
		}
	}
	if me["env_from"] != nil {
		t.Errorf("the metrics exporter receives whole Secrets: %v", me["env_from"])
	}
	// The control plane and the agents still get all three.
	agent := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default"))["polling-agent"]
	if synthtest.Env(agent, "Amqp__Host") == nil || synthtest.Env(agent, "Redis__EndpointUrl") == nil {
		t.Error("the agent lost its queue or object store")
	}
	if ex := a.Explain(); !strings.Contains(ex, "ok      metrics.least-privilege") {
		t.Errorf("explain lacks the least-privilege verdict")
	}
}

// TestWorkerRuntimesAndSharedStorage: the DLL worker fails every task without shared storage,
// so a partition running it without any is an error; with one it passes and reads its packages
// into /tmp. The dynamic worker needs none.
func TestWorkerRuntimesAndSharedStorage(t *testing.T) {
	dll := armonik.Partition{Name: "dll", Worker: armonik.Worker{Image: armonik.Image{Repository: "dockerhubaneo/armonik_worker_dll", Tag: "0.19.3"}}}
	e := newEnv(t)
	_, err := armonik.New(e.stack, "armonik", armonik.Config{Namespace: e.ns, Layers: armonik.Layers{Core: splitStorage()},
		Partitions: []armonik.Partition{{Name: "default"}, dll}})
	if err == nil {
		t.Fatal("the DLL worker without shared storage was accepted")
	}
	for _, want := range []string{`compute-plane-dll, container "worker": FileStorageType is not set`, "rule dll.file-storage",
		"Cannot find the FileStorageType", "add shared storage for the workers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "compute-plane-default") {
		t.Errorf("the dynamic worker needs no shared storage:\n%v", err)
	}

	shared := outputs.NewModule("shared-storage").Env("FileStorageType", "S3").
		Env("S3Storage__ServiceURL", "http://shared-storage.armonik.svc.cluster.local:9000").Env("S3Storage__BucketName", "packages").
		EnvSecret(outputs.Named("shared-storage-credentials"), "S3Storage__AccessKeyId", "S3Storage__SecretAccessKey")
	a, _, out := build(t, armonik.Config{Layers: armonik.Layers{Core: splitStorage(), Worker: armonik.Conf{shared}},
		Partitions: []armonik.Partition{{Name: "default"}, dll}})
	w := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-dll"))["worker"]
	if got := synthtest.Get(synthtest.Env(w, "target_zip_path"), "value"); got != "/tmp" {
		t.Errorf("DLL worker target_zip_path = %v, want /tmp", got)
	}
	dyn := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default"))["worker"]
	if synthtest.Env(dyn, "target_zip_path") != nil || synthtest.Env(dyn, "target_data_path") != nil {
		t.Error("the dynamic worker receives the DLL worker's keys")
	}
	if got := a.Config.Partitions[1].Worker.Runtime; got != armonik.RuntimeDLL {
		t.Errorf("runtime inferred %q, want dll", got)
	}
	ex := a.Explain()
	for _, want := range []string{"Core 0.37.2 rules, container worker (dll-worker", "ok      dll.file-storage", "Core 0.37.2 rules, container worker (dynamic-worker", "ok      dynamic.paths"} {
		if !strings.Contains(ex, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
}

// TestOneWorkerPerPartition: sidecars cannot take the agent's or the worker's name, and a
// worker cannot be called polling-agent.
func TestOneWorkerPerPartition(t *testing.T) {
	e := newEnv(t)
	_, err := armonik.New(e.stack, "armonik", armonik.Config{Namespace: e.ns, Layers: armonik.Layers{Core: splitStorage()},
		Partitions: []armonik.Partition{
			{Name: "a", Worker: armonik.Worker{Name: "polling-agent"}},
			{Name: "b", Sidecars: []armonik.Sidecar{{Name: "worker", Image: shipper}, {Name: "proxy", Image: shipper}, {Name: "proxy", Image: shipper}, {Name: "nameless"}}},
		}})
	if err == nil {
		t.Fatal("clashing container names accepted")
	}
	for _, want := range []string{
		`partitions[0].worker.name: "polling-agent" is the polling agent's container`,
		`partitions[1].sidecars[0].name: "worker" is already the name of the worker`,
		`partitions[1].sidecars[2].name: "proxy" is already the name of sidecars[1]`,
		`partitions[1].sidecars[3].image: required`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if hint := (armonik.Partition{}).KeyHint("workers"); !strings.Contains(hint, "exactly one ArmoniK worker") || !strings.Contains(hint, "sidecars") {
		t.Errorf("workers hint: %q", hint)
	}
}

// TestImagesAreValidated: every image reference is checked with the runtimes' grammar and
// reported with its configuration path.
func TestImagesAreValidated(t *testing.T) {
	err := armonik.Config{
		ControlPlane:    armonik.ControlPlane{Image: armonik.Image{Repository: "dockerhubaneo/ArmoniK_control", Tag: "0.37.2"}},
		MetricsExporter: armonik.MetricsExporter{Image: armonik.Image{Repository: "dockerhubaneo/armonik_control_metrics", Tag: "0.37 .2"}},
		Partitions: []armonik.Partition{{Name: "a",
			PollingAgent: armonik.PollingAgent{Image: armonik.Image{Repository: "  "}},
			Worker:       armonik.Worker{Image: armonik.Image{Repository: "my/worker@@sha256:abc"}},
			Sidecars:     []armonik.Sidecar{{Name: "s", Image: armonik.Image{Repository: "proxy:1", Tag: "2"}}},
		}},
	}.Validate()
	if err == nil {
		t.Fatal("bad images accepted")
	}
	for _, want := range []string{
		`control_plane.image: "dockerhubaneo/ArmoniK_control:0.37.2" is not an image reference`,
		`metrics_exporter.image: "dockerhubaneo/armonik_control_metrics:0.37 .2" is not an image reference`,
		`partitions[0].polling_agent.image: "  " has leading or trailing spaces`,
		`partitions[0].worker.image: "my/worker@@sha256:abc" is not an image reference`,
		`partitions[0].sidecars[0].image.repository: "proxy:1" already holds a tag`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestPartitionGraph: a partition cannot be its own parent, parents must exist, be listed once
// and form no cycle; a priority is never changed silently (0 stays 0, negative is an error).
func TestPartitionGraph(t *testing.T) {
	zero, minus := 0, -1
	err := armonik.Config{Partitions: []armonik.Partition{
		{Name: "a", ParentPartitionIDs: []string{"a", "b", "b"}},
		{Name: "b", ParentPartitionIDs: []string{"c"}},
		{Name: "c", ParentPartitionIDs: []string{"b", "nowhere"}, Priority: &minus},
		{Name: "d", Priority: &zero},
	}}.Validate()
	if err == nil {
		t.Fatal("a broken partition graph accepted")
	}
	for _, want := range []string{
		`partitions[0].parent_partition_ids[0]: "a" is the partition itself`,
		`partitions[0].parent_partition_ids[2]: "b" is listed twice`,
		`partitions[2].parent_partition_ids[1]: "nowhere" is not a partition`,
		`partitions[1].parent_partition_ids: the parents form a cycle (b -> c -> b)`,
		`partitions[2].priority: -1 must be >= 0`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "partitions[3]") {
		t.Errorf("priority 0 is valid: %v", err)
	}
	d := armonik.Config{Partitions: []armonik.Partition{{Name: "d", Priority: &zero}, {Name: "e"}}}.WithDefaults()
	if *d.Partitions[0].Priority != 0 || *d.Partitions[1].Priority != 1 {
		t.Errorf("priorities %d, %d: want 0 kept and 1 by default", *d.Partitions[0].Priority, *d.Partitions[1].Priority)
	}
}
