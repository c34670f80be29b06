// Package obs holds what the observability module packages share (modules/seq,
// modules/fluentbit, modules/grafana, modules/nodeexporter, modules/mongodbexporter,
// modules/kubestatemetrics, modules/otel): the settings every one of them has and their
// validation, labels, DNS names and NetworkPolicies. It builds nothing by itself; the
// configuration errors and security contexts are those of modules/internal/kit.
package obs

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// PartOf is the app.kubernetes.io/part-of label of every observability object: not armonik
// (ArmoniK's own pods, which the storage modules' NetworkPolicies admit) nor armonik-storage.
const PartOf = "armonik-monitoring"

// Common is the part of a module configuration that every observability module has.
type Common struct {
	Kind          string // the module kind: "seq", "grafana"...
	Component     string // the app.kubernetes.io/component label: "logs", "dashboards", "metrics"...
	Name          string
	Namespace     *k8s.Namespace
	ClusterDomain string
	Image, Tag    string
	PullPolicy    string
	Resources     k8s.Resources
	NodeSelector  map[string]string
	Tolerations   []k8s.Toleration
}

// Validate records every problem of the common settings: those of kit.Common, which has the
// same settings and more.
func (c *Common) Validate(e *kit.Errors) {
	k := kit.Common{
		Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
	k.Validate(e)
}

// ImageRef is image:tag, or image alone when pinned by digest or without a tag.
func ImageRef(image, tag string) string { return k8s.ImageRef(image, tag) }

// ImageRef is the container image of the module.
func (c *Common) ImageRef() string { return ImageRef(c.Image, c.Tag) }

// Host is the cluster DNS name of the Service called service.
func (c *Common) Host(service string) string {
	ns := ""
	if c.Namespace != nil {
		ns = c.Namespace.Name
	}
	return service + "." + ns + ".svc." + c.ClusterDomain
}

// URL is http://<service host>:<port>.
func (c *Common) URL(service string, port int) string {
	return "http://" + c.Host(service) + ":" + strconv.Itoa(port)
}

// Selector is the pod selector: the kind, the instance and the component, so that the pods of
// the instance's other workloads (a CronJob's, labelled with another component) never match
// the Service.
func (c *Common) Selector() map[string]string {
	return map[string]string{"app.kubernetes.io/name": c.Kind, "app.kubernetes.io/instance": c.Name, "app.kubernetes.io/component": c.Component}
}

// Labels are the labels of every object and pod template of the instance.
func (c *Common) Labels() map[string]string {
	l := c.Selector()
	l["app.kubernetes.io/part-of"] = PartOf
	return l
}

// ComponentLabels are the labels of the instance's workload of another component (a CronJob).
func (c *Common) ComponentLabels(component string) map[string]string {
	l := c.Labels()
	l["app.kubernetes.io/component"] = component
	return l
}

// Meta is the metadata of the object called name of the instance.
func (c *Common) Meta(name string) k8s.Meta {
	return k8s.Meta{Name: name, Namespace: c.Namespace.NameRef, Labels: c.Labels()}
}

// ConfigHash is the pod-template annotation that rolls the pods when the data of the Secrets
// and ConfigMaps they use (objs) changes, or static settings do.
func (c *Common) ConfigHash(static map[string]string, objs ...*k8s.Object) (map[string]string, error) {
	return c.ConfigHashContents(static, k8s.Contents(objs...))
}

// ConfigHashContents is ConfigHash over content expressions (k8s.Object.Content,
// outputs.Ref.Content), for pods whose Secrets come from other modules' outputs.
func (c *Common) ConfigHashContents(static map[string]string, contents []string) (map[string]string, error) {
	s := map[string]string{"module": c.Kind, "name": c.Name}
	for k, v := range static {
		s["with."+k] = v
	}
	h, err := k8s.ConfigHash(s, contents)
	if err != nil {
		return nil, err
	}
	return map[string]string{k8s.ConfigHashAnnotation: h}, nil
}

// NetworkPolicy creates the NetworkPolicy <name> of the instance: its pods accept connections
// on each port only from the peers listed for it (none: nobody in the cluster). kubectl
// port-forward reaches the pod from its own network namespace and is never refused.
func (c *Common) NetworkPolicy(scope constructs.Construct, id string, rules []PortPeers) (*k8s.Object, error) {
	var ingress []k8s.IngressRule
	for _, r := range rules {
		if len(r.From) == 0 {
			continue
		}
		ingress = append(ingress, k8s.IngressRule{From: r.From, Ports: []k8s.PolicyPort{{Port: strconv.Itoa(r.Port)}}})
	}
	return k8s.NewNetworkPolicy(scope, id, k8s.NetworkPolicySpec{
		Meta: c.Meta(c.Name), PodSelector: c.Selector(), Ingress: ingress,
	})
}

// PortPeers admits the peers From on Port.
type PortPeers struct {
	Port int
	From []k8s.PolicyPeer
}

// InNamespace is the peer "the pods matching pods in the namespace called ns" (namespaces carry
// kubernetes.io/metadata.name since Kubernetes 1.21).
func InNamespace(ns string, pods map[string]string) k8s.PolicyPeer {
	return k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": ns}, PodSelector: pods}
}

// ValidatePeers records the problems of extra NetworkPolicy peers given in the configuration.
func ValidatePeers(e *kit.Errors, key string, peers []k8s.PolicyPeer) {
	for i, p := range peers {
		k := fmt.Sprintf("%s[%d]", key, i)
		if len(p.PodSelector) == 0 && len(p.NamespaceSelector) == 0 {
			e.Add(k, "a pod or namespace selector is required (an empty peer would admit every pod)")
		}
		for _, m := range []map[string]string{p.PodSelector, p.NamespaceSelector} {
			for _, lk := range slices.Sorted(maps.Keys(m)) {
				if msgs := validation.IsQualifiedName(lk); len(msgs) > 0 {
					e.Add(k, "label key %q: %s", lk, msgs[0])
				}
				if msgs := validation.IsValidLabelValue(m[lk]); len(msgs) > 0 {
					e.Add(k, "label value %q of %q: %s", m[lk], lk, msgs[0])
				}
			}
		}
	}
}

// ValidateService records the problems of a UI Service setting.
func ValidateService(e *kit.Errors, s Service) {
	if !slices.Contains(k8s.ServiceTypes, s.Type) || s.Type == k8s.Headless {
		e.Add("service.type", "%q must be ClusterIP, NodePort or LoadBalancer", s.Type)
	}
	if s.Port < 1 || s.Port > 65535 {
		e.Add("service.port", "%d is not in 1-65535", s.Port)
	}
	if s.NodePort != 0 && s.Type == k8s.ClusterIP {
		e.Add("service.node_port", "needs type NodePort or LoadBalancer")
	}
}

// Service is how a UI is exposed: ClusterIP by default, so it is reached with kubectl
// port-forward or through an Ingress, never from outside the cluster unless asked.
type Service struct {
	// Type: ClusterIP (default), NodePort or LoadBalancer.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// Port of the Service (each module documents its default).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// NodePort for NodePort and LoadBalancer Services (0 = allocated by Kubernetes).
	NodePort int `json:"node_port,omitempty" yaml:"node_port,omitempty"`
	// Annotations of the Service (load-balancer settings...).
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// WithDefaults fills the type and port.
func (s Service) WithDefaults(port int) Service {
	s.Type = kit.Or(s.Type, k8s.ClusterIP)
	if s.Port == 0 {
		s.Port = port
	}
	return s
}

// ValidateStorage records the problems of a claim setting: a positive quantity and a valid
// StorageClass name.
func ValidateStorage(e *kit.Errors, s modules.Storage) {
	if q, err := resource.ParseQuantity(s.Size); err != nil {
		e.Add("storage.size", "%q is not a Kubernetes quantity such as \"8Gi\"", s.Size)
	} else if q.Sign() <= 0 {
		e.Add("storage.size", "%q must be positive", s.Size)
	}
	if s.StorageClass != "" {
		if msgs := validation.IsDNS1123Subdomain(s.StorageClass); len(msgs) > 0 {
			e.Add("storage.storage_class", "%q: %s", s.StorageClass, msgs[0])
		}
	}
}
