package armonik

// Elastic compute: queue-length scaling of partitions with KEDA, the pod-deletion-cost updater,
// graceful stops of busy pods, PriorityClasses. See the "Elastic compute" section of the
// package documentation.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Ports and names other packages (the Prometheus module) scrape.
const (
	// AgentPort is the polling agent's HTTP port: health and /metrics (Core's OpenTelemetry
	// meter, with TaskStartTime_Seconds).
	AgentPort = agentPort
	// AgentPortName is the name of that container port.
	AgentPortName = "poll-agent-port"
	// MetricsExporterPort is the metrics exporter's container port serving /metrics.
	MetricsExporterPort = metricsPort
	// ComponentPodDeletionCost is the component label of the pod-deletion-cost updater.
	ComponentPodDeletionCost = "pod-deletion-cost"
)

// Defaults of the elastic-compute settings.
const (
	// DefaultScalingThreshold is the number of queued tasks per pod KEDA aims at (upstream's "2",
	// Infra armonik/locals.tf).
	DefaultScalingThreshold = "2"
	// pdcUID is the updater image's user (USER 65534:65534 of its scratch image).
	pdcUID = int64(65534)
)

// Scaling scales a partition on the length of its queue with KEDA: a ScaledObject
// compute-plane-<partition> whose prometheus trigger queries the partition's gauge
// armonik_<partition>_tasks_queued (the metrics exporter's queued = submitted + dispatched +
// processing tasks, Core Control/Metrics/src/ArmoniKMeter.cs; '-' in the partition name
// becomes '_'). KEDA keeps about Threshold queued tasks per pod, between MinReplicas (0: no pod
// while the queue is empty) and MaxReplicas. The Deployment leaves its replicas to KEDA.
//
// Core's partition bounds follow the scaler's: reserved_pods defaults to min_replicas and
// max_pods to max_replicas; setting either to another value is an error.
type Scaling struct {
	// MinReplicas is the fewest pods (default 0: the partition scales to zero when its queue is
	// empty, and back up when a task arrives).
	MinReplicas int `json:"min_replicas,omitempty" yaml:"min_replicas,omitempty"`
	// MaxReplicas is the most pods (required, >= 1 and >= min_replicas).
	MaxReplicas int `json:"max_replicas" yaml:"max_replicas"`
	// Threshold is the number of queued tasks per pod KEDA aims at (default "2", as upstream).
	Threshold string `json:"threshold,omitempty" yaml:"threshold,omitempty"`
	// ActivationThreshold: the partition leaves zero pods once more than this many tasks are
	// queued (default "0": the first task).
	ActivationThreshold string `json:"activation_threshold,omitempty" yaml:"activation_threshold,omitempty"`
	// PollingInterval is how often KEDA queries the queue length, in seconds (default 30).
	PollingInterval int `json:"polling_interval,omitempty" yaml:"polling_interval,omitempty"`
	// CooldownPeriod is how long the queue must stay empty before the partition goes back to
	// zero pods, in seconds (default 300; used when min_replicas is 0).
	CooldownPeriod int `json:"cooldown_period,omitempty" yaml:"cooldown_period,omitempty"`
	// Query replaces the PromQL query (default
	// max(armonik_<partition>_tasks_queued{namespace="<namespace>"}): one value even when
	// several exporter replicas are scraped).
	Query string `json:"query,omitempty" yaml:"query,omitempty"`
	// ScaleUp shapes scaling up (the HorizontalPodAutoscaler KEDA creates; default Kubernetes').
	ScaleUp *k8s.ScalingRules `json:"scale_up,omitempty" yaml:"scale_up,omitempty"`
	// ScaleDown shapes scaling down (default Kubernetes': a 300 s stabilization window).
	ScaleDown *k8s.ScalingRules `json:"scale_down,omitempty" yaml:"scale_down,omitempty"`
}

