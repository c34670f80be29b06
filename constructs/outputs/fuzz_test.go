package outputs_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// The fuzz input is JSON describing a pod: containers of layers of modules,
// each module a Static value, a builder fed with Add, or nil.
type fuzzPod struct {
	Name       string `json:"name"`
	Containers []struct {
		Name   string `json:"name"`
		Layers []struct {
			Name    string `json:"name"`
			Kind    int    `json:"kind"`
			Modules []struct {
				Name    string            `json:"name"`
				Nil     bool              `json:"nil"`
				Builder bool              `json:"builder"`
				Parts   []outputs.Outputs `json:"parts"`
			} `json:"modules"`
		} `json:"layers"`
	} `json:"containers"`
}

func (f fuzzPod) containers() []outputs.ContainerLayers {
	var out []outputs.ContainerLayers
	for _, c := range f.Containers {
		cl := outputs.ContainerLayers{Name: c.Name}
		for _, l := range c.Layers {
			layer := outputs.Layer{Name: l.Name, Kind: outputs.LayerKind(l.Kind)}
			for _, m := range l.Modules {
				switch {
				case m.Nil:
					layer.Modules = append(layer.Modules, nil)
				case m.Builder:
					b := outputs.NewModule(m.Name)
					for _, p := range m.Parts {
						b.Add(p)
					}
					layer.Modules = append(layer.Modules, b)
				default:
					var o outputs.Outputs
					if len(m.Parts) > 0 {
						o = m.Parts[0]
					}
					layer.Modules = append(layer.Modules, outputs.Static(m.Name, o))
				}
			}
			cl.Layers = append(cl.Layers, layer)
		}
		out = append(out, cl)
	}
	return out
}

var fuzzSeeds = []string{
	`{}`,
	`{"name":"p","containers":[{"name":"c"}]}`,
	`{"name":"p","containers":[{"name":"agent","layers":[
	   {"name":"defaults","kind":1,"modules":[{"name":"armonik","parts":[{"env":{"Amqp__LinkCredit":"2"},"mount_volume":{"shared":{"path":"/cache/shared","empty_dir":{"medium":"Memory"}}}}]}]},
	   {"name":"core","modules":[{"name":"redis","builder":true,"parts":[
	     {"env":{"Redis__Ssl":"true"},"env_secret":[{"name":"redis-creds","keys":["Redis__User","Amqp__LinkCredit"]}],
	      "env_from_secret":{"Redis__Password":{"name":"redis-creds","key":"password"}},
	      "mount_secret":{"redis-ca":{"name":"redis-ca","path":"/redis","mode":"0440","items":[{"key":"ca.crt","path":"chain.pem"}]}}}]}]},
	   {"name":"override","kind":2,"modules":[{"name":"user","parts":[{"env":{"Redis__Ssl":"false"}}]}]}]},
	 {"name":"worker-0","layers":[{"name":"defaults","kind":1,"modules":[{"name":"armonik","parts":[{"mount_volume":{"shared":{"path":"/cache/shared","empty_dir":{"medium":"Memory"}}}}]}]}]}]}`,
	`{"containers":[{"name":"c","layers":[{"name":"l","modules":[{"name":"a","parts":[{"env":{"X":"1"}}]},{"name":"b","parts":[{"env_from_configmap":{"X":{"name":"cm","key":"x"}}}]}]}]}]}`,
	`{"containers":[{"name":"c","layers":[{"name":"l","modules":[{"nil":true},{"name":"","parts":[{"mount_secret":{"Bad_Name":{"name":"S","path":"rel","mode":"644"}}}]}]}]}]}`,
	`{"containers":[{"name":"a","layers":[{"name":"l","modules":[{"name":"m","parts":[{"mount_volume_claim":{"d":{"claim":"pvc","path":"/d"}}}]}]}]},
	               {"name":"b","layers":[{"name":"l","modules":[{"name":"n","parts":[{"mount_volume":{"d":{"path":"/d","nfs":{"server":"s","path":"/e"}}}}]}]}]}]}`,
	`{"containers":[{"name":"c","layers":[{"name":"d","kind":1,"modules":[{"name":"x","parts":[{"env_configmap":["w",{"name":"s","keys":["N"]}]}]}]},
	               {"name":"o","kind":2,"modules":[{"name":"u","builder":true,"parts":[{"env_configmap":[{"name":"w","keys":["N"]}]},{"env":{"N":"1"}}]}]}]}]}`,
	`{"containers":[{"name":"c","layers":[{"name":"l","kind":9}]},{"name":"c"}]}`,
	`{"containers":[{"name":"c","layers":[{"name":"l","modules":[{"name":"a","parts":[{"env":{"Jwt__TokenLifetime":"30","U":"amqp://u:p@h"},"not_credentials":["Jwt__TokenLifetime","U"]}]},
	   {"name":"b","builder":true,"parts":[{"env":{"Db__Password":"x"},"not_credentials":["Gone"]}]}]}]}]}`,
}

