package k8s_test

import (
	"os"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cdk.Close()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

func newStack(t *testing.T) (cdk.Stack, *k8s.Namespace) {
	t.Helper()
	st := cdk.NewStack(cdk.NewTestApp(), "test")
	if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
		t.Fatal(err)
	}
	ns, err := k8s.NewNamespace(st, "ns", k8s.NamespaceSpec{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	return st, ns
}

func podTemplate(secret string, labels map[string]string) k8s.PodTemplate {
	return k8s.PodTemplate{
		Labels: labels,
		Spec: k8s.PodSpec{
			InitContainers: []k8s.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"true"}}},
			Containers: []k8s.Container{{
				Name: "app", Image: "example/app:1.0",
				Env: []k8s.EnvVar{
					{Name: "PLAIN", Value: "x"},
					{Name: "EMPTY", Value: ""},
					{Name: "PASSWORD", SecretKey: &k8s.KeyRef{Name: secret, Key: "password"}},
					{Name: "POD_IP", FieldPath: "status.podIP"},
				},
				EnvFrom:   []k8s.EnvFrom{{Secret: secret}},
				Ports:     []k8s.Port{{Name: "http", ContainerPort: 8080}},
				Mounts:    []k8s.Mount{{Volume: "certs", Path: "/certs", ReadOnly: true}, {Volume: "scratch", Path: "/tmp"}},
				Liveness:  &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/liveness", Port: "8080"}, PeriodSeconds: 5},
				Readiness: &k8s.Probe{TCPPort: "http"},
				Startup:   &k8s.Probe{Exec: []string{"true"}, FailureThreshold: 20},
				Security: &k8s.ContainerSecurity{
					AllowPrivilegeEscalation: ptr(false), RunAsNonRoot: ptr(true), RunAsUser: ptr[int64](1654),
					DropCapabilities: []string{"ALL"},
				},
				Resources: k8s.Resources{Requests: map[string]string{"cpu": "100m"}},
			}},
			Volumes: []k8s.Volume{
				{Name: "certs", Secret: &k8s.SecretVolume{Name: secret, DefaultMode: "0440", Items: []k8s.KeyToPath{{Key: "ca.crt", Path: "ca.pem", Mode: "0400"}}}},
				{Name: "scratch", EmptyDir: &k8s.EmptyDirVolume{Medium: "Memory", SizeLimit: "64Mi"}},
			},
			Tolerations:      []k8s.Toleration{{Key: "grid", Operator: "Equal", Value: "armonik", Effect: "NoSchedule"}},
			ImagePullSecrets: []string{"regcred"},
			NodeSelector:     map[string]string{"grid": "armonik"},
			Security:         &k8s.PodSecurity{FSGroup: ptr[int64](1654), SeccompRuntimeDefault: true},
		},
	}
}

