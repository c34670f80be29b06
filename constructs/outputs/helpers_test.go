package outputs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// one is a pod with one container called "c" and the given layers.
func one(layers ...outputs.Layer) []outputs.ContainerLayers {
	return []outputs.ContainerLayers{{Name: "c", Layers: layers}}
}

func mustMerge(t *testing.T, containers []outputs.ContainerLayers) *outputs.Pod {
	t.Helper()
	pod, err := outputs.MergePod("p", containers)
	require.NoError(t, err)
	require.NotNil(t, pod)
	return pod
}

func mergeProblems(t *testing.T, containers []outputs.ContainerLayers) []*outputs.Problem {
	t.Helper()
	pod, err := outputs.MergePod("p", containers)
	require.Error(t, err)
	require.Nil(t, pod, "a failed merge returns no pod")
	probs := outputs.Problems(err)
	require.NotEmpty(t, probs, "every error is a *Problem: %v", err)
	return probs
}

// want describes a Problem; empty fields are not checked, msg is a substring
// of Error(), and other is the module on the other side of a conflict.
type want struct {
	container, layer, module string
	output                   outputs.Kind
	key                      string
	other                    string
	msg                      string
}

func (w want) matches(p *outputs.Problem) bool {
	eq := func(want, got string) bool { return want == "" || want == got }
	if !eq(w.container, p.Container) || !eq(w.layer, p.Layer) || !eq(w.module, p.Module) ||
		!eq(string(w.output), string(p.Output)) || !eq(w.key, p.Key) || !strings.Contains(p.Error(), w.msg) {
		return false
	}
	if w.other != "" && (p.Other == nil || p.Other.Module != w.other || !strings.Contains(p.Error(), fmt.Sprintf("%q", w.other))) {
		return false
	}
	return true
}

func requireProblem(t *testing.T, probs []*outputs.Problem, w want) {
	t.Helper()
	for _, p := range probs {
		if w.matches(p) {
			return
		}
	}
	var got []string
	for _, p := range probs {
		got = append(got, fmt.Sprintf("%+v\n    %s", *p, p.Error()))
	}
	t.Fatalf("no problem matches %+v; got:\n  %s", w, strings.Join(got, "\n  "))
}

func envNames(c outputs.Container) []string {
	var names []string
	for _, e := range c.Env {
		names = append(names, e.Name)
	}
	return names
}

func env(c outputs.Container, name string) *outputs.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

func envFromNames(c outputs.Container) []string {
	var names []string
	for _, e := range c.EnvFrom {
		if e.Secret != nil {
			names = append(names, "secret:"+e.Secret.Name)
		} else {
			names = append(names, "configmap:"+e.ConfigMap.Name)
		}
	}
	return names
}

func declared(e outputs.EnvFrom) []string {
	var keys []string
	for _, k := range e.Keys {
		keys = append(keys, k.Key)
	}
	return keys
}
