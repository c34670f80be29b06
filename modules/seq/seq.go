package seq

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "seq"

// Defaults and facts of the images (see the package documentation for their sources).
const (
	DefaultImage      = "datalust/seq"
	DefaultTag        = "2025.2"
	DefaultCLIImage   = "datalust/seqcli"
	DefaultCLITag     = "2025.2"
	DefaultPullPolicy = "IfNotPresent"
	DefaultSize       = "8Gi"
	DefaultAdminUser  = "admin"
	// DefaultRAMTarget is SEQ_CACHE_SYSTEMRAMTARGET, the share of the node's memory Seq's cache
	// aims at (upstream's system_ram_target).
	DefaultRAMTarget = "0.2"
	// DefaultRetentionDays is how long events are kept (upstream's retention_in_days "2d").
	DefaultRetentionDays = 2
	// DefaultRetentionSchedule is when the retention job runs (upstream's).
	DefaultRetentionSchedule = "0 */12 * * *"
	// DefaultUIPort is the port of the UI Service (upstream's seq-web-console port 8080).
	DefaultUIPort = 8080

	// APIPort serves the UI and the whole HTTP API; IngestionPort accepts events only.
	APIPort       = 80
	IngestionPort = 5341
	// RawIngestionPath accepts newline-delimited CLEF events (what fluent-bit posts).
	RawIngestionPath = "/api/events/raw?clef"

	dataDir = "/data"
	// uid is the image's user: the server runs as root (see the package documentation).
	uid = int64(0)
	// cliUID runs the retention job: seqcli needs no privilege.
	cliUID = int64(65534)
	// retentionComponent labels the retention job's pods, apart from the server's.
	retentionComponent = "logs-retention"
)

