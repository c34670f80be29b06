package stacks

import (
	"errors"
	"fmt"
	"maps"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/modules/keda"
)

// PlatformName is the name of the stack of cluster-wide prerequisites.
const PlatformName = "armonik-platform"

const kedaVersion = keda.Version

// PlatformConfig configures the armonik-platform stack: what ArmoniK's stacks need in the
// cluster before they can even be planned. Today that is KEDA, whose ScaledObject definition
// Terraform reads when it plans a stack with queue-scaled partitions. The ArmoniK stacks
// selected with it depend on it, so one command deploys both in order:
//
//	npx cdktf deploy armonik-platform armonik-localhost --skip-provider-lock
type PlatformConfig struct {
	// Kubernetes selects the cluster (default: the provider reads KUBE_CONFIG_PATH and KUBE_CTX).
	Kubernetes k8s.ProviderConfig `yaml:"kubernetes,omitempty"`
	// StateFile is where Terraform keeps the stack's state (local backend; default
	// terraform.armonik-platform.tfstate in the project directory).
	StateFile string `yaml:"state_file,omitempty"`
	// State is the top-level state section, which Build copies here; without a backend,
	// StateFile applies.
	State StateConfig `yaml:"-"`
	// Images: the registry KEDA's pods pull from and their image pull Secrets (default: those
	// of the ArmoniK stack selected with the platform, localhost's first).
	Images `yaml:",inline"`
	// Wait is the "wait for ready" switch of KEDA's Deployments (default true). Set it false
	// against an API server without nodes.
	Wait *bool `yaml:"wait,omitempty"`
	// KEDA is installed from plain Kubernetes resources, pinned to 2.19.0 (modules/keda).
	KEDA PlatformKEDA `yaml:"keda,omitempty"`
}

// PlatformKEDA configures the KEDA the platform installs.
type PlatformKEDA struct {
	// Namespace of KEDA, which the stack creates (default "keda"), enforcing the Pod Security
	// level restricted.
	Namespace   string `yaml:"namespace,omitempty"`
	keda.Config `yaml:",inline"`
}

// namespace is KEDA's namespace.
func (c *PlatformConfig) namespace() string { return or(c.KEDA.Namespace, "keda") }

// plan returns every problem of the settings (paths relative to "platform.").
func (c *PlatformConfig) plan() []error {
	errs := c.Images.validate()
	name := c.namespace()
	ns, err := k8s.ExistingNamespace(name)
	if err != nil {
		errs = append(errs, fmt.Errorf("keda.namespace: %q %s", name, k8s.CheckName("Namespace", name)))
		// A stand-in keeps KEDA's own checks going.
		ns, _ = k8s.ExistingNamespace("keda")
	}
	k := c.KEDA.Config
	k.Namespace = ns
	k.Wait = orPtr(k.Wait, c.Wait)
	errs = append(errs, prefixed("keda: ", k.WithDefaults().Validate())...)
	return errs
}

// Platform is the built armonik-platform stack.
type Platform struct {
	Stack cdk.Stack
	KEDA  *keda.Module
}

// NewPlatform adds the armonik-platform stack to app: KEDA's namespace and KEDA.
func NewPlatform(app constructs.Construct, cfg PlatformConfig) (*Platform, error) {
	if errs := cfg.plan(); len(errs) > 0 {
		return nil, fmt.Errorf("%s: invalid configuration:\n%w", PlatformName, errors.Join(errs...))
	}
	st := cdk.NewStack(app, PlatformName)
	fail := func(err error) (*Platform, error) { return nil, fmt.Errorf("%s: %w", PlatformName, err) }
	if err := cfg.Images.apply(st); err != nil {
		return fail(err)
	}
	if err := cfg.State.location(PlatformName, cfg.StateFile).apply(st); err != nil {
		return fail(err)
	}
	if err := k8s.NewProvider(st, "kubernetes", cfg.Kubernetes); err != nil {
		return fail(err)
	}
	// KEDA's pods run as non-root with a read-only root filesystem, no capability and the
	// runtime's seccomp profile (modules/keda): its namespace enforces restricted, like ArmoniK's.
	labels := map[string]string{"app.kubernetes.io/managed-by": "cdktf", "app.kubernetes.io/part-of": keda.OperatorName}
	maps.Copy(labels, k8s.PodSecurityLabels(k8s.PodSecurityRestricted))
	ns, err := k8s.NewNamespace(st, "keda-namespace", k8s.NamespaceSpec{Name: cfg.namespace(), Labels: labels})
	if err != nil {
		return fail(err)
	}
	k := cfg.KEDA.Config
	k.Namespace = ns
	k.Wait = orPtr(k.Wait, cfg.Wait)
	m, err := keda.New(st, "keda", k)
	if err != nil {
		return fail(err)
	}
	return &Platform{Stack: st, KEDA: m}, nil
}
