package k8s

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Variable is a Terraform input variable declared by the stack.
type Variable struct {
	// Name is the variable's name: set it with TF_VAR_<name>, -var or a .tfvars file.
	Name string
	// Value is a Terraform reference to its value (it renders as ${var.<name>}): put it in a
	// Secret's data, never in a ConfigMap or a literal env value.
	Value string
}

// variableName is what Terraform accepts as a variable name, without the dashes Terraform
// allows but shells do not (TF_VAR_<name>).
var variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// NewSensitiveVariable declares, on the stack of scope, a Terraform variable holding a secret:
// type string, sensitive (Terraform never prints it), not nullable and without a default, so a
// plan fails until it is given, and no value is ever written in the synthesized configuration.
// The variable's construct id is its name, directly under the stack, so its name in Terraform
// is exactly name. A name already used in the stack (another variable, or any construct with
// that id) is an error, never a panic.
func NewSensitiveVariable(scope constructs.Construct, name, description string) (*Variable, error) {
	if !variableName.MatchString(name) {
		return nil, fmt.Errorf("variable %q: a name is 1 to 64 letters, digits and '_', not starting with a digit", name)
	}
	if description == "" {
		return nil, fmt.Errorf("variable %q: description: required (it is what `terraform plan` shows when asking for it)", name)
	}
	var out *Variable
	err := cdk.Guard("variable "+name, func() error {
		stack := cdktf.TerraformStack_Of(scope)
		if stack.Node().TryFindChild(jsii.String(name)) != nil {
			return fmt.Errorf("variable %q: the name is already used in stack %s (two modules with the same instance name?)", name, *stack.Node().Id())
		}
		v := cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
			Type:        jsii.String("string"),
			Description: jsii.String(description),
			Sensitive:   jsii.Bool(true),
			Nullable:    jsii.Bool(false),
		})
		out = &Variable{Name: name, Value: *v.StringValue()}
		return nil
	})
	return out, err
}
