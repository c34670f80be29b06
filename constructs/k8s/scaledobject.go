package k8s

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
)

// KEDA's custom resources (keda.sh/v1alpha1, KEDA 2.x: config/crd/bases/keda.sh_scaledobjects.yaml
// of kedacore/keda v2.19.0).
const (
	KEDAGroup      = "keda.sh"
	KEDAVersion    = "v1alpha1"
	KEDAAPIVersion = KEDAGroup + "/" + KEDAVersion
)

// ScaledObjectSpec describes a KEDA ScaledObject scaling a Deployment between MinReplicas (0
// allowed: KEDA deactivates the Deployment when every trigger is inactive) and MaxReplicas.
// KEDA creates and owns the HorizontalPodAutoscaler (keda-hpa-<name>); the Deployment must leave
// its replicas to it (DeploymentSpec.IgnoreReplicaChanges).
//
// The ScaledObject is a kubernetes_manifest: its CustomResourceDefinition must exist when the
// stack is planned (KEDA installed beforehand, see modules/keda).
type ScaledObjectSpec struct {
	Meta
	// Target is the name of the Deployment to scale (as configured, not a reference).
	Target string
	// EnvSourceContainer is the container whose environment triggers may read ("" = none).
	EnvSourceContainer       string
	MinReplicas, MaxReplicas int
	// PollingInterval is how often KEDA checks the triggers, in seconds (0 = KEDA's 30).
	PollingInterval int
	// CooldownPeriod is how long KEDA waits after the last active trigger before scaling to
	// zero, in seconds (0 = KEDA's 300; only used when MinReplicas is 0).
	CooldownPeriod int
	// Triggers are the scalers (at least one).
	Triggers []ScaledObjectTrigger
	// ScaleUp and ScaleDown shape the HorizontalPodAutoscaler KEDA creates (nil = Kubernetes'
	// defaults).
	ScaleUp, ScaleDown *ScalingRules
	DependsOn          []*Object
}

// ScaledObjectTrigger is one KEDA trigger (scaler).
type ScaledObjectTrigger struct {
	// Type is the scaler, e.g. "prometheus".
	Type string
	// Name names the trigger ("" = none).
	Name string
	// MetricType is how the HPA reads the metric: AverageValue (KEDA's default: the metric
	// divided by the replicas), Value or Utilization.
	MetricType string
	// Metadata are the scaler's settings (for prometheus: serverAddress, query, threshold,
	// activationThreshold...).
	Metadata map[string]string
}

// Validate returns every problem of the ScaledObject settings, prefixed with where.
func (s *ScaledObjectSpec) Validate(where string) error {
	var errs errList
	if s.MinReplicas < 0 {
		errs.add("%s: min_replicas %d must be >= 0", where, s.MinReplicas)
	}
	if s.MaxReplicas < 1 {
		errs.add("%s: max_replicas %d must be >= 1", where, s.MaxReplicas)
	}
	if s.MaxReplicas < s.MinReplicas {
		errs.add("%s: min_replicas %d is greater than max_replicas %d", where, s.MinReplicas, s.MaxReplicas)
	}
	if s.PollingInterval < 0 {
		errs.add("%s: polling_interval %d must be >= 1 second (0 keeps KEDA's 30)", where, s.PollingInterval)
	}
	if s.CooldownPeriod < 0 {
		errs.add("%s: cooldown_period %d must be >= 0 seconds (0 keeps KEDA's 300)", where, s.CooldownPeriod)
	}
	if len(s.Triggers) == 0 {
		errs.add("%s: at least one trigger is required", where)
	}
	for i, t := range s.Triggers {
		if t.Type == "" {
			errs.add("%s: trigger %d: type required", where, i)
		}
		if t.MetricType != "" && !slices.Contains([]string{"AverageValue", "Value", "Utilization"}, t.MetricType) {
			errs.add("%s: trigger %d: metric type %q must be AverageValue, Value or Utilization", where, i, t.MetricType)
		}
	}
	for dir, r := range map[string]*ScalingRules{"scale_up": s.ScaleUp, "scale_down": s.ScaleDown} {
		checkRules(where, dir, r, &errs)
	}
	return errs.join()
}

