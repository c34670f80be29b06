package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
)

// Where the version deployed before comes from.
//
// Terraform's state is the truth, but the app cannot read it: it runs before Terraform, the
// state may live in a remote backend, and it holds secrets the app has no business reading. The
// last synthesis of the stack is the next best thing: `cdktf deploy` synthesizes the
// configuration, then applies that synthesis, and a failed synthesis writes nothing, so
// cdktf.out/stacks/<stack>/cdk.tf.json is what the last deploy (or synth) applied. Its control
// plane's image tag is a Core version, and versions.OfCore maps it to the release that pins it.
//
// The configuration key armonik.upgrade_from takes precedence: for a stack synthesized
// elsewhere (CI, another clone), or to say which version is really deployed. Without either,
// nothing is checked, and explain says so.

// OutDir is the directory of the previous synthesis: $CDKTF_OUTDIR (set by the cdktf CLI when it
// runs the app), else cdktf.out.
func OutDir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return "cdktf.out"
}

// ReadDeployed records in cfg the version of each stack's previous synthesis under outdir
// (armonik.Config.Deployed), where the stack has one whose control-plane image tag is the Core
// version of a supported release. Unreadable or foreign files are ignored.
func ReadDeployed(outdir string, cfg *Config) {
	for name, a := range map[string]*armonik.Config{LocalhostName: &cfg.Localhost.ArmoniK, ExternalName: &cfg.External.ArmoniK} {
		path := filepath.Join(outdir, "stacks", name, "cdk.tf.json")
		if v := deployedVersion(path); v != "" {
			a.Deployed = &armonik.DeployedVersion{Version: v, Source: path}
		}
	}
}

// deployedVersion returns the release of the synthesized stack at path ("" when unknown).
func deployedVersion(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var doc struct {
		Resource map[string]map[string]any `json:"resource"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	for _, d := range doc.Resource["kubernetes_deployment_v1"] {
		if image := containerImage(d, "control-plane"); image != "" {
			tag := image[strings.LastIndex(image, ":")+1:]
			if strings.Contains(tag, "/") {
				return ""
			}
			return versions.OfCore(tag)
		}
	}
	return ""
}

// containerImage finds, anywhere under v, the image of the container called name.
func containerImage(v any, name string) string {
	switch x := v.(type) {
	case map[string]any:
		if x["name"] == name {
			if image, ok := x["image"].(string); ok {
				return image
			}
		}
		for _, y := range x {
			if image := containerImage(y, name); image != "" {
				return image
			}
		}
	case []any:
		for _, y := range x {
			if image := containerImage(y, name); image != "" {
				return image
			}
		}
	}
	return ""
}
