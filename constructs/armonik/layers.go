package armonik

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Layer names, as shown by explain and in errors.
const (
	LayerDefaults = "defaults"
	LayerArmoniK  = "armonik"
	LayerCore     = "core"
	LayerLog      = "log"
	LayerControl  = "control"
	LayerCompute  = "compute"
	LayerPolling  = "polling"
	LayerWorker   = "worker"
	LayerMetrics  = "metrics"
	LayerJobs     = "jobs"
	LayerOverride = "override"
)

// builtin is the module name of ArmoniK's own values, in both the defaults layer and the
// fixed "armonik" layer.
const builtin = "armonik"

// serilogOverrides are the categories whose level upstream lowers to Warning when the level is
// Information (Infra armonik/log-configmap.tf, read at 6295af76).
var serilogOverrides = []string{
	"Microsoft.AspNetCore.Hosting.Diagnostics",
	"Microsoft.AspNetCore.Routing.EndpointMiddleware",
	"Serilog.AspNetCore.RequestLoggingMiddleware",
	"Microsoft.AspNetCore.Routing",
	"Microsoft.AspNetCore.Server.Kestrel",
	"Grpc.AspNetCore.Server.ServerCallHandler",
	"Microsoft.Extensions.Diagnostics.HealthChecks",
	"Microsoft.AspNetCore.Authorization",
	"Microsoft.Extensions.Http.DefaultHttpClientFactory",
	"ArmoniK.Core.Common.Auth.Authentication.Authenticator",
}

// logDefaults are the log layer's built-in values (Infra armonik/log-configmap.tf).
func logDefaults(level string) map[string]string {
	env := map[string]string{"Serilog__MinimumLevel": level}
	quiet := level
	if level == "Information" {
		quiet = "Warning"
	}
	for _, c := range serilogOverrides {
		env["Serilog__MinimumLevel__Override__"+c] = quiet
	}
	return env
}

// coreDefaults are the core layer's built-in values (Infra armonik/core-configmap.tf).
func coreDefaults(a Authentication) map[string]string {
	return map[string]string{
		"Authenticator__RequireAuthentication": strconv.FormatBool(a.RequireAuthentication),
		"Authenticator__RequireAuthorization":  strconv.FormatBool(a.RequireAuthorization),
	}
}

// pollingDefaults are the polling agents' built-in tuning (Infra armonik/locals.tf,
// polling_all_aggregation).
func pollingDefaults() map[string]string {
	return map[string]string{
		"ComputePlane__MessageBatchSize": "1",
		"InitWorker__WorkerCheckRetries": "10",
		"InitWorker__WorkerCheckDelay":   "00:00:10",
		"Amqp__LinkCredit":               "2",
		"Pollster__GraceDelay":           "00:00:15",
	}
}

// workerDefaults are the workers' built-in values (Infra armonik/locals.tf,
// worker_all_aggregation). The shared-storage module adds FileStorageType and its keys.
func workerDefaults() map[string]string {
	return map[string]string{"target_data_path": "/data"}
}

// initFlags says whether a component initialises the database, object storage and queue
// itself (InitServices__*), which it does only when there is no init Job.
func initFlags(init, stopAfter bool) map[string]string {
	v := strconv.FormatBool(init)
	return map[string]string{
		"InitServices__InitDatabase":      v,
		"InitServices__InitObjectStorage": v,
		"InitServices__InitQueue":         v,
		"InitServices__StopAfterInit":     strconv.FormatBool(stopAfter),
	}
}

// partitionJSON is Core's partition definition (InitServices__Partitioning__Partitions__<i>),
// fields in Core's order.
type partitionJSON struct {
	PartitionId          string            `json:"PartitionId"`
	ParentPartitionIds   []string          `json:"ParentPartitionIds"`
	PodReserved          int               `json:"PodReserved"`
	PodMax               int               `json:"PodMax"`
	PreemptionPercentage int               `json:"PreemptionPercentage"`
	Priority             int               `json:"Priority"`
	PodConfiguration     map[string]string `json:"PodConfiguration"`
}

