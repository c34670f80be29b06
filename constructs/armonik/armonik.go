package armonik

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/versions"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Component names: the app.kubernetes.io/component label and the prefix of errors.
const (
	ComponentControlPlane    = "control-plane"
	ComponentComputePlane    = "compute-plane"
	ComponentMetricsExporter = "metrics-exporter"
	ComponentInit            = "init"
	ComponentAdminGUI        = "admin-gui"
)

// Labels every ArmoniK pod carries. NetworkPolicies of the storage modules admit traffic from
// pods labelled LabelPartOf=PartOf.
const (
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelComponent = "app.kubernetes.io/component"
	LabelName      = "app.kubernetes.io/name"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelPartition = "armonik.aneo.fr/partition"
	PartOf         = "armonik"
)

// Ports of the ArmoniK images (images.md §7).
const (
	controlPort        = 1080 // gRPC (h2c)
	controlMetricsPort = 1081 // /startup, /liveness, /metrics (HTTP/1.1)
	agentPort          = 1080
	metricsPort        = 1080
	guiPort            = 1080
	// guiUID is the admin GUI image's user (armonik).
	guiUID = int64(5000)
	// The user of Core's images is the version's (corerules.Version.ImageUID: 5000 before
	// 0.36, $APP_UID 1654 after). mongoUID is the mongodb user of the official mongo image
	// (groupadd/useradd -r with --gid/--uid 999 in docker-library/mongo's Dockerfile), which
	// runs the init Job's mongosh on Core < 0.35.
	mongoUID = int64(999)
)

// ArmoniK is a deployed ArmoniK: handles on what it created, and the merged configuration of
// every pod.
type ArmoniK struct {
	// ControlPlane is the control plane's Deployment, ControlPlaneService its Service.
	ControlPlane, ControlPlaneService *k8s.Object
	// ComputePlanes are the compute-plane Deployments by partition name.
	ComputePlanes map[string]*k8s.Object
	// MetricsExporter is the metrics exporter's Deployment, MetricsService its Service.
	MetricsExporter, MetricsService *k8s.Object
	// InitJob is Core's init Job (nil when disabled).
	InitJob *k8s.Object
	// AdminGUI is the GUI's Deployment, AdminGUIService its Service (nil when disabled).
	AdminGUI, AdminGUIService *k8s.Object
	// Ingresses are the gRPC and GUI Ingresses (empty when disabled).
	Ingresses []*k8s.Object
	// Autoscalers are the HorizontalPodAutoscalers by Deployment name.
	Autoscalers map[string]*k8s.Object
	// ServiceAccounts are the created ServiceAccounts by name.
	ServiceAccounts map[string]*k8s.Object
	// ScaledObjects are the KEDA ScaledObjects by partition name (partitions with scaling).
	ScaledObjects map[string]*k8s.Object
	// PodDeletionCost is the pod-deletion-cost updater's Deployment and PodDeletionCostRole its
	// Role (nil when it does not run).
	PodDeletionCost, PodDeletionCostRole *k8s.Object
	// PriorityClasses are the created PriorityClasses by partition priority.
	PriorityClasses map[int]*k8s.Object
	// SystemPriorityClass is the PriorityClass of every pod but the workers' (nil when priority
	// classes are off); the stacks give it to the in-cluster storage too.
	SystemPriorityClass *k8s.Object
	// ControlPlaneBudget is the control plane's PodDisruptionBudget (nil when disabled).
	ControlPlaneBudget *k8s.Object
	// Pods holds the merged outputs of every pod, in creation order: init, control plane,
	// compute planes (partition order), metrics exporter.
	Pods []*outputs.Pod
	// Conformance holds the verdicts of the Core rules for every container they apply to, in
	// pod order: the rules of the Core version of Release on each container's effective
	// configuration.
	Conformance []corerules.Result
	// Release is the deployed version (Config.Version): its images and its Core rules.
	Release *versions.Release
	// Config is the configuration with its defaults applied.
	Config Config
	// Front is the front door's Deployment, FrontService its Service, FrontSecrets the
	// Secrets of its generated certificates (nil and empty when disabled).
	Front, FrontService *k8s.Object
	FrontSecrets        []*k8s.Object
}

