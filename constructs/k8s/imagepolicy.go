package k8s

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/distribution/reference"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ImagePolicy says where the pods of a stack pull their images from. A stack sets it once
// (SetImagePolicy), before adding anything to the stack; every pod template the New*
// workload functions render in that stack (Deployment, StatefulSet, DaemonSet, Job, CronJob,
// init containers included) then follows it, whichever construct or module built it, and
// every namespace NewNamespace creates there receives the pull Secrets.
//
// # The registry rewrite
//
// With Registry set, an image reference becomes Registry/<its registry host>/<its path>,
// keeping its tag and digest: the source is written in full (github.com/distribution/reference
// normalization, as the kubelet reads it), so
//
//	mongo:8.2.5                          -> registry.corp/mirror/docker.io/library/mongo:8.2.5
//	dockerhubaneo/armonik_control:0.37.2 -> registry.corp/mirror/docker.io/dockerhubaneo/armonik_control:0.37.2
//	ghcr.io/kedacore/keda:2.19.0         -> registry.corp/mirror/ghcr.io/kedacore/keda:2.19.0
//	quay.io/minio/minio@sha256:...       -> registry.corp/mirror/quay.io/minio/minio@sha256:...
//
// An image from a registry with a port (localhost:5000/app) is an error unless that registry
// is exempt: a port cannot be a path segment.
//
// Keeping the source host as the first path segment means two sources never meet in the
// mirror (quay.io/prometheus/prometheus and docker.io/prom/prometheus, or an image published
// under the same path on two registries), the mirror's layout is exactly what `skopeo sync
// --scoped` writes and what `crane copy "$src" "registry.corp/mirror/$src"` makes of a fully
// qualified source, a Harbor instance whose proxy-cache projects are named after the upstream
// hosts (docker.io, ghcr.io, quay.io, registry.k8s.io) serves it with Registry "harbor.corp",
// and stripping the Registry prefix from a rewritten reference gives back its source.
//
// Every image is rewritten, the ones a user set included (a worker image, an override), since
// an air-gapped cluster can pull nothing else; images already under Registry, or under one of
// the Exempt prefixes (a team registry the nodes reach directly), are used as written.
type ImagePolicy struct {
	// Registry is the registry host, with an optional path, that every image is pulled from
	// ("" pulls every image as written).
	Registry string `json:"registry,omitempty"`
	// Exempt lists registry prefixes (host, or host/path) whose images are used as written.
	Exempt []string `json:"exempt,omitempty"`
	// PullSecrets are the names of the kubernetes.io/dockerconfigjson Secrets every pod lists
	// in imagePullSecrets (after its own).
	PullSecrets []string `json:"pull_secrets,omitempty"`
	// CreatePullSecrets makes NewNamespace create each pull Secret in the namespaces it creates,
	// from the sensitive Terraform variable PullSecretVariable(name) (a Docker config JSON). A
	// namespace created by the stack cannot hold a Secret made beforehand.
	CreatePullSecrets bool `json:"create_pull_secrets,omitempty"`
}

// imagePolicyContext is the construct-tree context key holding a stack's ImagePolicy (JSON).
const imagePolicyContext = "armonik-cdktf/image-policy"

// CheckRegistry returns "" when registry is a registry host with an optional path
// ("registry.corp/mirror", "localhost:5000", "harbor.corp"), else what is wrong. The host
// must look like one (a dot, a port, or localhost), as container runtimes require.
func CheckRegistry(registry string) string {
	switch {
	case registry == "":
		return "required"
	case strings.Contains(registry, "://"):
		return fmt.Sprintf("%q: no scheme: write the host and path only (registry.corp/mirror)", registry)
	case strings.HasSuffix(registry, "/"):
		return fmt.Sprintf("%q: no trailing slash", registry)
	case strings.ContainsAny(registry, "@"):
		return fmt.Sprintf("%q: a registry has no digest", registry)
	}
	host, path, _ := strings.Cut(registry, "/")
	if strings.Contains(path, ":") {
		return fmt.Sprintf("%q: a registry has no tag", registry)
	}
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return fmt.Sprintf("%q: %q is not a registry host (a host has a dot or a port, or is localhost): registry.corp/mirror, localhost:5000", registry, host)
	}
	named, err := reference.ParseNamed(registry + "/x")
	if err != nil || reference.Domain(named) != host {
		return fmt.Sprintf("%q is not a registry host with an optional path (lower-case, e.g. registry.corp/mirror)", registry)
	}
	return ""
}

// Validate returns every problem of p, each naming its field.
func (p ImagePolicy) Validate() []error {
	var errs errList
	if p.Registry != "" {
		if msg := CheckRegistry(p.Registry); msg != "" {
			errs.add("registry: %s", msg)
		}
	}
	for i, e := range p.Exempt {
		if msg := CheckRegistry(e); msg != "" {
			errs.add("exempt[%d]: %s", i, msg)
		}
	}
	vars := map[string]string{}
	for i, n := range p.PullSecrets {
		if msg := CheckName("Secret", n); msg != "" {
			errs.add("pull_secrets[%d]: %q: %s", i, n, msg)
			continue
		}
		if slices.Index(p.PullSecrets, n) != i {
			errs.add("pull_secrets[%d]: %q is listed twice", i, n)
			continue
		}
		v := PullSecretVariable(n)
		if other, dup := vars[v]; dup && p.CreatePullSecrets {
			errs.add("pull_secrets[%d]: %q and %q would both be read from the variable %s: rename one", i, other, n, v)
		}
		vars[v] = n
	}
	return errs
}

