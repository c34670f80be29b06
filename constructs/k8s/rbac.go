package k8s

import (
	"slices"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	crb "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/clusterrolebindingv1"
	cr "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/clusterrolev1"
	rb "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/rolebindingv1"
	role "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/rolev1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// PolicyRule grants Verbs on Resources of APIGroups ("" is the core group), optionally only on
// the objects named ResourceNames. Wildcards ("*") are refused: a rule names what it grants.
type PolicyRule struct {
	APIGroups     []string
	Resources     []string
	ResourceNames []string
	Verbs         []string
}

// Verbs lists the verbs a PolicyRule may grant.
var Verbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

func checkRules(where string, rules []PolicyRule, errs *errList) {
	if len(rules) == 0 {
		errs.add("%s: rules: at least one is required", where)
	}
	for i, r := range rules {
		w := where + ": rule " + strconv.Itoa(i)
		if len(r.APIGroups) == 0 {
			errs.add("%s: api groups: required (\"\" is the core group)", w)
		}
		if len(r.Resources) == 0 {
			errs.add("%s: resources: required", w)
		}
		if len(r.Verbs) == 0 {
			errs.add("%s: verbs: required", w)
		}
		for _, list := range [][]string{r.APIGroups, r.Resources, r.ResourceNames, r.Verbs} {
			if slices.Contains(list, "*") {
				errs.add("%s: \"*\" grants everything: name the groups, resources and verbs", w)
				break
			}
		}
		for _, v := range r.Verbs {
			if v != "*" && !slices.Contains(Verbs, v) {
				errs.add("%s: verb %q is not one of %v", w, v, Verbs)
			}
		}
	}
}

// Subject is who a binding grants the role to: a ServiceAccount (Namespace required), a User or
// a Group.
type Subject struct {
	Kind      string // ServiceAccount, User or Group
	Name      string
	Namespace string
}

func checkSubjects(where string, subjects []Subject, errs *errList) {
	if len(subjects) == 0 {
		errs.add("%s: subjects: at least one is required", where)
	}
	for i, s := range subjects {
		w := where + ": subject " + strconv.Itoa(i)
		switch s.Kind {
		case "ServiceAccount":
			if s.Namespace == "" {
				errs.add("%s: a ServiceAccount subject needs its namespace", w)
			}
		case "User", "Group":
		default:
			errs.add("%s: kind %q must be ServiceAccount, User or Group", w, s.Kind)
		}
		if s.Name == "" {
			errs.add("%s: name: required", w)
		}
	}
}

// subjectAPIGroup is the apiGroup of a subject: "" for ServiceAccounts, the RBAC group for
// users and groups.
func subjectAPIGroup(kind string) *string {
	if kind == "ServiceAccount" {
		return nil
	}
	return jsii.String("rbac.authorization.k8s.io")
}

func checkClusterName(kind, name string, errs *errList) {
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		errs.add("%s %q: name: %s", kind, name, msgs[0])
	}
}

// RoleSpec describes a kubernetes_role_v1: permissions inside one namespace.
type RoleSpec struct {
	Meta
	Rules []PolicyRule
}

// NewRole creates a kubernetes_role_v1.
func NewRole(scope constructs.Construct, id string, spec RoleSpec) (*Object, error) {
	var errs errList
	checkMeta("Role", &spec.Meta, &errs)
	checkRules("Role "+strconv.Quote(spec.Name), spec.Rules, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Role "+spec.Name, func() error {
		var rules []*role.RoleV1Rule
		for _, r := range spec.Rules {
			rules = append(rules, &role.RoleV1Rule{
				ApiGroups: jsii.Strings(r.APIGroups...), Resources: jsii.Strings(r.Resources...),
				Verbs: jsii.Strings(r.Verbs...), ResourceNames: strList(r.ResourceNames),
			})
		}
		res := role.NewRoleV1(scope, jsii.String(id), &role.RoleV1Config{
			Metadata: &role.RoleV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Rule: rules,
		})
		obj = &Object{Kind: "Role", Display: spec.Name, Name: *res.Metadata().Name(), Resource: res}
		return nil
	})
	return obj, err
}

// RoleBindingSpec describes a kubernetes_role_binding_v1: grants a Role of the binding's
// namespace, or a ClusterRole limited to that namespace, to Subjects.
type RoleBindingSpec struct {
	Meta
	// RoleKind is Role (default) or ClusterRole.
	RoleKind string
	// Role is the name (or a Terraform reference to it) of the Role or ClusterRole.
	Role     string
	Subjects []Subject
}