// Explain returns, per pod and container, every env var, envFrom source and mount with the
// layer and module it came from. Secret values never appear: only references.
//
// After each pod come the verdicts of the Core rules on each of its containers: the Core
// version checked, then one line per rule and key (ok, present: the value comes from a Secret
// or ConfigMap and only its presence is checked, warn, n/a).
func (a *ArmoniK) Explain() string {
	var b strings.Builder
	b.WriteString(a.VersionReport())
	for _, p := range a.Pods {
		b.WriteString("\n")
		b.WriteString(outputs.Explain(p))
		for j := range a.Conformance {
			r := &a.Conformance[j]
			if r.Pod != p.Name {
				continue
			}
			fmt.Fprintf(&b, "\nCore %s rules, container %s (%s, image %s)\n", r.Version, r.Container, r.Program, r.Image)
			b.WriteString(r.Explain())
		}
	}
	b.WriteString("\n")
	b.WriteString(a.ExplainScaling())
	return b.String()
}

// VersionReport says which version is deployed and where its tags come from, the images (and
// which ones a setting overrides), the version deployed before and where it was read, and the
// steps of Core's migration guide between the two.
func (a *ArmoniK) VersionReport() string {
	var b strings.Builder
	r, cfg := a.Release, &a.Config
	fmt.Fprintf(&b, "ArmoniK version %s: Core %s, API %s, worker %s\n", r.Key, r.Core.Core, r.API, r.WorkerLibrary)
	fmt.Fprintf(&b, "  source: %s\n", r.Source)
	img := func(name string, got Image, def versions.Image) {
		line := fmt.Sprintf("  image %-24s %s", name, got.Ref())
		if got.Repository != def.Repository || got.Tag != def.Tag {
			line += fmt.Sprintf(" (set in the configuration; the version's is %s)", def.Ref())
		}
		b.WriteString(line + "\n")
	}
	img("control-plane", cfg.ControlPlane.Image, r.Control)
	if !cfg.Init.Disabled {
		def := r.Control
		if !r.Core.InitServices {
			def = r.DatabaseInit
		}
		img("init", cfg.Init.Image, def)
	}
	for _, p := range cfg.Partitions {
		img("polling-agent/"+p.Name, p.PollingAgent.Image, r.PollingAgent)
		img("worker/"+p.Name, p.Worker.Image, r.Worker)
	}
	img("metrics-exporter", cfg.MetricsExporter.Image, r.Metrics)
	if !cfg.AdminGUI.Disabled {
		img("admin-gui", cfg.AdminGUI.Image, r.AdminGUI)
	}
	fmt.Fprintf(&b, "  pod-deletion-cost updater of this version: %s\n", r.PodDeletionCost.Ref())
	prev, source := cfg.previous()
	switch from, err := versions.Lookup(prev); {
	case prev == "":
		b.WriteString("  previous version: none known (no upgrade_from, no previous synthesis of the stack): no migration checked\n")
	case err != nil:
		fmt.Fprintf(&b, "  previous version: %q from %s is not a supported version: no migration checked\n", prev, source)
	case prev == r.Key:
		fmt.Fprintf(&b, "  previous version: %s (from %s): unchanged\n", from.Describe(), source)
	default:
		fmt.Fprintf(&b, "  previous version: %s (from %s)\n", from.Describe(), source)
		ms := corerules.MigrationsBetween(from.Core.Core, r.Core.Core)
		if len(ms) == 0 {
			fmt.Fprintf(&b, "  migrations: none in Core's guide between %s and %s\n", from.Core.Core, r.Core.Core)
		}
		for _, m := range ms {
			fmt.Fprintf(&b, "  migration %s: %s (%s); acknowledged by acknowledge_migration %q\n", m.Title, m.Summary, m.Source, cfg.AcknowledgeMigration)
		}
	}
	return b.String()
}

type builder struct {
	rules  *corerules.Version
	hasher k8s.ConfigHasher
	cfg    *Config
	scope  constructs.Construct
	id     string
	a      *ArmoniK
}

// component is one pod to build: its merged outputs and how to finish its containers.
type component struct {
	name      string // component label
	partition *Partition
	pod       *outputs.Pod
}

