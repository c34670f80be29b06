package kubestatemetrics

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "kube-state-metrics"

// Defaults and facts of the image (see the package documentation for their sources).
const (
	DefaultImage      = "registry.k8s.io/kube-state-metrics/kube-state-metrics"
	DefaultTag        = "v2.20.0"
	DefaultPullPolicy = "IfNotPresent"
	// Port serves the objects' metrics, TelemetryPort the exporter's own (the image's
	// --port=8080 --telemetry-port=8081).
	Port          = 8080
	TelemetryPort = 8081
	// uid is the image's user, nobody.
	uid = int64(65534)
)

// DefaultResources are the kinds of objects measured: the Deployments (desired and available
// replicas per partition) and the pods (phases, restarts).
var DefaultResources = []string{"deployments", "pods"}

// resourceGroups maps each resource kube-state-metrics may list here to its API group.
var resourceGroups = map[string]string{
	"deployments": "apps", "statefulsets": "apps", "daemonsets": "apps", "replicasets": "apps",
	"pods": "", "services": "", "persistentvolumeclaims": "", "jobs": "batch", "cronjobs": "batch",
	"horizontalpodautoscalers": "autoscaling",
}

// Config configures kube-state-metrics, restricted to some namespaces. Zero values take the
// documented defaults.
type Config struct {
	// Name of the instance (default "kube-state-metrics").
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects (set by the stack).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Service's DNS name (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of kube-state-metrics (default registry.k8s.io/kube-state-metrics/kube-state-metrics).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default v2.20.0).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the image (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector of the pod.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pod.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// Namespaces measured (the stack sets ArmoniK's); kube-state-metrics may list and watch the
	// measured kinds in these namespaces only (a Role in each).
	Namespaces []string `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
	// NamespaceRefs are the namespaces among Namespaces the stack creates (Terraform orders the
	// Roles after them).
	NamespaceRefs []*k8s.Namespace `json:"-" yaml:"-"`
	// Kinds measured (default deployments, pods; also statefulsets, daemonsets, replicasets,
	// services, persistentvolumeclaims, jobs, cronjobs, horizontalpodautoscalers).
	Kinds []string `json:"kinds,omitempty" yaml:"kinds,omitempty"`
	// JobName is the scrape job's name (default "kube-state-metrics").
	JobName string `json:"job_name,omitempty" yaml:"job_name,omitempty"`
	// Wait waits for the rollout (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only Scrapers may reach the metrics port
	// (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Scrapers may scrape (the stack adds its Prometheus).
	Scrapers []k8s.PolicyPeer `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.JobName = kit.Or(c.JobName, Kind)
	if c.Kinds == nil {
		c.Kinds = DefaultResources
	}
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() obs.Common {
	return obs.Common{
		Kind: Kind, Component: "metrics", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if len(c.Namespaces) == 0 {
		e.Add("namespaces", "required: the namespaces measured")
	}
	for i, ns := range c.Namespaces {
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			e.Add(fmt.Sprintf("namespaces[%d]", i), "%q: %s", ns, msgs[0])
		} else if slices.Index(c.Namespaces, ns) != i {
			e.Add(fmt.Sprintf("namespaces[%d]", i), "%q is listed twice", ns)
		}
	}
	if len(c.Kinds) == 0 {
		e.Add("kinds", "at least one kind of object is required")
	}
	for i, k := range c.Kinds {
		if _, ok := resourceGroups[k]; !ok {
			e.Add(fmt.Sprintf("kinds[%d]", i), "%q is not one of %s", k, strings.Join(slices.Sorted(maps.Keys(resourceGroups)), ", "))
		}
	}
	if err := (modules.ScrapeTarget{JobName: c.JobName, Host: "x", Port: Port}).Validate(); err != nil {
		e.Add("job_name", "%q: no blanks or quotes", c.JobName)
	}
	obs.ValidatePeers(e, "scrapers", c.Scrapers)
	return e.Err()
}

// Module is a deployed kube-state-metrics; it implements modules.ScrapeSource.
type Module struct {
	// Deployment runs it; Service <name> serves its metrics; ServiceAccount is its identity.
	Deployment, Service, ServiceAccount *k8s.Object
	// Roles and RoleBindings let it list and watch the measured kinds, one per namespace.
	Roles, RoleBindings []*k8s.Object
	// NetworkPolicy admits the scrapers (nil when disabled).
	NetworkPolicy *k8s.Object
	// Target is the scrape job.
	Target modules.ScrapeTarget
}

