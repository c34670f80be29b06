package armonik

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/nginxconf"
)

// The front door: an unprivileged nginx in front of the control plane and the admin GUI, as
// upstream's ArmoniK.Infra armonik/ingress module (on by default there, Service LoadBalancer,
// ports 5000 HTTP and 5001 gRPC), with its configuration rendered by internal/nginxconf.
//
//   - Deployment and Service "front"; ConfigMap "front-nginx" (armonik.conf, and
//     environment.json when Config.Environment is set), mounted read-only.
//   - TLS (on by default): a generated CA and server certificate (Secret "front-tls": tls.crt,
//     tls.key, ca.crt) naming armonik.local (the name the ArmoniK CLI checks:
//     ArmoniK.Admin.CLI src/armonik_cli/core/configuration.py sets grpc.ssl_target_name_override
//     to armonik.local), localhost, 127.0.0.1, the Service's DNS names, cluster IP and load
//     balancer address, Front.PublicAddress and the extra names; or the user's Secret.
//   - Mutual TLS (Front.MTLS): a generated client CA (Secret "front-client-ca") and one
//     client certificate per identity (Secrets "front-client-<name>": tls.crt, tls.key, and
//     ca.crt, the server's CA), each registered for Core with its user; the user's own CA
//     may be added. nginx forwards the verified CN and fingerprint in Core's headers.
//   - Outputs: control_plane_url, admin_gui_url, grafana_url, seq_url, ca_certificate and
//     client_certificates (sensitive), read by `make output`.
//
// The pod template's config hash covers the nginx configuration and the generated
// certificates, so a renewal (an apply within the early-renewal window) rolls the pods.

// Default front door image (ArmoniK 2.23.0 versions.tfvars.json, ingress).
const (
	FrontImage = "nginxinc/nginx-unprivileged"
	FrontTag   = "1.29.5-alpine-slim"
	// ComponentFront is the front door's component label.
	ComponentFront = "front"
	// frontUID is the nginx-unprivileged image's user and group (nginx, 101).
	frontUID = int64(101)
)

// Front configures the front door.
type Front struct {
	// Disabled drops the front door (the Ingress option or your own proxy then exposes ArmoniK).
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Image of nginx (default nginxinc/nginx-unprivileged:1.29.5-alpine-slim).
	Image    Image `json:"image,omitempty" yaml:"image,omitempty"`
	Workload `json:",inline" yaml:",inline"`
	// Expose is how clients reach it: LoadBalancer (default, as upstream), NodePort, or
	// ClusterIP (in the cluster, or through kubectl port-forward).
	Expose string `json:"expose,omitempty" yaml:"expose,omitempty"`
	// HTTPPort is the Service port of the GUI and HTTP routes (default 5000).
	HTTPPort int `json:"http_port,omitempty" yaml:"http_port,omitempty"`
	// GRPCPort is the Service port of the gRPC API (default 5001). With TLS it may equal
	// http_port: one port then serves everything.
	GRPCPort int `json:"grpc_port,omitempty" yaml:"grpc_port,omitempty"`
	// HTTPNodePort and GRPCNodePort fix the node ports of NodePort and LoadBalancer Services
	// (0 = chosen by Kubernetes).
	HTTPNodePort int `json:"http_node_port,omitempty" yaml:"http_node_port,omitempty"`
	// GRPCNodePort: see http_node_port.
	GRPCNodePort int `json:"grpc_node_port,omitempty" yaml:"grpc_node_port,omitempty"`
	// ServiceAnnotations go on the Service (cloud load-balancer settings...).
	ServiceAnnotations map[string]string `json:"service_annotations,omitempty" yaml:"service_annotations,omitempty"`
	// PublicAddress is the DNS name or IP address clients use: it goes into the outputs' URLs
	// and the server certificate. Default: the load balancer's address (LoadBalancer),
	// localhost (NodePort), the Service's DNS name (ClusterIP).
	PublicAddress string `json:"public_address,omitempty" yaml:"public_address,omitempty"`
	// TLS of the front door (on by default).
	TLS FrontTLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// MTLS requires client certificates (off by default).
	MTLS FrontMTLS `json:"mtls,omitempty" yaml:"mtls,omitempty"`
	// CORS lets gRPC-web clients of another origin call the API (off by default: the admin GUI
	// is served from the same origin and needs none).
	CORS FrontCORS `json:"cors,omitempty" yaml:"cors,omitempty"`
	// GrafanaURL, when set, is proxied at /grafana/ (prefix stripped: configure Grafana's
	// root_url as <front>/grafana/); it becomes the grafana_url output.
	GrafanaURL string `json:"grafana_url,omitempty" yaml:"grafana_url,omitempty"`
	// SeqURL, when set, is proxied at /seq/ (prefix stripped); it becomes the seq_url output.
	SeqURL string `json:"seq_url,omitempty" yaml:"seq_url,omitempty"`
}

