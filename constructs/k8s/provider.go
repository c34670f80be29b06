package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/provider"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ProviderConfig selects the cluster the kubernetes provider talks to.
//
// Both fields are optional and nothing is hard-coded: when ConfigPath is empty the provider
// reads its own environment variables (KUBE_CONFIG_PATH or KUBE_CONFIG_PATHS, KUBE_CTX,
// KUBE_HOST...) at plan time, so the synthesized JSON does not depend on the machine that
// ran synth.
type ProviderConfig struct {
	// ConfigPath is a kubeconfig file path written into the provider block.
	ConfigPath string `json:"config_path,omitempty" yaml:"config_path,omitempty"`
	// ConfigContext is the kubeconfig context to use.
	ConfigContext string `json:"config_context,omitempty" yaml:"config_context,omitempty"`
}

// NewProvider adds the kubernetes provider to scope (a stack).
func NewProvider(scope constructs.Construct, id string, cfg ProviderConfig) error {
	return cdk.Guard("kubernetes provider", func() error {
		pc := &provider.KubernetesProviderConfig{}
		if cfg.ConfigPath != "" {
			pc.ConfigPath = jsii.String(cfg.ConfigPath)
		}
		if cfg.ConfigContext != "" {
			pc.ConfigContext = jsii.String(cfg.ConfigContext)
		}
		provider.NewKubernetesProvider(scope, jsii.String(id), pc)
		return nil
	})
}
