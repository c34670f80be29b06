package fluentbit

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules/internal/obs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
)

// Kind is the module kind: the app.kubernetes.io/name label and the default instance name.
const Kind = "fluent-bit"

// Defaults and facts of the image (see the package documentation for their sources).
const (
	DefaultImage      = "fluent/fluent-bit"
	DefaultTag        = "4.2.2"
	DefaultPullPolicy = "IfNotPresent"
	// DefaultStateDir is the node directory keeping the read offsets of the log files.
	DefaultStateDir = "/var/lib/armonik-fluent-bit"
	// DefaultMemBufLimit bounds the memory the tail input buffers before pausing.
	DefaultMemBufLimit = "32MB"
	// HTTPPort serves the health endpoint the probes use (fluent-bit's default, 2020).
	HTTPPort = 2020

	configDir = "/fluent-bit/config"
	stateDir  = "/state"
	logDir    = "/var/log"
)

// Output selects where the logs go: at least one of Seq, Stdout, CloudWatch.
type Output struct {
	// Seq sends the logs to a Seq server's ingestion endpoint (the stack sets it to its Seq).
	Seq *SeqOutput `json:"seq,omitempty" yaml:"seq,omitempty"`
	// Stdout prints every record on fluent-bit's own output (for debugging).
	Stdout bool `json:"stdout,omitempty" yaml:"stdout,omitempty"`
	// CloudWatch sends the logs to Amazon CloudWatch Logs.
	CloudWatch *CloudWatchOutput `json:"cloudwatch,omitempty" yaml:"cloudwatch,omitempty"`
}

// SeqOutput is a Seq server's ingestion endpoint.
type SeqOutput struct {
	// Host is the DNS name of the Seq Service (<name>.<namespace>.svc.<cluster domain>).
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// Port of the ingestion endpoint (default 5341).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
}

// CloudWatchOutput is a CloudWatch Logs log group. fluent-bit signs its requests with the AWS
// credentials of its pod: annotate its ServiceAccount with an IAM role (RoleARN, IRSA) allowing
// logs:CreateLogStream, logs:PutLogEvents and logs:DescribeLogStreams on the group (and
// logs:CreateLogGroup with AutoCreateGroup).
type CloudWatchOutput struct {
	// Region of the log group (required).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// LogGroup receives the logs (required).
	LogGroup string `json:"log_group,omitempty" yaml:"log_group,omitempty"`
	// AutoCreateGroup creates the group when missing (default false).
	AutoCreateGroup bool `json:"auto_create_group,omitempty" yaml:"auto_create_group,omitempty"`
	// RoleARN is the IAM role fluent-bit's ServiceAccount is annotated with
	// (eks.amazonaws.com/role-arn); "" leaves the pod with the node's credentials.
	RoleARN string `json:"role_arn,omitempty" yaml:"role_arn,omitempty"`
}

