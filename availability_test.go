package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestDisruptionBudgets: the control plane and every in-cluster storage service get a
// PodDisruptionBudget of max_unavailable 1 selecting exactly their workload's pods (a drain
// still evicts a single replica); the workers, the monitoring and the node agents get none;
// disabling one removes it.
func TestDisruptionBudgets(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // workloads (resource type.name) with a budget
	}{
		{"default", "", []string{"deployment control-plane", "deployment activemq", "stateful_set mongodb", "deployment redis"}},
		{"rabbitmq-minio", "localhost:\n  queue: {rabbitmq: {}}\n  object_storage: {minio: {}}\n  shared_storage: {minio: {}}\n",
			[]string{"deployment control-plane", "stateful_set rabbitmq", "stateful_set mongodb", "deployment minio", "deployment shared-storage"}},
		{"disabled", "localhost:\n  queue: {activemq: {disruption_budget: {enabled: false}}}\n  armonik:\n    control_plane: {disruption_budget: {enabled: false}}\n",
			[]string{"stateful_set mongodb", "deployment redis"}},
		{"external", "stacks: [armonik-external]\nexternal:\n  queue: {sqs: {region: eu-west-3}}\n  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n",
			[]string{"deployment control-plane"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out := synthtest.Synth(t, buildVariant(t, tc.doc).Stack)
			budgets := out.Resources("kubernetes_pod_disruption_budget_v1")
			var got []string
			for _, b := range budgets {
				name := str(synthtest.Get(b, "metadata.name"))
				sel, _ := synthtest.Get(b, "spec.selector.match_labels").(map[string]any)
				if v := synthtest.Get(b, "spec.max_unavailable"); v != "1" || synthtest.Get(b, "spec.min_available") != nil {
					t.Errorf("budget %s: max_unavailable %v min_available %v, want max_unavailable 1", name, v, synthtest.Get(b, "spec.min_available"))
				}
				// The budget selects the pods of exactly one workload of the stack, its namesake.
				var matches []string
				for _, typ := range []string{"deployment", "stateful_set"} {
					for _, w := range out.Resources("kubernetes_" + typ + "_v1") {
						labels, _ := synthtest.Get(w, "spec.template.metadata.labels").(map[string]any)
						if len(sel) > 0 && all(sel, labels) {
							matches = append(matches, typ+" "+str(synthtest.Get(w, "metadata.name")))
						}
					}
				}
				if len(matches) != 1 || !strings.HasSuffix(matches[0], " "+name) {
					t.Errorf("budget %s (selector %v) selects the pods of %v, want those of its namesake only", name, sel, matches)
				}
				got = append(got, matches...)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("budgets for %v, want %v", got, want)
			}
		})
	}
}

func str(v any) string { s, _ := v.(string); return s }

