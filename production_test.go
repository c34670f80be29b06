package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// productionExample returns the YAML block of docs/production.md.
func productionExample(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile("docs/production.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/production.md has no yaml block")
	}
	return m[1]
}

// TestProductionExample builds every stack of the production configuration of
// docs/production.md and checks what its sections promise: every pod of every stack pulls
// from the private registry with the pull Secret, created in each namespace, passes the
// restricted Pod Security level, and each stack keeps its state under its own key of the S3
// bucket, locked.
func TestProductionExample(t *testing.T) {
	cfg, err := stacks.Parse(productionExample(t))
	if err != nil {
		t.Fatalf("docs/production.md: %v", err)
	}
	built, err := stacks.Build(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != 2 {
		t.Fatalf("built %d stacks, want the platform and ArmoniK", len(built))
	}
	kinds := map[string]int{}
	for _, b := range built {
		var out synthtest.JSON
		if err := json.Unmarshal(checkImages(t, b.Name, b.Stack, kinds), &out); err != nil {
			t.Fatal(err)
		}
		if problems, _ := podSecurityProblems(t, out); len(problems) > 0 {
			t.Errorf("%s: pods breaking the restricted level:\n%s", b.Name, strings.Join(problems, "\n"))
		}
		want := `{"s3":{"bucket":"corp-tfstate","key":"armonik/prod/` + b.Name + `.tfstate","region":"eu-west-3","use_lockfile":true}}`
		if got := synthtest.String(synthtest.Get(out, "terraform.backend")); got != want {
			t.Errorf("%s: backend %s, want %s", b.Name, got, want)
		}
	}
}
