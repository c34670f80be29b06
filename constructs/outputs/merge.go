package outputs

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Pod is the merged outputs of every container of one pod.
type Pod struct {
	Name       string
	Containers []Container // in the order given
	Volumes    []Volume    // sorted by name
}

// Container is what one container receives. Every item is effective in
// Kubernetes as rendered: replaced items are gone, and envFrom sources are in
// an order where each winning source comes after the ones it replaced.
type Container struct {
	Name    string
	Env     []EnvVar  // sorted by name
	EnvFrom []EnvFrom // effective order
	Mounts  []Mount   // sorted by path
}

// EnvVar is one explicit variable: a literal Value, or one of ConfigMapKey and SecretKey.
type EnvVar struct {
	Name         string
	Value        string
	ConfigMapKey *KeySelector
	SecretKey    *KeySelector
	From         Provenance
	// Replaced lists the items this one replaced (defaults, or anything for an
	// override), oldest first.
	Replaced []Provenance
}

// EnvFrom is a ConfigMap or Secret used whole: one of ConfigMap and Secret is set.
type EnvFrom struct {
	ConfigMap *Ref
	Secret    *Ref
	Prefix    string
	// Keys are the declared keys whose names this source gives the container,
	// sorted by key; keys whose names a later layer replaced are left out.
	Keys []DeclaredKey
	From Provenance
	// Also lists the later listings of the same source (deduplicated).
	Also []Provenance
}

// DeclaredKey is a key an envFrom source is known to hold; the container
// receives it as the variable Prefix+Key.
type DeclaredKey struct {
	Key string
	// From is the listing that declared the key (the source's first listing
	// that did).
	From     Provenance
	Replaced []Provenance
}

// Mount is one volume mount of a container.
type Mount struct {
	Name     string // the mount name given by the module
	Volume   string // the pod volume, VolumeName(Name)
	Path     string
	SubPath  string
	ReadOnly bool
	From     Provenance
	Replaced []Provenance
}

// MergePod merges the layers of every container of the pod called pod (the
// name is only used in messages). It returns every problem at once (see
// Problems) and no pod, or the merged pod.
//
// It calls ModuleName, Outputs and Problems of each module once per container,
// from the calling goroutine; the values it gets are only read, by worker
// goroutines as well, and never kept in the result. MergePod may be called
// concurrently.
func MergePod(pod string, containers []ContainerLayers) (*Pod, error) {
	m := &merger{pod: pod, volIdx: map[string]int{}}
	p := &Pod{Name: pod}
	names := map[string]bool{}
	for i, cl := range containers {
		name := cl.Name
		switch {
		case name == "":
			name = fmt.Sprintf("#%d", i+1)
			m.probs.add(&Problem{Pod: pod, Container: name, Msg: "container name required"})
		case len(validation.IsDNS1123Label(name)) > 0:
			m.probs.add(&Problem{Pod: pod, Container: name, Msg: "invalid container name: " + strings.Join(validation.IsDNS1123Label(name), "; ")})
		case names[name]:
			m.probs.add(&Problem{Pod: pod, Container: name, Msg: "container name used twice in this pod: give each container its own name"})
		}
		names[name] = true
		p.Containers = append(p.Containers, m.container(name, cl.Layers))
	}
	slices.SortFunc(m.vols, func(a, b Volume) int { return strings.Compare(a.Name, b.Name) })
	p.Volumes = m.vols
	if err := m.probs.err(); err != nil {
		return nil, err
	}
	return p, nil
}

type merger struct {
	pod    string
	probs  problems
	vols   []Volume
	volIdx map[string]int
}

// envClaim is one name given to a container, by a literal, a key selector or
// a declared key of a whole source (src >= 0).
type envClaim struct {
	name  string
	value string
	sel   KeySelector
	mod   int32 // index in containerMerge.mods
	kind  kindCode
	src   int32 // index in containerMerge.sources, or -1
	hist  int32 // index in containerMerge.hist, or -1 when nothing was replaced
}

// kindCode is a Kind in one byte, to keep claims small.
type kindCode uint8

const (
	codeEnv kindCode = iota
	codeEnvConfigMap
	codeEnvSecret
	codeEnvFromConfigMap
	codeEnvFromSecret
)

