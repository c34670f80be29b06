package armonik_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// byContainer keys containers ("<pod>/<container>") by container name alone.
func byContainer(all map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, c := range all {
		out[k[strings.LastIndex(k, "/")+1:]] = c
	}
	return out
}

// envNames returns the names of a container's env entries.
func envNames(c map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, e := range asList(c["env"]) {
		m, _ := e.(map[string]any)
		name, _ := m["name"].(string)
		out[name] = true
	}
	return out
}

// TestVersionSelectsImagesAndRules: armonik.version sets every image tag from its row, the
// Core rules, the image's user, and what each Core reads; an image setting still overrides
// its own tag.
func TestVersionSelectsImagesAndRules(t *testing.T) {
	for _, tc := range []struct {
		version, core, worker, init string
		uid                         float64
		initServices, readiness     bool
	}{
		{"2.22.3", "0.34.5", "dockerhubaneo/armonik_worker_dll:0.19.2", "mongo:8.0.10", 5000, false, false},
		{"2.23.0", "0.37.2", "dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2", "dockerhubaneo/armonik_control:0.37.2", 1654, true, false},
		{"core-0.40.1", "0.40.1", "dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2", "dockerhubaneo/armonik_control:0.40.1", 1654, true, true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			cfg := armonik.Config{Version: tc.version, Layers: storage(), Wait: ptr(false)}
			if tc.version == "2.22.3" {
				// The DLL worker needs shared storage.
				cfg.Layers.Worker = append(cfg.Layers.Worker, dllShared())
			}
			a, _, out := build(t, cfg)
			if a.Release.Key != tc.version || a.Release.Core.Core != tc.core {
				t.Fatalf("release %s (Core %s)", a.Release.Key, a.Release.Core.Core)
			}
			cs := byContainer(containers(out))
			for name, want := range map[string]string{
				"control-plane":    "dockerhubaneo/armonik_control:" + tc.core,
				"polling-agent":    "dockerhubaneo/armonik_pollingagent:" + tc.core,
				"metrics-exporter": "dockerhubaneo/armonik_control_metrics:" + tc.core,
				"worker":           tc.worker,
				"init":             tc.init,
				"admin-gui":        "dockerhubaneo/armonik_admin_app:0.15.1",
			} {
				if got := cs[name]["image"]; got != want {
					t.Errorf("%s image %v, want %s", name, got, want)
				}
			}
			if got := synthtest.Get(cs["control-plane"], "security_context.run_as_user"); fmt.Sprint(got) != fmt.Sprint(tc.uid) {
				t.Errorf("control plane runs as %v, want %v (the image's user)", got, tc.uid)
			}
			if got := cs["control-plane"]["readiness_probe"] != nil; got != tc.readiness {
				t.Errorf("control-plane readiness probe %v, want %v", got, tc.readiness)
			}
			cp, agent := envNames(cs["control-plane"]), envNames(cs["polling-agent"])
			if cp["InitServices__InitDatabase"] != tc.initServices || agent["InitServices__InitDatabase"] != tc.initServices {
				t.Errorf("InitServices__InitDatabase: control plane %v, agent %v, want %v", cp["InitServices__InitDatabase"], agent["InitServices__InitDatabase"], tc.initServices)
			}
			// Cache eviction comes with Core 0.37.0.
			if agent["Pollster__CacheEvictionThreshold"] != (tc.core != "0.34.5") {
				t.Errorf("Pollster__CacheEvictionThreshold on Core %s: %v", tc.core, agent["Pollster__CacheEvictionThreshold"])
			}
			init := envNames(cs["init"])
			if tc.initServices {
				if !init["InitServices__Partitioning__Partitions__0"] || init["ARMONIK_INIT_SCRIPT"] {
					t.Errorf("the init Job of Core %s initialises through InitServices: %v", tc.core, init)
				}
			} else {
				if !init["ARMONIK_INIT_SCRIPT"] || init["InitServices__Partitioning__Partitions__0"] || init["Amqp__Host"] || init["Redis__EndpointUrl"] {
					t.Errorf("the init Job of Core %s runs mongosh with the table storage only: %v", tc.core, init)
				}
				if got := synthtest.Get(cs["init"], "security_context.run_as_user"); fmt.Sprint(got) != "999" {
					t.Errorf("mongosh runs as %v, want the mongo image's user 999", got)
				}
				cmd := fmt.Sprint(cs["init"]["command"])
				if !strings.Contains(cmd, "exec mongosh \"$uri\"") {
					t.Errorf("init command %s", cmd)
				}
			}
			for _, r := range a.Conformance {
				if r.Version != tc.core {
					t.Errorf("%s/%s checked against Core %s", r.Pod, r.Container, r.Version)
				}
				for _, v := range r.Verdicts {
					if v.Status == corerules.Fail || v.Status == corerules.Warn {
						t.Errorf("%s/%s: %s %s %s: %s", r.Pod, r.Container, v.Status, v.Rule, v.Key, v.Detail)
					}
				}
			}
		})
	}
	// An image setting overrides the version's tag, and explain says so.
	a, _, out := build(t, armonik.Config{Version: "core-0.40.1", Layers: storage(), Wait: ptr(false),
		ControlPlane: armonik.ControlPlane{Image: armonik.Image{Repository: "registry.example/armonik_control", Tag: "0.40.1"}}})
	if got := byContainer(containers(out))["control-plane"]["image"]; got != "registry.example/armonik_control:0.40.1" {
		t.Errorf("overridden control-plane image %v", got)
	}
	if report := a.VersionReport(); !strings.Contains(report, "registry.example/armonik_control:0.40.1 (set in the configuration; the version's is dockerhubaneo/armonik_control:0.40.1)") {
		t.Errorf("version report:\n%s", report)
	}
}

