package stacks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/amazonmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/elasticache"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/gcs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/hostpath"
	"github.com/armonik-cdktf/armonik-cdktf/modules/memorystore"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nats"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nfs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/pubsub"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
	"github.com/armonik-cdktf/armonik-cdktf/modules/s3"
	"github.com/armonik-cdktf/armonik-cdktf/modules/sqs"
)

// Role is what a module is to ArmoniK in a stack: its key in the stack's configuration.
type Role string

// The roles of a stack, in the order their modules are created.
const (
	RoleQueue         Role = "queue"
	RoleTableStorage  Role = "table_storage"
	RoleObjectStorage Role = "object_storage"
	RoleSharedStorage Role = "shared_storage"
)

// Roles lists the roles in creation order.
var Roles = []Role{RoleQueue, RoleTableStorage, RoleObjectStorage, RoleSharedStorage}

// Which stacks a module may be chosen in.
var (
	// inCluster modules run a service in the stack's namespace: armonik-localhost only
	// (armonik-external runs no backing service).
	inCluster = []string{LocalhostName}
	// anywhere: endpoint-only modules (managed services, NFS, a node directory), which both
	// stacks accept (armonik-localhost may mix an in-cluster queue with an external MongoDB).
	anywhere = []string{LocalhostName, ExternalName}
)

// none is the shared-storage alternative that deploys nothing.
const none = "none"

