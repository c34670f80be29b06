package outputs

import (
	"fmt"
	"slices"
	"strings"

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
	// NotCredential is set when the module declared this literal not a
	// credential (Outputs.NotCredentials).
	NotCredential bool
	From          Provenance
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
// It calls ModuleName, Outputs and Problems of each module once per container;
// the values it gets are only read, never kept in the result. MergePod may be
// called concurrently.
func MergePod(pod string, containers []ContainerLayers) (*Pod, error) {
	m := &merger{pod: pod, volIdx: map[string]int{}, objects: map[objectKey]objectUse{}}
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

// merger holds what is shared by the containers of a pod.
type merger struct {
	pod     string
	probs   problems
	vols    []Volume
	volIdx  map[string]int // volume name -> index in vols
	objects map[objectKey]objectUse
	verdicts
}

// inspected is a module of a layer, called into once.
type inspected struct {
	layer int
	at    Provenance // Layer, LayerKind, Module
	out   Outputs
}

// provenance is the provenance of the module's items of kind k.
func (in *inspected) provenance(k Kind) Provenance {
	p := in.at
	p.Output = k
	return p
}

// containerMerge holds the state of one container's merge.
type containerMerge struct {
	*merger
	name    string
	names   map[string]int // env name -> index in claims
	claims  []envClaim
	srcIdx  map[sourceID]*envSource
	sources []*envSource   // in first-listing order
	paths   map[string]int // mount path -> index in mounts
	mounts  []mountClaim
}

// envClaim is one name given to a container: a literal (kind env), a key
// selector (env_from_*), or a declared key of a whole source (src).
type envClaim struct {
	name  string
	mod   *inspected
	kind  Kind
	value string
	sel   KeySelector
	src   *envSource // the whole source declaring the name, or nil
	// optOut is the module's NotCredentials entry for a literal.
	optOut bool
	hist   *history // nil until the claim replaces another
}

// history is what a claim replaced, and the whole sources that lost a
// declared key to it.
type history struct {
	replaced []Provenance
	losers   []*envSource
}

func (cl *envClaim) from() Provenance { return cl.mod.provenance(cl.kind) }

func (cl *envClaim) replaced() []Provenance {
	if cl.hist == nil {
		return nil
	}
	return cl.hist.replaced
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

func (m *merger) container(name string, layers []Layer) Container {
	c := &containerMerge{merger: m, name: name}
	nMods := 0
	for _, l := range layers {
		nMods += len(l.Modules)
	}
	mods := make([]inspected, 0, nMods)
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
			if in, ok := c.inspect(li, l, mi, mod); ok {
				mods = append(mods, in)
			}
		}
	}
	// Size the tables once: for a thousand modules, growing them costs more
	// than the merge.
	nEnv, nSrc, nMount := 0, 0, 0
	for i := range mods {
		o := &mods[i].out
		nEnv += len(o.Env) + len(o.EnvFromConfigMap) + len(o.EnvFromSecret)
		for _, list := range [][]EnvSource{o.EnvConfigMap, o.EnvSecret} {
			for _, s := range list {
				nEnv += len(s.Keys)
			}
		}
		nSrc += len(o.EnvConfigMap) + len(o.EnvSecret)
		nMount += len(o.MountConfigMap) + len(o.MountSecret) + len(o.MountVolume) + len(o.MountVolumeClaim)
	}
	c.names, c.claims = make(map[string]int, nEnv), make([]envClaim, 0, nEnv)
	c.srcIdx, c.sources = make(map[sourceID]*envSource, nSrc), make([]*envSource, 0, nSrc)
	c.paths, c.mounts = make(map[string]int, nMount), make([]mountClaim, 0, nMount)
	c.vols = slices.Grow(c.vols, nMount)

	for i := range mods {
		k := checker{verdicts: &m.verdicts, at: mods[i].at}
		k.module(&mods[i].out)
		for _, p := range k.out {
			p.Pod, p.Container = c.pod, c.name
			c.probs.addOnce(p) // a module reaching several containers is reported once
		}
	}
	for i := range mods {
		c.module(&mods[i])
	}
	return c.result()
}

// add reports a problem of this container.
func (c *containerMerge) add(p *Problem) {
	p.Pod, p.Container = c.pod, c.name
	c.probs.add(p)
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

// module adds the items of one module to the container, in a fixed order
// (kinds as below, then keys), so that the result and the problems are the
// same however the maps are iterated. Content is validated by the checker.
func (c *containerMerge) module(in *inspected) {
	out := &in.out
	for _, k := range sortedKeys(out.Env) {
		c.claim(envClaim{name: k, mod: in, kind: KindEnv, value: out.Env[k], optOut: slices.Contains(out.NotCredentials, k)})
	}
	c.selectors(in, KindEnvFromConfigMap, "configmap", out.EnvFromConfigMap)
	c.selectors(in, KindEnvFromSecret, "secret", out.EnvFromSecret)
	c.wholeSources(in, KindEnvConfigMap, false, out.EnvConfigMap)
	c.wholeSources(in, KindEnvSecret, true, out.EnvSecret)

	c.fileMounts(in, KindMountConfigMap, false, out.MountConfigMap)
	c.fileMounts(in, KindMountSecret, true, out.MountSecret)
	from := in.provenance(KindMountVolume)
	for _, k := range sortedKeys(out.MountVolume) {
		v := out.MountVolume[k]
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: v.Path, SubPath: v.SubPath, ReadOnly: v.ReadOnly, From: from}, vol: inlineVolume(VolumeName(k), v)})
	}
	from = in.provenance(KindMountVolumeClaim)
	for _, k := range sortedKeys(out.MountVolumeClaim) {
		v := out.MountVolumeClaim[k]
		claim := v.Claim
		c.object("claim", k, "claim", v.Claim, from)
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: v.Path, SubPath: v.SubPath, ReadOnly: v.ReadOnly, From: from}, vol: Volume{Name: VolumeName(k), Claim: &claim}})
	}
}

