// Package amazonmq gives ArmoniK an Amazon MQ broker (ActiveMQ or RabbitMQ engine) created
// elsewhere, as its AMQP queue: endpoint-only, no workload.
//
//	mq, err := amazonmq.New(stack, "amazonmq", amazonmq.Config{
//		Namespace: ns, Host: "b-1234abcd.mq.eu-west-3.amazonaws.com",
//	})
//	// terraform apply -var amazonmq_user=... -var amazonmq_password=...  (or TF_VAR_amazonmq_user...)
//	// list mq in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/aws/mq/; see armonik-reference §5.3):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Amqp.QueueBuilder     outputs.tf, variables.tf
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll                                    outputs.tf, variables.tf
//	env  Amqp__Host = Config.Host                                                                    outputs.tf (host of the broker's endpoint)
//	env  Amqp__Port = Config.Port (default 5671)                                                     outputs.tf (port of the endpoint)
//	env  Amqp__Scheme = Config.Scheme (default AMQPS)                                                outputs.tf, variables.tf scheme
//	env  Amqp__MaxPriority = 10 (max_priority)                                                  Core terraform/modules/storage/queue/activemq/outputs.tf (Infra left it to the user)
//	env  Amqp__AllowInsecureTls = true, only with allow_insecure_tls (TLS)                        (Core 0.37.2 Adaptors/Amqp/src/ConnectionAmqp.cs)
//	env_from_secret  Amqp__User     <- <secret>/<user_key>      (default <name>-credentials/username)  secrets.tf (activemq-user-credentials)
//	env_from_secret  Amqp__Password <- <secret>/<password_key>  (default <name>-credentials/password)  secrets.tf
//
// Upstream parsed host and port from the broker's endpoints (endpoints[1], amqp+ssl, for
// ActiveMQ; endpoints[0] for RabbitMQ); give them from the broker's console or from your own
// Terraform outputs. No Amqp__CaPath and no mount: Amazon MQ's certificate is issued by a public
// CA, which Core's system store trusts. Upstream's env_secret Secret was named
// activemq-user-credentials, like the in-cluster ActiveMQ's; env_from_secret lets the user's
// own Secret keep its key names.
//
// # Credentials
//
// Either Config.ExistingSecret names a Secret of the namespace that holds the broker user and
// password (keys Config.UserKey and Config.PasswordKey), created outside this stack (External
// Secrets, Sealed Secrets, kubectl): nothing is created. Or the module declares two sensitive
// Terraform variables, <name>_user and <name>_password ('-' becomes '_'), without default
// (plan fails until they are set with -var, a .tfvars file or TF_VAR_<name>), and creates the
// Secret <name>-credentials from them: the values live only in the Terraform state and the
// Secret, never in the synthesized configuration. No cloud identity is needed.
package amazonmq
