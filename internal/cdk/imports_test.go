package cdk

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The CDKTF runtime the project is tied to: the cdktf core and the jsii runtime it runs on. A move
// to CDK Terrain (docs/engines.md) replaces these imports, so they stay in as few packages as
// possible. constructs (github.com/aws/constructs-go) is not in the list: CDK Terrain keeps it.
var (
	cdktfImports   = []string{"github.com/hashicorp/terraform-cdk-go/", "github.com/aws/jsii-runtime-go"}
	bindingImports = []string{"github.com/cdktf/"} // the generated provider bindings (.gen/)

	// Directories (relative to the module root, slash-separated) allowed to import them.
	cdktfAllowed   = []string{"internal/cdk", "constructs/k8s"}
	bindingAllowed = []string{"constructs/k8s"}

	// Files allowed beyond those directories, with the reason. A godoc example is what a user
	// writes in their own program, and a user's program creates its cdktf App and stack itself.
	importExceptions = map[string]string{
		"constructs/armonik/example_test.go": "ExampleNew shows a user's own Go stack: cdktf.NewApp, cdktf.NewTerraformStack",
	}
)

// TestCDKTFImportBoundary fails when a Go file (tests and examples included: go test compiles
// them) outside internal/cdk and constructs/k8s imports cdktf or jsii directly, or outside
// constructs/k8s imports a provider binding. Files are parsed whatever their build tags.
func TestCDKTFImportBoundary(t *testing.T) {
	root := moduleRoot(t)
	imports, err := goImports(root)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	seen := map[string]bool{} // allowed directories and exceptions that do import cdktf
	for file, paths := range imports {
		dir := filepath.ToSlash(filepath.Dir(file))
		for _, p := range paths {
			switch {
			case hasPrefix(p, bindingImports):
				if !slices.Contains(bindingAllowed, dir) {
					problems = append(problems, fmt.Sprintf("%s imports the provider binding %s: only %v may; render through constructs/k8s", file, p, bindingAllowed))
				}
			case hasPrefix(p, cdktfImports):
				switch {
				case slices.Contains(cdktfAllowed, dir):
					seen[dir] = true
				case importExceptions[file] != "":
					seen[file] = true
				default:
					problems = append(problems, fmt.Sprintf("%s imports %s: only %v may import cdktf or jsii (docs/engines.md); use internal/cdk or constructs/k8s", file, p, cdktfAllowed))
				}
			}
		}
	}
	slices.Sort(problems)
	for _, p := range problems {
		t.Error(p)
	}
	// The walk must have seen the packages that are known to import cdktf: otherwise it looked
	// in the wrong place and proved nothing. A stale exception is reported too.
	for _, d := range cdktfAllowed {
		if !seen[d] {
			t.Errorf("no file in %s imports cdktf or jsii: the walk from %s missed it", d, root)
		}
	}
	for f := range importExceptions {
		if !seen[f] {
			t.Errorf("exception %s no longer imports cdktf or jsii: remove it from importExceptions", f)
		}
	}
}

// TestCDKTFImportBoundaryCatches checks the walk on a planted module: a package outside the
// allowed ones that imports jsii, and one that imports a provider binding, are both found.
func TestCDKTFImportBoundaryCatches(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n")
	write("stacks/s.go", "//go:build never\n\npackage stacks\n\nimport _ \"github.com/aws/jsii-runtime-go\"\n")
	write("modules/x/x_test.go", "package x_test\n\nimport k \"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/provider\"\n\nvar _ = k.NewKubernetesProvider\n")
	write("node_modules/y/y.go", "package y\n\nimport _ \"github.com/aws/jsii-runtime-go\"\n")
	write("tools/tofu/go.mod", "module example.com/m/tools/tofu\n")
	write("tools/tofu/z.go", "package z\n\nimport _ \"github.com/aws/jsii-runtime-go\"\n")
	got, err := goImports(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"stacks/s.go":         {"github.com/aws/jsii-runtime-go"},
		"modules/x/x_test.go": {"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/provider"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("goImports = %v, want %v (node_modules and nested modules skipped)", got, want)
	}
}

func hasPrefix(p string, prefixes []string) bool {
	for _, pre := range prefixes {
		if p == strings.TrimSuffix(pre, "/") || strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// goImports returns the import paths of every .go file of the module rooted at root, keyed by
// slash-separated path relative to root. It skips what is not the module's own code: hidden
// directories, node_modules, testdata, the generated bindings and nested modules (tools/*).
func goImports(root string) (map[string][]string, error) {
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root {
				if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules" || name == "testdata" || name == "cdktf.out" {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", rel, imp.Path.Value, err)
			}
			if hasPrefix(p, cdktfImports) || hasPrefix(p, bindingImports) {
				out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], p)
			}
		}
		return nil
	})
	return out, err
}

// moduleRoot is the directory of the project's go.mod, above this package's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.HasPrefix(string(b), "module github.com/armonik-cdktf/armonik-cdktf\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("the project's go.mod was not found above the test's directory")
		}
		dir = parent
	}
}
