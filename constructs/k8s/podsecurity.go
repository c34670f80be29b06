package k8s

import (
	"fmt"
	"slices"
)

// Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
// as the pod-security.kubernetes.io/* namespace labels name them, plus PodSecurityNone: no
// label (the cluster's default level applies).
const (
	PodSecurityRestricted = "restricted"
	PodSecurityBaseline   = "baseline"
	PodSecurityPrivileged = "privileged"
	PodSecurityNone       = "none"
)

// PodSecurityLevels lists the levels, strictest first.
var PodSecurityLevels = []string{PodSecurityRestricted, PodSecurityBaseline, PodSecurityPrivileged, PodSecurityNone}

// PodSecurityLabels are the namespace labels of a level: enforce (pods breaking it are refused),
// audit and warn (the API server logs and warns), all at the API server's own version of the
// standard ("latest"). PodSecurityNone has none.
func PodSecurityLabels(level string) map[string]string {
	if level == PodSecurityNone || level == "" {
		return nil
	}
	return map[string]string{
		"pod-security.kubernetes.io/enforce": level,
		"pod-security.kubernetes.io/audit":   level,
		"pod-security.kubernetes.io/warn":    level,
	}
}

// baselineCapabilities are the capabilities the baseline level lets a container add.
var baselineCapabilities = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

// effectiveNonRoot is the runAsNonRoot the pod and its containers are rendered with. The
// kubernetes provider (2.38.0) sends every boolean of a security context block it is given,
// an unset one as false, and an explicit false is what the restricted level refuses ("must
// not set securityContext.runAsNonRoot=false"). So the rendering fills the gaps: a container
// that leaves RunAsNonRoot unset gets the pod's value, and a pod that leaves it unset gets true
// when every container sets true (both mean what "unset" means in Kubernetes).
func effectiveNonRoot(s *PodSpec) (pod *bool, containers map[*Container]*bool) {
	containers = map[*Container]*bool{}
	if s.Security != nil {
		pod = s.Security.RunAsNonRoot
		if pod == nil {
			all := len(s.Containers)+len(s.InitContainers) > 0
			for _, c := range allContainers(s) {
				if c.Security == nil || c.Security.RunAsNonRoot == nil || !*c.Security.RunAsNonRoot {
					all = false
				}
			}
			if all {
				t := true
				pod = &t
			}
		}
	}
	for _, c := range allContainers(s) {
		if c.Security == nil {
			continue
		}
		v := c.Security.RunAsNonRoot
		if v == nil {
			v = pod
		}
		containers[c] = v
	}
	return pod, containers
}

func allContainers(s *PodSpec) []*Container {
	var out []*Container
	for i := range s.InitContainers {
		out = append(out, &s.InitContainers[i])
	}
	for i := range s.Containers {
		out = append(out, &s.Containers[i])
	}
	return out
}

// PodSecurityViolations returns what in the pod s, as it is rendered, breaks the Pod Security
// level ("restricted", "baseline"; none for "privileged" or "none"), one message per problem
// naming the container or volume. It checks what the stack's pods can set: host namespaces,
// privileged containers, capabilities, hostPath volumes (baseline); and for restricted also
// the volume types, privilege escalation, non-root users, seccomp and dropped capabilities.
func PodSecurityViolations(level string, s *PodSpec) []string {
	if level != PodSecurityBaseline && level != PodSecurityRestricted {
		return nil
	}
	restricted := level == PodSecurityRestricted
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if s.HostNetwork {
		add("uses the node's network (hostNetwork)")
	}
	if s.HostPID {
		add("uses the node's process namespace (hostPID)")
	}
	for _, v := range s.Volumes {
		switch {
		case v.HostPath != nil:
			add("volume %q is a hostPath volume (%s), which the baseline and restricted levels forbid", v.Name, v.HostPath.Path)
		case restricted && v.NFS != nil:
			add("volume %q is an inline NFS volume, which the restricted level forbids (mount it through a PersistentVolumeClaim)", v.Name)
		}
	}
	podNonRoot, nonRoot := effectiveNonRoot(s)
	podSeccomp := s.Security != nil && s.Security.SeccompRuntimeDefault
	if restricted && s.Security != nil {
		if podNonRoot != nil && !*podNonRoot {
			add("the pod sets runAsNonRoot false")
		}
		if u := s.Security.RunAsUser; u != nil && *u == 0 {
			add("the pod runs as user 0 (root)")
		}
	}
	for _, c := range allContainers(s) {
		w := fmt.Sprintf("container %q", c.Name)
		sec := c.Security
		if sec != nil && sec.Privileged != nil && *sec.Privileged {
			add("%s is privileged", w)
		}
		var added []string
		if sec != nil {
			added = sec.AddCapabilities
		}
		for _, cp := range added {
			if !slices.Contains(baselineCapabilities, cp) || (restricted && cp != "NET_BIND_SERVICE") {
				add("%s adds the capability %s", w, cp)
			}
		}
		if !restricted {
			continue
		}
		if sec == nil {
			add("%s has no security context: the restricted level needs allowPrivilegeEscalation false, capabilities drop ALL and runAsNonRoot true", w)
			continue
		}
		if sec.AllowPrivilegeEscalation == nil || *sec.AllowPrivilegeEscalation {
			add("%s does not set allowPrivilegeEscalation false", w)
		}
		if !slices.Contains(sec.DropCapabilities, "ALL") {
			add("%s does not drop the capability ALL", w)
		}
		if v := nonRoot[c]; v == nil || !*v {
			add("%s does not run as non-root (runAsNonRoot true, on the container or the pod)", w)
		}
		if u := sec.RunAsUser; u != nil && *u == 0 {
			add("%s runs as user 0 (root)", w)
		}
		if !podSeccomp && !sec.SeccompRuntimeDefault {
			add("%s has no seccomp profile (RuntimeDefault, on the container or the pod)", w)
		}
	}
	return out
}
