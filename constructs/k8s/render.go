package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/jsii-runtime-go"
	dep "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/deploymentv1"
)

// The pod template is rendered once, into the Deployment binding types. StatefulSets and Jobs
// have pod templates of the same shape under other Go type names (the provider schema is
// shared); convertJSON moves a rendered value to those types through the binding structs' own
// JSON tags, which are the jsii property names. A decoder that rejects unknown fields
// guarantees that nothing is lost on the way.

type errList []error

func (e *errList) add(format string, args ...any) { *e = append(*e, fmt.Errorf(format, args...)) }

func (e errList) join() error { return errors.Join(e...) }

// convertJSON copies src into a new value of type T through JSON. Unset (null) fields are
// dropped first: the target may lack a field the source type has, as long as it is unset.
func convertJSON[T any](src any) (*T, error) {
	raw, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, err
	}
	if raw, err = json.Marshal(dropNulls(generic)); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var out T
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("converting %T to %T: %w", src, out, err)
	}
	return &out, nil
}

func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNulls(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = dropNulls(e)
		}
	}
	return v
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

func num(n int) *float64 {
	if n == 0 {
		return nil
	}
	return jsii.Number(float64(n))
}

func strList(l []string) *[]*string {
	if len(l) == 0 {
		return nil
	}
	return jsii.Strings(l...)
}

func int64Str(p *int64) *string {
	if p == nil {
		return nil
	}
	return jsii.String(strconv.FormatInt(*p, 10))
}

// boolOrNil returns the bool for an interface{} binding field, or nil (unset).
func boolOrNil(p *bool) interface{} {
	if p == nil {
		return nil
	}
	return *p
}

func renderTemplate(t *PodTemplate) (*dep.DeploymentV1SpecTemplate, error) {
	spec, err := renderPodSpec(&t.Spec)
	if err != nil {
		return nil, err
	}
	return &dep.DeploymentV1SpecTemplate{
		Metadata: &dep.DeploymentV1SpecTemplateMetadata{
			Labels:      stringMap(t.Labels),
			Annotations: stringMap(t.Annotations),
		},
		Spec: spec,
	}, nil
}

func renderPodSpec(s *PodSpec) (*dep.DeploymentV1SpecTemplateSpec, error) {
	out := &dep.DeploymentV1SpecTemplateSpec{
		ServiceAccountName:            str(s.ServiceAccountName),
		AutomountServiceAccountToken:  boolOrNil(s.AutomountServiceAccountToken),
		NodeSelector:                  stringMap(s.NodeSelector),
		RestartPolicy:                 str(s.RestartPolicy),
		ShareProcessNamespace:         boolOrNil(s.ShareProcessNamespace),
		Hostname:                      str(s.Hostname),
		Subdomain:                     str(s.Subdomain),
		TerminationGracePeriodSeconds: nil,
		DnsPolicy:                     str(s.DNSPolicy),
		PriorityClassName:             str(s.PriorityClassName),
	}
	if s.HostNetwork {
		out.HostNetwork = true
	}
	if s.HostPID {
		out.HostPid = true
	}
	if s.TerminationGracePeriodSeconds != nil {
		out.TerminationGracePeriodSeconds = jsii.Number(float64(*s.TerminationGracePeriodSeconds))
	}
	podNonRoot, nonRoot := effectiveNonRoot(s)
	if sec := s.Security; sec != nil {
		out.SecurityContext = &dep.DeploymentV1SpecTemplateSpecSecurityContext{
			RunAsUser:           int64Str(sec.RunAsUser),
			RunAsGroup:          int64Str(sec.RunAsGroup),
			FsGroup:             int64Str(sec.FSGroup),
			FsGroupChangePolicy: str(sec.FSGroupChangePolicy),
			RunAsNonRoot:        boolOrNil(podNonRoot),
		}
		if sec.SeccompRuntimeDefault {
			out.SecurityContext.SeccompProfile = &dep.DeploymentV1SpecTemplateSpecSecurityContextSeccompProfile{Type: jsii.String("RuntimeDefault")}
		}
	}
	var containers []*dep.DeploymentV1SpecTemplateSpecContainer
	for i := range s.Containers {
		c, err := renderContainer(&s.Containers[i], nonRoot[&s.Containers[i]])
		if err != nil {
			return nil, err
		}
		containers = append(containers, c)
	}
	out.Container = containers
	if len(s.InitContainers) > 0 {
		var inits []*dep.DeploymentV1SpecTemplateSpecContainer
		for i := range s.InitContainers {
			c, err := renderContainer(&s.InitContainers[i], nonRoot[&s.InitContainers[i]])
			if err != nil {
				return nil, err
			}
			inits = append(inits, c)
		}
		conv, err := convertJSON[[]*dep.DeploymentV1SpecTemplateSpecInitContainer](inits)
		if err != nil {
			return nil, err
		}
		out.InitContainer = *conv
	}
	if len(s.Volumes) > 0 {
		var vols []*dep.DeploymentV1SpecTemplateSpecVolume
		for _, v := range s.Volumes {
			r, err := renderVolume(v)
			if err != nil {
				return nil, err
			}
			vols = append(vols, r)
		}
		out.Volume = vols
	}
	if len(s.Tolerations) > 0 {
		var tols []*dep.DeploymentV1SpecTemplateSpecToleration
		for _, t := range s.Tolerations {
			tols = append(tols, &dep.DeploymentV1SpecTemplateSpecToleration{
				Key: str(t.Key), Operator: str(t.Operator), Value: str(t.Value), Effect: str(t.Effect),
			})
		}
		out.Toleration = tols
	}
	if a := s.AntiAffinity; a != nil {
		out.Affinity = renderAntiAffinity(a)
	}
	if len(s.ImagePullSecrets) > 0 {
		var ips []*dep.DeploymentV1SpecTemplateSpecImagePullSecrets
		for _, n := range s.ImagePullSecrets {
			ips = append(ips, &dep.DeploymentV1SpecTemplateSpecImagePullSecrets{Name: jsii.String(n)})
		}
		out.ImagePullSecrets = ips
	}
	return out, nil
}

