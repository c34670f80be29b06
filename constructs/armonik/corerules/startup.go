package corerules

import (
	"fmt"
	"strings"
)

// The startup rules every supported Core version shares (0.34.5, 0.37.2, 0.40.1), built for one
// version: each rule cites its file at that version's tag. What differs between versions is
// data (options.go: the keys and adapters each version has; the version rows core_*.go); the
// few rules that differ test the version's adapters (the AMQP 0-9-1 RabbitMQ adapter of 0.34.x,
// the Google Cloud Storage adapter of 0.39+).

// sources are the files the rules cite, at one Core version.
type sources struct {
	queueBase, amqpOpts, amqpConn, rabbitConn, addAdapter, mongo, mongoOpts, redis, redisOpts string
	s3, s3Opts, local, sqs, pubsub, nats, gcs, channel, config, dll, dynamic, metricsProg     string
}

func sourcesAt(core string) sources {
	c := func(file string) string { return cite(core, file) }
	return sources{
		queueBase:   c("Adaptors/QueueCommon/src/QueueStorageBase.cs"),
		amqpOpts:    c(fileAmqp),
		amqpConn:    c("Adaptors/Amqp/src/ConnectionAmqp.cs"),
		rabbitConn:  c("Adaptors/RabbitMQ/src/ConnectionRabbit.cs"),
		addAdapter:  c("Common/src/Injection/ServiceCollectionExt.cs (AddAdapter) and Dockerfile (stages polling_agent, submitter)"),
		mongo:       c("Adaptors/MongoDB/src/ServiceCollectionExt.cs"),
		mongoOpts:   c(fileMongo),
		redis:       c("Adaptors/Redis/src/ObjectBuilder.cs"),
		redisOpts:   c(fileRedis),
		s3:          c("Adaptors/S3/src/ObjectBuilder.cs"),
		s3Opts:      c(fileS3),
		local:       c("Adaptors/LocalStorage/src/ObjectBuilder.cs and Options/LocalStorage.cs"),
		sqs:         c("Adaptors/SQS/src/QueueBuilder.cs and " + fileSQS),
		pubsub:      c("Adaptors/PubSub/src/QueueBuilder.cs and PubSub.cs"),
		nats:        c("Adaptors/Nats/src/QueueBuilder.cs and Nats.cs"),
		gcs:         c("Adaptors/Gcs/src/ObjectBuilder.cs, ObjectStorage.cs (Init: GetBucketAsync) and Options/Gcs.cs"),
		channel:     c("Common/src/Injection/ServiceCollectionExt.cs (AddArmoniKWorkerConnection); Api packages/csharp/ArmoniK.Api.Worker/Utils/WorkerServer.cs"),
		config:      c("Compute/PollingAgent/src/Program.cs and Control/Submitter/src/Program.cs (AddEnvironmentVariables: .NET configuration keys ignore case)"),
		dll:         "Extensions.Csharp 0.19.3 Worker/src/DLLWorker/ApplicationPackageManager.cs, Common/src/Common/AppsOptions.cs (unchanged since 0.19.2)",
		dynamic:     "Extensions.CSharp.New 0.21.2 ArmoniK.Extensions.CSharp.DynamicWorker/DynamicServiceRequestContext.cs, appsettings.json",
		metricsProg: c("Control/Metrics/src/Program.cs (AddMongoComponents only)"),
	}
}