// NewRoleBinding creates a kubernetes_role_binding_v1.
func NewRoleBinding(scope constructs.Construct, id string, spec RoleBindingSpec) (*Object, error) {
	var errs errList
	checkMeta("RoleBinding", &spec.Meta, &errs)
	kind := spec.RoleKind
	if kind == "" {
		kind = "Role"
	}
	if kind != "Role" && kind != "ClusterRole" {
		errs.add("RoleBinding %q: role kind %q must be Role or ClusterRole", spec.Name, spec.RoleKind)
	}
	if spec.Role == "" {
		errs.add("RoleBinding %q: role: required", spec.Name)
	}
	checkSubjects("RoleBinding "+strconv.Quote(spec.Name), spec.Subjects, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("RoleBinding "+spec.Name, func() error {
		var subjects []*rb.RoleBindingV1Subject
		for _, s := range spec.Subjects {
			subjects = append(subjects, &rb.RoleBindingV1Subject{
				Kind: jsii.String(s.Kind), Name: jsii.String(s.Name), Namespace: str(s.Namespace), ApiGroup: subjectAPIGroup(s.Kind),
			})
		}
		res := rb.NewRoleBindingV1(scope, jsii.String(id), &rb.RoleBindingV1Config{
			Metadata: &rb.RoleBindingV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			RoleRef: &rb.RoleBindingV1RoleRef{
				ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String(kind), Name: jsii.String(spec.Role),
			},
			Subject: subjects,
		})
		obj = &Object{Kind: "RoleBinding", Display: spec.Name, Name: *res.Metadata().Name(), Resource: res}
		return nil
	})
	return obj, err
}

// ClusterRoleSpec describes a kubernetes_cluster_role_v1: permissions across the cluster (or,
// bound by a RoleBinding, inside one namespace).
type ClusterRoleSpec struct {
	Name                string
	Labels, Annotations map[string]string
	Rules               []PolicyRule
}

// NewClusterRole creates a kubernetes_cluster_role_v1. Cluster-scoped objects are shared by
// every stack of the cluster: derive their names from something unique, such as the namespace.
func NewClusterRole(scope constructs.Construct, id string, spec ClusterRoleSpec) (*Object, error) {
	var errs errList
	checkClusterName("ClusterRole", spec.Name, &errs)
	checkRules("ClusterRole "+strconv.Quote(spec.Name), spec.Rules, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ClusterRole "+spec.Name, func() error {
		var rules []*cr.ClusterRoleV1Rule
		for _, r := range spec.Rules {
			rules = append(rules, &cr.ClusterRoleV1Rule{
				ApiGroups: jsii.Strings(r.APIGroups...), Resources: jsii.Strings(r.Resources...),
				Verbs: jsii.Strings(r.Verbs...), ResourceNames: strList(r.ResourceNames),
			})
		}
		res := cr.NewClusterRoleV1(scope, jsii.String(id), &cr.ClusterRoleV1Config{
			Metadata: &cr.ClusterRoleV1Metadata{
				Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Rule: rules,
		})
		obj = &Object{Kind: "ClusterRole", Display: spec.Name, Name: *res.Metadata().Name(), Resource: res}
		return nil
	})
	return obj, err
}

// ClusterRoleBindingSpec describes a kubernetes_cluster_role_binding_v1: grants a ClusterRole
// to Subjects across the cluster.
type ClusterRoleBindingSpec struct {
	Name                string
	Labels, Annotations map[string]string
	// ClusterRole is the name (or a Terraform reference to it) of the ClusterRole.
	ClusterRole string
	Subjects    []Subject
}

// NewClusterRoleBinding creates a kubernetes_cluster_role_binding_v1.
func NewClusterRoleBinding(scope constructs.Construct, id string, spec ClusterRoleBindingSpec) (*Object, error) {
	var errs errList
	checkClusterName("ClusterRoleBinding", spec.Name, &errs)
	if spec.ClusterRole == "" {
		errs.add("ClusterRoleBinding %q: cluster role: required", spec.Name)
	}
	checkSubjects("ClusterRoleBinding "+strconv.Quote(spec.Name), spec.Subjects, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ClusterRoleBinding "+spec.Name, func() error {
		var subjects []*crb.ClusterRoleBindingV1Subject
		for _, s := range spec.Subjects {
			subjects = append(subjects, &crb.ClusterRoleBindingV1Subject{
				Kind: jsii.String(s.Kind), Name: jsii.String(s.Name), Namespace: str(s.Namespace), ApiGroup: subjectAPIGroup(s.Kind),
			})
		}
		res := crb.NewClusterRoleBindingV1(scope, jsii.String(id), &crb.ClusterRoleBindingV1Config{
			Metadata: &crb.ClusterRoleBindingV1Metadata{
				Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			RoleRef: &crb.ClusterRoleBindingV1RoleRef{
				ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String("ClusterRole"), Name: jsii.String(spec.ClusterRole),
			},
			Subject: subjects,
		})
		obj = &Object{Kind: "ClusterRoleBinding", Display: spec.Name, Name: *res.Metadata().Name(), Resource: res}
		return nil
	})
	return obj, err
}
