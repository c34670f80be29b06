package modules_test

// Tests of the otel module (tracing).

import (
	"reflect"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/otel"
)

// TestTracingKeys: the tracing module publishes exactly OTLP__Uri, and, with a token,
// OTLP__AuthToken from a Secret through a second module; the stack lists both in the control
// and polling layers only: the two components that read them (Control/Submitter/src/Program.cs,
// Compute/PollingAgent/src/Program.cs). Workers, the metrics exporter and the init Job never
// receive them.
func TestTracingKeys(t *testing.T) {
	st, all := deployAll(t, false)
	inCluster := must(otel.New(st, "tracing", otel.Config{Namespace: all.ns, ClusterDomain: "example.internal", Jaeger: &otel.Jaeger{}}))(t)
	if got, want := keysOf(inCluster), keys(map[string]string{"OTLP__Uri": "http://otel-collector.grid.svc.example.internal:4317"}, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("in-cluster collector outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	if inCluster.Auth != nil {
		t.Error("the in-cluster collector has no token: Auth must be nil")
	}

	remote := must(otel.New(st, "remote", otel.Config{Name: "remote", Namespace: all.ns, Endpoint: "https://otlp.example.com:4317", AuthToken: true}))(t)
	if got, want := keysOf(remote), keys(map[string]string{"OTLP__Uri": "https://otlp.example.com:4317"}, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("endpoint outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	if got, want := keysOf(remote.Auth), keys(nil, map[string]string{"OTLP__AuthToken": "remote-credentials/token"}); !reflect.DeepEqual(got, want) {
		t.Errorf("endpoint token outputs\n got %s\nwant %s", dump(got), dump(want))
	}
	existing := must(otel.New(st, "byo", otel.Config{Name: "byo", Namespace: all.ns, Endpoint: "http://collector.tracing:4317", AuthToken: true, ExistingSecret: "otlp-token", TokenKey: "bearer"}))(t)
	if got, want := keysOf(existing.Auth), keys(nil, map[string]string{"OTLP__AuthToken": "otlp-token/bearer"}); !reflect.DeepEqual(got, want) {
		t.Errorf("existing Secret token outputs\n got %s\nwant %s", dump(got), dump(want))
	}

	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers: armonik.Layers{
			Core:    armonik.Conf{all.mq, all.db, all.rd},
			Worker:  armonik.Conf{all.shared},
			Control: armonik.Conf{remote, remote.Auth},
			Polling: armonik.Conf{remote, remote.Auth},
		},
	}))(t)
	for _, c := range []struct {
		pod, container string
		want           []string
	}{
		{"control-plane", "control-plane", []string{"OTLP__AuthToken", "OTLP__Uri"}},
		{"compute-plane-default", "polling-agent", []string{"OTLP__AuthToken", "OTLP__Uri"}},
		{"compute-plane-default", "worker", nil},
		{"metrics-exporter", "metrics-exporter", nil},
		{"init", "init", nil},
	} {
		got := fromModules(mergedContainer(t, a, c.pod, c.container), "remote", "remote-auth")
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s/%s gets %v from tracing, want %v", c.pod, c.container, got, c.want)
		}
	}
	_, out := synthtest.Synth(t, st)
	if v, ok := out["variable"].(map[string]any)["remote_auth_token"].(map[string]any); !ok || v["sensitive"] != true || v["default"] != nil {
		t.Errorf("the token variable must be sensitive without default: %v", v)
	}
}
