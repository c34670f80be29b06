package kit

import (
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
)

// How a module learns the version of ArmoniK it serves: the Config of a module whose outputs
// depend on it has a field
//
//	Core *corerules.Version `json:"-" yaml:"-"`
//
// which the caller sets like the namespace: the stacks set it from armonik.version (the Core
// of versions.Lookup(version)), a Go program passes the rule table of its Core version
// (corerules.Core0345, corerules.Core0372, corerules.Core0401). Nil means corerules.Pinned, the
// Core of the default version. The module asks the table which adapters the images ship
// (RequireAdapter, corerules.Version.Ships) and which keys it reads (RequireKey), so that it
// emits exactly what that version reads and refuses, with a clear error, what it cannot use.

// Core returns core, or corerules.Pinned when it is nil.
func Core(core *corerules.Version) *corerules.Version {
	if core == nil {
		return corerules.Pinned
	}
	return core
}

// VersionKey is the setting problems about the version are reported under.
const VersionKey = "armonik.version"

// RequireAdapter returns the adapter of kind ("queue", "object") called name ("Nats") that
// the images of core ship; when they ship none, it records a problem naming the versions whose
// Core does, and returns false.
func RequireAdapter(e *Errors, core *corerules.Version, kind, name string) (corerules.Adapter, bool) {
	c := Core(core)
	if err := versions.RequireAdapter(c, kind, name); err != nil {
		e.Add(VersionKey, "%v", err)
		return corerules.Adapter{}, false
	}
	a, _ := c.Ships(kind, name)
	return a, true
}

// RequireKey records a problem with the setting field when core does not read the
// configuration key it would emit, naming the versions whose Core does.
func RequireKey(e *Errors, field string, core *corerules.Version, key string) {
	if err := versions.RequireKey(Core(core), key); err != nil {
		e.Add(field, "%v", err)
	}
}
