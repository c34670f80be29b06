package corerules

import (
	"fmt"
	"strings"
)

// The rule table of ArmoniK Core 0.37.2 (ArmoniK 2.23.0), read from aneoconsulting/ArmoniK.Core
// at tag 0.37.2, ArmoniK.Api 3.28.3 (the worker library), ArmoniK.Extensions.Csharp 0.19.3 (the
// DLL worker) and ArmoniK.Extensions.CSharp.New 0.21.2 (the dynamic worker). Paths are inside
// those repositories.

// Core files the rules cite.
const (
	srcQueueBase   = "Core 0.37.2 Adaptors/QueueCommon/src/QueueStorageBase.cs"
	srcAmqpOpts    = "Core 0.37.2 Adaptors/QueueCommon/src/Amqp.cs"
	srcAmqpConn    = "Core 0.37.2 Adaptors/Amqp/src/ConnectionAmqp.cs"
	srcAddAdapter  = "Core 0.37.2 Common/src/Injection/ServiceCollectionExt.cs (AddAdapter) and Dockerfile (stages polling_agent, submitter)"
	srcMongo       = "Core 0.37.2 Adaptors/MongoDB/src/ServiceCollectionExt.cs"
	srcMongoOpts   = "Core 0.37.2 Adaptors/MongoDB/src/Options/MongoDB.cs"
	srcRedis       = "Core 0.37.2 Adaptors/Redis/src/ObjectBuilder.cs"
	srcRedisOpts   = "Core 0.37.2 Adaptors/Redis/src/Options/Redis.cs"
	srcS3          = "Core 0.37.2 Adaptors/S3/src/ObjectBuilder.cs"
	srcS3Opts      = "Core 0.37.2 Adaptors/S3/src/Options/S3.cs"
	srcLocal       = "Core 0.37.2 Adaptors/LocalStorage/src/ObjectBuilder.cs and Options/LocalStorage.cs"
	srcSQS         = "Core 0.37.2 Adaptors/SQS/src/QueueBuilder.cs and SQS.cs"
	srcPubSub      = "Core 0.37.2 Adaptors/PubSub/src/QueueBuilder.cs and PubSub.cs"
	srcNats        = "Core 0.37.2 Adaptors/Nats/src/QueueBuilder.cs and Nats.cs"
	srcChannel     = "Core 0.37.2 Common/src/Injection/ServiceCollectionExt.cs (AddArmoniKWorkerConnection); Api 3.28.3 packages/csharp/ArmoniK.Api.Worker/Utils/WorkerServer.cs"
	srcConfig      = "Core 0.37.2 Compute/PollingAgent/src/Program.cs and Control/Submitter/src/Program.cs (AddEnvironmentVariables: .NET configuration keys ignore case)"
	srcPollster    = "Core 0.37.2 Common/src/Injection/Options/Pollster.cs"
	srcSubmitter   = "Core 0.37.2 Common/src/Injection/Options/Submitter.cs"
	srcInitWorker  = "Core 0.37.2 Common/src/Injection/Options/InitWorker.cs"
	srcInitSvc     = "Core 0.37.2 Common/src/Injection/Options/InitServices.cs"
	srcComputePl   = "Api 3.28.3 packages/csharp/ArmoniK.Api.Common/Options/{ComputePlane,GrpcChannel,GrpcSocketType}.cs"
	srcAuth        = "Core 0.37.2 Common/src/Auth/Authentication/Authenticator.cs"
	srcSerilog     = "Core 0.37.2 Common/src/Utils/LoggerInit.cs (Serilog ReadFrom.Configuration)"
	srcDLL         = "Extensions.Csharp 0.19.3 Worker/src/DLLWorker/ApplicationPackageManager.cs, Common/src/Common/AppsOptions.cs"
	srcDynamic     = "Extensions.CSharp.New 0.21.2 ArmoniK.Extensions.CSharp.DynamicWorker/DynamicServiceRequestContext.cs, appsettings.json"
	srcMetricsProg = "Core 0.37.2 Control/Metrics/src/Program.cs (AddMongoComponents only)"
)

