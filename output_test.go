package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned returns a PEM certificate and its PKCS#8 PEM key.
func selfSigned(t *testing.T, cn string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// TestOutputScript runs scripts/output.sh (make output) against a stand-in terraform that
// prints the outputs of a deployed stack, and checks the files it writes and their modes, and
// that ENGINE=tofu reads them with tofu (scripts/engine.sh, $TOFU) instead.
func TestOutputScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not on PATH")
	}
	root := t.TempDir()
	script, err := os.ReadFile(filepath.Join("scripts", "output.sh"))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := os.ReadFile(filepath.Join("scripts", "engine.sh"))
	if err != nil {
		t.Fatal(err)
	}
	stack := filepath.Join(root, "cdktf.out", "stacks", "armonik-localhost")
	for _, d := range []string{filepath.Join(root, "scripts"), filepath.Join(root, "bin"), filepath.Join(stack, ".terraform")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "scripts", "output.sh"), script, 0o755)
	os.WriteFile(filepath.Join(root, "scripts", "engine.sh"), engine, 0o755)
	os.WriteFile(filepath.Join(stack, "cdk.tf.json"), []byte("{}"), 0o644)
	ca, _ := selfSigned(t, "ArmoniK front CA")
	subCert, subKey := selfSigned(t, "submitter")
	monCert, monKey := selfSigned(t, "monitoring")
	outputs := map[string]any{
		"control_plane_url": map[string]any{"sensitive": false, "value": "https://10.1.2.3:5001"},
		"admin_gui_url":     map[string]any{"sensitive": false, "value": "https://10.1.2.3:5000/admin/"},
		"ca_certificate":    map[string]any{"sensitive": false, "value": ca},
		"client_certificates": map[string]any{"sensitive": true, "value": map[string]any{
			"monitoring": map[string]string{"certificate": monCert, "private_key": monKey},
			"submitter":  map[string]string{"certificate": subCert, "private_key": subKey},
		}},
	}
	raw, _ := json.Marshal(outputs)
	os.WriteFile(filepath.Join(root, "outputs.json"), raw, 0o644)
	// terraform -chdir=<dir> output -json -no-color
	fake := "#!/bin/sh\ncase \"$*\" in *'output -json'*) cat " + filepath.Join(root, "outputs.json") + " ;; *) exit 3 ;; esac\n"
	os.WriteFile(filepath.Join(root, "bin", "terraform"), []byte(fake), 0o755)

	run := func(env ...string) (string, error) {
		cmd := exec.Command(filepath.Join(root, "scripts", "output.sh"))
		cmd.Env = append(os.Environ(), append([]string{"PATH=" + filepath.Join(root, "bin") + ":" + os.Getenv("PATH"),
			"STACK=", "CLIENT=", "ENGINE=", "TERRAFORM=", "TOFU="}, env...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil {
		t.Fatalf("output.sh: %v\n%s", err, out)
	}
	gen := filepath.Join(root, "generated", "armonik-localhost")
	mode := func(name string) os.FileMode {
		st, err := os.Stat(filepath.Join(gen, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return st.Mode().Perm()
	}
	if m := mode("."); m != 0o700 {
		t.Errorf("generated/armonik-localhost is %o, want 700", m)
	}
	for name, want := range map[string]os.FileMode{
		"endpoints.json": 0o644, "ca.crt": 0o644, "client.submitter.crt": 0o644, "client.submitter.key": 0o600,
		"client.monitoring.key": 0o600, "armonik-cli.yaml": 0o600, "grpc-client.env": 0o600,
	} {
		if m := mode(name); m != want {
			t.Errorf("%s is %o, want %o", name, m, want)
		}
	}
	if _, err := exec.LookPath("openssl"); err == nil {
		if m := mode("client.submitter.p12"); m != 0o600 {
			t.Errorf("client.submitter.p12 is %o, want 600", m)
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(gen, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("client.submitter.key"); got != subKey {
		t.Errorf("client.submitter.key differs from the output")
	}
	cli := read("armonik-cli.yaml")
	for _, want := range []string{
		"endpoint: https://10.1.2.3:5001\n",
		"certificate_authority: " + gen + "/ca.crt\n",
		"client_certificate: " + gen + "/client.submitter.crt\n",
		"client_key: " + gen + "/client.submitter.key\n",
	} {
		if !strings.Contains(cli, want) {
			t.Errorf("armonik-cli.yaml lacks %q:\n%s", want, cli)
		}
	}
	if env := read("grpc-client.env"); !strings.Contains(env, "GrpcClient__Endpoint=https://10.1.2.3:5001\n") || !strings.Contains(env, "GrpcClient__KeyPem="+gen+"/client.submitter.key") {
		t.Errorf("grpc-client.env:\n%s", env)
	}
	var eps map[string]string
	if err := json.Unmarshal([]byte(read("endpoints.json")), &eps); err != nil || eps["admin_gui_url"] != "https://10.1.2.3:5000/admin/" || len(eps) != 2 {
		t.Errorf("endpoints.json = %v (%v)", eps, err)
	}
	if !strings.Contains(out, "export AKCONFIG="+gen+"/armonik-cli.yaml") {
		t.Errorf("the script does not tell how to use the CLI configuration:\n%s", out)
	}

	// Another identity, and an unknown one.
	if out, err := run("CLIENT=monitoring"); err != nil || !strings.Contains(read("armonik-cli.yaml"), "client.monitoring.key") {
		t.Errorf("CLIENT=monitoring: %v\n%s", err, out)
	}
	if out, err := run("CLIENT=nobody"); err == nil || !strings.Contains(out, "CLIENT=nobody: no such client certificate (generated: monitoring submitter)") {
		t.Errorf("CLIENT=nobody: %v\n%s", err, out)
	}
	// ENGINE=tofu: the same outputs, read by tofu (here a stand-in named by $TOFU, as
	// scripts/engine.sh allows), never by terraform.
	tofuOutputs := map[string]any{"control_plane_url": map[string]any{"sensitive": false, "value": "https://10.9.9.9:5001"}}
	raw, _ = json.Marshal(tofuOutputs)
	os.WriteFile(filepath.Join(root, "tofu-outputs.json"), raw, 0o644)
	os.WriteFile(filepath.Join(root, "tofu"), []byte("#!/bin/sh\ncase \"$*\" in *'output -json'*) cat "+filepath.Join(root, "tofu-outputs.json")+" ;; *) exit 3 ;; esac\n"), 0o755)
	if out, err := run("ENGINE=tofu", "TOFU="+filepath.Join(root, "tofu")); err != nil || !strings.Contains(read("armonik-cli.yaml"), "endpoint: https://10.9.9.9:5001\n") {
		t.Errorf("ENGINE=tofu: %v\n%s\n%s", err, out, read("armonik-cli.yaml"))
	}
	if out, err := run("ENGINE=opentofu"); err == nil || !strings.Contains(out, "unknown engine 'opentofu'") {
		t.Errorf("ENGINE=opentofu: %v\n%s", err, out)
	}
	// Nothing deployed: a clear error.
	os.RemoveAll(filepath.Join(stack, ".terraform"))
	if out, err := run(); err == nil || !strings.Contains(out, "run make deploy STACK=armonik-localhost first") {
		t.Errorf("without a deployment: %v\n%s", err, out)
	}
}
