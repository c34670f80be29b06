package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	dep "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/deploymentv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/jobv1"
	sts "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/statefulsetv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// Object is a created Kubernetes object.
type Object struct {
	// Kind is the Kubernetes kind ("Deployment", "Secret"...).
	Kind string
	// Name is the object's name as configured (what errors and explain show; outputs.Ref.Name
	// holds the same). Never put it where Terraform must order creation: use NameRef.
	Name string
	// NameRef is a Terraform reference to the created object's name: use it to refer to the object
	// from other resources, so Terraform orders creation.
	NameRef string
	// Content is, for a Secret or a ConfigMap, a Terraform expression of its data (its JSON),
	// which config hashes include so that pods roll when it changes ("" otherwise).
	Content string
	// Resource is the Terraform resource, for depends_on and escape hatches.
	Resource cdktf.TerraformResource
}

// Ref is the reference AEP 5 outputs make to o: its name, its name reference (so Terraform
// creates o before the pods that use it) and its content (so their config hash follows it).
func (o *Object) Ref() outputs.Ref {
	return outputs.Named(o.Name).WithToken(o.NameRef).WithContent(o.Content)
}

// DeploymentSpec describes a kubernetes_deployment_v1.
type DeploymentSpec struct {
	Meta
	// Replicas: nil leaves the field unmanaged (the Kubernetes default is 1), which is what an
	// autoscaled Deployment needs.
	Replicas *int
	// IgnoreReplicaChanges adds lifecycle.ignore_changes on spec[0].replicas, so Terraform never
	// fights a HorizontalPodAutoscaler that changes them.
	IgnoreReplicaChanges bool
	// Selector is the pod selector; it must be a subset of the template labels.
	Selector map[string]string
	// Strategy: "RollingUpdate" (Kubernetes default) or "Recreate".
	Strategy string
	Template PodTemplate
	// Wait sets wait_for_rollout: apply waits until the pods are ready.
	Wait bool
	// DependsOn lists objects to create first.
	DependsOn []*Object
}

// checkMeta checks an object's name the way Kubernetes does for its kind (a Service name is a
// DNS-1035 label, most others DNS-1123 subdomains) and its namespace: a DNS-1123 label, or the
// Terraform reference of a namespace the stack created.
func checkMeta(kind string, m *Meta, errs *errList) {
	if msg := CheckName(kind, m.Name); msg != "" {
		errs.add("%s %q: name: %s", kind, m.Name, msg)
	}
	switch {
	case m.Namespace == "":
		errs.add("%s %q: namespace: required", kind, m.Name)
	case !isToken(m.Namespace):
		if msgs := validation.IsDNS1123Label(m.Namespace); len(msgs) > 0 {
			errs.add("%s %q: namespace %q: %s", kind, m.Name, m.Namespace, msgs[0])
		}
	}
}

// CheckName returns "" when name is a valid name for an object of kind, else why it is not:
// Services and Namespaces take DNS-1035 and DNS-1123 labels, other kinds DNS-1123 subdomains.
func CheckName(kind, name string) string {
	var msgs []string
	switch kind {
	case "Service":
		msgs = validation.IsDNS1035Label(name)
	case "Namespace":
		msgs = validation.IsDNS1123Label(name)
	default:
		msgs = validation.IsDNS1123Subdomain(name)
	}
	if len(msgs) > 0 {
		return msgs[0]
	}
	return ""
}

// isToken reports whether s holds a Terraform reference (unresolved token or expression).
func isToken(s string) bool { return strings.Contains(s, "${") }

func checkSelector(kind, name string, sel, labels map[string]string, errs *errList) {
	if len(sel) == 0 {
		errs.add("%s %q: selector: required", kind, name)
	}
	for k, v := range sel {
		if labels[k] != v {
			errs.add("%s %q: selector %s=%s does not match the pod template labels", kind, name, k, v)
		}
	}
}

func replicas(r *int, kind, name string, errs *errList) *string {
	if r == nil {
		return nil
	}
	if *r < 0 {
		errs.add("%s %q: replicas %d must be >= 0", kind, name, *r)
	}
	return jsii.String(strconv.Itoa(*r))
}

