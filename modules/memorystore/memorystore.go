package memorystore

import (
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "memorystore"

// Values ArmoniK Core reads (armonik-reference §5.6, Infra storage/gcp/memorystore/redis).
const (
	// ObjectAdapterClassName is Components__ObjectStorageAdaptorSettings__ClassName.
	ObjectAdapterClassName = "ArmoniK.Core.Adapters.Redis.ObjectBuilder"
	// ObjectAdapterPath is Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath.
	ObjectAdapterPath = "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll"
)

// Defaults.
const (
	// DefaultTLSPort is Memorystore's port with in-transit encryption, DefaultPort without.
	DefaultTLSPort      = 6378
	DefaultPort         = 6379
	DefaultInstanceName = "ArmoniKRedis"
	// DefaultTTL is Redis__TtlTimeSpan: objects expire a day after they are written
	// (upstream's quick-deploy value; Core's own default never expires them).
	DefaultTTL        = "1.00:00:00"
	DefaultClientName = "ArmoniK.Core"
	DefaultCAKey      = "ca.crt"
	// DefaultCAPath is Redis__CaPath: upstream's /redis/chain.pem (variables.tf path, outputs.tf).
	DefaultCAPath      = "/redis/chain.pem"
	DefaultPasswordKey = "auth-string"
)

// Config configures the Memorystore module: a Memorystore for Redis instance created
// elsewhere, its server CA and its AUTH string.
type Config struct {
	// Name of the instance (default "memorystore"): the Secrets it may create are
	// <name>-credentials and <name>-ca, its variable <name>_auth_string ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secrets are created (required unless both ExistingSecret, or no
	// Auth, and CASecret, or no Ssl, are set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Host is the instance's IP address (its host attribute; required).
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// Port is its port (default 6378 with Ssl, 6379 without).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// Ssl is Redis__Ssl: in-transit encryption, SERVER_AUTHENTICATION (default true).
	Ssl *bool `json:"ssl,omitempty" yaml:"ssl,omitempty"`
	// InstanceName is Redis__InstanceName, the key prefix Core uses (default "ArmoniKRedis").
	InstanceName string `json:"instance_name,omitempty" yaml:"instance_name,omitempty"`
	// TTL is Redis__TtlTimeSpan, a .NET TimeSpan: how long Core keeps payloads and results
	// (default "1.00:00:00", one day, as upstream's quick-deploy; Core's own default never
	// expires them and the cache fills up).
	TTL string `json:"ttl,omitempty" yaml:"ttl,omitempty"`
	// ClientName is Redis__ClientName (default "ArmoniK.Core").
	ClientName string `json:"client_name,omitempty" yaml:"client_name,omitempty"`
	// CASecret is an existing Secret of the namespace holding the instance's server CA
	// certificates (with Ssl, this or CACertificate is required).
	CASecret string `json:"ca_secret,omitempty" yaml:"ca_secret,omitempty"`
	// CACertificate is the instance's server CA certificates in PEM (its server_ca_certs), put
	// in the Secret <name>-ca the module creates; a CA certificate is public.
	CACertificate string `json:"ca_certificate,omitempty" yaml:"ca_certificate,omitempty"`
	// CAKey is the key of the CA in CASecret (default "ca.crt").
	CAKey string `json:"ca_key,omitempty" yaml:"ca_key,omitempty"`
	// CAPath is Redis__CaPath, where ArmoniK's containers read the CA (default
	// "/redis/chain.pem"); its directory is mounted.
	CAPath string `json:"ca_path,omitempty" yaml:"ca_path,omitempty"`
	// Auth passes the instance's AUTH string, Redis__Password (default true).
	Auth *bool `json:"auth,omitempty" yaml:"auth,omitempty"`
	// ExistingSecret is a Secret of the namespace holding the AUTH string (default "": the
	// module declares the sensitive variable <name>_auth_string and creates the Secret
	// <name>-credentials from it).
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// PasswordKey is the Secret's key of the AUTH string (default "auth-string").
	PasswordKey string `json:"password_key,omitempty" yaml:"password_key,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Ssl = kit.OrTrue(c.Ssl)
	c.Auth = kit.OrTrue(c.Auth)
	if c.Port == 0 {
		c.Port = DefaultPort
		if *c.Ssl {
			c.Port = DefaultTLSPort
		}
	}
	c.InstanceName = kit.Or(c.InstanceName, DefaultInstanceName)
	c.TTL = kit.Or(c.TTL, DefaultTTL)
	c.ClientName = kit.Or(c.ClientName, DefaultClientName)
	c.CAKey = kit.Or(c.CAKey, DefaultCAKey)
	c.CAPath = kit.Or(c.CAPath, DefaultCAPath)
	c.PasswordKey = kit.Or(c.PasswordKey, DefaultPasswordKey)
	return c
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "object-storage", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	return []kit.Credential{
		{Env: "Redis__Password", Key: c.PasswordKey, Field: "password_key", Var: "auth_string", What: "the Memorystore AUTH string"},
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
	if kit.Bool(c.Ssl, true) {
		switch {
		case c.CASecret != "" && c.CACertificate != "":
			e.Add("ca_secret", "set ca_secret or ca_certificate, not both")
		case c.CASecret != "":
			kit.ValidateSecretName(e, "ca_secret", c.CASecret)
			kit.ValidateSecretKey(e, "ca_key", c.CAKey)
		case c.CACertificate != "":
			if !strings.Contains(c.CACertificate, "-----BEGIN CERTIFICATE-----") {
				e.Add("ca_certificate", "must hold PEM certificates (-----BEGIN CERTIFICATE-----)")
			}
			if c.Namespace == nil || c.Namespace.Name == "" {
				e.Add("namespace", "required to create the Secret %s-ca", c.Name)
			}
		default:
			e.Add("ca_secret", "required with ssl: the instance's server CA (ca_secret, or its PEM in ca_certificate)")
		}
		kit.ValidateCAPath(e, "ca_path", c.CAPath)
	} else if c.CASecret != "" || c.CACertificate != "" {
		e.Add("ssl", "ca_secret and ca_certificate are only used with ssl: true")
	}
	if kit.Bool(c.Auth, true) {
		p := c.endpoint()
		p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	} else if c.ExistingSecret != "" {
		e.Add("auth", "existing_secret is only used with auth: true")
	}
	return e.Err()
}

// Module is a Memorystore for Redis instance seen from ArmoniK; it implements
// outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil without Auth or with ExistingSecret).
	Credentials *k8s.Object
	// CA is the Secret <name>-ca (nil without Ssl or with CASecret).
	CA *k8s.Object
	// Variables are the sensitive variables it declares.
	Variables []*k8s.Variable

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the Memorystore instance of cfg, defaults applied, declaring on scope's
// stack the variable and Secrets its AUTH string and CA need. It returns every configuration
// problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := kit.NewErrors(Kind, cfg.Name)
	ssl := kit.Bool(cfg.Ssl, true)
	m := &Module{}
	out := outputs.NewModule(cfg.Name).
		Env("Components__ObjectStorageAdaptorSettings__ClassName", ObjectAdapterClassName).
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", ObjectAdapterPath).
		Env("Redis__EndpointUrl", kit.HostPort(cfg.Host, cfg.Port)).
		Env("Redis__Ssl", strconv.FormatBool(ssl)).
		Env("Redis__ClientName", cfg.ClientName).
		Env("Redis__InstanceName", cfg.InstanceName).
		Env("Redis__TtlTimeSpan", cfg.TTL)
	p := cfg.endpoint()
	if ssl {
		ca := outputs.Named(cfg.CASecret)
		if cfg.CACertificate != "" {
			var err error
			if m.CA, err = k8s.NewSecret(scope, id+"-ca", k8s.SecretSpec{
				Meta: p.Meta(cfg.Name + "-ca"),
				Data: map[string]string{cfg.CAKey: k8s.Literal(cfg.CACertificate)},
			}); err != nil {
				return nil, e.Fail(err)
			}
			ca = kit.Ref(m.CA)
		}
		kit.MountCA(out, "Redis__CaPath", cfg.Name+"-ca", ca, cfg.CAKey, cfg.CAPath)
	}
	if kit.Bool(cfg.Auth, true) {
		out.Env("Redis__User", "")
		var err error
		if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
			return nil, e.Fail(err)
		}
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyObject, out)
	return m, nil
}
