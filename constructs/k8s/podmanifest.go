package k8s

import (
	"errors"
	"fmt"
	"strconv"
)

// JobManifest renders a Job as the Kubernetes API's JSON, for a Job the stack does not create
// but prints for an operator to run with kubectl (a restore from a backup): the same PodSpec
// as the stack's own workloads, names resolved (no Terraform reference). Meta.Name is the
// Job's generateName prefix when GenerateName is true, so that each run is a new Job.
type JobManifest struct {
	Meta
	GenerateName bool
	Template     PodTemplate
	// BackoffLimit is the number of retries (nil: Kubernetes' 6).
	BackoffLimit *int
	// TTLSecondsAfterFinished deletes the finished Job after that long (nil: kept).
	TTLSecondsAfterFinished *int
}

// Manifest returns the Job as a map ready for JSON encoding. It validates the pod template as
// the stack's constructors do, refuses Terraform references (the manifest is applied outside
// Terraform), and refuses the pod fields it does not render (probes, lifecycle hooks,
// affinity, host namespaces, hostPath, NFS and CSI volumes) rather than dropping them.
func (j JobManifest) Manifest() (map[string]any, error) {
	var errs errList
	where := fmt.Sprintf("Job %q", j.Name)
	if msg := CheckName("Job", j.Name); msg != "" {
		errs.add("%s: name: %s", where, msg)
	}
	if j.Namespace == "" || isToken(j.Namespace) {
		errs.add("%s: namespace: a plain namespace name is required", where)
	}
	if err := j.Template.Validate(where); err != nil {
		errs = append(errs, err)
	}
	if rp := j.Template.Spec.RestartPolicy; rp != "OnFailure" && rp != "Never" {
		errs.add("%s: restart policy %q must be OnFailure or Never", where, rp)
	}
	spec, err := podSpecManifest(&j.Template.Spec, where)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	meta := map[string]any{"namespace": j.Namespace}
	if j.GenerateName {
		meta["generateName"] = j.Name + "-"
	} else {
		meta["name"] = j.Name
	}
	if len(j.Labels) > 0 {
		meta["labels"] = j.Labels
	}
	if len(j.Annotations) > 0 {
		meta["annotations"] = j.Annotations
	}
	tmeta := map[string]any{}
	if len(j.Template.Labels) > 0 {
		tmeta["labels"] = j.Template.Labels
	}
	if len(j.Template.Annotations) > 0 {
		tmeta["annotations"] = j.Template.Annotations
	}
	jobSpec := map[string]any{"template": map[string]any{"metadata": tmeta, "spec": spec}}
	if j.BackoffLimit != nil {
		jobSpec["backoffLimit"] = *j.BackoffLimit
	}
	if j.TTLSecondsAfterFinished != nil {
		jobSpec["ttlSecondsAfterFinished"] = *j.TTLSecondsAfterFinished
	}
	return map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": jobSpec}, nil
}

