package outputs_test

import (
	"fmt"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// benchModules returns n modules, each with 5 env, 1 env_secret declaring 2
// keys, 2 env_from_secret and 1 mount_secret, all names distinct.
func benchModules(n int) []outputs.ModuleOutputs {
	mods := make([]outputs.ModuleOutputs, n)
	for i := range mods {
		p := fmt.Sprintf("Mod%04d__", i)
		creds := outputs.Named(fmt.Sprintf("mod%04d-creds", i))
		m := outputs.NewModule(fmt.Sprintf("mod%04d", i))
		for j := range 5 {
			m.Env(fmt.Sprintf("%sSetting%d", p, j), "value")
		}
		m.EnvSecret(creds, p+"User", p+"Login").
			EnvFromSecret(p+"Key1", creds, "key1").
			EnvFromSecret(p+"Key2", creds, "key2").
			MountSecret(fmt.Sprintf("mod%04d-certs", i), outputs.Named(fmt.Sprintf("mod%04d-certs", i)), fmt.Sprintf("/certs/mod%04d", i),
				outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "ca.pem"}), outputs.WithMode("0440"))
		mods[i] = m
	}
	return mods
}

// BenchmarkMerge1000Modules merges and validates 1,000 modules in one
// container (budget: about 20 ms per op on the project's 2-core machine, 1% of a
// default synth; real containers see 10 to 20 modules).
func BenchmarkMerge1000Modules(b *testing.B) {
	layers := []outputs.ContainerLayers{{Name: "control-plane", Layers: []outputs.Layer{outputs.ModulesLayer("core", benchModules(1000)...)}}}
	b.ReportAllocs()
	for b.Loop() {
		pod, err := outputs.MergePod("control-plane", layers)
		if err != nil || len(pod.Containers[0].Env) != 7000 {
			b.Fatal(err)
		}
	}
}
