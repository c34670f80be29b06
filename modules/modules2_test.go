package modules_test

// Tests of "Modules II": RabbitMQ, the shared volumes (nfs, hostpath), TLS, NetworkPolicies and
// the endpoint-only modules.

import (
	"fmt"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/amazonmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/elasticache"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/gcs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/hostpath"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
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

// endpointModules are the modules without workloads, each in its usual configuration: amazonmq,
// externalmongodb and memorystore with credentials from sensitive variables, elasticache and
// gcs from existing Secrets.
type endpointModules struct {
	amq  *amazonmq.Module
	sqs  *sqs.Module
	s3   *s3.Module
	ec   *elasticache.Module
	ext  *externalmongodb.Module
	gcs  *gcs.Module
	ps   *pubsub.Module
	ms   *memorystore.Module
	nfs  *nfs.Module // an export
	nfsc *nfs.Module // a StorageClass
	hp   *hostpath.Module
}

func deployEndpoints(t *testing.T, st cdk.Stack, ns *k8s.Namespace) endpointModules {
	t.Helper()
	return endpointModules{
		amq: must(amazonmq.New(st, "amazonmq", amazonmq.Config{Namespace: ns, Host: "b-1234.mq.eu-west-3.amazonaws.com"}))(t),
		sqs: must(sqs.New(st, "sqs", sqs.Config{Region: "eu-west-3"}))(t),
		s3:  must(s3.New(st, "aws-s3", s3.Config{Name: "aws-s3", Region: "eu-west-3", Bucket: "armonik-objects"}))(t),
		ec: must(elasticache.New(st, "elasticache", elasticache.Config{
			Namespace: ns, Host: "master.armonik.abc123.euw3.cache.amazonaws.com", Auth: true, ExistingSecret: "ec-auth",
		}))(t),
		ext:  must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns}))(t),
		gcs:  must(gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "armonik-objects", ExistingSecret: "gcs-hmac"}))(t),
		ps:   must(pubsub.New(st, "pubsub", pubsub.Config{ProjectID: "armonik-project"}))(t),
		ms:   must(memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3", CACertificate: testCA}))(t),
		nfs:  must(nfs.New(st, "nfs", nfs.Config{Namespace: ns, Server: "nfs.example.internal", Path: "/exports/armonik"}))(t),
		nfsc: must(nfs.New(st, "nfs-csi", nfs.Config{Namespace: ns, Name: "nfs-csi", StorageClass: "nfs-csi"}))(t),
		hp:   must(hostpath.New(st, "hostpath", hostpath.Config{}))(t),
	}
}

// tlsModules deploys the four TLS-capable modules with TLS on, each with its own certificate
// Secret.
type tlsModules struct {
	mq *activemq.Module
	rq *rabbitmq.Module
	db *mongodb.Module
	rd *redis.Module
}

func deployTLS(t *testing.T, st cdk.Stack, ns *k8s.Namespace) tlsModules {
	t.Helper()
	no := false
	return tlsModules{
		mq: must(activemq.New(st, "activemq", activemq.Config{Namespace: ns, TLS: userTLS("activemq-tls"), Wait: &no}))(t),
		rq: must(rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, TLS: userTLS("rabbitmq-tls"), Wait: &no}))(t),
		db: must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, TLS: userTLS("mongodb-tls"), Wait: &no}))(t),
		rd: must(redis.New(st, "redis", redis.Config{Namespace: ns, TLS: userTLS("redis-tls"), Wait: &no}))(t),
	}
}

// variableValidation matches the condition of a variable's validation block.
var variableValidation = regexp.MustCompile(`^variable\.[^.]+\.validation\.\d+\.condition$`)

var (
	amqpKeys = map[string]string{
		"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Amqp.QueueBuilder",
		"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll",
		"Amqp__MaxPriority": "10",
	}
	redisKeys = map[string]string{
		"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Redis.ObjectBuilder",
		"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll",
		"Redis__TtlTimeSpan": "1.00:00:00",
	}
	s3Keys = map[string]string{
		"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.S3.ObjectBuilder",
		"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll",
	}
)

