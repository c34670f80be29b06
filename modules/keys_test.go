package modules_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// keySet is what a module gives a container, in a form that compares literally: env names with
// their values, env_secret sources with their declared keys, env_from_secret names with
// "<secret>/<key>", and the mounts by mount name (nil when there are none), described by
// describeMounts.
type keySet struct {
	Env           map[string]string
	EnvSecret     map[string][]string
	EnvFromSecret map[string]string
	Mounts        map[string]string
	Other         []string
}

func keysOf(m outputs.ModuleOutputs) keySet {
	o := m.Outputs()
	k := keySet{Env: o.Env, EnvSecret: map[string][]string{}, EnvFromSecret: map[string]string{}, Mounts: describeMounts(o)}
	if k.Env == nil {
		k.Env = map[string]string{}
	}
	for _, s := range o.EnvSecret {
		k.EnvSecret[s.Ref.Name] = s.Keys
	}
	for n, s := range o.EnvFromSecret {
		k.EnvFromSecret[n] = s.Ref.Name + "/" + s.Key
	}
	for kind, n := range map[string]int{
		"env_configmap": len(o.EnvConfigMap), "env_from_configmap": len(o.EnvFromConfigMap),
		"mount_configmap": len(o.MountConfigMap),
	} {
		if n > 0 {
			k.Other = append(k.Other, kind)
		}
	}
	return k
}

// describeMounts renders every Secret, volume and claim mount as one line:
//
//	secret <name> at <path> mode <mode> items [<key>-><path>:<mode> ...]
//	volume hostPath <path> (<type>) at <path> [ro]
//	claim <name> at <path> [ro]
func describeMounts(o outputs.Outputs) map[string]string {
	out := map[string]string{}
	for n, m := range o.MountSecret {
		var items []string
		for _, it := range m.Items {
			items = append(items, it.Key+"->"+it.Path+":"+it.Mode)
		}
		out[n] = fmt.Sprintf("secret %s at %s mode %s items %v", m.Ref.Name, m.Path, m.Mode, items)
	}
	for n, m := range o.MountVolume {
		src := "?"
		switch {
		case m.HostPath != nil:
			src = fmt.Sprintf("hostPath %s (%s)", m.HostPath.Path, m.HostPath.Type)
		case m.NFS != nil:
			src = fmt.Sprintf("nfs %s:%s", m.NFS.Server, m.NFS.Path)
		case m.EmptyDir != nil:
			src = "emptyDir"
		}
		out[n] = fmt.Sprintf("volume %s at %s%s", src, m.Path, ro(m.ReadOnly))
	}
	for n, m := range o.MountVolumeClaim {
		out[n] = fmt.Sprintf("claim %s at %s%s", m.Claim.Name, m.Path, ro(m.ReadOnly))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func ro(b bool) string {
	if b {
		return " ro"
	}
	return ""
}

// allModules deploys one instance of each in-cluster module (MinIO in both roles) in the
// namespace "grid" with the cluster domain "example.internal".
type allModules struct {
	ns     *k8s.Namespace
	mq     *activemq.Module
	db     *mongodb.Module
	rd     *redis.Module
	s3     *minio.Module // object storage
	shared *minio.Module // workers' shared storage
	rq     *rabbitmq.Module
}

func deployAll(t *testing.T, wait bool) (cdk.Stack, allModules) {
	t.Helper()
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	ns := must(k8s.NewNamespace(st, "ns", k8s.NamespaceSpec{Name: "grid"}))(t)
	const domain = "example.internal"
	w := &wait
	return st, allModules{
		ns: ns,
		mq: must(activemq.New(st, "activemq", activemq.Config{Namespace: ns, ClusterDomain: domain, Wait: w}))(t),
		db: must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, ClusterDomain: domain, Wait: w}))(t),
		rd: must(redis.New(st, "redis", redis.Config{Namespace: ns, ClusterDomain: domain, Wait: w}))(t),
		s3: must(minio.New(st, "s3", minio.Config{Namespace: ns, Name: "s3", ClusterDomain: domain, Wait: w}))(t),
		shared: must(minio.New(st, "shared", minio.Config{
			Namespace: ns, Name: "shared", Role: minio.RoleSharedStorage, ClusterDomain: domain, Wait: w,
		}))(t),
		rq: must(rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, ClusterDomain: domain, Wait: w}))(t),
	}
}

