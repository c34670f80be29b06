package outputs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The paths of the fields of items. A field.Path is immutable: Child, Index
// and Key return new paths, so these are shared.
var (
	pathName    = field.NewPath("name")
	pathKey     = field.NewPath("key")
	pathMode    = field.NewPath("mode")
	pathPath    = field.NewPath("path")
	pathSubPath = field.NewPath("subpath")
	pathClaim   = field.NewPath("claim")
	pathPrefix  = field.NewPath("prefix")
	pathKeys    = field.NewPath("keys")
	pathItems   = field.NewPath("items")
)

// checker validates the content of one module's outputs, independently of
// the merge: every name, reference, path, mode and volume source, and the
// literals that look like credentials.
type checker struct {
	*verdicts
	at  Provenance
	out []*Problem
}

// bad reports the errors of the item key of kind; nil errors are skipped.
// A path through a list (items[0].path, keys[1]) is put before the message,
// which cannot name the position otherwise; other paths only fill Field.
func (k *checker) bad(kind Kind, key string, errs ...*field.Error) {
	for _, e := range errs {
		if e == nil {
			continue
		}
		p := &Problem{Layer: k.at.Layer, Module: k.at.Module, Output: kind, Key: key, Msg: e.Detail}
		if e.Field != noField {
			p.Field = e.Field
			if strings.Contains(e.Field, "[") {
				p.Msg = e.Field + ": " + e.Detail
			}
		}
		k.out = append(k.out, p)
	}
}

// module checks one module's outputs. Maps are read in any order; the
// problems are then sorted by output kind and key (keeping the order of the
// problems of one key), so the report is stable.
func (k *checker) module(o *Outputs) {
	optOut := k.notCredentials(o)
	for name, v := range o.Env {
		if e := envNameError(nil, name); e != nil {
			k.bad(KindEnv, name, e)
		} else if !optOut[name] {
			k.bad(KindEnv, name, credentialError(name, v))
		}
	}
	k.selectors(KindEnvFromConfigMap, "configmap", o.EnvFromConfigMap)
	k.selectors(KindEnvFromSecret, "secret", o.EnvFromSecret)
	k.wholeSources(KindEnvConfigMap, "configmap", o.EnvConfigMap)
	k.wholeSources(KindEnvSecret, "secret", o.EnvSecret)
	k.fileMounts(KindMountConfigMap, "configmap", o.MountConfigMap)
	k.fileMounts(KindMountSecret, "secret", o.MountSecret)
	for name, v := range o.MountVolume {
		k.mount(KindMountVolume, name, v.Path, v.SubPath)
		k.bad(KindMountVolume, name, volumeSourceErrors(v)...)
	}
	for name, v := range o.MountVolumeClaim {
		k.mount(KindMountVolumeClaim, name, v.Path, v.SubPath)
		k.bad(KindMountVolumeClaim, name, k.refError(pathClaim, "claim", v.Claim))
	}
	slices.SortStableFunc(k.out, func(a, b *Problem) int {
		return cmp.Or(strings.Compare(string(a.Output), string(b.Output)), strings.Compare(a.Key, b.Key))
	})
}

// notCredentials checks the opt-out list and returns it as a set: each entry
// names a variable env sets, once.
func (k *checker) notCredentials(o *Outputs) map[string]bool {
	if len(o.NotCredentials) == 0 {
		return nil
	}
	set := make(map[string]bool, len(o.NotCredentials))
	for i, name := range o.NotCredentials {
		at := field.NewPath("not_credentials").Index(i)
		if set[name] {
			k.bad(KindEnv, name, duplicate(at, name, "listed twice: list it once"))
		} else if _, ok := o.Env[name]; !ok {
			k.bad(KindEnv, name, field.Invalid(at, name, "env of this module does not set it: remove it from not_credentials"))
		}
		set[name] = true
	}
	return set
}

func (k *checker) selectors(kind Kind, what string, sels map[string]KeySelector) {
	for name, s := range sels {
		k.bad(kind, name, envNameError(nil, name), k.refError(pathName, what, s.Ref), k.dataKeyError(pathKey, s.Key))
	}
}

func (k *checker) wholeSources(kind Kind, what string, list []EnvSource) {
	for _, s := range list {
		name := s.Ref.Name
		k.bad(kind, name, k.refError(pathName, what, s.Ref))
		if s.Prefix != "" {
			if msg := envNameError(nil, s.Prefix); msg != nil {
				k.bad(kind, name, field.Invalid(pathPrefix, s.Prefix, "prefix: "+msg.Detail))
			}
		}
		for i, key := range s.Keys {
			e := envNameError(nil, s.Prefix+key) // the path is built on error only
			if key == "" {
				e = field.Required(nil, "empty declared key: list the keys the object holds")
			}
			if e != nil {
				e.Field = pathKeys.Index(i).String()
				k.bad(kind, name, e)
			}
		}
	}
}

func (k *checker) fileMounts(kind Kind, what string, mounts map[string]FileMount) {
	for name, f := range mounts {
		k.mount(kind, name, f.Path, f.SubPath)
		k.bad(kind, name, k.refError(pathName, what, f.Ref), modeError(pathMode, f.Mode))
		k.bad(kind, name, k.itemsErrors(pathItems, f.Items)...)
	}
}

// mount checks what every mount has: a name giving a valid volume name, an
// absolute clean path, a relative sub path.
func (k *checker) mount(kind Kind, name, mountPath, subPath string) {
	if name == "" {
		k.bad(kind, name, field.Required(nil, "mount name required: it names the pod volume"))
	} else if vol := VolumeName(name); len(validation.IsDNS1123Label(vol)) > 0 {
		k.bad(kind, name, field.Invalid(nil, vol, fmt.Sprintf("invalid volume name %s: %s", vol, strings.Join(validation.IsDNS1123Label(vol), "; "))))
	}
	k.bad(kind, name, mountPathError(pathPath, mountPath), relPathError(pathSubPath, "subpath", subPath))
}
