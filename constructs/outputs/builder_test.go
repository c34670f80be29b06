package outputs_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

func TestBuilderBuildsEveryKind(t *testing.T) {
	tok := "${kubernetes_secret_v1.redis.metadata[0].name}"
	m := outputs.NewModule("redis").
		Env("Redis__Ssl", "true").
		EnvFromSecret("Redis__Password", outputs.Named("redis-creds").WithToken(tok), "password").
		EnvFromConfigMap("Redis__Host", outputs.Named("redis-endpoints"), "host").
		EnvSecret(outputs.Named("redis-user"), "Redis__User").
		EnvConfigMap(outputs.Named("redis-tuning"), "Redis__Timeout").
		MountSecret("redis-ca", outputs.Named("redis-ca"), "/redis", outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "chain.pem"}), outputs.WithMode("0440")).
		MountConfigMap("redis-conf", outputs.Named("redis-conf"), "/conf", outputs.WithSubPath("redis.conf")).
		MountClaim("shared", outputs.Named("shared"), "/data", outputs.ReadOnly()).
		MountEmptyDir("tmp", "/tmp", outputs.EmptyDir{Medium: "Memory"})
	assert.Equal(t, "redis", m.ModuleName())
	assert.Empty(t, m.Problems())
	o := m.Outputs()
	assert.Equal(t, map[string]string{"Redis__Ssl": "true"}, o.Env)
	assert.Equal(t, outputs.KeySelector{Ref: outputs.Ref{Name: "redis-creds", Token: tok}, Key: "password"}, o.EnvFromSecret["Redis__Password"])
	assert.Equal(t, outputs.KeySelector{Ref: outputs.Named("redis-endpoints"), Key: "host"}, o.EnvFromConfigMap["Redis__Host"])
	assert.Equal(t, []outputs.EnvSource{{Ref: outputs.Named("redis-user"), Keys: []string{"Redis__User"}}}, o.EnvSecret)
	assert.Equal(t, []outputs.EnvSource{{Ref: outputs.Named("redis-tuning"), Keys: []string{"Redis__Timeout"}}}, o.EnvConfigMap)
	assert.Equal(t, outputs.FileMount{Ref: outputs.Named("redis-ca"), Path: "/redis", Mode: "0440", Items: []outputs.Item{{Key: "ca.crt", Path: "chain.pem"}}}, o.MountSecret["redis-ca"])
	assert.Equal(t, outputs.FileMount{Ref: outputs.Named("redis-conf"), Path: "/conf", SubPath: "redis.conf"}, o.MountConfigMap["redis-conf"])
	assert.Equal(t, outputs.ClaimMount{Claim: outputs.Named("shared"), Path: "/data", ReadOnly: true}, o.MountVolumeClaim["shared"])
	assert.Equal(t, outputs.VolumeMount{Path: "/tmp", EmptyDir: &outputs.EmptyDir{Medium: "Memory"}}, o.MountVolume["tmp"])
	mustMerge(t, one(outputs.ModulesLayer("core", m)))
}

