package modules_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
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
	"github.com/armonik-cdktf/armonik-cdktf/modules/nats"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nfs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/pubsub"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
	"github.com/armonik-cdktf/armonik-cdktf/modules/s3"
	"github.com/armonik-cdktf/armonik-cdktf/modules/sqs"
)

// configErrorCase is a bad configuration of a module: build calls its New, want holds every
// problem the error must report (a part of each line), and no other.
type configErrorCase struct {
	module string
	build  func() error
	want   []string
}

// checkConfigErrors builds each case on st and checks its error, then that st holds no
// Kubernetes object; it returns the synthesized stack for more checks.
func checkConfigErrors(t *testing.T, st cdk.Stack, cases []configErrorCase) synthtest.JSON {
	t.Helper()
	for _, c := range cases {
		err := c.build()
		if err == nil {
			t.Errorf("%s: bad configuration accepted", c.module)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the error lacks %q:\n%v", c.module, w, err)
			}
		}
		if n := len(strings.Split(err.Error(), "\n")); n != len(c.want) {
			t.Errorf("%s: %d problems reported, want %d:\n%v", c.module, n, len(c.want), err)
		}
	}
	_, out := synthtest.Synth(t, st)
	if got := kubernetesObjects(out); len(got) != 0 {
		t.Errorf("a rejected configuration must create nothing, got %v", got)
	}
	return out
}

// TestConfigErrorsCollected gives each module several bad settings at once: New returns one
// error naming the module, the instance and every key, and creates nothing.
func TestConfigErrorsCollected(t *testing.T) {
	st, ns := newStack(t)
	checkConfigErrors(t, st, []configErrorCase{
		{"activemq", func() error {
			_, err := activemq.New(st, "activemq", activemq.Config{
				Name: "Bad_Name", PullPolicy: "Sometimes", User: "a b", JavaMemory: "1g",
				Storage: modules.Storage{Size: "lots"},
			})
			return err
		}, []string{
			`activemq "Bad_Name": name: "Bad_Name": a DNS-1035 label`,
			`activemq "Bad_Name": namespace: required`,
			`activemq "Bad_Name": pull_policy: "Sometimes" must be Always, IfNotPresent or Never`,
			`activemq "Bad_Name": user: "a b"`,
			`activemq "Bad_Name": java_memory: "1g" is not a JVM memory option`,
			`activemq "Bad_Name": storage.size: "lots" is not a Kubernetes quantity`,
		}},
		{"mongodb", func() error {
			_, err := mongodb.New(st, "mongodb", mongodb.Config{
				Namespace: ns, Replicas: 4, DatabaseName: "admin", User: "root", ReplicaSet: "rs 0",
				ClusterDomain: "bad_domain!", Resources: k8s.Resources{Limits: map[string]string{"memory": "lots"}},
			})
			return err
		}, []string{
			`mongodb "mongodb": replicas: 4 must be 1, 3, 5 or 7: an odd number of members`,
			`mongodb "mongodb": database_name: "admin" is a MongoDB system database`,
			`mongodb "mongodb": user: "root" is the root user`,
			`mongodb "mongodb": replica_set: "rs 0"`,
			`mongodb "mongodb": cluster_domain: "bad_domain!"`,
			`mongodb "mongodb": resources.limits.memory: "lots" is not a Kubernetes quantity`,
		}},
		{"redis", func() error {
			_, err := redis.New(st, "redis", redis.Config{
				Namespace: ns, Name: "this-name-is-far-too-long-for-the-derived-names", MaxMemory: "2 gigs",
				MaxMemoryPolicy: "random", ClientName: "has space",
				Storage:     modules.Storage{StorageClass: "Bad_Class"},
				Tolerations: []k8s.Toleration{{Key: "k", Operator: "Maybe", Effect: "Never"}},
			})
			return err
		}, []string{
			`name: "this-name-is-far-too-long-for-the-derived-names" is 47 characters long; at most 40`,
			`max_memory: "2 gigs" is not a Redis memory size`,
			`max_memory_policy: "random" must be one of noeviction,`,
			`client_name: "has space" must be non-empty without spaces`,
			`storage.storage_class: "Bad_Class"`,
			`tolerations[0].operator: "Maybe" must be Equal or Exists`,
			`tolerations[0].effect: "Never" must be NoSchedule`,
		}},
		{"minio", func() error {
			_, err := minio.New(st, "minio", minio.Config{
				Namespace: ns, Role: "archive", Bucket: "Bad_Bucket", User: "ab", Image: " ",
				NodeSelector: map[string]string{"bad key!": "v"},
			})
			return err
		}, []string{
			`minio "minio": role: "archive" must be "object-storage", "shared-storage" or "backup"`,
			`minio "minio": bucket: "Bad_Bucket" is not an S3 bucket name`,
			`minio "minio": user: "ab" must be 3 to 64`,
			`minio "minio": image: required`,
			`minio "minio": node_selector: key "bad key!"`,
		}},
	})
}

