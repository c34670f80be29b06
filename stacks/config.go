package stacks

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
)

// ConfigEnv names the environment variable holding the configuration file's path.
const ConfigEnv = "ARMONIK_CONFIG"

// DefaultConfigFile is read when ConfigEnv is unset and the file exists.
const DefaultConfigFile = "armonik.yaml"

// Config is the configuration file (armonik.yaml). Every key is optional; the zero value is the
// built-in configuration: the armonik-localhost stack with ActiveMQ, MongoDB and Redis.
// Unknown keys are errors.
type Config struct {
	// Stacks lists the stacks to synthesize: armonik-localhost, armonik-external,
	// armonik-platform (default [armonik-localhost]). armonik-platform installs KEDA; the
	// ArmoniK stacks listed with it depend on it.
	Stacks []string `yaml:"stacks,omitempty"`
	// Localhost configures armonik-localhost: ArmoniK and its backing services in one namespace.
	Localhost LocalhostConfig `yaml:"localhost,omitempty"`
	// External configures armonik-external: ArmoniK on managed services (Amazon MQ, SQS,
	// Pub/Sub, an external MongoDB, S3, ElastiCache, GCS, Memorystore...).
	External ExternalConfig `yaml:"external,omitempty"`
	// Platform configures armonik-platform: the cluster-wide prerequisites (KEDA) the ArmoniK
	// stacks need before they are planned.
	Platform PlatformConfig `yaml:"platform,omitempty"`
	// State selects the Terraform backend that keeps the state of every stack (local, s3, gcs
	// or kubernetes), each stack under its own key (default: each stack's state_file, else
	// terraform.<stack>.tfstate in the project directory). Credentials come from the
	// environment only (docs/configuration.md, "Shared state" in the README).
	State StateConfig `yaml:"state,omitempty"`
}

// LocalhostConfig configures the armonik-localhost stack.
type LocalhostConfig struct {
	// Kubernetes selects the cluster (default: the provider reads KUBE_CONFIG_PATH and KUBE_CTX).
	Kubernetes k8s.ProviderConfig `yaml:"kubernetes,omitempty"`
	// StateFile is where Terraform keeps the stack's state (local backend; default
	// terraform.armonik-localhost.tfstate in the project directory). An absolute path is
	// safest: a relative one is relative to cdktf.out/stacks/armonik-localhost. The top-level
	// state section replaces it.
	StateFile string `yaml:"state_file,omitempty"`
	// State is the top-level state section, which Build copies here (a Go program building the
	// stack itself sets it); without a backend, StateFile applies.
	State StateConfig `yaml:"-"`
	// Images: the registry every pod pulls from and the image pull Secrets of every pod.
	Images `yaml:",inline"`
	// Namespace receives every object; the stack creates it (default "armonik").
	Namespace string `yaml:"namespace,omitempty"`
	// PodSecurity is the Pod Security level the namespace enforces (its
	// pod-security.kubernetes.io/enforce, audit and warn labels): restricted (default: every
	// pod of the stack passes it), baseline, privileged, or none (no label: the cluster's
	// default). The stack refuses a configuration whose pods the level would refuse (the
	// hostpath shared storage needs privileged) rather than loosening it (docs/security.md).
	PodSecurity string `yaml:"pod_security,omitempty"`
	// ClusterDomain is the cluster's DNS domain, used in the services' host names (default
	// "cluster.local").
	ClusterDomain string `yaml:"cluster_domain,omitempty"`
	// Wait is the "wait for ready" switch (default true) of every Deployment, StatefulSet and
	// Job of the stack. Set it to false against an API server without nodes.
	Wait *bool `yaml:"wait,omitempty"`
	// Queue is the task queue (default activemq).
	Queue LocalhostQueue `yaml:"queue,omitempty"`
	// TableStorage is the database (default mongodb).
	TableStorage LocalhostTableStorage `yaml:"table_storage,omitempty"`
	// ObjectStorage stores payloads and results (default redis).
	ObjectStorage LocalhostObjectStorage `yaml:"object_storage,omitempty"`
	// SharedStorage is where ArmoniK's DLL worker reads the application packages (default
	// none: the default dynamic worker reads no shared storage). A partition whose worker runs
	// the DLL worker needs one.
	SharedStorage LocalhostSharedStorage `yaml:"shared_storage,omitempty"`
	// ArmoniK configures ArmoniK itself: partitions, images, components, extra confs per layer,
	// overrides, autoscaling, ingress...
	ArmoniK armonik.Config `yaml:"armonik,omitempty"`
	// Monitoring configures the metrics store (an in-cluster Prometheus, or the URL of an
	// existing one) that queue-length scaling, the pod-deletion-cost updater and Grafana query,
	// the logs, dashboards, exporters and traces: all on by default but tracing (see
	// docs/monitoring.md).
	Monitoring MonitoringConfig `yaml:"monitoring,omitempty"`
	// KEDA says where KEDA comes from when partitions scale on their queue length.
	KEDA KEDAConfig `yaml:"keda,omitempty"`
}

