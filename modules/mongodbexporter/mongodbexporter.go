package mongodbexporter

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "mongodb-exporter"

// Defaults and facts of the image (see the package documentation for their sources).
const (
	DefaultImage      = "percona/mongodb_exporter"
	DefaultTag        = "0.48.0"
	DefaultPullPolicy = "IfNotPresent"
	// Port is the exporter's default --web.listen-address, :9216.
	Port = 9216
	// uid is the image's user (USER 65535:65535).
	uid = int64(65535)

	// Layer names of the exporter's container, in explain and errors.
	LayerTableStorage = "table-storage"
	LayerConf         = "conf"

	// The variables the exporter's --mongodb.uri may come from, preferred first.
	MonitoringConnectionString = "MongoDB__MonitoringConnectionString"
	ConnectionString           = "MongoDB__ConnectionString"
	// CAFile is the variable of the CA file a TLS table store mounts (modules/mongodb,
	// modules/externalmongodb).
	CAFile = "MongoDB__CAFile"
)

// DefaultCollectors are the collectors enabled besides the always-on one (mongodb_up): the
// diagnostic data (serverStatus: connections, operation counters, memory...), the replica
// set's status and the databases' sizes. Upstream enables more (top, currentop, index and
// collection stats), which cost a query per collection on every scrape.
var DefaultCollectors = []string{"diagnosticdata", "replicasetstatus", "dbstats"}

