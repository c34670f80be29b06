package outputs_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// Two Terraform objects under one display name: the agent's Secret and the
// worker module's Secret are both called "creds".
var (
	agentCreds  = outputs.Named("creds").WithToken("${kubernetes_secret_v1.agent_creds.metadata[0].name}")
	workerCreds = outputs.Named("creds").WithToken("${kubernetes_secret_v1.worker_creds.metadata[0].name}")
)

// TestRefIdentity checks that refs of one kind and one name from two
// different objects are an error naming both modules, wherever they are used.
func TestRefIdentity(t *testing.T) {
	tests := []struct {
		name       string
		containers []outputs.ContainerLayers
		want       want
		otherIn    string
	}{
		{
			name: "secret volumes in two containers (the worker would mount the agent's Secret)",
			containers: []outputs.ContainerLayers{
				{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("polling", outputs.NewModule("agent-tls").MountSecret("creds", agentCreds, "/creds"))}},
				{Name: "worker", Layers: []outputs.Layer{outputs.ModulesLayer("worker", outputs.NewModule("worker-tls").MountSecret("creds", workerCreds, "/creds"))}},
			},
			want:    want{container: "worker", layer: "worker", module: "worker-tls", output: outputs.KindMountSecret, key: "creds", other: "agent-tls", msg: `secret "creds" is not the secret "creds" that module "agent-tls"`},
			otherIn: "agent",
		},
		{
			name: "whole secrets in one container (only the first was listed)",
			containers: one(outputs.ModulesLayer("core",
				outputs.NewModule("a").EnvSecret(agentCreds, "A"),
				outputs.NewModule("b").EnvSecret(workerCreds, "B"))),
			want:    want{container: "c", module: "b", output: outputs.KindEnvSecret, key: "creds", other: "a", msg: "two objects (two Terraform tokens) under one name"},
			otherIn: "c",
		},
		{
			name: "key selectors of one module",
			containers: one(outputs.ModulesLayer("core",
				outputs.NewModule("a").EnvFromSecret("X", agentCreds, "x").EnvFromSecret("Y", workerCreds, "y"))),
			want:    want{module: "a", output: outputs.KindEnvFromSecret, key: "Y", other: "a", msg: `that module "a" (layer "core", env_from_secret) uses for "X"`},
			otherIn: "c",
		},
		{
			name: "a key selector and a volume in two containers",
			containers: []outputs.ContainerLayers{
				{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("core", outputs.NewModule("a").EnvFromSecret("X", agentCreds, "x"))}},
				{Name: "worker", Layers: []outputs.Layer{outputs.ModulesLayer("worker", outputs.NewModule("b").MountSecret("m", workerCreds, "/m"))}},
			},
			want:    want{container: "worker", module: "b", output: outputs.KindMountSecret, key: "m", other: "a"},
			otherIn: "agent",
		},
		{
			name: "configmaps",
			containers: one(outputs.ModulesLayer("core",
				outputs.NewModule("a").EnvConfigMap(outputs.Named("conf").WithToken("${a}"), "A"),
				outputs.NewModule("b").MountConfigMap("conf", outputs.Named("conf").WithToken("${b}"), "/conf"))),
			want:    want{module: "b", output: outputs.KindMountConfigMap, key: "conf", other: "a", msg: `configmap "conf" is not the configmap "conf"`},
			otherIn: "c",
		},
		{
			name: "claims",
			containers: one(outputs.ModulesLayer("core",
				outputs.NewModule("a").MountClaim("data", outputs.Named("pvc").WithToken("${a}"), "/a"),
				outputs.NewModule("b").MountClaim("data2", outputs.Named("pvc").WithToken("${b}"), "/b"))),
			want:    want{module: "b", output: outputs.KindMountVolumeClaim, key: "data2", other: "a", msg: `claim "pvc" is not the claim "pvc"`},
			otherIn: "c",
		},
		{
			name: "a defaults item replaced by a module still names another object",
			containers: one(
				outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").EnvFromSecret("X", agentCreds, "x")),
				outputs.ModulesLayer("core", outputs.NewModule("m").EnvFromSecret("X", workerCreds, "x"))),
			want:    want{layer: "core", module: "m", key: "X", other: "armonik"},
			otherIn: "c",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := mergeProblems(t, tt.containers)
			requireProblem(t, probs, tt.want)
			require.Len(t, probs, 1, "one problem, not a second one about the volume: %v", probs)
			assert.Equal(t, tt.otherIn, probs[0].OtherContainer)
			assert.Contains(t, []string{"name", "claim"}, probs[0].Field)
			assert.NotContains(t, probs[0].Error(), "${", "tokens are not shown")
		})
	}
}

