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
// module "armonik") are left out. The monitoring services that publish no AEP 5 outputs
// (Prometheus, Seq, fluent-bit, the exporters) are drawn in a section of their own, with dotted
// edges for what they do: scrape, ship logs, answer queries, sit behind the front door.
func Mermaid(w io.Writer, built []Built, stack string) error {
	found := false
	for _, b := range built {
		if stack != "" && b.Name != stack {
			continue
		}
		found = true
		if b.ArmoniK != nil {
			io.WriteString(w, MermaidWith(b.ArmoniK.Pods, b.Consumers, b.Links...))
		}
	}
	if !found {
		return notBuilt(built, stack)
	}
	return nil
}

// MermaidOf renders the graph of merged pods.
func MermaidOf(pods []*outputs.Pod) string { return MermaidWith(pods, nil) }

// GraphLink is an edge of the graph that is no AEP 5 output: a scrape, a log shipment, a
// query, a route of the front door. From and To are node keys: "m:<module>" (an AEP 5 module),
// "c:<pod>/<container>" or "c:<container>" (a container, as the graph names it), or
// "o:<name>", a service that publishes no AEP 5 outputs, drawn in a section of its own.
type GraphLink struct{ From, To, Label string }

// MermaidWith renders the graph of ArmoniK's merged pods, of other consumers' pods (shown in a
// section of their own) and of links (dotted).
func MermaidWith(pods, consumers []*outputs.Pod, links ...GraphLink) string {
	type edge struct{ from, to string }
	modules, layers, containers, others := map[string]bool{}, map[string]bool{}, []string{}, []string{}
	edges := map[edge]bool{}
	isConsumer := map[*outputs.Pod]bool{}
	for _, p := range consumers {
		isConsumer[p] = true
	}
	for _, p := range append(append([]*outputs.Pod(nil), pods...), consumers...) {
		data := outputs.ExplainData(p)
		for _, c := range data.Containers {
			target := c.Name
			if c.Name != p.Name {
				target = p.Name + "/" + c.Name
			}
			if isConsumer[p] {
				others = append(others, target)
			} else {
				containers = append(containers, target)
			}
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
	if len(others) > 0 {
		section("other consumers", "c:", others)
	}
	services := map[string]bool{}
	for _, l := range links {
		for _, n := range []string{l.From, l.To} {
			if name, ok := strings.CutPrefix(n, "o:"); ok {
				services[name] = true
			}
		}
	}
	if len(services) > 0 {
		section("monitoring services (no AEP 5 outputs)", "o:", slices.Sorted(maps.Keys(services)))
	}
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
	for _, l := range links {
		fmt.Fprintf(&b, "  %s -.->|\"%s\"| %s\n", id(l.From), l.Label, id(l.To))
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