// Config configures the log shipper. Zero values take the documented defaults.
type Config struct {
	// Name of the instance (default "fluent-bit"): the DaemonSet, ServiceAccount, ConfigMap
	// <name>-config and the RBAC objects.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Namespace receives the DaemonSet: a namespace of node agents, labelled for the Pod
	// Security level "privileged" (the pods read the node's log files through hostPath volumes,
	// which "baseline" forbids). Set by the stack.
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Image of fluent-bit (default fluent/fluent-bit).
	Image string `json:"image,omitempty" yaml:"image,omitempty"`
	// Tag of the image (default 4.2.2, ArmoniK 2.23's pin).
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy of the image (default IfNotPresent).
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector restricts the nodes that run a shipper (default: all).
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations of the pods (default: every taint, so that every node's logs are shipped).
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// Namespaces whose containers' logs are shipped (the stack sets ArmoniK's). fluent-bit may
	// read the metadata of the pods of these namespaces only (a Role in each).
	Namespaces []string `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
	// NamespaceRefs are the namespaces among Namespaces that the stack creates: the Roles placed
	// in them refer to them, so that Terraform creates each namespace before its Role.
	NamespaceRefs []*k8s.Namespace `json:"-" yaml:"-"`
	// AllNamespaces ships the logs of every namespace instead (a ClusterRole reading pods
	// cluster-wide).
	AllNamespaces bool `json:"all_namespaces,omitempty" yaml:"all_namespaces,omitempty"`
	// Output is where the logs go (the stack sets Seq when it deploys one).
	Output Output `json:"output,omitempty" yaml:"output,omitempty"`
	// StateDir is the node directory (hostPath) keeping the read offsets, so that a restarted
	// shipper does not send the logs again (default /var/lib/armonik-fluent-bit).
	StateDir string `json:"state_dir,omitempty" yaml:"state_dir,omitempty"`
	// MemBufLimit bounds the memory of the tail input (default "32MB").
	MemBufLimit string `json:"mem_buf_limit,omitempty" yaml:"mem_buf_limit,omitempty"`
	// ClusterDomain of the Kubernetes API's DNS name (default cluster.local).
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Wait waits for the rollout (default true; a cluster without nodes schedules no pod).
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// NetworkPolicy creates the NetworkPolicy <name> refusing every connection to the
	// shippers, which serve nothing but their probes (default true).
	NetworkPolicy *bool `json:"network_policy,omitempty" yaml:"network_policy,omitempty"`
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	c.Name = kit.Or(c.Name, Kind)
	c.Image = kit.Or(c.Image, DefaultImage)
	c.Tag = kit.Or(c.Tag, DefaultTag)
	c.PullPolicy = kit.Or(c.PullPolicy, DefaultPullPolicy)
	c.ClusterDomain = kit.Or(c.ClusterDomain, kit.DefaultClusterDomain)
	c.StateDir = kit.Or(c.StateDir, DefaultStateDir)
	c.MemBufLimit = kit.Or(c.MemBufLimit, DefaultMemBufLimit)
	if c.Tolerations == nil {
		c.Tolerations = []k8s.Toleration{{Operator: "Exists"}}
	}
	if c.Output.Seq != nil && c.Output.Seq.Port == 0 {
		s := *c.Output.Seq
		s.Port = 5341
		c.Output.Seq = &s
	}
	c.Wait = kit.OrTrue(c.Wait)
	c.NetworkPolicy = kit.OrTrue(c.NetworkPolicy)
	return c
}

func (c *Config) common() obs.Common {
	return obs.Common{
		Kind: Kind, Component: "log-shipper", Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, Resources: c.Resources,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
}

// Selector is the pod selector of the shippers (c after defaults): a Seq NetworkPolicy admits
// them with it.
func (c Config) Selector() map[string]string {
	cm := c.common()
	return cm.Selector()
}

// memSize is a fluent-bit size: a number with an optional k, K, m, M, g or G unit and an
// optional B.
var memSize = regexp.MustCompile(`^[0-9]+([kKmMgG][bB]?)?$`)

// safeValue is what may go into the configuration file unquoted: no newline, no "${", no
// leading or trailing blank.
func safeValue(s string) bool {
	return !strings.ContainsAny(s, "\n\r") && !strings.Contains(s, "${") && strings.TrimSpace(s) == s
}

// Validate returns every problem of c (after defaults) at once.
func (c Config) Validate() error {
	cm := c.common()
	e := kit.NewErrors(Kind, c.Name)
	cm.Validate(e)
	if len(c.Namespaces) == 0 && !c.AllNamespaces {
		e.Add("namespaces", "required: the namespaces whose logs are shipped (or all_namespaces: true)")
	}
	if len(c.Namespaces) > 0 && c.AllNamespaces {
		e.Add("namespaces", "leave empty with all_namespaces: true")
	}
	for i, ns := range c.Namespaces {
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			e.Add(fmt.Sprintf("namespaces[%d]", i), "%q: %s", ns, msgs[0])
		} else if slices.Index(c.Namespaces, ns) != i {
			e.Add(fmt.Sprintf("namespaces[%d]", i), "%q is listed twice", ns)
		}
	}
	o := c.Output
	if o.Seq == nil && !o.Stdout && o.CloudWatch == nil {
		e.Add("output", "required: seq, stdout or cloudwatch")
	}
	if s := o.Seq; s != nil {
		if msgs := validation.IsDNS1123Subdomain(s.Host); len(msgs) > 0 {
			e.Add("output.seq.host", "%q: %s", s.Host, msgs[0])
		}
		if s.Port < 1 || s.Port > 65535 {
			e.Add("output.seq.port", "%d is not in 1-65535", s.Port)
		}
	}
	if cw := o.CloudWatch; cw != nil {
		if !regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`).MatchString(cw.Region) {
			e.Add("output.cloudwatch.region", "%q is not an AWS region such as eu-west-3", cw.Region)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_/.#-]{1,512}$`).MatchString(cw.LogGroup) {
			e.Add("output.cloudwatch.log_group", "%q must be 1 to 512 letters, digits, '_', '-', '/', '.' or '#'", cw.LogGroup)
		}
		if cw.RoleARN != "" && !strings.HasPrefix(cw.RoleARN, "arn:") {
			e.Add("output.cloudwatch.role_arn", "%q is not an ARN", cw.RoleARN)
		}
	}
	if !strings.HasPrefix(c.StateDir, "/") || c.StateDir == "/" || !safeValue(c.StateDir) || strings.ContainsAny(c.StateDir, " ") {
		e.Add("state_dir", "%q must be an absolute directory of the node other than /", c.StateDir)
	}
	if !memSize.MatchString(c.MemBufLimit) {
		e.Add("mem_buf_limit", "%q must be a size such as 32MB", c.MemBufLimit)
	}
	return e.Err()
}

