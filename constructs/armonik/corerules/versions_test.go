package corerules_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// TestAdaptersPerVersion: each version ships the adapters of its Dockerfile, at their paths.
func TestAdaptersPerVersion(t *testing.T) {
	ships := func(v *corerules.Version) map[string]string {
		out := map[string]string{}
		for _, a := range v.Adapters {
			out[a.ClassName] = a.Path
		}
		return out
	}
	for _, tc := range []struct {
		v    *corerules.Version
		have map[string]string
		lack []string
	}{
		{corerules.Core0345, map[string]string{
			"ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder": "/adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll",
			"ArmoniK.Core.Adapters.Amqp.QueueBuilder":     "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll",
			"ArmoniK.Core.Adapters.SQS.QueueBuilder":      "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll",
			"ArmoniK.Core.Adapters.S3.ObjectBuilder":      "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll",
		}, []string{"ArmoniK.Core.Adapters.Nats.QueueBuilder", "ArmoniK.Core.Adapters.NullStorage.ObjectBuilder", "ArmoniK.Core.Adapters.Gcs.ObjectBuilder"}},
		{corerules.Core0372, map[string]string{
			"ArmoniK.Core.Adapters.Nats.QueueBuilder":         "/adapters/queue/nats/ArmoniK.Core.Adapters.Nats.dll",
			"ArmoniK.Core.Adapters.NullStorage.ObjectBuilder": "/adapters/object/null_storage/ArmoniK.Core.Adapters.NullStorage.dll",
		}, []string{"ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder", "ArmoniK.Core.Adapters.Gcs.ObjectBuilder"}},
		{corerules.Core0401, map[string]string{
			"ArmoniK.Core.Adapters.Gcs.ObjectBuilder": "/adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll",
			"ArmoniK.Core.Adapters.Nats.QueueBuilder": "/adapters/queue/nats/ArmoniK.Core.Adapters.Nats.dll",
		}, []string{"ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder"}},
	} {
		got := ships(tc.v)
		for class, path := range tc.have {
			if got[class] != path {
				t.Errorf("Core %s: %s at %q, want %q", tc.v.Core, class, got[class], path)
			}
		}
		for _, class := range tc.lack {
			if _, ok := got[class]; ok {
				t.Errorf("Core %s must not ship %s", tc.v.Core, class)
			}
		}
	}
	if _, err := corerules.Core0372.Ships("queue", "RabbitMQ"); err == nil ||
		err.Error() != "the Core 0.37.2 images ship no RabbitMQ (AMQP 0-9-1) queue adapter (ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder): Core 0.34.5 ships it" {
		t.Errorf("Ships: %v", err)
	}
}