var codeKinds = [...]Kind{KindEnv, KindEnvConfigMap, KindEnvSecret, KindEnvFromConfigMap, KindEnvFromSecret}

// from is the provenance of a claim.
func (c *containerMerge) from(cl *envClaim) Provenance {
	p := c.mods[cl.mod].at
	p.Output = codeKinds[cl.kind]
	return p
}

// history is what a claim replaced, and which whole sources lost a declared key to it.
type history struct {
	replaced []Provenance
	losers   []int32
}

type sourceID struct {
	secret       bool
	name, prefix string
}

type envSource struct {
	EnvFrom
	id sourceID
}

type mountClaim struct {
	layer int
	mount Mount
	vol   Volume
}

// inspected is a module of a layer, called into once.
type inspected struct {
	layer int
	at    Provenance // Layer, LayerKind, Module
	out   Outputs
}

// containerMerge holds the state of one container's merge.
type containerMerge struct {
	*merger
	*tables
	name string
	// later holds the problems found while merging, reported after those of
	// the checker, which runs at the same time.
	later   []*Problem
	merging bool
}

// tables are the working tables of one container's merge. For a large
// container they are most of what a merge allocates, so they are reused
// through tablePool; nothing in a result points into them.
type tables struct {
	mods     []inspected
	names    map[string]int32 // env name -> index in claims
	claims   []envClaim
	hist     []history
	srcIdx   map[sourceID]int32
	sources  []envSource
	paths    map[string]int // mount path -> index in mounts
	mounts   []mountClaim
	explicit []named
	keybuf   []string
	sized    int // the name count the maps were made for
}

// named is an explicit variable's name and claim index, for sorting.
type named struct {
	name  string
	claim int32
}

var tablePool = sync.Pool{New: func() any { return new(tables) }}

// size makes the tables ready for nEnv names, nSrc sources and nMount mounts.
// Maps far larger than needed are made anew rather than kept.
func (t *tables) size(nEnv, nSrc, nMount int) {
	if t.names == nil || nEnv > t.sized || nEnv < t.sized/4 {
		t.names, t.srcIdx, t.paths = make(map[string]int32, nEnv), make(map[sourceID]int32, nSrc), make(map[string]int, nMount)
		t.sized = nEnv
	}
	t.claims = slices.Grow(t.claims[:0], nEnv)
	t.sources = slices.Grow(t.sources[:0], nSrc)
	t.mounts = slices.Grow(t.mounts[:0], nMount)
	t.hist = t.hist[:0]
}

// release empties the tables, so that the pool holds no references, and
// returns them to the pool.
func (t *tables) release() {
	clear(t.mods)
	clear(t.claims)
	clear(t.hist)
	clear(t.sources)
	clear(t.mounts)
	clear(t.explicit)
	clear(t.keybuf)
	clear(t.names)
	clear(t.srcIdx)
	clear(t.paths)
	t.mods, t.claims, t.hist, t.sources, t.mounts, t.explicit, t.keybuf = t.mods[:0], t.claims[:0], t.hist[:0], t.sources[:0], t.mounts[:0], t.explicit[:0], t.keybuf[:0]
	tablePool.Put(t)
}

