package outputs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

func vol(v outputs.VolumeMount) outputs.Outputs {
	if v.Path == "" {
		v.Path = "/v"
	}
	return outputs.Outputs{MountVolume: map[string]outputs.VolumeMount{"v": v}}
}

func secretMount(f outputs.FileMount) outputs.Outputs {
	if f.Ref.Name == "" {
		f.Ref = outputs.Named("s")
	}
	return outputs.Outputs{MountSecret: map[string]outputs.FileMount{"m": f}}
}

// TestValidation checks each rule on one module "mod" in layer "core" of
// container "c": the problem names the module, the output, the key, and says
// what is wrong.
func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		out    outputs.Outputs
		output outputs.Kind
		key    string
		msg    string
	}{
		{"env name starting with a digit", outputs.Outputs{Env: map[string]string{"1BAD": "x"}}, outputs.KindEnv, "1BAD", `invalid variable name "1BAD": a valid environment variable name`},
		{"env name with '='", outputs.Outputs{Env: map[string]string{"A=B": "x"}}, outputs.KindEnv, "A=B", "invalid variable name"},
		{"empty env name", outputs.Outputs{Env: map[string]string{"": "x"}}, outputs.KindEnv, "", "empty variable name"},
		{"env name '..'", outputs.Outputs{Env: map[string]string{"..": "x"}}, outputs.KindEnv, "..", "must not be '..'"},
		{"password in plain env", outputs.Outputs{Env: map[string]string{"Redis__Password": "hunter2"}}, outputs.KindEnv, "Redis__Password", "looks like a credential but has a literal value"},
		{"secret access key in plain env", outputs.Outputs{Env: map[string]string{"S3Storage__SecretAccessKey": "k"}}, outputs.KindEnv, "S3Storage__SecretAccessKey", "use env_from_secret (Module.EnvFromSecret) or env_secret"},
		{"token in plain env", outputs.Outputs{Env: map[string]string{"API_TOKEN": "t"}}, outputs.KindEnv, "API_TOKEN", "credential"},
		{"connection string in plain env", outputs.Outputs{Env: map[string]string{"MongoDB__ConnectionString": "mongodb://u:p@h"}}, outputs.KindEnv, "MongoDB__ConnectionString", "credential"},
		{"access key in plain env", outputs.Outputs{Env: map[string]string{"S3__AccessKeyId": "AKIA"}}, outputs.KindEnv, "S3__AccessKeyId", "credential"},
		{"selector variable name", outputs.Outputs{EnvFromSecret: map[string]outputs.KeySelector{"9x": {Ref: creds, Key: "k"}}}, outputs.KindEnvFromSecret, "9x", "invalid variable name"},
		{"selector without ref", outputs.Outputs{EnvFromSecret: map[string]outputs.KeySelector{"X": {Key: "k"}}}, outputs.KindEnvFromSecret, "X", "secret name required"},
		{"selector with only a token", outputs.Outputs{EnvFromSecret: map[string]outputs.KeySelector{"X": {Ref: outputs.Ref{Token: "${x}"}, Key: "k"}}}, outputs.KindEnvFromSecret, "X", "use Named(name).WithToken(token)"},
		{"selector ref not a DNS name", outputs.Outputs{EnvFromConfigMap: map[string]outputs.KeySelector{"X": {Ref: outputs.Named("My_CM"), Key: "k"}}}, outputs.KindEnvFromConfigMap, "X", `invalid configmap name "My_CM": a lowercase RFC 1123 subdomain`},
		{"selector without key", outputs.Outputs{EnvFromSecret: map[string]outputs.KeySelector{"X": {Ref: creds}}}, outputs.KindEnvFromSecret, "X", "key required"},
		{"selector key with a slash", outputs.Outputs{EnvFromSecret: map[string]outputs.KeySelector{"X": {Ref: creds, Key: "a/b"}}}, outputs.KindEnvFromSecret, "X", `invalid key "a/b"`},
		{"whole source without name", outputs.Outputs{EnvSecret: []outputs.EnvSource{{Keys: []string{"A"}}}}, outputs.KindEnvSecret, "", "secret name required"},
		{"whole source with a bad name", outputs.Outputs{EnvConfigMap: []outputs.EnvSource{{Ref: outputs.Named("-cm")}}}, outputs.KindEnvConfigMap, "-cm", "invalid configmap name"},
		{"empty declared key", outputs.Outputs{EnvSecret: []outputs.EnvSource{{Ref: creds, Keys: []string{""}}}}, outputs.KindEnvSecret, "creds", "empty declared key"},
		{"declared key not a variable name", outputs.Outputs{EnvSecret: []outputs.EnvSource{{Ref: creds, Keys: []string{"A", "1x"}}}}, outputs.KindEnvSecret, "creds", `env_secret "creds": keys[1]: invalid variable name "1x"`},
		{"bad prefix", outputs.Outputs{EnvConfigMap: []outputs.EnvSource{{Ref: cm, Prefix: "1_"}}}, outputs.KindEnvConfigMap, "cm", "prefix: invalid variable name"},
		{"mount without name", outputs.Outputs{MountSecret: map[string]outputs.FileMount{"": {Ref: outputs.Named("s"), Path: "/s"}}}, outputs.KindMountSecret, "", "mount name required"},
		{"relative mount path", secretMount(outputs.FileMount{Path: "redis"}), outputs.KindMountSecret, "m", `mount path "redis" must be absolute, such as "/redis"`},
		{"unclean mount path", secretMount(outputs.FileMount{Path: "/a/../b/"}), outputs.KindMountSecret, "m", `mount path "/a/../b/" is not clean: write "/b"`},
		{"missing mount path", secretMount(outputs.FileMount{}), outputs.KindMountSecret, "m", "mount path required"},
		{"absolute sub path", secretMount(outputs.FileMount{Path: "/s", SubPath: "/x"}), outputs.KindMountSecret, "m", `subpath "/x" must be relative`},
		{"sub path escaping", secretMount(outputs.FileMount{Path: "/s", SubPath: "a/../../x"}), outputs.KindMountSecret, "m", `subpath "a/../../x" must not contain '..'`},
		{"upstream's mode 644", secretMount(outputs.FileMount{Path: "/s", Mode: "644"}), outputs.KindMountSecret, "m", `mode "644" must be an octal string like "0644"`},
		{"mode with an 8", secretMount(outputs.FileMount{Path: "/s", Mode: "0648"}), outputs.KindMountSecret, "m", `mode "0648" must be an octal string`},
		{"mode 0o644", secretMount(outputs.FileMount{Path: "/s", Mode: "0o644"}), outputs.KindMountSecret, "m", `mode "0o644"`},
		{"secret mount without secret", outputs.Outputs{MountSecret: map[string]outputs.FileMount{"m": {Path: "/s"}}}, outputs.KindMountSecret, "m", "secret name required"},
		{"configmap mount with bad name", outputs.Outputs{MountConfigMap: map[string]outputs.FileMount{"m": {Ref: outputs.Named("A"), Path: "/s"}}}, outputs.KindMountConfigMap, "m", `invalid configmap name "A"`},
		{"item without key", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Path: "a"}}}), outputs.KindMountSecret, "m", `mount_secret "m": items[0].key: key required`},
		{"item with bad key", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "a b", Path: "a"}}}), outputs.KindMountSecret, "m", `items[0].key: invalid key "a b"`},
		{"item without path", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "ca.crt"}}}), outputs.KindMountSecret, "m", `items[0].path: path required: give the file name to write key "ca.crt" to`},
		{"item with absolute path", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "k", Path: "/etc/x"}}}), outputs.KindMountSecret, "m", `path "/etc/x" must be relative`},
		{"item escaping", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "k", Path: "../x"}}}), outputs.KindMountSecret, "m", "must not contain '..'"},
		{"item mode", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "k", Path: "x", Mode: "400"}}}), outputs.KindMountSecret, "m", `items[0].mode: mode "400" must be an octal string like "0644"`},
		{"two items on one path", secretMount(outputs.FileMount{Path: "/s", Items: []outputs.Item{{Key: "a", Path: "x"}, {Key: "b", Path: "x"}}}), outputs.KindMountSecret, "m", `items[1].path: path "x" is already used`},
		{"volume without source", vol(outputs.VolumeMount{}), outputs.KindMountVolume, "v", "no volume source: set exactly one of empty_dir, host_path, nfs, csi"},
		{"volume with two sources", vol(outputs.VolumeMount{EmptyDir: &outputs.EmptyDir{}, NFS: &outputs.NFS{Server: "s", Path: "/p"}}), outputs.KindMountVolume, "v", "several volume sources (empty_dir, nfs)"},
		{"emptyDir medium", vol(outputs.VolumeMount{EmptyDir: &outputs.EmptyDir{Medium: "Disk"}}), outputs.KindMountVolume, "v", `empty_dir medium "Disk": want "" (node disk) or "Memory"`},
		{"emptyDir size", vol(outputs.VolumeMount{EmptyDir: &outputs.EmptyDir{SizeLimit: "lots"}}), outputs.KindMountVolume, "v", `empty_dir size_limit "lots" is not a quantity`},
		{"emptyDir negative size", vol(outputs.VolumeMount{EmptyDir: &outputs.EmptyDir{SizeLimit: "-1Gi"}}), outputs.KindMountVolume, "v", "must not be negative"},
		{"hostPath type", vol(outputs.VolumeMount{HostPath: &outputs.HostPath{Path: "/x", Type: "Dir"}}), outputs.KindMountVolume, "v", `host_path type "Dir": want one of DirectoryOrCreate, Directory`},
		{"hostPath path", vol(outputs.VolumeMount{HostPath: &outputs.HostPath{}}), outputs.KindMountVolume, "v", "host_path path required"},
		{"hostPath relative", vol(outputs.VolumeMount{HostPath: &outputs.HostPath{Path: "x"}}), outputs.KindMountVolume, "v", `host_path path "x" must be absolute`},
		{"nfs server", vol(outputs.VolumeMount{NFS: &outputs.NFS{Path: "/e"}}), outputs.KindMountVolume, "v", "nfs server required"},
		{"nfs path", vol(outputs.VolumeMount{NFS: &outputs.NFS{Server: "s"}}), outputs.KindMountVolume, "v", "nfs path required"},
		{"nfs relative path", vol(outputs.VolumeMount{NFS: &outputs.NFS{Server: "s", Path: "e"}}), outputs.KindMountVolume, "v", `nfs path "e" must be absolute`},
		{"csi driver", vol(outputs.VolumeMount{CSI: &outputs.CSI{}}), outputs.KindMountVolume, "v", "csi driver required"},
		{"volume sub path", vol(outputs.VolumeMount{SubPath: "../x", EmptyDir: &outputs.EmptyDir{}}), outputs.KindMountVolume, "v", "subpath"},
		{"claim without name", outputs.Outputs{MountVolumeClaim: map[string]outputs.ClaimMount{"d": {Path: "/d"}}}, outputs.KindMountVolumeClaim, "d", "claim name required"},
		{"claim with bad name", outputs.Outputs{MountVolumeClaim: map[string]outputs.ClaimMount{"d": {Claim: outputs.Named("PVC"), Path: "/d"}}}, outputs.KindMountVolumeClaim, "d", `invalid claim name "PVC"`},
		{"claim relative path", outputs.Outputs{MountVolumeClaim: map[string]outputs.ClaimMount{"d": {Claim: outputs.Named("pvc"), Path: "d"}}}, outputs.KindMountVolumeClaim, "d", "must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := mergeProblems(t, one(outputs.ModulesLayer("core", outputs.Static("mod", tt.out))))
			requireProblem(t, probs, want{container: "c", layer: "core", module: "mod", output: tt.output, key: tt.key, msg: tt.msg})
			p := probs[0]
			assert.True(t, strings.HasPrefix(p.Error(), `pod "p", container "c", layer "core", module "mod", `+string(tt.output)), p.Error())
		})
	}
}

