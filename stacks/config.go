package stacks

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// ConfigEnv names the environment variable holding the configuration file's path.
const ConfigEnv = "ARMONIK_CONFIG"

// DefaultConfigFile is read when ConfigEnv is unset and the file exists.
const DefaultConfigFile = "armonik.yaml"

// Config is the configuration file (armonik.yaml). Every key is optional; the zero value is the
// built-in configuration: the armonik-localhost stack with ActiveMQ, MongoDB, Redis and MinIO.
// Unknown keys are errors.
type Config struct {
	// Stacks lists the stacks to synthesize: armonik-localhost, armonik-external (default
	// [armonik-localhost]).
	Stacks []string `yaml:"stacks,omitempty"`
	// Localhost configures armonik-localhost: ArmoniK and its backing services in one namespace.
	Localhost LocalhostConfig `yaml:"localhost,omitempty"`
	// External configures armonik-external: ArmoniK on managed services (Amazon MQ, SQS,
	// Pub/Sub, an external MongoDB, S3, ElastiCache, GCS, Memorystore...).
	External ExternalConfig `yaml:"external,omitempty"`
}

// LocalhostConfig configures the armonik-localhost stack.
type LocalhostConfig struct {
	// Kubernetes selects the cluster (default: the provider reads KUBE_CONFIG_PATH and KUBE_CTX).
	Kubernetes k8s.ProviderConfig `yaml:"kubernetes,omitempty"`
	// StateFile is where Terraform keeps the stack's state (local backend; default
	// terraform.armonik-localhost.tfstate in the project directory). An absolute path is
	// safest: a relative one is relative to cdktf.out/stacks/armonik-localhost.
	StateFile string `yaml:"state_file,omitempty"`
	// Namespace receives every object; the stack creates it (default "armonik").
	Namespace string `yaml:"namespace,omitempty"`
	// ClusterDomain is the cluster's DNS domain, used in the services' host names (default
	// "cluster.local").
	ClusterDomain string `yaml:"cluster_domain,omitempty"`
	// Wait is the "wait for ready" switch (default true) of every Deployment, StatefulSet and
	// Job of the stack. Set it to false against an API server without nodes.
	Wait *bool `yaml:"wait,omitempty"`
	// Queue is the task queue: activemq (default) or rabbitmq.
	Queue QueueChoice `yaml:"queue,omitempty"`
	// TableStorage is the database: mongodb (default).
	TableStorage TableChoice `yaml:"table_storage,omitempty"`
	// ObjectStorage stores payloads and results: redis (default), minio or nfs.
	ObjectStorage ObjectChoice `yaml:"object_storage,omitempty"`
	// SharedStorage is the workers' shared data: minio in the shared-storage role (default),
	// hostpath or none.
	SharedStorage SharedChoice `yaml:"shared_storage,omitempty"`
	// ArmoniK configures ArmoniK itself: partitions, images, components, extra confs per layer,
	// overrides, autoscaling, ingress...
	ArmoniK armonik.Config `yaml:"armonik,omitempty"`
	// Monitoring configures the logs, dashboards, exporters and traces (on by default but
	// tracing; see docs/monitoring.md).
	Monitoring MonitoringConfig `yaml:"monitoring,omitempty"`
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
var StackNames = []string{LocalhostName, ExternalName}

// SelectedStacks returns the stacks to synthesize.
func (c *Config) SelectedStacks() []string {
	if len(c.Stacks) == 0 {
		return []string{LocalhostName}
	}
	return c.Stacks
}

// Validate returns every problem of the configuration at once, each prefixed with its path
// (localhost.armonik.partitions[1].workers[0].image.repository: required).
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
	// Only the selected stacks are validated: an unused section may be incomplete.
	for _, name := range c.SelectedStacks() {
		switch name {
		case LocalhostName:
			_, es := c.Localhost.plan()
			errs = append(errs, prefixed("localhost.", errors.Join(es...))...)
		case ExternalName:
			_, es := c.External.plan()
			errs = append(errs, prefixed("external.", errors.Join(es...))...)
		}
	}
	return errors.Join(errs...)
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

// WithDefaults returns c with its defaults applied: the namespace, the cluster domain, the
// wait switch, and the default module of every empty choice. The in-cluster modules get the
// stack's cluster domain and wait switch (when the stack builds them) unless they set their own.
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
	if isZero(c.Queue) {
		c.Queue.ActiveMQ = &activemq.Config{}
	}
	if isZero(c.TableStorage) {
		c.TableStorage.MongoDB = &mongodb.Config{}
	}
	if isZero(c.ObjectStorage) {
		c.ObjectStorage.Redis = &redis.Config{}
	}
	if isZero(c.SharedStorage) {
		c.SharedStorage.MinIO = &minio.Config{}
	}
	c.ArmoniK.Wait = orPtr(c.ArmoniK.Wait, c.Wait)
	return c
}

// plan applies the defaults and returns the chosen modules, in creation order, with every
// problem of the settings (paths relative to "localhost.").
func (c *LocalhostConfig) plan() ([]*module, []error) {
	d := c.WithDefaults()
	var errs []error
	if msgs := validation.IsDNS1123Label(d.Namespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("namespace: %q %s", d.Namespace, msgs[0]))
	}
	if msgs := validation.IsDNS1123Subdomain(d.ClusterDomain); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("cluster_domain: %q %s", d.ClusterDomain, msgs[0]))
	}
	env := stackEnv{clusterDomain: d.ClusterDomain, wait: d.Wait}
	mods, es := pickAll(env, []choice{
		{"queue", d.Queue, []string{"activemq", "rabbitmq"}},
		{"table_storage", d.TableStorage, []string{"mongodb"}},
		{"object_storage", d.ObjectStorage, []string{"redis", "minio", "nfs"}},
		{"shared_storage", d.SharedStorage, []string{"minio", "hostpath", "none"}},
	})
	errs = append(errs, es...)
	errs = append(errs, checkModules(mods, k8s.ExistingNamespace(d.Namespace))...)
	errs = append(errs, prefixed("armonik.", d.ArmoniK.Validate())...)
	errs = append(errs, prefixed("monitoring.", errors.Join(d.Monitoring.plan(d.Namespace, d.ClusterDomain, d.Wait, true, &d.ArmoniK).validate()...))...)
	return mods, errs
}

// choice is one role of a stack: its key, the choice struct, and the modules it accepts.
type choice struct {
	role    string
	value   any
	allowed []string
}

// pickAll picks the module of every role.
func pickAll(env stackEnv, choices []choice) ([]*module, []error) {
	var mods []*module
	var errs []error
	for _, c := range choices {
		m, es := pick(c.role, c.value, c.allowed, env)
		errs = append(errs, es...)
		if m != nil {
			mods = append(mods, m)
		}
	}
	return mods, errs
}

// checkModules validates every chosen module's settings as New will, in namespace ns.
func checkModules(mods []*module, ns *k8s.Namespace) []error {
	var errs []error
	for _, m := range mods {
		errs = append(errs, prefixed(m.path+": ", m.validate(ns))...)
	}
	return errs
}

// isZero reports whether no module of a choice struct is set.
func isZero(choice any) bool { return reflect.ValueOf(choice).IsZero() }
