package k8s

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	hpa "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/horizontalpodautoscalerv2"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// MetricTarget is the target of an autoscaling metric: Type "Utilization" (with
// AverageUtilization, resource metrics only), "AverageValue" or "Value" (quantities).
type MetricTarget struct {
	// Type is AverageValue (the metric divided by the number of pods) or Value (the metric as
	// is; external metrics only).
	Type string `json:"type" yaml:"type"`
	// AverageUtilization is a percentage (resource metrics only).
	AverageUtilization int `json:"average_utilization,omitempty" yaml:"average_utilization,omitempty"`
	// AverageValue is the target per pod, a quantity such as "2" or "500m".
	AverageValue string `json:"average_value,omitempty" yaml:"average_value,omitempty"`
	// Value is the target of the whole metric, a quantity.
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
}

// CustomMetric is a pods or external metric served by a metrics adapter (Prometheus adapter,
// KEDA...), e.g. the queue length armonik_<partition>_tasks_queued.
type CustomMetric struct {
	// Name of the metric, as the metrics adapter serves it.
	Name string `json:"name" yaml:"name"`
	// Selector matches metric labels.
	Selector map[string]string `json:"selector,omitempty" yaml:"selector,omitempty"`
	// Target is the value the autoscaler keeps the metric at.
	Target MetricTarget `json:"target" yaml:"target"`
}

// ScalingRules shape scaling in one direction.
type ScalingRules struct {
	// StabilizationWindowSeconds is how long past recommendations are considered (Kubernetes
	// defaults: 0 up, 300 down).
	StabilizationWindowSeconds *int `json:"stabilization_window_seconds,omitempty" yaml:"stabilization_window_seconds,omitempty"`
	// SelectPolicy: Max (default), Min or Disabled.
	SelectPolicy string `json:"select_policy,omitempty" yaml:"select_policy,omitempty"`
	// Policies limit how fast replicas change.
	Policies []ScalingPolicy `json:"policies,omitempty" yaml:"policies,omitempty"`
}

// ScalingPolicy allows Value pods (Type "Pods") or Value percent (Type "Percent") per PeriodSeconds.
type ScalingPolicy struct {
	// Type is Pods or Percent.
	Type string `json:"type" yaml:"type"`
	// Value is the number of pods, or the percentage of the current replicas.
	Value int `json:"value" yaml:"value"`
	// PeriodSeconds is the window the change is allowed in (1-1800).
	PeriodSeconds int `json:"period_seconds" yaml:"period_seconds"`
}

// AutoscalerSpec describes a kubernetes_horizontal_pod_autoscaler_v2 scaling a Deployment.
type AutoscalerSpec struct {
	Meta
	// Target is the Deployment's name (display name).
	Target                   string
	MinReplicas, MaxReplicas int
	CPUUtilization           int // average CPU utilization percent, 0 = not a metric
	MemoryUtilization        int // average memory utilization percent, 0 = not a metric
	Pods                     []CustomMetric
	External                 []CustomMetric
	ScaleUp, ScaleDown       *ScalingRules
	DependsOn                []*Object
}

// Validate returns every problem of the autoscaler settings, prefixed with where.
func (s *AutoscalerSpec) Validate(where string) error {
	var errs errList
	if s.MinReplicas < 1 {
		errs.add("%s: min_replicas %d must be >= 1", where, s.MinReplicas)
	}
	if s.MaxReplicas < s.MinReplicas {
		errs.add("%s: min_replicas %d is greater than max_replicas %d", where, s.MinReplicas, s.MaxReplicas)
	}
	for what, v := range map[string]int{"cpu_utilization": s.CPUUtilization, "memory_utilization": s.MemoryUtilization} {
		if v < 0 || v > 1000 {
			errs.add("%s: %s %d is not a percentage", where, what, v)
		}
	}
	if s.CPUUtilization == 0 && s.MemoryUtilization == 0 && len(s.Pods) == 0 && len(s.External) == 0 {
		errs.add("%s: no metric: set cpu_utilization, memory_utilization, pods or external metrics", where)
	}
	for kind, ms := range map[string][]CustomMetric{"pods": s.Pods, "external": s.External} {
		for _, m := range ms {
			if m.Name == "" {
				errs.add("%s: %s metric: name required", where, kind)
			}
			switch m.Target.Type {
			case "AverageValue":
				if m.Target.AverageValue == "" {
					errs.add("%s: %s metric %q: target average_value required", where, kind, m.Name)
				}
			case "Value":
				if kind == "pods" {
					errs.add("%s: pods metric %q: target type must be AverageValue", where, m.Name)
				} else if m.Target.Value == "" {
					errs.add("%s: %s metric %q: target value required", where, kind, m.Name)
				}
			default:
				errs.add("%s: %s metric %q: target type %q must be AverageValue or Value", where, kind, m.Name, m.Target.Type)
			}
		}
	}
	for dir, r := range map[string]*ScalingRules{"scale_up": s.ScaleUp, "scale_down": s.ScaleDown} {
		checkRules(where, dir, r, &errs)
	}
	return errs.join()
}

