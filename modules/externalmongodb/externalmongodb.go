package externalmongodb

import (
	"regexp"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/base"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "externalmongodb"

// Values ArmoniK Core reads (armonik-reference §5.5, Infra storage/atlas/outputs.tf).
const (
	// TableStorage is Components__TableStorage.
	TableStorage = "ArmoniK.Adapters.MongoDB.TableStorage"
)

// Defaults.
const (
	DefaultDatabaseName        = "database"
	DefaultAuthSource          = "admin"
	DefaultConnectionStringKey = "connection-string"
	DefaultCAKey               = "ca.crt"
	// DefaultCAPath is MongoDB__CAFile when a CA is given (the in-cluster module's path).
	DefaultCAPath = "/mongodb/certs/ca.crt"
)

// Config configures the external MongoDB module: MongoDB Atlas, or any MongoDB reachable with
// a connection string (mongodb:// or mongodb+srv://), which holds the host, the user and the
// password.
type Config struct {
	// Name of the instance (default "externalmongodb"): the Secret it may create is
	// <name>-credentials, its variable <name>_connection_string ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secret is created (required unless ExistingSecret is set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ExistingSecret is a Secret of the namespace holding the connection string (default "":
	// the module declares the sensitive variable <name>_connection_string and creates the
	// Secret <name>-credentials from it).
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// ConnectionStringKey is the Secret's key of the connection string (default
	// "connection-string").
	ConnectionStringKey string `json:"connection_string_key,omitempty" yaml:"connection_string_key,omitempty"`
	// DatabaseName is MongoDB__DatabaseName (default "database", as upstream's Atlas module).
	DatabaseName string `json:"database_name,omitempty" yaml:"database_name,omitempty"`
	// AuthSource is MongoDB__AuthSource (default "admin", Atlas's).
	AuthSource string `json:"auth_source,omitempty" yaml:"auth_source,omitempty"`
	// TLS is MongoDB__Tls (default true: Atlas requires TLS).
	TLS *bool `json:"tls,omitempty" yaml:"tls,omitempty"`
	// Sharding is MongoDB__Sharding (default false; true for a sharded cluster).
	Sharding bool `json:"sharding,omitempty" yaml:"sharding,omitempty"`
	// CASecret is an existing Secret of the namespace holding the CA of a server whose
	// certificate the system store does not trust (default "": none, Atlas's certificates are
	// public); it is mounted and named by MongoDB__CAFile.
	CASecret string `json:"ca_secret,omitempty" yaml:"ca_secret,omitempty"`
	// CAKey is the key of the CA in CASecret (default "ca.crt").
	CAKey string `json:"ca_key,omitempty" yaml:"ca_key,omitempty"`
	// CAPath is MongoDB__CAFile with CASecret (default "/mongodb/certs/ca.crt").
	CAPath string `json:"ca_path,omitempty" yaml:"ca_path,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = base.Or(c.Name, Kind)
	c.ConnectionStringKey = base.Or(c.ConnectionStringKey, DefaultConnectionStringKey)
	c.DatabaseName = base.Or(c.DatabaseName, DefaultDatabaseName)
	c.AuthSource = base.Or(c.AuthSource, DefaultAuthSource)
	c.TLS = base.OrTrue(c.TLS)
	c.CAKey = base.Or(c.CAKey, DefaultCAKey)
	c.CAPath = base.Or(c.CAPath, DefaultCAPath)
	return c
}

func (c *Config) endpoint() base.Endpoint {
	return base.Endpoint{Kind: Kind, Component: "table-storage", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []base.Credential {
	return []base.Credential{{
		Env: "MongoDB__ConnectionString", Key: c.ConnectionStringKey, Field: "connection_string_key", Var: "connection_string",
		What: "the MongoDB connection string, with user and password (mongodb:// or mongodb+srv://)",
	}}
}

var identRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := base.NewErrors(Kind, c.Name)
	base.ValidateName(e, c.Name)
	if !identRE.MatchString(c.DatabaseName) {
		e.Add("database_name", "%q must be 1 to 63 letters, digits, '_' or '-'", c.DatabaseName)
	}
	if !identRE.MatchString(c.AuthSource) {
		e.Add("auth_source", "%q must be 1 to 63 letters, digits, '_' or '-'", c.AuthSource)
	}
	if c.CASecret != "" {
		base.ValidateSecretName(e, "ca_secret", c.CASecret)
		base.ValidateSecretKey(e, "ca_key", c.CAKey)
		base.ValidateCAPath(e, "ca_path", c.CAPath)
	}
	p := c.endpoint()
	p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	return e.Err()
}

// Module is an external MongoDB seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil with ExistingSecret).
	Credentials *k8s.Object
	// Variables are the sensitive variables it declares.
	Variables []*k8s.Variable

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	base.ModuleOutputs
}

// New gives ArmoniK the MongoDB of cfg, defaults applied, declaring on scope's stack the
// variable and Secret its connection string needs. It returns every configuration problem at
// once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Module{}
	out := outputs.NewModule(cfg.Name).
		Env("Components__TableStorage", TableStorage).
		Env("MongoDB__Tls", strconv.FormatBool(base.Bool(cfg.TLS, true))).
		Env("MongoDB__DatabaseName", cfg.DatabaseName).
		Env("MongoDB__DirectConnection", "false").
		Env("MongoDB__AuthSource", cfg.AuthSource).
		Env("MongoDB__Sharding", strconv.FormatBool(cfg.Sharding))
	if cfg.CASecret != "" {
		base.MountCA(out, "MongoDB__CAFile", cfg.Name+"-ca", outputs.Named(cfg.CASecret), cfg.CAKey, cfg.CAPath)
	}
	p := cfg.endpoint()
	var err error
	if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
		return nil, base.NewErrors(Kind, cfg.Name).Fail(err)
	}
	m.ModuleOutputs = base.NewModuleOutputs(out)
	return m, nil
}
