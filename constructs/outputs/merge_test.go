package outputs_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

var (
	creds  = outputs.Named("creds")
	creds2 = outputs.Named("creds2")
	cm     = outputs.Named("cm")
)

func TestMergeConflicts(t *testing.T) {
	tests := []struct {
		name   string
		layers []outputs.Layer
		want   want
	}{
		{
			name: "same env from two modules of one layer",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").Env("X", "1"),
				outputs.NewModule("b").Env("X", "2"))},
			want: want{container: "c", layer: "core", module: "b", output: outputs.KindEnv, key: "X", other: "a", msg: "in the same layer"},
		},
		{
			name: "env and env_from_secret of one module",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").Env("X", "1").EnvFromSecret("X", creds, "x"))},
			want: want{container: "c", layer: "core", module: "a", output: outputs.KindEnvFromSecret, key: "X", other: "a", msg: "set twice by this module (env and env_from_secret)"},
		},
		{
			name: "env in one layer, env_from_configmap in a later modules layer",
			layers: []outputs.Layer{
				outputs.ModulesLayer("core", outputs.NewModule("a").Env("X", "1")),
				outputs.ModulesLayer("compute", outputs.NewModule("b").EnvFromConfigMap("X", cm, "x")),
			},
			want: want{container: "c", layer: "compute", module: "b", output: outputs.KindEnvFromConfigMap, key: "X", other: "a",
				msg: `already set by module "a" (layer "core", env): only defaults can be replaced`},
		},
		{
			name: "two whole secrets declaring one key",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").EnvSecret(creds, "User"),
				outputs.NewModule("b").EnvSecret(creds2, "User"))},
			want: want{container: "c", layer: "core", module: "b", output: outputs.KindEnvSecret, key: "User", other: "a"},
		},
		{
			name: "declared key of a configmap against an env",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").Env("Host", "h"),
				outputs.NewModule("b").EnvConfigMap(cm, "Host"))},
			want: want{container: "c", module: "b", output: outputs.KindEnvConfigMap, key: "Host", other: "a"},
		},
		{
			name: "declared key with a prefix",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").Env("Redis__Host", "h"),
				outputs.Static("b", outputs.Outputs{EnvConfigMap: []outputs.EnvSource{{Ref: cm, Keys: []string{"Host"}, Prefix: "Redis__"}}}))},
			want: want{module: "b", key: "Redis__Host", other: "a"},
		},
		{
			name: "a module listed in two module layers",
			layers: []outputs.Layer{
				outputs.ModulesLayer("core", outputs.NewModule("redis").Env("Redis__Ssl", "true")),
				outputs.ModulesLayer("compute", outputs.NewModule("redis").Env("Redis__Ssl", "true")),
			},
			want: want{layer: "compute", module: "redis", key: "Redis__Ssl", other: "redis", msg: "a module is listed once per container"},
		},
		{
			name: "a module listed twice in one layer",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("redis").Env("Redis__Ssl", "true"),
				outputs.NewModule("redis").Env("Redis__Ssl", "true"))},
			want: want{layer: "core", module: "redis", output: outputs.KindEnv, key: "Redis__Ssl", other: "redis", msg: `set twice by modules named "redis" in this layer (env): list a module once`},
		},
		{
			name: "two modules of one override layer",
			layers: []outputs.Layer{
				outputs.ModulesLayer("core", outputs.NewModule("a").Env("X", "1")),
				outputs.OverrideLayer("override", outputs.NewModule("u1").Env("X", "2"), outputs.NewModule("u2").Env("X", "3")),
			},
			want: want{layer: "override", module: "u2", key: "X", other: "u1", msg: "same override layer"},
		},
		{
			name: "a defaults layer after a modules layer cannot replace it",
			layers: []outputs.Layer{
				outputs.ModulesLayer("core", outputs.NewModule("a").Env("X", "1")),
				outputs.DefaultsLayer("late-defaults", outputs.NewModule("armonik").Env("X", "2")),
			},
			want: want{layer: "late-defaults", module: "armonik", key: "X", other: "a"},
		},
		{
			name: "two mounts at one path",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").MountSecret("a-certs", outputs.Named("a"), "/certs"),
				outputs.NewModule("b").MountConfigMap("b-conf", outputs.Named("b"), "/certs"))},
			want: want{container: "c", layer: "core", module: "b", output: outputs.KindMountConfigMap, key: "b-conf", other: "a",
				msg: `mount path "/certs", taken by mount "a-certs"`},
		},
		{
			name: "two mounts at one path in one module",
			layers: []outputs.Layer{outputs.ModulesLayer("core",
				outputs.NewModule("a").MountSecret("one", outputs.Named("a"), "/certs").MountEmptyDir("two", "/certs", outputs.EmptyDir{}))},
			want: want{module: "a", output: outputs.KindMountVolume, key: "two", msg: "set twice by this module (mount_secret and mount_volume)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := mergeProblems(t, one(tt.layers...))
			requireProblem(t, probs, tt.want)
			assert.Len(t, probs, 1, "one conflict, one problem: %v", probs)
		})
	}
}