// NewAutoscaler creates a kubernetes_horizontal_pod_autoscaler_v2 for a Deployment. The
// Deployment should leave its replicas to it (DeploymentSpec.Replicas nil and
// IgnoreReplicaChanges), or Terraform and the autoscaler fight on every apply.
func NewAutoscaler(scope constructs.Construct, id string, spec AutoscalerSpec) (*Object, error) {
	var errs errList
	checkMeta("HorizontalPodAutoscaler", &spec.Meta, &errs)
	if err := spec.Validate(fmt.Sprintf("HorizontalPodAutoscaler %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("HorizontalPodAutoscaler "+spec.Name, func() error {
		var metrics []*hpa.HorizontalPodAutoscalerV2SpecMetric
		for _, r := range []struct {
			name string
			pct  int
		}{{"cpu", spec.CPUUtilization}, {"memory", spec.MemoryUtilization}} {
			if r.pct == 0 {
				continue
			}
			metrics = append(metrics, &hpa.HorizontalPodAutoscalerV2SpecMetric{
				Type: jsii.String("Resource"),
				Resource: &hpa.HorizontalPodAutoscalerV2SpecMetricResource{
					Name:   jsii.String(r.name),
					Target: &hpa.HorizontalPodAutoscalerV2SpecMetricResourceTarget{Type: jsii.String("Utilization"), AverageUtilization: jsii.Number(float64(r.pct))},
				},
			})
		}
		target := func(t MetricTarget) *hpa.HorizontalPodAutoscalerV2SpecMetricExternalTarget {
			return &hpa.HorizontalPodAutoscalerV2SpecMetricExternalTarget{Type: jsii.String(t.Type), AverageValue: str(t.AverageValue), Value: str(t.Value)}
		}
		selector := func(m CustomMetric) interface{} {
			if len(m.Selector) == 0 {
				return nil
			}
			return []*hpa.HorizontalPodAutoscalerV2SpecMetricExternalMetricSelector{{MatchLabels: stringMap(m.Selector)}}
		}
		for _, m := range spec.External {
			metrics = append(metrics, &hpa.HorizontalPodAutoscalerV2SpecMetric{
				Type: jsii.String("External"),
				External: &hpa.HorizontalPodAutoscalerV2SpecMetricExternal{
					Metric: &hpa.HorizontalPodAutoscalerV2SpecMetricExternalMetric{Name: jsii.String(m.Name), Selector: selector(m)},
					Target: target(m.Target),
				},
			})
		}
		for _, m := range spec.Pods {
			// Same shape as an external metric: convert the rendered one.
			ext := &hpa.HorizontalPodAutoscalerV2SpecMetricExternal{
				Metric: &hpa.HorizontalPodAutoscalerV2SpecMetricExternalMetric{Name: jsii.String(m.Name), Selector: selector(m)},
				Target: target(m.Target),
			}
			pods, err := convertJSON[hpa.HorizontalPodAutoscalerV2SpecMetricPods](ext)
			if err != nil {
				return err
			}
			metrics = append(metrics, &hpa.HorizontalPodAutoscalerV2SpecMetric{Type: jsii.String("Pods"), Pods: pods})
		}
		s := &hpa.HorizontalPodAutoscalerV2Spec{
			MinReplicas: jsii.Number(float64(spec.MinReplicas)),
			MaxReplicas: jsii.Number(float64(spec.MaxReplicas)),
			ScaleTargetRef: &hpa.HorizontalPodAutoscalerV2SpecScaleTargetRef{
				ApiVersion: jsii.String("apps/v1"), Kind: jsii.String("Deployment"), Name: jsii.String(spec.Target),
			},
			Metric: metrics,
		}
		if spec.ScaleUp != nil || spec.ScaleDown != nil {
			b := &hpa.HorizontalPodAutoscalerV2SpecBehavior{}
			if spec.ScaleUp != nil {
				b.ScaleUp = []*hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleUp{renderRules(spec.ScaleUp)}
			}
			if spec.ScaleDown != nil {
				down, err := convertJSON[hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleDown](renderRules(spec.ScaleDown))
				if err != nil {
					return err
				}
				b.ScaleDown = []*hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleDown{down}
			}
			s.Behavior = b
		}
		r := hpa.NewHorizontalPodAutoscalerV2(scope, jsii.String(id), &hpa.HorizontalPodAutoscalerV2Config{
			Metadata: &hpa.HorizontalPodAutoscalerV2Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec:      s,
			DependsOn: dependsOn(spec.DependsOn),
		})
		obj = &Object{Kind: "HorizontalPodAutoscaler", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

func renderRules(r *ScalingRules) *hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleUp {
	out := &hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleUp{SelectPolicy: str(r.SelectPolicy)}
	if r.StabilizationWindowSeconds != nil {
		out.StabilizationWindowSeconds = jsii.Number(float64(*r.StabilizationWindowSeconds))
	}
	var pols []*hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleUpPolicy
	for _, p := range r.Policies {
		pols = append(pols, &hpa.HorizontalPodAutoscalerV2SpecBehaviorScaleUpPolicy{
			Type: jsii.String(p.Type), Value: jsii.Number(float64(p.Value)), PeriodSeconds: jsii.Number(float64(p.PeriodSeconds)),
		})
	}
	if len(pols) > 0 {
		out.Policy = pols
	}
	return out
}