// partitionEnv returns InitServices__Partitioning__Partitions__<i> for every partition.
func partitionEnv(parts []Partition) map[string]string {
	env := map[string]string{}
	for i, p := range parts {
		parents := p.ParentPartitionIDs
		if parents == nil {
			parents = []string{}
		}
		var podConf map[string]string
		if len(p.PodConfiguration) > 0 {
			podConf = p.PodConfiguration
		}
		raw, _ := json.Marshal(partitionJSON{
			PartitionId: p.Name, ParentPartitionIds: parents, PodReserved: p.ReservedPods, PodMax: p.MaxPods,
			PreemptionPercentage: p.PreemptionPercentage, Priority: p.Priority, PodConfiguration: podConf,
		})
		env[fmt.Sprintf("InitServices__Partitioning__Partitions__%d", i)] = string(raw)
	}
	return env
}

// channelEnv is the agent-worker channel of a partition (Infra armonik/compute-plane.tf,
// compute_aggregation).
func channelEnv(socketType string) map[string]string {
	worker, agent := "/cache/shared/armonik_worker.sock", "/cache/shared/armonik_agent.sock"
	if socketType == TCP {
		worker, agent = "http://localhost:10667", "http://localhost:10666"
	}
	return map[string]string{
		"ComputePlane__WorkerChannel__Address":    worker,
		"ComputePlane__WorkerChannel__SocketType": socketType,
		"ComputePlane__AgentChannel__Address":     agent,
		"ComputePlane__AgentChannel__SocketType":  socketType,
	}
}

func static(env ...map[string]string) outputs.ModuleOutputs {
	merged := map[string]string{}
	for _, e := range env {
		for k, v := range e {
			merged[k] = v
		}
	}
	return outputs.Static(builtin, outputs.Outputs{Env: merged})
}

func modules(name string, ms []outputs.ModuleOutputs) outputs.Layer {
	return outputs.ModulesLayer(name, ms...)
}

// The layer lists of each container (the precedence table of the package documentation).

func (a *builder) controlLayers() []outputs.Layer {
	cfg := a.cfg
	fixed := []map[string]string{
		{"Submitter__DefaultPartition": cfg.DefaultPartition},
		initFlags(cfg.Init.Disabled, false),
	}
	if cfg.Init.Disabled {
		fixed = append(fixed, partitionEnv(cfg.Partitions))
	}
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), coreDefaults(cfg.Authentication))),
		outputs.ModulesLayer(LayerArmoniK, static(fixed...)),
		modules(LayerCore, cfg.Layers.Core),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerControl, cfg.Layers.Control),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Control...),
	}
}

func (a *builder) pollingLayers(p *Partition) []outputs.Layer {
	cfg := a.cfg
	threshold := "0"
	if p.NodeCache.Path != "" {
		threshold = strconv.Itoa(p.NodeCache.Threshold)
	}
	fixed := outputs.NewModule(builtin).Add(outputs.Outputs{Env: mergeMaps(
		initFlags(cfg.Init.Disabled, false),
		channelEnv(p.SocketType),
		map[string]string{
			"Pollster__PartitionId":            p.Name,
			"Amqp__PartitionId":                p.Name,
			"PubSub__PartitionId":              p.Name,
			"SQS__PartitionId":                 p.Name,
			"Pollster__CacheEvictionThreshold": threshold,
		},
	)}).MountEmptyDir(sharedVolume, sharedPath, sharedCache(p))
	if p.NodeCache.Path != "" {
		fixed.MountHostPath(cacheVolume, cachePath, outputs.HostPath{Path: p.NodeCache.Path, Type: "DirectoryOrCreate"})
	} else {
		fixed.MountEmptyDir(cacheVolume, cachePath, outputs.EmptyDir{})
	}
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), coreDefaults(cfg.Authentication), pollingDefaults(), graceDelay(p))),
		outputs.ModulesLayer(LayerArmoniK, fixed),
		modules(LayerCore, cfg.Layers.Core),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerCompute, cfg.Layers.Compute),
		modules(LayerPolling, cfg.Layers.Polling),
		modules(fmt.Sprintf("partition %s polling", p.Name), p.PollingAgent.Conf),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Polling...),
	}
}

