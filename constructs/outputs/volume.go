package outputs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// VolumeName returns the pod volume name of the mount called mount. A mount
// name that is already a DNS-1123 label is used as is. Any other name is
// lower-cased, every run of characters outside [a-z0-9-] becomes one '-',
// dashes are trimmed, the result is cut to 54 characters and suffixed with '-'
// and the first 8 hex digits of the SHA-256 of the original name, so that two
// names differing only in what sanitizing removes ("Redis_CA", "redis.ca")
// still get different volumes. The result is always a valid label; MergePod
// checks every volume name with validation.IsDNS1123Label all the same.
func VolumeName(mount string) string {
	if isLabel(mount) {
		return mount
	}
	var b strings.Builder
	dash := false
	for i := 0; i < len(mount); i++ {
		c := mount[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			c = '-'
		}
		if c == '-' {
			if dash {
				continue
			}
			dash = true
		} else {
			dash = false
		}
		b.WriteByte(c)
	}
	const hashLen = 8
	base := strings.Trim(b.String(), "-")
	if max := validation.DNS1123LabelMaxLength - hashLen - 1; len(base) > max {
		base = strings.TrimRight(base[:max], "-")
	}
	if base == "" {
		base = "mount"
	}
	sum := sha256.Sum256([]byte(mount))
	return base + "-" + hex.EncodeToString(sum[:])[:hashLen]
}

// isLabel reports whether the sanitizing of VolumeName would leave s as it is:
// 1 to 63 characters of [a-z0-9-], starting and ending with a letter or digit.
// It only decides whether to sanitize, with no regular expression on the
// merge's path; the library's IsDNS1123Label is what validates volume names
// (and FuzzVolumeName checks that both agree).
func isLabel(s string) bool {
	if s == "" || len(s) > validation.DNS1123LabelMaxLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '-' || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

// Volume is one pod volume: a name and exactly one source, with every mount
// that uses it. Identical definitions reached by several mounts (in one or
// several containers) are one Volume.
type Volume struct {
	Name      string
	ConfigMap *FileSource
	Secret    *FileSource
	EmptyDir  *EmptyDir
	HostPath  *HostPath
	NFS       *NFS
	CSI       *CSI
	// Claim is the PersistentVolumeClaim; read-only is set per mount.
	Claim *Ref
	// Uses lists the mounts of this volume, in container then path order.
	Uses []VolumeUse
}

// FileSource is a ConfigMap or Secret volume. Items are sorted by key, then path.
type FileSource struct {
	Ref   Ref
	Mode  string
	Items []Item
}

// VolumeUse is one mount of a volume.
type VolumeUse struct {
	Container string
	Mount     string
	From      Provenance
}

func fileVolume(name string, secret bool, f FileMount) Volume {
	src := &FileSource{Ref: f.Ref, Mode: f.Mode}
	if len(f.Items) > 0 {
		src.Items = slices.Clone(f.Items)
		slices.SortFunc(src.Items, func(a, b Item) int {
			if c := strings.Compare(a.Key, b.Key); c != 0 {
				return c
			}
			return strings.Compare(a.Path, b.Path)
		})
	}
	if secret {
		return Volume{Name: name, Secret: src}
	}
	return Volume{Name: name, ConfigMap: src}
}

func inlineVolume(name string, v VolumeMount) Volume {
	out := Volume{Name: name}
	// Copy the sources so that the result never aliases a module's values.
	if v.EmptyDir != nil {
		d := *v.EmptyDir
		out.EmptyDir = &d
	}
	if v.HostPath != nil {
		h := *v.HostPath
		out.HostPath = &h
	}
	if v.NFS != nil {
		n := *v.NFS
		out.NFS = &n
	}
	if v.CSI != nil {
		c := *v.CSI
		c.Attributes = maps.Clone(c.Attributes)
		out.CSI = &c
	}
	return out
}

// sameSource reports whether a and b define the same volume. Refs compare by
// Name: MergePod reports refs of one name with different Tokens on their own
// (merger.object), so that here one name is one object.
func sameSource(a, b *Volume) bool {
	sameFile := func(x, y *FileSource) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Ref.Name == y.Ref.Name && x.Mode == y.Mode && slices.Equal(x.Items, y.Items)
	}
	switch {
	case !sameFile(a.ConfigMap, b.ConfigMap), !sameFile(a.Secret, b.Secret):
		return false
	case (a.EmptyDir == nil) != (b.EmptyDir == nil), a.EmptyDir != nil && *a.EmptyDir != *b.EmptyDir:
		return false
	case (a.HostPath == nil) != (b.HostPath == nil), a.HostPath != nil && *a.HostPath != *b.HostPath:
		return false
	case (a.NFS == nil) != (b.NFS == nil), a.NFS != nil && *a.NFS != *b.NFS:
		return false
	case (a.CSI == nil) != (b.CSI == nil):
		return false
	case a.CSI != nil && (a.CSI.Driver != b.CSI.Driver || a.CSI.ReadOnly != b.CSI.ReadOnly || !maps.Equal(a.CSI.Attributes, b.CSI.Attributes)):
		return false
	case (a.Claim == nil) != (b.Claim == nil), a.Claim != nil && a.Claim.Name != b.Claim.Name:
		return false
	}
	return true
}