func TestValidationAllowsWhatIsFine(t *testing.T) {
	mustMerge(t, one(outputs.ModulesLayer("core", outputs.NewModule("ok").
		Env("Redis__Password", "").                          // an empty credential is allowed
		Env("Amqp__LinkCredit", "2").                        // not a credential word
		Env("my.env-name", "x").                             // dots and dashes are valid names
		EnvFromSecret("Redis__SecretKey", creds, "key.pem"). // credentials through a secret are the point
		MountSecret("tls", outputs.Named("tls.example.com"), "/tls", outputs.WithMode("0600"),
			outputs.WithItems(outputs.Item{Key: "tls.crt", Path: "certs/tls.pem", Mode: "0400"}), outputs.WithSubPath("certs")).
		MountEmptyDir("shm", "/dev/shm", outputs.EmptyDir{Medium: "Memory", SizeLimit: "512Mi"}).
		MountHostPath("sock", "/var/run/x.sock", outputs.HostPath{Path: "/var/run/x.sock", Type: "Socket"}).
		MountNFS("nfs", "/local_storage", outputs.NFS{Server: "10.0.0.1", Path: "/"}).
		MountCSI("csi", "/mnt/csi", outputs.CSI{Driver: "d"}))))
}

func TestValidationReportsEverythingAtOnce(t *testing.T) {
	probs := mergeProblems(t, []outputs.ContainerLayers{
		{Name: "agent", Layers: []outputs.Layer{
			outputs.ModulesLayer("core",
				outputs.NewModule("bad").Env("1A", "x").MountSecret("m", outputs.Named("s"), "rel", outputs.WithMode("644")),
				outputs.NewModule("dup").Env("1A", "y")),
		}},
		{Name: "worker-0", Layers: []outputs.Layer{outputs.ModulesLayer("core", outputs.NewModule("bad").Env("1A", "x"))}},
	})
	requireProblem(t, probs, want{container: "agent", module: "bad", key: "1A", msg: "invalid variable name"})
	requireProblem(t, probs, want{container: "agent", module: "dup", key: "1A", msg: "invalid variable name"})
	requireProblem(t, probs, want{container: "agent", module: "dup", key: "1A", other: "bad", msg: "in the same layer"})
	requireProblem(t, probs, want{container: "agent", module: "bad", key: "m", msg: "must be absolute"})
	requireProblem(t, probs, want{container: "agent", module: "bad", key: "m", msg: `mode "644"`})
	assert.Len(t, probs, 5, "the module reaching worker-0 too is reported once: %v", probs)
}