// registry is every module a configuration file can choose: adding a module is one entry here
// (and its package). Order is documentation order. Each entry says which role it fills, in
// which stacks, and how the stack completes its configuration (namespace, cluster domain, wait
// switch, role) before validating and building it.
var registry = []registered{
	register(RoleQueue, "activemq", inCluster, "deploys ActiveMQ Classic (AMQP 1.0) in the namespace (default of armonik-localhost)",
		func(v *activemq.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait, v.Core = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait), x.core
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
		}, activemq.Config.Validate, activemq.New),
	register(RoleQueue, "rabbitmq", inCluster, "deploys RabbitMQ 4.1 in the namespace (AMQP 1.0; AMQP 0-9-1 with Core 0.34.5's RabbitMQ adapter, armonik.version 2.22.3)",
		func(v *rabbitmq.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait, v.Core = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait), x.core
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
		}, rabbitmq.Config.Validate, rabbitmq.New),
	register(RoleQueue, "nats", inCluster, "deploys NATS with JetStream in the namespace (Core's NATS adapter: armonik.version 2.23.0 and later)",
		func(v *nats.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait, v.Core = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait), x.core
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
		}, nats.Config.Validate, nats.New),
	register(RoleQueue, "amazonmq", anywhere, "uses an existing Amazon MQ broker (AMQPS)",
		func(v *amazonmq.Config, x moduleContext) { v.Namespace, v.Core = x.ns, x.core }, amazonmq.Config.Validate, amazonmq.New),
	register(RoleQueue, "sqs", anywhere, "uses Amazon SQS through the pods' AWS identity",
		func(*sqs.Config, moduleContext) {}, sqs.Config.Validate, sqs.New),
	register(RoleQueue, "pubsub", anywhere, "uses Google Cloud Pub/Sub through the pods' workload identity",
		func(*pubsub.Config, moduleContext) {}, pubsub.Config.Validate, pubsub.New),

	register(RoleTableStorage, "mongodb", inCluster, "deploys a MongoDB replica set in the namespace (default of armonik-localhost)",
		func(v *mongodb.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait)
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
		}, mongodb.Config.Validate, mongodb.New),
	register(RoleTableStorage, "external_mongodb", anywhere, "uses an existing MongoDB (Atlas or any connection string)",
		func(v *externalmongodb.Config, x moduleContext) { v.Namespace = x.ns }, externalmongodb.Config.Validate, externalmongodb.New),

	register(RoleObjectStorage, "redis", inCluster, "deploys Redis in the namespace (default of armonik-localhost)",
		func(v *redis.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait)
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
		}, redis.Config.Validate, redis.New),
	register(RoleObjectStorage, "minio", inCluster, "deploys MinIO as the object store",
		func(v *minio.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait)
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
			v.Role = minio.RoleObjectStorage
		}, minio.Config.Validate, minio.New),
	register(RoleObjectStorage, "nfs", anywhere, "uses an NFS export or a ReadWriteMany StorageClass through Core's LocalStorage adapter",
		func(v *nfs.Config, x moduleContext) { v.Namespace, v.Role = x.ns, modules.RoleObjectStorage }, nfs.Config.Validate, nfs.New),
	register(RoleObjectStorage, "s3", anywhere, "uses an Amazon S3 bucket through the pods' AWS identity",
		func(v *s3.Config, _ moduleContext) { v.Role = modules.RoleObjectStorage }, s3.Config.Validate, s3.New),
	register(RoleObjectStorage, "elasticache", anywhere, "uses an Amazon ElastiCache Redis",
		func(v *elasticache.Config, x moduleContext) { v.Namespace = x.ns }, elasticache.Config.Validate, elasticache.New),
	register(RoleObjectStorage, "gcs", anywhere, "uses a Google Cloud Storage bucket through its S3 API (HMAC key), or with api: native through Core's own adapter (armonik.version core-0.40.1)",
		func(v *gcs.Config, x moduleContext) {
			v.Namespace, v.Role, v.Core = x.ns, modules.RoleObjectStorage, x.core
		}, gcs.Config.Validate, gcs.New),
	register(RoleObjectStorage, "memorystore", anywhere, "uses a Google Cloud Memorystore Redis",
		func(v *memorystore.Config, x moduleContext) { v.Namespace = x.ns }, memorystore.Config.Validate, memorystore.New),

	register(RoleSharedStorage, "minio", inCluster, "deploys MinIO as the workers' shared storage (FileStorageType=S3)",
		func(v *minio.Config, x moduleContext) {
			v.Namespace, v.ClusterDomain, v.Wait = x.ns, or(v.ClusterDomain, x.clusterDomain), orPtr(v.Wait, x.wait)
			v.PriorityClassName = or(v.PriorityClassName, x.priorityClass)
			v.Role, v.Name = minio.RoleSharedStorage, or(v.Name, "shared-storage")
		}, minio.Config.Validate, minio.New),
	register(RoleSharedStorage, "hostpath", anywhere, "shares a directory of the node, read-only at /data (single-node clusters; FileStorageType=FS)",
		func(*hostpath.Config, moduleContext) {}, hostpath.Config.Validate, hostpath.New),
	register(RoleSharedStorage, "nfs", anywhere, "mounts an NFS export or a ReadWriteMany claim read-only at /data (FileStorageType=FS)",
		func(v *nfs.Config, x moduleContext) {
			v.Namespace, v.Role, v.Name = x.ns, modules.RoleSharedStorage, or(v.Name, "shared-storage")
		}, nfs.Config.Validate, nfs.New),
	register(RoleSharedStorage, "s3", anywhere, "uses an Amazon S3 bucket through the pods' AWS identity (FileStorageType=S3)",
		func(v *s3.Config, _ moduleContext) {
			v.Role, v.Name = modules.RoleSharedStorage, or(v.Name, "shared-storage")
		}, s3.Config.Validate, s3.New),
	register(RoleSharedStorage, "gcs", anywhere, "uses a Google Cloud Storage bucket through its S3 API with an HMAC key (FileStorageType=S3)",
		func(v *gcs.Config, x moduleContext) {
			v.Namespace, v.Role, v.Name, v.Core = x.ns, modules.RoleSharedStorage, or(v.Name, "shared-storage"), x.core
		}, gcs.Config.Validate, gcs.New),
	{role: RoleSharedStorage, key: none, stacks: anywhere, doc: "deploys no shared storage (the default: only ArmoniK's DLL worker reads it)",
		newConfig: func() any { return new(bool) }},
}

// defaults are the modules of a role a stack uses when the configuration chooses none; a role
// without a default in a stack is required there. The shared storage of armonik-localhost is
// MinIO instead of none when a partition runs ArmoniK's DLL worker (the default worker of
// armonik.version 2.22.3), which reads nothing else: moduleContext.defaults.
var defaults = map[string]map[Role]string{
	LocalhostName: {RoleQueue: "activemq", RoleTableStorage: "mongodb", RoleObjectStorage: "redis", RoleSharedStorage: none},
	ExternalName:  {RoleSharedStorage: none},
}

