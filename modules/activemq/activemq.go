package activemq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the default instance name and the app.kubernetes.io/name label.
const Kind = "activemq"

// Values ArmoniK Core reads (armonik-reference §5, Infra storage/onpremise/activemq).
const (
	// QueueAdapterClassName is Components__QueueAdaptorSettings__ClassName.
	QueueAdapterClassName = "ArmoniK.Core.Adapters.Amqp.QueueBuilder"
	// QueueAdapterPath is Components__QueueAdaptorSettings__AdapterAbsolutePath.
	QueueAdapterPath = "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll"
	// Port is the AMQP 1.0 port of the broker and of its Service; TLSPort replaces it with TLS
	// on (AMQPS, its IANA port).
	Port    = 5672
	TLSPort = 5671
	// Scheme is Amqp__Scheme without TLS, TLSScheme with it.
	Scheme    = "AMQP"
	TLSScheme = "AMQPS"
)

// Defaults.
const (
	DefaultImage      = "apache/activemq-classic"
	DefaultTag        = "6.2.1"
	DefaultPullPolicy = "IfNotPresent"
	DefaultUser       = "armonik"
	DefaultJavaMemory = "-Xms1g -Xmx3g"
	DefaultSize       = "8Gi"
	// DefaultCAPath is Amqp__CaPath with TLS on: upstream's /amqp directory and ca.pem file
	// (Infra storage/onpremise/activemq/outputs.tf).
	DefaultCAPath = "/amqp/ca.pem"
)

// uid and gid run the broker: the activemq system user of the 6.2.1+ images (useradd -r on a
// fresh Ubuntu base: 999). The configuration is only read and the data directory is a volume
// owned by the group, so the broker works even if a build picked another UID.
const uid, gid = 999, 999

const (
	home     = "/opt/apache-activemq"
	dataDir  = home + "/data"
	confFile = home + "/conf/activemq.xml"
	// Environment variables of the broker container holding the credentials; the Spring
	// placeholders ${ARMONIK_AMQP_USER} and ${ARMONIK_AMQP_PASSWORD} of activemq.xml read them.
	envUser     = "ARMONIK_AMQP_USER"
	envPassword = "ARMONIK_AMQP_PASSWORD"
	// envKeystorePassword holds the password of the PKCS#12 keystore built from the user's PEM
	// files when TLS is on (a generated value of the server Secret).
	envKeystorePassword = "ARMONIK_KEYSTORE_PASSWORD"
	tlsDir              = "/tls"
	keystoreDir         = home + "/keystore"
	keystoreFile        = keystoreDir + "/keystore.p12"
)

