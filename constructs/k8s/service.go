package k8s

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/servicev1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Service types. Headless is a ClusterIP Service with clusterIP None: DNS returns the pod IPs.
const (
	ClusterIP    = "ClusterIP"
	NodePort     = "NodePort"
	LoadBalancer = "LoadBalancer"
	Headless     = "Headless"
)

// ServiceTypes lists the accepted Service types.
var ServiceTypes = []string{ClusterIP, NodePort, LoadBalancer, Headless}

// ServicePort maps Port to TargetPort (a number or a container port name; default Port).
type ServicePort struct {
	Name       string
	Port       int
	TargetPort string
	NodePort   int
	Protocol   string
}

// ServiceSpec describes a kubernetes_service_v1.
type ServiceSpec struct {
	Meta
	// Type: ClusterIP (default), NodePort, LoadBalancer or Headless.
	Type     string
	Selector map[string]string
	Ports    []ServicePort
	// PublishNotReadyAddresses lets DNS resolve pods before they are ready (StatefulSet peers).
	PublishNotReadyAddresses bool
	// Wait sets wait_for_load_balancer on LoadBalancer Services.
	Wait bool
}

// NewService creates a kubernetes_service_v1.
func NewService(scope constructs.Construct, id string, spec ServiceSpec) (*Object, error) {
	var errs errList
	checkMeta("Service", &spec.Meta, &errs)
	typ := spec.Type
	if typ == "" {
		typ = ClusterIP
	}
	known := false
	for _, t := range ServiceTypes {
		known = known || t == typ
	}
	if !known {
		errs.add("Service %q: type %q must be one of ClusterIP, NodePort, LoadBalancer, Headless", spec.Name, spec.Type)
	}
	if len(spec.Ports) == 0 {
		errs.add("Service %q: ports: at least one is required", spec.Name)
	}
	names := map[string]bool{}
	for _, p := range spec.Ports {
		if p.Port < 1 || p.Port > 65535 {
			errs.add("Service %q: port %q: %d is not in 1-65535", spec.Name, p.Name, p.Port)
		}
		if p.NodePort != 0 && typ != NodePort && typ != LoadBalancer {
			errs.add("Service %q: port %q: a node port needs type NodePort or LoadBalancer", spec.Name, p.Name)
		}
		if len(spec.Ports) > 1 && p.Name == "" {
			errs.add("Service %q: port %d: a Service with several ports needs a name on each", spec.Name, p.Port)
		}
		if names[p.Name] && p.Name != "" {
			errs.add("Service %q: port name %q used twice", spec.Name, p.Name)
		}
		names[p.Name] = true
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Service "+spec.Name, func() error {
		s := &servicev1.ServiceV1Spec{Selector: stringMap(spec.Selector)}
		if typ == Headless {
			s.Type = jsii.String(ClusterIP)
			s.ClusterIp = jsii.String("None")
		} else {
			s.Type = jsii.String(typ)
		}
		if spec.PublishNotReadyAddresses {
			s.PublishNotReadyAddresses = true
		}
		var ports []*servicev1.ServiceV1SpecPort
		for _, p := range spec.Ports {
			target := p.TargetPort
			if target == "" {
				target = strconv.Itoa(p.Port)
			}
			ports = append(ports, &servicev1.ServiceV1SpecPort{
				Name: str(p.Name), Port: jsii.Number(float64(p.Port)), TargetPort: jsii.String(target),
				NodePort: num(p.NodePort), Protocol: str(p.Protocol),
			})
		}
		s.Port = ports
		cfg := &servicev1.ServiceV1Config{
			Metadata: &servicev1.ServiceV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: s,
		}
		if typ == LoadBalancer {
			cfg.WaitForLoadBalancer = spec.Wait
		}
		r := servicev1.NewServiceV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "Service", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