func (m *merger) container(name string, layers []Layer) Container {
	c := &containerMerge{merger: m, tables: tablePool.Get().(*tables), name: name}
	defer c.release()
	nMods := 0
	for _, l := range layers {
		nMods += len(l.Modules)
	}
	mods := slices.Grow(c.mods[:0], nMods)
	nEnv, nSrc, nMount := 0, 0, 0
	layerNames := map[string]bool{}
	for li, l := range layers {
		if l.Name == "" {
			l.Name = fmt.Sprintf("#%d", li+1)
			c.add(&Problem{Layer: l.Name, Msg: "layer name required"})
		} else if layerNames[l.Name] {
			c.add(&Problem{Layer: l.Name, Msg: "layer name used twice in this container: give each layer its own name"})
		}
		layerNames[l.Name] = true
		if !l.Kind.valid() {
			c.add(&Problem{Layer: l.Name, Msg: fmt.Sprintf("unknown layer kind %d: use LayerDefaults, LayerModules or LayerOverride", int(l.Kind))})
			continue
		}
		for mi, mod := range l.Modules {
			in, ok := c.inspect(li, l, mi, mod)
			if !ok {
				continue
			}
			o := &in.out
			nEnv += len(o.Env) + len(o.EnvFromConfigMap) + len(o.EnvFromSecret)
			for _, s := range o.EnvConfigMap {
				nEnv += len(s.Keys)
			}
			for _, s := range o.EnvSecret {
				nEnv += len(s.Keys)
			}
			nSrc += len(o.EnvConfigMap) + len(o.EnvSecret)
			nMount += len(o.MountConfigMap) + len(o.MountSecret) + len(o.MountVolume) + len(o.MountVolumeClaim)
			mods = append(mods, in)
		}
	}
	c.size(nEnv, nSrc, nMount)
	c.mods = mods
	checks := startChecks(mods)
	c.merging = true
	for i := range mods {
		c.module(int32(i))
	}
	out := c.result()
	for _, ps := range checks.finish() {
		for _, p := range ps {
			p.Pod, p.Container = c.pod, c.name
			c.probs.addOnce(p) // a module reaching several containers is reported once
		}
	}
	for _, p := range c.later {
		c.probs.add(p)
	}
	return out
}

// add reports a problem of this container.
func (c *containerMerge) add(p *Problem) {
	p.Pod, p.Container = c.pod, c.name
	if c.merging {
		c.later = append(c.later, p)
	} else {
		c.probs.add(p)
	}
}

// invalid reports a problem with a module, once per pod.
func (c *containerMerge) invalid(from Provenance, key, msg string) {
	c.probs.addOnce(&Problem{Pod: c.pod, Container: c.name, Layer: from.Layer, Module: from.Module, Output: from.Output, Key: key, Msg: msg})
}

// call calls into the module, turning a panic (such as a method called on a
// nil pointer) into an error.
func call(mod ModuleOutputs) (name string, out Outputs, reported []*Problem, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if mod == nil {
		return "", Outputs{}, nil, fmt.Errorf("nil")
	}
	name, out = mod.ModuleName(), mod.Outputs()
	if r, ok := mod.(Reporter); ok {
		reported = r.Problems()
	}
	return name, out, reported, nil
}

func (c *containerMerge) inspect(li int, l Layer, mi int, mod ModuleOutputs) (inspected, bool) {
	name, out, reported, err := call(mod)
	if err != nil {
		c.invalid(Provenance{Layer: l.Name}, "", fmt.Sprintf("module #%d is unusable (%v): list only non-nil modules", mi+1, err))
		return inspected{}, false
	}
	if name == "" {
		name = fmt.Sprintf("#%d", mi+1)
		c.invalid(Provenance{Layer: l.Name, Module: name}, "", "module name required: ModuleName must return the name used in provenance and errors")
	}
	for _, p := range reported {
		if p != nil {
			q := *p
			q.Pod, q.Container, q.Layer, q.Module = c.pod, c.name, l.Name, name
			c.probs.addOnce(&q)
		}
	}
	return inspected{layer: li, at: Provenance{Layer: l.Name, LayerKind: l.Kind, Module: name}, out: out}, true
}

