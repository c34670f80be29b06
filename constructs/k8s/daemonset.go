package k8s

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	ds "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/daemonsetv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// DaemonSetSpec describes a kubernetes_daemon_set_v1: one pod per node that Template's node
// selector and tolerations admit (node agents: log shippers, node exporters).
type DaemonSetSpec struct {
	Meta
	// Selector is the pod selector; it must be a subset of the template labels.
	Selector map[string]string
	Template PodTemplate
	// MaxUnavailable bounds the pods a rolling update stops at once ("" = Kubernetes' 1; a
	// number or a percentage such as "10%").
	MaxUnavailable string
	// Wait sets wait_for_rollout: apply waits until every scheduled pod is ready. A cluster
	// without nodes schedules none, so the wait ends at once there.
	Wait bool
	// DependsOn lists objects to create first.
	DependsOn []*Object
}

// NewDaemonSet creates a kubernetes_daemon_set_v1. Its pod template is rendered like a
// Deployment's and moved to the DaemonSet's types (convertJSON), so every pod setting works the
// same in both.
func NewDaemonSet(scope constructs.Construct, id string, spec DaemonSetSpec) (*Object, error) {
	var errs errList
	checkMeta("DaemonSet", &spec.Meta, &errs)
	spec.Template = policyTemplate(scope, "DaemonSet", spec.Name, spec.Template, &errs)
	checkSelector("DaemonSet", spec.Name, spec.Selector, spec.Template.Labels, &errs)
	if err := spec.Template.Validate(fmt.Sprintf("DaemonSet %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	if rp := spec.Template.Spec.RestartPolicy; rp != "" && rp != "Always" {
		errs.add("DaemonSet %q: restart policy %q: a DaemonSet's pods restart Always", spec.Name, rp)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("DaemonSet "+spec.Name, func() error {
		rendered, err := renderTemplate(&spec.Template)
		if err != nil {
			return err
		}
		t, err := convertJSON[ds.DaemonSetV1SpecTemplate](rendered)
		if err != nil {
			return err
		}
		cfg := &ds.DaemonSetV1Config{
			Metadata: &ds.DaemonSetV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &ds.DaemonSetV1Spec{
				Selector: &ds.DaemonSetV1SpecSelector{MatchLabels: stringMap(spec.Selector)},
				Template: t,
			},
			WaitForRollout: spec.Wait,
			DependsOn:      dependsOn(spec.DependsOn),
		}
		if spec.MaxUnavailable != "" {
			cfg.Spec.Strategy = &ds.DaemonSetV1SpecStrategy{
				Type:          jsii.String("RollingUpdate"),
				RollingUpdate: &ds.DaemonSetV1SpecStrategyRollingUpdate{MaxUnavailable: jsii.String(spec.MaxUnavailable)},
			}
		}
		r := ds.NewDaemonSetV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "DaemonSet", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
