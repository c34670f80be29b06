package k8s

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	pdb "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/poddisruptionbudgetv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// DefaultMaxUnavailable is the disruption budget of every workload that has one unless
// configured: at most one pod evicted at a time. With one replica it lets a node drain evict
// the pod (the budget documents the intent and starts to matter when the replicas grow); with
// a quorum of three (a MongoDB replica set) it keeps two members up.
const DefaultMaxUnavailable = "1"

// DisruptionBudget configures the PodDisruptionBudget of a workload: how many of its pods a
// voluntary disruption (a node drain, a cluster upgrade, the cluster autoscaler) may evict at
// once. On by default with max_unavailable 1. A budget that allows no eviction at the lowest
// replica count (max_unavailable 0, or min_available equal to the replicas) makes every node
// drain wait forever: it is refused.
type DisruptionBudget struct {
	// Enabled creates the PodDisruptionBudget (default true).
	Enabled *bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// MaxUnavailable is the most pods evicted at once: a number or a percentage of the
	// replicas, rounded up (default "1"; exclusive with min_available).
	MaxUnavailable string `json:"max_unavailable,omitempty" yaml:"max_unavailable,omitempty"`
	// MinAvailable is the fewest pods kept running: a number or a percentage of the replicas,
	// rounded up (exclusive with max_unavailable).
	MinAvailable string `json:"min_available,omitempty" yaml:"min_available,omitempty"`
}

// On reports whether the budget is created (Enabled unset means on).
func (d DisruptionBudget) On() bool { return d.Enabled == nil || *d.Enabled }

// WithDefaults returns d with MaxUnavailable "1" when neither bound is set.
func (d DisruptionBudget) WithDefaults() DisruptionBudget {
	if d.MaxUnavailable == "" && d.MinAvailable == "" {
		d.MaxUnavailable = DefaultMaxUnavailable
	}
	return d
}

// parseIntOrPercent reads "3" or "50%": the number, whether it is a percentage, and whether it
// is well formed (a percentage within 0-100).
func parseIntOrPercent(s string) (n int, percent, ok bool) {
	v, percent := strings.CutSuffix(s, "%")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || (percent && n > 100) || strings.TrimSpace(v) != v || strings.HasPrefix(v, "+") {
		return 0, percent, false
	}
	return n, percent, true
}

// scaled is the number of pods s stands for among replicas, rounded up as the disruption
// controller does (intstr.GetScaledValueFromIntOrPercent with roundUp).
func scaled(n int, percent bool, replicas int) int {
	if !percent {
		return n
	}
	return int(math.Ceil(float64(n) * float64(replicas) / 100))
}

// Problems returns the problems of d (defaults applied), each starting with key (its
// configuration path, e.g. "control_plane.disruption_budget"). replicas is the fewest pods the
// workload runs (its replicas, or an autoscaler's minimum; 0 when unknown): a budget that
// allows no eviction there is refused, since node drains would wait forever.
func (d DisruptionBudget) Problems(key string, replicas int) []string {
	if !d.On() {
		return nil
	}
	var out []string
	if d.MaxUnavailable != "" && d.MinAvailable != "" {
		return []string{fmt.Sprintf("%s: set max_unavailable or min_available, not both", key)}
	}
	const drains = "node drains would wait forever; allow at least one eviction, or set enabled: false"
	if v := d.MaxUnavailable; v != "" {
		n, pct, ok := parseIntOrPercent(v)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s.max_unavailable: %q must be a number of pods or a percentage such as \"25%%\"", key, v))
		case n == 0:
			out = append(out, fmt.Sprintf("%s.max_unavailable: %q allows no eviction: %s", key, v, drains))
		case replicas > 0 && scaled(n, pct, replicas) == 0:
			out = append(out, fmt.Sprintf("%s.max_unavailable: %q of %d replicas allows no eviction: %s", key, v, replicas, drains))
		}
	}
	if v := d.MinAvailable; v != "" {
		n, pct, ok := parseIntOrPercent(v)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s.min_available: %q must be a number of pods or a percentage such as \"50%%\"", key, v))
		case pct && n == 100:
			out = append(out, fmt.Sprintf("%s.min_available: %q allows no eviction: %s", key, v, drains))
		case replicas > 0 && scaled(n, pct, replicas) >= replicas:
			out = append(out, fmt.Sprintf("%s.min_available: %q of %d replicas allows no eviction: %s", key, v, replicas, drains))
		}
	}
	return out
}

// PodDisruptionBudgetSpec describes a kubernetes_pod_disruption_budget_v1.
type PodDisruptionBudgetSpec struct {
	Meta
	// Selector selects the workload's pods (its own selector).
	Selector map[string]string
	// MaxUnavailable or MinAvailable (exactly one): a number or a percentage.
	MaxUnavailable, MinAvailable string
}

// NewPodDisruptionBudget creates a kubernetes_pod_disruption_budget_v1. The provider replaces
// the object when its spec changes (the API allows no update of it at the provider's client
// version).
func NewPodDisruptionBudget(scope constructs.Construct, id string, spec PodDisruptionBudgetSpec) (*Object, error) {
	var errs errList
	checkMeta("PodDisruptionBudget", &spec.Meta, &errs)
	if len(spec.Selector) == 0 {
		errs.add("PodDisruptionBudget %q: selector: required (an empty selector selects every pod of the namespace)", spec.Name)
	}
	if (spec.MaxUnavailable == "") == (spec.MinAvailable == "") {
		errs.add("PodDisruptionBudget %q: set exactly one of max unavailable and min available", spec.Name)
	}
	for _, v := range []string{spec.MaxUnavailable, spec.MinAvailable} {
		if _, _, ok := parseIntOrPercent(v); v != "" && !ok {
			errs.add("PodDisruptionBudget %q: %q is not a number of pods or a percentage", spec.Name, v)
		}
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("PodDisruptionBudget "+spec.Name, func() error {
		r := pdb.NewPodDisruptionBudgetV1(scope, jsii.String(id), &pdb.PodDisruptionBudgetV1Config{
			Metadata: &pdb.PodDisruptionBudgetV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &pdb.PodDisruptionBudgetV1Spec{
				Selector:       &pdb.PodDisruptionBudgetV1SpecSelector{MatchLabels: stringMap(spec.Selector)},
				MaxUnavailable: str(spec.MaxUnavailable),
				MinAvailable:   str(spec.MinAvailable),
			},
		})
		obj = &Object{Kind: "PodDisruptionBudget", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// NewDisruptionBudget creates the PodDisruptionBudget d configures (defaults applied) for the
// pods selected by selector, or nothing (nil) when d is off. meta names it (the workload's
// name, in its namespace).
func NewDisruptionBudget(scope constructs.Construct, id string, meta Meta, selector map[string]string, d DisruptionBudget) (*Object, error) {
	if !d.On() {
		return nil, nil
	}
	d = d.WithDefaults()
	return NewPodDisruptionBudget(scope, id, PodDisruptionBudgetSpec{
		Meta: meta, Selector: selector, MaxUnavailable: d.MaxUnavailable, MinAvailable: d.MinAvailable,
	})
}
