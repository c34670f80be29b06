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
	// pod; ArmoniK connects as Config.User.
	RootUser = "root"
)

// Defaults.
const (
	DefaultImage        = "mongo"
	DefaultTag          = "8.2.5"
	DefaultPullPolicy   = "IfNotPresent"
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
)

// The mongodb user of the official image is 999:999 (its entrypoint drops to it when started as
// root; started as that user, it just runs).
const uid, gid = 999, 999

const (
	dataDir       = "/data/db"
	keyFileDir    = "/keyfile"
	keyFileSecret = "/keyfile-secret"
	scriptsDir    = "/scripts"
	initdbDir     = "/docker-entrypoint-initdb.d"
	tlsDir        = "/tls"
	// serverPEM is the certificate and key in one file, as --tlsCertificateKeyFile wants them,
	// written by the init container next to the key file.
	serverPEM = keyFileDir + "/server.pem"
	// keyFileLength is the length of the generated replica-set key: letters and digits are
	// base64 characters, and MongoDB accepts 6 to 1024 of them.
	keyFileLength = 756
)

// Config configures the MongoDB module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "mongodb"): the StatefulSet is <name> (its pod <name>-0),
	// the headless Service <name>-headless, the Secrets <name>-server (what the server reads),
	// <name>-credentials (ArmoniK's user) and <name>-connection (the connection string), the
	// ConfigMap <name>-scripts, the claim data-<name>-0.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in MongoDB__Host and in the replica-set member's
	// address (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the server image (default "mongo", the official image).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "8.2.5", ArmoniK's pin); ignored when Image is pinned by
	// digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Replicas is the number of members (default 1, the only value supported: a single-member
	// replica set).
	Replicas int `json:"replicas,omitempty" yaml:"replicas,omitempty"`
	// ReplicaSet is the replica set name, MongoDB__ReplicaSet (default "rs0").
	ReplicaSet string `json:"replica_set,omitempty" yaml:"replica_set,omitempty"`
	// DatabaseName is the database ArmoniK uses, MongoDB__DatabaseName (default "database",
	// ArmoniK's deployments' value).
	DatabaseName string `json:"database_name,omitempty" yaml:"database_name,omitempty"`
	// User is the user ArmoniK connects as (default "armonik"); its password is generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// DataRetention is MongoDB__DataRetention, a .NET TimeSpan: how long finished sessions,
	// tasks and results stay in the database, through TTL indexes (default "1.00:00:00", one
	// day, as upstream's quick-deploy; Core's own default keeps them forever and the volume
	// fills up).
	DataRetention string `json:"data_retention,omitempty" yaml:"data_retention,omitempty"`
	// Resources are the server container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim template of the data directory (default size "8Gi", the cluster's
	// default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// RetainClaims keeps the data claim when the StatefulSet is deleted (default false: the
	// claim is deleted with it, so destroy leaves nothing).
	RetainClaims bool `json:"retain_claims,omitempty" yaml:"retain_claims,omitempty"`
	// Wait makes apply wait until the member is the writable primary of the replica set
	// (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the server runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the server run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// TLS makes the server accept TLS connections only (--tlsMode requireTLS) with the user's
	// certificate (default off; ArmoniK reads the CA at /mongodb/certs/ca.crt). See
	// modules.TLS and the package doc for the names the certificate must hold.
	TLS modules.TLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods and the replica set's
	// own pods may connect, on 27017 (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	c.ReplicaSet = kit.Or(c.ReplicaSet, DefaultReplicaSet)
	c.DatabaseName = kit.Or(c.DatabaseName, DefaultDatabaseName)
	c.User = kit.Or(c.User, DefaultUser)
	c.DataRetention = kit.Or(c.DataRetention, DefaultDataRetention)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.TLS = c.TLS.WithDefaults(DefaultCAPath)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
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
	if c.Replicas != 1 {
		e.Add("replicas", "must be 1 (a single-member replica set), not %d", c.Replicas)
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
	kit.ValidateTLS(e, c.TLS)
	return e.Err()
}

