package k8s_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestNetworkPolicy renders an ingress-only policy: pod selector, peers in the same namespace
// (no namespace selector) and ports with their protocol.
func TestNetworkPolicy(t *testing.T) {
	st, ns := newStack(t)
	if _, err := k8s.NewNetworkPolicy(st, "db", k8s.NetworkPolicySpec{
		Meta:        k8s.Meta{Name: "db", Namespace: ns.NameRef, Labels: map[string]string{"app": "db"}},
		PodSelector: map[string]string{"app": "db"},
		Ingress: []k8s.IngressRule{{
			From:  []k8s.PolicyPeer{{PodSelector: map[string]string{"part-of": "armonik"}}, {PodSelector: map[string]string{"app": "db"}}},
			Ports: []k8s.PolicyPort{{Port: "27017"}, {Port: "metrics", Protocol: "TCP"}},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	p := out.Named(t, "kubernetes_network_policy_v1", "db")
	want := map[string]any{
		"pod_selector": map[string]any{"match_labels": map[string]any{"app": "db"}},
		"policy_types": []any{"Ingress"},
		"ingress": []any{map[string]any{
			"from": []any{
				map[string]any{"pod_selector": map[string]any{"match_labels": map[string]any{"part-of": "armonik"}}},
				map[string]any{"pod_selector": map[string]any{"match_labels": map[string]any{"app": "db"}}},
			},
			"ports": []any{
				map[string]any{"port": "27017", "protocol": "TCP"},
				map[string]any{"port": "metrics", "protocol": "TCP"},
			},
		}},
	}
	if got := p["spec"]; !reflect.DeepEqual(got, want) {
		t.Errorf("spec\n got %#v\nwant %#v", got, want)
	}
	if synthtest.Get(p, "metadata.namespace") != "${kubernetes_namespace_v1.ns.metadata[0].name}" {
		t.Errorf("namespace %v", synthtest.Get(p, "metadata.namespace"))
	}

	// Problems are collected, and nothing panics.
	_, err := k8s.NewNetworkPolicy(st, "bad", k8s.NetworkPolicySpec{
		Meta: k8s.Meta{Name: "Bad", Namespace: ns.NameRef},
		Ingress: []k8s.IngressRule{{
			From:  []k8s.PolicyPeer{{}},
			Ports: []k8s.PolicyPort{{Port: "70000"}, {Port: "not a name"}, {Port: "80", Protocol: "ICMP"}},
		}},
	})
	if err == nil {
		t.Fatal("invalid NetworkPolicy accepted")
	}
	for _, w := range []string{
		`NetworkPolicy "Bad": name:`,
		`pod selector: required`,
		`from 0: a pod or namespace selector is required`,
		`port 70000 is not in 1-65535`,
		`port "not a name" is neither a number nor a port name`,
		`protocol "ICMP" must be TCP, UDP or SCTP`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
