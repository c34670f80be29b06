// Package corerules checks a container's effective configuration against what ArmoniK Core
// requires at startup, before any resource exists. Nothing here can run ArmoniK's images, so
// Core's own source is the runtime: every rule names the Core file it comes from.
//
// The effective configuration of a container is the configuration .NET builds in the process:
// the image's appsettings.json, then the environment (ASP.NET configuration, keys compared
// without case, "__" separating sections). A value given literally is checked as Core parses it
// (int, bool, .NET TimeSpan, enum); a value read from a Secret or a ConfigMap can only be
// checked for presence, and the verdict says so.
//
// The rules are data, one table per supported Core version (core_0_34_5.go, core_0_37_2.go,
// core_0_40_1.go; Pinned is 0.37.2, the Core of ArmoniK 2.23.0): the adapters its images ship,
// the appsettings.json defaults of each program, the options it binds and the startup rules.
// What the versions share is one table with the version each key or adapter appeared in
// (options.go) and one set of rules built per version (startup.go), each citing its file at
// that version's tag. Check returns one Verdict per rule and key; Errors turns
// the failed ones into one error each, naming the container, the key, where the value came
// from, the rule, its Core source and what to do.
package corerules

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Program is the ArmoniK program a container runs: which appsettings.json applies and which
// rules.
type Program string

// The programs of ArmoniK's images.
const (
	// Submitter is the control plane image (dockerhubaneo/armonik_control), which also runs
	// the init Job.
	Submitter Program = "submitter"
	// PollingAgent is dockerhubaneo/armonik_pollingagent.
	PollingAgent Program = "polling-agent"
	// Metrics is the metrics exporter (dockerhubaneo/armonik_control_metrics).
	Metrics Program = "metrics-exporter"
	// DLLWorker is ArmoniK.Extensions.Csharp's DLL worker (dockerhubaneo/armonik_worker_dll).
	DLLWorker Program = "dll-worker"
	// DynamicWorker is ArmoniK.Extensions.CSharp.New's dynamic .NET worker
	// (dockerhubaneo/armonik-dynamic-dotnet-worker), the default worker.
	DynamicWorker Program = "dynamic-worker"
	// Worker is any other ArmoniK worker (built on ArmoniK.Api's WorkerServer).
	Worker Program = "worker"
	// MongoInit is the init Job of Core versions without InitServices (before 0.35): mongosh
	// inserting the partitions and the authentication data (constructs/armonik/dbinit.go).
	MongoInit Program = "mongosh-init"
)

// IsWorker reports whether p is a worker program.
func (p Program) IsWorker() bool { return p == DLLWorker || p == DynamicWorker || p == Worker }

// IsCore reports whether p is one of Core's own programs (whose image tag is Core's version).
func (p Program) IsCore() bool { return p == Submitter || p == PollingAgent || p == Metrics }

// Container is what the rules look at: the merged outputs of one container, which program it
// runs, its image and whether its root filesystem is read-only.
type Container struct {
	// Pod and Name identify the container in messages ("compute-plane-default", "polling-agent").
	Pod, Name string
	Program   Program
	// Image is the image reference ("repository:tag").
	Image string
	// Outputs is the merged outputs of the container (env, envFrom with declared keys, mounts).
	Outputs *outputs.Container
	// ReadOnlyRoot is set when the container's root filesystem is read-only.
	ReadOnlyRoot bool
}

// Status is the outcome of one rule for one key.
type Status int

// Statuses, from worst to best.
const (
	// Fail: the rule is broken; the component would not start or would not work.
	Fail Status = iota
	// Warn: the rule cannot be proven and may be broken (e.g. another Core version).
	Warn
	// Presence: the value comes from a Secret or ConfigMap; only its presence is checked.
	Presence
	// Pass: the rule holds.
	Pass
	// NotApplicable: the rule does not concern this container (another adapter, program...).
	NotApplicable
)

// String returns "FAIL", "warn", "present", "ok" or "n/a".
func (s Status) String() string {
	switch s {
	case Fail:
		return "FAIL"
	case Warn:
		return "warn"
	case Presence:
		return "present"
	case Pass:
		return "ok"
	}
	return "n/a"
}

