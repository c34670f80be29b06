// Package redis deploys Redis in the cluster as ArmoniK's object store and gives ArmoniK Core
// exactly the keys it reads for it.
//
//	r, err := redis.New(stack, "redis", redis.Config{Namespace: ns})
//	// list r in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/redis/; see armonik-reference §5.6):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Redis.ObjectBuilder  outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll                                   outputs.tf, variables.tf
//	env  Redis__EndpointUrl = <name>.<namespace>.svc.<cluster_domain>:6379                             outputs.tf, locals.tf (upstream: the ClusterIP)
//	env  Redis__Ssl = false, or true with TLS                                                          outputs.tf, variables.tf (upstream always true)
//	env  Redis__CaPath = /redis/chain.pem, with TLS only                                               outputs.tf ("${var.path}/chain.pem")
//	env  Redis__ClientName = ArmoniK.Core                                                              outputs.tf, variables.tf
//	env  Redis__InstanceName = ArmoniKRedis                                                            outputs.tf, variables.tf
//	env  Redis__TtlTimeSpan = 1.00:00:00 (Config.TTL)                                                  AK quick-deploy parameters.tfvars (core.env)
//	env_secret  <name>-credentials {Redis__User (empty: the default user), Redis__Password}            secrets.tf (redis-user-credentials)
//	mount_secret  <name>-ca: the CA key of Config.TLS.Secret at /redis/chain.pem (0444), with TLS only outputs.tf redis-secret1 (Secret redis at /redis)
//
// The endpoint is a DNS name, not a ClusterIP that changes when the Service is recreated.
//
// # Memory
//
// Core 0.37.2 writes payloads and results without expiry unless Redis__TtlTimeSpan is set
// (Adaptors/Redis/src/ObjectStorage.cs: TimeSpan.MaxValue means no TTL), and upstream's
// quick-deploy sets one day; so does this module (Config.TTL). The server gets a memory limit
// (default 4Gi, request 1Gi) and --maxmemory at 75% of it unless Config.MaxMemory says
// otherwise, with the noeviction policy: when full, Redis refuses writes (tasks fail with an
// error) instead of being killed by the kernel (losing every object) or evicting objects tasks
// still need (upstream's allkeys-lru). Components__ObjectStorage, which upstream still emits, is
// read by no Core since 0.13.0 and is not emitted.
//
// # What is deployed
//
//   - Deployment <name> (1 replica, Recreate) and ClusterIP Service <name> (port redis 6379), as
//     upstream's main.tf.
//   - Secret <name>-server: password (random_password). The server reads it as REDISCLI_AUTH
//     (secretKeyRef) and gets it through Kubernetes expansion of --requirepass
//     $(REDISCLI_AUTH); redis-cli reads the same variable in the readiness probe. The password
//     is never a literal. Secret <name>-credentials: Redis__User ("") and Redis__Password (the
//     same password), read whole by ArmoniK, created after the Deployment (so, with Wait, once
//     the server is ready).
//   - PersistentVolumeClaim <name>-data (default 8Gi) at /data, with the append-only file on by
//     default (Config.AppendOnly): payloads and results survive a restart. Upstream kept
//     everything in memory.
//   - maxmemory-policy noeviction by default: at MaxMemory writes fail loudly. Upstream's
//     allkeys-lru evicts payloads and results that tasks still need.
//   - Probes: TCP startup (up to 5 minutes, to load a large append-only file), redis-cli PING
//     readiness, TCP liveness; upstream had none.
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace may connect, on 6379.
//
// # TLS
//
// With Config.TLS (see modules.TLS), the server speaks TLS only, on the same port, as upstream:
// --port 0 --tls-port 6379 --tls-cert-file --tls-key-file --tls-ca-cert-file
// --tls-auth-clients no (clients send the password, not a certificate), with the user's
// Secret mounted at /tls; the readiness probe's redis-cli adds --tls --cacert (hiredis checks
// the chain against the CA, not the host name, so 127.0.0.1 passes). Upstream's
// certificate named 127.0.0.1, hence Redis__SslHost=127.0.0.1 in its deployments; this one must
// name <name>.<namespace>.svc.<cluster_domain>, the host of Redis__EndpointUrl.
//
// # Image and security
//
// redis:8.6.0-alpine, as upstream (AK versions.tfvars.json). The command is not overridden: the
// image's entrypoint receives "redis-server ..." and, started as the redis user (UID 999, GID
// 1000, set by the pod), runs the server directly. Upstream overrode the command, which skips
// the entrypoint and runs Redis as root. Read-only root filesystem (the server writes only to
// /data), no privilege escalation, every capability dropped, RuntimeDefault seccomp, no
// service-account token.
package redis