// New deploys ArmoniK into scope. Every problem with cfg, with the modules' outputs (conflicts,
// invalid names) and every missing adapter is reported at once, before any resource is created.
func New(scope constructs.Construct, id string, cfg Config) (*ArmoniK, error) {
	cfg = cfg.WithDefaults()
	err := cfg.validate()
	if cfg.Namespace == nil || cfg.Namespace.NameRef == "" {
		err = errors.Join(errors.New("namespace: required (the k8s.Namespace the objects go into)"), err)
	}
	if err != nil {
		return nil, fmt.Errorf("armonik %q: invalid configuration:\n%w", id, err)
	}
	rel := cfg.Release()
	b := &builder{rules: rel.Core, cfg: &cfg, scope: scope, id: id, a: &ArmoniK{Config: cfg, Release: rel, ComputePlanes: map[string]*k8s.Object{},
		Autoscalers: map[string]*k8s.Object{}, ServiceAccounts: map[string]*k8s.Object{},
		ScaledObjects: map[string]*k8s.Object{}, PriorityClasses: map[int]*k8s.Object{}}}
	comps, err := b.merge()
	if err != nil {
		return nil, fmt.Errorf("armonik %q: invalid module outputs:\n%w", id, err)
	}
	for _, c := range comps {
		b.a.Pods = append(b.a.Pods, c.pod)
	}
	if err := b.create(comps); err != nil {
		return nil, fmt.Errorf("armonik %q: %w", id, err)
	}
	return b.a, nil
}

// spec is one container to merge: its layers, the adapter families it needs, the Core program
// it runs ("" for none) and its image.
type spec struct {
	layers  outputs.ContainerLayers
	need    []outputs.Family
	program corerules.Program
	image   Image
}

// merge merges the layers of every pod, checks the required adapter families, then every
// container against the Core rules (corerules) on its effective configuration.
func (b *builder) merge() ([]component, error) {
	var errs []error
	var comps []component
	add := func(name string, p *Partition, pod string, specs []spec) {
		containers := make([]outputs.ContainerLayers, len(specs))
		missing := false
		for i, sp := range specs {
			containers[i] = sp.layers
			es := missingFamilies(pod, sp.layers.Name, sp.layers.Layers, sp.need)
			missing = missing || len(es) > 0
			errs = append(errs, es...)
		}
		merged, err := outputs.MergePod(pod, containers)
		if err != nil {
			errs = append(errs, err)
			// No effective configuration exists: still name the Core rules that the modules'
			// own literal values break (a conflict may hide a value Core would reject).
			errs = append(errs, b.literalRules(pod, specs)...)
			return
		}
		comps = append(comps, component{name: name, partition: p, pod: merged})
		if missing {
			// The rules would only repeat that the adapter's keys are missing.
			return
		}
		for i, sp := range specs {
			if sp.program == "" {
				continue
			}
			r := b.rules.Check(corerules.Container{
				Pod: pod, Name: sp.layers.Name, Program: sp.program, Image: sp.image.Ref(), Outputs: &merged.Containers[i],
			})
			b.a.Conformance = append(b.a.Conformance, r)
		}
	}
	if !b.cfg.Init.Disabled {
		if b.rules.InitServices {
			add(ComponentInit, nil, "init", []spec{{outputs.ContainerLayers{Name: "init", Layers: b.initLayers()}, coreFamilies, corerules.Submitter, b.cfg.Init.Image}})
		} else {
			add(ComponentInit, nil, "init", []spec{{outputs.ContainerLayers{Name: "init", Layers: b.scriptInitLayers()}, metricsFamilies, corerules.MongoInit, b.cfg.Init.Image}})
		}
	}
	add(ComponentControlPlane, nil, "control-plane", []spec{{outputs.ContainerLayers{Name: "control-plane", Layers: b.controlLayers()}, coreFamilies, corerules.Submitter, b.cfg.ControlPlane.Image}})
	for i := range b.cfg.Partitions {
		p := &b.cfg.Partitions[i]
		specs := []spec{
			{outputs.ContainerLayers{Name: agentContainer, Layers: b.pollingLayers(p)}, coreFamilies, corerules.PollingAgent, p.PollingAgent.Image},
			{outputs.ContainerLayers{Name: p.Worker.Name, Layers: b.workerLayers(p)}, nil, workerProgram(p.Worker.Runtime), p.Worker.Image},
		}
		for j := range p.Sidecars {
			sc := &p.Sidecars[j]
			specs = append(specs, spec{layers: outputs.ContainerLayers{Name: sc.Name, Layers: b.sidecarLayers(p, sc)}})
		}
		add(ComponentComputePlane, p, "compute-plane-"+p.Name, specs)
	}
	add(ComponentMetricsExporter, nil, "metrics-exporter", []spec{{outputs.ContainerLayers{Name: "metrics-exporter", Layers: b.metricsLayers()}, metricsFamilies, corerules.Metrics, b.cfg.MetricsExporter.Image}})
	if !b.cfg.AdminGUI.Disabled {
		// The GUI reads no module output (it only talks to the control plane through the
		// ingress); it is merged like the others for explain and the config hash.
		add(ComponentAdminGUI, nil, "admin-gui", []spec{{layers: outputs.ContainerLayers{Name: "admin-gui"}}})
	}
	errs = append(errs, corerules.Errors(b.a.Conformance))
	return comps, joinErrors(errs)
}