// Verdict is the outcome of one rule on one container.
type Verdict struct {
	Rule   string // rule id, e.g. "amqp.max-priority"
	Status Status
	// Key is the configuration key concerned ("Amqp__MaxPriority"), if any.
	Key string
	// Value is the literal value seen ("" when absent or not literal).
	Value string
	// From says where the value came from: a module and layer, the image's appsettings.json,
	// or nothing ("not set").
	From string
	// Origin names the Secret or ConfigMap key the value is read from ("" for a literal).
	Origin string
	// Detail explains the outcome.
	Detail string
	// Source is the Core (or worker library) file the rule comes from.
	Source string
	// Fix says what to do when the rule fails.
	Fix string
}

// Result is the verdicts of every rule for one container.
type Result struct {
	Pod, Container string
	Program        Program
	Image          string
	// Version is the Core version whose rules were applied.
	Version  string
	Verdicts []Verdict
}

// Failed returns the failed verdicts.
func (r *Result) Failed() []Verdict {
	var out []Verdict
	for _, v := range r.Verdicts {
		if v.Status == Fail {
			out = append(out, v)
		}
	}
	return out
}

// Errors returns one error per failed verdict of the results, or nil.
func Errors(results []Result) error {
	var errs []error
	for i := range results {
		r := &results[i]
		for _, v := range r.Failed() {
			errs = append(errs, v.err(r))
		}
	}
	return errors.Join(errs...)
}

func (v Verdict) err(r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, container %q: ", r.Pod, r.Container)
	switch {
	case v.Key == "":
	case v.Value != "":
		fmt.Fprintf(&b, "%s = %q from %s: ", v.Key, v.Value, v.From)
	case v.Origin != "":
		fmt.Fprintf(&b, "%s (%s) from %s: ", v.Key, v.Origin, v.From)
	case v.From != notSet:
		fmt.Fprintf(&b, "%s from %s: ", v.Key, v.From)
	default:
		fmt.Fprintf(&b, "%s is not set: ", v.Key)
	}
	fmt.Fprintf(&b, "breaks Core %s rule %s: %s (%s)", r.Version, v.Rule, v.Detail, v.Source)
	if v.Fix != "" {
		fmt.Fprintf(&b, "; %s", v.Fix)
	}
	return errors.New(b.String())
}

const notSet = "nothing (not set)"

// entry is one key of the effective configuration.
type entry struct {
	name    string
	literal bool   // value holds the value; otherwise it comes from a Secret or ConfigMap
	value   string // literal value
	source  string // "Secret x key y" when not literal
	from    string
}

func (e *entry) describe() string {
	if e == nil {
		return notSet
	}
	if e.literal {
		return e.from
	}
	return e.source + ", " + e.from
}

// config is a container's effective configuration.
type config struct {
	c      *Container
	keys   map[string]*entry // by lower-case name
	order  []string          // lower-case names, appsettings first then env order
	dupes  [][2]*entry       // env names equal but for case
	mounts []outputs.Mount
	// defaultsFrom is the from of the entries of the image's appsettings.json.
	defaultsFrom string
}

func (cf *config) get(key string) *entry { return cf.keys[strings.ToLower(key)] }

// literal returns the literal value of key and whether it is set literally.
func (cf *config) literal(key string) (string, bool) {
	e := cf.get(key)
	if e == nil || !e.literal {
		return "", false
	}
	return e.value, true
}

