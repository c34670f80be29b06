// Package modules holds what the storage modules share: the contract they follow and the
// Storage and TLS settings. Each module is its own package.
//
// In-cluster services (a workload, a Service, a NetworkPolicy, optional TLS):
//
//   - modules/activemq: the queue (ActiveMQ Classic, AMQP 1.0 on 5672), a Deployment.
//   - modules/rabbitmq: the queue (RabbitMQ 4.1, AMQP 1.0 on 5672), a StatefulSet; the same
//     keys as ActiveMQ, its own object names (AMQP 0-9-1 with Core 0.34.5's RabbitMQ adapter).
//   - modules/nats: the queue (NATS with JetStream on 4222, Core's NATS adapter, Core >= 0.36),
//     a StatefulSet.
//   - modules/mongodb: the table store (MongoDB, single-member replica set rs0), a StatefulSet.
//   - modules/redis: the object store (Redis), a Deployment.
//   - modules/minio: an S3 server (MinIO), a Deployment, in one of two roles: ArmoniK's object
//     store, or the workers' shared storage.
//
// Shared volumes (no workload):
//
//   - modules/nfs: the object store on NFS (Core's LocalStorage adapter): a static
//     PersistentVolume of an export, or a claim of an existing StorageClass, mounted through
//     mount_volume_claim.
//   - modules/hostpath: the workers' shared storage on a node directory (FileStorageType=FS,
//     read-only /data through mount_volume), for single-node clusters.
//
// Elastic compute (not AEP 5 modules: they feed no container's environment):
//
//   - modules/prometheus: an in-cluster Prometheus scraping ArmoniK, an outputs.MetricsSource
//     (its URL) for the ScaledObjects and the pod-deletion-cost updater; prometheus.External is
//     the same for an existing Prometheus.
//   - modules/keda: KEDA 2.19.0 from plain resources (operator, metrics API server, CRDs, RBAC),
//     for the armonik-platform stack.
//
// Endpoint-only modules (services created elsewhere; at most a Secret of credentials):
//
//   - modules/amazonmq: the queue on Amazon MQ (AMQPS).
//   - modules/sqs: the queue on Amazon SQS (IRSA).
//   - modules/pubsub: the queue on Google Cloud Pub/Sub (workload identity).
//   - modules/externalmongodb: the table store on MongoDB Atlas or any connection string.
//   - modules/elasticache: the object store on Amazon ElastiCache (Redis).
//   - modules/memorystore: the object store on Google Cloud Memorystore for Redis.
//   - modules/s3: the object store on Amazon S3 (IRSA).
//   - modules/gcs: the object store on Google Cloud Storage (S3 API, HMAC key; or Core's native
//     adapter from Core 0.39, api native).
//
// Observability (they give ArmoniK at most the keys that tracing and the dashboards need;
// docs/monitoring.md):
//
//   - modules/seq: the log store and UI (Seq), with a retention CronJob.
//   - modules/fluentbit: a DaemonSet shipping the containers' logs to Seq, stdout or CloudWatch.
//   - modules/grafana: Grafana, its Prometheus data source and ArmoniK's dashboards.
//   - modules/nodeexporter, modules/kubestatemetrics: exporters of the nodes and of the
//     namespace's Deployments and pods.
//   - modules/mongodbexporter: the MongoDB exporter, an AEP 5 consumer of the table store's
//     outputs.
//   - modules/otel: the OTLP endpoint of Core's traces (OTLP__Uri), an OpenTelemetry collector
//     and Jaeger.
//
// The exporters give scrape targets (ScrapeTarget) for a Prometheus; the observability
// modules share modules/internal/obs (labels part-of=armonik-monitoring, NetworkPolicies,
// validation).
//
// # The module contract
//
// Every module package has the same shape:
//
//	type Config struct{ ... }              // json and yaml tags in snake_case; each field documents its default
//	func (c Config) WithDefaults() Config  // fills every unset field with its default
//	func New(scope constructs.Construct, id string, cfg Config) (*Module, error)
//
// New applies the defaults, validates the whole configuration and returns every problem at once
// (errors.Join), each naming the module, the instance and the key, like
//
//	mongodb "mongodb": replicas: must be 1 (a single-member replica set)
//
// It never panics. Modules whose keys depend on the Core version ArmoniK runs (the AMQP queues,
// nats, gcs) take it in Config.Core (see modules/kit/version.go); a version that cannot use the
// module is a configuration problem naming the versions that can. It then creates the Kubernetes objects directly on scope (no wrapper
// construct), through constructs/k8s only, with construct ids prefixed by id (modules that
// create nothing take scope and id all the same). *Module implements
// outputs.ModuleOutputs: ModuleName is the instance name and Outputs are exactly the keys
// ArmoniK Core reads from that kind of service (armonik-reference §5), so the module is listed
// once in the ArmoniK construct's core layer (or, for the workers' shared storage, in the worker
// layer). *Module also exposes the created objects (Deployment, Service, Secrets...) and plain
// facts (host, port).
//
// # Conventions
//
//   - Names. Config.Name (default: the module kind) is a DNS-1035 label of at most 40 characters;
//     every Kubernetes object name derives from it (<name>, <name>-credentials, <name>-headless,
//     <name>-data...), so two instances never collide in one namespace (upstream's RabbitMQ
//     module reused ActiveMQ's Secret names).
//   - Namespace. Config.Namespace (set by the caller, never read from a file) is a created
//     namespace: objects are placed in it through its Terraform reference, and DNS names use its
//     display name: <service>.<namespace>.svc.<cluster_domain>, with cluster_domain configurable
//     (default cluster.local; upstream hard-coded svc.cluster.local). It is required by every
//     module that creates a namespaced object; endpoint-only modules need it only to create
//     their Secret, and sqs, s3, pubsub and hostpath have none.
//   - Credentials are generated (random_password, no special characters, so they fit in URLs),
//     stored only in the Terraform state and in Kubernetes Secrets (k8s.NewGeneratedSecret), and
//     stable across plans. Containers read them through secretKeyRef, or through Kubernetes
//     $(VAR) expansion in arguments; never as literals, never from a ConfigMap. A connection
//     string is a Secret entry built from the password's Terraform reference.
//   - Two sides. The server reads its own Secret, <name>-server. ArmoniK reads
//     <name>-credentials (MongoDB also <name>-connection), which holds the same values and is
//     created only after the server's workload (depends_on): with Wait, that is once the
//     service is ready, so ArmoniK's pods, which refer to the Secret, start after their storage
//     (upstream's polling agents could start before MongoDB, AK issue #867).
//   - Labels. Every object and pod template carries app.kubernetes.io/name=<kind>,
//     app.kubernetes.io/instance=<name>, app.kubernetes.io/component=<queue|table-storage|
//     object-storage|shared-storage> and app.kubernetes.io/part-of=armonik-storage (not
//     part-of=armonik, which marks ArmoniK's own pods). Selectors use name and instance.
//   - Security. Pods run as the non-root UID the image expects, without privilege escalation,
//     with every capability dropped and the RuntimeDefault seccomp profile; each package doc
//     says where an image forces otherwise.
//   - Persistence. Data lives on PersistentVolumeClaims whose size and StorageClass are
//     configurable (Storage). Deployments with a claim use the Recreate strategy (a
//     ReadWriteOnce claim cannot be shared by the old and new pod). StatefulSet claims are
//     deleted with the StatefulSet unless retained, so destroy leaves nothing.
//   - Wait (default true) drives wait_for_rollout. Claims never wait to be bound: with a
//     WaitForFirstConsumer StorageClass (kind, k3s) a claim binds only once its pod is
//     scheduled, which Terraform would never get to. An API server without nodes never
//     satisfies a rollout, so tests against one set Wait to false.
//   - Rolling on change. Pod templates carry the k8s.ConfigHashAnnotation over the data of the
//     Secrets and ConfigMaps they use, so pods restart when those change.
//   - NetworkPolicies. Every in-cluster module creates, unless Config.NetworkPolicy is false,
//     the NetworkPolicy <name> (k8s.NewNetworkPolicy): policy type Ingress on the instance's
//     pods, admitting only pods of the namespace labelled app.kubernetes.io/part-of=armonik
//     (every ArmoniK pod: init Job, control plane, compute planes with their polling agents and
//     workers, metrics exporter) on the ports its Service targets; MongoDB also admits its own
//     member. Other namespaces, other pods of the namespace and every other port are refused
//     wherever the CNI enforces NetworkPolicies; egress is untouched. A test builds ArmoniK with
//     the modules and checks every consumer's synthesized labels against each policy.
//   - TLS (modules.TLS, off by default) for ActiveMQ, RabbitMQ, MongoDB and Redis: the server
//     mounts the user's certificate Secret (cert, key, CA; never created here) and accepts TLS
//     only; ArmoniK gets the CA alone through mount_secret with items and mode 0444 at the
//     directory of TLS.CAPath, and the module's keys switch (Amqp__Scheme=AMQPS and
//     Amqp__CaPath, MongoDB__Tls=true and MongoDB__CAFile, Redis__Ssl=true and Redis__CaPath),
//     the CA key holding exactly the mounted file's path. Without TLS, AMQP, Redis, MongoDB and
//     MinIO are plain inside the namespace (Amqp__Scheme=AMQP, Redis__Ssl=false,
//     MongoDB__Tls=false, http:// endpoints).
//
// # Endpoint-only modules
//
// They take endpoints and create no workload. Credentials come either from an existing Secret
// of the namespace (Config.ExistingSecret and its key names), or from sensitive Terraform
// variables the module declares on the stack (k8s.NewSensitiveVariable): named
// <name>_<what> after the instance ('-' becomes '_'; amazonmq_user, amazonmq_password), type
// string, sensitive, not nullable, without default, so a plan fails until they are set
// (TF_VAR_<variable>, -var, a .tfvars file); the module puts them into the Secret
// <name>-credentials, so their values live only in the Terraform state and that Secret, and the
// synthesized configuration holds ${var.<variable>} in the Secret's data and nowhere else.
// ArmoniK reads either Secret with env_from_secret. Modules whose access is a cloud identity
// (sqs and s3 through IRSA, pubsub through GKE workload identity) create nothing and document
// the ServiceAccount annotation (eks.amazonaws.com/role-arn, iam.gke.io/gcp-service-account)
// and which ArmoniK components must run as it (armonik.Workload.ServiceAccount;
// armonik.Config.ServiceAccounts creates one with annotations).
package modules

