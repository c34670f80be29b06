// Package versions is the table of the ArmoniK releases this project deploys: for each value of
// the configuration key armonik.version, every ArmoniK image and its tag, and the Core version
// whose rules (corerules) and keys apply. Each row cites where its tags come from.
//
// The rows:
//
//   - "2.22.3", the previous ArmoniK release: Core 0.34.5, admin GUI 0.15.1, the DLL worker of
//     ArmoniK.Extensions.Csharp 0.19.2 (aneoconsulting/ArmoniK tag v2.22.3, versions.tfvars.json:
//     armonik_versions core 0.34.5, api 3.27.0, gui 0.15.1, extcsharp 0.19.2, infra_plugins 0.1.1;
//     armonik_images extcsharp [dockerhubaneo/armonik_worker_dll]).
//   - "2.23.0", the current release and the default: Core 0.37.2, GUI 0.15.1, the dynamic .NET
//     worker of ArmoniK.Extensions.CSharp.New 0.21.2 (tag v2.23.0, versions.tfvars.json: core
//     0.37.2, api 3.28.3, gui 0.15.1, extcsharp 0.21.2, infra_plugins 0.3.0; extcsharp
//     [dockerhubaneo/armonik-dynamic-dotnet-worker]).
//   - "core-0.40.1": the newest Core (aneoconsulting/ArmoniK.Core tag 0.40.1) with 2.23.0's GUI,
//     worker and plugins; no ArmoniK release pins it yet.
//
// The images of every row are those of ArmoniK's versions.tfvars.json armonik_images: core
// [dockerhubaneo/armonik_control, armonik_pollingagent, armonik_control_metrics], gui
// [dockerhubaneo/armonik_admin_app], infra_plugins [dockerhubaneo/armonik_pdc_update].
package versions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
)

// Image is an image repository and tag.
type Image struct {
	Repository, Tag string
}

// Ref returns "repository:tag".
func (i Image) Ref() string { return i.Repository + ":" + i.Tag }

// Release is one supported value of armonik.version.
type Release struct {
	// Key is the value of armonik.version ("2.23.0").
	Key string
	// ArmoniK is the aneoconsulting/ArmoniK release ("" when no release pins this Core).
	ArmoniK string
	// Core is the rule table of the release's Core version.
	Core *corerules.Version
	// API is the ArmoniK.Api version of the release.
	API string
	// Control runs the control plane and, from Core 0.35, the init Job; PollingAgent and
	// Metrics are the other Core images; AdminGUI the admin web application; Worker the
	// default worker of the partitions.
	Control, PollingAgent, Metrics, AdminGUI, Worker Image
	// WorkerLibrary names the library and version of Worker ("ArmoniK.Extensions.Csharp 0.19.2
	// (DLL worker)").
	WorkerLibrary string
	// PodDeletionCost is the pod-deletion-cost updater of ArmoniK's infra plugins
	// (dockerhubaneo/armonik_pdc_update), the default image of Config.PodDeletionCost.
	PodDeletionCost Image
	// DatabaseInit runs mongosh for the init Job of Core versions without InitServices (Core
	// < 0.35: corerules.Version.InitServices is false); empty otherwise, the init Job then runs
	// Control.
	DatabaseInit Image
	// Source says where the tags come from.
	Source string
	// Summary says in one line what sets the release apart.
	Summary string
}

