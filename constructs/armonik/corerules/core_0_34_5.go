package corerules

// Core0345 is the rule table of ArmoniK Core 0.34.5, the Core of ArmoniK 2.22.3 (ArmoniK
// v2.22.3 versions.tfvars.json: core 0.34.5, api 3.27.0, gui 0.15.1, extcsharp 0.19.2), read
// from aneoconsulting/ArmoniK.Core at tag 0.34.5. What sets it apart from 0.37.2:
//
//   - its images ship the RabbitMQ adapter, which speaks AMQP 0-9-1 (RabbitMQ.Client), at
//     /adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll, class
//     ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder (Dockerfile, stages polling_agent and
//     submitter; Adaptors/RabbitMQ/src), and no NATS adapter (Adaptors/Nats first ships in 0.36.0);
//   - there are no InitServices options (Common/src/Injection/Options has no InitServices.cs;
//     they appear in 0.35.0): Core creates its collections and indexes itself, but partitions,
//     users, roles and certificates are documents someone inserts with mongosh (Core's own
//     deployment: terraform/modules/storage/database/mongo/mongo_init.tpl.js inserts
//     PartitionData; ArmoniK.Infra 0.13.2, ArmoniK 2.22.3's, armonik/partitions-in-database.tf and
//     authentication-in-database.tf);
//   - the authentication documents have ObjectId identifiers (Adaptors/MongoDB/src/Table/
//     DataModel/Auth/*DataModelMapping.cs: IdSerializer); 0.35.0 made them integers, the
//     migration step Migrations lists;
//   - Pollster__CacheEvictionThreshold, Submitter__PreferredMessageSize and MongoDB's
//     CausalConsistency, LogRequest and UseHashed do not exist yet (options.go);
//   - the images run as armonikuser, uid 5000, on mcr.microsoft.com/dotnet/aspnet:8.0.
var Core0345 = &Version{
	Core:              "0.34.5",
	Source:            "aneoconsulting/ArmoniK.Core tag 0.34.5",
	Appsettings:       appsettings(false),
	AppsettingsSource: appsettingsSources("0.34.5"),
	ImageUID:          5000,
	ImageUIDSource:    "Core 0.34.5 Dockerfile, stage base-linux: useradd --uid 5000 armonikuser, USER armonikuser",
	InitServices:      false,
	MigrationGuide:    "Core 0.34.5 .docs/content/0.installation/5.version-migration.md",
}
