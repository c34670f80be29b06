package outputs

import (
	"fmt"
	"maps"
	"slices"
)

// Module builds the outputs of one module, a sentence at a time:
//
//	outputs.NewModule("redis").
//		Env("Redis__Ssl", "true").
//		EnvSecret(creds, "Redis__User", "Redis__Password").
//		MountSecret("redis-ca", ca, "/redis", outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "chain.pem"}))
//
// Module implements ModuleOutputs and Reporter. Setting a name or a mount name
// twice never overwrites: the first value is kept and the repeat is recorded,
// then reported by MergePod. A nil *Module is inert.
type Module struct {
	name     string
	out      Outputs
	mounts   map[string]Kind
	problems []*Problem
}

// NewModule starts the outputs of the module called name.
func NewModule(name string) *Module { return &Module{name: name} }

// ModuleName implements ModuleOutputs.
func (m *Module) ModuleName() string {
	if m == nil {
		return ""
	}
	return m.name
}

// Outputs implements ModuleOutputs. The maps are shared: do not modify them.
func (m *Module) Outputs() Outputs {
	if m == nil {
		return Outputs{}
	}
	return m.out
}

// Problems implements Reporter: the keys set twice, the misplaced options.
func (m *Module) Problems() []*Problem {
	if m == nil {
		return nil
	}
	return m.problems
}