// panicky is a ModuleOutputs whose methods dereference a nil pointer.
type panicky struct{ name *string }

func (p *panicky) ModuleName() string       { return *p.name }
func (p *panicky) Outputs() outputs.Outputs { return outputs.Outputs{} }

func TestValidationOfContainersLayersAndModules(t *testing.T) {
	var nilModule *outputs.Module
	var nilPanicky *panicky
	tests := []struct {
		name       string
		containers []outputs.ContainerLayers
		want       want
	}{
		{"empty container name", []outputs.ContainerLayers{{}}, want{container: "#1", msg: "container name required"}},
		{"container name not a label", []outputs.ContainerLayers{{Name: "Polling_Agent"}}, want{container: "Polling_Agent", msg: "invalid container name"}},
		{"two containers with one name", []outputs.ContainerLayers{{Name: "a"}, {Name: "a"}}, want{container: "a", msg: "container name used twice"}},
		{"empty layer name", one(outputs.Layer{}), want{container: "c", layer: "#1", msg: "layer name required"}},
		{"two layers with one name", one(outputs.ModulesLayer("core"), outputs.DefaultsLayer("core")), want{layer: "core", msg: "layer name used twice"}},
		{"unknown layer kind", one(outputs.Layer{Name: "x", Kind: 7}), want{layer: "x", msg: "unknown layer kind 7"}},
		{"nil module", one(outputs.ModulesLayer("core", nil)), want{layer: "core", msg: "module #1 is unusable (nil)"}},
		{"module without name", one(outputs.ModulesLayer("core", outputs.NewModule("").Env("A", "1"))), want{layer: "core", module: "#1", msg: "module name required"}},
		{"nil *Module", one(outputs.ModulesLayer("core", nilModule)), want{layer: "core", module: "#1", msg: "module name required"}},
		{"module that panics", one(outputs.ModulesLayer("core", outputs.NewModule("ok"), nilPanicky)), want{layer: "core", msg: "module #2 is unusable (runtime error: invalid memory address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireProblem(t, mergeProblems(t, tt.containers), tt.want)
		})
	}
}

func TestProblemError(t *testing.T) {
	p := &outputs.Problem{Pod: "p", Container: "c", Layer: "core", Module: "redis", Output: outputs.KindEnv, Key: "X", Msg: "bad"}
	assert.Equal(t, `pod "p", container "c", layer "core", module "redis", env "X": bad`, p.Error())
	assert.Equal(t, `container "c": bad`, (&outputs.Problem{Container: "c", Msg: "bad"}).Error())
	assert.Equal(t, `key "k": bad`, (&outputs.Problem{Key: "k", Msg: "bad"}).Error())
	assert.Empty(t, outputs.Problems(nil))
	_, err := outputs.MergePod("p", []outputs.ContainerLayers{{}, {}})
	require.Error(t, err)
	assert.Len(t, outputs.Problems(err), 2, "one problem per unnamed container: %v", err)
}
