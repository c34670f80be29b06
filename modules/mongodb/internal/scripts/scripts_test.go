package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The replica set of the tests: rs0, members m0..m4.
const rsName = "rs0"

func member(i int) string {
	return "mongodb-" + string(rune('0'+i)) + ".mongodb-headless.armonik.svc.cluster.local:27017"
}

func members(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(member(i) + "\n")
	}
	return b.String()
}

// fakeMongosh answers from the files of $FAKE/answers: "<op>@<host>" (or "<op>" for any host),
// optionally numbered "<op>@<host>.<call>" when the answer changes between calls; a file
// "<key>.down" makes it exit 1 as an unreachable server. Every call is logged in $FAKE/calls
// as "<op> <arg> <host>".
const fakeMongosh = `#!/bin/bash
set -u
uri=''
for a in "$@"; do case $a in mongodb://*) uri=$a ;; esac; done
host=${uri#mongodb://}
host=${host%%/*}
echo "$RS_OP ${RS_ARG:-} $host" >>"$FAKE/calls"
n=$(grep -c "^$RS_OP " "$FAKE/calls")
for key in "$RS_OP@$host" "$RS_OP"; do
	[ -e "$FAKE/answers/$key.down" ] && exit 1
	for f in "$FAKE/answers/$key.$n" "$FAKE/answers/$key"; do
		if [ -e "$f" ]; then cat "$f"; exit 0; fi
	done
done
case $RS_OP in initiate | add | remove | stepdown) echo done ;; hello) exit 1 ;; *) echo "error NoAnswer" ;; esac
`

type rsCase struct {
	self    int               // RS_SELF is member(self)
	desired int               // members listed in the desired file
	answers map[string]string // file name under answers/ -> content
}

// status renders a "status" answer: the state of this member, then "host health state votes".
func status(state int, ms ...string) string {
	out := "state " + string(rune('0'+state)) + "\n"
	for _, m := range ms {
		out += "member " + m + "\n"
	}
	return out
}

func ok(i int, st string) string { return member(i) + " 1 " + st + " 1" }
func down(i int) string          { return member(i) + " 0 (not_reachable/healthy) 1" }
func syncing(i int) string       { return member(i) + " 1 STARTUP2 1" }
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

// runRS runs replicaset.sh MODE with a fake mongosh and returns its writes (the calls other
// than status and hello) and its output.
func runRS(t *testing.T, mode string, c rsCase) (writes []string, output string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not available")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake")
	writeFile(t, filepath.Join(dir, "bin", "mongosh"), fakeMongosh)
	writeFile(t, filepath.Join(dir, "replicaset.sh"), ReplicaSetSh)
	writeFile(t, filepath.Join(dir, "members"), members(c.desired))
	writeFile(t, filepath.Join(fake, "calls"), "")
	for name, text := range c.answers {
		writeFile(t, filepath.Join(fake, "answers", name), text)
	}
	cmd := exec.Command(bash, filepath.Join(dir, "replicaset.sh"), mode)
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"),
		"FAKE="+fake, "RS_NAME="+rsName, "RS_SELF="+member(c.self), "MONGO_PORT=27017",
		"RS_MEMBERS_FILE="+filepath.Join(dir, "members"), "RS_JS=/dev/null",
		"RS_PRESTOP_INTERVAL=0", "RS_PRESTOP_NO_PRIMARY=0",
	)
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("replicaset.sh %s did not return", mode)
	}
	if err != nil {
		t.Fatalf("replicaset.sh %s: %v\n%s", mode, err, out)
	}
	calls, _ := os.ReadFile(filepath.Join(fake, "calls"))
	for _, l := range strings.Split(strings.TrimSpace(string(calls)), "\n") {
		if op, _, _ := strings.Cut(l, " "); op != "status" && op != "hello" && l != "" {
			writes = append(writes, strings.TrimSpace(strings.TrimSuffix(l, " 127.0.0.1:27017")))
		}
	}
	return writes, string(out)
}