// Core0372 is the rule table of Core 0.37.2.
var Core0372 = &Version{
	Core:   "0.37.2",
	Source: "aneoconsulting/ArmoniK.Core tag 0.37.2",
	AppsettingsSource: map[Program]string{
		Submitter:     "Core 0.37.2 Control/Submitter/src/appsettings.json",
		PollingAgent:  "Core 0.37.2 Compute/PollingAgent/src/appsettings.json",
		Metrics:       "Core 0.37.2 Control/Metrics/src/appsettings.json",
		DLLWorker:     "Extensions.Csharp 0.19.3 Worker/src/DLLWorker/appsettings.json",
		DynamicWorker: "Extensions.CSharp.New 0.21.2 ArmoniK.Extensions.CSharp.DynamicWorker/appsettings.json",
	},
	// The sections of each program's appsettings.json the rules read (Logging and AllowedHosts
	// left out), flattened with "__" as the environment spells them.
	Appsettings: map[Program]map[string]string{
		Submitter: {
			"Serilog__Properties__Application":           "ArmoniK.Control.Submitter",
			"Components__AuthenticationStorage":          "ArmoniK.Adapters.MongoDB.AuthenticationTable",
			"Components__TableStorage":                   "ArmoniK.Adapters.MongoDB.TableStorage",
			"Components__QueueStorage":                   "ArmoniK.Adapters.MongoDB.LockedQueueStorage",
			"Components__ObjectStorage":                  "ArmoniK.Adapters.MongoDB.ObjectStorage",
			"MongoDB__Host":                              "database",
			"MongoDB__Port":                              "27017",
			"MongoDB__DatabaseName":                      "database",
			"MongoDB__DataRetention":                     "10.00:00:00",
			"Amqp__MaxRetries":                           "10",
			"Amqp__LinkCredit":                           "2",
			"Authenticator__CNHeader":                    "X-Certificate-Client-CN",
			"Authenticator__FingerprintHeader":           "X-Certificate-Client-Fingerprint",
			"Authenticator__ImpersonationUsernameHeader": "X-Impersonate-Username",
			"Authenticator__ImpersonationIdHeader":       "X-Impersonate-Id",
			"Authenticator__RequireAuthentication":       "false",
			"Authenticator__RequireAuthorization":        "false",
		},
		PollingAgent: {
			"Serilog__Properties__Application": "ArmoniK.Compute.PollingAgent",
			"Components__TableStorage":         "ArmoniK.Adapters.MongoDB.TableStorage",
			"Components__QueueStorage":         "ArmoniK.Adapters.MongoDB.LockedQueueStorage",
			"Components__ObjectStorage":        "ArmoniK.Adapters.MongoDB.ObjectStorage",
			"MongoDB__Host":                    "database",
			"MongoDB__Port":                    "27017",
			"MongoDB__DatabaseName":            "database",
			"MongoDB__DataRetention":           "10.00:00:00",
			"Amqp__MaxRetries":                 "10",
			"Amqp__LinkCredit":                 "2",
		},
		Metrics: {
			"Serilog__Properties__Application": "ArmoniK.Control.Metrics",
			"Components__TableStorage":         "ArmoniK.Adapters.MongoDB.TableStorage",
			"MongoDB__DatabaseName":            "database",
			"MongoDB__DataRetention":           "10.00:00:00",
		},
		DLLWorker: {
			"target_data_path": "/data",
		},
		DynamicWorker: {
			"ServiceAssemblyPath": "/tmp/assemblies",
			"ZipPath":             "/tmp/zip",
		},
	},
	// The adapters of the submitter and polling_agent stages of Core's Dockerfile: directory
	// /adapters/<kind>/<dir>/ArmoniK.Core.Adapters.<Name>.dll, class
	// ArmoniK.Core.Adapters.<Name>.QueueBuilder or ObjectBuilder.
	Adapters: adapters(
		"queue", "SQS:sqs", "PubSub:pubsub", "Nats:nats", "Amqp:amqp",
		"object", "LocalStorage:local_storage", "Redis:redis", "Embed:embed", "NullStorage:null_storage", "S3:s3",
	),
	Options: options0372,
}

func init() {
	Core0372.Rules = rules0372()
	Core0372.Literals = literals0372()
}

