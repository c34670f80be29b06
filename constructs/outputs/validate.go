package outputs

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The checks below return nil when the value is fine, else a field error
// whose Detail says what is wrong and what to do. Names are checked with the
// Kubernetes validation library, never with regular expressions of our own.
// Paths are relative to the item at fault (an env name, a mount, a whole
// source): nil for the item itself, "mode", "items[0].path"...; the checker
// turns each error into a Problem (see Problem.Field).

// verdicts remembers the validation library's verdicts on the names that
// recur in a pod: one Secret is named by many variables and mounts, keys such
// as "password" come back, a module reaches several containers.
type verdicts struct{ subdomain, configKey map[string][]string }

// of returns check(s), remembered in *m.
func (v *verdicts) of(m *map[string][]string, s string, check func(string) []string) []string {
	errs, ok := (*m)[s]
	if !ok {
		errs = check(s)
		if *m == nil {
			*m = map[string][]string{}
		}
		(*m)[s] = errs
	}
	return errs
}

// noField is what field.Error.Field holds for a nil path: the item itself.
const noField = "<nil>"

func envNameError(p *field.Path, name string) *field.Error {
	if name == "" {
		return field.Required(p, "empty variable name: give the variable a name")
	}
	if errs := validation.IsEnvVarName(name); len(errs) > 0 {
		return field.Invalid(p, name, fmt.Sprintf("invalid variable name %q: %s", name, strings.Join(errs, "; ")))
	}
	return nil
}

// credentialError rejects a literal env value that looks like a credential
// (see credential.go). The value is never part of the error.
func credentialError(name, value string) *field.Error {
	reason, _ := credentialReason(name, value)
	if reason == "" {
		return nil
	}
	return field.Forbidden(nil, "looks like a credential but has a literal value, which would sit in plain text in the pod spec "+
		"and the Terraform plan ("+reason+"): put it in a Secret and use env_from_secret (Module.EnvFromSecret) or env_secret (Module.EnvSecret); "+
		"if it is not a credential, list it in not_credentials (Go: Module.Env(name, value, outputs.NotCredential()))")
}

// refError checks the display name of a ConfigMap, Secret or claim; what
// says which ("secret", "configmap", "claim"). The Token is never looked at,
// and a Name holding a Terraform expression is neither validated nor shown
// as a name.
func (v *verdicts) refError(p *field.Path, what string, r Ref) *field.Error {
	switch {
	case r.Name == "" && r.Token != "":
		return field.Required(p, fmt.Sprintf("%s name required (a Terraform token alone cannot be checked or shown): use Named(name).WithToken(token)", what))
	case r.Name == "":
		return field.Required(p, fmt.Sprintf("%s name required", what))
	case isExpression(r.Name):
		return field.Invalid(p, r.Name, fmt.Sprintf("%s name %q is a Terraform expression, not a name, so it cannot be checked, shown or compared: "+
			"in Go, use Named(name).WithToken(token) with the name the object is given; in a configuration file, write that name", what, r.Name))
	}
	if errs := v.of(&v.subdomain, r.Name, validation.IsDNS1123Subdomain); len(errs) > 0 {
		return field.Invalid(p, r.Name, fmt.Sprintf("invalid %s name %q: %s", what, r.Name, strings.Join(errs, "; ")))
	}
	return nil
}

func (v *verdicts) dataKeyError(p *field.Path, key string) *field.Error {
	if key == "" {
		return field.Required(p, "key required: name the key to read")
	}
	if errs := v.of(&v.configKey, key, validation.IsConfigMapKey); len(errs) > 0 {
		return field.Invalid(p, key, fmt.Sprintf("invalid key %q: %s", key, strings.Join(errs, "; ")))
	}
	return nil
}

func mountPathError(p *field.Path, mp string) *field.Error {
	switch {
	case mp == "":
		return field.Required(p, "mount path required: give an absolute path such as \"/data\"")
	case !path.IsAbs(mp):
		return field.Invalid(p, mp, fmt.Sprintf("mount path %q must be absolute, such as %q", mp, "/"+mp))
	case path.Clean(mp) != mp:
		return field.Invalid(p, mp, fmt.Sprintf("mount path %q is not clean: write %q", mp, path.Clean(mp)))
	}
	return nil
}

// relPathError checks a sub path or an item path: relative, no "..".
func relPathError(p *field.Path, what, rp string) *field.Error {
	if path.IsAbs(rp) {
		return field.Invalid(p, rp, fmt.Sprintf("%s %q must be relative: drop the leading '/'", what, rp))
	}
	for part := range strings.SplitSeq(rp, "/") {
		if part == ".." {
			return field.Invalid(p, rp, fmt.Sprintf("%s %q must not contain '..'", what, rp))
		}
	}
	return nil
}

