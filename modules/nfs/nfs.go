package nfs

import (
	"path"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "nfs"

// Values ArmoniK Core reads (armonik-reference §5.8, Infra storage/onpremise/nfs).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.LocalStorage.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/local_storage/ArmoniK.Core.Adapters.LocalStorage.dll"
)

// Defaults.
const (
	DefaultSize = "10Gi"
	// DefaultMountPath is LocalStorage__Path, where ArmoniK's containers mount the claim
	// (upstream's mount_path).
	DefaultMountPath = "/local_storage"
)

// Config configures the NFS module: either an NFS export (Server and Path), which the module
// makes a PersistentVolume of, or an existing StorageClass that provisions ReadWriteMany
// volumes (an NFS CSI driver, nfs-subdir-external-provisioner...). The zero value is not
// valid: name one of the two.
type Config struct {
	// Name of the instance (default "nfs"): the claim is <name>-data; with Server, the
	// PersistentVolume is <namespace>-<name> (volumes are cluster-wide).
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the claim is created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Server is the NFS server's host name or IP address (with Path; excludes StorageClass).
	Server string `json:"server,omitempty" yaml:"server,omitempty"`
	// Path is the exported directory on Server (with Server).
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// MountOptions are passed to mount(8) for the export, such as "nfsvers=4.1" (with Server;
	// default none).
	MountOptions []string `json:"mount_options,omitempty" yaml:"mount_options,omitempty"`
	// StorageClass is an existing StorageClass that provisions ReadWriteMany volumes (excludes
	// Server and Path).
	StorageClass string `json:"storage_class,omitempty" yaml:"storage_class,omitempty"`
	// Size is the claim's requested capacity (default "10Gi"; NFS itself enforces no quota).
	Size string `json:"size,omitempty" yaml:"size,omitempty"`
	// MountPath is where ArmoniK's containers mount the claim: LocalStorage__Path (default
	// "/local_storage") as the object store, target_data_path (default "/data") as the workers'
	// shared storage.
	MountPath string `json:"mount_path,omitempty" yaml:"mount_path,omitempty"`
	// Role is "object-storage" (default: ArmoniK Core's object store through the LocalStorage
	// adapter, in the core layer) or "shared-storage" (the workers' shared storage: the claim
	// mounted read-only at target_data_path with FileStorageType=FS, for the DLL worker); the
	// stacks set it from where the module is listed.
	Role string `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Size = kit.Or(c.Size, DefaultSize)
	c.Role = kit.Or(c.Role, modules.RoleObjectStorage)
	if c.Role == modules.RoleSharedStorage {
		c.MountPath = kit.Or(c.MountPath, modules.SharedDataPath)
	}
	c.MountPath = kit.Or(c.MountPath, DefaultMountPath)
	return c
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateNamespace(e, c.Namespace)
	static := c.Server != "" || c.Path != ""
	switch {
	case static && c.StorageClass != "":
		e.Add("storage_class", "set either server and path (an NFS export) or storage_class (an existing StorageClass), not both")
	case !static && c.StorageClass == "":
		e.Add("server", "required: set server and path (an NFS export) or storage_class (an existing StorageClass)")
	case static:
		if c.Server == "" {
			e.Add("server", "required with path")
		} else if validation.IsDNS1123Subdomain(c.Server) != nil && validation.IsValidIP(nil, c.Server) != nil {
			e.Add("server", "%q is neither a DNS name nor an IP address", c.Server)
		}
		if !path.IsAbs(c.Path) {
			e.Add("path", "%q must be the absolute path of the export", c.Path)
		}
		for i, o := range c.MountOptions {
			if strings.TrimSpace(o) == "" || strings.ContainsAny(o, " \t\n") {
				e.Add("mount_options", "option %d %q must be one word such as nfsvers=4.1", i, o)
			}
		}
		if c.Namespace != nil {
			if msgs := validation.IsDNS1123Subdomain(c.volumeName()); len(msgs) > 0 {
				e.Add("name", "the PersistentVolume name %q: %s", c.volumeName(), msgs[0])
			}
		}
	default:
		if msgs := validation.IsDNS1123Subdomain(c.StorageClass); len(msgs) > 0 {
			e.Add("storage_class", "%q: %s", c.StorageClass, msgs[0])
		}
		if len(c.MountOptions) > 0 {
			e.Add("mount_options", "only with server and path: a StorageClass carries its own mount options")
		}
	}
	if q, err := resource.ParseQuantity(c.Size); err != nil || q.Sign() <= 0 {
		e.Add("size", "%q is not a positive Kubernetes quantity such as \"10Gi\"", c.Size)
	}
	if !path.IsAbs(c.MountPath) || path.Clean(c.MountPath) != c.MountPath || c.MountPath == "/" {
		e.Add("mount_path", "%q must be an absolute, clean directory other than /", c.MountPath)
	}
	kit.ValidateOneOf(e, "role", c.Role, []string{modules.RoleObjectStorage, modules.RoleSharedStorage})
	return e.Err()
}

// volumeName is the cluster-wide name of the static PersistentVolume.
func (c Config) volumeName() string { return c.Namespace.Display + "-" + c.Name }

// Module is shared storage on NFS for ArmoniK's object store; it implements
// outputs.ModuleOutputs.
type Module struct {
	// Volume is the PersistentVolume of the export (nil with a StorageClass).
	Volume *k8s.Object
	// Claim is the ReadWriteMany claim ArmoniK's containers mount.
	Claim *k8s.Object
	// MountPath is where they mount it, LocalStorage__Path.
	MountPath string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New creates the claim (and, for an export, its PersistentVolume) on scope (a stack) with the
// configuration cfg, defaults applied. It returns every configuration problem at once and never
// panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := kit.Endpoint{Kind: Kind, Component: cfg.Role, Name: cfg.Name, Namespace: cfg.Namespace}
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{MountPath: cfg.MountPath}
	claimName := cfg.Name + "-data"
	claim := k8s.ClaimSpec{
		Meta: p.Meta(claimName), Size: cfg.Size, AccessModes: []string{"ReadWriteMany"}, StorageClass: cfg.StorageClass,
	}
	if cfg.Server != "" {
		// A static volume reserved for the claim (claimRef), and the claim bound to it by
		// name. Both carry a class name that no StorageClass has, only to pair them: a claim
		// without one would get the cluster's default StorageClass and never bind.
		var err error
		if m.Volume, err = k8s.NewPersistentVolume(scope, id+"-volume", k8s.PersistentVolumeSpec{
			Name: cfg.volumeName(), Labels: p.Labels(), Capacity: cfg.Size, AccessModes: []string{"ReadWriteMany"},
			StorageClass: cfg.volumeName(), MountOptions: cfg.MountOptions,
			ClaimNamespace: cfg.Namespace.Name, ClaimName: claimName,
			NFS: &k8s.NFSVolume{Server: cfg.Server, Path: cfg.Path},
		}); err != nil {
			return nil, e.Fail(err)
		}
		claim.StorageClass = cfg.volumeName()
		claim.VolumeName = m.Volume.Name
	}
	var err error
	if m.Claim, err = k8s.NewClaim(scope, id+"-data", claim); err != nil {
		return nil, e.Fail(err)
	}
	out := outputs.NewModule(cfg.Name)
	if cfg.Role == modules.RoleSharedStorage {
		// The DLL worker only reads the packages (it copies them to target_zip_path).
		out.Env("FileStorageType", "FS").
			Env("target_data_path", cfg.MountPath).
			MountClaim(claimName, kit.Ref(m.Claim), cfg.MountPath, outputs.ReadOnly())
		m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilySharedStorage, out)
		return m, nil
	}
	out.Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("LocalStorage__Path", cfg.MountPath).
		MountClaim(claimName, kit.Ref(m.Claim), cfg.MountPath)
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyObject, out)
	return m, nil
}
