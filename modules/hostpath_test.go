package modules_test

// Tests of the hostpath module (shared storage read by the workers).

import (
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/hostpath"
)

// TestHostPathInWorkers lists the hostpath module in the worker layer: every worker reads the
// node directory at /data, read-only, with FileStorageType=FS; the polling agent gets neither.
func TestHostPathInWorkers(t *testing.T) {
	st, all := deployAll(t, false)
	hp := must(hostpath.New(st, "hostpath", hostpath.Config{Path: "/srv/armonik"}))(t)
	no := false
	must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no, Layers: armonik.Layers{Core: armonik.Conf{all.mq, all.db, all.rd}, Worker: armonik.Conf{hp}},
		Partitions: []armonik.Partition{
			{Name: "default", Worker: armonik.Worker{Name: "dll", Image: armonik.Image{Repository: "dockerhubaneo/armonik_worker_dll", Tag: "0.19.3"}}},
			{Name: "custom", Worker: armonik.Worker{Name: "mine", Image: armonik.Image{Repository: "example/mine", Tag: "1"}}},
		},
	}))(t)
	_, out := synthtest.Synth(t, st)
	dep := out.Named(t, "kubernetes_deployment_v1", "compute-plane-default")
	cs := synthtest.Containers(dep)
	if got := synthtest.Env(cs["dll"], "target_zip_path")["value"]; got != "/tmp" {
		t.Errorf("the DLL worker copies its packages to %v, want /tmp (the shared /data is read-only)", got)
	}
	cs["mine"] = synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-custom"))["mine"]
	for _, name := range []string{"dll", "mine"} {
		c := cs[name]
		if got := synthtest.Env(c, "FileStorageType")["value"]; got != "FS" {
			t.Errorf("%s: FileStorageType %v", name, got)
		}
		ok := false
		for _, m := range c["volume_mount"].([]any) {
			if synthtest.Get(m, "mount_path") == "/data" && synthtest.Get(m, "read_only") == true && synthtest.Get(m, "name") == "hostpath" {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: no read-only /data mount: %v", name, c["volume_mount"])
		}
	}
	for _, m := range cs["polling-agent"]["volume_mount"].([]any) {
		if synthtest.Get(m, "mount_path") == "/data" {
			t.Error("the polling agent must not mount the shared storage")
		}
	}
	ok := false
	for _, v := range synthtest.Get(dep, "spec.template.spec.volume").([]any) {
		if synthtest.Get(v, "name") == "hostpath" && synthtest.Get(v, "host_path.path") == "/srv/armonik" && synthtest.Get(v, "host_path.type") == "Directory" {
			ok = true
		}
	}
	if !ok {
		t.Error("the compute plane has no hostPath volume of /srv/armonik")
	}
}
