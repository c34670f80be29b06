package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// buildVariant builds the stack a variant configures (armonik-external when it lists it).
func buildVariant(t *testing.T, doc string) *stacks.Stack {
	t.Helper()
	cfg := &stacks.Config{}
	var err error
	if doc != "" {
		if cfg, err = stacks.Parse([]byte(doc)); err != nil {
			t.Fatal(err)
		}
	}
	var st *stacks.Stack
	if strings.Contains(doc, "armonik-external") {
		st, err = stacks.NewExternal(cdk.NewTestApp(), cfg.External)
	} else {
		st, err = stacks.NewLocalhost(cdk.NewTestApp(), cfg.Localhost)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// podSecurityProblems walks every pod template of a synthesized stack (init containers
// included) and checks it against the level its namespace enforces: restricted (ArmoniK's
// namespace, and any namespace the stack does not create), baseline (Seq's: its image runs as
// root; only Seq's pods may be there), privileged (the node agents': not checked). It returns
// the problems and how many pod templates were checked.
func podSecurityProblems(t *testing.T, out synthtest.JSON) (problems []string, checked int) {
	t.Helper()
	for _, p := range out.PodTemplates() {
		labels, _ := out.NamespaceLabels(p.Namespace)
		switch labels["pod-security.kubernetes.io/enforce"] {
		case "privileged":
			continue
		case "baseline":
			if !strings.Contains(p.Where, ".seq-") {
				problems = append(problems, p.Where+": in a namespace at the level baseline; only Seq's pods may be there")
			}
			problems = append(problems, p.BaselineProblems()...)
		default:
			problems = append(problems, p.RestrictedProblems()...)
		}
		checked++
	}
	return problems, checked
}

// checkRestricted checks the synthesis out of a built variant: every container of every pod
// template, field by field, against the Pod Security level restricted as the API server
// receives it from the provider (synthtest.RestrictedProblems), and that the stack's namespace
// enforces, audits and warns at that level. The node agents' namespace is labelled privileged
// (they read the nodes' files); the hostpath variant asks for privileged and gets it.
// TestStackVariantsPassCoreRules runs it on every documented variant.
func checkRestricted(t *testing.T, st *stacks.Stack, out synthtest.JSON, doc string) {
	t.Helper()
	want := "restricted"
	if strings.Contains(doc, "pod_security: privileged") {
		want = "privileged"
	}
	labels, ok := out.NamespaceLabels(st.Namespace.Name)
	if !ok {
		t.Fatalf("the stack creates no namespace %s", st.Namespace.Name)
	}
	for _, mode := range []string{"enforce", "audit", "warn"} {
		if got := labels["pod-security.kubernetes.io/"+mode]; got != want {
			t.Errorf("namespace %s: pod-security.kubernetes.io/%s = %v, want %s", st.Namespace.Name, mode, got, want)
		}
	}
	if want == "privileged" {
		return
	}
	problems, checked := podSecurityProblems(t, out)
	if checked < 5 {
		t.Errorf("only %d pod templates checked", checked)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestGoldenPodsPassRestricted checks every pod template of the stacks' goldens the same way.
func TestGoldenPodsPassRestricted(t *testing.T) {
	files, err := filepath.Glob("testdata/*.golden.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("goldens: %v %v", files, err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := synthtest.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		problems, _ := podSecurityProblems(t, out)
		for _, p := range problems {
			t.Errorf("%s: %s", f, p)
		}
		// Every namespace a stack creates says which level it enforces (KEDA's included).
		for _, ns := range out.Resources("kubernetes_namespace_v1") {
			name, _ := synthtest.Get(ns, "metadata.name").(string)
			if labels, _ := out.NamespaceLabels(name); labels["pod-security.kubernetes.io/enforce"] == nil {
				t.Errorf("%s: namespace %s has no pod-security.kubernetes.io/enforce label", f, name)
			}
		}
	}
}

// TestSecurityDocsConfigurations: every YAML configuration of docs/security.md and
// docs/production.md (the blocks starting with localhost:) parses, validates and builds.
func TestSecurityDocsConfigurations(t *testing.T) {
	n := 0
	for _, doc := range []string{"docs/security.md", "docs/production.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, block := range strings.Split(string(raw), "```yaml\n")[1:] {
			block = block[:strings.Index(block, "```")]
			if !strings.HasPrefix(block, "localhost:") {
				continue
			}
			n++
			t.Run(fmt.Sprintf("%s#%d", filepath.Base(doc), i), func(t *testing.T) {
				st := buildVariant(t, block)
				_, out := synthtest.Synth(t, st.Stack)
				if problems, _ := podSecurityProblems(t, out); len(problems) > 0 {
					t.Errorf("%s", strings.Join(problems, "\n"))
				}
			})
		}
	}
	if n < 2 {
		t.Errorf("only %d configurations found in the docs", n)
	}
}

// TestPodBreakingTheLevelIsRefused: a layer's hostPath or inline NFS volume reaching a pod is
// refused before Terraform runs, naming the Deployment, the volume, the level and the level
// that would admit it; the same configuration builds under that level.
func TestPodBreakingTheLevelIsRefused(t *testing.T) {
	for _, tc := range []struct {
		volume, level, want, admits string
	}{
		{"{path: /cache/node, host_path: {path: /var/cache/armonik}}", "restricted", `volume "node" is a hostPath volume (/var/cache/armonik)`, "privileged"},
		{"{path: /cache/node, host_path: {path: /var/cache/armonik}}", "baseline", `volume "node" is a hostPath volume`, "privileged"},
		{"{path: /cache/node, nfs: {server: 10.0.0.2, path: /exports}}", "restricted", `volume "node" is an inline NFS volume`, "baseline"},
	} {
		doc := "localhost:\n  pod_security: " + tc.level + "\n  armonik:\n    layers:\n      worker:\n        - mount_volume:\n            node: " + tc.volume + "\n"
		cfg, err := stacks.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		_, err = stacks.NewLocalhost(cdk.NewTestApp(), cfg.Localhost)
		msg := fmt.Sprint(err)
		for _, want := range []string{`Deployment "compute-plane-default" breaks the Pod Security level "` + tc.level + `"`, tc.want, "pod_security: " + tc.admits} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s under %s: error lacks %q:\n%s", tc.volume, tc.level, want, msg)
			}
		}
		cfg, err = stacks.Parse([]byte(strings.Replace(doc, "pod_security: "+tc.level, "pod_security: "+tc.admits, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stacks.NewLocalhost(cdk.NewTestApp(), cfg.Localhost); err != nil {
			t.Errorf("%s under %s: %v", tc.volume, tc.admits, err)
		}
	}
}
