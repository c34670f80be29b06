package yamlconf

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// Schemer is implemented by types that describe themselves in JSON Schema (types with their
// own YAML decoding, typically). of returns the schema of another type (a $ref for named
// structs), so a Schemer can refer to the types it contains.
type Schemer interface {
	JSONSchema(of func(reflect.Type) map[string]any) map[string]any
}

var schemerType = reflect.TypeOf((*Schemer)(nil)).Elem()

// Docs returns the documentation of a struct field, or "".
type Docs func(t reflect.Type, field string) string

// Schema describes the YAML form of the type of v as a JSON Schema (draft 2020-12): objects
// reject unknown keys, as Decode does; named struct types go to $defs. docs, when not nil,
// supplies descriptions.
func Schema(v any, id, title string, docs Docs) map[string]any {
	g := &schemaGen{defs: map[string]any{}, docs: docs}
	root := g.of(reflect.TypeOf(v))
	out := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     id,
		"title":   title,
	}
	for k, val := range root {
		out[k] = val
	}
	if len(g.defs) > 0 {
		out["$defs"] = g.defs
	}
	return out
}

type schemaGen struct {
	defs map[string]any
	docs Docs
}

func defName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	return pkg + "." + t.Name()
}

func (g *schemaGen) of(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isChoice(t) {
		return g.choiceSchema(t)
	}
	if t.Implements(schemerType) || reflect.PointerTo(t).Implements(schemerType) {
		return reflect.New(t).Interface().(Schemer).JSONSchema(g.of)
	}
	if reflect.PointerTo(t).Implements(textType) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Struct:
		name := defName(t)
		if t.Name() != "" {
			if _, done := g.defs[name]; !done {
				g.defs[name] = true // placeholder against recursion
				g.defs[name] = g.object(t)
			}
			return map[string]any{"$ref": "#/$defs/" + name}
		}
		return g.object(t)
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	for _, f := range Fields(t) {
		s := g.of(f.Type)
		if g.docs != nil {
			if d := g.docs(f.Owner, f.StructField.Name); d != "" {
				// A $ref cannot carry siblings in every validator: wrap it.
				if _, isRef := s["$ref"]; isRef {
					s = map[string]any{"allOf": []any{s}}
				}
				s["description"] = d
			}
		}
		props[f.Name] = s
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

// SourceDocs returns a Docs reading field comments from the Go source of the module whose
// path is modulePath and whose root directory is root.
func SourceDocs(modulePath, root string) Docs {
	cache := map[string]map[string]string{} // package path -> "Type.Field" -> doc
	return func(t reflect.Type, fieldName string) string {
		pkg := t.PkgPath()
		if !strings.HasPrefix(pkg, modulePath) {
			return ""
		}
		docs, ok := cache[pkg]
		if !ok {
			docs = parseFieldDocs(filepath.Join(root, strings.TrimPrefix(pkg, modulePath)))
			cache[pkg] = docs
		}
		return docs[t.Name()+"."+fieldName]
	}
}

func parseFieldDocs(dir string) map[string]string {
	out := map[string]string{}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fl := range st.Fields.List {
				doc := fl.Doc.Text()
				if doc == "" {
					doc = fl.Comment.Text()
				}
				doc = strings.Join(strings.Fields(doc), " ")
				for _, name := range fl.Names {
					out[ts.Name.Name+"."+name.Name] = doc
				}
			}
			return true
		})
	}
	return out
}

// Row is one key of a configuration reference.
type Row struct {
	Path, Type, Doc string
}

// Reference lists every key of the YAML form of v, depth first, with its type and its
// documentation. Map keys appear as <name>, list items as [i]. Types that describe themselves
// (Schemer) are one row, not expanded.
func Reference(v any, docs Docs) []Row {
	var rows []Row
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.Implements(schemerType) || reflect.PointerTo(t).Implements(schemerType) ||
			reflect.PointerTo(t).Implements(textType) {
			return
		}
		for _, f := range Fields(t) {
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			doc := ""
			if docs != nil {
				doc = docs(f.Owner, f.StructField.Name)
			}
			rows = append(rows, Row{Path: p, Type: typeName(f.Type), Doc: doc})
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if isChoice(ft) {
				choiceRows(ft, p, func(r Row) { rows = append(rows, r) }, walk)
				continue
			}
			switch ft.Kind() {
			case reflect.Struct:
				walk(ft, p)
			case reflect.Slice:
				walk(ft.Elem(), p+"[i]")
			case reflect.Map:
				walk(ft.Elem(), p+".<name>")
			}
		}
	}
	walk(reflect.TypeOf(v), "")
	return rows
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isChoice(t) {
		return "one of " + altKeys(choiceOf(t))
	}
	if t.Implements(schemerType) || reflect.PointerTo(t).Implements(schemerType) {
		return "outputs"
	}
	if reflect.PointerTo(t).Implements(textType) {
		return "string"
	}
	switch t.Kind() {
	case reflect.Struct:
		return "object"
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Map:
		return "map of " + typeName(t.Elem())
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.Kind().String()
}