// PodDeletionCost configures the pod-deletion-cost updater (ArmoniK.Infra.Plugins pdc-update):
// it reads each polling agent's TaskStartTime_Seconds from the metrics source and annotates
// the compute-plane pods with controller.kubernetes.io/pod-deletion-cost (idle pods -1, busy
// pods more the older their task), so that when a partition scales down the ReplicaSet
// controller removes idle pods first. It runs whenever a partition scales (scaling or
// autoscaling) and a metrics source is set, unless Disabled. It is the only ArmoniK pod with
// an API token: its ServiceAccount pod-deletion-cost may only get and patch pods, in the
// namespace (Role pod-deletion-cost).
type PodDeletionCost struct {
	// Disabled turns the updater off.
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// Image of the updater (default dockerhubaneo/armonik_pdc_update:0.3.0).
	Image Image `json:"image,omitempty" yaml:"image,omitempty"`
	// MetricsName is the PromQL query of the task start times (MetricsName; default
	// TaskStartTime_Seconds{kubernetes_namespace="<namespace>"}). Its series must carry the
	// kubernetes_namespace and kubernetes_pod_name labels (modules/prometheus sets them).
	MetricsName string `json:"metrics_name,omitempty" yaml:"metrics_name,omitempty"`
	// Period is how often the costs are updated, in seconds (Period; default 10).
	Period int `json:"period,omitempty" yaml:"period,omitempty"`
	// IgnoreYoungerThan: tasks younger than this many seconds all cost the same
	// (IgnoreYoungerThan; default 10).
	IgnoreYoungerThan int `json:"ignore_younger_than,omitempty" yaml:"ignore_younger_than,omitempty"`
	// Concurrency is the number of concurrent requests to Kubernetes (Concurrency; default 10).
	Concurrency int `json:"concurrency,omitempty" yaml:"concurrency,omitempty"`
	// Granularity of the cost, in seconds (Granularity; default 2).
	Granularity int `json:"granularity,omitempty" yaml:"granularity,omitempty"`
	// Resources of the updater's container (one replica).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// NodeSelector restricts the nodes; each entry also adds a matching toleration.
	NodeSelector map[string]string `json:"node_selector,omitempty" yaml:"node_selector,omitempty"`
	// Tolerations added to the pod.
	Tolerations []k8s.Toleration `json:"tolerations,omitempty" yaml:"tolerations,omitempty"`
	// Annotations on the pod template.
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// PriorityClasses gives the compute planes Kubernetes PriorityClasses following the partitions'
// priorities, so that Kubernetes' own preemption follows the order Core uses. Core reads larger
// priorities as more urgent (its AMQP adapter dequeues queue k before queue j for k > j,
// Adaptors/Amqp/src/PushQueueStorage.cs); each distinct partition priority p gets the
// PriorityClass <prefix><p> of value p, which the pods of those partitions name. PriorityClasses
// are cluster-wide objects.
type PriorityClasses struct {
	// Enabled creates them (default false).
	Enabled bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Prefix of their names (default "armonik-<namespace>-priority-": unique per deployment).
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	// PreemptionPolicy: PreemptLowerPriority (default) or Never (pods wait instead of evicting).
	PreemptionPolicy string `json:"preemption_policy,omitempty" yaml:"preemption_policy,omitempty"`
	// System is the PriorityClass <prefix>system of everything but the workers: the control
	// plane, the metrics exporter, the init Job, the admin GUI, the front door, the
	// pod-deletion-cost updater and, in the stacks, the in-cluster storage (queue, database,
	// object store, shared storage). Its value is above every partition's, so workers never
	// preempt them, and pending ones preempt workers.
	System SystemPriority `json:"system,omitempty" yaml:"system,omitempty"`
}

// SystemPriority configures the system PriorityClass.
type SystemPriority struct {
	// Value of the class (default 1000000); every partition priority must be below it.
	Value int `json:"value,omitempty" yaml:"value,omitempty"`
	// PreemptionPolicy: PreemptLowerPriority (default: a pending storage or control-plane pod
	// evicts workers) or Never.
	PreemptionPolicy string `json:"preemption_policy,omitempty" yaml:"preemption_policy,omitempty"`
}

// scalingDefaults completes a partition's scaling settings and derives Core's partition bounds
// from them (before the generic defaults of WithDefaults).
func (p *Partition) scalingDefaults() {
	s := p.Scaling
	if s == nil {
		return
	}
	c := *s
	if c.Threshold == "" {
		c.Threshold = DefaultScalingThreshold
	}
	if c.ActivationThreshold == "" {
		c.ActivationThreshold = "0"
	}
	if c.PollingInterval == 0 {
		c.PollingInterval = 30
	}
	if c.CooldownPeriod == 0 {
		c.CooldownPeriod = 300
	}
	p.Scaling = &c
	if p.ReservedPods == 0 {
		p.ReservedPods = c.MinReplicas
	}
	if p.MaxPods == 0 {
		p.MaxPods = c.MaxReplicas
	}
}

// scales reports whether the partition's replicas belong to an autoscaler.
func (p *Partition) scales() bool { return p.Scaling != nil || p.Autoscaling != nil }

// validateScaling returns the problems of a (defaulted) partition's elastic settings; path is
// the partition's configuration path.
func (cfg *Config) validateScaling(path string, p *Partition) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if w := p.Worker.WaitForAgent; w != nil && *w && p.SocketType == TCP {
		add("%s.worker.wait_for_agent: needs socket_type %s (the hook waits for the agent's socket file)", path, UnixDomainSocket)
	}
	s := p.Scaling
	if s == nil {
		return errs
	}
	sp := path + ".scaling"
	if p.Autoscaling != nil {
		add("%s: autoscaling and scaling are both set: a partition scales either with a HorizontalPodAutoscaler (autoscaling) or on its queue length with KEDA (scaling); remove one", path)
	}
	if p.Replicas != nil {
		add("%s: replicas and scaling are both set: KEDA owns the replicas, remove replicas", path)
	}
	if s.MinReplicas < 0 {
		add("%s.min_replicas: %d must be >= 0", sp, s.MinReplicas)
	}
	if s.MaxReplicas < 1 {
		add("%s.max_replicas: %d must be >= 1 (required)", sp, s.MaxReplicas)
	} else if s.MinReplicas > s.MaxReplicas {
		add("%s: min_replicas %d is greater than max_replicas %d", sp, s.MinReplicas, s.MaxReplicas)
	}
	if p.ReservedPods != s.MinReplicas || p.MaxPods != s.MaxReplicas {
		add("%s: reserved_pods %d and max_pods %d contradict scaling (min_replicas %d, max_replicas %d): Core's partition bounds follow the scaler's; remove reserved_pods and max_pods, or make them equal to min_replicas and max_replicas",
			path, p.ReservedPods, p.MaxPods, s.MinReplicas, s.MaxReplicas)
	}
	for key, v := range map[string]string{"threshold": s.Threshold, "activation_threshold": s.ActivationThreshold} {
		f, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil:
			add("%s.%s: %q is not a number", sp, key, v)
		case key == "threshold" && f <= 0:
			add("%s.threshold: %q must be > 0 (queued tasks per pod)", sp, v)
		case f < 0:
			add("%s.activation_threshold: %q must be >= 0", sp, v)
		}
	}
	if s.PollingInterval < 1 {
		add("%s.polling_interval: %d must be >= 1 second", sp, s.PollingInterval)
	}
	if s.CooldownPeriod < 0 {
		add("%s.cooldown_period: %d must be >= 0 seconds", sp, s.CooldownPeriod)
	}
	if cfg.Metrics == nil {
		add("%s: scaling on the queue length needs a metrics source (a Prometheus scraping the metrics exporter): none is set (in a configuration file: monitoring.prometheus deploys one, external.monitoring.prometheus_url names an existing one; in Go: Config.Metrics)", sp)
	}
	so := k8s.ScaledObjectSpec{MinReplicas: 0, MaxReplicas: 1, ScaleUp: s.ScaleUp, ScaleDown: s.ScaleDown,
		Triggers: []k8s.ScaledObjectTrigger{{Type: "prometheus"}}}
	if err := so.Validate(sp); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// validateElastic returns the problems of the deployment-wide elastic settings.