// TestExactKeys writes out, from armonik-reference §5, every key each module gives ArmoniK,
// with its value or source; anything more or less fails.
func TestExactKeys(t *testing.T) {
	_, all := deployAll(t, false)
	for _, c := range []struct {
		module outputs.ModuleOutputs
		name   string
		want   keySet
	}{
		{all.mq, "activemq", keySet{
			Env: map[string]string{
				"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Amqp.QueueBuilder",
				"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll",
				"Amqp__Host":        "activemq.grid.svc.example.internal",
				"Amqp__Port":        "5672",
				"Amqp__Scheme":      "AMQP",
				"Amqp__MaxPriority": "10",
			},
			EnvSecret:     map[string][]string{"activemq-credentials": {"Amqp__User", "Amqp__Password"}},
			EnvFromSecret: map[string]string{},
		}},
		{all.db, "mongodb", keySet{
			// The connection string makes Host, Port, User, Password, Tls, ReplicaSet,
			// DirectConnection, AuthSource and DatabaseName dead in Core 0.37.2: none is emitted.
			Env: map[string]string{
				"Components__TableStorage": "ArmoniK.Adapters.MongoDB.TableStorage",
				"MongoDB__DataRetention":   "1.00:00:00",
			},
			EnvSecret: map[string][]string{},
			EnvFromSecret: map[string]string{
				"MongoDB__ConnectionString": "mongodb-connection/uri",
			},
		}},
		{all.rd, "redis", keySet{
			Env: map[string]string{
				"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Redis.ObjectBuilder",
				"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll",
				"Redis__EndpointUrl":  "redis.grid.svc.example.internal:6379",
				"Redis__Ssl":          "false",
				"Redis__ClientName":   "ArmoniK.Core",
				"Redis__InstanceName": "ArmoniKRedis",
				"Redis__TtlTimeSpan":  "1.00:00:00",
			},
			EnvSecret:     map[string][]string{"redis-credentials": {"Redis__User", "Redis__Password"}},
			EnvFromSecret: map[string]string{},
		}},
		{all.s3, "s3", keySet{
			Env: map[string]string{
				"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.S3.ObjectBuilder",
				"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll",
				"S3__EndpointUrl":        "http://s3.grid.svc.example.internal:9000",
				"S3__BucketName":         "minio-bucket",
				"S3__MustForcePathStyle": "true",
				"S3__UseChecksum":        "true",
				"S3__UseChunkEncoding":   "true",
			},
			EnvSecret:     map[string][]string{"s3-credentials": {"S3__Login", "S3__Password"}},
			EnvFromSecret: map[string]string{},
		}},
		{all.shared, "shared", keySet{
			Env: map[string]string{
				"FileStorageType":               "S3",
				"S3Storage__ServiceURL":         "http://shared.grid.svc.example.internal:9000",
				"S3Storage__BucketName":         "minio-bucket",
				"S3Storage__MustForcePathStyle": "true",
			},
			EnvSecret:     map[string][]string{"shared-credentials": {"S3Storage__AccessKeyId", "S3Storage__SecretAccessKey"}},
			EnvFromSecret: map[string]string{},
		}},
		// RabbitMQ: the same keys as ActiveMQ (armonik-reference §5.2), its own Secret.
		{all.rq, "rabbitmq", keySet{
			Env: map[string]string{
				"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Amqp.QueueBuilder",
				"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll",
				"Amqp__Host":        "rabbitmq.grid.svc.example.internal",
				"Amqp__Port":        "5672",
				"Amqp__Scheme":      "AMQP",
				"Amqp__MaxPriority": "10",
			},
			EnvSecret:     map[string][]string{"rabbitmq-credentials": {"Amqp__User", "Amqp__Password"}},
			EnvFromSecret: map[string]string{},
		}},
	} {
		if got := c.module.ModuleName(); got != c.name {
			t.Errorf("ModuleName() = %q, want %q", got, c.name)
		}
		if got := keysOf(c.module); !reflect.DeepEqual(got, c.want) {
			t.Errorf("module %q gives\n%s\nwant\n%s", c.name, dump(got), dump(c.want))
		}
	}
	// Every reference renders as the created object's Terraform name, so ArmoniK's pods come
	// after the Secrets.
	for _, m := range []outputs.ModuleOutputs{all.mq, all.db, all.rd, all.s3, all.shared, all.rq} {
		o := m.Outputs()
		for _, s := range o.EnvSecret {
			if !strings.HasPrefix(s.Ref.Token, "${TfToken[") {
				t.Errorf("module %q: env_secret %q has no Terraform token", m.ModuleName(), s.Ref.Name)
			}
		}
		for n, s := range o.EnvFromSecret {
			if !strings.HasPrefix(s.Ref.Token, "${TfToken[") {
				t.Errorf("module %q: env_from_secret %q has no Terraform token", m.ModuleName(), n)
			}
		}
	}
}

