package modules

// AMQP holds what ArmoniK Core's AMQP queue adapter reads beyond the broker's endpoint and
// credentials. The AMQP modules (activemq, rabbitmq, amazonmq) embed it.
type AMQP struct {
	// MaxPriority is Amqp__MaxPriority, the highest task priority (default 10, the value of
	// Core's own queue modules, terraform/modules/storage/queue/*/outputs.tf; at least 1: Core
	// 0.37.2 throws "Minimum value for MaxPriority is 1." when it builds the queue, and the
	// control plane, the init Job and every polling agent exit at startup,
	// Adaptors/QueueCommon/src/QueueStorageBase.cs).
	MaxPriority int `json:"max_priority,omitempty" yaml:"max_priority,omitempty"`
	// AllowInsecureTLS is Amqp__AllowInsecureTls: with TLS, accept a server certificate whose
	// name does not match Amqp__Host (default false; TLS only). Core 0.37.2's AMQP adapter hands
	// this key to its certificate check (Adaptors/Amqp/src/ConnectionAmqp.cs);
	// Amqp__AllowHostMismatch, which upstream's deployments set, is bound but never read by it.
	AllowInsecureTLS bool `json:"allow_insecure_tls,omitempty" yaml:"allow_insecure_tls,omitempty"`
	// Prefix is Amqp__Prefix, put before every queue and link address, such as "/queues/" for
	// RabbitMQ's address format v2 (default "": not emitted). Core reads it from 0.38.1
	// (armonik.version core-0.40.1; Core 0.40.1 Adaptors/QueueCommon/src/Amqp.cs), and it names
	// the addresses <prefix><partition><separator>q<i> (Adaptors/Amqp/src/PushQueueStorage.cs).
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	// Separator is Amqp__Separator, between the partition and the queue index (default: not
	// emitted, Core's "###"; from Core 0.38.1, like prefix).
	Separator *string `json:"separator,omitempty" yaml:"separator,omitempty"`
}

// DefaultMaxPriority is the default Amqp__MaxPriority.
const DefaultMaxPriority = 10

// WithDefaults returns a with every unset field set to its default.
func (a AMQP) WithDefaults() AMQP {
	if a.MaxPriority == 0 {
		a.MaxPriority = DefaultMaxPriority
	}
	return a
}

// Roles of the modules that can serve either as ArmoniK Core's object store or as the workers'
// shared storage (minio, s3, gcs, nfs): the stacks set Role from where the module is listed.
const (
	// RoleObjectStorage makes the instance Core's object store (S3__*, LocalStorage__*).
	RoleObjectStorage = "object-storage"
	// RoleSharedStorage makes the instance the workers' shared storage, read by the DLL worker
	// (FileStorageType and S3Storage__*, or a volume at target_data_path).
	RoleSharedStorage = "shared-storage"
)

// SharedDataPath is target_data_path, where the DLL worker reads the application packages with
// FileStorageType=FS (its default, Extensions.Csharp 0.19.3 Worker/src/DLLWorker/appsettings.json).
const SharedDataPath = "/data"