func (cfg *Config) validateElastic() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	d := &cfg.PodDeletionCost
	if !d.Disabled {
		if d.Image.Repository == "" {
			add("pod_deletion_cost.image: required (repository and tag)")
		}
		if pp := d.Image.PullPolicy; pp != "" && !slices.Contains([]string{"Always", "IfNotPresent", "Never"}, pp) {
			add("pod_deletion_cost.image.pull_policy: %q must be Always, IfNotPresent or Never", pp)
		}
		for key, v := range map[string]int{"period": d.Period, "ignore_younger_than": d.IgnoreYoungerThan, "concurrency": d.Concurrency, "granularity": d.Granularity} {
			if v < 0 || (v == 0 && key != "ignore_younger_than") {
				add("pod_deletion_cost.%s: %d must be >= 1", key, v)
			}
		}
	}
	if pc := cfg.PriorityClasses; pc.Enabled {
		if pc.PreemptionPolicy != "" && pc.PreemptionPolicy != "PreemptLowerPriority" && pc.PreemptionPolicy != "Never" {
			add("priority_classes.preemption_policy: %q must be PreemptLowerPriority or Never", pc.PreemptionPolicy)
		}
		sys := pc.System
		if sys.Value < 1 || sys.Value > 1000000000 {
			add("priority_classes.system.value: %d is not in 1-1000000000 (the values of user PriorityClasses)", sys.Value)
		}
		if p := sys.PreemptionPolicy; p != "" && p != "PreemptLowerPriority" && p != "Never" {
			add("priority_classes.system.preemption_policy: %q must be PreemptLowerPriority or Never", p)
		}
		for i, p := range cfg.Partitions {
			if *p.Priority > 1000000000 {
				add("partitions[%d].priority: %d is above 1000000000, the largest value of a user PriorityClass", i, *p.Priority)
			} else if *p.Priority >= sys.Value {
				add("partitions[%d].priority: %d is not below priority_classes.system.value %d: the workers of partition %q would preempt the control plane and the storage; lower it, or raise priority_classes.system.value", i, *p.Priority, sys.Value, p.Name)
			}
			if name := priorityClassName(cfg, *p.Priority); dnsSubdomain(name) != "" {
				add("priority_classes.prefix: %q makes the invalid name %q", pc.Prefix, name)
				break
			}
		}
	}
	return errs
}

