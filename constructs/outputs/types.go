package outputs

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Kind names one of the nine AEP 5 outputs. The values are the AEP names,
// which are also the JSON and YAML keys of Outputs.
type Kind string

// The nine AEP 5 output kinds.
const (
	KindEnv              Kind = "env"
	KindEnvConfigMap     Kind = "env_configmap"
	KindEnvSecret        Kind = "env_secret"
	KindEnvFromConfigMap Kind = "env_from_configmap"
	KindEnvFromSecret    Kind = "env_from_secret"
	KindMountConfigMap   Kind = "mount_configmap"
	KindMountSecret      Kind = "mount_secret"
	KindMountVolume      Kind = "mount_volume"
	KindMountVolumeClaim Kind = "mount_volume_claim"
)

// ModuleOutputs is implemented by every module: its name, used in
// provenance and error messages, and the outputs it gives to a container.
// Outputs may be called once per container the module reaches; it must not
// mutate anything, and callers must not mutate what it returns.
type ModuleOutputs interface {
	ModuleName() string
	Outputs() Outputs
}

// Reporter is optionally implemented by a ModuleOutputs that found problems
// while it was being built (Module records a key set twice). MergePod reports
// them, completed with pod, container and layer, along with its own.
type Reporter interface {
	Problems() []*Problem
}

// Outputs holds the nine AEP 5 kinds. All are optional; nil maps and slices
// are fine. The JSON and YAML keys are the AEP names.
type Outputs struct {
	// Env maps a variable name to a literal value (container env {name, value}).
	// Never put a credential here: use EnvFromSecret or EnvSecret.
	Env map[string]string `json:"env,omitempty" yaml:"env,omitempty"`
	// EnvConfigMap lists ConfigMaps used whole (envFrom.configMapRef).
	EnvConfigMap []EnvSource `json:"env_configmap,omitempty" yaml:"env_configmap,omitempty"`
	// EnvSecret lists Secrets used whole (envFrom.secretRef).
	EnvSecret []EnvSource `json:"env_secret,omitempty" yaml:"env_secret,omitempty"`
	// EnvFromConfigMap maps a variable name to one ConfigMap key (valueFrom.configMapKeyRef).
	EnvFromConfigMap map[string]KeySelector `json:"env_from_configmap,omitempty" yaml:"env_from_configmap,omitempty"`
	// EnvFromSecret maps a variable name to one Secret key (valueFrom.secretKeyRef).
	EnvFromSecret map[string]KeySelector `json:"env_from_secret,omitempty" yaml:"env_from_secret,omitempty"`
	// MountConfigMap maps a mount name to a ConfigMap mounted read-only.
	MountConfigMap map[string]FileMount `json:"mount_configmap,omitempty" yaml:"mount_configmap,omitempty"`
	// MountSecret maps a mount name to a Secret mounted read-only.
	MountSecret map[string]FileMount `json:"mount_secret,omitempty" yaml:"mount_secret,omitempty"`
	// MountVolume maps a mount name to an emptyDir, hostPath, NFS or CSI volume.
	MountVolume map[string]VolumeMount `json:"mount_volume,omitempty" yaml:"mount_volume,omitempty"`
	// MountVolumeClaim maps a mount name to a PersistentVolumeClaim.
	MountVolumeClaim map[string]ClaimMount `json:"mount_volume_claim,omitempty" yaml:"mount_volume_claim,omitempty"`

	// NotCredentials lists names of Env whose literal values are not
	// credentials although their name or value looks like one (say
	// Jwt__TokenLifetime: "30"): MergePod does not reject them. Not an AEP 5
	// output: the one addition to the AEP form, for this opt-out. Each entry
	// must name a key of Env of the same module; the opt-out covers that
	// module only. Explain still redacts values that look like credentials.
	NotCredentials []string `json:"not_credentials,omitempty" yaml:"not_credentials,omitempty"`
}

// EnvSource is a ConfigMap or Secret used whole through envFrom.
//
// Keys lists the keys the object is known to hold. They are what conflict
// checks see: an undeclared key can silently collide in Kubernetes (the last
// envFrom source wins), so declare every key you know of. Prefix, when set,
// is prepended to every key, as in Kubernetes.
//
// In JSON and YAML an EnvSource is either a bare name (the AEP form, no
// declared keys) or an object {name, keys, prefix}.
type EnvSource struct {
	Ref    Ref      `json:"name" yaml:"name"`
	Keys   []string `json:"keys,omitempty" yaml:"keys,omitempty"`
	Prefix string   `json:"prefix,omitempty" yaml:"prefix,omitempty"`
}

type envSourceFields EnvSource

// UnmarshalJSON accepts a bare name or an object; unknown object keys are rejected.
func (s *EnvSource) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		*s = EnvSource{Ref: Named(name)}
		return nil
	}
	var f envSourceFields
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return fmt.Errorf("env source: want a name or {name, keys, prefix}: %w", err)
	}
	*s = EnvSource(f)
	return nil
}

