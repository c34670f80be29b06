package stacks

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Images says where the pods of a stack pull their images from: every pod the stack renders
// (ArmoniK's components, the storage and monitoring modules, KEDA, Jobs and CronJobs, init
// containers included) follows it. See k8s.ImagePolicy for the rewrite.
type Images struct {
	// ImageRegistry is the registry, with an optional path, that every image is pulled from:
	// an image becomes <image_registry>/<its registry host>/<its path>:<tag>, so mongo:8.2.5
	// is pulled as registry.corp/mirror/docker.io/library/mongo:8.2.5 and
	// ghcr.io/kedacore/keda:2.19.0 as registry.corp/mirror/ghcr.io/kedacore/keda:2.19.0 (the
	// layout of `skopeo sync --scoped`; `go run . images` lists them). Images set in this file
	// are rewritten too, unless already under the registry or an exempt prefix. Default: every
	// image as written.
	ImageRegistry string `yaml:"image_registry,omitempty"`
	// ImageRegistryExempt lists registry prefixes (host, or host/path) whose images are pulled
	// as written, not through image_registry: a team registry the nodes reach directly.
	ImageRegistryExempt []string `yaml:"image_registry_exempt,omitempty"`
	// ImagePullSecrets names kubernetes.io/dockerconfigjson Secrets that every pod of the stack
	// lists in imagePullSecrets (ArmoniK's own armonik.image_pull_secrets add to them for its
	// pods). In each namespace the stack creates, the stack creates them too (see
	// create_image_pull_secrets); in an existing namespace they must exist.
	ImagePullSecrets []string `yaml:"image_pull_secrets,omitempty"`
	// CreateImagePullSecrets (default true) creates each image pull Secret in every namespace
	// the stack creates, from the sensitive Terraform variable image_pull_secret_<name> ('-' and
	// '.' as '_'): export TF_VAR_image_pull_secret_regcred="$(cat ~/.docker/config.json)". Set
	// it false when something else puts the Secrets there (a policy engine copying them).
	CreateImagePullSecrets *bool `yaml:"create_image_pull_secrets,omitempty"`
}

// set reports whether any image setting is given.
func (i Images) set() bool {
	return i.ImageRegistry != "" || len(i.ImageRegistryExempt) > 0 || len(i.ImagePullSecrets) > 0 || i.CreateImagePullSecrets != nil
}

// policy is the k8s.ImagePolicy of these settings.
func (i Images) policy() k8s.ImagePolicy {
	return k8s.ImagePolicy{
		Registry: i.ImageRegistry, Exempt: i.ImageRegistryExempt, PullSecrets: i.ImagePullSecrets,
		CreatePullSecrets: i.CreateImagePullSecrets == nil || *i.CreateImagePullSecrets,
	}
}

// validate returns every problem of the settings, each naming its key.
func (i Images) validate() []error {
	keys := strings.NewReplacer("registry:", "image_registry:", "exempt[", "image_registry_exempt[", "pull_secrets[", "image_pull_secrets[")
	var errs []error
	for _, e := range i.policy().Validate() {
		// Each message starts with the policy's field name: name the configuration key.
		msg := e.Error()
		head, rest, _ := strings.Cut(msg, ":")
		errs = append(errs, fmt.Errorf("%s%s", keys.Replace(head+":"), rest))
	}
	return errs
}

// apply gives stack the image policy of these settings; call it first on a new stack.
func (i Images) apply(stack cdk.Stack) error { return k8s.SetImagePolicy(stack, i.policy()) }

// podSpecPaths are where the pod specs are in the synthesized resources of each workload type.
var podSpecPaths = map[string][]string{
	"kubernetes_deployment_v1":   {"spec", "template", "spec"},
	"kubernetes_stateful_set_v1": {"spec", "template", "spec"},
	"kubernetes_daemon_set_v1":   {"spec", "template", "spec"},
	"kubernetes_job_v1":          {"spec", "template", "spec"},
	"kubernetes_cron_job_v1":     {"spec", "job_template", "spec", "template", "spec"},
}

// PodSpec is one pod template of a synthesized stack: the workload that holds it and its
// spec as synthesized.
type PodSpec struct {
	Type, ID string
	Spec     map[string]any
}

// PodSpecs returns the pod templates of a stack's synthesized JSON (cdk.SynthJSON), in a
// stable order, and an error when a workload's pod spec is not where it should be.
func PodSpecs(synthesized []byte) ([]PodSpec, error) {
	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(synthesized, &doc); err != nil {
		return nil, err
	}
	var out []PodSpec
	for _, typ := range slices.Sorted(maps.Keys(podSpecPaths)) {
		for _, id := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			var v any = doc.Resource[typ][id]
			for _, step := range podSpecPaths[typ] {
				m, _ := v.(map[string]any)
				v = m[step]
			}
			spec, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s.%s: no pod spec at %s", typ, id, strings.Join(podSpecPaths[typ], "."))
			}
			out = append(out, PodSpec{Type: typ, ID: id, Spec: spec})
		}
	}
	return out, nil
}

// ContainerImages returns the images of a synthesized pod spec: containers and init containers.
func ContainerImages(spec map[string]any) []string {
	var out []string
	for _, key := range []string{"init_container", "container"} {
		list, _ := spec[key].([]any)
		for _, c := range list {
			if img, ok := c.(map[string]any)["image"].(string); ok {
				out = append(out, img)
			}
		}
	}
	return out
}

// ListImages writes every image reference the built stacks (or only the one named stack) will
// pull, one per line, sorted and unique, as the pods name them (after the registry rewrite):
// the list to mirror into an air-gapped registry. It synthesizes each stack in memory.
func ListImages(w io.Writer, built []Built, stack string) error {
	seen := map[string]bool{}
	found := false
	for _, b := range built {
		if stack != "" && b.Name != stack {
			continue
		}
		found = true
		raw, err := cdk.SynthJSON(b.Stack)
		if err != nil {
			return fmt.Errorf("%s: %w", b.Name, err)
		}
		pods, err := PodSpecs(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", b.Name, err)
		}
		for _, p := range pods {
			for _, img := range ContainerImages(p.Spec) {
				seen[img] = true
			}
		}
	}
	if !found {
		return notBuilt(built, stack)
	}
	for _, img := range slices.Sorted(maps.Keys(seen)) {
		if _, err := fmt.Fprintln(w, img); err != nil {
			return err
		}
	}
	return nil
}