// elasticDefaults applies the defaults of the deployment-wide elastic settings.
func (cfg *Config) elasticDefaults() {
	d := &cfg.PodDeletionCost
	// The updater of the release (versions.Release.PodDeletionCost: infra_plugins 0.1.1 in
	// 2.22.3, 0.3.0 in 2.23.0); both read the same settings (ArmoniK.Infra 0.13.2 and 0.15.1,
	// armonik/pdc.tf: PrometheusUrl, MetricsName, Period, IgnoreYoungerThan, Concurrency,
	// Granularity).
	pdc := cfg.Release().PodDeletionCost
	d.Image = d.Image.or(Image{Repository: pdc.Repository, Tag: pdc.Tag})
	if d.Period == 0 {
		d.Period = 10
	}
	if d.IgnoreYoungerThan == 0 {
		d.IgnoreYoungerThan = 10
	}
	if d.Concurrency == 0 {
		d.Concurrency = 10
	}
	if d.Granularity == 0 {
		d.Granularity = 2
	}
	if cfg.PriorityClasses.Enabled && cfg.PriorityClasses.Prefix == "" && cfg.Namespace != nil {
		cfg.PriorityClasses.Prefix = "armonik-" + cfg.Namespace.Name + "-priority-"
	}
	if cfg.PriorityClasses.System.Value == 0 {
		cfg.PriorityClasses.System.Value = DefaultSystemPriority
	}
}

// metricName is the partition's queued-tasks gauge: Core replaces every '-' of its output with
// '_' (Control/Metrics/src/ArmoniKMeter.cs, BuildMetricsAsync).
func metricName(partition string) string {
	return "armonik_" + strings.ReplaceAll(partition, "-", "_") + "_tasks_queued"
}

// scalingQuery is the PromQL query of a partition's ScaledObject.
func (cfg *Config) scalingQuery(p *Partition) string {
	if p.Scaling.Query != "" {
		return p.Scaling.Query
	}
	return fmt.Sprintf("max(%s{namespace=%q})", metricName(p.Name), cfg.Namespace.Name)
}

