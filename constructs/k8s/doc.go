// Package k8s is the rendering layer: it turns plain Go descriptions of Kubernetes objects
// (namespaces, workloads with containers, ports, probes, merged ModuleOutputs, security
// settings, labels...) into resources of the hashicorp/kubernetes Terraform provider, through
// the generated CDKTF bindings.
//
// It is the only construct package that imports the provider bindings; constructs/armonik and
// the modules build through it. Only the versioned resources (*_v1, *_v2) are used: the
// unversioned ones are deprecated by provider v3.
//
// Every New* function takes plain Go values, validates them, and returns an error instead of
// letting the jsii runtime panic.
package k8s
