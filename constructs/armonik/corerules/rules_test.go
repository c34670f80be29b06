package corerules_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

func TestParseTimeSpan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		secs float64
		ok   bool
	}{
		{"1.00:00:00", 86400, true},
		{"00:00:15", 15, true},
		{"10.00:00:00", 864000, true},
		{"12:30", 12*3600 + 30*60, true},
		{"3", 3 * 86400, true},
		{" 00:00:10 ", 10, true},
		{"-00:00:10", -10, true},
		{"1.02:03:04.5", 86400 + 2*3600 + 3*60 + 4.5, true},
		{"24:00:00", 0, false},
		{"00:60:00", 0, false},
		{"00:00:60", 0, false},
		{"1d", 0, false},
		{"", 0, false},
		{"1.", 0, false},
		{"00:00:01.12345678", 0, false},
		{"PT15S", 0, false},
	} {
		got, ok := corerules.ParseTimeSpan(tc.in)
		if ok != tc.ok || (ok && got != tc.secs) {
			t.Errorf("ParseTimeSpan(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.secs, tc.ok)
		}
	}
}

func TestParseIntAndBool(t *testing.T) {
	for in, want := range map[string]bool{"10": true, " 10 ": true, "-1": true, "+5": true, "0x1F": true, "1.5": false, "ten": false, "": false, "99999999999": false} {
		if _, ok := corerules.ParseInt(in); ok != want {
			t.Errorf("ParseInt(%q) ok = %v, want %v", in, ok, want)
		}
	}
	for in, want := range map[string]bool{"true": true, "False": true, " TRUE ": true, "1": false, "yes": false, "": false} {
		if _, ok := corerules.ParseBool(in); ok != want {
			t.Errorf("ParseBool(%q) ok = %v, want %v", in, ok, want)
		}
	}
}

func TestMongoDatabase(t *testing.T) {
	for uri, want := range map[string]string{
		"mongodb://u:p@h1:27017,h2:27017/armonik?replicaSet=rs0": "armonik",
		"mongodb+srv://u:p@cluster.example.net/db":               "db",
		"mongodb://u:p@host:27017/?authSource=admin":             "",
		"mongodb://u:p@host:27017":                               "",
		"postgres://host/db":                                     "",
	} {
		got, err := corerules.MongoDatabase(uri)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("MongoDatabase(%q) = %q, %v; want %q", uri, got, err, want)
		}
	}
}

// Modules as the real ones emit them (see modules/): the rules must pass on these.
var (
	amqp = outputs.NewModule("activemq").
		Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Amqp.QueueBuilder").
		Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll").
		Env("Amqp__Host", "activemq.armonik.svc.cluster.local").
		Env("Amqp__Port", "5672").
		Env("Amqp__Scheme", "AMQP").
		Env("Amqp__MaxPriority", "10").
		EnvSecret(outputs.Named("activemq-credentials"), "Amqp__User", "Amqp__Password")
	mongo = outputs.NewModule("mongodb").
		Env("Components__TableStorage", "ArmoniK.Adapters.MongoDB.TableStorage").
		Env("MongoDB__DataRetention", "1.00:00:00").
		EnvFromSecret("MongoDB__ConnectionString", outputs.Named("mongodb-connection"), "uri")
	redis = outputs.NewModule("redis").
		Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Redis.ObjectBuilder").
		Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll").
		Env("Redis__EndpointUrl", "redis.armonik.svc.cluster.local:6379").
		EnvSecret(outputs.Named("redis-credentials"), "Redis__User", "Redis__Password")
	channel = outputs.NewModule("armonik").
		Env("ComputePlane__WorkerChannel__Address", "/cache/shared/armonik_worker.sock").
		Env("ComputePlane__AgentChannel__Address", "/cache/shared/armonik_agent.sock").
		Env("ComputePlane__WorkerChannel__SocketType", "unixdomainsocket").
		Env("ComputePlane__AgentChannel__SocketType", "unixdomainsocket")
)

