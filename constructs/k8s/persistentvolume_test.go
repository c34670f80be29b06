package k8s_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

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