func all(sel, labels map[string]any) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestSystemPriorityClass: with priority classes on, one PriorityClass <prefix>system of value
// 1000000 (above every partition's), named per namespace, runs everything but the workers
// (control plane, metrics exporter, init, admin GUI, front door, pod-deletion cost), the
// in-cluster storage and Prometheus (the partitions scale on what it answers); each compute
// plane keeps its partition's class; the rest of the monitoring has none. Off, no pod names one.
func TestSystemPriorityClass(t *testing.T) {
	doc := "localhost:\n  namespace: prod\n  queue: {rabbitmq: {}}\n  object_storage: {minio: {}}\n  monitoring: {prometheus: {}}\n  keda: {existing: true}\n" +
		"  armonik:\n    priority_classes: {enabled: true}\n    partitions:\n      - name: default\n        scaling: {max_replicas: 3}\n      - name: urgent\n        priority: 5\n"
	_, out := synthtest.Synth(t, buildVariant(t, doc).Stack)
	classes := map[string]any{}
	for id, pc := range out.Resources("kubernetes_priority_class_v1") {
		classes[str(synthtest.Get(pc, "metadata.name"))] = fmt.Sprint(synthtest.Get(pc, "value"))
		if strings.HasSuffix(id, "system") && synthtest.Get(pc, "preemption_policy") != nil {
			t.Errorf("system class preemption policy %v, want the default PreemptLowerPriority", synthtest.Get(pc, "preemption_policy"))
		}
	}
	want := map[string]any{"armonik-prod-priority-system": "1e+06", "armonik-prod-priority-1": "1", "armonik-prod-priority-5": "5"}
	if !maps.Equal(classes, want) {
		t.Errorf("PriorityClasses %v, want %v", classes, want)
	}
	system := "${kubernetes_priority_class_v1.armonik-priority-class-system.metadata[0].name}"
	wantClass := map[string]string{
		"kubernetes_deployment_v1.armonik-control-plane":         system,
		"kubernetes_deployment_v1.armonik-metrics-exporter":      system,
		"kubernetes_job_v1.armonik-init":                         system,
		"kubernetes_deployment_v1.armonik-admin-gui":             system,
		"kubernetes_deployment_v1.armonik-front":                 system,
		"kubernetes_deployment_v1.armonik-pod-deletion-cost":     system,
		"kubernetes_stateful_set_v1.rabbitmq-statefulset":        system,
		"kubernetes_stateful_set_v1.mongodb-statefulset":         system,
		"kubernetes_deployment_v1.minio-deployment":              system,
		"kubernetes_deployment_v1.armonik-compute-plane-default": "${kubernetes_priority_class_v1.armonik-priority-class-1.metadata[0].name}",
		"kubernetes_deployment_v1.armonik-compute-plane-urgent":  "${kubernetes_priority_class_v1.armonik-priority-class-5.metadata[0].name}",
		"kubernetes_deployment_v1.prometheus-deployment":         system,
		"kubernetes_deployment_v1.grafana-deployment":            "",
		"kubernetes_deployment_v1.kube-state-metrics-deployment": "",
		"kubernetes_deployment_v1.mongodb-exporter-deployment":   "",
		"kubernetes_deployment_v1.seq-deployment":                "",
		"kubernetes_daemon_set_v1.fluent-bit-daemonset":          "",
		"kubernetes_daemon_set_v1.node-exporter-daemonset":       "",
		"kubernetes_cron_job_v1.seq-retention":                   "",
	}
	seen := map[string]bool{}
	for _, p := range out.PodTemplates() {
		got := str(p.Spec["priority_class_name"])
		if w, ok := wantClass[p.Where]; ok {
			seen[p.Where] = true
			if got != w {
				t.Errorf("%s: priority class %q, want %q", p.Where, got, w)
			}
		} else if got != "" {
			t.Errorf("%s: priority class %q, want none", p.Where, got)
		}
	}
	for w := range wantClass {
		if !seen[w] && wantClass[w] != "" {
			t.Errorf("no pod template %s", w)
		}
	}

	_, off := synthtest.Synth(t, buildVariant(t, "").Stack)
	for _, p := range off.PodTemplates() {
		if p.Spec["priority_class_name"] != nil {
			t.Errorf("priority classes off: %s names %v", p.Where, p.Spec["priority_class_name"])
		}
	}
	if n := len(off.Resources("kubernetes_priority_class_v1")); n != 0 {
		t.Errorf("priority classes off: %d PriorityClasses", n)
	}
}

// TestPodSecuritySwitch: pod_security sets the three labels of the namespace the stack
// creates (none sets none), and a namespace created elsewhere is never labelled.
func TestPodSecuritySwitch(t *testing.T) {
	for _, level := range []string{"baseline", "privileged", "none"} {
		st := buildVariant(t, "localhost:\n  pod_security: "+level+"\n")
		_, out := synthtest.Synth(t, st.Stack)
		labels, _ := out.NamespaceLabels(st.Namespace.Name)
		for _, mode := range []string{"enforce", "audit", "warn"} {
			got := labels["pod-security.kubernetes.io/"+mode]
			want := any(level)
			if level == "none" {
				want = nil
			}
			if got != want {
				t.Errorf("pod_security %s: %s label %v, want %v", level, mode, got, want)
			}
		}
	}
	st := buildVariant(t, "stacks: [armonik-external]\nexternal:\n  existing_namespace: true\n  queue: {sqs: {region: eu-west-3}}\n  table_storage: {external_mongodb: {}}\n  object_storage: {s3: {region: eu-west-3, bucket: objects}}\n")
	_, out := synthtest.Synth(t, st.Stack)
	if n := len(out.Resources("kubernetes_namespace_v1")); n != 0 {
		t.Errorf("existing_namespace: the stack creates %d namespaces", n)
	}
	problems, checked := podSecurityProblems(t, out)
	if checked == 0 || len(problems) > 0 {
		t.Errorf("existing namespace: %d pods checked against restricted, problems %v", checked, problems)
	}
}
