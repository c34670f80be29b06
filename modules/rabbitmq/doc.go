// Package rabbitmq deploys RabbitMQ in the cluster as ArmoniK's queue (AMQP 1.0, core in
// RabbitMQ 4.x) and gives ArmoniK Core exactly the keys it reads for it: the same keys as
// modules/activemq, so that one replaces the other, with names of its own.
//
//	mq, err := rabbitmq.New(stack, "rabbitmq", rabbitmq.Config{Namespace: ns})
//	// list mq in the core layer of the ArmoniK construct, instead of ActiveMQ
//
// # Core versions
//
// Config.Core (set by the stacks from armonik.version) selects the adapter Core reaches the
// broker with:
//
//   - Core < 0.36 (0.34.5, armonik.version 2.22.3) ships its own RabbitMQ adapter, which speaks
//     AMQP 0-9-1 (RabbitMQ.Client): Components__QueueAdaptorSettings__ClassName =
//     ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder, AdapterAbsolutePath =
//     /adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll (Core 0.34.5 Dockerfile, stages
//     polling_agent and submitter; Adaptors/RabbitMQ/src/QueueBuilder.cs). It reads the same Amqp
//     section (Host, Port, User, Password, Scheme, CaPath, AllowInsecureTls, MaxRetries; Core
//     0.34.5 Adaptors/RabbitMQ/src/ConnectionRabbit.cs), builds on QueueCommon's QueueStorageBase
//     (so MaxPriority >= 1 and LinkCredit >= 1 still hold), compares the scheme with AMQPS
//     ignoring case, and declares one classic queue per partition, non-durable and
//     non-exclusive, with x-max-priority = Amqp__MaxPriority (PushQueueStorage.cs,
//     PullQueueStorage.cs): max_priority is at most 255, RabbitMQ's limit, and 90-armonik.conf
//     permits the deprecated feature transient_nonexcl_queues instead of amqp_address_v1. The
//     keys are those below, with that class and path. Core's own deployment at 0.34.5 chose
//     between this adapter and the AMQP 1.0 one (terraform/modules/storage/queue/rabbitmq/outputs.tf,
//     protocol); the 0-9-1 adapter is the one made for RabbitMQ.
//   - From Core 0.36 (0.37.2 and 0.40.1) that adapter is gone (Adaptors/README.md at 0.40.1:
//     RabbitMQ through the AMQP 1.0 adapter): the keys below.
//
// Amqp__Prefix and Amqp__Separator (prefix and separator, from Core 0.38.1) are emitted only when
// set; Core's own RabbitMQ deployment at 0.40.1 sets /queues/ and "" with pre-declared queues
// (address format v2), which this module does not declare, so it keeps Core's default v1 names.
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/rabbitmq/; see armonik-reference §5.2, whose keys are §5.1's):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Amqp.QueueBuilder     outputs.tf, locals.tf
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll                                    outputs.tf, locals.tf
//	env  Amqp__Host = <name>.<namespace>.svc.<cluster_domain>                                        locals.tf rabbitmq_dns (domain was hard-coded)
//	env  Amqp__Port = 5672, or 5671 with TLS                                                         outputs.tf (service port)
//	env  Amqp__Scheme = AMQP, or AMQPS with TLS                                                      outputs.tf, variables.tf (upstream always AMQPS)
//	env  Amqp__MaxPriority = 10 (max_priority)                                                  Core terraform/modules/storage/queue/rabbitmq/outputs.tf (Infra left it to the user)
//	env  Amqp__AllowInsecureTls = true, only with allow_insecure_tls (TLS)                        (Core 0.37.2 Adaptors/Amqp/src/ConnectionAmqp.cs)
//	env  Amqp__CaPath = /amqp/ca.pem, with TLS only                                                  outputs.tf ("${var.path}/ca.pem")
//	env_secret  <name>-credentials {Amqp__User, Amqp__Password}                                      secrets.tf (rabbitmq-user-credentials)
//	mount_secret  <name>-ca: the CA key of Config.TLS.Secret at /amqp/ca.pem (0444), with TLS only   outputs.tf rabbitmq-secret1
//
// Upstream's mount_secret pointed at the Secret named activemq, and its other Secrets reused
// ActiveMQ's names (activemq-user, activemq-server-certificates...) with engine_type "ActiveMQ"
// (armonik-reference §9 row 5): both modules in one namespace collided. Here every object
// derives from Config.Name (default "rabbitmq"), so ActiveMQ and RabbitMQ coexist.
//
// # What is deployed
//
//   - StatefulSet <name> (1 replica) with the claim template "data" (default 8Gi) at
//     /var/lib/rabbitmq/mnesia (RABBITMQ_MNESIA_BASE), deleted with the StatefulSet unless
//     RetainClaims. A StatefulSet rather than a Deployment: RabbitMQ keeps its data in a
//     directory named after the node, rabbit@<host name>, and a Deployment's pod gets a new host
//     name on every restart, so the node would start empty (messages and the user gone) and leave
//     the old directory behind. The StatefulSet's pod is always <name>-0.
//   - ClusterIP Service <name> (port amqp 5672, or amqps 5671 with TLS): ArmoniK's endpoint and
//     the StatefulSet's service name. No headless Service: the node name comes from the pod's
//     host name, which /etc/hosts resolves. The management UI (15672) and Prometheus (15692)
//     listen in the pod but are not exposed (kubectl port-forward reaches them).
//   - Secret <name>-server: username (Config.User, default "armonik") and password
//     (random_password), read by the server as RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS
//     (secretKeyRef): the server, not the entrypoint, reads them, on the first boot of an empty
//     node, and creates that user instead of guest. Secret <name>-credentials: the same values
//     as Amqp__User and Amqp__Password, read whole by ArmoniK, created after the StatefulSet
//     (so, with Wait, once the broker accepts connections).
//   - ConfigMap <name>-config: 90-armonik.conf, mounted into /etc/rabbitmq/conf.d (subPath)
//     after the image's own files, so the image's defaults stay. It sets
//     deprecated_features.permit.amqp_address_v1 = true: Core 0.37.2 attaches to bare AMQP 1.0
//     addresses (<partition>###q<level>) that RabbitMQ declares on the fly, the address format
//     v1, deprecated since RabbitMQ 4.0 and permitted by default there. The key is the
//     deprecated-features mapping of rabbitmq/rabbitmq-server deps/rabbit/priv/schema/rabbit.schema
//     ("deprecated_features.permit.$name" -> rabbit.permit_deprecated_features), and the feature
//     is declared in deps/rabbit/src/rabbit_amqp_session.erl (amqp_address_v1, deprecation_phase
//     permitted_by_default; RabbitMQ docs, AMQP 1.0, "Address v1"). Setting it explicitly keeps
//     Core 0.37.2 working on a release that denies it by default; Core >= 0.38.1 can use v2
//     addresses with pre-declared queues instead (images.md §2).
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace may connect, on the AMQP port.
//   - Probes: TCP on the AMQP port (startup up to 5 minutes, readiness, liveness); the listeners
//     open at the end of the boot. Upstream's Bitnami chart ran rabbitmq-diagnostics, which
//     starts an Erlang VM at every probe.
//
// AMQP 1.0 needs no plugin in RabbitMQ 4.x (upstream enabled rabbitmq_amqp1_0 for 3.x). Core
// authenticates with SASL PLAIN, which RabbitMQ requires for AMQP 1.0.
//
// # TLS
//
// With Config.TLS (see modules.TLS), the user's Secret is mounted at /etc/rabbitmq/tls and
// 90-armonik.conf closes the plain listener (listeners.tcp = none) and opens AMQPS on 5671
// (listeners.ssl.default, ssl_options.certfile, keyfile, cacertfile; verify_none: clients
// authenticate with their password, not a certificate). The certificate must name
// <name>.<namespace>.svc.<cluster_domain>, Amqp__Host, or allow_insecure_tls: true must set
// Amqp__AllowInsecureTls (the key Core 0.37.2's AMQP adapter reads for the host check,
// Adaptors/Amqp/src/ConnectionAmqp.cs; upstream's Amqp__AllowHostMismatch is not read by it).
// Upstream's chart generated a self-signed certificate.
//
// # Image and security
//
// rabbitmq:4.1-management, the official image (upstream: bitnamilegacy/rabbitmq:4.1.3 through
// the Bitnami chart). The pod runs as the image's rabbitmq user, 999:999, with fsGroup 999, so
// the entrypoint starts the server directly. HOME (/var/lib/rabbitmq, where the server writes
// its Erlang cookie with mode 0400) stays on the container's file system, outside the claim:
// on a volume, the kubelet's fsGroup handling would make the cookie group-readable at the next
// mount, and Erlang refuses such a cookie. A single node needs the cookie only for its own
// CLI tools, so a new one per container is harmless. No privilege escalation, every
// capability dropped, RuntimeDefault seccomp, no service-account token. The entrypoint exits
// when deprecated variables (RABBITMQ_SSL_*, *_FILE, RABBITMQ_VM_MEMORY_HIGH_WATERMARK) are
// set: the module sets none, TLS lives in the configuration file.
package rabbitmq