// with returns the union of the maps, later ones winning.
func with(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestExactKeysModulesII writes out, from armonik-reference §5.2-5.8, every key each new module
// (and each TLS variant) gives ArmoniK, with its value, source or mount; anything more or less
// fails.
func TestExactKeysModulesII(t *testing.T) {
	st, ns := newGrid(t)
	ep := deployEndpoints(t, st, ns)
	st2, ns2 := newGrid(t)
	tl := deployTLS(t, st2, ns2)
	none := map[string][]string{}
	noRef := map[string]string{}
	for _, c := range []struct {
		module outputs.ModuleOutputs
		name   string
		want   keySet
	}{
		{ep.amq, "amazonmq", keySet{ // §5.3 storage/aws/mq
			Env: with(amqpKeys, map[string]string{
				"Amqp__Host": "b-1234.mq.eu-west-3.amazonaws.com", "Amqp__Port": "5671", "Amqp__Scheme": "AMQPS",
			}),
			EnvSecret: none,
			EnvFromSecret: map[string]string{
				"Amqp__User": "amazonmq-credentials/username", "Amqp__Password": "amazonmq-credentials/password",
			},
		}},
		{ep.sqs, "sqs", keySet{ // §5.4 storage/aws/sqs
			Env: map[string]string{
				"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.SQS.QueueBuilder",
				"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll",
				"SQS__ServiceURL": "https://sqs.eu-west-3.amazonaws.com",
				"SQS__Prefix":     "armonik",
			},
			EnvSecret: none, EnvFromSecret: noRef,
		}},
		{ep.ps, "pubsub", keySet{ // §5.4 storage/gcp/pubsub
			Env: map[string]string{
				"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.PubSub.QueueBuilder",
				"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/pubsub/ArmoniK.Core.Adapters.PubSub.dll",
				"PubSub__ProjectId":  "armonik-project",
				"PubSub__KmsKeyName": "",
				"PubSub__Prefix":     "",
			},
			EnvSecret: none, EnvFromSecret: noRef,
		}},
		{ep.s3, "aws-s3", keySet{ // §5.7 storage/aws/s3
			Env: with(s3Keys, map[string]string{
				"S3__BucketName": "armonik-objects", "S3__UseChecksum": "true", "S3__MustForcePathStyle": "true",
				"S3__UseChunkEncoding": "true", "S3__EndpointUrl": "https://s3.eu-west-3.amazonaws.com",
			}),
			EnvSecret: none, EnvFromSecret: noRef,
		}},
		{ep.gcs, "gcs", keySet{ // §5.7 storage/gcp/gcs
			Env: with(s3Keys, map[string]string{
				"S3__BucketName": "armonik-objects", "S3__UseChecksum": "false", "S3__MustForcePathStyle": "false",
				"S3__UseChunkEncoding": "false", "S3__EndpointUrl": "https://storage.googleapis.com",
			}),
			EnvSecret:     none,
			EnvFromSecret: map[string]string{"S3__Login": "gcs-hmac/access-id", "S3__Password": "gcs-hmac/secret"},
		}},
		{ep.ec, "elasticache", keySet{ // §5.6 storage/aws/elasticache (+ an AUTH token)
			Env: with(redisKeys, map[string]string{
				"Redis__EndpointUrl": "master.armonik.abc123.euw3.cache.amazonaws.com:6379", "Redis__Ssl": "true",
				"Redis__ClientName": "ArmoniK.Core", "Redis__CaPath": "", "Redis__InstanceName": "ArmoniKRedis", "Redis__User": "",
			}),
			EnvSecret:     none,
			EnvFromSecret: map[string]string{"Redis__Password": "ec-auth/auth-token"},
		}},
		{ep.ms, "memorystore", keySet{ // §5.6 storage/gcp/memorystore/redis
			Env: with(redisKeys, map[string]string{
				"Redis__EndpointUrl": "10.0.0.3:6378", "Redis__Ssl": "true", "Redis__ClientName": "ArmoniK.Core",
				"Redis__InstanceName": "ArmoniKRedis", "Redis__CaPath": "/redis/chain.pem", "Redis__User": "",
			}),
			EnvSecret:     none,
			EnvFromSecret: map[string]string{"Redis__Password": "memorystore-credentials/auth-string"},
			Mounts:        map[string]string{"memorystore-ca": "secret memorystore-ca at /redis mode 0444 items [ca.crt->chain.pem:0444]"},
		}},
		{ep.ext, "externalmongodb", keySet{ // §5.5 storage/atlas
			// The connection string carries the rest (Core 0.37.2 ignores Tls, DatabaseName,
			// DirectConnection and AuthSource beside it); Sharding is emitted only when true.
			Env: map[string]string{
				"Components__TableStorage": "ArmoniK.Adapters.MongoDB.TableStorage",
				"MongoDB__DataRetention":   "1.00:00:00",
			},
			EnvSecret:     none,
			EnvFromSecret: map[string]string{"MongoDB__ConnectionString": "externalmongodb-credentials/connection-string"},
		}},
		{ep.nfs, "nfs", keySet{ // §5.8 storage/onpremise/nfs, mount_volume_claim instead of the unconsumed mount_volume
			Env: map[string]string{
				"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.LocalStorage.ObjectBuilder",
				"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/local_storage/ArmoniK.Core.Adapters.LocalStorage.dll",
				"LocalStorage__Path": "/local_storage",
			},
			EnvSecret: none, EnvFromSecret: noRef,
			Mounts: map[string]string{"nfs-data": "claim nfs-data at /local_storage"},
		}},
		{ep.hp, "hostpath", keySet{ // armonik/compute-plane.tf shared-volume, file_storage_type hostpath
			Env:       map[string]string{"FileStorageType": "FS"},
			EnvSecret: none, EnvFromSecret: noRef,
			Mounts: map[string]string{"hostpath": "volume hostPath /data (Directory) at /data ro"},
		}},
		{tl.mq, "activemq", keySet{
			Env: with(amqpKeys, map[string]string{
				"Amqp__Host": "activemq.grid.svc.cluster.local", "Amqp__Port": "5671", "Amqp__Scheme": "AMQPS", "Amqp__CaPath": "/amqp/ca.pem",
			}),
			EnvSecret:     map[string][]string{"activemq-credentials": {"Amqp__User", "Amqp__Password"}},
			EnvFromSecret: noRef,
			Mounts:        map[string]string{"activemq-ca": "secret activemq-tls at /amqp mode 0444 items [ca.crt->ca.pem:0444]"},
		}},
		{tl.rq, "rabbitmq", keySet{
			Env: with(amqpKeys, map[string]string{
				"Amqp__Host": "rabbitmq.grid.svc.cluster.local", "Amqp__Port": "5671", "Amqp__Scheme": "AMQPS", "Amqp__CaPath": "/amqp/ca.pem",
			}),
			EnvSecret:     map[string][]string{"rabbitmq-credentials": {"Amqp__User", "Amqp__Password"}},
			EnvFromSecret: noRef,
			Mounts:        map[string]string{"rabbitmq-ca": "secret rabbitmq-tls at /amqp mode 0444 items [ca.crt->ca.pem:0444]"},
		}},
		{tl.db, "mongodb", keySet{
			Env: map[string]string{
				"Components__TableStorage": "ArmoniK.Adapters.MongoDB.TableStorage",
				"MongoDB__DataRetention":   "1.00:00:00", "MongoDB__CAFile": "/mongodb/certs/ca.crt",
			},
			EnvSecret: none,
			EnvFromSecret: map[string]string{
				"MongoDB__ConnectionString": "mongodb-connection/uri",
			},
			Mounts: map[string]string{"mongodb-ca": "secret mongodb-tls at /mongodb/certs mode 0444 items [ca.crt->ca.crt:0444]"},
		}},
		{tl.rd, "redis", keySet{
			Env: with(redisKeys, map[string]string{
				"Redis__EndpointUrl": "redis.grid.svc.cluster.local:6379", "Redis__Ssl": "true", "Redis__ClientName": "ArmoniK.Core",
				"Redis__InstanceName": "ArmoniKRedis", "Redis__CaPath": "/redis/chain.pem",
			}),
			EnvSecret:     map[string][]string{"redis-credentials": {"Redis__User", "Redis__Password"}},
			EnvFromSecret: noRef,
			Mounts:        map[string]string{"redis-ca": "secret redis-tls at /redis mode 0444 items [ca.crt->chain.pem:0444]"},
		}},
	} {
		if got := c.module.ModuleName(); got != c.name {
			t.Errorf("ModuleName() = %q, want %q", got, c.name)
		}
		if got := keysOf(c.module); !reflect.DeepEqual(got, c.want) {
			t.Errorf("module %q gives\n%s\nwant\n%s", c.name, dump(got), dump(c.want))
		}
	}
}

// caKeys are the keys that name the CA file ArmoniK's containers read.
var caKeys = []string{"Amqp__CaPath", "MongoDB__CAFile", "Redis__CaPath"}

// TestTLSCAMountedWhereKeysPoint wires the TLS modules into ArmoniK and checks, in the merged
// pods and in the rendered JSON, that the CA is mounted exactly where the key points: the
// mount's directory plus the projected item's path is the key's value, the item is the CA key
// of the user's Secret, and nothing else of that Secret (the private key) is projected.
func TestTLSCAMountedWhereKeysPoint(t *testing.T) {
	for _, queue := range []string{"activemq", "rabbitmq"} {
		t.Run(queue, func(t *testing.T) {
			st, ns := newGrid(t)
			tl := deployTLS(t, st, ns)
			q := outputs.ModuleOutputs(tl.mq)
			if queue == "rabbitmq" {
				q = tl.rq
			}
			no := false
			a := must(armonik.New(st, "armonik", armonik.Config{
				Namespace: ns, Wait: &no, Layers: armonik.Layers{Core: armonik.Conf{q, tl.db, tl.rd}},
			}))(t)
			secretOf := map[string]string{"Amqp__CaPath": queue + "-tls", "MongoDB__CAFile": "mongodb-tls", "Redis__CaPath": "redis-tls"}
			checked := 0
			for _, p := range a.Pods {
				vols := map[string]outputs.Volume{}
				for _, v := range p.Volumes {
					vols[v.Name] = v
				}
				for _, c := range p.Containers {
					for _, e := range c.Env {
						if !slices.Contains(caKeys, e.Name) {
							continue
						}
						checked++
						where := p.Name + "/" + c.Name + " " + e.Name + "=" + e.Value
						var found []string
						for _, m := range c.Mounts {
							v := vols[m.Volume]
							if v.Secret == nil || v.Secret.Ref.Name != secretOf[e.Name] {
								continue
							}
							if len(v.Secret.Items) != 1 || v.Secret.Items[0].Key != "ca.crt" {
								t.Errorf("%s: the volume must project the CA key alone, got %+v", where, v.Secret.Items)
								continue
							}
							if v.Secret.Items[0].Mode != "0444" || v.Secret.Mode != "0444" {
								t.Errorf("%s: CA file mode %q (volume %q), want 0444", where, v.Secret.Items[0].Mode, v.Secret.Mode)
							}
							found = append(found, path.Join(m.Path, v.Secret.Items[0].Path))
						}
						if !reflect.DeepEqual(found, []string{e.Value}) {
							t.Errorf("%s: the CA of %s is mounted at %v", where, secretOf[e.Name], found)
						}
					}
				}
			}
			// init, control plane, polling agent: three keys each; the metrics exporter only
			// MongoDB's.
			if checked != 3*3+1 {
				t.Errorf("checked %d CA keys, want 10", checked)
			}

			// The rendered control plane: the file the key names exists in the pod spec.
			_, out := synthtest.Synth(t, st)
			dep := out.Named(t, "kubernetes_deployment_v1", "control-plane")
			cp := synthtest.Containers(dep)["control-plane"]
			for _, k := range caKeys {
				v, _ := synthtest.Env(cp, k)["value"].(string)
				if v == "" {
					t.Errorf("the control plane lacks %s", k)
					continue
				}
				if got := renderedFile(dep, cp, v); got != secretOf[k]+"/ca.crt" {
					t.Errorf("rendered control plane: %s=%s is %q, want the key ca.crt of %s", k, v, got, secretOf[k])
				}
			}
			// Workers never receive the core layer: no CA, no key.
			for _, c := range synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default")) {
				for _, k := range caKeys {
					if c["name"] != "polling-agent" && synthtest.Env(c, k) != nil {
						t.Errorf("worker %v receives %s", c["name"], k)
					}
				}
			}
		})
	}
}

