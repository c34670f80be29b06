package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/apiservicev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/clusterrolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/clusterrolev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/priorityclassv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/rolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/rolev1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// PolicyRule is one RBAC rule: Verbs on Resources of APIGroups ("" is the core group),
// optionally only the objects named in ResourceNames; or Verbs on NonResourceURLs (cluster
// roles only).
type PolicyRule struct {
	APIGroups       []string
	Resources       []string
	ResourceNames   []string
	NonResourceURLs []string
	Verbs           []string
}

// RoleSpec describes a kubernetes_role_v1 (namespaced).
type RoleSpec struct {
	Meta
	Rules []PolicyRule
}

// ClusterRoleSpec describes a kubernetes_cluster_role_v1. Meta.Namespace is unused.
type ClusterRoleSpec struct {
	Meta
	Rules []PolicyRule
}

// RoleSubject is who a binding grants a role to: a ServiceAccount by default.
type RoleSubject struct {
	// Kind: ServiceAccount (default), User or Group.
	Kind string
	// Name and, for a ServiceAccount, Namespace (display names or references).
	Name, Namespace string
}

// RoleBindingSpec describes a kubernetes_role_binding_v1: it grants the Role (or, with
// ClusterRole, the ClusterRole) named Role inside Meta.Namespace.
type RoleBindingSpec struct {
	Meta
	Role        string
	ClusterRole bool
	Subjects    []RoleSubject
}

// ClusterRoleBindingSpec describes a kubernetes_cluster_role_binding_v1 granting the
// ClusterRole named Role cluster-wide. Meta.Namespace is unused.
type ClusterRoleBindingSpec struct {
	Meta
	Role     string
	Subjects []RoleSubject
}

func checkPolicyRules(kind, name string, rules []PolicyRule, cluster bool, errs *errList) {
	if len(rules) == 0 {
		errs.add("%s %q: rules: at least one is required", kind, name)
	}
	for i, r := range rules {
		if len(r.Verbs) == 0 {
			errs.add("%s %q: rule %d: verbs: required", kind, name, i)
		}
		if len(r.Resources) == 0 && len(r.NonResourceURLs) == 0 {
			errs.add("%s %q: rule %d: resources (or non-resource URLs) required", kind, name, i)
		}
		if len(r.NonResourceURLs) > 0 && (!cluster || len(r.Resources) > 0) {
			errs.add("%s %q: rule %d: non-resource URLs belong in a ClusterRole rule without resources", kind, name, i)
		}
	}
}

func checkClusterName(kind, name string, errs *errList) {
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		errs.add("%s %q: name: %s", kind, name, msgs[0])
	}
}

func checkSubjects(kind, name string, subjects []RoleSubject, errs *errList) {
	if len(subjects) == 0 {
		errs.add("%s %q: subjects: at least one is required", kind, name)
	}
	for i, s := range subjects {
		if s.Name == "" {
			errs.add("%s %q: subject %d: name required", kind, name, i)
		}
		switch s.Kind {
		case "", "ServiceAccount":
			if s.Namespace == "" {
				errs.add("%s %q: subject %d: a ServiceAccount needs its namespace", kind, name, i)
			}
		case "User", "Group":
		default:
			errs.add("%s %q: subject %d: kind %q must be ServiceAccount, User or Group", kind, name, i, s.Kind)
		}
	}
}

// list renders a string list, or nil when empty (the attribute is then omitted).
func list(l []string) *[]*string {
	if len(l) == 0 {
		return nil
	}
	return jsii.Strings(l...)
}

