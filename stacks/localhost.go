package stacks

import (
	"errors"
	"fmt"
	"maps"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// LocalhostName is the name of the default stack.
const LocalhostName = "armonik-localhost"

// DefaultLocalhost returns the built-in configuration of armonik-localhost (its defaults are
// applied by NewLocalhost): ActiveMQ, MongoDB, Redis as object store, one partition running
// ArmoniK's dynamic worker, which reads no shared storage (so there is none by default).
func DefaultLocalhost() LocalhostConfig { return LocalhostConfig{} }

// Stack is a synthesized stack and handles on what it holds.
type Stack struct {
	Stack     cdk.Stack
	Namespace *k8s.Namespace
	// Modules are the storage modules, in the order they were created.
	Modules []outputs.ModuleOutputs
	ArmoniK *armonik.ArmoniK
	// Monitoring is what the stack deployed for observability (see MonitoringConfig).
	Monitoring *Monitoring
	// Metrics is the metrics source (nil when the stack has none): an in-cluster Prometheus
	// (*prometheus.Module) or an existing one (*prometheus.External).
	Metrics outputs.MetricsSource
}

// NewLocalhost adds the armonik-localhost stack to app: the namespace, the in-cluster backing
// services the configuration chooses, and ArmoniK wired to them. Storage modules go into the
// core layer (before the configuration's own core confs), the shared storage into the worker
// layer.
func NewLocalhost(app constructs.Construct, cfg LocalhostConfig) (*Stack, error) {
	mods, errs := cfg.plan()
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: invalid configuration:\n%w", LocalhostName, errors.Join(errs...))
	}
	d := cfg.WithDefaults()
	ns, _ := namespaceNamed(d.Namespace)
	mon, _ := d.monitoring(ns)
	return newStack(app, stackSpec{
		name: LocalhostName, kubernetes: d.Kubernetes, state: d.State.location(LocalhostName, d.StateFile), images: d.Images,
		namespace: d.Namespace, createNamespace: true, modules: mods, armonik: d.ArmoniK, monitoring: mon,
	})
}

// stackSpec is what both stacks are made of.
type stackSpec struct {
	name            string
	kubernetes      k8s.ProviderConfig
	state           stateLocation
	images          Images
	namespace       string
	createNamespace bool
	modules         []*module
	armonik         armonik.Config
	// monitoring deploys the observability modules (nil: none).
	monitoring *monitoringPlan
}

func newStack(app constructs.Construct, s stackSpec) (*Stack, error) {
	st := cdk.NewStack(app, s.name)
	fail := func(err error) (*Stack, error) { return nil, fmt.Errorf("%s: %w", s.name, err) }
	// First: the image policy is context of the stack, which cannot change once it has children.
	if err := s.images.apply(st); err != nil {
		return fail(err)
	}
	if err := s.state.apply(st); err != nil {
		return fail(err)
	}
	if err := k8s.NewProvider(st, "kubernetes", s.kubernetes); err != nil {
		return fail(err)
	}
	var ns *k8s.Namespace
	var err error
	if s.createNamespace {
		labels := map[string]string{"app.kubernetes.io/managed-by": "cdktf"}
		maps.Copy(labels, k8s.PodSecurityLabels(s.armonik.PodSecurity))
		ns, err = k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{Name: s.namespace, Labels: labels})
	} else {
		ns, err = k8s.ExistingNamespace(s.namespace)
	}
	if err != nil {
		return fail(err)
	}
	out := &Stack{Stack: st, Namespace: ns}
	a := s.armonik
	a.Namespace = ns
	// The system PriorityClass comes first: the in-cluster services run at it too.
	if a.SystemPriorityClass, err = armonik.NewSystemPriorityClass(st, "armonik-priority-class-system", a); err != nil {
		return fail(err)
	}
	systemClass := ""
	if a.SystemPriorityClass != nil {
		systemClass = a.SystemPriorityClass.NameRef
	}
	var core, worker armonik.Conf
	var table outputs.ModuleOutputs
	var errs []error
	for _, m := range s.modules {
		mo, err := m.build(st, ns, systemClass)
		if err != nil {
			errs = append(errs, prefixed(m.path+": ", err)...)
			continue
		}
		if m.role == RoleTableStorage {
			table = mo
		}
		if m.role == RoleSharedStorage {
			worker = append(worker, mo)
		} else {
			core = append(core, mo)
		}
		out.Modules = append(out.Modules, mo)
	}
	if len(errs) > 0 {
		return fail(errors.Join(errs...))
	}
	a.Layers.Core = append(core, a.Layers.Core...)
	a.Layers.Worker = append(worker, a.Layers.Worker...)
	if s.monitoring != nil {
		if out.Monitoring, err = s.monitoring.build(st, ns, table, &a); err != nil {
			return fail(err)
		}
		out.Metrics = out.Monitoring.Metrics
	}
	if out.ArmoniK, err = armonik.New(st, "armonik", a); err != nil {
		return fail(err)
	}
	return out, nil
}

// WithPartitions replaces the partitions of cfg with n partitions named p0..p<n-1> (for
// benchmarks and scale tests).
func WithPartitions(cfg *armonik.Config, n int) error {
	if n < 1 {
		return errors.New("at least one partition")
	}
	cfg.Partitions = nil
	for i := 0; i < n; i++ {
		cfg.Partitions = append(cfg.Partitions, armonik.Partition{Name: fmt.Sprintf("p%d", i)})
	}
	return nil
}
