package gcs

import (
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "gcs"

// Values ArmoniK Core reads with api s3 (armonik-reference §5.7, Infra
// storage/gcp/gcs/outputs.tf): Core's S3 adapter, on Cloud Storage's XML API. With api native,
// the class and path are those of Core's Gcs adapter (NativeClassName, NativePath).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.S3.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll"
)

// The two ways of reaching the bucket (Config.API).
const (
	// APIS3 is Cloud Storage's S3-compatible XML API with an HMAC key, through Core's S3
	// adapter: every supported Core version, object store or workers' shared storage.
	APIS3 = "s3"
	// APINative is Core's own Google Cloud Storage adapter (Google.Cloud.Storage.V1), from Core
	// 0.39.0 (armonik.version core-0.40.1): object store only, Application Default Credentials
	// (workload identity) or a service-account key.
	APINative = "native"
)

// Core's native adapter (Core 0.40.1 Dockerfile, stages polling_agent and submitter;
// Adaptors/Gcs/src/ObjectBuilder.cs).
const (
	NativeClassName = "ArmoniK.Core.Adapters.Gcs.ObjectBuilder"
	NativePath      = "/adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll"
	// NativeCredentialsDir holds the service-account key file with api native and
	// credentials_secret; Gcs__CredentialsFilePath names the file in it.
	NativeCredentialsDir = "/gcs"
)

// Defaults.
const (
	DefaultEndpointURL    = "https://storage.googleapis.com"
	DefaultCredentialsKey = "credentials.json"
	DefaultAccessIDKey    = "access-id"
	DefaultSecretKey      = "secret"
)

