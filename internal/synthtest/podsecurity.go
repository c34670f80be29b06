package synthtest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// PodTemplate is a pod template found in a synthesized stack.
type PodTemplate struct {
	// Where names it: "<resource type>.<logical id>".
	Where string
	// Namespace is the workload's metadata.namespace (a name or a Terraform reference).
	Namespace string
	// Spec is the template's spec block.
	Spec map[string]any
	// ClaimTemplates says the workload is a StatefulSet with volume claim templates (its pods
	// mount persistent volumes).
	ClaimTemplates bool
}

// podTemplatePaths are the workload types and where their pod template is.
var podTemplatePaths = map[string]string{
	"kubernetes_deployment_v1":   "spec.template",
	"kubernetes_stateful_set_v1": "spec.template",
	"kubernetes_daemon_set_v1":   "spec.template",
	"kubernetes_job_v1":          "spec.template",
	"kubernetes_cron_job_v1":     "spec.job_template.spec.template",
}

// PodTemplates returns every pod template of the stack, sorted by Where.
func (j JSON) PodTemplates() []PodTemplate {
	var out []PodTemplate
	for typ, path := range podTemplatePaths {
		for id, r := range j.Resources(typ) {
			spec, _ := Get(r, path+".spec").(map[string]any)
			ns, _ := Get(r, "metadata.namespace").(string)
			_, claims := Get(r, "spec.volume_claim_template").([]any)
			out = append(out, PodTemplate{Where: typ + "." + id, Namespace: ns, Spec: spec, ClaimTemplates: claims})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Where < out[b].Where })
	return out
}

// NamespaceLabels returns the labels of the namespace a workload's metadata.namespace names: a
// reference to a kubernetes_namespace_v1 of the stack (${kubernetes_namespace_v1.<id>...}), or
// a namespace name that a kubernetes_namespace_v1 of the stack creates. ok is false when the
// stack does not create the namespace.
func (j JSON) NamespaceLabels(namespace string) (labels map[string]any, ok bool) {
	for id, r := range j.Resources("kubernetes_namespace_v1") {
		name, _ := Get(r, "metadata.name").(string)
		if namespace == name || strings.HasPrefix(namespace, "${kubernetes_namespace_v1."+id+".") {
			l, _ := Get(r, "metadata.labels").(map[string]any)
			return l, true
		}
	}
	return nil, false
}

// restrictedVolumes are the volume types the restricted level allows (as the provider names
// their blocks).
var restrictedVolumes = []string{"config_map", "csi", "downward_api", "empty_dir", "ephemeral", "persistent_volume_claim", "projected", "secret"}

// boolIn reads a boolean of a security context block as the kubernetes provider (2.38.0) sends
// it: a block it is given sends every boolean, an absent one as false; no block, nothing.
func boolIn(block map[string]any, key string) (value, set bool) {
	if block == nil {
		return false, false
	}
	v, _ := block[key].(bool)
	return v, true
}

