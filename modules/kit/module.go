package kit

import (
	"strconv"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
)

// ModuleOutputs is embedded in every module's Module: it gives it the methods of
// outputs.ModuleOutputs and outputs.Reporter from the outputs the module built, without making
// the builder's own methods (Env, MountSecret...) methods of the module. It also declares the
// adapter family the module provides (outputs.FamilyProvider).
type ModuleOutputs struct {
	out    *outputs.Module
	family outputs.Family
}

// NewModuleOutputs holds out, the outputs of an instance providing the adapter family f ("" for
// a module that is no adapter, such as the tracing module: it then declares no family). The
// builder may still be completed afterwards: it is shared, not copied.
func NewModuleOutputs(f outputs.Family, out *outputs.Module) ModuleOutputs {
	return ModuleOutputs{out: out, family: f}
}

// Families implements outputs.FamilyProvider: the family the module provides to ArmoniK.
func (m *ModuleOutputs) Families() []outputs.Family {
	if m.family == "" {
		return nil
	}
	return []outputs.Family{m.family}
}

// ModuleName implements outputs.ModuleOutputs: the instance name.
func (m *ModuleOutputs) ModuleName() string { return m.out.ModuleName() }

// Outputs implements outputs.ModuleOutputs.
func (m *ModuleOutputs) Outputs() outputs.Outputs { return m.out.Outputs() }

// Problems implements outputs.Reporter.
func (m *ModuleOutputs) Problems() []*outputs.Problem { return m.out.Problems() }

// Ref is the reference ArmoniK's outputs make to o, an object the stack creates: its name, and
// the Terraform token of its name, rendered instead so that Terraform creates o before the pods.
func Ref(o *k8s.Object) outputs.Ref { return o.Ref() }

// ValidateAMQP checks the AMQP settings of a queue module (defaults applied) for the Core
// version core (nil: corerules.Pinned); tls says whether the connection uses TLS.
func ValidateAMQP(e *Errors, a modules.AMQP, tls bool, core *corerules.Version) {
	c := Core(core)
	if a.MaxPriority < 1 {
		e.Add("max_priority", "%d must be at least 1: Core throws \"Minimum value for MaxPriority is 1.\" at startup (Core %s Adaptors/QueueCommon/src/QueueStorageBase.cs)", a.MaxPriority, c.Core)
	}
	if a.AllowInsecureTLS && !tls {
		e.Add("allow_insecure_tls", "only applies with TLS (AMQPS): turn TLS on or remove it")
	}
	if a.Prefix != "" {
		RequireKey(e, "prefix", c, "Amqp__Prefix")
	}
	if a.Separator != nil {
		RequireKey(e, "separator", c, "Amqp__Separator")
	}
}

// AMQPOutputs adds the AMQP settings to a queue module's outputs.
func AMQPOutputs(out *outputs.Module, a modules.AMQP) {
	out.Env("Amqp__MaxPriority", strconv.Itoa(a.MaxPriority))
	if a.AllowInsecureTLS {
		out.Env("Amqp__AllowInsecureTls", "true")
	}
	if a.Prefix != "" {
		out.Env("Amqp__Prefix", a.Prefix)
	}
	if a.Separator != nil {
		out.Env("Amqp__Separator", *a.Separator)
	}
}

// ValidateTimeSpan checks that v (the setting key) is a positive .NET TimeSpan as Core parses
// it, such as 1.00:00:00 (days.hours:minutes:seconds).
func ValidateTimeSpan(e *Errors, key, v string) {
	secs, ok := corerules.ParseTimeSpan(v)
	switch {
	case !ok:
		e.Add(key, "%q is not a .NET TimeSpan such as 1.00:00:00 (days.hours:minutes:seconds) or 12:00:00", v)
	case secs <= 0:
		e.Add(key, "%q must be longer than zero", v)
	}
}
