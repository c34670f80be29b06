package yamlconf

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Choice is implemented (through a pointer) by a type whose YAML form is a mapping naming one
// of several alternatives with its settings, such as {activemq: {max_priority: 10}}: a
// registry of modules rather than a struct with a field per module. Decode decodes the value
// of the key given into a fresh value of the alternative and calls Choose; more than one key,
// or an unknown one, is an error listing the alternatives. Schema and Reference describe every
// alternative.
type Choice interface {
	// Alternatives lists the keys accepted, in the order they are documented.
	Alternatives() []Alternative
	// Choose records the alternative key, decoded into value (what its New returned).
	Choose(key string, value any)
	// ChoiceRequired says whether one alternative must be given.
	ChoiceRequired() bool
}

// Alternative is one key of a Choice.
type Alternative struct {
	Key string
	// Doc documents the alternative (schema description, configuration reference).
	Doc string
	// New returns a pointer to a fresh value to decode the key's settings into.
	New func() any
}

var choiceType = reflect.TypeOf((*Choice)(nil)).Elem()

func isChoice(t reflect.Type) bool {
	return t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(choiceType)
}

func choiceOf(t reflect.Type) Choice { return reflect.New(t).Interface().(Choice) }

func (d *decoder) decodeChoice(n *yaml.Node, c Choice, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping with one of %s, got %s", altKeys(c), kindName(n))
		return
	}
	alts := map[string]Alternative{}
	for _, a := range c.Alternatives() {
		alts[a.Key] = a
	}
	var given []string
	d.pairs(n, path, func(k, val *yaml.Node) {
		a, ok := alts[k.Value]
		if !ok {
			d.fail(k, join(path, k.Value), "not available here (choose one of %s)", altKeys(c))
			return
		}
		given = append(given, k.Value)
		v := a.New()
		d.decode(val, reflect.ValueOf(v).Elem(), join(path, k.Value))
		c.Choose(k.Value, v)
	})
	if len(given) > 1 {
		d.fail(n, path, "choose one of %s, not %d (%s)", altKeys(c), len(given), strings.Join(given, ", "))
	}
}

func altKeys(c Choice) string {
	var keys []string
	for _, a := range c.Alternatives() {
		keys = append(keys, a.Key)
	}
	return strings.Join(keys, ", ")
}

// choiceSchema describes a Choice: an object with one property per alternative, at most one
// given (exactly one when required).
func (g *schemaGen) choiceSchema(t reflect.Type) map[string]any {
	c := choiceOf(t)
	props := map[string]any{}
	for _, a := range c.Alternatives() {
		s := g.of(reflect.TypeOf(a.New()).Elem())
		if a.Doc != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}}
			}
			s["description"] = a.Doc
		}
		props[a.Key] = s
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false, "maxProperties": 1}
	if c.ChoiceRequired() {
		out["minProperties"] = 1
	}
	return out
}

// choiceRows adds the alternatives of a Choice, each followed by its settings, for Reference.
func choiceRows(t reflect.Type, path string, add func(Row), walk func(reflect.Type, string)) {
	for _, a := range choiceOf(t).Alternatives() {
		at := reflect.TypeOf(a.New()).Elem()
		p := path + "." + a.Key
		add(Row{Path: p, Type: typeName(at), Doc: a.Doc})
		if at.Kind() == reflect.Struct {
			walk(at, p)
		}
	}
}

func (c Alternative) String() string { return fmt.Sprintf("%s (%s)", c.Key, c.Doc) }
