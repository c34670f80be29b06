package corerules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// What the supported Core versions share, with the version each fact appeared in: one table of
// options and one of adapters, read from aneoconsulting/ArmoniK.Core at the tags 0.34.5, 0.37.2
// and 0.40.1, and at the x.y.0 tags between them for the version a key or an adapter appeared
// in (Since) or disappeared in (Until). Each version's rule table keeps the rows whose range
// contains it, so every row is cited once and a version's facts stay those of its own tag.

// optionRow is a configuration key Core binds: its type (String for keys only listed so that
// config.unread knows them), the file of its option class, and the versions that bind it.
type optionRow struct {
	key   string // "Amqp__MaxPriority"; a key ending in "__*" stands for every key under it
	typ   Type
	names []string // enum values
	file  string   // the option class, a path in ArmoniK.Core (or ArmoniK.Api, ...)
	since string   // first Core version binding it ("" = every supported version)
	until string   // first Core version no longer binding it ("" = still bound)
}

// Option class files (paths in ArmoniK.Core unless they say otherwise).
const (
	fileAmqp       = "Adaptors/QueueCommon/src/Amqp.cs"
	fileRedis      = "Adaptors/Redis/src/Options/Redis.cs"
	fileS3         = "Adaptors/S3/src/Options/S3.cs"
	fileLocal      = "Adaptors/LocalStorage/src/Options/LocalStorage.cs"
	fileMongo      = "Adaptors/MongoDB/src/Options/MongoDB.cs"
	fileMongoTable = "Adaptors/MongoDB/src/Options/TableStorage.cs"
	fileSQS        = "Adaptors/SQS/src/SQS.cs (Adaptors/SQS/src/Options/SQS.cs from 0.38.0)"
	filePubSub     = "Adaptors/PubSub/src/PubSub.cs"
	fileNats       = "Adaptors/Nats/src/Nats.cs"
	fileGcs        = "Adaptors/Gcs/src/Options/Gcs.cs"
	fileSubmitter  = "Common/src/Injection/Options/Submitter.cs"
	filePollster   = "Common/src/Injection/Options/Pollster.cs"
	fileInitWorker = "Common/src/Injection/Options/InitWorker.cs"
	fileInitSvc    = "Common/src/Injection/Options/InitServices.cs and Options/Database/{Authentication,Partitioning}.cs"
	fileComponents = "Common/src/Injection/Options/Components.cs and AdapterSettings.cs"
	fileAuth       = "Common/src/Auth/Authentication/Authenticator.cs"
	fileSerilog    = "Common/src/Utils/LoggerInit.cs (Serilog ReadFrom.Configuration)"
	fileComputePl  = "Api packages/csharp/ArmoniK.Api.Common/Options/{ComputePlane,GrpcChannel,GrpcSocketType}.cs"
)

var socketTypes = []string{"UnixDomainSocket", "Tcp"}

