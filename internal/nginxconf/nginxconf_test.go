package nginxconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func full() Config {
	return Config{
		HTTPPort: 8443, GRPCPort: 9443,
		TLS:          &TLS{CertFile: "/front/tls/tls.crt", KeyFile: "/front/tls/tls.key"},
		MTLS:         &MTLS{ClientCAFile: "/front/client-ca/ca.crt", TrustedCAFile: "/front/extra-ca/ca.crt"},
		ControlPlane: "control-plane:5001",
		AdminGUI:     "admin-gui:1080",
		Languages:    []string{"en", "fr"},
		StaticDir:    "/static",
		CORS:         &CORS{AllowedOrigin: "https://gui.example.com", AllowedHeaders: []string{"x-custom"}},
		Routes:       []Route{{Name: "grafana", URL: "http://grafana:3000"}, {Name: "seq", URL: "http://seq:80/"}},
	}
}

func render(t *testing.T, c Config) string {
	t.Helper()
	out, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// block returns the body of the first block whose header is exactly header.
func block(t *testing.T, conf, header string) string {
	t.Helper()
	i := strings.Index(conf, header+" {\n")
	if i < 0 {
		t.Fatalf("no block %q in:\n%s", header, conf)
	}
	depth, start := 0, i+len(header)+2
	for j := start; j < len(conf); j++ {
		switch conf[j] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return conf[start:j]
			}
			depth--
		}
	}
	t.Fatalf("block %q is not closed", header)
	return ""
}

func contains(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func lacks(t *testing.T, what, s string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(s, b) {
			t.Errorf("%s must not contain %q:\n%s", what, b, s)
		}
	}
}

func TestMutualTLSVerifiesAndForwardsTheVerifiedIdentity(t *testing.T) {
	conf := render(t, full())
	server := block(t, conf, "server")
	contains(t, "server", server,
		"listen 8443 ssl http2;", "listen 9443 ssl http2;",
		"ssl_certificate /front/tls/tls.crt;", "ssl_certificate_key /front/tls/tls.key;",
		"ssl_verify_client on;", "ssl_client_certificate /front/client-ca/ca.crt;",
		"ssl_trusted_certificate /front/extra-ca/ca.crt;", "ssl_verify_depth 2;",
		"absolute_redirect off;")
	grpc := block(t, conf, `    location ~* ^/armonik\.`)
	contains(t, "gRPC location", grpc,
		"grpc_set_header X-Certificate-Client-CN $armonik_client_cn;",
		"grpc_set_header X-Certificate-Client-Fingerprint $ssl_client_fingerprint;",
		"grpc_pass grpc://armonik_control_plane;", "client_max_body_size 0;")
	contains(t, "CN map", block(t, conf, "map $ssl_client_s_dn $armonik_client_cn"),
		`default "";`, `"~(^|,)CN=(?<armonik_cn>[^,]+)" $armonik_cn;`)
	contains(t, "control plane upstream", block(t, conf, "upstream armonik_control_plane"), "server control-plane:5001;")
	// The CN regex picks the CN of an RFC 2253 subject, wherever it is.
	re := regexp.MustCompile(`(^|,)CN=(?P<armonik_cn>[^,]+)`)
	for dn, cn := range map[string]string{"CN=submitter": "submitter", "O=ANEO,CN=alice,C=FR": "alice", "OU=x,CN=bob": "bob"} {
		m := re.FindStringSubmatch(dn)
		if m == nil || m[2] != cn {
			t.Errorf("CN of %q: got %v, want %s", dn, m, cn)
		}
	}
}