func podSpecManifest(s *PodSpec, where string) (map[string]any, error) {
	var errs errList
	plain := func(what, v string) string {
		if isToken(v) {
			errs.add("%s: %s %q is a Terraform reference: the manifest needs the name itself", where, what, v)
		}
		return v
	}
	switch {
	case s.AntiAffinity != nil:
		errs.add("%s: anti-affinity is not rendered in manifests", where)
	case s.HostNetwork || s.HostPID:
		errs.add("%s: host namespaces are not rendered in manifests", where)
	}
	out := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			out[k] = v
		}
	}
	set("restartPolicy", s.RestartPolicy, s.RestartPolicy != "")
	set("serviceAccountName", plain("service account", s.ServiceAccountName), s.ServiceAccountName != "")
	if s.AutomountServiceAccountToken != nil {
		out["automountServiceAccountToken"] = *s.AutomountServiceAccountToken
	}
	set("nodeSelector", s.NodeSelector, len(s.NodeSelector) > 0)
	set("priorityClassName", s.PriorityClassName, s.PriorityClassName != "")
	putInt64(out, "terminationGracePeriodSeconds", s.TerminationGracePeriodSeconds)
	set("dnsPolicy", s.DNSPolicy, s.DNSPolicy != "")
	if sec := s.Security; sec != nil {
		m := map[string]any{}
		putInt64(m, "runAsUser", sec.RunAsUser)
		putInt64(m, "runAsGroup", sec.RunAsGroup)
		putInt64(m, "fsGroup", sec.FSGroup)
		if sec.RunAsNonRoot != nil {
			m["runAsNonRoot"] = *sec.RunAsNonRoot
		}
		if sec.SeccompRuntimeDefault {
			m["seccompProfile"] = map[string]any{"type": "RuntimeDefault"}
		}
		out["securityContext"] = m
	}
	if len(s.Tolerations) > 0 {
		var tols []any
		for _, t := range s.Tolerations {
			tols = append(tols, nonEmpty(map[string]any{"key": t.Key, "operator": t.Operator, "value": t.Value, "effect": t.Effect}))
		}
		out["tolerations"] = tols
	}
	if len(s.ImagePullSecrets) > 0 {
		var ips []any
		for _, n := range s.ImagePullSecrets {
			ips = append(ips, map[string]any{"name": plain("image pull secret", n)})
		}
		out["imagePullSecrets"] = ips
	}
	for _, group := range []struct {
		key string
		cs  []Container
	}{{"initContainers", s.InitContainers}, {"containers", s.Containers}} {
		if len(group.cs) == 0 {
			continue
		}
		var cs []any
		for i := range group.cs {
			c, err := containerManifest(&group.cs[i], plain)
			if err != nil {
				errs.add("%s: container %q: %v", where, group.cs[i].Name, err)
			}
			cs = append(cs, c)
		}
		out[group.key] = cs
	}
	if len(s.Volumes) > 0 {
		var vols []any
		for _, v := range s.Volumes {
			m := map[string]any{"name": v.Name}
			switch {
			case v.ConfigMap != nil:
				m["configMap"] = nonEmpty(map[string]any{"name": plain("ConfigMap", v.ConfigMap.Name), "defaultMode": modeNumber(v.ConfigMap.DefaultMode), "items": itemsManifest(v.ConfigMap.Items)})
			case v.Secret != nil:
				sv := nonEmpty(map[string]any{"secretName": plain("Secret", v.Secret.Name), "defaultMode": modeNumber(v.Secret.DefaultMode), "items": itemsManifest(v.Secret.Items)})
				if v.Secret.Optional {
					sv["optional"] = true
				}
				m["secret"] = sv
			case v.EmptyDir != nil:
				m["emptyDir"] = nonEmpty(map[string]any{"medium": v.EmptyDir.Medium, "sizeLimit": v.EmptyDir.SizeLimit})
			case v.Claim != nil:
				cv := map[string]any{"claimName": plain("claim", v.Claim.ClaimName)}
				if v.Claim.ReadOnly {
					cv["readOnly"] = true
				}
				m["persistentVolumeClaim"] = cv
			default:
				errs.add("%s: volume %q: only configMap, secret, emptyDir and persistentVolumeClaim volumes are rendered in manifests", where, v.Name)
			}
			vols = append(vols, m)
		}
		out["volumes"] = vols
	}
	return out, errs.join()
}