// optionRows are the options of every supported Core version. The sections listed in
// completeSections are listed whole (strings included), so that config.unread can tell a key
// the version does not bind.
var optionRows = []optionRow{
	{key: "Components__TableStorage", file: fileComponents},
	{key: "Components__AuthenticationStorage", file: fileComponents},
	{key: "Components__QueueAdaptorSettings__ClassName", file: fileComponents},
	{key: "Components__QueueAdaptorSettings__AdapterAbsolutePath", file: fileComponents},
	{key: "Components__ObjectStorageAdaptorSettings__ClassName", file: fileComponents},
	{key: "Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath", file: fileComponents},

	{key: "Amqp__Host", file: fileAmqp},
	{key: "Amqp__CredentialsPath", file: fileAmqp},
	{key: "Amqp__User", file: fileAmqp},
	{key: "Amqp__Password", file: fileAmqp},
	{key: "Amqp__Scheme", file: fileAmqp},
	{key: "Amqp__CaPath", file: fileAmqp},
	{key: "Amqp__Port", typ: Int, file: fileAmqp},
	{key: "Amqp__MaxPriority", typ: Int, file: fileAmqp},
	{key: "Amqp__AllowHostMismatch", typ: Bool, file: fileAmqp},
	{key: "Amqp__MaxRetries", typ: Int, file: fileAmqp},
	{key: "Amqp__LinkCredit", typ: Int, file: fileAmqp},
	{key: "Amqp__ParallelismLimit", typ: Int, file: fileAmqp},
	{key: "Amqp__AllowInsecureTls", typ: Bool, file: fileAmqp},
	// Prefix and Separator name the AMQP addresses (<Prefix><partition><Separator>q<i>); before
	// 0.38.1 they were fixed to "" and "###" (Adaptors/Amqp/src/{Push,Pull}QueueStorage.cs).
	{key: "Amqp__Prefix", file: fileAmqp, since: "0.38.1"},
	{key: "Amqp__Separator", file: fileAmqp, since: "0.38.1"},

	{key: "Redis__InstanceName", file: fileRedis},
	{key: "Redis__EndpointUrl", file: fileRedis},
	{key: "Redis__ClientName", file: fileRedis},
	{key: "Redis__SslHost", file: fileRedis},
	{key: "Redis__Password", file: fileRedis},
	{key: "Redis__User", file: fileRedis},
	{key: "Redis__CredentialsPath", file: fileRedis},
	{key: "Redis__CaPath", file: fileRedis},
	{key: "Redis__Timeout", typ: Int, file: fileRedis},
	{key: "Redis__Ssl", typ: Bool, file: fileRedis},
	{key: "Redis__MaxRetry", typ: Int, file: fileRedis},
	{key: "Redis__MsAfterRetry", typ: Int, file: fileRedis},
	{key: "Redis__TtlTimeSpan", typ: TimeSpan, file: fileRedis},
	{key: "Redis__AllowHostMismatch", typ: Bool, file: fileRedis},

	{key: "S3__EndpointUrl", file: fileS3},
	{key: "S3__Login", file: fileS3},
	{key: "S3__Password", file: fileS3},
	{key: "S3__BucketName", file: fileS3},
	{key: "S3__MustForcePathStyle", typ: Bool, file: fileS3},
	{key: "S3__DegreeOfParallelism", typ: Int, file: fileS3},
	{key: "S3__ChunkDownloadSize", typ: Int, file: fileS3},
	{key: "S3__UseChunkEncoding", typ: Bool, file: fileS3},
	{key: "S3__UseChecksum", typ: Bool, file: fileS3},
	{key: "S3__MaxRetry", typ: Int, file: fileS3},
	{key: "S3__MsAfterRetry", typ: Int, file: fileS3},

	{key: "LocalStorage__Path", file: fileLocal},
	{key: "LocalStorage__ChunkSize", typ: Int, file: fileLocal},

	{key: "MongoDB__ReplicaSet", file: fileMongo},
	{key: "MongoDB__Host", file: fileMongo},
	{key: "MongoDB__CAFile", file: fileMongo},
	{key: "MongoDB__CredentialsPath", file: fileMongo},
	{key: "MongoDB__User", file: fileMongo},
	{key: "MongoDB__ConnectionString", file: fileMongo},
	{key: "MongoDB__Password", file: fileMongo},
	{key: "MongoDB__DatabaseName", file: fileMongo},
	{key: "MongoDB__AuthSource", file: fileMongo},
	{key: "MongoDB__Tls", typ: Bool, file: fileMongo},
	{key: "MongoDB__AllowInsecureTls", typ: Bool, file: fileMongo},
	{key: "MongoDB__DirectConnection", typ: Bool, file: fileMongo},
	{key: "MongoDB__Port", typ: Int, file: fileMongo},
	{key: "MongoDB__MaxRetries", typ: Int, file: fileMongo},
	{key: "MongoDB__DataRetention", typ: TimeSpan, file: fileMongo},
	{key: "MongoDB__MaxConnectionPoolSize", typ: Int, file: fileMongo},
	{key: "MongoDB__ServerSelectionTimeout", typ: TimeSpan, file: fileMongo},
	{key: "MongoDB__Sharding", typ: Bool, file: fileMongo},
	{key: "MongoDB__CausalConsistency", typ: Bool, file: fileMongo, since: "0.37.0"},
	{key: "MongoDB__LogRequest", typ: Bool, file: fileMongo, since: "0.37.0"},
	{key: "MongoDB__UseHashed", typ: Bool, file: fileMongo, since: "0.37.0"},
	{key: "MongoDB__TableStorage__PollingDelayMin", typ: TimeSpan, file: fileMongoTable},
	{key: "MongoDB__TableStorage__PollingDelayMax", typ: TimeSpan, file: fileMongoTable},

	{key: "SQS__ServiceURL", file: fileSQS},
	{key: "SQS__Prefix", file: fileSQS},
	{key: "SQS__Tags__*", file: fileSQS},
	{key: "SQS__Attributes__*", file: fileSQS},
	{key: "SQS__AckDeadlinePeriod", typ: Int, file: fileSQS},
	{key: "SQS__AckExtendDeadlineStep", typ: Int, file: fileSQS},
	{key: "SQS__WaitTimeSeconds", typ: Int, file: fileSQS},
	{key: "SQS__DegreeOfParallelism", typ: Int, file: fileSQS},
	{key: "SQS__MaxPriority", typ: Int, file: fileSQS},
	{key: "SQS__MaxRetries", typ: Int, file: fileSQS},
	{key: "SQS__UseSessionMessageGroupId", typ: Bool, file: fileSQS, since: "0.38.0"},

	{key: "PubSub__ProjectId", file: filePubSub},
	{key: "PubSub__Prefix", file: filePubSub},
	{key: "PubSub__KmsKeyName", file: filePubSub},
	{key: "PubSub__MessageRetention", typ: TimeSpan, file: filePubSub},
	{key: "PubSub__AckDeadlinePeriod", typ: Int, file: filePubSub},
	{key: "PubSub__AckExtendDeadlineStep", typ: Int, file: filePubSub},
	{key: "PubSub__MessageOrdering", typ: Bool, file: filePubSub},
	{key: "PubSub__ExactlyOnceDelivery", typ: Bool, file: filePubSub},

	// The NATS JetStream adapter (Adaptors/Nats) first ships in 0.36.0.
	{key: "Nats__Url", file: fileNats, since: "0.36.0"},
	{key: "Nats__AckWait", typ: Int, file: fileNats, since: "0.36.0"},
	{key: "Nats__AckExtendDeadlineStep", typ: Int, file: fileNats, since: "0.36.0"},
	{key: "Nats__DegreeOfParallelism", typ: Int, file: fileNats, since: "0.36.0"},

	// The native Google Cloud Storage adapter (Adaptors/Gcs) first ships in 0.39.0.
	{key: "Gcs__ProjectId", file: fileGcs, since: "0.39.0"},
	{key: "Gcs__BucketName", file: fileGcs, since: "0.39.0"},
	{key: "Gcs__CredentialsFilePath", file: fileGcs, since: "0.39.0"},
	{key: "Gcs__EmulatorEndpoint", file: fileGcs, since: "0.39.0"},
	{key: "Gcs__DegreeOfParallelism", typ: Int, file: fileGcs, since: "0.39.0"},
	{key: "Gcs__ChunkDownloadSize", typ: Int, file: fileGcs, since: "0.39.0"},
	{key: "Gcs__MaxRetry", typ: Int, file: fileGcs, since: "0.39.0"},
	{key: "Gcs__MsAfterRetry", typ: Int, file: fileGcs, since: "0.39.0"},

	{key: "Submitter__DefaultPartition", file: fileSubmitter},
	{key: "Submitter__MaxErrorAllowed", typ: Int, file: fileSubmitter},
	{key: "Submitter__DeletePayload", typ: Bool, file: fileSubmitter},
	{key: "Submitter__DegreeOfParallelism", typ: Int, file: fileSubmitter},
	{key: "Submitter__PreferredMessageSize", typ: Int, file: fileSubmitter, since: "0.37.0"},
	{key: "Submitter__GraceDelay", typ: TimeSpan, file: fileSubmitter, since: "0.40.1"},
	{key: "Submitter__SelfTerminationDelay", typ: TimeSpan, file: fileSubmitter, since: "0.40.1"},

	{key: "Pollster__PartitionId", file: filePollster},
	{key: "Pollster__SharedCacheFolder", file: filePollster},
	{key: "Pollster__InternalCacheFolder", file: filePollster},
	{key: "Pollster__GraceDelay", typ: TimeSpan, file: filePollster},
	{key: "Pollster__ShutdownTimeout", typ: TimeSpan, file: filePollster},
	{key: "Pollster__MaxErrorAllowed", typ: Int, file: filePollster},
	{key: "Pollster__TimeoutBeforeNextAcquisition", typ: TimeSpan, file: filePollster},
	{key: "Pollster__NbAcquisitionRetry", typ: Int, file: filePollster},
	{key: "Pollster__MessageDuplicationDelay", typ: TimeSpan, file: filePollster},
	{key: "Pollster__ProcessingCrashedDelay", typ: TimeSpan, file: filePollster},
	{key: "Pollster__FailReadinessIfNoTasks", typ: Bool, file: filePollster},
	{key: "Pollster__CacheEvictionThreshold", typ: Double, file: filePollster, since: "0.37.0"},
	{key: "Pollster__PendingRetryDelay", typ: TimeSpan, file: filePollster, since: "0.39.0"},
	{key: "Pollster__NbPendingRetry", typ: Int, file: filePollster, since: "0.39.0"},

	{key: "InitWorker__WorkerCheckRetries", typ: Int, file: fileInitWorker},
	{key: "InitWorker__WorkerCheckDelay", typ: TimeSpan, file: fileInitWorker},
	{key: "InitWorker__WorkerCheckTimeout", typ: TimeSpan, file: fileInitWorker, since: "0.38.1"},

	// InitServices (the database, partitions and users initialised by Core itself, the init
	// Job) first ships in 0.35.0; before, the database was filled by scripts (mongosh).
	{key: "InitServices__InitDatabase", typ: Bool, file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__InitObjectStorage", typ: Bool, file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__InitQueue", typ: Bool, file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__StopAfterInit", typ: Bool, file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__Authentication__Users__*", file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__Authentication__Roles__*", file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__Authentication__UserCertificates__*", file: fileInitSvc, since: "0.35.0"},
	{key: "InitServices__Partitioning__Partitions__*", file: fileInitSvc, since: "0.35.0"},

	{key: "ComputePlane__MessageBatchSize", typ: Int, file: fileComputePl},
	{key: "ComputePlane__AbortAfter", typ: TimeSpan, file: fileComputePl},
	{key: "ComputePlane__WorkerChannel__SocketType", typ: Enum, names: socketTypes, file: fileComputePl},
	{key: "ComputePlane__AgentChannel__SocketType", typ: Enum, names: socketTypes, file: fileComputePl},
	{key: "ComputePlane__WorkerChannel__KeepAlivePingTimeOut", typ: TimeSpan, file: fileComputePl},
	{key: "ComputePlane__WorkerChannel__KeepAliveTimeOut", typ: TimeSpan, file: fileComputePl},
	{key: "ComputePlane__AgentChannel__KeepAlivePingTimeOut", typ: TimeSpan, file: fileComputePl},
	{key: "ComputePlane__AgentChannel__KeepAliveTimeOut", typ: TimeSpan, file: fileComputePl},
	{key: "Authenticator__RequireAuthentication", typ: Bool, file: fileAuth},
	{key: "Authenticator__RequireAuthorization", typ: Bool, file: fileAuth},
	{key: "Serilog__MinimumLevel", typ: Enum, names: logLevels, file: fileSerilog},
}

