package armonik

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

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

// authDefaults are the authenticator's settings (Infra armonik/core-configmap.tf), read by the
// Submitter only (Core 0.37.2 Common/src/Auth/Authentication/Authenticator.cs): the control
// plane gets them, the agents and the metrics exporter do not.
func authDefaults(a Authentication) map[string]string {
	return map[string]string{
		"Authenticator__RequireAuthentication": strconv.FormatBool(a.RequireAuthentication),
		"Authenticator__RequireAuthorization":  strconv.FormatBool(a.RequireAuthorization),
	}
}

// payloadDefaults delete each task's input payload once the task completes
// (Submitter__DeletePayload, default false in Core 0.37.2 Common/src/Injection/Options/Submitter.cs),
// so the object store does not keep every payload until its TTL. Core reads it where tasks
// complete (Common/src/Storage/TaskLifeCycleHelper.cs, CompleteTaskAsync): in the polling agents
// and the control plane. Upstream's quick-deploy sets it in core.env.
func payloadDefaults() map[string]string {
	return map[string]string{"Submitter__DeletePayload": "true"}
}

// pollingDefaults are the polling agents' built-in tuning (Infra armonik/locals.tf,
// polling_all_aggregation). Upstream's Amqp__LinkCredit=2 is left to the image's
// appsettings.json, which holds the same value and applies to the AMQP adapter only.
func pollingDefaults() map[string]string {
	return map[string]string{
		"ComputePlane__MessageBatchSize": "1",
		"InitWorker__WorkerCheckRetries": "10",
		"InitWorker__WorkerCheckDelay":   "00:00:10",
		"Pollster__GraceDelay":           "00:00:15",
	}
}

// workerDefaults are the worker's built-in values for its runtime. The DLL worker copies the
// application packages to target_zip_path, /data by default, which is the read-only shared
// storage with FileStorageType=FS: upstream's quick-deploy moves it to /tmp (worker.env), and
// so does ArmoniK here (Extensions.Csharp 0.19.3 Worker/src/DLLWorker/ApplicationPackageManager.cs).
// The dynamic worker reads its own ZipPath and ServiceAssemblyPath under /tmp.
func workerDefaults(runtime string) map[string]string {
	if runtime == RuntimeDLL {
		return map[string]string{"target_zip_path": "/tmp"}
	}
	return nil
}

// initFlags says whether a component initialises the database (InitServices__InitDatabase),
// which it does only when there is no init Job, and whether it stops afterwards. Core 0.37.2
// binds InitServices__InitQueue and InitObjectStorage but never reads them
// (Common/src/Injection/Options/InitServices.cs): they are not emitted.
func initFlags(init, stopAfter bool) map[string]string {
	return map[string]string{
		"InitServices__InitDatabase":  strconv.FormatBool(init),
		"InitServices__StopAfterInit": strconv.FormatBool(stopAfter),
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
			PreemptionPercentage: p.PreemptionPercentage, Priority: *p.Priority, PodConfiguration: podConf,
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
	fixed := []map[string]string{{"Submitter__DefaultPartition": cfg.DefaultPartition}}
	if a.rules.InitServices {
		fixed = append(fixed, initFlags(cfg.Init.Disabled, false))
		if cfg.Init.Disabled {
			fixed = append(fixed, partitionEnv(cfg.Partitions), cfg.authEnv())
		}
	}
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), authDefaults(cfg.Authentication), payloadDefaults())),
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
	env := mergeMaps(
		channelEnv(p.SocketType),
		// The partition is Pollster__PartitionId only: Core has no PartitionId option in its
		// Amqp, SQS or PubSub sections, which upstream still sets.
		map[string]string{"Pollster__PartitionId": p.Name},
	)
	if a.rules.InitServices {
		env = mergeMaps(env, initFlags(cfg.Init.Disabled, false))
	}
	// Cache eviction comes with Core 0.37.0 (Pollster__CacheEvictionThreshold).
	if a.rules.Reads("Pollster__CacheEvictionThreshold") == nil {
		env["Pollster__CacheEvictionThreshold"] = threshold
	}
	fixed := outputs.NewModule(builtin).Add(outputs.Outputs{Env: env}).MountEmptyDir(sharedVolume, sharedPath, sharedCache(p))
	if p.NodeCache.Path != "" {
		fixed.MountHostPath(cacheVolume, cachePath, outputs.HostPath{Path: p.NodeCache.Path, Type: "DirectoryOrCreate"})
	} else {
		fixed.MountEmptyDir(cacheVolume, cachePath, outputs.EmptyDir{})
	}
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), payloadDefaults(), pollingDefaults(), graceDelay(p))),
		outputs.ModulesLayer(LayerArmoniK, fixed),
		modules(LayerCore, cfg.Layers.Core),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerCompute, cfg.Layers.Compute),
		modules(LayerPolling, cfg.Layers.Polling),
		modules(fmt.Sprintf("partition %s polling", p.Name), p.PollingAgent.Conf),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Polling...),
	}
}

