package mongodb

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb/internal/scripts"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "mongodb"

// Values ArmoniK Core reads (armonik-reference §5.5, Infra storage/onpremise/mongodb).
const (
	// TableStorage is Components__TableStorage.
	TableStorage = "ArmoniK.Adapters.MongoDB.TableStorage"
	// Port is the MongoDB port of the server and of its Service.
	Port = 27017
	// AuthSource is MongoDB__AuthSource: the users live in the admin database.
	AuthSource = "admin"
	// RootUser is the MongoDB root user (MONGO_INITDB_ROOT_USERNAME), used only by the server
	// pods; ArmoniK connects as Config.User.
	RootUser = "root"
)

// Defaults.
const (
	DefaultImage        = "mongo"
	DefaultTag          = "8.2.5"
	DefaultPullPolicy   = "IfNotPresent"
	DefaultReplicas     = 1
	DefaultReplicaSet   = "rs0"
	DefaultDatabaseName = "database"
	DefaultUser         = "armonik"
	DefaultSize         = "8Gi"
	// DefaultDataRetention is MongoDB__DataRetention: how long finished sessions, tasks and
	// results are kept (upstream's quick-deploy value; Core's own default keeps them forever).
	DefaultDataRetention = "1.00:00:00"
	// DefaultCAPath is MongoDB__CAFile with TLS on (Infra
	// storage/onpremise/mongodb-percona/outputs.tf).
	DefaultCAPath = "/mongodb/certs/ca.crt"
	// DefaultAntiAffinity spreads the members over the nodes when the scheduler can.
	DefaultAntiAffinity = AntiAffinityPreferred
	// MaxReplicas is the largest replica set: MongoDB counts at most 7 voting members.
	MaxReplicas = 7
)

// The values of Config.AntiAffinity.
const (
	// AntiAffinityPreferred asks the scheduler to put the members on different nodes.
	AntiAffinityPreferred = "preferred"
	// AntiAffinityRequired forbids two members on one node: a member stays Pending when every
	// node already runs one.
	AntiAffinityRequired = "required"
	// AntiAffinityNone sets no rule.
	AntiAffinityNone = "none"
)

// The mongodb user of the official image is 999:999 (its entrypoint drops to it when started as
// root; started as that user, it just runs).
const uid, gid = 999, 999

const (
	dataDir       = "/data/db"
	keyFileDir    = "/keyfile"
	keyFileSecret = "/keyfile-secret"
	scriptsDir    = "/scripts"
	membersDir    = "/rs-config"
	initdbDir     = "/docker-entrypoint-initdb.d"
	tlsDir        = "/tls"
	// serverPEM is the certificate and key in one file, as --tlsCertificateKeyFile wants them,
	// written by the init container next to the key file.
	serverPEM = keyFileDir + "/server.pem"
	// keyFileLength is the length of the generated replica-set key: letters and digits are
	// base64 characters, and MongoDB accepts 6 to 1024 of them.
	keyFileLength = 756
	// stopGraceSeconds bounds a member's preStop hook, which may wait, when a scale-down would
	// otherwise take the majority away, until the primary has removed the member from the
	// replica set (the kubelet refreshes the members file within about a minute).
	stopGraceSeconds = 300
)