func TestMergeSameSourceTwiceIsDeduplicated(t *testing.T) {
	pod := mustMerge(t, one(
		outputs.ModulesLayer("core",
			outputs.NewModule("a").EnvSecret(creds, "User"),
			outputs.NewModule("b").EnvSecret(creds.WithToken("${tok}"), "User", "Password")),
		outputs.ModulesLayer("compute", outputs.NewModule("c").EnvSecret(creds)),
	))
	c := pod.Containers[0]
	require.Len(t, c.EnvFrom, 1)
	e := c.EnvFrom[0]
	assert.Equal(t, "creds", e.Secret.Name)
	assert.Equal(t, "${tok}", e.Secret.Token, "the first Token seen is kept")
	assert.Equal(t, []string{"Password", "User"}, declared(e))
	assert.Equal(t, "a", e.From.Module)
	require.Len(t, e.Also, 2)
	assert.Equal(t, "b", e.Also[0].Module)
	assert.Equal(t, "c", e.Also[1].Module)
	assert.Equal(t, "b", e.Keys[0].From.Module, "Password was declared by b")
}

func TestMergeEnvFromKeepsListingOrder(t *testing.T) {
	pod := mustMerge(t, one(
		outputs.ModulesLayer("core",
			outputs.NewModule("z").EnvSecret(outputs.Named("z-secret")).EnvConfigMap(outputs.Named("z-cm")),
			outputs.NewModule("a").EnvSecret(outputs.Named("a-secret"))),
		outputs.ModulesLayer("compute", outputs.NewModule("m").EnvConfigMap(outputs.Named("m-cm")).EnvSecret(outputs.Named("z-secret"))),
	))
	assert.Equal(t, []string{"configmap:z-cm", "secret:z-secret", "secret:a-secret", "configmap:m-cm"}, envFromNames(pod.Containers[0]),
		"layer order, then module order, ConfigMaps before Secrets within a module, deduplicated")
}

func TestMergeDefaultsAreReplacedAndDropped(t *testing.T) {
	defaults := outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").
		Env("Amqp__LinkCredit", "2").
		Env("Amqp__MaxRetries", "5").
		Env("Keep", "k"))
	t.Run("by an env of a module", func(t *testing.T) {
		pod := mustMerge(t, one(defaults, outputs.ModulesLayer("core", outputs.NewModule("activemq").Env("Amqp__MaxRetries", "10"))))
		c := pod.Containers[0]
		assert.Equal(t, []string{"Amqp__LinkCredit", "Amqp__MaxRetries", "Keep"}, envNames(c))
		e := env(c, "Amqp__MaxRetries")
		assert.Equal(t, "10", e.Value)
		assert.Equal(t, "activemq", e.From.Module)
		require.Len(t, e.Replaced, 1)
		assert.Equal(t, outputs.Provenance{Layer: "defaults", LayerKind: outputs.LayerDefaults, Module: "armonik", Output: outputs.KindEnv}, e.Replaced[0])
	})
	t.Run("by a declared key of a whole secret: the explicit env is removed", func(t *testing.T) {
		// Kubernetes makes an explicit env beat any envFrom: a default left in
		// env would silently shadow the module's secret.
		pod := mustMerge(t, one(defaults, outputs.ModulesLayer("core", outputs.NewModule("activemq").EnvSecret(creds, "Amqp__LinkCredit"))))
		c := pod.Containers[0]
		assert.Equal(t, []string{"Amqp__MaxRetries", "Keep"}, envNames(c))
		require.Len(t, c.EnvFrom, 1)
		require.Len(t, c.EnvFrom[0].Keys, 1)
		k := c.EnvFrom[0].Keys[0]
		assert.Equal(t, "Amqp__LinkCredit", k.Key)
		require.Len(t, k.Replaced, 1)
		assert.Equal(t, "armonik", k.Replaced[0].Module)
	})
	t.Run("by a later defaults layer", func(t *testing.T) {
		pod := mustMerge(t, one(defaults, outputs.DefaultsLayer("log", outputs.NewModule("log").Env("Keep", "k2"))))
		e := env(pod.Containers[0], "Keep")
		assert.Equal(t, "k2", e.Value)
		assert.Equal(t, "armonik", e.Replaced[0].Module)
	})
}

