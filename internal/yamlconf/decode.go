// Package yamlconf decodes YAML configuration files into Go structs strictly, and describes
// those structs as JSON Schema.
//
// Decode reports every problem of a document at once, each with its line and its path in the
// document (partitions[1].workers[0].image): unknown keys, duplicate keys, values of the wrong
// type, more than one document, an empty document. Field names come from the `yaml` struct
// tags (`yaml:",inline"` and untagged embedded structs are inlined; `yaml:"-"` fields are not
// settable from YAML). Anchors and aliases work, within a budget of decoded nodes that stops
// "billion laughs" documents.
//
// Types may take over their own decoding with UnmarshalYAML(func(any) error) error (the
// callback form understood by the yaml libraries; the callback decodes strictly too) or
// encoding.TextUnmarshaler for scalars.
package yamlconf

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxNodes bounds the nodes decoded from one document, aliases expanded.
const MaxNodes = 100_000

// PathError is one problem of a document.
type PathError struct {
	Line int
	Path string
	Msg  string
}

func (e *PathError) Error() string {
	p := e.Path
	switch {
	case p == "" && e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	case p == "":
		p = "(top level)"
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, p, e.Msg)
	}
	return fmt.Sprintf("%s: %s", p, e.Msg)
}

type callbackUnmarshaler interface {
	UnmarshalYAML(unmarshal func(any) error) error
}

// PathUnmarshaler is implemented by types that decode themselves like callback unmarshalers
// and want to know where they are in the document (their path, such as
// "localhost.armonik.layers.core[1]"), for instance to name what they decode after it. The
// callback decodes strictly, and its errors carry their lines and paths.
type PathUnmarshaler interface {
	UnmarshalYAMLAt(path string, unmarshal func(any) error) error
}

var (
	pathCallbackType = reflect.TypeOf((*PathUnmarshaler)(nil)).Elem()
	callbackType     = reflect.TypeOf((*callbackUnmarshaler)(nil)).Elem()
	textType         = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

type decoder struct {
	errs   []error
	budget *budget
}

// budget counts the nodes left to decode, shared by nested decoders (a type's own
// UnmarshalYAML may try several forms and discard the errors of the failed ones: exhaustion
// must survive that).
type budget struct {
	left      int
	exhausted *PathError
}

// Decode parses data, a single YAML document, into out (a non-nil pointer to a struct).
func Decode(data []byte, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("yamlconf: Decode needs a non-nil pointer")
	}
	if err := checkText(data); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return &PathError{Msg: "the document is empty"}
		}
		if line := tabIndented(data); line > 0 {
			return &PathError{Line: line, Msg: "tabs are not allowed for indentation in YAML: indent with spaces"}
		}
		return &PathError{Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return &PathError{Line: extra.Line, Msg: "more than one YAML document: keep one"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return &PathError{Msg: "the document is empty"}
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return &PathError{Line: root.Line, Msg: "the document is empty"}
	}
	d := &decoder{budget: &budget{left: MaxNodes}}
	d.decode(root, rv.Elem(), "")
	if e := d.budget.exhausted; e != nil {
		return e
	}
	return errors.Join(d.errs...)
}

// checkText rejects a document that is not UTF-8, naming the byte offset and line of the first
// invalid byte.
func checkText(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size <= 1 {
			line := 1 + bytes.Count(data[:off], []byte("\n"))
			return &PathError{Line: line, Msg: fmt.Sprintf("invalid UTF-8 at byte offset %d (byte 0x%02x): save the file as UTF-8", off, data[off])}
		}
		off += size
	}
	return nil
}

// tabIndented returns the first line (1-based) whose indentation holds a tab, or 0.
func tabIndented(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(l)) > 0 {
			return i + 1
		}
	}
	return 0
}

// MaxQuoted is the longest value an error message quotes whole; longer ones are cut (Quote).
const MaxQuoted = 80