func dump(k keySet) string {
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(k.Env)) {
		fmt.Fprintf(&b, "  env %s=%s\n", n, k.Env[n])
	}
	for _, n := range slices.Sorted(maps.Keys(k.EnvSecret)) {
		fmt.Fprintf(&b, "  env_secret %s %v\n", n, k.EnvSecret[n])
	}
	for _, n := range slices.Sorted(maps.Keys(k.EnvFromSecret)) {
		fmt.Fprintf(&b, "  env_from_secret %s <- %s\n", n, k.EnvFromSecret[n])
	}
	for _, n := range slices.Sorted(maps.Keys(k.Mounts)) {
		fmt.Fprintf(&b, "  mount %s: %s\n", n, k.Mounts[n])
	}
	if len(k.Other) > 0 {
		fmt.Fprintf(&b, "  other kinds: %v\n", k.Other)
	}
	return b.String()
}

// received lists the names a merged container gets: explicit env and the declared keys of its
// envFrom sources, sorted; secrets lists the Secrets it reads.
func received(c outputs.Container) (names, secrets []string) {
	seen := map[string]bool{}
	for _, e := range c.Env {
		names = append(names, e.Name)
		if e.SecretKey != nil && !seen[e.SecretKey.Ref.Name] {
			seen[e.SecretKey.Ref.Name] = true
			secrets = append(secrets, e.SecretKey.Ref.Name)
		}
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			names = append(names, f.Prefix+k.Key)
		}
		if f.Secret != nil && !seen[f.Secret.Name] {
			seen[f.Secret.Name] = true
			secrets = append(secrets, f.Secret.Name)
		}
	}
	sort.Strings(names)
	sort.Strings(secrets)
	return names, secrets
}

// coreKeys are the names the default storage (ActiveMQ, MongoDB, Redis) gives the control
// plane and the polling agents, from armonik-reference §5.
var coreKeys = []string{
	"Amqp__Host", "Amqp__MaxPriority", "Amqp__Password", "Amqp__Port", "Amqp__Scheme", "Amqp__User",
	"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath",
	"Components__ObjectStorageAdaptorSettings__ClassName",
	"Components__QueueAdaptorSettings__AdapterAbsolutePath",
	"Components__QueueAdaptorSettings__ClassName",
	"Components__TableStorage",
	"MongoDB__ConnectionString", "MongoDB__DataRetention",
	"Redis__ClientName", "Redis__EndpointUrl", "Redis__InstanceName", "Redis__Password", "Redis__Ssl", "Redis__TtlTimeSpan", "Redis__User",
}

// workerKeys are the names the shared-storage MinIO gives the workers.
var workerKeys = []string{
	"FileStorageType", "S3Storage__AccessKeyId", "S3Storage__BucketName", "S3Storage__MustForcePathStyle",
	"S3Storage__SecretAccessKey", "S3Storage__ServiceURL",
}

