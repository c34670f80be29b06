package armonik

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
)

// ConfModule prefixes the module names of confs written in a configuration file: each is named
// after its place in the file, "config localhost.armonik.layers.core[1]", so an error or explain
// says which entry it is.
const ConfModule = "config"

// Conf is a list of modules: a layer's content. In Go, list any ModuleOutputs. In YAML it is
// one AEP 5 outputs object ({env, env_secret, mount_secret...}) or a list of them; each
// becomes a module named "config <path>" (ConfModule and its path in the file).
type Conf []outputs.ModuleOutputs

// UnmarshalYAMLAt reads one outputs object or a list of them, and names each after its path.
// A list is decoded as a list, so a mistake inside one of its entries is reported with that
// entry's line and key.
func (c *Conf) UnmarshalYAMLAt(path string, unmarshal func(any) error) error {
	var list []outputs.Outputs
	err := unmarshal(&list)
	if err == nil {
		for i, o := range list {
			*c = append(*c, outputs.Static(fmt.Sprintf("%s %s[%d]", ConfModule, path, i), o))
		}
		return nil
	}
	if !notAList(err) {
		return err
	}
	var one outputs.Outputs
	if err := unmarshal(&one); err != nil {
		return err
	}
	*c = append(*c, outputs.Static(ConfModule+" "+path, one))
	return nil
}

// notAList reports whether err says only that the node is not a list.
func notAList(err error) bool {
	var pe *yamlconf.PathError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Msg, "want a list") && !strings.Contains(err.Error(), "\n")
}

// JSONSchema describes the YAML form: one outputs object or a list of them.
func (Conf) JSONSchema(of func(reflect.Type) map[string]any) map[string]any {
	o := of(reflect.TypeOf(outputs.Outputs{}))
	return map[string]any{"oneOf": []any{o, map[string]any{"type": "array", "items": o}}}
}
