package pubsub

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name.
const Kind = "pubsub"

// Values ArmoniK Core reads (armonik-reference §5.4, Infra storage/gcp/pubsub/outputs.tf).
const (
	// QueueAdapterClassName is Components__QueueAdaptorSettings__ClassName.
	QueueAdapterClassName = "ArmoniK.Core.Adapters.PubSub.QueueBuilder"
	// QueueAdapterPath is Components__QueueAdaptorSettings__AdapterAbsolutePath.
	QueueAdapterPath = "/adapters/queue/pubsub/ArmoniK.Core.Adapters.PubSub.dll"
)

// Config configures the Pub/Sub module: the project, and how Core names and encrypts the
// topics and subscriptions it creates, as the Google service account of its ServiceAccount
// allows.
type Config struct {
	// Name of the instance (default "pubsub"), for provenance only.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// ProjectID is PubSub__ProjectId, the Google Cloud project (required).
	ProjectID string `json:"project_id,omitempty" yaml:"project_id,omitempty"`
	// KmsKeyName is PubSub__KmsKeyName, the Cloud KMS key encrypting the topics
	// (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>; default "": Google-managed
	// encryption).
	KmsKeyName string `json:"kms_key_name,omitempty" yaml:"kms_key_name,omitempty"`
	// Prefix is PubSub__Prefix, the start of every topic and subscription name (default "", as
	// upstream).
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	return c
}

var (
	projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	kmsRE     = regexp.MustCompile(`^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$`)
	// prefixRE: topic names start with a letter and hold letters, digits and -_.~+%.
	prefixRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9._~+%-]{0,99})?$`)
)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	if !projectRE.MatchString(c.ProjectID) {
		e.Add("project_id", "%q is not a Google Cloud project id (6 to 30 lowercase letters, digits and '-')", c.ProjectID)
	}
	if c.KmsKeyName != "" && !kmsRE.MatchString(c.KmsKeyName) {
		e.Add("kms_key_name", "%q must read projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>", c.KmsKeyName)
	}
	if !prefixRE.MatchString(c.Prefix) {
		e.Add("prefix", "%q must start with a letter and hold letters, digits and -_.~+%%", c.Prefix)
	}
	return e.Err()
}

// Module is Pub/Sub seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the Pub/Sub settings of cfg, defaults applied. It creates nothing (scope and
// id are there for the module contract) and returns every configuration problem at once.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Module{ModuleOutputs: kit.NewModuleOutputs(outputs.FamilyQueue, outputs.NewModule(cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", QueueAdapterClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", QueueAdapterPath).
		Env("PubSub__ProjectId", cfg.ProjectID).
		Env("PubSub__KmsKeyName", cfg.KmsKeyName).
		Env("PubSub__Prefix", cfg.Prefix)),
	}, nil
}