// UnmarshalYAML accepts a bare name or an object. It uses the callback form of
// the YAML unmarshaler interface, understood by gopkg.in/yaml.v2 and yaml.v3.
func (s *EnvSource) UnmarshalYAML(unmarshal func(any) error) error {
	var name string
	if unmarshal(&name) == nil {
		*s = EnvSource{Ref: Named(name)}
		return nil
	}
	var f envSourceFields
	if err := unmarshal(&f); err != nil {
		return fmt.Errorf("env source: want a name or {name, keys, prefix}: %w", err)
	}
	*s = EnvSource(f)
	return nil
}

// KeySelector picks one key of a ConfigMap or Secret (the AEP's {configmap|secret, field}).
type KeySelector struct {
	Ref Ref    `json:"name" yaml:"name"`
	Key string `json:"key" yaml:"key"`
}

// FileMount mounts a ConfigMap or a Secret read-only at Path.
//
// Mode is the volume's default file mode as an octal string ("0644"; empty
// keeps the Kubernetes default). Items, when set, project only those keys, each
// to its own relative path. SubPath mounts one entry of the volume instead of
// all of it.
type FileMount struct {
	Ref     Ref    `json:"name" yaml:"name"`
	Path    string `json:"path" yaml:"path"`
	SubPath string `json:"subpath,omitempty" yaml:"subpath,omitempty"`
	Mode    string `json:"mode,omitempty" yaml:"mode,omitempty"`
	Items   []Item `json:"items,omitempty" yaml:"items,omitempty"`
}

// Item projects the key Key of a ConfigMap or Secret to the relative file Path,
// with an optional octal Mode.
type Item struct {
	Key  string `json:"key" yaml:"key"`
	Path string `json:"path" yaml:"path"`
	Mode string `json:"mode,omitempty" yaml:"mode,omitempty"`
}

// VolumeMount mounts an inline volume at Path. Exactly one of EmptyDir,
// HostPath, NFS and CSI must be set.
type VolumeMount struct {
	Path     string    `json:"path" yaml:"path"`
	SubPath  string    `json:"subpath,omitempty" yaml:"subpath,omitempty"`
	ReadOnly bool      `json:"read_only,omitempty" yaml:"read_only,omitempty"`
	EmptyDir *EmptyDir `json:"empty_dir,omitempty" yaml:"empty_dir,omitempty"`
	HostPath *HostPath `json:"host_path,omitempty" yaml:"host_path,omitempty"`
	NFS      *NFS      `json:"nfs,omitempty" yaml:"nfs,omitempty"`
	CSI      *CSI      `json:"csi,omitempty" yaml:"csi,omitempty"`
}

// EmptyDir is a scratch volume. Medium is "" (node disk) or "Memory";
// SizeLimit is a Kubernetes quantity such as "1Gi" (empty: no limit).
type EmptyDir struct {
	Medium    string `json:"medium,omitempty" yaml:"medium,omitempty"`
	SizeLimit string `json:"size_limit,omitempty" yaml:"size_limit,omitempty"`
}

// HostPath is a directory or file of the node. Type is one of the Kubernetes
// hostPath types ("" means no check).
type HostPath struct {
	Path string `json:"path" yaml:"path"`
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
}

// NFS is an NFS export.
type NFS struct {
	Server   string `json:"server" yaml:"server"`
	Path     string `json:"path" yaml:"path"`
	ReadOnly bool   `json:"read_only,omitempty" yaml:"read_only,omitempty"`
}

// CSI is an inline (ephemeral) CSI volume.
type CSI struct {
	Driver     string            `json:"driver" yaml:"driver"`
	ReadOnly   bool              `json:"read_only,omitempty" yaml:"read_only,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

// ClaimMount mounts the PersistentVolumeClaim Claim at Path. ReadOnly applies
// to this mount only, so other containers may mount the same claim read-write.
type ClaimMount struct {
	Claim    Ref    `json:"claim" yaml:"claim"`
	Path     string `json:"path" yaml:"path"`
	SubPath  string `json:"subpath,omitempty" yaml:"subpath,omitempty"`
	ReadOnly bool   `json:"read_only,omitempty" yaml:"read_only,omitempty"`
}

// sources returns the set sources, in the order EmptyDir, HostPath, NFS, CSI.
func (v VolumeMount) sources() []string {
	var s []string
	if v.EmptyDir != nil {
		s = append(s, "empty_dir")
	}
	if v.HostPath != nil {
		s = append(s, "host_path")
	}
	if v.NFS != nil {
		s = append(s, "nfs")
	}
	if v.CSI != nil {
		s = append(s, "csi")
	}
	return s
}

// Static returns a ModuleOutputs for a plain Outputs value: per-partition
// confs, user overrides, values decoded from a configuration file, tests.
func Static(name string, o Outputs) ModuleOutputs { return staticModule{name: name, out: o} }

type staticModule struct {
	name string
	out  Outputs
}

func (s staticModule) ModuleName() string { return s.name }
func (s staticModule) Outputs() Outputs   { return s.out }