// moduleContext is what a stack gives the modules it builds.
type moduleContext struct {
	ns            *k8s.Namespace
	clusterDomain string
	wait          *bool
	// core is the Core version of the stack's armonik.version: the modules whose outputs depend
	// on it (the AMQP queues, nats, gcs) receive it in their Config.Core.
	core *corerules.Version
	// defaults replace the stack's default module of a role.
	defaults map[Role]string
	// priorityClass is the system PriorityClass the in-cluster services run at ("" for none):
	// its name when validating, its reference when building.
	priorityClass string
}

// registered is one entry of the registry.
type registered struct {
	role      Role
	key       string
	stacks    []string
	doc       string
	newConfig func() any
	// prepare completes a decoded configuration for a stack and returns its validation and
	// its construction (nil for "none").
	prepare func(cfg any, x moduleContext, id string) module
}

// module is a chosen module, ready to validate and build in a namespace (the stack validates
// with the namespace's name, then builds with the namespace it created).
type module struct {
	path     string // e.g. "queue.activemq"
	role     Role
	validate func(ns *k8s.Namespace) error
	// build creates the module in ns; priorityClass is the system PriorityClass's reference.
	build func(scope constructs.Construct, ns *k8s.Namespace, priorityClass string) (outputs.ModuleOutputs, error)
}

// defaulter is what every module Config has.
type defaulter[C any] interface{ WithDefaults() C }

// register turns a module's Config, the function completing it for a stack, its Validate and
// its New into a registry entry. The configuration is copied: nothing writes into the caller's.
func register[C defaulter[C], M outputs.ModuleOutputs](
	role Role, key string, stacks []string, doc string,
	complete func(*C, moduleContext), validate func(C) error,
	build func(constructs.Construct, string, C) (M, error),
) registered {
	return registered{
		role: role, key: key, stacks: stacks, doc: doc,
		newConfig: func() any { return new(C) },
		prepare: func(cfg any, x moduleContext, id string) module {
			prepared := func(ns *k8s.Namespace, priorityClass string) C {
				c := *cfg.(*C)
				x.ns, x.priorityClass = ns, priorityClass
				complete(&c, x)
				return c
			}
			return module{
				role:     role,
				validate: func(ns *k8s.Namespace) error { return validate(prepared(ns, x.priorityClass).WithDefaults()) },
				build: func(scope constructs.Construct, ns *k8s.Namespace, priorityClass string) (outputs.ModuleOutputs, error) {
					m, err := build(scope, id, prepared(ns, priorityClass))
					if err != nil {
						return nil, err
					}
					return m, nil
				},
			}
		},
	}
}

// lookup returns the registry entry of key in role.
func lookup(role Role, key string) *registered {
	for i := range registry {
		if registry[i].role == role && registry[i].key == key {
			return &registry[i]
		}
	}
	return nil
}

// Type parameters naming a stack and a role, so that each choice field of each stack's
// configuration accepts exactly that stack's modules for that role.
type (
	stackTag interface{ stackName() string }
	roleTag  interface{ roleName() Role }

	onLocalhost struct{}
	onExternal  struct{}
	queueTag    struct{}
	tableTag    struct{}
	objectTag   struct{}
	sharedTag   struct{}
)

func (onLocalhost) stackName() string { return LocalhostName }
func (onExternal) stackName() string  { return ExternalName }
func (queueTag) roleName() Role       { return RoleQueue }
func (tableTag) roleName() Role       { return RoleTableStorage }
func (objectTag) roleName() Role      { return RoleObjectStorage }
func (sharedTag) roleName() Role      { return RoleSharedStorage }

// Choice is the module chosen for one role of one stack: in YAML, a mapping with one key, the
// module, and its settings ({activemq: {max_priority: 10}}; {} takes the module's defaults).
// The alternatives come from the registry.
type Choice[S stackTag, R roleTag] struct {
	// Key is the module chosen ("" for the stack's default).
	Key string
	// Config is a pointer to the module's configuration (*activemq.Config...).
	Config any
}

