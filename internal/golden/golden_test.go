package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiffShowsChangedLinesOnly(t *testing.T) {
	a := "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n"
	b := "{\n  \"a\": 1,\n  \"b\": 20,\n  \"c\": 3\n}\n"
	d := Diff(a, b)
	if !strings.Contains(d, "-  \"b\": 2,\n") || !strings.Contains(d, "+  \"b\": 20,\n") {
		t.Fatalf("diff lacks the changed line:\n%s", d)
	}
	if strings.Count(d, "\"a\": 1") != 1 {
		t.Fatalf("context line repeated:\n%s", d)
	}
}

func TestCanonicalReindents(t *testing.T) {
	got, err := Canonical([]byte(`{"x":{"y":[1,2]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"x\": {\n    \"y\": [\n      1,\n      2\n    ]\n  }\n}\n"
	if string(got) != want {
		t.Fatalf("got %q want %q", got, want)
	}
	if _, err := Canonical([]byte("{")); err == nil {
		t.Fatal("invalid JSON accepted")
	}
}

// fakeT records failures instead of stopping the test.
type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper()                           {}
func (f *fakeT) Errorf(format string, args ...any) { f.fail(fmt.Sprintf(format, args...)) }
func (f *fakeT) Fatalf(format string, args ...any) { f.fail(fmt.Sprintf(format, args...)) }

// fail keeps the first message: unlike testing.T, fakeT's Fatalf does not stop the caller.
func (f *fakeT) fail(msg string) {
	if !f.failed {
		f.msg = msg
	}
	f.failed = true
}
func (f *fakeT) Fatal(args ...any)   { f.failed = true }
func (f *fakeT) Logf(string, ...any) {}

func TestMissingGoldenFailsAndCIBlocksUpdate(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)

	t.Setenv("UPDATE_GOLDEN", "")
	f := &fakeT{}
	JSON(f, "missing", []byte(`{}`))
	if !f.failed || !strings.Contains(f.msg, "does not exist") {
		t.Fatalf("a missing golden must fail, got failed=%v %q", f.failed, f.msg)
	}

	t.Setenv("UPDATE_GOLDEN", "1")
	t.Setenv("CI", "true")
	f = &fakeT{}
	JSON(f, "missing", []byte(`{}`))
	if !f.failed {
		t.Fatal("CI must never write goldens")
	}
	if _, err := os.Stat(filepath.Join(dir, Path("missing"))); err == nil {
		t.Fatal("golden written although CI is set")
	}

	t.Setenv("CI", "")
	f = &fakeT{}
	JSON(f, "missing", []byte(`{"a":1}`))
	if f.failed {
		t.Fatalf("update failed: %s", f.msg)
	}
	t.Setenv("UPDATE_GOLDEN", "")
	f = &fakeT{}
	JSON(f, "missing", []byte(`{ "a": 1 }`))
	if f.failed {
		t.Fatalf("same JSON, other spacing, must match: %s", f.msg)
	}
	f = &fakeT{}
	JSON(f, "missing", []byte(`{"a":2}`))
	if !f.failed || !strings.Contains(f.msg, "differs") {
		t.Fatalf("a different value must fail, got %v %q", f.failed, f.msg)
	}
}

// TestUpdateGoldenIsABoolean: 0 and false compare, 1 and true rewrite (logging the file), and
// anything else fails instead of being taken for "rewrite".
func TestUpdateGoldenIsABoolean(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.md")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CI", "")
	for _, v := range []string{"0", "false", "FALSE"} {
		t.Setenv("UPDATE_GOLDEN", v)
		f := &fakeT{TB: t}
		File(f, path, []byte("new\n"))
		if got, _ := os.ReadFile(path); string(got) != "old\n" || !f.failed {
			t.Errorf("UPDATE_GOLDEN=%s rewrote the file or passed (file %q, failed %v)", v, got, f.failed)
		}
	}
	t.Setenv("UPDATE_GOLDEN", "yes please")
	f := &fakeT{TB: t}
	File(f, path, []byte("new\n"))
	if got, _ := os.ReadFile(path); string(got) != "old\n" || !f.failed || !strings.Contains(f.msg, "is not a boolean") {
		t.Errorf("an invalid UPDATE_GOLDEN: file %q, failed %v, %q", got, f.failed, f.msg)
	}
	for _, v := range []string{"1", "true"} {
		t.Setenv("UPDATE_GOLDEN", v)
		f := &fakeT{TB: t}
		File(f, path, []byte(v+"\n"))
		if got, _ := os.ReadFile(path); string(got) != v+"\n" || f.failed {
			t.Errorf("UPDATE_GOLDEN=%s did not rewrite (file %q, failed %v)", v, got, f.failed)
		}
	}
}
