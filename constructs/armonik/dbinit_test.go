package armonik

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mongoshHarness runs the init script under node with a stand-in for mongosh's db (collections
// recording what is inserted, ObjectIds as "oid-<n>", NumberInt marking 32-bit integers), then
// prints the collections as JSON.
const mongoshHarness = `
const fs = require("fs");
let next = 0;
const collection = () => ({
  docs: [],
  deleteMany(q) { this.docs = []; },
  insertOne(d) { const id = "oid-" + (++next); this.docs.push({ _id: id, ...d }); return { insertedId: id }; },
  insertMany(ds) { for (const d of ds) this.docs.push(d); },
});
const db = { PartitionData: collection(), RoleData: collection(), UserData: collection(), AuthData: collection() };
db.PartitionData.docs.push({ _id: "stale" });
db.UserData.docs.push({ _id: "stale" });
const NumberInt = (n) => ({ int32: n });
const print = () => {};
eval(fs.readFileSync(process.argv[2], "utf8"));
const out = {};
for (const k of Object.keys(db)) out[k] = db[k].docs;
console.log(JSON.stringify(out));
`

// TestInitScriptFillsTheDatabase runs the mongosh script of Core 0.34.5's init Job (under node,
// against a stand-in for mongosh's db) and checks the documents Core 0.34.5 reads: the
// partitions (32-bit integers, PodConfiguration null or {Configuration}), the roles, the users
// with their roles' ids, and the certificates with their user's id; stale documents go.
func TestInitScriptFillsTheDatabase(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH (the cdktf CLI needs it): the init script is not run")
	}
	cfg := Config{
		Version: "2.22.3",
		Partitions: []Partition{
			{Name: "default"},
			{Name: "gpu", Priority: ptr(3), MaxPods: 10, ReservedPods: 2, ParentPartitionIDs: []string{"default"}, PodConfiguration: map[string]string{"accelerator": "gpu ${x}"}},
		},
		Authentication: Authentication{
			Roles:        []Role{{Name: "Reader", Permissions: []string{"Tasks:ListTasks"}}},
			Users:        []User{{Name: "alice", Roles: []string{"Reader", "Submitter"}}},
			Certificates: []UserCertificate{{User: "alice", CN: "alice"}, {User: "alice", CN: "alice-ci", Fingerprint: "00112233445566778899aabbccddeeff00112233"}},
		},
	}.WithDefaults()
	script := initScript(&cfg)
	dir := t.TempDir()
	file, harness := filepath.Join(dir, "init.js"), filepath.Join(dir, "harness.js")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(harness, []byte(mongoshHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := exec.Command(node, harness, file).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s\n--- script:\n%s", err, raw, script)
	}
	var got map[string][]map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	i := func(n float64) map[string]any { return map[string]any{"int32": n} }
	want := map[string][]map[string]any{
		"PartitionData": {
			{"_id": "default", "ParentPartitionIds": []any{}, "PodReserved": i(0), "PodMax": i(1), "PreemptionPercentage": i(0), "Priority": i(1), "PodConfiguration": nil},
			{"_id": "gpu", "ParentPartitionIds": []any{"default"}, "PodReserved": i(2), "PodMax": i(10), "PreemptionPercentage": i(0), "Priority": i(3),
				"PodConfiguration": map[string]any{"Configuration": map[string]any{"accelerator": "gpu ${x}"}}},
		},
		"RoleData": {
			{"_id": "oid-1", "RoleName": "Reader", "Permissions": []any{"Tasks:ListTasks"}},
			{"_id": "oid-2", "RoleName": "Submitter", "Permissions": toAny(BuiltinRoles["Submitter"])},
		},
		"UserData": {{"_id": "oid-3", "Username": "alice", "Roles": []any{"oid-1", "oid-2"}}},
		"AuthData": {
			{"_id": "oid-4", "UserId": "oid-3", "Cn": "alice", "Fingerprint": nil},
			{"_id": "oid-5", "UserId": "oid-3", "Cn": "alice-ci", "Fingerprint": "00112233445566778899aabbccddeeff00112233"},
		},
	}
	for coll, docs := range want {
		if !reflect.DeepEqual(got[coll], docs) {
			t.Errorf("%s:\n got %v\nwant %v", coll, got[coll], docs)
		}
	}
	for _, bad := range []string{"${", "%{"} {
		if strings.Contains(script, bad) {
			t.Errorf("the script holds Terraform's template sequence %q", bad)
		}
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