// TestDefaults pins each module's documented defaults.
func TestDefaults(t *testing.T) {
	yes := true
	if got, want := (activemq.Config{}).WithDefaults(), (activemq.Config{
		Name: "activemq", ClusterDomain: "cluster.local", Image: "apache/activemq-classic", Tag: "6.2.1",
		PullPolicy: "IfNotPresent", User: "armonik", JavaMemory: "-Xms1g -Xmx3g",
		Storage: modules.Storage{Size: "8Gi"}, Wait: &yes, NetworkPolicy: &yes, TLS: tlsDefaults("/amqp/ca.pem"),
		AMQP: modules.AMQP{MaxPriority: 10},
	}); !reflect.DeepEqual(got, want) {
		t.Errorf("activemq defaults\n got %+v\nwant %+v", got, want)
	}
	if got, want := (mongodb.Config{}).WithDefaults(), (mongodb.Config{
		Name: "mongodb", ClusterDomain: "cluster.local", Image: "mongo", Tag: "8.2.5", PullPolicy: "IfNotPresent",
		Replicas: 1, ReplicaSet: "rs0", DatabaseName: "database", User: "armonik", DataRetention: "1.00:00:00",
		Storage: modules.Storage{Size: "8Gi"}, Wait: &yes, NetworkPolicy: &yes, TLS: tlsDefaults("/mongodb/certs/ca.crt"),
		AntiAffinity: "preferred",
	}); !reflect.DeepEqual(got, want) {
		t.Errorf("mongodb defaults\n got %+v\nwant %+v", got, want)
	}
	if got, want := (redis.Config{}).WithDefaults(), (redis.Config{
		Name: "redis", ClusterDomain: "cluster.local", Image: "redis", Tag: "8.6.0-alpine", PullPolicy: "IfNotPresent",
		InstanceName: "ArmoniKRedis", ClientName: "ArmoniK.Core", MaxMemoryPolicy: "noeviction", AppendOnly: &yes, TTL: "1.00:00:00",
		Resources: k8s.Resources{Requests: map[string]string{"memory": "1Gi"}, Limits: map[string]string{"memory": "4Gi"}},
		Storage:   modules.Storage{Size: "8Gi"}, Wait: &yes, NetworkPolicy: &yes, TLS: tlsDefaults("/redis/chain.pem"),
	}); !reflect.DeepEqual(got, want) {
		t.Errorf("redis defaults\n got %+v\nwant %+v", got, want)
	}
	if got, want := (minio.Config{}).WithDefaults(), (minio.Config{
		Name: "minio", Role: "object-storage", ClusterDomain: "cluster.local", Image: "quay.io/minio/minio",
		Tag: "RELEASE.2025-09-07T16-13-09Z", PullPolicy: "IfNotPresent", User: "armonik", Bucket: "minio-bucket",
		Storage: modules.Storage{Size: "10Gi"}, Wait: &yes, NetworkPolicy: &yes,
	}); !reflect.DeepEqual(got, want) {
		t.Errorf("minio defaults\n got %+v\nwant %+v", got, want)
	}
	// Set values are kept.
	no := false
	c := (redis.Config{Name: "cache", AppendOnly: &no, Wait: &no, Tag: "8"}).WithDefaults()
	if c.Name != "cache" || *c.AppendOnly || *c.Wait || c.Tag != "8" {
		t.Errorf("WithDefaults must keep set values: %+v", c)
	}
}