func TestRefIdentityAcceptsOneObject(t *testing.T) {
	t.Run("a Secret and a ConfigMap may share a name", func(t *testing.T) {
		pod := mustMerge(t, one(outputs.ModulesLayer("core", outputs.NewModule("a").
			EnvFromSecret("X", outputs.Named("shared").WithToken("${s}"), "x").
			EnvFromConfigMap("Y", outputs.Named("shared").WithToken("${c}"), "y"))))
		assert.Equal(t, "${s}", env(pod.Containers[0], "X").SecretKey.Ref.Token)
		assert.Equal(t, "${c}", env(pod.Containers[0], "Y").ConfigMapKey.Ref.Token)
	})
	t.Run("the same object reaching several containers through one module", func(t *testing.T) {
		m := outputs.NewModule("tls").MountSecret("creds", agentCreds, "/creds").EnvSecret(agentCreds, "A")
		pod := mustMerge(t, []outputs.ContainerLayers{
			{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("compute", m)}},
			{Name: "worker", Layers: []outputs.Layer{outputs.ModulesLayer("compute", m)}},
		})
		require.Len(t, pod.Volumes, 1)
		assert.Equal(t, agentCreds, pod.Volumes[0].Secret.Ref)
		assert.Len(t, pod.Volumes[0].Uses, 2)
	})
	t.Run("a ref by name only is the object of that name", func(t *testing.T) {
		pod := mustMerge(t, []outputs.ContainerLayers{
			{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("core", outputs.NewModule("a").MountSecret("creds", outputs.Named("creds"), "/creds"))}},
			{Name: "worker", Layers: []outputs.Layer{outputs.ModulesLayer("core", outputs.NewModule("b").MountSecret("creds", agentCreds, "/creds"))}},
		})
		require.Len(t, pod.Volumes, 1)
		assert.Equal(t, agentCreds, pod.Volumes[0].Secret.Ref, "the Token is kept, so Terraform orders creation")
	})
}

// TestNamedWithATokenIsReported checks that a Terraform expression given as
// a name is reported with what to do, never validated as a name.
func TestNamedWithATokenIsReported(t *testing.T) {
	for _, tok := range []string{"${TfToken[TOKEN.12]}", "${kubernetes_secret_v1.x.metadata[0].name}", "#{TfToken[TOKEN.3]}", "prefix-${var.name}"} {
		tests := []struct {
			module *outputs.Module
			output outputs.Kind
			key    string
		}{
			{outputs.NewModule("m").EnvFromSecret("X", outputs.Named(tok), "k"), outputs.KindEnvFromSecret, "X"},
			{outputs.NewModule("m").EnvConfigMap(outputs.Named(tok), "A"), outputs.KindEnvConfigMap, tok},
			{outputs.NewModule("m").MountSecret("s", outputs.Named(tok), "/s"), outputs.KindMountSecret, "s"},
			{outputs.NewModule("m").MountClaim("d", outputs.Named(tok), "/d"), outputs.KindMountVolumeClaim, "d"},
		}
		for _, tt := range tests {
			t.Run(string(tt.output)+" "+tok, func(t *testing.T) {
				probs := mergeProblems(t, one(outputs.ModulesLayer("core", tt.module)))
				require.Len(t, probs, 1, "%v", probs)
				requireProblem(t, probs, want{module: "m", output: tt.output, key: tt.key, msg: "is a Terraform expression, not a name"})
				assert.Contains(t, probs[0].Msg, "use Named(name).WithToken(token)")
				assert.NotContains(t, probs[0].Msg, "RFC 1123", "a token is not validated as a name")
			})
		}
	}
}