// Quote quotes s like %q, cut to MaxQuoted characters with its length when it is longer, so
// an oversized value never floods an error message.
func Quote(s string) string {
	if len([]rune(s)) <= MaxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string([]rune(s)[:MaxQuoted])), len([]rune(s)))
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &PathError{Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return Quote(n.Value)
	}
	return "an unexpected node"
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if d.budget.left--; d.budget.left < 0 {
		if d.budget.exhausted == nil {
			d.budget.exhausted = &PathError{Line: n.Line, Path: path,
				Msg: fmt.Sprintf("the document expands to more than %d nodes (anchors and aliases included): simplify it", MaxNodes)}
		}
		return
	}
	// Types with their own decoding.
	if v.CanAddr() && isChoice(v.Type()) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		d.decodeChoice(n, v.Addr().Interface().(Choice), path)
		return
	}
	if v.CanAddr() && (v.Addr().Type().Implements(callbackType) || v.Addr().Type().Implements(pathCallbackType)) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		unmarshal := func(target any) error {
			sub := &decoder{budget: d.budget}
			tv := reflect.ValueOf(target)
			if tv.Kind() != reflect.Pointer || tv.IsNil() {
				return errors.New("unmarshal needs a pointer")
			}
			sub.decode(n, tv.Elem(), path)
			return errors.Join(sub.errs...)
		}
		var err error
		if u, ok := v.Addr().Interface().(PathUnmarshaler); ok {
			err = u.UnmarshalYAMLAt(path, unmarshal)
		} else {
			err = v.Addr().Interface().(callbackUnmarshaler).UnmarshalYAML(unmarshal)
		}
		if err != nil {
			// Errors of the nested decoding already carry their lines and paths: keep them as
			// they are rather than under this node's.
			var pe *PathError
			if errors.As(err, &pe) {
				d.errs = append(d.errs, err)
			} else {
				d.fail(n, path, "%v", err)
			}
		}
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textType) {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want a string, got %s", kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(n, path, "%v", err)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		// null leaves the zero value (the documented default).
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "want a mapping, got %s", kindName(n))
			return
		}
		if v.Type().Key().Kind() != reflect.String {
			d.fail(n, path, "unsupported map key type %s", v.Type().Key())
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		d.pairs(n, path, func(k, val *yaml.Node) {
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, elem, join(path, k.Value))
			v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
		})
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want a string, got %s", kindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(n, path, "want true or false, got %s", kindName(n))
			return
		}
		b, _ := strconv.ParseBool(n.Value)
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.fail(n, path, "want an integer, got %s", kindName(n))
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, v.Type().Bits())
		if err != nil {
			d.fail(n, path, "integer %s out of range", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!float" && n.Tag != "!!int") {
			d.fail(n, path, "want a number, got %s", kindName(n))
			return
		}
		f, err := strconv.ParseFloat(n.Value, v.Type().Bits())
		if err != nil {
			d.fail(n, path, "number %s: %v", n.Value, err)
			return
		}
		v.SetFloat(f)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(x))
	default:
		d.fail(n, path, "unsupported type %s", v.Type())
	}
}

// Field is a struct field reached by a YAML key.
type Field struct {
	// Name is the YAML key.
	Name string
	// Index leads to the field from the outer struct (reflect.Value.FieldByIndex).
	Index []int
	// Owner is the struct type that declares the field (an inlined one for inline fields).
	Owner reflect.Type
	reflect.StructField
}

// Fields returns the YAML keys of struct type t in declaration order, inline fields (yaml
// ",inline" or untagged embedded structs) flattened; `yaml:"-"` and unexported fields are left
// out, and the first of two fields with one key wins. Decode, Schema and Reference all see a
// struct through it.
func Fields(t reflect.Type) []Field {
	var out []Field
	seen := map[string]bool{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			idx := append(append([]int(nil), prefix...), i)
			if strings.Contains(opts, "inline") || (f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct) {
				walk(f.Type, idx)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if !seen[name] {
				seen[name] = true
				out = append(out, Field{Name: name, Index: idx, Owner: t, StructField: f})
			}
		}
	}
	walk(t, nil)
	return out
}

// KeyHinter is implemented by a struct type that knows keys users may write but it does not
// accept (a key it once had, another tool's spelling): KeyHint returns what to tell them about
// key, or "" for an ordinary unknown key.
type KeyHinter interface {
	KeyHint(key string) string
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	fs := map[string][]int{}
	var names []string
	for _, f := range Fields(v.Type()) {
		fs[f.Name] = f.Index
		names = append(names, f.Name)
	}
	sort.Strings(names)
	d.pairs(n, path, func(k, val *yaml.Node) {
		index, ok := fs[k.Value]
		if !ok {
			if h, isHinter := reflect.New(v.Type()).Interface().(KeyHinter); isHinter {
				if hint := h.KeyHint(k.Value); hint != "" {
					d.fail(k, join(path, k.Value), "%s", hint)
					return
				}
			}
			d.fail(k, join(path, k.Value), "unknown key (known keys: %s)", strings.Join(names, ", "))
			return
		}
		d.decode(val, v.FieldByIndex(index), join(path, k.Value))
	})
}

// pairs calls fn for each key and value of the mapping n, after reporting keys that are not
// strings, merge keys and duplicate keys.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.fail(k, path, "keys must be strings")
		case k.Tag == "!!merge":
			d.fail(k, path, "merge keys (<<) are not supported: write the entries out")
		case seen[k.Value]:
			d.fail(k, join(path, k.Value), "duplicate key")
		default:
			seen[k.Value] = true
			fn(k, val)
		}
	}
}

// quoted matches a Go-quoted string (as %q writes it) in a message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// ShortenQuoted cuts every quoted value of msg longer than MaxQuoted characters (see Quote):
// for messages built by code that quotes values whole.
func ShortenQuoted(msg string) string {
	return quoted.ReplaceAllStringFunc(msg, func(q string) string {
		s, err := strconv.Unquote(q)
		if err != nil || len([]rune(s)) <= MaxQuoted {
			return q
		}
		return Quote(s)
	})
}