func newConfig(c *Container, defaults map[string]string, defaultsFrom string) *config {
	cf := &config{c: c, keys: map[string]*entry{}, defaultsFrom: defaultsFrom}
	set := func(e *entry) {
		k := strings.ToLower(e.name)
		if _, ok := cf.keys[k]; !ok {
			cf.order = append(cf.order, k)
		}
		cf.keys[k] = e
	}
	for _, k := range sortedKeys(defaults) {
		set(&entry{name: k, literal: true, value: defaults[k], from: defaultsFrom})
	}
	if c.Outputs == nil {
		return cf
	}
	seen := map[string]*entry{}
	add := func(e *entry) {
		k := strings.ToLower(e.name)
		if prev := seen[k]; prev != nil && prev.name != e.name {
			cf.dupes = append(cf.dupes, [2]*entry{prev, e})
		}
		seen[k] = e
		set(e)
	}
	// Kubernetes gives explicit env precedence over envFrom: add envFrom keys first.
	for _, f := range c.Outputs.EnvFrom {
		kind, ref := "ConfigMap", f.ConfigMap
		if f.Secret != nil {
			kind, ref = "Secret", f.Secret
		}
		for _, k := range f.Keys {
			add(&entry{name: f.Prefix + k.Key, source: fmt.Sprintf("%s %q (whole, key %s)", kind, ref.Name, k.Key), from: k.From.String()})
		}
	}
	for _, e := range c.Outputs.Env {
		switch {
		case e.SecretKey != nil:
			add(&entry{name: e.Name, source: fmt.Sprintf("Secret %q key %q", e.SecretKey.Ref.Name, e.SecretKey.Key), from: e.From.String()})
		case e.ConfigMapKey != nil:
			add(&entry{name: e.Name, source: fmt.Sprintf("ConfigMap %q key %q", e.ConfigMapKey.Ref.Name, e.ConfigMapKey.Key), from: e.From.String()})
		default:
			add(&entry{name: e.Name, literal: true, value: e.Value, from: e.From.String()})
		}
	}
	cf.mounts = c.Outputs.Mounts
	return cf
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mountFor returns the mount under which the file or directory p lies, the deepest one.
func (cf *config) mountFor(p string) *outputs.Mount {
	var best *outputs.Mount
	for i := range cf.mounts {
		m := &cf.mounts[i]
		if p == m.Path || strings.HasPrefix(p, strings.TrimSuffix(m.Path, "/")+"/") {
			if best == nil || len(m.Path) > len(best.Path) {
				best = m
			}
		}
	}
	return best
}

// ---- value types, as .NET's configuration binder converts them ----

// Type is the type of an option, as Core declares it.
type Type int

// Option types.
const (
	String Type = iota
	Int
	Double
	Bool
	TimeSpan
	Enum
)

// ParseInt parses like .NET's Int32Converter (BaseNumberConverter with the invariant culture):
// optional surrounding white space, an optional sign, decimal digits, or 0x/&h hexadecimal.
func ParseInt(s string) (int64, bool) {
	t := strings.TrimSpace(s)
	if h, ok := cutPrefixFold(t, "0x"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		return int64(int32(uint32(v))), err == nil && h != ""
	}
	if h, ok := cutPrefixFold(t, "&h"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		return int64(int32(uint32(v))), err == nil && h != ""
	}
	v, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 32)
	if strings.HasPrefix(t, "+-") || strings.HasPrefix(t, "+ ") {
		return 0, false
	}
	return v, err == nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// ParseBool parses like .NET's Boolean.Parse: "true" or "false" in any case, white space
// around allowed.
func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// ParseDouble parses a floating-point number with the invariant culture.
func ParseDouble(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil
}

// ParseTimeSpan parses like .NET's TimeSpan.Parse with the invariant culture:
// [ws][-]{ d | [d.]hh:mm[:ss[.fffffff]] }[ws], hours 0-23, minutes and seconds 0-59. It
// returns the value in seconds.
func ParseTimeSpan(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	num := func(x string, max int64) (int64, bool) {
		if x == "" || len(x) > 10 {
			return 0, false
		}
		for _, r := range x {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		v, err := strconv.ParseInt(x, 10, 64)
		return v, err == nil && v <= max
	}
	const maxDays = 10675199
	var days, h, m, sec int64
	var frac float64
	ok := true
	if !strings.Contains(t, ":") {
		days, ok = num(t, maxDays)
	} else {
		hms := t
		if d, rest, found := strings.Cut(t, "."); found && !strings.Contains(d, ":") {
			days, ok = num(d, maxDays)
			hms = rest
		}
		parts := strings.Split(hms, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, false
		}
		var ok1, ok2, ok3 bool
		h, ok1 = num(parts[0], 23)
		m, ok2 = num(parts[1], 59)
		ok3 = true
		if len(parts) == 3 {
			secPart := parts[2]
			if whole, f, found := strings.Cut(secPart, "."); found {
				if f == "" || len(f) > 7 {
					return 0, false
				}
				if _, fok := num(f, 9999999); !fok {
					return 0, false
				}
				fv, _ := strconv.ParseFloat("0."+f, 64)
				frac = fv
				secPart = whole
			}
			sec, ok3 = num(secPart, 59)
		}
		ok = ok && ok1 && ok2 && ok3
	}
	if !ok {
		return 0, false
	}
	v := float64(days*86400+h*3600+m*60+sec) + frac
	if neg {
		v = -v
	}
	return v, true
}

// parses reports whether s is a valid value of type t (for Enum, one of names, without case).
func parses(t Type, s string, names []string) bool {
	switch t {
	case Int:
		_, ok := ParseInt(s)
		return ok
	case Double:
		_, ok := ParseDouble(s)
		return ok
	case Bool:
		_, ok := ParseBool(s)
		return ok
	case TimeSpan:
		_, ok := ParseTimeSpan(s)
		return ok
	case Enum:
		t := strings.TrimSpace(s)
		if _, err := strconv.Atoi(t); err == nil {
			return true // Enum.Parse takes the underlying number too
		}
		return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, t) })
	}
	return true
}