// Config configures the ActiveMQ module. The zero value, with Namespace set, is a working
// configuration: every empty field takes the default its comment states.
type Config struct {
	// Name of the instance (default "activemq"): the Deployment and Service are <name>, the
	// Secrets <name>-server and <name>-credentials, the ConfigMap <name>-config, the claim
	// <name>-data.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace is where the objects are created (required; set by the caller).
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Core is the Core version ArmoniK runs, whose adapters and keys the module's outputs match
	// (default corerules.Pinned, the Core of armonik.version 2.23.0; set by the caller, the
	// stacks from armonik.version; see modules/kit/version.go).
	Core *corerules.Version `json:"-" yaml:"-"`
	// ClusterDomain is the cluster DNS domain in Amqp__Host (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Image is the broker image (default "apache/activemq-classic").
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag is the image tag (default "6.2.1"); ignored when Image is pinned by digest.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy is the image pull policy (default "IfNotPresent").
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// User is the broker user ArmoniK connects as (default "armonik"); its password is
	// generated.
	User string `json:"user,omitempty" yaml:"user,omitempty"`
	// JavaMemory holds the JVM heap options (default "-Xms1g -Xmx3g", ArmoniK's value).
	JavaMemory string `json:"java_memory,omitempty" yaml:"java_memory,omitempty"`
	// Resources are the broker container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Storage is the claim holding the KahaDB message store (default size "8Gi", the cluster's
	// default StorageClass).
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// Wait makes apply wait until the broker is ready (default true).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NodeSelector constrains the nodes the broker runs on (default none).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations let the broker run on tainted nodes (default none).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// TLS serves AMQPS on 5671 with the user's certificate instead of AMQP on 5672 (default
	// off; ArmoniK reads the CA at /amqp/ca.pem). See modules.TLS.
	TLS modules.TLS `json:"tls,omitempty" yaml:"tls,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name>: only ArmoniK's pods may connect to the
	// broker, on its AMQP port (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
	// AMQP holds Amqp__MaxPriority (max_priority, default 10) and Amqp__AllowInsecureTls
	// (allow_insecure_tls, TLS only). See modules.AMQP.
	modules.AMQP `json:",inline" yaml:",inline"`
	// Availability holds disruption_budget (the PodDisruptionBudget <name>, default on with
	// max_unavailable 1) and priority_class_name (default none). See modules.Availability.
	modules.Availability `json:",inline" yaml:",inline"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.AMQP = c.AMQP.WithDefaults()
	c.Name = kit.Or(c.Name, Kind)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.User = kit.Or(c.User, DefaultUser)
	c.JavaMemory = kit.Or(c.JavaMemory, DefaultJavaMemory)
	c.Storage.Size = kit.Or(c.Storage.Size, DefaultSize)
	c.TLS = c.TLS.WithDefaults(DefaultCAPath)
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() kit.Common {
	return kit.Common{
		Kind: Kind, Component: "queue", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources, Storage: c.Storage,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
		Availability: c.Availability, Replicas: 1,
	}
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	kit.ValidateUserName(e, "user", c.User)
	for _, f := range strings.Fields(c.JavaMemory) {
		if !strings.HasPrefix(f, "-X") {
			e.Add("java_memory", "%q is not a JVM memory option such as -Xmx3g", f)
		}
	}
	if strings.TrimSpace(c.JavaMemory) == "" {
		e.Add("java_memory", "required")
	}
	kit.ValidateTLS(e, c.TLS)
	kit.ValidateAMQP(e, c.AMQP, c.TLS.Enabled, c.Core)
	return e.Err()
}

// Module is a deployed ActiveMQ broker; it implements outputs.ModuleOutputs.
type Module struct {
	// Deployment runs the broker; Service exposes AMQP on Port.
	Deployment, Service *k8s.Object
	// Server is the Secret <name>-server the broker reads: username and password (generated).
	Server *k8s.GeneratedSecret
	// Credentials is the Secret <name>-credentials ArmoniK reads whole: Amqp__User and
	// Amqp__Password, the same values, created once the broker is ready (with Wait), so that
	// ArmoniK's pods start after it.
	Credentials *k8s.Object
	// BrokerConfig is the ConfigMap <name>-config holding activemq.xml (no credential).
	BrokerConfig *k8s.Object
	// Claim holds the message store.
	Claim *k8s.Object
	// NetworkPolicy admits only ArmoniK's pods (nil when Config.NetworkPolicy is false).
	NetworkPolicy *k8s.Object
	// DisruptionBudget is the PodDisruptionBudget <name> (nil when disabled).
	DisruptionBudget *k8s.Object
	// Host is the Service's DNS name, <name>.<namespace>.svc.<cluster domain>; Port its port
	// (Port, or TLSPort with TLS on).
	Host string
	Port int

	// ModuleOutputs gives the module ModuleName, Outputs (outputs.ModuleOutputs) and Problems
	// (outputs.Reporter).
	kit.ModuleOutputs
}

// New deploys an ActiveMQ broker on scope (a stack) with the configuration cfg, defaults
// applied. It returns every configuration problem at once and never panics. The steps: the
// Secrets and configuration the broker reads, its claim, the Deployment and Service, the Secret
// ArmoniK reads, the NetworkPolicy, and the outputs.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := newBuild(scope, id, cfg)
	for _, step := range []func() error{b.serverSecret, b.brokerConfig, b.claim, b.deployment, b.service, b.credentials, b.disruptionBudget, b.networkPolicy} {
		if err := step(); err != nil {
			return nil, b.e.Fail(err)
		}
	}
	b.outputs()
	return b.m, nil
}

// build holds what the steps of New share.
type build struct {
	scope          constructs.Construct
	id             string
	cfg            Config
	cm             kit.Common
	e              *kit.Errors
	m              *Module
	tls            bool
	port           int
	portName       string
	scheme         string
	initContainers []k8s.Container
}