// literals0372 are the value rules of Core 0.37.2 that hold for one literal value alone.
func literals0372() []LiteralRule {
	intRule := func(rule, key, source, fix string, ok func(int64) bool, want, why string) LiteralRule {
		return LiteralRule{Rule: rule, Key: key, Source: source, Fix: fix, Check: func(v string) string {
			if n, parsed := ParseInt(v); parsed && !ok(n) {
				return fmt.Sprintf("%d must be %s: %s", n, want, why)
			}
			return ""
		}}
	}
	return []LiteralRule{
		intRule("amqp.max-priority", "Amqp__MaxPriority", srcQueueBase, "set max_priority on the queue module (>= 1; ArmoniK's own queue modules use 10)",
			func(n int64) bool { return n >= 1 }, ">= 1", `Core throws "Minimum value for MaxPriority is 1." when it builds the queue, and the component exits at startup`),
		intRule("amqp.link-credit", "Amqp__LinkCredit", srcQueueBase, "set Amqp__LinkCredit to 1 or more (ArmoniK uses 2)",
			func(n int64) bool { return n >= 1 }, ">= 1", `Core throws "Minimum value for LinkCredit is 1." when it builds the queue`),
		intRule("amqp.connection", "Amqp__Port", srcQueueBase, "set it on the queue module",
			func(n int64) bool { return n != 0 }, "!= 0", `Core throws "Port is not defined." when it builds the queue`),
		intRule("amqp.connection", "Amqp__MaxRetries", srcQueueBase, "set it on the queue module",
			func(n int64) bool { return n != 0 }, "!= 0", `Core throws "MaxRetries is not defined." when it builds the queue`),
		{Rule: "amqp.scheme", Key: "Amqp__Scheme", Source: srcAmqpConn, Fix: "use AMQP or AMQPS", Check: func(v string) string {
			if v != "AMQP" && v != "AMQPS" && !strings.EqualFold(v, "AMQP") {
				return fmt.Sprintf("%q is not exactly AMQP or AMQPS (Core installs its CA check only for \"AMQPS\")", v)
			}
			return ""
		}},
		{Rule: "components.table-storage", Key: "Components__TableStorage", Source: srcMongo, Fix: "set it to " + mongoTableStorage, Check: func(v string) string {
			if v != mongoTableStorage {
				return "must be exactly " + mongoTableStorage + ": Core registers no table storage otherwise"
			}
			return ""
		}},
	}
}

// adapters expands "kind", "Name:dir"... into the adapters an image ships.
func adapters(spec ...string) []Adapter {
	var out []Adapter
	kind := ""
	for _, s := range spec {
		name, dir, ok := strings.Cut(s, ":")
		if !ok {
			kind = s
			continue
		}
		builder := "QueueBuilder"
		if kind == "object" {
			builder = "ObjectBuilder"
		}
		out = append(out, Adapter{Kind: kind, Name: name,
			ClassName: "ArmoniK.Core.Adapters." + name + "." + builder,
			Path:      fmt.Sprintf("/adapters/%s/%s/ArmoniK.Core.Adapters.%s.dll", kind, dir, name)})
	}
	return out
}

var logLevels = []string{"Verbose", "Debug", "Information", "Warning", "Error", "Fatal"}