// graceDelay is the polling agent's Pollster__GraceDelay derived from the partition's
// termination grace period. On SIGTERM the agent stops acquiring tasks at once, lets the
// running task go on for GraceDelay, then cancels it and puts its message back in the queue;
// its host's shutdown timeout is twice GraceDelay (Core 0.37.2 Common/src/Utils/
// ExceptionManager.cs, Common/src/Pollster/TaskHandler.cs ExecuteTask with the late token,
// Compute/PollingAgent/src/Program.cs ShutdownTimeout). Half the grace period therefore gives
// the running task as long as Kubernetes allows while leaving the agent the other half to
// requeue it cleanly. The default 30 s gives upstream's 00:00:15.
func graceDelay(p *Partition) map[string]string {
	half := *p.TerminationGracePeriodSeconds / 2
	d, rest := half/86400, half%86400
	v := fmt.Sprintf("%02d:%02d:%02d", rest/3600, rest%3600/60, rest%60)
	if d > 0 {
		v = fmt.Sprintf("%d.%s", d, v)
	}
	return map[string]string{"Pollster__GraceDelay": v}
}

// waitsForAgent reports whether the partition's worker gets the preStop hook that waits for
// the agent: with a Unix socket only, and by default for ArmoniK's own worker programs, whose
// images have /bin/sh (both are built on mcr.microsoft.com/dotnet/aspnet:8.0:
// ArmoniK.Extensions.CSharp.New 0.21.2 ArmoniK.Extensions.CSharp.DynamicWorker/Dockerfile,
// ArmoniK.Extensions.Csharp 0.19.3 Worker/src/DLLWorker/Dockerfile). A custom image may have no
// shell (Core 0.37.2's own test workers are distroless: Tests/HtcMock/Server/src/Dockerfile),
// and a hook that cannot start only fails with a FailedPreStopHook event, so a custom worker
// gets it with wait_for_agent: true only. Sidecars never get it: they serve no task.
func waitsForAgent(p *Partition) bool {
	if p.SocketType != UnixDomainSocket {
		return false
	}
	if w := p.Worker.WaitForAgent; w != nil {
		return *w
	}
	return p.Worker.Runtime == RuntimeDynamic || p.Worker.Runtime == RuntimeDLL
}

// agentSocket is the agent's socket path as the merged configuration gives it to the pod's
// agent (ComputePlane__AgentChannel__Address; a layer may have changed it).
func agentSocket(pod *outputs.Pod) string {
	for _, c := range pod.Containers {
		if c.Name != "polling-agent" {
			continue
		}
		for _, e := range c.Env {
			if e.Name == "ComputePlane__AgentChannel__Address" && strings.HasPrefix(e.Value, "/") {
				return e.Value
			}
		}
	}
	return "/cache/shared/armonik_agent.sock"
}

// workerPreStop is the hook that keeps a worker serving until its polling agent has stopped:
// Core deletes the agent's socket file when the agent's host is disposed, after the running
// task has finished or been requeued (Common/src/Pollster/AgentHandler.cs, DisposeAsync), so
// the worker receives SIGTERM only then. Upstream's hook polled /cache/armonik_agent.sock, a
// path that never exists, and returned at once. It needs /bin/sh in the worker image (the
// default dynamic worker is built on mcr.microsoft.com/dotnet/aspnet:8.0, which has it); the
// kubelet ends it at the termination grace period in any case.
func workerPreStop(socket string) []string {
	return []string{"/bin/sh", "-c", "while [ -e '" + socket + "' ]; do sleep 1; done"}
}

// scrapeAnnotations let an annotation-driven Prometheus scrape a pod or Service.
func scrapeAnnotations(port int) map[string]string {
	return map[string]string{
		"prometheus.io/scrape": "true",
		"prometheus.io/port":   strconv.Itoa(port),
		"prometheus.io/path":   "/metrics",
		"prometheus.io/scheme": "http",
	}
}

// pdcRuns reports whether the pod-deletion-cost updater is deployed.
func (cfg *Config) pdcRuns() bool {
	if cfg.PodDeletionCost.Disabled || cfg.Metrics == nil {
		return false
	}
	for i := range cfg.Partitions {
		if cfg.Partitions[i].scales() {
			return true
		}
	}
	return false
}

