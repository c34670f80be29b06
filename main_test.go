package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

func TestMain(m *testing.M) {
	closeRuntime = func() {}
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

// TestLocalhostGolden pins the synthesized default stack.
func TestLocalhostGolden(t *testing.T) {
	st, err := stacks.NewLocalhost(cdk.NewTestApp(), stacks.DefaultLocalhost())
	if err != nil {
		t.Fatal(err)
	}
	out, err := cdk.SynthJSON(st.Stack)
	if err != nil {
		t.Fatal(err)
	}
	golden.JSON(t, stacks.LocalhostName, out)
}

// runIn runs the app in a fresh directory with the given configuration file content ("" = none).
func runIn(t *testing.T, config string, args ...string) (code int, stdout, stderr string, dir string) {
	t.Helper()
	dir = t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	t.Setenv(stacks.ConfigEnv, "")
	if config != "" {
		if err := os.WriteFile("armonik.yaml", []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String(), dir
}

func TestBadConfigPrintsEveryErrorAndWritesNothing(t *testing.T) {
	code, _, stderr, dir := runIn(t, `
stacks: [armonik-localhost, armonik-nowhere]
localhost:
  namespace: Not_A_Name
  colour: blue
  armonik:
    partitions:
      - name: a
        replicas: -2
      - name: a
`)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		`line 5: localhost.colour: unknown key`,
		`armonik.yaml`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); err == nil {
		t.Error("a bad configuration must not write cdktf.out")
	}
	// Once the file parses, every semantic problem is reported together.
	code, _, stderr, dir = runIn(t, `
stacks: [armonik-localhost, armonik-nowhere]
localhost:
  namespace: Not_A_Name
  armonik:
    partitions:
      - name: a
        replicas: -2
      - name: a
`)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	for _, want := range []string{
		`stacks[1]: unknown stack "armonik-nowhere"`,
		`localhost.namespace: "Not_A_Name"`,
		`localhost.armonik.partitions[0].replicas: -2 must be >= 0`,
		`localhost.armonik.partitions[1].name: "a" is already the name of partitions[0]`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); err == nil {
		t.Error("a bad configuration must not write cdktf.out")
	}
}

// TestCoreRuleStopsSynth: a configuration whose value breaks one of Core's startup rules fails
// synth, writes nothing, and names the rule, whether the value conflicts with a module's (core
// layer) or replaces it on purpose (override).
func TestCoreRuleStopsSynth(t *testing.T) {
	for doc, module := range map[string]string{`
localhost:
  armonik:
    layers:
      core:
        env: {Amqp__MaxPriority: "0"}
`: "config localhost.armonik.layers.core", `
localhost:
  armonik:
    overrides:
      polling:
        env: {Amqp__MaxPriority: "0"}
`: "config localhost.armonik.overrides.polling"} {
		code, _, stderr, dir := runIn(t, doc)
		if code != 1 {
			t.Fatalf("exit code %d, want 1\n%s", code, stderr)
		}
		for _, want := range []string{`Amqp__MaxPriority = "0" from module "` + module + `"`, "rule amqp.max-priority", "Minimum value for MaxPriority is 1.",
			"Adaptors/QueueCommon/src/QueueStorageBase.cs"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); err == nil {
			t.Error("a configuration breaking a Core rule must not write cdktf.out")
		}
	}
}

// TestOversizedValuesAreCut: an error never echoes a huge value whole.
func TestOversizedValuesAreCut(t *testing.T) {
	code, _, stderr, _ := runIn(t, "localhost:\n  namespace: "+strings.Repeat("n", 5000)+"\n")
	if code != 1 || !strings.Contains(stderr, `... (5000 characters)`) || strings.Contains(stderr, strings.Repeat("n", 200)) {
		t.Errorf("exit %d, stderr %.300s", code, stderr)
	}
}

func TestExplainCommand(t *testing.T) {
	code, stdout, stderr, _ := runIn(t, "", "explain", stacks.LocalhostName)
	if code != 0 {
		t.Fatalf("explain: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"# stack armonik-localhost",
		"container polling-agent",
		"MongoDB__ConnectionString",
		"secret:mongodb-connection/uri",
		"container worker",
		"Core 0.37.2 rules, container control-plane (submitter, image dockerhubaneo/armonik_control:0.37.2)",
		"ok      amqp.max-priority            Amqp__MaxPriority=\"10\"",
		"present amqp.connection              Amqp__Password: from Secret \"activemq-credentials\"",
		"ok      metrics.least-privilege",
		"ok      dynamic.paths",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain output lacks %q", want)
		}
	}
	code, _, stderr, _ = runIn(t, "", "explain", "nope")
	if code != 1 || !strings.Contains(stderr, `no stack "nope": the stacks are armonik-localhost, armonik-external (the configuration builds armonik-localhost)`) {
		t.Errorf("explain of an unknown stack: exit %d, %s", code, stderr)
	}
	code, _, stderr, _ = runIn(t, "", "explain", stacks.ExternalName)
	if code != 1 || !strings.Contains(stderr, `stack "armonik-external" is not built by this configuration, which builds armonik-localhost: list it under stacks:`) {
		t.Errorf("explain of a stack not built: exit %d, %s", code, stderr)
	}
	if code, _, _, _ := runIn(t, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

// TestReadmeGraph keeps the graph embedded in README.md equal to the default stack's.
func TestReadmeGraph(t *testing.T) {
	code, stdout, stderr, _ := runIn(t, "", "explain", "--mermaid")
	if code != 0 {
		t.Fatalf("explain --mermaid: exit %d\n%s", code, stderr)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)(<!-- graph:begin -->\n```mermaid\n)(.*?)(```\n<!-- graph:end -->)")
	m := re.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no <!-- graph:begin --> ```mermaid ... ``` <!-- graph:end --> block")
	}
	golden.File(t, "README.md", re.ReplaceAll(readme, []byte("${1}"+strings.ReplaceAll(stdout, "$", "$$")+"${3}")))
}

// TestReadmeGoExample type-checks the Go program of the README's "Using it from your own Go
// code" section against the current packages (go vet in a scratch package of this module).
func TestReadmeGoExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Using it from your own Go code\n\n```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no go example under ## Using it from your own Go code")
	}
	dir, err := os.MkdirTemp(".", "_readme_example_")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "vet", "./"+filepath.Base(dir)).CombinedOutput()
	if err != nil {
		t.Errorf("the README's Go example does not compile:\n%s", out)
	}
}

// TestReadmeConfigExample keeps the README's configuration example valid.
func TestReadmeConfigExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Configuration.*?```yaml\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no yaml example under ## Configuration")
	}
	if _, err := stacks.Parse(m[1]); err != nil {
		t.Errorf("the README's configuration example is invalid:\n%v", err)
	}
}

// TestExternalGolden pins armonik-external built from its fixture configuration.
func TestExternalGolden(t *testing.T) {
	cfg, err := stacks.LoadFile("testdata/external.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := stacks.NewExternal(cdk.NewTestApp(), cfg.External)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cdk.SynthJSON(st.Stack)
	if err != nil {
		t.Fatal(err)
	}
	golden.JSON(t, stacks.ExternalName, out)
	for _, forbidden := range []string{"kubernetes_stateful_set_v1", `"activemq"`, `"mongodb"`} {
		if strings.Contains(string(out), forbidden) {
			t.Errorf("armonik-external must run no backing service, found %s", forbidden)
		}
	}
	if !strings.Contains(string(out), `"sensitive": true`) {
		t.Error("Amazon MQ credentials must come from sensitive variables")
	}
}