// Config configures the MongoDB exporter. Zero values take the documented defaults.
type Config struct {
	// Name of the instance (default "mongodb-exporter"): the Deployment, its Service and
	// NetworkPolicies.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects: the namespace of the table store's Secrets, which the
	// exporter reads as ArmoniK does (set by the stack).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Service's DNS name (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of the exporter (default percona/mongodb_exporter).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default 0.48.0, ArmoniK 2.23's pin).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the image (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector of the pod.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pod.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// TableStorage is the table store's AEP 5 outputs: the very modules ArmoniK's core layer
	// gets (the stack passes its MongoDB module). Required.
	TableStorage []outputs.ModuleOutputs `json:"-" yaml:"-"`
	// Conf adds AEP 5 outputs after the table store's, for instance
	// MongoDB__MonitoringConnectionString from a Secret of a user with the clusterMonitor role
	// only, which the exporter then prefers to ArmoniK's connection string.
	Conf armonik.Conf `json:"-" yaml:"conf,omitempty"`
	// Collectors enabled besides mongodb_up (default diagnosticdata, replicasetstatus, dbstats;
	// see the exporter's --collector.<name> flags).
	Collectors []string `json:"collectors,omitempty" yaml:"collectors,omitempty"`
	// JobName is the scrape job's name (default "mongodb-exporter").
	JobName string `json:"job_name,omitempty" yaml:"job_name,omitempty"`
	// Wait waits for the rollout (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name> (only Scrapers may reach the metrics port)
	// and, with MongoDBPods, <name>-to-mongodb (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Scrapers may scrape the exporter (the stack adds its Prometheus).
	Scrapers []k8s.PolicyPeer `json:"-" yaml:"-"`
	// MongoDBPods selects an in-cluster MongoDB's pods (modules/mongodb) and MongoDBPort is its
	// port: the module then admits the exporter to them with a NetworkPolicy of its own,
	// added to the MongoDB module's (which admits ArmoniK's pods only). Set by the stack.
	MongoDBPods map[string]string `json:"-" yaml:"-"`
	MongoDBPort int               `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.JobName = kit.Or(c.JobName, Kind)
	if c.Collectors == nil {
		c.Collectors = DefaultCollectors
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

// Selector is the exporter pods' selector (c after defaults).
func (c Config) Selector() map[string]string {
	cm := c.common()
	return cm.Selector()
}

// collectors the exporter 0.48.0 knows (main.go, --collector.<name>).
var collectors = []string{
	"diagnosticdata", "replicasetstatus", "replicasetconfig", "dbstats", "dbstatsfreestorage",
	"topmetrics", "currentopmetrics", "indexstats", "collstats", "profile", "fcv", "shards", "pbm",
}

// Validate returns every problem of c (after defaults) at once, without merging the outputs
// (New does).
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if len(c.TableStorage) == 0 {
		e.Add("table_storage", "required: the table store's outputs (the module ArmoniK's core layer lists)")
	}
	for i, col := range c.Collectors {
		known := false
		for _, k := range collectors {
			known = known || k == col
		}
		if !known {
			e.Add(fmt.Sprintf("collectors[%d]", i), "%q is not one of %s", col, strings.Join(collectors, ", "))
		}
	}
	if err := (modules.ScrapeTarget{JobName: c.JobName, Host: "x", Port: Port}).Validate(); err != nil {
		e.Add("job_name", "%q: no blanks or quotes", c.JobName)
	}
	obs.ValidatePeers(e, "scrapers", c.Scrapers)
	if len(c.MongoDBPods) > 0 && (c.MongoDBPort < 1 || c.MongoDBPort > 65535) {
		e.Add("mongodb_port", "%d is not in 1-65535", c.MongoDBPort)
	}
	return e.Err()
}

// Module is a deployed MongoDB exporter; it implements modules.ScrapeSource.
type Module struct {
	// Deployment runs the exporter; Service <name> serves its metrics in the cluster.
	Deployment, Service *k8s.Object
	// NetworkPolicy admits the scrapers; MongoDBAccess admits the exporter to the MongoDB pods
	// (nil when disabled or without MongoDBPods).
	NetworkPolicy, MongoDBAccess *k8s.Object
	// Pod is the exporter's merged configuration (explain shows it, like ArmoniK's pods).
	Pod *outputs.Pod
	// URIVariable is the variable --mongodb.uri expands: MonitoringConnectionString when the
	// outputs give it, else ConnectionString.
	URIVariable string
	// Target is the scrape job.
	Target modules.ScrapeTarget
}

// ScrapeTargets implements modules.ScrapeSource.
func (m *Module) ScrapeTargets() []modules.ScrapeTarget { return []modules.ScrapeTarget{m.Target} }

// variables returns the names of every variable the merged container receives: explicit ones
// and the declared keys of its envFrom sources.
func variables(c *outputs.Container) map[string]bool {
	names := map[string]bool{}
	for _, e := range c.Env {
		names[e.Name] = true
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			names[f.Prefix+k.Key] = true
		}
	}
	return names
}

// New deploys the exporter on scope with the configuration cfg, defaults applied. It merges
// the table store's outputs exactly as ArmoniK merges its layers (outputs.MergePod) and
// returns every problem at once; it never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	pod, err := outputs.MergePod(cfg.Name, []outputs.ContainerLayers{{Name: "exporter", Layers: []outputs.Layer{
		outputs.ModulesLayer(LayerTableStorage, cfg.TableStorage...),
		outputs.ModulesLayer(LayerConf, cfg.Conf...),
	}}})
	if err != nil {
		return nil, e.Fail(err)
	}
	c := &pod.Containers[0]
	vars := variables(c)
	m := &Module{Pod: pod, Target: modules.ScrapeTarget{
		JobName: cfg.JobName, Host: cm.Host(cfg.Name), Port: Port,
		Labels: map[string]string{"namespace": cfg.Namespace.Name},
		Pods:   cm.Selector(), Namespace: cfg.Namespace.Name,
	}}
	switch {
	case vars[MonitoringConnectionString]:
		m.URIVariable = MonitoringConnectionString
	case vars[ConnectionString]:
		m.URIVariable = ConnectionString
	default:
		return nil, e.Fail(fmt.Errorf("table_storage: the outputs give neither %s nor %s: the exporter connects with a connection string (modules/mongodb and modules/externalmongodb give one)",
			MonitoringConnectionString, ConnectionString))
	}
	env, envFrom, mounts := k8s.ContainerOutputs(c)
	if vars[CAFile] {
		// The Go driver trusts the system roots when the URI says tls=true and names no CA;
		// Go reads them from SSL_CERT_FILE (crypto/x509), here the mounted CA. Kubernetes
		// expands $(VAR) from variables defined earlier in the list.
		env = append(env, k8s.EnvVar{Name: "SSL_CERT_FILE", Value: "$(" + CAFile + ")"})
	}
	args := []string{
		// Kubernetes expands $(VAR) in arguments from the container's variables, the Secret's
		// value included, so the URI is never a literal.
		"--mongodb.uri=$(" + m.URIVariable + ")",
		// The URI names the replica set: discover it rather than talk to one host.
		"--no-mongodb.direct-connect",
		"--web.listen-address=:" + strconv.Itoa(Port),
		"--log.level=error",
	}
	for _, col := range cfg.Collectors {
		args = append(args, "--collector."+col)
	}
	hash, err := cm.ConfigHashContents(map[string]string{"args": strings.Join(args, " ")}, k8s.PodContents(pod))
	if err != nil {
		return nil, e.Fail(err)
	}
	user := uid
	probe := func(p k8s.Probe) *k8s.Probe { p.TCPPort = "metrics"; return &p }
	replicas := 1
	if m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta:     cm.Meta(cfg.Name),
		Replicas: &replicas,
		Selector: cm.Selector(),
		Wait:     kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "exporter",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Args:            args,
					Env:             env,
					EnvFrom:         envFrom,
					Mounts:          mounts,
					Ports:           []k8s.Port{{Name: "metrics", ContainerPort: Port}},
					Resources:       cfg.Resources,
					Readiness:       probe(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3}),
					Liveness:        probe(k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security: &k8s.ContainerSecurity{
						AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
				Volumes: k8s.PodVolumes(pod),
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
		if len(cfg.MongoDBPods) > 0 {
			// Policies add up: this one admits the exporter to the MongoDB pods besides what
			// the MongoDB module's own policy admits.
			if m.MongoDBAccess, err = k8s.NewNetworkPolicy(scope, id+"-to-mongodb", k8s.NetworkPolicySpec{
				Meta:        cm.Meta(cfg.Name + "-to-mongodb"),
				PodSelector: cfg.MongoDBPods,
				Ingress: []k8s.IngressRule{{
					From:  []k8s.PolicyPeer{{PodSelector: cm.Selector()}},
					Ports: []k8s.PolicyPort{{Port: strconv.Itoa(cfg.MongoDBPort)}},
				}},
			}); err != nil {
				return nil, e.Fail(err)
			}
		}
	}
	return m, nil
}

func ptr[T any](v T) *T { return &v }