// renderedFile returns "<secret>/<key>" for the Secret key projected at the file p of the
// rendered container c of the workload w, or "" when no mount provides it.
func renderedFile(w, c map[string]any, p string) string {
	mounts, _ := c["volume_mount"].([]any)
	vols, _ := synthtest.Get(w, "spec.template.spec.volume").([]any)
	for _, m := range mounts {
		mp, _ := synthtest.Get(m, "mount_path").(string)
		for _, v := range vols {
			if synthtest.Get(v, "name") != synthtest.Get(m, "name") {
				continue
			}
			items, _ := synthtest.Get(v, "secret.items").([]any)
			for _, it := range items {
				if path.Join(mp, fmt.Sprint(synthtest.Get(it, "path"))) == p {
					return fmt.Sprint(synthtest.Get(v, "secret.secret_name")) + "/" + fmt.Sprint(synthtest.Get(it, "key"))
				}
			}
		}
	}
	return ""
}

// TestTLSServers checks that each server serves TLS with the user's Secret: the certificate, key
// and CA projected from it, and the server configured for TLS only.
func TestTLSServers(t *testing.T) {
	st, ns := newGrid(t)
	deployTLS(t, st, ns)
	_, out := synthtest.Synth(t, st)

	tlsVolume := func(w map[string]any, secret string) {
		t.Helper()
		vols, _ := synthtest.Get(w, "spec.template.spec.volume").([]any)
		for _, v := range vols {
			if synthtest.Get(v, "secret.secret_name") == secret {
				want := []any{
					map[string]any{"key": "tls.crt", "path": "tls.crt"},
					map[string]any{"key": "tls.key", "path": "tls.key"},
					map[string]any{"key": "ca.crt", "path": "ca.crt"},
				}
				if got := synthtest.Get(v, "secret.items"); !reflect.DeepEqual(got, want) || synthtest.Get(v, "secret.default_mode") != "0440" {
					t.Errorf("the %s volume: %v", secret, v)
				}
				return
			}
		}
		t.Errorf("no volume of the Secret %s", secret)
	}

	// ActiveMQ: a PKCS#12 keystore built by openssl from the PEM files, amqp+ssl on 5671.
	mq := out.Named(t, "kubernetes_deployment_v1", "activemq")
	tlsVolume(mq, "activemq-tls")
	init := fmt.Sprint(synthtest.Get(mq, "spec.template.spec.init_container.0.command"))
	if !strings.Contains(init, "openssl pkcs12 -export -in /tls/tls.crt -inkey /tls/tls.key -certfile /tls/ca.crt") ||
		!strings.Contains(init, "-passout env:ARMONIK_KEYSTORE_PASSWORD") {
		t.Errorf("activemq keystore init container: %s", init)
	}
	xml := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "activemq-config"), "data"))
	for _, s := range []string{`amqp+ssl://0.0.0.0:5671`, `keyStoreType="PKCS12"`, `keyStorePassword="$${ARMONIK_KEYSTORE_PASSWORD}"`} {
		if !strings.Contains(xml, s) {
			t.Errorf("activemq.xml lacks %s", s)
		}
	}
	if strings.Contains(xml, "amqp://") {
		t.Error("activemq.xml must not keep a plain AMQP connector with TLS on")
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "activemq-server"), "data.keystore-password"); got != "${random_password.activemq-server-keystore-password.result}" {
		t.Errorf("the keystore password must be generated, got %v", got)
	}

	// RabbitMQ: TLS listener only, the files of the Secret.
	rq := out.Named(t, "kubernetes_stateful_set_v1", "rabbitmq")
	tlsVolume(rq, "rabbitmq-tls")
	conf := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "rabbitmq-config"), "data"))
	for _, s := range []string{"listeners.tcp = none", "listeners.ssl.default = 5671", "ssl_options.certfile = /etc/rabbitmq/tls/tls.crt",
		"ssl_options.keyfile = /etc/rabbitmq/tls/tls.key", "ssl_options.cacertfile = /etc/rabbitmq/tls/ca.crt",
		"deprecated_features.permit.amqp_address_v1 = true"} {
		if !strings.Contains(conf, s) {
			t.Errorf("90-armonik.conf lacks %q", s)
		}
	}

	// MongoDB: requireTLS with the joined PEM file; the probe and rs-init connect with TLS; the
	// connection string asks for TLS (it overrides MongoDB__Tls in Core).
	db := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	tlsVolume(db, "mongodb-tls")
	cs := synthtest.Containers(db)
	args := fmt.Sprint(cs["mongod"]["args"])
	if !strings.Contains(args, "--tlsMode requireTLS --tlsCertificateKeyFile /keyfile/server.pem --tlsCAFile /tls/ca.crt --tlsAllowConnectionsWithoutCertificates") {
		t.Errorf("mongod args %s", args)
	}
	if got := fmt.Sprint(synthtest.Get(db, "spec.template.spec.init_container.0.command")); !strings.Contains(got, "cat /tls/tls.crt /tls/tls.key > /keyfile/server.pem && chmod 0400 /keyfile/server.pem") {
		t.Errorf("mongodb init container %s", got)
	}
	if got := fmt.Sprint(synthtest.Get(cs["mongod"], "readiness_probe.exec.command")); !strings.Contains(got, "--tls --tlsCAFile /tls/ca.crt --tlsAllowInvalidHostnames") {
		t.Errorf("mongodb readiness %s", got)
	}
	if got := synthtest.Env(cs["rs-init"], "MONGOSH_TLS_ARGS")["value"]; got != "--tls --tlsCAFile /tls/ca.crt --tlsAllowInvalidHostnames" {
		t.Errorf("rs-init TLS args %v", got)
	}
	if uri := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_secret_v1", "mongodb-connection"), "data.uri")); !strings.HasSuffix(uri, "&tls=true") {
		t.Errorf("connection string %s must ask for TLS", uri)
	}

	// Redis: TLS only on 6379, clients without certificates; the probe speaks TLS.
	rd := out.Named(t, "kubernetes_deployment_v1", "redis")
	tlsVolume(rd, "redis-tls")
	rc := synthtest.Containers(rd)["redis"]
	if got := fmt.Sprint(rc["args"]); !strings.Contains(got, "--port 0 --tls-port 6379 --tls-cert-file /tls/tls.crt --tls-key-file /tls/tls.key --tls-ca-cert-file /tls/ca.crt --tls-auth-clients no") {
		t.Errorf("redis args %s", got)
	}
	if got := fmt.Sprint(synthtest.Get(rc, "readiness_probe.exec.command")); !strings.Contains(got, "--tls --cacert /tls/ca.crt") {
		t.Errorf("redis readiness %s", got)
	}

	// Services and NetworkPolicies follow the TLS ports.
	for name, port := range map[string]float64{"activemq": 5671, "rabbitmq": 5671, "redis": 6379} {
		if got := synthtest.Get(out.Named(t, "kubernetes_service_v1", name), "spec.port.0.port"); got != port {
			t.Errorf("Service %s port %v, want %v", name, got, port)
		}
		if got := synthtest.Get(out.Named(t, "kubernetes_network_policy_v1", name), "spec.ingress.0.ports.0.port"); got != fmt.Sprint(port) {
			t.Errorf("NetworkPolicy %s port %v, want %v", name, got, port)
		}
	}
}

