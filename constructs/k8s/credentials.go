package k8s

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-random-go/random/v12/password"
	randomprovider "github.com/cdktf/cdktf-provider-random-go/random/v12/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Password describes a generated credential: a random_password of the hashicorp/random
// provider. Its value exists only in the Terraform state and in the Kubernetes Secret; it is
// generated once and stays the same on every plan until the resource is replaced.
type Password struct {
	// Length of the value (default 24).
	Length int
	// Special allows punctuation. Off by default: the values end up in URLs and config files.
	Special bool
}

// GeneratedSecretSpec describes a Secret whose values are generated passwords, plus plain
// entries that are not secret by themselves (a user name, a port) and Terraform references
// (to other resources' sensitive attributes).
type GeneratedSecretSpec struct {
	Meta
	// Passwords are generated: key -> how.
	Passwords map[string]Password
	// Data holds the other entries: literal non-secret values or Terraform references.
	Data map[string]string
}

// GeneratedSecret is a Secret holding generated credentials.
type GeneratedSecret struct {
	*Object
	// Values maps each key to a Terraform reference to its value (sensitive), for building
	// other values (a connection string) in other Secrets.
	Values map[string]string
}

// RandomProviderID is the construct id of the random provider that NewGeneratedSecret adds
// once per stack.
const RandomProviderID = "random"

// NewGeneratedSecret creates one random_password per generated key and a kubernetes_secret_v1
// holding them and Data.
func NewGeneratedSecret(scope constructs.Construct, id string, spec GeneratedSecretSpec) (*GeneratedSecret, error) {
	var errs errList
	checkMeta("Secret", &spec.Meta, &errs)
	for _, k := range slices.Sorted(maps.Keys(spec.Passwords)) {
		if msgs := validation.IsConfigMapKey(k); len(msgs) > 0 {
			errs.add("Secret %q: key %q: %s", spec.Name, k, msgs[0])
		}
		if _, dup := spec.Data[k]; dup {
			errs.add("Secret %q: key %q is both generated and given", spec.Name, k)
		}
		if l := spec.Passwords[k].Length; l != 0 && (l < 8 || l > 1024) {
			errs.add("Secret %q: key %q: length %d must be between 8 and 1024", spec.Name, k, l)
		}
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	out := &GeneratedSecret{Values: map[string]string{}}
	data := map[string]string{}
	for k, v := range spec.Data {
		data[k] = v
	}
	err := cdk.Guard("generated Secret "+spec.Name, func() error {
		ensureRandomProvider(scope)
		for _, k := range slices.Sorted(maps.Keys(spec.Passwords)) {
			p := spec.Passwords[k]
			length := p.Length
			if length == 0 {
				length = 24
			}
			r := password.NewPassword(scope, jsii.String(fmt.Sprintf("%s-%s", id, sanitizeID(k))), &password.PasswordConfig{
				Length:  jsii.Number(float64(length)),
				Special: p.Special,
			})
			data[k] = *r.Result()
			out.Values[k] = *r.Result()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sec, err := NewSecret(scope, id, SecretSpec{Meta: spec.Meta, Data: data})
	if err != nil {
		return nil, err
	}
	out.Object = sec
	return out, nil
}

// ensureRandomProvider adds the random provider to the stack of scope unless it has one.
func ensureRandomProvider(scope constructs.Construct) {
	stack := cdktf.TerraformStack_Of(scope)
	if stack.Node().TryFindChild(jsii.String(RandomProviderID)) == nil {
		randomprovider.NewRandomProvider(stack, jsii.String(RandomProviderID), &randomprovider.RandomProviderConfig{})
	}
}

// sanitizeID turns a Secret key into a construct id fragment.
func sanitizeID(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}
