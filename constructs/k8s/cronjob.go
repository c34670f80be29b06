package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cj "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/cronjobv1"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// CronJobSpec describes a kubernetes_cron_job_v1: a Job started on a schedule.
type CronJobSpec struct {
	Meta
	// Schedule in cron format ("0 3 * * *") or a macro such as "@daily".
	Schedule string
	// ConcurrencyPolicy: Allow (Kubernetes default), Forbid or Replace.
	ConcurrencyPolicy string
	// Suspend stops further runs without deleting the CronJob.
	Suspend bool
	// SuccessfulJobsHistory and FailedJobsHistory are the finished Jobs kept (nil: Kubernetes'
	// 3 and 1).
	SuccessfulJobsHistory, FailedJobsHistory *int
	// StartingDeadlineSeconds: a run that could not start within that many seconds of its time
	// is skipped (0 = no deadline).
	StartingDeadlineSeconds int
	// Template is the pod of each Job; its restart policy must be OnFailure or Never.
	Template PodTemplate
	// BackoffLimit is the number of retries of one Job before it fails (nil: Kubernetes' 6).
	BackoffLimit *int
	// ActiveDeadlineSeconds bounds the run time of one Job (0 = none).
	ActiveDeadlineSeconds int
	// TTLSecondsAfterFinished deletes finished Jobs after that long (nil: kept per the history
	// limits).
	TTLSecondsAfterFinished *int
	DependsOn               []*Object
}

// ValidSchedule reports whether s looks like a cron schedule: five fields, or an @macro. The
// API server checks the rest; this catches the usual slips (six fields, an empty value) before
// Terraform runs.
func ValidSchedule(s string) bool {
	switch s {
	case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
		return true
	}
	return len(strings.Fields(s)) == 5
}

// NewCronJob creates a kubernetes_cron_job_v1.
func NewCronJob(scope constructs.Construct, id string, spec CronJobSpec) (*Object, error) {
	var errs errList
	checkMeta("CronJob", &spec.Meta, &errs)
	spec.Template = policyTemplate(scope, "CronJob", spec.Name, spec.Template, &errs)
	if len(spec.Name) > 52 {
		// The controller names each Job <name>-<minutes since epoch> (up to 11 digits).
		errs.add("CronJob %q: name: at most 52 characters (the Jobs it starts append a suffix)", spec.Name)
	}
	if !ValidSchedule(spec.Schedule) {
		errs.add("CronJob %q: schedule %q must have five fields (minute hour day month weekday) or be a macro such as @daily", spec.Name, spec.Schedule)
	}
	switch spec.ConcurrencyPolicy {
	case "", "Allow", "Forbid", "Replace":
	default:
		errs.add("CronJob %q: concurrency policy %q must be Allow, Forbid or Replace", spec.Name, spec.ConcurrencyPolicy)
	}
	for what, n := range map[string]*int{"successful jobs history": spec.SuccessfulJobsHistory, "failed jobs history": spec.FailedJobsHistory, "backoff limit": spec.BackoffLimit} {
		if n != nil && *n < 0 {
			errs.add("CronJob %q: %s %d must be >= 0", spec.Name, what, *n)
		}
	}
	if err := spec.Template.Validate(fmt.Sprintf("CronJob %q", spec.Name)); err != nil {
		errs = append(errs, err)
	}
	if rp := spec.Template.Spec.RestartPolicy; rp != "OnFailure" && rp != "Never" {
		errs.add("CronJob %q: restart policy %q must be OnFailure or Never", spec.Name, rp)
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	count := func(n *int) *float64 {
		if n == nil {
			return nil
		}
		return jsii.Number(float64(*n))
	}
	var obj *Object
	err := cdk.Guard("CronJob "+spec.Name, func() error {
		rendered, err := renderTemplate(&spec.Template)
		if err != nil {
			return err
		}
		t, err := convertJSON[cj.CronJobV1SpecJobTemplateSpecTemplate](rendered)
		if err != nil {
			return err
		}
		job := &cj.CronJobV1SpecJobTemplateSpec{
			Template:              t,
			BackoffLimit:          count(spec.BackoffLimit),
			ActiveDeadlineSeconds: num(spec.ActiveDeadlineSeconds),
		}
		if spec.TTLSecondsAfterFinished != nil {
			job.TtlSecondsAfterFinished = jsii.String(strconv.Itoa(*spec.TTLSecondsAfterFinished))
		}
		cfg := &cj.CronJobV1Config{
			Metadata: &cj.CronJobV1Metadata{
				Name: jsii.String(spec.Name), Namespace: jsii.String(spec.Namespace),
				Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec: &cj.CronJobV1Spec{
				Schedule:                   jsii.String(spec.Schedule),
				ConcurrencyPolicy:          str(spec.ConcurrencyPolicy),
				SuccessfulJobsHistoryLimit: count(spec.SuccessfulJobsHistory),
				FailedJobsHistoryLimit:     count(spec.FailedJobsHistory),
				StartingDeadlineSeconds:    num(spec.StartingDeadlineSeconds),
				JobTemplate: &cj.CronJobV1SpecJobTemplate{
					Metadata: &cj.CronJobV1SpecJobTemplateMetadata{Labels: stringMap(spec.Labels)},
					Spec:     job,
				},
			},
			DependsOn: dependsOn(spec.DependsOn),
		}
		if spec.Suspend {
			cfg.Spec.Suspend = true
		}
		r := cj.NewCronJobV1(scope, jsii.String(id), cfg)
		obj = &Object{Kind: "CronJob", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}