// module adds the items of one module to the container. Their content is
// validated by the checker, not here.
func (c *containerMerge) module(mi int32) {
	in := &c.mods[mi]
	out := &in.out
	at := func(k Kind) Provenance {
		p := in.at
		p.Output = k
		return p
	}
	// Maps are read in any order: which of two claims of a name comes first
	// depends only on module and kind order, and the conflicts found here are
	// sorted by key below, so the result and the report are stable.
	conflicts := len(c.later)
	for k, v := range out.Env {
		c.claim(envClaim{name: k, mod: mi, kind: codeEnv, src: -1, value: v})
	}
	for k, s := range out.EnvFromConfigMap {
		c.claim(envClaim{name: k, mod: mi, kind: codeEnvFromConfigMap, src: -1, sel: s})
	}
	for k, s := range out.EnvFromSecret {
		c.claim(envClaim{name: k, mod: mi, kind: codeEnvFromSecret, src: -1, sel: s})
	}
	c.wholeSources(mi, codeEnvConfigMap, at(KindEnvConfigMap), false, out.EnvConfigMap)
	c.wholeSources(mi, codeEnvSecret, at(KindEnvSecret), true, out.EnvSecret)
	sortProblems(c.later[conflicts:])

	from := at(KindMountConfigMap)
	for _, k := range sortedInto(&c.keybuf, out.MountConfigMap) {
		f := out.MountConfigMap[k]
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: f.Path, SubPath: f.SubPath, ReadOnly: true, From: from}, vol: fileVolume(VolumeName(k), false, f)})
	}
	from = at(KindMountSecret)
	for _, k := range sortedInto(&c.keybuf, out.MountSecret) {
		f := out.MountSecret[k]
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: f.Path, SubPath: f.SubPath, ReadOnly: true, From: from}, vol: fileVolume(VolumeName(k), true, f)})
	}
	from = at(KindMountVolume)
	for _, k := range sortedInto(&c.keybuf, out.MountVolume) {
		v := out.MountVolume[k]
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: v.Path, SubPath: v.SubPath, ReadOnly: v.ReadOnly, From: from}, vol: inlineVolume(VolumeName(k), v)})
	}
	from = at(KindMountVolumeClaim)
	for _, k := range sortedInto(&c.keybuf, out.MountVolumeClaim) {
		v := out.MountVolumeClaim[k]
		claim := v.Claim
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: v.Path, SubPath: v.SubPath, ReadOnly: v.ReadOnly, From: from}, vol: Volume{Name: VolumeName(k), Claim: &claim}})
	}
}

// wholeSources lists env_configmap or env_secret sources, deduplicated, and
// claims their declared keys.
func (c *containerMerge) wholeSources(mi int32, code kindCode, from Provenance, secret bool, list []EnvSource) {
	for _, s := range list {
		id := sourceID{secret: secret, name: s.Ref.Name, prefix: s.Prefix}
		src, seen := c.srcIdx[id]
		if seen {
			e := &c.sources[src].EnvFrom
			e.Also = append(e.Also, from)
			if e.ConfigMap != nil {
				*e.ConfigMap = e.ConfigMap.orToken(s.Ref)
			} else {
				*e.Secret = e.Secret.orToken(s.Ref)
			}
		} else {
			src = int32(len(c.sources))
			c.srcIdx[id] = src
			ref := s.Ref
			e := EnvFrom{Prefix: s.Prefix, From: from}
			if secret {
				e.Secret = &ref
			} else {
				e.ConfigMap = &ref
			}
			c.sources = append(c.sources, envSource{EnvFrom: e, id: id})
		}
		for _, key := range s.Keys {
			if key != "" {
				c.claim(envClaim{name: s.Prefix + key, mod: mi, kind: code, src: src})
			}
		}
	}
}

// claim gives the name to cl unless a conflict forbids it; see the package doc.
func (c *containerMerge) claim(cl envClaim) {
	cl.hist = -1
	i, taken := c.names[cl.name]
	if !taken {
		c.names[cl.name] = int32(len(c.claims))
		c.claims = append(c.claims, cl)
		return
	}
	prev := &c.claims[i]
	if prev.src >= 0 && prev.src == cl.src {
		return // the same whole source listed again
	}
	pf, cf := c.from(prev), c.from(&cl)
	if msg := conflict(c.mods[prev.mod].layer == c.mods[cl.mod].layer, pf, cf); msg != "" {
		c.add(&Problem{Layer: cf.Layer, Module: cf.Module, Output: cf.Output, Key: cl.name, Msg: msg, Other: &pf, OtherContainer: c.name})
		return
	}
	var h history
	if prev.hist >= 0 {
		old := c.hist[prev.hist]
		h = history{replaced: slices.Clone(old.replaced), losers: slices.Clone(old.losers)}
	}
	h.replaced = append(h.replaced, pf)
	if prev.src >= 0 {
		h.losers = append(h.losers, prev.src)
	}
	cl.hist = int32(len(c.hist))
	c.hist = append(c.hist, h)
	*prev = cl
}

