package gcs

import (
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "gcs"

// Values ArmoniK Core reads (armonik-reference §5.7, Infra storage/gcp/gcs/outputs.tf): Core's
// S3 adapter, on Cloud Storage's XML API.
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.S3.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll"
)

// Defaults.
const (
	DefaultEndpointURL = "https://storage.googleapis.com"
	DefaultAccessIDKey = "access-id"
	DefaultSecretKey   = "secret"
)

// Config configures the GCS module: an existing bucket, reached through the S3-compatible API
// with an HMAC key.
type Config struct {
	// Name of the instance (default "gcs"): the Secret it may create is <name>-credentials, its
	// variables <name>_access_id and <name>_secret ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secret is created (required unless ExistingSecret is set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Bucket is S3__BucketName, an existing bucket (required: Core does not create it).
	Bucket string `json:"bucket,omitempty" yaml:"bucket,omitempty"`
	// EndpointURL is S3__EndpointUrl (default "https://storage.googleapis.com").
	EndpointURL string `json:"endpoint_url,omitempty" yaml:"endpoint_url,omitempty"`
	// ExistingSecret is a Secret of the namespace holding the HMAC key's access id and secret
	// (default "": the module declares the sensitive variables <name>_access_id and
	// <name>_secret and creates the Secret <name>-credentials from them).
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// AccessIDKey is the Secret's key holding the HMAC access id (default "access-id").
	AccessIDKey string `json:"access_id_key,omitempty" yaml:"access_id_key,omitempty"`
	// SecretKey is the Secret's key holding the HMAC secret (default "secret").
	SecretKey string `json:"secret_key,omitempty" yaml:"secret_key,omitempty"`
	// Role is "object-storage" (default: ArmoniK Core's object store, S3__*) or
	// "shared-storage" (the workers' shared storage, read by the DLL worker through the S3
	// API: FileStorageType=S3, S3Storage__*); the stacks set it from where the module is listed.
	Role string `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Role = kit.Or(c.Role, modules.RoleObjectStorage)
	c.EndpointURL = kit.Or(c.EndpointURL, DefaultEndpointURL)
	c.AccessIDKey = kit.Or(c.AccessIDKey, DefaultAccessIDKey)
	c.SecretKey = kit.Or(c.SecretKey, DefaultSecretKey)
	return c
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "object-storage", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	login, password := "S3__Login", "S3__Password"
	if c.Role == modules.RoleSharedStorage {
		login, password = "S3Storage__AccessKeyId", "S3Storage__SecretAccessKey"
	}
	return []kit.Credential{
		{Env: login, Key: c.AccessIDKey, Field: "access_id_key", Var: "access_id", What: "the access id of the Cloud Storage HMAC key"},
		{Env: password, Key: c.SecretKey, Field: "secret_key", Var: "secret", What: "the secret of the Cloud Storage HMAC key"},
	}
}

// bucketRE is Cloud Storage's bucket naming rule (without the dotted, domain-verified form).
var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	if !bucketRE.MatchString(c.Bucket) || strings.HasPrefix(c.Bucket, "goog") {
		e.Add("bucket", "%q is not a Cloud Storage bucket name (3 to 63 lowercase letters, digits, '-', '_' and '.')", c.Bucket)
	}
	kit.ValidateHTTPSURL(e, "endpoint_url", c.EndpointURL)
	kit.ValidateOneOf(e, "role", c.Role, []string{modules.RoleObjectStorage, modules.RoleSharedStorage})
	p := c.endpoint()
	p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	return e.Err()
}

// Module is a Cloud Storage bucket seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil with ExistingSecret).
	Credentials *k8s.Object
	// Variables are the sensitive variables it declares (none with ExistingSecret).
	Variables []*k8s.Variable

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the bucket of cfg, defaults applied, declaring on scope's stack the
// variables and Secret its HMAC key needs. It returns every configuration problem at once and
// never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Module{}
	out := outputs.NewModule(cfg.Name)
	family := outputs.FamilyObject
	if cfg.Role == modules.RoleSharedStorage {
		family = outputs.FamilySharedStorage
		out.Env("FileStorageType", "S3").
			Env("S3Storage__ServiceURL", cfg.EndpointURL).
			Env("S3Storage__BucketName", cfg.Bucket).
			Env("S3Storage__MustForcePathStyle", "false")
	} else {
		out.Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
			Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
			Env("S3__BucketName", cfg.Bucket).
			Env("S3__UseChecksum", "false").
			Env("S3__MustForcePathStyle", "false").
			Env("S3__UseChunkEncoding", "false").
			Env("S3__EndpointUrl", cfg.EndpointURL)
	}
	p := cfg.endpoint()
	var err error
	if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
		return nil, kit.NewErrors(Kind, cfg.Name).Fail(err)
	}
	m.ModuleOutputs = kit.NewModuleOutputs(family, out)
	return m, nil
}