// TestDefaultImageConstants: the exported image constants are the default version's.
func TestDefaultImageConstants(t *testing.T) {
	r := versions.V2230
	if versions.Default != r.Key || armonik.CoreTag != r.Core.Core || armonik.ControlImage != r.Control.Repository ||
		armonik.PollingImage != r.PollingAgent.Repository || armonik.MetricsImage != r.Metrics.Repository ||
		armonik.GUIImage+":"+armonik.GUITag != r.AdminGUI.Ref() || armonik.WorkerImage+":"+armonik.WorkerTag != r.Worker.Ref() {
		t.Error("the image constants of constructs/armonik must be those of versions.Default")
	}
}

// dllShared is the shared storage the DLL worker reads.
func dllShared() outputs.ModuleOutputs {
	return outputs.NewModule("shared").Env("FileStorageType", "S3").
		Env("S3Storage__ServiceURL", "http://shared:9000").Env("S3Storage__BucketName", "packages")
}

// TestUpgradeGuard: a change of version across Core's documented migration 0.34.x -> 0.35.x is
// refused until acknowledge_migration names the new version; other changes pass.
func TestUpgradeGuard(t *testing.T) {
	deployed := func(v string) *armonik.DeployedVersion {
		return &armonik.DeployedVersion{Version: v, Source: "cdktf.out/stacks/armonik-localhost/cdk.tf.json"}
	}
	for _, tc := range []struct {
		name string
		cfg  armonik.Config
		want []string // "" = valid
	}{
		{"upgrade across 0.34 -> 0.35, from the previous synthesis",
			armonik.Config{Version: "2.23.0", Deployed: deployed("2.22.3")},
			[]string{`version: upgrading from 2.22.3 (Core 0.34.5) (deployed, from cdktf.out/stacks/armonik-localhost/cdk.tf.json) to 2.23.0 (Core 0.37.2) crosses Core's database migration 0.34.x -> 0.35.x: the authentication tables`,
				`Core 0.40.1 .docs/content/0.installation/5.version-migration.md`, `set acknowledge_migration: "2.23.0"`}},
		{"upgrade acknowledged", armonik.Config{Version: "2.23.0", Deployed: deployed("2.22.3"), AcknowledgeMigration: "2.23.0"}, nil},
		{"acknowledged for another version", armonik.Config{Version: "core-0.40.1", Deployed: deployed("2.22.3"), AcknowledgeMigration: "2.23.0"},
			[]string{`to core-0.40.1 (Core 0.40.1) crosses Core's database migration 0.34.x -> 0.35.x`, `set acknowledge_migration: "core-0.40.1"`}},
		{"upgrade_from wins over the previous synthesis", armonik.Config{Version: "core-0.40.1", UpgradeFrom: "2.22.3", Deployed: deployed("2.23.0")},
			[]string{`upgrading from 2.22.3 (Core 0.34.5) (deployed, from upgrade_from)`}},
		{"no migration between 0.37.2 and 0.40.1", armonik.Config{Version: "core-0.40.1", Deployed: deployed("2.23.0")}, nil},
		{"same version", armonik.Config{Version: "2.22.3", Deployed: deployed("2.22.3"), Layers: armonik.Layers{Worker: armonik.Conf{dllShared()}}}, nil},
		{"downgrade", armonik.Config{Version: "2.22.3", UpgradeFrom: "2.23.0"},
			[]string{`version: downgrading from 2.23.0 (Core 0.37.2) (deployed, from upgrade_from) to 2.22.3 (Core 0.34.5) crosses`, `restore the backup taken before the upgrade`}},
		{"unknown versions", armonik.Config{Version: "2.24.0", UpgradeFrom: "2.21", AcknowledgeMigration: "2.23"},
			[]string{`version: "2.24.0" is not a supported version (supported: 2.22.3, 2.23.0, core-0.40.1; default 2.23.0)`, `acknowledge_migration: "2.23" is not a supported version`}},
		{"what Core 0.34.5 cannot do", armonik.Config{Version: "2.22.3", Init: armonik.Init{Disabled: true},
			Partitions: []armonik.Partition{{Name: "default", NodeCache: armonik.NodeCache{Path: "/var/cache/armonik", Threshold: 80}}}},
			[]string{`init.disabled: Core 0.34.5 cannot insert the partitions itself`, `partitions[0].node_cache: Core 0.34.5 has no cache eviction`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestExplainNamesTheVersion: explain starts with the version, its source, the version
// deployed before and the migrations between them.
func TestExplainNamesTheVersion(t *testing.T) {
	a, _, _ := build(t, armonik.Config{Version: "2.23.0", Layers: storage(), Wait: ptr(false),
		Deployed: &armonik.DeployedVersion{Version: "2.22.3", Source: "prev.json"}, AcknowledgeMigration: "2.23.0"})
	out := a.Explain()
	for _, want := range []string{
		"ArmoniK version 2.23.0: Core 0.37.2, API 3.28.3, worker ArmoniK.Extensions.CSharp.New 0.21.2 (the dynamic .NET worker)\n",
		"  source: aneoconsulting/ArmoniK tag v2.23.0, versions.tfvars.json",
		"  image control-plane            dockerhubaneo/armonik_control:0.37.2\n",
		"  pod-deletion-cost updater of this version: dockerhubaneo/armonik_pdc_update:0.3.0\n",
		"  previous version: 2.22.3 (Core 0.34.5) (from prev.json)\n",
		"  migration 0.34.x -> 0.35.x: the authentication tables (AuthData, RoleData, UserData) change structure",
		`acknowledged by acknowledge_migration "2.23.0"`,
		"Core 0.37.2 rules, container control-plane",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
	if !strings.HasPrefix(out, "ArmoniK version 2.23.0") {
		t.Errorf("explain starts with %.80q", out)
	}
}
