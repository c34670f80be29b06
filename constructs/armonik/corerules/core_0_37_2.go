package corerules

// Core0372 is the rule table of ArmoniK Core 0.37.2, the Core of ArmoniK 2.23.0 (ArmoniK v2.23.0
// versions.tfvars.json: core 0.37.2, api 3.28.3, gui 0.15.1, extcsharp 0.21.2), read from
// aneoconsulting/ArmoniK.Core at tag 0.37.2, ArmoniK.Api 3.28.3 (the worker library),
// ArmoniK.Extensions.Csharp 0.19.3 (the DLL worker) and ArmoniK.Extensions.CSharp.New 0.21.2
// (the dynamic worker). Paths are inside those repositories.
//
//   - Its images ship the NATS JetStream adapter (/adapters/queue/nats) and no RabbitMQ adapter:
//     RabbitMQ is reached through the AMQP 1.0 adapter (Dockerfile; Adaptors/README.md).
//   - Core initialises the database, partitions and users itself from InitServices__*
//     (Common/src/Injection/Options/InitServices.cs): the init Job runs the control image.
//   - The images run as $APP_UID, 1654, of mcr.microsoft.com/dotnet/aspnet:10.0-azurelinux3.0-distroless.
var Core0372 = &Version{
	Core:              "0.37.2",
	Source:            "aneoconsulting/ArmoniK.Core tag 0.37.2",
	Appsettings:       appsettings(false),
	AppsettingsSource: appsettingsSources("0.37.2"),
	ImageUID:          1654,
	ImageUIDSource:    "Core 0.37.2 Dockerfile, stage base-linux: mcr.microsoft.com/dotnet/aspnet:10.0-azurelinux3.0-distroless, USER $APP_UID (1654)",
	InitServices:      true,
	MigrationGuide:    "Core 0.37.2 .docs/content/0.installation/5.version-migration.md",
}
