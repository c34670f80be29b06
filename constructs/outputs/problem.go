package outputs

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is one thing wrong with a pod's outputs. MergePod returns every
// problem at once, joined with errors.Join; Problems gets them back.
type Problem struct {
	Pod       string
	Container string
	Layer     string
	Module    string
	// Output is the AEP kind the item came from; empty for a problem with a
	// container or layer rather than an item.
	Output Kind
	// Key is the env name, mount name, mount path or source name at fault.
	Key string
	// Field is the value at fault within that item, as a field path
	// (k8s.io/apimachinery/pkg/util/validation/field) relative to the item in
	// the AEP form: "name", "mode", "items[0].path", "keys[1]",
	// "empty_dir.size_limit", "not_credentials[0]"; empty when the item's name
	// or value is at fault, or for a conflict between items. A path through a
	// list also starts Msg, which cannot name the position otherwise.
	Field string
	// Msg says what is wrong and what to do.
	Msg string
	// Other is the other side of a conflict, in OtherContainer.
	Other          *Provenance
	OtherContainer string
}

// Error reads like
// `pod "p", container "c", layer "core", module "redis", env "X": msg`.
func (p *Problem) Error() string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
	}
	if p.Pod != "" {
		fmt.Fprintf(&b, "pod %q", p.Pod)
	}
	if p.Container != "" {
		sep()
		fmt.Fprintf(&b, "container %q", p.Container)
	}
	if p.Layer != "" {
		sep()
		fmt.Fprintf(&b, "layer %q", p.Layer)
	}
	if p.Module != "" {
		sep()
		fmt.Fprintf(&b, "module %q", p.Module)
	}
	if p.Output != "" || p.Key != "" {
		sep()
		out := string(p.Output)
		if out == "" {
			out = "key"
		}
		fmt.Fprintf(&b, "%s %q", out, p.Key)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems returns the Problems inside err (as joined by MergePod), in order.
func Problems(err error) []*Problem {
	var out []*Problem
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if p, ok := e.(*Problem); ok {
			out = append(out, p)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// problems collects Problems, dropping exact repeats: a core module reaching
// five containers reports a bad name once, for the first container.
type problems struct {
	list []error
	seen map[string]bool
}

func (ps *problems) add(p *Problem) {
	ps.list = append(ps.list, p)
}

// addOnce adds p unless a problem with the same layer, module, key and message
// was already added for another container.
func (ps *problems) addOnce(p *Problem) {
	k := p.Layer + "\x00" + p.Module + "\x00" + string(p.Output) + "\x00" + p.Key + "\x00" + p.Field + "\x00" + p.Msg
	if ps.seen[k] {
		return
	}
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	ps.seen[k] = true
	ps.list = append(ps.list, p)
}

func (ps *problems) err() error { return errors.Join(ps.list...) }
