// The tests of every storage module live in this one package: each jsii test binary costs
// seconds of link time and a node process, so the modules share one.
package modules_test

import (
	"os"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

// newStack returns a test stack with the kubernetes provider and the namespace "armonik".
func newStack(t *testing.T) (cdk.Stack, *k8s.Namespace) {
	t.Helper()
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	ns, err := k8s.NewNamespace(st, "ns", k8s.NamespaceSpec{Name: "armonik"})
	if err != nil {
		t.Fatal(err)
	}
	return st, ns
}

// must takes the results of a constructor and returns a function that fails the test on the
// error, else returns the value: must(activemq.New(st, "mq", cfg))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestGoldens pins the synthesized JSON of each module with its defaults, alone in a stack.
func TestGoldens(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(st cdk.Stack, ns *k8s.Namespace) error
	}{
		{"activemq", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := activemq.New(st, "activemq", activemq.Config{Namespace: ns})
			return err
		}},
		{"mongodb", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns})
			return err
		}},
		{"redis", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := redis.New(st, "redis", redis.Config{Namespace: ns})
			return err
		}},
		{"minio-object-storage", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := minio.New(st, "minio", minio.Config{Namespace: ns})
			return err
		}},
		{"minio-shared-storage", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := minio.New(st, "minio", minio.Config{Namespace: ns, Role: minio.RoleSharedStorage})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, ns := newStack(t)
			if err := c.build(st, ns); err != nil {
				t.Fatal(err)
			}
			raw, _ := synthtest.Synth(t, st)
			golden.JSON(t, "module-"+c.name, raw)
		})
	}
}
