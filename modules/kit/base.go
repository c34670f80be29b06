// Package kit is the module kit: what a module author needs to write an AEP 5 module for
// ArmoniK the way this repository's modules are written (modules/activemq, modules/redis...,
// and the worked example examples/valkey). Third-party modules import it like the in-repo
// ones; see docs/adding-a-module.md.
//
//   - Errors: configuration problems that name the module, the instance and the key, collected
//     and returned at once.
//   - Common: the settings every in-cluster module has (name, namespace, cluster domain, image,
//     pull policy, resources, storage, scheduling), their validation, labels, metadata, Service
//     DNS names, the config-hash annotation, and a NetworkPolicy admitting only ArmoniK's pods
//     (ConsumerSelector).
//   - PodSecurity, ContainerSecurity: the secure defaults (non-root, no privilege escalation,
//     every capability dropped, RuntimeDefault seccomp, fsGroupChangePolicy OnRootMismatch): the
//     Pod Security level "restricted", which the stacks' namespaces enforce (docs/security.md).
//   - Common.Availability and Common.DisruptionBudget: the service's PodDisruptionBudget and
//     PriorityClass (modules.Availability, embedded in the module's Config).
//   - Endpoint and Credential: endpoint-only modules, whose credentials come from an existing
//     Secret or from sensitive Terraform variables put into a Secret the module creates.
//   - ValidateTLS, CAMount, TLSVolume: a server certificate from the user's Secret and its CA
//     given to ArmoniK through mount_secret.
//   - ModuleOutputs (embed it in your Module) and Ref: the module's AEP 5 outputs, its adapter
//     family, and references to the objects it creates with their Terraform tokens.
//   - Validate* helpers: hosts, ports, URLs, Secret names and keys, user names, one-of values,
//     .NET TimeSpans, AMQP settings.
//
// It builds nothing by itself.
package kit

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
)

// MaxNameLength bounds Config.Name so that every derived name (<name>-credentials, the
// StatefulSet pod <name>-0 and its controller-revision-hash label <name>-<10 chars>...) stays
// a valid Kubernetes name.
const MaxNameLength = 40

// DefaultClusterDomain is the default DNS domain of the cluster.
const DefaultClusterDomain = "cluster.local"

// PartOf is the app.kubernetes.io/part-of label of every storage object.
const PartOf = "armonik-storage"

// Errors collects the configuration problems of one module instance; each reads
// `<kind> "<name>": <key>: <message>`.
type Errors struct {
	kind, name string
	errs       []error
}

// NewErrors starts the problem list of the instance name of the module kind.
func NewErrors(kind, name string) *Errors { return &Errors{kind: kind, name: name} }

// Add records a problem with the configuration key key (its yaml path, like "storage.size").
func (e *Errors) Add(key, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("%s %q: %s: %s", e.kind, e.name, key, fmt.Sprintf(format, args...)))
}

// Wrap records err (possibly several joined errors, as constructs/k8s returns them), each
// prefixed with the module and instance.
func (e *Errors) Wrap(err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, x := range j.Unwrap() {
			e.Wrap(x)
		}
		return
	}
	e.errs = append(e.errs, fmt.Errorf("%s %q: %w", e.kind, e.name, err))
}

// Err returns every recorded problem joined, or nil.
func (e *Errors) Err() error { return errors.Join(e.errs...) }

// Fail records err, as Wrap does, and returns every recorded problem: the error of a New whose
// object could not be created.
func (e *Errors) Fail(err error) error {
	e.Wrap(err)
	return e.Err()
}

// Common is the part of a module configuration that every in-cluster module has.
type Common struct {
	Kind          string // the module kind: "activemq", "mongodb"...
	Component     string // the app.kubernetes.io/component label: "queue", "table-storage"...
	Name          string
	Namespace     *k8s.Namespace
	ClusterDomain string
	Image, Tag    string
	PullPolicy    string
	Resources     k8s.Resources
	Storage       modules.Storage
	NodeSelector  map[string]string
	Tolerations   []k8s.Toleration
	// Availability is the service's disruption budget and priority class.
	Availability modules.Availability
	// Replicas is the fewest pods the service runs (0 when unknown): the disruption budget is
	// checked against it.
	Replicas int
}

