package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/serviceaccountv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ServiceAccountSpec describes a kubernetes_service_account_v1. Cloud identities are
// annotations: eks.amazonaws.com/role-arn (AWS IRSA), iam.gke.io/gcp-service-account (GKE
// workload identity).
type ServiceAccountSpec struct {
	Meta
	// AutomountToken lets pods mount the account's API token (off by default).
	AutomountToken bool
}

// NewServiceAccount creates a kubernetes_service_account_v1.
func NewServiceAccount(scope constructs.Construct, id string, spec ServiceAccountSpec) (*Object, error) {
	var errs errList
	checkMeta("ServiceAccount", &spec.Meta, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ServiceAccount "+spec.Name, func() error {
		r := serviceaccountv1.NewServiceAccountV1(scope, jsii.String(id), &serviceaccountv1.ServiceAccountV1Config{
			Metadata: &serviceaccountv1.ServiceAccountV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			AutomountServiceAccountToken: spec.AutomountToken,
		})
		obj = &Object{Kind: "ServiceAccount", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
