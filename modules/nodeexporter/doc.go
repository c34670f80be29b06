// Package nodeexporter deploys the Prometheus node exporter as a DaemonSet: the CPU, memory,
// disks and network of every node, for the Grafana dashboard "ArmoniK / Nodes".
//
//	ne, err := nodeexporter.New(stack, "node-exporter", nodeexporter.Config{Namespace: agents})
//	// give ne.ScrapeTargets() to the Prometheus module
//
// # What is deployed
//
//   - DaemonSet <name>: prom/node-exporter:v1.10.2 (ArmoniK 2.23's pin) in the node's network
//     and process namespaces, the node's / mounted read-only at /host with HostToContainer
//     propagation and --path.rootfs=/host, as the project's README runs it (docker run
//     --net=host --pid=host -v /:/host:ro,rslave ... --path.rootfs=/host), listening on :9100
//     (its default, Dockerfile EXPOSE 9100). --collector.filesystem.mount-points-exclude keeps
//     the runtime's and kubelet's mounts out (collector/filesystem_common.go). Probes GET / on
//     9100. Tolerates every taint by default so that every node is measured.
//   - Service <name>, headless: its DNS name resolves to every exporter, whose address is its
//     node's. The scrape target (ScrapeTargets) is per pod (dns_sd_configs type A on that
//     name), so a Prometheus scrapes every node without Kubernetes API access.
//
// The metrics the dashboards read: node_cpu_seconds_total, node_memory_MemAvailable_bytes,
// node_memory_MemTotal_bytes, node_load1, node_filesystem_avail_bytes,
// node_filesystem_size_bytes, node_network_receive_bytes_total,
// node_network_transmit_bytes_total (see grafana.SourceMetrics for the collector files).
//
// # Security and Pod Security
//
// The image runs as nobody (Dockerfile USER nobody, 65534): the pod runs as 65534, non-root,
// with every capability dropped, no privilege escalation, a read-only root filesystem and the
// RuntimeDefault seccomp profile, no service-account token. Host network, host PID and a
// hostPath volume are forbidden by the Pod Security levels baseline and restricted, so it goes
// into the node agents' namespace, labelled privileged by the stack. A NetworkPolicy would not
// apply to pods in the node's network namespace: port 9100 of every node serves the metrics to
// whoever reaches the node, as with any node exporter; firewall it at the node level if needed.
package nodeexporter