func TestReplicaSetDecisions(t *testing.T) {
	for _, c := range []struct {
		name     string
		c        rsCase
		want     []string // the writes, in order
		wantSaid string   // a part of the output
	}{
		{"fresh: the first member initiates with itself alone", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": "uninitialized\n",
		}}, []string{"initiate " + member(0)}, "initiate rs0 with " + member(0) + ": done"},
		{"fresh: another member waits for the primary", rsCase{self: 2, desired: 3, answers: map[string]string{
			"status": "uninitialized\n",
		}}, nil, "waiting for the primary to add " + member(2)},
		{"the first member lost its data: the others keep the set, it does not start a second one", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": "uninitialized\n", "hello@" + member(2): "set rs0\n",
		}}, nil, "not initiating: " + member(2) + " already belongs to rs0"},
		{"mongod not up yet", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status.down": "",
		}}, nil, "mongod is not answering yet"},
		{"the temporary initdb server (no replication) is not ready", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status": "error NoReplicationEnabled\n",
		}}, nil, "not ready: error NoReplicationEnabled"},
		{"already initiated with the same members: nothing", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY")),
		}}, nil, "in sync: 3 members"},
		{"single member, in sync", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")),
		}}, nil, "in sync: 1 members"},
		{"not the primary: nothing, even with members to add", rsCase{self: 1, desired: 5, answers: map[string]string{
			"status": status(2, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY")),
		}}, nil, "not the primary (state 2)"},
		{"scale up 1 -> 3: add the next member, one per pass", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")), "hello@" + member(1): "set -\n", "hello@" + member(2): "set -\n",
		}}, []string{"add " + member(1)}, "add " + member(1) + ": done"},
		{"scale up 3 -> 5: add member 3 only", rsCase{self: 1, desired: 5, answers: map[string]string{
			"status": status(1, ok(0, "SECONDARY"), ok(1, "PRIMARY"), ok(2, "SECONDARY")), "hello@" + member(3): "set -\n",
		}}, []string{"add " + member(3)}, "add " + member(3)},
		{"scale up: a member is still syncing, wait", rsCase{self: 0, desired: 5, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY"), syncing(3)), "hello@" + member(4): "set -\n",
		}}, nil, "waiting for every member to be PRIMARY or SECONDARY before adding " + member(4)},
		{"scale up: the new pod does not answer yet", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")),
		}}, nil, "waiting for " + member(1) + " to answer"},
		{"scale up: the new pod belongs to another replica set", rsCase{self: 0, desired: 2, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")), "hello@" + member(1): "set other\n",
		}}, nil, "another replica set"},
		{"scale up: a member coming back with this set's data is added back", rsCase{self: 0, desired: 2, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")), "hello@" + member(1): "set rs0\n",
		}}, []string{"add " + member(1)}, "add " + member(1)},
		{"scale down 5 -> 3: the unreachable extra member first", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY"), ok(3, "SECONDARY"), down(4)),
		}}, []string{"remove " + member(4)}, "remove " + member(4) + ": done"},
		{"scale down 5 -> 3: both extras healthy, the last one first", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY"), ok(3, "SECONDARY"), ok(4, "SECONDARY")),
		}}, []string{"remove " + member(4)}, "remove " + member(4)},
		{"scale down 3 -> 1: the stopped member first", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY"), down(2)),
		}}, []string{"remove " + member(2)}, "remove " + member(2)},
		{"scale down 3 -> 1, second pass", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), ok(1, "SECONDARY")),
		}}, []string{"remove " + member(1)}, "remove " + member(1)},
		{"scale down: never below a majority of healthy voters", rsCase{self: 0, desired: 3, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY"), down(1), down(2), ok(3, "SECONDARY"), ok(4, "SECONDARY")),
		}}, nil, "not removing " + member(4) + ": 2 healthy of 4 voting members would remain, no majority"},
		{"scale down: the primary is not desired, it steps down", rsCase{self: 2, desired: 1, answers: map[string]string{
			"status": status(1, ok(0, "SECONDARY"), ok(1, "SECONDARY"), ok(2, "PRIMARY")),
		}}, []string{"stepdown"}, "stepping down"},
	} {
		t.Run(c.name, func(t *testing.T) {
			writes, out := runRS(t, "once", c.c)
			if strings.Join(writes, "|") != strings.Join(c.want, "|") {
				t.Errorf("writes %q, want %q\noutput:\n%s", writes, c.want, out)
			}
			if !strings.Contains(out, c.wantSaid) {
				t.Errorf("output does not say %q:\n%s", c.wantSaid, out)
			}
		})
	}
}