func (a *builder) workerLayers(p *Partition) []outputs.Layer {
	cfg := a.cfg
	w := &p.Worker
	fixed := outputs.NewModule(builtin).Add(outputs.Outputs{Env: channelEnv(p.SocketType)}).
		MountEmptyDir(sharedVolume, sharedPath, sharedCache(p))
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level), workerDefaults(w.Runtime))),
		outputs.ModulesLayer(LayerArmoniK, fixed),
		modules(LayerLog, cfg.Layers.Log),
		modules(LayerCompute, cfg.Layers.Compute),
		modules(LayerWorker, cfg.Layers.Worker),
		modules(fmt.Sprintf("partition %s worker", p.Name), w.Conf),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Worker...),
	}
}

// sidecarLayers are the layers of a sidecar: the log settings and its own conf, nothing of the
// worker channel or the storage.
func (a *builder) sidecarLayers(p *Partition, s *Sidecar) []outputs.Layer {
	cfg := a.cfg
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level))),
		modules(LayerLog, cfg.Layers.Log),
		modules(fmt.Sprintf("partition %s sidecar %s", p.Name, s.Name), s.Conf),
	}
}

// tableModules are the modules of a layer that provide the table storage (declared, or
// inferred from their keys): all the metrics exporter reads (Core 0.37.2
// Control/Metrics/src/Program.cs calls AddMongoComponents only).
func tableModules(ms []outputs.ModuleOutputs) []outputs.ModuleOutputs {
	var out []outputs.ModuleOutputs
	for _, m := range ms {
		if m != nil && slices.Contains(outputs.FamiliesOf(m), outputs.FamilyTable) {
			out = append(out, m)
		}
	}
	return out
}

func (a *builder) metricsLayers() []outputs.Layer {
	cfg := a.cfg
	return []outputs.Layer{
		outputs.DefaultsLayer(LayerDefaults, static(logDefaults(cfg.Logging.Level))),
		modules(LayerCore, tableModules(cfg.Layers.Core)),
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
		)),
		outputs.ModulesLayer(LayerArmoniK, static(
			initFlags(true, true),
			map[string]string{"Serilog__Properties__Application": "ArmoniK.Control.Init"},
			partitionEnv(cfg.Partitions),
			cfg.authEnv(),
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

// Required adapter families: a component cannot start without a module of each of its layers
// providing them (a module declares its family, outputs.FamilyProvider, or it is inferred from
// its keys). The keys each family must set are then checked by the Core rules (corerules).
var familyHints = map[outputs.Family]string{
	outputs.FamilyQueue:  "add a queue module (activemq, rabbitmq, amazonmq, sqs, pubsub) to Layers.Core",
	outputs.FamilyTable:  "add a table-storage module (mongodb, an external MongoDB) to Layers.Core",
	outputs.FamilyObject: "add an object-storage module (redis, minio, nfs, s3, elasticache, gcs, memorystore) to Layers.Core",
}

var (
	coreFamilies    = []outputs.Family{outputs.FamilyQueue, outputs.FamilyTable, outputs.FamilyObject}
	metricsFamilies = []outputs.Family{outputs.FamilyTable}
)

// missingFamilies reports the families need that no module of layers provides.
func missingFamilies(component, container string, layers []outputs.Layer, need []outputs.Family) []error {
	have := map[outputs.Family]bool{}
	for _, l := range layers {
		for _, m := range l.Modules {
			if m == nil || m.ModuleName() == builtin {
				continue
			}
			for _, f := range outputs.FamiliesOf(m) {
				have[f] = true
			}
		}
	}
	var errs []error
	for _, f := range need {
		if !have[f] {
			errs = append(errs, fmt.Errorf("%s, container %q: no %s module (no module of its layers provides the %s family): %s",
				component, container, familyNames[f], f, familyHints[f]))
		}
	}
	return errs
}

var familyNames = map[outputs.Family]string{
	outputs.FamilyQueue: "queue", outputs.FamilyTable: "table-storage", outputs.FamilyObject: "object-storage",
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