// Module types of each stack's choices.
type (
	LocalhostQueue         = Choice[onLocalhost, queueTag]
	LocalhostTableStorage  = Choice[onLocalhost, tableTag]
	LocalhostObjectStorage = Choice[onLocalhost, objectTag]
	LocalhostSharedStorage = Choice[onLocalhost, sharedTag]
	ExternalQueue          = Choice[onExternal, queueTag]
	ExternalTableStorage   = Choice[onExternal, tableTag]
	ExternalObjectStorage  = Choice[onExternal, objectTag]
	ExternalSharedStorage  = Choice[onExternal, sharedTag]
)

func (*Choice[S, R]) stack() string { var s S; return s.stackName() }
func (*Choice[S, R]) role() Role    { var r R; return r.roleName() }

// Alternatives implements yamlconf.Choice: the registry's modules of this role and stack.
func (c *Choice[S, R]) Alternatives() []yamlconf.Alternative {
	var out []yamlconf.Alternative
	for _, e := range registry {
		if e.role == c.role() && slices.Contains(e.stacks, c.stack()) {
			doc := e.doc
			if defaults[c.stack()][c.role()] == e.key && !strings.Contains(doc, "default") {
				doc += " (default)"
			}
			out = append(out, yamlconf.Alternative{Key: e.key, Doc: strings.ToUpper(doc[:1]) + doc[1:] + ".", New: e.newConfig})
		}
	}
	return out
}

// Choose implements yamlconf.Choice.
func (c *Choice[S, R]) Choose(key string, cfg any) { c.Key, c.Config = key, cfg }

// ChoiceRequired implements yamlconf.Choice: a role without a default in the stack is required.
func (c *Choice[S, R]) ChoiceRequired() bool { _, ok := defaults[c.stack()][c.role()]; return !ok }

// Set chooses the module key with its configuration cfg (a pointer to the module's Config, or
// nil for its defaults), as a configuration file would.
func (c *Choice[S, R]) Set(key string, cfg any) error {
	e := lookup(c.role(), key)
	if e == nil || !slices.Contains(e.stacks, c.stack()) {
		return fmt.Errorf("%s: %q is not available in %s (choose one of %s)", c.role(), key, c.stack(), c.keys())
	}
	if cfg == nil {
		cfg = e.newConfig()
	}
	if want := reflect.TypeOf(e.newConfig()); reflect.TypeOf(cfg) != want {
		return fmt.Errorf("%s.%s: the configuration is a %T, want a %s", c.role(), key, cfg, want)
	}
	c.Key, c.Config = key, cfg
	return nil
}

func (c *Choice[S, R]) keys() string {
	var keys []string
	for _, a := range c.Alternatives() {
		keys = append(keys, a.Key)
	}
	return strings.Join(keys, ", ")
}

// plan returns the module chosen (the default when none is), completed for the stack, or nil
// for none; problems name the role.
func (c *Choice[S, R]) plan(x moduleContext) (*module, error) {
	key, cfg := c.Key, c.Config
	if key == "" {
		def, ok := defaults[c.stack()][c.role()]
		if d, set := x.defaults[c.role()]; set {
			def, ok = d, true
		}
		if !ok {
			return nil, fmt.Errorf("%s: required: choose one of %s", c.role(), c.keys())
		}
		key = def
	}
	e := lookup(c.role(), key)
	if e == nil || !slices.Contains(e.stacks, c.stack()) {
		return nil, fmt.Errorf("%s.%s: not available in this stack (choose one of %s)", c.role(), key, c.keys())
	}
	if e.prepare == nil { // none
		return nil, nil
	}
	if cfg == nil {
		cfg = e.newConfig()
	}
	id := strings.ReplaceAll(key, "_", "-")
	if c.role() == RoleSharedStorage {
		id = "shared-storage"
	}
	m := e.prepare(cfg, x, id)
	m.path = string(c.role()) + "." + key
	return &m, nil
}

// planner is what each stack's choices have in common.
type planner interface {
	plan(x moduleContext) (*module, error)
}

// planAll plans the choices of a stack (in the order of Roles) and validates every chosen
// module; problems are prefixed with their path relative to the stack's section.
func planAll(x moduleContext, choices ...planner) ([]*module, []error) {
	var mods []*module
	var errs []error
	for _, c := range choices {
		m, err := c.plan(x)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m == nil {
			continue
		}
		mods = append(mods, m)
		errs = append(errs, prefixed(m.path+": ", m.validate(x.ns))...)
	}
	return mods, errs
}