func renderAntiAffinity(a *AntiAffinity) *dep.DeploymentV1SpecTemplateSpecAffinity {
	key := a.TopologyKey
	if key == "" {
		key = DefaultTopologyKey
	}
	anti := &dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinity{}
	if a.Required {
		anti.RequiredDuringSchedulingIgnoredDuringExecution = []*dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecution{{
			LabelSelector: []*dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecutionLabelSelector{{
				MatchLabels: stringMap(a.Selector),
			}},
			TopologyKey: jsii.String(key),
		}}
	} else {
		weight := a.Weight
		if weight == 0 {
			weight = 100
		}
		anti.PreferredDuringSchedulingIgnoredDuringExecution = []*dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecution{{
			Weight: jsii.Number(float64(weight)),
			PodAffinityTerm: &dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTerm{
				LabelSelector: []*dep.DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTermLabelSelector{{
					MatchLabels: stringMap(a.Selector),
				}},
				TopologyKey: jsii.String(key),
			},
		}}
	}
	return &dep.DeploymentV1SpecTemplateSpecAffinity{PodAntiAffinity: anti}
}

// renderContainer renders c; nonRoot is its effective runAsNonRoot (effectiveNonRoot).
func renderContainer(c *Container, nonRoot *bool) (*dep.DeploymentV1SpecTemplateSpecContainer, error) {
	out := &dep.DeploymentV1SpecTemplateSpecContainer{
		Name:            jsii.String(c.Name),
		Image:           jsii.String(c.Image),
		ImagePullPolicy: str(c.ImagePullPolicy),
		Command:         strList(c.Command),
		Args:            strList(c.Args),
		WorkingDir:      str(c.WorkingDir),
	}
	if len(c.Env) > 0 {
		var env []*dep.DeploymentV1SpecTemplateSpecContainerEnv
		for _, e := range c.Env {
			r := &dep.DeploymentV1SpecTemplateSpecContainerEnv{Name: jsii.String(e.Name)}
			switch {
			case e.SecretKey != nil:
				r.ValueFrom = &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFrom{
					SecretKeyRef: &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFromSecretKeyRef{
						Name: jsii.String(e.SecretKey.Name), Key: jsii.String(e.SecretKey.Key), Optional: optTrue(e.SecretKey.Optional),
					},
				}
			case e.ConfigMapKey != nil:
				r.ValueFrom = &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFrom{
					ConfigMapKeyRef: &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFromConfigMapKeyRef{
						Name: jsii.String(e.ConfigMapKey.Name), Key: jsii.String(e.ConfigMapKey.Key), Optional: optTrue(e.ConfigMapKey.Optional),
					},
				}
			case e.FieldPath != "":
				r.ValueFrom = &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFrom{
					FieldRef: &dep.DeploymentV1SpecTemplateSpecContainerEnvValueFromFieldRef{FieldPath: jsii.String(e.FieldPath)},
				}
			default:
				// An empty value is a value: Kubernetes sets the variable to "".
				r.Value = jsii.String(e.Value)
			}
			env = append(env, r)
		}
		out.Env = env
	}
	if len(c.EnvFrom) > 0 {
		var ef []*dep.DeploymentV1SpecTemplateSpecContainerEnvFrom
		for _, f := range c.EnvFrom {
			r := &dep.DeploymentV1SpecTemplateSpecContainerEnvFrom{Prefix: str(f.Prefix)}
			if f.ConfigMap != "" {
				r.ConfigMapRef = &dep.DeploymentV1SpecTemplateSpecContainerEnvFromConfigMapRef{Name: jsii.String(f.ConfigMap)}
			} else {
				r.SecretRef = &dep.DeploymentV1SpecTemplateSpecContainerEnvFromSecretRef{Name: jsii.String(f.Secret)}
			}
			ef = append(ef, r)
		}
		out.EnvFrom = ef
	}
	if len(c.Ports) > 0 {
		var ports []*dep.DeploymentV1SpecTemplateSpecContainerPort
		for _, p := range c.Ports {
			ports = append(ports, &dep.DeploymentV1SpecTemplateSpecContainerPort{
				Name: str(p.Name), ContainerPort: jsii.Number(float64(p.ContainerPort)), Protocol: str(p.Protocol),
			})
		}
		out.Port = ports
	}
	if len(c.Mounts) > 0 {
		var mounts []*dep.DeploymentV1SpecTemplateSpecContainerVolumeMount
		for _, m := range c.Mounts {
			r := &dep.DeploymentV1SpecTemplateSpecContainerVolumeMount{
				Name: jsii.String(m.Volume), MountPath: jsii.String(m.Path), SubPath: str(m.SubPath),
				MountPropagation: str(m.Propagation),
			}
			if m.ReadOnly {
				r.ReadOnly = true
			}
			mounts = append(mounts, r)
		}
		out.VolumeMount = mounts
	}
	if len(c.Resources.Limits)+len(c.Resources.Requests) > 0 {
		out.Resources = &dep.DeploymentV1SpecTemplateSpecContainerResources{
			Limits: stringMap(c.Resources.Limits), Requests: stringMap(c.Resources.Requests),
		}
	}
	if c.Liveness != nil {
		out.LivenessProbe = renderProbe(c.Liveness)
	}
	var err error
	if c.Readiness != nil {
		if out.ReadinessProbe, err = convertProbe[dep.DeploymentV1SpecTemplateSpecContainerReadinessProbe](c.Readiness); err != nil {
			return nil, err
		}
	}
	if c.Startup != nil {
		if out.StartupProbe, err = convertProbe[dep.DeploymentV1SpecTemplateSpecContainerStartupProbe](c.Startup); err != nil {
			return nil, err
		}
	}
	if sec := c.Security; sec != nil {
		sc := &dep.DeploymentV1SpecTemplateSpecContainerSecurityContext{
			RunAsUser:                int64Str(sec.RunAsUser),
			RunAsGroup:               int64Str(sec.RunAsGroup),
			RunAsNonRoot:             boolOrNil(nonRoot),
			AllowPrivilegeEscalation: boolOrNil(sec.AllowPrivilegeEscalation),
			Privileged:               boolOrNil(sec.Privileged),
			ReadOnlyRootFilesystem:   boolOrNil(sec.ReadOnlyRootFilesystem),
		}
		if len(sec.DropCapabilities)+len(sec.AddCapabilities) > 0 {
			sc.Capabilities = &dep.DeploymentV1SpecTemplateSpecContainerSecurityContextCapabilities{
				Drop: strList(sec.DropCapabilities), Add: strList(sec.AddCapabilities),
			}
		}
		if sec.SeccompRuntimeDefault {
			sc.SeccompProfile = &dep.DeploymentV1SpecTemplateSpecContainerSecurityContextSeccompProfile{Type: jsii.String("RuntimeDefault")}
		}
		out.SecurityContext = sc
	}
	if len(c.PreStop) > 0 {
		out.Lifecycle = &dep.DeploymentV1SpecTemplateSpecContainerLifecycle{
			PreStop: []*dep.DeploymentV1SpecTemplateSpecContainerLifecyclePreStop{{
				Exec: &dep.DeploymentV1SpecTemplateSpecContainerLifecyclePreStopExec{Command: jsii.Strings(c.PreStop...)},
			}},
		}
	}
	return out, nil
}

