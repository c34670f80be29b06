// Package keda installs KEDA 2.19.0 (the version ArmoniK 2.23.0 pins) from plain Kubernetes
// resources, for clusters that lack it: the operator, its metrics API server, the
// external.metrics.k8s.io APIService, their RBAC, and the custom resource definitions. It is not
// an AEP 5 module: ArmoniK's ScaledObjects need it installed before they are planned, so it
// goes into an earlier stack (stacks: armonik-platform), not beside ArmoniK.
//
// The objects follow KEDA's release manifests (kedacore/keda v2.19.0, config/: manager,
// metrics-server, rbac, service_account, crd), with these differences:
//
//   - No admission webhooks (config/webhooks): they only validate ScaledObjects (e.g. two on
//     one Deployment) and need their own certificate; the operator runs with
//     --enable-webhook-patching=false.
//   - The custom resource definitions are a minimal structural subset: ScaledObject's spec is
//     typed field by field (scaleTargetRef, replica counts, intervals, triggers; advanced and
//     fallback kept as given), the other five kinds (ScaledJob, TriggerAuthentication,
//     ClusterTriggerAuthentication, CloudEventSource, ClusterCloudEventSource) keep their spec
//     and status as given. The operator watches all six, so all six exist. The API server
//     therefore validates ScaledObjects less than KEDA's full schemas would, and KEDA reports
//     what it rejects in the objects' status.
//   - Images pinned to 2.19.0 with pull policy IfNotPresent; the operator's certificate rotation
//     (--enable-cert-rotation) creates the Secret kedaorg-certs and writes the APIService's
//     caBundle, which Terraform therefore ignores; the cluster domain is passed to both
//     components (the metrics server's default address of the operator hard-codes
//     cluster.local).
//
// Object names are KEDA's own (keda-operator, keda-metrics-apiserver, ...): one installation per
// cluster. Without a running operator (an API server with no nodes), the APIService stays
// unavailable; a namespace is then only deleted once the APIService is gone.
package keda

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind (the app.kubernetes.io/part-of label of KEDA's objects is KEDA's own,
// keda-operator).
const Kind = "keda"

// Version is the KEDA release installed.
const Version = "2.19.0"

// Defaults.
const (
	DefaultOperatorImage      = "ghcr.io/kedacore/keda"
	DefaultMetricsServerImage = "ghcr.io/kedacore/keda-metrics-apiserver"
	DefaultTag                = Version
	DefaultPullPolicy         = "IfNotPresent"
	DefaultLogLevel           = "info"
)

// Names KEDA's release uses, and the components rely on (operator flags' defaults).
const (
	OperatorName      = "keda-operator"
	MetricsServerName = "keda-metrics-apiserver"
	CertSecret        = "kedaorg-certs"
	// ExternalMetricsAPI is the APIService the metrics server serves.
	ExternalMetricsAPI = "v1beta1.external.metrics.k8s.io"
	// operatorGRPCPort is the operator's metrics service, which the metrics server queries.
	operatorGRPCPort = 9666
)

// Config configures the KEDA installation. The zero value, with Namespace set, is KEDA's
// release configuration.
type Config struct {
	// Namespace is KEDA's own namespace (required; set by the caller, usually "keda").
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// OperatorImage is the operator's image (default "ghcr.io/kedacore/keda").
	OperatorImage string `json:"operator_image,omitempty" yaml:"operator_image,omitempty"`
	// MetricsServerImage is the metrics API server's image (default
	// "ghcr.io/kedacore/keda-metrics-apiserver").
	MetricsServerImage string `json:"metrics_server_image,omitempty" yaml:"metrics_server_image,omitempty"`
	// Tag of both images (default "2.19.0").
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of both images (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// OperatorResources are the operator's requests and limits (default, as KEDA's release:
	// requests 100m/100Mi, limits 1000m/1000Mi).
	OperatorResources k8s.Resources `json:"operator_resources,omitempty" yaml:"operator_resources,omitempty"`
	// MetricsServerResources are the metrics API server's (same default).
	MetricsServerResources k8s.Resources `json:"metrics_server_resources,omitempty" yaml:"metrics_server_resources,omitempty"`
	// LogLevel of the operator: debug, info or error (default "info").
	LogLevel string `json:"log_level,omitempty" yaml:"log_level,omitempty"`
	// Wait makes apply wait until both components are ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector of both components (default kubernetes.io/os: linux, as KEDA's release).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of both components (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
}

func releaseResources() k8s.Resources {
	return k8s.Resources{
		Requests: map[string]string{"cpu": "100m", "memory": "100Mi"},
		Limits:   map[string]string{"cpu": "1000m", "memory": "1000Mi"},
	}
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.OperatorImage = kit.Or(c.OperatorImage, DefaultOperatorImage)
	c.MetricsServerImage = kit.Or(c.MetricsServerImage, DefaultMetricsServerImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.LogLevel = kit.Or(c.LogLevel, DefaultLogLevel)
	if c.OperatorResources.Requests == nil && c.OperatorResources.Limits == nil {
		c.OperatorResources = releaseResources()
	}
	if c.MetricsServerResources.Requests == nil && c.MetricsServerResources.Limits == nil {
		c.MetricsServerResources = releaseResources()
	}
	if c.NodeSelector == nil {
		c.NodeSelector = map[string]string{"kubernetes.io/os": "linux"}
	}
	c.Wait = kit.OrTrue(c.Wait)
	return c
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, Kind)
	kit.ValidateNamespace(e, c.Namespace)
	if msgs := validation.IsDNS1123Subdomain(c.ClusterDomain); len(msgs) > 0 {
		e.Add("cluster_domain", "%q: %s", c.ClusterDomain, msgs[0])
	}
	if strings.TrimSpace(c.Tag) == "" {
		e.Add("tag", "required")
	}
	for _, img := range []struct{ key, repo string }{{"operator_image", c.OperatorImage}, {"metrics_server_image", c.MetricsServerImage}} {
		if strings.TrimSpace(img.repo) == "" {
			e.Add(img.key, "required")
		} else if strings.TrimSpace(c.Tag) != "" {
			if err := k8s.ValidateImage(img.repo + ":" + c.Tag); err != nil {
				e.Add(img.key, "%v (image and tag)", err)
			}
		}
	}
	kit.ValidateOneOf(e, "pull_policy", c.PullPolicy, []string{"Always", "IfNotPresent", "Never"})
	kit.ValidateResources(e, "operator_resources", c.OperatorResources)
	kit.ValidateResources(e, "metrics_server_resources", c.MetricsServerResources)
	kit.ValidateOneOf(e, "log_level", c.LogLevel, []string{"debug", "info", "error"})
	for i, t := range c.Tolerations {
		if t.Operator != "" && t.Operator != "Equal" && t.Operator != "Exists" {
			e.Add(fmt.Sprintf("tolerations[%d].operator", i), "%q must be Equal or Exists", t.Operator)
		}
	}
	return e.Err()
}

// Module is an installed KEDA.
type Module struct {
	// CRDs are the custom resource definitions by name (scaledobjects.keda.sh...).
	CRDs map[string]*k8s.Object
	// Operator and MetricsServer are the Deployments, OperatorService and MetricsService their
	// Services, APIService the external metrics API.
	Operator, MetricsServer, OperatorService, MetricsService, APIService *k8s.Object
	// ServiceAccount runs both components.
	ServiceAccount *k8s.Object
	// ClusterRoles and Bindings hold the RBAC objects by name.
	ClusterRoles, Bindings map[string]*k8s.Object
	// Namespace is KEDA's namespace (display name).
	Namespace string
}

// Ready are the objects that must exist before ScaledObjects are planned: the CRDs.
func (m *Module) Ready() []*k8s.Object {
	var out []*k8s.Object
	for _, n := range crdOrder {
		out = append(out, m.CRDs[n])
	}
	return out
}

// New installs KEDA on scope (a stack) with the configuration cfg, defaults applied. It
// returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := kit.NewErrors(Kind, Kind)
	m := &Module{CRDs: map[string]*k8s.Object{}, ClusterRoles: map[string]*k8s.Object{}, Bindings: map[string]*k8s.Object{}, Namespace: cfg.Namespace.Display}
	ns := cfg.Namespace
	labels := func(name string) map[string]string {
		return map[string]string{"app.kubernetes.io/name": name, "app.kubernetes.io/version": Version, "app.kubernetes.io/part-of": OperatorName}
	}
	meta := func(name string) k8s.Meta { return k8s.Meta{Name: name, Namespace: ns.Name, Labels: labels(name)} }
	var err error
	fail := func(err error) (*Module, error) { return nil, e.Fail(err) }

	for _, name := range crdOrder {
		d := crds[name]
		if m.CRDs[name], err = k8s.NewManifest(scope, id+"-crd-"+d.plural, k8s.ManifestSpec{Manifest: d.manifest(labels(name))}); err != nil {
			return fail(err)
		}
	}

	if m.ServiceAccount, err = k8s.NewServiceAccount(scope, id+"-service-account", k8s.ServiceAccountSpec{
		Meta: meta(OperatorName), AutomountToken: true,
	}); err != nil {
		return fail(err)
	}
	sa := []k8s.RoleSubject{{Name: m.ServiceAccount.Name, Namespace: ns.Name}}
	for _, r := range []struct {
		name  string
		rules []k8s.PolicyRule
	}{
		{OperatorName, operatorRules()},
		{"keda-external-metrics-reader", []k8s.PolicyRule{{APIGroups: []string{"external.metrics.k8s.io"}, Resources: []string{"*"}, Verbs: []string{"*"}}}},
	} {
		if m.ClusterRoles[r.name], err = k8s.NewClusterRole(scope, id+"-cluster-role-"+r.name, k8s.ClusterRoleSpec{
			Meta: k8s.Meta{Name: r.name, Labels: labels(r.name)}, Rules: r.rules,
		}); err != nil {
			return fail(err)
		}
	}
	role, err := k8s.NewRole(scope, id+"-role", k8s.RoleSpec{Meta: meta(OperatorName), Rules: []k8s.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: allVerbs},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: allVerbs},
	}})
	if err != nil {
		return fail(err)
	}
	for _, b := range []struct{ name, role, subjectName, subjectNS string }{
		{OperatorName, m.ClusterRoles[OperatorName].Name, "", ""},
		{"keda-system-auth-delegator", "system:auth-delegator", "", ""},
		{"keda-hpa-controller-external-metrics", m.ClusterRoles["keda-external-metrics-reader"].Name, "horizontal-pod-autoscaler", "kube-system"},
	} {
		subjects := sa
		if b.subjectName != "" {
			subjects = []k8s.RoleSubject{{Name: b.subjectName, Namespace: b.subjectNS}}
		}
		if m.Bindings[b.name], err = k8s.NewClusterRoleBinding(scope, id+"-cluster-role-binding-"+b.name, k8s.ClusterRoleBindingSpec{
			Meta: k8s.Meta{Name: b.name, Labels: labels(b.name)}, Role: b.role, Subjects: subjects,
		}); err != nil {
			return fail(err)
		}
	}
	if m.Bindings["keda-operator-role"], err = k8s.NewRoleBinding(scope, id+"-role-binding", k8s.RoleBindingSpec{
		Meta: meta(OperatorName), Role: role.Name, Subjects: sa,
	}); err != nil {
		return fail(err)
	}
	// The aggregated API server reads the cluster's request-header CA (kube-system).
	if m.Bindings["keda-auth-reader"], err = k8s.NewRoleBinding(scope, id+"-auth-reader", k8s.RoleBindingSpec{
		Meta: k8s.Meta{Name: "keda-auth-reader", Namespace: "kube-system", Labels: labels("keda-auth-reader")},
		Role: "extension-apiserver-authentication-reader", Subjects: sa,
	}); err != nil {
		return fail(err)
	}
	rbac := []*k8s.Object{m.Bindings[OperatorName], m.Bindings["keda-operator-role"], m.Bindings["keda-system-auth-delegator"], m.Bindings["keda-auth-reader"]}

	wait := kit.Bool(cfg.Wait, true)
	env := []k8s.EnvVar{
		{Name: "POD_NAMESPACE", FieldPath: "metadata.namespace"},
		{Name: "WATCH_NAMESPACE", Value: ""},
	}
	security := func() *k8s.ContainerSecurity {
		s := kit.ContainerSecurity()
		t := true
		s.RunAsNonRoot, s.ReadOnlyRootFilesystem = &t, &t
		return s
	}
	podSecurity := &k8s.PodSecurity{RunAsNonRoot: ptr(true), SeccompRuntimeDefault: true}
	certs := k8s.Volume{Name: "certificates", Secret: &k8s.SecretVolume{Name: CertSecret, DefaultMode: "0644", Optional: true}}
	operatorHost := fmt.Sprintf("%s.%s.svc.%s", OperatorName, ns.Display, cfg.ClusterDomain)
	selector := func(app string) map[string]string { return map[string]string{"app": app} }

	if m.Operator, err = k8s.NewDeployment(scope, id+"-operator", k8s.DeploymentSpec{
		Meta: meta(OperatorName), Replicas: ptr(1), Selector: selector(OperatorName), Wait: wait, DependsOn: append(rbac, m.Ready()...),
		Template: k8s.PodTemplate{
			Labels: map[string]string{"app": OperatorName, "name": OperatorName},
			Spec: k8s.PodSpec{
				ServiceAccountName: m.ServiceAccount.Name, AutomountServiceAccountToken: ptr(true),
				Security: podSecurity, NodeSelector: cfg.NodeSelector, Tolerations: cfg.Tolerations,
				TerminationGracePeriodSeconds: ptr(int64(10)),
				Containers: []k8s.Container{{
					Name: OperatorName, Image: cfg.OperatorImage + ":" + cfg.Tag, ImagePullPolicy: cfg.PullPolicy,
					Command: []string{"/keda"},
					Args: []string{
						"--leader-elect",
						"--zap-log-level=" + cfg.LogLevel,
						"--zap-encoder=console",
						"--zap-time-encoding=rfc3339",
						"--enable-cert-rotation=true",
						"--enable-webhook-patching=false",
						"--cert-secret-name=" + CertSecret,
						"--operator-service-name=" + OperatorName,
						"--metrics-server-service-name=" + MetricsServerName,
						"--k8s-cluster-domain=" + cfg.ClusterDomain,
					},
					Env:       env,
					Ports:     []k8s.Port{{Name: "http", ContainerPort: 8080}, {Name: "metricsservice", ContainerPort: operatorGRPCPort}},
					Resources: cfg.OperatorResources,
					Liveness:  &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/healthz", Port: "8081"}, InitialDelaySeconds: 25},
					Readiness: &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/readyz", Port: "8081"}, InitialDelaySeconds: 20},
					Mounts:    []k8s.Mount{{Volume: "certificates", Path: "/certs", ReadOnly: true}},
					Security:  security(),
				}},
				Volumes: []k8s.Volume{certs},
			},
		},
	}); err != nil {
		return fail(err)
	}
	if m.OperatorService, err = k8s.NewService(scope, id+"-operator-service", k8s.ServiceSpec{
		Meta: meta(OperatorName), Selector: selector(OperatorName),
		Ports: []k8s.ServicePort{{Name: "metricsservice", Port: operatorGRPCPort, TargetPort: "9666"}, {Name: "metrics", Port: 8080, TargetPort: "8080"}},
	}); err != nil {
		return fail(err)
	}

	// The metrics server waits for the certificates the operator generates (the Secret is not
	// optional here).
	serverCerts := certs
	serverCerts.Secret = &k8s.SecretVolume{Name: CertSecret, DefaultMode: "0644"}
	if m.MetricsServer, err = k8s.NewDeployment(scope, id+"-metrics-apiserver", k8s.DeploymentSpec{
		Meta: meta(MetricsServerName), Replicas: ptr(1), Selector: selector(MetricsServerName), Wait: wait,
		DependsOn: append(rbac, m.Operator),
		Template: k8s.PodTemplate{
			Labels: map[string]string{"app": MetricsServerName},
			Spec: k8s.PodSpec{
				ServiceAccountName: m.ServiceAccount.Name, AutomountServiceAccountToken: ptr(true),
				Security: podSecurity, NodeSelector: cfg.NodeSelector, Tolerations: cfg.Tolerations,
				Containers: []k8s.Container{{
					Name: MetricsServerName, Image: cfg.MetricsServerImage + ":" + cfg.Tag, ImagePullPolicy: cfg.PullPolicy,
					Command: []string{"/keda-adapter"},
					Args: []string{
						"--secure-port=6443",
						"--zap-log-level=error",
						"--client-ca-file=/certs/ca.crt",
						"--tls-cert-file=/certs/tls.crt",
						"--tls-private-key-file=/certs/tls.key",
						"--cert-dir=/certs",
						fmt.Sprintf("--metrics-service-address=%s:%d", operatorHost, operatorGRPCPort),
					},
					Env:       env,
					Ports:     []k8s.Port{{Name: "https", ContainerPort: 6443}, {Name: "http", ContainerPort: 8080}},
					Resources: cfg.MetricsServerResources,
					Liveness:  &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/healthz", Port: "6443", Scheme: "HTTPS"}, InitialDelaySeconds: 5},
					Readiness: &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/readyz", Port: "6443", Scheme: "HTTPS"}, InitialDelaySeconds: 5},
					Mounts: []k8s.Mount{
						{Volume: "temp-vol", Path: "/tmp"},
						{Volume: "certificates", Path: "/certs", ReadOnly: true},
					},
					Security: security(),
				}},
				Volumes: []k8s.Volume{{Name: "temp-vol", EmptyDir: &k8s.EmptyDirVolume{}}, serverCerts},
			},
		},
	}); err != nil {
		return fail(err)
	}
	if m.MetricsService, err = k8s.NewService(scope, id+"-metrics-apiserver-service", k8s.ServiceSpec{
		Meta: meta(MetricsServerName), Selector: selector(MetricsServerName),
		Ports: []k8s.ServicePort{{Name: "https", Port: 443, TargetPort: "6443"}, {Name: "metrics", Port: 8080, TargetPort: "8080"}},
	}); err != nil {
		return fail(err)
	}
	if m.APIService, err = k8s.NewAPIService(scope, id+"-external-metrics-api", k8s.APIServiceSpec{
		Name: ExternalMetricsAPI, Labels: labels(ExternalMetricsAPI),
		Group: "external.metrics.k8s.io", Version: "v1beta1",
		ServiceName: m.MetricsService.Name, ServiceNamespace: ns.Name, ServicePort: 443,
		GroupPriorityMinimum: 100, VersionPriority: 100,
		CABundleManagedElsewhere: true,
	}); err != nil {
		return fail(err)
	}
	return m, nil
}

