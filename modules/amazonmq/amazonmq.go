package amazonmq

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "amazonmq"

// Values ArmoniK Core reads (armonik-reference §5.3, Infra storage/aws/mq): the AMQP adapter.
const (
	// QueueAdapterClassName is Components__QueueAdaptorSettings__ClassName.
	QueueAdapterClassName = "ArmoniK.Core.Adapters.Amqp.QueueBuilder"
	// QueueAdapterPath is Components__QueueAdaptorSettings__AdapterAbsolutePath.
	QueueAdapterPath = "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll"
)

// Defaults.
const (
	// DefaultPort is the AMQPS port of an Amazon MQ broker.
	DefaultPort        = 5671
	DefaultScheme      = "AMQPS"
	DefaultUserKey     = "username"
	DefaultPasswordKey = "password"
)

// Config configures the Amazon MQ module: the endpoint of a broker created elsewhere, and where
// its credentials come from.
type Config struct {
	// Name of the instance (default "amazonmq"): the Secret it may create is
	// <name>-credentials, its variables <name>_user and <name>_password ('-' becomes '_').
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the Secret is created (required unless ExistingSecret is set).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Core is the Core version ArmoniK runs, whose adapters and keys the module's outputs match
	// (default corerules.Pinned, the Core of armonik.version 2.23.0; set by the caller, the
	// stacks from armonik.version; see modules/kit/version.go).
	Core *corerules.Version `json:"-" yaml:"-"`
	// Host is the broker's host name, Amqp__Host: the host of its AMQP endpoint
	// (amqp+ssl://<host>:5671 for ActiveMQ; required).
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// Port is Amqp__Port (default 5671).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// Scheme is Amqp__Scheme, "AMQPS" (default) or "AMQP".
	Scheme string `json:"scheme,omitempty" yaml:"scheme,omitempty"`
	// ExistingSecret is a Secret of the namespace holding the broker user and password
	// (default "": the module declares the sensitive variables <name>_user and <name>_password
	// and creates the Secret <name>-credentials from them).
	ExistingSecret string `json:"existing_secret,omitempty" yaml:"existing_secret,omitempty"`
	// UserKey is the Secret's key holding the user (default "username").
	UserKey string `json:"user_key,omitempty" yaml:"user_key,omitempty"`
	// PasswordKey is the Secret's key holding the password (default "password").
	PasswordKey string `json:"password_key,omitempty" yaml:"password_key,omitempty"`
	// AMQP holds Amqp__MaxPriority (max_priority, default 10) and Amqp__AllowInsecureTls
	// (allow_insecure_tls, TLS only). See modules.AMQP.
	modules.AMQP `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.AMQP = c.AMQP.WithDefaults()
	c.Name = kit.Or(c.Name, Kind)
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	c.Scheme = kit.Or(c.Scheme, DefaultScheme)
	c.UserKey = kit.Or(c.UserKey, DefaultUserKey)
	c.PasswordKey = kit.Or(c.PasswordKey, DefaultPasswordKey)
	return c
}

func (c *Config) endpoint() kit.Endpoint {
	return kit.Endpoint{Kind: Kind, Component: "queue", Name: c.Name, Namespace: c.Namespace}
}

func (c *Config) credentials() []kit.Credential {
	return []kit.Credential{
		{Env: "Amqp__User", Key: c.UserKey, Field: "user_key", Var: "user", What: "the Amazon MQ broker user"},
		{Env: "Amqp__Password", Key: c.PasswordKey, Field: "password_key", Var: "password", What: "the Amazon MQ broker password"},
	}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateHost(e, "host", c.Host)
	kit.ValidatePort(e, "port", c.Port)
	if c.Scheme != "AMQPS" && c.Scheme != "AMQP" {
		e.Add("scheme", "%q must be AMQPS or AMQP", c.Scheme)
	}
	kit.ValidateAMQP(e, c.AMQP, c.Scheme == "AMQPS", c.Core)
	p := c.endpoint()
	p.ValidateCredentials(e, c.ExistingSecret, c.credentials())
	return e.Err()
}

// Module is an Amazon MQ broker seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// Credentials is the Secret <name>-credentials (nil with ExistingSecret).
	Credentials *k8s.Object
	// Variables are the sensitive variables it declares (none with ExistingSecret).
	Variables []*k8s.Variable

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the Amazon MQ broker of cfg, defaults applied, declaring on scope's stack
// the variables and Secret its credentials need. It returns every configuration problem at
// once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Module{}
	out := outputs.NewModule(cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", QueueAdapterClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", QueueAdapterPath).
		Env("Amqp__Host", cfg.Host).
		Env("Amqp__Port", strconv.Itoa(cfg.Port)).
		Env("Amqp__Scheme", cfg.Scheme)
	kit.AMQPOutputs(out, cfg.AMQP)
	p := cfg.endpoint()
	var err error
	if m.Credentials, m.Variables, err = p.Credentials(scope, id, cfg.ExistingSecret, cfg.credentials(), out); err != nil {
		return nil, kit.NewErrors(Kind, cfg.Name).Fail(err)
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyQueue, out)
	return m, nil
}
