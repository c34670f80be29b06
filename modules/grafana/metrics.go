package grafana

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// dashboardFiles are the dashboards, written for this project from the metrics listed below.
//
//go:embed dashboards/*.json
var dashboardFiles embed.FS

// Source is what serves a metric to Prometheus.
type Source string

// The sources the dashboards read.
const (
	// SourceArmoniK is ArmoniK's metrics exporter (Core 0.37.2 Control/Metrics).
	SourceArmoniK Source = "armonik-metrics-exporter"
	// SourcePrometheus is Prometheus itself: the up series of every scrape target.
	SourcePrometheus Source = "prometheus"
	// SourceNodeExporter is modules/nodeexporter.
	SourceNodeExporter Source = "node-exporter"
	// SourceMongoDBExporter is modules/mongodbexporter.
	SourceMongoDBExporter Source = "mongodb-exporter"
	// SourceKubeStateMetrics is modules/kubestatemetrics.
	SourceKubeStateMetrics Source = "kube-state-metrics"
)

// Dashboard is one provisioned dashboard: its file and the sources its queries read. A
// dashboard is provisioned only when its sources are deployed (Config.Sources).
type Dashboard struct {
	File    string
	Sources []Source
}

// Dashboards lists every dashboard of the module.
var Dashboards = []Dashboard{
	{File: "armonik-tasks.json", Sources: []Source{SourceArmoniK, SourcePrometheus}},
	{File: "armonik-partitions.json", Sources: []Source{SourceArmoniK, SourceKubeStateMetrics}},
	{File: "mongodb.json", Sources: []Source{SourceMongoDBExporter}},
	{File: "nodes.json", Sources: []Source{SourceNodeExporter}},
}

// DashboardJSON returns the content of a dashboard file.
func DashboardJSON(file string) ([]byte, error) { return dashboardFiles.ReadFile("dashboards/" + file) }

// TaskStatuses are the task statuses of Core 0.37.2 (Common/src/Storage/TaskStatus.cs, without
// Unspecified), lower-cased as the exporter names them, plus "queued", which the exporter
// computes (submitted + dispatched + processing).
var TaskStatuses = []string{
	"creating", "submitted", "dispatched", "completed", "error", "timeout", "cancelling", "cancelled",
	"processing", "processed", "retried", "pending", "paused", "queued",
}

// AlwaysExported are the statuses the exporter always serves: "queued" and the statuses it is
// computed from (ArmoniKMeter.cs, ComputedStatuses; Options/MetricsExporter.cs).
var AlwaysExported = []string{"submitted", "dispatched", "processing", "queued"}

// DashboardStatuses are the statuses the dashboards show beyond AlwaysExported: the exporter
// serves them only when MetricsExporter__Metrics lists them (Options/MetricsExporter.cs). Core's
// own deployment sets the same list (terraform/variables.tf, custom_env_vars).
var DashboardStatuses = []string{"completed", "error", "retried"}

// ExporterMetricsEnv is the variable, and ExporterMetrics its value, that make ArmoniK's
// metrics exporter serve DashboardStatuses: Module.ExporterOutputs gives it to the metrics
// layer.
const ExporterMetricsEnv = "MetricsExporter__Metrics"

// ExporterMetrics is the value of ExporterMetricsEnv.
var ExporterMetrics = strings.Join(DashboardStatuses, ",")

// ArmoniKMetrics are the names the metrics exporter serves for the given partitions and
// statuses (ArmoniKMeter.cs, EmitGauge): armonik_tasks_<status> over every partition and
// armonik_<partition>_tasks_<status> per partition, every '-' of the text then replaced by '_'.
func ArmoniKMetrics(partitions, statuses []string) []string {
	var out []string
	for _, s := range statuses {
		out = append(out, "armonik_tasks_"+s)
		for _, p := range partitions {
			out = append(out, strings.ReplaceAll("armonik_"+p+"_tasks_"+s, "-", "_"))
		}
	}
	slices.Sort(out)
	return out
}