// Module is a deployed log shipper.
type Module struct {
	// DaemonSet runs one shipper per node; ServiceAccount is its identity; Config the ConfigMap
	// <name>-config holding fluent-bit.conf.
	DaemonSet, ServiceAccount, Config *k8s.Object
	// Roles and RoleBindings let it read the pods of each shipped namespace (empty with
	// AllNamespaces); ClusterRole and ClusterRoleBinding do so cluster-wide (nil otherwise).
	Roles, RoleBindings             []*k8s.Object
	ClusterRole, ClusterRoleBinding *k8s.Object
	// NetworkPolicy refuses every connection to the shippers (nil when disabled).
	NetworkPolicy *k8s.Object
	// Selector selects the shippers' pods; Namespace is theirs.
	Selector  map[string]string
	Namespace string
}

// New deploys the log shipper on scope with the configuration cfg, defaults applied. It
// returns every configuration problem at once and never panics.
func New(scope constructs.Construct, id string, cfg Config) (*Module, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cm := cfg.common()
	e := kit.NewErrors(Kind, cfg.Name)
	m := &Module{Selector: cm.Selector(), Namespace: cfg.Namespace.Name}
	var err error
	sa := cm.Meta(cfg.Name)
	if cw := cfg.Output.CloudWatch; cw != nil && cw.RoleARN != "" {
		sa.Annotations = map[string]string{"eks.amazonaws.com/role-arn": cw.RoleARN}
	}
	// The kubernetes filter reads pod metadata with the ServiceAccount's token.
	if m.ServiceAccount, err = k8s.NewServiceAccount(scope, id+"-service-account", k8s.ServiceAccountSpec{Meta: sa, AutomountToken: true}); err != nil {
		return nil, e.Fail(err)
	}
	subjects := []k8s.RoleSubject{{Kind: "ServiceAccount", Name: cfg.Name, Namespace: cfg.Namespace.Name}}
	readPods := []k8s.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}}}
	if cfg.AllNamespaces {
		name := cfg.Namespace.Name + "-" + cfg.Name
		if m.ClusterRole, err = k8s.NewClusterRole(scope, id+"-cluster-role", k8s.ClusterRoleSpec{Meta: k8s.Meta{Name: name, Labels: cm.Labels()}, Rules: readPods}); err != nil {
			return nil, e.Fail(err)
		}
		if m.ClusterRoleBinding, err = k8s.NewClusterRoleBinding(scope, id+"-cluster-role-binding", k8s.ClusterRoleBindingSpec{
			Meta: k8s.Meta{Name: name, Labels: cm.Labels()}, Role: m.ClusterRole.NameRef, Subjects: subjects,
		}); err != nil {
			return nil, e.Fail(err)
		}
	} else {
		for _, ns := range cfg.Namespaces {
			// The Role lives in the shipped namespace; its name says who holds it.
			meta := k8s.Meta{Name: cfg.Namespace.Name + "-" + cfg.Name, Namespace: ns, Labels: cm.Labels()}
			for _, ref := range cfg.NamespaceRefs {
				if ref != nil && ref.Name == ns {
					meta.Namespace = ref.NameRef
				}
			}
			r, err := k8s.NewRole(scope, fmt.Sprintf("%s-role-%s", id, ns), k8s.RoleSpec{Meta: meta, Rules: readPods})
			if err != nil {
				return nil, e.Fail(err)
			}
			b, err := k8s.NewRoleBinding(scope, fmt.Sprintf("%s-role-binding-%s", id, ns), k8s.RoleBindingSpec{Meta: meta, Role: r.NameRef, Subjects: subjects})
			if err != nil {
				return nil, e.Fail(err)
			}
			m.Roles = append(m.Roles, r)
			m.RoleBindings = append(m.RoleBindings, b)
		}
	}
	if m.Config, err = k8s.NewConfigMap(scope, id+"-config", k8s.ConfigMapSpec{
		Meta: cm.Meta(cfg.Name + "-config"),
		Data: map[string]string{"fluent-bit.conf": k8s.Literal(configFile(&cfg))},
	}); err != nil {
		return nil, e.Fail(err)
	}
	hash, err := cm.ConfigHash(nil, m.Config)
	if err != nil {
		return nil, e.Fail(err)
	}
	root := int64(0)
	health := func(p k8s.Probe) *k8s.Probe {
		p.HTTPGet = &k8s.HTTPGet{Path: "/api/v1/health", Port: "http"}
		return &p
	}
	var deps []*k8s.Object
	deps = append(deps, m.RoleBindings...)
	if m.ClusterRoleBinding != nil {
		deps = append(deps, m.ClusterRoleBinding)
	}
	if m.DaemonSet, err = k8s.NewDaemonSet(scope, id+"-daemonset", k8s.DaemonSetSpec{
		Meta:           cm.Meta(cfg.Name),
		Selector:       cm.Selector(),
		MaxUnavailable: "10%",
		Wait:           kit.Bool(cfg.Wait, true),
		DependsOn:      deps,
		Template: k8s.PodTemplate{
			Labels:      cm.Labels(),
			Annotations: hash,
			Spec: k8s.PodSpec{
				ServiceAccountName:            m.ServiceAccount.NameRef,
				AutomountServiceAccountToken:  ptr(true),
				TerminationGracePeriodSeconds: ptr(int64(10)),
				Security:                      &k8s.PodSecurity{SeccompRuntimeDefault: true},
				NodeSelector:                  cfg.NodeSelector,
				Tolerations:                   cfg.Tolerations,
				Containers: []k8s.Container{{
					Name:            "fluent-bit",
					Image:           cm.ImageRef(),
					ImagePullPolicy: cfg.PullPolicy,
					Args:            []string{"--config=" + configDir + "/fluent-bit.conf"},
					Env:             []k8s.EnvVar{{Name: "NODE_NAME", FieldPath: "spec.nodeName"}},
					Ports:           []k8s.Port{{Name: "http", ContainerPort: HTTPPort}},
					Mounts: []k8s.Mount{
						{Volume: "config", Path: configDir, ReadOnly: true},
						{Volume: "varlog", Path: logDir, ReadOnly: true},
						{Volume: "state", Path: stateDir},
					},
					Resources: cfg.Resources,
					Liveness:  health(k8s.Probe{InitialDelaySeconds: 10, PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3}),
					Readiness: health(k8s.Probe{PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3}),
					// Root reads the node's log files (root-owned, 0640); no capability is needed
					// for files root owns, so every one is dropped.
					Security: &k8s.ContainerSecurity{
						RunAsUser: &root, AllowPrivilegeEscalation: ptr(false), Privileged: ptr(false),
						ReadOnlyRootFilesystem: ptr(true), DropCapabilities: []string{"ALL"}, SeccompRuntimeDefault: true,
					},
				}},
				Volumes: []k8s.Volume{
					{Name: "config", ConfigMap: &k8s.ConfigMapVolume{Name: m.Config.NameRef}},
					{Name: "varlog", HostPath: &k8s.HostPathVolume{Path: logDir, Type: "Directory"}},
					{Name: "state", HostPath: &k8s.HostPathVolume{Path: cfg.StateDir + "/" + cfg.Namespace.Name + "-" + cfg.Name, Type: "DirectoryOrCreate"}},
				},
			},
		},
	}); err != nil {
		return nil, e.Fail(err)
	}
	if kit.Bool(cfg.NetworkPolicy, true) {
		if m.NetworkPolicy, err = cm.NetworkPolicy(scope, id+"-network-policy", nil); err != nil {
			return nil, e.Fail(err)
		}
	}
	return m, nil
}

