// Package mongodb deploys MongoDB in the cluster as ArmoniK's table store: a replica set of 1,
// 3, 5 or 7 members with authentication, built without an operator, optionally backed up on a
// schedule to an S3-compatible bucket, and gives ArmoniK Core exactly the keys it reads.
//
//	db, err := mongodb.New(stack, "mongodb", mongodb.Config{Namespace: ns, Replicas: 3})
//	// list db in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/mongodb/; see armonik-reference §5.5). They are the same whatever the
// number of members: only the connection string's content changes.
//
//	env  Components__TableStorage = ArmoniK.Adapters.MongoDB.TableStorage      outputs.tf
//	env  MongoDB__DataRetention = 1.00:00:00 (Config.DataRetention)            AK quick-deploy parameters.tfvars (jobs.env)
//	env_from_secret  MongoDB__ConnectionString <- <name>-connection/uri        outputs.tf (mongodb-connection-string)
//	env  MongoDB__CAFile = /mongodb/certs/ca.crt, with TLS only                mongodb-percona/outputs.tf (Bitnami's: /mongodb/certificate/mongodb-ca-cert)
//	mount_secret  <name>-ca: the CA key of Config.TLS.Secret at /mongodb/certs/ca.crt (0444),
//	              with TLS only                                                mongodb-percona/outputs.tf mongo-certificate at /mongodb/certs/
//
// The connection string lists every member:
//
//	mongodb://<user>:<password>@<name>-0.<name>-headless.<namespace>.svc.<cluster_domain>:27017,
//	  <name>-1.<name>-headless...:27017,.../<database>?replicaSet=rs0&authSource=admin[&tls=true]
//
// built by Terraform from the password's random_password reference (letters and digits only,
// so it needs no URL escaping). What Core 0.37.2 does with it (ArmoniK.Core at tag 0.37.2):
//
//   - A non-empty MongoDB__ConnectionString is parsed with MongoClientSettings.FromUrl and
//     MongoDB__Host, Port, User, Password, Tls, ReplicaSet, DirectConnection, AuthSource,
//     DatabaseName, MaxConnectionPoolSize and ServerSelectionTimeout are then ignored; the
//     database comes from the string's path (Adaptors/MongoDB/src/ServiceCollectionExt.cs,
//     GetMongoSettings and AddMongoStorages). Upstream emitted all of them besides the string
//     (which it misspelled MongoDB_ConnectionString, one underscore, so Core never saw it);
//     this module emits only what Core reads. With TLS the string carries tls=true;
//     MongoDB__CAFile still applies.
//   - replicaSet= makes the driver discover the replica set from the seed list and follow the
//     primary through elections; directConnection is not set, and must not be: the driver
//     refuses directConnection=true with several hosts. The driver, not Core, does this.
//   - Core needs a replica set even with one member: TaskWatcher.cs, ResultWatcher.cs and
//     ChangeStreamUpdate.cs open change streams (WatchAsync), which a standalone server does not
//     serve. Core opens one client session (Common/SessionProvider.cs, StartSession with
//     MongoDB__CausalConsistency) and runs no multi-document transaction (no StartTransaction
//     or WithTransaction in Adaptors/MongoDB/src). Read-only tables read with
//     ReadPreference.SecondaryPreferred (Common/BaseTable.cs), so with several members part of
//     the reads go to the secondaries.
//
// MongoDB__DataRetention is the TTL of finished data (Core's default, TimeSpan.MaxValue, keeps it
// forever). The user and password also stay in the Secret <name>-credentials (username,
// password) for other consumers. MongoDB__MonitoringConnectionString belongs with the
// mongodb-exporter, not Core.
//
// # What is deployed
//
//   - StatefulSet <name> (Config.Replicas members, default 1) with a claim template "data"
//     (default 8Gi) at /data/db, deleted with the StatefulSet or its member unless
//     RetainClaims; headless Service <name>-headless (port mongodb 27017,
//     publishNotReadyAddresses so that members resolve one another before they are ready),
//     which names member i <name>-<i>.<name>-headless.<namespace>.svc.<cluster_domain>. Upstream
//     used the Bitnami chart (storage/onpremise/mongodb/main.tf) or the Percona operator
//     (storage/onpremise/mongodb-percona); this needs neither.
//   - Secret <name>-server, read by the server pods only: root-username (root), root-password,
//     keyfile (random_password of 756 letters and digits: the shared key the members
//     authenticate to one another with) and username (Config.User, default "armonik") and
//     password (random_password) of ArmoniK's user, which gets readWrite and dbAdmin on the
//     database and clusterAdmin, the roles upstream's Percona module grants
//     (mongodb-percona/main.tf).
//   - Secrets <name>-credentials (username, password: the same values) and <name>-connection
//     (uri), created after the StatefulSet: with Wait, once every member is up, so ArmoniK's
//     pods start after the replica set (upstream: AK issue #867).
//   - ConfigMap <name>-scripts: create-user.js, replicaset.js, replicaset.sh; ConfigMap
//     <name>-members: the desired members, one per line. No credential in either.
//   - PodDisruptionBudget <name>, maxUnavailable 1 (Config.Availability), at any size.
//   - Pod anti-affinity on the node (kubernetes.io/hostname): preferred by default, required
//     or none with Config.AntiAffinity.
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace, the members themselves and the backup
//     and restore pods may connect, on 27017.
//
// # The replica set
//
// The members run the official image alone:
//
//  1. An init container copies the key file from the Secret into a memory emptyDir, owned by
//     the mongodb user with mode 0400: mongod refuses a key file its group may read, and a
//     Secret's files belong to root.
//  2. mongod runs with --replSet rs0 --bind_ip_all --keyFile (authentication on, members
//     authenticate to one another with the key). The image's entrypoint, on an empty data
//     directory, first starts a temporary server without them, creates the root user from
//     MONGO_INITDB_ROOT_USERNAME/PASSWORD (secretKeyRef) and runs create-user.js, which creates
//     ArmoniK's user. A member that joins an existing set replaces these local users with the
//     primary's (the same ones) during its initial sync.
//  3. A second container, rs-init, runs the replica-set controller (replicaset.sh run) every
//     10 seconds: member 0, when nobody has a replica set, initiates rs0 with itself alone;
//     then the primary's controller adds the members of <name>-members it does not have yet,
//     one per pass, once every member is healthy and the new one answers; and removes those
//     it should not have, unreachable ones first, never leaving fewer healthy voting members
//     than a majority. MongoDB marks a member added this way newlyAdded and does not count its
//     vote until it is a secondary (MongoDB 4.4+, SERVER-46344), and accepts one voting member
//     added or removed per reconfiguration, which is what the controller does. It never
//     forces a reconfiguration. See modules/mongodb/internal/scripts for every decision; they
//     are tested against a fake mongosh.
//  4. The readiness probe (mongosh, hello, which needs no authentication) passes only on a
//     healthy member: the primary or a secondary of rs0. A member still syncing is not ready.
//     So the StatefulSet starts the next member once the previous one has synced, and Wait
//     means "every member is up".
//
// The controller runs in the pods rather than in a Job because nothing outside the pods can
// block Terraform: with Wait false nothing waits at all; a kubernetes_job_v1 would have to wait
// for the servers, is replaced on every spec change, and comes back in every plan once a TTL
// deletes it. It is also self-healing: a member that restarts on an empty data directory gets
// the data again from the others (initial sync), and member 0, if it lost its data while the
// others kept the set, waits to be added back rather than initiating a second set.
//
// # Scaling
//
// Change Replicas and apply. The plan updates the StatefulSet's replicas, the ConfigMap
// <name>-members and the connection Secret in place (the PodDisruptionBudget does not
// change); nothing is replaced, no claim is touched, and
// the pod template does not change, so no member restarts. ArmoniK's pods roll once, as for any
// change of a Secret they read. Scaling up, the StatefulSet starts the new pods and the
// primary adds them as they answer. Scaling down, the StatefulSet stops the highest members
// first; each stopping member's preStop hook (replicaset.sh prestop) returns at once when the
// others keep a majority (5 -> 3 stops two of five: three remain), and otherwise (3 -> 1) steps
// down if it is the primary and waits, within its 300 seconds of grace, until the primary has
// removed it from the replica set. The primary learns the new member list when the kubelet
// refreshes the mounted ConfigMap (about a minute). With RetainClaims false the claims of the
// removed members are deleted (the StatefulSet's whenScaled policy); a member added back
// later starts empty and syncs.
//
// If a majority of the members is lost for good, no primary can be elected and nothing is
// reconfigured automatically: docs/operations.md gives the manual forced reconfiguration.
//
// # Backups
//
// See Backup: a CronJob dumps the database with mongodump --archive --gzip (the mongo image's
// own tools, through the connection string, never printed), uploads the dump with the AWS CLI
// to an in-cluster MinIO (<name>-backups) or an S3 API bucket (S3, GCS with an HMAC key), and
// deletes the dumps older than the retention. RestoreJob (go run . restore) prints the Job that
// restores one with mongorestore --archive --gzip --drop. The scripts are
// modules/mongodb/internal/scripts/backup.go, tested with fake aws, mongodump and mongorestore
// commands; no image runs in this repository's tests.
//
// # TLS
//
// With Config.TLS (see modules.TLS), mongod runs with --tlsMode requireTLS
// --tlsCertificateKeyFile --tlsCAFile --tlsAllowConnectionsWithoutCertificates (ArmoniK
// authenticates with its password), like upstream's Bitnami and Percona modules
// (images.md §3). mongod wants the certificate and its key in one file: the init container
// that copies the key file also joins tls.crt and tls.key into /keyfile/server.pem (memory
// volume, mode 0400). The image's entrypoint starts its temporary initdb server with TLS
// allowed, not required, so the first-boot scripts run unchanged. The readiness probe and the
// controller connect with --tls --tlsCAFile and --tlsAllowInvalidHostnames (the chain is
// checked; 127.0.0.1 is not a name of the certificate). The certificate must name every
// member, <name>-<i>.<name>-headless.<namespace>.svc.<cluster_domain> for i < Replicas (or
// the wildcard *.<name>-headless.<namespace>.svc.<cluster_domain>): ArmoniK's driver connects to
// the members by those names, and mongod itself connects to them. It must carry both the
// server and client authentication usages: mongod presents it when it connects to the other
// members. The backup and restore pods get the CA (MONGODB_CA_FILE, --sslCAFile).
//
// # Image and security
//
// mongo:8.2.5, the official image at ArmoniK's pin (AK versions.tfvars.json; upstream's
// deployments use Percona's 8.0.19-7 through its operator). The pods run as the image's
// mongodb user, 999:999, with fsGroup 999; the entrypoint then starts the server directly. No
// privilege escalation, every capability dropped, RuntimeDefault seccomp, no service-account
// token.
package mongodb