// checkRules records the problems of HPA scaling rules.
func checkRules(where, dir string, r *ScalingRules, errs *errList) {
	if r == nil {
		return
	}
	if r.SelectPolicy != "" && !slices.Contains([]string{"Max", "Min", "Disabled"}, r.SelectPolicy) {
		errs.add("%s: %s.select_policy %q must be Max, Min or Disabled", where, dir, r.SelectPolicy)
	}
	if w := r.StabilizationWindowSeconds; w != nil && (*w < 0 || *w > 3600) {
		errs.add("%s: %s.stabilization_window_seconds %d is not in 0-3600", where, dir, *w)
	}
	for _, p := range r.Policies {
		if p.Type != "Pods" && p.Type != "Percent" {
			errs.add("%s: %s policy type %q must be Pods or Percent", where, dir, p.Type)
		}
		if p.Value < 1 || p.PeriodSeconds < 1 || p.PeriodSeconds > 1800 {
			errs.add("%s: %s policy needs value >= 1 and period_seconds in 1-1800", where, dir)
		}
	}
}

// Manifest returns the ScaledObject's manifest.
func (s *ScaledObjectSpec) Manifest() map[string]any {
	ref := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": s.Target}
	if s.EnvSourceContainer != "" {
		ref["envSourceContainerName"] = s.EnvSourceContainer
	}
	spec := map[string]any{
		"scaleTargetRef":  ref,
		"minReplicaCount": s.MinReplicas,
		"maxReplicaCount": s.MaxReplicas,
	}
	if s.PollingInterval > 0 {
		spec["pollingInterval"] = s.PollingInterval
	}
	if s.CooldownPeriod > 0 {
		spec["cooldownPeriod"] = s.CooldownPeriod
	}
	var triggers []any
	for _, t := range s.Triggers {
		md := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(t.Metadata)) {
			md[k] = t.Metadata[k]
		}
		tr := map[string]any{"type": t.Type, "metadata": md}
		if t.Name != "" {
			tr["name"] = t.Name
		}
		if t.MetricType != "" {
			tr["metricType"] = t.MetricType
		}
		triggers = append(triggers, tr)
	}
	spec["triggers"] = triggers
	behavior := map[string]any{}
	if s.ScaleUp != nil {
		behavior["scaleUp"] = rulesManifest(s.ScaleUp)
	}
	if s.ScaleDown != nil {
		behavior["scaleDown"] = rulesManifest(s.ScaleDown)
	}
	if len(behavior) > 0 {
		spec["advanced"] = map[string]any{"horizontalPodAutoscalerConfig": map[string]any{"behavior": behavior}}
	}
	return map[string]any{
		"apiVersion": KEDAAPIVersion,
		"kind":       "ScaledObject",
		"metadata":   metaManifest(s.Meta),
		"spec":       spec,
	}
}

func rulesManifest(r *ScalingRules) map[string]any {
	out := map[string]any{}
	if r.StabilizationWindowSeconds != nil {
		out["stabilizationWindowSeconds"] = *r.StabilizationWindowSeconds
	}
	if r.SelectPolicy != "" {
		out["selectPolicy"] = r.SelectPolicy
	}
	var pols []any
	for _, p := range r.Policies {
		pols = append(pols, map[string]any{"type": p.Type, "value": p.Value, "periodSeconds": p.PeriodSeconds})
	}
	if len(pols) > 0 {
		out["policies"] = pols
	}
	return out
}

// metaManifest renders metadata for a manifest (namespace omitted when empty: cluster-scoped).
func metaManifest(m Meta) map[string]any {
	out := map[string]any{"name": m.Name}
	if m.Namespace != "" {
		out["namespace"] = m.Namespace
	}
	for k, v := range map[string]map[string]string{"labels": m.Labels, "annotations": m.Annotations} {
		if len(v) > 0 {
			vals := map[string]any{}
			for _, key := range slices.Sorted(maps.Keys(v)) {
				vals[key] = v[key]
			}
			out[k] = vals
		}
	}
	return out
}

// NewScaledObject creates a KEDA ScaledObject (a kubernetes_manifest).
func NewScaledObject(scope constructs.Construct, id string, spec ScaledObjectSpec) (*Object, error) {
	var errs errList
	checkMeta("ScaledObject", &spec.Meta, &errs)
	if spec.Target == "" {
		errs.add("ScaledObject %q: target: required (the Deployment to scale)", spec.Name)
	}
	if err := spec.Validate(fmt.Sprintf("ScaledObject %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	return NewManifest(scope, id, ManifestSpec{Manifest: spec.Manifest(), DependsOn: spec.DependsOn})
}