func TestMergeOverrideReplacesAnything(t *testing.T) {
	pod := mustMerge(t, one(
		outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").Env("X", "default")),
		outputs.ModulesLayer("core", outputs.NewModule("a").EnvFromSecret("X", creds, "x").MountSecret("certs", creds, "/certs")),
		outputs.OverrideLayer("override", outputs.NewModule("user").Env("X", "mine").MountConfigMap("mine", cm, "/certs")),
	))
	c := pod.Containers[0]
	e := env(c, "X")
	assert.Equal(t, "mine", e.Value)
	assert.Nil(t, e.SecretKey)
	require.Len(t, e.Replaced, 2)
	assert.Equal(t, "armonik", e.Replaced[0].Module)
	assert.Equal(t, "a", e.Replaced[1].Module)
	require.Len(t, c.Mounts, 1)
	assert.Equal(t, "mine", c.Mounts[0].Name)
	assert.Equal(t, "a", c.Mounts[0].Replaced[0].Module)
	require.Len(t, pod.Volumes, 1, "the replaced mount's volume is gone")
	assert.Equal(t, "mine", pod.Volumes[0].Name)
}

func TestMergeWinningEnvFromSourceComesLast(t *testing.T) {
	t.Run("a later source wins over an earlier one", func(t *testing.T) {
		pod := mustMerge(t, one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").EnvConfigMap(cm, "A", "B")),
			outputs.ModulesLayer("core", outputs.NewModule("m").EnvSecret(creds, "B")),
		))
		c := pod.Containers[0]
		assert.Equal(t, []string{"configmap:cm", "secret:creds"}, envFromNames(c))
		assert.Equal(t, []string{"A"}, declared(c.EnvFrom[0]), "B now comes from creds")
		assert.Equal(t, []string{"B"}, declared(c.EnvFrom[1]))
	})
	t.Run("a source first listed early is moved after the one it replaces", func(t *testing.T) {
		// w is listed first (declaring A), s declares N; the override lists w
		// again declaring N: w must come after s for N to be w's.
		pod := mustMerge(t, one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").
				EnvConfigMap(outputs.Named("w"), "A").
				EnvSecret(outputs.Named("s"), "N")),
			outputs.OverrideLayer("override", outputs.NewModule("user").EnvConfigMap(outputs.Named("w"), "N")),
		))
		c := pod.Containers[0]
		assert.Equal(t, []string{"secret:s", "configmap:w"}, envFromNames(c))
		assert.Equal(t, []string{"A", "N"}, declared(c.EnvFrom[1]))
		assert.Empty(t, declared(c.EnvFrom[0]))
	})
	t.Run("through an explicit env that lost too", func(t *testing.T) {
		pod := mustMerge(t, one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").EnvConfigMap(outputs.Named("w"), "A").EnvSecret(outputs.Named("s"), "N")),
			outputs.ModulesLayer("core", outputs.NewModule("m").Env("N", "literal")),
			outputs.OverrideLayer("override", outputs.NewModule("user").EnvConfigMap(outputs.Named("w"), "N")),
		))
		c := pod.Containers[0]
		assert.Empty(t, c.Env, "the literal lost to the override")
		assert.Equal(t, []string{"secret:s", "configmap:w"}, envFromNames(c))
		assert.Len(t, c.EnvFrom[1].Keys[1].Replaced, 2)
	})
	t.Run("no order satisfies both: error", func(t *testing.T) {
		probs := mergeProblems(t, one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").EnvConfigMap(outputs.Named("w"), "M").EnvSecret(outputs.Named("s"), "N")),
			outputs.OverrideLayer("override", outputs.NewModule("user").EnvConfigMap(outputs.Named("w"), "N").EnvSecret(outputs.Named("s"), "M")),
		))
		requireProblem(t, probs, want{container: "c", msg: "no order lets all of them win"})
		requireProblem(t, probs, want{msg: "configmap:w"})
	})
}

