package stacks

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Mermaid writes the AEP 5 picture of a built stack (or of each, when stack is ""): the
// modules that contribute outputs, the layers they are listed in, and the ArmoniK containers
// each layer reaches, as a Mermaid flowchart. Edges come from the merged configuration (what
// each container really received), not from the intent. ArmoniK's own built-in values (the
// module "armonik") are left out.
func Mermaid(w io.Writer, built []Built, stack string) error {
	found := false
	for _, b := range built {
		if stack != "" && b.Name != stack {
			continue
		}
		found = true
		if b.ArmoniK != nil {
			io.WriteString(w, MermaidOf(b.ArmoniK.Pods))
		}
	}
	if !found {
		return notBuilt(built, stack)
	}
	return nil
}

// MermaidOf renders the graph of merged pods.
func MermaidOf(pods []*outputs.Pod) string {
	type edge struct{ from, to string }
	modules, layers, containers := map[string]bool{}, map[string]bool{}, []string{}
	edges := map[edge]bool{}
	for _, p := range pods {
		data := outputs.ExplainData(p)
		for _, c := range data.Containers {
			target := c.Name
			if c.Name != p.Name {
				target = p.Name + "/" + c.Name
			}
			containers = append(containers, target)
			var froms []outputs.Provenance
			for _, e := range c.Env {
				froms = append(froms, e.From)
			}
			for _, f := range c.EnvFrom {
				froms = append(froms, f.From)
			}
			for _, m := range c.Mounts {
				froms = append(froms, m.From)
			}
			for _, f := range froms {
				if f.Module == "armonik" {
					continue
				}
				modules[f.Module] = true
				layers[f.Layer] = true
				edges[edge{"m:" + f.Module, "l:" + f.Layer}] = true
				edges[edge{"l:" + f.Layer, "c:" + target}] = true
			}
		}
	}
	var b strings.Builder
	b.WriteString("graph LR\n")
	section := func(title, prefix string, names []string) {
		fmt.Fprintf(&b, "  subgraph %s[\"%s\"]\n", id(prefix+title), title)
		for _, n := range names {
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", id(prefix+n), n)
		}
		b.WriteString("  end\n")
	}
	section("modules", "m:", slices.Sorted(maps.Keys(modules)))
	section("layers", "l:", slices.Sorted(maps.Keys(layers)))
	section("ArmoniK containers", "c:", containers)
	var es []edge
	for e := range edges {
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].from != es[j].from {
			return es[i].from < es[j].from
		}
		return es[i].to < es[j].to
	})
	for _, e := range es {
		fmt.Fprintf(&b, "  %s --> %s\n", id(e.from), id(e.to))
	}
	return b.String()
}

// id turns a name into a Mermaid node id.
func id(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
