package outputs

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// Explanation is the data of Explain, for tools: every name, envFrom source,
// mount and volume of a pod with where it came from. It holds references
// (secret:<name>/<key>), never the content of a Secret; literal values that
// look like credentials are shown as "<redacted>": by their value always, by
// their name unless the module declared them not credentials
// (Outputs.NotCredentials).
type Explanation struct {
	Pod        string                 `json:"pod"`
	Containers []ContainerExplanation `json:"containers"`
	Volumes    []VolumeExplanation    `json:"volumes"`
}

// ContainerExplanation explains one container.
type ContainerExplanation struct {
	Name string `json:"name"`
	// Env lists every name the container receives, sorted: explicit variables
	// and the declared keys of envFrom sources.
	Env     []EnvLine     `json:"env"`
	EnvFrom []EnvFromLine `json:"env_from"`
	Mounts  []MountLine   `json:"mounts"`
}

// EnvLine is one name of a container.
type EnvLine struct {
	Name string `json:"name"`
	// Source is `"literal"`, `configmap:<name>/<key>`, `secret:<name>/<key>`,
	// or `envFrom configmap:<name>` / `envFrom secret:<name>`.
	Source string `json:"source"`
	// Value is the literal value, if any ("<redacted>" when it looks like a credential).
	Value string `json:"value,omitempty"`
	// NotCredential is set when the module declared the literal not a
	// credential (not_credentials), for reviewers.
	NotCredential bool         `json:"not_credential,omitempty"`
	From          Provenance   `json:"from"`
	Replaced      []Provenance `json:"replaced,omitempty"`
}

// EnvFromLine is one envFrom source, in effective order.
type EnvFromLine struct {
	Source string       `json:"source"` // configmap:<name> or secret:<name>
	Prefix string       `json:"prefix,omitempty"`
	Keys   []string     `json:"keys"`
	From   Provenance   `json:"from"`
	Also   []Provenance `json:"also,omitempty"`
}

// MountLine is one mount of a container.
type MountLine struct {
	Path     string       `json:"path"`
	SubPath  string       `json:"subpath,omitempty"`
	ReadOnly bool         `json:"read_only"`
	Mount    string       `json:"mount"`
	Volume   string       `json:"volume"`
	Source   string       `json:"source"`
	From     Provenance   `json:"from"`
	Replaced []Provenance `json:"replaced,omitempty"`
}

// VolumeExplanation is one pod volume and the mounts using it.
type VolumeExplanation struct {
	Name   string          `json:"name"`
	Source string          `json:"source"`
	Uses   []VolumeUseLine `json:"uses"`
}

// VolumeUseLine is one mount of a volume.
type VolumeUseLine struct {
	Container string     `json:"container"`
	Mount     string     `json:"mount"`
	From      Provenance `json:"from"`
}

const redacted = "<redacted>"

func envFromSource(e EnvFrom) string {
	if e.Secret != nil {
		return "secret:" + e.Secret.Name
	}
	if e.ConfigMap != nil {
		return "configmap:" + e.ConfigMap.Name
	}
	return "none"
}

// ExplainData returns the explanation of p as data. A nil p gives an empty one.
func ExplainData(p *Pod) Explanation {
	if p == nil {
		return Explanation{}
	}
	x := Explanation{Pod: p.Name, Containers: []ContainerExplanation{}, Volumes: []VolumeExplanation{}}
	sources := map[string]string{} // volume name -> source
	for i := range p.Volumes {
		v := &p.Volumes[i]
		sources[v.Name] = v.Source()
		ve := VolumeExplanation{Name: v.Name, Source: v.Source(), Uses: []VolumeUseLine{}}
		for _, u := range v.Uses {
			ve.Uses = append(ve.Uses, VolumeUseLine(u))
		}
		x.Volumes = append(x.Volumes, ve)
	}
	for _, c := range p.Containers {
		cx := ContainerExplanation{Name: c.Name, Env: []EnvLine{}, EnvFrom: []EnvFromLine{}, Mounts: []MountLine{}}
		for _, e := range c.Env {
			l := EnvLine{Name: e.Name, From: e.From, Replaced: e.Replaced}
			switch {
			case e.SecretKey != nil:
				l.Source = "secret:" + e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
			case e.ConfigMapKey != nil:
				l.Source = "configmap:" + e.ConfigMapKey.Ref.Name + "/" + e.ConfigMapKey.Key
			default:
				l.Source, l.Value, l.NotCredential = "literal", e.Value, e.NotCredential
				if reason, byValue := credentialReason(e.Name, e.Value); reason != "" && (byValue || !e.NotCredential) {
					l.Value = redacted
				}
			}
			cx.Env = append(cx.Env, l)
		}
		for _, e := range c.EnvFrom {
			src := envFromSource(e)
			line := EnvFromLine{Source: src, Prefix: e.Prefix, Keys: []string{}, From: e.From, Also: e.Also}
			for _, k := range e.Keys {
				line.Keys = append(line.Keys, k.Key)
				cx.Env = append(cx.Env, EnvLine{Name: e.Prefix + k.Key, Source: "envFrom " + src, From: k.From, Replaced: k.Replaced})
			}
			cx.EnvFrom = append(cx.EnvFrom, line)
		}
		slices.SortFunc(cx.Env, func(a, b EnvLine) int { return strings.Compare(a.Name, b.Name) })
		for _, m := range c.Mounts {
			cx.Mounts = append(cx.Mounts, MountLine{Path: m.Path, SubPath: m.SubPath, ReadOnly: m.ReadOnly, Mount: m.Name,
				Volume: m.Volume, Source: sources[m.Volume], From: m.From, Replaced: m.Replaced})
		}
		x.Containers = append(x.Containers, cx)
	}
	return x
}

