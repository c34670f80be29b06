package stacks

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// LocalhostName is the name of the default stack.
const LocalhostName = "armonik-localhost"

// DefaultLocalhost returns the built-in configuration of armonik-localhost (its defaults are
// applied by NewLocalhost): ActiveMQ, MongoDB, Redis as object store, MinIO as the workers'
// shared storage, one partition.
func DefaultLocalhost() LocalhostConfig { return LocalhostConfig{} }

// Localhost is the synthesized armonik-localhost stack and handles on what it holds.
type Localhost struct {
	Stack     cdk.Stack
	Namespace *k8s.Namespace
	// Modules are the storage modules, in the order they were created.
	Modules []outputs.ModuleOutputs
	ArmoniK *armonik.ArmoniK
}

// NewLocalhost adds the armonik-localhost stack to app: the namespace, the in-cluster backing
// services the configuration chooses, and ArmoniK wired to them. Storage modules go into the
// core layer (before the configuration's own core confs), the shared storage into the worker
// layer.
func NewLocalhost(app constructs.Construct, cfg LocalhostConfig) (*Localhost, error) {
	if errs := cfg.validate(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: invalid configuration:\n%w", LocalhostName, errors.Join(errs...))
	}
	cfg = cfg.WithDefaults()
	st := cdk.NewStack(app, LocalhostName)
	if cfg.StateFile != "" {
		if err := cdk.LocalBackend(st, cfg.StateFile); err != nil {
			return nil, fmt.Errorf("%s: %w", LocalhostName, err)
		}
	}
	if err := k8s.NewProvider(st, "kubernetes", cfg.Kubernetes); err != nil {
		return nil, fmt.Errorf("%s: %w", LocalhostName, err)
	}
	ns, err := k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{
		Name:   cfg.Namespace,
		Labels: map[string]string{"app.kubernetes.io/managed-by": "cdktf"},
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LocalhostName, err)
	}
	out := &Localhost{Stack: st, Namespace: ns}
	var core, worker []outputs.ModuleOutputs
	var errs []error
	add := func(layer *[]outputs.ModuleOutputs, m outputs.ModuleOutputs, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		*layer = append(*layer, m)
		out.Modules = append(out.Modules, m)
	}
	if c := cfg.Queue.ActiveMQ; c != nil {
		c.Namespace = ns
		m, err := activemq.New(st, "activemq", *c)
		add(&core, m, err)
	}
	if c := cfg.TableStorage.MongoDB; c != nil {
		c.Namespace = ns
		m, err := mongodb.New(st, "mongodb", *c)
		add(&core, m, err)
	}
	if c := cfg.ObjectStorage.Redis; c != nil {
		c.Namespace = ns
		m, err := redis.New(st, "redis", *c)
		add(&core, m, err)
	}
	if c := cfg.ObjectStorage.MinIO; c != nil {
		c.Namespace = ns
		m, err := minio.New(st, "minio", *c)
		add(&core, m, err)
	}
	if c := cfg.SharedStorage.MinIO; c != nil {
		c.Namespace = ns
		m, err := minio.New(st, "shared-storage", *c)
		add(&worker, m, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", LocalhostName, errors.Join(errs...))
	}
	a := cfg.ArmoniK
	a.Namespace = ns
	a.Layers.Core = append(armonik.Conf(core), a.Layers.Core...)
	a.Layers.Worker = append(armonik.Conf(worker), a.Layers.Worker...)
	if out.ArmoniK, err = armonik.New(st, "armonik", a); err != nil {
		return nil, fmt.Errorf("%s: %w", LocalhostName, err)
	}
	return out, nil
}

// WithPartitions replaces the partitions of cfg with n partitions named p0..p<n-1> (for
// benchmarks and scale tests).
func WithPartitions(cfg *LocalhostConfig, n int) error {
	if n < 1 {
		return errors.New("at least one partition")
	}
	cfg.ArmoniK.Partitions = nil
	for i := 0; i < n; i++ {
		cfg.ArmoniK.Partitions = append(cfg.ArmoniK.Partitions, armonik.Partition{Name: fmt.Sprintf("p%d", i)})
	}
	return nil
}