func TestReplicaSetPreStop(t *testing.T) {
	for _, c := range []struct {
		name     string
		c        rsCase
		want     []string
		wantSaid string
	}{
		{"a member of a healthy set stops at once (rolling restart)", rsCase{self: 2, desired: 3, answers: map[string]string{
			"status": status(2, ok(0, "PRIMARY"), ok(1, "SECONDARY"), ok(2, "SECONDARY")),
		}}, nil, "keep a majority (2 healthy of 3 votes)"},
		{"a single member stops at once", rsCase{self: 0, desired: 1, answers: map[string]string{
			"status": status(1, ok(0, "PRIMARY")),
		}}, nil, "stopping"},
		{"mongod down: nothing to hand over", rsCase{self: 1, desired: 3, answers: map[string]string{
			"status.down": "",
		}}, nil, "nothing to hand over"},
		{"3 -> 1: the primary of the last two steps down and waits to be removed", rsCase{self: 1, desired: 1, answers: map[string]string{
			"status.1": status(1, ok(0, "SECONDARY"), ok(1, "PRIMARY"), down(2)),
			"status.2": status(2, ok(0, "PRIMARY"), ok(1, "SECONDARY"), down(2)),
			"status.3": status(2, ok(0, "PRIMARY"), ok(1, "SECONDARY")),
			"status":   "error InvalidReplicaSetConfig\n", // removed
		}}, []string{"stepdown"}, "no replica set to keep (error InvalidReplicaSetConfig)"},
		{"no primary at all: it does not wait forever", rsCase{self: 1, desired: 1, answers: map[string]string{
			"status": status(2, ok(0, "SECONDARY"), ok(1, "SECONDARY"), down(2)),
		}}, nil, "no primary for 0s"},
		{"removed from the configuration while stopping", rsCase{self: 1, desired: 1, answers: map[string]string{
			"status": status(10, ok(0, "PRIMARY")),
		}}, nil, "is no longer a member"},
	} {
		t.Run(c.name, func(t *testing.T) {
			writes, out := runRS(t, "prestop", c.c)
			if strings.Join(writes, "|") != strings.Join(c.want, "|") {
				t.Errorf("writes %q, want %q\noutput:\n%s", writes, c.want, out)
			}
			if !strings.Contains(out, c.wantSaid) {
				t.Errorf("output does not say %q:\n%s", c.wantSaid, out)
			}
		})
	}
}

// fakeTool logs its arguments (one call per line, tab-separated) in $FAKE/<name>.calls; the
// fake aws answers list-objects-v2 with $FAKE/listing, and the fake mongodump writes the
// archive and copies its --config file to $FAKE/<name>.config (to check what it held).
const fakeTool = `#!/bin/bash
set -u
name=$(basename "$0")
(IFS=$'\t'; echo "$*") >>"$FAKE/$name.calls"
for a in "$@"; do
	case $a in
	--config=*) cp "${a#--config=}" "$FAKE/$name.config" ;;
	--archive=*) [ "$name" = mongodump ] && echo archive >"${a#--archive=}" ;;
	esac
done
if [ "$name" = aws ]; then
	case " $* " in
	*" list-objects-v2 "*) cat "$FAKE/listing" ;;
	*" s3 cp "*s3://*" "/*) echo dump >"${!#}" ;;
	esac
fi
exit 0
`

type backupRun struct {
	calls  map[string][]string // tool -> calls, each "arg<TAB>arg..."
	config map[string]string   // tool -> the --config file it was given
	dir    string
	output string
}

func runBackup(t *testing.T, mode string, env map[string]string, listing string) backupRun {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not available")
	}
	dir := t.TempDir()
	fake, work := filepath.Join(dir, "fake"), filepath.Join(dir, "backup")
	for _, tool := range []string{"aws", "mongodump", "mongorestore"} {
		writeFile(t, filepath.Join(dir, "bin", tool), fakeTool)
	}
	writeFile(t, filepath.Join(dir, "backup.sh"), BackupSh)
	writeFile(t, filepath.Join(fake, "listing"), listing)
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if mode != "dump" && mode != "fetch" {
		writeFile(t, filepath.Join(work, "timestamp"), "20260405T020000Z\n")
		writeFile(t, filepath.Join(work, "dump.archive.gz"), "archive")
	}
	cmd := exec.Command(bash, filepath.Join(dir, "backup.sh"), mode)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"), "FAKE="+fake, "BACKUP_DIR="+work,
		"S3_BUCKET=backups", "S3_PREFIX=armonik/mongodb/", "MONGODB_URI=mongodb://armonik:"+canary+"@h0:27017,h1:27017/database?replicaSet=rs0&authSource=admin")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("backup.sh %s: %v\n%s", mode, err, out)
	}
	r := backupRun{calls: map[string][]string{}, config: map[string]string{}, dir: work, output: string(out)}
	for _, tool := range []string{"aws", "mongodump", "mongorestore"} {
		if b, err := os.ReadFile(filepath.Join(fake, tool+".calls")); err == nil {
			r.calls[tool] = strings.Split(strings.TrimSpace(string(b)), "\n")
		}
		if b, err := os.ReadFile(filepath.Join(fake, tool+".config")); err == nil {
			r.config[tool] = string(b)
		}
	}
	if strings.Contains(r.output, canary) {
		t.Errorf("the password reached the output:\n%s", r.output)
	}
	for tool, calls := range r.calls {
		if strings.Contains(strings.Join(calls, "\n"), canary) {
			t.Errorf("the password reached the command line of %s: %q", tool, calls)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "tool.yaml")); err == nil {
		t.Error("the configuration file holding the connection string was left behind")
	}
	return r
}

