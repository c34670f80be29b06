// Package elasticache gives ArmoniK an Amazon ElastiCache for Redis (or Valkey) replication
// group created elsewhere, as its object store: endpoint-only, no workload.
//
//	o, err := elasticache.New(stack, "elasticache", elasticache.Config{
//		Host: "master.armonik.abc123.euw3.cache.amazonaws.com",
//	})
//	// list o in the core layer of the ArmoniK construct, instead of Redis
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/aws/elasticache/; see armonik-reference §5.6):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Redis.ObjectBuilder  outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/redis/ArmoniK.Core.Adapters.Redis.dll                                      outputs.tf, variables.tf
//	env  Redis__EndpointUrl = <host>:<port> (port default 6379)                                           outputs.tf (primary endpoint)
//	env  Redis__Ssl = true (Config.Ssl)                                                                   outputs.tf, variables.tf ssl_option
//	env  Redis__ClientName = ArmoniK.Core                                                                 outputs.tf, variables.tf
//	env  Redis__CaPath = "" (Amazon's certificate is publicly trusted)                                    outputs.tf
//	env  Redis__InstanceName = ArmoniKRedis                                                               outputs.tf, variables.tf
//	env  Redis__TtlTimeSpan = 1.00:00:00 (Config.TTL)                                                  AK quick-deploy parameters.tfvars (core.env)
//	With Config.Auth only (upstream had no AUTH token):
//	env  Redis__User = Config.User (default "": the default user)
//	env_from_secret  Redis__Password <- <secret>/<password_key> (default <name>-credentials/auth-token)
//
// # Credentials
//
// Without Auth, nothing is needed: the group is reached through the VPC. With Auth, the AUTH
// token (or an RBAC user's password) comes either from Config.ExistingSecret, a Secret of the
// namespace with the key Config.PasswordKey, or from the sensitive Terraform variable
// <name>_auth_token ('-' becomes '_') that the module declares without default and puts into the
// Secret <name>-credentials it creates; the value lives only in the Terraform state and the
// Secret. No cloud identity (ServiceAccount annotation) is needed.
package elasticache