func TestMergeVolumes(t *testing.T) {
	ca := outputs.NewModule("redis").MountSecret("redis-ca", outputs.Named("redis-ca"), "/redis",
		outputs.WithItems(outputs.Item{Key: "z.crt", Path: "z.pem"}, outputs.Item{Key: "ca.crt", Path: "chain.pem", Mode: "0400"}),
		outputs.WithMode("0440"), outputs.WithSubPath("chain.pem"))

	t.Run("identical definitions in several containers are one volume", func(t *testing.T) {
		pod := mustMerge(t, []outputs.ContainerLayers{
			{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("compute", ca)}},
			{Name: "worker-0", Layers: []outputs.Layer{outputs.ModulesLayer("compute", ca)}},
		})
		require.Len(t, pod.Volumes, 1)
		v := pod.Volumes[0]
		assert.Equal(t, "redis-ca", v.Name)
		require.NotNil(t, v.Secret)
		assert.Equal(t, "0440", v.Secret.Mode)
		assert.Equal(t, []outputs.Item{{Key: "ca.crt", Path: "chain.pem", Mode: "0400"}, {Key: "z.crt", Path: "z.pem"}}, v.Secret.Items,
			"items are honoured for secrets, sorted by key")
		require.Len(t, v.Uses, 2)
		assert.Equal(t, "agent", v.Uses[0].Container)
		assert.Equal(t, "worker-0", v.Uses[1].Container)
		m := pod.Containers[1].Mounts[0]
		assert.Equal(t, outputs.Mount{Name: "redis-ca", Volume: "redis-ca", Path: "/redis", SubPath: "chain.pem", ReadOnly: true,
			From: outputs.Provenance{Layer: "compute", Module: "redis", Output: outputs.KindMountSecret}}, m)
	})
	t.Run("different definitions under one name are an error naming both", func(t *testing.T) {
		other := outputs.NewModule("other").MountConfigMap("redis-ca", outputs.Named("redis-ca"), "/other")
		probs := mergeProblems(t, []outputs.ContainerLayers{
			{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("compute", ca)}},
			{Name: "worker-0", Layers: []outputs.Layer{outputs.ModulesLayer("worker", other)}},
		})
		requireProblem(t, probs, want{container: "worker-0", layer: "worker", module: "other", output: outputs.KindMountConfigMap, key: "redis-ca", other: "redis",
			msg: `volume "redis-ca" is configmap:redis-ca here but secret:redis-ca mode=0440`})
		assert.Equal(t, "agent", probs[0].OtherContainer)
		assert.Contains(t, probs[0].Error(), `in container "agent"`)
	})
	t.Run("two mount names of one container reaching one volume", func(t *testing.T) {
		pod := mustMerge(t, one(outputs.ModulesLayer("core",
			outputs.NewModule("a").MountClaim("data", outputs.Named("pvc"), "/data"),
			outputs.NewModule("b").MountClaim("data", outputs.Named("pvc").WithToken("${pvc}"), "/ro", outputs.ReadOnly()))))
		require.Len(t, pod.Volumes, 1)
		assert.Equal(t, outputs.Ref{Name: "pvc", Token: "${pvc}"}, *pod.Volumes[0].Claim, "a Token from any listing is kept")
		assert.False(t, pod.Containers[0].Mounts[0].ReadOnly)
		assert.True(t, pod.Containers[0].Mounts[1].ReadOnly, "read-only is per mount")
	})
	t.Run("sanitized names stay distinct", func(t *testing.T) {
		pod := mustMerge(t, one(outputs.ModulesLayer("core", outputs.NewModule("a").
			MountEmptyDir("Cache_Dir", "/a", outputs.EmptyDir{}).
			MountEmptyDir("cache.dir", "/b", outputs.EmptyDir{}))))
		require.Len(t, pod.Volumes, 2)
		assert.Equal(t, outputs.VolumeName("Cache_Dir"), pod.Containers[0].Mounts[0].Volume)
		assert.NotEqual(t, pod.Volumes[0].Name, pod.Volumes[1].Name)
	})
	t.Run("every inline source", func(t *testing.T) {
		pod := mustMerge(t, one(outputs.ModulesLayer("core", outputs.NewModule("a").
			MountEmptyDir("e", "/e", outputs.EmptyDir{Medium: "Memory", SizeLimit: "1Gi"}).
			MountHostPath("h", "/h", outputs.HostPath{Path: "/var/cache", Type: "DirectoryOrCreate"}, outputs.ReadOnly()).
			MountNFS("n", "/n", outputs.NFS{Server: "nfs.local", Path: "/export", ReadOnly: true}).
			MountCSI("s", "/s", outputs.CSI{Driver: "secrets-store.csi.k8s.io", Attributes: map[string]string{"b": "2", "a": "1"}}))))
		var got []string
		for _, v := range pod.Volumes {
			got = append(got, v.Name+" "+v.Source())
		}
		assert.Equal(t, []string{
			"e empty_dir medium=Memory size_limit=1Gi",
			"h host_path path=/var/cache type=DirectoryOrCreate",
			"n nfs server=nfs.local path=/export read_only=true",
			"s csi driver=secrets-store.csi.k8s.io a=1 b=2",
		}, got)
		assert.True(t, pod.Containers[0].Mounts[1].ReadOnly)
	})
}

