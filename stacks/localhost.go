package stacks

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// LocalhostName is the name of the default stack.
const LocalhostName = "armonik-localhost"

// LocalhostConfig configures the armonik-localhost stack.
type LocalhostConfig struct {
	// Namespace receives every resource of the stack; the stack creates it. Default "armonik".
	Namespace string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	// Kubernetes selects the cluster (default: the provider's environment variables).
	Kubernetes k8s.ProviderConfig `json:"kubernetes,omitempty" yaml:"kubernetes,omitempty"`
}

// DefaultLocalhost returns the built-in configuration of armonik-localhost.
func DefaultLocalhost() LocalhostConfig {
	return LocalhostConfig{Namespace: "armonik"}
}

// Localhost is the synthesized armonik-localhost stack and handles on what it holds.
type Localhost struct {
	Stack     cdk.Stack
	Namespace *k8s.Namespace
}

// NewLocalhost adds the armonik-localhost stack to app.
func NewLocalhost(app constructs.Construct, cfg LocalhostConfig) (*Localhost, error) {
	if cfg.Namespace == "" {
		return nil, errors.New("armonik-localhost: namespace: required")
	}
	st := cdk.NewStack(app, LocalhostName)
	if err := k8s.NewProvider(st, "kubernetes", cfg.Kubernetes); err != nil {
		return nil, fmt.Errorf("%s: %w", LocalhostName, err)
	}
	ns, err := k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{
		Name:   cfg.Namespace,
		Labels: map[string]string{"app.kubernetes.io/part-of": "armonik", "app.kubernetes.io/managed-by": "cdktf"},
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LocalhostName, err)
	}
	return &Localhost{Stack: st, Namespace: ns}, nil
}