const canary = "Secr3tCanary"

func TestBackupDump(t *testing.T) {
	r := runBackup(t, "dump", nil, "")
	if got, want := r.calls["mongodump"], []string{"--config=" + r.dir + "/tool.yaml\t--archive=" + r.dir + "/dump.archive.gz\t--gzip"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("mongodump calls %q, want %q", got, want)
	}
	if want := "uri: 'mongodb://armonik:" + canary + "@h0:27017,h1:27017/database?replicaSet=rs0&authSource=admin'\n"; r.config["mongodump"] != want {
		t.Errorf("mongodump's configuration file holds %q, want %q", r.config["mongodump"], want)
	}
	stamp, _ := os.ReadFile(filepath.Join(r.dir, "timestamp"))
	if !regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z\n$`).Match(stamp) {
		t.Errorf("timestamp %q", stamp)
	}
	// With TLS, the CA reaches mongodump.
	r = runBackup(t, "dump", map[string]string{"MONGODB_CA_FILE": "/mongodb/certs/ca.crt"}, "")
	if got := r.calls["mongodump"]; len(got) != 1 || !strings.HasSuffix(got[0], "\t--sslCAFile=/mongodb/certs/ca.crt") {
		t.Errorf("mongodump calls with a CA: %q", got)
	}
}

func TestBackupUploadAndRetention(t *testing.T) {
	now := time.Now().UTC()
	stamp := func(d time.Duration) string { return now.Add(-d).Format("20060102T150405Z") }
	day := 24 * time.Hour
	listing := strings.Join([]string{
		"armonik/mongodb/" + stamp(30*day) + ".archive.gz", // old: deleted
		"armonik/mongodb/" + stamp(8*day) + ".archive.gz",  // old: deleted
		"armonik/mongodb/" + stamp(6*day) + ".archive.gz",  // kept
		"armonik/mongodb/20260405T020000Z.archive.gz",      // the new one (an old clock): kept
		"armonik/mongodb/notes.txt",                        // not a dump: never touched
		"armonik/mongodb/old/" + stamp(90*day) + ".archive.gz",
		"armonik/mongodb/" + stamp(90*day) + ".archive.gz.part",
	}, "\n") + "\n"
	r := runBackup(t, "upload", map[string]string{"RETENTION_DAYS": "7", "S3_ENDPOINT": "http://mongodb-backups.armonik.svc.cluster.local:9000", "S3_FORCE_PATH_STYLE": "true"}, listing)
	ep := "--endpoint-url\thttp://mongodb-backups.armonik.svc.cluster.local:9000\t"
	want := []string{
		ep + "s3\tcp\t--only-show-errors\t" + r.dir + "/dump.archive.gz\ts3://backups/armonik/mongodb/20260405T020000Z.archive.gz",
		ep + "s3api\tlist-objects-v2\t--bucket\tbackups\t--prefix\tarmonik/mongodb/\t--query\tContents[].[Key]\t--output\ttext",
		ep + "s3\trm\t--only-show-errors\ts3://backups/armonik/mongodb/" + stamp(30*day) + ".archive.gz",
		ep + "s3\trm\t--only-show-errors\ts3://backups/armonik/mongodb/" + stamp(8*day) + ".archive.gz",
	}
	if got := r.calls["aws"]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("aws calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.output, "2 old dumps deleted") {
		t.Errorf("output:\n%s", r.output)
	}
	if cfg, _ := os.ReadFile(filepath.Join(r.dir, "aws.config")); !strings.Contains(string(cfg), "addressing_style = path") {
		t.Errorf("path-style addressing not configured: %q", cfg)
	}

	// AWS itself (no endpoint), retention off: one upload, nothing listed or deleted.
	r = runBackup(t, "upload", map[string]string{"RETENTION_DAYS": "0"}, listing)
	if got := r.calls["aws"]; len(got) != 1 || !strings.HasPrefix(got[0], "s3\tcp\t") {
		t.Errorf("aws calls with retention off: %q", got)
	}
}

func TestBackupFetchAndRestore(t *testing.T) {
	listing := "armonik/mongodb/20260401T020000Z.archive.gz\narmonik/mongodb/20260403T020000Z.archive.gz\narmonik/mongodb/20260402T020000Z.archive.gz\narmonik/mongodb/zzz.txt\n"
	for _, c := range []struct{ dump, want string }{
		{"latest", "20260403T020000Z.archive.gz"},
		{"", "20260403T020000Z.archive.gz"},
		{"20260401T020000Z", "20260401T020000Z.archive.gz"},
		{"20260402T020000Z.archive.gz", "20260402T020000Z.archive.gz"},
	} {
		r := runBackup(t, "fetch", map[string]string{"DUMP": c.dump}, listing)
		got := r.calls["aws"]
		if len(got) == 0 || got[len(got)-1] != "s3\tcp\t--only-show-errors\ts3://backups/armonik/mongodb/"+c.want+"\t"+r.dir+"/dump.archive.gz" {
			t.Errorf("DUMP=%q: aws calls %q, want a copy of %s", c.dump, got, c.want)
		}
	}
	r := runBackup(t, "restore", map[string]string{"MONGODB_CA_FILE": "/mongodb/certs/ca.crt"}, "")
	want := "--config=" + r.dir + "/tool.yaml\t--archive=" + r.dir + "/dump.archive.gz\t--gzip\t--drop\t--sslCAFile=/mongodb/certs/ca.crt"
	if got := r.calls["mongorestore"]; len(got) != 1 || got[0] != want {
		t.Errorf("mongorestore calls %q, want %q", got, want)
	}
	if !strings.HasPrefix(r.config["mongorestore"], "uri: 'mongodb://armonik:") {
		t.Errorf("mongorestore's configuration file: %q", r.config["mongorestore"])
	}
}

// TestBackupFetchWithoutDumpFails: "latest" with nothing in the bucket is an error, not an
// empty restore.
func TestBackupFetchWithoutDumpFails(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bin", "aws"), fakeTool)
	writeFile(t, filepath.Join(dir, "fake", "listing"), "None\n")
	writeFile(t, filepath.Join(dir, "backup.sh"), BackupSh)
	cmd := exec.Command("bash", filepath.Join(dir, "backup.sh"), "fetch")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"), "FAKE="+filepath.Join(dir, "fake"),
		"BACKUP_DIR="+dir, "S3_BUCKET=backups", "S3_PREFIX=p/", "DUMP=latest")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no dump under s3://backups/p/") {
		t.Errorf("fetch of latest in an empty bucket: err %v, output %s", err, out)
	}
}

// TestScriptsPassShellcheck lints the shell scripts (the goldens' copies are linted by
// modules/shellcheck_test.go too) and checks the JavaScript's syntax with node.
func TestScriptsPassShellcheck(t *testing.T) {
	dir := t.TempDir()
	bin := os.Getenv("SHELLCHECK")
	if bin == "" {
		bin, _ = exec.LookPath("shellcheck")
	}
	if bin == "" {
		t.Log("shellcheck is not available: not linted here")
	} else {
		for name, text := range map[string]string{"replicaset.sh": ReplicaSetSh, "backup.sh": BackupSh} {
			f := filepath.Join(dir, name)
			writeFile(t, f, text)
			if out, err := exec.Command(bin, "--severity=style", f).CombinedOutput(); err != nil {
				t.Errorf("shellcheck %s:\n%s", name, out)
			}
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not available: the JavaScript is not parsed")
	}
	for name, text := range map[string]string{"replicaset.js": ReplicaSetJS, "create-user.js": CreateUserJS} {
		f := filepath.Join(dir, name)
		writeFile(t, f, text)
		if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
			t.Errorf("node --check %s:\n%s", name, out)
		}
	}
}