// keepTokens copies into a the Tokens b has and a lacks.
func keepTokens(a, b *Volume) {
	switch {
	case a.ConfigMap != nil && b.ConfigMap != nil:
		a.ConfigMap.Ref = a.ConfigMap.Ref.orToken(b.ConfigMap.Ref)
	case a.Secret != nil && b.Secret != nil:
		a.Secret.Ref = a.Secret.Ref.orToken(b.Secret.Ref)
	case a.Claim != nil && b.Claim != nil:
		r := a.Claim.orToken(*b.Claim)
		a.Claim = &r
	}
}

// Source describes the volume's source in one line, with references only:
// "secret:redis-ca mode=0440 items=ca.crt>chain.pem", "empty_dir medium=Memory".
func (v *Volume) Source() string {
	file := func(kind string, f *FileSource) string {
		s := kind + ":" + f.Ref.Name
		if f.Mode != "" {
			s += " mode=" + f.Mode
		}
		if len(f.Items) > 0 {
			parts := make([]string, len(f.Items))
			for i, it := range f.Items {
				parts[i] = it.Key + ">" + it.Path
				if it.Mode != "" {
					parts[i] += "(" + it.Mode + ")"
				}
			}
			s += " items=" + strings.Join(parts, ",")
		}
		return s
	}
	attrs := func(kv ...string) string {
		var parts []string
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" && kv[i+1] != "false" {
				parts = append(parts, kv[i]+"="+kv[i+1])
			}
		}
		return strings.Join(parts, " ")
	}
	join := func(kind, rest string) string {
		if rest == "" {
			return kind
		}
		return kind + " " + rest
	}
	switch {
	case v.ConfigMap != nil:
		return file("configmap", v.ConfigMap)
	case v.Secret != nil:
		return file("secret", v.Secret)
	case v.EmptyDir != nil:
		return join("empty_dir", attrs("medium", v.EmptyDir.Medium, "size_limit", v.EmptyDir.SizeLimit))
	case v.HostPath != nil:
		return join("host_path", attrs("path", v.HostPath.Path, "type", v.HostPath.Type))
	case v.NFS != nil:
		return join("nfs", attrs("server", v.NFS.Server, "path", v.NFS.Path, "read_only", fmt.Sprint(v.NFS.ReadOnly)))
	case v.CSI != nil:
		kv := []string{"driver", v.CSI.Driver, "read_only", fmt.Sprint(v.CSI.ReadOnly)}
		for _, k := range slices.Sorted(maps.Keys(v.CSI.Attributes)) {
			kv = append(kv, k, v.CSI.Attributes[k])
		}
		return join("csi", attrs(kv...))
	case v.Claim != nil:
		return "claim:" + v.Claim.Name
	}
	return "no source"
}