func newBuild(scope constructs.Construct, id string, cfg Config) *build {
	b := &build{scope: scope, id: id, cfg: cfg, cm: cfg.common(), e: kit.NewErrors(Kind, cfg.Name), tls: cfg.TLS.Enabled,
		port: Port, portName: "amqp", scheme: Scheme}
	if b.tls {
		b.port, b.portName, b.scheme = TLSPort, "amqps", TLSScheme
	}
	b.m = &Module{Host: b.cm.Host(cfg.Name), Port: b.port}
	return b
}

// serverSecret creates <name>-server: the user name and generated passwords the broker reads.
func (b *build) serverSecret() error {
	passwords := map[string]k8s.Password{"password": {}}
	if b.tls {
		passwords["keystore-password"] = k8s.Password{}
	}
	var err error
	b.m.Server, err = k8s.NewGeneratedSecret(b.scope, b.id+"-server", k8s.GeneratedSecretSpec{
		Meta:      b.cm.Meta(b.cfg.Name + "-server"),
		Passwords: passwords,
		Data:      map[string]string{"username": b.cfg.User},
	})
	return err
}

// brokerConfig creates <name>-config with activemq.xml.
func (b *build) brokerConfig() error {
	var err error
	b.m.BrokerConfig, err = k8s.NewConfigMap(b.scope, b.id+"-config", k8s.ConfigMapSpec{
		Meta: b.cm.Meta(b.cfg.Name + "-config"),
		Data: map[string]string{"activemq.xml": k8s.Literal(brokerXML(b.cfg.Name, b.cfg.Storage.Size, b.tls))},
	})
	return err
}

// claim creates <name>-data, the message store.
func (b *build) claim() error {
	var err error
	b.m.Claim, err = k8s.NewClaim(b.scope, b.id+"-data", k8s.ClaimSpec{
		Meta: b.cm.Meta(b.cfg.Name + "-data"), Size: b.cfg.Storage.Size, StorageClass: b.cfg.Storage.StorageClass,
	})
	return err
}

func (b *build) secretKey(k string) *k8s.KeyRef { return &k8s.KeyRef{Name: b.m.Server.NameRef, Key: k} }

// container is the broker's container and the pod's volumes: heap options, credentials from
// the server Secret, activemq.xml over the image's, the data claim, and with TLS the keystore
// built by an init container.
func (b *build) container() (k8s.Container, []k8s.Volume) {
	env := []k8s.EnvVar{
		// Setting ACTIVEMQ_OPTS keeps the entrypoint from adding -Djetty.host=0.0.0.0
		// and makes the heap options count (6.2.0 ignored ACTIVEMQ_OPTS_MEMORY).
		{Name: "ACTIVEMQ_OPTS", Value: b.cfg.JavaMemory + " -Djava.util.logging.config.file=logging.properties -Djava.security.auth.login.config=" + home + "/conf/login.config"},
		{Name: "ACTIVEMQ_TMP", Value: "/tmp"},
		{Name: envUser, SecretKey: b.secretKey("username")},
		{Name: envPassword, SecretKey: b.secretKey("password")},
	}
	mounts := []k8s.Mount{
		{Volume: "config", Path: confFile, SubPath: "activemq.xml", ReadOnly: true},
		{Volume: "data", Path: dataDir},
	}
	volumes := []k8s.Volume{
		{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: b.m.BrokerConfig.NameRef}},
		{Name: "data", Claim: &k8s.ClaimVolume{ClaimName: b.m.Claim.NameRef}},
	}
	if b.tls {
		// The broker needs a Java keystore; the user's Secret holds PEM files. The image's
		// openssl (a dependency of Ubuntu's ca-certificates in the eclipse-temurin base)
		// bundles them into a PKCS#12 file in a memory volume, protected by a generated
		// password that activemq.xml reads from the environment.
		env = append(env, k8s.EnvVar{Name: envKeystorePassword, SecretKey: b.secretKey("keystore-password")})
		mounts = append(mounts, k8s.Mount{Volume: "keystore", Path: keystoreDir, ReadOnly: true})
		volumes = append(volumes,
			kit.TLSVolume("tls", b.cfg.TLS),
			k8s.Volume{Name: "keystore", EmptyDir: &k8s.EmptyDirVolume{Medium: "Memory", SizeLimit: "1Mi"}},
		)
		b.initContainers = []k8s.Container{{
			Name:            "keystore",
			Image:           b.cm.ImageRef(),
			ImagePullPolicy: b.cfg.PullPolicy,
			Command: []string{"sh", "-c", "rm -f " + keystoreFile + " && openssl pkcs12 -export" +
				" -in " + tlsDir + "/" + modules.DefaultTLSCertKey + " -inkey " + tlsDir + "/" + modules.DefaultTLSKeyKey +
				" -certfile " + tlsDir + "/" + modules.DefaultTLSCAKey + " -name activemq" +
				" -passout env:" + envKeystorePassword + " -out " + keystoreFile},
			Env: []k8s.EnvVar{{Name: envKeystorePassword, SecretKey: b.secretKey("keystore-password")}},
			Mounts: []k8s.Mount{
				{Volume: "tls", Path: tlsDir, ReadOnly: true},
				{Volume: "keystore", Path: keystoreDir},
			},
			Security: kit.ContainerSecurity(),
		}}
	}
	tcp := func(p k8s.Probe) *k8s.Probe { p.TCPPort = b.portName; return &p }
	return k8s.Container{
		Name:            "activemq",
		Image:           b.cm.ImageRef(),
		ImagePullPolicy: b.cfg.PullPolicy,
		Env:             env,
		Ports:           []k8s.Port{{Name: b.portName, ContainerPort: b.port}},
		Mounts:          mounts,
		Resources:       b.cfg.Resources,
		Startup:         tcp(k8s.Probe{PeriodSeconds: 5, FailureThreshold: 60}),
		Readiness:       tcp(k8s.Probe{PeriodSeconds: 10}),
		Liveness:        tcp(k8s.Probe{PeriodSeconds: 20, TimeoutSeconds: 5, FailureThreshold: 3}),
		Security:        kit.ContainerSecurity(),
	}, volumes
}