// TestKeysReachingContainers merges the modules the way design §4 lists them (storage in the
// core layer of the control plane and the polling agent, the shared storage in the worker
// layer, which workers get instead of core) and checks the exact names each container gets.
// The same check through the ArmoniK construct belongs with constructs/armonik.
func TestKeysReachingContainers(t *testing.T) {
	_, all := deployAll(t, false)
	core := outputs.ModulesLayer("core", all.mq, all.db, all.rd)
	pod, err := outputs.MergePod("compute-plane-default", []outputs.ContainerLayers{
		{Name: "polling-agent", Layers: []outputs.Layer{core}},
		{Name: "worker", Layers: []outputs.Layer{outputs.ModulesLayer("worker", all.shared)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	control, err := outputs.MergePod("control-plane", []outputs.ContainerLayers{{Name: "control-plane", Layers: []outputs.Layer{core}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		container           outputs.Container
		wantNames, wantSecs []string
	}{
		{control.Containers[0], coreKeys, []string{"activemq-credentials", "mongodb-connection", "redis-credentials"}},
		{pod.Containers[0], coreKeys, []string{"activemq-credentials", "mongodb-connection", "redis-credentials"}},
		{pod.Containers[1], workerKeys, []string{"shared-credentials"}},
	} {
		names, secrets := received(c.container)
		if !reflect.DeepEqual(names, c.wantNames) {
			t.Errorf("container %q receives\n  %v\nwant\n  %v", c.container.Name, names, c.wantNames)
		}
		if !reflect.DeepEqual(secrets, c.wantSecs) {
			t.Errorf("container %q reads the Secrets %v, want %v", c.container.Name, secrets, c.wantSecs)
		}
	}
	// No module gives a mount, so the pods get no volume from them.
	if len(pod.Volumes)+len(control.Volumes) != 0 {
		t.Errorf("storage modules must not add volumes, got %v %v", pod.Volumes, control.Volumes)
	}
}

// TestTwoObjectStoresConflict lists Redis and an object-storage MinIO in one core layer: the
// merge must fail with an error naming both modules and the clashing adapter key.
func TestTwoObjectStoresConflict(t *testing.T) {
	_, all := deployAll(t, false)
	_, err := outputs.MergePod("control-plane", []outputs.ContainerLayers{{
		Name: "control-plane", Layers: []outputs.Layer{outputs.ModulesLayer("core", all.mq, all.db, all.rd, all.s3)},
	}})
	if err == nil {
		t.Fatal("two object stores in core were accepted")
	}
	var found bool
	for _, p := range outputs.Problems(err) {
		if p.Key == "Components__ObjectStorageAdaptorSettings__ClassName" {
			found = true
			msg := p.Error()
			if !strings.Contains(msg, `"redis"`) || !strings.Contains(msg, `"s3"`) {
				t.Errorf("the conflict must name both modules: %s", msg)
			}
		}
	}
	if !found {
		t.Errorf("no conflict on the object adapter's class name:\n%v", err)
	}
	// The shared storage and the object store do not clash: their keys differ.
	if _, err := outputs.MergePod("p", []outputs.ContainerLayers{{
		Name: "c", Layers: []outputs.Layer{outputs.ModulesLayer("core", all.mq, all.db, all.s3, all.shared)},
	}}); err != nil {
		t.Errorf("object-storage and shared-storage MinIO must not conflict: %v", err)
	}
}

// TestVendorSwap replaces Redis by an object-storage MinIO: only the object store's names,
// values and Secret change; the queue's and the table store's stay identical.
func TestVendorSwap(t *testing.T) {
	_, all := deployAll(t, false)
	merge := func(object outputs.ModuleOutputs) map[string]string {
		t.Helper()
		pod, err := outputs.MergePod("control-plane", []outputs.ContainerLayers{{
			Name: "control-plane", Layers: []outputs.Layer{outputs.ModulesLayer("core", all.mq, all.db, object)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		c := pod.Containers[0]
		for _, e := range c.Env {
			v := "literal " + e.Value
			if e.SecretKey != nil {
				v = "secret " + e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
			}
			out[e.Name] = e.From.Module + ": " + v
		}
		for _, f := range c.EnvFrom {
			for _, k := range f.Keys {
				out[f.Prefix+k.Key] = f.From.Module + ": envFrom " + f.Secret.Name
			}
		}
		return out
	}
	withRedis, withMinio := merge(all.rd), merge(all.s3)
	var changed []string
	for _, n := range slices.Sorted(maps.Keys(union(withRedis, withMinio))) {
		if withRedis[n] != withMinio[n] {
			changed = append(changed, n)
			for _, v := range []string{withRedis[n], withMinio[n]} {
				if v != "" && !strings.HasPrefix(v, "redis: ") && !strings.HasPrefix(v, "s3: ") {
					t.Errorf("%s changed but comes from %s", n, v)
				}
			}
		}
	}
	want := []string{
		"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath",
		"Components__ObjectStorageAdaptorSettings__ClassName",
		"Redis__ClientName", "Redis__EndpointUrl", "Redis__InstanceName", "Redis__Password", "Redis__Ssl", "Redis__TtlTimeSpan", "Redis__User",
		"S3__BucketName", "S3__EndpointUrl", "S3__Login", "S3__MustForcePathStyle", "S3__Password", "S3__UseChecksum", "S3__UseChunkEncoding",
	}
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("swapping Redis for MinIO changed\n  %v\nwant\n  %v", changed, want)
	}
}

func union(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

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

// TestExactKeysOfEndpointModulesAndTLS writes out, from armonik-reference §5.2-5.8, every key each endpoint-only
// module, RabbitMQ, the volume modules and each TLS variant give ArmoniK, with its value, source or mount; anything more or less
// fails.
func TestExactKeysOfEndpointModulesAndTLS(t *testing.T) {
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