// program reads data as a byte program over small vocabularies, so that names,
// paths and volumes collide often: each byte picks an operation and the next
// bytes pick its arguments. It is the fuzzer's structure-aware input form.
type program struct {
	data []byte
	pod  []outputs.ContainerLayers
	// the module being written: a builder, or a Static value
	builder *outputs.Module
	static  *outputs.Outputs
	name    string
}

var (
	vEnv    = []string{"A", "B", "Amqp__LinkCredit", "Redis__Password", "1x", "", "a.b", "P_A", "Jwt__TokenLifetime"}
	vRef    = []string{"cm", "creds", "s", "", "Bad_Name", "w", "a.b.c", "${TfToken[TOKEN.1]}"}
	vKey    = []string{"k", "a/b", "", "ca.crt", "A"}
	vPath   = []string{"/a", "/b", "rel", "/a/../b", "", "/cache/shared", "/a/"}
	vSub    = []string{"", "x", "../x", "/abs"}
	vMount  = []string{"m", "n", "Redis_CA", "redis-ca", "", "redis.ca"}
	vMode   = []string{"", "0644", "644", "0400", "0999"}
	vName   = []string{"agent", "worker-0", "", "Bad_Name", "a"}
	vModule = []string{"a", "b", "redis", "", "armonik"}
	vValue  = []string{"", "1", "x", "amqp://u:p@mq", "true"}
	vPrefix = []string{"", "P_", "1"}
)

func (p *program) byte() int {
	if len(p.data) == 0 {
		return 0
	}
	b := p.data[0]
	p.data = p.data[1:]
	return int(b)
}

func (p *program) pick(v []string) string { return v[p.byte()%len(v)] }

// ref picks a name and, one time in two, one of two tokens: two objects
// under one name.
func (p *program) ref() outputs.Ref {
	r := outputs.Named(p.pick(vRef))
	switch p.byte() % 4 {
	case 0:
		r = r.WithToken("${a." + r.Name + "}")
	case 1:
		r = r.WithToken("${b." + r.Name + "}")
	}
	return r
}

func (p *program) flush() {
	if p.static != nil {
		l := &p.pod[len(p.pod)-1].Layers
		(*l)[len(*l)-1].Modules = append((*l)[len(*l)-1].Modules, outputs.Static(p.name, *p.static))
	}
	p.builder, p.static = nil, nil
}

// module makes sure a container, a layer and a module are being written.
func (p *program) module() {
	if len(p.pod) == 0 {
		p.pod = append(p.pod, outputs.ContainerLayers{Name: "c"})
	}
	c := &p.pod[len(p.pod)-1]
	if len(c.Layers) == 0 {
		c.Layers = append(c.Layers, outputs.Layer{Name: "l"})
	}
	if p.builder == nil && p.static == nil {
		p.static, p.name = &outputs.Outputs{}, "m"
	}
}