// FrontTLS configures the server side of the front door's TLS.
type FrontTLS struct {
	// Disabled serves cleartext HTTP and h2c (not with mutual TLS).
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Secret is an existing Secret (tls.crt, tls.key) with your server certificate; "" generates
	// a CA and a certificate with the hashicorp/tls provider. Pods do not roll when you renew
	// your Secret: restart them (kubectl rollout restart deployment/front).
	Secret string `json:"secret,omitempty" yaml:"secret,omitempty"`
	// DNSNames are added to the generated certificate.
	DNSNames []string `json:"dns_names,omitempty" yaml:"dns_names,omitempty"`
	// IPAddresses are added to the generated certificate.
	IPAddresses []string `json:"ip_addresses,omitempty" yaml:"ip_addresses,omitempty"`
	// KeyAlgorithm of generated keys: ECDSA (P-256, default) or RSA (4096 bits).
	KeyAlgorithm string `json:"key_algorithm,omitempty" yaml:"key_algorithm,omitempty"`
	// ValidityHours of generated server and client certificates (default 8760, one year).
	ValidityHours int `json:"validity_hours,omitempty" yaml:"validity_hours,omitempty"`
	// EarlyRenewalHours: an apply within this many hours of a certificate's end reissues it and
	// rolls the front door (default 720, 30 days).
	EarlyRenewalHours int `json:"early_renewal_hours,omitempty" yaml:"early_renewal_hours,omitempty"`
	// CAValidityHours of the generated CAs (default 87600, ten years).
	CAValidityHours int `json:"ca_validity_hours,omitempty" yaml:"ca_validity_hours,omitempty"`
	// CAEarlyRenewalHours of the generated CAs (default 8760, one year); a renewed CA reissues
	// every certificate: clients need the new CA (make output).
	CAEarlyRenewalHours int `json:"ca_early_renewal_hours,omitempty" yaml:"ca_early_renewal_hours,omitempty"`
}

// FrontMTLS configures client certificates.
type FrontMTLS struct {
	// Enabled requires a client certificate on every request, verified against the generated
	// client CA and ca_secret; nginx forwards its CN and fingerprint to Core.
	Enabled bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Clients are the identities to generate certificates for; each gets a user of its name
	// (unless authentication.users declares it) registered with the certificate's CN. Default,
	// when none is listed and ca_secret is empty: submitter (role Submitter) and monitoring
	// (role Monitoring), as upstream.
	Clients []FrontClient `json:"clients,omitempty" yaml:"clients,omitempty"`
	// CASecret is an existing Secret holding your own client CA (PEM, key ca_key): certificates
	// it signed are accepted too (register them in authentication.certificates).
	CASecret string `json:"ca_secret,omitempty" yaml:"ca_secret,omitempty"`
	// CAKey is the key of ca_secret (default ca.crt).
	CAKey string `json:"ca_key,omitempty" yaml:"ca_key,omitempty"`
}

// FrontClient is a client identity with a generated certificate.
type FrontClient struct {
	// Name of the identity and of its user (a DNS label: it names the Secret front-client-<name>).
	Name string `json:"name" yaml:"name"`
	// CN of the certificate (default: the name).
	CN string `json:"cn,omitempty" yaml:"cn,omitempty"`
	// Roles of the user created for it (Submitter, Monitoring or authentication.roles).
	Roles []string `json:"roles,omitempty" yaml:"roles,omitempty"`
}

func (c FrontClient) commonName() string {
	if c.CN != "" {
		return c.CN
	}
	return c.Name
}

