package stacks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
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

// Which module backs each role. A choice is a struct with one pointer field per module (its
// YAML key); exactly one may be set. These are the choices of both stacks; each stack accepts
// only its own (in-cluster services for armonik-localhost, managed services for
// armonik-external).

// QueueChoice selects the queue module.
type QueueChoice struct {
	// ActiveMQ deploys ActiveMQ Classic (AMQP 1.0) in the namespace.
	ActiveMQ *activemq.Config `yaml:"activemq,omitempty"`
	// RabbitMQ deploys RabbitMQ (AMQP 1.0) in the namespace.
	RabbitMQ *rabbitmq.Config `yaml:"rabbitmq,omitempty"`
	// AmazonMQ uses an existing Amazon MQ broker (armonik-external).
	AmazonMQ *amazonmq.Config `yaml:"amazonmq,omitempty"`
	// SQS uses Amazon SQS (armonik-external).
	SQS *sqs.Config `yaml:"sqs,omitempty"`
	// PubSub uses Google Pub/Sub (armonik-external).
	PubSub *pubsub.Config `yaml:"pubsub,omitempty"`
}

// TableChoice selects the table-storage module.
type TableChoice struct {
	// MongoDB deploys a single-member MongoDB replica set in the namespace.
	MongoDB *mongodb.Config `yaml:"mongodb,omitempty"`
	// ExternalMongoDB uses an existing MongoDB (Atlas or any connection string) (armonik-external).
	ExternalMongoDB *externalmongodb.Config `yaml:"external_mongodb,omitempty"`
}

// ObjectChoice selects the object-storage module.
type ObjectChoice struct {
	// Redis deploys a Redis server in the namespace.
	Redis *redis.Config `yaml:"redis,omitempty"`
	// MinIO deploys MinIO as the object store (its role is forced to object-storage).
	MinIO *minio.Config `yaml:"minio,omitempty"`
	// NFS uses an NFS export (or an NFS StorageClass) through ArmoniK's LocalStorage adapter.
	NFS *nfs.Config `yaml:"nfs,omitempty"`
	// S3 uses an Amazon S3 bucket (armonik-external).
	S3 *s3.Config `yaml:"s3,omitempty"`
	// ElastiCache uses an Amazon ElastiCache Redis (armonik-external).
	ElastiCache *elasticache.Config `yaml:"elasticache,omitempty"`
	// GCS uses a Google Cloud Storage bucket through its S3 API (armonik-external).
	GCS *gcs.Config `yaml:"gcs,omitempty"`
	// Memorystore uses a Google Memorystore Redis (armonik-external).
	Memorystore *memorystore.Config `yaml:"memorystore,omitempty"`
}

// SharedChoice selects the workers' shared storage: where ArmoniK's DLL worker
// (dockerhubaneo/armonik_worker_dll) reads the application packages. The default dynamic worker
// reads none, so the default is none; a partition running the DLL worker without it is an error.
type SharedChoice struct {
	// MinIO deploys MinIO as the shared storage (armonik-localhost; FileStorageType=S3).
	MinIO *minio.Config `yaml:"minio,omitempty"`
	// HostPath shares a directory of the node (single-node clusters; FileStorageType=FS).
	HostPath *hostpath.Config `yaml:"hostpath,omitempty"`
	// NFS mounts an NFS export or a ReadWriteMany claim read-only at /data (FileStorageType=FS).
	NFS *nfs.Config `yaml:"nfs,omitempty"`
	// S3 uses an Amazon S3 bucket through the pod's AWS identity (armonik-external;
	// FileStorageType=S3).
	S3 *s3.Config `yaml:"s3,omitempty"`
	// GCS uses a Google Cloud Storage bucket through its S3 API with an HMAC key
	// (armonik-external; FileStorageType=S3).
	GCS *gcs.Config `yaml:"gcs,omitempty"`
	// None deploys no shared storage (the default).
	None bool `yaml:"none,omitempty"`
}