// priorityClassName is the PriorityClass of a partition priority.
func priorityClassName(cfg *Config, priority int) string {
	return cfg.PriorityClasses.Prefix + strconv.Itoa(priority)
}

// createPriorityClasses creates one PriorityClass per distinct partition priority.
func (b *builder) createPriorityClasses() error {
	cfg := b.cfg
	if !cfg.PriorityClasses.Enabled {
		return nil
	}
	if b.a.SystemPriorityClass = cfg.SystemPriorityClass; b.a.SystemPriorityClass == nil {
		var err error
		if b.a.SystemPriorityClass, err = NewSystemPriorityClass(b.scope, b.id+"-priority-class-system", *cfg); err != nil {
			return err
		}
	}
	prios := map[int][]string{}
	for _, p := range cfg.Partitions {
		prios[*p.Priority] = append(prios[*p.Priority], p.Name)
	}
	for _, prio := range slices.Sorted(maps.Keys(prios)) {
		name := priorityClassName(cfg, prio)
		obj, err := k8s.NewPriorityClass(b.scope, b.id+"-priority-class-"+strconv.Itoa(prio), k8s.PriorityClassSpec{
			Name: name, Labels: b.labels("priority-class", nil), Value: prio,
			Description:      fmt.Sprintf("ArmoniK partitions of priority %d in namespace %s: %s", prio, cfg.Namespace.Name, strings.Join(prios[prio], ", ")),
			PreemptionPolicy: cfg.PriorityClasses.PreemptionPolicy,
		})
		if err != nil {
			return err
		}
		b.a.PriorityClasses[prio] = obj
	}
	return nil
}

// finishComputePod adds the elastic settings to a compute-plane pod template.
func (b *builder) finishComputePod(c component, tmpl *k8s.PodTemplate) {
	p := c.partition
	socket := agentSocket(c.pod)
	for i := range tmpl.Spec.Containers {
		ct := &tmpl.Spec.Containers[i]
		if ct.Name == p.Worker.Name && waitsForAgent(p) {
			ct.PreStop = workerPreStop(socket)
		}
	}
	if pc := b.a.PriorityClasses[*p.Priority]; pc != nil {
		tmpl.Spec.PriorityClassName = pc.NameRef
	}
	if b.cfg.pdcRuns() && p.scales() {
		// The agents' metrics (TaskStartTime_Seconds) for an annotation-driven Prometheus.
		for k, v := range scrapeAnnotations(agentPort) {
			if _, set := tmpl.Annotations[k]; !set {
				tmpl.Annotations[k] = v
			}
		}
	}
}

// computeDeps are the objects a compute-plane Deployment waits for besides the init Job.
func (b *builder) computeDeps(p *Partition) []*k8s.Object {
	if pc := b.a.PriorityClasses[*p.Priority]; pc != nil {
		return []*k8s.Object{pc}
	}
	return nil
}

// createScaledObject creates the KEDA ScaledObject of a partition scaling on its queue.
func (b *builder) createScaledObject(p *Partition, deployment *k8s.Object) error {
	s := p.Scaling
	name := "compute-plane-" + p.Name
	obj, err := k8s.NewScaledObject(b.scope, b.id+"-"+name+"-scaled-object", k8s.ScaledObjectSpec{
		Meta:   b.meta(name, ComponentComputePlane, p),
		Target: deployment, EnvSourceContainer: "polling-agent",
		MinReplicas: s.MinReplicas, MaxReplicas: s.MaxReplicas,
		PollingInterval: s.PollingInterval, CooldownPeriod: s.CooldownPeriod,
		ScaleUp: s.ScaleUp, ScaleDown: s.ScaleDown,
		Triggers: []k8s.ScaledObjectTrigger{{
			Type: "prometheus", Name: "queued-tasks", MetricType: "AverageValue",
			Metadata: map[string]string{
				"serverAddress":       b.cfg.Metrics.PrometheusURL(),
				"query":               k8s.Literal(b.cfg.scalingQuery(p)),
				"threshold":           s.Threshold,
				"activationThreshold": s.ActivationThreshold,
				"ignoreNullValues":    "true",
			},
		}},
	})
	if err != nil {
		return err
	}
	b.a.ScaledObjects[p.Name] = obj
	return nil
}

