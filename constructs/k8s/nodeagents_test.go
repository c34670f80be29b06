package k8s_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// agentTemplate is the pod of a node agent: host network and PID, the host's root read-only
// with HostToContainer propagation, cluster DNS from the host network.
func agentTemplate(labels map[string]string) k8s.PodTemplate {
	return k8s.PodTemplate{
		Labels: labels,
		Spec: k8s.PodSpec{
			Containers: []k8s.Container{{
				Name: "agent", Image: "example/agent:1.0",
				Mounts: []k8s.Mount{{Volume: "root", Path: "/host", ReadOnly: true, Propagation: "HostToContainer"}},
			}},
			Volumes:     []k8s.Volume{{Name: "root", HostPath: &k8s.HostPathVolume{Path: "/"}}},
			HostNetwork: true, HostPID: true, DNSPolicy: "ClusterFirstWithHostNet",
			Tolerations: []k8s.Toleration{{Operator: "Exists"}},
		},
	}
}

// TestDaemonSet renders the pod template like a Deployment's, with the host settings, and
// the rolling-update bound; the wait switch sets wait_for_rollout.
func TestDaemonSet(t *testing.T) {
	st, ns := newStack(t)
	labels := map[string]string{"app": "agent"}
	if _, err := k8s.NewDaemonSet(st, "agent", k8s.DaemonSetSpec{
		Meta:     k8s.Meta{Name: "agent", Namespace: ns.NameRef, Labels: labels},
		Selector: labels, Template: agentTemplate(labels), MaxUnavailable: "10%", Wait: true,
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	d := out.Named(t, "kubernetes_daemon_set_v1", "agent")
	for path, want := range map[string]any{
		"wait_for_rollout":                                                true,
		"spec.selector.match_labels.app":                                  "agent",
		"spec.strategy.type":                                              "RollingUpdate",
		"spec.strategy.rolling_update.max_unavailable":                    "10%",
		"spec.template.spec.host_network":                                 true,
		"spec.template.spec.host_pid":                                     true,
		"spec.template.spec.dns_policy":                                   "ClusterFirstWithHostNet",
		"spec.template.spec.container.0.volume_mount.0.mount_propagation": "HostToContainer",
		"spec.template.spec.container.0.volume_mount.0.read_only":         true,
		"spec.template.spec.volume.0.host_path.path":                      "/",
		"spec.template.spec.toleration.0.operator":                        "Exists",
	} {
		if got := synthtest.Get(d, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}

	bad := agentTemplate(map[string]string{"app": "other"})
	bad.Spec.RestartPolicy = "Never"
	bad.Spec.DNSPolicy = "Sometimes"
	bad.Spec.Containers[0].Mounts[0].Propagation = "Upward"
	_, err := k8s.NewDaemonSet(st, "bad", k8s.DaemonSetSpec{Meta: k8s.Meta{Name: "bad", Namespace: ns.NameRef}, Selector: labels, Template: bad})
	wantErrors(t, err,
		`DaemonSet "bad": selector app=agent does not match the pod template labels`,
		`DaemonSet "bad": restart policy "Never": a DaemonSet's pods restart Always`,
		`DaemonSet "bad": DNS policy "Sometimes" must be`,
		`mount at "/host": propagation "Upward" must be None, HostToContainer or Bidirectional`,
	)
}

// TestCronJob renders the schedule, the history and deadline settings and the Job's pod.
func TestCronJob(t *testing.T) {
	st, ns := newStack(t)
	labels := map[string]string{"app": "cleanup"}
	tmpl := k8s.PodTemplate{Labels: labels, Spec: k8s.PodSpec{
		RestartPolicy: "OnFailure",
		Containers:    []k8s.Container{{Name: "cleanup", Image: "example/cli:1.0", Args: []string{"clean"}}},
	}}
	one, zero := 1, 0
	if _, err := k8s.NewCronJob(st, "cleanup", k8s.CronJobSpec{
		Meta: k8s.Meta{Name: "cleanup", Namespace: ns.NameRef, Labels: labels}, Schedule: "0 */12 * * *",
		ConcurrencyPolicy: "Forbid", SuccessfulJobsHistory: &one, FailedJobsHistory: &one, BackoffLimit: &zero,
		StartingDeadlineSeconds: 300, ActiveDeadlineSeconds: 600, Template: tmpl,
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	c := out.Named(t, "kubernetes_cron_job_v1", "cleanup")
	for path, want := range map[string]any{
		"spec.schedule":                                           "0 */12 * * *",
		"spec.concurrency_policy":                                 "Forbid",
		"spec.successful_jobs_history_limit":                      float64(1),
		"spec.failed_jobs_history_limit":                          float64(1),
		"spec.starting_deadline_seconds":                          float64(300),
		"spec.job_template.metadata.labels.app":                   "cleanup",
		"spec.job_template.spec.backoff_limit":                    float64(0),
		"spec.job_template.spec.active_deadline_seconds":          float64(600),
		"spec.job_template.spec.template.metadata.labels.app":     "cleanup",
		"spec.job_template.spec.template.spec.restart_policy":     "OnFailure",
		"spec.job_template.spec.template.spec.container.0.args.0": "clean",
	} {
		if got := synthtest.Get(c, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}

	tmpl.Spec.RestartPolicy = "Always"
	_, err := k8s.NewCronJob(st, "bad", k8s.CronJobSpec{
		Meta: k8s.Meta{Name: strings.Repeat("x", 53), Namespace: ns.NameRef}, Schedule: "0 0 * * * *",
		ConcurrencyPolicy: "Sometimes", Template: tmpl,
	})
	wantErrors(t, err,
		"name: at most 52 characters",
		`schedule "0 0 * * * *" must have five fields`,
		`concurrency policy "Sometimes" must be Allow, Forbid or Replace`,
		`restart policy "Always" must be OnFailure or Never`,
	)
}

// TestRBAC renders a Role and its RoleBinding to a ServiceAccount of another namespace, a
// ClusterRole and its ClusterRoleBinding; unknown verbs and rules without API groups are refused.
func TestRBAC(t *testing.T) {
	st, ns := newStack(t)
	rules := []k8s.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}}
	r, err := k8s.NewRole(st, "reader", k8s.RoleSpec{Meta: k8s.Meta{Name: "reader", Namespace: ns.NameRef}, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	sa := []k8s.RoleSubject{{Kind: "ServiceAccount", Name: "agent", Namespace: "agents"}}
	if _, err := k8s.NewRoleBinding(st, "reader-binding", k8s.RoleBindingSpec{Meta: k8s.Meta{Name: "reader", Namespace: ns.NameRef}, Role: r.NameRef, Subjects: sa}); err != nil {
		t.Fatal(err)
	}
	c, err := k8s.NewClusterRole(st, "cluster-reader", k8s.ClusterRoleSpec{Meta: k8s.Meta{Name: "demo-reader"}, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewClusterRoleBinding(st, "cluster-reader-binding", k8s.ClusterRoleBindingSpec{Meta: k8s.Meta{Name: "demo-reader"}, Role: c.NameRef, Subjects: sa}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	wantRule := []any{map[string]any{"api_groups": []any{""}, "resources": []any{"pods"}, "verbs": []any{"get", "list", "watch"}}}
	if got := out.Named(t, "kubernetes_role_v1", "reader")["rule"]; !reflect.DeepEqual(got, wantRule) {
		t.Errorf("role rules %#v", got)
	}
	if got := out.Named(t, "kubernetes_cluster_role_v1", "demo-reader")["rule"]; !reflect.DeepEqual(got, wantRule) {
		t.Errorf("cluster role rules %#v", got)
	}
	wantSubject := []any{map[string]any{"kind": "ServiceAccount", "name": "agent", "namespace": "agents"}}
	b := out.Named(t, "kubernetes_role_binding_v1", "reader")
	if !reflect.DeepEqual(b["subject"], wantSubject) || synthtest.Get(b, "role_ref.kind") != "Role" ||
		synthtest.Get(b, "role_ref.name") != "${kubernetes_role_v1.reader.metadata[0].name}" {
		t.Errorf("role binding %#v", b)
	}
	cb := out.Named(t, "kubernetes_cluster_role_binding_v1", "demo-reader")
	if !reflect.DeepEqual(cb["subject"], wantSubject) || synthtest.Get(cb, "role_ref.kind") != "ClusterRole" {
		t.Errorf("cluster role binding %#v", cb)
	}

	_, err = k8s.NewRole(st, "bad", k8s.RoleSpec{Meta: k8s.Meta{Name: "bad", Namespace: ns.NameRef}, Rules: []k8s.PolicyRule{
		{Resources: []string{"pods"}, Verbs: []string{"get"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"steal"}},
	}})
	wantErrors(t, err, `rule 0: api groups: required`, `rule 1: verb "steal" is not one of`)
	_, err = k8s.NewClusterRoleBinding(st, "bad", k8s.ClusterRoleBindingSpec{Meta: k8s.Meta{Name: "bad"}, Role: "x", Subjects: []k8s.RoleSubject{{Kind: "ServiceAccount", Name: "a"}, {Kind: "Robot", Name: "r"}}})
	wantErrors(t, err, "subject 0: a ServiceAccount needs its namespace", `subject 1: kind "Robot"`)
}

// wantErrors fails unless err holds every fragment.
func wantErrors(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error lacks %q:\n%v", f, err)
		}
	}
}
