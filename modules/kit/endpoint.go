package kit

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Endpoint is the part of the configuration of a module without workloads that the shared
// helpers use: an endpoint-only module creates at most the Secret that carries credentials
// given as sensitive Terraform variables; nfs and hostpath create a volume and a claim, or
// nothing.
type Endpoint struct {
	Kind, Component, Name string
	Namespace             *k8s.Namespace
}

// Labels are the labels of the objects an endpoint module creates: the same as an in-cluster
// module's.
func (p *Endpoint) Labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":      p.Kind,
		"app.kubernetes.io/instance":  p.Name,
		"app.kubernetes.io/component": p.Component,
		"app.kubernetes.io/part-of":   PartOf,
	}
}

// Meta is the metadata of the object called name of the instance.
func (p *Endpoint) Meta(name string) k8s.Meta {
	return k8s.Meta{Name: name, Namespace: p.Namespace.Name, Labels: p.Labels()}
}

// Credential is one value ArmoniK reads from a Secret (env_from_secret Env <- Secret/Key).
type Credential struct {
	// Env is the variable ArmoniK reads, such as Amqp__Password.
	Env string
	// Key is the Secret's key holding the value: the user's key in an existing Secret, the same
	// name in the Secret the module creates.
	Key string
	// Field is the configuration key Key comes from, such as "password_key", for the problems.
	Field string
	// Var is the suffix of the sensitive Terraform variable the module declares when no
	// existing Secret is named: <instance name with '_' for '-'>_<Var>.
	Var string
	// What describes the value, for the variable's description.
	What string
	// Validations are checked by Terraform on the variable's value before it plans; Condition
	// refers to the value as var.<name>, written here as VALUE (replaced by the variable).
	Validations []k8s.VariableValidation
}

// VariableName is the name of the sensitive variable of instance name for the suffix.
func VariableName(name, suffix string) string {
	return strings.ReplaceAll(name, "-", "_") + "_" + suffix
}

// ValidateCredentials records the problems of the credential settings: the name of the existing
// Secret (the setting existing_secret), the key names, and the namespace, required only when
// the module creates the Secret.
func (p *Endpoint) ValidateCredentials(e *Errors, existing string, creds []Credential) {
	if existing != "" {
		if msgs := validation.IsDNS1123Subdomain(existing); len(msgs) > 0 {
			e.Add("existing_secret", "%q: %s", existing, msgs[0])
		}
	} else if p.Namespace == nil || p.Namespace.Name == "" {
		e.Add("namespace", "required to create the Secret %s-credentials from sensitive variables (or name an existing_secret)", p.Name)
	}
	seen := map[string]string{}
	for _, c := range creds {
		if msgs := validation.IsConfigMapKey(c.Key); len(msgs) > 0 {
			e.Add(c.Field, "%q: %s", c.Key, msgs[0])
		} else if other, dup := seen[c.Key]; dup {
			e.Add(c.Field, "%q is also %s", c.Key, other)
		}
		seen[c.Key] = c.Field
	}
}

// Credentials gives ArmoniK creds through env_from_secret. With existing set, they come from
// that Secret, which must exist in the namespace; nothing is created. Otherwise the module
// declares one sensitive variable per credential (no default: a plan fails until each is set,
// with TF_VAR_<name> or -var) and creates the Secret <name>-credentials holding them, so no
// value is ever written in the synthesized configuration, only ${var.<name>} in the Secret's
// data. It returns the created Secret (nil with existing) and variables.
func (p *Endpoint) Credentials(scope constructs.Construct, id, existing string, creds []Credential, out *outputs.Module) (*k8s.Object, []*k8s.Variable, error) {
	if existing != "" {
		ref := outputs.Named(existing)
		for _, c := range creds {
			out.EnvFromSecret(c.Env, ref, c.Key)
		}
		return nil, nil, nil
	}
	var vars []*k8s.Variable
	data := map[string]string{}
	for _, c := range creds {
		name := VariableName(p.Name, c.Var)
		var checks []k8s.VariableValidation
		for _, v := range c.Validations {
			checks = append(checks, k8s.VariableValidation{Condition: strings.ReplaceAll(v.Condition, "VALUE", "var."+name), ErrorMessage: v.ErrorMessage})
		}
		v, err := k8s.NewSensitiveVariable(scope, name, p.Kind+" "+strings.TrimSpace(p.Name)+": "+c.What+
			" (sensitive, no default: set TF_VAR_"+name+"); stored in the Secret "+p.Name+"-credentials", checks...)
		if err != nil {
			return nil, nil, err
		}
		vars = append(vars, v)
		data[c.Key] = v.Value
	}
	sec, err := k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{Meta: p.Meta(p.Name + "-credentials"), Data: data})
	if err != nil {
		return nil, nil, err
	}
	ref := Ref(sec)
	for _, c := range creds {
		out.EnvFromSecret(c.Env, ref, c.Key)
	}
	return sec, vars, nil
}