func set[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

func (p *program) run() []outputs.ContainerLayers {
	for len(p.data) > 0 {
		switch op := p.byte() % 14; op {
		case 0:
			p.flush()
			p.pod = append(p.pod, outputs.ContainerLayers{Name: p.pick(vName)})
		case 1:
			p.module()
			p.flush()
			c := &p.pod[len(p.pod)-1]
			c.Layers = append(c.Layers, outputs.Layer{Name: p.pick(vName), Kind: outputs.LayerKind(p.byte() % 4)})
		case 2:
			p.module()
			p.flush()
			p.name = p.pick(vModule)
			if p.byte()%2 == 0 {
				p.builder = outputs.NewModule(p.name)
				l := &p.pod[len(p.pod)-1].Layers
				(*l)[len(*l)-1].Modules = append((*l)[len(*l)-1].Modules, p.builder)
			} else {
				p.static = &outputs.Outputs{}
			}
		case 3:
			p.module()
			p.flush()
			l := &p.pod[len(p.pod)-1].Layers
			(*l)[len(*l)-1].Modules = append((*l)[len(*l)-1].Modules, nil)
		default:
			p.module()
			p.item(op)
		}
	}
	p.flush()
	return p.pod
}

func (p *program) item(op int) {
	b, o := p.builder, p.static
	switch op {
	case 4:
		k, v := p.pick(vEnv), p.pick(vValue)
		optOut := p.byte()%4 == 0
		switch {
		case b != nil && optOut:
			b.Env(k, v, outputs.NotCredential())
		case b != nil:
			b.Env(k, v)
		default:
			set(&o.Env, k, v)
			if optOut {
				o.NotCredentials = append(o.NotCredentials, k)
			}
		}
	case 5, 6:
		k, r, key := p.pick(vEnv), p.ref(), p.pick(vKey)
		switch {
		case b != nil && op == 5:
			b.EnvFromConfigMap(k, r, key)
		case b != nil:
			b.EnvFromSecret(k, r, key)
		case op == 5:
			set(&o.EnvFromConfigMap, k, outputs.KeySelector{Ref: r, Key: key})
		default:
			set(&o.EnvFromSecret, k, outputs.KeySelector{Ref: r, Key: key})
		}
	case 7, 8:
		src := outputs.EnvSource{Ref: p.ref(), Prefix: p.pick(vPrefix)}
		for range p.byte() % 3 {
			src.Keys = append(src.Keys, p.pick(vEnv))
		}
		var add outputs.Outputs
		if op == 7 {
			add.EnvConfigMap = []outputs.EnvSource{src}
		} else {
			add.EnvSecret = []outputs.EnvSource{src}
		}
		if b != nil {
			b.Add(add)
		} else {
			o.EnvConfigMap = append(o.EnvConfigMap, add.EnvConfigMap...)
			o.EnvSecret = append(o.EnvSecret, add.EnvSecret...)
		}
	case 9, 10:
		name := p.pick(vMount)
		f := outputs.FileMount{Ref: p.ref(), Path: p.pick(vPath), SubPath: p.pick(vSub), Mode: p.pick(vMode)}
		for range p.byte() % 3 {
			f.Items = append(f.Items, outputs.Item{Key: p.pick(vKey), Path: p.pick(vSub), Mode: p.pick(vMode)})
		}
		var add outputs.Outputs
		if op == 9 {
			add.MountConfigMap = map[string]outputs.FileMount{name: f}
		} else {
			add.MountSecret = map[string]outputs.FileMount{name: f}
		}
		p.add(add)
	case 11:
		v := outputs.VolumeMount{Path: p.pick(vPath), SubPath: p.pick(vSub), ReadOnly: p.byte()%2 == 0}
		switch p.byte() % 6 {
		case 1:
			v.EmptyDir = &outputs.EmptyDir{Medium: p.pick([]string{"", "Memory", "Disk"}), SizeLimit: p.pick([]string{"", "1Gi", "lots", "-1"})}
		case 2:
			v.HostPath = &outputs.HostPath{Path: p.pick(vPath), Type: p.pick([]string{"", "Socket", "Dir"})}
		case 3:
			v.NFS = &outputs.NFS{Server: p.pick([]string{"", "nfs"}), Path: p.pick(vPath)}
		case 4:
			v.CSI = &outputs.CSI{Driver: p.pick([]string{"", "d"}), Attributes: map[string]string{p.pick(vKey): p.pick(vValue)}}
		case 5:
			v.EmptyDir, v.CSI = &outputs.EmptyDir{}, &outputs.CSI{Driver: "d"}
		}
		p.add(outputs.Outputs{MountVolume: map[string]outputs.VolumeMount{p.pick(vMount): v}})
	default:
		c := outputs.ClaimMount{Claim: p.ref(), Path: p.pick(vPath), SubPath: p.pick(vSub), ReadOnly: p.byte()%2 == 0}
		p.add(outputs.Outputs{MountVolumeClaim: map[string]outputs.ClaimMount{p.pick(vMount): c}})
	}
}

// add adds one mount to the module being written.
func (p *program) add(o outputs.Outputs) {
	if p.builder != nil {
		p.builder.Add(o)
		return
	}
	for k, v := range o.MountConfigMap {
		set(&p.static.MountConfigMap, k, v)
	}
	for k, v := range o.MountSecret {
		set(&p.static.MountSecret, k, v)
	}
	for k, v := range o.MountVolume {
		set(&p.static.MountVolume, k, v)
	}
	for k, v := range o.MountVolumeClaim {
		set(&p.static.MountVolumeClaim, k, v)
	}
}

// decodeFuzz reads JSON (a fuzzPod) when data starts with '{', else a program.
func decodeFuzz(data []byte) (string, []outputs.ContainerLayers, bool) {
	if len(data) > 0 && data[0] == '{' {
		var in fuzzPod
		if json.Unmarshal(data, &in) != nil {
			return "", nil, false
		}
		return in.Name, in.containers(), true
	}
	return "p", (&program{data: data}).run(), true
}

func FuzzMergePod(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	// Programs: two pods that merge (defaults replaced by a declared key, an
	// override, a volume shared by two containers, a claim replaced by a
	// ConfigMap mount), then two with conflicts and invalid values.
	f.Add([]byte{0, 0, 1, 0, 1, 2, 4, 0, 4, 2, 1, 11, 5, 0, 1, 1, 1, 0, 0, 1, 1, 0, 2, 2, 1, 8, 1, 1, 0, 2, 2, 1, 10, 3, 2, 0, 0, 0, 3, 1, 3, 1, 0, 1, 4, 2, 2, 1, 0, 4, 1, 2, 0, 1, 1, 0, 1, 2, 4, 0, 11, 5, 0, 1, 1, 1, 0, 0})
	f.Add([]byte{0, 4, 1, 0, 0, 2, 0, 1, 12, 5, 1, 1, 1, 0, 1, 6, 0, 1, 0, 0, 1, 1, 2, 2, 1, 0, 9, 0, 0, 1, 1, 0, 1, 0, 4, 0, 1})
	f.Add([]byte{2, 2, 0, 4, 0, 1, 2, 3, 1, 4, 0, 2, 8, 1, 0, 0, 2, 2, 2, 1, 1, 2, 6, 2, 0, 3, 0, 1})
	f.Add([]byte{0, 0, 11, 3, 0, 0, 1, 1, 0, 1, 0, 1, 12, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 12, 2, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		name, containers, ok := decodeFuzz(data)
		if !ok {
			return
		}
		pod, err := outputs.MergePod(name, containers)
		_, containers, _ = decodeFuzz(data)
		again, errAgain := outputs.MergePod(name, containers)
		if err != nil {
			if pod != nil {
				t.Fatalf("a pod with an error: %v", err)
			}
			probs := outputs.Problems(err)
			if len(probs) == 0 || len(probs) != len(err.(interface{ Unwrap() []error }).Unwrap()) {
				t.Fatalf("every error is a *Problem: %v", err)
			}
			for _, p := range probs {
				if p.Msg == "" || p.Pod != name || !strings.HasSuffix(p.Error(), p.Msg) {
					t.Fatalf("a problem without a message or a pod: %+v", *p)
				}
			}
			if errAgain == nil || errAgain.Error() != err.Error() {
				t.Fatalf("merging twice reports differently:\n%v\n---\n%v", err, errAgain)
			}
			return
		}
		checkPod(t, pod, len(containers))
		if errAgain != nil || !reflect.DeepEqual(pod, again) {
			t.Fatalf("merging twice differs: %v", errAgain)
		}
		checkExplain(t, pod)
	})
}

// checkExplain asserts that the explanation of pod covers every container,
// name, mount and volume, shows no value that looks like a credential, and
// that its data survives JSON.
func checkExplain(t *testing.T, pod *outputs.Pod) {
	t.Helper()
	text := outputs.Explain(pod)
	x := outputs.ExplainData(pod)
	for i, c := range pod.Containers {
		if !strings.Contains(text, "\ncontainer "+c.Name+"\n") || x.Containers[i].Name != c.Name {
			t.Fatalf("container %q is not explained:\n%s", c.Name, text)
		}
		for _, e := range c.Env {
			if !strings.Contains(text, "  "+e.Name+" ") {
				t.Fatalf("env %q is not explained:\n%s", e.Name, text)
			}
			if reason, byValue := outputs.CredentialReason(e.Name, e.Value); reason != "" && (byValue || !e.NotCredential) && strings.Contains(text, fmt.Sprintf("%q", e.Value)) {
				t.Fatalf("env %q: a credential-looking value is shown (%s):\n%s", e.Name, reason, text)
			}
		}
		if len(x.Containers[i].Env) != len(c.Env)+declaredKeys(c) || len(x.Containers[i].Mounts) != len(c.Mounts) {
			t.Fatalf("container %q: %d names and %d mounts explained, want %d and %d", c.Name, len(x.Containers[i].Env), len(x.Containers[i].Mounts), len(c.Env)+declaredKeys(c), len(c.Mounts))
		}
		for _, m := range c.Mounts {
			if !strings.Contains(text, "  "+m.Path) {
				t.Fatalf("mount %q is not explained:\n%s", m.Path, text)
			}
		}
	}
	for _, v := range pod.Volumes {
		if !strings.Contains(text, "  "+v.Name+" ") {
			t.Fatalf("volume %q is not explained:\n%s", v.Name, text)
		}
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	var back outputs.Explanation
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, x) {
		t.Fatalf("explain data does not survive JSON: %v", err)
	}
}

func declaredKeys(c outputs.Container) int {
	n := 0
	for _, e := range c.EnvFrom {
		n += len(e.Keys)
	}
	return n
}

// checkPod asserts the invariants of a merged pod.
func checkPod(t *testing.T, pod *outputs.Pod, containers int) {
	t.Helper()
	if len(pod.Containers) != containers {
		t.Fatalf("%d containers, want %d", len(pod.Containers), containers)
	}
	validRef := func(what string, r outputs.Ref) {
		if errs := validation.IsDNS1123Subdomain(r.Name); len(errs) > 0 {
			t.Fatalf("%s %q: %v", what, r.Name, errs)
		}
	}
	// One object per kind and name: two Tokens under one name are an error.
	tokens := map[string]string{}
	object := func(kind string, r outputs.Ref) {
		if r.Token == "" {
			return
		}
		if tok, seen := tokens[kind+"/"+r.Name]; seen && tok != r.Token {
			t.Fatalf("%s %q is two objects in one pod: %q and %q", kind, r.Name, tok, r.Token)
		}
		tokens[kind+"/"+r.Name] = r.Token
	}
	volumes := map[string]*outputs.Volume{}
	mounted := map[string]int{} // volume -> mounts using it
	for i, v := range pod.Volumes {
		if i > 0 && pod.Volumes[i-1].Name >= v.Name {
			t.Fatalf("volumes not sorted or not unique: %q then %q", pod.Volumes[i-1].Name, v.Name)
		}
		if errs := validation.IsDNS1123Label(v.Name); len(errs) > 0 {
			t.Fatalf("volume %q: %v", v.Name, errs)
		}
		n := 0
		for _, set := range []bool{v.ConfigMap != nil, v.Secret != nil, v.EmptyDir != nil, v.HostPath != nil, v.NFS != nil, v.CSI != nil, v.Claim != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("volume %q has %d sources", v.Name, n)
		}
		switch {
		case v.ConfigMap != nil:
			validRef("configmap", v.ConfigMap.Ref)
			object("configmap", v.ConfigMap.Ref)
		case v.Secret != nil:
			validRef("secret", v.Secret.Ref)
			object("secret", v.Secret.Ref)
		case v.Claim != nil:
			validRef("claim", *v.Claim)
			object("claim", *v.Claim)
		}
		if len(v.Uses) == 0 {
			t.Fatalf("volume %q is not used", v.Name)
		}
		volumes[v.Name] = &pod.Volumes[i]
	}
	for _, c := range pod.Containers {
		if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
			t.Fatalf("container %q: %v", c.Name, errs)
		}
		names := map[string]bool{}
		name := func(n string) {
			if names[n] {
				t.Fatalf("container %q receives %q twice", c.Name, n)
			}
			names[n] = true
			if errs := validation.IsEnvVarName(n); len(errs) > 0 {
				t.Fatalf("env %q: %v", n, errs)
			}
		}
		for i, e := range c.Env {
			if i > 0 && c.Env[i-1].Name >= e.Name {
				t.Fatalf("env not sorted: %q then %q", c.Env[i-1].Name, e.Name)
			}
			name(e.Name)
			switch {
			case e.ConfigMapKey != nil && e.SecretKey != nil:
				t.Fatalf("env %q has two sources", e.Name)
			case e.ConfigMapKey != nil:
				validRef("configmap", e.ConfigMapKey.Ref)
				object("configmap", e.ConfigMapKey.Ref)
			case e.SecretKey != nil:
				validRef("secret", e.SecretKey.Ref)
				object("secret", e.SecretKey.Ref)
			default:
				if reason, _ := outputs.CredentialReason(e.Name, e.Value); reason != "" && !e.NotCredential {
					t.Fatalf("env %q: a literal that looks like a credential (%s) was accepted", e.Name, reason)
				}
			}
		}
		var sources []string
		for _, e := range c.EnvFrom {
			if (e.ConfigMap == nil) == (e.Secret == nil) {
				t.Fatalf("envFrom with %v and %v", e.ConfigMap, e.Secret)
			}
			id, kind := "c:", "configmap"
			r := e.ConfigMap
			if e.Secret != nil {
				id, kind, r = "s:", "secret", e.Secret
			}
			validRef("envFrom", *r)
			object(kind, *r)
			id += r.Name + "/" + e.Prefix
			if slices.Contains(sources, id) {
				t.Fatalf("envFrom %s twice", id)
			}
			sources = append(sources, id)
			for i, k := range e.Keys {
				name(e.Prefix + k.Key)
				if i > 0 && e.Keys[i-1].Key >= k.Key {
					t.Fatalf("declared keys of %s not sorted: %q then %q", id, e.Keys[i-1].Key, k.Key)
				}
			}
		}
		for i, m := range c.Mounts {
			if i > 0 && c.Mounts[i-1].Path >= m.Path {
				t.Fatalf("mount paths not sorted or not unique: %q then %q", c.Mounts[i-1].Path, m.Path)
			}
			v := volumes[m.Volume]
			if v == nil || m.Volume != outputs.VolumeName(m.Name) {
				t.Fatalf("mount %q of %q has no volume %q", m.Name, c.Name, m.Volume)
			}
			if !slices.ContainsFunc(v.Uses, func(u outputs.VolumeUse) bool { return u.Container == c.Name && u.Mount == m.Name && u.From == m.From }) {
				t.Fatalf("volume %q does not list mount %q of %q among its uses %+v", v.Name, m.Name, c.Name, v.Uses)
			}
			mounted[m.Volume]++
		}
	}
	for _, v := range pod.Volumes {
		if len(v.Uses) != mounted[v.Name] {
			t.Fatalf("volume %q lists %d uses, %d mounts use it", v.Name, len(v.Uses), mounted[v.Name])
		}
	}
}

// FuzzVolumeName checks VolumeName against the validation library: the result
// is always a label, and a name is kept exactly when it is a label already.
func FuzzVolumeName(f *testing.F) {
	for _, s := range []string{"", "a", "redis-ca", "Redis_CA", "redis.ca", "-a", "a-", "a--b", "0", strings.Repeat("a", 63), strings.Repeat("a", 64), "héllo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, mount string) {
		got := outputs.VolumeName(mount)
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
			t.Fatalf("VolumeName(%q) = %q: %v", mount, got, errs)
		}
		if label := len(validation.IsDNS1123Label(mount)) == 0; label != (got == mount) {
			t.Fatalf("VolumeName(%q) = %q, but the library says label=%v", mount, got, label)
		}
	})
}