// TestKeysPerVersion: each version binds the options of its option classes.
func TestKeysPerVersion(t *testing.T) {
	for _, tc := range []struct {
		key    string
		readBy []string // supported versions binding it
	}{
		{"Amqp__MaxPriority", []string{"0.34.5", "0.37.2", "0.40.1"}},
		{"amqp__maxpriority", []string{"0.34.5", "0.37.2", "0.40.1"}},
		{"Amqp__Prefix", []string{"0.40.1"}},
		{"Amqp__Separator", []string{"0.40.1"}},
		{"Pollster__CacheEvictionThreshold", []string{"0.37.2", "0.40.1"}},
		{"Pollster__NbPendingRetry", []string{"0.40.1"}},
		{"Submitter__PreferredMessageSize", []string{"0.37.2", "0.40.1"}},
		{"Submitter__SelfTerminationDelay", []string{"0.40.1"}},
		{"InitServices__InitDatabase", []string{"0.37.2", "0.40.1"}},
		{"InitServices__Partitioning__Partitions__3", []string{"0.37.2", "0.40.1"}},
		{"MongoDB__UseHashed", []string{"0.37.2", "0.40.1"}},
		{"Nats__Url", []string{"0.37.2", "0.40.1"}},
		{"Gcs__BucketName", []string{"0.40.1"}},
		{"SQS__Tags__team", []string{"0.34.5", "0.37.2", "0.40.1"}},
		{"SQS__UseSessionMessageGroupId", []string{"0.40.1"}},
		{"Amqp__PartitionId", nil},
		{"Components__QueueStorage", nil},
		{"Serilog__MinimumLevel", []string{"0.34.5", "0.37.2", "0.40.1"}}, // not a complete section: taken as read
	} {
		var got []string
		for _, v := range corerules.Versions {
			if v.Reads(tc.key) == nil {
				got = append(got, v.Core)
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.readBy, " ") {
			t.Errorf("%s read by %v, want %v", tc.key, got, tc.readBy)
		}
	}
	if err := corerules.Core0345.Reads("Pollster__CacheEvictionThreshold"); err == nil ||
		err.Error() != "Core 0.34.5 binds no option Pollster__CacheEvictionThreshold, so it would be ignored (Core 0.37.2 and 0.40.1 read it)" {
		t.Errorf("Reads: %v", err)
	}
	for _, tc := range []struct {
		v         *corerules.Version
		uid       int64
		init, rdy bool
	}{{corerules.Core0345, 5000, false, false}, {corerules.Core0372, 1654, true, false}, {corerules.Core0401, 1654, true, true}} {
		if tc.v.ImageUID != tc.uid || tc.v.InitServices != tc.init || tc.v.ControlReadiness != tc.rdy {
			t.Errorf("Core %s: uid %d, InitServices %v, readiness %v", tc.v.Core, tc.v.ImageUID, tc.v.InitServices, tc.v.ControlReadiness)
		}
	}
	if v, ok := corerules.ForVersion("0.34.5"); !ok || v != corerules.Core0345 {
		t.Error("ForVersion(0.34.5)")
	}
	if _, ok := corerules.ForVersion("0.36.0"); ok {
		t.Error("ForVersion(0.36.0) must not exist")
	}
}

// rabbit091 is RabbitMQ through Core 0.34.5's AMQP 0-9-1 adapter.
var rabbit091 = outputs.NewModule("rabbitmq").
	Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder").
	Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll").
	Env("Amqp__Host", "rabbitmq.armonik.svc.cluster.local").
	Env("Amqp__Port", "5671").
	Env("Amqp__Scheme", "amqps").
	EnvSecret(outputs.Named("rabbitmq-credentials"), "Amqp__User", "Amqp__Password")

func checkAt(t *testing.T, v *corerules.Version, program corerules.Program, image string, mods ...outputs.ModuleOutputs) corerules.Result {
	t.Helper()
	pod, err := outputs.MergePod("pod", []outputs.ContainerLayers{{Name: "c", Layers: []outputs.Layer{outputs.ModulesLayer("core", mods...)}}})
	if err != nil {
		t.Fatal(err)
	}
	return v.Check(corerules.Container{Pod: "pod", Name: "c", Program: program, Image: image, Outputs: &pod.Containers[0]})
}

func verdict(r corerules.Result, rule, key string) *corerules.Verdict {
	for i := range r.Verdicts {
		if v := &r.Verdicts[i]; v.Rule == rule && (key == "" || v.Key == key) {
			return v
		}
	}
	return nil
}

// TestRulesPerVersion: the rules follow the version's adapters and options, and cite its files.
func TestRulesPerVersion(t *testing.T) {
	// The 0-9-1 adapter builds on QueueBase: MaxPriority is required; it ignores the scheme's case.
	r := checkAt(t, corerules.Core0345, corerules.Submitter, "dockerhubaneo/armonik_control:0.34.5", rabbit091, mongo, redis)
	if v := verdict(r, "amqp.max-priority", "Amqp__MaxPriority"); v == nil || v.Status != corerules.Fail ||
		!strings.Contains(v.Source, "Core 0.34.5 Adaptors/QueueCommon/src/QueueStorageBase.cs") {
		t.Errorf("max-priority on 0.34.5's RabbitMQ adapter: %+v", v)
	}
	if v := verdict(r, "amqp.scheme", "Amqp__Scheme"); v == nil || v.Status != corerules.Pass || !strings.Contains(v.Source, "ConnectionRabbit.cs") {
		t.Errorf("scheme amqps on the RabbitMQ adapter: %+v", v)
	}
	if v := verdict(r, "adapter.queue", ""); v == nil || v.Status != corerules.Pass {
		t.Errorf("the RabbitMQ adapter ships with 0.34.5: %+v", v)
	}
	if v := verdict(r, "image.version", ""); v == nil || v.Status != corerules.Pass {
		t.Errorf("image.version: %+v", v)
	}
	// The same module on 0.37.2: the adapter is not shipped there.
	r = checkAt(t, corerules.Core0372, corerules.Submitter, control, rabbit091, mongo, redis)
	if v := verdict(r, "adapter.queue", ""); v == nil || v.Status != corerules.Fail || !strings.Contains(v.Detail, "is not a queue adapter of the Core 0.37.2 images") {
		t.Errorf("the RabbitMQ adapter on 0.37.2: %+v", v)
	}
	// config.unread: a key of another version warns, naming the versions that read it.
	agentCfg := outputs.NewModule("tuning").Env("Pollster__CacheEvictionThreshold", "0.8").Env("Amqp__Prefix", "/queues/")
	r = checkAt(t, corerules.Core0345, corerules.PollingAgent, "dockerhubaneo/armonik_pollingagent:0.34.5", amqp, mongo, redis, channel, agentCfg)
	v := verdict(r, "config.unread", "Pollster__CacheEvictionThreshold")
	if v == nil || v.Status != corerules.Warn || !strings.Contains(v.Detail, "(Core 0.37.2 and 0.40.1 read it)") {
		t.Errorf("config.unread on 0.34.5: %+v", v)
	}
	if v := verdict(r, "config.unread", "Amqp__Prefix"); v == nil || v.Status != corerules.Warn || !strings.Contains(v.Detail, "(Core 0.40.1 reads it)") {
		t.Errorf("config.unread of Amqp__Prefix on 0.34.5: %+v", v)
	}
	r = checkAt(t, corerules.Core0401, corerules.PollingAgent, "dockerhubaneo/armonik_pollingagent:0.40.1", amqp, mongo, redis, channel, agentCfg)
	if v := verdict(r, "config.unread", ""); v == nil || v.Status != corerules.Pass {
		t.Errorf("config.unread on 0.40.1: %+v", v)
	}
	// The native Cloud Storage adapter of 0.40.1 needs its bucket.
	gcs := outputs.NewModule("gcs").
		Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Gcs.ObjectBuilder").
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll")
	r = checkAt(t, corerules.Core0401, corerules.Submitter, "dockerhubaneo/armonik_control:0.40.1", amqp, mongo, gcs)
	if v := verdict(r, "gcs.bucket", "Gcs__BucketName"); v == nil || v.Status != corerules.Fail {
		t.Errorf("gcs.bucket: %+v", v)
	}
	// Every rule of a version cites that version's files.
	for _, ver := range corerules.Versions {
		for _, rule := range ver.Rules {
			if strings.HasPrefix(rule.Source, "Core ") && !strings.HasPrefix(rule.Source, "Core "+ver.Core+" ") {
				t.Errorf("Core %s rule %s cites %q", ver.Core, rule.ID, rule.Source)
			}
		}
	}
}

// TestMigrations: the migration steps an upgrade or a downgrade crosses.
func TestMigrations(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		n        int
	}{
		{"0.34.5", "0.37.2", 1}, {"0.37.2", "0.34.5", 1}, {"0.34.5", "0.40.1", 1},
		{"0.37.2", "0.40.1", 0}, {"0.40.1", "0.37.2", 0}, {"0.34.5", "0.34.5", 0},
	} {
		if got := corerules.MigrationsBetween(tc.from, tc.to); len(got) != tc.n {
			t.Errorf("%s -> %s: %d migrations, want %d", tc.from, tc.to, len(got), tc.n)
		}
	}
	if !corerules.Less("0.34.5", "0.35") || corerules.Less("0.40.1", "0.39.0") || !corerules.Less("0.9.0", "0.10.0") {
		t.Error("Less compares numerically")
	}
}
