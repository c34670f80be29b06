package k8s_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestCertificates: a CA, a server certificate whose names include a Service's addresses
// (dropped while unknown), key material only as references, and outputs.
func TestCertificates(t *testing.T) {
	st, ns := newStack(t)
	svc, err := k8s.NewService(st, "svc", k8s.ServiceSpec{Meta: k8s.Meta{Name: "front", Namespace: ns.Name}, Type: k8s.LoadBalancer,
		Selector: map[string]string{"a": "b"}, Ports: []k8s.ServicePort{{Name: "https", Port: 5001}}})
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := k8s.AddressesOf(svc)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := k8s.NewCA(st, "ca", k8s.CASpec{Subject: k8s.Subject{CommonName: "Test CA", Organization: "ArmoniK"},
		Validity: k8s.Validity{Hours: 87600, EarlyRenewalHours: 8760}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := k8s.NewCert(st, "server", k8s.CertSpec{
		Subject: k8s.Subject{CommonName: "armonik.local"}, Validity: k8s.Validity{Hours: 8760, EarlyRenewalHours: 720},
		CA: ca, Server: true, KeyAlgorithm: k8s.RSA,
		DNSNames:    []string{"armonik.local", "front.demo.svc", addrs.LoadBalancerHostname},
		IPAddresses: []string{"127.0.0.1", addrs.ClusterIP, addrs.LoadBalancerIP},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k8s.NewSecret(st, "front-tls", k8s.SecretSpec{Meta: k8s.Meta{Name: "front-tls", Namespace: ns.Name}, Type: "kubernetes.io/tls",
		Data: map[string]string{"tls.crt": cert.CertPEM, "tls.key": cert.KeyPEM, "ca.crt": ca.CertPEM}}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.NewOutput(st, k8s.OutputSpec{Name: "ca_certificate", Value: ca.CertPEM, Description: "CA"}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.NewOutput(st, k8s.OutputSpec{Name: "keys", Value: map[string]any{"server": map[string]string{"key": cert.KeyPEM}}, Sensitive: true}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.NewOutput(st, k8s.OutputSpec{Name: "keys", Value: "x"}); err == nil || !strings.Contains(err.Error(), `output "keys": the name is already used`) {
		t.Errorf("duplicate output: %v", err)
	}
	raw, out := synthtest.Synth(t, st)

	if got := synthtest.String(synthtest.Get(out, "provider.tls")); got != `[{}]` {
		t.Errorf("tls provider: %s", got)
	}
	if got := synthtest.Get(out, "terraform.required_providers.tls.version"); got != "4.1.0" {
		t.Errorf("tls provider version %v, want 4.1.0", got)
	}
	caRes := out.Resources("tls_self_signed_cert")["ca"]
	for path, want := range map[string]any{
		"is_ca_certificate": true, "validity_period_hours": float64(87600), "early_renewal_hours": float64(8760),
		"subject.0.common_name": "Test CA", "private_key_pem": "${tls_private_key.ca-key.private_key_pem}",
	} {
		if got := synthtest.Get(caRes, path); got != want {
			t.Errorf("CA %s = %v, want %v", path, got, want)
		}
	}
	if got := synthtest.Get(out.Resources("tls_private_key")["ca-key"], "algorithm"); got != "ECDSA" {
		t.Errorf("default key algorithm %v", got)
	}
	if got := synthtest.Get(out.Resources("tls_private_key")["server-key"], "rsa_bits"); got != float64(4096) {
		t.Errorf("RSA bits %v", got)
	}
	req := out.Resources("tls_cert_request")["server-request"]
	ips, _ := synthtest.Get(req, "ip_addresses").(string)
	for _, want := range []string{`compact(["127.0.0.1", try(kubernetes_service_v1.svc.spec[0].cluster_ip, ""), try(kubernetes_service_v1.svc.status[0].load_balancer[0].ingress[0].ip, "")])`} {
		if !strings.Contains(ips, want) {
			t.Errorf("ip_addresses = %s, want it to contain %s", ips, want)
		}
	}
	signed := out.Resources("tls_locally_signed_cert")["server"]
	if got := synthtest.String(synthtest.Get(signed, "allowed_uses")); got != `["digital_signature","key_encipherment","server_auth"]` {
		t.Errorf("allowed uses %s", got)
	}
	sec := out.Named(t, "kubernetes_secret_v1", "front-tls")
	data, _ := synthtest.Get(sec, "data").(map[string]any)
	if data["tls.key"] != "${tls_private_key.server-key.private_key_pem_pkcs8}" || data["ca.crt"] != "${tls_self_signed_cert.ca.cert_pem}" {
		t.Errorf("secret data %v", data)
	}
	if got := synthtest.Get(out, "output.keys.sensitive"); got != true {
		t.Errorf("keys output sensitive = %v", got)
	}
	if got := synthtest.Get(out, "output.ca_certificate.value"); got != "${tls_self_signed_cert.ca.cert_pem}" {
		t.Errorf("ca output %v", got)
	}
	if strings.Contains(string(raw), "PRIVATE KEY") {
		t.Error("key material in the synthesized JSON")
	}

	// Problems are reported before anything is created.
	_, err = k8s.NewCert(st, "bad", k8s.CertSpec{Subject: k8s.Subject{CommonName: ""}, Validity: k8s.Validity{Hours: 10, EarlyRenewalHours: 10},
		KeyAlgorithm: "DSA", DNSNames: []string{"not a name"}, IPAddresses: []string{"300.1.1.1"}})
	for _, want := range []string{"common name", "early renewal 10 hours", `key algorithm "DSA"`, "a CA made by NewCA is required",
		"Server) or authenticates a client", `DNS name "not a name"`, `IP address "300.1.1.1"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q: %v", want, err)
		}
	}
}
