package k8s_test

import (
	"reflect"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestSecretDependsOn: a Secret that clients read can be created after its server's rollout.
func TestSecretDependsOn(t *testing.T) {
	st, ns := newStack(t)
	labels := map[string]string{"app": "server"}
	server, err := k8s.NewDeployment(st, "server", k8s.DeploymentSpec{
		Meta: k8s.Meta{Name: "server", Namespace: ns.NameRef}, Selector: labels, Wait: true,
		Template: k8s.PodTemplate{Labels: labels, Spec: k8s.PodSpec{Containers: []k8s.Container{{Name: "s", Image: "example/s:1"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewSecret(st, "client", k8s.SecretSpec{
		Meta: k8s.Meta{Name: "client", Namespace: ns.NameRef}, Data: map[string]string{"k": "v"}, DependsOn: []*k8s.Object{server, nil},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	if got, want := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "client"), "depends_on"), []any{"kubernetes_deployment_v1.server"}; !reflect.DeepEqual(got, want) {
		t.Errorf("depends_on = %v, want %v", got, want)
	}
}