// literalRules checks, container by container, every literal value the modules of its layers
// give against the Core rules that hold for one value alone.
func (b *builder) literalRules(pod string, specs []spec) []error {
	var results []corerules.Result
	for _, sp := range specs {
		if sp.program == "" {
			continue
		}
		var verdicts []corerules.Verdict
		for _, l := range sp.layers.Layers {
			for _, m := range l.Modules {
				if m == nil {
					continue
				}
				o := m.Outputs()
				from := outputs.Provenance{Layer: l.Name, Module: m.ModuleName(), Output: outputs.KindEnv}.String()
				for _, k := range slices.Sorted(maps.Keys(o.Env)) {
					verdicts = append(verdicts, b.rules.CheckLiteral(sp.program, k, o.Env[k], from)...)
				}
			}
		}
		results = append(results, b.rules.ResultOf(pod, sp.layers.Name, verdicts))
	}
	if err := corerules.Errors(results); err != nil {
		return []error{err}
	}
	return nil
}

// agentContainer is the polling agent's container name.
const agentContainer = "polling-agent"

// workerProgram is the Core rules' program of a worker runtime.
func workerProgram(runtime string) corerules.Program {
	switch runtime {
	case RuntimeDynamic:
		return corerules.DynamicWorker
	case RuntimeDLL:
		return corerules.DLLWorker
	}
	return corerules.Worker
}

func (b *builder) labels(component string, p *Partition) map[string]string {
	l := map[string]string{LabelName: "armonik", LabelPartOf: PartOf, LabelComponent: component}
	if p != nil {
		l[LabelPartition] = p.Name
	}
	return l
}

func (b *builder) meta(name, component string, p *Partition) k8s.Meta {
	l := b.labels(component, p)
	l[LabelManagedBy] = "cdktf"
	return k8s.Meta{Name: name, Namespace: b.cfg.Namespace.NameRef, Labels: l}
}

func ptr[T any](v T) *T { return &v }

// secureContainer is the default container security context: no privilege escalation, every
// capability dropped, non-root, RuntimeDefault seccomp.
func secureContainer(uid *int64) *k8s.ContainerSecurity {
	return &k8s.ContainerSecurity{
		AllowPrivilegeEscalation: ptr(false),
		RunAsNonRoot:             ptr(true),
		RunAsUser:                uid,
		DropCapabilities:         []string{"ALL"},
		SeccompRuntimeDefault:    true,
	}
}

