package outputs

import "reflect"

// JSONSchema describes the YAML form of an EnvSource for configuration-file schemas: a bare
// name (the AEP form) or {name, keys, prefix}.
func (EnvSource) JSONSchema(of func(reflect.Type) map[string]any) map[string]any {
	return map[string]any{"oneOf": []any{
		map[string]any{"type": "string"},
		map[string]any{
			"type": "object",
			"properties": map[string]any{
				"name":   map[string]any{"type": "string"},
				"keys":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"prefix": map[string]any{"type": "string"},
			},
			"required":             []any{"name"},
			"additionalProperties": false,
		},
	}}
}
