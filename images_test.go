package main

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

const testRegistry = "registry.corp/mirror"

// allImages returns every string under an "image" key anywhere in a synthesized stack, pod
// specs or not: what a reader of the JSON would call its images.
func allImages(t *testing.T, raw []byte) []string {
	t.Helper()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "image" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return out
}

// testImages are the image settings every stack variant is built with in the conformance test.
var testImages = stacks.Images{ImageRegistry: testRegistry, ImagePullSecrets: []string{"regcred"}}

// checkImages synthesizes stack (built with testImages), walks every pod template
// (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs; init containers too) and finds no
// image outside the registry, no pod without the pull Secret, no image anywhere else in the
// JSON outside the registry, and no namespace the stack creates without the Secret. It counts
// the pod templates walked per workload type in kinds. It returns the synthesized JSON.
func checkImages(t *testing.T, name string, stack cdk.Stack, kinds map[string]int) []byte {
	t.Helper()
	raw, err := cdk.SynthJSON(stack)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := stacks.PodSpecs(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(pods) == 0 {
		t.Fatalf("%s: no pod template found", name)
	}
	for _, p := range pods {
		kinds[p.Type]++
		imgs := stacks.ContainerImages(p.Spec)
		if len(imgs) == 0 {
			t.Errorf("%s %s.%s: no image", name, p.Type, p.ID)
		}
		for _, img := range imgs {
			if !strings.HasPrefix(img, testRegistry+"/") {
				t.Errorf("%s %s.%s pulls %s, outside %s", name, p.Type, p.ID, img, testRegistry)
			}
		}
		secrets, _ := json.Marshal(p.Spec["image_pull_secrets"])
		if !strings.Contains(string(secrets), `{"name":"regcred"}`) {
			t.Errorf("%s %s.%s: image_pull_secrets %s lacks regcred", name, p.Type, p.ID, secrets)
		}
	}
	for _, img := range allImages(t, raw) {
		if !strings.HasPrefix(img, testRegistry+"/") {
			t.Errorf("%s: image %s outside the registry", name, img)
		}
	}
	checkPullSecretsInNamespaces(t, name, raw)
	return raw
}

// checkKindsWalked fails when a workload type was never walked: the walk would prove nothing
// for it.
func checkKindsWalked(t *testing.T, kinds map[string]int) {
	t.Helper()
	for _, k := range []string{"kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_daemon_set_v1", "kubernetes_job_v1", "kubernetes_cron_job_v1"} {
		if kinds[k] == 0 {
			t.Errorf("no stack variant has a %s: the image walk proves nothing for it (walked %v)", k, kinds)
		}
	}
}

// TestImagesInExternalGolden walks the external golden's fixture like the variants, with the
// platform following its image settings (the platform has none of its own), a sidecar, and a
// worker image the user set with a registry of its own (rewritten too).
func TestImagesInExternalGolden(t *testing.T) {
	cfg, err := stacks.LoadFile("testdata/external.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.External.Images = testImages
	p := &cfg.External.ArmoniK.Partitions[0]
	p.Worker.Image = armonik.Image{Repository: "ghcr.io/corp/worker", Tag: "1.4"}
	p.Sidecars = append(p.Sidecars, armonik.Sidecar{Name: "proxy", Image: armonik.Image{Repository: "envoyproxy/envoy", Tag: "v1.31.0"}})
	cfg.Stacks = []string{stacks.PlatformName, stacks.ExternalName}
	built, err := stacks.Build(cdk.NewTestApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var all string
	for _, b := range built {
		all += string(checkImages(t, b.Name, b.Stack, kinds))
	}
	for _, want := range []string{testRegistry + "/ghcr.io/corp/worker:1.4", testRegistry + "/docker.io/envoyproxy/envoy:v1.31.0"} {
		if !strings.Contains(all, `"image": "`+want+`"`) {
			t.Errorf("no container pulls %s", want)
		}
	}
	if kinds["kubernetes_deployment_v1"] == 0 || len(built) != 2 {
		t.Errorf("walked %v in %d stacks", kinds, len(built))
	}
}

// checkPullSecretsInNamespaces checks that each namespace the stack creates receives the pull
// Secret regcred, read from the sensitive variable image_pull_secret_regcred.
func checkPullSecretsInNamespaces(t *testing.T, stack string, raw []byte) {
	t.Helper()
	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
		Variable map[string]map[string]any            `json:"variable"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	secretNS := map[string]bool{}
	for _, s := range doc.Resource["kubernetes_secret_v1"] {
		meta, _ := s["metadata"].(map[string]any)
		if meta["name"] == "regcred" && s["type"] == "kubernetes.io/dockerconfigjson" {
			secretNS[meta["namespace"].(string)] = true
		}
	}
	for id := range doc.Resource["kubernetes_namespace_v1"] {
		if ref := "${kubernetes_namespace_v1." + id + ".metadata[0].name}"; !secretNS[ref] {
			t.Errorf("%s: namespace %s gets no pull Secret regcred (Secrets in %v)", stack, id, slices.Sorted(maps.Keys(secretNS)))
		}
	}
	if len(doc.Resource["kubernetes_namespace_v1"]) > 0 && doc.Variable["image_pull_secret_regcred"]["sensitive"] != true {
		t.Errorf("%s: the pull Secret's variable must be sensitive: %v", stack, doc.Variable["image_pull_secret_regcred"])
	}
}

// TestImagesCommand: `images` prints exactly the set of images in the synthesized JSON, one
// per line, sorted, and nothing else on stdout, for the default configuration and for a
// variant with the platform and a registry; errors go to stderr with exit 1.
func TestImagesCommand(t *testing.T) {
	elastic, err := os.ReadFile("testdata/elastic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"default": "",
		"elastic-registry": strings.Replace(string(elastic), "localhost:\n",
			"localhost:\n  image_registry: "+testRegistry+"\n  image_pull_secrets: [regcred]\n", 1),
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr, _ := runIn(t, doc, "images")
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			cfg := &stacks.Config{}
			if doc != "" {
				if cfg, err = stacks.Parse([]byte(doc)); err != nil {
					t.Fatal(err)
				}
			}
			built, err := stacks.Build(cdk.NewTestApp(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, b := range built {
				raw, err := cdk.SynthJSON(b.Stack)
				if err != nil {
					t.Fatal(err)
				}
				for _, img := range allImages(t, raw) {
					want[img] = true
				}
			}
			wantLines := strings.Join(slices.Sorted(maps.Keys(want)), "\n") + "\n"
			if stdout != wantLines {
				t.Errorf("images printed:\n%s\nthe synthesized JSON holds:\n%s", stdout, wantLines)
			}
			if name == "elastic-registry" && !strings.Contains(stdout, testRegistry+"/ghcr.io/kedacore/keda:2.19.0\n") {
				t.Errorf("KEDA's image (armonik-platform, which follows localhost's registry) is missing:\n%s", stdout)
			}
		})
	}

	// One stack only; an unknown stack or a bad argument is an error on stderr.
	code, stdout, _, _ := runIn(t, "", "images", stacks.LocalhostName)
	if code != 0 || !strings.Contains(stdout, "mongo:8.2.5\n") {
		t.Errorf("images armonik-localhost: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr, _ := runIn(t, "", "images", "armonik-nowhere")
	if code != 1 || stdout != "" || !strings.Contains(stderr, `no stack "armonik-nowhere"`) {
		t.Errorf("images armonik-nowhere: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr, _ = runIn(t, "", "images", "a", "b")
	if code != 2 || stdout != "" || !strings.Contains(stderr, `images: unexpected argument "b"`) {
		t.Errorf("images a b: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestImageSettingsErrors: a bad registry, exempt prefix or pull Secret name is reported, with
// its key, before anything is synthesized, in every stack that takes them.
func TestImageSettingsErrors(t *testing.T) {
	code, stdout, stderr, _ := runIn(t, `
stacks: [armonik-platform, armonik-localhost, armonik-external]
platform:
  image_registry: mirror
localhost:
  image_registry: https://registry.corp/mirror
  image_registry_exempt: [registry.corp/team/]
  image_pull_secrets: [regcred, Reg_Cred, regcred]
external:
  image_registry: registry.corp/mirror:1.0
  queue: {sqs: {region: eu-west-3}}
  table_storage: {external_mongodb: {}}
  object_storage: {s3: {region: eu-west-3, bucket: objects}}
`, "images")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{
		`platform.image_registry: "mirror": "mirror" is not a registry host`,
		`localhost.image_registry: "https://registry.corp/mirror": no scheme`,
		`localhost.image_registry_exempt[0]: "registry.corp/team/": no trailing slash`,
		`localhost.image_pull_secrets[1]: "Reg_Cred": a lowercase RFC 1123 subdomain`,
		`localhost.image_pull_secrets[2]: "regcred" is listed twice`,
		`external.image_registry: "registry.corp/mirror:1.0": a registry has no tag`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// An image from a registry with a port cannot go under a registry path: the error names
	// the image and what to do.
	code, _, stderr, _ = runIn(t, `
localhost:
  image_registry: registry.corp/mirror
  armonik:
    partitions:
      - name: default
        worker: {image: {repository: "localhost:5000/my-worker", tag: "1"}}
`, "images")
	if code != 1 || !strings.Contains(stderr, `"localhost:5000/my-worker:1" comes from a registry with a port`) || !strings.Contains(stderr, "exempt localhost:5000") {
		t.Errorf("worker from a registry with a port: exit %d\n%s", code, stderr)
	}
}