func TestMergeIsDeterministic(t *testing.T) {
	build := func() []outputs.ContainerLayers {
		m := outputs.Static("m", outputs.Outputs{
			Env:              map[string]string{"Z": "1", "A": "2", "M": "3"},
			EnvFromSecret:    map[string]outputs.KeySelector{"S2": {Ref: creds, Key: "b"}, "S1": {Ref: creds, Key: "a"}},
			MountVolume:      map[string]outputs.VolumeMount{"z": {Path: "/z", EmptyDir: &outputs.EmptyDir{}}, "a": {Path: "/y", EmptyDir: &outputs.EmptyDir{}}},
			MountVolumeClaim: map[string]outputs.ClaimMount{"c": {Claim: outputs.Named("pvc"), Path: "/a"}},
		})
		return []outputs.ContainerLayers{{Name: "b", Layers: []outputs.Layer{outputs.ModulesLayer("core", m)}}, {Name: "a", Layers: []outputs.Layer{outputs.ModulesLayer("core", m)}}}
	}
	first := mustMerge(t, build())
	for range 20 {
		assert.Equal(t, first, mustMerge(t, build()))
	}
	c := first.Containers[0]
	assert.Equal(t, "b", c.Name, "containers keep the given order")
	assert.Equal(t, []string{"A", "M", "S1", "S2", "Z"}, envNames(c))
	assert.Equal(t, []string{"/a", "/y", "/z"}, []string{c.Mounts[0].Path, c.Mounts[1].Path, c.Mounts[2].Path})
	assert.Equal(t, []string{"a", "c", "z"}, []string{first.Volumes[0].Name, first.Volumes[1].Name, first.Volumes[2].Name})
}

func TestMergeEmptyInputs(t *testing.T) {
	pod := mustMerge(t, nil)
	assert.Equal(t, "p", pod.Name)
	pod = mustMerge(t, one())
	assert.Empty(t, pod.Containers[0].Env)
	pod = mustMerge(t, one(outputs.ModulesLayer("core", outputs.Static("empty", outputs.Outputs{}), outputs.NewModule("also-empty"))))
	assert.Empty(t, pod.Volumes)
}

// TestMergeKeepsNoStateBetweenCalls merges pods of very different sizes in
// turn: working tables are reused between merges, results must not be.
func TestMergeKeepsNoStateBetweenCalls(t *testing.T) {
	big := func() []outputs.ContainerLayers {
		return []outputs.ContainerLayers{{Name: "c", Layers: []outputs.Layer{outputs.ModulesLayer("core", benchModules(300)...)}}}
	}
	small := func() []outputs.ContainerLayers {
		return one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").Env("X", "1").EnvSecret(creds2, "Y")),
			outputs.ModulesLayer("core", outputs.NewModule("m").EnvSecret(creds, "X").MountClaim("d", outputs.Named("pvc"), "/d")))
	}
	bad := func() []outputs.ContainerLayers {
		return one(outputs.ModulesLayer("core", outputs.NewModule("a").Env("X", "1"), outputs.NewModule("b").Env("X", "2")))
	}
	wantSmall, wantBig := mustMerge(t, small()), mustMerge(t, big())
	for range 3 {
		for _, run := range []func(){
			func() { assert.Equal(t, wantBig, mustMerge(t, big())) },
			func() { assert.Len(t, mergeProblems(t, bad()), 1) },
			func() { assert.Equal(t, wantSmall, mustMerge(t, small())) },
		} {
			run()
		}
	}
	pod, err := outputs.MergePod("p", small())
	require.NoError(t, err)
	pod.Containers[0].EnvFrom[0].Keys[0].Key = "mutated"
	pod.Volumes[0].Uses[0].Mount = "mutated"
	assert.Equal(t, wantSmall, mustMerge(t, small()), "a result shares nothing with later merges")
}

