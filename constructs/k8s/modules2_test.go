package k8s_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

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

// TestPersistentVolume renders a static NFS volume reserved for one claim.
func TestPersistentVolume(t *testing.T) {
	st, ns := newStack(t)
	if _, err := k8s.NewPersistentVolume(st, "pv", k8s.PersistentVolumeSpec{
		Name: "demo-share", Labels: map[string]string{"app": "share"}, Capacity: "10Gi",
		AccessModes: []string{"ReadWriteMany"}, StorageClass: "demo-share", MountOptions: []string{"nfsvers=4.1"},
		ClaimNamespace: ns.NameRef, ClaimName: "share",
		NFS: &k8s.NFSVolume{Server: "nfs.example.internal", Path: "/exports/armonik"},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	v := out.Named(t, "kubernetes_persistent_volume_v1", "demo-share")
	if synthtest.Get(v, "metadata.namespace") != nil {
		t.Error("a PersistentVolume is cluster-scoped: it has no namespace")
	}
	for path, want := range map[string]any{
		"spec.0.access_modes":                            []any{"ReadWriteMany"},
		"spec.0.capacity.storage":                        "10Gi",
		"spec.0.persistent_volume_reclaim_policy":        "Retain",
		"spec.0.storage_class_name":                      "demo-share",
		"spec.0.mount_options":                           []any{"nfsvers=4.1"},
		"spec.0.claim_ref.name":                          "share",
		"spec.0.claim_ref.namespace":                     "${kubernetes_namespace_v1.ns.metadata[0].name}",
		"spec.0.persistent_volume_source.nfs.server":     "nfs.example.internal",
		"spec.0.persistent_volume_source.nfs.path":       "/exports/armonik",
		"spec.0.persistent_volume_source.nfs.read_only":  nil,
		"spec.0.persistent_volume_source.host_path.path": nil,
	} {
		if got := synthtest.Get(v, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}

	_, err := k8s.NewPersistentVolume(st, "bad", k8s.PersistentVolumeSpec{
		Name: "x", Capacity: "lots", AccessModes: []string{"ReadWriteSometimes"}, ReclaimPolicy: "Recycle", ClaimName: "c",
		NFS: &k8s.NFSVolume{Path: "exports"},
	})
	if err == nil {
		t.Fatal("invalid PersistentVolume accepted")
	}
	for _, w := range []string{
		`capacity: "lots"`, `access mode "ReadWriteSometimes"`, `reclaim policy "Recycle"`,
		`claim: set both the namespace and the name`, `nfs: server: required`, `nfs: path "exports" must be absolute`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

// TestSensitiveVariable declares a variable at stack level from a nested scope: sensitive, not
// nullable, typed, described, without a default; its value renders as ${var.<name>}; a second
// declaration of the name is an error, not a panic.
func TestSensitiveVariable(t *testing.T) {
	st, ns := newStack(t)
	nested := constructs.NewConstruct(st, jsii.String("nested"))
	v, err := k8s.NewSensitiveVariable(nested, "mq_password", "Password of the broker")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewSecret(st, "creds", k8s.SecretSpec{
		Meta: k8s.Meta{Name: "creds", Namespace: ns.NameRef}, Data: map[string]string{"password": v.Value},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	decl := synthtest.Get(out, "variable.mq_password")
	want := map[string]any{"type": "string", "description": "Password of the broker", "sensitive": true, "nullable": false}
	if !reflect.DeepEqual(decl, want) {
		t.Errorf("variable mq_password = %#v, want %#v (no default)", decl, want)
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "creds"), "data.password"); got != "${var.mq_password}" {
		t.Errorf("the Secret holds %v, want ${var.mq_password}", got)
	}
	if v.Name != "mq_password" {
		t.Errorf("Name %q", v.Name)
	}

	if _, err := k8s.NewSensitiveVariable(nested, "mq_password", "again"); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a duplicate name must be an error, got %v", err)
	}
	if _, err := k8s.NewSensitiveVariable(st, "ns", "clashes with the namespace construct"); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a name used by another construct must be an error, got %v", err)
	}
	for _, bad := range []string{"", "1x", "with-dash", "with space"} {
		if _, err := k8s.NewSensitiveVariable(st, bad, "d"); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := k8s.NewSensitiveVariable(st, "nodesc", ""); err == nil {
		t.Error("a variable without description accepted")
	}
}
