package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/manifest"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ManifestSpec describes a kubernetes_manifest: any Kubernetes object given by its whole
// manifest, custom resources included.
//
// Terraform plans a kubernetes_manifest against the API server: the object's kind (for a custom
// resource, its CustomResourceDefinition) must exist when the stack is planned, not merely
// when it is applied. Create CRDs in an earlier stack (see stacks: armonik-platform) or outside
// Terraform.
type ManifestSpec struct {
	// Manifest is the object: apiVersion, kind, metadata.name (and metadata.namespace for a
	// namespaced kind), and the rest of its fields. Values are strings, numbers, booleans,
	// maps and lists; strings may hold Terraform references.
	Manifest map[string]any
	// ComputedFields are manifest paths the API server may change after apply (the provider's
	// default: metadata.annotations and metadata.labels).
	ComputedFields []string
	// DependsOn lists objects to create first (and to delete last).
	DependsOn []*Object
}

// NewManifest creates a kubernetes_manifest.
func NewManifest(scope constructs.Construct, id string, spec ManifestSpec) (*Object, error) {
	kind, name, err := checkManifest(spec.Manifest)
	if err != nil {
		return nil, err
	}
	var obj *Object
	err = cdk.Guard(kind+" "+name, func() error {
		m := spec.Manifest
		cfg := &manifest.ManifestConfig{Manifest: &m, DependsOn: dependsOn(spec.DependsOn)}
		if len(spec.ComputedFields) > 0 {
			cfg.ComputedFields = jsii.Strings(spec.ComputedFields...)
		}
		r := manifest.NewManifest(scope, jsii.String(id), cfg)
		obj = &Object{Kind: kind, Display: name, Name: name, Resource: r}
		return nil
	})
	return obj, err
}

// checkManifest returns the kind and name of a manifest, or what is missing.
func checkManifest(m map[string]any) (kind, name string, err error) {
	var errs errList
	str := func(v any) string { s, _ := v.(string); return s }
	kind = str(m["kind"])
	if kind == "" {
		errs.add("manifest: kind: required")
	}
	if str(m["apiVersion"]) == "" {
		errs.add("manifest of kind %q: apiVersion: required", kind)
	}
	meta, _ := m["metadata"].(map[string]any)
	name = str(meta["name"])
	if name == "" {
		errs.add("manifest of kind %q: metadata.name: required", kind)
	}
	return kind, name, errs.join()
}