// TestConfigTags checks that every Config field has matching snake_case json and yaml tags,
// except Namespace, Role and Core, which the caller sets and a file never holds.
func TestConfigTags(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, cfg := range []any{
		activemq.Config{}, mongodb.Config{}, mongodb.Backup{}, mongodb.BackupMinIO{}, mongodb.BackupS3{}, redis.Config{}, minio.Config{},
		modules.Storage{}, modules.TLS{}, modules.AMQP{},
		rabbitmq.Config{}, nfs.Config{}, hostpath.Config{}, amazonmq.Config{}, sqs.Config{}, s3.Config{},
		elasticache.Config{}, externalmongodb.Config{}, gcs.Config{}, pubsub.Config{}, memorystore.Config{}, nats.Config{},
	} {
		typ := reflect.TypeOf(cfg)
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			j, y := f.Tag.Get("json"), f.Tag.Get("yaml")
			switch {
			case f.Name == "Namespace" || f.Name == "Role" || f.Name == "Core" || f.Name == "Clients":
				// Set by the caller (the stacks set Role from where the module is listed, Core
				// from armonik.version; a module that deploys a store sets its Clients).
				if j != "-" || y != "-" {
					t.Errorf("%s.%s must be tagged json:\"-\" yaml:\"-\"", typ, f.Name)
				}
				continue
			case f.Anonymous:
				if j != ",inline" || y != ",inline" {
					t.Errorf("%s.%s: an embedded struct must be tagged json:\",inline\" yaml:\",inline\"", typ, f.Name)
				}
				continue
			}
			name := strings.Split(j, ",")[0]
			if j != y || !snake.MatchString(name) || !strings.HasSuffix(j, ",omitempty") {
				t.Errorf("%s.%s: tags json:%q yaml:%q, want the same snake_case name with omitempty", typ, f.Name, j, y)
			}
		}
	}
}

// TestImagePinnedByDigest uses the image alone when it holds a digest.
func TestImagePinnedByDigest(t *testing.T) {
	st, ns := newStack(t)
	const img = "registry.example/redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	must(redis.New(st, "redis", redis.Config{Namespace: ns, Image: img}))(t)
	_, out := synthtest.Synth(t, st)
	if got := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "redis"))["redis"]["image"]; got != img {
		t.Errorf("image %v, want %s", got, img)
	}
}

// tlsDefaults is TLS off with its documented defaults and the module's CA path.
func tlsDefaults(caPath string) modules.TLS {
	return modules.TLS{CertKey: "tls.crt", KeyKey: "tls.key", CAKey: "ca.crt", CAPath: caPath}
}

// TestConfigErrorsOfRabbitMQTLSVolumesAndEndpoints gives RabbitMQ, the volume and endpoint modules, and the TLS block, several bad settings at
// once: one error names the module, the instance and every key; nothing is created.
func TestConfigErrorsOfRabbitMQTLSVolumesAndEndpoints(t *testing.T) {
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

// TestDefaultsOfRabbitMQVolumesAndEndpoints pins the documented defaults of RabbitMQ, the volume modules and the
// endpoint-only modules (TestDefaults pins the others).
func TestDefaultsOfRabbitMQVolumesAndEndpoints(t *testing.T) {
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