// ScrapeTargets implements modules.ScrapeSource.
func (m *Module) ScrapeTargets() []modules.ScrapeTarget { return []modules.ScrapeTarget{m.Target} }

// New deploys kube-state-metrics on scope with the configuration cfg, defaults applied. It
// returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Target: modules.ScrapeTarget{
		JobName: cfg.JobName, Host: cm.Host(cfg.Name), Port: Port, Pods: cm.Selector(), Namespace: cfg.Namespace.Name,
	}}
	var err error
	// It reads the API with its ServiceAccount's token.
	if m.ServiceAccount, err = k8s.NewServiceAccount(scope, id+"-service-account", k8s.ServiceAccountSpec{Meta: cm.Meta(cfg.Name), AutomountToken: true}); err != nil {
		return nil, e.Fail(err)
	}
	byGroup := map[string][]string{}
	for _, k := range cfg.Kinds {
		byGroup[resourceGroups[k]] = append(byGroup[resourceGroups[k]], k)
	}
	var rules []k8s.PolicyRule
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		rules = append(rules, k8s.PolicyRule{APIGroups: []string{g}, Resources: byGroup[g], Verbs: []string{"list", "watch"}})
	}
	subjects := []k8s.RoleSubject{{Kind: "ServiceAccount", Name: cfg.Name, Namespace: cfg.Namespace.Name}}
	for _, ns := range cfg.Namespaces {
		meta := k8s.Meta{Name: cfg.Namespace.Name + "-" + cfg.Name, Namespace: ns, Labels: cm.Labels()}
		for _, ref := range append([]*k8s.Namespace{cfg.Namespace}, cfg.NamespaceRefs...) {
			if ref != nil && ref.Name == ns {
				meta.Namespace = ref.NameRef
			}
		}
		r, err := k8s.NewRole(scope, fmt.Sprintf("%s-role-%s", id, ns), k8s.RoleSpec{Meta: meta, Rules: rules})
		if err != nil {
			return nil, e.Fail(err)
		}
		b, err := k8s.NewRoleBinding(scope, fmt.Sprintf("%s-role-binding-%s", id, ns), k8s.RoleBindingSpec{Meta: meta, Role: r.NameRef, Subjects: subjects})
		if err != nil {
			return nil, e.Fail(err)
		}
		m.Roles = append(m.Roles, r)
		m.RoleBindings = append(m.RoleBindings, b)
	}
	user := uid
	replicas := 1
	if m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta:      cm.Meta(cfg.Name),
		Replicas:  &replicas,
		Selector:  cm.Selector(),
		Wait:      kit.Bool(cfg.Wait, true),
		DependsOn: m.RoleBindings,
		Template: k8s.PodTemplate{
			Labels: cm.Labels(),
			Spec: k8s.PodSpec{
				ServiceAccountName:           m.ServiceAccount.NameRef,
				AutomountServiceAccountToken: ptr(true),
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "kube-state-metrics",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					// Namespaced mode (the project's README, "Limited privileges environment"):
					// it lists only these namespaces, which a Role in each allows.
					Args: []string{
						"--namespaces=" + strings.Join(cfg.Namespaces, ","),
						"--resources=" + strings.Join(cfg.Kinds, ","),
					},
					Ports: []k8s.Port{
						{Name: "metrics", ContainerPort: Port},
						{Name: "telemetry", ContainerPort: TelemetryPort},
					},
					Resources: cfg.Resources,
					// As the project's examples/standard/deployment.yaml.
					Liveness:  &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/livez", Port: "metrics"}, InitialDelaySeconds: 5, TimeoutSeconds: 5},
					Readiness: &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/readyz", Port: "telemetry"}, InitialDelaySeconds: 5, TimeoutSeconds: 5},
					Security: &k8s.ContainerSecurity{
						AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: cm.Meta(cfg.Name), Selector: cm.Selector(),
		Ports: []k8s.ServicePort{{Name: "metrics", Port: Port, TargetPort: "metrics"}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", []obs.PortPeers{{Port: Port, From: cfg.Scrapers}}); err != nil {
			return nil, e.Fail(err)
		}
	}
	return m, nil
}

func ptr[T any](v T) *T { return &v }