// SourceMetrics are the names each other source serves that the dashboards read, with where
// each comes from:
//
//   - prometheus: up, one series per scrape target (Prometheus' synthetic series).
//   - node-exporter v1.10.2: node_cpu_seconds_total (collector/cpu_common.go),
//     node_memory_MemAvailable_bytes and node_memory_MemTotal_bytes (collector/meminfo_linux.go),
//     node_load1 (collector/loadavg.go), node_filesystem_avail_bytes and
//     node_filesystem_size_bytes (collector/filesystem_common.go),
//     node_network_receive_bytes_total and node_network_transmit_bytes_total
//     (collector/netdev_common.go).
//   - mongodb_exporter 0.48.0: mongodb_up (exporter/general_collector.go); with the
//     diagnosticdata collector, serverStatus flattened as mongodb_ss_* (exporter/metrics.go:
//     serverStatus becomes ss, connections.* the conn_type label, opcounters.* the
//     legacy_op_type label): mongodb_ss_connections, mongodb_ss_opcounters,
//     mongodb_ss_mem_resident (MiB), mongodb_ss_uptime.
//   - kube-state-metrics v2.20.0: kube_deployment_status_replicas_available and
//     kube_deployment_spec_replicas (internal/store/deployment.go), kube_pod_status_phase and
//     kube_pod_container_status_restarts_total (internal/store/pod.go).
var SourceMetrics = map[Source][]string{
	SourcePrometheus: {"up"},
	SourceNodeExporter: {
		"node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_load1",
		"node_filesystem_avail_bytes", "node_filesystem_size_bytes",
		"node_network_receive_bytes_total", "node_network_transmit_bytes_total",
	},
	SourceMongoDBExporter: {"mongodb_up", "mongodb_ss_connections", "mongodb_ss_opcounters", "mongodb_ss_mem_resident", "mongodb_ss_uptime"},
	SourceKubeStateMetrics: {
		"kube_deployment_status_replicas_available", "kube_deployment_spec_replicas",
		"kube_pod_status_phase", "kube_pod_container_status_restarts_total",
	},
}

// PartitionVariable is the dashboards' custom variable listing ArmoniK's partitions.
const PartitionVariable = "partition"

// MetricPartition is the partition's name as the exporter writes it in its metric names
// (ArmoniKMeter.cs: every '-' of the name replaced by '_'), the same as the KEDA ScaledObject's
// query (constructs/armonik scaling.go).
func MetricPartition(partition string) string { return strings.ReplaceAll(partition, "-", "_") }

// PartitionOptions is the query of the partition variable: "name : metric name" pairs
// separated by commas (a Grafana custom variable whose option text is the partition name and
// whose value is its name in the metric names), so ${partition} in a metric name and
// ${partition:text} in a Deployment name select the same partition.
func PartitionOptions(partitions []string) string {
	var pairs []string
	for _, p := range partitions {
		pairs = append(pairs, p+" : "+MetricPartition(p))
	}
	return strings.Join(pairs, ",")
}

// WithPartitions returns the dashboard with its partition variable (if it has one) listing
// partitions; a dashboard without one is returned as it is.
func WithPartitions(dashboard []byte, partitions []string) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(dashboard, &d); err != nil {
		return nil, err
	}
	templating, _ := d["templating"].(map[string]any)
	list, _ := templating["list"].([]any)
	found := false
	for _, v := range list {
		if v, ok := v.(map[string]any); ok && v["name"] == PartitionVariable {
			if v["type"] != "custom" {
				return nil, fmt.Errorf("variable %s is of type %v, want custom", PartitionVariable, v["type"])
			}
			v["query"] = PartitionOptions(partitions)
			found = true
		}
	}
	if !found {
		return dashboard, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// promString and the rest tokenize PromQL enough to find metric names: an identifier that is
// not a function call, a keyword, or a label of by/without/on/ignoring.
var (
	promString  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promRange   = regexp.MustCompile(`\[[^\]]*\]`)
	promGroup   = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promMatcher = regexp.MustCompile(`\{[^}]*\}`)
	promName    = regexp.MustCompile(`__name__\s*=~\s*"((?:[^"\\]|\\.)*)"`)
	promIdent   = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	promKeyword = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "by": true, "without": true}
)

// QueryMetrics returns the metric names a PromQL query reads and its __name__ regular
// expressions (the dashboard tests check them against what the stack's Prometheus scrapes).
// Variables must be expanded first.
func QueryMetrics(expr string) (names, regexes []string) {
	for _, m := range promName.FindAllStringSubmatch(expr, -1) {
		regexes = append(regexes, m[1])
	}
	s := promMatcher.ReplaceAllString(expr, " ")
	s = promString.ReplaceAllString(s, " ")
	s = promRange.ReplaceAllString(s, " ")
	s = promGroup.ReplaceAllString(s, " ")
	for _, loc := range promIdent.FindAllStringIndex(s, -1) {
		id := s[loc[0]:loc[1]]
		if loc[0] > 0 && (s[loc[0]-1] >= '0' && s[loc[0]-1] <= '9' || s[loc[0]-1] == '.') {
			continue // the letters of a number (1e3) or a duration
		}
		rest := strings.TrimLeft(s[loc[1]:], " ")
		if strings.HasPrefix(rest, "(") || promKeyword[id] {
			continue
		}
		names = append(names, id)
	}
	return names, regexes
}