func dependsOn(objs []*Object) *[]cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, o := range objs {
		if o != nil && o.Resource != nil {
			out = append(out, o.Resource)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// NewDeployment creates a kubernetes_deployment_v1.
func NewDeployment(scope constructs.Construct, id string, spec DeploymentSpec) (*Object, error) {
	var errs errList
	checkMeta("Deployment", &spec.Meta, &errs)
	spec.Template = policyTemplate(scope, "Deployment", spec.Name, spec.Template, &errs)
	checkSelector("Deployment", spec.Name, spec.Selector, spec.Template.Labels, &errs)
	if err := spec.Template.Validate(fmt.Sprintf("Deployment %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	reps := replicas(spec.Replicas, "Deployment", spec.Name, &errs)
	if spec.Strategy != "" && spec.Strategy != "RollingUpdate" && spec.Strategy != "Recreate" {
		errs.add("Deployment %q: strategy %q must be RollingUpdate or Recreate", spec.Name, spec.Strategy)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Deployment "+spec.Name, func() error {
		tmpl, err := renderTemplate(&spec.Template)
		if err != nil {
			return err
		}
		cfg := &dep.DeploymentV1Config{
			Metadata: &dep.DeploymentV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &dep.DeploymentV1Spec{
				Replicas: reps,
				Selector: &dep.DeploymentV1SpecSelector{MatchLabels: stringMap(spec.Selector)},
				Template: tmpl,
			},
			WaitForRollout: spec.Wait,
			DependsOn:      dependsOn(spec.DependsOn),
		}
		if spec.Strategy != "" {
			cfg.Spec.Strategy = &dep.DeploymentV1SpecStrategy{Type: jsii.String(spec.Strategy)}
		}
		if spec.IgnoreReplicaChanges {
			cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("spec[0].replicas")}}
		}
		r := dep.NewDeploymentV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "Deployment", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// ClaimTemplate is a PersistentVolumeClaim template of a StatefulSet: one claim per pod.
type ClaimTemplate struct {
	// Name is the claim (and volume) name: mount it with Mount{Volume: Name}.
	Name string
	// StorageClass: "" uses the cluster's default StorageClass.
	StorageClass string
	Size         string
	AccessModes  []string // default ReadWriteOnce
}

// StatefulSetSpec describes a kubernetes_stateful_set_v1.
type StatefulSetSpec struct {
	Meta
	Replicas *int
	// ServiceName is the headless Service giving the pods stable DNS names.
	ServiceName string
	Selector    map[string]string
	Template    PodTemplate
	Claims      []ClaimTemplate
	// RetainClaims keeps the claims when the StatefulSet is deleted or scaled down; by default
	// (false) they are deleted with it, so destroy leaves nothing behind.
	RetainClaims bool
	// PodManagementPolicy: "OrderedReady" (Kubernetes default) or "Parallel".
	PodManagementPolicy string
	Wait                bool
	DependsOn           []*Object
}

// NewStatefulSet creates a kubernetes_stateful_set_v1.
func NewStatefulSet(scope constructs.Construct, id string, spec StatefulSetSpec) (*Object, error) {
	var errs errList
	checkMeta("StatefulSet", &spec.Meta, &errs)
	spec.Template = policyTemplate(scope, "StatefulSet", spec.Name, spec.Template, &errs)
	checkSelector("StatefulSet", spec.Name, spec.Selector, spec.Template.Labels, &errs)
	if spec.ServiceName == "" {
		errs.add("StatefulSet %q: service name: required (a headless Service)", spec.Name)
	}
	// Claim templates are volumes of the pod for the mounts' sake.
	tmpl := spec.Template
	tmpl.Spec.Volumes = append([]Volume(nil), tmpl.Spec.Volumes...)
	for _, c := range spec.Claims {
		if msgs := validation.IsDNS1123Label(c.Name); len(msgs) > 0 {
			errs.add("StatefulSet %q: claim template %q: %s", spec.Name, c.Name, msgs[0])
		}
		if c.Size == "" {
			errs.add("StatefulSet %q: claim template %q: size: required", spec.Name, c.Name)
		}
		tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, Volume{Name: c.Name, EmptyDir: &EmptyDirVolume{}})
	}
	if err := tmpl.Validate(fmt.Sprintf("StatefulSet %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	reps := replicas(spec.Replicas, "StatefulSet", spec.Name, &errs)
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("StatefulSet "+spec.Name, func() error {
		rendered, err := renderTemplate(&spec.Template)
		if err != nil {
			return err
		}
		t, err := convertJSON[sts.StatefulSetV1SpecTemplate](rendered)
		if err != nil {
			return err
		}
		var claims []*sts.StatefulSetV1SpecVolumeClaimTemplate
		for _, c := range spec.Claims {
			modes := c.AccessModes
			if len(modes) == 0 {
				modes = []string{"ReadWriteOnce"}
			}
			claims = append(claims, &sts.StatefulSetV1SpecVolumeClaimTemplate{
				Metadata: &sts.StatefulSetV1SpecVolumeClaimTemplateMetadata{Name: jsii.String(c.Name)},
				Spec: &sts.StatefulSetV1SpecVolumeClaimTemplateSpec{
					AccessModes:      jsii.Strings(modes...),
					StorageClassName: str(c.StorageClass),
					Resources: &sts.StatefulSetV1SpecVolumeClaimTemplateSpecResources{
						Requests: &map[string]*string{"storage": jsii.String(c.Size)},
					},
				},
			})
		}
		policy := "Delete"
		if spec.RetainClaims {
			policy = "Retain"
		}
		cfg := &sts.StatefulSetV1Config{
			Metadata: &sts.StatefulSetV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &sts.StatefulSetV1Spec{
				Replicas:            reps,
				ServiceName:         jsii.String(spec.ServiceName),
				Selector:            &sts.StatefulSetV1SpecSelector{MatchLabels: stringMap(spec.Selector)},
				Template:            t,
				PodManagementPolicy: str(spec.PodManagementPolicy),
				PersistentVolumeClaimRetentionPolicy: []*sts.StatefulSetV1SpecPersistentVolumeClaimRetentionPolicy{{
					WhenDeleted: jsii.String(policy), WhenScaled: jsii.String(policy),
				}},
			},
			WaitForRollout: spec.Wait,
			DependsOn:      dependsOn(spec.DependsOn),
		}
		if len(claims) > 0 {
			cfg.Spec.VolumeClaimTemplate = claims
		}
		r := sts.NewStatefulSetV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "StatefulSet", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// JobSpec describes a kubernetes_job_v1.
type JobSpec struct {
	Meta
	Template PodTemplate
	// BackoffLimit is the number of retries before the Job fails (Kubernetes default 6).
	BackoffLimit *int
	// TTLSecondsAfterFinished deletes the finished Job after that long; nil keeps it.
	TTLSecondsAfterFinished *int
	// Wait sets wait_for_completion: apply waits until the Job has succeeded.
	Wait bool
	// Timeout bounds the wait (Terraform duration, e.g. "5m"); "" is the provider default.
	Timeout   string
	DependsOn []*Object
}

// NewJob creates a kubernetes_job_v1.
func NewJob(scope constructs.Construct, id string, spec JobSpec) (*Object, error) {
	var errs errList
	checkMeta("Job", &spec.Meta, &errs)
	spec.Template = policyTemplate(scope, "Job", spec.Name, spec.Template, &errs)
	if err := spec.Template.Validate(fmt.Sprintf("Job %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	if rp := spec.Template.Spec.RestartPolicy; rp != "OnFailure" && rp != "Never" {
		errs.add("Job %q: restart policy %q must be OnFailure or Never", spec.Name, rp)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	var obj *Object
	err := cdk.Guard("Job "+spec.Name, func() error {
		rendered, err := renderTemplate(&spec.Template)
		if err != nil {
			return err
		}
		t, err := convertJSON[jobv1.JobV1SpecTemplate](rendered)
		if err != nil {
			return err
		}
		cfg := &jobv1.JobV1Config{
			Metadata: &jobv1.JobV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec:              &jobv1.JobV1Spec{Template: t},
			WaitForCompletion: spec.Wait,
			DependsOn:         dependsOn(spec.DependsOn),
		}
		if spec.BackoffLimit != nil {
			cfg.Spec.BackoffLimit = jsii.Number(float64(*spec.BackoffLimit))
		}
		if spec.TTLSecondsAfterFinished != nil {
			cfg.Spec.TtlSecondsAfterFinished = jsii.String(strconv.Itoa(*spec.TTLSecondsAfterFinished))
		}
		if spec.Timeout != "" {
			cfg.Timeouts = &jobv1.JobV1Timeouts{Create: jsii.String(spec.Timeout), Update: jsii.String(spec.Timeout)}
		}
		r := jobv1.NewJobV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "Job", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
