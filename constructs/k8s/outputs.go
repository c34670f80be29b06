package k8s

import (
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// ContainerOutputs converts what outputs.MergePod gave one container into its env, envFrom and
// mounts. References render as their Terraform tokens when set (Ref.Value).
func ContainerOutputs(c *outputs.Container) (env []EnvVar, envFrom []EnvFrom, mounts []Mount) {
	for _, e := range c.Env {
		v := EnvVar{Name: e.Name, Value: e.Value}
		switch {
		case e.SecretKey != nil:
			v = EnvVar{Name: e.Name, SecretKey: &KeyRef{Name: e.SecretKey.Ref.Value(), Key: e.SecretKey.Key}}
		case e.ConfigMapKey != nil:
			v = EnvVar{Name: e.Name, ConfigMapKey: &KeyRef{Name: e.ConfigMapKey.Ref.Value(), Key: e.ConfigMapKey.Key}}
		}
		env = append(env, v)
	}
	for _, f := range c.EnvFrom {
		r := EnvFrom{Prefix: f.Prefix}
		if f.ConfigMap != nil {
			r.ConfigMap = f.ConfigMap.Value()
		} else if f.Secret != nil {
			r.Secret = f.Secret.Value()
		}
		envFrom = append(envFrom, r)
	}
	for _, m := range c.Mounts {
		mounts = append(mounts, Mount{Volume: m.Volume, Path: m.Path, SubPath: m.SubPath, ReadOnly: m.ReadOnly})
	}
	return env, envFrom, mounts
}

// PodVolumes converts the volumes of a merged pod.
func PodVolumes(p *outputs.Pod) []Volume {
	var out []Volume
	for _, v := range p.Volumes {
		r := Volume{Name: v.Name}
		items := func(fs *outputs.FileSource) []KeyToPath {
			var out []KeyToPath
			for _, it := range fs.Items {
				out = append(out, KeyToPath{Key: it.Key, Path: it.Path, Mode: it.Mode})
			}
			return out
		}
		switch {
		case v.ConfigMap != nil:
			r.ConfigMap = &ConfigMapVolume{Name: v.ConfigMap.Ref.Value(), DefaultMode: v.ConfigMap.Mode, Items: items(v.ConfigMap)}
		case v.Secret != nil:
			r.Secret = &SecretVolume{Name: v.Secret.Ref.Value(), DefaultMode: v.Secret.Mode, Items: items(v.Secret)}
		case v.EmptyDir != nil:
			r.EmptyDir = &EmptyDirVolume{Medium: v.EmptyDir.Medium, SizeLimit: v.EmptyDir.SizeLimit}
		case v.HostPath != nil:
			r.HostPath = &HostPathVolume{Path: v.HostPath.Path, Type: v.HostPath.Type}
		case v.NFS != nil:
			r.NFS = &NFSVolume{Server: v.NFS.Server, Path: v.NFS.Path, ReadOnly: v.NFS.ReadOnly}
		case v.CSI != nil:
			r.CSI = &CSIVolume{Driver: v.CSI.Driver, ReadOnly: v.CSI.ReadOnly, Attributes: v.CSI.Attributes}
		case v.Claim != nil:
			r.Claim = &ClaimVolume{ClaimName: v.Claim.Value()}
		}
		out = append(out, r)
	}
	return out
}

// PodContents returns the Content expressions of every ConfigMap and Secret the merged pod uses
// that has one (those the stack creates), in a deterministic order: the contents argument of
// ConfigHash. The hash is computed from what the pod holds, nothing else.
func PodContents(p *outputs.Pod) []string {
	var out []string
	seen := map[string]bool{}
	add := func(r *outputs.Ref) {
		if r != nil && r.Content != "" && !seen[r.Content] {
			seen[r.Content] = true
			out = append(out, r.Content)
		}
	}
	for i := range p.Containers {
		c := &p.Containers[i]
		for _, e := range c.Env {
			if e.SecretKey != nil {
				add(&e.SecretKey.Ref)
			}
			if e.ConfigMapKey != nil {
				add(&e.ConfigMapKey.Ref)
			}
		}
		for _, f := range c.EnvFrom {
			add(f.ConfigMap)
			add(f.Secret)
		}
	}
	for _, v := range p.Volumes {
		if v.ConfigMap != nil {
			add(&v.ConfigMap.Ref)
		}
		if v.Secret != nil {
			add(&v.Secret.Ref)
		}
	}
	return out
}
