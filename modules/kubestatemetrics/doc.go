// Package kubestatemetrics deploys kube-state-metrics limited to ArmoniK's namespace: the
// desired and available replicas of every Deployment (so the pods of each partition,
// compute-plane-<partition>) and the pods' phases and restarts, for the Grafana dashboard
// "ArmoniK / Partitions and pods".
//
//	ksm, err := kubestatemetrics.New(stack, "kube-state-metrics", kubestatemetrics.Config{
//		Namespace: ns, Namespaces: []string{"armonik"},
//	})
//
// # What is deployed
//
//   - ServiceAccount <name> (token mounted: it watches the API).
//   - Role and RoleBinding <namespace>-<name> in each measured namespace: list and watch on the
//     measured kinds only (default deployments and pods). kube-state-metrics runs in its
//     namespaced mode (--namespaces, --resources), which needs no ClusterRole (its README,
//     "Limited privileges environment"); its standard example grants list/watch on about
//     twenty kinds cluster-wide.
//   - Deployment <name>: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0, ports
//     8080 (metrics) and 8081 (telemetry), probes /livez on 8080 and /readyz on 8081, user
//     65534, read-only root filesystem, every capability dropped: as the project's
//     examples/standard/deployment.yaml and Dockerfile (USER nobody).
//   - Service <name> (ClusterIP 8080) and a static scrape target on it.
//   - NetworkPolicy <name>: only the scrapers (the stack's Prometheus) reach 8080.
//
// The metrics the dashboards read: kube_deployment_status_replicas_available,
// kube_deployment_spec_replicas (internal/store/deployment.go), kube_pod_status_phase,
// kube_pod_container_status_restarts_total (internal/store/pod.go).
package kubestatemetrics