func (m *Module) problem(kind Kind, key, format string, args ...any) {
	m.problems = append(m.problems, &Problem{Module: m.name, Output: kind, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// setOnce stores v under k in *mp unless k is present, which it records; it
// reports whether v was stored.
func setOnce[V any](m *Module, kind Kind, mp *map[string]V, k string, v V) bool {
	if _, dup := (*mp)[k]; dup {
		m.problem(kind, k, "set twice in this module; the first value is kept: set it once")
		return false
	}
	if *mp == nil {
		*mp = map[string]V{}
	}
	(*mp)[k] = v
	return true
}

// mountOnce records mount names across the four mount kinds: each names a
// volume, so one name cannot be used by two mounts of a module.
func (m *Module) mountOnce(kind Kind, name string) bool {
	if prev, dup := m.mounts[name]; dup {
		m.problem(kind, name, "mount name already used by %s of this module; the first is kept: give each mount its own name", prev)
		return false
	}
	if m.mounts == nil {
		m.mounts = map[string]Kind{}
	}
	m.mounts[name] = kind
	return true
}

// Env sets the variable name to a literal value. Credentials belong in
// EnvFromSecret or EnvSecret: a literal whose name or value looks like a
// credential is an error, unless the option NotCredential says it is not one.
func (m *Module) Env(name, value string, opts ...EnvOption) *Module {
	if m == nil {
		return m
	}
	var o envOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if setOnce(m, KindEnv, &m.out.Env, name, value) && o.notCredential {
		m.out.NotCredentials = append(m.out.NotCredentials, name)
	}
	return m
}

// EnvOption refines Module.Env.
type EnvOption func(*envOptions)

type envOptions struct{ notCredential bool }

// NotCredential declares that the value given to Module.Env is not a
// credential although its name or value looks like one (Jwt__TokenLifetime:
// "30"), so MergePod accepts it as a literal. It adds the name to
// Outputs.NotCredentials (not_credentials in YAML), where reviewers find
// every such decision. Use it only for values that may be read by anyone who
// can read the pod spec or the Terraform plan.
func NotCredential() EnvOption { return func(o *envOptions) { o.notCredential = true } }

// EnvFromConfigMap sets the variable name from the key of a ConfigMap.
func (m *Module) EnvFromConfigMap(name string, configMap Ref, key string) *Module {
	if m != nil {
		setOnce(m, KindEnvFromConfigMap, &m.out.EnvFromConfigMap, name, KeySelector{Ref: configMap, Key: key})
	}
	return m
}

// EnvFromSecret sets the variable name from the key of a Secret.
func (m *Module) EnvFromSecret(name string, secret Ref, key string) *Module {
	if m != nil {
		setOnce(m, KindEnvFromSecret, &m.out.EnvFromSecret, name, KeySelector{Ref: secret, Key: key})
	}
	return m
}

// EnvConfigMap uses a whole ConfigMap through envFrom; keys are the keys it is
// known to hold (declare them: they are what conflict checks see).
func (m *Module) EnvConfigMap(configMap Ref, keys ...string) *Module {
	if m != nil {
		m.out.EnvConfigMap = append(m.out.EnvConfigMap, EnvSource{Ref: configMap, Keys: keys})
	}
	return m
}

// EnvSecret uses a whole Secret through envFrom; keys are the keys it is known
// to hold (declare them: they are what conflict checks see).
func (m *Module) EnvSecret(secret Ref, keys ...string) *Module {
	if m != nil {
		m.out.EnvSecret = append(m.out.EnvSecret, EnvSource{Ref: secret, Keys: keys})
	}
	return m
}

// MountOption refines a mount: WithSubPath and ReadOnly apply to every mount,
// WithMode and WithItems to ConfigMap and Secret mounts only.
type MountOption func(*mountOptions)

type mountOptions struct {
	subPath           string
	mode              string
	items             []Item
	readOnly          bool
	modeSet, hasItems bool
}

// WithSubPath mounts only the entry p of the volume.
func WithSubPath(p string) MountOption { return func(o *mountOptions) { o.subPath = p } }

// WithMode sets the default file mode of a ConfigMap or Secret volume, as an
// octal string such as "0440".
func WithMode(mode string) MountOption {
	return func(o *mountOptions) { o.mode, o.modeSet = mode, true }
}

// WithItems projects only the given keys of a ConfigMap or Secret, each to its path.
func WithItems(items ...Item) MountOption {
	return func(o *mountOptions) { o.items, o.hasItems = append(o.items, items...), true }
}

// ReadOnly mounts a volume or claim read-only (ConfigMap and Secret mounts always are).
func ReadOnly() MountOption { return func(o *mountOptions) { o.readOnly = true } }

func (m *Module) options(kind Kind, name string, opts []MountOption) mountOptions {
	var o mountOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if kind != KindMountConfigMap && kind != KindMountSecret {
		if o.modeSet {
			m.problem(kind, name, "WithMode applies to mount_configmap and mount_secret only: drop it")
		}
		if o.hasItems {
			m.problem(kind, name, "WithItems applies to mount_configmap and mount_secret only: drop it")
		}
	}
	return o
}

func (m *Module) fileMount(kind Kind, dst *map[string]FileMount, name string, ref Ref, path string, opts []MountOption) {
	o := m.options(kind, name, opts)
	if m.mountOnce(kind, name) {
		setOnce(m, kind, dst, name, FileMount{Ref: ref, Path: path, SubPath: o.subPath, Mode: o.mode, Items: o.items})
	}
}

// MountConfigMap mounts a ConfigMap read-only at path, in a volume named after name.
func (m *Module) MountConfigMap(name string, configMap Ref, path string, opts ...MountOption) *Module {
	if m != nil {
		m.fileMount(KindMountConfigMap, &m.out.MountConfigMap, name, configMap, path, opts)
	}
	return m
}

// MountSecret mounts a Secret read-only at path, in a volume named after name.
func (m *Module) MountSecret(name string, secret Ref, path string, opts ...MountOption) *Module {
	if m != nil {
		m.fileMount(KindMountSecret, &m.out.MountSecret, name, secret, path, opts)
	}
	return m
}

// MountClaim mounts a PersistentVolumeClaim at path, in a volume named after name.
func (m *Module) MountClaim(name string, claim Ref, path string, opts ...MountOption) *Module {
	if m != nil {
		o := m.options(KindMountVolumeClaim, name, opts)
		if m.mountOnce(KindMountVolumeClaim, name) {
			setOnce(m, KindMountVolumeClaim, &m.out.MountVolumeClaim, name,
				ClaimMount{Claim: claim, Path: path, SubPath: o.subPath, ReadOnly: o.readOnly})
		}
	}
	return m
}

func (m *Module) volume(name, path string, v VolumeMount, opts []MountOption) *Module {
	if m != nil {
		o := m.options(KindMountVolume, name, opts)
		v.Path, v.SubPath, v.ReadOnly = path, o.subPath, o.readOnly
		if m.mountOnce(KindMountVolume, name) {
			setOnce(m, KindMountVolume, &m.out.MountVolume, name, v)
		}
	}
	return m
}

// MountEmptyDir mounts a scratch volume at path.
func (m *Module) MountEmptyDir(name, path string, dir EmptyDir, opts ...MountOption) *Module {
	return m.volume(name, path, VolumeMount{EmptyDir: &dir}, opts)
}

// MountHostPath mounts a path of the node at path.
func (m *Module) MountHostPath(name, path string, host HostPath, opts ...MountOption) *Module {
	return m.volume(name, path, VolumeMount{HostPath: &host}, opts)
}

// MountNFS mounts an NFS export at path.
func (m *Module) MountNFS(name, path string, nfs NFS, opts ...MountOption) *Module {
	return m.volume(name, path, VolumeMount{NFS: &nfs}, opts)
}

// MountCSI mounts an inline CSI volume at path.
func (m *Module) MountCSI(name, path string, csi CSI, opts ...MountOption) *Module {
	return m.volume(name, path, VolumeMount{CSI: &csi}, opts)
}

// Add adds every item of o, for instance outputs decoded from a configuration
// file, recording the names and mount names already set, as the other methods do.
func (m *Module) Add(o Outputs) *Module {
	if m == nil {
		return m
	}
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		m.Env(k, o.Env[k])
	}
	m.out.EnvConfigMap = append(m.out.EnvConfigMap, o.EnvConfigMap...)
	m.out.EnvSecret = append(m.out.EnvSecret, o.EnvSecret...)
	for _, k := range slices.Sorted(maps.Keys(o.EnvFromConfigMap)) {
		setOnce(m, KindEnvFromConfigMap, &m.out.EnvFromConfigMap, k, o.EnvFromConfigMap[k])
	}
	for _, k := range slices.Sorted(maps.Keys(o.EnvFromSecret)) {
		setOnce(m, KindEnvFromSecret, &m.out.EnvFromSecret, k, o.EnvFromSecret[k])
	}
	addMounts(m, KindMountConfigMap, &m.out.MountConfigMap, o.MountConfigMap)
	addMounts(m, KindMountSecret, &m.out.MountSecret, o.MountSecret)
	addMounts(m, KindMountVolume, &m.out.MountVolume, o.MountVolume)
	addMounts(m, KindMountVolumeClaim, &m.out.MountVolumeClaim, o.MountVolumeClaim)
	m.out.NotCredentials = append(m.out.NotCredentials, o.NotCredentials...)
	return m
}

func addMounts[V any](m *Module, kind Kind, dst *map[string]V, src map[string]V) {
	for _, k := range slices.Sorted(maps.Keys(src)) {
		if m.mountOnce(kind, k) {
			setOnce(m, kind, dst, k, src[k])
		}
	}
}