// Load reads the configuration: the file named by $ARMONIK_CONFIG, else ./armonik.yaml if it
// exists, else the built-in defaults. It returns every problem at once, each with its path in
// the file.
func Load() (*Config, string, error) {
	path := os.Getenv(ConfigEnv)
	if path == "" {
		if _, err := os.Stat(DefaultConfigFile); err != nil {
			cfg := &Config{}
			return cfg, "", cfg.Validate()
		}
		path = DefaultConfigFile
	}
	cfg, err := LoadFile(path)
	return cfg, path, err
}

// LoadFile reads and validates the configuration file at path.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", path, err)
	}
	return cfg, nil
}

// Parse decodes and validates a configuration document.
func Parse(data []byte) (*Config, error) {
	var cfg Config
	if err := yamlconf.Decode(data, &cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// StackNames are the stacks the app knows.
var StackNames = []string{LocalhostName, ExternalName, PlatformName}

// SelectedStacks returns the stacks to synthesize.
func (c *Config) SelectedStacks() []string {
	if len(c.Stacks) == 0 {
		return []string{LocalhostName}
	}
	return c.Stacks
}

// Validate returns every problem of the configuration at once, each prefixed with its path
// (localhost.armonik.partitions[1].worker.image.repository: required).
func (c *Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range c.Stacks {
		if !slices.Contains(StackNames, s) {
			errs = append(errs, fmt.Errorf("stacks[%d]: unknown stack %q (known: %s)", i, s, strings.Join(StackNames, ", ")))
		}
		if seen[s] {
			errs = append(errs, fmt.Errorf("stacks[%d]: %q is listed twice", i, s))
		}
		seen[s] = true
	}
	errs = append(errs, c.stateProblems()...)
	// Only the selected stacks are validated: an unused section may be incomplete.
	platform := c.platformSelected()
	for _, name := range c.SelectedStacks() {
		switch name {
		case LocalhostName:
			lc := c.localhost()
			_, es := lc.plan()
			es = append(es, kedaProblems("localhost", &lc.ArmoniK, lc.KEDA, platform)...)
			errs = append(errs, prefixed("localhost.", errors.Join(es...))...)
		case ExternalName:
			ec := c.external()
			_, es := ec.plan()
			es = append(es, kedaProblems("external", &ec.ArmoniK, ec.KEDA, platform)...)
			errs = append(errs, prefixed("external.", errors.Join(es...))...)
		case PlatformName:
			p := c.platform()
			errs = append(errs, prefixed("platform.", errors.Join(p.plan()...))...)
		}
	}
	return errors.Join(errs...)
}

// platformSelected reports whether armonik-platform is among the selected stacks.
func (c *Config) platformSelected() bool { return slices.Contains(c.SelectedStacks(), PlatformName) }

// localhost is the armonik-localhost configuration completed from the other stacks: KEDA's
// namespace is the platform's when the platform installs it.
func (c *Config) localhost() LocalhostConfig {
	l := c.Localhost
	l.State = c.State
	if c.platformSelected() && l.KEDA.Namespace == "" {
		l.KEDA.Namespace = c.Platform.namespace()
	}
	return l
}

// platform is the armonik-platform configuration completed from the ArmoniK stack selected
// with it: without image settings of its own, KEDA's pods pull like ArmoniK's (localhost's,
// else external's).
func (c *Config) platform() PlatformConfig {
	p := c.Platform
	p.State = c.State
	if !p.Images.set() {
		for _, name := range c.SelectedStacks() {
			if name == LocalhostName && c.Localhost.Images.set() {
				p.Images = c.Localhost.Images
				break
			}
			if name == ExternalName && c.External.Images.set() {
				p.Images = c.External.Images
				break
			}
		}
	}
	return p
}

// external is the armonik-external configuration completed like localhost.
func (c *Config) external() ExternalConfig {
	e := c.External
	e.State = c.State
	if c.platformSelected() && e.KEDA.Namespace == "" {
		e.KEDA.Namespace = c.Platform.namespace()
	}
	return e
}

// namespaceNamed is the namespace name as the modules are validated with; an invalid name is
// reported once (as "namespace: ...") and a stand-in keeps the modules' own checks going.
func namespaceNamed(name string) (*k8s.Namespace, error) {
	ns, err := k8s.ExistingNamespace(name)
	if err != nil {
		stand, _ := k8s.ExistingNamespace("armonik")
		return stand, fmt.Errorf("namespace: %q %s", name, strings.TrimPrefix(err.Error(), fmt.Sprintf("namespace %q: ", name)))
	}
	return ns, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orPtr[T any](v, def *T) *T {
	if v == nil {
		return def
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// prefixed splits err (joined errors) and prefixes each with path (which ends with its
// separator: "." before a key, ": " before a message).
func prefixed(path string, err error) []error {
	if err == nil {
		return nil
	}
	var out []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, prefixed(path, e)...)
		}
		return out
	}
	return []error{fmt.Errorf("%s%w", path, err)}
}

// WithDefaults returns c with its defaults applied: the namespace, the cluster domain and the
// wait switch. Each role's default module is applied when the stack plans its modules.
func (c LocalhostConfig) WithDefaults() LocalhostConfig {
	if c.Namespace == "" {
		c.Namespace = "armonik"
	}
	if c.ClusterDomain == "" {
		c.ClusterDomain = "cluster.local"
	}
	if c.Wait == nil {
		c.Wait = ptr(true)
	}
	c.PodSecurity = podSecurityLevel(c.PodSecurity)
	c.ArmoniK.PodSecurity = validLevel(c.PodSecurity)
	c.ArmoniK.Wait = orPtr(c.ArmoniK.Wait, c.Wait)
	c.ArmoniK.ClusterDomain = or(c.ArmoniK.ClusterDomain, c.ClusterDomain)
	if c.KEDA.Namespace == "" {
		c.KEDA.Namespace = prometheus.DefaultKEDANamespace
	}
	return c
}

// runsDLLWorker reports whether a partition of cfg (defaults applied, so the worker of its
// version) runs ArmoniK's DLL worker.
func runsDLLWorker(cfg armonik.Config) bool {
	for _, p := range cfg.WithDefaults().Partitions {
		if p.Worker.Runtime == armonik.RuntimeDLL {
			return true
		}
	}
	return false
}

// plan applies the defaults and returns the chosen modules, in creation order, with every
// problem of the settings (paths relative to "localhost.").
func (c *LocalhostConfig) plan() ([]*module, []error) {
	d := c.WithDefaults()
	var errs []error
	ns, err := namespaceNamed(d.Namespace)
	if err != nil {
		errs = append(errs, err)
	}
	if msgs := validation.IsDNS1123Subdomain(d.ClusterDomain); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("cluster_domain: %q %s", d.ClusterDomain, msgs[0]))
	}
	errs = append(errs, d.Images.validate()...)
	x := moduleContext{ns: ns, clusterDomain: d.ClusterDomain, wait: d.Wait, core: d.ArmoniK.Release().Core, priorityClass: systemPriorityClass(d.ArmoniK, ns)}
	if runsDLLWorker(d.ArmoniK) {
		// ArmoniK's DLL worker fails every task without shared storage.
		x.defaults = map[Role]string{RoleSharedStorage: "minio"}
	}
	mods, es := planAll(x, &d.Queue, &d.TableStorage, &d.ObjectStorage, &d.SharedStorage)
	errs = append(errs, es...)
	errs = append(errs, podSecurityProblems(d.PodSecurity, mods)...)
	_, es = d.monitoring(ns)
	errs = append(errs, es...)
	errs = append(errs, d.KEDA.validate()...)
	errs = append(errs, prefixed("armonik.", d.ArmoniK.Validate())...)
	return mods, errs
}

// monitoring plans the monitoring of d (defaults applied) in namespace ns and wires what
// ArmoniK must know of it into d.ArmoniK.
func (d *LocalhostConfig) monitoring(ns *k8s.Namespace) (*monitoringPlan, []error) {
	return d.Monitoring.plan(monitoringContext{namespace: ns, clusterDomain: d.ClusterDomain, wait: d.Wait, localhost: true, keda: d.KEDA}, &d.ArmoniK)
}
