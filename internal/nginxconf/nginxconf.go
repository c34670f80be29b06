// Package nginxconf renders the nginx configuration of ArmoniK's front door (constructs/armonik,
// Config.Front): one conf.d file, from plain Go values, so that it can be unit-tested and
// checked with `nginx -t` without a cluster.
//
// What the file does (facts from upstream's ArmoniK.Infra armonik/ingress/nginx-conf/
// ingress.conf.tftpl, rewritten; Core and GUI facts cited where used):
//
//   - gRPC: every path starting with /armonik. (gRPC method paths are
//     /armonik.api.grpc.v1.<Service>/<Method>; gRPC-web from the admin GUI uses the same paths) is
//     passed to the control plane over HTTP/2 (grpc_pass), with long timeouts and no body limit,
//     because ArmoniK streams payloads and waits on long-running tasks.
//   - Client identity: with mutual TLS, the client certificate is verified against the client CA
//     and its common name and SHA-1 fingerprint are sent to the control plane in the headers
//     Core's Authenticator reads (CNHeader, FingerprintHeader). Whatever the mode, a client never
//     gets its own values of those headers through: nginx drops a request header that a
//     *_set_header directive of the location sets, and sets them to the verified values, or to ""
//     (not sent) without mutual TLS.
//   - Admin GUI: /admin/ is proxied to the GUI; /, /admin and /admin/ redirect to
//     /admin/<language>/ chosen from Accept-Language (the GUI is built once per language, served
//     under /admin/<lang>/: ArmoniK.Admin.GUI nginx/nginx.conf); /admin/<lang> gets its slash.
//   - /static/ serves the files of StaticDir (environment.json, read by the GUI's environment
//     banner: ArmoniK.Admin.GUI src/app/services/environment.service.ts).
//   - Optional routes (/grafana/, /seq/): proxied with the prefix stripped, websockets allowed.
//   - CORS for gRPC-web clients of another origin, when AllowedOrigin is set.
//
// Redirects are relative (absolute_redirect off): the container listens on other ports than the
// Service exposes, so an absolute redirect would name the wrong port.
//
// The directives are those of nginx 1.22 (Debian bookworm, used by the tests) that nginx 1.29
// (the pinned image) still accepts: "listen ... http2" rather than the newer "http2 on".
package nginxconf

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Core's authentication headers: the defaults of Authenticator.CNHeader and
// Authenticator.FingerprintHeader in the control plane image (ArmoniK.Core 0.37.2
// Control/Submitter/src/appsettings.json; read by Common/src/Auth/Authentication/Authenticator.cs).
const (
	CNHeader          = "X-Certificate-Client-CN"
	FingerprintHeader = "X-Certificate-Client-Fingerprint"
)

// Config is what the front door serves.
type Config struct {
	// ListenAddress restricts the listening sockets to one address ("" = every address; the
	// tests use 127.0.0.1).
	ListenAddress string
	// HTTPPort and GRPCPort are the container ports. Both serve every route (as upstream); with
	// TLS, ALPN lets HTTP/1.1 and HTTP/2 share them, without TLS GRPCPort speaks cleartext
	// HTTP/2 (h2c) and HTTPPort HTTP/1.1. They may be equal only with TLS.
	HTTPPort, GRPCPort int
	// TLS serves HTTPS (nil: cleartext).
	TLS *TLS
	// MTLS requires and verifies client certificates (needs TLS).
	MTLS *MTLS
	// ControlPlane is the control plane's gRPC address, host:port (required).
	ControlPlane string
	// AdminGUI is the GUI's address, host:port ("" = no GUI routes).
	AdminGUI string
	// Languages of the GUI (the first is the default); each gets /admin/<lang>. Default ["en"].
	Languages []string
	// StaticDir is the directory served at /static/ ("" = none).
	StaticDir string
	// CORS adds cross-origin headers to /armonik.* and /static/ (nil = none).
	CORS *CORS
	// Routes are extra UIs proxied under /<name>/.
	Routes []Route
}

// TLS names the server certificate files.
type TLS struct {
	CertFile, KeyFile string
}

// MTLS names the CA files that client certificates are verified against.
type MTLS struct {
	// ClientCAFile is sent to clients as the list of accepted CAs and verifies them (required).
	ClientCAFile string
	// TrustedCAFile holds more CAs that verify clients without being advertised ("" = none).
	TrustedCAFile string
	// VerifyDepth is the longest chain accepted (default 2: a leaf, an intermediate, the CA).
	VerifyDepth int
}

// CORS configures cross-origin requests (gRPC-web from a page served elsewhere).
type CORS struct {
	// AllowedOrigin is the value of Access-Control-Allow-Origin ("*" or an origin).
	AllowedOrigin string
	// AllowedMethods (default GET, POST, OPTIONS).
	AllowedMethods []string
	// AllowedHeaders are added to those gRPC-web needs.
	AllowedHeaders []string
	// MaxAgeSeconds of a preflight answer (default 1728000, 20 days).
	MaxAgeSeconds int
}