// FrontCORS configures cross-origin requests.
type FrontCORS struct {
	// AllowedOrigin is "*" or an origin such as https://gui.example.com ("" = no CORS).
	AllowedOrigin string `json:"allowed_origin,omitempty" yaml:"allowed_origin,omitempty"`
	// AllowedMethods (default GET, POST, OPTIONS).
	AllowedMethods []string `json:"allowed_methods,omitempty" yaml:"allowed_methods,omitempty"`
	// AllowedHeaders are added to those gRPC-web sends.
	AllowedHeaders []string `json:"allowed_headers,omitempty" yaml:"allowed_headers,omitempty"`
	// MaxAgeSeconds of preflight answers (default 1728000).
	MaxAgeSeconds int `json:"max_age_seconds,omitempty" yaml:"max_age_seconds,omitempty"`
}

// Environment is the banner of the admin GUI, served as /static/environment.json
// (ArmoniK.Admin.GUI src/app/services/environment.service.ts: name, version, description,
// color).
type Environment struct {
	// Name of the environment, e.g. production.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Version shown next to it.
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	// Description of the environment.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Color of the banner (a CSS colour: red, #ff8800...).
	Color string `json:"color,omitempty" yaml:"color,omitempty"`
}

// Expose values of the front door.
var frontExpose = []string{k8s.LoadBalancer, k8s.NodePort, k8s.ClusterIP}

// Container ports (upstream's: 8080/9080 in cleartext, 8443/9443 with TLS).
func (f *Front) containerPorts() (http, grpc int) {
	if f.TLS.Disabled {
		return 8080, 9080
	}
	return 8443, 9443
}

// frontDefaults applies the front door's defaults to a configuration.
func (cfg *Config) frontDefaults() {
	f := &cfg.Front
	f.Image = f.Image.or(Image{Repository: FrontImage, Tag: FrontTag})
	if f.Expose == "" {
		f.Expose = k8s.LoadBalancer
	}
	if f.HTTPPort == 0 {
		f.HTTPPort = 5000
	}
	if f.GRPCPort == 0 {
		f.GRPCPort = 5001
	}
	t := &f.TLS
	if t.KeyAlgorithm == "" {
		t.KeyAlgorithm = k8s.ECDSA
	}
	if t.ValidityHours == 0 {
		t.ValidityHours = 8760
	}
	if t.EarlyRenewalHours == 0 {
		t.EarlyRenewalHours = 720
	}
	if t.CAValidityHours == 0 {
		t.CAValidityHours = 87600
	}
	if t.CAEarlyRenewalHours == 0 {
		t.CAEarlyRenewalHours = 8760
	}
	m := &f.MTLS
	if m.CAKey == "" {
		m.CAKey = "ca.crt"
	}
	if m.Enabled && len(m.Clients) == 0 && m.CASecret == "" {
		m.Clients = []FrontClient{{Name: "submitter", Roles: []string{"Submitter"}}, {Name: "monitoring", Roles: []string{"Monitoring"}}}
	}
	if cfg.ClusterDomain == "" {
		cfg.ClusterDomain = "cluster.local"
	}
	if len(cfg.AdminGUI.Languages) == 0 {
		cfg.AdminGUI.Languages = []string{"en", "fr"}
	}
}

// frontClients are the identities that get generated certificates (none unless the front door
// does mutual TLS).
func (cfg *Config) frontClients() []FrontClient {
	f := cfg.Front
	if f.Disabled || f.TLS.Disabled || !f.MTLS.Enabled {
		return nil
	}
	return f.MTLS.Clients
}

