package stacks

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
)

// ExternalName is the name of the stack of ArmoniK on managed services.
const ExternalName = "armonik-external"

// ExternalConfig configures the armonik-external stack: ArmoniK whose queue, database and
// object store are managed services reached by endpoint. No backing service runs in the
// cluster; credentials come from existing Secrets or from sensitive Terraform variables
// (TF_VAR_<name>), never from this file.
type ExternalConfig struct {
	// Kubernetes selects the cluster (default: the provider reads KUBE_CONFIG_PATH and KUBE_CTX).
	Kubernetes k8s.ProviderConfig `yaml:"kubernetes,omitempty"`
	// StateFile is where Terraform keeps the stack's state (local backend; default
	// terraform.armonik-external.tfstate in the project directory).
	StateFile string `yaml:"state_file,omitempty"`
	// Namespace receives ArmoniK's objects (default "armonik").
	Namespace string `yaml:"namespace,omitempty"`
	// ExistingNamespace uses a namespace created elsewhere (for instance with the cloud
	// identity set up) instead of creating it (default false: the stack creates it).
	ExistingNamespace bool `yaml:"existing_namespace,omitempty"`
	// Wait is the "wait for ready" switch of ArmoniK's workloads (default true).
	Wait *bool `yaml:"wait,omitempty"`
	// Queue is required: amazonmq, sqs or pubsub.
	Queue QueueChoice `yaml:"queue,omitempty"`
	// TableStorage is required: external_mongodb.
	TableStorage TableChoice `yaml:"table_storage,omitempty"`
	// ObjectStorage is required: s3, elasticache, gcs, memorystore or nfs.
	ObjectStorage ObjectChoice `yaml:"object_storage,omitempty"`
	// SharedStorage is optional: hostpath or none (default none).
	SharedStorage SharedChoice `yaml:"shared_storage,omitempty"`
	// ArmoniK configures ArmoniK itself. Cloud identities: list the ServiceAccounts with their
	// annotations in armonik.service_accounts and name them in the components.
	ArmoniK armonik.Config `yaml:"armonik,omitempty"`
	// Monitoring configures logs, dashboards, exporters and traces, all off by default; bring
	// your own endpoints with grafana.prometheus_url, fluent_bit.output (seq host, CloudWatch)
	// and tracing.endpoint (see docs/monitoring.md).
	Monitoring MonitoringConfig `yaml:"monitoring,omitempty"`
}

// plan returns the chosen modules with every problem of the settings (paths relative to
// "external.").
func (c *ExternalConfig) plan() ([]*module, []error) {
	ns := c.Namespace
	if ns == "" {
		ns = "armonik"
	}
	var errs []error
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("namespace: %q %s", ns, msgs[0]))
	}
	wait := orPtr(c.Wait, ptr(true))
	choices := []choice{
		{"queue", c.Queue, []string{"amazonmq", "sqs", "pubsub"}},
		{"table_storage", c.TableStorage, []string{"external_mongodb"}},
		{"object_storage", c.ObjectStorage, []string{"s3", "elasticache", "gcs", "memorystore", "nfs"}},
		{"shared_storage", c.SharedStorage, []string{"hostpath", "none"}},
	}
	for _, ch := range choices[:3] {
		if isZero(ch.value) {
			errs = append(errs, fmt.Errorf("%s: required: choose one of %v", ch.role, ch.allowed))
		}
	}
	mods, es := pickAll(stackEnv{wait: wait}, choices)
	errs = append(errs, es...)
	errs = append(errs, checkModules(mods, k8s.ExistingNamespace(ns))...)
	a := c.ArmoniK
	a.Wait = orPtr(a.Wait, wait)
	errs = append(errs, prefixed("armonik.", a.Validate())...)
	errs = append(errs, prefixed("monitoring.", errors.Join(c.Monitoring.plan(ns, "cluster.local", wait, false, &a).validate()...))...)
	return mods, errs
}

// NewExternal adds the armonik-external stack to app.
func NewExternal(app constructs.Construct, cfg ExternalConfig) (*Stack, error) {
	mods, errs := cfg.plan()
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: invalid configuration:\n%w", ExternalName, errors.Join(errs...))
	}
	ns := cfg.Namespace
	if ns == "" {
		ns = "armonik"
	}
	a := cfg.ArmoniK
	a.Wait = orPtr(a.Wait, orPtr(cfg.Wait, ptr(true)))
	return newStack(app, stackSpec{
		name: ExternalName, kubernetes: cfg.Kubernetes, stateFile: cfg.StateFile,
		namespace: ns, createNamespace: !cfg.ExistingNamespace, modules: mods, armonik: a,
		monitoring: cfg.Monitoring.plan(ns, "cluster.local", orPtr(cfg.Wait, ptr(true)), false, &a),
	})
}