// Route proxies /<Name>/ to URL with the prefix stripped; /<Name> redirects to /<Name>/.
type Route struct {
	Name string
	URL  string
}

// corsHeaders are the request headers a gRPC-web client sends (grpc-web protocol) plus common
// browser ones.
var corsHeaders = []string{
	"Authorization", "Cache-Control", "Content-Type", "Keep-Alive", "User-Agent", "X-Requested-With",
	"grpc-timeout", "x-grpc-web", "x-user-agent",
}

var (
	nameRe   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	langRe   = regexp.MustCompile(`^[a-z]{2}(-[A-Za-z]{2})?$`)
	tokenRe  = regexp.MustCompile(`^[!#$%&'*+.^_|~0-9A-Za-z-]+$`)
	originRe = regexp.MustCompile(`^(\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)$`)
	pathRe   = regexp.MustCompile(`^/[A-Za-z0-9._/-]*$`)
)

// reserved are the paths the front serves itself.
var reserved = []string{"admin", "static", "armonik"}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, p := range []struct {
		name string
		v    int
	}{{"http port", c.HTTPPort}, {"grpc port", c.GRPCPort}} {
		if p.v < 1 || p.v > 65535 {
			add("%s %d is not in 1-65535", p.name, p.v)
		}
	}
	if c.ListenAddress != "" && net.ParseIP(c.ListenAddress) == nil {
		add("listen address %q is not an IP address", c.ListenAddress)
	}
	if c.TLS == nil && c.HTTPPort == c.GRPCPort {
		add("without TLS the http and grpc ports must differ (cleartext HTTP/1.1 and HTTP/2 cannot share a port)")
	}
	if c.TLS != nil {
		checkPath(&errs, "TLS certificate file", c.TLS.CertFile, true)
		checkPath(&errs, "TLS key file", c.TLS.KeyFile, true)
	}
	if c.MTLS != nil {
		if c.TLS == nil {
			add("mutual TLS needs TLS")
		}
		checkPath(&errs, "client CA file", c.MTLS.ClientCAFile, true)
		checkPath(&errs, "trusted CA file", c.MTLS.TrustedCAFile, false)
		if c.MTLS.VerifyDepth < 0 || c.MTLS.VerifyDepth > 10 {
			add("verify depth %d is not in 0-10", c.MTLS.VerifyDepth)
		}
	}
	checkAddress(&errs, "control plane", c.ControlPlane, true)
	checkAddress(&errs, "admin GUI", c.AdminGUI, false)
	for _, l := range c.Languages {
		if !langRe.MatchString(l) {
			add("GUI language %q is not a language tag such as en or fr", l)
		}
	}
	checkPath(&errs, "static directory", c.StaticDir, false)
	if c.CORS != nil {
		if !originRe.MatchString(c.CORS.AllowedOrigin) {
			add("CORS allowed origin %q must be * or scheme://host[:port]", c.CORS.AllowedOrigin)
		}
		for _, m := range c.CORS.AllowedMethods {
			if !tokenRe.MatchString(m) {
				add("CORS method %q is not an HTTP method", m)
			}
		}
		for _, h := range c.CORS.AllowedHeaders {
			if !tokenRe.MatchString(h) {
				add("CORS header %q is not a header name", h)
			}
		}
		if c.CORS.MaxAgeSeconds < 0 {
			add("CORS max age %d must be >= 0", c.CORS.MaxAgeSeconds)
		}
	}
	names := map[string]bool{}
	for _, r := range c.Routes {
		if !nameRe.MatchString(r.Name) || slices.Contains(reserved, r.Name) {
			add("route name %q must be a lowercase word other than %s", r.Name, strings.Join(reserved, ", "))
		}
		if names[r.Name] {
			add("route %q is given twice", r.Name)
		}
		names[r.Name] = true
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" ||
			strings.ContainsAny(r.URL, " ;{}'\"\\$") {
			add("route %q: URL %q must be http(s)://host[:port][/path]", r.Name, r.URL)
		}
	}
	return errors.Join(errs...)
}

func checkPath(errs *[]error, what, p string, required bool) {
	switch {
	case p == "" && required:
		*errs = append(*errs, fmt.Errorf("%s: required", what))
	case p != "" && !pathRe.MatchString(p):
		*errs = append(*errs, fmt.Errorf("%s %q must be an absolute path of letters, digits, '.', '_', '-' and '/'", what, p))
	}
}