// consumers returns the pod-template labels of every ArmoniK workload that reads a module:
// the init Job, the control plane, each compute plane (polling agent and workers) and the
// metrics exporter.
func consumers(t *testing.T, out synthtest.JSON, partitions []string) map[string]map[string]any {
	t.Helper()
	labels := func(r map[string]any) map[string]any {
		l, _ := synthtest.Get(r, "spec.template.metadata.labels").(map[string]any)
		return l
	}
	c := map[string]map[string]any{
		"job/init":                    labels(out.Named(t, "kubernetes_job_v1", "init")),
		"deployment/control-plane":    labels(out.Named(t, "kubernetes_deployment_v1", "control-plane")),
		"deployment/metrics-exporter": labels(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter")),
	}
	for _, p := range partitions {
		c["deployment/compute-plane-"+p] = labels(out.Named(t, "kubernetes_deployment_v1", "compute-plane-"+p))
	}
	return c
}

func matches(selector map[string]any, labels map[string]any) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestNetworkPoliciesAdmitEveryConsumer deploys every in-cluster module (MinIO in both roles)
// and ArmoniK with two partitions, and checks each module's NetworkPolicy against the
// synthesized labels: it protects the module's own pods only, on the ports its Service targets,
// admits from the same namespace every consumer (init Job, control plane, every compute plane
// with its polling agent and workers, metrics exporter), and, for MongoDB only, the member
// itself.
func TestNetworkPoliciesAdmitEveryConsumer(t *testing.T) {
	if kit.ConsumerLabel != armonik.LabelPartOf || kit.ConsumerValue != armonik.PartOf {
		t.Fatalf("the policies admit %s=%s, ArmoniK's pods carry %s=%s", kit.ConsumerLabel, kit.ConsumerValue, armonik.LabelPartOf, armonik.PartOf)
	}
	st, all := deployAll(t, false)
	no := false
	parts := []string{"default", "gpu"}
	must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers:     armonik.Layers{Core: armonik.Conf{all.mq, all.db, all.rd}, Worker: armonik.Conf{all.shared}},
		Partitions: []armonik.Partition{{Name: parts[0]}, {Name: parts[1]}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	users := consumers(t, out, parts)

	// The module workloads by instance, with the ports their Services target.
	workloadLabels := map[string]map[string]any{}
	for _, w := range workloads(out) {
		l, _ := synthtest.Get(w.res, "spec.template.metadata.labels").(map[string]any)
		if l["app.kubernetes.io/part-of"] == "armonik-storage" {
			workloadLabels[fmt.Sprint(l["app.kubernetes.io/instance"])] = l
		}
	}
	servicePorts := map[string][]string{}
	for _, s := range out.Resources("kubernetes_service_v1") {
		sel, _ := synthtest.Get(s, "spec.selector").(map[string]any)
		inst := fmt.Sprint(sel["app.kubernetes.io/instance"])
		ports, _ := synthtest.Get(s, "spec.port").([]any)
		for _, p := range ports {
			servicePorts[inst] = append(servicePorts[inst], fmt.Sprint(synthtest.Get(p, "port")))
		}
	}
	policies := out.Resources("kubernetes_network_policy_v1")
	var names []string
	for _, p := range policies {
		name := fmt.Sprint(synthtest.Get(p, "metadata.name"))
		names = append(names, name)
		sel, _ := synthtest.Get(p, "spec.pod_selector.match_labels").(map[string]any)
		own := workloadLabels[name]
		if !matches(sel, own) {
			t.Errorf("policy %s selects %v, not its pods %v", name, sel, own)
		}
		for w, l := range users {
			if matches(sel, l) {
				t.Errorf("policy %s also isolates ArmoniK's %s", name, w)
			}
		}
		if got := synthtest.Get(p, "spec.policy_types"); !reflect.DeepEqual(got, []any{"Ingress"}) {
			t.Errorf("policy %s types %v", name, got)
		}
		rules, _ := synthtest.Get(p, "spec.ingress").([]any)
		if len(rules) != 1 {
			t.Fatalf("policy %s: %d rules", name, len(rules))
		}
		var ports []string
		for _, pp := range synthtest.Get(rules[0], "ports").([]any) {
			ports = append(ports, fmt.Sprint(synthtest.Get(pp, "port")))
			if synthtest.Get(pp, "protocol") != "TCP" {
				t.Errorf("policy %s: port %v", name, pp)
			}
		}
		wantPorts := servicePorts[name]
		if name == "s3" || name == "shared" {
			wantPorts = []string{"9000"} // the S3 API; the console stays closed
		}
		if name == "mongodb" {
			wantPorts = []string{"27017"}
		}
		if !reflect.DeepEqual(ports, wantPorts) {
			t.Errorf("policy %s ports %v, want %v", name, ports, wantPorts)
		}
		peers, _ := synthtest.Get(rules[0], "from").([]any)
		admitsAll := false
		for _, peer := range peers {
			if synthtest.Get(peer, "namespace_selector") != nil || synthtest.Get(peer, "ip_block") != nil {
				t.Errorf("policy %s admits more than pods of its namespace: %v", name, peer)
			}
			psel, _ := synthtest.Get(peer, "pod_selector.match_labels").(map[string]any)
			every := true
			for w, l := range users {
				if !matches(psel, l) {
					every = false
					if reflect.DeepEqual(psel, map[string]any{"app.kubernetes.io/part-of": "armonik"}) {
						t.Errorf("policy %s: ArmoniK's %s (labels %v) is not selected", name, w, l)
					}
				}
			}
			admitsAll = admitsAll || every
		}
		if !admitsAll {
			t.Errorf("policy %s admits no peer that selects every consumer", name)
		}
		wantPeers := 1
		if name == "mongodb" {
			wantPeers = 2
			if !matches(synthtest.Get(peers[1], "pod_selector.match_labels").(map[string]any), own) {
				t.Errorf("the MongoDB policy must admit its own member: %v", peers[1])
			}
		}
		if len(peers) != wantPeers {
			t.Errorf("policy %s has %d peers, want %d", name, len(peers), wantPeers)
		}
	}
	sort.Strings(names)
	if want := []string{"activemq", "mongodb", "rabbitmq", "redis", "s3", "shared"}; !reflect.DeepEqual(names, want) {
		t.Errorf("policies %v, want one per in-cluster instance %v", names, want)
	}

	// Off on request.
	st2, ns2 := newGrid(t)
	for _, err := range []error{
		func() error {
			_, err := activemq.New(st2, "a", activemq.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := rabbitmq.New(st2, "r", rabbitmq.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := mongodb.New(st2, "m", mongodb.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := redis.New(st2, "d", redis.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := minio.New(st2, "o", minio.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, out2 := synthtest.Synth(t, st2); len(out2.Resources("kubernetes_network_policy_v1")) != 0 {
		t.Error("network_policy: false must create no NetworkPolicy")
	}
}

// wireQueueAndTable deploys every in-cluster module plus an external MongoDB and wires ArmoniK
// with the queue and the table store given, Redis as object store and MinIO as shared storage.
func wireQueueAndTable(t *testing.T, queue, table func(allModules, *externalmongodb.Module) outputs.ModuleOutputs) wired {
	t.Helper()
	st, all := deployAll(t, false)
	ext := must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: all.ns}))(t)
	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers: armonik.Layers{Core: armonik.Conf{queue(all, ext), table(all, ext), all.rd}, Worker: armonik.Conf{all.shared}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	return wired{all, a, out}
}

func pickActiveMQ(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs { return a.mq }
func pickRabbitMQ(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs { return a.rq }
func pickMongoDB(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs  { return a.db }
func pickExternal(_ allModules, e *externalmongodb.Module) outputs.ModuleOutputs { return e }

// valuesFrom maps each name a merged container gets from the module to its value or source.
func valuesFrom(c outputs.Container, module string) map[string]string {
	out := map[string]string{}
	for _, e := range c.Env {
		if e.From.Module != module {
			continue
		}
		out[e.Name] = "=" + e.Value
		if e.SecretKey != nil {
			out[e.Name] = "<-" + e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
		}
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			if k.From.Module == module {
				out[f.Prefix+k.Key] = "<-envFrom " + f.Secret.Name
			}
		}
	}
	return out
}

// TestVendorSwapQueue swaps ActiveMQ for RabbitMQ in ArmoniK: in every container, what the other
// modules give is identical; the queue gives the same names, and only Amqp__Host and the
// credentials' Secret differ.
func TestVendorSwapQueue(t *testing.T) {
	amq := wireQueueAndTable(t, pickActiveMQ, pickMongoDB)
	rmq := wireQueueAndTable(t, pickRabbitMQ, pickMongoDB)
	queues := map[string]bool{"activemq": true, "rabbitmq": true}
	reached := 0
	for _, p := range amq.a.Pods {
		for _, c := range p.Containers {
			other := mergedContainer(t, rmq.a, p.Name, c.Name)
			if a, b := withoutModules(c, queues), withoutModules(other, queues); a != b {
				t.Errorf("%s/%s: swapping the queue changed more than its own keys:\n%s\n---\n%s", p.Name, c.Name, a, b)
			}
			va, vr := valuesFrom(c, "activemq"), valuesFrom(other, "rabbitmq")
			if !reflect.DeepEqual(slices.Sorted(maps.Keys(va)), slices.Sorted(maps.Keys(vr))) {
				t.Errorf("%s/%s: ActiveMQ gives %v, RabbitMQ %v: the output keys must be the same", p.Name, c.Name, slices.Sorted(maps.Keys(va)), slices.Sorted(maps.Keys(vr)))
			}
			var changed []string
			for _, k := range slices.Sorted(maps.Keys(va)) {
				if va[k] != vr[k] {
					changed = append(changed, k)
				}
			}
			if len(va) > 0 {
				reached++
				if want := []string{"Amqp__Host", "Amqp__Password", "Amqp__User"}; !reflect.DeepEqual(changed, want) {
					t.Errorf("%s/%s: the swap changed %v, want %v", p.Name, c.Name, changed, want)
				}
				if vr["Amqp__User"] != "<-envFrom rabbitmq-credentials" {
					t.Errorf("%s/%s: RabbitMQ's credentials come from %s", p.Name, c.Name, vr["Amqp__User"])
				}
			}
		}
	}
	if reached != 3 { // init, control plane, polling agent; never the metrics exporter
		t.Errorf("the queue reached %d containers, want 3", reached)
	}
	strip := func(w wired) string {
		c := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
		return renderedWithout(c, []string{"Amqp__"}, []string{"activemq-credentials", "rabbitmq-credentials"})
	}
	if a, b := strip(amq), strip(rmq); a != b {
		t.Errorf("the rendered control plane changed beyond the queue's entries:\n%s\n---\n%s", a, b)
	}
}

// TestVendorSwapTable swaps the in-cluster MongoDB for an external one: only the table store's
// names, values and Secret references change, all of them MongoDB__* or
// Components__TableStorage.
func TestVendorSwapTable(t *testing.T) {
	in := wireQueueAndTable(t, pickActiveMQ, pickMongoDB)
	ext := wireQueueAndTable(t, pickActiveMQ, pickExternal)
	tables := map[string]bool{"mongodb": true, "externalmongodb": true}
	for _, p := range in.a.Pods {
		for _, c := range p.Containers {
			other := mergedContainer(t, ext.a, p.Name, c.Name)
			if a, b := withoutModules(c, tables), withoutModules(other, tables); a != b {
				t.Errorf("%s/%s: swapping the table store changed more than its own keys:\n%s\n---\n%s", p.Name, c.Name, a, b)
			}
			for _, m := range []map[string]string{valuesFrom(c, "mongodb"), valuesFrom(other, "externalmongodb")} {
				for k := range m {
					if k != "Components__TableStorage" && !strings.HasPrefix(k, "MongoDB__") {
						t.Errorf("%s/%s: the table store gives %s", p.Name, c.Name, k)
					}
				}
			}
			if got := valuesFrom(other, "externalmongodb")["MongoDB__ConnectionString"]; len(valuesFrom(c, "mongodb")) > 0 &&
				got != "<-externalmongodb-credentials/connection-string" {
				t.Errorf("%s/%s: the external connection string comes from %q", p.Name, c.Name, got)
			}
		}
	}
	strip := func(w wired) string {
		c := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
		return renderedWithout(c, []string{"MongoDB__", "Components__TableStorage"}, nil)
	}
	if a, b := strip(in), strip(ext); a != b {
		t.Errorf("the rendered control plane changed beyond the table store's entries:\n%s\n---\n%s", a, b)
	}
}

// TestActiveMQAndRabbitMQInOneNamespace deploys both brokers, with and without TLS, in one
// namespace: no two objects of a kind share a name, no RabbitMQ object carries an ActiveMQ name
// (upstream's RabbitMQ module reused activemq, activemq-user...), and their CA mounts differ.
func TestActiveMQAndRabbitMQInOneNamespace(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		st, ns := newGrid(t)
		var mc activemq.Config
		var rc rabbitmq.Config
		if withTLS {
			mc.TLS, rc.TLS = userTLS("activemq-tls"), userTLS("rabbitmq-tls")
		}
		mc.Namespace, rc.Namespace = ns, ns
		mq := must(activemq.New(st, "activemq", mc))(t)
		rq := must(rabbitmq.New(st, "rabbitmq", rc))(t)
		_, out := synthtest.Synth(t, st)
		seen := map[string]bool{}
		for _, n := range kubernetesObjects(out) {
			if seen[n] {
				t.Errorf("tls %v: two objects are called %s", withTLS, n)
			}
			seen[n] = true
		}
		for typ := range out["resource"].(map[string]any) {
			for _, r := range out.Resources(typ) {
				labels, _ := synthtest.Get(r, "metadata.labels").(map[string]any)
				name := fmt.Sprint(synthtest.Get(r, "metadata.name"))
				if labels["app.kubernetes.io/name"] == "rabbitmq" && strings.Contains(name, "activemq") {
					t.Errorf("tls %v: the RabbitMQ %s is called %s", withTLS, typ, name)
				}
			}
		}
		for n := range mq.Outputs().MountSecret {
			if _, dup := rq.Outputs().MountSecret[n]; dup {
				t.Errorf("both brokers mount %s", n)
			}
		}
	}
}

// TestSensitiveVariables is the secret scan of the endpoint-only modules. Their credentials are
// sensitive Terraform variables: declared with type string, sensitive, not nullable and no
// default, and referenced only from the data of the Secret the module creates, exactly as
// ${var.<name>}. A value given to Terraform (TF_VAR_*) never reaches the synthesized JSON.
func TestSensitiveVariables(t *testing.T) {
	const canary = "canaryTfVar9f3"
	want := []string{
		"amazonmq_password", "amazonmq_user", "elasticache_auth_token", "externalmongodb_connection_string",
		"gcs_access_id", "gcs_secret", "memorystore_auth_string",
	}
	for _, v := range want {
		t.Setenv("TF_VAR_"+v, canary)
	}
	st, ns := newGrid(t)
	must(amazonmq.New(st, "amazonmq", amazonmq.Config{Namespace: ns, Host: "b-1234.mq.eu-west-3.amazonaws.com"}))(t)
	must(elasticache.New(st, "elasticache", elasticache.Config{Namespace: ns, Host: "redis.example.internal", Auth: true}))(t)
	must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns}))(t)
	must(gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "armonik-objects"}))(t)
	must(memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3", CACertificate: testCA}))(t)
	raw, out := synthtest.Synth(t, st)
	if strings.Contains(string(raw), canary) {
		t.Fatal("a TF_VAR value reached the synthesized JSON")
	}

	vars, _ := out["variable"].(map[string]any)
	if got := slices.Sorted(maps.Keys(vars)); !reflect.DeepEqual(got, want) {
		t.Errorf("variables %v, want %v", got, want)
	}
	for name, v := range vars {
		d, _ := v.(map[string]any)
		if _, has := d["default"]; has {
			t.Errorf("variable %s has a default", name)
		}
		if d["sensitive"] != true || d["nullable"] != false || d["type"] != "string" || fmt.Sprint(d["description"]) == "" {
			t.Errorf("variable %s = %v, want a described, sensitive, non-nullable string", name, d)
		}
	}
	var all []leaf
	leaves(out, "", &all)
	refs := map[string]int{}
	for _, l := range all {
		if !strings.Contains(l.value, "var.") {
			continue
		}
		if variableValidation.MatchString(l.path) {
			// A validation block checks the variable's value; Terraform never prints it.
			if !strings.HasPrefix(l.value, "${can(") {
				t.Errorf("%s: a validation condition must only test the value: %q", l.path, l.value)
			}
			continue
		}
		if !secretData.MatchString(l.path) {
			t.Errorf("%s refers to a variable outside a Secret's data: %q", l.path, l.value)
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(l.value, "${var."), "}")
		if l.value != "${var."+name+"}" {
			t.Errorf("%s: %q must be exactly one variable reference", l.path, l.value)
		}
		refs[name]++
	}
	for _, v := range want {
		if refs[v] != 1 {
			t.Errorf("variable %s is referenced %d times, want once (in its Secret)", v, refs[v])
		}
	}
	// The Secrets hold nothing else that looks like a credential.
	for id, s := range out.Resources("kubernetes_secret_v1") {
		data, _ := s["data"].(map[string]any)
		for k, v := range data {
			if credentialLooking.MatchString(k) && !strings.HasPrefix(fmt.Sprint(v), "${var.") {
				t.Errorf("Secret %s: %q looks like a credential but is not a variable reference: %v", id, k, v)
			}
		}
	}
	// Two instances with the same name would declare the same variables: an error, not a panic.
	if _, err := amazonmq.New(st, "amazonmq-again", amazonmq.Config{Namespace: ns, Host: "b-1.example.internal"}); err == nil ||
		!strings.Contains(err.Error(), `amazonmq "amazonmq"`) || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a duplicate instance must be an error naming it, got %v", err)
	}
}

// TestExistingSecrets: with existing Secrets, the endpoint modules create nothing and declare no
// variable; ArmoniK reads the user's Secret by name with the configured keys.
func TestExistingSecrets(t *testing.T) {
	st, _ := newGrid(t)
	mods := []outputs.ModuleOutputs{
		must(amazonmq.New(st, "amazonmq", amazonmq.Config{Host: "b-1.example.internal", ExistingSecret: "mq", UserKey: "u", PasswordKey: "p"}))(t),
		must(elasticache.New(st, "elasticache", elasticache.Config{Host: "r.example.internal", Auth: true, ExistingSecret: "ec"}))(t),
		must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{ExistingSecret: "atlas", ConnectionStringKey: "string"}))(t),
		must(gcs.New(st, "gcs", gcs.Config{Bucket: "b-1", ExistingSecret: "hmac"}))(t),
		must(memorystore.New(st, "memorystore", memorystore.Config{Host: "10.0.0.3", ExistingSecret: "ms", CASecret: "ms-ca"}))(t),
	}
	_, out := synthtest.Synth(t, st)
	if _, ok := out["variable"]; ok {
		t.Error("modules with existing Secrets must declare no variable")
	}
	if got := kubernetesObjects(out); len(got) != 0 {
		t.Errorf("modules with existing Secrets must create nothing, got %v", got)
	}
	want := map[string]map[string]string{
		"amazonmq":        {"Amqp__User": "mq/u", "Amqp__Password": "mq/p"},
		"elasticache":     {"Redis__Password": "ec/auth-token"},
		"externalmongodb": {"MongoDB__ConnectionString": "atlas/string"},
		"gcs":             {"S3__Login": "hmac/access-id", "S3__Password": "hmac/secret"},
		"memorystore":     {"Redis__Password": "ms/auth-string"},
	}
	for _, m := range mods {
		o := m.Outputs()
		got := map[string]string{}
		for n, s := range o.EnvFromSecret {
			got[n] = s.Ref.Name + "/" + s.Key
			if s.Ref.Token != "" {
				t.Errorf("%s: %s refers to an existing Secret through a token %q", m.ModuleName(), n, s.Ref.Token)
			}
		}
		if !reflect.DeepEqual(got, want[m.ModuleName()]) {
			t.Errorf("%s reads %v, want %v", m.ModuleName(), got, want[m.ModuleName()])
		}
	}
	if ms := mods[4].Outputs().MountSecret["memorystore-ca"]; ms.Ref.Name != "ms-ca" || ms.Ref.Token != "" {
		t.Errorf("memorystore CA mount %+v, want the existing ms-ca", ms)
	}
}

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

// TestConfigErrorsModulesII gives each new module, and the TLS block, several bad settings at
// once: one error names the module, the instance and every key; nothing is created.
func TestConfigErrorsModulesII(t *testing.T) {
	st, ns := newGrid(t)
	out := checkConfigErrors(t, st, []configErrorCase{
		{"rabbitmq", func() error {
			_, err := rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, User: "guest",
				TLS: userTLS("")})
			return err
		}, []string{
			`rabbitmq "rabbitmq": user: "guest" is RabbitMQ's well-known default user`,
			`rabbitmq "rabbitmq": tls.secret: required with tls.enabled`,
		}},
		{"activemq tls", func() error {
			tls := userTLS("Bad_Secret")
			tls.CAKey, tls.KeyKey, tls.CAPath = "tls.crt", "", "/ca.pem"
			_, err := activemq.New(st, "activemq", activemq.Config{Namespace: ns, TLS: tls})
			return err
		}, []string{
			`activemq "activemq": tls.secret: "Bad_Secret"`,
			`activemq "activemq": tls.ca_key: "tls.crt" is also tls.cert_key`,
			`activemq "activemq": tls.ca_path: "/ca.pem" must be a file in a directory other than /`,
		}},
		{"nfs", func() error {
			_, err := nfs.New(st, "nfs", nfs.Config{Namespace: ns, Server: "nfs!", Path: "exports", StorageClass: "x", Size: "big"})
			return err
		}, []string{
			`nfs "nfs": storage_class: set either server and path`,
			`nfs "nfs": size: "big" is not a positive Kubernetes quantity`,
		}},
		{"nfs export", func() error {
			_, err := nfs.New(st, "nfs", nfs.Config{Namespace: ns, Server: "nfs!", Path: "exports", MountOptions: []string{"a b"}, MountPath: "/"})
			return err
		}, []string{
			`nfs "nfs": server: "nfs!" is neither a DNS name nor an IP address`,
			`nfs "nfs": path: "exports" must be the absolute path of the export`,
			`nfs "nfs": mount_options: option 0 "a b"`,
			`nfs "nfs": mount_path: "/" must be an absolute, clean directory other than /`,
		}},
		{"nfs neither", func() error {
			_, err := nfs.New(st, "nfs", nfs.Config{})
			return err
		}, []string{
			`nfs "nfs": namespace: required`,
			`nfs "nfs": server: required: set server and path (an NFS export) or storage_class`,
		}},
		{"hostpath", func() error {
			_, err := hostpath.New(st, "hostpath", hostpath.Config{Path: "data/", Type: "File"})
			return err
		}, []string{
			`hostpath "hostpath": path: "data/" must be an absolute, clean directory`,
			`hostpath "hostpath": type: "File" must be one of Directory, DirectoryOrCreate`,
		}},
		{"amazonmq", func() error {
			_, err := amazonmq.New(st, "amazonmq", amazonmq.Config{Port: 70000, Scheme: "amqp", UserKey: "k", PasswordKey: "k"})
			return err
		}, []string{
			`amazonmq "amazonmq": host: required`,
			`amazonmq "amazonmq": port: 70000 is not in 1-65535`,
			`amazonmq "amazonmq": scheme: "amqp" must be AMQPS or AMQP`,
			`amazonmq "amazonmq": namespace: required to create the Secret amazonmq-credentials from sensitive variables`,
			`amazonmq "amazonmq": password_key: "k" is also user_key`,
		}},
		{"sqs", func() error {
			_, err := sqs.New(st, "sqs", sqs.Config{Region: "Europe", Prefix: "a b"})
			return err
		}, []string{
			`sqs "sqs": region: "Europe" is not an AWS region`,
			`sqs "sqs": prefix: "a b"`,
		}},
		{"sqs url", func() error {
			_, err := sqs.New(st, "sqs", sqs.Config{Region: "eu-west-3", ServiceURL: "sqs.eu-west-3.amazonaws.com"})
			return err
		}, []string{`sqs "sqs": service_url: "sqs.eu-west-3.amazonaws.com" must be an absolute https:// URL`}},
		{"s3", func() error {
			_, err := s3.New(st, "s3", s3.Config{Region: "eu-west-3", Bucket: "No_Such"})
			return err
		}, []string{`s3 "s3": bucket: "No_Such" is not an S3 bucket name`}},
		{"elasticache", func() error {
			_, err := elasticache.New(st, "elasticache", elasticache.Config{Host: "h.example", User: "u"})
			return err
		}, []string{`elasticache "elasticache": auth: user and existing_secret are only used with auth: true`}},
		{"externalmongodb", func() error {
			_, err := externalmongodb.New(st, "externalmongodb", externalmongodb.Config{ExistingSecret: "atlas", CASecret: "ca", CAPath: "ca.crt", DataRetention: "1d"})
			return err
		}, []string{
			`externalmongodb "externalmongodb": data_retention: "1d" is not a .NET TimeSpan`,
			`externalmongodb "externalmongodb": ca_path: "ca.crt" must be an absolute, clean file path`,
		}},
		{"gcs", func() error {
			_, err := gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "goog-bucket", ExistingSecret: "Bad!"})
			return err
		}, []string{
			`gcs "gcs": bucket: "goog-bucket" is not a Cloud Storage bucket name`,
			`gcs "gcs": existing_secret: "Bad!"`,
		}},
		{"pubsub", func() error {
			_, err := pubsub.New(st, "pubsub", pubsub.Config{ProjectID: "X", KmsKeyName: "key", Prefix: "9"})
			return err
		}, []string{
			`pubsub "pubsub": project_id: "X" is not a Google Cloud project id`,
			`pubsub "pubsub": kms_key_name: "key" must read projects/`,
			`pubsub "pubsub": prefix: "9" must start with a letter`,
		}},
		{"memorystore", func() error {
			_, err := memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3"})
			return err
		}, []string{`memorystore "memorystore": ca_secret: required with ssl`}},
	})
	if _, ok := out["variable"]; ok {
		t.Error("a rejected configuration must declare no variable")
	}
}

