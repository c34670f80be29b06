package modules_test

// Tests of the seq module (logs).

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/seq"
)

// TestSeq: the admin password and the retention job's API key are generated; the retention
// CronJob keeps one policy and reads its credentials from the Secret; the ingestion port admits
// only the ingesters, the API port only the retention job (and UI clients).
func TestSeq(t *testing.T) {
	st, ns := newStack(t)
	shippers := k8s.PolicyPeer{NamespaceSelector: map[string]string{"kubernetes.io/metadata.name": "agents"}, PodSelector: map[string]string{"app": "shipper"}}
	m := must(seq.New(st, "seq", seq.Config{Namespace: ns, Ingesters: []k8s.PolicyPeer{shippers}}))(t)
	if m.IngestionURL != "http://seq.armonik.svc.cluster.local:5341" || m.UIServiceName != "seq-ui" || m.UIPort != 8080 {
		t.Errorf("module %+v", m)
	}
	zero := 0
	must(seq.New(st, "seq-b", seq.Config{Name: "seq-b", Namespace: ns, RetentionDays: &zero}))(t)
	_, out := synthtest.Synth(t, st)
	if len(out.Resources("kubernetes_cron_job_v1")) != 1 {
		t.Error("retention_days 0 creates no CronJob")
	}
	cj := out.Named(t, "kubernetes_cron_job_v1", "seq-retention")
	if synthtest.Get(cj, "spec.schedule") != "0 */12 * * *" {
		t.Errorf("schedule %v", synthtest.Get(cj, "spec.schedule"))
	}
	c, _ := synthtest.Get(cj, "spec.job_template.spec.template.spec.container.0").(map[string]any)
	if got := secretsRead(c); !reflect.DeepEqual(got, []string{secretRef("seq-admin")}) {
		t.Errorf("the retention job reads %v", got)
	}
	if script := fmt.Sprint(synthtest.Get(c, "command.2")); !strings.Contains(script, "retention create --after \"$SEQ_RETENTION\" --delete-all-events") ||
		strings.Contains(strings.ReplaceAll(script, "$${", ""), "${") {
		t.Errorf("retention script (escaped for Terraform):\n%s", script)
	}
	dep := out.Named(t, "kubernetes_deployment_v1", "seq")
	if got := secretsRead(allContainers(dep)[0]); !reflect.DeepEqual(got, []string{secretRef("seq-admin")}) {
		t.Errorf("Seq reads %v", got)
	}
	np := out.Named(t, "kubernetes_network_policy_v1", "seq")
	rules, _ := synthtest.Get(np, "spec.ingress").([]any)
	if len(rules) != 2 || synthtest.Get(rules[0], "ports.0.port") != "5341" || synthtest.Get(rules[1], "ports.0.port") != "80" {
		t.Fatalf("seq ingress rules %v", rules)
	}
	if from := synthtest.Get(rules[0], "from.0"); !reflect.DeepEqual(from, map[string]any{
		"namespace_selector": map[string]any{"match_labels": map[string]any{"kubernetes.io/metadata.name": "agents"}},
		"pod_selector":       map[string]any{"match_labels": map[string]any{"app": "shipper"}},
	}) {
		t.Errorf("ingestion admits %v", from)
	}
	jobLabels, _ := synthtest.Get(cj, "spec.job_template.spec.template.metadata.labels").(map[string]any)
	if sel, _ := synthtest.Get(rules[1], "from.0.pod_selector.match_labels").(map[string]any); !matches(sel, jobLabels) {
		t.Errorf("the API port admits %v, not the retention job %v", sel, jobLabels)
	}
	// The Services never select the retention job's pods.
	svcSel, _ := synthtest.Get(out.Named(t, "kubernetes_service_v1", "seq"), "spec.selector").(map[string]any)
	if matches(svcSel, jobLabels) {
		t.Error("the Seq Service selects the retention job's pods")
	}
}
