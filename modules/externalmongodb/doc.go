// Package externalmongodb gives ArmoniK a MongoDB running outside the stack as its table store:
// MongoDB Atlas, or any deployment reachable with a connection string (mongodb:// or
// mongodb+srv://). Endpoint-only, no workload. It replaces modules/mongodb.
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
//	env  MongoDB__Tls = true (Config.TLS)                                                          outputs.tf
//	env  MongoDB__DatabaseName = database (Config.DatabaseName)                                    outputs.tf
//	env  MongoDB__DirectConnection = false                                                         outputs.tf
//	env  MongoDB__AuthSource = admin (Config.AuthSource)                                           outputs.tf
//	env  MongoDB__Sharding = false (Config.Sharding)                                               outputs.tf
//	env_from_secret  MongoDB__ConnectionString <- <secret>/<connection_string_key>
//	                 (default <name>-credentials/connection-string)                                outputs.tf, secrets.tf (<cluster>-mongodbatlas-connection-string/string)
//	With Config.CASecret only (a private CA):
//	env  MongoDB__CAFile = /mongodb/certs/ca.crt
//	mount_secret  <name>-ca: the CA key of Config.CASecret at /mongodb/certs/ca.crt (0444)
//
// Core reads a non-empty connection string before anything else: it overrides Host, Port,
// User, Password, Tls, ReplicaSet and DirectConnection (ServiceCollectionExt.cs, images.md §3).
// So the module does not emit upstream's MongoDB__Host (parsed from the SRV string) nor
// MongoDB__User/Password (the Atlas admin user, also inside the string), and the string must
// carry the user, the password and the options; the database is the string's path, so end it
// with /<database_name> (MongoDB__DatabaseName is kept as upstream emitted it). TLS certificates
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
package externalmongodb