func (t Type) String() string {
	return [...]string{"a string", "an integer", "a number", "true or false", "a .NET TimeSpan such as 1.00:00:00 (days.hours:minutes:seconds) or 00:00:15", "one of"}[t]
}

// ---- the rule engine ----

// Option is a typed option Core binds.
type Option struct {
	Key    string // "Amqp__MaxPriority"
	Type   Type
	Names  []string // enum values
	Source string
}

// Adapter is an adapter an image ships: its class and DLL.
type Adapter struct {
	Kind      string // "queue" or "object"
	Name      string // "Amqp", "Redis"...
	ClassName string
	Path      string
}

// Version is the rule table of one Core version.
type Version struct {
	// Core is the Core version ("0.37.2").
	Core string
	// Source says where the facts were read.
	Source string
	// Appsettings are the appsettings.json defaults of each program, flattened with "__".
	Appsettings map[Program]map[string]string
	// AppsettingsSource is the file of each program's appsettings.json.
	AppsettingsSource map[Program]string
	// Adapters the images ship.
	Adapters []Adapter
	// Options are the typed options.
	Options []Option
	// Rules are the startup rules, in order.
	Rules []Rule
	// Literals are the rules a single literal value breaks whatever the rest of the
	// configuration (CheckLiteral).
	Literals []LiteralRule

	// ImageUID is the user Core's images run as (Dockerfile, stage base-linux).
	ImageUID int64
	// ImageUIDSource cites it.
	ImageUIDSource string
	// InitServices is set when Core initialises the database, the partitions and the users
	// itself from InitServices__* (Common/src/Injection/Options/InitServices.cs, from 0.35.0):
	// the init Job runs the control image. Before, they are inserted with mongosh.
	InitServices bool
	// ControlReadiness is set when the control plane serves /readiness on port 1081
	// (Control/Submitter/src/Program.cs, from 0.40.1).
	ControlReadiness bool
	// MigrationGuide is Core's migration guide at this tag.
	MigrationGuide string

	// keys are every configuration key the version binds in completeSections (lower case;
	// "__*" stands for any key under it).
	keys []string
}

// Rule is one startup rule.
type Rule struct {
	// ID names the rule in messages and explain ("amqp.max-priority").
	ID string
	// Doc says what the rule checks.
	Doc string
	// Source is the Core file.
	Source string
	// Programs the rule applies to (nil: every program).
	Programs []Program
	// Check evaluates the rule on a container's effective configuration.
	Check func(cf *Ctx) []Verdict
}

// Ctx is what a rule sees: the effective configuration of one container.
type Ctx struct {
	cf   *config
	v    *Version
	rule *Rule
}

// Program returns the container's program.
func (x *Ctx) Program() Program { return x.cf.c.Program }

// Get returns the literal value of key, whether the key is set at all, and whether its value
// is known (literal).
func (x *Ctx) Get(key string) (value string, set, literal bool) {
	e := x.cf.get(key)
	if e == nil {
		return "", false, false
	}
	return e.value, true, e.literal
}

