package stacks

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/modules/keda"
)

// Built is a stack added to an app: its name, the ArmoniK it deploys (nil for
// armonik-platform) and, for the platform, a one-line summary.
type Built struct {
	Name    string
	Stack   cdk.Stack
	ArmoniK *armonik.ArmoniK
	Summary string
	// Consumers are the merged pods of the other AEP 5 consumers of the stack's modules (the
	// MongoDB exporter reads the table store's outputs, as ArmoniK does).
	Consumers []*outputs.Pod
	// Links are the graph's edges that are no AEP 5 outputs (Stack.GraphLinks).
	Links []GraphLink
}

// Build adds the stacks cfg selects to app, in order, and reports every stack's problems at
// once. When armonik-platform is selected, the ArmoniK stacks depend on it, so the cdktf CLI
// deploys it first (and destroys it last). Nothing is synthesized: the caller synthesizes app
// when Build succeeded.
func Build(app constructs.Construct, cfg *Config) ([]Built, error) {
	var out []Built
	var errs []error
	var platform *Platform
	var consumers []cdk.Stack
	for _, name := range cfg.SelectedStacks() {
		switch name {
		case LocalhostName, ExternalName:
			var st *Stack
			var err error
			if name == LocalhostName {
				st, err = NewLocalhost(app, cfg.localhost())
			} else {
				st, err = NewExternal(app, cfg.external())
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			consumers = append(consumers, st.Stack)
			out = append(out, Built{Name: name, Stack: st.Stack, ArmoniK: st.ArmoniK, Consumers: st.Consumers(), Links: st.GraphLinks()})
		case PlatformName:
			var err error
			if platform, err = NewPlatform(app, cfg.platform()); err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, Built{Name: name, Stack: platform.Stack, Summary: fmt.Sprintf("KEDA %s in namespace %s: operator, metrics API server (APIService %s), %d custom resource definitions",
				kedaVersion, platform.KEDA.Namespace, keda.ExternalMetricsAPI, len(platform.KEDA.CRDs))})
		default:
			errs = append(errs, fmt.Errorf("unknown stack %q", name))
		}
	}
	if platform != nil {
		for _, c := range consumers {
			if err := cdk.DependOn(c, platform.Stack); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return out, errors.Join(errs...)
}

// Explain writes, for each built stack (or only the one named stack), the merged configuration
// of every ArmoniK container: every env var, envFrom source and mount with its layer and module.
// Secret values never appear, only references.
func Explain(w io.Writer, built []Built, stack string) error {
	found := false
	for _, b := range built {
		if stack != "" && b.Name != stack {
			continue
		}
		found = true
		if b.ArmoniK == nil {
			fmt.Fprintf(w, "# stack %s\n\n%s\n\n", b.Name, b.Summary)
			continue
		}
		fmt.Fprintf(w, "# stack %s\n\n%s\n", b.Name, b.ArmoniK.Explain())
		for _, p := range b.Consumers {
			fmt.Fprintf(w, "\n%s", outputs.Explain(p))
		}
	}
	if !found {
		return notBuilt(built, stack)
	}
	return nil
}

// notBuilt explains that the stack named is not among those the configuration builds: which
// are, which exist, and how to build another.
func notBuilt(built []Built, stack string) error {
	var names []string
	for _, b := range built {
		names = append(names, b.Name)
	}
	if !slices.Contains(StackNames, stack) {
		return fmt.Errorf("no stack %q: the stacks are %s (the configuration builds %s)", stack, strings.Join(StackNames, ", "), strings.Join(names, ", "))
	}
	return fmt.Errorf("stack %q is not built by this configuration, which builds %s: list it under stacks: in the configuration file (stacks: [%s]) and configure its section (%s)",
		stack, strings.Join(names, ", "), strings.Join(append(names, stack), ", "), sectionOf(stack))
}

func sectionOf(stack string) string {
	switch stack {
	case ExternalName:
		return "external:"
	case PlatformName:
		return "platform:"
	}
	return "localhost:"
}
