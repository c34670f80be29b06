package corerules

import (
	"fmt"
	"slices"
	"strings"
)

// Versions are the rule tables of the supported Core versions, oldest first.
var Versions = []*Version{Core0345, Core0372, Core0401}

// Pinned is the Core version whose rules apply when no version is chosen: the Core of the
// default ArmoniK release (2.23.0).
var Pinned = Core0372

// ForVersion returns the rule table of a Core version, and false when the version has none.
func ForVersion(core string) (*Version, bool) {
	for _, v := range Versions {
		if v.Core == core {
			return v, true
		}
	}
	return nil, false
}

// CoreNames lists the supported Core versions ("0.34.5, 0.37.2, 0.40.1").
func CoreNames() string {
	var out []string
	for _, v := range Versions {
		out = append(out, v.Core)
	}
	return strings.Join(out, ", ")
}

// init completes each version row with what is derived from the shared tables: its typed
// options and keys, its adapters, its rules.
func init() {
	for _, v := range Versions {
		v.Options, v.keys = keysAt(v.Core)
		v.Adapters = adaptersAt(v.Core)
	}
	for _, v := range Versions {
		v.Rules = startupRules(v)
		v.Literals = literalRules(v)
	}
}

// appsettings are the sections of each program's appsettings.json the rules read (Logging and
// AllowedHosts left out), flattened with "__" as the environment spells them. They are equal
// at 0.34.5, 0.37.2 and 0.40.1 (git diff of Control/Submitter/src/appsettings.json,
// Compute/PollingAgent/src/appsettings.json and Control/Metrics/src/appsettings.json between the
// tags), but for a Serilog override the metrics exporter gained in 0.40.x; the workers'
// files belong to the worker libraries.
func appsettings(metricsOverride bool) map[Program]map[string]string {
	metrics := map[string]string{
		"Serilog__Properties__Application": "ArmoniK.Control.Metrics",
		"Components__TableStorage":         "ArmoniK.Adapters.MongoDB.TableStorage",
		"MongoDB__DatabaseName":            "database",
		"MongoDB__DataRetention":           "10.00:00:00",
	}
	if metricsOverride {
		metrics["Serilog__MinimumLevel__Override__Microsoft.AspNetCore.Http.Result"] = "Warning"
	}
	return map[Program]map[string]string{
		Submitter: {
			"Serilog__Properties__Application":           "ArmoniK.Control.Submitter",
			"Components__AuthenticationStorage":          "ArmoniK.Adapters.MongoDB.AuthenticationTable",
			"Components__TableStorage":                   "ArmoniK.Adapters.MongoDB.TableStorage",
			"Components__QueueStorage":                   "ArmoniK.Adapters.MongoDB.LockedQueueStorage",
			"Components__ObjectStorage":                  "ArmoniK.Adapters.MongoDB.ObjectStorage",
			"MongoDB__Host":                              "database",
			"MongoDB__Port":                              "27017",
			"MongoDB__DatabaseName":                      "database",
			"MongoDB__DataRetention":                     "10.00:00:00",
			"Amqp__MaxRetries":                           "10",
			"Amqp__LinkCredit":                           "2",
			"Authenticator__CNHeader":                    "X-Certificate-Client-CN",
			"Authenticator__FingerprintHeader":           "X-Certificate-Client-Fingerprint",
			"Authenticator__ImpersonationUsernameHeader": "X-Impersonate-Username",
			"Authenticator__ImpersonationIdHeader":       "X-Impersonate-Id",
			"Authenticator__RequireAuthentication":       "false",
			"Authenticator__RequireAuthorization":        "false",
		},
		PollingAgent: {
			"Serilog__Properties__Application": "ArmoniK.Compute.PollingAgent",
			"Components__TableStorage":         "ArmoniK.Adapters.MongoDB.TableStorage",
			"Components__QueueStorage":         "ArmoniK.Adapters.MongoDB.LockedQueueStorage",
			"Components__ObjectStorage":        "ArmoniK.Adapters.MongoDB.ObjectStorage",
			"MongoDB__Host":                    "database",
			"MongoDB__Port":                    "27017",
			"MongoDB__DatabaseName":            "database",
			"MongoDB__DataRetention":           "10.00:00:00",
			"Amqp__MaxRetries":                 "10",
			"Amqp__LinkCredit":                 "2",
		},
		Metrics: metrics,
		DLLWorker: {
			"target_data_path": "/data",
		},
		DynamicWorker: {
			"ServiceAssemblyPath": "/tmp/assemblies",
			"ZipPath":             "/tmp/zip",
		},
	}
}

func appsettingsSources(core string) map[Program]string {
	return map[Program]string{
		Submitter:     cite(core, "Control/Submitter/src/appsettings.json"),
		PollingAgent:  cite(core, "Compute/PollingAgent/src/appsettings.json"),
		Metrics:       cite(core, "Control/Metrics/src/appsettings.json"),
		DLLWorker:     "Extensions.Csharp 0.19.3 Worker/src/DLLWorker/appsettings.json (unchanged since 0.19.2)",
		DynamicWorker: "Extensions.CSharp.New 0.21.2 ArmoniK.Extensions.CSharp.DynamicWorker/appsettings.json",
	}
}