func checkAddress(errs *[]error, what, addr string, required bool) {
	if addr == "" {
		if required {
			*errs = append(*errs, fmt.Errorf("%s address: required", what))
		}
		return
	}
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || host == "" || !regexp.MustCompile(`^[A-Za-z0-9.-]+$`).MatchString(host) {
		*errs = append(*errs, fmt.Errorf("%s address %q must be host:port", what, addr))
	}
}

// Render returns the conf.d file, or every problem of c.
func Render(c Config) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	if len(c.Languages) == 0 {
		c.Languages = []string{"en"}
	}
	var w writer
	w.line("# ArmoniK front door: generated by armonik-cdktf (internal/nginxconf). Do not edit: the")
	w.line("# configuration file (armonik.front) and the construct render it.")
	w.line("")
	if c.AdminGUI != "" {
		w.line("# The GUI language from Accept-Language (default %s).", c.Languages[0])
		w.open("map $http_accept_language $armonik_gui_language")
		w.line("default %s;", c.Languages[0])
		for _, l := range c.Languages[1:] {
			w.line("~*^%s %s;", regexp.QuoteMeta(l), l)
		}
		w.close()
		w.line("")
	}
	w.open("map $http_upgrade $armonik_connection_upgrade")
	w.line("default upgrade;")
	w.line("'' close;")
	w.close()
	w.line("")
	if c.MTLS != nil {
		w.line("# The common name of the verified client certificate ($ssl_client_s_dn is RFC 2253:")
		w.line("# CN=name,O=org...).")
		w.open("map $ssl_client_s_dn $armonik_client_cn")
		w.line(`default "";`)
		w.line(`"~(^|,)CN=(?<armonik_cn>[^,]+)" $armonik_cn;`)
		w.close()
		w.line("")
	}
	w.open("upstream armonik_control_plane")
	w.line("server %s;", c.ControlPlane)
	w.line("keepalive 128;")
	w.line("keepalive_time 8h;")
	w.line("keepalive_timeout 1h;")
	w.close()
	if c.AdminGUI != "" {
		w.line("")
		w.open("upstream armonik_admin_gui")
		w.line("server %s;", c.AdminGUI)
		w.line("keepalive 16;")
		w.close()
	}
	if c.TLS != nil {
		w.line("")
		c.server(&w, []listen{{c.HTTPPort, true}, {c.GRPCPort, true}})
	} else {
		w.line("")
		w.line("# Cleartext: HTTP/1.1 (browsers, gRPC-web) and HTTP/2 (gRPC) need a port each.")
		c.server(&w, []listen{{c.HTTPPort, false}})
		w.line("")
		c.server(&w, []listen{{c.GRPCPort, true}})
	}
	return w.String(), nil
}

type listen struct {
	port  int
	http2 bool
}

func (c Config) server(w *writer, listens []listen) {
	w.open("server")
	seen := map[int]bool{}
	for _, l := range listens {
		if seen[l.port] {
			continue
		}
		seen[l.port] = true
		addr := strconv.Itoa(l.port)
		if c.ListenAddress != "" {
			addr = net.JoinHostPort(c.ListenAddress, addr)
		}
		switch {
		case c.TLS != nil:
			w.line("listen %s ssl http2;", addr)
		case l.http2:
			w.line("listen %s http2;", addr)
		default:
			w.line("listen %s;", addr)
		}
	}
	if c.TLS != nil {
		w.line("ssl_certificate %s;", c.TLS.CertFile)
		w.line("ssl_certificate_key %s;", c.TLS.KeyFile)
		w.line("ssl_protocols TLSv1.2 TLSv1.3;")
		w.line("ssl_prefer_server_ciphers off;")
		w.line("ssl_session_cache shared:armonik_tls:10m;")
		w.line("ssl_session_timeout 1h;")
		if m := c.MTLS; m != nil {
			depth := m.VerifyDepth
			if depth == 0 {
				depth = 2
			}
			w.line("# Mutual TLS: no request without a client certificate signed by a trusted CA.")
			w.line("ssl_verify_client on;")
			w.line("ssl_verify_depth %d;", depth)
			w.line("ssl_client_certificate %s;", m.ClientCAFile)
			if m.TrustedCAFile != "" {
				w.line("ssl_trusted_certificate %s;", m.TrustedCAFile)
			}
		}
	}
	w.line("absolute_redirect off;")
	w.line("server_tokens off;")
	w.line("sendfile on;")
	w.line("tcp_nopush on;")
	w.line("proxy_buffering off;")
	w.line("proxy_request_buffering off;")
	c.locations(w)
	w.close()
}

