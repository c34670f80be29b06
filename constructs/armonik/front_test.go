package armonik_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// mtlsConfig: mutual TLS with the two default generated identities, authentication and
// authorization on, a user role of its own, and the GUI banner.
func mtlsConfig() armonik.Config {
	return armonik.Config{
		Layers: storage(),
		Authentication: armonik.Authentication{
			RequireAuthentication: true, RequireAuthorization: true,
			Users: []armonik.User{{Name: "alice", Roles: []string{"Reader"}}},
			Roles: []armonik.Role{{Name: "Reader", Permissions: []string{"Sessions:ListSessions", "Tasks:ListTasks"}}},
		},
		Front: armonik.Front{
			MTLS:       armonik.FrontMTLS{Enabled: true},
			TLS:        armonik.FrontTLS{DNSNames: []string{"armonik.example.com"}, IPAddresses: []string{"10.0.0.10"}},
			CORS:       armonik.FrontCORS{AllowedOrigin: "https://gui.example.com"},
			GrafanaURL: "http://grafana.monitoring.svc:3000",
		},
		Environment: &armonik.Environment{Name: "test", Version: "1.0", Description: "an ${escaped} banner", Color: "blue"},
	}
}

// userCertsConfig: mutual TLS with the user's own client CA only, and users, roles and
// certificates from both the configuration and upstream's JSON file.
func userCertsConfig(t *testing.T) armonik.Config {
	dir := t.TempDir()
	file := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(file, []byte(`{
  "users_list": [{"Username": "bob", "Roles": ["Submitter", "Ops"]}],
  "roles_list": [{"RoleName": "Ops", "Permissions": ["Partitions:ListPartitions", "General:Impersonate:Submitter"]}],
  "certificates_list": [{"Cn": "bob", "Fingerprint": null, "Username": "bob"},
                        {"Cn": "bob-laptop", "Fingerprint": "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01", "Username": "bob"}]
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return armonik.Config{
		Layers: storage(),
		Authentication: armonik.Authentication{
			RequireAuthentication: true, RequireAuthorization: true,
			Users:        []armonik.User{{Name: "alice", Roles: []string{"Monitoring"}}},
			Certificates: []armonik.UserCertificate{{User: "alice", CN: "alice", Fingerprint: "0123456789abcdef0123456789abcdef01234567"}},
			DataFile:     file,
		},
		Front: armonik.Front{Expose: "NodePort", HTTPPort: 5001, GRPCPort: 5001, PublicAddress: "192.168.1.20",
			MTLS: armonik.FrontMTLS{Enabled: true, CASecret: "corporate-ca", CAKey: "ca.pem"}},
	}
}

func TestFrontGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*testing.T) armonik.Config
	}{
		{"armonik-front-tls", func(*testing.T) armonik.Config { return armonik.Config{Layers: storage()} }},
		{"armonik-front-mtls", func(*testing.T) armonik.Config { return mtlsConfig() }},
		{"armonik-front-user-certificates", userCertsConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, raw, _ := build(t, tc.cfg(t))
			golden.JSON(t, tc.name, raw)
			scanKeys(t, raw)
		})
	}
}

// scanKeys fails when key material or a generated secret appears in the synthesized JSON.
func scanKeys(t *testing.T, raw []byte) {
	t.Helper()
	for _, bad := range []string{"PRIVATE KEY", "BEGIN CERTIFICATE"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("%q in the synthesized JSON", bad)
		}
	}
	var out synthtest.JSON
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	// Every output holding a private key is sensitive.
	outs, _ := out["output"].(map[string]any)
	for name, o := range outs {
		if strings.Contains(synthtest.String(o), "private_key") && synthtest.Get(o, "sensitive") != true {
			t.Errorf("output %s holds a private key but is not sensitive", name)
		}
	}
	// Keys are referenced only by the tls resources that sign with them, Secret data, and
	// sensitive outputs.
	allowed := regexp.MustCompile(`^(resource\.tls_[a-z_]+\.[^.]+\.[a-z_]+|resource\.kubernetes_secret_v1\.[^.]+\.data\..+|output\.[^.]+\.value(\..+)?)$`)
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, strings.TrimPrefix(path+"."+k, "."))
			}
		case []any:
			for i, e := range x {
				walk(e, path+"."+itoa(i))
			}
		case string:
			if !strings.Contains(x, "tls_private_key.") {
				return
			}
			if !allowed.MatchString(path) {
				t.Errorf("%s refers to a private key: %s", path, x)
			}
			if name, ok := strings.CutPrefix(path, "output."); ok {
				name, _, _ = strings.Cut(name, ".")
				if synthtest.Get(out, "output."+name+".sensitive") != true {
					t.Errorf("output %s holds a private key but is not sensitive", name)
				}
			}
		}
	}
	walk(map[string]any(out), "")
}

func TestFrontDefaults(t *testing.T) {
	a, raw, out := build(t, armonik.Config{Layers: storage()})
	if a.Front == nil || a.FrontService == nil || len(a.FrontSecrets) != 1 {
		t.Fatalf("front %v, service %v, secrets %d", a.Front, a.FrontService, len(a.FrontSecrets))
	}
	svc := out.Named(t, "kubernetes_service_v1", "front")
	if got := synthtest.Get(svc, "spec.type"); got != "LoadBalancer" {
		t.Errorf("service type %v, want LoadBalancer (upstream's default)", got)
	}
	if got := synthtest.String(synthtest.Get(svc, "spec.port")); got != `[{"name":"http","port":5000,"target_port":"http"},{"name":"grpc","port":5001,"target_port":"grpc"}]` {
		t.Errorf("service ports %s", got)
	}
	if got := synthtest.Get(svc, "wait_for_load_balancer"); got != true {
		t.Errorf("wait_for_load_balancer %v, want the wait switch (true)", got)
	}
	cm := out.Named(t, "kubernetes_config_map_v1", "front-nginx")
	conf, _ := synthtest.Get(cm, "data.armonik\\.conf").(string)
	if conf == "" {
		data, _ := synthtest.Get(cm, "data").(map[string]any)
		conf, _ = data["armonik.conf"].(string)
	}
	for _, want := range []string{
		"listen 8443 ssl http2;", "listen 9443 ssl http2;", "server control-plane.armonik.svc:5001;", "server admin-gui.armonik.svc:1080;",
		`grpc_set_header X-Certificate-Client-CN "";`, "location = /admin/fr { return 302 /admin/fr/; }",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx configuration lacks %q", want)
		}
	}
	if strings.Contains(conf, "ssl_verify_client") {
		t.Error("mutual TLS is off by default")
	}
	// The server certificate names what clients use.
	req := out.Resources("tls_cert_request")["armonik-front-server-request"]
	dns := synthtest.String(synthtest.Get(req, "dns_names"))
	for _, want := range []string{"armonik.local", "localhost", "front.armonik.svc", "front.armonik.svc.cluster.local", "load_balancer[0].ingress[0].hostname"} {
		if !strings.Contains(dns, want) {
			t.Errorf("server certificate DNS names %s lack %s", dns, want)
		}
	}
	ips := synthtest.String(synthtest.Get(req, "ip_addresses"))
	for _, want := range []string{"127.0.0.1", "spec[0].cluster_ip", "load_balancer[0].ingress[0].ip"} {
		if !strings.Contains(ips, want) {
			t.Errorf("server certificate IPs %s lack %s", ips, want)
		}
	}
	// The pods roll when the configuration or the certificate changes.
	hash := hashOf(t, out, "front")
	for _, want := range []string{"kubernetes_secret_v1.armonik-front-tls.data", "kubernetes_config_map_v1.armonik-front-nginx.data"} {
		if !strings.Contains(hash, want) {
			t.Errorf("front config hash %s does not cover %s", hash, want)
		}
	}
	for _, name := range []string{"control_plane_url", "admin_gui_url", "ca_certificate"} {
		if synthtest.Get(out, "output."+name+".value") == nil {
			t.Errorf("no output %s", name)
		}
	}
	if got := synthtest.Get(out, "output.control_plane_url.value"); !strings.HasPrefix(got.(string), "https://${coalesce(") || !strings.HasSuffix(got.(string), ":5001") {
		t.Errorf("control_plane_url %v", got)
	}
	if synthtest.Get(out, "output.client_certificates") != nil {
		t.Error("no client certificate without mutual TLS")
	}
	if !strings.Contains(a.Explain(), "pod front") {
		t.Error("explain lacks the front door")
	}
	scanKeys(t, raw)
}

func TestFrontMutualTLS(t *testing.T) {
	a, _, out := build(t, mtlsConfig())
	if len(a.FrontSecrets) != 4 {
		t.Errorf("secrets: %d, want front-tls, front-client-ca, and one per client (2)", len(a.FrontSecrets))
	}
	for _, name := range []string{"submitter", "monitoring"} {
		sec := out.Named(t, "kubernetes_secret_v1", "front-client-"+name)
		data, _ := synthtest.Get(sec, "data").(map[string]any)
		if data["tls.crt"] != "${tls_locally_signed_cert.armonik-front-client-"+name+".cert_pem}" ||
			data["tls.key"] != "${tls_private_key.armonik-front-client-"+name+"-key.private_key_pem_pkcs8}" ||
			data["ca.crt"] != "${tls_self_signed_cert.armonik-front-ca.cert_pem}" {
			t.Errorf("client %s secret data %v", name, data)
		}
		cert := out.Resources("tls_locally_signed_cert")["armonik-front-client-"+name]
		if got := synthtest.String(synthtest.Get(cert, "allowed_uses")); got != `["digital_signature","key_encipherment","client_auth"]` {
			t.Errorf("client %s uses %s", name, got)
		}
		if got := synthtest.Get(cert, "ca_cert_pem"); got != "${tls_self_signed_cert.armonik-front-client-ca.cert_pem}" {
			t.Errorf("client %s signed by %v, want the client CA", name, got)
		}
	}
	d := out.Named(t, "kubernetes_deployment_v1", "front")
	mounts := synthtest.String(synthtest.Get(synthtest.Containers(d)["nginx"], "volume_mount"))
	for _, want := range []string{"/front/client-ca", "/front/tls", "/etc/nginx/conf.d", "/static"} {
		if !strings.Contains(mounts, want) {
			t.Errorf("front mounts %s lack %s", mounts, want)
		}
	}
	cm := out.Named(t, "kubernetes_config_map_v1", "front-nginx")
	data, _ := synthtest.Get(cm, "data").(map[string]any)
	conf, _ := data["armonik.conf"].(string)
	for _, want := range []string{"ssl_verify_client on;", "ssl_client_certificate /front/client-ca/ca.crt;",
		"grpc_set_header X-Certificate-Client-CN $armonik_client_cn;", "grpc_set_header X-Certificate-Client-Fingerprint $ssl_client_fingerprint;",
		`add_header Access-Control-Allow-Origin "https://gui.example.com" always;`, "proxy_pass http://grafana.monitoring.svc:3000/;"} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx configuration lacks %q", want)
		}
	}
	// The banner, with Terraform's template sequences escaped so the text arrives verbatim.
	if got := data["environment.json"]; got != "{\n  \"name\": \"test\",\n  \"version\": \"1.0\",\n  \"description\": \"an $${escaped} banner\",\n  \"color\": \"blue\"\n}\n" {
		t.Errorf("environment.json %q", got)
	}
	if got := synthtest.Get(out, "output.client_certificates.sensitive"); got != true {
		t.Errorf("client_certificates sensitive = %v", got)
	}
	if got := synthtest.Get(out, "output.client_certificates.value.submitter.private_key"); got != "${tls_private_key.armonik-front-client-submitter-key.private_key_pem_pkcs8}" {
		t.Errorf("client_certificates.submitter.private_key = %v", got)
	}
	if got := synthtest.Get(out, "output.grafana_url.value"); !strings.HasSuffix(synthtest.String(got), `/grafana/"`) {
		t.Errorf("grafana_url %v", got)
	}
}

// Core's option records, as System.Text.Json reads them (ArmoniK.Core 0.37.2
// Common/src/Injection/Options/Database/{User,Role,Certificate}.cs): property names are
// case-sensitive, Name/Roles, Name/Permissions and User/Cn are required.
type coreUser struct {
	Name  *string   `json:"Name"`
	Roles *[]string `json:"Roles"`
}
type coreRole struct {
	Name        *string   `json:"Name"`
	Permissions *[]string `json:"Permissions"`
}
type coreCert struct {
	User        *string `json:"User"`
	Cn          *string `json:"Cn"`
	Fingerprint *string `json:"Fingerprint"`
}

// initAuth decodes the InitServices__Authentication__<list>__<i> variables of the init Job,
// checking that each list is numbered 0..n-1 (the configuration binder's list items) and that
// every item has exactly the properties Core binds.
func initAuth(t *testing.T, out synthtest.JSON) (users []coreUser, roles []coreRole, certs []coreCert) {
	t.Helper()
	job := synthtest.Containers(out.Named(t, "kubernetes_job_v1", "init"))["init"]
	lists := map[string][]string{}
	re := regexp.MustCompile(`^InitServices__Authentication__(Users|Roles|UserCertificates)__(\d+)$`)
	for _, name := range synthtest.EnvNames(job) {
		if m := re.FindStringSubmatch(name); m != nil {
			lists[m[1]] = append(lists[m[1]], m[2])
		} else if strings.HasPrefix(name, "InitServices__Authentication") {
			t.Errorf("unexpected variable %s", name)
		}
	}
	// System.Text.Json matches property names case-sensitively (encoding/json does not): check
	// the exact names first.
	allowed := map[string][]string{"Users": {"Name", "Roles"}, "Roles": {"Name", "Permissions"}, "UserCertificates": {"User", "Cn", "Fingerprint"}}
	decode := func(list string, i int, v any) {
		raw, _ := synthtest.Get(synthtest.Env(job, "InitServices__Authentication__"+list+"__"+itoa(i)), "value").(string)
		var props map[string]json.RawMessage
		if err := json.Unmarshal([]byte(raw), &props); err != nil {
			t.Errorf("%s[%d] = %s: %v", list, i, raw, err)
		}
		for k := range props {
			if !slices.Contains(allowed[list], k) {
				t.Errorf("%s[%d] = %s: property %q is not one of Core's %v", list, i, raw, k, allowed[list])
			}
		}
		if err := json.Unmarshal([]byte(raw), v); err != nil {
			t.Errorf("%s[%d] = %s: %v", list, i, raw, err)
		}
	}
	for list, idx := range lists {
		sort.Slice(idx, func(a, b int) bool { return len(idx[a]) < len(idx[b]) || len(idx[a]) == len(idx[b]) && idx[a] < idx[b] })
		for i, s := range idx {
			if s != itoa(i) {
				t.Fatalf("%s items are numbered %v, want 0..%d", list, idx, len(idx)-1)
			}
		}
	}
	for i := range lists["Users"] {
		var u coreUser
		decode("Users", i, &u)
		if u.Name == nil || u.Roles == nil {
			t.Errorf("user %d misses Name or Roles", i)
		}
		users = append(users, u)
	}
	for i := range lists["Roles"] {
		var r coreRole
		decode("Roles", i, &r)
		if r.Name == nil || r.Permissions == nil {
			t.Errorf("role %d misses Name or Permissions", i)
		}
		roles = append(roles, r)
	}
	for i := range lists["UserCertificates"] {
		var c coreCert
		decode("UserCertificates", i, &c)
		if c.User == nil || c.Cn == nil {
			t.Errorf("certificate %d misses User or Cn", i)
		}
		certs = append(certs, c)
	}
	return users, roles, certs
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestInitJobAuthenticationEnv(t *testing.T) {
	_, _, out := build(t, mtlsConfig())
	users, roles, certs := initAuth(t, out)
	var got []string
	for _, u := range users {
		got = append(got, *u.Name+":"+strings.Join(*u.Roles, ","))
	}
	if want := []string{"alice:Reader", "submitter:Submitter", "monitoring:Monitoring"}; !slices.Equal(got, want) {
		t.Errorf("users %v, want %v", got, want)
	}
	got = nil
	for _, r := range roles {
		got = append(got, *r.Name)
		if *r.Name == "Submitter" && (len(*r.Permissions) != len(armonik.BuiltinRoles["Submitter"]) || !slices.Contains(*r.Permissions, "Tasks:SubmitTasks")) {
			t.Errorf("built-in Submitter role %v", *r.Permissions)
		}
	}
	if want := []string{"Reader", "Monitoring", "Submitter"}; !slices.Equal(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
	got = nil
	for _, c := range certs {
		got = append(got, *c.User+"/"+*c.Cn)
		if c.Fingerprint != nil {
			t.Errorf("generated certificate of %s registered with fingerprint %s: CN only, so renewals need no database change", *c.User, *c.Fingerprint)
		}
	}
	if want := []string{"submitter/submitter", "monitoring/monitoring"}; !slices.Equal(got, want) {
		t.Errorf("certificates %v, want %v", got, want)
	}
	cp := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
	for _, name := range synthtest.EnvNames(cp) {
		if strings.HasPrefix(name, "InitServices__Authentication") {
			t.Errorf("the control plane got %s: the init Job loads the data", name)
		}
	}
	for k, want := range map[string]string{"Authenticator__RequireAuthentication": "true", "Authenticator__RequireAuthorization": "true"} {
		if got := synthtest.Get(synthtest.Env(cp, k), "value"); got != want {
			t.Errorf("control plane %s = %v", k, got)
		}
	}

	// The user's own certificates, from the configuration and upstream's JSON file.
	_, _, out = build(t, userCertsConfig(t))
	users, roles, certs = initAuth(t, out)
	got = nil
	for _, c := range certs {
		fp := "-"
		if c.Fingerprint != nil {
			fp = *c.Fingerprint
		}
		got = append(got, *c.User+"/"+*c.Cn+"/"+fp)
	}
	if want := []string{"alice/alice/0123456789abcdef0123456789abcdef01234567", "bob/bob/-", "bob/bob-laptop/abcdef0123456789abcdef0123456789abcdef01"}; !slices.Equal(got, want) {
		t.Errorf("certificates %v, want %v (fingerprints lowercase without colons, as nginx sends them)", got, want)
	}
	if len(users) != 2 || *users[1].Name != "bob" || strings.Join(*users[1].Roles, ",") != "Submitter,Ops" {
		t.Errorf("users %v", users)
	}
	got = nil
	for _, r := range roles {
		got = append(got, *r.Name)
	}
	if want := []string{"Ops", "Monitoring", "Submitter"}; !slices.Equal(got, want) {
		t.Errorf("roles %v, want %v", got, want)
	}
	if synthtest.Get(out, "output.client_certificates") != nil || len(out.ResourceIDs("tls_locally_signed_cert")) != 1 {
		t.Error("no client certificate is generated when only the user's CA is given")
	}
	svc := out.Named(t, "kubernetes_service_v1", "front")
	if got := synthtest.String(synthtest.Get(svc, "spec.port")); got != `[{"name":"https","port":5001,"target_port":"http"}]` {
		t.Errorf("one-port service %s", got)
	}
	if got := synthtest.Get(out, "output.control_plane_url.value"); got != "https://192.168.1.20:${kubernetes_service_v1.armonik-front-service.spec[0].port[0].node_port}" {
		t.Errorf("NodePort control_plane_url %v", got)
	}
}

func TestInitDisabledGivesTheControlPlaneTheAuthentication(t *testing.T) {
	cfg := mtlsConfig()
	cfg.Init.Disabled = true
	_, _, out := build(t, cfg)
	cp := synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
	if synthtest.Env(cp, "InitServices__Authentication__Users__0") == nil || synthtest.Env(cp, "InitServices__Authentication__UserCertificates__1") == nil {
		t.Errorf("without the init Job the control plane loads the authentication data: %v", synthtest.EnvNames(cp))
	}
}

func TestFrontDisabled(t *testing.T) {
	a, raw, out := build(t, armonik.Config{Layers: storage(), Front: armonik.Front{Disabled: true}})
	if a.Front != nil || len(out.ResourceIDs("tls_private_key")) != 0 || strings.Contains(string(raw), `"tls"`) {
		t.Error("a disabled front door creates nothing and needs no tls provider")
	}
	if got := synthtest.Get(out, "output.control_plane_url.value"); got != "http://control-plane.armonik.svc.cluster.local:5001" {
		t.Errorf("control_plane_url %v", got)
	}
	_, _, out = build(t, armonik.Config{Layers: storage(), Front: armonik.Front{Disabled: true},
		Ingress: armonik.Ingress{Enabled: true, ClassName: "nginx", Host: "armonik.example.com", TLSSecret: "armonik-tls"}})
	if got := synthtest.Get(out, "output.admin_gui_url.value"); got != "https://armonik.example.com/admin/" {
		t.Errorf("admin_gui_url with an ingress %v", got)
	}
}

func TestAuthenticationValidation(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"users_list": [], "roles": []}`), 0o600)
	for _, tc := range []struct {
		name string
		cfg  armonik.Config
		want []string
	}{
		{"authorization without authentication", armonik.Config{Authentication: armonik.Authentication{RequireAuthorization: true}},
			[]string{"authentication.require_authorization: needs require_authentication"}},
		{"authentication without client certificates", armonik.Config{Authentication: armonik.Authentication{RequireAuthentication: true}},
			[]string{"the front door does not verify client certificates", "no certificate is registered"}},
		{"references", armonik.Config{Authentication: armonik.Authentication{
			RequireAuthentication: true, RequireAuthorization: true,
			Users: []armonik.User{{Name: "alice", Roles: []string{"Admin"}}, {Name: "alice", Roles: []string{"Submitter"}}, {Name: "carol"}},
			Roles: []armonik.Role{{Name: "R", Permissions: []string{"Sessions", "a:b:c:d"}}, {Name: "R", Permissions: []string{"Tasks:ListTasks"}}},
			Certificates: []armonik.UserCertificate{{User: "dave", CN: "dave"}, {User: "alice", CN: "a", Fingerprint: "12:34"},
				{User: "alice", CN: ""}},
		}, Front: armonik.Front{MTLS: armonik.FrontMTLS{Enabled: true, Clients: []armonik.FrontClient{{Name: "alice", Roles: []string{"Submitter"}}, {Name: "Bad_Name"}}}}},
			[]string{
				`authentication.users[0].roles: role "Admin" is not defined (defined: Monitoring (built-in), R, Submitter (built-in))`,
				`authentication.users[1].name: user "alice" is already defined by authentication.users[0]`,
				`authentication.users[2].roles: user "carol" has no role`,
				`authentication.roles[0].permissions: "Sessions" is not Service:Method[:Target]`,
				`authentication.roles[0].permissions: "a:b:c:d"`,
				`authentication.roles[1].name: role "R" is already defined by authentication.roles[0]`,
				`authentication.certificates[0].user: user "dave" is not defined`,
				`authentication.certificates[1].fingerprint: "12:34" is not a SHA-1 fingerprint`,
				`authentication.certificates[2].cn: required`,
				`front.mtls.clients[0].roles: user "alice" is declared in the authentication data: give its roles there`,
				`front.mtls.clients[1].name: "Bad_Name"`,
			}},
		{"data file", armonik.Config{Authentication: armonik.Authentication{DataFile: bad}},
			[]string{`authentication.data_file: "` + bad + `": json: unknown field "roles"`}},
		{"front", armonik.Config{Front: armonik.Front{Image: armonik.Image{Repository: "nginx:1.29", Tag: "x"}, Workload: armonik.Workload{Replicas: ptr(-1)}, Expose: "Ingress", HTTPPort: 70000, HTTPNodePort: 30000, PublicAddress: "not an address",
			TLS:  armonik.FrontTLS{Disabled: true, KeyAlgorithm: "DSA", ValidityHours: 10, EarlyRenewalHours: 20, DNSNames: []string{"bad name"}},
			MTLS: armonik.FrontMTLS{Enabled: true}, CORS: armonik.FrontCORS{AllowedOrigin: "evil; x"}, SeqURL: "ftp://seq"},
			AdminGUI: armonik.AdminGUI{Languages: []string{"fr"}}},
			[]string{
				`front.expose: "Ingress" must be one of LoadBalancer, NodePort, ClusterIP`, "front.http_port: 70000 is not in 1-65535",
				`front.public_address: "not an address"`, `front.tls.key_algorithm: "DSA"`,
				"front.tls.early_renewal_hours: 20 must be >= 0 and less than validity_hours (10)", `front.tls.dns_names[0]: "bad name"`,
				"front.mtls.enabled: needs TLS", `CORS allowed origin "evil; x"`, `route "seq": URL "ftp://seq"`,
				"admin_gui.languages: [fr] must contain en", `front.image.repository: "nginx:1.29" already holds a tag`, "front.replicas: -1 must be >= 0",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Layers = storage()
			cfg.Namespace = e.ns
			_, err := armonik.New(e.stack, "armonik", cfg)
			if err == nil {
				t.Fatal("want errors")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("errors lack %q:\n%v", w, err)
				}
			}
			// Validate says the same without a stack.
			if err := tc.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want[0]) {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