// configFile renders fluent-bit.conf (classic format). See the package documentation for the
// pipeline and the source of each setting.
func configFile(c *Config) string {
	var paths []string
	if c.AllNamespaces {
		paths = []string{logDir + "/containers/*.log"}
	} else {
		for _, ns := range c.Namespaces {
			// Kubelet names the files <pod>_<namespace>_<container>-<id>.log.
			paths = append(paths, logDir+"/containers/*_"+ns+"_*.log")
		}
	}
	var b strings.Builder
	section := func(name string, kv ...string) {
		fmt.Fprintf(&b, "[%s]\n", name)
		for i := 0; i+1 < len(kv); i += 2 {
			fmt.Fprintf(&b, "    %-22s %s\n", kv[i], kv[i+1])
		}
		b.WriteString("\n")
	}
	section("SERVICE",
		"Flush", "1",
		"Log_Level", "info",
		"Daemon", "off",
		"HTTP_Server", "On",
		"HTTP_Listen", "0.0.0.0",
		"HTTP_Port", strconv.Itoa(HTTPPort),
		"Health_Check", "On",
	)
	section("INPUT",
		"Name", "tail",
		"Tag", "kube.*",
		"Path", strings.Join(paths, ","),
		"multiline.parser", "cri, docker",
		"DB", stateDir+"/tail.db",
		"DB.locking", "true",
		"Mem_Buf_Limit", c.MemBufLimit,
		"Skip_Long_Lines", "On",
		"Refresh_Interval", "10",
		"Read_From_Head", "On",
	)
	section("FILTER",
		"Name", "kubernetes",
		"Match", "kube.*",
		"Kube_URL", "https://kubernetes.default.svc."+c.ClusterDomain+":443",
		"Kube_Tag_Prefix", "kube.var.log.containers.",
		"Merge_Log", "On",
		"Keep_Log", "Off",
		"Labels", "On",
		"Annotations", "Off",
		"K8S-Logging.Exclude", "On",
		"Buffer_Size", "0",
	)
	section("FILTER",
		"Name", "nest",
		"Match", "kube.*",
		"Operation", "lift",
		"Nested_under", "kubernetes",
		"Add_prefix", "kubernetes_",
	)
	if c.Output.Seq != nil {
		// CLEF: the record's time becomes @t (json_date_key); a @t merged from the application's
		// own JSON would be a second @t, so it is dropped (the runtime's time of the line
		// differs by microseconds). A line that is not JSON becomes the message @m.
		section("FILTER",
			"Name", "modify",
			"Match", "kube.*",
			"Remove", "@t",
		)
		section("FILTER",
			"Name", "modify",
			"Match", "kube.*",
			"Condition", "Key_exists log",
			"Rename", "log @m",
		)
		section("OUTPUT",
			"Name", "http",
			"Match", "kube.*",
			"Host", c.Output.Seq.Host,
			"Port", strconv.Itoa(c.Output.Seq.Port),
			"URI", "/api/events/raw?clef",
			"Header", "Content-Type application/vnd.serilog.clef",
			"Format", "json_lines",
			"json_date_key", "@t",
			"json_date_format", "iso8601",
			"Retry_Limit", "5",
		)
	}
	if cw := c.Output.CloudWatch; cw != nil {
		section("OUTPUT",
			"Name", "cloudwatch_logs",
			"Match", "kube.*",
			"region", cw.Region,
			"log_group_name", cw.LogGroup,
			"log_stream_prefix", "${NODE_NAME}-",
			"auto_create_group", onOff(cw.AutoCreateGroup),
			"Retry_Limit", "5",
		)
	}
	if c.Output.Stdout {
		section("OUTPUT",
			"Name", "stdout",
			"Match", "kube.*",
			"Format", "json_lines",
		)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func onOff(b bool) string {
	if b {
		return "On"
	}
	return "Off"
}

func ptr[T any](v T) *T { return &v }
