package armonik

import (
	"fmt"
	"reflect"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// ConfModule is the module name of confs written in a configuration file.
const ConfModule = "config"

// Conf is a list of modules: a layer's content. In Go, list any ModuleOutputs. In YAML it is
// one AEP 5 outputs object ({env, env_secret, mount_secret...}) or a list of them; each
// becomes a module named "config" (ConfModule), shown as such by explain.
type Conf []outputs.ModuleOutputs

// UnmarshalYAML reads one outputs object or a list of them.
func (c *Conf) UnmarshalYAML(unmarshal func(any) error) error {
	var list []outputs.Outputs
	if err := unmarshal(&list); err == nil {
		for _, o := range list {
			*c = append(*c, outputs.Static(ConfModule, o))
		}
		return nil
	}
	var one outputs.Outputs
	if err := unmarshal(&one); err != nil {
		return fmt.Errorf("want an outputs object {env, env_secret, mount_secret...} or a list of them: %w", err)
	}
	*c = append(*c, outputs.Static(ConfModule, one))
	return nil
}

// JSONSchema describes the YAML form: one outputs object or a list of them.
func (Conf) JSONSchema(of func(reflect.Type) map[string]any) map[string]any {
	o := of(reflect.TypeOf(outputs.Outputs{}))
	return map[string]any{"oneOf": []any{o, map[string]any{"type": "array", "items": o}}}
}
