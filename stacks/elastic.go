package stacks

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
)

// KEDAConfig says where KEDA comes from, for partitions that scale on their queue length.
type KEDAConfig struct {
	// Existing means the cluster already runs KEDA 2.x with its CRDs: the stack only creates
	// ScaledObjects. Otherwise add armonik-platform to stacks: it installs KEDA, and this stack
	// depends on it.
	Existing bool `yaml:"existing,omitempty"`
	// Namespace is where KEDA runs (default "keda", or armonik-platform's keda.namespace): the
	// in-cluster Prometheus admits queries from its pods.
	Namespace string `yaml:"namespace,omitempty"`
}

// validate checks a stack's KEDA settings (paths relative to the stack).
func (k KEDAConfig) validate() []error {
	if k.Namespace == "" {
		return nil
	}
	if msgs := validation.IsDNS1123Label(k.Namespace); len(msgs) > 0 {
		return []error{fmt.Errorf("keda.namespace: %q %s", k.Namespace, msgs[0])}
	}
	return nil
}

// kedaProblems reports, for a stack (its configuration key, such as "localhost") whose ArmoniK
// is a, partitions that scale on their queue without KEDA, and KEDA declared twice (paths
// relative to the stack).
func kedaProblems(stack string, a *armonik.Config, k KEDAConfig, platform bool) []error {
	var errs []error
	scaling := false
	for i, p := range a.Partitions {
		if p.Scaling == nil {
			continue
		}
		scaling = true
		if !k.Existing && !platform {
			errs = append(errs, fmt.Errorf("armonik.partitions[%d].scaling: needs KEDA: add %s to stacks (it installs KEDA %s before this stack), or set %s.keda.existing: true when the cluster already runs KEDA",
				i, PlatformName, kedaVersion, stack))
		}
	}
	if scaling && k.Existing && platform {
		errs = append(errs, fmt.Errorf("keda.existing: true, but %s installs KEDA too: remove one", PlatformName))
	}
	return errs
}