// finishPod builds the pod template of a component from its merged outputs and containers,
// and applies the component's workload settings in one place: security (unless opted out),
// scheduling, annotations, image pull secrets, service account, config hash.
func (b *builder) finishPod(c component, w Workload, security *k8s.PodSecurity, containers []k8s.Container) (k8s.PodTemplate, error) {
	byName := map[string]*outputs.Container{}
	for i := range c.pod.Containers {
		byName[c.pod.Containers[i].Name] = &c.pod.Containers[i]
	}
	for i := range containers {
		if m := byName[containers[i].Name]; m != nil {
			containers[i].Env, containers[i].EnvFrom, containers[i].Mounts = k8s.ContainerOutputs(m)
		}
		if w.DisableSecurityContext {
			containers[i].Security = nil
		}
	}
	if w.DisableSecurityContext && security != nil {
		// Keep only the user id, which the compute plane sets on purpose (shared sockets).
		if security.RunAsUser == nil && security.FSGroup == nil {
			security = nil
		} else {
			security = &k8s.PodSecurity{RunAsUser: security.RunAsUser, FSGroup: security.FSGroup}
		}
	}
	tolerations := append([]k8s.Toleration(nil), w.Tolerations...)
	for _, k := range slices.Sorted(maps.Keys(w.NodeSelector)) {
		tolerations = append(tolerations, k8s.Toleration{Key: k, Operator: "Equal", Value: w.NodeSelector[k], Effect: "NoSchedule"})
	}
	priorityClass := ""
	if c.name != ComponentComputePlane {
		// Everything but the workers runs above them (the compute planes take their
		// partition's class in finishComputePod).
		priorityClass = b.systemClass()
	}
	hash, err := b.hasher.ConfigHash(hashInput(c.pod), k8s.PodContents(c.pod))
	if err != nil {
		return k8s.PodTemplate{}, err
	}
	annotations := map[string]string{k8s.ConfigHashAnnotation: hash}
	for k, v := range w.Annotations {
		annotations[k] = v
	}
	return k8s.PodTemplate{
		Labels:      b.labels(c.name, c.partition),
		Annotations: annotations,
		Spec: k8s.PodSpec{
			Containers:                   containers,
			Volumes:                      k8s.PodVolumes(c.pod),
			ServiceAccountName:           b.serviceAccount(w.ServiceAccount),
			AutomountServiceAccountToken: ptr(w.AutomountToken),
			NodeSelector:                 w.NodeSelector,
			Tolerations:                  tolerations,
			ImagePullSecrets:             append(append([]string(nil), b.cfg.ImagePullSecrets...), w.ImagePullSecrets...),
			Security:                     security,
			PriorityClassName:            priorityClass,
		},
	}, nil
}

// serviceAccount returns the reference to a ServiceAccount the construct created, or name.
func (b *builder) serviceAccount(name string) string {
	if sa := b.a.ServiceAccounts[name]; sa != nil {
		return sa.NameRef
	}
	return name
}

// securePod is the default pod security context.
func securePod() *k8s.PodSecurity {
	return &k8s.PodSecurity{RunAsNonRoot: ptr(true), SeccompRuntimeDefault: true}
}

// deployment creates a component's Deployment, and its autoscaler when configured.
func (b *builder) deployment(name string, c component, w Workload, tmpl k8s.PodTemplate, deps []*k8s.Object) (*k8s.Object, error) {
	if err := b.checkPodSecurity(fmt.Sprintf("Deployment %q", name), &tmpl.Spec); err != nil {
		return nil, err
	}
	spec := k8s.DeploymentSpec{
		Meta: b.meta(name, c.name, c.partition), Selector: b.labels(c.name, c.partition),
		Template: tmpl, Wait: b.cfg.wait(), DependsOn: deps,
	}
	if p := c.partition; p != nil && p.Scaling != nil {
		// KEDA owns the replicas; start at the lower bound (no pod while the queue is empty).
		spec.IgnoreReplicaChanges = true
		spec.Replicas = ptr(p.Scaling.MinReplicas)
	} else if w.Autoscaling != nil {
		spec.IgnoreReplicaChanges = true
	} else {
		spec.Replicas = replicasOr1(w.Replicas)
	}
	obj, err := k8s.NewDeployment(b.scope, b.id+"-"+name, spec)
	if err != nil || w.Autoscaling == nil {
		return obj, err
	}
	as := w.Autoscaling.spec()
	as.Meta = b.meta(name, c.name, c.partition)
	as.Target = obj
	hpa, err := k8s.NewAutoscaler(b.scope, b.id+"-"+name+"-autoscaler", *as)
	if err != nil {
		return nil, err
	}
	b.a.Autoscalers[name] = hpa
	return obj, nil
}

// service creates a component's Service on one port.
func (b *builder) service(name, component string, s Service, portName string, targetPort string) (*k8s.Object, error) {
	meta := b.meta(name, component, nil)
	meta.Annotations = s.Annotations
	return k8s.NewService(b.scope, b.id+"-"+name+"-service", k8s.ServiceSpec{
		Meta: meta, Type: s.Type, Selector: b.labels(component, nil), Wait: b.cfg.wait(),
		Ports: []k8s.ServicePort{{Name: portName, Port: s.Port, TargetPort: targetPort, NodePort: s.NodePort}},
	})
}