// deployment creates the broker's Deployment (one replica, Recreate: KahaDB takes a lock), its
// pod rolling when the Secrets or activemq.xml change.
func (b *build) deployment() error {
	hash, err := b.cm.ConfigHashWith(kit.TLSHashInputs(b.cfg.TLS), b.m.Server.Object, b.m.BrokerConfig)
	if err != nil {
		return err
	}
	broker, volumes := b.container()
	one := 1
	b.m.Deployment, err = k8s.NewDeployment(b.scope, b.id+"-deployment", k8s.DeploymentSpec{
		Meta:     b.cm.Meta(b.cfg.Name),
		Replicas: &one,
		Selector: b.cm.Selector(),
		Strategy: "Recreate",
		Wait:     kit.Bool(b.cfg.Wait, true),
		Template: k8s.PodTemplate{
			Labels:      b.cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				AutomountServiceAccountToken: new(bool),
				Security:                     kit.PodSecurity(uid, gid, gid),
				NodeSelector:                 b.cfg.NodeSelector,
				Tolerations:                  b.cfg.Tolerations,
				PriorityClassName:            b.cfg.PriorityClassName,
				InitContainers:               b.initContainers,
				Containers:                   []k8s.Container{broker},
				Volumes:                      volumes,
			},
		},
	})
	return err
}

// service exposes the AMQP port.
func (b *build) service() error {
	var err error
	b.m.Service, err = k8s.NewService(b.scope, b.id+"-service", k8s.ServiceSpec{
		Meta:     b.cm.Meta(b.cfg.Name),
		Selector: b.cm.Selector(),
		Ports:    []k8s.ServicePort{{Name: b.portName, Port: b.port, TargetPort: b.portName}},
	})
	return err
}

// credentials creates <name>-credentials, which ArmoniK reads whole, once the broker is ready
// (with Wait), so that ArmoniK's pods start after it.
func (b *build) credentials() error {
	var err error
	b.m.Credentials, err = k8s.NewSecret(b.scope, b.id+"-credentials", k8s.SecretSpec{
		Meta:      b.cm.Meta(b.cfg.Name + "-credentials"),
		Data:      map[string]string{"Amqp__User": b.cfg.User, "Amqp__Password": b.m.Server.Values["password"]},
		DependsOn: []*k8s.Object{b.m.Deployment},
	})
	return err
}

