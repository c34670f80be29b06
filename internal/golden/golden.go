// Package golden compares test output with committed golden files under testdata/.
//
//	golden.JSON(t, "armonik-localhost", synthesizedJSON)
//
// compares the JSON (parsed and re-indented, so formatting never matters) with
// testdata/armonik-localhost.golden.json in the test's package directory.
//
//   - A missing golden file fails the test: a snapshot test that passes without a snapshot
//     proves nothing.
//   - UPDATE_GOLDEN=1 (or true; 0 and false do not) go test ./... rewrites the files that
//     differ, and logs each file it rewrote (review the git diff). A value that is not a
//     boolean fails the test.
//   - When CI is set, files are never rewritten, even with UPDATE_GOLDEN.
//   - File does the same for any file a test keeps current (docs generated from the code, the
//     README's graph), so every rewrite goes through this package.
//   - A mismatch prints a unified diff of the lines that differ.
package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Dir is where golden files live, relative to the package under test.
const Dir = "testdata"

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Path returns the golden file path for name.
func Path(name string) string {
	return filepath.Join(Dir, safeName.ReplaceAllString(name, "_")+".golden.json")
}

// Updating reports whether goldens may be rewritten: UPDATE_GOLDEN a true boolean
// (strconv.ParseBool: 1, t, true...) and CI unset. An invalid value counts as false; the
// comparing functions fail the test on it.
func Updating() bool {
	u, err := requested()
	return err == nil && u && os.Getenv("CI") == ""
}

// requested parses UPDATE_GOLDEN ("" is false).
func requested() (bool, error) {
	v := os.Getenv("UPDATE_GOLDEN")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("UPDATE_GOLDEN=%q is not a boolean: use 1 or true to rewrite, 0 or false (or unset) to compare", v)
	}
	return b, nil
}

// checkEnv fails t on an invalid UPDATE_GOLDEN.
func checkEnv(t testing.TB) {
	t.Helper()
	if _, err := requested(); err != nil {
		t.Fatalf("%v", err)
	}
}

// Canonical re-indents JSON with two spaces and a final newline; keys keep their order
// (Testing_Synth already sorts them).
func Canonical(in []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(in), "", "  "); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// JSON compares got with the golden file of name, or rewrites it when Updating.
func JSON(t testing.TB, name string, got []byte) {
	t.Helper()
	canon, err := Canonical(got)
	if err != nil {
		t.Fatalf("golden %s: output is %v", name, err)
	}
	Bytes(t, name, canon)
}

// Bytes compares got with the golden file of name byte for byte, or rewrites it when Updating.
func Bytes(t testing.TB, name string, got []byte) {
	t.Helper()
	compare(t, "golden "+name, Path(name), got)
}

// File compares got with the file at path (relative to the test's package directory), or
// rewrites it when Updating: for the files a test keeps equal to what the code generates
// (docs/configuration.md, the JSON Schema, README.md with its graph).
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	compare(t, path, path, got)
}

func compare(t testing.TB, what, path string, got []byte) {
	t.Helper()
	checkEnv(t)
	want, err := os.ReadFile(path)
	if Updating() {
		if err == nil && bytes.Equal(want, got) {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rewrote %s", what, path)
		return
	}
	if err != nil {
		if os.IsNotExist(err) {
			t.Fatalf("%s: %s does not exist; create it with UPDATE_GOLDEN=1 go test ./... (not possible when CI is set) and review it", what, path)
		}
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s: output differs from %s (- file, + got); if the change is intended, run UPDATE_GOLDEN=1 go test ./... and review the diff\n%s",
			what, path, Diff(string(want), string(got)))
	}
}

// Diff returns a unified-style diff of a and b by lines, with three lines of context and at
// most 200 lines of output.
func Diff(a, b string) string {
	al := strings.SplitAfter(a, "\n")
	bl := strings.SplitAfter(b, "\n")
	// Common prefix and suffix are cheap to strip and usually leave a small middle.
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	am, bm := al[pre:len(al)-suf], bl[pre:len(bl)-suf]
	type op struct {
		kind byte
		line string
	}
	var ops []op
	if len(am)*len(bm) > 4_000_000 { // too big for LCS: show both sides
		for _, l := range am {
			ops = append(ops, op{'-', l})
		}
		for _, l := range bm {
			ops = append(ops, op{'+', l})
		}
	} else {
		// lcs[i][j] = length of the LCS of am[i:] and bm[j:].
		lcs := make([][]int32, len(am)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(bm)+1)
		}
		for i := len(am) - 1; i >= 0; i-- {
			for j := len(bm) - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(am) || j < len(bm) {
			switch {
			case i < len(am) && j < len(bm) && am[i] == bm[j]:
				ops = append(ops, op{' ', am[i]})
				i++
				j++
			case j < len(bm) && (i == len(am) || lcs[i][j+1] >= lcs[i+1][j]):
				ops = append(ops, op{'+', bm[j]})
				j++
			default:
				ops = append(ops, op{'-', am[i]})
				i++
			}
		}
	}
	var out strings.Builder
	ctxStart := max(0, pre-3)
	fmt.Fprintf(&out, "@@ line %d @@\n", ctxStart+1)
	for _, l := range al[ctxStart:pre] {
		out.WriteString(" " + l)
	}
	n := 0
	for k, o := range ops {
		if o.kind == ' ' {
			// Print context lines only near a change.
			near := false
			for d := -3; d <= 3; d++ {
				if k+d >= 0 && k+d < len(ops) && ops[k+d].kind != ' ' {
					near = true
					break
				}
			}
			if !near {
				continue
			}
		}
		out.WriteString(string(o.kind) + o.line)
		if n++; n >= 200 {
			out.WriteString("... (diff truncated)\n")
			return out.String()
		}
	}
	for _, l := range al[len(al)-suf : min(len(al), len(al)-suf+3)] {
		out.WriteString(" " + l)
	}
	return strings.TrimRight(out.String(), "\n") + "\n"
}
