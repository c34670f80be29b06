// Package synthtest helps tests that synthesize stacks: a fresh stack with the kubernetes
// provider, synthesis to parsed JSON, and lookups with clear failure messages.
package synthtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// JSON is a synthesized stack, parsed.
type JSON map[string]any

// Synth synthesizes stack and returns the raw JSON and its parsed form; it fails the test on error.
func Synth(t testing.TB, stack cdk.Stack) ([]byte, JSON) {
	t.Helper()
	raw, err := cdk.SynthJSON(stack)
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	var out JSON
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("synth output: %v", err)
	}
	return raw, out
}

// Resources returns the resources of type typ, by logical ID.
func (j JSON) Resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := j["resource"].(map[string]any)
	byType, _ := res[typ].(map[string]any)
	for id, r := range byType {
		out[id], _ = r.(map[string]any)
	}
	return out
}

// ResourceIDs returns the logical IDs of every resource of type typ, sorted.
func (j JSON) ResourceIDs(typ string) []string {
	var ids []string
	for id := range j.Resources(typ) {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Named returns the resource of type typ whose metadata.name is name; it fails the test when
// there is not exactly one.
func (j JSON) Named(t testing.TB, typ, name string) map[string]any {
	t.Helper()
	var found []map[string]any
	var names []string
	for _, r := range j.Resources(typ) {
		n, _ := Get(r, "metadata.name").(string)
		names = append(names, n)
		if n == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		sort.Strings(names)
		t.Fatalf("want exactly one %s named %q, found %d (names: %s)", typ, name, len(found), strings.Join(names, ", "))
	}
	return found[0]
}

// Get walks a dotted path ("spec.template.spec.container.0.env") through maps and lists;
// it returns nil when a step is missing.
func Get(v any, path string) any {
	if j, ok := v.(JSON); ok {
		v = map[string]any(j)
	}
	for _, step := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[step]
		case []any:
			var i int
			if _, err := fmt.Sscan(step, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// Containers returns the containers of a workload resource (Deployment, StatefulSet, Job) by name.
func Containers(r map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	list, _ := Get(r, "spec.template.spec.container").([]any)
	for _, c := range list {
		m, _ := c.(map[string]any)
		name, _ := m["name"].(string)
		out[name] = m
	}
	return out
}

// EnvNames returns the env names of a container, in order.
func EnvNames(c map[string]any) []string {
	var out []string
	list, _ := c["env"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		n, _ := m["name"].(string)
		out = append(out, n)
	}
	return out
}

// Env returns the env entry named name of a container, or nil.
func Env(c map[string]any, name string) map[string]any {
	list, _ := c["env"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["name"] == name {
			return m
		}
	}
	return nil
}

// String renders v as compact JSON, for comparing synthesized fragments with expectations.
func String(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}

// Manifest returns the kubernetes_manifest of the given kind whose metadata.name is name; it
// fails the test when there is not exactly one.
func (j JSON) Manifest(t testing.TB, kind, name string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range j.Resources("kubernetes_manifest") {
		if Get(r, "manifest.kind") == kind && Get(r, "manifest.metadata.name") == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s manifest named %q, found %d", kind, name, len(found))
	}
	return found[0]
}

// Parse parses a synthesized stack (a golden file's content).
func Parse(raw []byte) (JSON, error) {
	var out JSON
	err := json.Unmarshal(raw, &out)
	return out, err
}
