package modules_test

// Tests of the NetworkPolicies of the in-cluster modules: each admits every pod that consumes it.

import (
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// consumers returns the pod-template labels of every ArmoniK workload that reads a module:
// the init Job, the control plane, each compute plane (polling agent and workers) and the
// metrics exporter.
func consumers(t *testing.T, out synthtest.JSON, partitions []string) map[string]map[string]any {
	t.Helper()
	labels := func(r map[string]any) map[string]any {
		l, _ := synthtest.Get(r, "spec.template.metadata.labels").(map[string]any)
		return l
	}
	c := map[string]map[string]any{
		"job/init":                    labels(out.Named(t, "kubernetes_job_v1", "init")),
		"deployment/control-plane":    labels(out.Named(t, "kubernetes_deployment_v1", "control-plane")),
		"deployment/metrics-exporter": labels(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter")),
	}
	for _, p := range partitions {
		c["deployment/compute-plane-"+p] = labels(out.Named(t, "kubernetes_deployment_v1", "compute-plane-"+p))
	}
	return c
}

func matches(selector map[string]any, labels map[string]any) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestNetworkPoliciesAdmitEveryConsumer deploys every in-cluster module (MinIO in both roles)
// and ArmoniK with two partitions, and checks each module's NetworkPolicy against the
// synthesized labels: it protects the module's own pods only, on the ports its Service targets,
// admits from the same namespace every consumer (init Job, control plane, every compute plane
// with its polling agent and workers, metrics exporter), and, for MongoDB only, the member
// itself.
func TestNetworkPoliciesAdmitEveryConsumer(t *testing.T) {
	if kit.ConsumerLabel != armonik.LabelPartOf || kit.ConsumerValue != armonik.PartOf {
		t.Fatalf("the policies admit %s=%s, ArmoniK's pods carry %s=%s", kit.ConsumerLabel, kit.ConsumerValue, armonik.LabelPartOf, armonik.PartOf)
	}
	st, all := deployAll(t, false)
	no := false
	parts := []string{"default", "gpu"}
	must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers:     armonik.Layers{Core: armonik.Conf{all.mq, all.db, all.rd}, Worker: armonik.Conf{all.shared}},
		Partitions: []armonik.Partition{{Name: parts[0]}, {Name: parts[1]}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	users := consumers(t, out, parts)

	// The module workloads by instance, with the ports their Services target.
	workloadLabels := map[string]map[string]any{}
	for _, w := range workloads(out) {
		l, _ := synthtest.Get(w.res, "spec.template.metadata.labels").(map[string]any)
		if l["app.kubernetes.io/part-of"] == "armonik-storage" {
			workloadLabels[fmt.Sprint(l["app.kubernetes.io/instance"])] = l
		}
	}
	servicePorts := map[string][]string{}
	for _, s := range out.Resources("kubernetes_service_v1") {
		sel, _ := synthtest.Get(s, "spec.selector").(map[string]any)
		inst := fmt.Sprint(sel["app.kubernetes.io/instance"])
		ports, _ := synthtest.Get(s, "spec.port").([]any)
		for _, p := range ports {
			servicePorts[inst] = append(servicePorts[inst], fmt.Sprint(synthtest.Get(p, "port")))
		}
	}
	policies := out.Resources("kubernetes_network_policy_v1")
	var names []string
	for _, p := range policies {
		name := fmt.Sprint(synthtest.Get(p, "metadata.name"))
		names = append(names, name)
		sel, _ := synthtest.Get(p, "spec.pod_selector.match_labels").(map[string]any)
		own := workloadLabels[name]
		if !matches(sel, own) {
			t.Errorf("policy %s selects %v, not its pods %v", name, sel, own)
		}
		for w, l := range users {
			if matches(sel, l) {
				t.Errorf("policy %s also isolates ArmoniK's %s", name, w)
			}
		}
		if got := synthtest.Get(p, "spec.policy_types"); !reflect.DeepEqual(got, []any{"Ingress"}) {
			t.Errorf("policy %s types %v", name, got)
		}
		rules, _ := synthtest.Get(p, "spec.ingress").([]any)
		if len(rules) != 1 {
			t.Fatalf("policy %s: %d rules", name, len(rules))
		}
		var ports []string
		for _, pp := range synthtest.Get(rules[0], "ports").([]any) {
			ports = append(ports, fmt.Sprint(synthtest.Get(pp, "port")))
			if synthtest.Get(pp, "protocol") != "TCP" {
				t.Errorf("policy %s: port %v", name, pp)
			}
		}
		wantPorts := servicePorts[name]
		if name == "s3" || name == "shared" {
			wantPorts = []string{"9000"} // the S3 API; the console stays closed
		}
		if name == "mongodb" {
			wantPorts = []string{"27017"}
		}
		if !reflect.DeepEqual(ports, wantPorts) {
			t.Errorf("policy %s ports %v, want %v", name, ports, wantPorts)
		}
		peers, _ := synthtest.Get(rules[0], "from").([]any)
		admitsAll := false
		for _, peer := range peers {
			if synthtest.Get(peer, "namespace_selector") != nil || synthtest.Get(peer, "ip_block") != nil {
				t.Errorf("policy %s admits more than pods of its namespace: %v", name, peer)
			}
			psel, _ := synthtest.Get(peer, "pod_selector.match_labels").(map[string]any)
			every := true
			for w, l := range users {
				if !matches(psel, l) {
					every = false
					if reflect.DeepEqual(psel, map[string]any{"app.kubernetes.io/part-of": "armonik"}) {
						t.Errorf("policy %s: ArmoniK's %s (labels %v) is not selected", name, w, l)
					}
				}
			}
			admitsAll = admitsAll || every
		}
		if !admitsAll {
			t.Errorf("policy %s admits no peer that selects every consumer", name)
		}
		wantPeers := 1
		if name == "mongodb" {
			wantPeers = 2
			if !matches(synthtest.Get(peers[1], "pod_selector.match_labels").(map[string]any), own) {
				t.Errorf("the MongoDB policy must admit its own member: %v", peers[1])
			}
		}
		if len(peers) != wantPeers {
			t.Errorf("policy %s has %d peers, want %d", name, len(peers), wantPeers)
		}
	}
	sort.Strings(names)
	if want := []string{"activemq", "mongodb", "rabbitmq", "redis", "s3", "shared"}; !reflect.DeepEqual(names, want) {
		t.Errorf("policies %v, want one per in-cluster instance %v", names, want)
	}

	// Off on request.
	st2, ns2 := newGrid(t)
	for _, err := range []error{
		func() error {
			_, err := activemq.New(st2, "a", activemq.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := rabbitmq.New(st2, "r", rabbitmq.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := mongodb.New(st2, "m", mongodb.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := redis.New(st2, "d", redis.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
		func() error {
			_, err := minio.New(st2, "o", minio.Config{Namespace: ns2, NetworkPolicy: &no})
			return err
		}(),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, out2 := synthtest.Synth(t, st2); len(out2.Resources("kubernetes_network_policy_v1")) != 0 {
		t.Error("network_policy: false must create no NetworkPolicy")
	}
}