// Config configures the GCS module: an existing bucket, reached through the S3-compatible API
// with an HMAC key.
type Config struct {
	// Name of the instance (default "gcs"): the Secret it may create is <name>-credentials, its
	// variables <name>_access_id and <name>_secret ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secret is created (required unless ExistingSecret is set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Core is the Core version ArmoniK runs, whose adapters and keys the module's outputs match
	// (default corerules.Pinned, the Core of armonik.version 2.23.0; set by the caller, the
	// stacks from armonik.version; see modules/kit/version.go).
	Core *corerules.Version `json:"-" yaml:"-"`
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
	// API is how Core reaches the bucket: "s3" (default: Cloud Storage's S3-compatible API with
	// an HMAC key, Core's S3 adapter, every version) or "native" (Core's own Cloud Storage
	// adapter, Gcs__*, from Core 0.39.0: armonik.version core-0.40.1; object store only).
	API string `json:"api,omitempty" yaml:"api,omitempty"`
	// ProjectID is Gcs__ProjectId with api native (default "": not emitted; Core 0.40.1 only
	// logs it, the bucket name is global).
	ProjectID string `json:"project_id,omitempty" yaml:"project_id,omitempty"`
	// CredentialsSecret is, with api native, a Secret of the namespace holding a Google
	// service-account key (JSON), mounted at /gcs and named by Gcs__CredentialsFilePath
	// (default "": Application Default Credentials, i.e. GKE workload identity through the
	// ServiceAccount the control plane and the polling agents run as, annotated
	// iam.gke.io/gcp-service-account).
	CredentialsSecret string `json:"credentials_secret,omitempty" yaml:"credentials_secret,omitempty"`
	// CredentialsKey is the key of CredentialsSecret holding the JSON key (default
	// "credentials.json").
	CredentialsKey string `json:"credentials_key,omitempty" yaml:"credentials_key,omitempty"`
	// EmulatorEndpoint is Gcs__EmulatorEndpoint with api native: a Cloud Storage emulator's
	// base URL such as http://fake-gcs:4443/storage/v1/ (default "": Google's endpoint). Core
	// then connects without authentication.
	EmulatorEndpoint string `json:"emulator_endpoint,omitempty" yaml:"emulator_endpoint,omitempty"`
	// Role is "object-storage" (default: ArmoniK Core's object store, S3__*) or
	// "shared-storage" (the workers' shared storage, read by the DLL worker through the S3
	// API: FileStorageType=S3, S3Storage__*); the stacks set it from where the module is listed.
	Role string `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Role = kit.Or(c.Role, modules.RoleObjectStorage)
	c.API = kit.Or(c.API, APIS3)
	if c.API == APINative {
		if c.CredentialsSecret != "" {
			c.CredentialsKey = kit.Or(c.CredentialsKey, DefaultCredentialsKey)
		}
		return c
	}
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
	kit.ValidateOneOf(e, "role", c.Role, []string{modules.RoleObjectStorage, modules.RoleSharedStorage})
	kit.ValidateOneOf(e, "api", c.API, []string{APIS3, APINative})
	switch c.API {
	case APINative:
		c.validateNative(e)
	case APIS3:
		for field, v := range map[string]string{"project_id": c.ProjectID, "credentials_secret": c.CredentialsSecret, "credentials_key": c.CredentialsKey, "emulator_endpoint": c.EmulatorEndpoint} {
			if v != "" {
				e.Add(field, "only applies with api: native (Core's own Cloud Storage adapter); api s3 authenticates with an HMAC key")
			}
		}
		kit.ValidateHTTPSURL(e, "endpoint_url", c.EndpointURL)
		p := c.endpoint()
		p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	}
	return e.Err()
}

// validateNative records the problems of the native adapter's settings.
func (c *Config) validateNative(e *kit.Errors) {
	if c.Role == modules.RoleSharedStorage {
		e.Add("api", "native is Core's object-storage adapter: the DLL worker reads its shared storage through the S3 API only (api: s3, with an HMAC key)")
	}
	for field, v := range map[string]string{"endpoint_url": c.EndpointURL, "existing_secret": c.ExistingSecret, "access_id_key": c.AccessIDKey, "secret_key": c.SecretKey} {
		if v != "" {
			e.Add(field, "only applies with api: s3 (the HMAC key of the S3-compatible API); api native authenticates as a Google service account")
		}
	}
	if c.CredentialsSecret != "" {
		kit.ValidateSecretName(e, "credentials_secret", c.CredentialsSecret)
		kit.ValidateSecretKey(e, "credentials_key", c.CredentialsKey)
	} else if c.CredentialsKey != "" {
		e.Add("credentials_key", "only applies with credentials_secret")
	}
	if c.EmulatorEndpoint != "" {
		kit.ValidateHTTPSURL(e, "emulator_endpoint", c.EmulatorEndpoint)
	}
	if c.ProjectID != "" && !projectRE.MatchString(c.ProjectID) {
		e.Add("project_id", "%q is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-')", c.ProjectID)
	}
	kit.RequireAdapter(e, c.Core, "object", "Gcs")
}

// projectRE is Google Cloud's project id rule.
var projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)

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
	if cfg.API == APINative {
		adapter, _ := kit.Core(cfg.Core).Ships("object", "Gcs")
		out.Env("Components__ObjectStorageAdaptorSettings__ClassName", adapter.ClassName).
			Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", adapter.Path).
			Env("Gcs__BucketName", cfg.Bucket)
		if cfg.ProjectID != "" {
			out.Env("Gcs__ProjectId", cfg.ProjectID)
		}
		if cfg.EmulatorEndpoint != "" {
			out.Env("Gcs__EmulatorEndpoint", cfg.EmulatorEndpoint)
		}
		if cfg.CredentialsSecret != "" {
			// Mode 0444: the control plane's pod has no fsGroup, so its user (the image's, not
			// root) reads the key as "other"; the volume belongs to this pod alone.
			out.Env("Gcs__CredentialsFilePath", NativeCredentialsDir+"/"+DefaultCredentialsKey).
				MountSecret(cfg.Name+"-key", outputs.Named(cfg.CredentialsSecret), NativeCredentialsDir,
					outputs.WithItems(outputs.Item{Key: cfg.CredentialsKey, Path: DefaultCredentialsKey, Mode: kit.CAMode}), outputs.WithMode(kit.CAMode))
		}
		m.ModuleOutputs = kit.NewModuleOutputs(family, out)
		return m, nil
	}
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
