package k8s

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// OutputSpec describes a Terraform output of the stack: what `terraform output` (and
// `make output`) shows after an apply.
type OutputSpec struct {
	// Name of the output, unique in the stack (letters, digits, '_').
	Name string
	// Description shown by terraform.
	Description string
	// Value: a string, a Terraform reference, or maps and lists of them.
	Value any
	// Sensitive hides the value in plans and `terraform output` (shown with -json or -raw
	// only); required for anything holding a private key or a password.
	Sensitive bool
}

var outputName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// NewOutput declares an output on the stack of scope, named exactly Name (its construct id is
// Name, directly under the stack). A name already used in the stack is an error.
func NewOutput(scope constructs.Construct, spec OutputSpec) error {
	if !outputName.MatchString(spec.Name) {
		return fmt.Errorf("output %q: a name is 1 to 64 letters, digits and '_', not starting with a digit", spec.Name)
	}
	if spec.Value == nil {
		return fmt.Errorf("output %q: value: required", spec.Name)
	}
	return cdk.Guard("output "+spec.Name, func() error {
		stack := cdktf.TerraformStack_Of(scope)
		if stack.Node().TryFindChild(jsii.String(spec.Name)) != nil {
			return fmt.Errorf("output %q: the name is already used in stack %s", spec.Name, *stack.Node().Id())
		}
		cfg := &cdktf.TerraformOutputConfig{Value: spec.Value, Sensitive: jsii.Bool(spec.Sensitive)}
		if spec.Description != "" {
			cfg.Description = jsii.String(spec.Description)
		}
		cdktf.NewTerraformOutput(stack, jsii.String(spec.Name), cfg)
		return nil
	})
}

// Coalesce returns the first non-empty value: computed here when every value is a literal,
// else a Terraform expression (coalesce) evaluated at plan time.
func Coalesce(values ...string) string {
	dynamic := false
	for _, v := range values {
		if isRef(v) {
			dynamic = true
		} else if !dynamic && v != "" {
			return v
		}
	}
	if !dynamic {
		return ""
	}
	list := make([]interface{}, len(values))
	for i, v := range values {
		list[i] = v
	}
	return *cdktf.Token_AsString(cdktf.Fn_Coalesce(&list), nil)
}

// NodePortOf is a reference to the node port of the i-th port of a Service made by NewService
// (NodePort and LoadBalancer Services; known after the apply).
func NodePortOf(svc *Object, i int) string {
	if svc == nil || svc.Resource == nil {
		return ""
	}
	var out string
	_ = cdk.Guard("node port", func() error {
		out = *cdktf.Token_AsString(svc.Resource.InterpolationForAttribute(jsii.String(fmt.Sprintf("spec[0].port[%d].node_port", i))), nil)
		return nil
	})
	return out
}
