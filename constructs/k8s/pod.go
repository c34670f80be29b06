package k8s

import (
	"fmt"
	"path"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Meta is the metadata of a namespaced object.
type Meta struct {
	// Name of the object (validated as a DNS-1123 subdomain, or label where Kubernetes needs one).
	Name string
	// Namespace is the namespace name or, better, a Terraform reference to the created namespace
	// (Namespace.Name) so that Terraform orders creation and deletion.
	Namespace string
	// Labels and Annotations of the object.
	Labels, Annotations map[string]string
}

// Container is one container of a pod.
type Container struct {
	Name            string
	Image           string
	ImagePullPolicy string // Always, IfNotPresent, Never or "" (Kubernetes default)
	Command, Args   []string
	WorkingDir      string
	Env             []EnvVar
	EnvFrom         []EnvFrom
	Ports           []Port
	Mounts          []Mount
	Resources       Resources
	// Probes; nil means none.
	Liveness, Readiness, Startup *Probe
	// Security is the container security context; nil leaves every field to the image and pod.
	Security *ContainerSecurity
	// PreStop is a command run before the container is stopped.
	PreStop []string
}

// EnvVar is one environment variable: a literal Value, or a key of a Secret or ConfigMap, or a
// field of the pod (FieldPath such as "status.podIP").
type EnvVar struct {
	Name         string
	Value        string
	SecretKey    *KeyRef
	ConfigMapKey *KeyRef
	FieldPath    string
}

// KeyRef selects one key of a Secret or ConfigMap. Name may be a Terraform reference.
type KeyRef struct {
	Name     string
	Key      string
	Optional bool
}

// EnvFrom loads every key of a ConfigMap or a Secret (exactly one) as environment variables.
type EnvFrom struct {
	ConfigMap string
	Secret    string
	Prefix    string
}

// Port is a named container port.
type Port struct {
	Name          string
	ContainerPort int
	Protocol      string // TCP (default), UDP, SCTP
}

// Mount places a pod volume in the container.
type Mount struct {
	Volume   string
	Path     string
	SubPath  string
	ReadOnly bool
	// Propagation is the mount propagation: "" (None, the Kubernetes default), HostToContainer
	// or Bidirectional. A node agent reading the host's mounts needs HostToContainer.
	Propagation string
}

// Resources are the container's requests and limits ("cpu": "500m", "memory": "1Gi"...).
type Resources struct {
	// Requests are what the scheduler reserves, e.g. {cpu: 500m, memory: 1Gi}.
	Requests map[string]string `json:"requests,omitempty" yaml:"requests,omitempty"`
	// Limits are the most the container may use, e.g. {cpu: "2", memory: 2Gi}.
	Limits map[string]string `json:"limits,omitempty" yaml:"limits,omitempty"`
}

// Probe is a liveness, readiness or startup probe: exactly one of HTTPGet, TCPPort, Exec.
type Probe struct {
	HTTPGet *HTTPGet
	// TCPPort is a port number or name.
	TCPPort string
	Exec    []string

	InitialDelaySeconds, PeriodSeconds, TimeoutSeconds, FailureThreshold, SuccessThreshold int
}

// HTTPGet is an HTTP GET probe on Path at Port (a number or a port name).
type HTTPGet struct {
	Path   string
	Port   string
	Scheme string
}

// ContainerSecurity is a container security context. Nil pointers leave the field unset, but
// for RunAsNonRoot, which is rendered with the pod's value: the kubernetes provider (2.38.0)
// sends an unset boolean of a security context as false, and a container-level false would
// override the pod's true (the restricted Pod Security level refuses the pod).
type ContainerSecurity struct {
	RunAsUser, RunAsGroup    *int64
	RunAsNonRoot             *bool
	AllowPrivilegeEscalation *bool
	Privileged               *bool
	ReadOnlyRootFilesystem   *bool
	DropCapabilities         []string
	AddCapabilities          []string
	// SeccompRuntimeDefault sets seccompProfile.type RuntimeDefault.
	SeccompRuntimeDefault bool
}

// Volume is a pod volume with exactly one source.
type Volume struct {
	Name      string
	ConfigMap *ConfigMapVolume
	Secret    *SecretVolume
	EmptyDir  *EmptyDirVolume
	HostPath  *HostPathVolume
	NFS       *NFSVolume
	CSI       *CSIVolume
	Claim     *ClaimVolume
}

// KeyToPath projects one key of a Secret or ConfigMap to a relative file path, with an optional
// octal mode ("0400").
type KeyToPath struct {
	Key, Path, Mode string
}

// ConfigMapVolume mounts a ConfigMap (Name may be a Terraform reference).
type ConfigMapVolume struct {
	Name        string
	DefaultMode string
	Items       []KeyToPath
}

// SecretVolume mounts a Secret (Name may be a Terraform reference).
type SecretVolume struct {
	Name        string
	DefaultMode string
	Items       []KeyToPath
	// Optional lets the pod start before the Secret exists (a controller creates it later).
	Optional bool
}

// EmptyDirVolume is scratch space; Medium "Memory" puts it in RAM.
type EmptyDirVolume struct {
	Medium    string
	SizeLimit string
}

// HostPathVolume is a directory or file of the node.
type HostPathVolume struct {
	Path string
	Type string
}

// NFSVolume is an NFS export.
type NFSVolume struct {
	Server, Path string
	ReadOnly     bool
}

// CSIVolume is an inline CSI volume.
type CSIVolume struct {
	Driver     string
	ReadOnly   bool
	Attributes map[string]string
}

// ClaimVolume mounts a PersistentVolumeClaim (ClaimName may be a Terraform reference).
type ClaimVolume struct {
	ClaimName string
	ReadOnly  bool
}

// Toleration lets pods schedule onto tainted nodes.
type Toleration struct {
	// Key is the taint's key ("" with operator Exists tolerates every taint).
	Key string `json:"key,omitempty" yaml:"key,omitempty"`
	// Operator is Equal (default) or Exists.
	Operator string `json:"operator,omitempty" yaml:"operator,omitempty"`
	// Value is the taint's value (with operator Equal).
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
	// Effect is NoSchedule, PreferNoSchedule, NoExecute or "" (all effects).
	Effect string `json:"effect,omitempty" yaml:"effect,omitempty"`
}

// PodSecurity is the pod security context. Nil pointers leave the field unset. An unset
// RunAsNonRoot is rendered true when every container sets it true (the provider would send
// false, which the restricted Pod Security level refuses).
type PodSecurity struct {
	RunAsUser, RunAsGroup, FSGroup *int64
	RunAsNonRoot                   *bool
	SeccompRuntimeDefault          bool
	// FSGroupChangePolicy: "" (Kubernetes' Always: the kubelet changes the ownership of every
	// file of the volumes at each mount) or OnRootMismatch (only when the volume's root does not
	// match FSGroup already: a large persistent volume does not delay every restart).
	FSGroupChangePolicy string
}

// PodSpec is everything inside a pod template but its metadata.
type PodSpec struct {
	InitContainers []Container
	Containers     []Container
	Volumes        []Volume

	ServiceAccountName string
	// AutomountServiceAccountToken: nil leaves the Kubernetes default (true).
	AutomountServiceAccountToken *bool
	NodeSelector                 map[string]string
	Tolerations                  []Toleration
	ImagePullSecrets             []string
	Security                     *PodSecurity
	// TerminationGracePeriodSeconds: nil leaves the Kubernetes default (30).
	TerminationGracePeriodSeconds *int64
	RestartPolicy                 string
	ShareProcessNamespace         *bool
	Hostname, Subdomain           string
	// HostNetwork and HostPID run the pod in the node's network and process namespaces (node
	// agents such as node-exporter); the Pod Security "baseline" and "restricted" levels forbid
	// both, so such pods belong in a namespace labelled "privileged".
	HostNetwork, HostPID bool
	// DNSPolicy: "" (ClusterFirst), ClusterFirstWithHostNet (cluster DNS for a host-network
	// pod), Default or None.
	DNSPolicy string
	// PriorityClassName names the pods' PriorityClass ("" = the cluster's default priority).
	PriorityClassName string
	// AntiAffinity keeps the pods apart from the pods its selector matches (nil: no rule).
	AntiAffinity *AntiAffinity
}

// AntiAffinity is a pod anti-affinity rule: the scheduler avoids (Required: refuses) placing a
// pod in a topology domain (a node, with the default topology key) that already runs a pod
// matching Selector. Replicas of a replicated service select their own labels, so that losing
// one node loses one replica.
type AntiAffinity struct {
	// Selector matches the pods to keep apart (required), usually the workload's own selector.
	Selector map[string]string
	// TopologyKey is the node label whose values are the domains (default
	// "kubernetes.io/hostname": one node).
	TopologyKey string
	// Required makes the rule a hard constraint (requiredDuringSchedulingIgnoredDuringExecution):
	// a pod with no free domain stays Pending. By default it is a preference of Weight.
	Required bool
	// Weight of the preference, 1-100 (default 100).
	Weight int
}

// DefaultTopologyKey is the topology key of an AntiAffinity without one: one domain per node.
const DefaultTopologyKey = "kubernetes.io/hostname"

// PodTemplate is a pod template: labels and annotations plus the spec.
type PodTemplate struct {
	Labels, Annotations map[string]string
	Spec                PodSpec
}

// Validate returns every problem of the pod template, each prefixed with where, at once.
func (t *PodTemplate) Validate(where string) error {
	var errs errList
	s := &t.Spec
	if len(s.Containers) == 0 {
		errs.add("%s: a pod needs at least one container", where)
	}
	volumes := map[string]bool{}
	for i, v := range s.Volumes {
		w := fmt.Sprintf("%s: volume %q", where, v.Name)
		if msgs := validation.IsDNS1123Label(v.Name); len(msgs) > 0 {
			errs.add("%s: name: %s", w, msgs[0])
		}
		if volumes[v.Name] {
			errs.add("%s: defined twice in the pod (volume #%d)", w, i)
		}
		volumes[v.Name] = true
		n := 0
		for _, set := range []bool{v.ConfigMap != nil, v.Secret != nil, v.EmptyDir != nil, v.HostPath != nil, v.NFS != nil, v.CSI != nil, v.Claim != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			errs.add("%s: needs exactly one source (configMap, secret, emptyDir, hostPath, nfs, csi, persistentVolumeClaim), has %d", w, n)
		}
		for _, m := range []string{cmMode(v.ConfigMap), secMode(v.Secret)} {
			if m != "" && !validMode(m) {
				errs.add("%s: mode %q must be an octal string like \"0644\"", w, m)
			}
		}
	}
	names := map[string]bool{}
	for _, group := range []struct {
		kind string
		cs   []Container
	}{{"init container", s.InitContainers}, {"container", s.Containers}} {
		for _, c := range group.cs {
			w := fmt.Sprintf("%s: %s %q", where, group.kind, c.Name)
			if msgs := validation.IsDNS1123Label(c.Name); len(msgs) > 0 {
				errs.add("%s: name: %s", w, msgs[0])
			}
			if names[c.Name] {
				errs.add("%s: two containers of the pod have this name", w)
			}
			names[c.Name] = true
			if err := ValidateImage(c.Image); err != nil {
				errs.add("%s: image: %v", w, err)
			}
			env := map[string]bool{}
			for _, e := range c.Env {
				if msgs := validation.IsEnvVarName(e.Name); len(msgs) > 0 {
					errs.add("%s: env %q: %s", w, e.Name, msgs[0])
				}
				if env[e.Name] {
					errs.add("%s: env %q is set twice", w, e.Name)
				}
				env[e.Name] = true
				srcs := 0
				for _, set := range []bool{e.SecretKey != nil, e.ConfigMapKey != nil, e.FieldPath != ""} {
					if set {
						srcs++
					}
				}
				if srcs > 1 || (srcs == 1 && e.Value != "") {
					errs.add("%s: env %q: set a value or one valueFrom source, not both", w, e.Name)
				}
			}
			for _, f := range c.EnvFrom {
				if (f.ConfigMap == "") == (f.Secret == "") {
					errs.add("%s: envFrom needs exactly one of configMap, secret", w)
				}
			}
			paths := map[string]bool{}
			for _, m := range c.Mounts {
				if !volumes[m.Volume] {
					errs.add("%s: mount of volume %q at %q: the pod has no such volume", w, m.Volume, m.Path)
				}
				if !path.IsAbs(m.Path) {
					errs.add("%s: mount of volume %q: path %q must be absolute", w, m.Volume, m.Path)
				}
				if paths[m.Path] {
					errs.add("%s: two mounts at %q", w, m.Path)
				}
				switch m.Propagation {
				case "", "None", "HostToContainer", "Bidirectional":
				default:
					errs.add("%s: mount at %q: propagation %q must be None, HostToContainer or Bidirectional", w, m.Path, m.Propagation)
				}
				paths[m.Path] = true
			}
			ports := map[string]bool{}
			for _, p := range c.Ports {
				if p.ContainerPort < 1 || p.ContainerPort > 65535 {
					errs.add("%s: port %q: %d is not in 1-65535", w, p.Name, p.ContainerPort)
				}
				if p.Name != "" {
					if msgs := validation.IsValidPortName(p.Name); len(msgs) > 0 {
						errs.add("%s: port name %q: %s", w, p.Name, msgs[0])
					}
					if ports[p.Name] {
						errs.add("%s: port name %q used twice", w, p.Name)
					}
					ports[p.Name] = true
				}
			}
			for kind, p := range map[string]*Probe{"liveness": c.Liveness, "readiness": c.Readiness, "startup": c.Startup} {
				if p == nil {
					continue
				}
				n := 0
				for _, set := range []bool{p.HTTPGet != nil, p.TCPPort != "", len(p.Exec) > 0} {
					if set {
						n++
					}
				}
				if n != 1 {
					errs.add("%s: %s probe needs exactly one of httpGet, tcpSocket, exec", w, kind)
				}
			}
		}
	}
	for _, n := range s.ImagePullSecrets {
		if !isToken(n) {
			if msg := CheckName("Secret", n); msg != "" {
				errs.add("%s: image pull Secret %q: %s", where, n, msg)
			}
		}
	}
	if sec := s.Security; sec != nil && sec.FSGroupChangePolicy != "" && sec.FSGroupChangePolicy != "Always" && sec.FSGroupChangePolicy != "OnRootMismatch" {
		errs.add("%s: fsGroupChangePolicy %q must be Always or OnRootMismatch", where, sec.FSGroupChangePolicy)
	}
	if a := s.AntiAffinity; a != nil {
		if len(a.Selector) == 0 {
			errs.add("%s: anti-affinity: selector: required", where)
		}
		if a.Weight < 0 || a.Weight > 100 {
			errs.add("%s: anti-affinity: weight %d must be in 1-100 (0 = 100)", where, a.Weight)
		}
		if a.TopologyKey != "" {
			if msgs := validation.IsQualifiedName(a.TopologyKey); len(msgs) > 0 {
				errs.add("%s: anti-affinity: topology key %q: %s", where, a.TopologyKey, msgs[0])
			}
		}
	}
	switch s.DNSPolicy {
	case "", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None":
	default:
		errs.add("%s: DNS policy %q must be ClusterFirst, ClusterFirstWithHostNet, Default or None", where, s.DNSPolicy)
	}
	for _, tol := range s.Tolerations {
		if tol.Operator != "" && tol.Operator != "Equal" && tol.Operator != "Exists" {
			errs.add("%s: toleration %q: operator %q must be Equal or Exists", where, tol.Key, tol.Operator)
		}
	}
	return errs.join()
}

func cmMode(v *ConfigMapVolume) string {
	if v == nil {
		return ""
	}
	return v.DefaultMode
}

func secMode(v *SecretVolume) string {
	if v == nil {
		return ""
	}
	return v.DefaultMode
}

// validMode reports whether m is an octal file mode string such as "0644".
func validMode(m string) bool {
	if len(m) != 4 || m[0] != '0' {
		return false
	}
	_, err := strconv.ParseUint(m, 8, 32)
	return err == nil
}
