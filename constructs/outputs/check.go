package outputs

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/util/validation"
)

// checker validates the content of modules: every name, reference, path,
// mode and volume source, independently of the merge. The regular expressions
// of the validation library are most of the cost of MergePod, so a container's
// modules are checked on other processors while the merge runs, and by the
// merging goroutine too once it is done.
type checker struct {
	at Provenance
	// The library's verdicts on names that recur, "" when valid: one Secret
	// is named by many variables, and keys such as "password" come back.
	refs, keys map[string]string
	out        []*Problem
}

// checks is the checking of one container's modules, shared between worker
// goroutines and, once the merge is done, the merging goroutine itself.
type checks struct {
	mods    []inspected
	results [][]*Problem // per module, in module order
	next    atomic.Int64 // the first module not yet taken
	wg      sync.WaitGroup
}

// checkChunk is how many modules a goroutine takes at a time.
const checkChunk = 16

// startChecks starts checking mods on GOMAXPROCS-1 workers, leaving a
// processor to the merge, and returns at once.
func startChecks(mods []inspected) *checks {
	cs := &checks{mods: mods, results: make([][]*Problem, len(mods))}
	for range min(runtime.GOMAXPROCS(0)-1, (len(mods)+checkChunk-1)/checkChunk) {
		cs.wg.Go(cs.work)
	}
	return cs
}

// finish checks what is left on the calling goroutine, waits for the workers
// and returns the problems of each module, in module order.
func (cs *checks) finish() [][]*Problem {
	cs.work()
	cs.wg.Wait()
	return cs.results
}

// work checks chunks of modules until none is left.
func (cs *checks) work() {
	k := checker{refs: map[string]string{}, keys: map[string]string{}}
	for {
		start := int(cs.next.Add(checkChunk)) - checkChunk
		if start >= len(cs.mods) {
			return
		}
		for i := start; i < min(start+checkChunk, len(cs.mods)); i++ {
			k.at, k.out = cs.mods[i].at, nil
			k.module(&cs.mods[i].out)
			cs.results[i] = k.out
		}
	}
}

// dataKey is dataKeyProblem with the library's verdict remembered.
func (k *checker) dataKey(key string) string {
	msg, ok := k.keys[key]
	if !ok {
		msg = dataKeyProblem(key)
		k.keys[key] = msg
	}
	return msg
}

func (k *checker) bad(kind Kind, key, msg string) {
	k.out = append(k.out, &Problem{Layer: k.at.Layer, Module: k.at.Module, Output: kind, Key: key, Msg: msg})
}

// ref is refProblem with the library's verdict on each name remembered: one
// Secret is often named many times.
func (k *checker) ref(what string, r Ref) string {
	if r.Name == "" {
		return refProblem(what, r)
	}
	errs, ok := k.refs[r.Name]
	if !ok {
		errs = strings.Join(validation.IsDNS1123Subdomain(r.Name), "; ")
		k.refs[r.Name] = errs
	}
	if errs == "" {
		return ""
	}
	return invalidRef(what, r.Name, errs)
}

// module checks one module's outputs. Maps are read in any order; the
// problems are then sorted by output kind and key, so the report is stable.
func (k *checker) module(o *Outputs) {
	for name, v := range o.Env {
		if msg := envNameProblem(name); msg != "" {
			k.bad(KindEnv, name, msg)
		} else if msg := credentialProblem(name, v); msg != "" {
			k.bad(KindEnv, name, msg)
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
		for _, msg := range volumeSourceProblems(v) {
			k.bad(KindMountVolume, name, msg)
		}
	}
	for name, v := range o.MountVolumeClaim {
		k.mount(KindMountVolumeClaim, name, v.Path, v.SubPath)
		if msg := k.ref("claim", v.Claim); msg != "" {
			k.bad(KindMountVolumeClaim, name, msg)
		}
	}
	sortProblems(k.out)
}

// sortProblems orders problems by output kind, then key, keeping the order of
// the problems of one key.
func sortProblems(ps []*Problem) {
	slices.SortStableFunc(ps, func(a, b *Problem) int {
		return cmp.Or(strings.Compare(string(a.Output), string(b.Output)), strings.Compare(a.Key, b.Key))
	})
}

func (k *checker) selectors(kind Kind, what string, sels map[string]KeySelector) {
	for name, s := range sels {
		if msg := envNameProblem(name); msg != "" {
			k.bad(kind, name, msg)
		}
		if msg := k.ref(what, s.Ref); msg != "" {
			k.bad(kind, name, msg)
		}
		if msg := k.dataKey(s.Key); msg != "" {
			k.bad(kind, name, msg)
		}
	}
}

func (k *checker) wholeSources(kind Kind, what string, list []EnvSource) {
	for _, s := range list {
		if msg := k.ref(what, s.Ref); msg != "" {
			k.bad(kind, s.Ref.Name, msg)
		}
		if s.Prefix != "" {
			if msg := envNameProblem(s.Prefix); msg != "" {
				k.bad(kind, s.Ref.Name, "prefix: "+msg)
			}
		}
		for _, key := range s.Keys {
			if key == "" {
				k.bad(kind, s.Ref.Name, "empty declared key: list the keys the object holds")
			} else if msg := envNameProblem(s.Prefix + key); msg != "" {
				k.bad(kind, s.Prefix+key, "declared key of "+what+" "+s.Ref.Name+": "+msg)
			}
		}
	}
}

func (k *checker) fileMounts(kind Kind, what string, mounts map[string]FileMount) {
	for name, f := range mounts {
		k.mount(kind, name, f.Path, f.SubPath)
		if msg := k.ref(what, f.Ref); msg != "" {
			k.bad(kind, name, msg)
		}
		if msg := modeProblem("mode", f.Mode); msg != "" {
			k.bad(kind, name, msg)
		}
		for _, msg := range itemsProblems(f.Items, k.dataKey) {
			k.bad(kind, name, msg)
		}
	}
}

// mount checks what every mount has: a name giving a valid volume name, an
// absolute clean path, a relative sub path.
func (k *checker) mount(kind Kind, name, path, subPath string) {
	if name == "" {
		k.bad(kind, name, "mount name required: it names the pod volume")
	} else if vol := VolumeName(name); len(validation.IsDNS1123Label(vol)) > 0 {
		k.bad(kind, name, "invalid volume name "+vol+": "+strings.Join(validation.IsDNS1123Label(vol), "; "))
	}
	if msg := mountPathProblem(path); msg != "" {
		k.bad(kind, name, msg)
	}
	if msg := relPathProblem("subpath", subPath); msg != "" {
		k.bad(kind, name, msg)
	}
}