// Config configures the MongoDB module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "mongodb"): the StatefulSet is <name> (its pods <name>-0,
	// <name>-1...), the headless Service <name>-headless, the Secrets <name>-server (what the
	// servers read), <name>-credentials (ArmoniK's user) and <name>-connection (the connection
	// string), the ConfigMaps <name>-scripts and <name>-members, the claims data-<name>-<i>,
	// the PodDisruptionBudget <name>.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in the members' addresses (default
	// "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "mongo", the official image).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "8.2.5", ArmoniK's pin); ignored when Image is pinned by
	// digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Replicas is the number of members of the replica set: 1 (default), 3, 5 or 7. One member
	// survives no failure; three survive one; five, two. Change it on a running stack to scale:
	// the members are added or removed one at a time, the data claims are kept (docs/operations.md).
	Replicas int `json:"replicas,omitempty" yaml:"replicas,omitempty"`
	// ReplicaSet is the replica set name, replicaSet= in the connection string (default "rs0").
	ReplicaSet string `json:"replica_set,omitempty" yaml:"replica_set,omitempty"`
	// DatabaseName is the database ArmoniK uses, the connection string's path (default
	// "database", ArmoniK's deployments' value).
	DatabaseName string `json:"database_name,omitempty" yaml:"database_name,omitempty"`
	// User is the user ArmoniK connects as (default "armonik"); its password is generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// DataRetention is MongoDB__DataRetention, a .NET TimeSpan: how long finished sessions,
	// tasks and results stay in the database, through TTL indexes (default "1.00:00:00", one
	// day, as upstream's quick-deploy; Core's own default keeps them forever and the volume
	// fills up).
	DataRetention string `json:"data_retention,omitempty" yaml:"data_retention,omitempty"`
	// Resources are each server container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim template of each member's data directory (default size "8Gi", the
	// cluster's default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// RetainClaims keeps the data claims when the StatefulSet is deleted or scaled down
	// (default false: a member's claim is deleted with it, so destroy leaves nothing).
	RetainClaims bool `json:"retain_claims,omitempty" yaml:"retain_claims,omitempty"`
	// Wait makes apply wait until every member is the primary or a secondary of the replica set
	// (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the servers run on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the servers run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// AntiAffinity keeps the members on different nodes: "preferred" (default: when the
	// scheduler can), "required" (a member with no free node stays Pending) or "none".
	AntiAffinity string `json:"anti_affinity,omitempty" yaml:"anti_affinity,omitempty"`
	// TLS makes the servers accept TLS connections only (--tlsMode requireTLS) with the user's
	// certificate (default off; ArmoniK reads the CA at /mongodb/certs/ca.crt). See
	// modules.TLS and the package doc for the names the certificate must hold.
	TLS modules.TLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods, the members and the
	// backup jobs may connect, on 27017 (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
	// Backup schedules dumps of the database to an S3-compatible bucket, with a retention
	// (default off); go run . restore (make restore) restores one (docs/operations.md).
	Backup Backup `json:"backup,omitempty" yaml:"backup,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	if c.Replicas == 0 {
		c.Replicas = DefaultReplicas
	}
	c.ReplicaSet = kit.Or(c.ReplicaSet, DefaultReplicaSet)
	c.DatabaseName = kit.Or(c.DatabaseName, DefaultDatabaseName)
	c.User = kit.Or(c.User, DefaultUser)
	c.DataRetention = kit.Or(c.DataRetention, DefaultDataRetention)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.AntiAffinity = kit.Or(c.AntiAffinity, DefaultAntiAffinity)
	c.TLS = c.TLS.WithDefaults(DefaultCAPath)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	c.Backup = c.Backup.WithDefaults(c.source(""), true)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: "table-storage", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		Availability: c.Availability, Replicas: c.Replicas,
	}
}

// identRE is what the replica set and database names may hold: they go into a URL, scripts
// and probe commands unquoted.
var identRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if c.Replicas < 1 || c.Replicas > MaxReplicas || c.Replicas%2 == 0 {
		e.Add("replicas", "%d must be 1, 3, 5 or 7: an odd number of members, so that a majority survives a failure "+
			"(an even count survives no more failures than the odd count below it, and MongoDB counts at most %d votes)", c.Replicas, MaxReplicas)
	}
	if !identRE.MatchString(c.ReplicaSet) {
		e.Add("replica_set", "%q must be 1 to 63 letters, digits, '_' or '-'", c.ReplicaSet)
	}
	if !identRE.MatchString(c.DatabaseName) {
		e.Add("database_name", "%q must be 1 to 63 letters, digits, '_' or '-'", c.DatabaseName)
	} else if c.DatabaseName == "admin" || c.DatabaseName == "local" || c.DatabaseName == "config" {
		e.Add("database_name", "%q is a MongoDB system database", c.DatabaseName)
	}
	kit.ValidateUserName(e, "user", c.User)
	if c.User == RootUser {
		e.Add("user", "%q is the root user of the server; ArmoniK's user needs another name", c.User)
	}
	kit.ValidateTimeSpan(e, "data_retention", c.DataRetention)
	switch c.AntiAffinity {
	case AntiAffinityPreferred, AntiAffinityRequired, AntiAffinityNone:
	default:
		e.Add("anti_affinity", "%q must be %s, %s or %s", c.AntiAffinity, AntiAffinityPreferred, AntiAffinityRequired, AntiAffinityNone)
	}
	kit.ValidateTLS(e, c.TLS)
	c.Backup.Validate(e, c.source(""), true)
	return e.Err()
}

// Module is a deployed MongoDB replica set; it implements outputs.ModuleOutputs.
type Module struct {
	// StatefulSet runs the members; Service is the headless Service <name>-headless that gives
	// each a stable DNS name.
	StatefulSet, Service *k8s.Object
	// Server is the Secret <name>-server the server pods read: root-username, root-password,
	// keyfile (the replica-set key), and username and password of ArmoniK's user (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials: username and password of ArmoniK's user;
	// Connection is the Secret <name>-connection: uri, the connection string. ArmoniK reads
	// the connection string; both are created once the replica set is ready (with Wait), so
	// that ArmoniK's pods start after it.
	Credentials, Connection *k8s.Object
	// Scripts is the ConfigMap <name>-scripts: the user creation and replica-set scripts (no
	// credential: they read them from the environment).
	Scripts *k8s.Object
	// MembersList is the ConfigMap <name>-members: the desired members, which the replica-set
	// controller of the pods reconciles to.
	MembersList *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods, the members and the backup jobs (nil when
	// Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// Backup is the backup schedule and its store (nil when Config.Backup is off).
	Backup *Backups
	// Host is the headless Service's DNS name; Port the MongoDB port; Members the members'
	// addresses, <name>-<i>.<name>-headless.<namespace>.svc.<domain>:27017, in order.
	Host    string
	Port    int
	Members []string
	// ReplicaSet and DatabaseName are the configured names.
	ReplicaSet, DatabaseName string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// Backups are the objects of the scheduled backups.
type Backups struct {
	// CronJob <name>-backup dumps the database and uploads the dump; Scripts is the ConfigMap
	// <name>-backup-scripts its containers (and a restore Job's) run.
	CronJob, Scripts *k8s.Object
	// Store is the MinIO instance <name>-backups holding the dumps (nil with an S3 bucket).
	Store *minio.Module
	// Bucket and Prefix locate the dumps: s3://<Bucket>/<Prefix><UTC timestamp>.archive.gz.
	Bucket, Prefix string
}

// New deploys a MongoDB replica set on scope (a stack) with the configuration cfg, defaults
// applied. It returns every configuration problem at once and never panics. The steps: the
// Secret and scripts the servers read, the list of members, the headless Service, the
// StatefulSet, its disruption budget, the Secrets ArmoniK reads, the backups, the
// NetworkPolicy, and the outputs.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := newBuild(scope, id, cfg)
	for _, step := range []func() error{
		b.serverSecret, b.scripts, b.membersList, b.service, b.statefulSet, b.disruptionBudget,
		b.credentials, b.connection, b.backups, b.networkPolicy,
	} {
		if err := step(); err != nil {
			return nil, b.e.Fail(err)
		}
	}
	b.outputs()
	return b.m, nil
}

// build holds what the steps of New share.
type build struct {
	scope    constructs.Construct
	id       string
	cfg      Config
	cm       kit.Common
	e        *kit.Errors
	m        *Module
	tls      bool
	headless string
	port     string
	// shellTLS holds mongosh's TLS options for the probe and the scripts, "" without TLS.
	shellTLS string
}

func newBuild(scope constructs.Construct, id string, cfg Config) *build {
	b := &build{scope: scope, id: id, cfg: cfg, cm: cfg.common(), e: kit.NewErrors(Kind, cfg.Name), tls: cfg.TLS.Enabled,
		headless: cfg.Name + "-headless", port: strconv.Itoa(Port)}
	b.m = &Module{
		Host: b.cm.Host(b.headless), Port: Port, Members: memberHosts(cfg),
		ReplicaSet: cfg.ReplicaSet, DatabaseName: cfg.DatabaseName,
	}
	if b.tls {
		// mongosh connects to 127.0.0.1 and to the members: it checks the chain against the CA,
		// not the host name (the certificate names the members, not localhost).
		b.shellTLS = "--tls --tlsCAFile " + tlsDir + "/" + modules.DefaultTLSCAKey + " --tlsAllowInvalidHostnames"
	}
	return b
}

// memberHosts are the members' addresses: the StatefulSet's pods through the headless Service.
func memberHosts(cfg Config) []string {
	cm := cfg.common()
	suffix := "." + cm.Host(cfg.Name+"-headless") + ":" + strconv.Itoa(Port)
	hosts := make([]string, cfg.Replicas)
	for i := range hosts {
		hosts[i] = cfg.Name + "-" + strconv.Itoa(i) + suffix
	}
	return hosts
}

// serverSecret creates <name>-server: the root user, the replica-set key and ArmoniK's user.
func (b *build) serverSecret() error {
	var err error
	b.m.Server, err = k8s.NewGeneratedSecret(b.scope, b.id+"-server", k8s.GeneratedSecretSpec{
		Meta:      b.cm.Meta(b.cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"root-password": {}, "keyfile": {Length: keyFileLength}, "password": {}},
		Data:      map[string]string{"root-username": RootUser, "username": b.cfg.User},
	})
	return err
}

// scripts creates <name>-scripts: create-user.js (initdb), replicaset.js and replicaset.sh.
func (b *build) scripts() error {
	var err error
	b.m.Scripts, err = k8s.NewConfigMap(b.scope, b.id+"-scripts", k8s.ConfigMapSpec{
		Meta: b.cm.Meta(b.cfg.Name + "-scripts"),
		Data: map[string]string{
			"create-user.js": k8s.Literal(scripts.CreateUserJS),
			"replicaset.js":  k8s.Literal(scripts.ReplicaSetJS),
			"replicaset.sh":  k8s.Literal(scripts.ReplicaSetSh),
		},
	})
	return err
}

// membersList creates <name>-members: the desired members, one per line. The pods mount it as a
// directory (not a subPath), so the kubelet updates the file in place when Replicas changes:
// scaling changes this ConfigMap and the StatefulSet's replicas, never the pod template, so no
// member restarts. It stays out of the config hash for the same reason.
func (b *build) membersList() error {
	var err error
	b.m.MembersList, err = k8s.NewConfigMap(b.scope, b.id+"-members", k8s.ConfigMapSpec{
		Meta: b.cm.Meta(b.cfg.Name + "-members"),
		Data: map[string]string{"members": strings.Join(b.m.Members, "\n") + "\n"},
	})
	return err
}

// service creates the headless Service <name>-headless that names each member.
func (b *build) service() error {
	var err error
	b.m.Service, err = k8s.NewService(b.scope, b.id+"-headless", k8s.ServiceSpec{
		Meta:     b.cm.Meta(b.headless),
		Type:     k8s.Headless,
		Selector: b.cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: "mongodb", Port: Port, TargetPort: "mongodb"}},
		// A member must resolve its own name and its peers' before they are ready: to initiate
		// the replica set, and to be added to it (a member is ready once it is a secondary).
		PublishNotReadyAddresses: true,
	})
	return err
}

func (b *build) secretKey(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: b.m.Server.NameRef, Key: k} }

// rsEnv is the environment of replicaset.sh, in the rs-init container and the preStop hook.
func (b *build) rsEnv() []k8s.EnvVar {
	suffix := "." + b.m.Host + ":" + b.port
	return []k8s.EnvVar{
		{Name: "MONGO_ROOT_USER", SecretKey: b.secretKey("root-username")},
		{Name: "MONGO_ROOT_PASSWORD", SecretKey: b.secretKey("root-password")},
		{Name: "RS_NAME", Value: b.cfg.ReplicaSet},
		{Name: "POD_NAME", FieldPath: "metadata.name"},
		// Kubernetes expands $(POD_NAME), defined just above.
		{Name: "RS_SELF", Value: "$(POD_NAME)" + suffix},
		{Name: "RS_MEMBERS_FILE", Value: membersDir + "/members"},
		{Name: "RS_JS", Value: scriptsDir + "/replicaset.js"},
		{Name: "MONGO_PORT", Value: b.port},
		{Name: "MONGOSH_TLS_ARGS", Value: b.shellTLS},
	}
}

// statefulSet creates the members: an init container copying the key file, mongod, and the
// rs-init container running the replica-set controller. Nothing in the pod template depends on
// Replicas: scaling changes spec.replicas only.
func (b *build) statefulSet() error {
	cfg := b.cfg
	hash, err := b.cm.ConfigHashWith(kit.TLSHashInputs(cfg.TLS), b.m.Server.Object, b.m.Scripts)
	if err != nil {
		return err
	}
	// mongod: the replica set, every interface, the key file; with TLS, TLS only, the user's
	// certificate and CA, clients without certificates (ArmoniK authenticates with a password).
	args := []string{"--replSet", cfg.ReplicaSet, "--bind_ip_all", "--port", b.port, "--keyFile", keyFileDir + "/keyfile"}
	// The init container copies the key file (and, with TLS, joins the certificate and its key
	// into the single PEM file mongod reads) into a memory volume owned by the mongodb user.
	initCmd := "rm -f " + keyFileDir + "/keyfile && cp " + keyFileSecret + "/keyfile " + keyFileDir + "/keyfile && chmod 0400 " + keyFileDir + "/keyfile"
	initMounts := []k8s.Mount{
		{Volume: "keyfile-secret", Path: keyFileSecret, ReadOnly: true},
		{Volume: "keyfile", Path: keyFileDir},
	}
	var tlsMounts []k8s.Mount
	var tlsVolumes []k8s.Volume
	if b.tls {
		args = append(args, "--tlsMode", "requireTLS", "--tlsCertificateKeyFile", serverPEM,
			"--tlsCAFile", tlsDir+"/"+modules.DefaultTLSCAKey, "--tlsAllowConnectionsWithoutCertificates")
		initCmd += " && rm -f " + serverPEM + " && cat " + tlsDir + "/" + modules.DefaultTLSCertKey + " " + tlsDir + "/" +
			modules.DefaultTLSKeyKey + " > " + serverPEM + " && chmod 0400 " + serverPEM
		tlsMounts = []k8s.Mount{{Volume: "tls", Path: tlsDir, ReadOnly: true}}
		initMounts = append(initMounts, tlsMounts...)
		tlsVolumes = []k8s.Volume{kit.TLSVolume("tls", cfg.TLS)}
	}
	// Ready means a healthy member: the primary or a secondary of the configured replica set
	// ("hello" needs no authentication). A member still syncing is not ready, so the
	// StatefulSet adds the next one only after it, and Wait means "every member is up".
	readiness := []string{"mongosh", "--quiet", "--norc", "--port", b.port}
	if b.tls {
		readiness = append(readiness, strings.Fields(b.shellTLS)...)
	}
	readiness = append(readiness, "--eval", k8s.Literal(
		"const h = db.hello(); if (!(h.setName === '"+cfg.ReplicaSet+"' && (h.isWritablePrimary || h.secondary))) { quit(1) }"))

	tcp := func(p k8s.Probe) *k8s.Probe { p.TCPPort = "mongodb"; return &p }
	sec := kit.ContainerSecurity
	image := b.cm.ImageRef()
	replicas := cfg.Replicas
	grace := int64(stopGraceSeconds)
	var anti *k8s.AntiAffinity
	if cfg.AntiAffinity != AntiAffinityNone {
		anti = &k8s.AntiAffinity{Selector: b.cm.Selector(), Required: cfg.AntiAffinity == AntiAffinityRequired}
	}
	mongodEnv := append([]k8s.EnvVar{
		{Name: "MONGO_INITDB_ROOT_USERNAME", SecretKey: b.secretKey("root-username")},
		{Name: "MONGO_INITDB_ROOT_PASSWORD", SecretKey: b.secretKey("root-password")},
		{Name: "ARMONIK_MONGODB_DATABASE", Value: cfg.DatabaseName},
		{Name: "ARMONIK_MONGODB_USER", SecretKey: b.secretKey("username")},
		{Name: "ARMONIK_MONGODB_PASSWORD", SecretKey: b.secretKey("password")},
	}, b.rsEnv()...)
	b.m.StatefulSet, err = k8s.NewStatefulSet(b.scope, b.id+"-statefulset", k8s.StatefulSetSpec{
		Meta:         b.cm.Meta(cfg.Name),
		Replicas:     &replicas,
		ServiceName:  b.m.Service.NameRef,
		Selector:     b.cm.Selector(),
		Claims:       []k8s.ClaimTemplate{{Name: "data", Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass}},
		RetainClaims: cfg.RetainClaims,
		Wait:         kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      b.cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken:  new(bool),
				Security:                      kit.PodSecurity(uid, gid, gid),
				NodeSelector:                  cfg.NodeSelector,
				Tolerations:                   cfg.Tolerations,
				PriorityClassName:             cfg.PriorityClassName,
				AntiAffinity:                  anti,
				TerminationGracePeriodSeconds: &grace,
				// mongod refuses a key file that its group may read, and Secret files belong to
				// root: copy the key into a scratch volume, owned by the mongodb user, mode 0400.
				InitContainers: []k8s.Container{{
					Name:            "keyfile",
					Image:           image,
					ImagePullPolicy: cfg.PullPolicy,
					Command:         []string{"sh", "-c", initCmd},
					Mounts:          initMounts,
					Security:        sec(),
				}},
				Containers: []k8s.Container{
					{
						Name:            "mongod",
						Image:           image,
						ImagePullPolicy: cfg.PullPolicy,
						// The image's entrypoint prepends mongod, creates the root user and runs
						// the initdb scripts on an empty data directory (on a temporary server
						// without --replSet and --keyFile), then starts this.
						Args:  args,
						Env:   mongodEnv,
						Ports: []k8s.Port{{Name: "mongodb", ContainerPort: Port}},
						Mounts: append([]k8s.Mount{
							{Volume: "data", Path: dataDir},
							{Volume: "keyfile", Path: keyFileDir, ReadOnly: true},
							{Volume: "initdb", Path: initdbDir, ReadOnly: true},
							{Volume: "scripts", Path: scriptsDir, ReadOnly: true},
						}, tlsMounts...),
						Resources: cfg.Resources,
						// The first start runs the initdb scripts on a server bound to localhost:
						// the startup probe allows 5 minutes.
						Startup: tcp(k8s.Probe{PeriodSeconds: 10, FailureThreshold: 30}),
						Readiness: &k8s.Probe{
							Exec:          readiness,
							PeriodSeconds: 10, TimeoutSeconds: 10, FailureThreshold: 3,
						},
						Liveness: tcp(k8s.Probe{PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3}),
						// A member whose stop would leave no majority waits until the primary
						// has removed it (scale-down); see replicaset.sh prestop.
						PreStop:  []string{"bash", scriptsDir + "/replicaset.sh", "prestop"},
						Security: sec(),
					},
					{
						// The replica-set controller: initiates, adds and removes members; see
						// replicaset.sh.
						Name:            "rs-init",
						Image:           image,
						ImagePullPolicy: cfg.PullPolicy,
						Command:         []string{"bash", scriptsDir + "/replicaset.sh", "run"},
						Env:             b.rsEnv(),
						Mounts: append([]k8s.Mount{
							{Volume: "scripts", Path: scriptsDir, ReadOnly: true},
							{Volume: "members", Path: membersDir, ReadOnly: true},
						}, tlsMounts...),
						Security: sec(),
					},
				},
				Volumes: append([]k8s.Volume{
					{Name: "keyfile-secret", Secret: &k8s.SecretVolume{Name: b.m.Server.NameRef, Items: []k8s.KeyToPath{{Key: "keyfile", Path: "keyfile", Mode: "0440"}}}},
					{Name: "keyfile", EmptyDir: &k8s.EmptyDirVolume{Medium: "Memory", SizeLimit: "1Mi"}},
					{Name: "initdb", ConfigMap: &k8s.ConfigMapVolume{Name: b.m.Scripts.NameRef, Items: []k8s.KeyToPath{{Key: "create-user.js", Path: "create-user.js"}}}},
					{Name: "scripts", ConfigMap: &k8s.ConfigMapVolume{Name: b.m.Scripts.NameRef, Items: []k8s.KeyToPath{
						{Key: "replicaset.js", Path: "replicaset.js"}, {Key: "replicaset.sh", Path: "replicaset.sh"},
					}}},
					{Name: "members", ConfigMap: &k8s.ConfigMapVolume{Name: b.m.MembersList.NameRef}},
				}, tlsVolumes...),
			},
		},
	})
	return err
}

// disruptionBudget creates the PodDisruptionBudget <name> (Config.Availability; default
// maxUnavailable 1, see modules.Availability): with more than one member a drain takes down one
// at a time and the others keep a majority (3 members: 2; 5: 4), and a member that is already
// down (or still syncing, hence not ready) blocks further evictions; a single member may still
// be evicted, so drains finish.
func (b *build) disruptionBudget() error {
	var err error
	b.m.DisruptionBudget, err = b.cm.DisruptionBudget(b.scope, b.id+"-disruption-budget")
	return err
}

// credentials creates <name>-credentials, ArmoniK's user, once the replica set is ready.
func (b *build) credentials() error {
	var err error
	b.m.Credentials, err = k8s.NewSecret(b.scope, b.id+"-credentials", k8s.SecretSpec{
		Meta:      b.cm.Meta(b.cfg.Name + "-credentials"),
		Data:      map[string]string{"username": b.cfg.User, "password": b.m.Server.Values["password"]},
		DependsOn: []*k8s.Object{b.m.StatefulSet},
	})
	return err
}

// ConnectionString is the connection string of the members of cfg (defaults applied), with
// password standing for the password (a Terraform reference in the stack); literal parts are
// escaped for Terraform with k8s.Literal.
func ConnectionString(cfg Config, password string) string {
	query := "?replicaSet=" + cfg.ReplicaSet + "&authSource=" + AuthSource
	if cfg.TLS.Enabled {
		// A connection string overrides MongoDB__Tls in Core: it must ask for TLS itself.
		query += "&tls=true"
	}
	return k8s.Literal("mongodb://"+cfg.User+":") + password +
		k8s.Literal("@"+strings.Join(memberHosts(cfg), ",")+"/"+cfg.DatabaseName+query)
}

// connection creates <name>-connection, the connection string ArmoniK reads, once the replica
// set is ready: every member (the driver discovers the others from any of them), the replica
// set, the users' database.
func (b *build) connection() error {
	var err error
	b.m.Connection, err = k8s.NewSecret(b.scope, b.id+"-connection", k8s.SecretSpec{
		Meta:      b.cm.Meta(b.cfg.Name + "-connection"),
		Data:      map[string]string{"uri": ConnectionString(b.cfg, b.m.Server.Values["password"])},
		DependsOn: []*k8s.Object{b.m.StatefulSet},
	})
	return err
}

// networkPolicy admits ArmoniK's pods, the members (replica-set traffic, and each member
// reaches itself through its DNS name) and, with backups, the backup and restore jobs.
func (b *build) networkPolicy() error {
	if !kit.Bool(b.cfg.NetworkPolicy, true) {
		return nil
	}
	from := []k8s.PolicyPeer{{PodSelector: kit.ConsumerSelector()}, {PodSelector: b.cm.Selector()}}
	if b.cfg.Backup.Enabled {
		from = append(from, k8s.PolicyPeer{PodSelector: BackupSelector(b.cfg.Name)})
	}
	var err error
	b.m.NetworkPolicy, err = k8s.NewNetworkPolicy(b.scope, b.id+"-network-policy", k8s.NetworkPolicySpec{
		Meta:        b.cm.Meta(b.cfg.Name),
		PodSelector: b.cm.Selector(),
		Ingress:     []k8s.IngressRule{{From: from, Ports: []k8s.PolicyPort{{Port: b.port}}}},
	})
	return err
}

// outputs are the keys Core reads. The connection string carries everything else: Core ignores
// Host, Port, User, Password, Tls, ReplicaSet, DirectConnection, AuthSource and DatabaseName
// when it is set, so they are not emitted.
func (b *build) outputs() {
	out := outputs.NewModule(b.cfg.Name).
		Env("Components__TableStorage", TableStorage).
		Env("MongoDB__DataRetention", b.cfg.DataRetention).
		EnvFromSecret("MongoDB__ConnectionString", kit.Ref(b.m.Connection), "uri")
	if b.tls {
		kit.CAMount(out, "MongoDB__CAFile", b.cfg.Name+"-ca", b.cfg.TLS)
	}
	b.m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyTable, out)
}
