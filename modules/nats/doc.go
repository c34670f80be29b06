// Package nats deploys a NATS server with JetStream in the cluster as ArmoniK's queue, for Core
// 0.36.0 and later (armonik.version 2.23.0 and core-0.40.1), whose images ship Core's NATS
// JetStream adapter. It is AEP 5's vendor swap at its plainest: list it in the core layer
// instead of ActiveMQ, and only the queue's keys change.
//
//	q, err := nats.New(stack, "nats", nats.Config{Namespace: ns, Core: corerules.Core0372})
//	// list q in the core layer of the ArmoniK construct, instead of ActiveMQ
//
// With a Core version whose images ship no NATS adapter (0.34.5, armonik.version 2.22.3),
// Validate and New fail and name the versions that have it.
//
// # Outputs
//
// What Core's NATS adapter reads (Core 0.37.2 and 0.40.1 Adaptors/Nats/src: QueueBuilder.cs,
// Nats.cs; Core's own deployment terraform/modules/storage/queue/nats/outputs.tf):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Nats.QueueBuilder
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath = /adapters/queue/nats/ArmoniK.Core.Adapters.Nats.dll
//	env_from_secret  Nats__Url <- <name>-credentials/url
//	                 nats://<user>:<password>@<name>.<namespace>.svc.<cluster_domain>:4222
//
// The adapter reads four options, Url, AckWait, AckExtendDeadlineStep and DegreeOfParallelism
// (Nats.cs); the last three keep Core's defaults (120 s, 60 s, the number of threads). It builds
// its client with new NatsClient(Nats__Url) and nothing else: no user, password, token or CA
// option. NATS.Net takes the user and the password from the URL's user information
// (nats-io/nats.net NATS.Client.Core NatsOpts.ReadUserInfoFromConnectionString), so the URL
// carries them and lives in a Secret: Nats__Url is read with secretKeyRef, never as a literal.
// The password is generated without punctuation, so it needs no escaping in the URL. Core's own
// deployment ran NATS without authentication.
//
// Without a CA option, the adapter could only trust a server certificate of the system's
// store: the connection is plain TCP inside the namespace, and the NetworkPolicy limits who may
// open it. No TLS setting is offered.
//
// The adapter publishes every task to a subject named after its partition, in one JetStream
// stream, armonik-stream, with file storage and work-queue retention, which it creates (or
// extends with the partition's subject) when a publication fails (Adaptors/Nats/src/
// PushQueueStorage.cs). The server must run JetStream with a file store: here, on the claim.
//
// # What is deployed
//
//   - StatefulSet <name> (1 replica), the official image nats:2.12.7 (FROM scratch: the server
//     binary alone), run as 1000:1000 with fsGroup 1000, with the claim template "data"
//     (default 8Gi) at /data, JetStream's store_dir, deleted with the StatefulSet unless
//     RetainClaims. A StatefulSet keeps the same claim, and server_name, across restarts.
//   - ConfigMap <name>-config: nats.conf (client port 4222, monitoring port 8222, server_name,
//     jetstream {store_dir: "/data"}, include ./auth.conf), mounted at /etc/nats/nats.conf;
//     no credential.
//   - Secret <name>-server: username and password (random_password); Secret <name>-auth: the
//     authorization block {user, password} built from the password's Terraform reference, the
//     password quoted (an unquoted value starting with a digit would parse as a number),
//     mounted at /etc/nats/auth.conf (mode 0440, the pod's group); Secret <name>-credentials:
//     url, read by ArmoniK, created after the StatefulSet (so, with Wait, once the server is
//     healthy).
//   - ClusterIP Service <name> (port client 4222). The monitoring port is not exposed: the
//     probes read it in the pod.
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace may connect, on port 4222.
//   - Probes: HTTP GET /healthz on 8222: startup and liveness with js-enabled-only=true (up,
//     JetStream on), readiness with js-server-only=true (JetStream current), as NATS's own Helm
//     chart does. Core's deployment probed /healthz too.
//
// No privilege escalation, every capability dropped, RuntimeDefault seccomp, no
// service-account token.
package nats
