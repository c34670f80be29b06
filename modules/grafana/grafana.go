package grafana

import (
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "grafana"

// Defaults and facts of the image (see the package documentation for their sources).
const (
	DefaultImage      = "grafana/grafana"
	DefaultTag        = "12.3.0"
	DefaultPullPolicy = "IfNotPresent"
	DefaultSize       = "2Gi"
	DefaultAdminUser  = "admin"
	// Port is Grafana's HTTP port (the image's default, 3000).
	Port = 3000
	// DatasourceUID is the uid of the provisioned Prometheus data source: every dashboard
	// refers to it.
	DatasourceUID = "prometheus"

	dataDir         = "/var/lib/grafana"
	provisioningDir = "/etc/grafana/provisioning"
	dashboardsDir   = "/var/lib/grafana-dashboards"
	// uid is the image's user (ARG GF_UID=472), gid its group (ARG GF_GID=0).
	uid = int64(472)
	gid = int64(0)
)

// Ingress publishes the UI under a path of an Ingress host (the stack passes ArmoniK's ingress
// settings).
type Ingress struct {
	ClassName, Host, TLSSecret string
	Annotations                map[string]string
}

// Config configures Grafana. Zero values take the documented defaults.
type Config struct {
	// Name of the instance (default "grafana"): the Deployment, its Service, the claim
	// <name>-data, the Secret <name>-admin and the ConfigMaps <name>-provisioning and
	// <name>-dashboards.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects (set by the stack).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Service's DNS name (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of Grafana (default grafana/grafana).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default 12.3.0, ArmoniK 2.23's pin).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the image (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding Grafana's database (users, preferences; default 2Gi).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// NodeSelector of the pod.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pod.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// AdminUser is the administrator's name (default "admin"); the password is generated and
	// kept in the Secret <name>-admin.
	AdminUser string `json:"admin_user,omitempty" yaml:"admin_user,omitempty"`
	// PrometheusURL is the data source: the URL of a Prometheus (its in-cluster Service, or
	// one the cluster already runs). Required.
	PrometheusURL string `json:"prometheus_url,omitempty" yaml:"prometheus_url,omitempty"`
	// Sources are the metric sources the stack deploys besides ArmoniK's exporter and
	// Prometheus (node-exporter, mongodb-exporter, kube-state-metrics): a dashboard is
	// provisioned only when everything it reads is there. Set by the stack; nil provisions
	// every dashboard.
	Sources []Source `json:"-" yaml:"-"`
	// Partitions are ArmoniK's partitions (default ["default"]): the dashboards' partition
	// variable lists them, each with the name its metrics carry (PartitionOptions). Set by the
	// stack.
	Partitions []string `json:"-" yaml:"-"`
	// SubPath serves Grafana under a path ("/grafana") instead of the root, for an Ingress
	// shared with other UIs ("" = the root).
	SubPath string `json:"sub_path,omitempty" yaml:"sub_path,omitempty"`
	// Service exposes the UI: <name>, ClusterIP on port 3000 by default; NodePort or
	// LoadBalancer only when asked.
	Service obs.Service `json:"service,omitempty" yaml:"service,omitempty"`
	// Ingress publishes the UI at SubPath on an Ingress host (set by the stack from ArmoniK's
	// ingress settings; nil: none).
	Ingress *Ingress `json:"-" yaml:"-"`
	// Wait waits for the rollout (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name> (default true): only UIClients may reach
	// the UI from inside the cluster; kubectl port-forward always works.
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// UIClients may reach the UI from inside the cluster (an ingress controller's pods).
	UIClients []k8s.PolicyPeer `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.AdminUser = kit.Or(c.AdminUser, DefaultAdminUser)
	c.SubPath = strings.TrimSuffix(c.SubPath, "/")
	if len(c.Partitions) == 0 {
		c.Partitions = []string{"default"}
	}
	c.Service = c.Service.WithDefaults(Port)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() obs.Common {
	return obs.Common{
		Kind: Kind, Component: "dashboards", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
}

// Selector is Grafana's pod selector (c after defaults): a Prometheus NetworkPolicy admits it
// with it.
func (c Config) Selector() map[string]string {
	cm := c.common()
	return cm.Selector()
}

// InClusterURL is the URL of the UI inside the cluster (c after defaults, Namespace set),
// sub-path included: http://<name>.<namespace>.svc.<domain>:<service port><sub path>. Given as
// ArmoniK's front.grafana_url, the front door's /grafana/ route keeps the path, as Grafana
// serving from a sub-path expects.
func (c Config) InClusterURL() string {
	cm := c.common()
	return cm.URL(c.Name, c.Service.Port) + c.SubPath
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	obs.ValidateStorage(e, c.Storage)
	kit.ValidateUserName(e, "admin_user", c.AdminUser)
	if c.PrometheusURL == "" {
		e.Add("prometheus_url", "required: the URL of the Prometheus the dashboards query")
	} else if u, err := url.Parse(c.PrometheusURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || strings.ContainsAny(c.PrometheusURL, " \n\"'") {
		e.Add("prometheus_url", "%q must be an http(s) URL without credentials, such as http://prometheus.armonik.svc.cluster.local:9090", c.PrometheusURL)
	}
	if c.SubPath != "" && (!strings.HasPrefix(c.SubPath, "/") || strings.ContainsAny(c.SubPath, " ?#%\"'\n")) {
		e.Add("sub_path", "%q must be a path such as /grafana", c.SubPath)
	}
	if c.Ingress != nil && c.SubPath == "" {
		e.Add("sub_path", "required with an Ingress (the path Grafana is published at, such as /grafana)")
	}
	obs.ValidateService(e, c.Service)
	obs.ValidatePeers(e, "ui_clients", c.UIClients)
	for i, p := range c.Partitions {
		if msgs := validation.IsDNS1123Label(p); len(msgs) > 0 {
			e.Add(fmt.Sprintf("partitions[%d]", i), "%q: %s", p, msgs[0])
		}
	}
	return e.Err()
}

// Module is a deployed Grafana. It is not an AEP 5 module itself; ExporterOutputs is the
// setting its dashboards need from ArmoniK's metrics exporter.
type Module struct {
	// Deployment runs Grafana; Service exposes it; Claim holds its database.
	Deployment, Service, Claim *k8s.Object
	// Admin is the Secret <name>-admin: username and password (generated).
	Admin *k8s.GeneratedSecret
	// Provisioning is the ConfigMap <name>-provisioning (the data source and the dashboard
	// provider); Dashboards the ConfigMap <name>-dashboards (one key per dashboard file).
	Provisioning, Dashboards *k8s.Object
	// Ingress publishes the UI at SubPath (nil without Config.Ingress).
	Ingress *k8s.Object
	// NetworkPolicy of the pod (nil when disabled).
	NetworkPolicy *k8s.Object
	// DashboardFiles are the provisioned dashboards.
	DashboardFiles []string
	// URL is the in-cluster URL of the UI; ServiceName and ServicePort are what kubectl
	// port-forward takes (svc/<ServiceName> <ServicePort>).
	URL         string
	ServiceName string
	ServicePort int
	// Selector selects Grafana's pod.
	Selector map[string]string
	// ExporterOutputs is an AEP 5 module (named after the instance) giving the metrics
	// exporter MetricsExporter__Metrics=completed,error,retried, the statuses the dashboards
	// show beyond the ones always served: list it in ArmoniK's metrics layer.
	ExporterOutputs outputs.ModuleOutputs
}

// provisioned returns the dashboards whose sources are all deployed.
func provisioned(sources []Source) []string {
	have := map[Source]bool{SourceArmoniK: true, SourcePrometheus: true}
	for _, s := range sources {
		have[s] = true
	}
	var out []string
	for _, d := range Dashboards {
		ok := true
		for _, s := range d.Sources {
			ok = ok && (sources == nil || have[s])
		}
		if ok {
			out = append(out, d.File)
		}
	}
	return out
}

// New deploys Grafana on scope with the configuration cfg, defaults applied. It returns every
// configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{
		URL: cm.URL(cfg.Name, cfg.Service.Port) + cfg.SubPath + "/", ServiceName: cfg.Name, ServicePort: cfg.Service.Port,
		Selector: cm.Selector(), DashboardFiles: provisioned(cfg.Sources),
		ExporterOutputs: outputs.NewModule(cfg.Name).Env(ExporterMetricsEnv, ExporterMetrics),
	}
	dashboards := map[string]string{}
	for _, f := range m.DashboardFiles {
		b, err := DashboardJSON(f)
		if err != nil {
			return nil, e.Fail(err)
		}
		if b, err = WithPartitions(b, cfg.Partitions); err != nil {
			return nil, e.Fail(fmt.Errorf("dashboard %s: %w", f, err))
		}
		dashboards[f] = k8s.Literal(string(b))
	}
	var err error
	if m.Admin, err = k8s.NewGeneratedSecret(scope, id+"-admin", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-admin"),
		Passwords: map[string]k8s.Password{"password": {}},
		Data:      map[string]string{"username": cfg.AdminUser},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Claim, err = k8s.NewClaim(scope, id+"-data", k8s.ClaimSpec{
		Meta: cm.Meta(cfg.Name + "-data"), Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass,
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Provisioning, err = k8s.NewConfigMap(scope, id+"-provisioning", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-provisioning"),
		Data: map[string]string{
			"datasources.yaml": k8s.Literal(datasources(cfg.PrometheusURL)),
			"dashboards.yaml":  k8s.Literal(providers),
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Dashboards, err = k8s.NewConfigMap(scope, id+"-dashboards", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-dashboards"), Data: dashboards,
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(nil, m.Admin.Object, m.Provisioning, m.Dashboards)
	if err != nil {
		return nil, e.Fail(err)
	}
	admin := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Admin.NameRef, Key: k} }
	env := []k8s.EnvVar{
		{Name: "GF_SECURITY_ADMIN_USER", SecretKey: admin("username")},
		{Name: "GF_SECURITY_ADMIN_PASSWORD", SecretKey: admin("password")},
		{Name: "GF_SERVER_HTTP_PORT", Value: fmt.Sprint(Port)},
		{Name: "GF_USERS_ALLOW_SIGN_UP", Value: "false"},
		{Name: "GF_AUTH_ANONYMOUS_ENABLED", Value: "false"},
		// No call home: usage reports, update checks and the news feed reach grafana.com.
		{Name: "GF_ANALYTICS_REPORTING_ENABLED", Value: "false"},
		{Name: "GF_ANALYTICS_CHECK_FOR_UPDATES", Value: "false"},
		{Name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", Value: "false"},
		{Name: "GF_NEWS_NEWS_FEED_ENABLED", Value: "false"},
		{Name: "GF_LOG_MODE", Value: "console"},
	}
	if len(m.DashboardFiles) > 0 {
		env = append(env, k8s.EnvVar{Name: "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", Value: dashboardsDir + "/" + m.DashboardFiles[0]})
	}
	if cfg.SubPath != "" {
		// Grafana builds its links from root_url and, with serve_from_sub_path, serves them
		// under the path itself (no rewriting by the Ingress).
		env = append(env,
			k8s.EnvVar{Name: "GF_SERVER_ROOT_URL", Value: "%(protocol)s://%(domain)s:%(http_port)s" + cfg.SubPath + "/"},
			k8s.EnvVar{Name: "GF_SERVER_SERVE_FROM_SUB_PATH", Value: "true"})
	}
	health := func(p k8s.Probe) *k8s.Probe {
		p.HTTPGet = &k8s.HTTPGet{Path: cfg.SubPath + "/api/health", Port: "http"}
		return &p
	}
	user, group := uid, gid
	replicas := 1
	if m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta:     cm.Meta(cfg.Name),
		Replicas: &replicas,
		Selector: cm.Selector(),
		Strategy: "Recreate",
		Wait:     kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security: &k8s.PodSecurity{
					RunAsUser: &user, RunAsGroup: &group, FSGroup: &user,
					RunAsNonRoot: ptr(true), SeccompRuntimeDefault: true, FSGroupChangePolicy: "OnRootMismatch",
				},
				NodeSelector: cfg.NodeSelector,
				Tolerations:  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "grafana",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Env:             env,
					Ports:           []k8s.Port{{Name: "http", ContainerPort: Port}},
					Mounts: []k8s.Mount{
						{Volume: "data", Path: dataDir},
						{Volume: "provisioning", Path: provisioningDir + "/datasources/datasources.yaml", SubPath: "datasources.yaml", ReadOnly: true},
						{Volume: "provisioning", Path: provisioningDir + "/dashboards/dashboards.yaml", SubPath: "dashboards.yaml", ReadOnly: true},
						{Volume: "dashboards", Path: dashboardsDir, ReadOnly: true},
					},
					Resources: cfg.Resources,
					Startup:   health(k8s.Probe{PeriodSeconds: 5, FailureThreshold: 60}),
					Readiness: health(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 3, FailureThreshold: 3}),
					Liveness:  health(k8s.Probe{PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Security: &k8s.ContainerSecurity{
						AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false),
						DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
				Volumes: []k8s.Volume{
					{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: m.Claim.NameRef}},
					{Name: "provisioning", ConfigMap: &k8s.ConfigMapVolume{Name: m.Provisioning.NameRef}},
					{Name: "dashboards", ConfigMap: &k8s.ConfigMapVolume{Name: m.Dashboards.NameRef}},
				},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	svc := cm.Meta(cfg.Name)
	svc.Annotations = cfg.Service.Annotations
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta: svc, Type: cfg.Service.Type, Selector: cm.Selector(), Wait: kit.Bool(cfg.Wait, true),
		Ports: []k8s.ServicePort{{Name: "http", Port: cfg.Service.Port, TargetPort: "http", NodePort: cfg.Service.NodePort}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if in := cfg.Ingress; in != nil {
		meta := cm.Meta(cfg.Name)
		meta.Annotations = in.Annotations
		if m.Ingress, err = k8s.NewIngress(scope, id+"-ingress", k8s.IngressSpec{
			Meta: meta, ClassName: in.ClassName, Host: in.Host, TLSSecret: in.TLSSecret,
			Paths: []k8s.IngressPath{{Path: cfg.SubPath, PathType: "Prefix", Service: m.Service.NameRef, ServicePort: cfg.Service.Port}},
		}); err != nil {
			return nil, e.Fail(err)
		}
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", []obs.PortPeers{{Port: Port, From: cfg.UIClients}}); err != nil {
			return nil, e.Fail(err)
		}
	}
	return m, nil
}

// datasources is the data source provisioning file (Grafana's "Provision Grafana" docs,
// apiVersion 1): the Prometheus, default, not editable from the UI.
func datasources(prometheusURL string) string {
	return strings.Join([]string{
		"apiVersion: 1",
		"datasources:",
		"  - name: Prometheus",
		"    uid: " + DatasourceUID,
		"    type: prometheus",
		"    access: proxy",
		"    url: " + prometheusURL,
		"    isDefault: true",
		"    editable: false",
		"",
	}, "\n")
}

// providers is the dashboard provider provisioning file: the files of the mounted ConfigMap,
// in the folder ArmoniK, not editable from the UI (a change belongs in the repository).
var providers = strings.Join([]string{
	"apiVersion: 1",
	"providers:",
	"  - name: armonik",
	"    folder: ArmoniK",
	"    type: file",
	"    disableDeletion: true",
	"    allowUiUpdates: false",
	"    options:",
	"      path: " + dashboardsDir,
	"",
}, "\n")

func ptr[T any](v T) *T { return &v }