// hashInput is what the config hash covers at synth time: every container's env, envFrom and
// mounts and every volume, by display name (Terraform tokens are numbered in creation order,
// so they must not be hashed). Referenced Secrets' and ConfigMaps' contents are added by
// Terraform (k8s.ConfigHash).
func hashInput(p *outputs.Pod) any {
	type env struct{ Name, Value, Secret, ConfigMap string }
	type container struct {
		Name    string
		Env     []env
		EnvFrom []string
		Mounts  []string
	}
	var out struct {
		Containers []container
		Volumes    []string
	}
	for _, c := range p.Containers {
		hc := container{Name: c.Name}
		for _, e := range c.Env {
			he := env{Name: e.Name, Value: e.Value}
			if e.SecretKey != nil {
				he.Secret = e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
			}
			if e.ConfigMapKey != nil {
				he.ConfigMap = e.ConfigMapKey.Ref.Name + "/" + e.ConfigMapKey.Key
			}
			hc.Env = append(hc.Env, he)
		}
		for _, f := range c.EnvFrom {
			switch {
			case f.ConfigMap != nil:
				hc.EnvFrom = append(hc.EnvFrom, "configmap:"+f.ConfigMap.Name+":"+f.Prefix)
			case f.Secret != nil:
				hc.EnvFrom = append(hc.EnvFrom, "secret:"+f.Secret.Name+":"+f.Prefix)
			}
		}
		for _, m := range c.Mounts {
			hc.Mounts = append(hc.Mounts, fmt.Sprintf("%s %s %s %t", m.Path, m.Volume, m.SubPath, m.ReadOnly))
		}
		out.Containers = append(out.Containers, hc)
	}
	for i := range p.Volumes {
		out.Volumes = append(out.Volumes, p.Volumes[i].Name+" "+p.Volumes[i].Source())
	}
	return out
}

func replicasOr1(r *int) *int {
	if r == nil {
		return ptr(1)
	}
	return r
}

func (b *builder) create(comps []component) error {
	for _, sa := range b.cfg.ServiceAccounts {
		meta := b.meta(sa.Name, "service-account", nil)
		meta.Annotations = sa.Annotations
		obj, err := k8s.NewServiceAccount(b.scope, b.id+"-sa-"+sa.Name, k8s.ServiceAccountSpec{Meta: meta})
		if err != nil {
			return err
		}
		b.a.ServiceAccounts[sa.Name] = obj
	}
	if err := b.createPriorityClasses(); err != nil {
		return err
	}
	var initDep []*k8s.Object
	for _, c := range comps {
		var err error
		switch c.name {
		case ComponentInit:
			err = b.createInit(c)
			if err == nil {
				initDep = []*k8s.Object{b.a.InitJob}
			}
		case ComponentControlPlane:
			err = b.createControlPlane(c, initDep)
		case ComponentComputePlane:
			err = b.createComputePlane(c, initDep)
		case ComponentMetricsExporter:
			err = b.createMetricsExporter(c)
		case ComponentAdminGUI:
			err = b.createAdminGUI(c)
		}
		if err != nil {
			return err
		}
	}
	if err := b.createPodDeletionCost(); err != nil {
		return err
	}
	if err := b.createIngress(); err != nil {
		return err
	}
	return b.createFront()
}

func (b *builder) createInit(c component) error {
	cfg := b.cfg
	init := k8s.Container{
		Name: "init", Image: cfg.Init.Image.Ref(), ImagePullPolicy: cfg.Init.Image.PullPolicy,
		Resources: cfg.Init.Resources, Security: secureContainer(ptr(b.rules.ImageUID)),
	}
	if !b.rules.InitServices {
		init.Command = scriptInitCommand()
		init.Security = secureContainer(ptr(mongoUID))
	}
	tmpl, err := b.finishPod(c, cfg.Init.Workload, securePod(), []k8s.Container{init})
	if err != nil {
		return err
	}
	tmpl.Spec.RestartPolicy = "OnFailure"
	if err := b.checkPodSecurity(`Job "init"`, &tmpl.Spec); err != nil {
		return err
	}
	b.a.InitJob, err = k8s.NewJob(b.scope, b.id+"-init", k8s.JobSpec{
		Meta:     b.meta("init", ComponentInit, nil),
		Template: tmpl,
		Wait:     cfg.wait(),
		Timeout:  cfg.Init.Timeout,
	})
	return err
}

