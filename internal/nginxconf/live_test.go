package nginxconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// pki is a CA and the certificates it signed, in PEM.
type pki struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T, cn string) *pki {
	t.Helper()
	return issue(t, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	})
}

// issue signs tmpl with ca (nil: self-signed) and returns the certificate, its key and PEM.
func issue(t *testing.T, ca *pki, tmpl *x509.Certificate) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &pki{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (p *pki) keyPEM(t *testing.T) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(p.key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestLiveIdentityHeaders runs nginx with the mutual-TLS configuration on 127.0.0.1 in front of
// a cleartext HTTP/2 server standing for the control plane, and checks what reaches it: the
// verified CN and the SHA-1 fingerprint of the client certificate (lowercase hex, the form
// the hashicorp/tls provider's sha1_fingerprint and Core's records use), never the values a
// client forges; no request without a client certificate; and the GUI language redirect.
func TestLiveIdentityHeaders(t *testing.T) {
	bin := nginxBinary(t)
	dir := t.TempDir()

	// The fake control plane: h2c, records the identity headers of each call.
	var mu sync.Mutex
	var seen []http.Header
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Trailer", "Grpc-Status")
		w.WriteHeader(http.StatusOK)
		w.Header().Set("Grpc-Status", "0")
	})}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetUnencryptedHTTP2(true)
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(upstream)
	defer srv.Close()

	serverCA, clientCA := newCA(t, "server CA"), newCA(t, "client CA")
	server := issue(t, serverCA, &x509.Certificate{Subject: pkix.Name{CommonName: "armonik.local"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	client := issue(t, clientCA, &x509.Certificate{Subject: pkix.Name{CommonName: "submitter", Organization: []string{"ArmoniK"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	for name, data := range map[string][]byte{"tls.crt": server.pem, "tls.key": server.keyPEM(t), "client-ca.crt": clientCA.pem} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	gui := freePort(t) // nothing listens: only redirects are checked
	conf, err := Render(Config{
		ListenAddress: "127.0.0.1", HTTPPort: port, GRPCPort: port,
		TLS:          &TLS{CertFile: dir + "/tls.crt", KeyFile: dir + "/tls.key"},
		MTLS:         &MTLS{ClientCAFile: dir + "/client-ca.crt"},
		ControlPlane: upstream.Addr().String(), AdminGUI: fmt.Sprintf("127.0.0.1:%d", gui),
		Languages: []string{"en", "fr"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf.d", "armonik.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(mainConf(dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cmd := exec.Command(bin, "-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off; master_process off;")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("nginx output:\n%s", logs.String())
		}
	}()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}

	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	pair, err := tls.X509KeyPair(client.pem, client.keyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	newClient := func(certs []tls.Certificate) *http.Client {
		return &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{ForceAttemptHTTP2: true,
				TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs, ServerName: "127.0.0.1"}},
		}
	}
	withCert := newClient([]tls.Certificate{pair})

	// A gRPC call with forged identity headers.
	req, _ := http.NewRequest("POST", "https://"+addr+"/armonik.api.grpc.v1.sessions.Sessions/ListSessions", strings.NewReader("\x00\x00\x00\x00\x00"))
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	req.Header.Set(CNHeader, "admin")
	req.Header.Set(FingerprintHeader, "0000000000000000000000000000000000000000")
	resp, err := withCert.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Fatalf("gRPC call: %s over HTTP/%d", resp.Status, resp.ProtoMajor)
	}
	sum := sha1.Sum(client.cert.Raw)
	mu.Lock()
	if len(seen) != 1 {
		t.Fatalf("the control plane got %d calls, want 1", len(seen))
	}
	h := seen[0]
	mu.Unlock()
	if got := h.Values(CNHeader); len(got) != 1 || got[0] != "submitter" {
		t.Errorf("%s reaching the control plane: %q, want [submitter] (the verified CN, never the forged one)", CNHeader, got)
	}
	if got := h.Values(FingerprintHeader); len(got) != 1 || got[0] != hex.EncodeToString(sum[:]) {
		t.Errorf("%s reaching the control plane: %q, want [%x]", FingerprintHeader, got, sum)
	}

	// No client certificate: refused before anything reaches the control plane.
	resp, err = newClient(nil).Get("https://" + addr + "/armonik.api.grpc.v1.sessions.Sessions/ListSessions")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("without a client certificate: %s, want a TLS error or 400", resp.Status)
		}
	}
	mu.Lock()
	if len(seen) != 1 {
		t.Errorf("a call without a client certificate reached the control plane")
	}
	mu.Unlock()

	// The GUI redirect follows Accept-Language, relative to the address the client used.
	for lang, want := range map[string]string{"fr-FR,fr;q=0.9": "/admin/fr/", "de": "/admin/en/", "": "/admin/en/"} {
		req, _ := http.NewRequest("GET", "https://"+addr+"/", nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := withCert.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
			t.Errorf("GET / with Accept-Language %q: %s Location %q, want 302 %s", lang, resp.Status, resp.Header.Get("Location"), want)
		}
	}
}
