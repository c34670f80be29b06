package k8s

import (
	"encoding/json"
	"maps"
	"net"
	"slices"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	np "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/networkpolicyv1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// NetworkPolicySpec describes a kubernetes_network_policy_v1 that restricts the ingress of the
// pods it selects (policyTypes [Ingress]; egress is left alone). Once a pod is selected by a
// policy with the Ingress type, only the traffic some rule allows reaches it.
type NetworkPolicySpec struct {
	Meta
	// PodSelector selects the protected pods by label (required: an empty selector would
	// isolate every pod of the namespace).
	PodSelector map[string]string
	// Ingress lists the allowed traffic; none means nothing may connect.
	Ingress []IngressRule
	// RestrictEgress adds the Egress policy type: the selected pods may then only open the
	// connections some Egress rule allows (none: no connection at all, not even DNS).
	RestrictEgress bool
	// Egress lists the allowed outgoing traffic (used with RestrictEgress).
	Egress []EgressRule
}

// EgressRule allows traffic to any of To on any of Ports. An empty To allows every
// destination; empty Ports allow every port.
type EgressRule struct {
	To    []PolicyPeer
	Ports []PolicyPort
}

// IngressRule allows traffic from any of From to any of Ports. An empty From allows every
// source; empty Ports allow every port.
type IngressRule struct {
	From  []PolicyPeer
	Ports []PolicyPort
}

// PolicyPeer is a source (or, in an egress rule, a destination) of traffic: the pods matching
// PodSelector, in the policy's own namespace unless NamespaceSelector is set (then in every
// namespace it matches); or, with CIDR instead of selectors, the IP addresses of that block
// (for what is not a pod, such as the Kubernetes API server).
type PolicyPeer struct {
	PodSelector       map[string]string
	NamespaceSelector map[string]string
	CIDR              string
}

// PolicyPort is a destination port of the protected pods: a number or a container port name,
// with its protocol (TCP by default).
type PolicyPort struct {
	Port     string
	Protocol string
}

// NewNetworkPolicy creates a kubernetes_network_policy_v1.
func NewNetworkPolicy(scope constructs.Construct, id string, spec NetworkPolicySpec) (*Object, error) {
	var errs errList
	checkMeta("NetworkPolicy", &spec.Meta, &errs)
	if len(spec.PodSelector) == 0 {
		errs.add("NetworkPolicy %q: pod selector: required (an empty one would select every pod of the namespace)", spec.Name)
	}
	checkLabels("NetworkPolicy "+strconv.Quote(spec.Name)+": pod selector", spec.PodSelector, &errs)
	for i, r := range spec.Ingress {
		for j, f := range r.From {
			checkPeer("NetworkPolicy "+strconv.Quote(spec.Name)+": ingress "+strconv.Itoa(i)+": from "+strconv.Itoa(j), f, &errs)
		}
		for _, p := range r.Ports {
			checkPolicyPort(spec.Name, p, &errs)
		}
	}
	if len(spec.Egress) > 0 && !spec.RestrictEgress {
		errs.add("NetworkPolicy %q: egress rules without RestrictEgress would never apply", spec.Name)
	}
	for i, r := range spec.Egress {
		for j, f := range r.To {
			checkPeer("NetworkPolicy "+strconv.Quote(spec.Name)+": egress "+strconv.Itoa(i)+": to "+strconv.Itoa(j), f, &errs)
		}
		for _, p := range r.Ports {
			checkPolicyPort(spec.Name, p, &errs)
		}
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("NetworkPolicy "+spec.Name, func() error {
		var rules []*np.NetworkPolicyV1SpecIngress
		for _, r := range spec.Ingress {
			rule := &np.NetworkPolicyV1SpecIngress{}
			var from []*np.NetworkPolicyV1SpecIngressFrom
			for _, f := range r.From {
				from = append(from, renderPeer(f))
			}
			if len(from) > 0 {
				rule.From = from
			}
			if ports := renderPorts(r.Ports); len(ports) > 0 {
				rule.Ports = ports
			}
			rules = append(rules, rule)
		}
		var egress []*np.NetworkPolicyV1SpecEgress
		for _, r := range spec.Egress {
			// The egress types have the ingress ones' shape: convert the rendered rule.
			in := &np.NetworkPolicyV1SpecIngress{}
			var to []*np.NetworkPolicyV1SpecIngressFrom
			for _, f := range r.To {
				to = append(to, renderPeer(f))
			}
			if len(to) > 0 {
				in.From = to
			}
			if ports := renderPorts(r.Ports); len(ports) > 0 {
				in.Ports = ports
			}
			raw, err := json.Marshal(in)
			if err != nil {
				return err
			}
			var generic map[string]any
			if err := json.Unmarshal(raw, &generic); err != nil {
				return err
			}
			if from, ok := generic["from"]; ok {
				delete(generic, "from")
				generic["to"] = from
			}
			out, err := convertJSON[np.NetworkPolicyV1SpecEgress](generic)
			if err != nil {
				return err
			}
			egress = append(egress, out)
		}
		s := &np.NetworkPolicyV1Spec{
			PodSelector: &np.NetworkPolicyV1SpecPodSelector{MatchLabels: stringMap(spec.PodSelector)},
			PolicyTypes: jsii.Strings("Ingress"),
		}
		if spec.RestrictEgress {
			s.PolicyTypes = jsii.Strings("Ingress", "Egress")
		}
		if len(rules) > 0 {
			s.Ingress = rules
		}
		if len(egress) > 0 {
			s.Egress = egress
		}
		r := np.NewNetworkPolicyV1(scope, jsii.String(id), &np.NetworkPolicyV1Config{
			Metadata: &np.NetworkPolicyV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: s,
		})
		obj = &Object{Kind: "NetworkPolicy", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// checkPeer records the problems of a peer: selectors, or a CIDR block, never neither nor both.
func checkPeer(where string, f PolicyPeer, errs *errList) {
	selectors := len(f.PodSelector) > 0 || len(f.NamespaceSelector) > 0
	switch {
	case f.CIDR != "" && selectors:
		errs.add("%s: a peer is either selectors or a CIDR block, not both", where)
	case f.CIDR != "":
		if _, _, err := net.ParseCIDR(f.CIDR); err != nil {
			errs.add("%s: CIDR %q: %v", where, f.CIDR, err)
		}
	case !selectors:
		errs.add("%s: a pod or namespace selector is required (an empty peer would allow every pod)", where)
	}
	checkLabels(where+": pod selector", f.PodSelector, errs)
	checkLabels(where+": namespace selector", f.NamespaceSelector, errs)
}

func checkLabels(where string, m map[string]string, errs *errList) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			errs.add("%s: key %q: %s", where, k, msgs[0])
		}
		if msgs := validation.IsValidLabelValue(m[k]); len(msgs) > 0 {
			errs.add("%s: value %q of %q: %s", where, m[k], k, msgs[0])
		}
	}
}

func renderPeer(f PolicyPeer) *np.NetworkPolicyV1SpecIngressFrom {
	peer := &np.NetworkPolicyV1SpecIngressFrom{}
	if len(f.PodSelector) > 0 {
		peer.PodSelector = &np.NetworkPolicyV1SpecIngressFromPodSelector{MatchLabels: stringMap(f.PodSelector)}
	}
	if len(f.NamespaceSelector) > 0 {
		peer.NamespaceSelector = &np.NetworkPolicyV1SpecIngressFromNamespaceSelector{MatchLabels: stringMap(f.NamespaceSelector)}
	}
	if f.CIDR != "" {
		peer.IpBlock = &np.NetworkPolicyV1SpecIngressFromIpBlock{Cidr: jsii.String(f.CIDR)}
	}
	return peer
}

func renderPorts(ps []PolicyPort) []*np.NetworkPolicyV1SpecIngressPorts {
	var ports []*np.NetworkPolicyV1SpecIngressPorts
	for _, p := range ps {
		proto := p.Protocol
		if proto == "" {
			proto = "TCP"
		}
		ports = append(ports, &np.NetworkPolicyV1SpecIngressPorts{Port: jsii.String(p.Port), Protocol: jsii.String(proto)})
	}
	return ports
}

func checkPolicyPort(policy string, p PolicyPort, errs *errList) {
	if n, err := strconv.Atoi(p.Port); err == nil {
		if n < 1 || n > 65535 {
			errs.add("NetworkPolicy %q: port %d is not in 1-65535", policy, n)
		}
	} else if msgs := validation.IsValidPortName(p.Port); len(msgs) > 0 {
		errs.add("NetworkPolicy %q: port %q is neither a number nor a port name: %s", policy, p.Port, msgs[0])
	}
	switch p.Protocol {
	case "", "TCP", "UDP", "SCTP":
	default:
		errs.add("NetworkPolicy %q: port %s: protocol %q must be TCP, UDP or SCTP", policy, p.Port, p.Protocol)
	}
}