// completeSections are the sections whose every key is in optionRows: a key of such a section
// that a version does not bind is one Core ignores (config.unread).
var completeSections = []string{
	"Components", "Amqp", "Redis", "S3", "LocalStorage", "MongoDB", "SQS", "PubSub", "Nats", "Gcs",
	"Submitter", "Pollster", "InitWorker", "InitServices",
}

// adapterRow is an adapter the submitter and polling_agent stages of Core's Dockerfile ship:
// directory /adapters/<kind>/<dir>/ArmoniK.Core.Adapters.<Name>.dll, class
// ArmoniK.Core.Adapters.<Name>.QueueBuilder or ObjectBuilder.
type adapterRow struct {
	kind, name, dir string
	since, until    string
}

var adapterRows = []adapterRow{
	{kind: "queue", name: "SQS", dir: "sqs"},
	{kind: "queue", name: "PubSub", dir: "pubsub"},
	// The RabbitMQ adapter speaks AMQP 0-9-1 (RabbitMQ.Client); removed in 0.36.0, when RabbitMQ
	// moved to the AMQP 1.0 adapter. Note its directory, rabbit, not rabbitmq.
	{kind: "queue", name: "RabbitMQ", dir: "rabbit", until: "0.36.0"},
	{kind: "queue", name: "Nats", dir: "nats", since: "0.36.0"},
	{kind: "queue", name: "Amqp", dir: "amqp"},
	{kind: "object", name: "LocalStorage", dir: "local_storage"},
	{kind: "object", name: "Redis", dir: "redis"},
	{kind: "object", name: "Embed", dir: "embed"},
	{kind: "object", name: "NullStorage", dir: "null_storage", since: "0.37.0"},
	{kind: "object", name: "S3", dir: "s3"},
	{kind: "object", name: "Gcs", dir: "gcs", since: "0.39.0"},
}