func (c *containerMerge) selectors(in *inspected, kind Kind, what string, sels map[string]KeySelector) {
	for _, k := range sortedKeys(sels) {
		s := sels[k]
		c.object(what, k, "name", s.Ref, in.provenance(kind))
		c.claim(envClaim{name: k, mod: in, kind: kind, sel: s})
	}
}

func (c *containerMerge) fileMounts(in *inspected, kind Kind, secret bool, mounts map[string]FileMount) {
	from := in.provenance(kind)
	what := "configmap"
	if secret {
		what = "secret"
	}
	for _, k := range sortedKeys(mounts) {
		f := mounts[k]
		c.object(what, k, "name", f.Ref, from)
		c.mount(mountClaim{layer: in.layer, mount: Mount{Name: k, Path: f.Path, SubPath: f.SubPath, ReadOnly: true, From: from}, vol: fileVolume(VolumeName(k), secret, f)})
	}
}

// wholeSources lists env_configmap or env_secret sources, deduplicated, and
// claims their declared keys.
func (c *containerMerge) wholeSources(in *inspected, kind Kind, secret bool, list []EnvSource) {
	from := in.provenance(kind)
	what := "configmap"
	if secret {
		what = "secret"
	}
	for _, s := range list {
		c.object(what, s.Ref.Name, "name", s.Ref, from)
		id := sourceID{secret: secret, name: s.Ref.Name, prefix: s.Prefix}
		src := c.srcIdx[id]
		if src != nil {
			src.Also = append(src.Also, from)
			if src.ConfigMap != nil {
				*src.ConfigMap = src.ConfigMap.orToken(s.Ref)
			} else {
				*src.Secret = src.Secret.orToken(s.Ref)
			}
		} else {
			ref := s.Ref
			src = &envSource{EnvFrom: EnvFrom{Prefix: s.Prefix, From: from, Keys: make([]DeclaredKey, 0, len(s.Keys))}, id: id}
			if secret {
				src.Secret = &ref
			} else {
				src.ConfigMap = &ref
			}
			c.srcIdx[id] = src
			c.sources = append(c.sources, src)
		}
		for _, key := range s.Keys {
			if key != "" {
				c.claim(envClaim{name: s.Prefix + key, mod: in, kind: kind, src: src})
			}
		}
	}
}

// claim gives the name to cl unless a conflict forbids it; see the package doc.
func (c *containerMerge) claim(cl envClaim) {
	i, taken := c.names[cl.name]
	if !taken {
		c.names[cl.name] = len(c.claims)
		c.claims = append(c.claims, cl)
		return
	}
	prev := &c.claims[i]
	if prev.src != nil && prev.src == cl.src {
		return // the same whole source listed again
	}
	pf, cf := prev.from(), cl.from()
	if msg := conflict(prev.mod.layer == cl.mod.layer, pf, cf); msg != "" {
		c.add(&Problem{Layer: cf.Layer, Module: cf.Module, Output: cf.Output, Key: cl.name, Msg: msg, Other: &pf, OtherContainer: c.name})
		return
	}
	// A new history, so that none is shared.
	cl.hist = &history{replaced: append(slices.Clone(prev.replaced()), pf)}
	if prev.hist != nil {
		cl.hist.losers = slices.Clone(prev.hist.losers)
	}
	if prev.src != nil {
		cl.hist.losers = append(cl.hist.losers, prev.src)
	}
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
	// Sort the claims' indices by name rather than the (large) EnvVar values.
	order := make([]int, len(c.claims))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(c.claims[a].name, c.claims[b].name) })
	explicit := 0
	for i := range c.claims {
		if c.claims[i].src == nil {
			explicit++
		}
	}
	out := Container{Name: c.name, Env: make([]EnvVar, 0, explicit)}
	for _, i := range order {
		cl := &c.claims[i]
		if cl.src != nil {
			k := DeclaredKey{Key: strings.TrimPrefix(cl.name, cl.src.Prefix), From: cl.from(), Replaced: cl.replaced()}
			cl.src.Keys = append(cl.src.Keys, k)
			continue
		}
		v := EnvVar{Name: cl.name, From: cl.from(), Replaced: cl.replaced()}
		switch sel := cl.sel; cl.kind {
		case KindEnvFromConfigMap:
			v.ConfigMapKey = &sel
		case KindEnvFromSecret:
			v.SecretKey = &sel
		default:
			v.Value, v.NotCredential = cl.value, cl.optOut
		}
		out.Env = append(out.Env, v)
	}

	out.EnvFrom = make([]EnvFrom, 0, len(c.sources))
	for _, s := range c.envFromOrder() {
		slices.SortFunc(s.Keys, func(a, b DeclaredKey) int { return strings.Compare(a.Key, b.Key) })
		out.EnvFrom = append(out.EnvFrom, s.EnvFrom)
	}

	slices.SortFunc(c.mounts, func(a, b mountClaim) int { return strings.Compare(a.mount.Path, b.mount.Path) })
	out.Mounts = make([]Mount, 0, len(c.mounts))
	for _, mc := range c.mounts {
		out.Mounts = append(out.Mounts, mc.mount)
		c.addVolume(mc)
	}
	return out
}

