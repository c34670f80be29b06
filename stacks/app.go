package stacks

import (
	"errors"
	"fmt"
	"io"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Built is a stack added to an app: its name and the ArmoniK it deploys.
type Built struct {
	Name    string
	ArmoniK *armonik.ArmoniK
	// Consumers are the merged pods of the other AEP 5 consumers of the stack's modules (the
	// MongoDB exporter reads the table store's outputs, as ArmoniK does).
	Consumers []*outputs.Pod
}

// Build adds the stacks cfg selects to app, in order, and reports every stack's problems at
// once. Nothing is synthesized: the caller synthesizes app when Build succeeded.
func Build(app constructs.Construct, cfg *Config) ([]Built, error) {
	var out []Built
	var errs []error
	for _, name := range cfg.SelectedStacks() {
		switch name {
		case LocalhostName, ExternalName:
			var st *Stack
			var err error
			if name == LocalhostName {
				st, err = NewLocalhost(app, cfg.Localhost)
			} else {
				st, err = NewExternal(app, cfg.External)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, Built{Name: name, ArmoniK: st.ArmoniK, Consumers: st.Consumers()})
		default:
			errs = append(errs, fmt.Errorf("unknown stack %q", name))
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
		fmt.Fprintf(w, "# stack %s\n\n%s\n", b.Name, b.ArmoniK.Explain())
		for _, p := range b.Consumers {
			fmt.Fprintf(w, "\n%s", outputs.Explain(p))
		}
	}
	if !found {
		return fmt.Errorf("no stack %q among those built", stack)
	}
	return nil
}
