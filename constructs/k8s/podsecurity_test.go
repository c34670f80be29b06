package k8s_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestRunAsNonRootReachesEveryContainer: a container security context that leaves
// RunAsNonRoot unset is rendered with the pod's true (the provider would send false, which
// overrides the pod's), a pod that leaves it unset gets true when every container sets true,
// and an explicit container value wins.
func TestRunAsNonRootReachesEveryContainer(t *testing.T) {
	st := cdk.NewStack(cdk.NewTestApp(), "podsecurity")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	bare := func() *k8s.ContainerSecurity {
		return &k8s.ContainerSecurity{AllowPrivilegeEscalation: ptr(false), DropCapabilities: []string{"ALL"}}
	}
	pod := func(name string, podSec *k8s.PodSecurity, cs ...*k8s.ContainerSecurity) {
		t.Helper()
		var containers []k8s.Container
		for i, c := range cs {
			containers = append(containers, k8s.Container{Name: "c" + string(rune('a'+i)), Image: "busybox:1", Security: c})
		}
		labels := map[string]string{"app": name}
		if _, err := k8s.NewDeployment(st, name, k8s.DeploymentSpec{
			Meta: k8s.Meta{Name: name, Namespace: "demo"}, Selector: labels, Replicas: ptr(1),
			Template: k8s.PodTemplate{Labels: labels, Spec: k8s.PodSpec{
				Security:       podSec,
				InitContainers: []k8s.Container{{Name: "init", Image: "busybox:1", Security: bare()}},
				Containers:     containers,
			}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	pod("inherit", &k8s.PodSecurity{RunAsNonRoot: ptr(true), SeccompRuntimeDefault: true, FSGroup: ptr(int64(5)), FSGroupChangePolicy: "OnRootMismatch"}, bare(), nil)
	explicit := bare()
	explicit.RunAsNonRoot = ptr(true)
	pod("lift", &k8s.PodSecurity{SeccompRuntimeDefault: true}, explicit)
	pod("mixed", &k8s.PodSecurity{SeccompRuntimeDefault: true}, explicit, bare())
	_, out := synthtest.Synth(t, st)
	get := func(name, path string) any {
		return synthtest.Get(out.Named(t, "kubernetes_deployment_v1", name), "spec.template.spec."+path)
	}
	for path, want := range map[string]any{
		"security_context.run_as_non_root":                  true,
		"security_context.fs_group_change_policy":           "OnRootMismatch",
		"init_container.0.security_context.run_as_non_root": true,
		"container.0.security_context.run_as_non_root":      true,
		"container.1.security_context":                      nil, // no context: nothing sent
	} {
		if got := get("inherit", path); got != want {
			t.Errorf("inherit: %s = %v, want %v", path, got, want)
		}
	}
	// The init container leaves it unset: the pod is not lifted, so nothing may claim true.
	if got := get("lift", "security_context.run_as_non_root"); got != nil {
		t.Errorf("lift: pod run_as_non_root %v with an init container leaving it unset, want unset", got)
	}
	if got := get("mixed", "container.1.security_context.run_as_non_root"); got != nil {
		t.Errorf("mixed: container.1 run_as_non_root %v, want unset (the pod sets none)", got)
	}
}

// TestPodSecurityViolations: what the levels refuse, named per container and volume.
func TestPodSecurityViolations(t *testing.T) {
	secure := func() *k8s.ContainerSecurity {
		return &k8s.ContainerSecurity{AllowPrivilegeEscalation: ptr(false), RunAsNonRoot: ptr(true), DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true}
	}
	ok := &k8s.PodSpec{Containers: []k8s.Container{{Name: "a", Security: secure()}},
		Volumes: []k8s.Volume{{Name: "v", EmptyDir: &k8s.EmptyDirVolume{}}}}
	if v := k8s.PodSecurityViolations(k8s.PodSecurityRestricted, ok); len(v) != 0 {
		t.Errorf("a secure pod breaks restricted: %v", v)
	}
	root := secure()
	root.RunAsUser = ptr(int64(0))
	root.AddCapabilities = []string{"NET_ADMIN"}
	bad := &k8s.PodSpec{
		HostNetwork: true,
		Containers:  []k8s.Container{{Name: "root", Security: root}, {Name: "open"}},
		Volumes: []k8s.Volume{{Name: "node", HostPath: &k8s.HostPathVolume{Path: "/data"}},
			{Name: "share", NFS: &k8s.NFSVolume{Server: "nfs", Path: "/x"}}},
	}
	got := strings.Join(k8s.PodSecurityViolations(k8s.PodSecurityRestricted, bad), "\n")
	for _, want := range []string{
		"uses the node's network (hostNetwork)",
		`volume "node" is a hostPath volume (/data)`,
		`volume "share" is an inline NFS volume`,
		`container "root" adds the capability NET_ADMIN`,
		`container "root" runs as user 0 (root)`,
		`container "open" has no security context`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("restricted: %q missing from\n%s", want, got)
		}
	}
	base := strings.Join(k8s.PodSecurityViolations(k8s.PodSecurityBaseline, bad), "\n")
	if strings.Contains(base, "NFS") || strings.Contains(base, "no security context") || !strings.Contains(base, "hostPath") || !strings.Contains(base, "NET_ADMIN") {
		t.Errorf("baseline: %s", base)
	}
	if v := k8s.PodSecurityViolations(k8s.PodSecurityPrivileged, bad); len(v) != 0 {
		t.Errorf("privileged refuses nothing, got %v", v)
	}
}

// TestDisruptionBudgetProblems: budgets that would block every drain are refused, at the
// component's fewest replicas.
func TestDisruptionBudgetProblems(t *testing.T) {
	for _, tc := range []struct {
		d        k8s.DisruptionBudget
		replicas int
		want     string // "" for no problem
	}{
		{k8s.DisruptionBudget{}, 1, ""},
		{k8s.DisruptionBudget{MaxUnavailable: "1"}, 1, ""},
		{k8s.DisruptionBudget{MaxUnavailable: "10%"}, 3, ""}, // rounds up to 1
		{k8s.DisruptionBudget{MinAvailable: "2"}, 3, ""},
		{k8s.DisruptionBudget{MinAvailable: "50%"}, 3, ""}, // 2 of 3
		{k8s.DisruptionBudget{MinAvailable: "50%"}, 1, `min_available: "50%" of 1 replicas allows no eviction`},
		{k8s.DisruptionBudget{MinAvailable: "1"}, 1, `min_available: "1" of 1 replicas allows no eviction`},
		{k8s.DisruptionBudget{MaxUnavailable: "0"}, 0, `max_unavailable: "0" allows no eviction`},
		{k8s.DisruptionBudget{MinAvailable: "100%"}, 0, `min_available: "100%" allows no eviction`},
		{k8s.DisruptionBudget{MaxUnavailable: "150%"}, 1, "must be a number of pods or a percentage"},
		{k8s.DisruptionBudget{MaxUnavailable: "-1"}, 1, "must be a number of pods or a percentage"},
		{k8s.DisruptionBudget{MaxUnavailable: "1", MinAvailable: "1"}, 3, "not both"},
		{k8s.DisruptionBudget{Enabled: ptr(false), MaxUnavailable: "0"}, 1, ""},
	} {
		got := strings.Join(tc.d.Problems("b", tc.replicas), "\n")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%+v with %d replicas: %q, want %q", tc.d, tc.replicas, got, tc.want)
		}
	}
}
