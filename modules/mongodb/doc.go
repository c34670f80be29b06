// Package mongodb deploys MongoDB in the cluster as ArmoniK's table store: a single-member
// replica set with authentication, built without an operator, and gives ArmoniK Core exactly
// the keys it reads for it.
//
//	db, err := mongodb.New(stack, "mongodb", mongodb.Config{Namespace: ns})
//	// list db in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/mongodb/; see armonik-reference §5.5):
//
//	env  Components__TableStorage = ArmoniK.Adapters.MongoDB.TableStorage      outputs.tf
//	env  MongoDB__DataRetention = 1.00:00:00 (Config.DataRetention)            AK quick-deploy parameters.tfvars (jobs.env)
//	env_from_secret  MongoDB__ConnectionString <- <name>-connection/uri        outputs.tf (mongodb-connection-string)
//	env  MongoDB__CAFile = /mongodb/certs/ca.crt, with TLS only                mongodb-percona/outputs.tf (Bitnami's: /mongodb/certificate/mongodb-ca-cert)
//	mount_secret  <name>-ca: the CA key of Config.TLS.Secret at /mongodb/certs/ca.crt (0444),
//	              with TLS only                                                mongodb-percona/outputs.tf mongo-certificate at /mongodb/certs/
//
// The connection string is
//
//	mongodb://<user>:<password>@<host>:27017/<database>?replicaSet=rs0&authSource=admin[&tls=true]
//
// built by Terraform from the password's random_password reference (letters and digits only,
// so it needs no URL escaping), with <host> the headless Service's name
// <name>-headless.<namespace>.svc.<cluster_domain>. With a non-empty connection string, Core
// 0.37.2 ignores MongoDB__Host, Port, User, Password, Tls, ReplicaSet, DirectConnection,
// AuthSource, DatabaseName, MaxConnectionPoolSize and ServerSelectionTimeout and takes the
// database from the string's path (Adaptors/MongoDB/src/ServiceCollectionExt.cs,
// GetMongoSettings and AddMongoStorages): upstream emitted all of them besides the string
// (which it misspelled MongoDB_ConnectionString, one underscore, so Core never saw it), and
// this module emits none, only what Core reads. With TLS the string carries tls=true;
// MongoDB__CAFile still applies. MongoDB__DataRetention is the TTL of finished data (Core's
// default, TimeSpan.MaxValue, keeps it forever). The user and password also stay in the Secret
// <name>-credentials (username, password) for other consumers such as an exporter.
// MongoDB__MonitoringConnectionString belongs with the mongodb-exporter, not Core.
//
// # What is deployed
//
//   - StatefulSet <name> (1 replica) with a claim template "data" (default 8Gi) at /data/db,
//     deleted with the StatefulSet unless RetainClaims; headless Service <name>-headless (port
//     mongodb 27017, publishNotReadyAddresses so the member resolves its own name before it is
//     ready). Upstream used the Bitnami chart (storage/onpremise/mongodb/main.tf) or the Percona
//     operator (storage/onpremise/mongodb-percona); this needs neither.
//   - Secret <name>-server, read by the server pod only: root-username (root), root-password,
//     keyfile (random_password of 756 letters and digits), and username (Config.User, default
//     "armonik") and password (random_password) of ArmoniK's user, which gets readWrite and
//     dbAdmin on the database and clusterAdmin, the roles upstream's Percona module grants
//     (mongodb-percona/main.tf).
//   - Secrets <name>-credentials (username, password: the same values) and <name>-connection
//     (uri), read by ArmoniK, created after the StatefulSet: with Wait, once the replica set has
//     its primary, so ArmoniK's pods start after it (upstream: AK issue #867).
//   - ConfigMap <name>-scripts: create-user.js, rs-init.js, rs-init.sh. No credential: the
//     scripts read them from their environment (secretKeyRef).
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace, and the replica set's own pods (the
//     member reaches itself through its DNS name), may connect, on 27017.
//
// # The replica set
//
// Core needs a replica set: its Events service opens change streams, which a standalone server
// does not support. The pod builds one with the official image alone:
//
//  1. An init container copies the key file from the Secret into a memory emptyDir, owned by
//     the mongodb user with mode 0400: mongod refuses a key file its group may read, and a
//     Secret's files belong to root.
//  2. mongod runs with --replSet rs0 --bind_ip_all --keyFile (authentication on). The image's
//     entrypoint, on an empty data directory, first starts a temporary server without them,
//     creates the root user from MONGO_INITDB_ROOT_USERNAME/PASSWORD (secretKeyRef) and runs
//     create-user.js, which creates ArmoniK's user.
//  3. A second container, rs-init, retries rs-init.js every 5 seconds with mongosh as root: when
//     the server reports NotYetInitialized it initiates rs0 with the single member
//     <name>-0.<name>-headless.<namespace>.svc.<cluster_domain>:27017; once the member is
//     primary it idles.
//  4. The readiness probe (mongosh, hello, which needs no authentication) passes only when the
//     member is the writable primary of rs0, so Wait means "the replica set is up".
//
// Initiating from the pod rather than from a Job was chosen because nothing outside the pod
// can block Terraform: with Wait false nothing waits at all, and with Wait true only the
// StatefulSet's rollout is awaited; a kubernetes_job_v1 would have to wait for the server,
// is replaced on every spec change, and comes back in every plan once a TTL deletes it.
// The Secrets ArmoniK reads wait for the StatefulSet instead. It is
// also self-healing: a pod that restarts on an empty data directory initiates again. The cost
// is a small idle container. postStart was not used: its output is invisible and a failure
// kills mongod.
//
// # TLS
//
// With Config.TLS (see modules.TLS), mongod runs with --tlsMode requireTLS
// --tlsCertificateKeyFile --tlsCAFile --tlsAllowConnectionsWithoutCertificates (ArmoniK
// authenticates with its password), like upstream's Bitnami and Percona modules
// (images.md §3). mongod wants the certificate and its key in one file: the init container
// that copies the key file also joins tls.crt and tls.key into /keyfile/server.pem (memory
// volume, mode 0400). The image's entrypoint starts its temporary initdb server with TLS
// allowed, not required, so the first-boot scripts run unchanged. The readiness probe and
// rs-init connect to 127.0.0.1 with --tls --tlsCAFile and --tlsAllowInvalidHostnames (the
// chain is checked; the name is the Services', not localhost's). The certificate must name
// <name>-headless.<namespace>.svc.<cluster_domain> and
// <name>-0.<name>-headless.<namespace>.svc.<cluster_domain> (the member, which ArmoniK's driver
// discovers from the replica-set configuration, and to which mongod itself connects), and
// carry both the server and client authentication usages: mongod presents it when it connects
// to members, itself included.
//
// # Image and security
//
// mongo:8.2.5, the official image at ArmoniK's pin (AK versions.tfvars.json; upstream's
// deployments use Percona's 8.0.19-7 through its operator). The pod runs as the image's mongodb
// user, 999:999, with fsGroup 999; the entrypoint then starts the server directly. No privilege
// escalation, every capability dropped, RuntimeDefault seccomp, no service-account token.
package mongodb