// validateFront reports the problems of the front door's settings (defaults applied), but its
// image and workload settings, which validate checks as every component's.
func (cfg *Config) validateFront() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if msgs := validation.IsDNS1123Subdomain(cfg.ClusterDomain); len(msgs) > 0 {
		add("cluster_domain: %q %s", cfg.ClusterDomain, msgs[0])
	}
	if !slices.Contains(cfg.AdminGUI.Languages, "en") {
		add("admin_gui.languages: %v must contain en (the GUI's source language)", cfg.AdminGUI.Languages)
	}
	f := cfg.Front
	if f.Disabled {
		return errs
	}
	// The image and the workload settings are checked with the other components' (validate).
	if !slices.Contains(frontExpose, f.Expose) {
		add("front.expose: %q must be one of %s", f.Expose, strings.Join(frontExpose, ", "))
	}
	for _, p := range []struct {
		key  string
		v    int
		node bool
	}{{"http_port", f.HTTPPort, false}, {"grpc_port", f.GRPCPort, false}, {"http_node_port", f.HTTPNodePort, true}, {"grpc_node_port", f.GRPCNodePort, true}} {
		switch {
		case p.node && p.v == 0:
		case p.v < 1 || p.v > 65535:
			add("front.%s: %d is not in 1-65535", p.key, p.v)
		case p.node && f.Expose == k8s.ClusterIP:
			add("front.%s: node ports need expose NodePort or LoadBalancer", p.key)
		}
	}
	if f.TLS.Disabled && f.HTTPPort == f.GRPCPort {
		add("front: without TLS, http_port and grpc_port must differ (cleartext HTTP/1.1 and HTTP/2 need a port each)")
	}
	if a := f.PublicAddress; a != "" && net.ParseIP(a) == nil && len(validation.IsDNS1123Subdomain(a)) > 0 {
		add("front.public_address: %q is neither an IP address nor a DNS name", a)
	}
	t := f.TLS
	if t.Secret != "" {
		if msgs := validation.IsDNS1123Subdomain(t.Secret); len(msgs) > 0 {
			add("front.tls.secret: %q %s", t.Secret, msgs[0])
		}
	}
	for i, d := range t.DNSNames {
		if len(validation.IsDNS1123Subdomain(strings.TrimPrefix(d, "*."))) > 0 {
			add("front.tls.dns_names[%d]: %q is not a DNS name", i, d)
		}
	}
	for i, ip := range t.IPAddresses {
		if net.ParseIP(ip) == nil {
			add("front.tls.ip_addresses[%d]: %q is not an IP address", i, ip)
		}
	}
	if t.KeyAlgorithm != k8s.ECDSA && t.KeyAlgorithm != k8s.RSA {
		add("front.tls.key_algorithm: %q must be %s or %s", t.KeyAlgorithm, k8s.ECDSA, k8s.RSA)
	}
	for _, v := range []struct {
		key            string
		hours, renewal int
	}{{"", t.ValidityHours, t.EarlyRenewalHours}, {"ca_", t.CAValidityHours, t.CAEarlyRenewalHours}} {
		if v.hours < 1 {
			add("front.tls.%svalidity_hours: %d must be at least 1", v.key, v.hours)
		} else if v.renewal < 0 || v.renewal >= v.hours {
			add("front.tls.%searly_renewal_hours: %d must be >= 0 and less than %svalidity_hours (%d)", v.key, v.renewal, v.key, v.hours)
		}
	}
	m := f.MTLS
	if m.Enabled && t.Disabled {
		add("front.mtls.enabled: needs TLS (front.tls.disabled is set)")
	}
	if m.CASecret != "" {
		if msgs := validation.IsDNS1123Subdomain(m.CASecret); len(msgs) > 0 {
			add("front.mtls.ca_secret: %q %s", m.CASecret, msgs[0])
		}
	}
	if msgs := validation.IsConfigMapKey(m.CAKey); len(msgs) > 0 {
		add("front.mtls.ca_key: %q %s", m.CAKey, msgs[0])
	}
	names := map[string]int{}
	for i, c := range m.Clients {
		path := fmt.Sprintf("front.mtls.clients[%d]", i)
		if err := dnsLabel(c.Name); err != "" {
			add("%s.name: %q %s", path, c.Name, err)
		} else if len("front-client-"+c.Name) > 63 {
			add("%s.name: %q is too long: front-client-<name> must fit in 63 characters", path, c.Name)
		}
		if j, dup := names[c.Name]; dup {
			add("%s.name: %q is already the name of clients[%d]", path, c.Name, j)
		}
		names[c.Name] = i
		if cn := c.commonName(); len(cn) > 64 || strings.ContainsAny(cn, ",+=\"\\<>;#${}") {
			add("%s.cn: %q must have at most 64 characters and none of , + = \" \\ < > ; # $ { }", path, cn)
		}
	}
	if err := cfg.nginxConfig().Validate(); err != nil {
		add("front: %v", err)
	}
	return errs
}

// File paths in the front door's container.
const (
	frontConfDir     = "/etc/nginx/conf.d"
	frontStaticDir   = "/static"
	frontTLSDir      = "/front/tls"
	frontClientCADir = "/front/client-ca"
	frontExtraCADir  = "/front/extra-ca"
)

