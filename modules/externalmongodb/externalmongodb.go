package externalmongodb

import (
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
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
	DefaultConnectionStringKey = "connection-string"
	// DefaultDataRetention is MongoDB__DataRetention: how long finished sessions, tasks and
	// results are kept (upstream's localhost value; Core's own default keeps them forever).
	DefaultDataRetention = "1.00:00:00"
	DefaultCAKey         = "ca.crt"
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
	// DataRetention is MongoDB__DataRetention, a .NET TimeSpan: how long finished sessions,
	// tasks and results stay in the database (default "1.00:00:00", one day, as upstream's
	// quick-deploy; Core's own default never removes them).
	DataRetention string `json:"data_retention,omitempty" yaml:"data_retention,omitempty"`
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
	// Backup schedules dumps of ArmoniK's database, through the same connection string, to an
	// S3 or Google Cloud Storage bucket (s3 is required: no store is deployed), with a retention
	// (default off); go run . restore restores one (docs/operations.md). A managed service's
	// own backups (Atlas's snapshots) do not need it.
	Backup mongodb.Backup `json:"backup,omitempty" yaml:"backup,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ConnectionStringKey = kit.Or(c.ConnectionStringKey, DefaultConnectionStringKey)
	c.DataRetention = kit.Or(c.DataRetention, DefaultDataRetention)
	c.CAKey = kit.Or(c.CAKey, DefaultCAKey)
	c.CAPath = kit.Or(c.CAPath, DefaultCAPath)
	c.Backup = c.Backup.WithDefaults(c.backupSource(""), false)
	return c
}

// backupSource is the MongoDB the backups dump: the connection string's Secret (its name, or
// the created Secret's reference), its CA.
func (c *Config) backupSource(connection string) mongodb.BackupSource {
	s := mongodb.BackupSource{
		Name: c.Name, Namespace: c.Namespace, ConnectionSecret: connection, ConnectionKey: c.ConnectionStringKey,
	}
	if c.CASecret != "" {
		s.CASecret, s.CAKey = c.CASecret, c.CAKey
	}
	return s
}

// connectionSecret is the name of the Secret holding the connection string.
func (c *Config) connectionSecret() string {
	if c.ExistingSecret != "" {
		return c.ExistingSecret
	}
	return c.Name + "-credentials"
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "table-storage", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	return []kit.Credential{{
		Env: "MongoDB__ConnectionString", Key: c.ConnectionStringKey, Field: "connection_string_key", Var: "connection_string",
		What: "the MongoDB connection string, with user, password and database (mongodb://user:password@host/<database>?... or mongodb+srv://)",
		Validations: []k8s.VariableValidation{{
			Condition: `can(regex("^mongodb([+]srv)?://[^/?#]+/[^/?#]+", VALUE))`,
			ErrorMessage: "The MongoDB connection string must start with mongodb:// or mongodb+srv:// and name the database in its path " +
				"(mongodb+srv://user:password@host/<database>?options): ArmoniK Core 0.37.2 takes the database from the path only " +
				"and fails at startup without one (Adaptors/MongoDB/src/ServiceCollectionExt.cs).",
		}},
	}}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateTimeSpan(e, "data_retention", c.DataRetention)
	if c.CASecret != "" {
		kit.ValidateSecretName(e, "ca_secret", c.CASecret)
		kit.ValidateSecretKey(e, "ca_key", c.CAKey)
		kit.ValidateCAPath(e, "ca_path", c.CAPath)
	}
	p := c.endpoint()
	p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	if c.Backup.Enabled {
		kit.ValidateNamespace(e, c.Namespace)
	}
	c.Backup.Validate(e, c.backupSource(""), false)
	return e.Err()
}

// Module is an external MongoDB seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil with ExistingSecret).
	Credentials *k8s.Object
	// Variables are the sensitive variables it declares.
	Variables []*k8s.Variable
	// Backup is the backup schedule (nil when Config.Backup is off).
	Backup *mongodb.Backups

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
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
		Env("MongoDB__DataRetention", cfg.DataRetention)
	if cfg.Sharding {
		out.Env("MongoDB__Sharding", "true")
	}
	if cfg.CASecret != "" {
		kit.MountCA(out, "MongoDB__CAFile", cfg.Name+"-ca", outputs.Named(cfg.CASecret), cfg.CAKey, cfg.CAPath)
	}
	p := cfg.endpoint()
	var err error
	if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
		return nil, kit.NewErrors(Kind, cfg.Name).Fail(err)
	}
	if cfg.Backup.Enabled {
		conn := cfg.ExistingSecret
		if m.Credentials != nil {
			conn = m.Credentials.NameRef
		}
		if m.Backup, err = mongodb.NewBackups(scope, id, cfg.backupSource(conn), cfg.Backup); err != nil {
			return nil, kit.NewErrors(Kind, cfg.Name).Fail(err)
		}
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyTable, out)
	return m, nil
}

// RestoreJob returns the Job restoring the dump named dump (latest, or a dump's UTC timestamp)
// of cfg's backups (defaults applied here) into the database of its connection string, as a
// Kubernetes manifest for kubectl create: see mongodb.RestoreJob.
func RestoreJob(cfg Config, dump string) (map[string]any, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return mongodb.RestoreJobFor(cfg.backupSource(cfg.connectionSecret()), cfg.Backup, dump)
}