var allVerbs = []string{"create", "delete", "get", "list", "patch", "update", "watch"}

// operatorRules are the ClusterRole keda-operator of KEDA's release (config/rbac/role.yaml).
func operatorRules() []k8s.PolicyRule {
	watch := []string{"get", "list", "watch"}
	manage := []string{"get", "list", "patch", "update", "watch"}
	return []k8s.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps", "configmaps/status", "external", "pods", "secrets", "services"}, Verbs: watch},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
		{APIGroups: []string{""}, Resources: []string{"limitranges", "serviceaccounts"}, Verbs: []string{"list", "watch"}},
		{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"get"}},
		{APIGroups: []string{"*"}, Resources: []string{"*/scale"}, Verbs: []string{"get", "list", "patch", "update", "watch"}},
		{APIGroups: []string{"admissionregistration.k8s.io"}, Resources: []string{"validatingwebhookconfigurations"}, Verbs: manage},
		{APIGroups: []string{"apiregistration.k8s.io"}, Resources: []string{"apiservices"}, Verbs: manage},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets"}, Verbs: []string{"list", "watch"}},
		{APIGroups: []string{"autoscaling"}, Resources: []string{"horizontalpodautoscalers"}, Verbs: allVerbs},
		{APIGroups: []string{"batch"}, Resources: []string{"jobs"}, Verbs: allVerbs},
		{APIGroups: []string{"discovery.k8s.io"}, Resources: []string{"endpointslices"}, Verbs: watch},
		{APIGroups: []string{"eventing.keda.sh"}, Resources: []string{
			"cloudeventsources", "cloudeventsources/status", "clustercloudeventsources", "clustercloudeventsources/status",
		}, Verbs: manage},
		{APIGroups: []string{"keda.sh"}, Resources: []string{
			"clustertriggerauthentications", "clustertriggerauthentications/status",
			"scaledjobs", "scaledjobs/finalizers", "scaledjobs/status",
			"scaledobjects", "scaledobjects/finalizers", "scaledobjects/status",
			"triggerauthentications", "triggerauthentications/status",
		}, Verbs: manage},
	}
}

func ptr[T any](v T) *T { return &v }