// nginxConfig is what the front door's nginx serves.
func (cfg *Config) nginxConfig() nginxconf.Config {
	f := cfg.Front
	http, grpc := f.containerPorts()
	if f.HTTPPort == f.GRPCPort {
		grpc = http
	}
	c := nginxconf.Config{
		HTTPPort: http, GRPCPort: grpc,
		ControlPlane: fmt.Sprintf("control-plane.%s.svc:%d", cfg.namespaceName(), cfg.ControlPlane.Service.Port),
		Languages:    cfg.AdminGUI.Languages,
	}
	if !cfg.AdminGUI.Disabled {
		c.AdminGUI = fmt.Sprintf("admin-gui.%s.svc:%d", cfg.namespaceName(), cfg.AdminGUI.Service.Port)
	}
	if cfg.Environment != nil {
		c.StaticDir = frontStaticDir
	}
	if !f.TLS.Disabled {
		c.TLS = &nginxconf.TLS{CertFile: frontTLSDir + "/tls.crt", KeyFile: frontTLSDir + "/tls.key"}
		if f.MTLS.Enabled {
			m := &nginxconf.MTLS{}
			switch {
			case len(f.MTLS.Clients) > 0 && f.MTLS.CASecret != "":
				m.ClientCAFile, m.TrustedCAFile = frontClientCADir+"/ca.crt", frontExtraCADir+"/ca.crt"
			case len(f.MTLS.Clients) > 0:
				m.ClientCAFile = frontClientCADir + "/ca.crt"
			default:
				m.ClientCAFile = frontExtraCADir + "/ca.crt"
			}
			c.MTLS = m
		}
	}
	if o := f.CORS; o.AllowedOrigin != "" {
		c.CORS = &nginxconf.CORS{AllowedOrigin: o.AllowedOrigin, AllowedMethods: o.AllowedMethods, AllowedHeaders: o.AllowedHeaders, MaxAgeSeconds: o.MaxAgeSeconds}
	}
	if f.GrafanaURL != "" {
		c.Routes = append(c.Routes, nginxconf.Route{Name: "grafana", URL: f.GrafanaURL})
	}
	if f.SeqURL != "" {
		c.Routes = append(c.Routes, nginxconf.Route{Name: "seq", URL: f.SeqURL})
	}
	return c
}

// namespaceName is the namespace's name for DNS names ("armonik" when validating a
// configuration file, which holds no namespace).
func (cfg *Config) namespaceName() string {
	if cfg.Namespace != nil && cfg.Namespace.Display != "" {
		return cfg.Namespace.Display
	}
	return "armonik"
}

// frontState is what createFront made, for the outputs.
type frontState struct {
	service   *k8s.Object
	addresses k8s.ServiceAddresses
	serverCA  *k8s.Certificate
	clients   map[string]*k8s.Certificate
}

