package stacks

import (
	"errors"
	"fmt"
	"os"
	"reflect"
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
	// Queue is the task queue (default activemq).
	Queue QueueChoice `yaml:"queue,omitempty"`
	// TableStorage is the database (default mongodb).
	TableStorage TableChoice `yaml:"table_storage,omitempty"`
	// ObjectStorage stores payloads and results (default redis).
	ObjectStorage ObjectChoice `yaml:"object_storage,omitempty"`
	// SharedStorage is the workers' shared data (default minio in the shared-storage role).
	SharedStorage SharedChoice `yaml:"shared_storage,omitempty"`
	// ArmoniK configures ArmoniK itself: partitions, images, components, extra confs per layer,
	// overrides, autoscaling, ingress...
	ArmoniK armonik.Config `yaml:"armonik,omitempty"`
}

// QueueChoice selects the queue module: set exactly one key (none = the default).
type QueueChoice struct {
	// ActiveMQ deploys ActiveMQ Classic (AMQP 1.0).
	ActiveMQ *activemq.Config `yaml:"activemq,omitempty"`
}

// TableChoice selects the table-storage module.
type TableChoice struct {
	// MongoDB deploys a single-member MongoDB replica set.
	MongoDB *mongodb.Config `yaml:"mongodb,omitempty"`
}

// ObjectChoice selects the object-storage module.
type ObjectChoice struct {
	// Redis deploys a Redis server.
	Redis *redis.Config `yaml:"redis,omitempty"`
	// MinIO as object store (its role is forced to object-storage).
	MinIO *minio.Config `yaml:"minio,omitempty"`
}

// SharedChoice selects the workers' shared storage.
type SharedChoice struct {
	// MinIO as shared storage (its role is forced to shared-storage).
	MinIO *minio.Config `yaml:"minio,omitempty"`
	// None deploys no shared storage.
	None bool `yaml:"none,omitempty"`
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
var StackNames = []string{LocalhostName}

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
		if !contains(StackNames, s) {
			errs = append(errs, fmt.Errorf("stacks[%d]: unknown stack %q (known: %s)", i, s, strings.Join(StackNames, ", ")))
		}
		if seen[s] {
			errs = append(errs, fmt.Errorf("stacks[%d]: %q is listed twice", i, s))
		}
		seen[s] = true
	}
	for _, e := range c.Localhost.validate() {
		errs = append(errs, fmt.Errorf("localhost.%w", e))
	}
	return errors.Join(errs...)
}

func (c *LocalhostConfig) validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	d := c.WithDefaults()
	if msgs := validation.IsDNS1123Label(d.Namespace); len(msgs) > 0 {
		add("namespace: %q %s", d.Namespace, msgs[0])
	}
	if msgs := validation.IsDNS1123Subdomain(d.ClusterDomain); len(msgs) > 0 {
		add("cluster_domain: %q %s", d.ClusterDomain, msgs[0])
	}
	for _, g := range []struct {
		path   string
		choice any
	}{{"queue", c.Queue}, {"table_storage", c.TableStorage}, {"object_storage", c.ObjectStorage}, {"shared_storage", c.SharedStorage}} {
		if n := countSet(g.choice); n > 1 {
			add("%s: choose one of %s, not %d", g.path, strings.Join(choiceKeys(g.choice), ", "), n)
		}
	}
	// Module settings: validated as New will, in the namespace the stack creates.
	ns := k8s.ExistingNamespace(d.Namespace)
	check := func(path string, err error) {
		errs = append(errs, prefixed(path+": ", err)...)
	}
	if m := d.Queue.ActiveMQ; m != nil {
		m.Namespace = ns
		check("queue.activemq", m.WithDefaults().Validate())
	}
	if m := d.TableStorage.MongoDB; m != nil {
		m.Namespace = ns
		check("table_storage.mongodb", m.WithDefaults().Validate())
	}
	if m := d.ObjectStorage.Redis; m != nil {
		m.Namespace = ns
		check("object_storage.redis", m.WithDefaults().Validate())
	}
	if m := d.ObjectStorage.MinIO; m != nil {
		m.Namespace = ns
		check("object_storage.minio", m.WithDefaults().Validate())
	}
	if m := d.SharedStorage.MinIO; m != nil {
		m.Namespace = ns
		check("shared_storage.minio", m.WithDefaults().Validate())
	}
	errs = append(errs, prefixed("armonik.", d.ArmoniK.Validate())...)
	return errs
}

// WithDefaults returns c with its defaults applied: the namespace, the cluster domain, the
// wait switch, and the default module of every empty choice. The module configurations get
// the stack's cluster domain and wait switch unless they set their own.
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
	// Every chosen module config is copied: defaults never write into the caller's values.
	if countSet(c.Queue) == 0 {
		c.Queue.ActiveMQ = &activemq.Config{}
	}
	if countSet(c.TableStorage) == 0 {
		c.TableStorage.MongoDB = &mongodb.Config{}
	}
	if countSet(c.ObjectStorage) == 0 {
		c.ObjectStorage.Redis = &redis.Config{}
	}
	if countSet(c.SharedStorage) == 0 {
		c.SharedStorage.MinIO = &minio.Config{Name: "shared-storage"}
	}
	if m := c.Queue.ActiveMQ; m != nil {
		v := *m
		v.ClusterDomain, v.Wait = or(v.ClusterDomain, c.ClusterDomain), orPtr(v.Wait, c.Wait)
		c.Queue.ActiveMQ = &v
	}
	if m := c.TableStorage.MongoDB; m != nil {
		v := *m
		v.ClusterDomain, v.Wait = or(v.ClusterDomain, c.ClusterDomain), orPtr(v.Wait, c.Wait)
		c.TableStorage.MongoDB = &v
	}
	if m := c.ObjectStorage.Redis; m != nil {
		v := *m
		v.ClusterDomain, v.Wait = or(v.ClusterDomain, c.ClusterDomain), orPtr(v.Wait, c.Wait)
		c.ObjectStorage.Redis = &v
	}
	if m := c.ObjectStorage.MinIO; m != nil {
		v := *m
		v.ClusterDomain, v.Wait, v.Role = or(v.ClusterDomain, c.ClusterDomain), orPtr(v.Wait, c.Wait), minio.RoleObjectStorage
		c.ObjectStorage.MinIO = &v
	}
	if m := c.SharedStorage.MinIO; m != nil {
		v := *m
		v.ClusterDomain, v.Wait, v.Role = or(v.ClusterDomain, c.ClusterDomain), orPtr(v.Wait, c.Wait), minio.RoleSharedStorage
		if v.Name == "" {
			v.Name = "shared-storage"
		}
		c.SharedStorage.MinIO = &v
	}
	c.ArmoniK.Wait = orPtr(c.ArmoniK.Wait, c.Wait)
	return c
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

// countSet counts the set keys of a choice struct (non-nil pointers, true bools).
func countSet(choice any) int {
	v := reflect.ValueOf(choice)
	n := 0
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if (f.Kind() == reflect.Pointer && !f.IsNil()) || (f.Kind() == reflect.Bool && f.Bool()) {
			n++
		}
	}
	return n
}

// choiceKeys lists the YAML keys of a choice struct.
func choiceKeys(choice any) []string {
	t := reflect.TypeOf(choice)
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		out = append(out, name)
	}
	return out
}

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

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