// RestrictedProblems returns every way the pod template breaks the Pod Security "restricted"
// level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), field by field,
// on what the API server receives from the provider: host namespaces, volume types,
// privileged containers, privilege escalation, capabilities (drop ALL, add NET_BIND_SERVICE
// only), runAsNonRoot (true on the pod or every container, false nowhere), runAsUser 0,
// seccomp (RuntimeDefault or Localhost, on the pod or every container, Unconfined nowhere).
// Init containers are checked like the others. It also asks fsGroupChangePolicy OnRootMismatch
// of a pod with an fsGroup and a persistent volume (a claim, or a claim template).
func (p PodTemplate) RestrictedProblems() []string {
	var out []string
	add := func(format string, args ...any) {
		out = append(out, p.Where+": "+fmt.Sprintf(format, args...))
	}
	s := p.Spec
	if s == nil {
		return []string{p.Where + ": no pod template"}
	}
	for _, k := range []string{"host_network", "host_pid", "host_ipc"} {
		if v, _ := s[k].(bool); v {
			add("%s is true", k)
		}
	}
	claims := p.ClaimTemplates
	vols, _ := s["volume"].([]any)
	for _, v := range vols {
		vol, _ := v.(map[string]any)
		for k := range vol {
			if k == "name" {
				continue
			}
			if !slices.Contains(restrictedVolumes, k) {
				add("volume %v is a %s volume", vol["name"], k)
			}
			if k == "persistent_volume_claim" {
				claims = true
			}
		}
	}
	podSec, _ := s["security_context"].(map[string]any)
	podNonRoot, _ := boolIn(podSec, "run_as_non_root")
	if _, set := boolIn(podSec, "run_as_non_root"); set && !podNonRoot {
		add("the pod sets runAsNonRoot false (the provider sends an absent run_as_non_root of a security_context block as false)")
	}
	if u, _ := podSec["run_as_user"].(string); u == "0" {
		add("the pod runs as user 0")
	}
	podSeccomp, _ := Get(podSec, "seccomp_profile.type").(string)
	if podSeccomp != "" && podSeccomp != "RuntimeDefault" && podSeccomp != "Localhost" {
		add("the pod's seccomp profile is %s", podSeccomp)
	}
	if _, fs := podSec["fs_group"]; fs && claims && podSec["fs_group_change_policy"] != "OnRootMismatch" {
		add("the pod has an fsGroup and a persistent volume but fs_group_change_policy %v, want OnRootMismatch", podSec["fs_group_change_policy"])
	}
	for _, kind := range []string{"init_container", "container"} {
		list, _ := s[kind].([]any)
		for _, c := range list {
			ct, _ := c.(map[string]any)
			w := fmt.Sprintf("%s %v", strings.ReplaceAll(kind, "_", " "), ct["name"])
			sec, _ := ct["security_context"].(map[string]any)
			if sec == nil {
				add("%s has no security_context", w)
				continue
			}
			if v, ok := sec["allow_privilege_escalation"].(bool); !ok || v {
				add("%s: allow_privilege_escalation is %v, want false", w, sec["allow_privilege_escalation"])
			}
			if v, _ := sec["privileged"].(bool); v {
				add("%s is privileged", w)
			}
			nonRoot, _ := boolIn(sec, "run_as_non_root")
			if !nonRoot {
				add("%s: run_as_non_root is %v, sent as false (overrides the pod's %v)", w, sec["run_as_non_root"], podNonRoot)
			}
			if u, _ := sec["run_as_user"].(string); u == "0" {
				add("%s runs as user 0", w)
			}
			caps, _ := sec["capabilities"].(map[string]any)
			drop, _ := caps["drop"].([]any)
			if !slices.Contains(drop, any("ALL")) {
				add("%s does not drop ALL capabilities (drop %v)", w, drop)
			}
			addCaps, _ := caps["add"].([]any)
			for _, a := range addCaps {
				if a != "NET_BIND_SERVICE" {
					add("%s adds the capability %v", w, a)
				}
			}
			seccomp, _ := Get(sec, "seccomp_profile.type").(string)
			switch {
			case seccomp == "" && podSeccomp == "":
				add("%s has no seccomp profile, nor has the pod", w)
			case seccomp != "" && seccomp != "RuntimeDefault" && seccomp != "Localhost":
				add("%s: seccomp profile %s", w, seccomp)
			}
		}
	}
	return out
}

// baselineCapabilities are the capabilities the baseline level lets a container add.
var baselineCapabilities = []any{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

// BaselineProblems returns every way the pod template breaks the Pod Security "baseline"
// level: host namespaces, hostPath volumes, privileged containers, capabilities beyond the
// baseline set, an Unconfined seccomp profile.
func (p PodTemplate) BaselineProblems() []string {
	var out []string
	add := func(format string, args ...any) {
		out = append(out, p.Where+": "+fmt.Sprintf(format, args...))
	}
	s := p.Spec
	for _, k := range []string{"host_network", "host_pid", "host_ipc"} {
		if v, _ := s[k].(bool); v {
			add("%s is true", k)
		}
	}
	vols, _ := s["volume"].([]any)
	for _, v := range vols {
		if vol, _ := v.(map[string]any); vol["host_path"] != nil {
			add("volume %v is a host_path volume", vol["name"])
		}
	}
	if t, _ := Get(s, "security_context.seccomp_profile.type").(string); t == "Unconfined" {
		add("the pod's seccomp profile is Unconfined")
	}
	for _, kind := range []string{"init_container", "container"} {
		list, _ := s[kind].([]any)
		for _, c := range list {
			ct, _ := c.(map[string]any)
			sec, _ := ct["security_context"].(map[string]any)
			if v, _ := sec["privileged"].(bool); v {
				add("%s %v is privileged", kind, ct["name"])
			}
			addCaps, _ := Get(sec, "capabilities.add").([]any)
			for _, a := range addCaps {
				if !slices.Contains(baselineCapabilities, a) {
					add("%s %v adds the capability %v", kind, ct["name"], a)
				}
			}
			if t, _ := Get(sec, "seccomp_profile.type").(string); t == "Unconfined" {
				add("%s %v: seccomp profile Unconfined", kind, ct["name"])
			}
		}
	}
	return out
}
