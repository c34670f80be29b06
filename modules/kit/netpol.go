package kit

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
)

// The label every pod of ArmoniK carries (constructs/armonik LabelPartOf=PartOf); the
// NetworkPolicies admit traffic from the pods that carry it. A test checks that both agree.
const (
	ConsumerLabel = "app.kubernetes.io/part-of"
	ConsumerValue = "armonik"
)

// ConsumerSelector selects ArmoniK's pods: the init Job, the control plane, the compute planes
// (polling agents and workers) and the metrics exporter.
func ConsumerSelector() map[string]string { return map[string]string{ConsumerLabel: ConsumerValue} }

// NetworkPolicy creates the NetworkPolicy <name> of the instance: its pods accept connections
// only from ArmoniK's pods of the namespace (and, with self, from the instance's own pods), on
// the given ports. Every other ingress (other namespaces, other pods of the namespace) is
// refused by CNIs that enforce NetworkPolicies; egress is untouched.
func (c *Common) NetworkPolicy(scope constructs.Construct, id string, self bool, ports ...int) (*k8s.Object, error) {
	from := []k8s.PolicyPeer{{PodSelector: ConsumerSelector()}}
	if self {
		from = append(from, k8s.PolicyPeer{PodSelector: c.Selector()})
	}
	var pp []k8s.PolicyPort
	for _, p := range ports {
		pp = append(pp, k8s.PolicyPort{Port: strconv.Itoa(p)})
	}
	return k8s.NewNetworkPolicy(scope, id, k8s.NetworkPolicySpec{
		Meta:        c.Meta(c.Name),
		PodSelector: c.Selector(),
		Ingress:     []k8s.IngressRule{{From: from, Ports: pp}},
	})
}