// options0372 are the typed options of Core 0.37.2 and its workers (the option classes).
var options0372 = []Option{
	{"Amqp__Port", Int, nil, srcAmqpOpts},
	{"Amqp__MaxPriority", Int, nil, srcAmqpOpts},
	{"Amqp__AllowHostMismatch", Bool, nil, srcAmqpOpts},
	{"Amqp__MaxRetries", Int, nil, srcAmqpOpts},
	{"Amqp__LinkCredit", Int, nil, srcAmqpOpts},
	{"Amqp__ParallelismLimit", Int, nil, srcAmqpOpts},
	{"Amqp__AllowInsecureTls", Bool, nil, srcAmqpOpts},
	{"Redis__Timeout", Int, nil, srcRedisOpts},
	{"Redis__Ssl", Bool, nil, srcRedisOpts},
	{"Redis__MaxRetry", Int, nil, srcRedisOpts},
	{"Redis__MsAfterRetry", Int, nil, srcRedisOpts},
	{"Redis__TtlTimeSpan", TimeSpan, nil, srcRedisOpts},
	{"Redis__AllowHostMismatch", Bool, nil, srcRedisOpts},
	{"S3__MustForcePathStyle", Bool, nil, srcS3Opts},
	{"S3__DegreeOfParallelism", Int, nil, srcS3Opts},
	{"S3__ChunkDownloadSize", Int, nil, srcS3Opts},
	{"S3__UseChunkEncoding", Bool, nil, srcS3Opts},
	{"S3__UseChecksum", Bool, nil, srcS3Opts},
	{"S3__MaxRetry", Int, nil, srcS3Opts},
	{"S3__MsAfterRetry", Int, nil, srcS3Opts},
	{"LocalStorage__ChunkSize", Int, nil, srcLocal},
	{"MongoDB__Tls", Bool, nil, srcMongoOpts},
	{"MongoDB__AllowInsecureTls", Bool, nil, srcMongoOpts},
	{"MongoDB__DirectConnection", Bool, nil, srcMongoOpts},
	{"MongoDB__Port", Int, nil, srcMongoOpts},
	{"MongoDB__MaxRetries", Int, nil, srcMongoOpts},
	{"MongoDB__DataRetention", TimeSpan, nil, srcMongoOpts},
	{"MongoDB__MaxConnectionPoolSize", Int, nil, srcMongoOpts},
	{"MongoDB__ServerSelectionTimeout", TimeSpan, nil, srcMongoOpts},
	{"MongoDB__Sharding", Bool, nil, srcMongoOpts},
	{"MongoDB__CausalConsistency", Bool, nil, srcMongoOpts},
	{"MongoDB__LogRequest", Bool, nil, srcMongoOpts},
	{"MongoDB__UseHashed", Bool, nil, srcMongoOpts},
	{"MongoDB__TableStorage__PollingDelayMin", TimeSpan, nil, "Core 0.37.2 Adaptors/MongoDB/src/Options/TableStorage.cs"},
	{"MongoDB__TableStorage__PollingDelayMax", TimeSpan, nil, "Core 0.37.2 Adaptors/MongoDB/src/Options/TableStorage.cs"},
	{"Submitter__MaxErrorAllowed", Int, nil, srcSubmitter},
	{"Submitter__DeletePayload", Bool, nil, srcSubmitter},
	{"Submitter__DegreeOfParallelism", Int, nil, srcSubmitter},
	{"Submitter__PreferredMessageSize", Int, nil, srcSubmitter},
	{"Pollster__GraceDelay", TimeSpan, nil, srcPollster},
	{"Pollster__ShutdownTimeout", TimeSpan, nil, srcPollster},
	{"Pollster__MaxErrorAllowed", Int, nil, srcPollster},
	{"Pollster__TimeoutBeforeNextAcquisition", TimeSpan, nil, srcPollster},
	{"Pollster__NbAcquisitionRetry", Int, nil, srcPollster},
	{"Pollster__MessageDuplicationDelay", TimeSpan, nil, srcPollster},
	{"Pollster__ProcessingCrashedDelay", TimeSpan, nil, srcPollster},
	{"Pollster__FailReadinessIfNoTasks", Bool, nil, srcPollster},
	{"Pollster__CacheEvictionThreshold", Double, nil, srcPollster},
	{"InitWorker__WorkerCheckRetries", Int, nil, srcInitWorker},
	{"InitWorker__WorkerCheckDelay", TimeSpan, nil, srcInitWorker},
	{"InitServices__InitDatabase", Bool, nil, srcInitSvc},
	{"InitServices__StopAfterInit", Bool, nil, srcInitSvc},
	{"SQS__AckDeadlinePeriod", Int, nil, srcSQS},
	{"SQS__AckExtendDeadlineStep", Int, nil, srcSQS},
	{"SQS__WaitTimeSeconds", Int, nil, srcSQS},
	{"SQS__DegreeOfParallelism", Int, nil, srcSQS},
	{"SQS__MaxPriority", Int, nil, srcSQS},
	{"SQS__MaxRetries", Int, nil, srcSQS},
	{"PubSub__MessageRetention", TimeSpan, nil, srcPubSub},
	{"PubSub__AckDeadlinePeriod", Int, nil, srcPubSub},
	{"PubSub__AckExtendDeadlineStep", Int, nil, srcPubSub},
	{"PubSub__MessageOrdering", Bool, nil, srcPubSub},
	{"PubSub__ExactlyOnceDelivery", Bool, nil, srcPubSub},
	{"Nats__AckWait", Int, nil, srcNats},
	{"Nats__AckExtendDeadlineStep", Int, nil, srcNats},
	{"Nats__DegreeOfParallelism", Int, nil, srcNats},
	{"ComputePlane__MessageBatchSize", Int, nil, srcComputePl},
	{"ComputePlane__AbortAfter", TimeSpan, nil, srcComputePl},
	{"ComputePlane__WorkerChannel__SocketType", Enum, []string{"UnixDomainSocket", "Tcp"}, srcComputePl},
	{"ComputePlane__AgentChannel__SocketType", Enum, []string{"UnixDomainSocket", "Tcp"}, srcComputePl},
	{"ComputePlane__WorkerChannel__KeepAlivePingTimeOut", TimeSpan, nil, srcComputePl},
	{"ComputePlane__WorkerChannel__KeepAliveTimeOut", TimeSpan, nil, srcComputePl},
	{"ComputePlane__AgentChannel__KeepAlivePingTimeOut", TimeSpan, nil, srcComputePl},
	{"ComputePlane__AgentChannel__KeepAliveTimeOut", TimeSpan, nil, srcComputePl},
	{"Authenticator__RequireAuthentication", Bool, nil, srcAuth},
	{"Authenticator__RequireAuthorization", Bool, nil, srcAuth},
	{"Serilog__MinimumLevel", Enum, logLevels, srcSerilog},
}

