package modules_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// script is a shell script found in a synthesized stack: a container command or exec probe
// "sh -c ...", or a ConfigMap entry starting with a shebang.
type script struct {
	where, shell, text string
}

// TestShellScriptsPassShellcheck runs shellcheck on every shell script the modules and stacks
// synthesize, as read from the goldens (which other tests keep equal to what the code
// renders): init containers, probes, and the scripts ConfigMaps hold. scripts/go-test.sh
// provides the pinned shellcheck (scripts/tools.sh) in $SHELLCHECK.
func TestShellScriptsPassShellcheck(t *testing.T) {
	bin := os.Getenv("SHELLCHECK")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("shellcheck"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("shellcheck is missing: scripts/go-test.sh installs it with scripts/tools.sh shellcheck")
			}
			t.Skip("shellcheck is not available (scripts/tools.sh shellcheck provides it; make test runs it): the embedded scripts are not linted")
		}
	}
	files, _ := filepath.Glob("testdata/*.golden.json")
	more, _ := filepath.Glob("../testdata/*.golden.json")
	files = append(files, more...)
	var scripts []script
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		scripts = append(scripts, findScripts(filepath.Base(f), doc)...)
	}
	if len(scripts) < 4 {
		t.Fatalf("found %d scripts in %d goldens: the walk is broken", len(scripts), len(files))
	}
	seen := map[string]bool{}
	for _, s := range scripts {
		key := s.shell + "\x00" + s.text
		if seen[key] {
			continue
		}
		seen[key] = true
		dir := t.TempDir()
		file := filepath.Join(dir, "script")
		if err := os.WriteFile(file, []byte(s.text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "--shell="+s.shell, "--severity=style", file).CombinedOutput()
		if err != nil {
			t.Errorf("%s: shellcheck --shell=%s:\n%s\n--- script:\n%s", s.where, s.shell, out, s.text)
		}
	}
	t.Logf("shellcheck passed on %d distinct scripts", len(seen))
}

// findScripts walks a synthesized document.
func findScripts(where string, v any) []script {
	var out []script
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := x[k]
			if k == "command" {
				if s, ok := shellCommand(child); ok {
					s.where = where + ": " + fmt.Sprint(x["name"])
					out = append(out, s)
					continue
				}
			}
			if k == "data" {
				if m, ok := child.(map[string]any); ok {
					for name, d := range m {
						text, _ := d.(string)
						if shell, ok := shebang(text); ok {
							out = append(out, script{where: where + ": ConfigMap entry " + name, shell: shell, text: untemplate(text)})
						}
					}
				}
			}
			out = append(out, findScripts(where, child)...)
		}
	case []any:
		for _, c := range x {
			out = append(out, findScripts(where, c)...)
		}
	}
	return out
}

// shellCommand recognises ["sh"|"bash", "-c", script].
func shellCommand(v any) (script, bool) {
	l, ok := v.([]any)
	if !ok || len(l) < 3 {
		return script{}, false
	}
	sh, _ := l[0].(string)
	flag, _ := l[1].(string)
	text, _ := l[2].(string)
	shell := strings.TrimPrefix(sh, "/bin/")
	if (shell != "sh" && shell != "bash") || flag != "-c" {
		return script{}, false
	}
	return script{shell: shell, text: untemplate(text) + "\n"}, true
}

func shebang(text string) (string, bool) {
	switch {
	case strings.HasPrefix(text, "#!/bin/bash"), strings.HasPrefix(text, "#!/usr/bin/env bash"):
		return "bash", true
	case strings.HasPrefix(text, "#!/bin/sh"):
		return "sh", true
	}
	return "", false
}

// untemplate turns a Terraform string back into the text the container sees: "$${" and "%%{"
// are escapes, and a Terraform interpolation "${...}" becomes the word TFVALUE.
func untemplate(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "$${"):
			b.WriteString("${")
			i += 2
		case strings.HasPrefix(s[i:], "%%{"):
			b.WriteString("%{")
			i += 2
		case strings.HasPrefix(s[i:], "${"):
			depth := 0
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '{' {
					depth++
				} else if s[j] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			b.WriteString("TFVALUE")
			i = j
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
