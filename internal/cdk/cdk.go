// Package cdk is the one place that creates CDKTF apps and stacks, synthesizes them and shuts
// the jsii runtime down. CDKTF 0.21.0 is the last release of CDK for Terraform; keeping the
// app-level cdktf calls here (and the resource-level ones in constructs/k8s) makes a later move
// to a fork such as CDK Terrain a change of a few files.
//
// jsii is not goroutine-safe: every function here, like every construct in the project, must be
// called from one goroutine at a time.
//
// The jsii runtime creates its node child's environment while Go packages initialize, before
// main runs, so settings for node (JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 against the
// Node 20 end-of-life banner, TMPDIR, JSII_NODE) must be in the environment of the process:
// the Makefile, scripts/cdktf-app.sh and .ci/run export them.
package cdk

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// App is a CDKTF application: the root of the construct tree.
type App = cdktf.App

// Stack is a CDKTF stack: one Terraform configuration (cdktf.out/stacks/<name>/cdk.tf.json).
type Stack = cdktf.TerraformStack

// NewApp returns an app that writes into outdir ("" = the CDKTF default: $CDKTF_OUTDIR when run
// by the cdktf CLI, else cdktf.out).
func NewApp(outdir string) App {
	cfg := &cdktf.AppConfig{}
	if outdir != "" {
		cfg.Outdir = jsii.String(outdir)
	}
	return cdktf.NewApp(cfg)
}

// NewTestApp returns an app for tests: stubbed version, temporary outdir, deterministic output.
func NewTestApp() App { return cdktf.Testing_App(nil) }

// NewStack adds a stack named name to scope (usually an App).
func NewStack(scope constructs.Construct, name string) Stack {
	return cdktf.NewTerraformStack(scope, jsii.String(name))
}

// Synth writes every stack of app to its outdir. jsii reports failures by panicking; they are
// returned as errors.
func Synth(app App) (err error) {
	defer recoverInto(&err, "synth")
	app.Synth()
	return nil
}

// SynthJSON returns the Terraform JSON of stack as cdktf.Testing_Synth renders it: keys
// sorted, "//" metadata and the backend left out, so it is stable across machines and
// suitable for golden files. Validations registered on constructs run first.
func SynthJSON(stack Stack) (out []byte, err error) {
	defer recoverInto(&err, "synth")
	s := cdktf.Testing_Synth(stack, jsii.Bool(true))
	if s == nil {
		return nil, fmt.Errorf("synth returned nothing")
	}
	if !json.Valid([]byte(*s)) {
		return nil, fmt.Errorf("synth returned invalid JSON")
	}
	return []byte(*s), nil
}

// Close stops the jsii runtime (its node child process) and removes its temporary files
// (/tmp/jsii-runtime.*). Call it once, last, when the process has finished with every construct.
//
// jsii-runtime-go's Close and its own reaper goroutine both wait for the node child; whichever
// loses prints "Runtime process exited abnormally: waitid: no child processes" to os.Stderr,
// which the cdktf CLI then shows as an [ERROR] although nothing failed. Close points os.Stderr
// at /dev/null first, so nothing printed after it (only that message) reaches the user.
func Close() {
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
	}
	jsii.Close()
}

// Guard runs fn and turns a jsii panic (a construct rejected by the runtime's type checks,
// for instance) into an error naming what was being built. Library entry points use it so
// callers get errors, never panics.
func Guard(what string, fn func() error) (err error) {
	defer recoverInto(&err, what)
	return fn()
}

func recoverInto(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: the CDKTF runtime failed: %v", what, r)
	}
}

// LocalBackend stores stack's Terraform state in the file at path (relative paths are relative
// to the directory terraform runs in: cdktf.out/stacks/<stack>). Without it, CDKTF's default
// is terraform.<stack>.tfstate in the project directory.
func LocalBackend(stack Stack, path string) error {
	return Guard("local backend", func() error {
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String(path)})
		return nil
	})
}

// DependOn makes stack depend on dependency: the cdktf CLI deploys dependency first and
// destroys it last, and refuses to deploy stack alone unless told to ignore the dependency.
func DependOn(stack, dependency Stack) error {
	return Guard("stack dependency", func() error {
		stack.AddDependency(dependency)
		return nil
	})
}
