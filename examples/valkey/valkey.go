// Package valkey is the worked example of docs/adding-a-module.md: an ArmoniK object store
// backed by Valkey (the Linux Foundation fork of Redis), written only against the public
// packages a third party has (constructs/k8s and constructs/outputs), compiled and tested by
// go test with the rest of the repository.
//
// Valkey speaks the Redis protocol, so ArmoniK uses it through its Redis adapter: the module
// emits the keys Core's Redis adapter reads (armonik-reference §5.6) and nothing else. Swapping
// the redis module for this one changes only those values and references; ArmoniK is untouched.
package valkey

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Port is Valkey's port, the server's and the Service's.
const Port = 6379

// Config configures the module. Every field but Namespace has a default.
type Config struct {
	// Name of the instance (default "valkey"): the Deployment and Service are <name>, the
	// Secret <name>-credentials.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects (required; set by the caller, never read from a file).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster's DNS domain in Redis__EndpointUrl (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of the server (default "valkey/valkey:8.1-alpine").
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Wait makes apply wait for the server to be ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
}

// WithDefaults returns c with every unset field at its default.
func (c Config) WithDefaults() Config {
	if c.Name == "" {
		c.Name = "valkey"
	}
	if c.ClusterDomain == "" {
		c.ClusterDomain = "cluster.local"
	}
	if c.Image == "" {
		c.Image = "valkey/valkey:8.1-alpine"
	}
	if c.Wait == nil {
		t := true
		c.Wait = &t
	}
	return c
}

// Validate returns every problem of c at once, each naming the instance and the key.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("valkey %q: %s: %s", c.Name, key, fmt.Sprintf(format, args...)))
	}
	if msgs := validation.IsDNS1035Label(c.Name); len(msgs) > 0 {
		add("name", "%s", msgs[0])
	}
	if c.Namespace == nil {
		add("namespace", "required")
	}
	if msgs := validation.IsDNS1123Subdomain(c.ClusterDomain); len(msgs) > 0 {
		add("cluster_domain", "%s", msgs[0])
	}
	return errors.Join(errs...)
}

// Module is a deployed Valkey and the outputs ArmoniK reads.
type Module struct {
	*outputs.Module
	// Deployment, Service and Credentials are the created objects.
	Deployment, Service, Credentials *k8s.Object
	// Endpoint is host:port.
	Endpoint string
}

// New deploys Valkey into scope and returns its outputs.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	meta := func(name string) k8s.Meta { return k8s.Meta{Name: name, Namespace: cfg.Namespace.Name} }
	labels := map[string]string{"app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": cfg.Name}

	// 1. Credentials: generated, kept in a Secret, never in the synthesized JSON.
	creds, err := k8s.NewGeneratedSecret(scope, id+"-credentials", k8s.GeneratedSecretSpec{
		Meta:      meta(cfg.Name + "-credentials"),
		Passwords: map[string]k8s.Password{"Redis__Password": {}},
		Data:      map[string]string{"Redis__User": ""},
	})
	if err != nil {
		return nil, err
	}
	// 2. The server reads the password from the Secret; Kubernetes expands $(VALKEY_PASSWORD).
	uid := int64(999)
	no, yes := false, true
	tmpl := k8s.PodTemplate{Labels: labels, Spec: k8s.PodSpec{
		Containers: []k8s.Container{{
			Name: "valkey", Image: cfg.Image,
			Args:      []string{"valkey-server", "--requirepass", "$(VALKEY_PASSWORD)"},
			Env:       []k8s.EnvVar{{Name: "VALKEY_PASSWORD", SecretKey: &k8s.KeyRef{Name: creds.Name, Key: "Redis__Password"}}},
			Ports:     []k8s.Port{{Name: "valkey", ContainerPort: Port}},
			Readiness: &k8s.Probe{TCPPort: "valkey", PeriodSeconds: 5},
			Security: &k8s.ContainerSecurity{RunAsUser: &uid, RunAsNonRoot: &yes, AllowPrivilegeEscalation: &no,
				DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true},
		}},
	}}
	dep, err := k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta: meta(cfg.Name), Selector: labels, Template: tmpl, Wait: *cfg.Wait,
	})
	if err != nil {
		return nil, err
	}
	svc, err := k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: meta(cfg.Name), Selector: labels, Ports: []k8s.ServicePort{{Name: "valkey", Port: Port, TargetPort: "valkey"}},
	})
	if err != nil {
		return nil, err
	}
	// 3. Only ArmoniK's pods (labelled app.kubernetes.io/part-of=armonik) may connect.
	if _, err := k8s.NewNetworkPolicy(scope, id+"-network-policy", k8s.NetworkPolicySpec{
		Meta: meta(cfg.Name), PodSelector: labels,
		Ingress: []k8s.IngressRule{{
			From:  []k8s.PolicyPeer{{PodSelector: map[string]string{"app.kubernetes.io/part-of": "armonik"}}},
			Ports: []k8s.PolicyPort{{Port: strconv.Itoa(Port)}},
		}},
	}); err != nil {
		return nil, err
	}
	// 4. The outputs: exactly the keys of Core's Redis adapter. The Secret is referenced by
	//    its Terraform token, so ArmoniK's pods are created after it.
	endpoint := fmt.Sprintf("%s.%s.svc.%s:%d", cfg.Name, cfg.Namespace.Display, cfg.ClusterDomain, Port)
	out := outputs.NewModule(cfg.Name).
		Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Redis.ObjectBuilder").
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll").
		Env("Redis__EndpointUrl", endpoint).
		Env("Redis__Ssl", strconv.FormatBool(false)).
		Env("Redis__ClientName", "ArmoniK.Core").
		Env("Redis__InstanceName", "ArmoniKRedis").
		EnvSecret(outputs.Named(cfg.Name+"-credentials").WithToken(creds.Name), "Redis__User", "Redis__Password")
	return &Module{Module: out, Deployment: dep, Service: svc, Credentials: creds.Object, Endpoint: endpoint}, nil
}