// Module is a deployed MongoDB replica set; it implements outputs.ModuleOutputs.
type Module struct {
	// StatefulSet runs the member; Service is the headless Service <name>-headless that gives
	// it a stable DNS name.
	StatefulSet, Service *k8s.Object
	// Server is the Secret <name>-server the server pod reads: root-username, root-password,
	// keyfile (the replica-set key), and username and password of ArmoniK's user (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials: username and password of ArmoniK's user;
	// Connection is the Secret <name>-connection: uri, the connection string. ArmoniK reads
	// both; they are created once the replica set is ready (with Wait), so that ArmoniK's pods
	// start after it.
	Credentials, Connection *k8s.Object
	// Scripts is the ConfigMap <name>-scripts: the user creation and replica-set initiation
	// scripts (no credential: they read them from the environment).
	Scripts *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods and the member itself (nil when
	// Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Host is the headless Service's DNS name, MongoDB__Host; Port the MongoDB port; Member the
	// replica-set member's address, <name>-0.<name>-headless.<namespace>.svc.<domain>:27017.
	Host   string
	Port   int
	Member string
	// ReplicaSet and DatabaseName are the configured names.
	ReplicaSet, DatabaseName string

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys a single-member MongoDB replica set on scope (a stack) with the configuration cfg,
// defaults applied. It returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	headless := cfg.Name + "-headless"
	port := strconv.Itoa(Port)
	m := &Module{
		Host: cm.Host(headless), Port: Port,
		Member:     cfg.Name + "-0." + cm.Host(headless) + ":" + port,
		ReplicaSet: cfg.ReplicaSet, DatabaseName: cfg.DatabaseName,
	}

	var err error
	if m.Server, err = k8s.NewGeneratedSecret(scope, id+"-server", k8s.GeneratedSecretSpec{
		Meta:      cm.Meta(cfg.Name + "-server"),
		Passwords: map[string]k8s.Password{"root-password": {}, "keyfile": {Length: keyFileLength}, "password": {}},
		Data:      map[string]string{"root-username": RootUser, "username": cfg.User},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Scripts, err = k8s.NewConfigMap(scope, id+"-scripts", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-scripts"),
		Data: map[string]string{
			"create-user.js": k8s.Literal(createUserJS),
			"rs-init.js":     k8s.Literal(rsInitJS),
			"rs-init.sh":     k8s.Literal(rsInitSh),
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if m.Service, err = k8s.NewService(scope, id+"-headless", k8s.ServiceSpec{
		Meta:     cm.Meta(headless),
		Type:     k8s.Headless,
		Selector: cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: "mongodb", Port: Port, TargetPort: "mongodb"}},
		// The member must resolve its own name to initiate the replica set, before it is ready.
		PublishNotReadyAddresses: true,
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHashWith(kit.TLSHashInputs(cfg.TLS), m.Server.Object, m.Scripts)
	if err != nil {
		return nil, e.Fail(err)
	}
	tls := cfg.TLS.Enabled
	// mongod: the replica set, every interface, the key file; with TLS, TLS only, the user's
	// certificate and CA, clients without certificates (ArmoniK authenticates with a password).
	args := []string{"--replSet", cfg.ReplicaSet, "--bind_ip_all", "--port", port, "--keyFile", keyFileDir + "/keyfile"}
	// mongosh, for the probe and rs-init, connects to 127.0.0.1: with TLS it checks the chain
	// against the CA, but not the host name (the certificate names the Services, not localhost).
	shellTLS := ""
	// The init container copies the key file (and, with TLS, joins the certificate and its key
	// into the single PEM file mongod reads) into a memory volume owned by the mongodb user.
	initCmd := "rm -f " + keyFileDir + "/keyfile && cp " + keyFileSecret + "/keyfile " + keyFileDir + "/keyfile && chmod 0400 " + keyFileDir + "/keyfile"
	initMounts := []k8s.Mount{
		{Volume: "keyfile-secret", Path: keyFileSecret, ReadOnly: true},
		{Volume: "keyfile", Path: keyFileDir},
	}
	var tlsMounts []k8s.Mount
	var tlsVolumes []k8s.Volume
	if tls {
		args = append(args, "--tlsMode", "requireTLS", "--tlsCertificateKeyFile", serverPEM,
			"--tlsCAFile", tlsDir+"/"+modules.DefaultTLSCAKey, "--tlsAllowConnectionsWithoutCertificates")
		shellTLS = "--tls --tlsCAFile " + tlsDir + "/" + modules.DefaultTLSCAKey + " --tlsAllowInvalidHostnames"
		initCmd += " && rm -f " + serverPEM + " && cat " + tlsDir + "/" + modules.DefaultTLSCertKey + " " + tlsDir + "/" +
			modules.DefaultTLSKeyKey + " > " + serverPEM + " && chmod 0400 " + serverPEM
		tlsMounts = []k8s.Mount{{Volume: "tls", Path: tlsDir, ReadOnly: true}}
		initMounts = append(initMounts, tlsMounts...)
		tlsVolumes = []k8s.Volume{kit.TLSVolume("tls", cfg.TLS)}
	}
	readiness := []string{"mongosh", "--quiet", "--norc", "--port", port}
	if tls {
		readiness = append(readiness, strings.Fields(shellTLS)...)
	}
	readiness = append(readiness, "--eval", k8s.Literal(
		"const h = db.hello(); if (!(h.isWritablePrimary && h.setName === '"+cfg.ReplicaSet+"')) { quit(1) }"))

	server := func(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: m.Server.NameRef, Key: k} }
	tcp := func(p k8s.Probe) *k8s.Probe { p.TCPPort = "mongodb"; return &p }
	sec := kit.ContainerSecurity
	image := cm.ImageRef()
	replicas := cfg.Replicas
	if m.StatefulSet, err = k8s.NewStatefulSet(scope, id+"-statefulset", k8s.StatefulSetSpec{
		Meta:         cm.Meta(cfg.Name),
		Replicas:     &replicas,
		ServiceName:  m.Service.NameRef,
		Selector:     cm.Selector(),
		Claims:       []k8s.ClaimTemplate{{Name: "data", Size: cfg.Storage.Size, StorageClass: cfg.Storage.StorageClass}},
		RetainClaims: cfg.RetainClaims,
		Wait:         kit.Bool(cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(uid, gid, gid),
				NodeSelector:                 cfg.NodeSelector,
				Tolerations:                  cfg.Tolerations,
				PriorityClassName:            cfg.PriorityClassName,
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
						Args: args,
						Env: []k8s.EnvVar{
							{Name: "MONGO_INITDB_ROOT_USERNAME", SecretKey: server("root-username")},
							{Name: "MONGO_INITDB_ROOT_PASSWORD", SecretKey: server("root-password")},
							{Name: "ARMONIK_MONGODB_DATABASE", Value: cfg.DatabaseName},
							{Name: "ARMONIK_MONGODB_USER", SecretKey: server("username")},
							{Name: "ARMONIK_MONGODB_PASSWORD", SecretKey: server("password")},
						},
						Ports: []k8s.Port{{Name: "mongodb", ContainerPort: Port}},
						Mounts: append([]k8s.Mount{
							{Volume: "data", Path: dataDir},
							{Volume: "keyfile", Path: keyFileDir, ReadOnly: true},
							{Volume: "initdb", Path: initdbDir, ReadOnly: true},
						}, tlsMounts...),
						Resources: cfg.Resources,
						// The first start runs the initdb scripts on a server bound to localhost:
						// the startup probe allows 5 minutes.
						Startup: tcp(k8s.Probe{PeriodSeconds: 10, FailureThreshold: 30}),
						// Ready means: the writable primary of the configured replica set ("hello"
						// needs no authentication).
						Readiness: &k8s.Probe{
							Exec:          readiness,
							PeriodSeconds: 10, TimeoutSeconds: 10, FailureThreshold: 3,
						},
						Liveness: tcp(k8s.Probe{PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3}),
						Security: sec(),
					},
					{
						// Initiates the replica set when the member has none (a fresh or lost data
						// directory), then idles; see rs-init.sh.
						Name:            "rs-init",
						Image:           image,
						ImagePullPolicy: cfg.PullPolicy,
						Command:         []string{"bash", scriptsDir + "/rs-init.sh"},
						Env: []k8s.EnvVar{
							{Name: "MONGO_ROOT_USER", SecretKey: server("root-username")},
							{Name: "MONGO_ROOT_PASSWORD", SecretKey: server("root-password")},
							{Name: "RS_NAME", Value: cfg.ReplicaSet},
							{Name: "RS_MEMBER", Value: m.Member},
							{Name: "MONGO_PORT", Value: port},
							{Name: "MONGOSH_TLS_ARGS", Value: shellTLS},
						},
						Mounts:   append([]k8s.Mount{{Volume: "scripts", Path: scriptsDir, ReadOnly: true}}, tlsMounts...),
						Security: sec(),
					},
				},
				Volumes: append([]k8s.Volume{
					{Name: "keyfile-secret", Secret: &k8s.SecretVolume{Name: m.Server.NameRef, Items: []k8s.KeyToPath{{Key: "keyfile", Path: "keyfile", Mode: "0440"}}}},
					{Name: "keyfile", EmptyDir: &k8s.EmptyDirVolume{Medium: "Memory", SizeLimit: "1Mi"}},
					{Name: "initdb", ConfigMap: &k8s.ConfigMapVolume{Name: m.Scripts.NameRef, Items: []k8s.KeyToPath{{Key: "create-user.js", Path: "create-user.js"}}}},
					{Name: "scripts", ConfigMap: &k8s.ConfigMapVolume{Name: m.Scripts.NameRef, Items: []k8s.KeyToPath{
						{Key: "rs-init.js", Path: "rs-init.js"}, {Key: "rs-init.sh", Path: "rs-init.sh"},
					}}},
				}, tlsVolumes...),
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	ready := []*k8s.Object{m.StatefulSet}
	if m.Credentials, err = k8s.NewSecret(scope, id+"-credentials", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-credentials"),
		Data:      map[string]string{"username": cfg.User, "password": m.Server.Values["password"]},
		DependsOn: ready,
	}); err != nil {
		return nil, e.Fail(err)
	}
	// The connection string: literal text escaped for Terraform around the password's reference.
	query := "?replicaSet=" + cfg.ReplicaSet + "&authSource=" + AuthSource
	if tls {
		// A connection string overrides MongoDB__Tls in Core: it must ask for TLS itself.
		query += "&tls=true"
	}
	uri := k8s.Literal("mongodb://"+cfg.User+":") + m.Server.Values["password"] +
		k8s.Literal("@"+m.Host+":"+port+"/"+cfg.DatabaseName+query)
	if m.Connection, err = k8s.NewSecret(scope, id+"-connection", k8s.SecretSpec{
		Meta:      cm.Meta(cfg.Name + "-connection"),
		Data:      map[string]string{"uri": uri},
		DependsOn: ready,
	}); err != nil {
		return nil, e.Fail(err)
	}

	if m.DisruptionBudget, err = cm.DisruptionBudget(scope, id+"-disruption-budget"); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		// The member also connects to itself through its Service name (replica-set checks).
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", true, Port); err != nil {
			return nil, e.Fail(err)
		}
	}

	// The connection string carries everything else: Core ignores Host, Port, User, Password,
	// Tls, ReplicaSet, DirectConnection, AuthSource and DatabaseName when it is set, so they are
	// not emitted.
	out := outputs.NewModule(cfg.Name).
		Env("Components__TableStorage", TableStorage).
		Env("MongoDB__DataRetention", cfg.DataRetention).
		EnvFromSecret("MongoDB__ConnectionString", kit.Ref(m.Connection), "uri")
	if tls {
		kit.CAMount(out, "MongoDB__CAFile", cfg.Name+"-ca", cfg.TLS)
	}
	m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyTable, out)
	return m, nil
}