func (a *builder) workerLayers(p *Partition, w *Worker) []outputs.Layer {
	cfg := a.cfg
	fixed := outputs.NewModule(builtin).Add(outputs.Outputs{Env: channelEnv(p.SocketType)}).
		MountEmptyDir(sharedVolume, sharedPath, sharedCache(p))
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), workerDefaults())),
		outputs.ModulesLayer(LayerArmoniK, fixed),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerCompute, cfg.Layers.Compute),
		modules(LayerWorker, cfg.Layers.Worker),
		modules(fmt.Sprintf("partition %s worker %s", p.Name, w.Name), w.Conf),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Worker...),
	}
}

func (a *builder) metricsLayers() []outputs.Layer {
	cfg := a.cfg
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), coreDefaults(cfg.Authentication))),
		modules(LayerCore, cfg.Layers.Core),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerMetrics, cfg.Layers.Metrics),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Metrics...),
	}
}

func (a *builder) initLayers() []outputs.Layer {
	cfg := a.cfg
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(
			map[string]string{"Serilog__MinimumLevel": cfg.Logging.Level},
			coreDefaults(cfg.Authentication),
		)),
		outputs.ModulesLayer(LayerArmoniK, static(
			initFlags(true, true),
			map[string]string{"Serilog__Properties__Application": "ArmoniK.Control.Init"},
			partitionEnv(cfg.Partitions),
		)),
		modules(LayerCore, cfg.Layers.Core),
		modules(LayerJobs, cfg.Layers.Jobs),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Init...),
	}
}

// Built-in volumes of the compute plane.
const (
	sharedVolume = "comm-volume"
	sharedPath   = "/cache/shared"
	cacheVolume  = "cache-volume"
	cachePath    = "/cache/internal"
)

func sharedCache(p *Partition) outputs.EmptyDir {
	d := outputs.EmptyDir{SizeLimit: p.SharedCache.SizeLimit}
	if p.SharedCache.Memory {
		d.Medium = "Memory"
	}
	return d
}

func mergeMaps(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Required adapters: the keys, or their legacy forms, a component cannot start without.
type adapter struct {
	what string
	keys []string
	hint string
}

var (
	queueAdapter = adapter{"queue", []string{"Components__QueueAdaptorSettings__ClassName", "Components__QueueStorage"},
		"add a queue module (activemq, rabbitmq, Amazon MQ, SQS, Pub/Sub) to Layers.Core"}
	tableAdapter = adapter{"table store", []string{"Components__TableStorage"},
		"add a table-storage module (mongodb, an external MongoDB) to Layers.Core"}
	objectAdapter = adapter{"object store", []string{"Components__ObjectStorageAdaptorSettings__ClassName", "Components__ObjectStorage"},
		"add an object-storage module (redis, minio, S3, NFS...) to Layers.Core"}
)

// checkAdapters reports the adapters missing from a merged container.
func checkAdapters(component string, c *outputs.Container, need ...adapter) []error {
	names := map[string]bool{}
	for _, e := range c.Env {
		names[e.Name] = true
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			names[f.Prefix+k.Key] = true
		}
	}
	var errs []error
	for _, a := range need {
		found := false
		for _, k := range a.keys {
			found = found || names[k]
		}
		if !found {
			errs = append(errs, fmt.Errorf("%s, container %q: no %s adapter (none of %s is set): %s",
				component, c.Name, a.what, strings.Join(a.keys, ", "), a.hint))
		}
	}
	return errs
}

func dnsLabel(s string) string {
	if msgs := validation.IsDNS1123Label(s); len(msgs) > 0 {
		return msgs[0]
	}
	return ""
}

func dnsSubdomain(s string) string {
	if msgs := validation.IsDNS1123Subdomain(s); len(msgs) > 0 {
		return msgs[0]
	}
	return ""
}

func joinErrors(errs []error) error { return errors.Join(errs...) }