// AdapterLabel names an adapter for people ("NATS queue adapter").
func AdapterLabel(kind, name string) string {
	label := map[string]string{"Nats": "NATS", "Amqp": "AMQP 1.0", "RabbitMQ": "RabbitMQ (AMQP 0-9-1)", "Gcs": "Google Cloud Storage", "PubSub": "Pub/Sub"}[name]
	if label == "" {
		label = name
	}
	return label + " " + kind + " adapter"
}

// inRange reports whether version core lies in [since, until).
func inRange(core, since, until string) bool {
	return (since == "" || !Less(core, since)) && (until == "" || Less(core, until))
}

// Less reports whether Core version a precedes b ("0.34.5" < "0.37.2"), comparing the numeric
// fields in order; a missing field counts as 0.
func Less(a, b string) bool { return compareVersions(a, b) < 0 }

func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// keysAt returns the options of optionRows that version core binds, typed ones as Options
// citing the version's files, and every key (lower case) for config.unread.
func keysAt(core string) (typed []Option, keys []string) {
	for _, r := range optionRows {
		if !inRange(core, r.since, r.until) {
			continue
		}
		keys = append(keys, strings.ToLower(r.key))
		if r.typ != String {
			typed = append(typed, Option{Key: r.key, Type: r.typ, Names: r.names, Source: cite(core, r.file)})
		}
	}
	return typed, keys
}