// createFront creates the front door (after the control plane and the GUI) and the outputs.
func (b *builder) createFront() error {
	cfg := b.cfg
	f := cfg.Front
	if f.Disabled {
		return b.createOutputs(nil)
	}
	st := &frontState{clients: map[string]*k8s.Certificate{}}
	var err error

	// The Service first: its addresses go into the server certificate.
	httpTarget, grpcTarget := f.containerPorts()
	ports := []k8s.ServicePort{{Name: "http", Port: f.HTTPPort, TargetPort: "http", NodePort: f.HTTPNodePort}}
	if f.HTTPPort == f.GRPCPort {
		ports[0].Name = "https"
	} else {
		ports = append(ports, k8s.ServicePort{Name: "grpc", Port: f.GRPCPort, TargetPort: "grpc", NodePort: f.GRPCNodePort})
	}
	meta := b.meta("front", ComponentFront, nil)
	meta.Annotations = f.ServiceAnnotations
	if st.service, err = k8s.NewService(b.scope, b.id+"-front-service", k8s.ServiceSpec{
		Meta: meta, Type: f.Expose, Selector: b.labels(ComponentFront, nil), Ports: ports, Wait: cfg.wait(),
	}); err != nil {
		return err
	}
	if st.addresses, err = k8s.AddressesOf(st.service); err != nil {
		return err
	}

	mod := outputs.NewModule(builtin)
	conf, err := nginxconf.Render(cfg.nginxConfig())
	if err != nil {
		return fmt.Errorf("front: %w", err)
	}
	data := map[string]string{"armonik.conf": k8s.Literal(conf)}
	confItems := []outputs.Item{{Key: "armonik.conf", Path: "armonik.conf"}}
	if cfg.Environment != nil {
		raw, err := json.MarshalIndent(cfg.Environment, "", "  ")
		if err != nil {
			return err
		}
		data["environment.json"] = k8s.Literal(string(raw) + "\n")
	}
	cm, err := k8s.NewConfigMap(b.scope, b.id+"-front-nginx", k8s.ConfigMapSpec{Meta: b.meta("front-nginx", ComponentFront, nil), Data: data})
	if err != nil {
		return err
	}
	cmRef := outputs.Named("front-nginx").WithToken(cm.Name)
	mod.MountConfigMap("nginx-conf", cmRef, frontConfDir, outputs.WithItems(confItems...))
	if cfg.Environment != nil {
		mod.MountConfigMap("static", cmRef, frontStaticDir, outputs.WithItems(outputs.Item{Key: "environment.json", Path: "environment.json"}))
	}

	if !f.TLS.Disabled {
		tlsRef := outputs.Named(f.TLS.Secret)
		if f.TLS.Secret == "" {
			if tlsRef, err = b.frontServerCertificate(st); err != nil {
				return err
			}
		}
		mod.MountSecret("front-tls", tlsRef, frontTLSDir, outputs.WithMode("0440"), outputs.WithItems(
			outputs.Item{Key: "tls.crt", Path: "tls.crt"}, outputs.Item{Key: "tls.key", Path: "tls.key"}))
		if f.MTLS.Enabled {
			if len(f.MTLS.Clients) > 0 {
				caRef, err := b.frontClientCertificates(st)
				if err != nil {
					return err
				}
				mod.MountSecret("front-client-ca", caRef, frontClientCADir, outputs.WithMode("0444"),
					outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "ca.crt"}))
			}
			if f.MTLS.CASecret != "" {
				mod.MountSecret("front-extra-ca", outputs.Named(f.MTLS.CASecret), frontExtraCADir, outputs.WithMode("0444"),
					outputs.WithItems(outputs.Item{Key: f.MTLS.CAKey, Path: "ca.crt"}))
			}
		}
	}

	pod, err := outputs.MergePod("front", []outputs.ContainerLayers{{Name: "nginx", Layers: []outputs.Layer{outputs.ModulesLayer(LayerArmoniK, mod)}}})
	if err != nil {
		return fmt.Errorf("front: %w", err)
	}
	b.a.Pods = append(b.a.Pods, pod)
	c := component{name: ComponentFront, pod: pod}
	tcp := func(initial, period, failures int) *k8s.Probe {
		return &k8s.Probe{TCPPort: "http", InitialDelaySeconds: initial, PeriodSeconds: period, TimeoutSeconds: 1, FailureThreshold: failures}
	}
	cports := []k8s.Port{{Name: "http", ContainerPort: httpTarget}}
	if f.HTTPPort != f.GRPCPort {
		cports = append(cports, k8s.Port{Name: "grpc", ContainerPort: grpcTarget})
	}
	sec := securePod()
	sec.FSGroup = ptr(frontUID)
	tmpl, err := b.finishPod(c, f.Workload, sec, []k8s.Container{{
		Name: "nginx", Image: f.Image.Ref(), ImagePullPolicy: f.Image.PullPolicy,
		Resources: f.Resources, Security: secureContainer(ptr(frontUID)),
		Ports: cports, Readiness: tcp(1, 5, 3), Liveness: tcp(10, 10, 3),
	}})
	if err != nil {
		return err
	}
	// nginx resolves its upstreams when it starts: create their Services first.
	deps := []*k8s.Object{b.a.ControlPlaneService}
	if b.a.AdminGUIService != nil {
		deps = append(deps, b.a.AdminGUIService)
	}
	if b.a.Front, err = b.deployment("front", c, f.Workload, tmpl, deps); err != nil {
		return err
	}
	b.a.FrontService = st.service
	return b.createOutputs(st)
}

