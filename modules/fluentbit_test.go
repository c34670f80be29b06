package modules_test

// Tests of the fluentbit module (log shipping).

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/fluentbit"
)

// TestFluentBit: the DaemonSet reads the node's logs read-only, keeps its offsets on the node,
// and may read the pods of the shipped namespace only (a Role there, bound to its
// ServiceAccount in the agents' namespace); its configuration ships exactly that namespace's
// files to Seq as CLEF. With all_namespaces, a ClusterRole instead.
func TestFluentBit(t *testing.T) {
	st, ns := newStack(t)
	must(fluentbit.New(st, "fluent-bit", fluentbit.Config{
		Namespace: agentsNamespace(t, st), Namespaces: []string{"armonik"}, NamespaceRefs: []*k8s.Namespace{ns},
		Output: fluentbit.Output{Seq: &fluentbit.SeqOutput{Host: "seq.armonik.svc.cluster.local"}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	role := out.Named(t, "kubernetes_role_v1", "armonik-node-agents-fluent-bit")
	if synthtest.Get(role, "metadata.namespace") != "${kubernetes_namespace_v1.ns.metadata[0].name}" {
		t.Errorf("the Role must be in the shipped namespace, by reference: %v", synthtest.Get(role, "metadata.namespace"))
	}
	if got := fmt.Sprint(role["rule"]); got != "[map[api_groups:[] resources:[pods] verbs:[get list watch]]]" {
		t.Errorf("role rules %s", got)
	}
	b := out.Named(t, "kubernetes_role_binding_v1", "armonik-node-agents-fluent-bit")
	if got := fmt.Sprint(b["subject"]); got != "[map[kind:ServiceAccount name:fluent-bit namespace:armonik-node-agents]]" {
		t.Errorf("binding subjects %s", got)
	}
	if len(out.Resources("kubernetes_cluster_role_v1")) != 0 {
		t.Error("no ClusterRole when shipping named namespaces")
	}
	ds := out.Named(t, "kubernetes_daemon_set_v1", "fluent-bit")
	if synthtest.Get(ds, "metadata.namespace") != "${kubernetes_namespace_v1.agents.metadata[0].name}" {
		t.Error("the DaemonSet belongs in the node agents' namespace")
	}
	vols := fmt.Sprint(synthtest.Get(ds, "spec.template.spec.volume"))
	for _, w := range []string{"path:/var/log type:Directory", "path:/var/lib/armonik-fluent-bit/armonik-node-agents-fluent-bit type:DirectoryOrCreate"} {
		if !strings.Contains(vols, w) {
			t.Errorf("volumes lack %q: %s", w, vols)
		}
	}
	c := allContainers(ds)[0]
	if synthtest.Get(c, "security_context.read_only_root_filesystem") != true || synthtest.Get(c, "security_context.allow_privilege_escalation") != false {
		t.Errorf("security context %v", c["security_context"])
	}
	conf := synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config"), "data.fluent-bit\\.conf")
	if conf == nil {
		conf = out.Named(t, "kubernetes_config_map_v1", "fluent-bit-config")["data"].(map[string]any)["fluent-bit.conf"]
	}
	text := fmt.Sprint(conf)
	for _, w := range []string{
		"Path                   /var/log/containers/*_armonik_*.log",
		"Name                   kubernetes",
		"Host                   seq.armonik.svc.cluster.local",
		"Port                   5341",
		"URI                    /api/events/raw?clef",
		"Header                 Content-Type application/vnd.serilog.clef",
		"json_date_key          @t",
		"Rename                 log @m",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("fluent-bit.conf lacks %q:\n%s", w, text)
		}
	}

	st2, _ := newStack(t)
	must(fluentbit.New(st2, "fluent-bit", fluentbit.Config{Namespace: agentsNamespace(t, st2), AllNamespaces: true, Output: fluentbit.Output{Stdout: true}}))(t)
	_, out2 := synthtest.Synth(t, st2)
	if len(out2.Resources("kubernetes_role_v1")) != 0 {
		t.Error("all_namespaces uses a ClusterRole, no Role")
	}
	cr := out2.Named(t, "kubernetes_cluster_role_v1", "armonik-node-agents-fluent-bit")
	if got := fmt.Sprint(cr["rule"]); got != "[map[api_groups:[] resources:[pods] verbs:[get list watch]]]" {
		t.Errorf("cluster role rules %s", got)
	}
	out2.Named(t, "kubernetes_cluster_role_binding_v1", "armonik-node-agents-fluent-bit")
}
