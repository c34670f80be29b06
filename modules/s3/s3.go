package s3

import (
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/base"
)

// Kind is the module kind: the default instance name.
const Kind = "s3"

// Values ArmoniK Core reads (armonik-reference §5.7, Infra storage/aws/s3/outputs.tf).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.S3.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll"
	// LegacyObjectStorage is Components__ObjectStorage, read by old Core versions only.
	LegacyObjectStorage = "ArmoniK.Adapters.S3.ObjectStorage"
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
	// EndpointURL is S3__EndpointUrl (default https://s3.<region>.amazonaws.com; set it for a
	// VPC endpoint).
	EndpointURL string `json:"endpoint_url,omitempty" yaml:"endpoint_url,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = base.Or(c.Name, Kind)
	if c.EndpointURL == "" && c.Region != "" {
		c.EndpointURL = "https://s3." + c.Region + ".amazonaws.com"
	}
	return c
}

// BucketRE is the S3 bucket naming rule.
var BucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := base.NewErrors(Kind, c.Name)
	base.ValidateName(e, c.Name)
	base.ValidateAWSRegion(e, "region", c.Region)
	if !BucketRE.MatchString(c.Bucket) || strings.Contains(c.Bucket, "..") {
		e.Add("bucket", "%q is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')", c.Bucket)
	}
	base.ValidateHTTPSURL(e, "endpoint_url", c.EndpointURL)
	return e.Err()
}

// Module is an S3 bucket seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	base.ModuleOutputs
}

// New gives ArmoniK the bucket of cfg, defaults applied. It creates nothing (scope and id are
// there for the module contract) and returns every configuration problem at once.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Module{ModuleOutputs: base.NewModuleOutputs(outputs.NewModule(cfg.Name).
		Env("Components__ObjectStorage", LegacyObjectStorage).
		Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("S3__BucketName", cfg.Bucket).
		Env("S3__UseChecksum", "true").
		Env("S3__MustForcePathStyle", "true").
		Env("S3__UseChunkEncoding", "true").
		Env("S3__EndpointUrl", cfg.EndpointURL)),
	}, nil
}