// TestBuilderRecordsRepeats checks that a key set twice in one module is kept
// once and reported by MergePod with the container and layer.
func TestBuilderRecordsRepeats(t *testing.T) {
	tests := []struct {
		name   string
		module *outputs.Module
		output outputs.Kind
		key    string
		msg    string
	}{
		{"env twice", outputs.NewModule("m").Env("X", "1").Env("X", "2"), outputs.KindEnv, "X", "set twice in this module; the first value is kept"},
		{"same env twice", outputs.NewModule("m").Env("X", "1").Env("X", "1"), outputs.KindEnv, "X", "set twice"},
		{"env_from_secret twice", outputs.NewModule("m").EnvFromSecret("X", creds, "a").EnvFromSecret("X", creds, "b"), outputs.KindEnvFromSecret, "X", "set twice"},
		{"env_from_configmap twice", outputs.NewModule("m").EnvFromConfigMap("X", cm, "a").EnvFromConfigMap("X", cm, "b"), outputs.KindEnvFromConfigMap, "X", "set twice"},
		{"mount name twice", outputs.NewModule("m").MountSecret("certs", creds, "/a").MountSecret("certs", creds, "/b"), outputs.KindMountSecret, "certs", "mount name already used by mount_secret"},
		{"mount name across kinds", outputs.NewModule("m").MountSecret("certs", creds, "/a").MountClaim("certs", outputs.Named("pvc"), "/b"), outputs.KindMountVolumeClaim, "certs", "mount name already used by mount_secret of this module"},
		{"mode on a claim", outputs.NewModule("m").MountClaim("d", outputs.Named("pvc"), "/d", outputs.WithMode("0600")), outputs.KindMountVolumeClaim, "d", "WithMode applies to mount_configmap and mount_secret only"},
		{"items on an emptyDir", outputs.NewModule("m").MountEmptyDir("d", "/d", outputs.EmptyDir{}, outputs.WithItems()), outputs.KindMountVolume, "d", "WithItems applies"},
		{"Add of a name already set", outputs.NewModule("m").Env("X", "1").Add(outputs.Outputs{Env: map[string]string{"X": "2"}}), outputs.KindEnv, "X", "set twice"},
		{"Add of a mount name already set", outputs.NewModule("m").MountEmptyDir("d", "/d", outputs.EmptyDir{}).
			Add(outputs.Outputs{MountVolumeClaim: map[string]outputs.ClaimMount{"d": {Claim: outputs.Named("pvc"), Path: "/e"}}}), outputs.KindMountVolumeClaim, "d", "mount name already used by mount_volume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Len(t, tt.module.Problems(), 1)
			probs := mergeProblems(t, one(outputs.ModulesLayer("core", tt.module)))
			requireProblem(t, probs, want{container: "c", layer: "core", module: "m", output: tt.output, key: tt.key, msg: tt.msg})
			assert.Len(t, probs, 1)
		})
	}
	first := outputs.NewModule("m").Env("X", "1").Env("X", "2").Outputs().Env["X"]
	assert.Equal(t, "1", first, "never overwritten")
}

func TestBuilderAddTakesEveryKind(t *testing.T) {
	o := outputs.Outputs{
		Env:              map[string]string{"A": "1"},
		EnvConfigMap:     []outputs.EnvSource{{Ref: cm}},
		EnvSecret:        []outputs.EnvSource{{Ref: creds}},
		EnvFromConfigMap: map[string]outputs.KeySelector{"B": {Ref: cm, Key: "b"}},
		EnvFromSecret:    map[string]outputs.KeySelector{"C": {Ref: creds, Key: "c"}},
		MountConfigMap:   map[string]outputs.FileMount{"m1": {Ref: cm, Path: "/1"}},
		MountSecret:      map[string]outputs.FileMount{"m2": {Ref: creds, Path: "/2"}},
		MountVolume:      map[string]outputs.VolumeMount{"m3": {Path: "/3", EmptyDir: &outputs.EmptyDir{}}},
		MountVolumeClaim: map[string]outputs.ClaimMount{"m4": {Claim: outputs.Named("pvc"), Path: "/4"}},
	}
	m := outputs.NewModule("m").Add(o)
	assert.Equal(t, o, m.Outputs())
	assert.Empty(t, m.Problems())
}

func TestNilModuleIsInert(t *testing.T) {
	var m *outputs.Module
	assert.NotPanics(t, func() {
		m.Env("A", "1").EnvSecret(creds).EnvConfigMap(cm).EnvFromSecret("B", creds, "b").EnvFromConfigMap("C", cm, "c").
			MountSecret("s", creds, "/s").MountConfigMap("c", cm, "/c").MountClaim("d", creds, "/d").
			MountEmptyDir("e", "/e", outputs.EmptyDir{}).MountHostPath("h", "/h", outputs.HostPath{Path: "/h"}).
			MountNFS("n", "/n", outputs.NFS{}).MountCSI("x", "/x", outputs.CSI{}).Add(outputs.Outputs{})
	})
	assert.Empty(t, m.ModuleName())
	assert.Empty(t, m.Problems())
	assert.Equal(t, outputs.Outputs{}, m.Outputs())
}

