// Package externalmongodb gives ArmoniK a MongoDB running outside the stack as its table store:
// MongoDB Atlas, or any deployment reachable with a connection string (mongodb:// or
// mongodb+srv://). Endpoint-only: no workload but the optional backup CronJob. It replaces
// modules/mongodb.
//
//	db, err := externalmongodb.New(stack, "externalmongodb", externalmongodb.Config{Namespace: ns})
//	// terraform apply -var externalmongodb_connection_string='mongodb+srv://user:pass@cluster.example.mongodb.net/database'
//	// list db in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/atlas/; see armonik-reference §5.5):
//
//	env  Components__TableStorage = ArmoniK.Adapters.MongoDB.TableStorage                         outputs.tf
//	env  MongoDB__DataRetention = 1.00:00:00 (Config.DataRetention)                                AK quick-deploy parameters.tfvars (jobs.env)
//	env  MongoDB__Sharding = true, only with Config.Sharding                                       outputs.tf
//	env_from_secret  MongoDB__ConnectionString <- <secret>/<connection_string_key>
//	                 (default <name>-credentials/connection-string)                                outputs.tf, secrets.tf (<cluster>-mongodbatlas-connection-string/string)
//	With Config.CASecret only (a private CA):
//	env  MongoDB__CAFile = /mongodb/certs/ca.crt
//	mount_secret  <name>-ca: the CA key of Config.CASecret at /mongodb/certs/ca.crt (0444)
//
// Core 0.37.2 reads a non-empty connection string before anything else: it then ignores Host,
// Port, User, Password, Tls, ReplicaSet, DirectConnection, AuthSource, DatabaseName,
// MaxConnectionPoolSize and ServerSelectionTimeout, and takes the database from the string's
// path (Adaptors/MongoDB/src/ServiceCollectionExt.cs, GetMongoSettings and AddMongoStorages).
// So the module emits none of those keys (upstream emitted Tls, DatabaseName, DirectConnection
// and AuthSource, all dead), and the string must carry the user, the password, the options and
// the database: a string without a path makes Core ask the driver for a null database and fail
// at startup, so the variable has a validation block that rejects it before Terraform plans
// (an existing Secret cannot be checked). MongoDB__Sharding is still read (the collections are
// sharded); MongoDB__DataRetention sets the TTL of finished data. TLS certificates
// are checked against MongoDB__CAFile when it is set, else the system store, and
// MongoDB__AllowInsecureTls (an override) is the only way to skip the check.
// MongoDB__MonitoringConnectionString belongs
// with a mongodb-exporter, not Core. Upstream listed Atlas after the user's configuration, so its
// keys could not be overridden (armonik-reference §9 row 18); here the override layer can.
// Creating the Atlas cluster, its users and its private endpoint is out of scope: use the
// MongoDB Atlas provider.
//
// # Credentials
//
// The connection string comes either from Config.ExistingSecret, a Secret of the namespace
// with the key Config.ConnectionStringKey, or from the sensitive Terraform variable
// <name>_connection_string ('-' becomes '_'), declared without default and put into the Secret
// <name>-credentials the module creates: the value lives only in the Terraform state and the
// Secret, never in the synthesized configuration. No cloud identity (ServiceAccount annotation)
// is needed.
//
// # Backups
//
// Config.Backup (default off) schedules dumps of the database through the same connection
// string to an S3 or Google Cloud Storage bucket (backup.s3 is required: this module deploys no
// store), with a retention: the CronJob <name>-backup and the ConfigMap <name>-backup-scripts
// of modules/mongodb (see mongodb.Backup); RestoreJob (go run . restore) prints the Job that
// restores one. The connection string's user needs read access to the database to dump it,
// and write access (dropCollection, insert, createIndex) to restore it with --drop. Managed
// services have their own backups (Atlas's snapshots): this is for the others, or for a copy
// you keep. The dump runs mongodump of the mongo:8.2.5 image (the MongoDB Database Tools it
// installs): check their compatibility with the server's version.
package externalmongodb