// literalRules are the value rules of a Core version that hold for one literal value alone.
func literalRules(v *Version) []LiteralRule {
	s := sourcesAt(v.Core)
	intRule := func(rule, key, source, fix string, ok func(int64) bool, want, why string) LiteralRule {
		return LiteralRule{Rule: rule, Key: key, Source: source, Fix: fix, Check: func(v string) string {
			if n, parsed := ParseInt(v); parsed && !ok(n) {
				return fmt.Sprintf("%d must be %s: %s", n, want, why)
			}
			return ""
		}}
	}
	return []LiteralRule{
		intRule("amqp.max-priority", "Amqp__MaxPriority", s.queueBase, "set max_priority on the queue module (>= 1; ArmoniK's own queue modules use 10)",
			func(n int64) bool { return n >= 1 }, ">= 1", `Core throws "Minimum value for MaxPriority is 1." when it builds the queue, and the component exits at startup`),
		intRule("amqp.link-credit", "Amqp__LinkCredit", s.queueBase, "set Amqp__LinkCredit to 1 or more (ArmoniK uses 2)",
			func(n int64) bool { return n >= 1 }, ">= 1", `Core throws "Minimum value for LinkCredit is 1." when it builds the queue`),
		intRule("amqp.connection", "Amqp__Port", s.queueBase, "set it on the queue module",
			func(n int64) bool { return n != 0 }, "!= 0", `Core throws "Port is not defined." when it builds the queue`),
		intRule("amqp.connection", "Amqp__MaxRetries", s.queueBase, "set it on the queue module",
			func(n int64) bool { return n != 0 }, "!= 0", `Core throws "MaxRetries is not defined." when it builds the queue`),
		{Rule: "amqp.scheme", Key: "Amqp__Scheme", Source: s.amqpConn, Fix: "use AMQP or AMQPS", Check: func(v string) string {
			if v != "AMQP" && v != "AMQPS" && !strings.EqualFold(v, "AMQP") {
				return fmt.Sprintf("%q is not exactly AMQP or AMQPS (Core installs its CA check only for \"AMQPS\")", v)
			}
			return ""
		}},
		{Rule: "components.table-storage", Key: "Components__TableStorage", Source: s.mongo, Fix: "set it to " + mongoTableStorage, Check: func(v string) string {
			if v != mongoTableStorage {
				return "must be exactly " + mongoTableStorage + ": Core registers no table storage otherwise"
			}
			return ""
		}},
	}
}

var logLevels = []string{"Verbose", "Debug", "Information", "Warning", "Error", "Fatal"}

// The class name of Core's MongoDB table storage, compared exactly.
const mongoTableStorage = "ArmoniK.Adapters.MongoDB.TableStorage"

var (
	coreServers = []Program{Submitter, PollingAgent}
	mongoUsers  = []Program{Submitter, PollingAgent, Metrics}
	workers     = []Program{DLLWorker, DynamicWorker, Worker}
)

