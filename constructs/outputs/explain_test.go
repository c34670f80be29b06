package outputs_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

func TestVolumeName(t *testing.T) {
	tests := []struct{ mount, want string }{
		{"redis-ca", "redis-ca"},
		{"a", "a"},
		{"0cache", "0cache"},
		{"Redis_CA", "redis-ca-"},
		{"redis.ca", "redis-ca-"},
		{"--x--", "x-"},
		{"___", "mount-"},
		{"", "mount-"},
		{"héllo wörld", "h-llo-w-rld-"},
		{strings.Repeat("a", 63), strings.Repeat("a", 63)},
		{strings.Repeat("a", 64), strings.Repeat("a", 54) + "-"},
		{strings.Repeat("a", 53) + "_b", strings.Repeat("a", 53) + "-"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		got := outputs.VolumeName(tt.mount)
		assert.True(t, strings.HasPrefix(got, tt.want), "VolumeName(%q) = %q, want prefix %q", tt.mount, got, tt.want)
		assert.Empty(t, validation.IsDNS1123Label(got), "VolumeName(%q) = %q is a label", tt.mount, got)
		if tt.want != tt.mount {
			assert.Len(t, got, len(tt.want)+8, "sanitized %q gets an 8-digit hash", tt.mount)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("%q and %q both give %q", prev, tt.mount, got)
		}
		seen[got] = tt.mount
		assert.Equal(t, got, outputs.VolumeName(tt.mount), "deterministic")
	}
	assert.NotEqual(t, outputs.VolumeName("Redis_CA"), outputs.VolumeName("redis.ca"))
}

func explainPod(t *testing.T) *outputs.Pod {
	return mustMerge(t, []outputs.ContainerLayers{
		{Name: "agent", Layers: []outputs.Layer{
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").Env("Amqp__LinkCredit", "2").EnvSecret(creds2, "Amqp__User")),
			outputs.ModulesLayer("core", outputs.NewModule("mq").
				EnvFromSecret("Amqp__Password", outputs.Named("mq-creds").WithToken("${tok}"), "password").
				EnvFromConfigMap("Amqp__Host", outputs.Named("mq-endpoints"), "host").
				EnvSecret(creds, "Amqp__User", "Amqp__LinkCredit").
				MountSecret("mq-ca", outputs.Named("mq-ca"), "/amqp", outputs.WithSubPath("ca.pem"))),
		}},
		{Name: "empty"},
	})
}

func TestExplainData(t *testing.T) {
	x := outputs.ExplainData(explainPod(t))
	require.Len(t, x.Containers, 2)
	c := x.Containers[0]
	var lines []string
	for _, e := range c.Env {
		lines = append(lines, e.Name+" "+e.Source+" "+e.Value+" "+e.From.Module)
	}
	assert.Equal(t, []string{
		"Amqp__Host configmap:mq-endpoints/host  mq",
		"Amqp__LinkCredit envFrom secret:creds  mq",
		"Amqp__Password secret:mq-creds/password  mq",
		"Amqp__User envFrom secret:creds  mq",
	}, lines, "every name, sorted, with references only")
	assert.Equal(t, "armonik", c.Env[1].Replaced[0].Module)
	require.Len(t, c.EnvFrom, 2)
	assert.Equal(t, outputs.EnvFromLine{Source: "secret:creds2", Keys: []string{}, From: outputs.Provenance{Layer: "defaults", LayerKind: outputs.LayerDefaults, Module: "armonik", Output: outputs.KindEnvSecret}}, c.EnvFrom[0])
	assert.Equal(t, []string{"Amqp__LinkCredit", "Amqp__User"}, c.EnvFrom[1].Keys)
	assert.Equal(t, "secret:mq-ca", c.Mounts[0].Source)
	assert.Equal(t, "ca.pem", c.Mounts[0].SubPath)

	b, err := json.Marshal(x)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "${tok}", "tokens are rendering details")
	assert.Contains(t, string(b), `"layer_kind":"defaults"`)
	var back outputs.Explanation
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, x, back)
	assert.Equal(t, outputs.Explanation{}, outputs.ExplainData(nil))
}

func TestExplainText(t *testing.T) {
	text := outputs.Explain(explainPod(t))
	for _, want := range []string{
		"container agent\n",
		"secret:mq-creds/password",
		"replaces default armonik (defaults)",
		"/amqp subpath=ca.pem (ro)",
		"container empty\n  (nothing)",
		"mq-ca   secret:mq-ca  agent (mq)",
	} {
		assert.Contains(t, text, want)
	}
	for _, l := range strings.Split(text, "\n") {
		assert.Equal(t, strings.TrimRight(l, " "), l, "no trailing blanks")
		if strings.HasPrefix(l, "  Amqp__LinkCredit ") {
			assert.Regexp(t, `envFrom secret:creds +core +mq +replaces default armonik \(defaults\)$`, l)
		}
		if strings.HasPrefix(l, "  secret:creds2 ") {
			assert.Contains(t, l, "(none)", "its only declared key was replaced")
		}
	}
}

func TestExplainRedactsCredentialLiterals(t *testing.T) {
	// MergePod rejects such values; a hand-made Pod must not leak them either.
	pod := &outputs.Pod{Name: "p", Containers: []outputs.Container{{Name: "c", Env: []outputs.EnvVar{
		{Name: "Db__Password", Value: "hunter2"}, {Name: "Db__User", Value: "admin"},
	}}}}
	text := outputs.Explain(pod)
	assert.NotContains(t, text, "hunter2")
	assert.Contains(t, text, "Db__Password  <redacted>")
	assert.Contains(t, text, `"admin"`)
	b, err := json.Marshal(outputs.ExplainData(pod))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "hunter2")
}