func TestRef(t *testing.T) {
	r := outputs.Named("redis")
	assert.Equal(t, "redis", r.Value())
	assert.Equal(t, "redis", r.String())
	rt := r.WithToken("${x.metadata[0].name}")
	assert.Equal(t, "${x.metadata[0].name}", rt.Value())
	assert.Equal(t, "", r.Token, "WithToken returns a copy")

	b, err := json.Marshal(outputs.KeySelector{Ref: rt, Key: "k"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"redis","key":"k"}`, string(b), "a Ref is its name; the token stays in Go")
	var ks outputs.KeySelector
	require.NoError(t, json.Unmarshal([]byte(`{"name":"creds","key":"password"}`), &ks))
	assert.Equal(t, outputs.KeySelector{Ref: outputs.Named("creds"), Key: "password"}, ks)
}

func TestOutputsJSONUsesAEPNames(t *testing.T) {
	doc := `{
	  "env": {"Redis__Ssl": "true"},
	  "env_configmap": ["tuning", {"name": "more", "keys": ["A"], "prefix": "P_"}],
	  "env_secret": [{"name": "creds", "keys": ["Redis__User"]}],
	  "env_from_configmap": {"H": {"name": "cm", "key": "host"}},
	  "env_from_secret": {"Redis__Password": {"name": "creds", "key": "password"}},
	  "mount_configmap": {"conf": {"name": "cm", "path": "/conf", "subpath": "a.conf"}},
	  "mount_secret": {"redis-ca": {"name": "ca", "path": "/redis", "mode": "0440", "items": [{"key": "ca.crt", "path": "chain.pem", "mode": "0400"}]}},
	  "mount_volume": {"nfs": {"path": "/local_storage", "read_only": true, "nfs": {"server": "10.0.0.1", "path": "/export"}},
	                   "tmp": {"path": "/tmp", "empty_dir": {"medium": "Memory", "size_limit": "1Gi"}},
	                   "h": {"path": "/h", "host_path": {"path": "/var", "type": "Directory"}},
	                   "c": {"path": "/c", "csi": {"driver": "d", "read_only": true, "attributes": {"k": "v"}}}},
	  "mount_volume_claim": {"data": {"claim": "pvc", "path": "/data", "read_only": true}}
	}`
	var o outputs.Outputs
	require.NoError(t, json.Unmarshal([]byte(doc), &o))
	assert.Equal(t, []outputs.EnvSource{{Ref: outputs.Named("tuning")}, {Ref: outputs.Named("more"), Keys: []string{"A"}, Prefix: "P_"}}, o.EnvConfigMap,
		"a bare name is the AEP form")
	assert.Equal(t, outputs.FileMount{Ref: outputs.Named("ca"), Path: "/redis", Mode: "0440", Items: []outputs.Item{{Key: "ca.crt", Path: "chain.pem", Mode: "0400"}}}, o.MountSecret["redis-ca"])
	assert.Equal(t, outputs.VolumeMount{Path: "/local_storage", ReadOnly: true, NFS: &outputs.NFS{Server: "10.0.0.1", Path: "/export"}}, o.MountVolume["nfs"])
	assert.Equal(t, outputs.ClaimMount{Claim: outputs.Named("pvc"), Path: "/data", ReadOnly: true}, o.MountVolumeClaim["data"])
	mustMerge(t, one(outputs.ModulesLayer("core", outputs.Static("conf", o))))

	again, err := json.Marshal(o)
	require.NoError(t, err)
	var o2 outputs.Outputs
	require.NoError(t, json.Unmarshal(again, &o2))
	assert.Equal(t, o, o2, "round trip")

	var s outputs.EnvSource
	err = json.Unmarshal([]byte(`{"name": "x", "kyes": ["A"]}`), &s)
	require.Error(t, err, "unknown keys of an env source are rejected")
	assert.Contains(t, err.Error(), `unknown field "kyes"`)
}

func TestEnvSourceYAMLCallback(t *testing.T) {
	// The callback form used by gopkg.in/yaml.v2 and yaml.v3, simulated with JSON.
	decode := func(doc string) func(any) error {
		return func(v any) error { return json.Unmarshal([]byte(doc), v) }
	}
	var s outputs.EnvSource
	require.NoError(t, s.UnmarshalYAML(decode(`"tuning"`)))
	assert.Equal(t, outputs.EnvSource{Ref: outputs.Named("tuning")}, s)
	require.NoError(t, s.UnmarshalYAML(decode(`{"name": "creds", "keys": ["A"]}`)))
	assert.Equal(t, outputs.EnvSource{Ref: outputs.Named("creds"), Keys: []string{"A"}}, s)
	require.Error(t, s.UnmarshalYAML(decode(`[1]`)))
}

func TestLayerKindText(t *testing.T) {
	for _, k := range []outputs.LayerKind{outputs.LayerModules, outputs.LayerDefaults, outputs.LayerOverride} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back outputs.LayerKind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
	}
	assert.Equal(t, "LayerKind(9)", outputs.LayerKind(9).String())
	var k outputs.LayerKind
	assert.ErrorContains(t, k.UnmarshalText([]byte("strict")), "want modules, defaults or override")
	assert.Equal(t, outputs.LayerModules, outputs.Layer{}.Kind, "the zero kind is the strict one")
}
