package nodeexporter

import (
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "node-exporter"

// Defaults and facts of the image (see the package documentation for their sources).
const (
	DefaultImage      = "prom/node-exporter"
	DefaultTag        = "v1.10.2"
	DefaultPullPolicy = "IfNotPresent"
	// Port is node-exporter's default listen port (--web.listen-address=:9100).
	Port = 9100
	// DefaultMountPointsExclude keeps the container runtime's and kubelet's own mounts out of
	// the filesystem metrics.
	DefaultMountPointsExclude = "^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/containerd/.+|var/lib/kubelet/.+)($|/)"
	hostRoot                  = "/host"
	// uid is the image's user, nobody.
	uid = int64(65534)
)

// Config configures the node exporter. Zero values take the documented defaults.
type Config struct {
	// Name of the instance (default "node-exporter"): the DaemonSet and its headless Service.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects: a namespace of node agents, labelled for the Pod Security
	// level "privileged" (the pods use the node's network and process namespaces and read its
	// root filesystem, which "baseline" forbids). Set by the stack.
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Service's DNS name (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of the exporter (default prom/node-exporter).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default v1.10.2, ArmoniK 2.23's pin).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the image (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector restricts the nodes measured (default: all).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pods (default: every taint, so that every node is measured).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// MountPointsExclude is --collector.filesystem.mount-points-exclude (default: the runtime's
	// and kubelet's mounts).
	MountPointsExclude string `json:"mount_points_exclude,omitempty" yaml:"mount_points_exclude,omitempty"`
	// JobName is the scrape job's name, the job label of its series (default "node-exporter").
	JobName string `json:"job_name,omitempty" yaml:"job_name,omitempty"`
	// Wait waits for the rollout (default true; a cluster without nodes schedules no pod).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.MountPointsExclude = kit.Or(c.MountPointsExclude, DefaultMountPointsExclude)
	c.JobName = kit.Or(c.JobName, Kind)
	if c.Tolerations == nil {
		c.Tolerations = []k8s.Toleration{{Operator: "Exists"}}
	}
	c.Wait = kit.OrTrue(c.Wait)
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
	if err := (modules.ScrapeTarget{JobName: c.JobName, Host: "x", Port: Port}).Validate(); err != nil {
		e.Add("job_name", "%q: no blanks or quotes", c.JobName)
	}
	return e.Err()
}

// Module is a deployed node exporter; it implements modules.ScrapeSource.
type Module struct {
	// DaemonSet runs one exporter per node, in the node's network namespace; Service is the
	// headless Service <name> whose DNS name resolves to every node running one.
	DaemonSet, Service *k8s.Object
	// Target is the scrape job: every address behind the Service, on 9100.
	Target modules.ScrapeTarget
}

// ScrapeTargets implements modules.ScrapeSource.
func (m *Module) ScrapeTargets() []modules.ScrapeTarget { return []modules.ScrapeTarget{m.Target} }

// New deploys the node exporter on scope with the configuration cfg, defaults applied. It
// returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Target: modules.ScrapeTarget{
		JobName: cfg.JobName, Host: cm.Host(cfg.Name), Port: Port, PerPod: true,
		Pods: cm.Selector(), Namespace: cfg.Namespace.Name, HostNetwork: true,
	}}
	user := uid
	probe := func(p k8s.Probe) *k8s.Probe { p.HTTPGet = &k8s.HTTPGet{Path: "/", Port: "metrics"}; return &p }
	var err error
	if m.DaemonSet, err = k8s.NewDaemonSet(scope, id+"-daemonset", k8s.DaemonSetSpec{
		Meta:           cm.Meta(cfg.Name),
		Selector:       cm.Selector(),
		MaxUnavailable: "10%",
		Wait:           kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels: cm.Labels(),
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				HostNetwork:                  true,
				HostPID:                      true,
				DNSPolicy:                    "ClusterFirstWithHostNet",
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "node-exporter",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					// As the project's README runs it: the host's / at /host, read-only, with
					// the host's later mounts propagated (rslave), and --path.rootfs=/host.
					Args: []string{
						"--path.rootfs=" + hostRoot,
						"--web.listen-address=:9100",
						"--collector.filesystem.mount-points-exclude=" + k8s.Literal(cfg.MountPointsExclude),
					},
					Ports:     []k8s.Port{{Name: "metrics", ContainerPort: Port}},
					Mounts:    []k8s.Mount{{Volume: "root", Path: hostRoot, ReadOnly: true, Propagation: "HostToContainer"}},
					Resources: cfg.Resources,
					Liveness:  probe(k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Readiness: probe(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security: &k8s.ContainerSecurity{
						AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
				Volumes: []k8s.Volume{{Name: "root", HostPath: &k8s.HostPathVolume{Path: "/", Type: "Directory"}}},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	// Headless: DNS answers with every pod's address, which in the node's network namespace is
	// the node's.
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: cm.Meta(cfg.Name), Type: k8s.Headless, Selector: cm.Selector(),
		Ports: []k8s.ServicePort{{Name: "metrics", Port: Port, TargetPort: "metrics"}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	return m, nil
}

func ptr[T any](v T) *T { return &v }
