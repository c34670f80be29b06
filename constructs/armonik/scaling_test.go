package armonik_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// promStub is a metrics source at a fixed URL.
type promStub string

func (p promStub) MetricsSourceName() string { return "stub" }
func (p promStub) PrometheusURL() string     { return string(p) }

// TestQueueScaling: only the partition that scales on its queue gets a ScaledObject and leaves
// its replicas to KEDA; the worker waits for its agent only with a Unix socket, by default
// for ArmoniK's own worker programs (their images have /bin/sh) and for a custom image only when
// asked, never in a sidecar; one PriorityClass per distinct priority.
func TestQueueScaling(t *testing.T) {
	a, _, out := build(t, armonik.Config{
		Layers: storage(), Metrics: promStub("http://prom.monitoring:9090/prom"),
		PriorityClasses: armonik.PriorityClasses{Enabled: true},
		Partitions: []armonik.Partition{
			{Name: "elastic", Scaling: &armonik.Scaling{MinReplicas: 1, MaxReplicas: 7, Query: `sum(queue{p="elastic"})`},
				Sidecars: []armonik.Sidecar{{Name: "shipper", Image: shipper}}},
			{Name: "fixed", SocketType: armonik.TCP, Workload: armonik.Workload{Replicas: ptr(3)}},
			{Name: "same-priority", Worker: armonik.Worker{Name: "distroless", Image: htcmock}},
			{Name: "custom-shell", Worker: armonik.Worker{Name: "shell", Image: htcmock, WaitForAgent: ptr(true)}},
			{Name: "opted-out", Worker: armonik.Worker{WaitForAgent: ptr(false)}},
		},
	})
	if len(a.ScaledObjects) != 1 || a.ScaledObjects["elastic"] == nil {
		t.Fatalf("scaled objects %v", a.ScaledObjects)
	}
	so := out.Manifest(t, "ScaledObject", "compute-plane-elastic")
	if got := synthtest.Get(so, "manifest.spec.triggers.0.metadata.query"); got != `sum(queue{p="elastic"})` {
		t.Errorf("query override %v", got)
	}
	if got := synthtest.Get(so, "manifest.spec.triggers.0.metadata.serverAddress"); got != "http://prom.monitoring:9090/prom" {
		t.Errorf("server %v", got)
	}
	if got := synthtest.Get(so, "manifest.spec.scaleTargetRef.envSourceContainerName"); got != "polling-agent" {
		t.Errorf("env source %v", got)
	}
	elastic := out.Named(t, "kubernetes_deployment_v1", "compute-plane-elastic")
	if synthtest.Get(elastic, "spec.replicas") != "1" || synthtest.String(synthtest.Get(elastic, "lifecycle.ignore_changes")) != `["spec[0].replicas"]` {
		t.Errorf("elastic replicas %v, lifecycle %v", synthtest.Get(elastic, "spec.replicas"), synthtest.Get(elastic, "lifecycle"))
	}
	ann, _ := synthtest.Get(elastic, "spec.template.metadata.annotations").(map[string]any)
	if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != "1080" {
		t.Errorf("a scaled partition's agents expose TaskStartTime_Seconds to annotation-driven Prometheus: %v", ann)
	}
	fixed := out.Named(t, "kubernetes_deployment_v1", "compute-plane-fixed")
	if synthtest.Get(fixed, "spec.replicas") != "3" || synthtest.Get(fixed, "lifecycle") != nil {
		t.Errorf("fixed replicas %v, lifecycle %v", synthtest.Get(fixed, "spec.replicas"), synthtest.Get(fixed, "lifecycle"))
	}
	if ann, _ := synthtest.Get(fixed, "spec.template.metadata.annotations").(map[string]any); ann["prometheus.io/scrape"] != nil {
		t.Errorf("a fixed partition needs no scrape annotations: %v", ann)
	}
	// The container of each partition that waits for its agent ("" for none).
	for name, waiting := range map[string]string{"elastic": "worker", "fixed": "", "same-priority": "", "custom-shell": "shell", "opted-out": ""} {
		for cname, c := range synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-"+name)) {
			cmd := synthtest.Get(c, "lifecycle.pre_stop.0.exec.command.2")
			if (cmd != nil) != (cname == waiting) {
				t.Errorf("%s/%s: preStop %v, want one only in %q", name, cname, cmd, waiting)
			}
			if cmd != nil && cmd != "while [ -e '/cache/shared/armonik_agent.sock' ]; do sleep 1; done" {
				t.Errorf("%s/%s: preStop %v", name, cname, cmd)
			}
		}
	}
	if len(a.PriorityClasses) != 1 {
		t.Errorf("one PriorityClass per distinct priority, got %d", len(a.PriorityClasses))
	}
	pc := out.Named(t, "kubernetes_priority_class_v1", "armonik-armonik-priority-1")
	if synthtest.Get(pc, "value") != 1.0 {
		t.Errorf("priority class %s", synthtest.String(pc))
	}
	for _, p := range []string{"elastic", "fixed", "same-priority", "custom-shell", "opted-out"} {
		d := out.Named(t, "kubernetes_deployment_v1", "compute-plane-"+p)
		if got := synthtest.Get(d, "spec.template.spec.priority_class_name"); got != "${kubernetes_priority_class_v1.armonik-priority-class-1.metadata[0].name}" {
			t.Errorf("%s: priority class %v", p, got)
		}
	}
	pdc := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "pod-deletion-cost"))["pod-deletion-cost"]
	if got := synthtest.Get(synthtest.Env(pdc, "PrometheusUrl"), "value"); got != "http://prom.monitoring:9090/prom/" {
		t.Errorf("PrometheusUrl %v: the updater joins api/v1/query, the base needs its trailing slash", got)
	}
	if got := synthtest.Get(synthtest.Env(pdc, "MetricsName"), "value"); got != `TaskStartTime_Seconds{kubernetes_namespace="armonik"}` {
		t.Errorf("MetricsName %v", got)
	}
	explain := a.ExplainScaling()
	for _, want := range []string{
		"partition elastic\n    replicas     1..7 on its queue length",
		"metric       sum(queue{p=\"elastic\"})",
		"partition fixed\n    replicas     3, fixed",
		"k8s priority PriorityClass armonik-armonik-priority-1 (value 1)",
	} {
		if !strings.Contains(explain, want) {
			t.Errorf("explain lacks %q:\n%s", want, explain)
		}
	}
}