// createPodDeletionCost deploys the pod-deletion-cost updater with its ServiceAccount, Role
// (get and patch pods, nothing else) and RoleBinding.
func (b *builder) createPodDeletionCost() error {
	cfg := b.cfg
	if !cfg.pdcRuns() {
		return nil
	}
	d := &cfg.PodDeletionCost
	const name = ComponentPodDeletionCost
	sa, err := k8s.NewServiceAccount(b.scope, b.id+"-pdc-service-account", k8s.ServiceAccountSpec{
		Meta: b.meta(name, name, nil), AutomountToken: true,
	})
	if err != nil {
		return err
	}
	role, err := k8s.NewRole(b.scope, b.id+"-pdc-role", k8s.RoleSpec{
		Meta:  b.meta(name, name, nil),
		Rules: []k8s.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "patch"}}},
	})
	if err != nil {
		return err
	}
	binding, err := k8s.NewRoleBinding(b.scope, b.id+"-pdc-role-binding", k8s.RoleBindingSpec{
		Meta: b.meta(name, name, nil), Role: role.NameRef,
		Subjects: []k8s.RoleSubject{{Name: sa.NameRef, Namespace: cfg.Namespace.NameRef}},
	})
	if err != nil {
		return err
	}
	url := cfg.Metrics.PrometheusURL()
	if !strings.HasSuffix(url, "/") {
		// The updater joins api/v1/query to this URL (pdc-update src/metrics/prometheus.rs):
		// without the slash, the last path segment would be replaced.
		url += "/"
	}
	metrics := d.MetricsName
	if metrics == "" {
		metrics = fmt.Sprintf("TaskStartTime_Seconds{kubernetes_namespace=%q}", cfg.Namespace.Name)
	}
	env := []k8s.EnvVar{
		{Name: "PrometheusUrl", Value: url},
		{Name: "MetricsName", Value: k8s.Literal(metrics)},
		{Name: "Period", Value: strconv.Itoa(d.Period)},
		{Name: "IgnoreYoungerThan", Value: strconv.Itoa(d.IgnoreYoungerThan)},
		{Name: "Concurrency", Value: strconv.Itoa(d.Concurrency)},
		{Name: "Granularity", Value: strconv.Itoa(d.Granularity)},
	}
	sec := secureContainer(ptr(pdcUID))
	sec.ReadOnlyRootFilesystem = ptr(true)
	hash, err := b.hasher.ConfigHash(env, nil)
	if err != nil {
		return err
	}
	tolerations := append([]k8s.Toleration(nil), d.Tolerations...)
	for _, k := range slices.Sorted(maps.Keys(d.NodeSelector)) {
		tolerations = append(tolerations, k8s.Toleration{Key: k, Operator: "Equal", Value: d.NodeSelector[k], Effect: "NoSchedule"})
	}
	annotations := map[string]string{k8s.ConfigHashAnnotation: hash}
	maps.Copy(annotations, d.Annotations)
	spec := k8s.DeploymentSpec{
		Meta: b.meta(name, name, nil), Selector: b.labels(name, nil), Replicas: ptr(1), Wait: cfg.wait(),
		DependsOn: []*k8s.Object{binding},
		Template: k8s.PodTemplate{
			Labels: b.labels(name, nil), Annotations: annotations,
			Spec: k8s.PodSpec{
				PriorityClassName:  b.systemClass(),
				ServiceAccountName: sa.NameRef,
				// The updater patches pods through the API: the one ArmoniK pod with a token.
				AutomountServiceAccountToken: ptr(true),
				Security:                     &k8s.PodSecurity{RunAsNonRoot: ptr(true), RunAsUser: ptr(pdcUID), RunAsGroup: ptr(pdcUID), SeccompRuntimeDefault: true},
				NodeSelector:                 d.NodeSelector,
				Tolerations:                  tolerations,
				ImagePullSecrets:             cfg.ImagePullSecrets,
				Containers: []k8s.Container{{
					Name: name, Image: d.Image.Ref(), ImagePullPolicy: d.Image.PullPolicy,
					Env: env, Resources: d.Resources, Security: sec,
				}},
			},
		},
	}
	if err := b.checkPodSecurity(`Deployment "`+name+`"`, &spec.Template.Spec); err != nil {
		return err
	}
	b.a.PodDeletionCost, err = k8s.NewDeployment(b.scope, b.id+"-"+name, spec)
	if err != nil {
		return err
	}
	b.a.PodDeletionCostRole = role
	return nil
}