// TestDefaultsModulesII pins the documented defaults of the new modules.
func TestDefaultsModulesII(t *testing.T) {
	yes := true
	tls := tlsDefaults("/amqp/ca.pem")
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"rabbitmq", rabbitmq.Config{}.WithDefaults(), rabbitmq.Config{
			Name: "rabbitmq", ClusterDomain: "cluster.local", Image: "rabbitmq", Tag: "4.1-management", PullPolicy: "IfNotPresent",
			User: "armonik", Storage: storage("8Gi"), Wait: &yes, NetworkPolicy: &yes, TLS: tls, AMQP: modules.AMQP{MaxPriority: 10},
		}},
		{"nfs", nfs.Config{}.WithDefaults(), nfs.Config{Name: "nfs", Size: "10Gi", MountPath: "/local_storage", Role: "object-storage"}},
		{"nfs shared", nfs.Config{Role: "shared-storage"}.WithDefaults(), nfs.Config{Name: "nfs", Size: "10Gi", MountPath: "/data", Role: "shared-storage"}},
		{"hostpath", hostpath.Config{}.WithDefaults(), hostpath.Config{Name: "hostpath", Path: "/data", Type: "Directory"}},
		{"amazonmq", amazonmq.Config{}.WithDefaults(), amazonmq.Config{Name: "amazonmq", Port: 5671, Scheme: "AMQPS", UserKey: "username", PasswordKey: "password", AMQP: modules.AMQP{MaxPriority: 10}}},
		{"sqs", sqs.Config{Region: "eu-west-3"}.WithDefaults(), sqs.Config{Name: "sqs", Region: "eu-west-3", Prefix: "armonik", ServiceURL: "https://sqs.eu-west-3.amazonaws.com"}},
		{"s3", s3.Config{Region: "eu-west-3"}.WithDefaults(), s3.Config{Name: "s3", Region: "eu-west-3", EndpointURL: "https://s3.eu-west-3.amazonaws.com", Role: "object-storage"}},
		{"elasticache", elasticache.Config{}.WithDefaults(), elasticache.Config{
			Name: "elasticache", Port: 6379, Ssl: &yes, InstanceName: "ArmoniKRedis", ClientName: "ArmoniK.Core", PasswordKey: "auth-token", TTL: "1.00:00:00",
		}},
		{"externalmongodb", externalmongodb.Config{}.WithDefaults(), externalmongodb.Config{
			Name: "externalmongodb", ConnectionStringKey: "connection-string", DataRetention: "1.00:00:00",
			CAKey: "ca.crt", CAPath: "/mongodb/certs/ca.crt",
		}},
		{"gcs", gcs.Config{}.WithDefaults(), gcs.Config{Name: "gcs", EndpointURL: "https://storage.googleapis.com", AccessIDKey: "access-id", SecretKey: "secret", Role: "object-storage", API: "s3"}},
		{"pubsub", pubsub.Config{}.WithDefaults(), pubsub.Config{Name: "pubsub"}},
		{"memorystore", memorystore.Config{}.WithDefaults(), memorystore.Config{
			Name: "memorystore", Port: 6378, Ssl: &yes, Auth: &yes, InstanceName: "ArmoniKRedis", ClientName: "ArmoniK.Core",
			CAKey: "ca.crt", CAPath: "/redis/chain.pem", PasswordKey: "auth-string", TTL: "1.00:00:00",
		}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s defaults\n got %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
	no := false
	if got := (memorystore.Config{Ssl: &no}).WithDefaults().Port; got != 6379 {
		t.Errorf("memorystore without TLS: port %d, want 6379", got)
	}
}

func storage(size string) modules.Storage { return modules.Storage{Size: size} }