func optTrue(b bool) interface{} {
	if b {
		return true
	}
	return nil
}

func renderProbe(p *Probe) *dep.DeploymentV1SpecTemplateSpecContainerLivenessProbe {
	out := &dep.DeploymentV1SpecTemplateSpecContainerLivenessProbe{
		InitialDelaySeconds: num(p.InitialDelaySeconds),
		PeriodSeconds:       num(p.PeriodSeconds),
		TimeoutSeconds:      num(p.TimeoutSeconds),
		FailureThreshold:    num(p.FailureThreshold),
		SuccessThreshold:    num(p.SuccessThreshold),
	}
	switch {
	case p.HTTPGet != nil:
		out.HttpGet = &dep.DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet{
			Path: str(p.HTTPGet.Path), Port: jsii.String(p.HTTPGet.Port), Scheme: str(p.HTTPGet.Scheme),
		}
	case p.TCPPort != "":
		out.TcpSocket = []*dep.DeploymentV1SpecTemplateSpecContainerLivenessProbeTcpSocket{{Port: jsii.String(p.TCPPort)}}
	case len(p.Exec) > 0:
		out.Exec = &dep.DeploymentV1SpecTemplateSpecContainerLivenessProbeExec{Command: jsii.Strings(p.Exec...)}
	}
	return out
}