// verdict builds a verdict of the current rule about key.
func (x *Ctx) verdict(s Status, key, detail, fix string) Verdict {
	e := x.cf.get(key)
	v := Verdict{Rule: x.rule.ID, Status: s, Key: key, Detail: detail, Fix: fix, Source: x.rule.Source, From: notSet}
	if e != nil {
		v.Key, v.From = e.name, e.from
		if e.literal {
			v.Value = e.value
		} else {
			v.Origin = e.source
		}
	}
	return v
}

// Pass, Failf, Warnf and NA build verdicts of the current rule.
func (x *Ctx) Pass(key, detail string) Verdict { return x.verdict(Pass, key, detail, "") }

// Failf builds a failed verdict about key.
func (x *Ctx) Failf(key, fix, format string, args ...any) Verdict {
	return x.verdict(Fail, key, fmt.Sprintf(format, args...), fix)
}

// Warnf builds a warning about key.
func (x *Ctx) Warnf(key, format string, args ...any) Verdict {
	return x.verdict(Warn, key, fmt.Sprintf(format, args...), "")
}

// NA says the rule does not apply.
func (x *Ctx) NA(detail string) Verdict {
	return Verdict{Rule: x.rule.ID, Status: NotApplicable, Detail: detail, Source: x.rule.Source}
}

// Required checks that key is set to a non-empty value (literal, or from a Secret/ConfigMap,
// which can only be checked for presence).
func (x *Ctx) Required(key, why, fix string) Verdict {
	e := x.cf.get(key)
	switch {
	case e == nil:
		return x.verdict(Fail, key, why, fix)
	case !e.literal:
		return x.verdict(Presence, key, "from "+e.source+": only its presence can be checked", "")
	case strings.TrimSpace(e.value) == "":
		return x.verdict(Fail, key, "empty: "+why, fix)
	}
	return x.verdict(Pass, key, "set", "")
}

// IntAtLeast checks that key is an integer >= min (absent keys take def).
func (x *Ctx) IntAtLeast(key string, def, min int64, why, fix string) Verdict {
	return x.intCheck(key, def, func(v int64) bool { return v >= min }, fmt.Sprintf(">= %d", min), why, fix)
}

// IntNot checks that key is an integer other than bad (absent keys take def).
func (x *Ctx) IntNot(key string, def, bad int64, why, fix string) Verdict {
	return x.intCheck(key, def, func(v int64) bool { return v != bad }, fmt.Sprintf("!= %d", bad), why, fix)
}

func (x *Ctx) intCheck(key string, def int64, ok func(int64) bool, want, why, fix string) Verdict {
	e := x.cf.get(key)
	switch {
	case e == nil:
		if ok(def) {
			return x.verdict(Pass, key, fmt.Sprintf("not set: Core's default %d is %s", def, want), "")
		}
		return x.verdict(Fail, key, fmt.Sprintf("not set, and Core's default %d is not %s: %s", def, want, why), fix)
	case !e.literal:
		return x.verdict(Presence, key, "from "+e.source+": only its presence can be checked", "")
	}
	v, parsed := ParseInt(e.value)
	if !parsed {
		return x.verdict(Fail, key, "not an integer as Core parses it (Int32): "+why, fix)
	}
	if !ok(v) {
		return x.verdict(Fail, key, fmt.Sprintf("%d must be %s: %s", v, want, why), fix)
	}
	return x.verdict(Pass, key, fmt.Sprintf("%d is %s", v, want), "")
}

// Writable checks that the directory at path is writable: not under a read-only mount, and
// under a writable mount when the root filesystem is read-only.
func (x *Ctx) Writable(key, def, why, fix string) Verdict {
	p := def
	if v, set, lit := x.Get(key); set {
		if !lit {
			return x.verdict(Presence, key, "set from a Secret or ConfigMap; its content can only be checked for presence", "")
		}
		p = v
	}
	if !path.IsAbs(p) {
		return x.verdict(Fail, key, fmt.Sprintf("%q is not an absolute path: %s", p, why), fix)
	}
	m := x.cf.mountFor(p)
	switch {
	case m != nil && m.ReadOnly:
		return x.verdict(Fail, key, fmt.Sprintf("%s is under the read-only mount %s (%s): %s", p, m.Path, m.From, why), fix)
	case m == nil && x.cf.c.ReadOnlyRoot:
		return x.verdict(Fail, key, fmt.Sprintf("%s is on the read-only root filesystem and under no writable mount: %s", p, why), fix)
	case m != nil:
		return x.verdict(Pass, key, fmt.Sprintf("%s is on the writable mount %s", p, m.Path), "")
	}
	return x.verdict(Pass, key, fmt.Sprintf("%s is on the writable root filesystem", p), "")
}

