package k8s

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/namespacev1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Namespace is a created (or existing) namespace. Resources placed in it use NameRef, so
// Terraform creates the namespace first and deletes it last; Name is for messages and DNS names.
type Namespace struct {
	// Name is the namespace name as configured.
	Name string
	// NameRef is the Terraform expression of the created namespace's name.
	NameRef string
}

// NamespaceSpec describes a namespace to create.
type NamespaceSpec struct {
	Name   string
	Labels map[string]string
}

// NewNamespace creates a kubernetes_namespace_v1, and in it the image pull Secrets of the
// stack's ImagePolicy when it says to create them.
func NewNamespace(scope constructs.Construct, id string, spec NamespaceSpec) (*Namespace, error) {
	if msg := CheckName("Namespace", spec.Name); msg != "" {
		return nil, fmt.Errorf("namespace %q: %s", spec.Name, msg)
	}
	var ns *Namespace
	err := cdk.Guard("namespace "+spec.Name, func() error {
		r := namespacev1.NewNamespaceV1(scope, jsii.String(id), &namespacev1.NamespaceV1Config{
			Metadata: &namespacev1.NamespaceV1Metadata{
				Name:   jsii.String(spec.Name),
				Labels: stringMap(spec.Labels),
			},
		})
		ns = &Namespace{Name: spec.Name, NameRef: *r.Metadata().Name()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The stack's image pull Secrets cannot exist in a namespace it creates: create them.
	if err := createPullSecrets(scope, id, ns); err != nil {
		return nil, fmt.Errorf("namespace %q: image pull Secrets: %w", spec.Name, err)
	}
	return ns, nil
}

// stringMap converts a Go map into the jsii form; nil or empty maps become nil (omitted).
func stringMap(m map[string]string) *map[string]*string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}

// ExistingNamespace refers to a namespace created outside the stack: objects go into it by
// name, and Terraform neither creates nor deletes it. The name must be a DNS-1123 label, as for
// a namespace the stack creates.
func ExistingNamespace(name string) (*Namespace, error) {
	if msg := CheckName("Namespace", name); msg != "" {
		return nil, fmt.Errorf("namespace %q: %s", name, msg)
	}
	return &Namespace{Name: name, NameRef: name}, nil
}