// adaptersAt returns the adapters the images of version core ship.
func adaptersAt(core string) []Adapter {
	var out []Adapter
	for _, r := range adapterRows {
		if !inRange(core, r.since, r.until) {
			continue
		}
		builder := "QueueBuilder"
		if r.kind == "object" {
			builder = "ObjectBuilder"
		}
		out = append(out, Adapter{Kind: r.kind, Name: r.name,
			ClassName: "ArmoniK.Core.Adapters." + r.name + "." + builder,
			Path:      fmt.Sprintf("/adapters/%s/%s/ArmoniK.Core.Adapters.%s.dll", r.kind, r.dir, r.name)})
	}
	return out
}

// cite names a file at a Core version: "Core 0.37.2 <file>" (files of the Api are cited as
// they are).
func cite(core, file string) string {
	if strings.HasPrefix(file, "Api ") {
		return file
	}
	return "Core " + core + " " + file
}

// matchKey reports whether the configuration key k (lower case) is the option key pattern p
// (lower case, "__*" standing for any key under it).
func matchKey(p, k string) bool {
	if base, ok := strings.CutSuffix(p, "__*"); ok {
		return strings.HasPrefix(k, base+"__") && len(k) > len(base)+2
	}
	return p == k
}

// sectionOf returns the section of a key ("Amqp" for "Amqp__Host") when it is a complete
// section, else "".
func sectionOf(key string) string {
	sec, _, ok := strings.Cut(key, "__")
	if !ok {
		return ""
	}
	i := slices.IndexFunc(completeSections, func(s string) bool { return strings.EqualFold(s, sec) })
	if i < 0 {
		return ""
	}
	return completeSections[i]
}