// The supported releases, oldest first.
var (
	// V2223 is ArmoniK 2.22.3: Core 0.34.5.
	V2223 = &Release{
		Key: "2.22.3", ArmoniK: "2.22.3", Core: corerules.Core0345, API: "3.27.0",
		Control:         Image{"dockerhubaneo/armonik_control", "0.34.5"},
		PollingAgent:    Image{"dockerhubaneo/armonik_pollingagent", "0.34.5"},
		Metrics:         Image{"dockerhubaneo/armonik_control_metrics", "0.34.5"},
		AdminGUI:        Image{"dockerhubaneo/armonik_admin_app", "0.15.1"},
		Worker:          Image{"dockerhubaneo/armonik_worker_dll", "0.19.2"},
		WorkerLibrary:   "ArmoniK.Extensions.Csharp 0.19.2 (the DLL worker, which reads the workers' shared storage)",
		PodDeletionCost: Image{"dockerhubaneo/armonik_pdc_update", "0.1.1"},
		// The official mongo image (it ships mongosh) at the tag of the release's own list
		// (versions.tfvars.json image_tags "mongo": "8.0.10").
		DatabaseInit: Image{"mongo", "8.0.10"},
		Source:       "aneoconsulting/ArmoniK tag v2.22.3, versions.tfvars.json (core 0.34.5, api 3.27.0, gui 0.15.1, extcsharp 0.19.2, infra_plugins 0.1.1, image_tags mongo 8.0.10)",
		Summary: "Core 0.34.5: RabbitMQ through its AMQP 0-9-1 adapter, no NATS adapter, partitions and users inserted with mongosh (no InitServices); " +
			"the DLL worker, which needs shared storage",
	}
	// V2230 is ArmoniK 2.23.0: Core 0.37.2, the default.
	V2230 = &Release{
		Key: "2.23.0", ArmoniK: "2.23.0", Core: corerules.Core0372, API: "3.28.3",
		Control:         Image{"dockerhubaneo/armonik_control", "0.37.2"},
		PollingAgent:    Image{"dockerhubaneo/armonik_pollingagent", "0.37.2"},
		Metrics:         Image{"dockerhubaneo/armonik_control_metrics", "0.37.2"},
		AdminGUI:        Image{"dockerhubaneo/armonik_admin_app", "0.15.1"},
		Worker:          Image{"dockerhubaneo/armonik-dynamic-dotnet-worker", "0.21.2"},
		WorkerLibrary:   "ArmoniK.Extensions.CSharp.New 0.21.2 (the dynamic .NET worker)",
		PodDeletionCost: Image{"dockerhubaneo/armonik_pdc_update", "0.3.0"},
		Source:          "aneoconsulting/ArmoniK tag v2.23.0, versions.tfvars.json (core 0.37.2, api 3.28.3, gui 0.15.1, extcsharp 0.21.2, infra_plugins 0.3.0)",
		Summary: "Core 0.37.2: NATS JetStream adapter, RabbitMQ through the AMQP 1.0 adapter, the init Job runs Core (InitServices); " +
			"the dynamic .NET worker, no shared storage",
	}
	// Core0401 is Core 0.40.1 with ArmoniK 2.23.0's GUI, worker and plugins.
	Core0401 = &Release{
		Key: "core-0.40.1", Core: corerules.Core0401, API: "3.28.3",
		Control:         Image{"dockerhubaneo/armonik_control", "0.40.1"},
		PollingAgent:    Image{"dockerhubaneo/armonik_pollingagent", "0.40.1"},
		Metrics:         Image{"dockerhubaneo/armonik_control_metrics", "0.40.1"},
		AdminGUI:        V2230.AdminGUI,
		Worker:          V2230.Worker,
		WorkerLibrary:   V2230.WorkerLibrary,
		PodDeletionCost: V2230.PodDeletionCost,
		Source:          "aneoconsulting/ArmoniK.Core tag 0.40.1 (Core images); the GUI, worker and plugins of aneoconsulting/ArmoniK tag v2.23.0, versions.tfvars.json",
		Summary: "Core 0.40.1: adds the native Google Cloud Storage object adapter, Amqp__Prefix and Amqp__Separator, " +
			"and a readiness endpoint on the control plane; 2.23.0's GUI and worker",
	}
)

// Releases are the supported values of armonik.version, oldest first.
var Releases = []*Release{V2223, V2230, Core0401}

// Default is the release deployed when armonik.version is not set.
const Default = "2.23.0"

// Keys lists the supported values of armonik.version.
func Keys() []string {
	var out []string
	for _, r := range Releases {
		out = append(out, r.Key)
	}
	return out
}

// Lookup returns the release of a value of armonik.version ("" is Default).
func Lookup(key string) (*Release, error) {
	if key == "" {
		key = Default
	}
	for _, r := range Releases {
		if r.Key == key {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%q is not a supported version (supported: %s; default %s)", key, strings.Join(Keys(), ", "), Default)
}

// WithCore returns the keys of the releases whose Core version is core.
func WithCore(core string) []string {
	var out []string
	for _, r := range Releases {
		if r.Core.Core == core {
			out = append(out, r.Key)
		}
	}
	return out
}

// Describe names a release for people: "2.23.0 (Core 0.37.2)".
func (r *Release) Describe() string { return fmt.Sprintf("%s (Core %s)", r.Key, r.Core.Core) }

// RequireAdapter returns nil when the images of core ship the adapter of kind ("queue",
// "object") called name, else an error naming the versions (values of armonik.version) whose
// Core ships it: what a module reports when it is chosen with a version that cannot use it.
func RequireAdapter(core *corerules.Version, kind, name string) error {
	_, err := core.Ships(kind, name)
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s%s", err.Error(), releasesOf(err))
}

// RequireKey returns nil when core binds the configuration key, else an error naming the
// versions (values of armonik.version) whose Core reads it.
func RequireKey(core *corerules.Version, key string) error {
	if err := core.Reads(key); err != nil {
		var with []string
		for _, r := range Releases {
			if r.Core.Reads(key) == nil {
				with = append(with, r.Key)
			}
		}
		return fmt.Errorf("%v%s", err, chooseOne(with))
	}
	return nil
}

func releasesOf(err error) string {
	m, ok := err.(*corerules.MissingAdapterError)
	if !ok {
		return ""
	}
	var with []string
	for _, core := range m.Have {
		with = append(with, WithCore(core)...)
	}
	return chooseOne(with)
}

func chooseOne(keys []string) string {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	switch len(keys) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(": choose armonik.version %s", keys[0])
	}
	return fmt.Sprintf(": choose armonik.version %s or %s", strings.Join(keys[:len(keys)-1], ", "), keys[len(keys)-1])
}

// OfCore returns the release of the default table whose Control tag is tag, for reading a
// previously synthesized stack: the release key, or "" when no release has that tag.
func OfCore(tag string) string {
	for _, r := range Releases {
		if r.Control.Tag == tag {
			return r.Key
		}
	}
	return ""
}
