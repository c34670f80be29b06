package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

func TestMain(m *testing.M) {
	closeRuntime = func() {}
	// Start the jsii runtime here: its node process keeps the working directory it starts in,
	// and runIn's temporary directories are gone after their test (run's relative cdktf.out
	// would then fail to resolve when a subset of the tests runs).
	cdk.NewTestApp()
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

// TestLocalhostGolden pins the synthesized default stack, for each supported version: the
// default version's is testdata/armonik-localhost.golden.json, the others
// armonik-localhost-<version>.golden.json.
func TestLocalhostGolden(t *testing.T) {
	for _, version := range versions.Keys() {
		t.Run(version, func(t *testing.T) {
			cfg := stacks.DefaultLocalhost()
			cfg.ArmoniK.Version = version
			st, err := stacks.NewLocalhost(cdk.NewTestApp(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			out, err := cdk.SynthJSON(st.Stack)
			if err != nil {
				t.Fatal(err)
			}
			name := stacks.LocalhostName
			if version != versions.Default {
				name += "-" + version
			}
			golden.JSON(t, name, out)
		})
	}
}

// runIn runs the app in a fresh directory with the given configuration file content ("" = none).
func runIn(t *testing.T, config string, args ...string) (code int, stdout, stderr string, dir string) {
	t.Helper()
	return runAt(t, t.TempDir(), config, args...)
}

// runAt runs the app in dir with the given configuration file content ("" = none).
func runAt(t *testing.T, dir, config string, args ...string) (code int, stdout, stderr string, _ string) {
	t.Helper()
	t.Setenv("CDKTF_OUTDIR", "")
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
		"ArmoniK version 2.23.0: Core 0.37.2, API 3.28.3",
		"previous version: none known (no upgrade_from, no previous synthesis of the stack): no migration checked",
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
	if code != 1 || !strings.Contains(stderr, `no stack "nope": the stacks are armonik-localhost, armonik-external, armonik-platform (the configuration builds armonik-localhost)`) {
		t.Errorf("explain of an unknown stack: exit %d, %s", code, stderr)
	}
	code, _, stderr, _ = runIn(t, "", "explain", stacks.ExternalName)
	if code != 1 || !strings.Contains(stderr, `stack "armonik-external" is not built by this configuration, which builds armonik-localhost: list it under stacks:`) {
		t.Errorf("explain of a stack not built: exit %d, %s", code, stderr)
	}
	code, _, stderr, _ = runIn(t, "", "explain", stacks.PlatformName)
	if code != 1 || !strings.Contains(stderr, `(stacks: [armonik-localhost, armonik-platform]) and configure its section (platform:)`) {
		t.Errorf("explain of the platform not built: exit %d, %s", code, stderr)
	}
	if code, _, _, _ := runIn(t, "", "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

// TestUpgradeGuardReadsThePreviousSynthesis synthesizes 2.22.3, then asks for the default
// version in the same directory: the app reads the previous cdk.tf.json, refuses the upgrade
// across Core's 0.34 -> 0.35 migration and writes nothing, until the configuration
// acknowledges it; explain names the previous version and where it was read.
func TestUpgradeGuardReadsThePreviousSynthesis(t *testing.T) {
	dir := t.TempDir()
	// The jsii runtime resolves a relative outdir from its own directory: synthesize to an
	// absolute one, as the cdktf CLI does ($CDKTF_OUTDIR).
	defer func(prev string) { outdir = prev }(outdir)
	outdir = filepath.Join(dir, "cdktf.out")
	if code, _, stderr, _ := runAt(t, dir, "localhost:\n  armonik: {version: 2.22.3}\n"); code != 0 {
		t.Fatalf("synth 2.22.3: exit %d\n%s", code, stderr)
	}
	file := filepath.Join(dir, "cdktf.out", "stacks", stacks.LocalhostName, "cdk.tf.json")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr, _ := runAt(t, dir, "localhost:\n  queue: {activemq: {}}\n")
	if code != 1 {
		t.Fatalf("upgrade without acknowledgement: exit %d", code)
	}
	for _, want := range []string{
		"armonik.version: upgrading from 2.22.3 (Core 0.34.5) (deployed, from " + file + ") to 2.23.0 (Core 0.37.2) crosses Core's database migration 0.34.x -> 0.35.x",
		`set acknowledge_migration: "2.23.0"`,
		"(if that synthesis was never deployed, set upgrade_from: \"2.23.0\")",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Error("a refused upgrade must not rewrite the synthesis")
	}
	const acked = "localhost:\n  armonik: {acknowledge_migration: 2.23.0}\n"
	code, stdout, stderr, _ := runAt(t, dir, acked, "explain", stacks.LocalhostName)
	if code != 0 {
		t.Fatalf("explain of the acknowledged upgrade: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"ArmoniK version 2.23.0: Core 0.37.2",
		"previous version: 2.22.3 (Core 0.34.5) (from " + file + ")",
		"migration 0.34.x -> 0.35.x: the authentication tables",
		`acknowledged by acknowledge_migration "2.23.0"`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
	if code, _, stderr, _ := runAt(t, dir, acked); code != 0 {
		t.Fatalf("acknowledged upgrade: exit %d\n%s", code, stderr)
	}
	if after, _ := os.ReadFile(file); !strings.Contains(string(after), "dockerhubaneo/armonik_control:0.37.2") {
		t.Error("the acknowledged upgrade must synthesize 2.23.0")
	}
}

// TestE2EVersionsCoversEveryVersion keeps the versions scripts/e2e-versions.sh deploys equal
// to the supported ones.
func TestE2EVersionsCoversEveryVersion(t *testing.T) {
	script, err := os.ReadFile("scripts/e2e-versions.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VERSIONS=\$\{E2E_VERSIONS:-"([^"]+)"\}`).FindSubmatch(script)
	if m == nil {
		t.Fatal(`scripts/e2e-versions.sh has no VERSIONS=${E2E_VERSIONS:-"..."}`)
	}
	if got, want := string(m[1]), strings.Join(versions.Keys(), " "); got != want {
		t.Errorf("scripts/e2e-versions.sh deploys %q, the supported versions are %q", got, want)
	}
	for _, v := range versions.Keys() {
		if !strings.Contains(string(script), "\n\t"+v+") core=") {
			t.Errorf("scripts/e2e-versions.sh has no expectations for %s", v)
		}
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

// TestElasticGolden pins armonik-platform (KEDA) and armonik-localhost with an in-cluster
// Prometheus and two partitions scaling 0..5 on their queue length, and checks what matters.
func TestElasticGolden(t *testing.T) {
	fixture, err := os.ReadFile("testdata/elastic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := stacks.Parse(fixture)
	if err != nil {
		t.Fatal(err)
	}
	built, err := stacks.Build(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 2 || built[0].Name != stacks.PlatformName || built[1].Name != stacks.LocalhostName {
		t.Fatalf("built %v", built)
	}
	deps := built[1].Stack.Dependencies()
	if deps == nil || len(*deps) != 1 || *(*deps)[0].Node().Id() != stacks.PlatformName {
		t.Errorf("armonik-localhost must depend on armonik-platform (deploy order), got %v", deps)
	}
	var platform, local synthtest.JSON
	for _, b := range built {
		raw, out := synthtest.Synth(t, b.Stack)
		golden.JSON(t, b.Name+"-elastic", raw)
		if b.Name == stacks.PlatformName {
			platform = out
		} else {
			local = out
		}
	}

	// Each ScaledObject scales its own Deployment on its own partition's gauge.
	for _, p := range []struct{ name, metric, threshold string }{
		{"default", "armonik_default_tasks_queued", "2"},
		{"batch-jobs", "armonik_batch_jobs_tasks_queued", "4"},
	} {
		so := local.Manifest(t, "ScaledObject", "compute-plane-"+p.name)
		spec := synthtest.Get(so, "manifest.spec")
		if got := synthtest.Get(spec, "scaleTargetRef.name"); got != "compute-plane-"+p.name {
			t.Errorf("%s: scales %v", p.name, got)
		}
		if min, max := synthtest.Get(spec, "minReplicaCount"), synthtest.Get(spec, "maxReplicaCount"); min != 0.0 || max != 5.0 {
			t.Errorf("%s: bounds %v..%v, want 0..5", p.name, min, max)
		}
		trig := synthtest.Get(spec, "triggers.0")
		if got, want := synthtest.Get(trig, "metadata.query"), `max(`+p.metric+`{namespace="armonik"})`; got != want {
			t.Errorf("%s: query %v, want %s", p.name, got, want)
		}
		if got := synthtest.Get(trig, "metadata.serverAddress"); got != "http://prometheus.armonik.svc.cluster.local:9090" {
			t.Errorf("%s: server %v", p.name, got)
		}
		if got := synthtest.Get(trig, "metadata.threshold"); got != p.threshold {
			t.Errorf("%s: threshold %v", p.name, got)
		}
		if got := synthtest.String(synthtest.Get(so, "depends_on")); got != `["kubernetes_deployment_v1.armonik-compute-plane-`+p.name+`"]` {
			t.Errorf("%s: depends_on %s", p.name, got)
		}
		d := local.Named(t, "kubernetes_deployment_v1", "compute-plane-"+p.name)
		if got := synthtest.Get(d, "spec.replicas"); got != "0" {
			t.Errorf("%s: initial replicas %v, want 0 (min_replicas)", p.name, got)
		}
		if got := synthtest.String(synthtest.Get(d, "lifecycle.ignore_changes")); got != `["spec[0].replicas"]` {
			t.Errorf("%s: ignore_changes %s: Terraform would fight KEDA", p.name, got)
		}
	}
	if got := synthtest.String(synthtest.Get(local.Manifest(t, "ScaledObject", "compute-plane-batch-jobs"), "manifest.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown")); got != `{"policies":[{"periodSeconds":60,"type":"Pods","value":1}],"stabilizationWindowSeconds":600}` {
		t.Errorf("batch-jobs scale-down behavior %s", got)
	}

	// The updater's Role grants get and patch on pods, in the namespace, and nothing else.
	role := local.Named(t, "kubernetes_role_v1", "pod-deletion-cost")
	if got := synthtest.String(synthtest.Get(role, "rule")); got != `[{"api_groups":[""],"resources":["pods"],"verbs":["get","patch"]}]` {
		t.Errorf("pod-deletion-cost rules %s", got)
	}
	if got := synthtest.Get(role, "metadata.namespace"); got != "${kubernetes_namespace_v1.namespace.metadata[0].name}" {
		t.Errorf("pod-deletion-cost role namespace %v", got)
	}
	binding := local.Named(t, "kubernetes_role_binding_v1", "pod-deletion-cost")
	if got := synthtest.Get(binding, "subject.0.name"); got != "${kubernetes_service_account_v1.armonik-pdc-service-account.metadata[0].name}" {
		t.Errorf("pod-deletion-cost binding subject %v", got)
	}
	pdc := synthtest.Containers(local.Named(t, "kubernetes_deployment_v1", "pod-deletion-cost"))["pod-deletion-cost"]
	if got := synthtest.Get(synthtest.Env(pdc, "PrometheusUrl"), "value"); got != "http://prometheus.armonik.svc.cluster.local:9090/" {
		t.Errorf("PrometheusUrl %v", got)
	}

	// Busy pods are spared: half the grace period for the task, the worker waits for the agent.
	batch := synthtest.Containers(local.Named(t, "kubernetes_deployment_v1", "compute-plane-batch-jobs"))
	if got := synthtest.Get(synthtest.Env(batch["polling-agent"], "Pollster__GraceDelay"), "value"); got != "00:30:00" {
		t.Errorf("batch-jobs Pollster__GraceDelay %v, want 00:30:00 (half of 3600 s)", got)
	}
	if got := synthtest.String(synthtest.Get(batch["worker"], "lifecycle.pre_stop.0.exec.command")); !strings.Contains(got, "/cache/shared/armonik_agent.sock") {
		t.Errorf("worker preStop %s", got)
	}

	// KEDA: the six CRDs, the APIService whose caBundle the operator owns.
	var crds []string
	for _, r := range platform.Resources("kubernetes_manifest") {
		if synthtest.Get(r, "manifest.kind") == "CustomResourceDefinition" {
			crds = append(crds, synthtest.Get(r, "manifest.metadata.name").(string))
		}
	}
	if len(crds) != 6 {
		t.Errorf("KEDA CRDs %v, want 6", crds)
	}
	api := platform.Named(t, "kubernetes_api_service_v1", "v1beta1.external.metrics.k8s.io")
	if got := synthtest.String(synthtest.Get(api, "lifecycle.ignore_changes")); got != `["spec[0].ca_bundle"]` {
		t.Errorf("APIService ignore_changes %s", got)
	}

	// "KEDA already installed": no platform, no dependency, the same ScaledObjects.
	existing, err := stacks.Parse([]byte(strings.Replace(string(fixture), "stacks: [armonik-platform, armonik-localhost]\nlocalhost:\n", "stacks: [armonik-localhost]\nlocalhost:\n  keda: {existing: true}\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	alone, err := stacks.Build(cdk.NewTestApp(), existing)
	if err != nil {
		t.Fatal(err)
	}
	if len(alone) != 1 || alone[0].Stack.Dependencies() != nil && len(*alone[0].Stack.Dependencies()) != 0 {
		t.Fatalf("KEDA already installed: one stack without dependencies, got %v", alone)
	}
	if got := len(alone[0].ArmoniK.ScaledObjects); got != 2 {
		t.Errorf("KEDA already installed: %d ScaledObjects, want 2", got)
	}

	// explain says, per partition, how it scales and from which metric.
	code, stdout, stderr, _ := runIn(t, string(fixture), "explain", stacks.LocalhostName)
	if code != 0 {
		t.Fatalf("explain: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"partition default\n    replicas     0..5 on its queue length: KEDA ScaledObject compute-plane-default",
		`metric       max(armonik_default_tasks_queued{namespace="armonik"})`,
		"partition batch-jobs\n    replicas     0..5 on its queue length",
		`metric       max(armonik_batch_jobs_tasks_queued{namespace="armonik"})`,
		"source       prometheus http://prometheus.armonik.svc.cluster.local:9090",
		"scale-down   idle pods first",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, stdout[strings.Index(stdout, "scaling\n"):])
		}
	}
}