// conflict returns "" when cur may replace prev, else what is wrong and what to do.
func conflict(sameLayer bool, prev, cur Provenance) string {
	switch {
	case sameLayer && prev.Module == cur.Module && prev.Output == cur.Output:
		return fmt.Sprintf("set twice by modules named %q in this layer (%s): list a module once", cur.Module, cur.Output)
	case sameLayer && prev.Module == cur.Module:
		return fmt.Sprintf("set twice by this module (%s and %s): set it once", prev.Output, cur.Output)
	case sameLayer && cur.LayerKind == LayerOverride:
		return fmt.Sprintf("also set by module %q (%s) in the same override layer: an override layer sets a name once: keep one", prev.Module, prev.Output)
	case sameLayer:
		return fmt.Sprintf("also set by module %q (%s) in the same layer: a name comes from one module: remove it from one of them, or set the intended value in an override layer", prev.Module, prev.Output)
	case prev.LayerKind == LayerDefaults, cur.LayerKind == LayerOverride:
		return ""
	case prev.Module == cur.Module:
		return fmt.Sprintf("already set by this module in layer %q (%s): a module is listed once per container: remove it from one of the layers", prev.Layer, prev.Output)
	}
	return fmt.Sprintf("already set by %s: only defaults can be replaced: remove it from one module, or set the intended value in an override layer", prev)
}

func (c *containerMerge) mount(mc mountClaim) {
	mc.mount.Volume = mc.vol.Name
	i, taken := c.paths[mc.mount.Path]
	if !taken {
		c.paths[mc.mount.Path] = len(c.mounts)
		c.mounts = append(c.mounts, mc)
		return
	}
	prev := &c.mounts[i]
	if msg := conflict(prev.layer == mc.layer, prev.mount.From, mc.mount.From); msg != "" {
		other := prev.mount.From
		c.add(&Problem{Layer: mc.mount.From.Layer, Module: mc.mount.From.Module, Output: mc.mount.From.Output, Key: mc.mount.Name,
			Msg:   fmt.Sprintf("mount path %q, taken by mount %q: %s", mc.mount.Path, prev.mount.Name, msg),
			Other: &other, OtherContainer: c.name})
		return
	}
	mc.mount.Replaced = append(slices.Clip(prev.mount.Replaced), prev.mount.From)
	*prev = mc
}

// result builds the Container and adds its volumes to the pod.
func (c *containerMerge) result() Container {
	out := Container{Name: c.name}
	// Count first, so that every slice is allocated once.
	nSel, nDeclared := 0, 0
	perSource := make([]int, len(c.sources))
	for i := range c.claims {
		switch cl := &c.claims[i]; {
		case cl.src >= 0:
			perSource[cl.src]++
			nDeclared++
		case cl.kind != codeEnv:
			nSel++
		}
	}
	keys := make([]DeclaredKey, 0, nDeclared)
	for i, n := range perSource {
		c.sources[i].Keys, keys = keys[:0:n], keys[n:n]
	}
	explicit := slices.Grow(c.explicit[:0], len(c.claims)-nDeclared)
	for i := range c.claims {
		cl := &c.claims[i]
		if cl.src < 0 {
			explicit = append(explicit, named{cl.name, int32(i)})
			continue
		}
		s := &c.sources[cl.src]
		k := DeclaredKey{Key: strings.TrimPrefix(cl.name, s.Prefix), From: c.from(cl)}
		if cl.hist >= 0 {
			k.Replaced = c.hist[cl.hist].replaced
		}
		s.Keys = append(s.Keys, k)
	}
	// Sort names and indices, not the (large) EnvVar values.
	c.explicit = explicit
	slices.SortFunc(explicit, func(a, b named) int { return strings.Compare(a.name, b.name) })
	out.Env = make([]EnvVar, 0, len(explicit))
	sels := make([]KeySelector, 0, nSel) // one backing array for the selectors
	for _, e := range explicit {
		cl := &c.claims[e.claim]
		v := EnvVar{Name: cl.name, From: c.from(cl)}
		if cl.hist >= 0 {
			v.Replaced = c.hist[cl.hist].replaced
		}
		switch cl.kind {
		case codeEnvFromConfigMap:
			sels = append(sels, cl.sel)
			v.ConfigMapKey = &sels[len(sels)-1]
		case codeEnvFromSecret:
			sels = append(sels, cl.sel)
			v.SecretKey = &sels[len(sels)-1]
		default:
			v.Value = cl.value
		}
		out.Env = append(out.Env, v)
	}
	out.EnvFrom = make([]EnvFrom, 0, len(c.sources))
	for _, i := range c.envFromOrder() {
		e := c.sources[i].EnvFrom
		slices.SortFunc(e.Keys, func(a, b DeclaredKey) int { return strings.Compare(a.Key, b.Key) })
		out.EnvFrom = append(out.EnvFrom, e)
	}

	slices.SortFunc(c.mounts, func(a, b mountClaim) int { return strings.Compare(a.mount.Path, b.mount.Path) })
	out.Mounts = make([]Mount, 0, len(c.mounts))
	c.vols = slices.Grow(c.vols, len(c.mounts))
	uses := make([]VolumeUse, len(c.mounts)) // the first use of each new volume
	for i, mc := range c.mounts {
		out.Mounts = append(out.Mounts, mc.mount)
		c.addVolume(mc, uses[i:i+1:i+1])
	}
	return out
}