// check merges the modules (then the override layer) into one container and returns the
// rules' result for program.
func check(t *testing.T, program corerules.Program, image string, mods []outputs.ModuleOutputs, override ...outputs.ModuleOutputs) corerules.Result {
	t.Helper()
	pod, err := outputs.MergePod("pod", []outputs.ContainerLayers{{Name: "c", Layers: []outputs.Layer{
		outputs.ModulesLayer("core", mods...),
		outputs.OverrideLayer("override", override...),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return corerules.Pinned.Check(corerules.Container{Pod: "pod", Name: "c", Program: program, Image: image, Outputs: &pod.Containers[0]})
}

const (
	control = "dockerhubaneo/armonik_control:0.37.2"
	agent   = "dockerhubaneo/armonik_pollingagent:0.37.2"
	dynamic = "dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2"
	dll     = "dockerhubaneo/armonik_worker_dll:0.19.3"
)

func core(extra ...outputs.ModuleOutputs) []outputs.ModuleOutputs {
	return append([]outputs.ModuleOutputs{amqp, mongo, redis}, extra...)
}

func TestRealModulesPass(t *testing.T) {
	for _, tc := range []struct {
		program corerules.Program
		image   string
		mods    []outputs.ModuleOutputs
	}{
		{corerules.Submitter, control, core()},
		{corerules.PollingAgent, agent, core(channel)},
		{corerules.Metrics, "dockerhubaneo/armonik_control_metrics:0.37.2", []outputs.ModuleOutputs{mongo}},
		{corerules.DynamicWorker, dynamic, []outputs.ModuleOutputs{channel}},
		{corerules.DLLWorker, dll, []outputs.ModuleOutputs{channel, outputs.NewModule("shared").Env("FileStorageType", "S3").
			Env("S3Storage__ServiceURL", "http://minio:9000").Env("S3Storage__BucketName", "b").Env("target_zip_path", "/tmp")}},
	} {
		r := check(t, tc.program, tc.image, tc.mods)
		if err := corerules.Errors([]corerules.Result{r}); err != nil {
			t.Errorf("%s: %v", tc.program, err)
		}
		for _, v := range r.Verdicts {
			if v.Status == corerules.Warn {
				t.Errorf("%s: unexpected warning %s: %s", tc.program, v.Rule, v.Detail)
			}
		}
	}
}

// TestEveryRuleFails has one failing configuration per rule: the error names the container,
// the key, where the value came from (module and layer), the rule and its source file.
func TestEveryRuleFails(t *testing.T) {
	set := func(k, v string) outputs.ModuleOutputs { return outputs.NewModule("user").Env(k, v) }
	for _, tc := range []struct {
		rule     string
		program  corerules.Program
		image    string
		mods     []outputs.ModuleOutputs
		override []outputs.ModuleOutputs
		want     []string
	}{
		{"amqp.max-priority", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Amqp__MaxPriority", "0")},
			[]string{`Amqp__MaxPriority = "0" from module "user" (layer "override", env)`, "Minimum value for MaxPriority is 1.", "QueueStorageBase.cs"}},
		{"amqp.max-priority", corerules.PollingAgent, agent, []outputs.ModuleOutputs{withoutKey(amqp, "Amqp__MaxPriority"), mongo, redis, channel}, nil,
			[]string{"Amqp__MaxPriority is not set", "set max_priority on the queue module"}},
		{"amqp.connection", corerules.Submitter, control, []outputs.ModuleOutputs{withoutKey(amqp, "Amqp__Host"), mongo, redis}, nil,
			[]string{"Amqp__Host is not set", "Host is not defined."}},
		{"amqp.connection", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Amqp__Port", "0")},
			[]string{`Amqp__Port = "0"`, "Port is not defined."}},
		{"amqp.connection", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Amqp__MaxRetries", "0")},
			[]string{`Amqp__MaxRetries = "0"`}},
		{"amqp.link-credit", corerules.PollingAgent, agent, core(channel), []outputs.ModuleOutputs{set("Amqp__LinkCredit", "0")},
			[]string{`Amqp__LinkCredit = "0"`, "LinkCredit"}},
		{"amqp.scheme", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Amqp__Scheme", "amqps")},
			[]string{`Amqp__Scheme = "amqps"`, "exactly \"AMQPS\"", "ConnectionAmqp.cs"}},
		{"amqp.scheme", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Amqp__Scheme", "tcp")},
			[]string{`"tcp" is neither AMQP nor AMQPS`}},
		{"adapter.queue", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder")},
			[]string{`"ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder" is not a queue adapter of the Core 0.37.2 images`, "Dockerfile"}},
		{"adapter.queue", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll")},
			[]string{"is shipped at /adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll"}},
		{"adapter.object", corerules.PollingAgent, agent, []outputs.ModuleOutputs{amqp, mongo, withoutKey(redis, "Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath"), channel}, nil,
			[]string{"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath is not set", "AdapterAbsolutePath should not be null or empty."}},
		{"components.table-storage", corerules.Metrics, "dockerhubaneo/armonik_control_metrics:0.37.2", []outputs.ModuleOutputs{mongo}, []outputs.ModuleOutputs{set("Components__TableStorage", "armonik.adapters.mongodb.tablestorage")},
			[]string{"must be exactly ArmoniK.Adapters.MongoDB.TableStorage"}},
		{"redis.endpoint", corerules.Submitter, control, []outputs.ModuleOutputs{amqp, mongo, withoutKey(redis, "Redis__EndpointUrl")}, nil,
			[]string{"Redis__EndpointUrl is not set", "Adaptors/Redis/src/ObjectBuilder.cs"}},
		{"s3.bucket", corerules.Submitter, control, []outputs.ModuleOutputs{amqp, mongo, outputs.NewModule("s3").
			Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.S3.ObjectBuilder").
			Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll").
			Env("S3__EndpointUrl", "https://s3.eu-west-3.amazonaws.com")}, nil,
			[]string{"S3__BucketName is not set", "Core does not create"}},
		{"localstorage.path", corerules.Submitter, control, []outputs.ModuleOutputs{amqp, mongo, outputs.NewModule("nfs").
			Env("Components__ObjectStorageAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.LocalStorage.ObjectBuilder").
			Env("Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", "/adapters/object/local_storage/ArmoniK.Core.Adapters.LocalStorage.dll").
			Env("LocalStorage__Path", "/local_storage")}, nil,
			[]string{`LocalStorage__Path = "/local_storage" from module "nfs"`, "no volume is mounted at /local_storage"}},
		{"sqs.service-url", corerules.Submitter, control, []outputs.ModuleOutputs{mongo, redis, outputs.NewModule("sqs").
			Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.SQS.QueueBuilder").
			Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll")}, nil,
			[]string{"SQS__ServiceURL is not set"}},
		{"pubsub.project", corerules.Submitter, control, []outputs.ModuleOutputs{mongo, redis, outputs.NewModule("pubsub").
			Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.PubSub.QueueBuilder").
			Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/pubsub/ArmoniK.Core.Adapters.PubSub.dll").
			Env("PubSub__ProjectId", "")}, nil,
			[]string{`PubSub__ProjectId from module "pubsub"`, "empty"}},
		{"nats.url", corerules.Submitter, control, []outputs.ModuleOutputs{mongo, redis, outputs.NewModule("nats").
			Env("Components__QueueAdaptorSettings__ClassName", "ArmoniK.Core.Adapters.Nats.QueueBuilder").
			Env("Components__QueueAdaptorSettings__AdapterAbsolutePath", "/adapters/queue/nats/ArmoniK.Core.Adapters.Nats.dll")}, nil,
			[]string{"Nats__Url is not set"}},
		{"config.types", corerules.Submitter, control, core(), []outputs.ModuleOutputs{set("MongoDB__DataRetention", "1d")},
			[]string{`MongoDB__DataRetention = "1d"`, "not a .NET TimeSpan", "Options/MongoDB.cs"}},
		{"config.types", corerules.PollingAgent, agent, core(channel), []outputs.ModuleOutputs{set("Submitter__DeletePayload", "yes")},
			[]string{`Submitter__DeletePayload = "yes"`, "not true or false"}},
		{"config.types", corerules.PollingAgent, agent, core(channel), []outputs.ModuleOutputs{set("ComputePlane__WorkerChannel__SocketType", "pipe")},
			[]string{"UnixDomainSocket, Tcp"}},
		{"config.case", corerules.Submitter, control, core(outputs.NewModule("shouting").Env("AMQP__MAXPRIORITY", "5")), nil,
			[]string{"AMQP__MAXPRIORITY and Amqp__MaxPriority", "differ only by case", `module "shouting"`}},
		{"metrics.least-privilege", corerules.Metrics, "dockerhubaneo/armonik_control_metrics:0.37.2", []outputs.ModuleOutputs{mongo, redis}, nil,
			[]string{"Redis__Password", "reads MongoDB only", "Control/Metrics/src/Program.cs"}},
		{"channel.addresses", corerules.DynamicWorker, dynamic, []outputs.ModuleOutputs{channel}, []outputs.ModuleOutputs{set("ComputePlane__AgentChannel__Address", "")},
			[]string{"ComputePlane__AgentChannel__Address from module \"user\"", "GetRequiredValue", "WorkerServer.cs"}},
		{"dll.file-storage", corerules.DLLWorker, dll, []outputs.ModuleOutputs{channel}, nil,
			[]string{"FileStorageType is not set", "Cannot find the FileStorageType", "add shared storage"}},
		{"dll.file-storage", corerules.DLLWorker, dll, []outputs.ModuleOutputs{channel, set("FileStorageType", "fs")}, nil,
			[]string{`"fs" is not FS or S3`}},
		{"dll.file-storage", corerules.DLLWorker, dll, []outputs.ModuleOutputs{channel, set("FileStorageType", "FS")}, nil,
			[]string{"no volume is mounted at /data"}},
		{"dll.paths", corerules.DLLWorker, dll, []outputs.ModuleOutputs{channel, outputs.NewModule("hostpath").Env("FileStorageType", "FS").
			MountHostPath("shared", "/data", outputs.HostPath{Path: "/data"}, outputs.ReadOnly())}, nil,
			[]string{"target_zip_path", "/data is under the read-only mount /data"}},
		{"dynamic.paths", corerules.DynamicWorker, dynamic, []outputs.ModuleOutputs{channel, outputs.NewModule("ro").
			MountConfigMap("tmp", outputs.Named("tmp"), "/tmp")}, nil,
			[]string{"ZipPath", "/tmp/zip is under the read-only mount /tmp", "DynamicServiceRequestContext.cs"}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			r := check(t, tc.program, tc.image, tc.mods, tc.override...)
			err := corerules.Errors([]corerules.Result{r})
			if err == nil {
				t.Fatalf("rule %s did not fail", tc.rule)
			}
			msg := err.Error()
			for _, w := range append([]string{`pod, container "c"`, "rule " + tc.rule}, tc.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestLiteralConnectionString checks a literal connection string (which the merge only lets
// through from a container built by hand: it is a credential) as Core parses it.
func TestLiteralConnectionString(t *testing.T) {
	for uri, fail := range map[string]bool{"mongodb://user@host:27017/?tls=true": true, "mongodb://user@host:27017/armonik": false} {
		c := &outputs.Container{Name: "c", Env: []outputs.EnvVar{
			{Name: "Components__TableStorage", Value: "ArmoniK.Adapters.MongoDB.TableStorage"},
			{Name: "MongoDB__ConnectionString", Value: uri, From: outputs.Provenance{Layer: "core", Module: "external", Output: outputs.KindEnv}},
		}}
		r := corerules.Pinned.Check(corerules.Container{Pod: "metrics-exporter", Name: "c", Program: corerules.Metrics, Image: "x:0.37.2", Outputs: c})
		err := corerules.Errors([]corerules.Result{r})
		if (err != nil) != fail {
			t.Errorf("%s: error %v, want failure %v", uri, err, fail)
		}
		if fail && (err == nil || !strings.Contains(err.Error(), "names no database") || !strings.Contains(err.Error(), "rule mongodb.connection")) {
			t.Errorf("%s: %v", uri, err)
		}
	}
}

func TestPresenceOnlyAndVersionWarning(t *testing.T) {
	r := check(t, corerules.Submitter, "dockerhubaneo/armonik_control:0.40.1", core())
	var presence, warn int
	for _, v := range r.Verdicts {
		switch v.Status {
		case corerules.Presence:
			presence++
			if !strings.Contains(v.Detail, "only its presence can be checked") && v.Rule != "mongodb.connection" {
				t.Errorf("presence verdict %s: %s", v.Rule, v.Detail)
			}
		case corerules.Warn:
			warn++
			if v.Rule != "image.version" || !strings.Contains(v.Detail, "is not Core 0.37.2") {
				t.Errorf("unexpected warning %+v", v)
			}
		}
	}
	if presence < 3 || warn != 1 {
		t.Errorf("want the Secret-held credentials as presence-only and one version warning, got %d and %d\n%s", presence, warn, r.Explain())
	}
	if !strings.Contains(r.Explain(), "present amqp.connection") {
		t.Errorf("explain lacks the presence verdict:\n%s", r.Explain())
	}
}

// withoutKey returns the outputs of m without one env key.
func withoutKey(m *outputs.Module, key string) outputs.ModuleOutputs {
	o := m.Outputs()
	env := map[string]string{}
	for k, v := range o.Env {
		if k != key {
			env[k] = v
		}
	}
	o.Env = env
	return outputs.Static(m.ModuleName(), o)
}
