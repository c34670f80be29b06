// Package armonik is the ArmoniK construct: it consumes the AEP 5 outputs of the external
// modules (queue, table store, object store, shared storage...) per layer, merges them per
// container with constructs/outputs, and renders ArmoniK's Kubernetes objects through
// constructs/k8s.
//
//	a, err := armonik.New(stack, "armonik", armonik.Config{
//		Namespace: ns,
//		Layers:    armonik.Layers{Core: []outputs.ModuleOutputs{queue, mongo, redis}, Worker: []outputs.ModuleOutputs{shared}},
//		Partitions: []armonik.Partition{{Name: "default"}},
//	})
//
// # Versions
//
// Config.Version (armonik.version) is a row of constructs/armonik/versions: 2.22.3 (Core
// 0.34.5), 2.23.0 (Core 0.37.2, the default) or core-0.40.1 (Core 0.40.1 with 2.23.0's GUI and
// worker). It sets the default tag of every image (each Image setting still overrides its own),
// the Core rule table (corerules) every container is checked against, the user of Core's images
// (5000 before Core 0.36, 1654 after), what Core reads (InitServices__* from 0.35,
// Pollster__CacheEvictionThreshold from 0.37), the init Job (mongosh before 0.35, dbinit.go)
// and the control plane's readiness probe (0.40.1). UpgradeFrom, or Deployed (the previous
// synthesis, set by the app), is the version deployed before: a change across a step of Core's
// migration guide (corerules.Migrations) is refused until AcknowledgeMigration names the new
// version. ArmoniK.VersionReport, the head of Explain, says all of it.
//
// # Components and objects
//
//   - init: Job "init" (control-plane image) with InitServices__* and the partition
//     definitions InitServices__Partitioning__Partitions__<i>, built from Config.Partitions;
//     the control plane and compute planes depend on it. Init.Disabled drops it: the control
//     plane and polling agents then initialise the services and the control plane receives
//     the partitions (as upstream). With Core < 0.35 (no InitServices), the Job runs mongosh
//     (the official mongo image) on MongoDB's connection string and writes the partitions,
//     roles, users and certificates as Core 0.34.5 reads them (dbinit.go); it cannot be
//     disabled.
//   - control-plane: Deployment + Service (default ClusterIP 5001 -> 1080; Headless option),
//     ports 1080 (gRPC) and 1081 (health, metrics), liveness /liveness:1081 (15/5/1/1),
//     startup /startup:1081 (1/3/1/20), and with Core 0.40.1 readiness /readiness:1081 (-/5/1/3).
//   - compute-plane-<partition>: one Deployment per partition; container polling-agent
//     (port 1080, liveness 15/10/10/3, startup 1/3/1/20, optional readiness), the worker
//     container (Partition.Worker, one per pod), probed on the agent's port, and the
//     partition's sidecars; /cache/shared (emptyDir,
//     optionally in memory with a size limit) in every container, /cache/internal (emptyDir or
//     a hostPath) in the agent; channel env for Unix sockets or TCP; pod user 5000 by default.
//   - metrics-exporter: Deployment + Service 9419 -> 1080.
//   - admin-gui: Deployment + Service (ClusterIP 1080), node selector and tolerations honoured
//     (upstream forgot the selector). AdminGUI.Disabled drops it.
//   - front (on by default, front.go): the front door, an unprivileged nginx routing gRPC to the
//     control plane and /admin to the GUI, with TLS (generated certificates), optional mutual
//     TLS forwarding the client certificate's CN and fingerprint in Core's headers, exposed as a
//     LoadBalancer (or NodePort, ClusterIP) Service; and the stack outputs clients need
//     (control_plane_url, admin_gui_url, ca_certificate, client_certificates).
//   - Authentication data (auth.go): users, roles and client certificates, rendered as the init
//     Job's InitServices__Authentication__* variables.
//   - Ingress (off by default): two kubernetes_ingress_v1, "armonik-grpc" (/armonik. to the
//     control plane) and "armonik-gui" (/admin), sharing class, host and TLS Secret; each may
//     carry its own annotations (a controller needs to be told the gRPC backend speaks HTTP/2).
//     It is the option for a cluster that runs an ingress controller already.
//   - Autoscaling (per component, per partition): kubernetes_horizontal_pod_autoscaler_v2 with
//     CPU/memory utilization and pods/external metrics passed through (e.g. the queue length
//     armonik_<partition>_tasks_queued served by a metrics adapter). The Deployment then sets
//     no replicas and ignores changes to spec[0].replicas, so plans stay empty while the
//     autoscaler scales (upstream's HPA and Deployment diffed on every apply).
//   - Queue-length scaling (Partition.Scaling): a KEDA ScaledObject compute-plane-<partition>
//     (kubernetes_manifest) with a prometheus trigger on the partition's queued-task gauge, from
//     min_replicas (0 allowed) to max_replicas; see "Elastic compute" below.
//   - pod-deletion-cost: the updater Deployment with its ServiceAccount, Role (get and patch
//     pods) and RoleBinding, whenever a partition scales and Config.Metrics is set.
//   - PriorityClasses (opt-in): one per distinct partition priority, and <prefix>system
//     (default value 1000000, above every partition's) for every other pod: the control plane,
//     the metrics exporter, the init Job, the admin GUI, the front door, the pod-deletion-cost
//     updater (a stack creates it first with NewSystemPriorityClass and gives it to the
//     in-cluster storage too).
//   - a PodDisruptionBudget control-plane (default max_unavailable 1: drains evict one pod at a
//     time and still evict a single one; ControlPlane.DisruptionBudget).
//   - ServiceAccounts listed in Config.ServiceAccounts are created (cloud identities are their
//     annotations); components run as the one Workload.ServiceAccount names.
//
// Security: every container runs without privilege escalation, with every capability dropped
// (a superset of upstream's SYS_PTRACE drop on the polling agent), as non-root with its
// image's user (the version's for the Core images, 1654 or 5000; 5000 for the GUI and, as the pod user, for the compute
// plane so agent and workers share their sockets), under the RuntimeDefault seccomp profile;
// Secret and ConfigMap mounts are read-only; the API token is not mounted
// (Workload.AutomountToken turns it on). Workload.DisableSecurityContext removes the
// defaults from one component. Resources, node selectors (with matching tolerations),
// tolerations, pod annotations, image pull secrets and the service account are applied to
// every component by one function.
//
// Every pod template carries app.kubernetes.io/part-of=armonik and
// app.kubernetes.io/component=<component> (compute planes also armonik.aneo.fr/partition),
// and the annotation armonik.aneo.fr/config-hash, computed by Terraform at plan time from the
// rendered env and mounts and from the data of the Secrets and ConfigMaps the pod references,
// so pods roll when their configuration changes, and only then.
//
// # Precedence (lowest first)
//
//	control-plane       defaults, armonik, core, log, control, override
//	polling agent (p)   defaults, armonik, core, log, compute, polling, partition p polling, override
//	worker of p         defaults, armonik, log, compute, worker, partition p worker, override (never core)
//	sidecar s of p      defaults (log levels), log, partition p sidecar s (no channel, no storage)
//	metrics-exporter    defaults, core, log, metrics, override
//	init                defaults, armonik, core, jobs, override
//
// "defaults" holds ArmoniK's built-in values (Serilog levels, Authenticator__*, the polling
// agent's tuning such as Amqp__LinkCredit=2, target_data_path): any later layer may replace
// them, and explain records "replaces default". "armonik" holds the values ArmoniK derives from
// the configuration (partition ids, channel addresses, InitServices__*, the default
// partition, the cache volumes): like every modules layer, it conflicts with any module setting
// the same name. A name set by two modules of the modules layers is an error naming both, the
// name and the container. "override" is Config.Overrides.<component>: it replaces anything,
// on purpose, and explain records it. Workers never receive the core layer, so storage
// credentials never reach user code.
//
// # Required adapters
//
// The init Job, the control plane and every polling agent must receive a queue
// (Components__QueueAdaptorSettings__ClassName or the legacy Components__QueueStorage), a
// table store (Components__TableStorage) and an object store
// (Components__ObjectStorageAdaptorSettings__ClassName or Components__ObjectStorage); the
// metrics exporter a table store. A missing one is an error naming the container and the
// layer to add a module to (upstream only found out at run time).
//
// # Elastic compute
//
// Partition.Scaling scales a partition on the length of its own queue with KEDA (scaling.go):
// the ScaledObject's prometheus trigger queries Config.Metrics (an outputs.MetricsSource: the
// in-cluster modules/prometheus or an existing Prometheus) for
// max(armonik_<partition>_tasks_queued{namespace="<namespace>"}), the gauge of Core's metrics
// exporter (Control/Metrics/src/ArmoniKMeter.cs: queued counts submitted, dispatched and
// processing tasks, and '-' becomes '_'). The Deployment starts at min_replicas and ignores
// later changes of its replicas (KEDA owns them). Core's partition bounds follow the scaler:
// reserved_pods defaults to min_replicas and max_pods to max_replicas, and other values are an
// error. Scaling excludes replicas and autoscaling, and needs a metrics source; the CRDs of KEDA
// must exist when the stack is planned (modules/keda in an earlier stack, or KEDA already
// installed). The metrics exporter's Service carries prometheus.io/scrape, port (1080, the pods'
// port) and path annotations.
//
// Sparing busy pods, from Core 0.37.2's own shutdown (scaling.go, graceDelay and
// workerPreStop):
//   - the pod-deletion-cost updater (ArmoniK.Infra.Plugins pdc-update 0.3.0) annotates each
//     compute-plane pod with controller.kubernetes.io/pod-deletion-cost from its agent's
//     TaskStartTime_Seconds, so scale-downs remove idle pods first; the pods of scaled partitions
//     carry prometheus.io annotations for their agent's /metrics;
//   - on SIGTERM the polling agent stops acquiring at once and lets the running task go on for
//     Pollster__GraceDelay, then cancels and requeues it (Common/src/Utils/ExceptionManager.cs,
//     TaskHandler.ExecuteTask); GraceDelay defaults to half the partition's
//     termination_grace_period_seconds (the agent's host gets twice GraceDelay to stop);
//   - the worker's preStop hook waits while the agent's socket exists (Core deletes it when
//     the agent stops: Common/src/Pollster/AgentHandler.cs), so the worker keeps serving the
//     task; it runs /bin/sh, which ArmoniK's dynamic and DLL worker images have: it is on by
//     default for those runtimes, off for a custom image unless Worker.WaitForAgent is true
//     (false drops it for any runtime); TCP partitions (no socket file) and sidecars have none.
//
// # Wait switch
//
// Config.Wait (default true) drives wait_for_rollout of every Deployment and
// wait_for_completion of the init Job. An API server without nodes never satisfies them: set
// it to false there.
package armonik
