// Package memorystore gives ArmoniK a Google Cloud Memorystore for Redis instance created
// elsewhere, as its object store: endpoint-only, no workload.
//
//	o, err := memorystore.New(stack, "memorystore", memorystore.Config{
//		Namespace: ns, Host: "10.0.0.3", CACertificate: serverCACertsPEM,
//	})
//	// terraform apply -var memorystore_auth_string=...  (or TF_VAR_memorystore_auth_string)
//	// list o in the core layer of the ArmoniK construct, instead of Redis
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/gcp/memorystore/redis/; see armonik-reference §5.6):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Redis.ObjectBuilder  outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll                                      outputs.tf, variables.tf
//	env  Redis__EndpointUrl = <host>:<port> (port default 6378 with Ssl, 6379 without)                   outputs.tf (host:port)
//	env  Redis__Ssl = true (Config.Ssl)                                                                   outputs.tf, variables.tf ssl_option
//	env  Redis__ClientName = ArmoniK.Core                                                                 outputs.tf, variables.tf
//	env  Redis__InstanceName = ArmoniKRedis                                                               outputs.tf, variables.tf
//	env  Redis__TtlTimeSpan = 1.00:00:00 (Config.TTL)                                                  AK quick-deploy parameters.tfvars (core.env)
//	With Ssl:
//	env  Redis__CaPath = /redis/chain.pem                                                                 outputs.tf ("${var.path}/chain.pem")
//	mount_secret  <name>-ca: the CA key of the CA Secret at /redis/chain.pem (0444)                       outputs.tf redis-secret1, secrets.tf redis-ca
//	With Auth (default):
//	env  Redis__User = "" (the default user)                                                              secrets.tf redis-user-credentials
//	env_from_secret  Redis__Password <- <secret>/<password_key> (default <name>-credentials/auth-string)  secrets.tf redis-user-credentials
//
// Upstream's Secrets were named redis-user-credentials and redis-ca, like the in-cluster
// Redis's; here they derive from Config.Name. Redis__User is a plain value: it is not secret.
//
// # CA and credentials
//
// The server CA (the instance's server_ca_certs) is public: give it inline
// (Config.CACertificate, PEM; the module creates the Secret <name>-ca) or name a Secret of the
// namespace holding it (Config.CASecret, key Config.CAKey). The AUTH string comes either from
// Config.ExistingSecret (key Config.PasswordKey) or from the sensitive Terraform variable
// <name>_auth_string ('-' becomes '_'), declared without default and put into the Secret
// <name>-credentials: the value lives only in the Terraform state and the Secret. No cloud
// identity (ServiceAccount annotation) is needed: the instance is reached through the VPC.
package memorystore
