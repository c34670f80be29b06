package k8s

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	pdb "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/poddisruptionbudgetv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// DisruptionBudgetSpec describes a kubernetes_pod_disruption_budget_v1: how many of the pods
// Selector matches a voluntary disruption (a node drain, an eviction) may take down at once.
// Exactly one of MinAvailable and MaxUnavailable: a count ("1") or a percentage ("50%").
type DisruptionBudgetSpec struct {
	Meta
	Selector                     map[string]string
	MinAvailable, MaxUnavailable string
	DependsOn                    []*Object
}

// budgetRE is a count or a percentage.
var budgetRE = regexp.MustCompile(`^(0|[1-9][0-9]{0,8})%?$`)

// NewDisruptionBudget creates a kubernetes_pod_disruption_budget_v1.
func NewDisruptionBudget(scope constructs.Construct, id string, spec DisruptionBudgetSpec) (*Object, error) {
	var errs errList
	checkMeta("PodDisruptionBudget", &spec.Meta, &errs)
	if len(spec.Selector) == 0 {
		errs.add("PodDisruptionBudget %q: selector: required", spec.Name)
	}
	if (spec.MinAvailable == "") == (spec.MaxUnavailable == "") {
		errs.add("PodDisruptionBudget %q: set exactly one of min available and max unavailable", spec.Name)
	}
	for _, v := range []string{spec.MinAvailable, spec.MaxUnavailable} {
		if v == "" {
			continue
		}
		if !budgetRE.MatchString(v) {
			errs.add("PodDisruptionBudget %q: %q is neither a count nor a percentage", spec.Name, v)
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
				MinAvailable:   str(spec.MinAvailable),
				MaxUnavailable: str(spec.MaxUnavailable),
			},
			DependsOn: dependsOn(spec.DependsOn),
		})
		obj = &Object{Kind: "PodDisruptionBudget", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