func (b *builder) createControlPlane(c component, deps []*k8s.Object) error {
	cfg := b.cfg
	cp := cfg.ControlPlane
	tmpl, err := b.finishPod(c, cp.Workload, securePod(), []k8s.Container{{
		Name: "control-plane", Image: cp.Image.Ref(), ImagePullPolicy: cp.Image.PullPolicy,
		Resources: cp.Resources, Security: secureContainer(ptr(b.rules.ImageUID)),
		Ports: []k8s.Port{{Name: "control-port", ContainerPort: controlPort}, {Name: "metrics-port", ContainerPort: controlMetricsPort}},
		Liveness: &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/liveness", Port: "1081"},
			InitialDelaySeconds: 15, PeriodSeconds: 5, TimeoutSeconds: 1, FailureThreshold: 1},
		Startup: &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/startup", Port: "1081"},
			InitialDelaySeconds: 1, PeriodSeconds: 3, TimeoutSeconds: 1, FailureThreshold: 20},
		Readiness: b.controlReadiness(),
	}})
	if err != nil {
		return err
	}
	if b.a.ControlPlane, err = b.deployment("control-plane", c, cp.Workload, tmpl, deps); err != nil {
		return err
	}
	if err := b.controlPlaneBudget(); err != nil {
		return err
	}
	b.a.ControlPlaneService, err = b.service("control-plane", ComponentControlPlane, cp.Service, "grpc", "control-port")
	return err
}

// controlReadiness is the control plane's readiness probe, on the versions whose Submitter
// serves /readiness on 1081 (Core 0.40.1 Control/Submitter/src/Program.cs: the health checks
// tagged Readiness): the Service then routes only to replicas whose storage is reachable.
func (b *builder) controlReadiness() *k8s.Probe {
	if !b.rules.ControlReadiness {
		return nil
	}
	return &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: "/readiness", Port: "1081"},
		PeriodSeconds: 5, TimeoutSeconds: 1, FailureThreshold: 3}
}

func (b *builder) createComputePlane(c component, deps []*k8s.Object) error {
	p := c.partition
	agentProbe := func(path string, initial, period, timeout, failures int) *k8s.Probe {
		return &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: path, Port: fmt.Sprint(agentPort)},
			InitialDelaySeconds: initial, PeriodSeconds: period, TimeoutSeconds: timeout, FailureThreshold: failures}
	}
	var uid *int64
	if *p.RunAsUser >= 0 {
		uid = p.RunAsUser
	}
	agent := k8s.Container{
		Name: agentContainer, Image: p.PollingAgent.Image.Ref(), ImagePullPolicy: p.PollingAgent.Image.PullPolicy,
		Resources: p.PollingAgent.Resources, Security: secureContainer(nil),
		Ports:    []k8s.Port{{Name: "poll-agent-port", ContainerPort: agentPort}},
		Liveness: agentProbe("/liveness", 15, 10, 10, 3),
		Startup:  agentProbe("/startup", 1, 3, 1, 20),
	}
	if p.PollingAgent.Readiness {
		agent.Readiness = agentProbe("/readiness", 0, 3, 1, 1)
	}
	w := &p.Worker
	containers := []k8s.Container{agent, {
		Name: w.Name, Image: w.Image.Ref(), ImagePullPolicy: w.Image.PullPolicy,
		Resources: w.Resources, Security: secureContainer(nil),
		// The worker exposes no port: it is probed through the agent's (shared network).
		Liveness: agentProbe("/liveness", 15, 10, 10, 3),
		Startup:  agentProbe("/startup", 1, 3, 1, 20),
	}}
	for j := range p.Sidecars {
		sc := &p.Sidecars[j]
		containers = append(containers, k8s.Container{
			Name: sc.Name, Image: sc.Image.Ref(), ImagePullPolicy: sc.Image.PullPolicy,
			Command: sc.Command, Args: sc.Args, Resources: sc.Resources, Security: secureContainer(nil),
		})
	}
	sec := securePod()
	sec.RunAsUser = uid
	// The shared socket volume must be writable by the common user.
	sec.FSGroup = uid
	if uid != nil {
		// A claim from a module (mount_volume_claim) is chowned only when its root does not
		// match already.
		sec.FSGroupChangePolicy = "OnRootMismatch"
	}
	tmpl, err := b.finishPod(c, p.Workload, sec, containers)
	if err != nil {
		return err
	}
	tmpl.Spec.TerminationGracePeriodSeconds = ptr(int64(*p.TerminationGracePeriodSeconds))
	tmpl.Spec.ShareProcessNamespace = ptr(false)
	b.finishComputePod(c, &tmpl)
	obj, err := b.deployment("compute-plane-"+p.Name, c, p.Workload, tmpl, append(append([]*k8s.Object(nil), deps...), b.computeDeps(p)...))
	if err != nil {
		return err
	}
	b.a.ComputePlanes[p.Name] = obj
	if p.Scaling != nil {
		return b.createScaledObject(p, obj)
	}
	return nil
}

