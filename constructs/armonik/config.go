package armonik

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Default images of the default version (ArmoniK 2.23.0: Core 0.37.2, admin GUI 0.15.1,
// extcsharp worker 0.21.2). Config.Version selects another row of versions.Releases, which
// holds every version's tags.
const (
	CoreTag         = "0.37.2"
	ControlImage    = "dockerhubaneo/armonik_control"
	PollingImage    = "dockerhubaneo/armonik_pollingagent"
	MetricsImage    = "dockerhubaneo/armonik_control_metrics"
	GUIImage        = "dockerhubaneo/armonik_admin_app"
	GUITag          = "0.15.1"
	WorkerImage     = "dockerhubaneo/armonik-dynamic-dotnet-worker"
	WorkerTag       = "0.21.2"
	DefaultLogLevel = "Information"
)

// Socket types of the channel between the polling agent and its workers.
const (
	UnixDomainSocket = "unixdomainsocket"
	TCP              = "tcp"
)

// Config is the whole ArmoniK deployment. Zero values take the documented defaults
// (WithDefaults); New validates everything and reports every problem at once.
type Config struct {
	// Version is the ArmoniK release to deploy: 2.22.3 (Core 0.34.5), 2.23.0 (Core 0.37.2) or
	// core-0.40.1 (Core 0.40.1 with 2.23.0's GUI and worker); default 2.23.0. It selects every
	// ArmoniK image tag (control plane, polling agents, metrics exporter, init Job, admin GUI,
	// default worker; each image setting still overrides it), the Core rules every container is
	// checked against, and the keys the modules emit. See versions.Releases.
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	// UpgradeFrom is the version deployed now, when changing version (default: the version of
	// the previous synthesis of the stack, cdktf.out/stacks/<stack>/cdk.tf.json, read by the
	// app; none for a library user). A change across one of Core's database migrations
	// (Core's .docs/content/0.installation/5.version-migration.md) is refused until
	// acknowledge_migration names the new version.
	UpgradeFrom string `json:"upgrade_from,omitempty" yaml:"upgrade_from,omitempty"`
	// AcknowledgeMigration is the version you upgrade to once the steps of Core's migration
	// guide between the deployed version and it are done (or planned): it lets version change
	// across them. A no-op when no migration lies between the two.
	AcknowledgeMigration string `json:"acknowledge_migration,omitempty" yaml:"acknowledge_migration,omitempty"`
	// Deployed is the version found in the stack's previous synthesis, set by the app (never
	// read from a configuration file); UpgradeFrom takes precedence.
	Deployed *DeployedVersion `json:"-" yaml:"-"`

	// Namespace receives every object (required). Use the k8s.Namespace a stack created, or
	// k8s.ExistingNamespace for one created elsewhere.
	Namespace *k8s.Namespace `json:"-" yaml:"-"`
	// Layers are the modules' outputs per layer (design §4): a storage module is listed once,
	// in Core, and reaches every container that needs it. In a configuration file, each layer
	// takes AEP 5 outputs objects, added after the modules the stack puts there.
	Layers Layers `json:"-" yaml:"layers,omitempty"`
	// Overrides replace anything, on purpose, per component (recorded in explain).
	Overrides Overrides `json:"-" yaml:"overrides,omitempty"`

	// Logging sets Serilog's minimum level (default "Information").
	Logging Logging `json:"logging,omitempty" yaml:"logging,omitempty"`
	// Authentication switches Core's authentication and authorization on (default off) and
	// lists the users, roles and client certificates the init Job loads.
	Authentication Authentication `json:"authentication,omitempty" yaml:"authentication,omitempty"`

	// ControlPlane configures the control plane (the gRPC API).
	ControlPlane ControlPlane `json:"control_plane,omitempty" yaml:"control_plane,omitempty"`
	// MetricsExporter configures the metrics exporter.
	MetricsExporter MetricsExporter `json:"metrics_exporter,omitempty" yaml:"metrics_exporter,omitempty"`
	// Init configures Core's init Job.
	Init Init `json:"init,omitempty" yaml:"init,omitempty"`
	// Partitions are declared once: they feed both the compute plane (one Deployment each) and
	// the init job's partition definitions. Default: one partition named "default".
	Partitions []Partition `json:"partitions,omitempty" yaml:"partitions,omitempty"`
	// DefaultPartition is Submitter__DefaultPartition (default: the first partition).
	DefaultPartition string `json:"default_partition,omitempty" yaml:"default_partition,omitempty"`

	// AdminGUI is deployed by default.
	AdminGUI AdminGUI `json:"admin_gui,omitempty" yaml:"admin_gui,omitempty"`
	// Ingress is off by default.
	Ingress Ingress `json:"ingress,omitempty" yaml:"ingress,omitempty"`
	// ServiceAccounts are created in the namespace; components name them in
	// Workload.ServiceAccount.
	ServiceAccounts []ServiceAccount `json:"service_accounts,omitempty" yaml:"service_accounts,omitempty"`

	// Wait, the "wait for ready" switch (default true), drives wait_for_rollout of the
	// Deployments and wait_for_completion of the init Job. Set it false against an API server
	// without nodes, which never satisfies them.
	Wait *bool `json:"wait,omitempty" yaml:"wait,omitempty"`
	// ImagePullSecrets are added to every pod.
	ImagePullSecrets []string `json:"image_pull_secrets,omitempty" yaml:"image_pull_secrets,omitempty"`

	// Front is the bundled front door (on by default): nginx with TLS (and optional mutual TLS)
	// routing gRPC to the control plane and /admin to the GUI, exposed as a LoadBalancer
	// Service by default.
	Front Front `json:"front,omitempty" yaml:"front,omitempty"`
	// Environment is the admin GUI's environment banner (served as /static/environment.json by
	// the front door; none by default).
	Environment *Environment `json:"environment,omitempty" yaml:"environment,omitempty"`
	// ClusterDomain is the cluster's DNS domain, used in the front door's certificate and the
	// in-cluster URLs (default "cluster.local").
	ClusterDomain string `json:"cluster_domain,omitempty" yaml:"cluster_domain,omitempty"`
	// Metrics is the metrics source (a Prometheus scraping the metrics exporter and the polling
	// agents) that queue-length scaling and the pod-deletion-cost updater query. A stack sets
	// it from monitoring.prometheus (deployed) or monitoring.prometheus_url (existing).
	Metrics outputs.MetricsSource `json:"-" yaml:"-"`
	// PodDeletionCost configures the updater that lets scale-downs remove idle pods first (on
	// whenever a partition scales and a metrics source is set).
	PodDeletionCost PodDeletionCost `json:"pod_deletion_cost,omitempty" yaml:"pod_deletion_cost,omitempty"`
	// PriorityClasses gives the compute planes PriorityClasses following the partitions'
	// priorities (off by default).
	PriorityClasses PriorityClasses `json:"priority_classes,omitempty" yaml:"priority_classes,omitempty"`
	// SystemPriorityClass is the system PriorityClass when the caller created it already (a
	// stack creates it before the storage modules, which run at it too: NewSystemPriorityClass);
	// nil lets New create it when priority classes are enabled.
	SystemPriorityClass *k8s.Object `json:"-" yaml:"-"`
	// PodSecurity is the Pod Security level of the namespace (k8s.PodSecurityRestricted,
	// Baseline, Privileged or None; "" checks nothing): New refuses a pod that breaks it (a
	// component whose security context is disabled, a hostPath volume from a module...),
	// before Terraform runs, instead of letting the API server refuse it after the deploy.
	PodSecurity string `json:"-" yaml:"-"`
}

// DeployedVersion is a version found outside the configuration, and where.
type DeployedVersion struct {
	// Version is a key of versions.Releases.
	Version string
	// Source says where it was read (a file).
	Source string
}

// Release returns the release of cfg.Version (the default when empty, or when unknown: Validate
// reports that).
func (cfg Config) Release() *versions.Release {
	r, err := versions.Lookup(cfg.Version)
	if err != nil {
		r, _ = versions.Lookup("")
	}
	return r
}

// previous returns the version deployed before this configuration, and where it comes from
// ("" when unknown).
func (cfg *Config) previous() (version, source string) {
	switch {
	case cfg.UpgradeFrom != "":
		return cfg.UpgradeFrom, "upgrade_from"
	case cfg.Deployed != nil && cfg.Deployed.Version != "":
		return cfg.Deployed.Version, cfg.Deployed.Source
	}
	return "", ""
}

// Layers holds the modules of each layer. Which containers a layer reaches is fixed (see the
// package documentation).
type Layers struct {
	// Core reaches the init Job, the control plane, the polling agents and the metrics
	// exporter (never the workers): the storage modules go here.
	Core Conf `yaml:"core,omitempty"`
	// Log reaches the control plane, polling agents, workers and metrics exporter.
	Log Conf `yaml:"log,omitempty"`
	// Control reaches the control plane.
	Control Conf `yaml:"control,omitempty"`
	// Compute reaches the polling agents and the workers.
	Compute Conf `yaml:"compute,omitempty"`
	// Polling reaches the polling agents.
	Polling Conf `yaml:"polling,omitempty"`
	// Worker reaches the workers (the shared-storage module goes here).
	Worker Conf `yaml:"worker,omitempty"`
	// Metrics reaches the metrics exporter.
	Metrics Conf `yaml:"metrics,omitempty"`
	// Jobs reaches the init Job.
	Jobs Conf `yaml:"jobs,omitempty"`
}

// Overrides are per-component override layers: they may replace anything, and explain
// records what they replaced.
type Overrides struct {
	// Control overrides the control plane's configuration.
	Control Conf `yaml:"control,omitempty"`
	// Polling overrides every polling agent's configuration.
	Polling Conf `yaml:"polling,omitempty"`
	// Worker overrides every worker's configuration.
	Worker Conf `yaml:"worker,omitempty"`
	// Metrics overrides the metrics exporter's configuration.
	Metrics Conf `yaml:"metrics,omitempty"`
	// Init overrides the init Job's configuration.
	Init Conf `yaml:"init,omitempty"`
}

// Logging configures Serilog.
type Logging struct {
	// Level is Serilog__MinimumLevel: Verbose, Debug, Information, Warning, Error or Fatal.
	Level string `json:"level,omitempty" yaml:"level,omitempty"`
}

// Authentication configures Core's authenticator.
type Authentication struct {
	// RequireAuthentication makes Core authenticate every call by its client certificate
	// (Authenticator__RequireAuthentication): needs front.mtls, or your own ingress setting
	// Core's certificate headers.
	RequireAuthentication bool `json:"require_authentication,omitempty" yaml:"require_authentication,omitempty"`
	// RequireAuthorization makes Core check the authenticated user's roles.
	RequireAuthorization bool `json:"require_authorization,omitempty" yaml:"require_authorization,omitempty"`

	// Users are loaded into Core's database by the init Job, with Roles and Certificates
	// (users of generated client certificates, front.mtls.clients, are added automatically).
	Users []User `json:"users,omitempty" yaml:"users,omitempty"`
	// Roles are named permission sets; the built-in Submitter and Monitoring roles are
	// available by name.
	Roles []Role `json:"roles,omitempty" yaml:"roles,omitempty"`
	// Certificates map client certificates (CN and optional fingerprint) to users.
	Certificates []UserCertificate `json:"certificates,omitempty" yaml:"certificates,omitempty"`
	// DataFile is upstream's authentication JSON file (users_list, roles_list,
	// certificates_list), read at synth time (path relative to the working directory) and
	// added to the lists above.
	DataFile string `json:"data_file,omitempty" yaml:"data_file,omitempty"`
}

// Image is a container image.
type Image struct {
	// Repository, e.g. "dockerhubaneo/armonik_control".
	Repository string `json:"repository,omitempty" yaml:"repository,omitempty"`
	// Tag; empty uses Repository as given.
	Tag string `json:"tag,omitempty" yaml:"tag,omitempty"`
	// PullPolicy: Always, IfNotPresent, Never, or "" for the Kubernetes default.
	PullPolicy string `json:"pull_policy,omitempty" yaml:"pull_policy,omitempty"`
}

// Ref returns "repository:tag", or the repository alone without a tag or when it is pinned by
// digest.
func (i Image) Ref() string { return k8s.ImageRef(i.Repository, i.Tag) }

func (i Image) or(def Image) Image {
	if i.Repository == "" {
		i.Repository = def.Repository
		if i.Tag == "" {
			i.Tag = def.Tag
		}
	}
	return i
}

// Workload holds the scheduling settings of one component's pods.
type Workload struct {
	// Replicas (default 1).
	Replicas *int `json:"replicas,omitempty" yaml:"replicas,omitempty"`
	// Resources of the component's main container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector restricts the nodes; each entry also adds a matching toleration
	// {key, Equal, value, NoSchedule}, as upstream does.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations added to the pods.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// Annotations on the pod template.
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	// ServiceAccount the pods run as ("" = the namespace's default). Cloud identities for
	// SQS, S3 or Pub/Sub are annotations on such a ServiceAccount.
	ServiceAccount string `json:"service_account,omitempty" yaml:"service_account,omitempty"`
	// ImagePullSecrets of the pods, in addition to Config.ImagePullSecrets.
	ImagePullSecrets []string `json:"image_pull_secrets,omitempty" yaml:"image_pull_secrets,omitempty"`
	// AutomountToken mounts the ServiceAccount's API token in the pods (off by default: no
	// ArmoniK component calls the Kubernetes API; cloud identities use their own tokens).
	AutomountToken bool `json:"automount_token,omitempty" yaml:"automount_token,omitempty"`
	// DisableSecurityContext removes the secure defaults (no privilege escalation, every
	// capability dropped, non-root with the image's user, RuntimeDefault seccomp) from this
	// component's pods, for images that need more.
	DisableSecurityContext bool `json:"disable_security_context,omitempty" yaml:"disable_security_context,omitempty"`
	// Autoscaling adds a HorizontalPodAutoscaler; the Deployment then leaves its replicas to it.
	Autoscaling *Autoscaling `json:"autoscaling,omitempty" yaml:"autoscaling,omitempty"`
}

// Autoscaling configures a HorizontalPodAutoscaler (autoscaling/v2) for a component.
//
// Replicas then belong to the autoscaler: the Deployment does not set spec.replicas and
// Terraform ignores changes to it (lifecycle.ignore_changes), so plans stay empty when the
// autoscaler scales (upstream's Deployment and HPA diffed on every apply).
type Autoscaling struct {
	// MinReplicas is the fewest replicas (at least 1).
	MinReplicas int `json:"min_replicas" yaml:"min_replicas"`
	// MaxReplicas is the most replicas (at least min_replicas).
	MaxReplicas int `json:"max_replicas" yaml:"max_replicas"`
	// CPUUtilization is the average CPU utilization target, in percent of the requests (0 = not used).
	CPUUtilization int `json:"cpu_utilization,omitempty" yaml:"cpu_utilization,omitempty"`
	// MemoryUtilization is the average memory utilization target, in percent of the requests (0 = not used).
	MemoryUtilization int `json:"memory_utilization,omitempty" yaml:"memory_utilization,omitempty"`
	// Pods are per-pod metrics served by a metrics adapter, passed through.
	Pods []k8s.CustomMetric `json:"pods,omitempty" yaml:"pods,omitempty"`
	// External metrics are passed through, e.g. the queue length of a partition served by a
	// metrics adapter: {name: armonik_<partition>_tasks_queued, target: {type: AverageValue,
	// average_value: "2"}}.
	External []k8s.CustomMetric `json:"external,omitempty" yaml:"external,omitempty"`
	// ScaleUp shapes scaling up (the autoscaler's behavior).
	ScaleUp *k8s.ScalingRules `json:"scale_up,omitempty" yaml:"scale_up,omitempty"`
	// ScaleDown shapes scaling down.
	ScaleDown *k8s.ScalingRules `json:"scale_down,omitempty" yaml:"scale_down,omitempty"`
}

// ServiceAccount is a ServiceAccount the construct creates, for components to run as.
type ServiceAccount struct {
	// Name of the ServiceAccount.
	Name string `json:"name" yaml:"name"`
	// Annotations carry cloud identities: eks.amazonaws.com/role-arn (SQS, S3 through IRSA),
	// iam.gke.io/gcp-service-account (Pub/Sub, GCS through workload identity).
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// AdminGUI configures ArmoniK's admin web application.
type AdminGUI struct {
	// Disabled drops the GUI.
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Image of the GUI (default: the version's, dockerhubaneo/armonik_admin_app:0.15.1 for every version).
	Image    Image `json:"image,omitempty" yaml:"image,omitempty"`
	Workload `json:",inline" yaml:",inline"`
	// Service defaults to ClusterIP on port 1080.
	Service Service `json:"service,omitempty" yaml:"service,omitempty"`
	// Languages the GUI is built in (default [en, fr]; must contain en): the front door
	// redirects / and /admin to /admin/<language>/ after the browser's Accept-Language.
	Languages []string `json:"languages,omitempty" yaml:"languages,omitempty"`
}

// Ingress exposes the control plane's gRPC API (paths /armonik.*) and the admin GUI
// (/admin) through the cluster's ingress controller, as two kubernetes_ingress_v1 objects
// sharing host and certificate ("armonik-grpc" and "armonik-gui"), because controllers need
// per-Ingress annotations to speak gRPC to the backend (ingress-nginx:
// nginx.ingress.kubernetes.io/backend-protocol: GRPC). Upstream's own nginx Deployment with
// mutual TLS is not reproduced: terminate TLS (and mTLS) in your controller.
type Ingress struct {
	// Enabled creates the Ingresses (default false).
	Enabled bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// ClassName is the IngressClass of the controller (required), e.g. "nginx".
	ClassName string `json:"class_name,omitempty" yaml:"class_name,omitempty"`
	// Host is the DNS name clients use (required).
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// TLSSecret names an existing Secret of type kubernetes.io/tls for Host ("" = plain HTTP).
	TLSSecret string `json:"tls_secret,omitempty" yaml:"tls_secret,omitempty"`
	// Annotations go on both Ingresses.
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	// GRPCAnnotations go on the gRPC Ingress only, e.g. nginx.ingress.kubernetes.io/backend-protocol: GRPC.
	GRPCAnnotations map[string]string `json:"grpc_annotations,omitempty" yaml:"grpc_annotations,omitempty"`
	// GUIAnnotations go on the GUI Ingress only.
	GUIAnnotations map[string]string `json:"gui_annotations,omitempty" yaml:"gui_annotations,omitempty"`
	// GRPCPathType of the "/armonik." path: ImplementationSpecific (default; a string prefix
	// on ingress-nginx and Traefik, which gRPC's /armonik.api.grpc.v1.<Service>/<Method> needs)
	// or Prefix (whole path elements only).
	GRPCPathType string `json:"grpc_path_type,omitempty" yaml:"grpc_path_type,omitempty"`
}

// Service configures a component's Service.
type Service struct {
	// Type: ClusterIP (default), NodePort, LoadBalancer or Headless.
	Type string `json:"type,omitempty" yaml:"type,omitempty"`
	// Port of the Service (control plane default 5001; headless: the container port).
	Port int `json:"port,omitempty" yaml:"port,omitempty"`
	// NodePort for NodePort and LoadBalancer Services (0 = allocated by Kubernetes).
	NodePort int `json:"node_port,omitempty" yaml:"node_port,omitempty"`
	// Annotations of the Service (load-balancer settings...).
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// ControlPlane configures the control plane (gRPC API).
type ControlPlane struct {
	// Image of the control plane (default: the version's, dockerhubaneo/armonik_control:<its Core>, 0.37.2 for 2.23.0).
	Image    Image `json:"image,omitempty" yaml:"image,omitempty"`
	Workload `json:",inline" yaml:",inline"`
	// Service exposes the gRPC API (default ClusterIP, port 5001 to the container's 1080).
	Service Service `json:"service,omitempty" yaml:"service,omitempty"`
	// DisruptionBudget is the PodDisruptionBudget control-plane (default on, max_unavailable
	// 1: node drains evict one control-plane pod at a time, and still evict a single one).
	DisruptionBudget k8s.DisruptionBudget `json:"disruption_budget,omitempty" yaml:"disruption_budget,omitempty"`
}

// MetricsExporter configures the metrics exporter (Prometheus metrics of the queues).
type MetricsExporter struct {
	// Image of the exporter (default: the version's, dockerhubaneo/armonik_control_metrics:<its Core>).
	Image    Image `json:"image,omitempty" yaml:"image,omitempty"`
	Workload `json:",inline" yaml:",inline"`
	// Service exposes the metrics (default ClusterIP, port 9419 to the container's 1080).
	Service Service `json:"service,omitempty" yaml:"service,omitempty"`
}

// Init configures Core's init Job, which creates the database, object storage, queues and
// partitions before the control plane starts.
type Init struct {
	// Disabled drops the Job; the control plane and polling agents then initialise the
	// services themselves (InitServices__Init*=true) and the control plane gets the partitions.
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Image of the Job (default: the control plane's image; with 2.22.3, whose Core has no InitServices,
	// mongo:8.0.10, which runs mongosh).
	Image    Image `json:"image,omitempty" yaml:"image,omitempty"`
	Workload `json:",inline" yaml:",inline"`
	// Timeout of the wait for completion (default "5m").
	Timeout string `json:"timeout,omitempty" yaml:"timeout,omitempty"`
}

// Partition is one compute-plane partition: a Deployment of pods each holding a polling
// agent and its workers, and a partition definition for Core.
type Partition struct {
	// Name is the partition id (a DNS-1123 label: it names the Deployment compute-plane-<name>).
	Name string `json:"name" yaml:"name"`

	// Priority of the partition for Core (default 1; 0 is kept as given, negative values are
	// errors); with the next fields, the partition definition
	// InitServices__Partitioning__Partitions__<i> (Core 0.37.2
	// Common/src/Injection/Options/Database/Partition.cs).
	Priority *int `json:"priority,omitempty" yaml:"priority,omitempty"`
	// ReservedPods is the number of pods the partition keeps (default 0).
	ReservedPods int `json:"reserved_pods,omitempty" yaml:"reserved_pods,omitempty"`
	// MaxPods is the most pods the partition may take (default 1).
	MaxPods int `json:"max_pods,omitempty" yaml:"max_pods,omitempty"`
	// PreemptionPercentage is the share of pods that may be preempted (0-100, default 0).
	PreemptionPercentage int `json:"preemption_percentage,omitempty" yaml:"preemption_percentage,omitempty"`
	// ParentPartitionIDs are partitions this one inherits from (each must be a partition).
	ParentPartitionIDs []string `json:"parent_partition_ids,omitempty" yaml:"parent_partition_ids,omitempty"`
	// PodConfiguration is passed to Core as is (default none).
	PodConfiguration map[string]string `json:"pod_configuration,omitempty" yaml:"pod_configuration,omitempty"`

	// SocketType of the agent-worker channel: "unixdomainsocket" (default) or "tcp".
	SocketType string `json:"socket_type,omitempty" yaml:"socket_type,omitempty"`
	// TerminationGracePeriodSeconds lets running tasks finish (default 30).
	TerminationGracePeriodSeconds *int `json:"termination_grace_period_seconds,omitempty" yaml:"termination_grace_period_seconds,omitempty"`
	// RunAsUser is the pod's user id (default 5000, which lets agent and workers share the
	// sockets); -1 keeps each image's own user.
	RunAsUser *int64 `json:"run_as_user,omitempty" yaml:"run_as_user,omitempty"`
	// SharedCache is the /cache/shared volume (sockets, payloads) of agent and workers.
	SharedCache SharedCache `json:"shared_cache,omitempty" yaml:"shared_cache,omitempty"`
	// NodeCache puts the agent's /cache/internal on the node (hostPath) instead of an emptyDir.
	NodeCache NodeCache `json:"node_cache,omitempty" yaml:"node_cache,omitempty"`

	// Workload holds the compute-plane Deployment's replicas (default 1), scheduling and
	// autoscaling (e.g. on the partition's queue length); its Resources are unused: set the
	// agent's and the worker's.
	Workload `json:",inline" yaml:",inline"`
	// PollingAgent configures the partition's polling agent.
	PollingAgent PollingAgent `json:"polling_agent,omitempty" yaml:"polling_agent,omitempty"`
	// Worker is the partition's ArmoniK worker (default: the version's worker, ArmoniK's dynamic .NET
	// worker; the DLL worker with 2.22.3).
	// A pod runs exactly one: the polling agent serves one worker channel (Core 0.37.2
	// Common/src/Injection/ServiceCollectionExt.cs, AddArmoniKWorkerConnection), and a second
	// worker would either fail to bind the TCP port or take over the Unix socket (ArmoniK.Api's
	// WorkerServer deletes an existing socket file before listening), so one of them would
	// silently get no task. Run another partition for another worker.
	Worker Worker `json:"worker,omitempty" yaml:"worker,omitempty"`
	// Sidecars are extra containers of the partition's pods that are not ArmoniK workers (a log
	// shipper, a proxy...). They receive the log layer and their own conf only: no channel
	// address, no storage module, no shared socket volume.
	Sidecars []Sidecar `json:"sidecars,omitempty" yaml:"sidecars,omitempty"`
	// Scaling scales the partition on its queue length with KEDA, from min_replicas (0 allowed)
	// to max_replicas; Core's reserved_pods and max_pods then follow those bounds. It excludes
	// replicas and autoscaling, and needs a metrics source and KEDA.
	Scaling *Scaling `json:"scaling,omitempty" yaml:"scaling,omitempty"`
}

// KeyHint explains the keys a partition no longer accepts.
func (Partition) KeyHint(key string) string {
	if key == "workers" {
		return "a partition runs exactly one ArmoniK worker: write worker: {name, image, runtime, resources, conf}, " +
			"and put other containers under sidecars (Core's polling agent serves one worker channel: a second worker " +
			"would fail to bind its port or take over the socket, Core 0.37.2 Common/src/Injection/ServiceCollectionExt.cs)"
	}
	return ""
}

// SharedCache configures the /cache/shared emptyDir.
type SharedCache struct {
	// Memory puts it in RAM (emptyDir medium Memory).
	Memory bool `json:"memory,omitempty" yaml:"memory,omitempty"`
	// SizeLimit, e.g. "5Gi" ("" = none).
	SizeLimit string `json:"size_limit,omitempty" yaml:"size_limit,omitempty"`
}

// NodeCache configures the agent's /cache/internal on the node.
type NodeCache struct {
	// Path on the node (hostPath DirectoryOrCreate); "" keeps an emptyDir.
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Threshold is Pollster__CacheEvictionThreshold (used only with Path).
	Threshold int `json:"threshold,omitempty" yaml:"threshold,omitempty"`
}

// PollingAgent configures the partition's polling agent container.
type PollingAgent struct {
	// Image of the agent (default: the version's, dockerhubaneo/armonik_pollingagent:<its Core>).
	Image Image `json:"image,omitempty" yaml:"image,omitempty"`
	// Resources of the agent container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Readiness adds the /readiness probe (off by default, as upstream).
	Readiness bool `json:"readiness,omitempty" yaml:"readiness,omitempty"`
	// Conf is this partition's polling-agent layer.
	Conf Conf `json:"-" yaml:"conf,omitempty"`
}

// Worker runtimes: which ArmoniK worker program an image runs, which decides what it reads.
const (
	// RuntimeDynamic is ArmoniK.Extensions.CSharp.New's dynamic .NET worker (the default
	// image): it loads the user's library from the task's data and reads no shared storage.
	RuntimeDynamic = "dynamic"
	// RuntimeDLL is ArmoniK.Extensions.Csharp's DLL worker (dockerhubaneo/armonik_worker_dll):
	// it loads the application packages from the shared storage (FileStorageType FS or S3) and
	// fails every task without it.
	RuntimeDLL = "dll"
	// RuntimeCustom is any other worker built on ArmoniK.Api: only the channel is checked.
	RuntimeCustom = "custom"
)

// Runtimes lists the worker runtimes.
var Runtimes = []string{RuntimeDynamic, RuntimeDLL, RuntimeCustom}

// Image repositories of ArmoniK's own worker programs (their last path element), from which the
// runtime is inferred.
const (
	dynamicWorkerRepo = "armonik-dynamic-dotnet-worker"
	dllWorkerRepo     = "armonik_worker_dll"
)

// Worker configures the ArmoniK worker container of a partition's pods.
type Worker struct {
	// Name of the worker container (default "worker").
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Image of the worker (default: the version's, dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2,
	// or dockerhubaneo/armonik_worker_dll:0.19.2 with 2.22.3).
	Image Image `json:"image,omitempty" yaml:"image,omitempty"`
	// Runtime is the worker program the image runs: "dynamic" (ArmoniK's dynamic .NET worker),
	// "dll" (ArmoniK's DLL worker, which needs shared storage) or "custom" (default: inferred
	// from the image repository, armonik-dynamic-dotnet-worker or armonik_worker_dll, else
	// custom). It selects the Core rules the worker is checked against.
	Runtime string `json:"runtime,omitempty" yaml:"runtime,omitempty"`
	// Resources of the worker container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Conf is this partition's worker layer.
	Conf Conf `json:"-" yaml:"conf,omitempty"`
	// WaitForAgent gives the worker a preStop hook that keeps it running until the polling
	// agent has stopped, so the agent's running task completes. The hook runs /bin/sh and
	// waits for the agent's socket file: default true for the dynamic and dll runtimes (their
	// images have a shell), false for custom (set true when the image has /bin/sh); Unix
	// sockets only.
	WaitForAgent *bool `json:"wait_for_agent,omitempty" yaml:"wait_for_agent,omitempty"`
}

// Sidecar is a container of the partition's pods that is not an ArmoniK worker.
type Sidecar struct {
	// Name of the container (required; not polling-agent nor the worker's name).
	Name string `json:"name" yaml:"name"`
	// Image of the container (required).
	Image Image `json:"image" yaml:"image"`
	// Command replaces the image's entrypoint (default: the image's).
	Command []string `json:"command,omitempty" yaml:"command,omitempty"`
	// Args are the arguments (default: the image's).
	Args []string `json:"args,omitempty" yaml:"args,omitempty"`
	// Resources of the container.
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Conf is the container's own AEP 5 outputs (after the log layer).
	Conf Conf `json:"-" yaml:"conf,omitempty"`
}

// runtimeOf infers the runtime of an image repository.
func runtimeOf(repository string) string {
	last := repository[strings.LastIndex(repository, "/")+1:]
	switch last {
	case dynamicWorkerRepo:
		return RuntimeDynamic
	case dllWorkerRepo:
		return RuntimeDLL
	}
	return RuntimeCustom
}

// WithDefaults returns cfg with every zero value replaced by its documented default.
func (cfg Config) WithDefaults() Config {
	if cfg.Logging.Level == "" {
		cfg.Logging.Level = DefaultLogLevel
	}
	if cfg.Version == "" {
		cfg.Version = versions.Default
	}
	rel := cfg.Release()
	img := func(i versions.Image) Image { return Image{Repository: i.Repository, Tag: i.Tag} }
	cfg.ControlPlane.Image = cfg.ControlPlane.Image.or(img(rel.Control))
	cfg.MetricsExporter.Image = cfg.MetricsExporter.Image.or(img(rel.Metrics))
	if rel.Core.InitServices {
		cfg.Init.Image = cfg.Init.Image.or(cfg.ControlPlane.Image)
	} else {
		// Core < 0.35 has no InitServices: the init Job runs mongosh (dbinit.go).
		cfg.Init.Image = cfg.Init.Image.or(img(rel.DatabaseInit))
	}
	if cfg.Init.Timeout == "" {
		cfg.Init.Timeout = "5m"
	}
	if cfg.ControlPlane.Service.Type == "" {
		cfg.ControlPlane.Service.Type = k8s.ClusterIP
	}
	if cfg.ControlPlane.Service.Port == 0 {
		cfg.ControlPlane.Service.Port = 5001
		if cfg.ControlPlane.Service.Type == k8s.Headless {
			cfg.ControlPlane.Service.Port = controlPort
		}
	}
	cfg.AdminGUI.Image = cfg.AdminGUI.Image.or(img(rel.AdminGUI))
	if cfg.AdminGUI.Service.Type == "" {
		cfg.AdminGUI.Service.Type = k8s.ClusterIP
	}
	if cfg.AdminGUI.Service.Port == 0 {
		cfg.AdminGUI.Service.Port = guiPort
	}
	if cfg.Ingress.GRPCPathType == "" {
		cfg.Ingress.GRPCPathType = "ImplementationSpecific"
	}
	if cfg.MetricsExporter.Service.Type == "" {
		cfg.MetricsExporter.Service.Type = k8s.ClusterIP
	}
	if cfg.MetricsExporter.Service.Port == 0 {
		cfg.MetricsExporter.Service.Port = 9419
	}
	if len(cfg.Partitions) == 0 {
		cfg.Partitions = []Partition{{Name: "default"}}
	}
	parts := make([]Partition, len(cfg.Partitions))
	for i, p := range cfg.Partitions {
		if p.Priority == nil {
			p.Priority = ptr(1)
		}
		p.scalingDefaults()
		if p.MaxPods == 0 {
			p.MaxPods = 1
		}
		if p.SocketType == "" {
			p.SocketType = UnixDomainSocket
		}
		if p.TerminationGracePeriodSeconds == nil {
			v := 30
			p.TerminationGracePeriodSeconds = &v
		}
		if p.RunAsUser == nil {
			v := int64(5000)
			p.RunAsUser = &v
		}
		p.PollingAgent.Image = p.PollingAgent.Image.or(img(rel.PollingAgent))
		p.Worker.Image = p.Worker.Image.or(img(rel.Worker))
		if p.Worker.Name == "" {
			p.Worker.Name = "worker"
		}
		if p.Worker.Runtime == "" {
			p.Worker.Runtime = runtimeOf(p.Worker.Image.Repository)
		}
		p.Sidecars = slices.Clone(p.Sidecars)
		parts[i] = p
	}
	cfg.Partitions = parts
	if cfg.DefaultPartition == "" {
		cfg.DefaultPartition = cfg.Partitions[0].Name
	}
	cfg.frontDefaults()
	cfg.elasticDefaults()
	return cfg
}

func (cfg *Config) wait() bool { return cfg.Wait == nil || *cfg.Wait }

var logLevels = []string{"Verbose", "Debug", "Information", "Warning", "Error", "Fatal"}

// Validate returns every problem of the settings at once (defaults applied first), each
// starting with the configuration path of the setting (partitions[1].worker.name: ...).
// The namespace, which a configuration file never holds, is checked by New.
func (cfg Config) Validate() error {
	d := cfg.WithDefaults()
	return d.validate()
}

// validate checks a defaulted configuration.
func (cfg *Config) validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !slices.Contains(logLevels, cfg.Logging.Level) {
		add("logging.level: %q must be one of %s", cfg.Logging.Level, strings.Join(logLevels, ", "))
	}
	errs = append(errs, cfg.validateVersion()...)
	checkImage := func(path *field.Path, img Image) {
		switch {
		case img.Repository == "":
			add("%s: required (repository and tag)", path)
		case strings.Contains(img.Repository, ":") && img.Tag != "" && !strings.Contains(img.Repository, "@") &&
			strings.LastIndex(img.Repository, ":") > strings.LastIndex(img.Repository, "/"):
			add("%s.repository: %q already holds a tag: give the tag in tag only", path, img.Repository)
		default:
			if err := k8s.ValidateImage(img.Ref()); err != nil {
				add("%s: %v", path, err)
			}
		}
		if img.PullPolicy != "" && !slices.Contains([]string{"Always", "IfNotPresent", "Never"}, img.PullPolicy) {
			add("%s.pull_policy: %q must be Always, IfNotPresent or Never", path, img.PullPolicy)
		}
	}
	checkWorkload := func(path *field.Path, w Workload) {
		if w.Replicas != nil && *w.Replicas < 0 {
			add("%s.replicas: %d must be >= 0", path, *w.Replicas)
		}
		if as := w.Autoscaling; as != nil {
			if w.Replicas != nil {
				add("%s: replicas and autoscaling are both set: the autoscaler owns the replicas, remove replicas", path)
			}
			if err := as.spec().Validate(path.Child("autoscaling").String()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	checkService := func(path *field.Path, s Service) {
		if !slices.Contains(k8s.ServiceTypes, s.Type) {
			add("%s.type: %q must be one of %s", path, s.Type, strings.Join(k8s.ServiceTypes, ", "))
		}
		if s.Port < 1 || s.Port > 65535 {
			add("%s.port: %d is not in 1-65535", path, s.Port)
		}
	}
	checkImage(field.NewPath("control_plane", "image"), cfg.ControlPlane.Image)
	checkWorkload(field.NewPath("control_plane"), cfg.ControlPlane.Workload)
	checkService(field.NewPath("control_plane", "service"), cfg.ControlPlane.Service)
	for _, p := range cfg.ControlPlane.DisruptionBudget.Problems("control_plane.disruption_budget", fewest(cfg.ControlPlane.Workload)) {
		add("%s", p)
	}
	checkImage(field.NewPath("metrics_exporter", "image"), cfg.MetricsExporter.Image)
	checkWorkload(field.NewPath("metrics_exporter"), cfg.MetricsExporter.Workload)
	checkService(field.NewPath("metrics_exporter", "service"), cfg.MetricsExporter.Service)
	checkImage(field.NewPath("init", "image"), cfg.Init.Image)
	checkWorkload(field.NewPath("init"), cfg.Init.Workload)
	if cfg.Init.Autoscaling != nil || cfg.Init.Replicas != nil {
		add("init: a Job has no replicas and no autoscaling")
	}
	if !cfg.AdminGUI.Disabled {
		checkImage(field.NewPath("admin_gui", "image"), cfg.AdminGUI.Image)
		checkWorkload(field.NewPath("admin_gui"), cfg.AdminGUI.Workload)
		checkService(field.NewPath("admin_gui", "service"), cfg.AdminGUI.Service)
	}
	if in := cfg.Ingress; in.Enabled {
		if in.ClassName == "" {
			add("ingress.class_name: required when the ingress is enabled (the IngressClass of your controller, e.g. nginx)")
		}
		if in.Host == "" {
			add("ingress.host: required when the ingress is enabled (the DNS name clients use)")
		}
		if in.GRPCPathType != "Prefix" && in.GRPCPathType != "ImplementationSpecific" {
			add("ingress.grpc_path_type: %q must be ImplementationSpecific or Prefix", in.GRPCPathType)
		}
	}
	sas := map[string]bool{}
	for i, sa := range cfg.ServiceAccounts {
		if err := dnsSubdomain(sa.Name); err != "" {
			add("%s: %q %s", field.NewPath("service_accounts").Index(i).Child("name"), sa.Name, err)
		}
		if sas[sa.Name] {
			add("%s: %q is listed twice", field.NewPath("service_accounts").Index(i).Child("name"), sa.Name)
		}
		sas[sa.Name] = true
	}
	names := map[string]int{}
	for i, p := range cfg.Partitions {
		path := field.NewPath("partitions").Index(i)
		if err := dnsLabel(p.Name); err != "" {
			add("%s.name: %q %s", path, p.Name, err)
		} else if len("compute-plane-"+p.Name) > 63 {
			add("%s.name: %q is too long: compute-plane-<name> must fit in 63 characters", path, p.Name)
		}
		if j, dup := names[p.Name]; dup {
			add("%s.name: %q is already the name of partitions[%d]", path, p.Name, j)
		}
		names[p.Name] = i
		checkWorkload(path, p.Workload)
		errs = append(errs, cfg.validateScaling(path.String(), &p)...)
		if p.SocketType != UnixDomainSocket && p.SocketType != TCP {
			add("%s.socket_type: %q must be %q or %q", path, p.SocketType, UnixDomainSocket, TCP)
		}
		if p.ReservedPods < 0 || p.MaxPods < 1 || p.ReservedPods > p.MaxPods {
			add("%s: reserved_pods %d and max_pods %d must satisfy 0 <= reserved_pods <= max_pods and max_pods >= 1", path, p.ReservedPods, p.MaxPods)
		}
		if *p.Priority < 0 {
			add("%s.priority: %d must be >= 0", path, *p.Priority)
		}
		if p.PreemptionPercentage < 0 || p.PreemptionPercentage > 100 {
			add("%s.preemption_percentage: %d is not in 0-100", path, p.PreemptionPercentage)
		}
		if g := *p.TerminationGracePeriodSeconds; g < 0 {
			add("%s.termination_grace_period_seconds: %d must be >= 0", path, g)
		}
		if u := *p.RunAsUser; u < -1 {
			add("%s.run_as_user: %d must be a user id, or -1 to keep the image's user", path, u)
		}
		checkImage(path.Child("polling_agent", "image"), p.PollingAgent.Image)
		if err := dnsLabel(p.Worker.Name); err != "" {
			add("%s.worker.name: %q %s", path, p.Worker.Name, err)
		} else if p.Worker.Name == agentContainer {
			add("%s.worker.name: %q is the polling agent's container", path, p.Worker.Name)
		}
		checkImage(path.Child("worker", "image"), p.Worker.Image)
		if !slices.Contains(Runtimes, p.Worker.Runtime) {
			add("%s.worker.runtime: %q must be one of %s", path, p.Worker.Runtime, strings.Join(Runtimes, ", "))
		}
		containers := map[string]string{agentContainer: "the polling agent", p.Worker.Name: "the worker"}
		for j, sc := range p.Sidecars {
			sp := path.Child("sidecars").Index(j)
			if err := dnsLabel(sc.Name); err != "" {
				add("%s.name: %q %s", sp, sc.Name, err)
			} else if what, dup := containers[sc.Name]; dup {
				add("%s.name: %q is already the name of %s", sp, sc.Name, what)
			}
			containers[sc.Name] = fmt.Sprintf("sidecars[%d]", j)
			checkImage(sp.Child("image"), sc.Image)
		}
	}
	for i, p := range cfg.Partitions {
		seen := map[string]bool{}
		for j, parent := range p.ParentPartitionIDs {
			pp := field.NewPath("partitions").Index(i).Child("parent_partition_ids").Index(j)
			switch _, ok := names[parent]; {
			case parent == p.Name:
				add("%s: %q is the partition itself", pp, parent)
			case !ok:
				add("%s: %q is not a partition", pp, parent)
			case seen[parent]:
				add("%s: %q is listed twice", pp, parent)
			}
			seen[parent] = true
		}
	}
	for _, cycle := range parentCycles(cfg.Partitions) {
		add("%s: the parents form a cycle (%s): a partition cannot inherit from itself",
			field.NewPath("partitions").Index(names[cycle[0]]).Child("parent_partition_ids"), strings.Join(cycle, " -> "))
	}
	if _, ok := names[cfg.DefaultPartition]; !ok {
		add("default_partition: %q is not a partition (partitions: %s)", cfg.DefaultPartition, strings.Join(partitionNames(cfg.Partitions), ", "))
	}
	if !cfg.Front.Disabled {
		checkImage(field.NewPath("front", "image"), cfg.Front.Image)
		checkWorkload(field.NewPath("front"), cfg.Front.Workload)
	}
	errs = append(errs, cfg.validatePodSecurity()...)
	errs = append(errs, cfg.validateAuth()...)
	errs = append(errs, cfg.validateFront()...)
	errs = append(errs, cfg.validateElastic()...)
	return joinErrors(errs)
}

// validateVersion checks the version keys of a defaulted configuration, what the version
// cannot do, and the upgrade guard: a change of version across one of Core's documented
// database migrations needs acknowledge_migration set to the new version.
func (cfg *Config) validateVersion() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if cfg.AcknowledgeMigration != "" {
		if _, err := versions.Lookup(cfg.AcknowledgeMigration); err != nil {
			add("acknowledge_migration: %v", err)
		}
	}
	rel, err := versions.Lookup(cfg.Version)
	if err != nil {
		add("version: %v", err)
		return errs
	}
	core := rel.Core
	if !core.InitServices {
		if cfg.Init.Disabled {
			add("init.disabled: Core %s cannot insert the partitions itself (InitServices comes with Core 0.35.0): keep the init Job, which inserts them with mongosh", core.Core)
		}
		for i, p := range cfg.Partitions {
			if p.NodeCache.Path != "" {
				add("partitions[%d].node_cache: Core %s has no cache eviction (Pollster__CacheEvictionThreshold comes with Core 0.37.0), so a node cache would only grow: remove it, or choose armonik.version 2.23.0 or later", i, core.Core)
			}
		}
	}
	prev, source := cfg.previous()
	if prev == "" || prev == cfg.Version {
		return errs
	}
	from, err := versions.Lookup(prev)
	if err != nil {
		if cfg.UpgradeFrom != "" {
			add("upgrade_from: %v", err)
		}
		return errs
	}
	migrations := corerules.MigrationsBetween(from.Core.Core, core.Core)
	if len(migrations) == 0 || cfg.AcknowledgeMigration == cfg.Version {
		return errs
	}
	direction := "upgrading"
	if corerules.Less(core.Core, from.Core.Core) {
		direction = "downgrading"
	}
	for _, m := range migrations {
		add("version: %s from %s (deployed, from %s) to %s crosses Core's database migration %s: %s (%s). Do it, then set acknowledge_migration: %q",
			direction, from.Describe(), source, rel.Describe(), m.Title, m.Summary, m.Source, cfg.Version)
	}
	if direction == "downgrading" {
		add("version: a downgrade across a migration needs the database of the older version: restore the backup taken before the upgrade, then acknowledge it")
	}
	if cfg.UpgradeFrom == "" {
		errs[len(errs)-1] = fmt.Errorf("%w (if that synthesis was never deployed, set upgrade_from: %q)", errs[len(errs)-1], cfg.Version)
	}
	return errs
}

// spec converts the settings into the autoscaler's (metadata and target are set by the caller).
func (as *Autoscaling) spec() *k8s.AutoscalerSpec {
	return &k8s.AutoscalerSpec{
		MinReplicas: as.MinReplicas, MaxReplicas: as.MaxReplicas,
		CPUUtilization: as.CPUUtilization, MemoryUtilization: as.MemoryUtilization,
		Pods: as.Pods, External: as.External, ScaleUp: as.ScaleUp, ScaleDown: as.ScaleDown,
	}
}

// parentCycles returns each cycle of parent partitions (longer than one: a partition that is
// its own parent is reported alone), once, starting at its first partition in declaration
// order.
func parentCycles(ps []Partition) [][]string {
	parents := map[string][]string{}
	order := map[string]int{}
	for i, p := range ps {
		parents[p.Name] = p.ParentPartitionIDs
		order[p.Name] = i
	}
	var cycles [][]string
	reported := map[string]bool{}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range parents[n] {
			if _, known := order[m]; !known || m == n {
				continue
			}
			switch color[m] {
			case grey:
				i := slices.Index(stack, m)
				cycle := append([]string(nil), stack[i:]...)
				// Start at the partition declared first, so the message is stable.
				first := 0
				for k, c := range cycle {
					if order[c] < order[cycle[first]] {
						first = k
					}
				}
				cycle = append(cycle[first:], cycle[:first]...)
				key := strings.Join(slices.Sorted(slices.Values(cycle)), ",")
				if !reported[key] {
					reported[key] = true
					cycles = append(cycles, append(cycle, cycle[0]))
				}
			case white:
				visit(m)
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, p := range ps {
		if color[p.Name] == white {
			visit(p.Name)
		}
	}
	return cycles
}

func partitionNames(ps []Partition) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
