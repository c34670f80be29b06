package elasticache

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "elasticache"

// Values ArmoniK Core reads (armonik-reference §5.6, Infra storage/aws/elasticache).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.Redis.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll"
)

// Defaults.
const (
	DefaultPort         = 6379
	DefaultInstanceName = "ArmoniKRedis"
	// DefaultTTL is Redis__TtlTimeSpan: objects expire a day after they are written
	// (upstream's quick-deploy value; Core's own default never expires them).
	DefaultTTL         = "1.00:00:00"
	DefaultClientName  = "ArmoniK.Core"
	DefaultPasswordKey = "auth-token"
)

// Config configures the ElastiCache module: the primary endpoint of a Redis (or Valkey)
// replication group created elsewhere.
type Config struct {
	// Name of the instance (default "elasticache"): the Secret it may create is
	// <name>-credentials, its variable <name>_auth_token ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secret is created (required with Auth, unless ExistingSecret is
	// set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Host is the replication group's primary endpoint address (required).
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// Port is its port (default 6379).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// Ssl is Redis__Ssl: in-transit encryption (default true, as upstream). The certificate is
	// Amazon's, trusted by the system store: Redis__CaPath stays empty.
	Ssl *bool `json:"ssl,omitempty" yaml:"ssl,omitempty"`
	// InstanceName is Redis__InstanceName, the key prefix Core uses (default "ArmoniKRedis").
	InstanceName string `json:"instance_name,omitempty" yaml:"instance_name,omitempty"`
	// TTL is Redis__TtlTimeSpan, a .NET TimeSpan: how long Core keeps payloads and results
	// (default "1.00:00:00", one day, as upstream's quick-deploy; Core's own default never
	// expires them and the cache fills up).
	TTL string `json:"ttl,omitempty" yaml:"ttl,omitempty"`
	// ClientName is Redis__ClientName (default "ArmoniK.Core").
	ClientName string `json:"client_name,omitempty" yaml:"client_name,omitempty"`
	// Auth passes an AUTH token (default false: upstream's group had none): Redis__User and
	// Redis__Password from a Secret.
	Auth bool `json:"auth,omitempty" yaml:"auth,omitempty"`
	// User is Redis__User with Auth (default "": the default user, AUTH token only; set it
	// for an RBAC user group).
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// ExistingSecret is a Secret of the namespace holding the AUTH token (default "": the
	// module declares the sensitive variable <name>_auth_token and creates the Secret
	// <name>-credentials from it).
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// PasswordKey is the Secret's key of the token (default "auth-token").
	PasswordKey string `json:"password_key,omitempty" yaml:"password_key,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	c.Ssl = kit.OrTrue(c.Ssl)
	c.InstanceName = kit.Or(c.InstanceName, DefaultInstanceName)
	c.TTL = kit.Or(c.TTL, DefaultTTL)
	c.ClientName = kit.Or(c.ClientName, DefaultClientName)
	c.PasswordKey = kit.Or(c.PasswordKey, DefaultPasswordKey)
	return c
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "object-storage", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	return []kit.Credential{
		{Env: "Redis__Password", Key: c.PasswordKey, Field: "password_key", Var: "auth_token", What: "the ElastiCache AUTH token"},
	}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateHost(e, "host", c.Host)
	kit.ValidatePort(e, "port", c.Port)
	kit.ValidateRedisNames(e, c.InstanceName, c.ClientName)
	kit.ValidateTimeSpan(e, "ttl", c.TTL)
	if c.Auth {
		if c.User != "" {
			kit.ValidateUserName(e, "user", c.User)
		}
		p := c.endpoint()
		p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	} else if c.User != "" || c.ExistingSecret != "" {
		e.Add("auth", "user and existing_secret are only used with auth: true")
	}
	return e.Err()
}

// Module is an ElastiCache replication group seen from ArmoniK; it implements
// outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil without Auth or with ExistingSecret).
	Credentials *k8s.Object
	// Variables are the sensitive variables it declares.
	Variables []*k8s.Variable

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the replication group of cfg, defaults applied, declaring on scope's stack
// the variable and Secret its AUTH token needs. It returns every configuration problem at once
// and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Module{}
	out := outputs.NewModule(cfg.Name).
		Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("Redis__EndpointUrl", kit.HostPort(cfg.Host, cfg.Port)).
		Env("Redis__Ssl", strconv.FormatBool(kit.Bool(cfg.Ssl, true))).
		Env("Redis__ClientName", cfg.ClientName).
		Env("Redis__CaPath", "").
		Env("Redis__InstanceName", cfg.InstanceName).
		Env("Redis__TtlTimeSpan", cfg.TTL)
	if cfg.Auth {
		out.Env("Redis__User", cfg.User)
		p := cfg.endpoint()
		var err error
		if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
			return nil, kit.NewErrors(Kind, cfg.Name).Fail(err)
		}
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyObject, out)
	return m, nil
}
