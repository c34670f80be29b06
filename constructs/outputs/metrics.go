package outputs

// MetricsSource is a Prometheus HTTP API that consumers query: KEDA's prometheus triggers and
// the pod-deletion-cost updater of the ArmoniK construct, Grafana's data source. It is not an
// AEP 5 output (it feeds no container's environment): a module that stores metrics implements
// it (modules/prometheus), and so does a plain URL for a Prometheus the cluster already runs
// (prometheus.External).
type MetricsSource interface {
	// MetricsSourceName names the source in errors and explain ("prometheus", "external").
	MetricsSourceName() string
	// PrometheusURL is the base URL of the Prometheus HTTP API as pods of the cluster reach
	// it, without a trailing slash: queries go to PrometheusURL()+"/api/v1/query".
	PrometheusURL() string
}