// Explain renders p as plain-text tables, one block per container, then the
// pod volumes. Secret values never appear: only references such as
// secret:<name>/<key>.
func Explain(p *Pod) string {
	x := ExplainData(p)
	var b strings.Builder
	fmt.Fprintf(&b, "pod %s\n", x.Pod)
	for _, c := range x.Containers {
		fmt.Fprintf(&b, "\ncontainer %s\n", c.Name)
		w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		if len(c.Env) > 0 {
			fmt.Fprintln(w, "  ENV\tSOURCE\tLAYER\tMODULE\tNOTE")
			for _, e := range c.Env {
				src := e.Source
				if src == "literal" {
					src = fmt.Sprintf("%q", e.Value)
					if e.Value == redacted {
						src = redacted
					}
				}
				note := replacedNote(e.Replaced)
				if e.NotCredential {
					note = strings.TrimPrefix(note+"; declared not a credential", "; ")
				}
				fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", e.Name, src, e.From.Layer, e.From.Module, note)
			}
		}
		if len(c.EnvFrom) > 0 {
			fmt.Fprintln(w, "  ENV FROM\tKEYS\tLAYER\tMODULE\tNOTE")
			for _, e := range c.EnvFrom {
				src := e.Source
				if e.Prefix != "" {
					src += " prefix=" + e.Prefix
				}
				keys := strings.Join(e.Keys, ",")
				if keys == "" {
					keys = "(none)"
				}
				note := ""
				for _, a := range e.Also {
					note += fmt.Sprintf("also listed by %s (%s); ", a.Module, a.Layer)
				}
				fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", src, keys, e.From.Layer, e.From.Module, strings.TrimSuffix(note, "; "))
			}
		}
		if len(c.Mounts) > 0 {
			fmt.Fprintln(w, "  MOUNT\tVOLUME\tLAYER\tMODULE\tNOTE")
			for _, m := range c.Mounts {
				at := m.Path
				if m.SubPath != "" {
					at += " subpath=" + m.SubPath
				}
				if m.ReadOnly {
					at += " (ro)"
				}
				fmt.Fprintf(w, "  %s\t%s = %s\t%s\t%s\t%s\n", at, m.Volume, m.Source, m.From.Layer, m.From.Module, replacedNote(m.Replaced))
			}
		}
		if len(c.Env)+len(c.EnvFrom)+len(c.Mounts) == 0 {
			fmt.Fprintln(w, "  (nothing)")
		}
		_ = w.Flush()
	}
	if len(x.Volumes) > 0 {
		b.WriteString("\nvolumes\n")
		w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "  VOLUME\tSOURCE\tUSED BY")
		for _, v := range x.Volumes {
			uses := make([]string, len(v.Uses))
			for i, u := range v.Uses {
				uses[i] = u.Container + " (" + u.From.Module + ")"
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\n", v.Name, v.Source, strings.Join(uses, ", "))
		}
		_ = w.Flush()
	}
	// tabwriter pads empty last cells; drop the trailing blanks.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// replacedNote reads like `replaces default armonik (defaults); overrides redis (core)`.
func replacedNote(rs []Provenance) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		verb := "overrides"
		if r.LayerKind == LayerDefaults {
			verb = "replaces default"
		}
		parts[i] = fmt.Sprintf("%s %s (%s)", verb, r.Module, r.Layer)
	}
	return strings.Join(parts, "; ")
}