// frontServerCertificate generates the server CA and certificate and their Secret.
func (b *builder) frontServerCertificate(st *frontState) (outputs.Ref, error) {
	cfg := b.cfg
	f := cfg.Front
	t := f.TLS
	ns := cfg.namespaceName()
	ca, err := k8s.NewCA(b.scope, b.id+"-front-ca", k8s.CASpec{
		Subject:      k8s.Subject{CommonName: "ArmoniK front CA", Organization: "ArmoniK"},
		Validity:     k8s.Validity{Hours: t.CAValidityHours, EarlyRenewalHours: t.CAEarlyRenewalHours},
		KeyAlgorithm: t.KeyAlgorithm,
	})
	if err != nil {
		return outputs.Ref{}, err
	}
	st.serverCA = ca
	dns := []string{"armonik.local", "localhost", "front", "front." + ns, "front." + ns + ".svc", "front." + ns + ".svc." + cfg.ClusterDomain}
	ips := []string{"127.0.0.1"}
	if a := f.PublicAddress; a != "" {
		if net.ParseIP(a) != nil {
			ips = append(ips, a)
		} else {
			dns = append(dns, a)
		}
	}
	dns = appendNew(dns, t.DNSNames...)
	ips = appendNew(ips, t.IPAddresses...)
	ips = append(ips, st.addresses.ClusterIP)
	if f.Expose == k8s.LoadBalancer {
		dns = append(dns, st.addresses.LoadBalancerHostname)
		ips = append(ips, st.addresses.LoadBalancerIP)
	}
	cert, err := k8s.NewCert(b.scope, b.id+"-front-server", k8s.CertSpec{
		Subject:      k8s.Subject{CommonName: "armonik.local", Organization: "ArmoniK"},
		Validity:     k8s.Validity{Hours: t.ValidityHours, EarlyRenewalHours: t.EarlyRenewalHours},
		KeyAlgorithm: t.KeyAlgorithm, CA: ca, Server: true, DNSNames: dns, IPAddresses: ips,
	})
	if err != nil {
		return outputs.Ref{}, err
	}
	sec, err := k8s.NewSecret(b.scope, b.id+"-front-tls", k8s.SecretSpec{
		Meta: b.meta("front-tls", ComponentFront, nil), Type: "kubernetes.io/tls",
		Data: map[string]string{"tls.crt": cert.CertPEM, "tls.key": cert.KeyPEM, "ca.crt": ca.CertPEM},
	})
	if err != nil {
		return outputs.Ref{}, err
	}
	b.a.FrontSecrets = append(b.a.FrontSecrets, sec)
	return outputs.Named("front-tls").WithToken(sec.Name), nil
}

// frontClientCertificates generates the client CA, its Secret, and a certificate and Secret
// per client identity.
func (b *builder) frontClientCertificates(st *frontState) (outputs.Ref, error) {
	f := b.cfg.Front
	t := f.TLS
	ca, err := k8s.NewCA(b.scope, b.id+"-front-client-ca", k8s.CASpec{
		Subject:      k8s.Subject{CommonName: "ArmoniK client CA", Organization: "ArmoniK"},
		Validity:     k8s.Validity{Hours: t.CAValidityHours, EarlyRenewalHours: t.CAEarlyRenewalHours},
		KeyAlgorithm: t.KeyAlgorithm,
	})
	if err != nil {
		return outputs.Ref{}, err
	}
	caSecret, err := k8s.NewSecret(b.scope, b.id+"-front-client-ca-secret", k8s.SecretSpec{
		Meta: b.meta("front-client-ca", ComponentFront, nil), Data: map[string]string{"ca.crt": ca.CertPEM},
	})
	if err != nil {
		return outputs.Ref{}, err
	}
	b.a.FrontSecrets = append(b.a.FrontSecrets, caSecret)
	for _, c := range f.MTLS.Clients {
		cert, err := k8s.NewCert(b.scope, b.id+"-front-client-"+c.Name, k8s.CertSpec{
			Subject:      k8s.Subject{CommonName: c.commonName(), Organization: "ArmoniK"},
			Validity:     k8s.Validity{Hours: t.ValidityHours, EarlyRenewalHours: t.EarlyRenewalHours},
			KeyAlgorithm: t.KeyAlgorithm, CA: ca, Client: true,
		})
		if err != nil {
			return outputs.Ref{}, err
		}
		st.clients[c.Name] = cert
		data := map[string]string{"tls.crt": cert.CertPEM, "tls.key": cert.KeyPEM}
		if st.serverCA != nil {
			data["ca.crt"] = st.serverCA.CertPEM
		}
		sec, err := k8s.NewSecret(b.scope, b.id+"-front-client-"+c.Name+"-secret", k8s.SecretSpec{
			Meta: b.meta("front-client-"+c.Name, ComponentFront, nil), Type: "kubernetes.io/tls", Data: data,
		})
		if err != nil {
			return outputs.Ref{}, err
		}
		b.a.FrontSecrets = append(b.a.FrontSecrets, sec)
	}
	return outputs.Named("front-client-ca").WithToken(caSecret.Name), nil
}