// module is a chosen module: where it is in the file, which layer it goes to, how to validate
// and how to build it.
type module struct {
	path     string // e.g. "queue.activemq"
	worker   bool   // worker layer (shared storage) rather than core
	validate func(ns *k8s.Namespace) error
	build    func(scope constructs.Construct, ns *k8s.Namespace) (outputs.ModuleOutputs, error)
}

// stackEnv is what a stack passes to the in-cluster modules unless they set their own.
type stackEnv struct {
	clusterDomain string
	wait          *bool
}

// pick returns the chosen module of a choice struct (nil when none), and reports a choice with
// several modules, or with a module the stack does not accept.
func pick(role string, choice any, allowed []string, env stackEnv) (*module, []error) {
	v := reflect.ValueOf(choice)
	var set []string
	var chosen *module
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		if f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		set = append(set, key)
		chosen = moduleOf(role+"."+key, f.Interface(), env)
	}
	var errs []error
	if len(set) > 1 {
		errs = append(errs, fmt.Errorf("%s: choose one of %s, not %d (%s)", role, strings.Join(allowed, ", "), len(set), strings.Join(set, ", ")))
	}
	for _, k := range set {
		if !slices.Contains(allowed, k) {
			errs = append(errs, fmt.Errorf("%s.%s: not available in this stack (choose one of %s)", role, k, strings.Join(allowed, ", ")))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return chosen, nil
}

// moduleOf wraps one module configuration. The configuration is copied: nothing writes into
// the caller's values.
func moduleOf(path string, cfg any, env stackEnv) *module {
	id := strings.ReplaceAll(path[strings.Index(path, ".")+1:], "_", "-")
	if strings.HasPrefix(path, "shared_storage.") {
		id = "shared-storage"
	}
	m := &module{path: path, worker: strings.HasPrefix(path, "shared_storage.")}
	// Each case sets the namespace (and, for in-cluster services, the stack's cluster domain and
	// wait switch unless the module sets its own), then validates or builds.
	switch c := cfg.(type) {
	case *activemq.Config:
		m.validate, m.build = wrap(*c, func(v *activemq.Config, ns *k8s.Namespace) {
			v.Namespace, v.ClusterDomain, v.Wait = ns, or(v.ClusterDomain, env.clusterDomain), orPtr(v.Wait, env.wait)
		}, activemq.Config.Validate, activemq.New, id)
	case *rabbitmq.Config:
		m.validate, m.build = wrap(*c, func(v *rabbitmq.Config, ns *k8s.Namespace) {
			v.Namespace, v.ClusterDomain, v.Wait = ns, or(v.ClusterDomain, env.clusterDomain), orPtr(v.Wait, env.wait)
		}, rabbitmq.Config.Validate, rabbitmq.New, id)
	case *mongodb.Config:
		m.validate, m.build = wrap(*c, func(v *mongodb.Config, ns *k8s.Namespace) {
			v.Namespace, v.ClusterDomain, v.Wait = ns, or(v.ClusterDomain, env.clusterDomain), orPtr(v.Wait, env.wait)
		}, mongodb.Config.Validate, mongodb.New, id)
	case *redis.Config:
		m.validate, m.build = wrap(*c, func(v *redis.Config, ns *k8s.Namespace) {
			v.Namespace, v.ClusterDomain, v.Wait = ns, or(v.ClusterDomain, env.clusterDomain), orPtr(v.Wait, env.wait)
		}, redis.Config.Validate, redis.New, id)
	case *minio.Config:
		role := minio.RoleObjectStorage
		if m.worker {
			role = minio.RoleSharedStorage
		}
		m.validate, m.build = wrap(*c, func(v *minio.Config, ns *k8s.Namespace) {
			v.Namespace, v.ClusterDomain, v.Wait, v.Role = ns, or(v.ClusterDomain, env.clusterDomain), orPtr(v.Wait, env.wait), role
			if m.worker && v.Name == "" {
				v.Name = "shared-storage"
			}
		}, minio.Config.Validate, minio.New, id)
	case *nfs.Config:
		m.validate, m.build = wrap(*c, func(v *nfs.Config, ns *k8s.Namespace) {
			v.Namespace, v.Role = ns, roleOf(m.worker)
			if m.worker && v.Name == "" {
				v.Name = "shared-storage"
			}
		}, nfs.Config.Validate, nfs.New, id)
	case *hostpath.Config:
		m.validate, m.build = wrap(*c, func(*hostpath.Config, *k8s.Namespace) {}, hostpath.Config.Validate, hostpath.New, id)
	case *amazonmq.Config:
		m.validate, m.build = wrap(*c, func(v *amazonmq.Config, ns *k8s.Namespace) { v.Namespace = ns }, amazonmq.Config.Validate, amazonmq.New, id)
	case *sqs.Config:
		m.validate, m.build = wrap(*c, func(*sqs.Config, *k8s.Namespace) {}, sqs.Config.Validate, sqs.New, id)
	case *pubsub.Config:
		m.validate, m.build = wrap(*c, func(*pubsub.Config, *k8s.Namespace) {}, pubsub.Config.Validate, pubsub.New, id)
	case *externalmongodb.Config:
		m.validate, m.build = wrap(*c, func(v *externalmongodb.Config, ns *k8s.Namespace) { v.Namespace = ns }, externalmongodb.Config.Validate, externalmongodb.New, id)
	case *s3.Config:
		m.validate, m.build = wrap(*c, func(v *s3.Config, _ *k8s.Namespace) {
			v.Role = roleOf(m.worker)
			if m.worker && v.Name == "" {
				v.Name = "shared-storage"
			}
		}, s3.Config.Validate, s3.New, id)
	case *elasticache.Config:
		m.validate, m.build = wrap(*c, func(v *elasticache.Config, ns *k8s.Namespace) { v.Namespace = ns }, elasticache.Config.Validate, elasticache.New, id)
	case *gcs.Config:
		m.validate, m.build = wrap(*c, func(v *gcs.Config, ns *k8s.Namespace) {
			v.Namespace, v.Role = ns, roleOf(m.worker)
			if m.worker && v.Name == "" {
				v.Name = "shared-storage"
			}
		}, gcs.Config.Validate, gcs.New, id)
	case *memorystore.Config:
		m.validate, m.build = wrap(*c, func(v *memorystore.Config, ns *k8s.Namespace) { v.Namespace = ns }, memorystore.Config.Validate, memorystore.New, id)
	default:
		// A choice field without a case here: reported, never a panic (and caught by the tests).
		err := fmt.Errorf("%s: no builder for %T in stacks/modules.go", path, cfg)
		m.validate = func(*k8s.Namespace) error { return err }
		m.build = func(constructs.Construct, *k8s.Namespace) (outputs.ModuleOutputs, error) { return nil, err }
	}
	return m
}

// roleOf is the role of a module listed as shared storage (worker) or as the object store.
func roleOf(worker bool) string {
	if worker {
		return modules.RoleSharedStorage
	}
	return modules.RoleObjectStorage
}

// defaulter is what every module Config has.
type defaulter[C any] interface{ WithDefaults() C }

// wrap turns a module's Config, a function completing it for the stack, its Validate and its
// New into the module's validate and build functions.
func wrap[C defaulter[C], M outputs.ModuleOutputs](
	cfg C, complete func(*C, *k8s.Namespace), validate func(C) error,
	build func(constructs.Construct, string, C) (M, error), id string,
) (func(*k8s.Namespace) error, func(constructs.Construct, *k8s.Namespace) (outputs.ModuleOutputs, error)) {
	prepared := func(ns *k8s.Namespace) C {
		c := cfg
		complete(&c, ns)
		return c
	}
	return func(ns *k8s.Namespace) error {
			return validate(prepared(ns).WithDefaults())
		}, func(scope constructs.Construct, ns *k8s.Namespace) (outputs.ModuleOutputs, error) {
			m, err := build(scope, id, prepared(ns))
			if err != nil {
				return nil, err
			}
			return m, nil
		}
}
