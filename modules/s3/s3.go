package s3

import (
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name.
const Kind = "s3"

// Values ArmoniK Core reads (armonik-reference §5.7, Infra storage/aws/s3/outputs.tf).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.S3.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll"
)

// Config configures the S3 module: an existing bucket, reached with the IAM role of ArmoniK's
// ServiceAccount.
type Config struct {
	// Name of the instance (default "s3"), for provenance only.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Region is the AWS region of the bucket, such as eu-west-3 (required).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// Bucket is S3__BucketName, an existing bucket (required: Core does not create it).
	Bucket string `json:"bucket,omitempty" yaml:"bucket,omitempty"`
	// EndpointURL is S3__EndpointUrl, or S3Storage__ServiceURL in the shared-storage role
	// (default https://s3.<region>.amazonaws.com; set it for a VPC endpoint).
	EndpointURL string `json:"endpoint_url,omitempty" yaml:"endpoint_url,omitempty"`
	// Role is "object-storage" (default: ArmoniK Core's object store, S3__*) or
	// "shared-storage" (the workers' shared storage, read by the DLL worker: FileStorageType=S3
	// and S3Storage__*); the stacks set it from where the module is listed.
	Role string `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Role = kit.Or(c.Role, modules.RoleObjectStorage)
	if c.EndpointURL == "" && c.Region != "" {
		c.EndpointURL = "https://s3." + c.Region + ".amazonaws.com"
	}
	return c
}

// BucketRE is the S3 bucket naming rule.
var BucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateAWSRegion(e, "region", c.Region)
	if !BucketRE.MatchString(c.Bucket) || strings.Contains(c.Bucket, "..") {
		e.Add("bucket", "%q is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')", c.Bucket)
	}
	kit.ValidateHTTPSURL(e, "endpoint_url", c.EndpointURL)
	kit.ValidateOneOf(e, "role", c.Role, []string{modules.RoleObjectStorage, modules.RoleSharedStorage})
	return e.Err()
}

// Module is an S3 bucket seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the bucket of cfg, defaults applied. It creates nothing (scope and id are
// there for the module contract) and returns every configuration problem at once.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	out := outputs.NewModule(cfg.Name)
	if cfg.Role == modules.RoleSharedStorage {
		// The DLL worker's S3 adapter uses the pod's AWS identity when no key is given
		// (Extensions.Csharp 0.19.3 Worker/src/Common/Adapter/S3Adapter.cs).
		out.Env("FileStorageType", "S3").
			Env("S3Storage__ServiceURL", cfg.EndpointURL).
			Env("S3Storage__BucketName", cfg.Bucket).
			Env("S3Storage__MustForcePathStyle", "true")
		return &Module{ModuleOutputs: kit.NewModuleOutputs(outputs.FamilySharedStorage, out)}, nil
	}
	out.Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("S3__BucketName", cfg.Bucket).
		Env("S3__UseChecksum", "true").
		Env("S3__MustForcePathStyle", "true").
		Env("S3__UseChunkEncoding", "true").
		Env("S3__EndpointUrl", cfg.EndpointURL)
	return &Module{ModuleOutputs: kit.NewModuleOutputs(outputs.FamilyObject, out)}, nil
}
