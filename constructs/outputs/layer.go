package outputs

import "fmt"

// LayerKind says how a layer's items relate to those of earlier layers.
type LayerKind int

const (
	// LayerModules is the zero value, so a forgotten Kind is the strict one:
	// a name or mount path already set by an earlier modules or override layer
	// is an error naming both modules.
	LayerModules LayerKind = iota
	// LayerDefaults holds replaceable values: any later layer may replace them,
	// and the replaced item is dropped from the result (recorded on the winner).
	LayerDefaults
	// LayerOverride replaces anything set by earlier layers, on purpose
	// (recorded on the winner). Two sources of one override layer setting the
	// same name are still an error.
	LayerOverride
)

// String returns "modules", "defaults" or "override".
func (k LayerKind) String() string {
	switch k {
	case LayerModules:
		return "modules"
	case LayerDefaults:
		return "defaults"
	case LayerOverride:
		return "override"
	}
	return fmt.Sprintf("LayerKind(%d)", int(k))
}

// MarshalText writes the String form, for explain data.
func (k LayerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads "modules", "defaults" or "override".
func (k *LayerKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "modules":
		*k = LayerModules
	case "defaults":
		*k = LayerDefaults
	case "override":
		*k = LayerOverride
	default:
		return fmt.Errorf("layer kind %q: want modules, defaults or override", b)
	}
	return nil
}

func (k LayerKind) valid() bool { return k >= LayerModules && k <= LayerOverride }

// Layer is one step of a container's precedence list: a name shown in
// provenance and errors, a kind, and the modules in the order they were given.
type Layer struct {
	Name    string
	Kind    LayerKind
	Modules []ModuleOutputs
}

// DefaultsLayer returns a LayerDefaults layer.
func DefaultsLayer(name string, modules ...ModuleOutputs) Layer {
	return Layer{Name: name, Kind: LayerDefaults, Modules: modules}
}

// ModulesLayer returns a LayerModules layer.
func ModulesLayer(name string, modules ...ModuleOutputs) Layer {
	return Layer{Name: name, Kind: LayerModules, Modules: modules}
}

// OverrideLayer returns a LayerOverride layer.
func OverrideLayer(name string, modules ...ModuleOutputs) Layer {
	return Layer{Name: name, Kind: LayerOverride, Modules: modules}
}

// ContainerLayers is the precedence list of one container, lowest first.
type ContainerLayers struct {
	Name   string
	Layers []Layer
}

// Provenance says where a merged item came from.
type Provenance struct {
	Layer     string    `json:"layer"`
	LayerKind LayerKind `json:"layer_kind"`
	Module    string    `json:"module"`
	Output    Kind      `json:"output"`
}

// String reads like `module "redis" (layer "core", env_secret)`.
func (p Provenance) String() string {
	return fmt.Sprintf("module %q (layer %q, %s)", p.Module, p.Layer, p.Output)
}