// Mounted checks that the directory at path (key's value, or def) is covered by a mount.
func (x *Ctx) Mounted(key, def string, writable bool, why, fix string) Verdict {
	p := def
	if v, set, lit := x.Get(key); set {
		if !lit {
			return x.verdict(Presence, key, "set from a Secret or ConfigMap; its content can only be checked for presence", "")
		}
		p = v
	}
	if !path.IsAbs(p) {
		return x.verdict(Fail, key, fmt.Sprintf("%q is not an absolute path: %s", p, why), fix)
	}
	m := x.cf.mountFor(p)
	if m == nil {
		return x.verdict(Fail, key, fmt.Sprintf("no volume is mounted at %s or above it: %s", p, why), fix)
	}
	if writable && m.ReadOnly {
		return x.verdict(Fail, key, fmt.Sprintf("%s is under the read-only mount %s: %s", p, m.Path, why), fix)
	}
	return x.verdict(Pass, key, fmt.Sprintf("%s is on the mount %s (%s)", p, m.Path, m.From), "")
}

// Adapter returns the adapter the image ships with the class name of kind's settings, and the
// class name found.
func (x *Ctx) Adapter(kind string) (*Adapter, string) {
	class, _ := x.literal(adapterKey(kind, "ClassName"))
	for i := range x.v.Adapters {
		if a := &x.v.Adapters[i]; a.Kind == kind && a.ClassName == class {
			return a, class
		}
	}
	return nil, class
}

func (x *Ctx) literal(key string) (string, bool) { return x.cf.literal(key) }

func adapterKey(kind, field string) string {
	if kind == "queue" {
		return "Components__QueueAdaptorSettings__" + field
	}
	return "Components__ObjectStorageAdaptorSettings__" + field
}

// Check evaluates every rule of v on container c.
func (v *Version) Check(c Container) Result {
	r := Result{Pod: c.Pod, Container: c.Name, Program: c.Program, Image: c.Image, Version: v.Core}
	cf := newConfig(&c, v.Appsettings[c.Program], fmt.Sprintf("the image's appsettings.json (%s)", v.AppsettingsSource[c.Program]))
	for i := range v.Rules {
		rule := &v.Rules[i]
		if rule.Programs != nil && !slices.Contains(rule.Programs, c.Program) {
			continue
		}
		x := &Ctx{cf: cf, v: v, rule: rule}
		r.Verdicts = append(r.Verdicts, rule.Check(x)...)
	}
	return r
}