// Output names: what `terraform output` and `make output` read.
const (
	OutputControlPlaneURL     = "control_plane_url"
	OutputAdminGUIURL         = "admin_gui_url"
	OutputGrafanaURL          = "grafana_url"
	OutputSeqURL              = "seq_url"
	OutputCACertificate       = "ca_certificate"
	OutputClientCertificates  = "client_certificates"
	outputClientCertificateFn = "certificate"
)

// createOutputs declares the stack outputs: where clients connect, and with which
// certificates. st is nil without the front door.
func (b *builder) createOutputs(st *frontState) error {
	cfg := b.cfg
	f := cfg.Front
	ns := cfg.namespaceName()
	var grpcURL, httpURL string
	switch {
	case st != nil:
		scheme := "https"
		if f.TLS.Disabled {
			scheme = "http"
		}
		host, httpPort, grpcPort := f.PublicAddress, strconv.Itoa(f.HTTPPort), strconv.Itoa(f.GRPCPort)
		inCluster := "front." + ns + ".svc." + cfg.ClusterDomain
		switch f.Expose {
		case k8s.LoadBalancer:
			if host == "" {
				host = k8s.Coalesce(st.addresses.LoadBalancerIP, st.addresses.LoadBalancerHostname, inCluster)
			}
		case k8s.NodePort:
			if host == "" {
				host = "localhost"
			}
			httpPort, grpcPort = k8s.NodePortOf(st.service, 0), k8s.NodePortOf(st.service, 0)
			if f.HTTPPort != f.GRPCPort {
				grpcPort = k8s.NodePortOf(st.service, 1)
			}
		default:
			if host == "" {
				host = inCluster
			}
		}
		grpcURL = scheme + "://" + host + ":" + grpcPort
		httpURL = scheme + "://" + host + ":" + httpPort
	case cfg.Ingress.Enabled:
		scheme := "http"
		if cfg.Ingress.TLSSecret != "" {
			scheme = "https"
		}
		grpcURL = scheme + "://" + cfg.Ingress.Host
		httpURL = grpcURL
	default:
		grpcURL = fmt.Sprintf("http://control-plane.%s.svc.%s:%d", ns, cfg.ClusterDomain, cfg.ControlPlane.Service.Port)
		if !cfg.AdminGUI.Disabled {
			httpURL = fmt.Sprintf("http://admin-gui.%s.svc.%s:%d", ns, cfg.ClusterDomain, cfg.AdminGUI.Service.Port)
		}
	}
	out := []k8s.OutputSpec{{Name: OutputControlPlaneURL, Value: grpcURL,
		Description: "URL of ArmoniK's gRPC API (the endpoint of the ArmoniK CLI and clients)"}}
	if httpURL != "" && !cfg.AdminGUI.Disabled {
		out = append(out, k8s.OutputSpec{Name: OutputAdminGUIURL, Value: httpURL + "/admin/", Description: "URL of the admin GUI"})
	}
	if st != nil && f.GrafanaURL != "" {
		out = append(out, k8s.OutputSpec{Name: OutputGrafanaURL, Value: httpURL + "/grafana/", Description: "URL of Grafana through the front door"})
	}
	if st != nil && f.SeqURL != "" {
		out = append(out, k8s.OutputSpec{Name: OutputSeqURL, Value: httpURL + "/seq/", Description: "URL of Seq through the front door"})
	}
	if st != nil && st.serverCA != nil {
		out = append(out, k8s.OutputSpec{Name: OutputCACertificate, Value: st.serverCA.CertPEM,
			Description: "CA certificate (PEM) that signed the front door's server certificate: clients verify the server with it"})
	}
	if st != nil && len(st.clients) > 0 {
		certs := map[string]any{}
		for name, c := range st.clients {
			certs[name] = map[string]string{outputClientCertificateFn: c.CertPEM, "private_key": c.KeyPEM}
		}
		out = append(out, k8s.OutputSpec{Name: OutputClientCertificates, Value: certs, Sensitive: true,
			Description: "client certificates and private keys (PEM) by identity, for mutual TLS"})
	}
	for _, o := range out {
		if err := k8s.NewOutput(b.scope, o); err != nil {
			return err
		}
	}
	return nil
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		if !slices.Contains(list, m) {
			list = append(list, m)
		}
	}
	return list
}