// convertProbe renders p as a liveness probe and moves it to the readiness or startup type.
func convertProbe[T any](p *Probe) (*T, error) { return convertJSON[T](renderProbe(p)) }

func renderItems(items []KeyToPath) []*dep.DeploymentV1SpecTemplateSpecVolumeSecretItems {
	var out []*dep.DeploymentV1SpecTemplateSpecVolumeSecretItems
	for _, it := range items {
		out = append(out, &dep.DeploymentV1SpecTemplateSpecVolumeSecretItems{
			Key: jsii.String(it.Key), Path: jsii.String(it.Path), Mode: str(it.Mode),
		})
	}
	return out
}

func renderVolume(v Volume) (*dep.DeploymentV1SpecTemplateSpecVolume, error) {
	out := &dep.DeploymentV1SpecTemplateSpecVolume{Name: jsii.String(v.Name)}
	switch {
	case v.ConfigMap != nil:
		out.ConfigMap = &dep.DeploymentV1SpecTemplateSpecVolumeConfigMap{
			Name: jsii.String(v.ConfigMap.Name), DefaultMode: str(v.ConfigMap.DefaultMode),
		}
		if len(v.ConfigMap.Items) > 0 {
			// Same shape as the Secret items: convert through JSON.
			items, err := convertJSON[[]*dep.DeploymentV1SpecTemplateSpecVolumeConfigMapItems](renderItems(v.ConfigMap.Items))
			if err != nil {
				return nil, err
			}
			out.ConfigMap.Items = *items
		}
	case v.Secret != nil:
		out.Secret = &dep.DeploymentV1SpecTemplateSpecVolumeSecret{
			SecretName: jsii.String(v.Secret.Name), DefaultMode: str(v.Secret.DefaultMode), Optional: optTrue(v.Secret.Optional),
		}
		if len(v.Secret.Items) > 0 {
			out.Secret.Items = renderItems(v.Secret.Items)
		}
	case v.EmptyDir != nil:
		out.EmptyDir = &dep.DeploymentV1SpecTemplateSpecVolumeEmptyDir{
			Medium: str(v.EmptyDir.Medium), SizeLimit: str(v.EmptyDir.SizeLimit),
		}
	case v.HostPath != nil:
		out.HostPath = &dep.DeploymentV1SpecTemplateSpecVolumeHostPath{
			Path: jsii.String(v.HostPath.Path), Type: str(v.HostPath.Type),
		}
	case v.NFS != nil:
		out.Nfs = &dep.DeploymentV1SpecTemplateSpecVolumeNfs{
			Server: jsii.String(v.NFS.Server), Path: jsii.String(v.NFS.Path), ReadOnly: optTrue(v.NFS.ReadOnly),
		}
	case v.CSI != nil:
		out.Csi = &dep.DeploymentV1SpecTemplateSpecVolumeCsi{
			Driver: jsii.String(v.CSI.Driver), ReadOnly: optTrue(v.CSI.ReadOnly), VolumeAttributes: stringMap(v.CSI.Attributes),
		}
	case v.Claim != nil:
		out.PersistentVolumeClaim = &dep.DeploymentV1SpecTemplateSpecVolumePersistentVolumeClaim{
			ClaimName: jsii.String(v.Claim.ClaimName), ReadOnly: optTrue(v.Claim.ReadOnly),
		}
	}
	return out, nil
}
