package versions_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
)

// TestReleaseTable: every row runs its Core's images at the Core's tag, the default exists, and
// the rows are those of ArmoniK's versions.tfvars.json.
func TestReleaseTable(t *testing.T) {
	if got := strings.Join(versions.Keys(), " "); got != "2.22.3 2.23.0 core-0.40.1" {
		t.Errorf("keys %s", got)
	}
	for _, r := range versions.Releases {
		for name, img := range map[string]versions.Image{"control": r.Control, "polling agent": r.PollingAgent, "metrics": r.Metrics} {
			if img.Tag != r.Core.Core {
				t.Errorf("%s: %s image %s is not Core %s", r.Key, name, img.Ref(), r.Core.Core)
			}
		}
		if r.AdminGUI.Ref() != "dockerhubaneo/armonik_admin_app:0.15.1" || r.Source == "" || r.Summary == "" {
			t.Errorf("%s: GUI %s, source %q", r.Key, r.AdminGUI.Ref(), r.Source)
		}
		if (r.DatabaseInit.Repository == "") != r.Core.InitServices {
			t.Errorf("%s: a mongosh image is needed exactly when Core has no InitServices", r.Key)
		}
		if got, _ := versions.Lookup(r.Key); got != r {
			t.Errorf("Lookup(%s)", r.Key)
		}
		if versions.OfCore(r.Core.Core) != r.Key {
			t.Errorf("OfCore(%s) = %q", r.Core.Core, versions.OfCore(r.Core.Core))
		}
	}
	if r, _ := versions.Lookup(""); r.Key != versions.Default || r.Core != corerules.Pinned {
		t.Errorf("the default release %s must run the pinned Core", r.Key)
	}
	if versions.V2223.Worker.Ref() != "dockerhubaneo/armonik_worker_dll:0.19.2" || versions.V2230.Worker.Ref() != "dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2" {
		t.Error("workers of 2.22.3 (extcsharp 0.19.2) and 2.23.0 (0.21.2)")
	}
	if _, err := versions.Lookup("2.24.0"); err == nil || !strings.Contains(err.Error(), "supported: 2.22.3, 2.23.0, core-0.40.1; default 2.23.0") {
		t.Errorf("Lookup(2.24.0): %v", err)
	}
}

// TestRequireErrors name the versions that can.
func TestRequireErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{versions.RequireAdapter(corerules.Core0345, "queue", "Nats"), "choose armonik.version 2.23.0 or core-0.40.1"},
		{versions.RequireAdapter(corerules.Core0401, "queue", "RabbitMQ"), "Core 0.34.5 ships it: choose armonik.version 2.22.3"},
		{versions.RequireKey(corerules.Core0372, "Amqp__Prefix"), "(Core 0.40.1 reads it): choose armonik.version core-0.40.1"},
	} {
		if tc.err == nil || !strings.HasSuffix(tc.err.Error(), tc.want) {
			t.Errorf("%v, want it to end with %q", tc.err, tc.want)
		}
	}
	if versions.RequireAdapter(corerules.Core0372, "queue", "Nats") != nil || versions.RequireKey(corerules.Core0345, "Amqp__Host") != nil {
		t.Error("what a version has is no error")
	}
}
