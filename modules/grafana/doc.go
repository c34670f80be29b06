// Package grafana deploys Grafana with a Prometheus data source and ArmoniK's dashboards, which
// are written for this project (dashboards/*.json, embedded) from the metrics the ArmoniK
// metrics exporter, Prometheus and the exporters of this repository serve.
//
//	g, err := grafana.New(stack, "grafana", grafana.Config{
//		Namespace: ns, PrometheusURL: "http://prometheus.armonik.svc.cluster.local:9090",
//	})
//	// list g.ExporterOutputs in ArmoniK's metrics layer
//
// The data source is a plain URL (Config.PrometheusURL): the stack's Prometheus module, or one
// the cluster already runs.
//
// # Dashboards
//
//   - ArmoniK / Tasks (armonik-tasks.json): queued, processing, completed and failed tasks;
//     queued tasks and tasks by status per partition; throughput (growth of the completed
//     gauge); errors and retries; the scrape targets' up.
//   - ArmoniK / Partitions and pods (armonik-partitions.json, needs kube-state-metrics): queued
//     tasks against the available pods of each partition's Deployment compute-plane-<p>;
//     processing tasks (one per busy polling agent); desired and available pods per
//     Deployment; pods by phase; restarts.
//   - ArmoniK / MongoDB (mongodb.json, needs the MongoDB exporter): up, uptime, connections,
//     operations per second, resident memory.
//   - ArmoniK / Nodes (nodes.json, needs node-exporter): CPU, memory, load, disk space,
//     network.
//
// The exporter's gauges are named after the partition (ArmoniKMeter.cs, EmitGauge:
// armonik_<partition>_tasks_<status>, every '-' replaced by '_'), so the per-partition panels
// select them with {__name__=~"armonik_.+_tasks_<status>"} and turn the name into a partition
// label with label_replace: they follow the partitions without being regenerated. The exporter
// serves submitted, dispatched, processing and queued always, other statuses only when
// MetricsExporter__Metrics lists them (Control/Metrics/src/Options/MetricsExporter.cs):
// ExporterOutputs sets it to completed,error,retried, the list Core's own deployment uses
// (terraform/variables.tf, custom_env_vars); a user who sets MetricsExporter__Metrics in the
// metrics layer too gets a conflict naming both (use the metrics override instead). A test
// parses every query and checks each metric name against those facts and SourceMetrics. A
// dashboard whose sources are not deployed (Config.Sources) is not provisioned.
//
// # What is deployed
//
//   - Deployment <name> (Recreate: one ReadWriteOnce claim): grafana/grafana:12.3.0 (ArmoniK
//     2.23's pin). The image (Dockerfile: ARG GF_UID=472, GF_GID=0; GF_PATHS_DATA
//     /var/lib/grafana, GF_PATHS_PROVISIONING /etc/grafana/provisioning) runs as 472:0; the pod
//     sets fsGroup 472 for the claim. Environment (Grafana's GF_<SECTION>_<KEY> overrides):
//     GF_SECURITY_ADMIN_USER and GF_SECURITY_ADMIN_PASSWORD from the Secret, sign-up and
//     anonymous access off, no usage reports, update checks or news feed (no call to
//     grafana.com), console logs, the tasks dashboard as home; with SubPath, GF_SERVER_ROOT_URL
//     and GF_SERVER_SERVE_FROM_SUB_PATH. Probes GET <sub path>/api/health on 3000. Every
//     capability dropped, no privilege escalation, RuntimeDefault seccomp, no service-account
//     token.
//   - PersistentVolumeClaim <name>-data (default 2Gi) at /var/lib/grafana (users, preferences).
//   - Secret <name>-admin: username (default admin) and password (random_password).
//     Upstream's Grafana had no password by default (authentication false).
//   - ConfigMap <name>-provisioning: datasources.yaml (Prometheus, uid "prometheus", default,
//     not editable) and dashboards.yaml (a file provider on the dashboards, folder ArmoniK, UI
//     changes refused), mounted file by file under /etc/grafana/provisioning.
//   - ConfigMap <name>-dashboards: the provisioned dashboard files, at /var/lib/grafana-dashboards.
//   - Service <name> (Config.Service: ClusterIP on 3000 by default; NodePort or LoadBalancer
//     only when asked); with Config.Ingress, an Ingress routing SubPath (the stack: /grafana
//     on ArmoniK's ingress host) to it.
//   - NetworkPolicy <name>: only Config.UIClients reach 3000 from inside the cluster (add your
//     ingress controller's pods when publishing it); kubectl port-forward is never refused.
//     Grafana's own requests to Prometheus must be admitted by Prometheus' policy (its pods
//     match Config.Selector()).
//
// # Opening the UI
//
//	kubectl -n <namespace> port-forward svc/grafana 3000:3000
//	# http://localhost:3000, user admin, password:
//	kubectl -n <namespace> get secret grafana-admin -o jsonpath='{.data.password}' | base64 -d
package grafana