// TestMergeErrorsAreDeterministic merges one faulty pod many times, its maps
// built in a different order each time (Go also iterates each map in its own
// order): every problem must come out the same, in the same order.
func TestMergeErrorsAreDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// shuffled returns a map with the given entries, inserted in random order.
	shuffled := func(kv ...string) map[string]string {
		m := map[string]string{}
		for _, i := range rng.Perm(len(kv) / 2) {
			m[kv[2*i]] = kv[2*i+1]
		}
		return m
	}
	build := func() []outputs.ContainerLayers {
		bad := outputs.Outputs{
			Env:            shuffled("1A", "x", "Db__Password", "hunter2", "B", "1", "Url", "amqp://u:p@h", "C", "2"),
			NotCredentials: []string{"Gone", "B"},
			EnvFromSecret: map[string]outputs.KeySelector{
				"S1": {Ref: agentCreds, Key: "a b"}, "S2": {Ref: workerCreds, Key: "k"}, "S3": {Ref: outputs.Named("${TfToken[TOKEN.1]}"), Key: "k"},
				"B": {Ref: creds, Key: "k"},
			},
			EnvSecret: []outputs.EnvSource{{Ref: creds2, Keys: []string{"C", "1x", ""}, Prefix: "9"}},
			MountSecret: map[string]outputs.FileMount{
				"m1": {Ref: outputs.Named("s"), Path: "/same", Mode: "644", Items: []outputs.Item{{Key: "a", Path: "x"}, {Key: "", Path: "x"}}},
				"m2": {Ref: outputs.Named("t"), Path: "/same"},
				"m3": {Ref: workerCreds, Path: "rel"},
			},
			MountVolume: map[string]outputs.VolumeMount{
				"v1": {Path: "/v1"}, "v2": {Path: "/v2", EmptyDir: &outputs.EmptyDir{Medium: "Disk", SizeLimit: "lots"}},
			},
		}
		other := outputs.Static("other", outputs.Outputs{
			Env:         shuffled("C", "3", "B", "4", "Url", "x"),
			MountVolume: map[string]outputs.VolumeMount{"m1": {Path: "/o", EmptyDir: &outputs.EmptyDir{}}},
		})
		return []outputs.ContainerLayers{
			{Name: "agent", Layers: []outputs.Layer{outputs.ModulesLayer("core", outputs.Static("bad", bad), other)}},
			{Name: "worker", Layers: []outputs.Layer{
				outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").EnvConfigMap(outputs.Named("w"), "M").EnvSecret(outputs.Named("s"), "N")),
				outputs.ModulesLayer("worker", outputs.Static("bad", bad)),
				outputs.OverrideLayer("override", outputs.NewModule("user").EnvConfigMap(outputs.Named("w"), "N").EnvSecret(outputs.Named("s"), "M")),
			}},
		}
	}
	_, err := outputs.MergePod("p", build())
	require.Error(t, err)
	first := err.Error()
	probs := outputs.Problems(err)
	require.Greater(t, len(probs), 20, "a rich report: %v", err)
	for _, w := range []want{
		{container: "agent", module: "bad", key: "S2", other: "bad", msg: "two objects (two Terraform tokens) under one name"},
		{container: "agent", module: "bad", key: "S3", msg: "Terraform expression"},
		{container: "agent", module: "other", key: "C", other: "bad", msg: "in the same layer"},
		{container: "agent", module: "bad", key: "m2", msg: `taken by mount "m1"`},
		{container: "agent", module: "bad", key: "m1", other: "other", msg: `volume "m1" is secret:s`},
		{container: "worker", msg: "no order lets all of them win"},
		{module: "bad", key: "Gone", msg: "not_credentials[0]"},
		{module: "bad", key: "creds2", msg: "keys[1]"},
		{module: "bad", key: "m1", msg: "items[1].key"},
	} {
		requireProblem(t, probs, w)
	}
	for range 50 {
		_, err := outputs.MergePod("p", build())
		require.Error(t, err)
		require.Equal(t, first, err.Error())
	}
}
