// Command armonik-cdktf is the CDKTF app that deploys ArmoniK on Kubernetes.
//
// Run by the cdktf CLI (npx cdktf synth|diff|deploy|destroy, see cdktf.json) or directly
// (go run .), it reads the configuration ($ARMONIK_CONFIG, else ./armonik.yaml, else the
// built-in defaults) and writes each selected stack to cdktf.out/stacks/<stack>/cdk.tf.json.
//
//	go run .                          synthesize
//	go run . explain [stack]          print every container's env, envFrom and mounts with their origin
//	go run . explain --mermaid [stack] print the AEP 5 graph: modules -> layers -> containers
//	go run . images [stack]           print every image the stacks pull, one per line (for mirroring)
//	go run . restore [--dump D] [stack] print the Job restoring MongoDB from a backup (JSON)
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// report prints an error: every quoted value longer than a line is cut, with its length, so a
// mistaken value (a pasted file) never floods the terminal.
func report(w io.Writer, format string, args ...any) {
	fmt.Fprint(w, yamlconf.ShortenQuoted(fmt.Sprintf(format, args...)))
}

// closeRuntime stops the jsii runtime when run ends; tests, which share one runtime between
// many runs, replace it.
var closeRuntime = func() {
	// Everything run prints is written by now. The jsii runtime's shutdown may print a spurious
	// "Runtime process exited abnormally: waitid: no child processes" (see cdk.Close), which
	// the cdktf CLI would show as an [ERROR]: the program, not the library, points its own
	// stderr at /dev/null before stopping the runtime.
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
	}
	cdk.Close()
}

const usage = `usage:
  go run .                             synthesize the configured stacks into cdktf.out/
  go run . explain [--mermaid] [stack] explain the configuration of every ArmoniK container
  go run . images [stack]              print every image reference the stacks pull, one per line,
                                       sorted (after the image_registry rewrite): the list to mirror
  go run . restore [--dump D] [stack]  print the Job restoring MongoDB from its backup D (default latest)
The configuration is read from $ARMONIK_CONFIG, else ./armonik.yaml, else built-in defaults.
See the help file for every command.`

// run is main without os.Exit, so deferred calls (the jsii runtime's shutdown) run and tests
// can call it. Configuration and construction problems are all printed to stderr, and nothing
// is written, before any synthesis.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "synth"
	if len(args) > 0 {
		cmd = args[0]
		args = args[1:]
	}
	mermaid, stack := false, ""
	switch cmd {
	case "synth":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "armonik-cdktf: unexpected arguments %q\n%s\n", args, usage)
			return 2
		}
	case "explain":
		for _, a := range args {
			switch {
			case a == "--mermaid":
				mermaid = true
			case stack == "" && len(a) > 0 && a[0] != '-':
				stack = a
			default:
				fmt.Fprintf(stderr, "armonik-cdktf: explain: unexpected argument %q\n%s\n", a, usage)
				return 2
			}
		}
	case "images":
		for _, a := range args {
			if stack != "" || len(a) == 0 || a[0] == '-' {
				fmt.Fprintf(stderr, "armonik-cdktf: images: unexpected argument %q\n%s\n", a, usage)
				return 2
			}
			stack = a
		}
	case "restore":
		return restore(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "armonik-cdktf: unknown command %q\n%s\n", cmd, usage)
		return 2
	}

	cfg, path, err := stacks.Load()
	if err != nil {
		report(stderr, "armonik-cdktf: invalid configuration %s\n%v\n", describe(path), err)
		return 1
	}
	// The version deployed before, for the upgrade guard: the previous synthesis of each stack.
	prev := outdir
	if prev == "" {
		prev = stacks.OutDir()
	}
	stacks.ReadDeployed(prev, cfg)
	defer closeRuntime()
	app := cdk.NewApp(outdir)
	built, err := stacks.Build(app, cfg)
	if err != nil {
		report(stderr, "armonik-cdktf: configuration %s:\n%v\n", describe(path), err)
		return 1
	}
	switch {
	case cmd == "explain" && mermaid:
		err = stacks.Mermaid(stdout, built, stack)
	case cmd == "explain":
		err = stacks.Explain(stdout, built, stack)
	case cmd == "images":
		err = stacks.ListImages(stdout, built, stack)
	default:
		err = cdk.Synth(app)
	}
	if err != nil {
		report(stderr, "armonik-cdktf: %v\n", err)
		return 1
	}
	return 0
}

// outdir is where synth writes ("" = CDKTF's default: $CDKTF_OUTDIR, else cdktf.out).
var outdir = ""

func describe(path string) string {
	if path == "" {
		return "(built-in defaults)"
	}
	return path
}

// restore prints the Job restoring the stack's MongoDB from a backup (docs/operations.md):
// restore [--dump latest|<UTC timestamp>] [stack]. It reads the configuration but builds no
// stack, so it needs no jsii runtime.
func restore(args []string, stdout, stderr io.Writer) int {
	dump, stack := "latest", ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--dump" && i+1 < len(args):
			dump = args[i+1]
			i++
		case stack == "" && a != "" && a[0] != '-':
			stack = a
		default:
			fmt.Fprintf(stderr, "armonik-cdktf: restore: unexpected argument %q\n%s\n", a, usage)
			return 2
		}
	}
	cfg, path, err := stacks.Load()
	if err != nil {
		report(stderr, "armonik-cdktf: invalid configuration %s\n%v\n", describe(path), err)
		return 1
	}
	job, err := stacks.RestoreJob(cfg, stack, dump)
	if err != nil {
		report(stderr, "armonik-cdktf: configuration %s:\n%v\n", describe(path), err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(job); err != nil {
		report(stderr, "armonik-cdktf: %v\n", err)
		return 1
	}
	return 0
}