// The class name of Core's MongoDB table storage, compared exactly.
const mongoTableStorage = "ArmoniK.Adapters.MongoDB.TableStorage"

var (
	coreServers = []Program{Submitter, PollingAgent}
	mongoUsers  = []Program{Submitter, PollingAgent, Metrics}
	workers     = []Program{DLLWorker, DynamicWorker, Worker}
)

func rules0372() []Rule {
	const queueFix = "set it on the queue module"
	rules := []Rule{
		{ID: "image.version", Doc: "Core images run the version these rules describe", Source: "this table", Programs: mongoUsers,
			Check: func(x *Ctx) []Verdict {
				tag := imageTag(x.cf.c.Image)
				if tag == Core0372.Core {
					return []Verdict{{Rule: "image.version", Status: Pass, Detail: "image tag " + tag + " is the version checked", Source: "this table"}}
				}
				return []Verdict{{Rule: "image.version", Status: Warn, Source: "this table",
					Detail: fmt.Sprintf("image %s is not Core %s: the rules checked are those of Core %s and may not hold for it", x.cf.c.Image, Core0372.Core, Core0372.Core)}}
			}},
		caseRule(srcConfig),
		typedRule(options0372),
		{ID: "components.table-storage", Doc: "Components__TableStorage names Core's MongoDB table storage exactly", Source: srcMongo, Programs: mongoUsers,
			Check: func(x *Ctx) []Verdict {
				const key = "Components__TableStorage"
				v, set, lit := x.Get(key)
				switch {
				case !set:
					return []Verdict{x.Failf(key, "add a table-storage module (mongodb, external_mongodb)", "not set: Core registers no table storage and fails at startup")}
				case !lit:
					return []Verdict{x.verdict(Presence, key, "set from a Secret or ConfigMap; it must be exactly "+mongoTableStorage, "")}
				case v != mongoTableStorage:
					return []Verdict{x.Failf(key, "set it to "+mongoTableStorage, "must be exactly %s (compared exactly, case included): Core registers no table storage otherwise", mongoTableStorage)}
				}
				return []Verdict{x.Pass(key, "MongoDB table storage")}
			}},
		adapterRule("queue", "add a queue module (activemq, rabbitmq, amazonmq, sqs, pubsub)"),
		adapterRule("object", "add an object-storage module (redis, minio, nfs, s3, elasticache, gcs, memorystore)"),
		{ID: "amqp.connection", Doc: "the AMQP adapter's options are all defined", Source: srcQueueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Amqp" {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				why := func(opt string) string {
					return fmt.Sprintf("Core throws %q when it builds the queue, and the component exits at startup", opt+" is not defined.")
				}
				return []Verdict{
					x.Required("Amqp__Host", why("Host"), queueFix),
					x.Required("Amqp__User", why("User"), queueFix),
					x.Required("Amqp__Password", why("Password"), queueFix),
					x.IntNot("Amqp__Port", 0, 0, why("Port"), queueFix),
					x.IntNot("Amqp__MaxRetries", 0, 0, why("MaxRetries"), queueFix),
				}
			}},
		{ID: "amqp.max-priority", Doc: "Amqp__MaxPriority >= 1", Source: srcQueueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Amqp" {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				return []Verdict{x.IntAtLeast("Amqp__MaxPriority", 0, 1,
					`Core throws "Minimum value for MaxPriority is 1." when it builds the queue, and the component exits at startup`,
					"set max_priority on the queue module (>= 1; ArmoniK's own queue modules use 10)")}
			}},
		{ID: "amqp.link-credit", Doc: "Amqp__LinkCredit >= 1", Source: srcQueueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Amqp" {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				return []Verdict{x.IntAtLeast("Amqp__LinkCredit", 0, 1,
					`Core throws "Minimum value for LinkCredit is 1." when it builds the queue`, "set Amqp__LinkCredit to 1 or more (ArmoniK uses 2)")}
			}},
		{ID: "amqp.scheme", Doc: "Amqp__Scheme is exactly AMQP or AMQPS", Source: srcAmqpConn, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Amqp" {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				const key = "Amqp__Scheme"
				v, set, lit := x.Get(key)
				switch {
				case !set:
					return []Verdict{x.Failf(key, queueFix, "not set: the AMQP address has no scheme")}
				case !lit:
					return []Verdict{x.verdict(Presence, key, "set from a Secret or ConfigMap; it must be exactly AMQP or AMQPS", "")}
				case v == "AMQP" || v == "AMQPS":
					return []Verdict{x.Pass(key, v)}
				case strings.EqualFold(v, "AMQPS"):
					return []Verdict{x.Failf(key, "write AMQPS in capitals", "Core installs its CA check only when the scheme is exactly \"AMQPS\" (case-sensitive): with %q the broker's certificate is checked against the system store and a private CA is rejected", v)}
				case strings.EqualFold(v, "AMQP"):
					return []Verdict{x.Pass(key, v+" (the AMQP library ignores case)")}
				}
				return []Verdict{x.Failf(key, "use AMQP or AMQPS", "%q is neither AMQP nor AMQPS", v)}
			}},
		fileRule("amqp.ca-path", "Amqp__CaPath", srcAmqpConn, coreServers, func(x *Ctx) bool {
			v, _, _ := x.Get("Amqp__Scheme")
			a, _ := x.Adapter("queue")
			return a != nil && a.Name == "Amqp" && v == "AMQPS"
		}),
		{ID: "sqs.service-url", Doc: "SQS__ServiceURL is set", Source: srcSQS, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "SQS" {
					return []Verdict{x.NA("the queue adapter is not SQS")}
				}
				return []Verdict{x.Required("SQS__ServiceURL", "the SQS client is built with it", "set service_url on the sqs module")}
			}},
		{ID: "pubsub.project", Doc: "PubSub__ProjectId is set", Source: srcPubSub, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "PubSub" {
					return []Verdict{x.NA("the queue adapter is not Pub/Sub")}
				}
				return []Verdict{x.Required("PubSub__ProjectId", "topics and subscriptions are named in this project", "set project_id on the pubsub module")}
			}},
		{ID: "nats.url", Doc: "Nats__Url is set", Source: srcNats, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Nats" {
					return []Verdict{x.NA("the queue adapter is not NATS")}
				}
				return []Verdict{x.Required("Nats__Url", "the NATS client connects to it", "set the NATS server URL")}
			}},
		{ID: "redis.endpoint", Doc: "Redis__EndpointUrl is set", Source: srcRedis, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "Redis" {
					return []Verdict{x.NA("the object adapter is not Redis")}
				}
				return []Verdict{x.Required("Redis__EndpointUrl", "the connection aborts when it fails (AbortOnConnectFail)", "set it on the object-storage module")}
			}},
		fileRule("redis.ca-path", "Redis__CaPath", srcRedis, coreServers, func(x *Ctx) bool {
			a, _ := x.Adapter("object")
			ssl, _, _ := x.Get("Redis__Ssl")
			b, _ := ParseBool(ssl)
			return a != nil && a.Name == "Redis" && b
		}),
		{ID: "s3.bucket", Doc: "S3__EndpointUrl and S3__BucketName are set", Source: srcS3, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "S3" {
					return []Verdict{x.NA("the object adapter is not S3")}
				}
				return []Verdict{
					x.Required("S3__EndpointUrl", "the S3 client's ServiceURL", "set it on the object-storage module"),
					x.Required("S3__BucketName", "every object goes into this bucket, which Core does not create", "set it on the object-storage module"),
				}
			}},
		{ID: "localstorage.path", Doc: "LocalStorage__Path is on a writable shared volume", Source: srcLocal, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "LocalStorage" {
					return []Verdict{x.NA("the object adapter is not LocalStorage")}
				}
				if _, set, _ := x.Get("LocalStorage__Path"); !set {
					return []Verdict{x.Failf("LocalStorage__Path", "use the nfs module, which sets it and mounts the claim",
						"not set: Core defaults to /tmp/ArmoniK inside each container, so the control plane and the agents would each see their own objects")}
				}
				return []Verdict{x.Mounted("LocalStorage__Path", "", true,
					"the objects must be on a volume every Core component shares", "mount the shared claim there (the nfs module does)")}
			}},
		{ID: "mongodb.connection", Doc: "MongoDB is reachable: a connection string naming a database, or a host", Source: srcMongo, Programs: mongoUsers,
			Check: func(x *Ctx) []Verdict {
				const cs = "MongoDB__ConnectionString"
				v, set, lit := x.Get(cs)
				switch {
				case set && !lit:
					return []Verdict{x.verdict(Presence, cs, "from "+x.cf.get(cs).source+": Core takes the database from its path, which the module writing it guarantees (mongodb builds it; external_mongodb validates its variable)", "")}
				case set && strings.TrimSpace(v) != "":
					if _, err := MongoDatabase(v); err != nil {
						return []Verdict{x.Failf(cs, "name the database in the path: mongodb://user:password@host:27017/<database>?...",
							"%v (Core reads the database from the URI path only and throws on a null name)", err)}
					}
					return []Verdict{x.Pass(cs, "names a database")}
				}
				return []Verdict{x.Required("MongoDB__Host", `Core throws "Host is not defined." without a connection string`, "add a table-storage module (mongodb, external_mongodb)")}
			}},
		fileRule("mongodb.ca-file", "MongoDB__CAFile", srcMongo, mongoUsers, func(*Ctx) bool { return true }),
		{ID: "metrics.least-privilege", Doc: "the metrics exporter holds no queue or object-store credential", Source: srcMetricsProg, Programs: []Program{Metrics},
			Check: func(x *Ctx) []Verdict {
				var out []Verdict
				for _, k := range x.cf.order {
					e := x.cf.keys[k]
					if !isStorageCredential(e.name) {
						continue
					}
					out = append(out, x.Failf(e.name, "list the storage modules in the core layer (ArmoniK gives the metrics exporter the table-storage modules only), not in the metrics layer",
						"the metrics exporter reads MongoDB only: the queue's or object store's credentials would be needless exposure"))
				}
				if len(out) == 0 {
					out = append(out, Verdict{Rule: "metrics.least-privilege", Status: Pass, Source: srcMetricsProg, Detail: "no queue or object-store credential"})
				}
				return out
			}},
		{ID: "channel.addresses", Doc: "both agent-worker channel addresses are set", Source: srcChannel, Programs: append([]Program{PollingAgent}, workers...),
			Check: func(x *Ctx) []Verdict {
				const why = "read with GetRequiredValue: the process exits at startup without it"
				return []Verdict{
					x.Required("ComputePlane__WorkerChannel__Address", why, "the ArmoniK construct sets it; do not override it away"),
					x.Required("ComputePlane__AgentChannel__Address", why, "the ArmoniK construct sets it; do not override it away"),
				}
			}},
		{ID: "dll.file-storage", Doc: "the DLL worker's FileStorageType is FS or S3 with its keys", Source: srcDLL, Programs: []Program{DLLWorker},
			Check: func(x *Ctx) []Verdict {
				const key = "FileStorageType"
				const fix = "add shared storage for the workers (shared_storage: minio, hostpath, nfs, s3 or gcs)"
				v, set, lit := x.Get(key)
				switch {
				case !set:
					return []Verdict{x.Failf(key, fix, "not set: the DLL worker throws \"Cannot find the FileStorageType\" at its first task; its pod stays Ready while every task fails")}
				case !lit:
					return []Verdict{x.verdict(Presence, key, "set from a Secret or ConfigMap; it must be exactly FS or S3", "")}
				case v == "FS":
					return []Verdict{x.Pass(key, "FS"), x.Mounted("target_data_path", "/data", false,
						"the DLL worker reads the application packages from this directory", "mount the shared storage there (hostpath and nfs do)")}
				case v == "S3":
					return []Verdict{x.Pass(key, "S3"),
						x.Required("S3Storage__ServiceURL", "the DLL worker downloads the packages from this endpoint", fix),
						x.Required("S3Storage__BucketName", "the DLL worker downloads the packages from this bucket", fix)}
				}
				return []Verdict{x.Failf(key, "use FS or S3", "%q is not FS or S3 (compared exactly): the DLL worker throws at its first task", v)}
			}},
		{ID: "dll.paths", Doc: "the DLL worker's zip and assembly directories are writable", Source: srcDLL, Programs: []Program{DLLWorker},
			Check: func(x *Ctx) []Verdict {
				const why = "the DLL worker writes the application packages there"
				return []Verdict{
					x.Writable("target_zip_path", "/data", why, "set target_zip_path to a writable directory such as /tmp"),
					x.Writable("ServiceAssemblyPath", "/tmp/assemblies", why, "set ServiceAssemblyPath to a writable directory"),
				}
			}},
		{ID: "dynamic.paths", Doc: "the dynamic worker's zip and assembly directories are writable", Source: srcDynamic, Programs: []Program{DynamicWorker},
			Check: func(x *Ctx) []Verdict {
				const why = "the dynamic worker unpacks the user's library there"
				return []Verdict{
					x.Writable("ZipPath", "/tmp/zip", why, "set ZipPath to a writable directory"),
					x.Writable("ServiceAssemblyPath", "/tmp/assemblies", why, "set ServiceAssemblyPath to a writable directory"),
				}
			}},
	}
	return rules
}