// envFromOrder orders the sources by first listing, moving a source after
// every source whose declared key it replaced (in Kubernetes the last envFrom
// source wins). A cycle is reported.
func (c *containerMerge) envFromOrder() []int {
	n := len(c.sources)
	after := make([][]int32, n) // after[a]: sources that must come after a
	indeg := make([]int, n)
	edges := 0
	for _, cl := range c.claims {
		if cl.src < 0 || cl.hist < 0 {
			continue
		}
		for _, l := range c.hist[cl.hist].losers {
			if l != cl.src && !slices.Contains(after[l], cl.src) {
				after[l] = append(after[l], cl.src)
				indeg[cl.src]++
				edges++
			}
		}
	}
	order := make([]int, 0, n)
	if edges == 0 {
		for i := range n {
			order = append(order, i)
		}
		return order
	}
	done := make([]bool, n)
	for len(order) < n {
		next := -1
		for i := range n {
			if !done[i] && indeg[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			var stuck []string
			for i := range n {
				if !done[i] {
					stuck = append(stuck, c.sources[i].describe())
					order = append(order, i)
				}
			}
			c.add(&Problem{Msg: fmt.Sprintf("envFrom sources %s each replace declared keys of another, so no order lets all of them win: "+
				"declare each key in one source, or set the contested names with env_from_configmap/env_from_secret", strings.Join(stuck, ", "))})
			return order
		}
		done[next] = true
		order = append(order, next)
		for _, j := range after[next] {
			indeg[j]--
		}
	}
	return order
}

func (s *envSource) describe() string {
	kind := "configmap:"
	if s.id.secret {
		kind = "secret:"
	}
	d := kind + s.id.name
	if s.id.prefix != "" {
		d += " (prefix " + s.id.prefix + ")"
	}
	return fmt.Sprintf("%s from %s", d, s.From)
}

// addVolume adds the volume of a mount to the pod, or a use to the identical
// volume already there; slot is room for the first use of a new volume.
func (c *containerMerge) addVolume(mc mountClaim, slot []VolumeUse) {
	use := VolumeUse{Container: c.name, Mount: mc.mount.Name, From: mc.mount.From}
	i, ok := c.volIdx[mc.vol.Name]
	if !ok {
		c.volIdx[mc.vol.Name] = len(c.vols)
		slot[0] = use
		mc.vol.Uses = slot
		c.vols = append(c.vols, mc.vol)
		return
	}
	v := &c.vols[i]
	if !sameSource(v, &mc.vol) {
		first := v.Uses[0]
		c.add(&Problem{Layer: use.From.Layer, Module: use.From.Module, Output: use.From.Output, Key: use.Mount,
			Msg: fmt.Sprintf("volume %q is %s here but %s for mount %q of %s in container %q: one volume name, one definition: rename one of the mounts",
				v.Name, mc.vol.Source(), v.Source(), first.Mount, first.From, first.Container),
			Other: &first.From, OtherContainer: first.Container})
		return
	}
	keepTokens(v, &mc.vol)
	v.Uses = append(v.Uses, use)
}
