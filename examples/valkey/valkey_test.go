package valkey_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/examples/valkey"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

// queue and table stand in for the other storage modules of the test, with the keys Core's
// startup rules require.
func queue() outputs.ModuleOutputs {
	return outputs.NewModule("queue").
		Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Amqp.QueueBuilder").
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll").
		Env("Amqp__Host", "queue.armonik.svc.cluster.local").Env("Amqp__Port", "5672").Env("Amqp__Scheme", "AMQP").
		Env("Amqp__MaxPriority", "10").
		EnvSecret(outputs.Named("queue-credentials"), "Amqp__User", "Amqp__Password")
}

func table() outputs.ModuleOutputs {
	return outputs.NewModule("table").
		Env("Components__TableStorage", "ArmoniK.Adapters.MongoDB.TableStorage").
		EnvFromSecret("MongoDB__ConnectionString", outputs.Named("table-connection"), "uri")
}

func TestValkeyWiredIntoArmoniK(t *testing.T) {
	st := cdk.NewStack(cdk.NewTestApp(), "example")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	ns, err := k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{Name: "armonik"})
	if err != nil {
		t.Fatal(err)
	}
	vk, err := valkey.New(st, "valkey", valkey.Config{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := armonik.New(st, "armonik", armonik.Config{
		Namespace: ns,
		Layers:    armonik.Layers{Core: armonik.Conf{queue(), table(), vk}},
	}); err != nil {
		t.Fatal(err)
	}
	raw, out := synthtest.Synth(t, st)
	golden.JSON(t, "valkey", raw)

	cp := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
	var redisKeys []string
	for _, n := range synthtest.EnvNames(cp) {
		if strings.HasPrefix(n, "Redis__") || strings.HasPrefix(n, "Components__Object") {
			redisKeys = append(redisKeys, n)
		}
	}
	sort.Strings(redisKeys)
	want := "Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath Components__ObjectStorageAdaptorSettings__ClassName Redis__ClientName Redis__EndpointUrl Redis__InstanceName Redis__Ssl Redis__TtlTimeSpan"
	if got := strings.Join(redisKeys, " "); got != want {
		t.Errorf("control plane object-store keys:\n got %s\nwant %s", got, want)
	}
	if got := synthtest.Get(cp, "env_from.1.secret_ref.name"); got != "${kubernetes_secret_v1.valkey-credentials.metadata[0].name}" {
		t.Errorf("credentials come from %v", got)
	}
	worker := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default"))["worker"]
	if synthtest.Env(worker, "Redis__EndpointUrl") != nil || worker["env_from"] != nil {
		t.Error("workers must not receive the object store")
	}
	if vk.Endpoint != "valkey.armonik.svc.cluster.local:6379" {
		t.Errorf("endpoint %s", vk.Endpoint)
	}
}

func TestValkeyConfigErrors(t *testing.T) {
	st := cdk.NewStack(cdk.NewTestApp(), "example")
	_, err := valkey.New(st, "valkey", valkey.Config{Name: "Bad_Name", ClusterDomain: "bad domain", Image: "Valkey/Valkey", TTL: "forever"})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{`valkey "Bad_Name": name:`, `valkey "Bad_Name": namespace: required`, `valkey "Bad_Name": cluster_domain:`,
		`valkey "Bad_Name": image: "Valkey/Valkey:8.1-alpine" is not an image reference`, `valkey "Bad_Name": ttl: "forever" is not a .NET TimeSpan`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
