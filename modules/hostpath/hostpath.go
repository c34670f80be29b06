package hostpath

import (
	"path"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name.
const Kind = "hostpath"

// Values the workers read (Infra armonik/compute-plane.tf and locals.tf, file_storage_type
// "hostpath").
const (
	// FileStorageType is the workers' FileStorageType for a file system.
	FileStorageType = "FS"
	// MountPath is where workers find the shared files: ArmoniK's target_data_path.
	MountPath = "/data"
)

// Defaults.
const (
	DefaultPath = "/data"
	DefaultType = "Directory"
)

// Types are the accepted hostPath types: the directory must exist ("Directory", upstream's
// choice), or is created empty when missing ("DirectoryOrCreate").
var Types = []string{"Directory", "DirectoryOrCreate"}

// Config configures the hostpath module. The zero value is a working configuration: every
// empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "hostpath"): the mount name, and the workers' pod volume.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Path is the directory of the node that holds the shared files (default "/data").
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Type is the hostPath type: "Directory" (default: the directory must exist, or the
	// workers do not start) or "DirectoryOrCreate".
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Path = kit.Or(c.Path, DefaultPath)
	c.Type = kit.Or(c.Type, DefaultType)
	return c
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	if !path.IsAbs(c.Path) || path.Clean(c.Path) != c.Path || c.Path == "/" {
		e.Add("path", "%q must be an absolute, clean directory of the node other than /", c.Path)
	}
	kit.ValidateOneOf(e, "type", c.Type, Types)
	return e.Err()
}

// Module is the workers' shared storage on a directory of the node; it implements
// outputs.ModuleOutputs. It creates nothing.
type Module struct {
	// Path is the node's directory.
	Path string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New returns the workers' shared storage on the node directory cfg.Path, defaults applied. It
// creates no Kubernetes object (scope and id are there for the module contract); it returns
// every configuration problem at once.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Module{
		Path: cfg.Path,
		ModuleOutputs: kit.NewModuleOutputs(outputs.FamilySharedStorage, outputs.NewModule(cfg.Name).
			Env("FileStorageType", FileStorageType).
			MountHostPath(cfg.Name, MountPath, outputs.HostPath{Path: cfg.Path, Type: cfg.Type}, outputs.ReadOnly())),
	}, nil
}