// ExplainScaling returns, per partition, how it scales and from which metric, and how its
// busy pods are spared when it scales down.
func (a *ArmoniK) ExplainScaling() string {
	cfg := &a.Config
	var b strings.Builder
	b.WriteString("scaling\n")
	if pc := a.SystemPriorityClass; pc != nil {
		fmt.Fprintf(&b, "  system priority PriorityClass %s (value %d): control plane, metrics exporter, init, admin GUI, front door, storage\n", pc.Name, cfg.PriorityClasses.System.Value)
	}
	for i := range cfg.Partitions {
		p := &cfg.Partitions[i]
		fmt.Fprintf(&b, "  partition %s\n", p.Name)
		switch {
		case p.Scaling != nil:
			s := p.Scaling
			fmt.Fprintf(&b, "    replicas     %d..%d on its queue length: KEDA ScaledObject compute-plane-%s (HPA keda-hpa-compute-plane-%s)\n", s.MinReplicas, s.MaxReplicas, p.Name, p.Name)
			src := "(no metrics source)"
			if cfg.Metrics != nil {
				src = cfg.Metrics.PrometheusURL() + " (" + cfg.Metrics.MetricsSourceName() + ")"
				fmt.Fprintf(&b, "    metric       %s\n", cfg.scalingQuery(p))
			}
			fmt.Fprintf(&b, "    source       prometheus %s, every %d s\n", src, s.PollingInterval)
			fmt.Fprintf(&b, "    target       %s queued tasks per pod; leaves zero above %s; back to %d after %d s without tasks\n", s.Threshold, s.ActivationThreshold, s.MinReplicas, s.CooldownPeriod)
		case p.Autoscaling != nil:
			as := p.Autoscaling
			var metrics []string
			if as.CPUUtilization > 0 {
				metrics = append(metrics, fmt.Sprintf("cpu %d%%", as.CPUUtilization))
			}
			if as.MemoryUtilization > 0 {
				metrics = append(metrics, fmt.Sprintf("memory %d%%", as.MemoryUtilization))
			}
			for _, m := range as.External {
				metrics = append(metrics, "external "+m.Name)
			}
			for _, m := range as.Pods {
				metrics = append(metrics, "pods "+m.Name)
			}
			fmt.Fprintf(&b, "    replicas     %d..%d: HorizontalPodAutoscaler compute-plane-%s on %s\n", as.MinReplicas, as.MaxReplicas, p.Name, strings.Join(metrics, ", "))
		default:
			fmt.Fprintf(&b, "    replicas     %d, fixed\n", *replicasOr1(p.Replicas))
		}
		fmt.Fprintf(&b, "    core         reserved_pods %d, max_pods %d, priority %d\n", p.ReservedPods, p.MaxPods, *p.Priority)
		if pc := a.PriorityClasses[*p.Priority]; pc != nil {
			fmt.Fprintf(&b, "    k8s priority PriorityClass %s (value %d)\n", pc.Name, *p.Priority)
		}
		stop := fmt.Sprintf("grace period %d s; the agent finishes its task for up to Pollster__GraceDelay %s, then requeues it", *p.TerminationGracePeriodSeconds, graceDelay(p)["Pollster__GraceDelay"])
		if waitsForAgent(p) {
			stop += "; preStop of " + p.Worker.Name + ": wait until the agent's socket is gone"
		}
		fmt.Fprintf(&b, "    stopping     %s\n", stop)
		if p.scales() {
			if cfg.pdcRuns() {
				b.WriteString("    scale-down   idle pods first: the pod-deletion-cost updater ranks pods by their running task's start time\n")
			} else {
				b.WriteString("    scale-down   no pod-deletion cost (updater disabled or no metrics source): any pod may be removed\n")
			}
		}
	}
	return b.String()
}
