package sqs

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name.
const Kind = "sqs"

// Values ArmoniK Core reads (armonik-reference §5.4, Infra storage/aws/sqs/outputs.tf).
const (
	// QueueAdapterClassName is Components__QueueAdaptorSettings__ClassName.
	QueueAdapterClassName = "ArmoniK.Core.Adapters.SQS.QueueBuilder"
	// QueueAdapterPath is Components__QueueAdaptorSettings__AdapterAbsolutePath.
	QueueAdapterPath = "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll"
)

// DefaultPrefix is SQS__Prefix: the start of every queue name Core creates.
const DefaultPrefix = "armonik"

// Config configures the SQS module: the region and the queue-name prefix. Core creates its
// queues itself, as the IAM role of its ServiceAccount allows.
type Config struct {
	// Name of the instance (default "sqs"), for provenance only.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Region is the AWS region of the queues, such as eu-west-3 (required).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// Prefix is SQS__Prefix, the start of every queue name (default "armonik"); the IAM policy
	// must allow arn:aws:sqs:<region>:<account>:<prefix>*.
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	// ServiceURL is SQS__ServiceURL (default https://sqs.<region>.amazonaws.com; set it for a
	// VPC endpoint).
	ServiceURL string `json:"service_url,omitempty" yaml:"service_url,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Prefix = kit.Or(c.Prefix, DefaultPrefix)
	if c.ServiceURL == "" && c.Region != "" {
		c.ServiceURL = "https://sqs." + c.Region + ".amazonaws.com"
	}
	return c
}

// prefixRE: SQS queue names are letters, digits, '-' and '_' (80 at most, with what Core adds).
var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	e := kit.NewErrors(Kind, c.Name)
	kit.ValidateName(e, c.Name)
	kit.ValidateAWSRegion(e, "region", c.Region)
	if !prefixRE.MatchString(c.Prefix) {
		e.Add("prefix", "%q must be 1 to 40 letters, digits, '-' or '_' (SQS queue names)", c.Prefix)
	}
	kit.ValidateHTTPSURL(e, "service_url", c.ServiceURL)
	return e.Err()
}

// Module is Amazon SQS seen from ArmoniK; it implements outputs.ModuleOutputs.
type Module struct {
	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New gives ArmoniK the SQS settings of cfg, defaults applied. It creates nothing (scope and id
// are there for the module contract) and returns every configuration problem at once.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Module{ModuleOutputs: kit.NewModuleOutputs(outputs.FamilyQueue, outputs.NewModule(cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", QueueAdapterClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", QueueAdapterPath).
		Env("SQS__ServiceURL", cfg.ServiceURL).
		Env("SQS__Prefix", cfg.Prefix)),
	}, nil
}