// TestWorkloadsGolden synthesizes one of each object and pins the JSON; the pod template is
// rendered once and converted for the StatefulSet and the Job, which the golden shows equal.
func TestWorkloadsGolden(t *testing.T) {
	st, ns := newStack(t)
	sec, err := k8s.NewSecret(st, "secret", k8s.SecretSpec{Meta: k8s.Meta{Name: "creds", Namespace: ns.Name}, Data: map[string]string{"password": "${var.password}"}})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app": "demo"}
	if _, err := k8s.NewDeployment(st, "deploy", k8s.DeploymentSpec{
		Meta: k8s.Meta{Name: "demo", Namespace: ns.Name}, Replicas: ptr(2), Selector: labels, Template: podTemplate(sec.Name, labels),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewStatefulSet(st, "sts", k8s.StatefulSetSpec{
		Meta: k8s.Meta{Name: "demo", Namespace: ns.Name}, ServiceName: "demo-headless", Selector: labels,
		Template: podTemplate(sec.Name, labels), Claims: []k8s.ClaimTemplate{{Name: "data", Size: "1Gi"}},
	}); err != nil {
		t.Fatal(err)
	}
	jt := podTemplate(sec.Name, labels)
	jt.Spec.RestartPolicy = "OnFailure"
	if _, err := k8s.NewJob(st, "job", k8s.JobSpec{Meta: k8s.Meta{Name: "demo", Namespace: ns.Name}, Template: jt, Wait: true, Timeout: "2m"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewService(st, "svc", k8s.ServiceSpec{Meta: k8s.Meta{Name: "demo", Namespace: ns.Name}, Type: k8s.Headless, Selector: labels,
		Ports: []k8s.ServicePort{{Name: "http", Port: 80, TargetPort: "http"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewClaim(st, "pvc", k8s.ClaimSpec{Meta: k8s.Meta{Name: "shared", Namespace: ns.Name}, Size: "5Gi", AccessModes: []string{"ReadWriteMany"}}); err != nil {
		t.Fatal(err)
	}
	raw, out := synthtest.Synth(t, st)
	golden.JSON(t, "workloads", raw)

	d := out.Named(t, "kubernetes_deployment_v1", "demo")
	s := out.Named(t, "kubernetes_stateful_set_v1", "demo")
	j := out.Named(t, "kubernetes_job_v1", "demo")
	dc := synthtest.Get(d, "spec.template.spec.container")
	for kind, r := range map[string]map[string]any{"StatefulSet": s, "Job": j} {
		if got := synthtest.Get(r, "spec.template.spec.container"); !jsonEqual(got, dc) {
			t.Errorf("%s containers differ from the Deployment's: the conversion lost something", kind)
		}
	}
	if got := synthtest.Get(d, "spec.template.spec.container.0.env.2.value_from.secret_key_ref.name"); got != "${kubernetes_secret_v1.secret.metadata[0].name}" {
		t.Errorf("secret env references %v, want the created Secret", got)
	}
	if got := synthtest.Get(d, "spec.template.spec.container.0.env.1.value"); got != "" {
		t.Errorf("an empty env value must be rendered as \"\", got %#v", got)
	}
	if got := synthtest.Get(s, "spec.persistent_volume_claim_retention_policy.0.when_deleted"); got != "Delete" {
		t.Errorf("StatefulSet claims must be deleted with it by default, got %v", got)
	}
	if got := synthtest.Get(d, "wait_for_rollout"); got != false {
		t.Errorf("wait_for_rollout = %v, want false", got)
	}
}

func jsonEqual(a, b any) bool {
	return synthtest.String(a) == synthtest.String(b)
}

func TestValidationErrorsAreCollected(t *testing.T) {
	st, ns := newStack(t)
	tmpl := k8s.PodTemplate{Labels: map[string]string{"app": "x"}, Spec: k8s.PodSpec{
		Containers: []k8s.Container{
			{Name: "Bad_Name", Env: []k8s.EnvVar{{Name: "1X"}, {Name: "A", Value: "v", SecretKey: &k8s.KeyRef{Name: "s", Key: "k"}}},
				Mounts: []k8s.Mount{{Volume: "missing", Path: "relative"}}},
		},
		Volumes: []k8s.Volume{{Name: "v", Secret: &k8s.SecretVolume{Name: "s", DefaultMode: "644"}, EmptyDir: &k8s.EmptyDirVolume{}}},
	}}
	_, err := k8s.NewDeployment(st, "d", k8s.DeploymentSpec{Meta: k8s.Meta{Name: "x", Namespace: ns.Name}, Selector: map[string]string{"app": "y"}, Template: tmpl, Replicas: ptr(-1)})
	if err == nil {
		t.Fatal("invalid Deployment accepted")
	}
	for _, want := range []string{
		`container "Bad_Name": name:`,
		`container "Bad_Name": image: required`,
		`env "1X"`,
		`env "A": set a value or one valueFrom source, not both`,
		`the pod has no such volume`,
		`path "relative" must be absolute`,
		`volume "v": needs exactly one source`,
		`mode "644" must be an octal string like "0644"`,
		`selector app=y does not match the pod template labels`,
		`replicas -1 must be >= 0`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := k8s.NewService(st, "s", k8s.ServiceSpec{Meta: k8s.Meta{Name: "s", Namespace: ns.Name}, Type: "Ingress", Ports: []k8s.ServicePort{{Port: 80}}}); err == nil ||
		!strings.Contains(err.Error(), `type "Ingress" must be one of ClusterIP, NodePort, LoadBalancer, Headless`) {
		t.Errorf("unknown service type: got %v", err)
	}
}

func TestConfigHash(t *testing.T) {
	st, ns := newStack(t)
	sec, err := k8s.NewSecret(st, "secret", k8s.SecretSpec{Meta: k8s.Meta{Name: "creds", Namespace: ns.Name}, Data: map[string]string{"k": "${var.v}"}})
	if err != nil {
		t.Fatal(err)
	}
	h1, err := k8s.ConfigHash(map[string]string{"A": "1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := k8s.ConfigHash(map[string]string{"A": "2"}, nil)
	if h1 == h2 || len(h1) != 64 {
		t.Errorf("static hash must change with the env: %q %q", h1, h2)
	}
	if _, err := k8s.ConfigHash(map[string]string{"A": sec.Name}, nil); err == nil {
		t.Error("a token in the static part must be refused")
	}
	expr, err := k8s.ConfigHash(map[string]string{"A": "1"}, []string{sec.Name, "not-created-here"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(expr, "${TfToken[") {
		t.Errorf("a created Secret must make the hash a Terraform expression, got %q", expr)
	}
}

func TestGeneratedSecretKeepsValuesOutOfTheJSON(t *testing.T) {
	st, ns := newStack(t)
	g, err := k8s.NewGeneratedSecret(st, "creds", k8s.GeneratedSecretSpec{
		Meta:      k8s.Meta{Name: "creds", Namespace: ns.Name},
		Passwords: map[string]k8s.Password{"password": {Length: 32}},
		Data:      map[string]string{"username": "armonik"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewGeneratedSecret(st, "again", k8s.GeneratedSecretSpec{
		Meta: k8s.Meta{Name: "again", Namespace: ns.Name}, Passwords: map[string]k8s.Password{"p": {}},
	}); err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	if got := len(out.ResourceIDs("random_password")); got != 2 {
		t.Errorf("want 2 random_password, got %d", got)
	}
	if p, ok := synthtest.Get(out, "provider.random").([]any); !ok || len(p) != 1 {
		t.Error("the random provider must be added to the stack (once)")
	}
	sec := out.Named(t, "kubernetes_secret_v1", "creds")
	if got := synthtest.Get(sec, "data.password"); got != "${random_password.creds-password.result}" {
		t.Errorf("password must reference the random_password result, got %v", got)
	}
	if got := synthtest.Get(out.Resources("random_password")["creds-password"], "length"); got != float64(32) {
		t.Errorf("length = %v", got)
	}
	if g.Values["password"] == "" {
		t.Error("Values must expose the reference")
	}
	if _, err := k8s.NewGeneratedSecret(st, "bad", k8s.GeneratedSecretSpec{
		Meta: k8s.Meta{Name: "bad", Namespace: ns.Name}, Passwords: map[string]k8s.Password{"a b": {Length: 4}},
	}); err == nil || !strings.Contains(err.Error(), `key "a b"`) || !strings.Contains(err.Error(), "length 4") {
		t.Errorf("bad keys and lengths must be reported together, got %v", err)
	}
}

// TestValidateImage checks image references with the runtimes' grammar.
func TestValidateImage(t *testing.T) {
	for image, ok := range map[string]bool{
		"redis:8.6.0-alpine":                                                            true,
		"dockerhubaneo/armonik_control:0.37.2":                                          true,
		"quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z":                              true,
		"registry.corp:5000/mirror/redis:8":                                             true,
		"redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": true,
		"":                                     false,
		" redis":                               false,
		"redis:8.6 alpine":                     false,
		"Redis:8":                              false,
		"dockerhubaneo/ArmoniK_control:0.37.2": false,
		"redis@@sha256:abc":                    false,
		"redis:":                               false,
		"redis:tag with spaces":                false,
	} {
		if err := k8s.ValidateImage(image); (err == nil) != ok {
			t.Errorf("ValidateImage(%q) = %v, want ok=%v", image, err, ok)
		}
	}
}

// TestNamesFromGoAreValidated: what the YAML path rejects, the Go API rejects too.
func TestNamesFromGoAreValidated(t *testing.T) {
	for _, name := range []string{"Kube_System", strings.Repeat("a", 64), "", "-ns"} {
		if _, err := k8s.ExistingNamespace(name); err == nil {
			t.Errorf("ExistingNamespace(%q) accepted", name)
		}
	}
	if ns, err := k8s.ExistingNamespace("kube-system"); err != nil || ns.Display != "kube-system" {
		t.Errorf("ExistingNamespace(kube-system) = %v, %v", ns, err)
	}
	st := cdk.NewStack(cdk.NewTestApp(), "names")
	_, err := k8s.NewService(st, "svc", k8s.ServiceSpec{Meta: k8s.Meta{Name: "1st.service", Namespace: "Bad_NS"},
		Selector: map[string]string{"a": "b"}, Ports: []k8s.ServicePort{{Name: "p", Port: 80, TargetPort: "80"}}})
	if err == nil || !strings.Contains(err.Error(), `Service "1st.service": name:`) || !strings.Contains(err.Error(), `namespace "Bad_NS"`) {
		t.Errorf("a bad Service name and namespace: %v", err)
	}
	_, err = k8s.NewDeployment(st, "dep", k8s.DeploymentSpec{Meta: k8s.Meta{Name: "d", Namespace: "ns"}, Selector: map[string]string{"a": "b"},
		Template: k8s.PodTemplate{Labels: map[string]string{"a": "b"}, Spec: k8s.PodSpec{Containers: []k8s.Container{{Name: "c", Image: "Not An Image"}}}}})
	if err == nil || !strings.Contains(err.Error(), `container "c": image: "Not An Image" is not an image reference`) {
		t.Errorf("a bad image: %v", err)
	}
}