func (c Config) locations(w *writer) {
	if c.AdminGUI != "" {
		w.line("")
		w.line("location = / { return 302 /admin/$armonik_gui_language/; }")
		w.line("location = /admin { return 302 /admin/$armonik_gui_language/; }")
		w.line("location = /admin/ { return 302 /admin/$armonik_gui_language/; }")
		for _, l := range c.Languages {
			w.line("location = /admin/%s { return 302 /admin/%s/; }", l, l)
		}
		w.open("location /admin/")
		c.proxyHeaders(w)
		w.line("proxy_http_version 1.1;")
		w.line(`proxy_set_header Connection "";`)
		w.line("proxy_pass http://armonik_admin_gui;")
		w.close()
	}

	w.line("")
	w.line("# gRPC and gRPC-web to the control plane.")
	w.open(`location ~* ^/armonik\.`)
	if c.MTLS != nil {
		w.line("grpc_set_header %s $armonik_client_cn;", CNHeader)
		w.line("grpc_set_header %s $ssl_client_fingerprint;", FingerprintHeader)
	} else {
		w.line("# No client certificate: never forward a client's own identity headers.")
		w.line(`grpc_set_header %s "";`, CNHeader)
		w.line(`grpc_set_header %s "";`, FingerprintHeader)
	}
	c.cors(w, true)
	w.line("grpc_pass grpc://armonik_control_plane;")
	w.line("# Payloads are streamed in chunks counted as one body: no size limit. Calls may wait for")
	w.line("# long tasks (upstream's values).")
	w.line("client_max_body_size 0;")
	w.line("client_body_timeout 1d;")
	w.line("grpc_read_timeout 30d;")
	w.line("grpc_send_timeout 1d;")
	w.close()

	if c.StaticDir != "" {
		w.line("")
		w.open("location /static/")
		c.cors(w, false)
		w.line("alias %s/;", strings.TrimSuffix(c.StaticDir, "/"))
		w.close()
	}

	for _, r := range c.Routes {
		w.line("")
		w.line("location = /%s { return 302 /%s/; }", r.Name, r.Name)
		w.open("location /%s/", r.Name)
		c.proxyHeaders(w)
		w.line("proxy_http_version 1.1;")
		w.line("proxy_set_header Upgrade $http_upgrade;")
		w.line("proxy_set_header Connection $armonik_connection_upgrade;")
		w.line("proxy_pass %s/;", strings.TrimSuffix(r.URL, "/"))
		w.close()
	}
}

// proxyHeaders are the headers of every HTTP proxy location: the original host, and never a
// client's identity headers.
func (c Config) proxyHeaders(w *writer) {
	w.line("proxy_set_header Host $http_host;")
	w.line("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
	w.line("proxy_set_header X-Forwarded-Proto $scheme;")
	w.line(`proxy_set_header %s "";`, CNHeader)
	w.line(`proxy_set_header %s "";`, FingerprintHeader)
}

func (c Config) cors(w *writer, grpc bool) {
	if c.CORS == nil {
		return
	}
	methods := c.CORS.AllowedMethods
	if len(methods) == 0 {
		methods = []string{"GET", "POST", "OPTIONS"}
	}
	maxAge := c.CORS.MaxAgeSeconds
	if maxAge == 0 {
		maxAge = 1728000
	}
	headers := append(slices.Clone(corsHeaders), c.CORS.AllowedHeaders...)
	slices.Sort(headers)
	headers = slices.Compact(headers)
	origin := c.CORS.AllowedOrigin
	common := func() {
		w.line(`add_header Access-Control-Allow-Origin "%s" always;`, origin)
		w.line(`add_header Access-Control-Allow-Methods "%s" always;`, strings.Join(methods, ", "))
		if grpc {
			w.line(`add_header Access-Control-Expose-Headers "grpc-status, grpc-message, grpc-status-details-bin" always;`)
		}
		if origin != "*" {
			w.line(`add_header Vary Origin always;`)
		}
	}
	common()
	w.open("if ($request_method = OPTIONS)")
	common()
	w.line(`add_header Access-Control-Allow-Headers "%s" always;`, strings.Join(headers, ", "))
	w.line(`add_header Access-Control-Max-Age %d always;`, maxAge)
	w.line(`add_header Content-Type "text/plain; charset=utf-8" always;`)
	w.line(`add_header Content-Length 0 always;`)
	w.line("return 204;")
	w.close()
}

// writer indents blocks by four spaces.
type writer struct {
	b     strings.Builder
	depth int
}

func (w *writer) line(format string, args ...any) {
	s := format
	if len(args) > 0 {
		s = fmt.Sprintf(format, args...)
	}
	if s != "" {
		w.b.WriteString(strings.Repeat("    ", w.depth))
		w.b.WriteString(s)
	}
	w.b.WriteString("\n")
}

func (w *writer) open(format string, args ...any) {
	w.line(format+" {", args...)
	w.depth++
}

func (w *writer) close() {
	w.depth--
	w.line("}")
}

func (w *writer) String() string { return w.b.String() }
