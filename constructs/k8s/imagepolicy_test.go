package k8s_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestImageRewrite(t *testing.T) {
	p := k8s.ImagePolicy{Registry: "registry.corp/mirror", Exempt: []string{"registry.corp/team", "myacr.azurecr.io"}}
	for in, want := range map[string]string{
		// Docker Hub official and user images: the full normalized name.
		"mongo:8.2.5":                          "registry.corp/mirror/docker.io/library/mongo:8.2.5",
		"docker.io/library/mongo:8.2.5":        "registry.corp/mirror/docker.io/library/mongo:8.2.5",
		"dockerhubaneo/armonik_control:0.37.2": "registry.corp/mirror/docker.io/dockerhubaneo/armonik_control:0.37.2",
		// Another registry: its host becomes the first path segment.
		"ghcr.io/kedacore/keda:2.19.0":                                        "registry.corp/mirror/ghcr.io/kedacore/keda:2.19.0",
		"registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.18": "registry.corp/mirror/registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.18",
		// Digests and tags are kept; no tag stays no tag.
		"quay.io/minio/minio@" + digest:         "registry.corp/mirror/quay.io/minio/minio@" + digest,
		"quay.io/minio/minio:RELEASE@" + digest: "registry.corp/mirror/quay.io/minio/minio:RELEASE@" + digest,
		"busybox":                               "registry.corp/mirror/docker.io/library/busybox",
		// Already in the registry, or exempt: as written.
		"registry.corp/mirror/docker.io/library/mongo:8.2.5": "registry.corp/mirror/docker.io/library/mongo:8.2.5",
		"registry.corp/team/worker:1.4":                      "registry.corp/team/worker:1.4",
		"myacr.azurecr.io/worker:2":                          "myacr.azurecr.io/worker:2",
		// A prefix is a path prefix, not a string prefix.
		"registry.corp/teamwork/x:1": "registry.corp/mirror/registry.corp/teamwork/x:1",
	} {
		got, err := p.Rewrite(in)
		if err != nil || got != want {
			t.Errorf("Rewrite(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, _ := (k8s.ImagePolicy{}).Rewrite("mongo:8.2.5"); got != "mongo:8.2.5" {
		t.Errorf("no registry: %q, want the image as written", got)
	}
	if _, err := p.Rewrite("localhost:5000/app:1"); err == nil || !strings.Contains(err.Error(), "exempt localhost:5000") {
		t.Errorf("an image from a registry with a port: %v", err)
	}
	if got, _ := (k8s.ImagePolicy{Registry: "registry.corp", Exempt: []string{"localhost:5000"}}).Rewrite("localhost:5000/app:1"); got != "localhost:5000/app:1" {
		t.Errorf("an exempt registry with a port: %q", got)
	}
	// A rewrite that makes the name too long is an error naming the image.
	long := "example.com/" + strings.Repeat("a", 240) + ":1"
	if _, err := p.Rewrite(long); err == nil || !strings.Contains(err.Error(), "not a valid reference") {
		t.Errorf("too long a result: %v", err)
	}
}

func TestImagePolicyValidation(t *testing.T) {
	for _, ok := range []string{"registry.corp/mirror", "registry.corp", "localhost:5000", "localhost", "harbor.corp:8443/a/b", "10.0.0.1:5000/mirror"} {
		if msg := k8s.CheckRegistry(ok); msg != "" {
			t.Errorf("CheckRegistry(%q) = %q, want valid", ok, msg)
		}
	}
	for bad, want := range map[string]string{
		"https://registry.corp":    "no scheme",
		"registry.corp/mirror/":    "no trailing slash",
		"mirror":                   `"mirror" is not a registry host`,
		"mirror/images":            `"mirror" is not a registry host`,
		"Registry.corp/Mirror":     "lower-case",
		"registry.corp/mirror:1.0": "no tag",
		"registry.corp@sha256:x":   "no digest",
	} {
		if msg := k8s.CheckRegistry(bad); !strings.Contains(msg, want) {
			t.Errorf("CheckRegistry(%q) = %q, want it to say %q", bad, msg, want)
		}
	}
	errs := k8s.ImagePolicy{
		Registry: "mirror", Exempt: []string{"https://x.io"},
		PullSecrets:       []string{"regcred", "Bad_Name", "regcred", "a.b", "a-b"},
		CreatePullSecrets: true,
	}.Validate()
	msg := errors.Join(errs...).Error()
	for _, want := range []string{
		`registry: "mirror": "mirror" is not a registry host`,
		`exempt[0]: "https://x.io": no scheme`,
		`pull_secrets[1]: "Bad_Name": a lowercase RFC 1123 subdomain`,
		`pull_secrets[2]: "regcred" is listed twice`,
		`pull_secrets[4]: "a.b" and "a-b" would both be read from the variable image_pull_secret_a_b`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("validation lacks %q:\n%s", want, msg)
		}
	}
	if len(errs) != 5 {
		t.Errorf("%d problems, want 5:\n%s", len(errs), msg)
	}
}

// TestImagePolicyReachesEveryWorkload: one policy set on the stack rewrites the images of every
// kind of workload, init containers included, adds the pull Secrets after the pod's own, and
// creates the Secrets (from one sensitive variable each) in every namespace the stack creates.
func TestImagePolicyReachesEveryWorkload(t *testing.T) {
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	policy := k8s.ImagePolicy{Registry: "registry.corp/mirror", PullSecrets: []string{"regcred", "other"}, CreatePullSecrets: true}
	if err := k8s.SetImagePolicy(st, policy); err != nil {
		t.Fatal(err)
	}
	if got, err := k8s.ImagePolicyOf(st); err != nil || got.Registry != policy.Registry || len(got.PullSecrets) != 2 {
		t.Fatalf("ImagePolicyOf = %+v, %v", got, err)
	}
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	var nss []*k8s.Namespace
	for _, n := range []string{"demo", "agents"} {
		ns, err := k8s.NewNamespace(st, n, k8s.NamespaceSpec{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		nss = append(nss, ns)
	}
	labels := map[string]string{"app": "demo"}
	tmpl := podTemplate("creds", labels) // lists regcred itself: no duplicate
	meta := k8s.Meta{Name: "demo", Namespace: nss[0].NameRef}
	if _, err := k8s.NewDeployment(st, "deploy", k8s.DeploymentSpec{Meta: meta, Selector: labels, Template: tmpl}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewStatefulSet(st, "sts", k8s.StatefulSetSpec{Meta: meta, ServiceName: "demo", Selector: labels, Template: tmpl}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewDaemonSet(st, "ds", k8s.DaemonSetSpec{Meta: k8s.Meta{Name: "demo", Namespace: nss[1].NameRef}, Selector: labels, Template: tmpl}); err != nil {
		t.Fatal(err)
	}
	jt := tmpl
	jt.Spec.RestartPolicy = "Never"
	if _, err := k8s.NewJob(st, "job", k8s.JobSpec{Meta: meta, Template: jt}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewCronJob(st, "cron", k8s.CronJobSpec{Meta: meta, Schedule: "@daily", Template: jt}); err != nil {
		t.Fatal(err)
	}
	if tmpl.Spec.Containers[0].Image != "example/app:1.0" {
		t.Errorf("the caller's template was changed: %q", tmpl.Spec.Containers[0].Image)
	}
	_, out := synthtest.Synth(t, st)
	for typ, path := range map[string]string{
		"kubernetes_deployment_v1":   "spec.template.spec",
		"kubernetes_stateful_set_v1": "spec.template.spec",
		"kubernetes_daemon_set_v1":   "spec.template.spec",
		"kubernetes_job_v1":          "spec.template.spec",
		"kubernetes_cron_job_v1":     "spec.job_template.spec.template.spec",
	} {
		spec := synthtest.Get(out.Named(t, typ, "demo"), path)
		if got := synthtest.String(synthtest.Get(spec, "image_pull_secrets")); got != `[{"name":"regcred"},{"name":"other"}]` {
			t.Errorf("%s: image_pull_secrets %s", typ, got)
		}
		for _, c := range []string{"container.0.image", "init_container.0.image"} {
			if got := synthtest.Get(spec, c); got != "registry.corp/mirror/docker.io/example/app:1.0" && got != "registry.corp/mirror/docker.io/library/busybox:1.36" {
				t.Errorf("%s: %s = %v", typ, c, got)
			}
		}
	}
	secrets := out.Resources("kubernetes_secret_v1")
	if len(secrets) != 4 {
		t.Errorf("%d pull Secrets, want 2 per namespace", len(secrets))
	}
	for id, s := range secrets {
		if synthtest.Get(s, "type") != "kubernetes.io/dockerconfigjson" || !strings.HasPrefix(synthtest.String(synthtest.Get(s, "data")), `{".dockerconfigjson":"${var.image_pull_secret_`) {
			t.Errorf("%s: %s", id, synthtest.String(s))
		}
	}
	v := synthtest.Get(out, "variable.image_pull_secret_regcred")
	if synthtest.Get(v, "sensitive") != true || synthtest.Get(v, "default") != nil || !strings.Contains(synthtest.String(synthtest.Get(v, "validation")), "jsondecode(var.image_pull_secret_regcred).auths") {
		t.Errorf("pull secret variable %s", synthtest.String(v))
	}

	// A stack without a policy renders images as written.
	plain, ns := newStack(t)
	if _, err := k8s.NewDeployment(plain, "deploy", k8s.DeploymentSpec{Meta: k8s.Meta{Name: "demo", Namespace: ns.NameRef}, Selector: labels, Template: tmpl}); err != nil {
		t.Fatal(err)
	}
	_, out = synthtest.Synth(t, plain)
	if got := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "demo"), "spec.template.spec.container.0.image"); got != "example/app:1.0" {
		t.Errorf("no policy: image %v", got)
	}

	// A policy that cannot be validated is refused; a policy set too late is an error.
	if err := k8s.SetImagePolicy(cdk.NewStack(cdk.NewTestApp(), "bad"), k8s.ImagePolicy{Registry: "https://x"}); err == nil || !strings.Contains(err.Error(), "registry:") {
		t.Errorf("invalid policy: %v", err)
	}
	if err := k8s.SetImagePolicy(plain, policy); err == nil {
		t.Error("setting a policy on a stack with children must fail")
	}
}