func TestWithoutMutualTLSIdentityHeadersAreDropped(t *testing.T) {
	c := full()
	c.MTLS = nil
	conf := render(t, c)
	lacks(t, "conf", conf, "ssl_verify_client", "ssl_client_certificate", "$ssl_client_fingerprint", "$armonik_client_cn")
	grpc := block(t, conf, `    location ~* ^/armonik\.`)
	contains(t, "gRPC location", grpc,
		`grpc_set_header X-Certificate-Client-CN "";`, `grpc_set_header X-Certificate-Client-Fingerprint "";`)
	// Every HTTP proxy drops them too.
	for _, loc := range []string{"    location /admin/", "    location /grafana/", "    location /seq/"} {
		contains(t, loc, block(t, conf, loc),
			`proxy_set_header X-Certificate-Client-CN "";`, `proxy_set_header X-Certificate-Client-Fingerprint "";`)
	}
}

func TestRoutes(t *testing.T) {
	conf := render(t, full())
	contains(t, "conf", conf,
		"location = / { return 302 /admin/$armonik_gui_language/; }",
		"location = /admin { return 302 /admin/$armonik_gui_language/; }",
		"location = /admin/ { return 302 /admin/$armonik_gui_language/; }",
		"location = /admin/en { return 302 /admin/en/; }",
		"location = /admin/fr { return 302 /admin/fr/; }",
		"location = /grafana { return 302 /grafana/; }",
		"location = /seq { return 302 /seq/; }",
	)
	contains(t, "language map", block(t, conf, "map $http_accept_language $armonik_gui_language"), "default en;", "~*^fr fr;")
	contains(t, "admin", block(t, conf, "    location /admin/"), "proxy_pass http://armonik_admin_gui;")
	contains(t, "GUI upstream", block(t, conf, "upstream armonik_admin_gui"), "server admin-gui:1080;")
	contains(t, "static", block(t, conf, "    location /static/"), "alias /static/;")
	// Prefixes are stripped (trailing slash on proxy_pass), websockets pass.
	contains(t, "grafana", block(t, conf, "    location /grafana/"), "proxy_pass http://grafana:3000/;", "proxy_set_header Upgrade $http_upgrade;")
	contains(t, "seq", block(t, conf, "    location /seq/"), "proxy_pass http://seq:80/;")
	// CORS on gRPC and static, with the preflight answered by nginx.
	grpc := block(t, conf, `    location ~* ^/armonik\.`)
	contains(t, "gRPC CORS", grpc,
		`add_header Access-Control-Allow-Origin "https://gui.example.com" always;`,
		`add_header Access-Control-Expose-Headers "grpc-status, grpc-message, grpc-status-details-bin" always;`,
		"if ($request_method = OPTIONS) {", "return 204;", "x-custom", "x-grpc-web", "add_header Vary Origin always;")

	// Without a GUI: no GUI route, no language map.
	c := full()
	c.AdminGUI, c.CORS, c.Routes, c.StaticDir = "", nil, nil, ""
	conf = render(t, c)
	lacks(t, "conf without GUI", conf, "/admin", "armonik_gui_language", "Access-Control", "location /static/")
}

func TestCleartextUsesTwoServers(t *testing.T) {
	c := full()
	c.TLS, c.MTLS, c.HTTPPort, c.GRPCPort = nil, nil, 8080, 9080
	conf := render(t, c)
	if n := strings.Count(conf, "\nserver {\n"); n != 2 {
		t.Fatalf("want 2 servers, got %d:\n%s", n, conf)
	}
	contains(t, "conf", conf, "listen 8080;\n", "listen 9080 http2;\n")
	lacks(t, "conf", conf, "ssl")
}