// PullSecretVariable is the sensitive Terraform variable a created pull Secret named name is
// read from (set it with TF_VAR_<variable>): image_pull_secret_<name>, '-' and '.' made '_'.
func PullSecretVariable(name string) string {
	return "image_pull_secret_" + strings.NewReplacer("-", "_", ".", "_").Replace(name)
}

// Rewrite returns the reference the kubelet pulls for image under p (see ImagePolicy).
func (p ImagePolicy) Rewrite(image string) (string, error) {
	if p.Registry == "" {
		return image, nil
	}
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", fmt.Errorf("%q is not an image reference: %v", image, err)
	}
	for _, prefix := range append([]string{p.Registry}, p.Exempt...) {
		if n := named.Name(); n == prefix || strings.HasPrefix(n, prefix+"/") {
			return image, nil
		}
	}
	if strings.Contains(reference.Domain(named), ":") {
		// A port cannot be a path segment of the mirror.
		return "", fmt.Errorf("%q comes from a registry with a port, which cannot be mirrored under %s: exempt %s (the nodes pull it as written) or push the image to a registry without a port", image, p.Registry, reference.Domain(named))
	}
	out := p.Registry + "/" + named.Name()
	if t, ok := named.(reference.Tagged); ok {
		out += ":" + t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		out += "@" + d.Digest().String()
	}
	if _, err := reference.ParseNamed(out); err != nil {
		return "", fmt.Errorf("%q rewritten for registry %s is %q, not a valid reference: %v", image, p.Registry, out, err)
	}
	return out, nil
}

// SetImagePolicy makes p the image policy of scope's stack: call it on a new stack, before
// adding anything to it (the construct tree's context cannot change once a stack has children).
func SetImagePolicy(stack constructs.Construct, p ImagePolicy) error {
	if errs := p.Validate(); len(errs) > 0 {
		return fmt.Errorf("image policy: %w", errList(errs).join())
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return cdk.Guard("image policy", func() error {
		stack.Node().SetContext(jsii.String(imagePolicyContext), string(raw))
		return nil
	})
}

// ImagePolicyOf returns the image policy in force at scope (the zero policy when none is set).
func ImagePolicyOf(scope constructs.Construct) (ImagePolicy, error) {
	var p ImagePolicy
	err := cdk.Guard("image policy", func() error {
		raw, ok := scope.Node().TryGetContext(jsii.String(imagePolicyContext)).(string)
		if !ok || raw == "" {
			return nil
		}
		return json.Unmarshal([]byte(raw), &p)
	})
	return p, err
}

// withImagePolicy returns a copy of t whose images follow scope's image policy and whose
// pods list its pull Secrets (after their own, without duplicates).
func withImagePolicy(scope constructs.Construct, kind, name string, t PodTemplate) (PodTemplate, error) {
	p, err := ImagePolicyOf(scope)
	if err != nil || (p.Registry == "" && len(p.PullSecrets) == 0) {
		return t, err
	}
	var errs errList
	rewrite := func(cs []Container) []Container {
		out := slices.Clone(cs)
		for i := range out {
			img, err := p.Rewrite(out[i].Image)
			if err != nil {
				errs.add("%s %q: container %q: image: %v", kind, name, out[i].Name, err)
				continue
			}
			out[i].Image = img
		}
		return out
	}
	t.Spec.Containers = rewrite(t.Spec.Containers)
	t.Spec.InitContainers = rewrite(t.Spec.InitContainers)
	secrets := slices.Clone(t.Spec.ImagePullSecrets)
	for _, s := range p.PullSecrets {
		if !slices.Contains(secrets, s) {
			secrets = append(secrets, s)
		}
	}
	t.Spec.ImagePullSecrets = secrets
	return t, errs.join()
}

// createPullSecrets creates scope's pull Secrets in the namespace ns just created, when the
// policy says so: each a kubernetes.io/dockerconfigjson Secret whose content is the sensitive
// variable PullSecretVariable(name), declared once per stack.
func createPullSecrets(scope constructs.Construct, id string, ns *Namespace) error {
	p, err := ImagePolicyOf(scope)
	if err != nil || !p.CreatePullSecrets {
		return err
	}
	stack := cdktf.TerraformStack_Of(scope)
	for _, name := range p.PullSecrets {
		v := PullSecretVariable(name)
		value := "${var." + v + "}"
		if stack.Node().TryFindChild(jsii.String(v)) == nil {
			variable, err := NewSensitiveVariable(stack, v,
				fmt.Sprintf("Docker config JSON of the image pull Secret %s (the content of a ~/.docker/config.json holding the registry's auths)", name),
				VariableValidation{
					Condition:    fmt.Sprintf("can(jsondecode(var.%s).auths)", v),
					ErrorMessage: fmt.Sprintf("The image pull Secret %s must be a Docker config JSON document with an \"auths\" object, such as the content of ~/.docker/config.json after docker login.", name),
				})
			if err != nil {
				return err
			}
			value = variable.Value
		}
		if _, err := NewSecret(scope, id+"-pull-secret-"+name, SecretSpec{
			Meta: Meta{Name: name, Namespace: ns.NameRef, Labels: map[string]string{"app.kubernetes.io/managed-by": "cdktf"}},
			Type: "kubernetes.io/dockerconfigjson",
			Data: map[string]string{".dockerconfigjson": value},
		}); err != nil {
			return err
		}
	}
	return nil
}

// policyTemplate is withImagePolicy for the New* workload functions: problems go to errs.
func policyTemplate(scope constructs.Construct, kind, name string, t PodTemplate, errs *errList) PodTemplate {
	out, err := withImagePolicy(scope, kind, name, t)
	if err != nil {
		*errs = append(*errs, err)
		return t
	}
	return out
}