// Validate records every problem of the common settings.
func (c *Common) Validate(e *Errors) {
	ValidateName(e, c.Name)
	ValidateNamespace(e, c.Namespace)
	if msgs := validation.IsDNS1123Subdomain(c.ClusterDomain); len(msgs) > 0 {
		e.Add("cluster_domain", "%q: %s", c.ClusterDomain, msgs[0])
	}
	ValidateImage(e, "", c.Image, c.Tag, c.PullPolicy)
	ValidateResources(e, "resources", c.Resources)
	if c.Storage.Size != "" || c.Storage.StorageClass != "" { // modules without storage leave both empty
		if q, err := resource.ParseQuantity(c.Storage.Size); err != nil {
			e.Add("storage.size", "%q is not a Kubernetes quantity such as \"8Gi\"", c.Storage.Size)
		} else if q.Sign() <= 0 {
			e.Add("storage.size", "%q must be positive", c.Storage.Size)
		}
	}
	if c.Storage.StorageClass != "" {
		if msgs := validation.IsDNS1123Subdomain(c.Storage.StorageClass); len(msgs) > 0 {
			e.Add("storage.storage_class", "%q: %s", c.Storage.StorageClass, msgs[0])
		}
	}
	ValidateNodeSelector(e, c.NodeSelector)
	for _, p := range c.Availability.DisruptionBudget.Problems("disruption_budget", c.Replicas) {
		e.errs = append(e.errs, fmt.Errorf("%s %q: %s", e.kind, e.name, p))
	}
	if pc := c.Availability.PriorityClassName; pc != "" && !strings.Contains(pc, "${") {
		if msgs := validation.IsDNS1123Subdomain(pc); len(msgs) > 0 {
			e.Add("priority_class_name", "%q: %s", pc, msgs[0])
		}
	}
	ValidateTolerations(e, c.Tolerations)
}

// ValidateImage records the problems of an image setting: a repository that, with its tag, is
// an image reference (k8s.ValidateImage), and a pull policy. prefix is the keys' prefix ("" or,
// for a module's second image, "cli_", "jaeger."...).
func ValidateImage(e *Errors, prefix, image, tag, pullPolicy string) {
	if strings.TrimSpace(image) == "" {
		e.Add(prefix+"image", "required")
	} else if err := k8s.ValidateImage(k8s.ImageRef(image, tag)); err != nil {
		e.Add(prefix+"image", "%v (image and tag)", err)
	}
	switch pullPolicy {
	case "Always", "IfNotPresent", "Never":
	default:
		e.Add(prefix+"pull_policy", "%q must be Always, IfNotPresent or Never", pullPolicy)
	}
}

// ValidateNodeSelector records the problems of a node selector (key node_selector).
func ValidateNodeSelector(e *Errors, nodeSelector map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(nodeSelector)) {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			e.Add("node_selector", "key %q: %s", k, msgs[0])
		}
		if msgs := validation.IsValidLabelValue(nodeSelector[k]); len(msgs) > 0 {
			e.Add("node_selector", "value %q of %q: %s", nodeSelector[k], k, msgs[0])
		}
	}
}

// ValidateTolerations records the problems of tolerations (keys tolerations[i].*).
func ValidateTolerations(e *Errors, tolerations []k8s.Toleration) {
	for i, t := range tolerations {
		switch t.Operator {
		case "", "Equal", "Exists":
		default:
			e.Add(fmt.Sprintf("tolerations[%d].operator", i), "%q must be Equal or Exists", t.Operator)
		}
		switch t.Effect {
		case "", "NoSchedule", "PreferNoSchedule", "NoExecute":
		default:
			e.Add(fmt.Sprintf("tolerations[%d].effect", i), "%q must be NoSchedule, PreferNoSchedule, NoExecute or empty", t.Effect)
		}
		if t.Operator == "Exists" && t.Value != "" {
			e.Add(fmt.Sprintf("tolerations[%d].value", i), "must be empty with operator Exists")
		}
	}
}

// ValidateName records the problems of an instance name: a DNS-1035 label of at most
// MaxNameLength characters.
func ValidateName(e *Errors, name string) {
	switch {
	case name == "":
		e.Add("name", "required")
	case len(name) > MaxNameLength:
		e.Add("name", "%q is %d characters long; at most %d fit in the names derived from it", name, len(name), MaxNameLength)
	default:
		if msgs := validation.IsDNS1035Label(name); len(msgs) > 0 {
			e.Add("name", "%q: %s", name, msgs[0])
		}
	}
}

// ValidateNamespace records a problem when ns is not set.
func ValidateNamespace(e *Errors, ns *k8s.Namespace) {
	if ns == nil || ns.NameRef == "" || ns.Name == "" {
		e.Add("namespace", "required: set Config.Namespace to a namespace created with k8s.NewNamespace (or k8s.ExistingNamespace)")
	}
}

// ValidateResources records a problem for every request or limit that is not a quantity.
func ValidateResources(e *Errors, key string, r k8s.Resources) {
	for _, kind := range []struct {
		name string
		m    map[string]string
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for _, k := range slices.Sorted(maps.Keys(kind.m)) {
			if _, err := resource.ParseQuantity(kind.m[k]); err != nil {
				e.Add(fmt.Sprintf("%s.%s.%s", key, kind.name, k), "%q is not a Kubernetes quantity", kind.m[k])
			}
		}
	}
}

