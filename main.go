// Command armonik-cdktf is the CDKTF app that deploys ArmoniK on Kubernetes.
//
// Run by the cdktf CLI (npx cdktf synth|diff|deploy|destroy, see cdktf.json) or directly
// (go run .), it writes each stack to cdktf.out/stacks/<stack>/cdk.tf.json. See ./help.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without os.Exit, so deferred calls (jsii.Close) run and tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "--help":
			fmt.Fprintln(stdout, "usage: go run . (synthesizes the stacks into cdktf.out/); see the help file for every command")
			return 0
		default:
			fmt.Fprintf(stderr, "armonik-cdktf: unknown command %q (see ./help)\n", args[0])
			return 2
		}
	}
	defer cdk.Close()
	app := cdk.NewApp("")
	if _, err := stacks.NewLocalhost(app, stacks.DefaultLocalhost()); err != nil {
		fmt.Fprintf(stderr, "armonik-cdktf: %v\n", err)
		return 1
	}
	if err := cdk.Synth(app); err != nil {
		fmt.Fprintf(stderr, "armonik-cdktf: %v\n", err)
		return 1
	}
	return 0
}
