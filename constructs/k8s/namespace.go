package k8s

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/namespacev1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Namespace is a created namespace. Name is a Terraform reference to it: resources placed in
// the namespace use it, so Terraform creates the namespace first and deletes it last.
type Namespace struct {
	// Display is the namespace name as configured.
	Display string
	// Name is the Terraform expression of the created namespace's name.
	Name string
}

// NamespaceSpec describes a namespace to create.
type NamespaceSpec struct {
	Name   string
	Labels map[string]string
}

// NewNamespace creates a kubernetes_namespace_v1.
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
		ns = &Namespace{Display: spec.Name, Name: *r.Metadata().Name()}
		return nil
	})
	return ns, err
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
	return &Namespace{Display: name, Name: name}, nil
}