// disruptionBudget creates the PodDisruptionBudget of the broker's pod.
func (b *build) disruptionBudget() error {
	var err error
	b.m.DisruptionBudget, err = b.cm.DisruptionBudget(b.scope, b.id+"-disruption-budget")
	return err
}

// networkPolicy admits only ArmoniK's pods, on the AMQP port.
func (b *build) networkPolicy() error {
	if !kit.Bool(b.cfg.NetworkPolicy, true) {
		return nil
	}
	var err error
	b.m.NetworkPolicy, err = b.cm.NetworkPolicy(b.scope, b.id+"-network-policy", false, b.port)
	return err
}

// outputs are the keys Core's AMQP adapter reads.
func (b *build) outputs() {
	out := outputs.NewModule(b.cfg.Name).
		Env("Components__QueueAdaptorSettings__ClassName", QueueAdapterClassName).
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", QueueAdapterPath).
		Env("Amqp__Host", b.m.Host).
		Env("Amqp__Port", strconv.Itoa(b.port)).
		Env("Amqp__Scheme", b.scheme).
		EnvSecret(kit.Ref(b.m.Credentials), "Amqp__User", "Amqp__Password")
	kit.AMQPOutputs(out, b.cfg.AMQP)
	if b.tls {
		kit.CAMount(out, "Amqp__CaPath", b.cfg.Name+"-ca", b.cfg.TLS)
	}
	b.m.ModuleOutputs = kit.NewModuleOutputs(outputs.FamilyQueue, out)
}

// brokerXML is the broker configuration: upstream's queue policy (prioritized messages, which
// Core's priorities need), authentication of the one generated user, the AMQP connector only,
// and store limits that fit the claim (70% for KahaDB, 20% for temporary storage). The web
// console (jetty.xml) is not imported: the image would serve it with the well-known admin/admin
// login. The ${...} placeholders are Spring's, resolved from system properties, then from the
// environment (PropertyPlaceholderConfigurer); the caller escapes them for Terraform.
func brokerXML(name, size string, tls bool) string {
	q := resource.MustParse(size)
	mib := q.Value() / (1 << 20)
	store, temp := mib*7/10, mib*2/10
	if store < 1 {
		store = 1
	}
	if temp < 1 {
		temp = 1
	}
	sslContext, connector, transport, port := "", "amqp", "amqp", Port
	if tls {
		// The keystore the init container builds from the user's PEM files.
		sslContext = fmt.Sprintf(`    <sslContext>
      <sslContext keyStore="%s" keyStoreType="PKCS12" keyStorePassword="${%s}"/>
    </sslContext>

`, keystoreFile, envKeystorePassword)
		connector, transport, port = "amqps", "amqp+ssl", TLSPort
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by armonik-cdktf (modules/activemq). -->
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">

  <!-- ${...} resolves system properties (activemq.data) and environment variables (credentials). -->
  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"/>

  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="%s" dataDirectory="${activemq.data}">
    <destinationPolicy>
      <policyMap>
        <policyEntries>
          <policyEntry queue=">" prioritizedMessages="true"/>
        </policyEntries>
      </policyMap>
    </destinationPolicy>

    <managementContext>
      <managementContext createConnector="false"/>
    </managementContext>

    <persistenceAdapter>
      <kahaDB directory="${activemq.data}/kahadb"/>
    </persistenceAdapter>

    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users>
          <authenticationUser username="${%s}" password="${%s}" groups="users"/>
        </users>
      </simpleAuthenticationPlugin>
    </plugins>

    <systemUsage>
      <systemUsage sendFailIfNoSpaceAfterTimeout="60000">
        <memoryUsage>
          <memoryUsage percentOfJvmHeap="70"/>
        </memoryUsage>
        <storeUsage>
          <storeUsage limit="%d mb"/>
        </storeUsage>
        <tempUsage>
          <tempUsage limit="%d mb"/>
        </tempUsage>
      </systemUsage>
    </systemUsage>

%s    <transportConnectors>
      <transportConnector name="%s" uri="%s://0.0.0.0:%d?maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600"/>
    </transportConnectors>

    <shutdownHooks>
      <bean xmlns="http://www.springframework.org/schema/beans" class="org.apache.activemq.hooks.SpringContextHook"/>
    </shutdownHooks>
  </broker>
</beans>
`, name, envUser, envPassword, store, temp, sslContext, connector, transport, port)
}
