package outputs

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The checks below return "" when the value is fine, else a message saying
// what is wrong and what to do. Names are checked with the Kubernetes
// validation library, never with regular expressions of our own.

func envNameProblem(name string) string {
	if name == "" {
		return "empty variable name: give the variable a name"
	}
	if errs := validation.IsEnvVarName(name); len(errs) > 0 {
		return fmt.Sprintf("invalid variable name %q: %s", name, strings.Join(errs, "; "))
	}
	return ""
}

// credentialWords mark a variable name as a credential (compared in lower case).
var credentialWords = []string{"password", "secret", "token", "connectionstring", "accesskey"}

// looksLikeCredential reports whether name contains one of credentialWords,
// ignoring case.
func looksLikeCredential(name string) bool {
	var buf [64]byte
	lower := buf[:0] // lower-cased on the stack: this runs for every literal
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		lower = append(lower, b)
	}
	for _, w := range credentialWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

func credentialProblem(name, value string) string {
	if value == "" || !looksLikeCredential(name) {
		return ""
	}
	return "looks like a credential but has a literal value, which would sit in plain text in the pod spec " +
		"and the Terraform plan: put it in a Secret and use env_from_secret (Module.EnvFromSecret) or env_secret (Module.EnvSecret)"
}

// refProblem checks the display name of a ConfigMap, Secret or claim; what
// says which ("secret", "configmap", "claim"). The Token is never looked at.
func refProblem(what string, r Ref) string {
	if r.Name == "" {
		if r.Token != "" {
			return fmt.Sprintf("%s name required (a Terraform token alone cannot be checked or shown): use Named(name).WithToken(token)", what)
		}
		return fmt.Sprintf("%s name required", what)
	}
	if errs := validation.IsDNS1123Subdomain(r.Name); len(errs) > 0 {
		return invalidRef(what, r.Name, strings.Join(errs, "; "))
	}
	return ""
}

func invalidRef(what, name, errs string) string {
	return fmt.Sprintf("invalid %s name %q: %s", what, name, errs)
}

func dataKeyProblem(key string) string {
	if key == "" {
		return "key required: name the key to read"
	}
	if errs := validation.IsConfigMapKey(key); len(errs) > 0 {
		return fmt.Sprintf("invalid key %q: %s", key, strings.Join(errs, "; "))
	}
	return ""
}

func mountPathProblem(p string) string {
	switch {
	case p == "":
		return "mount path required: give an absolute path such as \"/data\""
	case !path.IsAbs(p):
		return fmt.Sprintf("mount path %q must be absolute, such as %q", p, "/"+p)
	case path.Clean(p) != p:
		return fmt.Sprintf("mount path %q is not clean: write %q", p, path.Clean(p))
	}
	return ""
}

// relPathProblem checks a sub path or an item path: relative, no "..".
func relPathProblem(what, p string) string {
	if path.IsAbs(p) {
		return fmt.Sprintf("%s %q must be relative: drop the leading '/'", what, p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return fmt.Sprintf("%s %q must not contain '..'", what, p)
		}
	}
	return ""
}

func modeProblem(what, mode string) string {
	if mode == "" {
		return ""
	}
	ok := len(mode) == 4 && mode[0] == '0'
	for i := 1; ok && i < 4; i++ {
		ok = mode[i] >= '0' && mode[i] <= '7'
	}
	if !ok {
		return fmt.Sprintf("%s %q must be an octal string like \"0644\"", what, mode)
	}
	return ""
}

// itemsProblems checks projected items; dataKey checks one key.
func itemsProblems(items []Item, dataKey func(string) string) []string {
	var out []string
	paths := map[string]bool{}
	for i, it := range items {
		at := fmt.Sprintf("item %d", i+1)
		if it.Key == "" {
			out = append(out, at+": key required")
		} else if m := dataKey(it.Key); m != "" {
			out = append(out, at+": "+m)
		}
		if it.Path == "" {
			out = append(out, fmt.Sprintf("%s (key %q): path required: give the file name to write the key to", at, it.Key))
		} else if m := relPathProblem("path", it.Path); m != "" {
			out = append(out, fmt.Sprintf("%s (key %q): %s", at, it.Key, m))
		} else if paths[it.Path] {
			out = append(out, fmt.Sprintf("%s (key %q): path %q is already used by another item: give each item its own path", at, it.Key, it.Path))
		}
		paths[it.Path] = true
		if m := modeProblem("mode", it.Mode); m != "" {
			out = append(out, fmt.Sprintf("%s (key %q): %s", at, it.Key, m))
		}
	}
	return out
}

// hostPathTypes are the Kubernetes hostPath types.
var hostPathTypes = []string{"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"}

func volumeSourceProblems(v VolumeMount) []string {
	var out []string
	switch s := v.sources(); len(s) {
	case 0:
		return []string{"no volume source: set exactly one of empty_dir, host_path, nfs, csi"}
	case 1:
	default:
		return []string{fmt.Sprintf("several volume sources (%s): set exactly one of empty_dir, host_path, nfs, csi", strings.Join(s, ", "))}
	}
	switch {
	case v.EmptyDir != nil:
		if med := v.EmptyDir.Medium; med != "" && med != "Memory" {
			out = append(out, fmt.Sprintf("empty_dir medium %q: want \"\" (node disk) or \"Memory\"", med))
		}
		if lim := v.EmptyDir.SizeLimit; lim != "" {
			if q, err := resource.ParseQuantity(lim); err != nil {
				out = append(out, fmt.Sprintf("empty_dir size_limit %q is not a quantity: write one such as \"1Gi\" or \"500Mi\"", lim))
			} else if q.Sign() < 0 {
				out = append(out, fmt.Sprintf("empty_dir size_limit %q must not be negative", lim))
			}
		}
	case v.HostPath != nil:
		if p := v.HostPath.Path; p == "" {
			out = append(out, "host_path path required")
		} else if !path.IsAbs(p) {
			out = append(out, fmt.Sprintf("host_path path %q must be absolute", p))
		}
		if !slices.Contains(hostPathTypes, v.HostPath.Type) {
			out = append(out, fmt.Sprintf("host_path type %q: want one of %s", v.HostPath.Type, strings.Join(hostPathTypes[1:], ", ")+` or ""`))
		}
	case v.NFS != nil:
		if v.NFS.Server == "" {
			out = append(out, "nfs server required")
		}
		if p := v.NFS.Path; p == "" {
			out = append(out, "nfs path required")
		} else if !path.IsAbs(p) {
			out = append(out, fmt.Sprintf("nfs path %q must be absolute", p))
		}
	case v.CSI != nil:
		if v.CSI.Driver == "" {
			out = append(out, "csi driver required")
		}
	}
	return out
}