// isStorageCredential reports whether key is a credential of a queue or an object store.
func isStorageCredential(key string) bool {
	switch strings.ToLower(key) {
	case "amqp__user", "amqp__password", "redis__user", "redis__password", "s3__login", "s3__password":
		return true
	}
	return false
}

// adapterRule checks one adapter's ClassName and AdapterAbsolutePath: both set, and a pair the
// image ships.
func adapterRule(kind, fix string) Rule {
	id := "adapter." + kind
	return Rule{ID: id, Doc: "the " + kind + " adapter's class and DLL are a pair the image ships", Source: srcAddAdapter, Programs: coreServers,
		Check: func(x *Ctx) []Verdict {
			classKey, pathKey := adapterKey(kind, "ClassName"), adapterKey(kind, "AdapterAbsolutePath")
			_, cset, clit := x.Get(classKey)
			p, pset, plit := x.Get(pathKey)
			if !cset {
				return []Verdict{x.Failf(classKey, fix, "not set: Core throws \"ClassName should not be null or empty.\" and the component exits at startup")}
			}
			if !pset {
				return []Verdict{x.Failf(pathKey, fix, "not set: Core throws \"AdapterAbsolutePath should not be null or empty.\" and the component exits at startup")}
			}
			if !clit || !plit {
				return []Verdict{x.verdict(Presence, classKey, "set from a Secret or ConfigMap; only its presence can be checked", "")}
			}
			a, class := x.Adapter(kind)
			if a == nil {
				var known []string
				for _, ad := range x.v.Adapters {
					if ad.Kind == kind {
						known = append(known, ad.ClassName)
					}
				}
				return []Verdict{x.Failf(classKey, "use one of "+strings.Join(known, ", "),
					"%q is not a %s adapter of the Core %s images: loading it fails at startup", class, kind, x.v.Core)}
			}
			if p != a.Path {
				return []Verdict{x.Failf(pathKey, "set it to "+a.Path, "%s is shipped at %s, not %q: loading the assembly fails at startup", a.ClassName, a.Path, p)}
			}
			return []Verdict{x.Pass(classKey, a.Name+" at "+a.Path)}
		}}
}