func containerManifest(c *Container, plain func(what, v string) string) (map[string]any, error) {
	if c.Liveness != nil || c.Readiness != nil || c.Startup != nil || len(c.PreStop) > 0 {
		return nil, errors.New("probes and lifecycle hooks are not rendered in manifests")
	}
	m := nonEmpty(map[string]any{"name": c.Name, "image": c.Image, "imagePullPolicy": c.ImagePullPolicy, "workingDir": c.WorkingDir})
	if len(c.Command) > 0 {
		m["command"] = c.Command
	}
	if len(c.Args) > 0 {
		m["args"] = c.Args
	}
	var env []any
	for _, e := range c.Env {
		v := map[string]any{"name": e.Name}
		switch {
		case e.SecretKey != nil:
			v["valueFrom"] = map[string]any{"secretKeyRef": keyRefManifest(e.SecretKey, plain("Secret", e.SecretKey.Name))}
		case e.ConfigMapKey != nil:
			v["valueFrom"] = map[string]any{"configMapKeyRef": keyRefManifest(e.ConfigMapKey, plain("ConfigMap", e.ConfigMapKey.Name))}
		case e.FieldPath != "":
			v["valueFrom"] = map[string]any{"fieldRef": map[string]any{"fieldPath": e.FieldPath}}
		default:
			v["value"] = e.Value
		}
		env = append(env, v)
	}
	if len(env) > 0 {
		m["env"] = env
	}
	var envFrom []any
	for _, f := range c.EnvFrom {
		v := nonEmpty(map[string]any{"prefix": f.Prefix})
		if f.Secret != "" {
			v["secretRef"] = map[string]any{"name": plain("Secret", f.Secret)}
		} else {
			v["configMapRef"] = map[string]any{"name": plain("ConfigMap", f.ConfigMap)}
		}
		envFrom = append(envFrom, v)
	}
	if len(envFrom) > 0 {
		m["envFrom"] = envFrom
	}
	var mounts []any
	for _, mt := range c.Mounts {
		v := nonEmpty(map[string]any{"name": mt.Volume, "mountPath": mt.Path, "subPath": mt.SubPath, "mountPropagation": mt.Propagation})
		if mt.ReadOnly {
			v["readOnly"] = true
		}
		mounts = append(mounts, v)
	}
	if len(mounts) > 0 {
		m["volumeMounts"] = mounts
	}
	if r := c.Resources; len(r.Requests) > 0 || len(r.Limits) > 0 {
		res := map[string]any{}
		if len(r.Requests) > 0 {
			res["requests"] = r.Requests
		}
		if len(r.Limits) > 0 {
			res["limits"] = r.Limits
		}
		m["resources"] = res
	}
	if sec := c.Security; sec != nil {
		s := map[string]any{}
		putInt64(s, "runAsUser", sec.RunAsUser)
		putInt64(s, "runAsGroup", sec.RunAsGroup)
		for k, b := range map[string]*bool{"runAsNonRoot": sec.RunAsNonRoot, "allowPrivilegeEscalation": sec.AllowPrivilegeEscalation,
			"privileged": sec.Privileged, "readOnlyRootFilesystem": sec.ReadOnlyRootFilesystem} {
			if b != nil {
				s[k] = *b
			}
		}
		caps := map[string]any{}
		if len(sec.DropCapabilities) > 0 {
			caps["drop"] = sec.DropCapabilities
		}
		if len(sec.AddCapabilities) > 0 {
			caps["add"] = sec.AddCapabilities
		}
		if len(caps) > 0 {
			s["capabilities"] = caps
		}
		if sec.SeccompRuntimeDefault {
			s["seccompProfile"] = map[string]any{"type": "RuntimeDefault"}
		}
		m["securityContext"] = s
	}
	return m, nil
}

func keyRefManifest(k *KeyRef, name string) map[string]any {
	m := map[string]any{"name": name, "key": k.Key}
	if k.Optional {
		m["optional"] = true
	}
	return m
}

func itemsManifest(items []KeyToPath) []any {
	var out []any
	for _, it := range items {
		out = append(out, nonEmpty(map[string]any{"key": it.Key, "path": it.Path, "mode": modeNumber(it.Mode)}))
	}
	return out
}

// modeNumber turns an octal mode string ("0400") into the decimal number the API takes (256);
// nil when unset. Modes are validated by PodTemplate.Validate.
func modeNumber(mode string) any {
	if mode == "" {
		return nil
	}
	n, err := strconv.ParseUint(mode, 8, 32)
	if err != nil {
		return nil
	}
	return int(n)
}

// nonEmpty drops the empty strings, nils and empty lists of m.
func nonEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if x == "" {
				delete(m, k)
			}
		case []any:
			if len(x) == 0 {
				delete(m, k)
			}
		}
	}
	return m
}

func putInt64(m map[string]any, k string, v *int64) {
	if v != nil {
		m[k] = *v
	}
}