import "github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"

// Storage is the PersistentVolumeClaim where an in-cluster service keeps its data.
type Storage struct {
	// Size is the requested capacity, a Kubernetes quantity such as "8Gi". Each module documents
	// its default.
	Size string `json:"size,omitempty" yaml:"size,omitempty"`
	// StorageClass is the StorageClass of the claim; "" (the default) uses the cluster's default
	// StorageClass.
	StorageClass string `json:"storage_class,omitempty" yaml:"storage_class,omitempty"`
}

// Availability keeps an in-cluster service up through voluntary disruptions and resource
// pressure: the PodDisruptionBudget of its pods, and their PriorityClass. Every in-cluster
// storage module embeds it (its keys sit beside the module's other settings).
type Availability struct {
	// DisruptionBudget is the PodDisruptionBudget <name> of the service's pods (default on,
	// max_unavailable 1: with one replica a node drain still evicts the pod, since nothing
	// else could let the drain finish; with more replicas at most one is evicted at a time).
	DisruptionBudget k8s.DisruptionBudget `json:"disruption_budget,omitempty" yaml:"disruption_budget,omitempty"`
	// PriorityClassName is the PriorityClass of the service's pods (default none; the stacks
	// set ArmoniK's system class when localhost.armonik.priority_classes is enabled, so that
	// workers never preempt the storage).
	PriorityClassName string `json:"priority_class_name,omitempty" yaml:"priority_class_name,omitempty"`
}
