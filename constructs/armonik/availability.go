package armonik

// Availability and pod security: the control plane's PodDisruptionBudget, the system
// PriorityClass, and the check of every pod against the namespace's Pod Security level. See
// the "Availability and pod security" section of the package documentation.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
)

// DefaultSystemPriority is the default value of the system PriorityClass: far above any
// partition priority Core uses (small integers), far below the classes Kubernetes reserves
// for its own components (above 1000000000).
const DefaultSystemPriority = 1000000

// systemClassSuffix ends the system PriorityClass's name: <prefix>system.
const systemClassSuffix = "system"

// SystemPriorityClassName is the name of the system PriorityClass of cfg (defaults applied
// when its namespace is set), or "" when priority classes are off.
func SystemPriorityClassName(cfg Config) string {
	d := cfg.WithDefaults()
	if !d.PriorityClasses.Enabled {
		return ""
	}
	return d.PriorityClasses.Prefix + systemClassSuffix
}

// NewSystemPriorityClass creates the system PriorityClass of cfg (its namespace set) when
// priority classes are enabled, else returns nil. A stack calls it before creating the
// storage modules, gives its NameRef to their priority_class_name and the object to
// Config.SystemPriorityClass; New creates it itself otherwise.
func NewSystemPriorityClass(scope constructs.Construct, id string, cfg Config) (*k8s.Object, error) {
	d := cfg.WithDefaults()
	if !d.PriorityClasses.Enabled {
		return nil, nil
	}
	if d.Namespace == nil {
		return nil, fmt.Errorf("system PriorityClass: the configuration has no namespace")
	}
	sys := d.PriorityClasses.System
	return k8s.NewPriorityClass(scope, id, k8s.PriorityClassSpec{
		Name:   d.PriorityClasses.Prefix + systemClassSuffix,
		Labels: map[string]string{LabelName: "armonik", LabelPartOf: PartOf, LabelComponent: "priority-class", LabelManagedBy: "cdktf"},
		Value:  sys.Value,
		Description: fmt.Sprintf("ArmoniK's control plane, front door, metrics exporter and storage in namespace %s: above every partition's workers",
			d.Namespace.Name),
		PreemptionPolicy: sys.PreemptionPolicy,
	})
}

// fewest is the fewest pods a component runs: its replicas (default 1), or its autoscaler's
// minimum.
func fewest(w Workload) int {
	if w.Autoscaling != nil {
		return w.Autoscaling.MinReplicas
	}
	return *replicasOr1(w.Replicas)
}

// validatePodSecurity returns the settings that break the namespace's Pod Security level,
// each naming the setting and what to do; pods are checked whole when they are built
// (checkPodSecurity).
func (cfg *Config) validatePodSecurity() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	level := cfg.PodSecurity
	if level != "" && !slices.Contains(k8s.PodSecurityLevels, level) {
		add("pod security level %q must be one of %s", level, strings.Join(k8s.PodSecurityLevels, ", "))
	}
	if level != k8s.PodSecurityRestricted {
		return errs
	}
	const how = "the namespace enforces the Pod Security level restricted; lower it (the stack's pod_security: baseline) or remove the setting"
	for _, c := range []struct {
		key string
		w   Workload
		on  bool
	}{
		{"control_plane", cfg.ControlPlane.Workload, true},
		{"metrics_exporter", cfg.MetricsExporter.Workload, true},
		{"init", cfg.Init.Workload, !cfg.Init.Disabled},
		{"admin_gui", cfg.AdminGUI.Workload, !cfg.AdminGUI.Disabled},
		{"front", cfg.Front.Workload, !cfg.Front.Disabled},
	} {
		if c.on && c.w.DisableSecurityContext {
			add("%s.disable_security_context: %s", c.key, how)
		}
	}
	for i, p := range cfg.Partitions {
		if p.DisableSecurityContext {
			add("partitions[%d].disable_security_context: %s", i, how)
		}
		if p.RunAsUser != nil && *p.RunAsUser == 0 {
			add("partitions[%d].run_as_user: 0 is root, which %s", i, how)
		}
	}
	return errs
}

// checkPodSecurity refuses a pod that breaks the namespace's Pod Security level: the API
// server would refuse it after the deploy, leaving its Deployment or Job without pods.
func (b *builder) checkPodSecurity(what string, spec *k8s.PodSpec) error {
	level := b.cfg.PodSecurity
	v := k8s.PodSecurityViolations(level, spec)
	if len(v) == 0 {
		return nil
	}
	hint := "the level baseline allows it (the stack's pod_security: baseline)"
	if len(k8s.PodSecurityViolations(k8s.PodSecurityBaseline, spec)) > 0 {
		hint = "only the level privileged allows it (the stack's pod_security: privileged)"
	}
	return fmt.Errorf("%s breaks the Pod Security level %q of namespace %s, so the API server would refuse its pods: %s; %s, or change the configuration",
		what, level, b.cfg.Namespace.Name, strings.Join(v, "; "), hint)
}

// systemClass is the NameRef of the system PriorityClass ("" when there is none).
func (b *builder) systemClass() string {
	if b.a.SystemPriorityClass == nil {
		return ""
	}
	return b.a.SystemPriorityClass.NameRef
}

// controlPlaneBudget creates the control plane's PodDisruptionBudget.
func (b *builder) controlPlaneBudget() error {
	var err error
	b.a.ControlPlaneBudget, err = k8s.NewDisruptionBudget(b.scope, b.id+"-control-plane-disruption-budget",
		b.meta("control-plane", ComponentControlPlane, nil), b.labels(ComponentControlPlane, nil), b.cfg.ControlPlane.DisruptionBudget)
	return err
}