// NewRole creates a kubernetes_role_v1.
func NewRole(scope constructs.Construct, id string, spec RoleSpec) (*Object, error) {
	var errs errList
	checkMeta("Role", &spec.Meta, &errs)
	checkPolicyRules("Role", spec.Name, spec.Rules, false, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Role "+spec.Name, func() error {
		var rules []*rolev1.RoleV1Rule
		for _, r := range spec.Rules {
			rules = append(rules, &rolev1.RoleV1Rule{
				ApiGroups: jsii.Strings(r.APIGroups...), Resources: list(r.Resources),
				ResourceNames: list(r.ResourceNames), Verbs: jsii.Strings(r.Verbs...),
			})
		}
		r := rolev1.NewRoleV1(scope, jsii.String(id), &rolev1.RoleV1Config{
			Metadata: &rolev1.RoleV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Rule: rules,
		})
		obj = &Object{Kind: "Role", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// NewClusterRole creates a kubernetes_cluster_role_v1.
func NewClusterRole(scope constructs.Construct, id string, spec ClusterRoleSpec) (*Object, error) {
	var errs errList
	checkClusterName("ClusterRole", spec.Name, &errs)
	checkPolicyRules("ClusterRole", spec.Name, spec.Rules, true, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ClusterRole "+spec.Name, func() error {
		var rules []*clusterrolev1.ClusterRoleV1Rule
		for _, r := range spec.Rules {
			rule := &clusterrolev1.ClusterRoleV1Rule{
				Resources: list(r.Resources), ResourceNames: list(r.ResourceNames),
				NonResourceUrls: list(r.NonResourceURLs), Verbs: jsii.Strings(r.Verbs...),
			}
			if len(r.Resources) > 0 {
				rule.ApiGroups = jsii.Strings(r.APIGroups...)
			}
			rules = append(rules, rule)
		}
		r := clusterrolev1.NewClusterRoleV1(scope, jsii.String(id), &clusterrolev1.ClusterRoleV1Config{
			Metadata: &clusterrolev1.ClusterRoleV1Metadata{
				Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Rule: rules,
		})
		obj = &Object{Kind: "ClusterRole", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

func subjectKind(k string) string {
	if k == "" {
		return "ServiceAccount"
	}
	return k
}

// NewRoleBinding creates a kubernetes_role_binding_v1.
func NewRoleBinding(scope constructs.Construct, id string, spec RoleBindingSpec) (*Object, error) {
	var errs errList
	checkMeta("RoleBinding", &spec.Meta, &errs)
	if spec.Role == "" {
		errs.add("RoleBinding %q: role: required", spec.Name)
	}
	checkSubjects("RoleBinding", spec.Name, spec.Subjects, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("RoleBinding "+spec.Name, func() error {
		var subjects []*rolebindingv1.RoleBindingV1Subject
		for _, s := range spec.Subjects {
			sub := &rolebindingv1.RoleBindingV1Subject{Kind: jsii.String(subjectKind(s.Kind)), Name: jsii.String(s.Name), Namespace: str(s.Namespace)}
			if s.Kind == "User" || s.Kind == "Group" {
				sub.ApiGroup = jsii.String("rbac.authorization.k8s.io")
			}
			subjects = append(subjects, sub)
		}
		kind := "Role"
		if spec.ClusterRole {
			kind = "ClusterRole"
		}
		r := rolebindingv1.NewRoleBindingV1(scope, jsii.String(id), &rolebindingv1.RoleBindingV1Config{
			Metadata: &rolebindingv1.RoleBindingV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			RoleRef: &rolebindingv1.RoleBindingV1RoleRef{ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String(kind), Name: jsii.String(spec.Role)},
			Subject: subjects,
		})
		obj = &Object{Kind: "RoleBinding", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// NewClusterRoleBinding creates a kubernetes_cluster_role_binding_v1.
func NewClusterRoleBinding(scope constructs.Construct, id string, spec ClusterRoleBindingSpec) (*Object, error) {
	var errs errList
	checkClusterName("ClusterRoleBinding", spec.Name, &errs)
	if spec.Role == "" {
		errs.add("ClusterRoleBinding %q: role: required", spec.Name)
	}
	checkSubjects("ClusterRoleBinding", spec.Name, spec.Subjects, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("ClusterRoleBinding "+spec.Name, func() error {
		var subjects []*clusterrolebindingv1.ClusterRoleBindingV1Subject
		for _, s := range spec.Subjects {
			sub := &clusterrolebindingv1.ClusterRoleBindingV1Subject{Kind: jsii.String(subjectKind(s.Kind)), Name: jsii.String(s.Name), Namespace: str(s.Namespace)}
			if s.Kind == "User" || s.Kind == "Group" {
				sub.ApiGroup = jsii.String("rbac.authorization.k8s.io")
			}
			subjects = append(subjects, sub)
		}
		r := clusterrolebindingv1.NewClusterRoleBindingV1(scope, jsii.String(id), &clusterrolebindingv1.ClusterRoleBindingV1Config{
			Metadata: &clusterrolebindingv1.ClusterRoleBindingV1Metadata{
				Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			RoleRef: &clusterrolebindingv1.ClusterRoleBindingV1RoleRef{ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String("ClusterRole"), Name: jsii.String(spec.Role)},
			Subject: subjects,
		})
		obj = &Object{Kind: "ClusterRoleBinding", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// PriorityClassSpec describes a kubernetes_priority_class_v1 (cluster-scoped). Pods name it in
// PodSpec.PriorityClassName; the scheduler preempts lower-valued pods for higher-valued ones.
type PriorityClassSpec struct {
	// Name (cluster-wide: include what makes it unique, e.g. the namespace) and Labels.
	Name   string
	Labels map[string]string
	// Value: higher is more important; user classes stay within -2147483648..1000000000.
	Value       int
	Description string
	// PreemptionPolicy: PreemptLowerPriority (Kubernetes default) or Never.
	PreemptionPolicy string
}

// NewPriorityClass creates a kubernetes_priority_class_v1.
func NewPriorityClass(scope constructs.Construct, id string, spec PriorityClassSpec) (*Object, error) {
	var errs errList
	checkClusterName("PriorityClass", spec.Name, &errs)
	if spec.Value > 1000000000 {
		errs.add("PriorityClass %q: value %d is above 1000000000 (reserved for system classes)", spec.Name, spec.Value)
	}
	if p := spec.PreemptionPolicy; p != "" && p != "PreemptLowerPriority" && p != "Never" {
		errs.add("PriorityClass %q: preemption policy %q must be PreemptLowerPriority or Never", spec.Name, p)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("PriorityClass "+spec.Name, func() error {
		r := priorityclassv1.NewPriorityClassV1(scope, jsii.String(id), &priorityclassv1.PriorityClassV1Config{
			Metadata:         &priorityclassv1.PriorityClassV1Metadata{Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels)},
			Value:            jsii.Number(float64(spec.Value)),
			Description:      str(spec.Description),
			PreemptionPolicy: str(spec.PreemptionPolicy),
		})
		obj = &Object{Kind: "PriorityClass", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// APIServiceSpec describes a kubernetes_api_service_v1: the API server forwards Group/Version
// to a Service (an aggregated API, such as external.metrics.k8s.io served by KEDA).
type APIServiceSpec struct {
	// Name is <version>.<group>; Labels label it.
	Name   string
	Labels map[string]string
	// Group and Version served.
	Group, Version string
	// ServiceName, ServiceNamespace (display names or references) and ServicePort (default 443).
	ServiceName, ServiceNamespace string
	ServicePort                   int
	GroupPriorityMinimum          int
	VersionPriority               int
	// CABundleManagedElsewhere: a controller writes spec.caBundle (KEDA's certificate
	// rotation does), so Terraform ignores it instead of resetting it on every apply.
	CABundleManagedElsewhere bool
	DependsOn                []*Object
}

// NewAPIService creates a kubernetes_api_service_v1.
func NewAPIService(scope constructs.Construct, id string, spec APIServiceSpec) (*Object, error) {
	var errs errList
	if spec.Name != spec.Version+"."+spec.Group {
		errs.add("APIService %q: the name must be <version>.<group> (%s.%s)", spec.Name, spec.Version, spec.Group)
	}
	if spec.ServiceName == "" || spec.ServiceNamespace == "" {
		errs.add("APIService %q: the Service name and namespace are required", spec.Name)
	}
	if spec.GroupPriorityMinimum < 1 || spec.VersionPriority < 1 {
		errs.add("APIService %q: group and version priorities must be >= 1", spec.Name)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	port := spec.ServicePort
	if port == 0 {
		port = 443
	}
	var obj *Object
	err := cdk.Guard("APIService "+spec.Name, func() error {
		cfg := &apiservicev1.ApiServiceV1Config{
			Metadata: &apiservicev1.ApiServiceV1Metadata{Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels)},
			Spec: &apiservicev1.ApiServiceV1Spec{
				Group: jsii.String(spec.Group), Version: jsii.String(spec.Version),
				GroupPriorityMinimum: jsii.Number(float64(spec.GroupPriorityMinimum)),
				VersionPriority:      jsii.Number(float64(spec.VersionPriority)),
				Service: &apiservicev1.ApiServiceV1SpecService{
					Name: jsii.String(spec.ServiceName), Namespace: jsii.String(spec.ServiceNamespace), Port: jsii.Number(float64(port)),
				},
			},
			DependsOn: dependsOn(spec.DependsOn),
		}
		if spec.CABundleManagedElsewhere {
			cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("spec[0].ca_bundle")}}
		}
		r := apiservicev1.NewApiServiceV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "APIService", Display: spec.Name, Name: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
