package stacks

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules/prometheus"
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
	// State is the top-level state section, which Build copies here; without a backend,
	// StateFile applies.
	State StateConfig `yaml:"-"`
	// Images: the registry every pod pulls from and the image pull Secrets of every pod.
	Images `yaml:",inline"`
	// Namespace receives ArmoniK's objects (default "armonik").
	Namespace string `yaml:"namespace,omitempty"`
	// ExistingNamespace uses a namespace created elsewhere (for instance with the cloud
	// identity set up) instead of creating it (default false: the stack creates it).
	ExistingNamespace bool `yaml:"existing_namespace,omitempty"`
	// PodSecurity is the Pod Security level of the namespace: restricted (default), baseline,
	// privileged or none (see localhost.pod_security). The stack labels the namespace it
	// creates; with existing_namespace it labels nothing and checks its pods against the level
	// given, which should be the existing namespace's.
	PodSecurity string `yaml:"pod_security,omitempty"`
	// Wait is the "wait for ready" switch of ArmoniK's workloads (default true).
	Wait *bool `yaml:"wait,omitempty"`
	// Queue is the task queue (required).
	Queue ExternalQueue `yaml:"queue,omitempty"`
	// TableStorage is the database (required).
	TableStorage ExternalTableStorage `yaml:"table_storage,omitempty"`
	// ObjectStorage stores payloads and results (required).
	ObjectStorage ExternalObjectStorage `yaml:"object_storage,omitempty"`
	// SharedStorage is where ArmoniK's DLL worker reads the application packages (default
	// none). A partition whose worker runs the DLL worker needs one.
	SharedStorage ExternalSharedStorage `yaml:"shared_storage,omitempty"`
	// ArmoniK configures ArmoniK itself. Cloud identities: list the ServiceAccounts with their
	// annotations in armonik.service_accounts and name them in the components.
	ArmoniK armonik.Config `yaml:"armonik,omitempty"`
	// Monitoring configures the metrics store that queue-length scaling, the
	// pod-deletion-cost updater and Grafana query (usually prometheus_url, a Prometheus the
	// cluster already runs), logs, dashboards, exporters and traces, all off by default; bring
	// your own endpoints with prometheus_url, fluent_bit.output (Seq host, CloudWatch) and
	// tracing.endpoint (see docs/monitoring.md).
	Monitoring MonitoringConfig `yaml:"monitoring,omitempty"`
	// KEDA says where KEDA comes from when partitions scale on their queue length.
	KEDA KEDAConfig `yaml:"keda,omitempty"`
}

// keda is the KEDA settings with the default namespace ("keda").
func (c *ExternalConfig) keda() KEDAConfig {
	k := c.KEDA
	k.Namespace = or(k.Namespace, prometheus.DefaultKEDANamespace)
	return k
}

// plan returns the chosen modules with every problem of the settings (paths relative to
// "external.").
func (c *ExternalConfig) plan() ([]*module, []error) {
	ns := c.Namespace
	if ns == "" {
		ns = "armonik"
	}
	var errs []error
	nsObj, err := namespaceNamed(ns)
	if err != nil {
		errs = append(errs, err)
	}
	wait := orPtr(c.Wait, ptr(true))
	errs = append(errs, c.Images.validate()...)
	a := c.ArmoniK
	a.Wait = orPtr(a.Wait, wait)
	a.PodSecurity = validLevel(podSecurityLevel(c.PodSecurity))
	mods, es := planAll(moduleContext{ns: nsObj, wait: wait, core: a.Release().Core, priorityClass: systemPriorityClass(a, nsObj)}, &c.Queue, &c.TableStorage, &c.ObjectStorage, &c.SharedStorage)
	errs = append(errs, es...)
	errs = append(errs, podSecurityProblems(podSecurityLevel(c.PodSecurity), mods)...)
	_, es = c.monitoring(nsObj, &a)
	errs = append(errs, es...)
	errs = append(errs, c.KEDA.validate()...)
	errs = append(errs, prefixed("armonik.", a.Validate())...)
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
	a.PodSecurity = podSecurityLevel(cfg.PodSecurity)
	nsObj, _ := namespaceNamed(ns)
	mon, _ := cfg.monitoring(nsObj, &a)
	return newStack(app, stackSpec{
		name: ExternalName, kubernetes: cfg.Kubernetes, state: cfg.State.location(ExternalName, cfg.StateFile), images: cfg.Images,
		namespace: ns, createNamespace: !cfg.ExistingNamespace, modules: mods, armonik: a, monitoring: mon,
	})
}

// monitoring plans the stack's monitoring in namespace ns and wires what ArmoniK (a) must know
// of it into a.
func (c *ExternalConfig) monitoring(ns *k8s.Namespace, a *armonik.Config) (*monitoringPlan, []error) {
	return c.Monitoring.plan(monitoringContext{
		namespace: ns, clusterDomain: or(a.ClusterDomain, "cluster.local"), wait: a.Wait, keda: c.keda(),
	}, a)
}