func startupRules(v *Version) []Rule {
	s := sourcesAt(v.Core)
	const queueFix = "set it on the queue module"
	schemeSrc := s.amqpConn
	if _, err := v.Ships("queue", "RabbitMQ"); err == nil {
		schemeSrc += "; " + s.rabbitConn
	}
	rules := []Rule{
		{ID: "image.version", Doc: "Core images run the version these rules describe", Source: "this table", Programs: mongoUsers,
			Check: func(x *Ctx) []Verdict {
				tag := imageTag(x.cf.c.Image)
				if tag == v.Core {
					return []Verdict{{Rule: "image.version", Status: Pass, Detail: "image tag " + tag + " is the version checked", Source: "this table"}}
				}
				return []Verdict{{Rule: "image.version", Status: Warn, Source: "this table",
					Detail: fmt.Sprintf("image %s is not Core %s: the rules checked are those of Core %s and may not hold for it", x.cf.c.Image, v.Core, v.Core)}}
			}},
		caseRule(s.config),
		typedRule(v.Core, v.Options),
		unreadRule(v),
		{ID: "components.table-storage", Doc: "Components__TableStorage names Core's MongoDB table storage exactly", Source: s.mongo, Programs: mongoUsers,
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
		adapterRule(s.addAdapter, "queue", "add a queue module (activemq, rabbitmq, nats, amazonmq, sqs, pubsub)"),
		adapterRule(s.addAdapter, "object", "add an object-storage module (redis, minio, nfs, s3, elasticache, gcs, memorystore)"),
		{ID: "amqp.connection", Doc: "the AMQP adapter's options are all defined", Source: s.queueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if !amqpFamily(x) {
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
		{ID: "amqp.max-priority", Doc: "Amqp__MaxPriority >= 1", Source: s.queueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if !amqpFamily(x) {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				return []Verdict{x.IntAtLeast("Amqp__MaxPriority", 0, 1,
					`Core throws "Minimum value for MaxPriority is 1." when it builds the queue, and the component exits at startup`,
					"set max_priority on the queue module (>= 1; ArmoniK's own queue modules use 10)")}
			}},
		{ID: "amqp.link-credit", Doc: "Amqp__LinkCredit >= 1", Source: s.queueBase, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if !amqpFamily(x) {
					return []Verdict{x.NA("the queue adapter is not AMQP")}
				}
				return []Verdict{x.IntAtLeast("Amqp__LinkCredit", 0, 1,
					`Core throws "Minimum value for LinkCredit is 1." when it builds the queue`, "set Amqp__LinkCredit to 1 or more (ArmoniK uses 2)")}
			}},
		{ID: "amqp.scheme", Doc: "Amqp__Scheme is AMQP or AMQPS (exactly, for the AMQP 1.0 adapter)", Source: schemeSrc, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if !amqpFamily(x) {
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
				case rabbitAdapter(x) && (strings.EqualFold(v, "AMQP") || strings.EqualFold(v, "AMQPS")):
					// ConnectionRabbit compares the scheme with "AMQPS" ignoring case.
					return []Verdict{x.Pass(key, v+" (the RabbitMQ adapter ignores case)")}
				case strings.EqualFold(v, "AMQPS"):
					return []Verdict{x.Failf(key, "write AMQPS in capitals", "Core installs its CA check only when the scheme is exactly \"AMQPS\" (case-sensitive): with %q the broker's certificate is checked against the system store and a private CA is rejected", v)}
				case strings.EqualFold(v, "AMQP"):
					return []Verdict{x.Pass(key, v+" (the AMQP library ignores case)")}
				}
				return []Verdict{x.Failf(key, "use AMQP or AMQPS", "%q is neither AMQP nor AMQPS", v)}
			}},
		fileRule("amqp.ca-path", "Amqp__CaPath", schemeSrc, coreServers, func(x *Ctx) bool {
			v, _, _ := x.Get("Amqp__Scheme")
			return amqpFamily(x) && (v == "AMQPS" || rabbitAdapter(x) && strings.EqualFold(v, "AMQPS"))
		}),
		{ID: "sqs.service-url", Doc: "SQS__ServiceURL is set", Source: s.sqs, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "SQS" {
					return []Verdict{x.NA("the queue adapter is not SQS")}
				}
				return []Verdict{x.Required("SQS__ServiceURL", "the SQS client is built with it", "set service_url on the sqs module")}
			}},
		{ID: "pubsub.project", Doc: "PubSub__ProjectId is set", Source: s.pubsub, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "PubSub" {
					return []Verdict{x.NA("the queue adapter is not Pub/Sub")}
				}
				return []Verdict{x.Required("PubSub__ProjectId", "topics and subscriptions are named in this project", "set project_id on the pubsub module")}
			}},
		{ID: "nats.url", Doc: "Nats__Url is set", Source: s.nats, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("queue"); a == nil || a.Name != "Nats" {
					return []Verdict{x.NA("the queue adapter is not NATS")}
				}
				return []Verdict{x.Required("Nats__Url", "the NATS client connects to it", "set the NATS server URL")}
			}},
		{ID: "redis.endpoint", Doc: "Redis__EndpointUrl is set", Source: s.redis, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "Redis" {
					return []Verdict{x.NA("the object adapter is not Redis")}
				}
				return []Verdict{x.Required("Redis__EndpointUrl", "the connection aborts when it fails (AbortOnConnectFail)", "set it on the object-storage module")}
			}},
		fileRule("redis.ca-path", "Redis__CaPath", s.redis, coreServers, func(x *Ctx) bool {
			a, _ := x.Adapter("object")
			ssl, _, _ := x.Get("Redis__Ssl")
			b, _ := ParseBool(ssl)
			return a != nil && a.Name == "Redis" && b
		}),
		{ID: "s3.bucket", Doc: "S3__EndpointUrl and S3__BucketName are set", Source: s.s3, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "S3" {
					return []Verdict{x.NA("the object adapter is not S3")}
				}
				return []Verdict{
					x.Required("S3__EndpointUrl", "the S3 client's ServiceURL", "set it on the object-storage module"),
					x.Required("S3__BucketName", "every object goes into this bucket, which Core does not create", "set it on the object-storage module"),
				}
			}},
		{ID: "gcs.bucket", Doc: "Gcs__BucketName is set", Source: s.gcs, Programs: coreServers,
			Check: func(x *Ctx) []Verdict {
				if a, _ := x.Adapter("object"); a == nil || a.Name != "Gcs" {
					return []Verdict{x.NA("the object adapter is not Google Cloud Storage")}
				}
				return []Verdict{x.Required("Gcs__BucketName", "the adapter fetches this bucket when it starts (GetBucketAsync) and stores every object in it; Core does not create it", "set bucket on the gcs module")}
			}},
		{ID: "localstorage.path", Doc: "LocalStorage__Path is on a writable shared volume", Source: s.local, Programs: coreServers,
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
		{ID: "mongodb.connection", Doc: "MongoDB is reachable: a connection string naming a database, or a host", Source: s.mongo, Programs: mongoUsers,
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
		fileRule("mongodb.ca-file", "MongoDB__CAFile", s.mongo, mongoUsers, func(*Ctx) bool { return true }),
		{ID: "init.mongo-connection", Doc: "the mongosh init Job has MongoDB's connection string", Source: "constructs/armonik/dbinit.go (mongosh \"$MongoDB__ConnectionString\")", Programs: []Program{MongoInit},
			Check: func(x *Ctx) []Verdict {
				return []Verdict{x.Required("MongoDB__ConnectionString", "mongosh connects with it, and the database it names is the one Core reads",
					"use a table-storage module giving MongoDB__ConnectionString (mongodb, external_mongodb)")}
			}},
		fileRule("init.mongo-ca-file", "MongoDB__CAFile", "constructs/armonik/dbinit.go (mongosh --tlsCAFile)", []Program{MongoInit}, func(*Ctx) bool { return true }),
		{ID: "metrics.least-privilege", Doc: "the metrics exporter holds no queue or object-store credential", Source: s.metricsProg, Programs: []Program{Metrics},
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
					out = append(out, Verdict{Rule: "metrics.least-privilege", Status: Pass, Source: s.metricsProg, Detail: "no queue or object-store credential"})
				}
				return out
			}},
		{ID: "channel.addresses", Doc: "both agent-worker channel addresses are set", Source: s.channel, Programs: append([]Program{PollingAgent}, workers...),
			Check: func(x *Ctx) []Verdict {
				const why = "read with GetRequiredValue: the process exits at startup without it"
				return []Verdict{
					x.Required("ComputePlane__WorkerChannel__Address", why, "the ArmoniK construct sets it; do not override it away"),
					x.Required("ComputePlane__AgentChannel__Address", why, "the ArmoniK construct sets it; do not override it away"),
				}
			}},
		{ID: "dll.file-storage", Doc: "the DLL worker's FileStorageType is FS or S3 with its keys", Source: s.dll, Programs: []Program{DLLWorker},
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
		{ID: "dll.paths", Doc: "the DLL worker's zip and assembly directories are writable", Source: s.dll, Programs: []Program{DLLWorker},
			Check: func(x *Ctx) []Verdict {
				const why = "the DLL worker writes the application packages there"
				return []Verdict{
					x.Writable("target_zip_path", "/data", why, "set target_zip_path to a writable directory such as /tmp"),
					x.Writable("ServiceAssemblyPath", "/tmp/assemblies", why, "set ServiceAssemblyPath to a writable directory"),
				}
			}},
		{ID: "dynamic.paths", Doc: "the dynamic worker's zip and assembly directories are writable", Source: s.dynamic, Programs: []Program{DynamicWorker},
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
func adapterRule(source, kind, fix string) Rule {
	id := "adapter." + kind
	return Rule{ID: id, Doc: "the " + kind + " adapter's class and DLL are a pair the image ships", Source: source, Programs: coreServers,
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

// amqpFamily reports whether the container's queue adapter reads the Amqp section: the AMQP
// 1.0 adapter, or the AMQP 0-9-1 RabbitMQ adapter of Core < 0.36 (both build on
// QueueCommon's QueueStorageBase and its checks).
func amqpFamily(x *Ctx) bool {
	a, _ := x.Adapter("queue")
	return a != nil && (a.Name == "Amqp" || a.Name == "RabbitMQ")
}

// rabbitAdapter reports whether the container's queue adapter is the AMQP 0-9-1 RabbitMQ one.
func rabbitAdapter(x *Ctx) bool {
	a, _ := x.Adapter("queue")
	return a != nil && a.Name == "RabbitMQ"
}
