// The tests of every storage module live in this one package: each jsii test binary costs
// seconds of link time and a node process, so the modules share one.
package modules_test

import (
	"os"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/amazonmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/elasticache"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/gcs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/hostpath"
	"github.com/armonik-cdktf/armonik-cdktf/modules/memorystore"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nfs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/pubsub"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
	"github.com/armonik-cdktf/armonik-cdktf/modules/s3"
	"github.com/armonik-cdktf/armonik-cdktf/modules/sqs"
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
		{"rabbitmq", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns})
			return err
		}},
		// TLS on, with the user's certificate Secret.
		{"activemq-tls", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := activemq.New(st, "activemq", activemq.Config{Namespace: ns, TLS: userTLS("activemq-tls")})
			return err
		}},
		{"rabbitmq-tls", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, TLS: userTLS("rabbitmq-tls")})
			return err
		}},
		{"mongodb-tls", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, TLS: userTLS("mongodb-tls")})
			return err
		}},
		{"redis-tls", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := redis.New(st, "redis", redis.Config{Namespace: ns, TLS: userTLS("redis-tls")})
			return err
		}},
		// Shared volumes.
		{"nfs-export", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := nfs.New(st, "nfs", nfs.Config{Namespace: ns, Server: "nfs.example.internal", Path: "/exports/armonik"})
			return err
		}},
		{"nfs-storage-class", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := nfs.New(st, "nfs", nfs.Config{Namespace: ns, StorageClass: "nfs-csi"})
			return err
		}},
		{"hostpath", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := hostpath.New(st, "hostpath", hostpath.Config{})
			return err
		}},
		// Endpoint-only modules, credentials from sensitive variables where they have some.
		{"amazonmq", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := amazonmq.New(st, "amazonmq", amazonmq.Config{Namespace: ns, Host: "b-1234.mq.eu-west-3.amazonaws.com"})
			return err
		}},
		{"sqs", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := sqs.New(st, "sqs", sqs.Config{Region: "eu-west-3"})
			return err
		}},
		{"s3", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := s3.New(st, "s3", s3.Config{Region: "eu-west-3", Bucket: "armonik-objects"})
			return err
		}},
		{"elasticache", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := elasticache.New(st, "elasticache", elasticache.Config{
				Namespace: ns, Host: "master.armonik.abc123.euw3.cache.amazonaws.com", Auth: true,
			})
			return err
		}},
		{"externalmongodb", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns})
			return err
		}},
		{"gcs", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "armonik-objects"})
			return err
		}},
		{"pubsub", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := pubsub.New(st, "pubsub", pubsub.Config{ProjectID: "armonik-project"})
			return err
		}},
		{"memorystore", func(st cdk.Stack, ns *k8s.Namespace) error {
			_, err := memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3", CACertificate: testCA})
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

// userTLS turns TLS on with the user's Secret secret and every other setting at its default.
func userTLS(secret string) modules.TLS { return modules.TLS{Enabled: true, Secret: secret} }

// testCA stands for a CA certificate in PEM (a CA certificate is public; its content does not
// matter at synth time).
const testCA = "-----BEGIN CERTIFICATE-----\nMIIBtestonly\n-----END CERTIFICATE-----\n"

// Every Module is an outputs.ModuleOutputs and an outputs.Reporter: MergePod finds the latter
// by a type assertion, so a module that lost Problems would only stop reporting, silently.
var _ = []interface {
	outputs.ModuleOutputs
	outputs.Reporter
}{
	(*activemq.Module)(nil), (*amazonmq.Module)(nil), (*elasticache.Module)(nil),
	(*externalmongodb.Module)(nil), (*gcs.Module)(nil), (*hostpath.Module)(nil),
	(*memorystore.Module)(nil), (*minio.Module)(nil), (*mongodb.Module)(nil), (*nfs.Module)(nil),
	(*pubsub.Module)(nil), (*rabbitmq.Module)(nil), (*redis.Module)(nil), (*s3.Module)(nil),
	(*sqs.Module)(nil),
}

// newGrid is a test stack with the kubernetes provider and the namespace "grid".
func newGrid(t *testing.T) (cdk.Stack, *k8s.Namespace) {
	t.Helper()
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	return st, must(k8s.NewNamespace(st, "ns", k8s.NamespaceSpec{Name: "grid"}))(t)
}
