package k8s_test

import (
	"reflect"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"strings"
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