// fileRule warns when a file the adapter reads (a CA) is under no mount of the container: the
// image must then ship it.
func fileRule(id, key, source string, programs []Program, applies func(*Ctx) bool) Rule {
	return Rule{ID: id, Doc: key + " names a file the container can read", Source: source, Programs: programs,
		Check: func(x *Ctx) []Verdict {
			v, set, lit := x.Get(key)
			if !set || !applies(x) || (lit && v == "") {
				return []Verdict{x.NA(key + " is not used")}
			}
			if !lit {
				return []Verdict{x.verdict(Presence, key, "set from a Secret or ConfigMap; only its presence can be checked", "")}
			}
			if m := x.cf.mountFor(v); m != nil {
				return []Verdict{x.Pass(key, v+" is on the mount "+m.Path)}
			}
			return []Verdict{x.Warnf(key, "%s is under no mount of this container: the image must ship it, or Core fails to read the CA", v)}
		}}
}

// imageTag returns the tag of an image reference ("" when it has none or a digest).
func imageTag(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	slash := strings.LastIndex(ref, "/")
	if i := strings.LastIndex(ref, ":"); i > slash {
		return ref[i+1:]
	}
	return ""
}

// ForVersion returns the rule table of a Core version, and false when the version has none.
func ForVersion(core string) (*Version, bool) {
	if core == Core0372.Core {
		return Core0372, true
	}
	return nil, false
}

// Pinned is the Core version whose rules apply by default.
var Pinned = Core0372