// Reads returns nil when version v binds the configuration key (compared without case), else
// an error naming the supported versions that do. Keys outside the sections this package lists
// completely (Serilog, ComputePlane...) are taken as read.
func (v *Version) Reads(key string) error {
	k := strings.ToLower(key)
	if sectionOf(key) == "" || slices.ContainsFunc(v.keys, func(p string) bool { return matchKey(p, k) }) {
		return nil
	}
	var have []string
	for _, o := range Versions {
		if o != v && slices.ContainsFunc(o.keys, func(p string) bool { return matchKey(p, k) }) {
			have = append(have, o.Core)
		}
	}
	msg := fmt.Sprintf("Core %s binds no option %s, so it would be ignored", v.Core, key)
	if len(have) == 1 {
		msg += fmt.Sprintf(" (Core %s reads it)", have[0])
	} else if len(have) > 1 {
		msg += fmt.Sprintf(" (Core %s read it)", joinAnd(have))
	}
	return fmt.Errorf("%s", msg)
}

// Ships returns the adapter of kind ("queue" or "object") called name ("Nats") that the images
// of version v ship, or an error naming the supported versions that ship it.
func (v *Version) Ships(kind, name string) (Adapter, error) {
	for _, a := range v.Adapters {
		if a.Kind == kind && a.Name == name {
			return a, nil
		}
	}
	var have []string
	class := ""
	for _, o := range Versions {
		for _, a := range o.Adapters {
			if a.Kind == kind && a.Name == name {
				have = append(have, o.Core)
				class = a.ClassName
			}
		}
	}
	msg := fmt.Sprintf("the Core %s images ship no %s", v.Core, AdapterLabel(kind, name))
	if class != "" {
		verb := "ships"
		if len(have) > 1 {
			verb = "ship"
		}
		msg += fmt.Sprintf(" (%s): Core %s %s it", class, joinAnd(have), verb)
	}
	return Adapter{}, &MissingAdapterError{Core: v.Core, Kind: kind, Name: name, Have: have, msg: msg}
}

// MissingAdapterError is the error of Ships: the adapter, and the supported Core versions that
// ship it (Have).
type MissingAdapterError struct {
	Core, Kind, Name string
	Have             []string
	msg              string
}

func (e *MissingAdapterError) Error() string { return e.msg }

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// unreadRule warns about keys of a section Core binds completely (Amqp, Pollster, Nats...)
// that this version does not bind: Core ignores unknown keys silently, so a key of another
// version (Pollster__CacheEvictionThreshold on 0.34.5, Amqp__Prefix before 0.38.1) or a
// misspelt one does nothing.
func unreadRule(v *Version) Rule {
	const id = "config.unread"
	source := fmt.Sprintf("Core %s option classes (each key's file in constructs/armonik/corerules/options.go)", v.Core)
	return Rule{ID: id, Doc: "every key of Core's own sections is one this version binds", Source: source, Programs: mongoUsers,
		Check: func(x *Ctx) []Verdict {
			var out []Verdict
			n := 0
			for _, k := range x.cf.order {
				e := x.cf.keys[k]
				if e.from == x.cf.defaultsFrom || sectionOf(e.name) == "" {
					continue
				}
				n++
				if err := v.Reads(e.name); err != nil {
					out = append(out, Verdict{Rule: id, Status: Warn, Key: e.name, Value: e.value, From: e.from, Source: source,
						Detail: err.Error() + ": remove it, or choose the armonik.version whose Core reads it"})
				}
			}
			if len(out) == 0 {
				out = append(out, Verdict{Rule: id, Status: Pass, Source: source, Detail: fmt.Sprintf("%d keys of Core's sections, all bound by Core %s", n, v.Core)})
			}
			return out
		}}
}

// Migration is a step of Core's migration guide (.docs/content/0.installation/5.version-migration.md):
// upgrading across it (from a version before To to one at or after it) needs manual work on the
// database.
type Migration struct {
	// From and To are the minor versions it separates ("0.34", "0.35").
	From, To string
	// Title is the guide's section ("0.34.x -> 0.35.x").
	Title string
	// Summary says what changes and what to do.
	Summary string
	// Source cites the guide.
	Source string
}

// Migrations are the sections of Core's migration guide that concern the supported versions,
// as the guide reads at 0.37.2 and 0.40.1 (the guide at 0.34.5 predates the 0.34 -> 0.35 step;
// 0.40.1 adds a migration policy and no new step). 0.29.x -> 0.30.x (the Result's OpaqueId) is
// older than every supported version.
var Migrations = []Migration{{
	From: "0.34", To: "0.35", Title: "0.34.x -> 0.35.x",
	Summary: "the authentication tables (AuthData, RoleData, UserData) change structure: identifiers become integers. " +
		"Back up MongoDB, delete those three collections, and let the init Job re-create users, roles and certificates from the configuration " +
		"(InitServices__Authentication__*); existing users and roles are lost until then",
	Source: "Core 0.40.1 .docs/content/0.installation/5.version-migration.md (also at 0.37.2)",
}}

// MigrationsBetween returns the migration steps that an upgrade (or a downgrade) from Core
// version from to Core version to crosses.
func MigrationsBetween(from, to string) []Migration {
	lo, hi := from, to
	if Less(hi, lo) {
		lo, hi = hi, lo
	}
	var out []Migration
	for _, m := range Migrations {
		if Less(lo, m.To) && !Less(hi, m.To) {
			out = append(out, m)
		}
	}
	return out
}
