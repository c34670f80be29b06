package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/configmapv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/persistentvolumeclaimv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/secretv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// SecretSpec describes a kubernetes_secret_v1.
//
// Data values must never be literal credentials: pass Terraform references to sensitive
// values (a random_password's result, a sensitive variable). The provider stores Data in the
// Terraform state and base64-encodes it for the API.
type SecretSpec struct {
	Meta
	// Type: "Opaque" by default.
	Type string
	Data map[string]string
	// DependsOn lists objects to create first, beyond those Data refers to: a Secret that
	// clients read can wait for its server's rollout, so that the clients start after it.
	DependsOn []*Object
}

// NewSecret creates a kubernetes_secret_v1; its Content follows its data (config hashes).
func NewSecret(scope constructs.Construct, id string, spec SecretSpec) (*Object, error) {
	var errs errList
	checkMeta("Secret", &spec.Meta, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	typ := spec.Type
	if typ == "" {
		typ = "Opaque"
	}
	var obj *Object
	err := cdk.Guard("Secret "+spec.Name, func() error {
		r := secretv1.NewSecretV1(scope, jsii.String(id), &secretv1.SecretV1Config{
			Metadata: &secretv1.SecretV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Type:      jsii.String(typ),
			Data:      stringMap(spec.Data),
			DependsOn: dependsOn(spec.DependsOn),
		})
		obj = &Object{Kind: "Secret", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		obj.Content = content(r.Data())
		return nil
	})
	return obj, err
}

// ConfigMapSpec describes a kubernetes_config_map_v1. ConfigMaps hold configuration only, never
// credentials.
type ConfigMapSpec struct {
	Meta
	Data map[string]string
}

// NewConfigMap creates a kubernetes_config_map_v1; its Content follows its data (config hashes).
func NewConfigMap(scope constructs.Construct, id string, spec ConfigMapSpec) (*Object, error) {
	var errs errList
	checkMeta("ConfigMap", &spec.Meta, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ConfigMap "+spec.Name, func() error {
		r := configmapv1.NewConfigMapV1(scope, jsii.String(id), &configmapv1.ConfigMapV1Config{
			Metadata: &configmapv1.ConfigMapV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Data: stringMap(spec.Data),
		})
		obj = &Object{Kind: "ConfigMap", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		obj.Content = content(r.Data())
		return nil
	})
	return obj, err
}

// ClaimSpec describes a kubernetes_persistent_volume_claim_v1.
type ClaimSpec struct {
	Meta
	// StorageClass: "" uses the cluster's default StorageClass.
	StorageClass string
	Size         string
	AccessModes  []string // default ReadWriteOnce
	// VolumeName binds the claim to an existing PersistentVolume.
	VolumeName string
	// Wait sets wait_until_bound.
	Wait bool
}

// NewClaim creates a kubernetes_persistent_volume_claim_v1.
func NewClaim(scope constructs.Construct, id string, spec ClaimSpec) (*Object, error) {
	var errs errList
	checkMeta("PersistentVolumeClaim", &spec.Meta, &errs)
	if spec.Size == "" {
		errs.add("PersistentVolumeClaim %q: size: required", spec.Name)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	modes := spec.AccessModes
	if len(modes) == 0 {
		modes = []string{"ReadWriteOnce"}
	}
	var obj *Object
	err := cdk.Guard("PersistentVolumeClaim "+spec.Name, func() error {
		r := persistentvolumeclaimv1.NewPersistentVolumeClaimV1(scope, jsii.String(id), &persistentvolumeclaimv1.PersistentVolumeClaimV1Config{
			Metadata: &persistentvolumeclaimv1.PersistentVolumeClaimV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &persistentvolumeclaimv1.PersistentVolumeClaimV1Spec{
				AccessModes:      jsii.Strings(modes...),
				StorageClassName: str(spec.StorageClass),
				VolumeName:       str(spec.VolumeName),
				Resources: &persistentvolumeclaimv1.PersistentVolumeClaimV1SpecResources{
					Requests: &map[string]*string{"storage": jsii.String(spec.Size)},
				},
			},
			WaitUntilBound: spec.Wait,
		})
		obj = &Object{Kind: "PersistentVolumeClaim", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
