package k8s_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestElasticObjectsValidation: every problem of a ScaledObject, an egress rule, RBAC objects,
// a PriorityClass, an APIService and a manifest is reported at once, before Terraform runs.
func TestElasticObjectsValidation(t *testing.T) {
	st, ns := newStack(t)
	check := func(what string, err error, wants ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: accepted", what)
			return
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q:\n%v", what, w, err)
			}
		}
	}
	down := -1
	_, err := k8s.NewScaledObject(st, "so", k8s.ScaledObjectSpec{
		Meta: k8s.Meta{Name: "so", Namespace: ns.Name}, MinReplicas: 3, MaxReplicas: 2,
		ScaleDown: &k8s.ScalingRules{StabilizationWindowSeconds: &down},
		Triggers:  []k8s.ScaledObjectTrigger{{MetricType: "Average"}},
	})
	check("ScaledObject", err,
		`ScaledObject "so": target: required`,
		`min_replicas 3 is greater than max_replicas 2`,
		`trigger 0: type required`,
		`trigger 0: metric type "Average" must be AverageValue, Value or Utilization`,
		`scale_down.stabilization_window_seconds -1 is not in 0-3600`)
	_, err = k8s.NewNetworkPolicy(st, "np", k8s.NetworkPolicySpec{
		Meta: k8s.Meta{Name: "np", Namespace: ns.Name}, PodSelector: map[string]string{"a": "b"},
		Egress: []k8s.EgressRule{{To: []k8s.PolicyPeer{{CIDR: "10.0.0.0"}, {CIDR: "10.0.0.0/8", PodSelector: map[string]string{"a": "b"}}, {}}}},
	})
	check("NetworkPolicy", err,
		`egress rules without RestrictEgress would never apply`,
		`egress 0: to 0: CIDR "10.0.0.0"`,
		`egress 0: to 1: a peer is either selectors or a CIDR block, not both`,
		`egress 0: to 2: a pod or namespace selector is required`)
	_, err = k8s.NewRole(st, "role", k8s.RoleSpec{Meta: k8s.Meta{Name: "r", Namespace: ns.Name}, Rules: []k8s.PolicyRule{{APIGroups: []string{""}}, {NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}})
	check("Role", err, `rule 0: verbs: required`, `rule 0: resources (or non-resource URLs) required`, `rule 1: non-resource URLs belong in a ClusterRole rule`)
	_, err = k8s.NewRoleBinding(st, "rb", k8s.RoleBindingSpec{Meta: k8s.Meta{Name: "rb", Namespace: ns.Name}, Subjects: []k8s.RoleSubject{{Name: "sa"}, {Kind: "Robot", Name: "x"}}})
	check("RoleBinding", err, `role: required`, `subject 0: a ServiceAccount needs its namespace`, `subject 1: kind "Robot"`)
	_, err = k8s.NewPriorityClass(st, "pc", k8s.PriorityClassSpec{Name: "Bad_Name", Value: 2000000000, PreemptionPolicy: "Always"})
	check("PriorityClass", err, `PriorityClass "Bad_Name": name`, `above 1000000000`, `preemption policy "Always"`)
	_, err = k8s.NewAPIService(st, "api", k8s.APIServiceSpec{Name: "metrics", Group: "external.metrics.k8s.io", Version: "v1beta1"})
	check("APIService", err, `the name must be <version>.<group>`, `the Service name and namespace are required`, `priorities must be >= 1`)
	_, err = k8s.NewManifest(st, "m", k8s.ManifestSpec{Manifest: map[string]any{"metadata": map[string]any{}}})
	check("manifest", err, `manifest: kind: required`, `apiVersion: required`, `metadata.name: required`)
	_, out := synthtest.Synth(t, st)
	for _, typ := range []string{"kubernetes_manifest", "kubernetes_network_policy_v1", "kubernetes_role_v1", "kubernetes_priority_class_v1"} {
		if ids := out.ResourceIDs(typ); len(ids) > 0 {
			t.Errorf("invalid objects were created: %s %v", typ, ids)
		}
	}
}

// TestEgressRendering: egress rules render as the provider's egress blocks, with ipBlock peers.
func TestEgressRendering(t *testing.T) {
	st, ns := newStack(t)
	if _, err := k8s.NewNetworkPolicy(st, "np", k8s.NetworkPolicySpec{
		Meta: k8s.Meta{Name: "np", Namespace: ns.Name}, PodSelector: map[string]string{"app": "x"},
		RestrictEgress: true,
		Egress: []k8s.EgressRule{
			{Ports: []k8s.PolicyPort{{Port: "53", Protocol: "UDP"}}},
			{To: []k8s.PolicyPeer{{CIDR: "10.0.0.0/8"}, {PodSelector: map[string]string{"app": "y"}}}, Ports: []k8s.PolicyPort{{Port: "443"}}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	np := out.Named(t, "kubernetes_network_policy_v1", "np")
	if got := synthtest.String(synthtest.Get(np, "spec")); got != `{"egress":[{"ports":[{"port":"53","protocol":"UDP"}]},{"ports":[{"port":"443","protocol":"TCP"}],"to":[{"ip_block":{"cidr":"10.0.0.0/8"}},{"pod_selector":{"match_labels":{"app":"y"}}}]}],"pod_selector":{"match_labels":{"app":"x"}},"policy_types":["Ingress","Egress"]}` {
		t.Errorf("spec %s", got)
	}
}