// Config configures a Seq server. Zero values take the documented defaults.
type Config struct {
	// Name of the instance (default "seq"): the Deployment, the Services <name> and <name>-ui,
	// the claim <name>-data, the Secret <name>-admin and the CronJob <name>-retention.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the objects (set by the stack).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain of the Services' DNS names (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image of the server (default datalust/seq).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default 2025.2, ArmoniK 2.23's pin).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of both images (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the server container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding the events (default 8Gi, the cluster's default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// NodeSelector of the server and retention pods.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the server and retention pods.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// AdminUser is the administrator's name (default "admin"); the password is generated and
	// kept in the Secret <name>-admin.
	AdminUser string `json:"admin_user,omitempty" yaml:"admin_user,omitempty"`
	// SystemRAMTarget is SEQ_CACHE_SYSTEMRAMTARGET, the share of the node's memory Seq's cache
	// aims at (default "0.2", as upstream).
	SystemRAMTarget string `json:"system_ram_target,omitempty" yaml:"system_ram_target,omitempty"`
	// RetentionDays deletes events older than that many days (default 2, as upstream; 0 keeps
	// everything and creates no CronJob).
	RetentionDays *int `json:"retention_days,omitempty" yaml:"retention_days,omitempty"`
	// RetentionSchedule is when the retention job checks the policy (default "0 */12 * * *").
	RetentionSchedule string `json:"retention_schedule,omitempty" yaml:"retention_schedule,omitempty"`
	// CLIImage runs the retention job (default datalust/seqcli).
	CLIImage string `json:"cli_image,omitempty" yaml:"cli_image,omitempty"`
	// CLITag of the seqcli image (default 2025.2).
	CLITag string `json:"cli_tag,omitempty" yaml:"cli_tag,omitempty"`
	// Service exposes the UI: <name>-ui, ClusterIP on port 8080 by default (to the server's port
	// 80); NodePort or LoadBalancer only when asked.
	Service obs.Service `json:"service,omitempty" yaml:"service,omitempty"`
	// Wait waits for the server's rollout (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name> (default true): the ingestion port admits
	// only Ingesters, the API port only the retention job and UIClients.
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Ingesters may send events to the ingestion port (the stack adds the log shipper).
	Ingesters []k8s.PolicyPeer `json:"-" yaml:"-"`
	// UIClients may reach the UI and API port from inside the cluster (an ingress controller);
	// kubectl port-forward needs nothing.
	UIClients []k8s.PolicyPeer `json:"-" yaml:"-"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.CLIImage = kit.Or(c.CLIImage, DefaultCLIImage)
	c.CLITag = kit.Or(c.CLITag, DefaultCLITag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.AdminUser = kit.Or(c.AdminUser, DefaultAdminUser)
	c.SystemRAMTarget = kit.Or(c.SystemRAMTarget, DefaultRAMTarget)
	if c.RetentionDays == nil {
		d := DefaultRetentionDays
		c.RetentionDays = &d
	}
	c.RetentionSchedule = kit.Or(c.RetentionSchedule, DefaultRetentionSchedule)
	c.Service = c.Service.WithDefaults(DefaultUIPort)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() obs.Common {
	return obs.Common{
		Kind: Kind, Component: "logs", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
}

// InClusterURL is the URL of the UI and API inside the cluster (c after defaults, Namespace
// set): http://<name>.<namespace>.svc.<domain>:80, what ArmoniK's front door proxies at /seq/.
func (c Config) InClusterURL() string {
	cm := c.common()
	return cm.URL(c.Name, APIPort)
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	obs.ValidateStorage(e, c.Storage)
	kit.ValidateImage(e, "cli_", c.CLIImage, c.CLITag, c.PullPolicy)
	kit.ValidateUserName(e, "admin_user", c.AdminUser)
	if f, err := strconv.ParseFloat(c.SystemRAMTarget, 64); err != nil || f <= 0 || f >= 1 {
		e.Add("system_ram_target", "%q must be a fraction of the node's memory between 0 and 1, such as 0.2", c.SystemRAMTarget)
	}
	if d := *c.RetentionDays; d < 0 || d > 3650 {
		e.Add("retention_days", "%d must be between 0 (keep everything) and 3650", d)
	}
	if *c.RetentionDays > 0 && !k8s.ValidSchedule(c.RetentionSchedule) {
		e.Add("retention_schedule", "%q must have five fields (minute hour day month weekday) or be a macro such as @daily", c.RetentionSchedule)
	}
	obs.ValidateService(e, c.Service)
	obs.ValidatePeers(e, "ingesters", c.Ingesters)
	obs.ValidatePeers(e, "ui_clients", c.UIClients)
	return e.Err()
}

// Module is a deployed Seq server. It is not an AEP 5 module: ArmoniK Core 0.37.2 writes its
// logs to stdout only, and a log shipper (modules/fluentbit) carries them to IngestionURL.
type Module struct {
	// Deployment runs the server; Service <name> (ClusterIP) serves the ingestion port and the
	// API in the cluster; UIService <name>-ui exposes the UI.
	Deployment, Service, UIService *k8s.Object
	// Claim holds the events.
	Claim *k8s.Object
	// Admin is the Secret <name>-admin: username, password (the administrator's, generated) and
	// retention-api-key (the token of the retention job's API key, generated).
	Admin *k8s.GeneratedSecret
	// RetentionJob is the CronJob <name>-retention (nil when RetentionDays is 0).
	RetentionJob *k8s.Object
	// NetworkPolicy of the server (nil when disabled).
	NetworkPolicy *k8s.Object
	// Host is the DNS name of Service; IngestionURL the ingestion endpoint's base URL
	// (http://<host>:5341); URL the API's and UI's in the cluster (http://<host>:80).
	Host, IngestionURL, URL string
	// IngestionPort is the port of the ingestion endpoint.
	IngestionPort int
	// UIServiceName and UIPort are what kubectl port-forward takes: svc/<UIServiceName> <UIPort>.
	UIServiceName string
	UIPort        int
	// Selector selects the server's pods.
	Selector map[string]string
}

// New deploys Seq on scope with the configuration cfg, defaults applied. It returns every
// configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{
		Host: cm.Host(cfg.Name), IngestionPort: IngestionPort,
		IngestionURL: cm.URL(cfg.Name, IngestionPort), URL: cm.URL(cfg.Name, APIPort),
		UIServiceName: cfg.Name + "-ui", UIPort: cfg.Service.Port, Selector: cm.Selector(),
	}
	var err error
	if m.Admin, err = k8s.NewGeneratedSecret(scope, id+"-admin", k8s.GeneratedSecretSpec{
		Meta: cm.Meta(cfg.Name + "-admin"),
		// API key tokens are 20 letters and digits, like the ones Seq generates.
		Passwords: map[string]k8s.Password{"password": {}, "retention-api-key": {Length: 20}},
		Data:      map[string]string{"username": cfg.AdminUser},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Claim, err = k8s.NewClaim(scope, id+"-data", k8s.ClaimSpec{
		Meta: cm.Meta(cfg.Name + "-data"), Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass,
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(nil, m.Admin.Object)
	if err != nil {
		return nil, e.Fail(err)
	}
	admin := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Admin.NameRef, Key: k} }
	httpProbe := func(p k8s.Probe) *k8s.Probe { p.HTTPGet = &k8s.HTTPGet{Path: "/", Port: "api"}; return &p }
	root := uid
	replicas := 1
	if m.Deployment, err = k8s.NewDeployment(scope, id+"-deployment", k8s.DeploymentSpec{
		Meta:     cm.Meta(cfg.Name),
		Replicas: &replicas,
		Selector: cm.Selector(),
		// One ReadWriteOnce claim: the old pod must stop before the new one starts.
		Strategy: "Recreate",
		Wait:     kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     &k8s.PodSecurity{SeccompRuntimeDefault: true},
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "seq",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Env: []k8s.EnvVar{
						{Name: "ACCEPT_EULA", Value: "Y"},
						{Name: "SEQ_FIRSTRUN_ADMINUSERNAME", SecretKey: admin("username")},
						{Name: "SEQ_FIRSTRUN_ADMINPASSWORD", SecretKey: admin("password")},
						{Name: "SEQ_CACHE_SYSTEMRAMTARGET", Value: cfg.SystemRAMTarget},
					},
					Ports: []k8s.Port{
						{Name: "api", ContainerPort: APIPort},
						{Name: "ingestion", ContainerPort: IngestionPort},
					},
					Mounts:    []k8s.Mount{{Volume: "data", Path: dataDir}},
					Resources: cfg.Resources,
					// As the official chart (datalust/helm.datalust.co charts/seq): / on the API
					// port, and up to 5 minutes to start on a large store.
					Startup:   httpProbe(k8s.Probe{PeriodSeconds: 10, FailureThreshold: 30}),
					Readiness: httpProbe(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3}),
					Liveness:  httpProbe(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3}),
					// The image runs Seq as root and binds port 80: keep only the capability
					// that needs, forbid escalation.
					Security: &k8s.ContainerSecurity{
						RunAsUser: &root, AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false),
						DropCapabilities: []string{"ALL"}, AddCapabilities: []string{"NET_BIND_SERVICE"},
						SeccompRuntimeDefault: true,
					},
				}},
				Volumes: []k8s.Volume{{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: m.Claim.NameRef}}},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-service", k8s.ServiceSpec{
		Meta:     cm.Meta(cfg.Name),
		Selector: cm.Selector(),
		Ports: []k8s.ServicePort{
			{Name: "ingestion", Port: IngestionPort, TargetPort: "ingestion"},
			{Name: "api", Port: APIPort, TargetPort: "api"},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	ui := cm.Meta(m.UIServiceName)
	ui.Annotations = cfg.Service.Annotations
	if m.UIService, err = k8s.NewService(scope, id+"-ui", k8s.ServiceSpec{
		Meta: ui, Type: cfg.Service.Type, Selector: cm.Selector(), Wait: kit.Bool(cfg.Wait, true),
		Ports: []k8s.ServicePort{{Name: "ui", Port: cfg.Service.Port, TargetPort: "api", NodePort: cfg.Service.NodePort}},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if days := *cfg.RetentionDays; days > 0 {
		if m.RetentionJob, err = retentionJob(scope, id, &cfg, &cm, m, days); err != nil {
			return nil, e.Fail(err)
		}
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		retention := k8s.PolicyPeer{PodSelector: map[string]string{
			"app.kubernetes.io/name": Kind, "app.kubernetes.io/instance": cfg.Name, "app.kubernetes.io/component": retentionComponent,
		}}
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", []obs.PortPeers{
			{Port: IngestionPort, From: cfg.Ingesters},
			{Port: APIPort, From: append([]k8s.PolicyPeer{retention}, cfg.UIClients...)},
		}); err != nil {
			return nil, e.Fail(err)
		}
	}
	return m, nil
}

// retentionJob creates the CronJob that keeps exactly one "delete every event after N days"
// policy, with an API key of its own (see retentionScript).
func retentionJob(scope constructs.Construct, id string, cfg *Config, cm *obs.Common, m *Module, days int) (*k8s.Object, error) {
	admin := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Admin.NameRef, Key: k} }
	user := cliUID
	labels := cm.ComponentLabels(retentionComponent)
	meta := cm.Meta(cfg.Name + "-retention")
	meta.Labels = labels
	one, retries := 1, 3
	return k8s.NewCronJob(scope, id+"-retention", k8s.CronJobSpec{
		Meta:                  meta,
		Schedule:              cfg.RetentionSchedule,
		ConcurrencyPolicy:     "Forbid",
		SuccessfulJobsHistory: &one, FailedJobsHistory: &one, BackoffLimit: &retries,
		// A run that misses its time by 10 minutes (the controller was down) waits for the next.
		StartingDeadlineSeconds: 600,
		ActiveDeadlineSeconds:   600,
		Template: k8s.PodTemplate{
			Labels: labels,
			Spec: k8s.PodSpec{
				RestartPolicy:                "Never",
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(user, user, user),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "retention",
					Image:           obs.ImageRef(cfg.CLIImage, cfg.CLITag),
					ImagePullPolicy: cfg.PullPolicy,
					Command:         []string{"/bin/bash", "-c", k8s.Literal(retentionScript)},
					Env: []k8s.EnvVar{
						// seqcli reads its connection from SEQCLI_CONNECTION_* (seqcli README,
						// "Environment variables"), so the key never appears in the arguments
						// of the list, remove and create commands.
						{Name: "SEQCLI_CONNECTION_SERVERURL", Value: m.URL},
						{Name: "SEQCLI_CONNECTION_APIKEY", SecretKey: admin("retention-api-key")},
						{Name: "SEQCLI_STORAGE_PATH", Value: "/tmp"},
						{Name: "HOME", Value: "/tmp"},
						{Name: "SEQ_ADMIN_USER", SecretKey: admin("username")},
						{Name: "SEQ_ADMIN_PASSWORD", SecretKey: admin("password")},
						{Name: "SEQ_KEY_TITLE", Value: cfg.Name + " retention (armonik-cdktf)"},
						{Name: "SEQ_RETENTION", Value: strconv.Itoa(days) + "d"},
						// The policy's RetentionTime as seqcli prints it (a .NET TimeSpan).
						{Name: "SEQ_RETENTION_TIME", Value: strconv.Itoa(days) + ".00:00:00"},
					},
					Mounts: []k8s.Mount{{Volume: "tmp", Path: "/tmp"}},
					Security: &k8s.ContainerSecurity{
						AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
				Volumes: []k8s.Volume{{Name: "tmp", EmptyDir: &k8s.EmptyDirVolume{SizeLimit: "64Mi"}}},
			},
		},
	})
}

// retentionScript runs in the seqcli image (ubuntu 24.04, seqcli at /bin/seqcli/seqcli):
//
//  1. The job's API key. Its token was generated by Terraform (Secret <name>-admin); if the
//     server does not know it yet, the job creates it once, signed in as the administrator
//     (password on stdin), with only the Read and Project permissions (retention policies).
//  2. The policy. If a policy deleting every event after exactly SEQ_RETENTION exists, nothing
//     is done; otherwise the "delete every event" policies with another duration (the
//     module's, from an earlier setting) are removed and one is created. Policies that delete
//     only matching events (a signal) are the user's and are left alone.
const retentionScript = `set -u
seqcli=/bin/seqcli/seqcli
policies=/tmp/policies.json
if ! $seqcli retention list --json --no-color >"$policies" 2>/dev/null; then
  echo "retention: creating the API key \"$SEQ_KEY_TITLE\""
  printf '%s\n' "$SEQ_ADMIN_PASSWORD" | $seqcli apikey create --title "$SEQ_KEY_TITLE" \
    --token "$SEQCLI_CONNECTION_APIKEY" --permissions Read,Project \
    --connect-username "$SEQ_ADMIN_USER" --connect-password-stdin --json --no-color >/dev/null || exit 1
  $seqcli retention list --json --no-color >"$policies" || exit 1
fi
if grep '"RemovedSignalExpression": *null' "$policies" | grep -q "\"RetentionTime\": *\"$SEQ_RETENTION_TIME\""; then
  echo "retention: events are deleted after $SEQ_RETENTION"
  exit 0
fi
grep '"RemovedSignalExpression": *null' "$policies" | grep -o 'retentionpolicy-[0-9A-Za-z]*' >"$policies.ids"
while read -r id; do
  echo "retention: removing $id"
  $seqcli retention remove -i "$id" || exit 1
done <"$policies.ids"
$seqcli retention create --after "$SEQ_RETENTION" --delete-all-events --json --no-color >/dev/null || exit 1
echo "retention: events are now deleted after $SEQ_RETENTION"
`

func ptr[T any](v T) *T { return &v }
