package k8s

import (
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/ingressv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// IngressPath routes requests whose path matches Path to a Service port.
type IngressPath struct {
	Path string
	// PathType: Prefix, Exact or ImplementationSpecific (default Prefix). Prefix matches whole
	// path elements; ImplementationSpecific is a string prefix on ingress-nginx and Traefik.
	PathType    string
	Service     string
	ServicePort int
}

// IngressSpec describes a kubernetes_ingress_v1 with one host.
type IngressSpec struct {
	Meta
	// ClassName is the IngressClass (required: an Ingress without a class is served by
	// whatever controller claims it, or by none).
	ClassName string
	Host      string
	// TLSSecret names the Secret holding the certificate for Host ("" = plain HTTP).
	TLSSecret string
	Paths     []IngressPath
}

var pathTypes = []string{"Prefix", "Exact", "ImplementationSpecific"}

// NewIngress creates a kubernetes_ingress_v1.
func NewIngress(scope constructs.Construct, id string, spec IngressSpec) (*Object, error) {
	var errs errList
	checkMeta("Ingress", &spec.Meta, &errs)
	if spec.ClassName == "" {
		errs.add("Ingress %q: class name: required (the IngressClass of your controller, e.g. nginx)", spec.Name)
	}
	if spec.Host == "" {
		errs.add("Ingress %q: host: required", spec.Name)
	}
	if len(spec.Paths) == 0 {
		errs.add("Ingress %q: paths: at least one is required", spec.Name)
	}
	for _, p := range spec.Paths {
		if !strings.HasPrefix(p.Path, "/") {
			errs.add("Ingress %q: path %q must start with /", spec.Name, p.Path)
		}
		if p.PathType != "" && !slices.Contains(pathTypes, p.PathType) {
			errs.add("Ingress %q: path %q: type %q must be one of %s", spec.Name, p.Path, p.PathType, strings.Join(pathTypes, ", "))
		}
		if p.Service == "" || p.ServicePort < 1 || p.ServicePort > 65535 {
			errs.add("Ingress %q: path %q: needs a Service and a port in 1-65535", spec.Name, p.Path)
		}
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Ingress "+spec.Name, func() error {
		var paths []*ingressv1.IngressV1SpecRuleHttpPath
		for _, p := range spec.Paths {
			pt := p.PathType
			if pt == "" {
				pt = "Prefix"
			}
			paths = append(paths, &ingressv1.IngressV1SpecRuleHttpPath{
				Path: jsii.String(p.Path), PathType: jsii.String(pt),
				Backend: &ingressv1.IngressV1SpecRuleHttpPathBackend{Service: &ingressv1.IngressV1SpecRuleHttpPathBackendService{
					Name: jsii.String(p.Service),
					Port: &ingressv1.IngressV1SpecRuleHttpPathBackendServicePort{Number: jsii.Number(float64(p.ServicePort))},
				}},
			})
		}
		s := &ingressv1.IngressV1Spec{
			IngressClassName: jsii.String(spec.ClassName),
			Rule: []*ingressv1.IngressV1SpecRule{{
				Host: jsii.String(spec.Host),
				Http: &ingressv1.IngressV1SpecRuleHttp{Path: paths},
			}},
		}
		if spec.TLSSecret != "" {
			s.Tls = []*ingressv1.IngressV1SpecTls{{Hosts: jsii.Strings(spec.Host), SecretName: jsii.String(spec.TLSSecret)}}
		}
		r := ingressv1.NewIngressV1(scope, jsii.String(id), &ingressv1.IngressV1Config{
			Metadata: &ingressv1.IngressV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: s,
		})
		obj = &Object{Kind: "Ingress", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