func TestValidationReportsEveryProblem(t *testing.T) {
	c := Config{
		HTTPPort: 0, GRPCPort: 0,
		MTLS:         &MTLS{ClientCAFile: "relative/ca.crt"},
		ControlPlane: "control-plane",
		AdminGUI:     "gui:99999",
		Languages:    []string{"english"},
		CORS:         &CORS{AllowedOrigin: "gui.example.com; evil", AllowedMethods: []string{"GET POST"}},
		Routes:       []Route{{Name: "admin", URL: "http://x"}, {Name: "seq", URL: "ftp://seq"}, {Name: "seq", URL: "http://seq/;evil"}},
	}
	_, err := Render(c)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		"http port 0 is not in 1-65535", "grpc port 0", "without TLS the http and grpc ports must differ",
		"mutual TLS needs TLS", `client CA file "relative/ca.crt"`, `control plane address "control-plane" must be host:port`,
		`admin GUI address "gui:99999"`, `GUI language "english"`, `CORS allowed origin "gui.example.com; evil"`,
		`CORS method "GET POST"`, `route name "admin"`, `route "seq": URL "ftp://seq"`, `route "seq" is given twice`,
		`route "seq": URL "http://seq/;evil"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// TestNginxAcceptsTheConfiguration runs `nginx -t` on every variant, when an nginx binary is
// available (Debian: apt-get install nginx-light; or NGINX=/path/to/nginx).
func TestNginxAcceptsTheConfiguration(t *testing.T) {
	bin := nginxBinary(t)
	dir := t.TempDir()
	certs := writeCerts(t, dir)
	variants := map[string]Config{}
	c := full()
	c.TLS = &TLS{CertFile: certs + "/tls.crt", KeyFile: certs + "/tls.key"}
	c.MTLS = &MTLS{ClientCAFile: certs + "/ca.crt", TrustedCAFile: certs + "/ca.crt"}
	// nginx -t resolves upstream host names: use addresses.
	c.ControlPlane, c.AdminGUI = "127.0.0.1:5001", "127.0.0.1:1080"
	c.Routes = []Route{{Name: "grafana", URL: "http://127.0.0.1:3000"}, {Name: "seq", URL: "http://127.0.0.1:5341/"}}
	c.StaticDir = dir
	variants["mtls"] = c
	tlsOnly := c
	tlsOnly.MTLS, tlsOnly.CORS = nil, &CORS{AllowedOrigin: "*"}
	tlsOnly.HTTPPort, tlsOnly.GRPCPort = 8443, 8443
	variants["tls-one-port"] = tlsOnly
	plain := c
	plain.TLS, plain.MTLS, plain.HTTPPort, plain.GRPCPort, plain.AdminGUI, plain.Routes = nil, nil, 8080, 9080, "", nil
	variants["cleartext"] = plain
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			conf := render(t, v)
			vdir := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Join(vdir, "conf.d"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(vdir, "conf.d", "armonik.conf"), []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			main := mainConf(vdir)
			if err := os.WriteFile(filepath.Join(vdir, "nginx.conf"), []byte(main), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "-t", "-q", "-e", "stderr", "-p", vdir, "-c", filepath.Join(vdir, "nginx.conf")).CombinedOutput()
			if err != nil {
				t.Fatalf("nginx -t rejects the %s configuration: %v\n%s\n--- armonik.conf\n%s", name, err, out, conf)
			}
		})
	}
}

// nginxBinary returns the nginx to test with, or skips the test with a clear line.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("NGINX"); bin != "" {
		return bin
	}
	if bin, err := exec.LookPath("nginx"); err == nil {
		return bin
	}
	for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("nginx not run: no nginx binary (install Debian's nginx-light, or set NGINX=/path/to/nginx)")
	return ""
}

// mainConf is the nginx.conf of the image, relocated into dir: everything writable in dir,
// conf.d included in http.
func mainConf(dir string) string {
	return `worker_processes 1;
pid ` + dir + `/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
    client_body_temp_path ` + dir + `/client_body;
    proxy_temp_path ` + dir + `/proxy;
    fastcgi_temp_path ` + dir + `/fastcgi;
    uwsgi_temp_path ` + dir + `/uwsgi;
    scgi_temp_path ` + dir + `/scgi;
    access_log off;
    include ` + dir + `/conf.d/*.conf;
}
`
}

// writeCerts writes a self-signed certificate and its key (ca.crt, tls.crt, tls.key) into dir.
func writeCerts(t *testing.T, dir string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "armonik.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, DNSNames: []string{"armonik.local"},
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for name, data := range map[string][]byte{
		"ca.crt": cert, "tls.crt": cert,
		"tls.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
