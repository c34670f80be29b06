package modules_test

// Tests of the nfs module (object storage or shared storage).

import (
	"reflect"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
)

// TestNFS checks both routes: an export becomes a PersistentVolume reserved for the claim, which
// is bound to it by name; a StorageClass provisions the claim. Listed in core, the claim reaches
// every core consumer at LocalStorage__Path, and never the workers.
func TestNFS(t *testing.T) {
	st, ns := newGrid(t)
	ep := deployEndpoints(t, st, ns)
	mq := must(activemq.New(st, "activemq", activemq.Config{Namespace: ns}))(t)
	db := must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns}))(t)
	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: ns, Wait: &no, Layers: armonik.Layers{Core: armonik.Conf{mq, db, ep.nfs}, Worker: armonik.Conf{ep.hp}},
	}))(t)
	_, out := synthtest.Synth(t, st)

	pv := out.Named(t, "kubernetes_persistent_volume_v1", "grid-nfs")
	claim := out.Named(t, "kubernetes_persistent_volume_claim_v1", "nfs-data")
	for p, want := range map[string]any{
		"spec.0.access_modes":                        []any{"ReadWriteMany"},
		"spec.0.claim_ref.name":                      "nfs-data",
		"spec.0.claim_ref.namespace":                 "${kubernetes_namespace_v1.ns.metadata[0].name}",
		"spec.0.persistent_volume_source.nfs.server": "nfs.example.internal",
		"spec.0.persistent_volume_source.nfs.path":   "/exports/armonik",
		"spec.0.persistent_volume_reclaim_policy":    "Retain",
		"spec.0.storage_class_name":                  "grid-nfs",
	} {
		if got := synthtest.Get(pv, p); !reflect.DeepEqual(got, want) {
			t.Errorf("PersistentVolume %s = %v, want %v", p, got, want)
		}
	}
	for p, want := range map[string]any{
		"spec.access_modes":       []any{"ReadWriteMany"},
		"spec.volume_name":        "${kubernetes_persistent_volume_v1.nfs-volume.metadata[0].name}",
		"spec.storage_class_name": "grid-nfs",
		"wait_until_bound":        false,
	} {
		if got := synthtest.Get(claim, p); !reflect.DeepEqual(got, want) {
			t.Errorf("claim %s = %v, want %v", p, got, want)
		}
	}
	csi := out.Named(t, "kubernetes_persistent_volume_claim_v1", "nfs-csi-data")
	if synthtest.Get(csi, "spec.storage_class_name") != "nfs-csi" || synthtest.Get(csi, "spec.volume_name") != nil {
		t.Errorf("the StorageClass route claims %v", csi["spec"])
	}
	if n := len(out.Resources("kubernetes_persistent_volume_v1")); n != 1 {
		t.Errorf("%d PersistentVolumes, want only the export's", n)
	}

	for _, pc := range [][2]string{{"control-plane", "control-plane"}, {"compute-plane-default", "polling-agent"}, {"init", "init"}, {"metrics-exporter", "metrics-exporter"}} {
		c := mergedContainer(t, a, pc[0], pc[1])
		var at []string
		for _, m := range c.Mounts {
			if m.Path == "/local_storage" && !m.ReadOnly {
				at = append(at, m.Volume)
			}
		}
		want := []string{"nfs-data"}
		if pc[0] == "metrics-exporter" {
			want = nil // it reads the table storage only
		}
		if !reflect.DeepEqual(at, want) {
			t.Errorf("%s/%s mounts the claim at /local_storage through %v, want %v", pc[0], pc[1], at, want)
		}
	}
	dep := out.Named(t, "kubernetes_deployment_v1", "control-plane")
	if got := synthtest.Env(synthtest.Containers(dep)["control-plane"], "LocalStorage__Path")["value"]; got != "/local_storage" {
		t.Errorf("LocalStorage__Path %v", got)
	}
	found := false
	vols, _ := synthtest.Get(dep, "spec.template.spec.volume").([]any)
	for _, v := range vols {
		if synthtest.Get(v, "persistent_volume_claim.claim_name") == "${kubernetes_persistent_volume_claim_v1.nfs-data.metadata[0].name}" {
			found = true
		}
	}
	if !found {
		t.Errorf("the control plane's pod has no volume of the claim: %v", vols)
	}
	worker := mergedContainer(t, a, "compute-plane-default", "worker")
	for _, m := range worker.Mounts {
		if m.Path == "/local_storage" {
			t.Error("workers must not mount the object store")
		}
	}
}
