package stacks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
)

// podSecurityLevel is a stack's Pod Security level: its pod_security setting, restricted by
// default.
func podSecurityLevel(setting string) string { return or(setting, k8s.PodSecurityRestricted) }

// validLevel is level when it is a Pod Security level, else "" (its problem is reported once,
// as pod_security's).
func validLevel(level string) string {
	if slices.Contains(k8s.PodSecurityLevels, level) {
		return level
	}
	return ""
}

// podSecurityProblems returns the problems of a stack's pod_security setting (defaults
// applied) with the modules it chose: a module whose pods the level refuses is an error
// naming the level it needs; the stack never loosens its namespace by itself.
func podSecurityProblems(level string, mods []*module) []error {
	if !slices.Contains(k8s.PodSecurityLevels, level) {
		return []error{fmt.Errorf("pod_security: %q must be one of %s", level, strings.Join(k8s.PodSecurityLevels, ", "))}
	}
	var errs []error
	for _, m := range mods {
		if m.path == string(RoleSharedStorage)+".hostpath" && (level == k8s.PodSecurityRestricted || level == k8s.PodSecurityBaseline) {
			errs = append(errs, fmt.Errorf("%s: mounts a directory of the node (a hostPath volume) in the workers, which the Pod Security level %q of the namespace refuses (restricted and baseline both forbid hostPath volumes): set pod_security: privileged to accept it (the stack then labels its namespace privileged), or choose a shared storage that passes restricted (minio, nfs, s3, gcs)",
				m.path, level))
		}
	}
	return errs
}

// systemPriorityClass is the name of the system PriorityClass the in-cluster services run at
// ("" when a's priority classes are off), a being ArmoniK's configuration in namespace ns.
func systemPriorityClass(a armonik.Config, ns *k8s.Namespace) string {
	a.Namespace = ns
	return armonik.SystemPriorityClassName(a)
}