// ImageRef is the container image: Image:Tag, or Image alone when it is pinned by digest
// (holds "@") or Tag is empty.
func (c *Common) ImageRef() string { return k8s.ImageRef(c.Image, c.Tag) }

// Host is the cluster DNS name of the Service called service: <service>.<namespace>.svc.<domain>.
func (c *Common) Host(service string) string {
	ns := ""
	if c.Namespace != nil {
		ns = c.Namespace.Name
	}
	return service + "." + ns + ".svc." + c.ClusterDomain
}

// Selector is the pod selector: the kind and the instance.
func (c *Common) Selector() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     c.Kind,
		"app.kubernetes.io/instance": c.Name,
	}
}

// Labels are the labels of every object and pod template of the instance.
func (c *Common) Labels() map[string]string {
	l := c.Selector()
	l["app.kubernetes.io/component"] = c.Component
	l["app.kubernetes.io/part-of"] = PartOf
	return l
}

// Meta is the metadata of the object called name of the instance.
func (c *Common) Meta(name string) k8s.Meta {
	return k8s.Meta{Name: name, Namespace: c.Namespace.NameRef, Labels: c.Labels()}
}

// PodSecurity runs every container of the pod as uid:gid, non-root, with volumes owned by the
// group fsGroup and the RuntimeDefault seccomp profile. The kubelet changes the volumes'
// ownership only when their root does not match fsGroup already (fsGroupChangePolicy
// OnRootMismatch), so a large data volume does not delay every restart.
func PodSecurity(uid, gid, fsGroup int64) *k8s.PodSecurity {
	return &k8s.PodSecurity{
		RunAsUser: &uid, RunAsGroup: &gid, FSGroup: &fsGroup,
		RunAsNonRoot: ptr(true), SeccompRuntimeDefault: true, FSGroupChangePolicy: "OnRootMismatch",
	}
}

// ContainerSecurity forbids privilege escalation, drops every capability, runs as non-root
// and keeps the RuntimeDefault seccomp profile: the Pod Security "restricted" level, set on
// the container itself (a container-level runAsNonRoot left unset would reach the API as
// false and override the pod's). The user id comes from the pod.
func ContainerSecurity() *k8s.ContainerSecurity {
	return &k8s.ContainerSecurity{
		AllowPrivilegeEscalation: ptr(false),
		Privileged:               ptr(false),
		RunAsNonRoot:             ptr(true),
		DropCapabilities:         []string{"ALL"},
		SeccompRuntimeDefault:    true,
	}
}

// DisruptionBudget creates the PodDisruptionBudget <name> of the instance's pods as its
// Availability configures it (nil when disabled).
func (c *Common) DisruptionBudget(scope constructs.Construct, id string) (*k8s.Object, error) {
	return k8s.NewDisruptionBudget(scope, id, c.Meta(c.Name), c.Selector(), c.Availability.DisruptionBudget)
}

// Bool returns *p, or def when p is nil.
func Bool(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// OrTrue returns p, or a pointer to a new true when p is nil: the default of the *bool settings
// that are on unless set to false.
func OrTrue(p *bool) *bool {
	if p == nil {
		return ptr(true)
	}
	return p
}

// Or returns v, or def when v is empty.
func Or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ConfigHash is the pod-template annotation that rolls the pods of the instance when the data
// of the Secrets and ConfigMaps it uses (objs, created by the stack) changes.
func (c *Common) ConfigHash(objs ...*k8s.Object) (map[string]string, error) {
	return c.ConfigHashWith(nil, objs...)
}

// ConfigHashWith is ConfigHash with more static settings in the hash: what the pods use but
// the stack does not create (an existing Secret's name and keys), so changing them rolls the
// pods too.
func (c *Common) ConfigHashWith(static map[string]string, objs ...*k8s.Object) (map[string]string, error) {
	s := map[string]string{"module": c.Kind, "name": c.Name}
	for k, v := range static {
		s["with."+k] = v
	}
	h, err := k8s.ConfigHash(s, k8s.Contents(objs...))
	if err != nil {
		return nil, err
	}
	return map[string]string{k8s.ConfigHashAnnotation: h}, nil
}

// UserName reports whether s is a usable user name: 1 to 64 characters among letters, digits,
// '.', '_' and '-', so it fits in a URL and in a configuration file without quoting.
func UserName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ValidateUserName records a problem with the setting key unless name is a UserName.
func ValidateUserName(e *Errors, key, name string) {
	if !UserName(name) {
		e.Add(key, "%q must be 1 to 64 letters, digits, '.', '_' or '-'", name)
	}
}

func ptr[T any](v T) *T { return &v }
