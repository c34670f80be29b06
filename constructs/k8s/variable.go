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

// VariableValidation is a validation block of a variable: Condition is a Terraform expression
// (without ${}) that must be true for the value, with var.<name> standing for it; ErrorMessage is
// what Terraform prints when it is false (a full sentence, never the value).
type VariableValidation struct {
	Condition    string
	ErrorMessage string
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
//
// Each validation becomes a validation block: Terraform checks the value before planning.
func NewSensitiveVariable(scope constructs.Construct, name, description string, validations ...VariableValidation) (*Variable, error) {
	if !variableName.MatchString(name) {
		return nil, fmt.Errorf("variable %q: a name is 1 to 64 letters, digits and '_', not starting with a digit", name)
	}
	if description == "" {
		return nil, fmt.Errorf("variable %q: description: required (it is what `terraform plan` shows when asking for it)", name)
	}
	var checks []*cdktf.TerraformVariableValidationConfig
	for i, v := range validations {
		if v.Condition == "" || v.ErrorMessage == "" {
			return nil, fmt.Errorf("variable %q: validation %d: condition and error message are required", name, i)
		}
		checks = append(checks, &cdktf.TerraformVariableValidationConfig{
			Condition: jsii.String("${" + v.Condition + "}"), ErrorMessage: jsii.String(v.ErrorMessage),
		})
	}
	var out *Variable
	err := cdk.Guard("variable "+name, func() error {
		stack := cdktf.TerraformStack_Of(scope)
		if stack.Node().TryFindChild(jsii.String(name)) != nil {
			return fmt.Errorf("variable %q: the name is already used in stack %s (two modules with the same instance name?)", name, *stack.Node().Id())
		}
		cfg := &cdktf.TerraformVariableConfig{
			Type:        jsii.String("string"),
			Description: jsii.String(description),
			Sensitive:   jsii.Bool(true),
			Nullable:    jsii.Bool(false),
		}
		if len(checks) > 0 {
			cfg.Validation = &checks
		}
		v := cdktf.NewTerraformVariable(stack, jsii.String(name), cfg)
		out = &Variable{Name: name, Value: *v.StringValue()}
		return nil
	})
	return out, err
}
