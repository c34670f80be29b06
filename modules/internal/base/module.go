package base

import (
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// ModuleOutputs is embedded in every module's Module: it gives it the methods of
// outputs.ModuleOutputs and outputs.Reporter from the outputs the module built, without making
// the builder's own methods (Env, MountSecret...) methods of the module.
type ModuleOutputs struct {
	out *outputs.Module
}

// NewModuleOutputs holds out, the outputs of an instance. The builder may still be completed
// afterwards: it is shared, not copied.
func NewModuleOutputs(out *outputs.Module) ModuleOutputs { return ModuleOutputs{out: out} }

// ModuleName implements outputs.ModuleOutputs: the instance name.
func (m *ModuleOutputs) ModuleName() string { return m.out.ModuleName() }

// Outputs implements outputs.ModuleOutputs.
func (m *ModuleOutputs) Outputs() outputs.Outputs { return m.out.Outputs() }

// Problems implements outputs.Reporter.
func (m *ModuleOutputs) Problems() []*outputs.Problem { return m.out.Problems() }

// Ref is the reference ArmoniK's outputs make to o, an object the stack creates: its name, and
// the Terraform token of its name, rendered instead so that Terraform creates o before the pods.
func Ref(o *k8s.Object) outputs.Ref { return outputs.Named(o.Display).WithToken(o.Name) }
