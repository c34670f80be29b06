package k8s_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// TestAntiAffinity renders the preferred and the required rule, and refuses a bad one.
func TestAntiAffinity(t *testing.T) {
	st, ns := newStack(t)
	labels := map[string]string{"app": "db"}
	for _, c := range []struct {
		name string
		rule k8s.AntiAffinity
		path string
	}{
		{"preferred", k8s.AntiAffinity{Selector: labels}, "preferred_during_scheduling_ignored_during_execution.0.pod_affinity_term"},
		{"required", k8s.AntiAffinity{Selector: labels, Required: true, TopologyKey: "topology.kubernetes.io/zone"}, "required_during_scheduling_ignored_during_execution.0"},
	} {
		tmpl := podTemplate("s", labels)
		rule := c.rule
		tmpl.Spec.AntiAffinity = &rule
		if _, err := k8s.NewDeployment(st, c.name, k8s.DeploymentSpec{Meta: k8s.Meta{Name: c.name, Namespace: ns.NameRef}, Selector: labels, Template: tmpl}); err != nil {
			t.Fatal(err)
		}
	}
	tmpl := podTemplate("s", labels)
	tmpl.Spec.AntiAffinity = &k8s.AntiAffinity{Weight: 101, TopologyKey: "bad key"}
	_, err := k8s.NewDeployment(st, "bad", k8s.DeploymentSpec{Meta: k8s.Meta{Name: "bad", Namespace: ns.NameRef}, Selector: labels, Template: tmpl})
	for _, w := range []string{"anti-affinity: selector: required", "anti-affinity: weight 101 must be in 1-100", `anti-affinity: topology key "bad key"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("bad anti-affinity: error %v lacks %q", err, w)
		}
	}
	_, out := synthtest.Synth(t, st)
	pref := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "preferred"), "spec.template.spec.affinity.pod_anti_affinity")
	if synthtest.Get(pref, "preferred_during_scheduling_ignored_during_execution.0.weight") != 100.0 ||
		synthtest.Get(pref, "preferred_during_scheduling_ignored_during_execution.0.pod_affinity_term.topology_key") != "kubernetes.io/hostname" {
		t.Errorf("preferred rule %v", pref)
	}
	req := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "required"), "spec.template.spec.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution.0")
	if synthtest.Get(req, "topology_key") != "topology.kubernetes.io/zone" || synthtest.Get(req, "label_selector.0.match_labels.app") != "db" {
		t.Errorf("required rule %v", req)
	}
}

// TestJobManifest renders a Job for kubectl in the API's shape, and refuses what it cannot
// render faithfully: Terraform references, probes.
func TestJobManifest(t *testing.T) {
	tmpl := podTemplate("creds", map[string]string{"app": "restore"})
	tmpl.Spec.RestartPolicy = "Never"
	tmpl.Spec.Containers[0].Liveness, tmpl.Spec.Containers[0].Readiness, tmpl.Spec.Containers[0].Startup = nil, nil, nil
	tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, k8s.Volume{Name: "key", Secret: &k8s.SecretVolume{Name: "creds", Items: []k8s.KeyToPath{{Key: "k", Path: "k", Mode: "0400"}}}})
	zero := 0
	m, err := k8s.JobManifest{Meta: k8s.Meta{Name: "restore", Namespace: "demo"}, GenerateName: true, Template: tmpl, BackoffLimit: &zero}.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(m)
	var job map[string]any
	_ = json.Unmarshal(raw, &job)
	if synthtest.Get(job, "metadata.generateName") != "restore-" || synthtest.Get(job, "spec.backoffLimit") != 0.0 ||
		synthtest.Get(job, "spec.template.spec.restartPolicy") != "Never" {
		t.Errorf("job %s", raw)
	}
	vols := synthtest.Get(job, "spec.template.spec.volumes").([]any)
	if got := synthtest.Get(vols[len(vols)-1], "secret.items.0.mode"); got != 256.0 {
		t.Errorf("an octal mode 0400 is 256 in the API, got %v", got)
	}
	c := synthtest.Get(job, "spec.template.spec.containers.0").(map[string]any)
	if c["image"] != "example/app:1.0" || synthtest.Get(c, "env.2.valueFrom.secretKeyRef.name") != "creds" ||
		synthtest.Get(c, "env.3.valueFrom.fieldRef.fieldPath") != "status.podIP" || synthtest.Get(c, "envFrom.0.secretRef.name") != "creds" ||
		synthtest.Get(c, "securityContext.capabilities.drop.0") != "ALL" || synthtest.Get(c, "volumeMounts.0.readOnly") != true {
		t.Errorf("container %v", c)
	}

	bad := podTemplate("${kubernetes_secret_v1.x.metadata[0].name}", map[string]string{"app": "restore"})
	bad.Spec.RestartPolicy = "Always"
	bad.Spec.Containers[0].Readiness = &k8s.Probe{TCPPort: "80"}
	_, err = k8s.JobManifest{Meta: k8s.Meta{Name: "restore", Namespace: "${ns}"}, Template: bad}.Manifest()
	for _, w := range []string{"namespace: a plain namespace name is required", `restart policy "Always" must be OnFailure or Never`,
		"probes and lifecycle hooks are not rendered", "is a Terraform reference: the manifest needs the name itself"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
}