// envFromOrder orders the sources by first listing, moving a source after
// every source whose declared key it replaced (in Kubernetes the last envFrom
// source wins). A cycle is reported.
func (c *containerMerge) envFromOrder() []*envSource {
	after := map[*envSource][]*envSource{} // sources that must come after the key
	indeg := map[*envSource]int{}
	for _, cl := range c.claims {
		if cl.hist == nil {
			continue
		}
		for _, l := range cl.hist.losers {
			if cl.src != nil && l != cl.src && !slices.Contains(after[l], cl.src) {
				after[l] = append(after[l], cl.src)
				indeg[cl.src]++
			}
		}
	}
	if len(after) == 0 {
		return c.sources
	}
	order := make([]*envSource, 0, len(c.sources))
	done := map[*envSource]bool{}
	for len(order) < len(c.sources) {
		i := slices.IndexFunc(c.sources, func(s *envSource) bool { return !done[s] && indeg[s] == 0 })
		if i < 0 {
			var stuck []string
			for _, s := range c.sources {
				if !done[s] {
					stuck = append(stuck, s.describe())
					order = append(order, s)
				}
			}
			c.add(&Problem{Msg: fmt.Sprintf("envFrom sources %s each replace declared keys of another, so no order lets all of them win: "+
				"declare each key in one source, or set the contested names with env_from_configmap/env_from_secret", strings.Join(stuck, ", "))})
			return order
		}
		next := c.sources[i]
		done[next] = true
		order = append(order, next)
		for _, s := range after[next] {
			indeg[s]--
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
// volume already there.
func (c *containerMerge) addVolume(mc mountClaim) {
	use := VolumeUse{Container: c.name, Mount: mc.mount.Name, From: mc.mount.From}
	i, ok := c.volIdx[mc.vol.Name]
	if !ok {
		c.volIdx[mc.vol.Name] = len(c.vols)
		mc.vol.Uses = []VolumeUse{use}
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

// sortedKeys returns the keys of m in increasing order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// objectKey is the kind ("configmap", "secret", "claim") and name of an
// object a pod refers to.
type objectKey struct{ kind, name string }

// objectUse is the first reference to an object that carried a Token.
type objectUse struct {
	token     string
	from      Provenance
	key       string
	container string
}

// object records that the item key of from refers to r, an object of kind
// what, and reports a reference under the same name to another object: the
// first Ref with a Token fixes the object; a later Ref with another Token is
// a different object, which the pod could not tell from the first. Refs
// without a Token, or whose name is invalid (the checker reports those), are
// not recorded. field is the path of the Ref in the item, for Problem.Field.
func (c *containerMerge) object(what, key, field string, r Ref, from Provenance) {
	if r.Token == "" || r.Name == "" || isExpression(r.Name) {
		return
	}
	id := objectKey{what, r.Name}
	first, seen := c.objects[id]
	switch {
	case !seen:
		c.objects[id] = objectUse{token: r.Token, from: from, key: key, container: c.name}
	case first.token != r.Token:
		other := first.from
		c.probs.addOnce(&Problem{Pod: c.pod, Container: c.name, Layer: from.Layer, Module: from.Module, Output: from.Output, Key: key, Field: field,
			Msg: fmt.Sprintf("%s %q is not the %s %q that %s uses for %q in container %q: they are two objects (two Terraform tokens) under one name, "+
				"and the pod would reach only one of them: give each object its own name, or refer to the same object",
				what, r.Name, what, r.Name, first.from, first.key, first.container),
			Other: &other, OtherContainer: first.container})
	}
}