func (b *builder) createMetricsExporter(c component) error {
	cfg := b.cfg
	me := cfg.MetricsExporter
	probe := func(path string, initial, period, timeout, failures int) *k8s.Probe {
		return &k8s.Probe{HTTPGet: &k8s.HTTPGet{Path: path, Port: fmt.Sprint(metricsPort)},
			InitialDelaySeconds: initial, PeriodSeconds: period, TimeoutSeconds: timeout, FailureThreshold: failures}
	}
	tmpl, err := b.finishPod(c, me.Workload, securePod(), []k8s.Container{{
		Name: "metrics-exporter", Image: me.Image.Ref(), ImagePullPolicy: me.Image.PullPolicy,
		Resources: me.Resources, Security: secureContainer(ptr(b.rules.ImageUID)),
		Ports:    []k8s.Port{{Name: "metrics", ContainerPort: metricsPort}},
		Liveness: probe("/liveness", 15, 5, 1, 1),
		Startup:  probe("/startup", 1, 3, 1, 20),
	}})
	if err != nil {
		return err
	}
	if b.a.MetricsExporter, err = b.deployment("metrics-exporter", c, me.Workload, tmpl, nil); err != nil {
		return err
	}
	// The usual prometheus.io annotations, for a Prometheus discovering Services by them (its
	// port is the pods' port: such a Prometheus scrapes the Service's endpoints).
	me.Service.Annotations = mergeMaps(scrapeAnnotations(metricsPort), me.Service.Annotations)
	b.a.MetricsService, err = b.service("metrics-exporter", ComponentMetricsExporter, me.Service, "metrics", "metrics")
	return err
}

func (b *builder) createAdminGUI(c component) error {
	g := b.cfg.AdminGUI
	tcp := func(initial, period, failures int) *k8s.Probe {
		return &k8s.Probe{TCPPort: "app-port", InitialDelaySeconds: initial, PeriodSeconds: period, TimeoutSeconds: 1, FailureThreshold: failures}
	}
	tmpl, err := b.finishPod(c, g.Workload, securePod(), []k8s.Container{{
		Name: "admin-gui", Image: g.Image.Ref(), ImagePullPolicy: g.Image.PullPolicy,
		Resources: g.Resources, Security: secureContainer(ptr(guiUID)),
		Ports:     []k8s.Port{{Name: "app-port", ContainerPort: guiPort}},
		Readiness: tcp(1, 5, 3),
		Liveness:  tcp(15, 10, 3),
	}})
	if err != nil {
		return err
	}
	if b.a.AdminGUI, err = b.deployment("admin-gui", c, g.Workload, tmpl, nil); err != nil {
		return err
	}
	b.a.AdminGUIService, err = b.service("admin-gui", ComponentAdminGUI, g.Service, "http", "app-port")
	return err
}

func (b *builder) createIngress() error {
	in := b.cfg.Ingress
	if !in.Enabled {
		return nil
	}
	mk := func(name string, extra map[string]string, path k8s.IngressPath) error {
		meta := b.meta(name, "ingress", nil)
		meta.Annotations = mergeMaps(in.Annotations, extra)
		obj, err := k8s.NewIngress(b.scope, b.id+"-"+name, k8s.IngressSpec{
			Meta: meta, ClassName: in.ClassName, Host: in.Host, TLSSecret: in.TLSSecret, Paths: []k8s.IngressPath{path},
		})
		if err == nil {
			b.a.Ingresses = append(b.a.Ingresses, obj)
		}
		return err
	}
	if err := mk("armonik-grpc", in.GRPCAnnotations, k8s.IngressPath{
		Path: "/armonik.", PathType: in.GRPCPathType, Service: b.a.ControlPlaneService.NameRef, ServicePort: b.cfg.ControlPlane.Service.Port,
	}); err != nil {
		return err
	}
	if b.a.AdminGUIService == nil {
		return nil
	}
	return mk("armonik-gui", in.GUIAnnotations, k8s.IngressPath{
		Path: "/admin", PathType: "Prefix", Service: b.a.AdminGUIService.NameRef, ServicePort: b.cfg.AdminGUI.Service.Port,
	})
}
