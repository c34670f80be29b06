package corerules

// Core0401 is the rule table of ArmoniK Core 0.40.1, the newest Core (no ArmoniK release pins it
// yet: the release "core-0.40.1" runs it with ArmoniK 2.23.0's GUI and workers), read from
// aneoconsulting/ArmoniK.Core at tag 0.40.1. What it adds to 0.37.2:
//
//   - the native Google Cloud Storage object adapter, /adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll,
//     class ArmoniK.Core.Adapters.Gcs.ObjectBuilder, options Gcs__* (Adaptors/Gcs, first in 0.39.0;
//     Dockerfile stages polling_agent and submitter);
//   - Amqp__Prefix and Amqp__Separator, which name the AMQP 1.0 addresses
//     (<Prefix><partition><Separator>q<i>, "" and "###" by default: the 0.37.2 names;
//     Adaptors/QueueCommon/src/Amqp.cs, Adaptors/Amqp/src/{Push,Pull}QueueStorage.cs, from 0.38.1);
//   - Pollster__PendingRetryDelay and NbPendingRetry (0.39.0), InitWorker__WorkerCheckTimeout
//     (0.38.1), SQS__UseSessionMessageGroupId (0.38.0), Submitter__GraceDelay and
//     SelfTerminationDelay (0.40.1);
//   - a readiness endpoint on the control plane, /readiness on 1081 (Control/Submitter/src/Program.cs);
//   - an appsettings.json override of the metrics exporter's Serilog level for
//     Microsoft.AspNetCore.Http.Result (Control/Metrics/src/appsettings.json).
//
// Core's migration guide at 0.40.1 lists no step after 0.34.x -> 0.35.x.
var Core0401 = &Version{
	Core:              "0.40.1",
	Source:            "aneoconsulting/ArmoniK.Core tag 0.40.1",
	Appsettings:       appsettings(true),
	AppsettingsSource: appsettingsSources("0.40.1"),
	ImageUID:          1654,
	ImageUIDSource:    "Core 0.40.1 Dockerfile, stage base-linux: mcr.microsoft.com/dotnet/aspnet:10.0-azurelinux3.0-distroless, USER $APP_UID (1654)",
	InitServices:      true,
	ControlReadiness:  true,
	MigrationGuide:    "Core 0.40.1 .docs/content/0.installation/5.version-migration.md",
}