// Explain returns the verdicts of r as text: one line per verdict.
func (r *Result) Explain() string {
	var b strings.Builder
	for _, v := range r.Verdicts {
		line := fmt.Sprintf("  %-7s %-28s", v.Status, v.Rule)
		if v.Key != "" {
			line += " " + v.Key
			if v.Value != "" {
				line += fmt.Sprintf("=%q", v.Value)
			}
		}
		line += ": " + v.Detail
		if v.Status != Pass && v.Status != NotApplicable && v.Key != "" {
			line += " [" + v.From + "]"
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// ---- generic rules every version shares ----

// caseRule reports variables whose names differ only by case: .NET configuration reads them as
// one key, and which value wins depends on the order the process environment lists them.
func caseRule(source string) Rule {
	return Rule{
		ID: "config.case", Doc: "no two variables differ only by case", Source: source,
		Check: func(x *Ctx) []Verdict {
			var out []Verdict
			for _, d := range x.cf.dupes {
				out = append(out, Verdict{Rule: "config.case", Status: Fail, Key: d[1].name, Value: d[1].value, From: d[1].from,
					Detail: fmt.Sprintf("%s and %s (%s) differ only by case: .NET configuration keys ignore case, so one silently replaces the other", d[0].name, d[1].name, d[0].describe()),
					Source: source, Fix: "keep one spelling"})
			}
			if len(out) == 0 {
				out = append(out, Verdict{Rule: "config.case", Status: Pass, Detail: "no two names differ only by case", Source: source})
			}
			return out
		},
	}
}

// typedRule checks every literal value of a typed option of Core version core.
func typedRule(core string, opts []Option) Rule {
	source := "Core " + core + " option classes"
	byKey := map[string]*Option{}
	for i := range opts {
		byKey[strings.ToLower(opts[i].Key)] = &opts[i]
	}
	return Rule{
		ID: "config.types", Doc: "every literal value of a typed option parses as Core parses it", Source: source,
		Check: func(x *Ctx) []Verdict {
			var out []Verdict
			n := 0
			for _, k := range x.cf.order {
				e := x.cf.keys[k]
				o := byKey[k]
				if o == nil && strings.HasPrefix(k, "serilog__minimumlevel__override__") {
					o = byKey["serilog__minimumlevel"]
				}
				if o == nil || !e.literal {
					continue
				}
				n++
				if !parses(o.Type, e.value, o.Names) {
					want := o.Type.String()
					if o.Type == Enum {
						want += " " + strings.Join(o.Names, ", ")
					}
					out = append(out, Verdict{Rule: "config.types", Status: Fail, Key: e.name, Value: e.value, From: e.from, Source: o.Source,
						Detail: "not " + want + ": the configuration binder throws at startup", Fix: "give " + want})
				}
			}
			if len(out) == 0 {
				out = append(out, Verdict{Rule: "config.types", Status: Pass, Source: source,
					Detail: fmt.Sprintf("%d literal typed values parse", n)})
			}
			return out
		},
	}
}

// MongoDatabase returns the database of a MongoDB connection string (the URI path), or an
// error when the string does not parse or names no database: Core then asks the driver for a
// null database name and throws.
func MongoDatabase(uri string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return "", fmt.Errorf("not a MongoDB connection string: %v", err)
	}
	if u.Scheme != "mongodb" && u.Scheme != "mongodb+srv" {
		return "", fmt.Errorf("the scheme %q is not mongodb:// or mongodb+srv://", u.Scheme)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" {
		return "", errors.New("it names no database: add /<database> after the hosts (mongodb://user:password@host:27017/<database>?...)")
	}
	return db, nil
}

// LiteralRule is a rule on one literal value, whatever the rest of the configuration: it can be
// checked on a module's own outputs, before they are merged.
type LiteralRule struct {
	Rule   string // the rule id, as in the rule table
	Key    string
	Source string
	// Check returns "" when the value is valid, else what is wrong.
	Check func(value string) string
	Fix   string
}

// CheckLiteral checks one literal value given to a container running program: its type (as
// the option's) and the literal rules of the key. It returns the failed verdicts; from names
// where the value comes from (a module and layer). Use it where no effective configuration
// exists, such as on the modules of a pod whose merge failed, so that the error still names
// the rule a value breaks.
func (v *Version) CheckLiteral(program Program, key, value, from string) []Verdict {
	var out []Verdict
	for _, o := range v.Options {
		if strings.EqualFold(o.Key, key) && !parses(o.Type, value, o.Names) {
			want := o.Type.String()
			if o.Type == Enum {
				want += " " + strings.Join(o.Names, ", ")
			}
			out = append(out, Verdict{Rule: "config.types", Status: Fail, Key: key, Value: value, From: from, Source: o.Source,
				Detail: "not " + want + ": the configuration binder throws at startup", Fix: "give " + want})
		}
	}
	if len(out) > 0 || !program.IsCore() {
		return out
	}
	for _, r := range v.Literals {
		if strings.EqualFold(r.Key, key) {
			if msg := r.Check(value); msg != "" {
				out = append(out, Verdict{Rule: r.Rule, Status: Fail, Key: key, Value: value, From: from, Source: r.Source, Detail: msg, Fix: r.Fix})
			}
		}
	}
	return out
}

// ResultOf wraps verdicts about one container into a Result, for Errors.
func (v *Version) ResultOf(pod, container string, verdicts []Verdict) Result {
	return Result{Pod: pod, Container: container, Version: v.Core, Verdicts: verdicts}
}