func modeError(p *field.Path, mode string) *field.Error {
	if mode == "" {
		return nil
	}
	ok := len(mode) == 4 && mode[0] == '0'
	for i := 1; ok && i < 4; i++ {
		ok = mode[i] >= '0' && mode[i] <= '7'
	}
	if !ok {
		return field.Invalid(p, mode, fmt.Sprintf("mode %q must be an octal string like \"0644\"", mode))
	}
	return nil
}

// duplicate is field.Duplicate with a Detail.
func duplicate(p *field.Path, value any, detail string) *field.Error {
	e := field.Duplicate(p, value)
	e.Detail = detail
	return e
}

// itemsErrors checks projected items; p is the path of the list.
func (v *verdicts) itemsErrors(p *field.Path, items []Item) field.ErrorList {
	var out field.ErrorList
	paths := map[string]bool{}
	for i, it := range items {
		// Checked without a path, which is built on error only.
		add := func(f string, e *field.Error) {
			if e != nil {
				e.Field = p.Index(i).Child(f).String()
				out = append(out, e)
			}
		}
		if it.Key == "" {
			add("key", field.Required(nil, "key required: name the key to write to a file"))
		} else {
			add("key", v.dataKeyError(nil, it.Key))
		}
		switch e := relPathError(nil, "path", it.Path); {
		case it.Path == "":
			add("path", field.Required(nil, fmt.Sprintf("path required: give the file name to write key %q to", it.Key)))
		case e != nil:
			add("path", e)
		case paths[it.Path]:
			add("path", duplicate(nil, it.Path, fmt.Sprintf("path %q is already used by another item: give each item its own path", it.Path)))
		}
		paths[it.Path] = true
		add("mode", modeError(nil, it.Mode))
	}
	return out
}

// hostPathTypes are the Kubernetes hostPath types.
var hostPathTypes = []string{"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"}

func volumeSourceErrors(v VolumeMount) field.ErrorList {
	var out field.ErrorList
	switch s := v.sources(); len(s) {
	case 0:
		return field.ErrorList{field.Required(nil, "no volume source: set exactly one of empty_dir, host_path, nfs, csi")}
	case 1:
	default:
		return field.ErrorList{field.Forbidden(nil, fmt.Sprintf("several volume sources (%s): set exactly one of empty_dir, host_path, nfs, csi", strings.Join(s, ", ")))}
	}
	switch {
	case v.EmptyDir != nil:
		p := field.NewPath("empty_dir")
		if med := v.EmptyDir.Medium; med != "" && med != "Memory" {
			out = append(out, field.Invalid(p.Child("medium"), med, fmt.Sprintf("empty_dir medium %q: want \"\" (node disk) or \"Memory\"", med)))
		}
		if lim := v.EmptyDir.SizeLimit; lim != "" {
			if q, err := resource.ParseQuantity(lim); err != nil {
				out = append(out, field.Invalid(p.Child("size_limit"), lim, fmt.Sprintf("empty_dir size_limit %q is not a quantity: write one such as \"1Gi\" or \"500Mi\"", lim)))
			} else if q.Sign() < 0 {
				out = append(out, field.Invalid(p.Child("size_limit"), lim, fmt.Sprintf("empty_dir size_limit %q must not be negative", lim)))
			}
		}
	case v.HostPath != nil:
		p := field.NewPath("host_path")
		if hp := v.HostPath.Path; hp == "" {
			out = append(out, field.Required(p.Child("path"), "host_path path required"))
		} else if !path.IsAbs(hp) {
			out = append(out, field.Invalid(p.Child("path"), hp, fmt.Sprintf("host_path path %q must be absolute", hp)))
		}
		if !slices.Contains(hostPathTypes, v.HostPath.Type) {
			out = append(out, field.Invalid(p.Child("type"), v.HostPath.Type,
				fmt.Sprintf("host_path type %q: want one of %s", v.HostPath.Type, strings.Join(hostPathTypes[1:], ", ")+` or ""`)))
		}
	case v.NFS != nil:
		p := field.NewPath("nfs")
		if v.NFS.Server == "" {
			out = append(out, field.Required(p.Child("server"), "nfs server required"))
		}
		if np := v.NFS.Path; np == "" {
			out = append(out, field.Required(p.Child("path"), "nfs path required"))
		} else if !path.IsAbs(np) {
			out = append(out, field.Invalid(p.Child("path"), np, fmt.Sprintf("nfs path %q must be absolute", np)))
		}
	case v.CSI != nil:
		if v.CSI.Driver == "" {
			out = append(out, field.Required(field.NewPath("csi", "driver"), "csi driver required"))
		}
	}
	return out
}