// TestElasticWithoutMetricsSource: in Go, a partition scaling on its queue without a metrics
// source is an error; autoscaling without one runs no updater.
func TestElasticWithoutMetricsSource(t *testing.T) {
	e := newEnv(t)
	_, err := armonik.New(e.stack, "armonik", armonik.Config{
		Namespace: e.ns, Layers: storage(),
		Partitions: []armonik.Partition{{Name: "a", Scaling: &armonik.Scaling{MaxReplicas: 2}}},
	})
	if err == nil || !strings.Contains(err.Error(), "partitions[0].scaling: scaling on the queue length needs a metrics source") {
		t.Fatalf("error %v", err)
	}
	a, _, out := build(t, armonik.Config{Layers: storage(), Partitions: []armonik.Partition{{Name: "a", Workload: armonik.Workload{
		Autoscaling: &armonik.Autoscaling{MinReplicas: 1, MaxReplicas: 3, CPUUtilization: 80},
	}}}})
	if a.PodDeletionCost != nil || len(out.ResourceIDs("kubernetes_role_v1")) != 0 {
		t.Error("no metrics source: no updater, no Role")
	}
	if !strings.Contains(a.ExplainScaling(), "no pod-deletion cost (updater disabled or no metrics source)") {
		t.Errorf("explain:\n%s", a.ExplainScaling())
	}
}
