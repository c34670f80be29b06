package outputs

import (
	"slices"
	"strings"
)

// Family is an ArmoniK adapter family a module provides: what it is to ArmoniK.
type Family string

// The adapter families.
const (
	// FamilyQueue: the task queue (Components__QueueAdaptorSettings__*, Amqp__*, SQS__*...).
	FamilyQueue Family = "queue"
	// FamilyTable: the table storage (Components__TableStorage, MongoDB__*).
	FamilyTable Family = "table"
	// FamilyObject: the object storage (Components__ObjectStorageAdaptorSettings__*, Redis__*,
	// S3__*, LocalStorage__*).
	FamilyObject Family = "object"
	// FamilySharedStorage: the workers' shared storage (FileStorageType, S3Storage__*, a volume
	// at target_data_path).
	FamilySharedStorage Family = "shared-storage"
)

// Families lists the families in a stable order.
var Families = []Family{FamilyQueue, FamilyTable, FamilyObject, FamilySharedStorage}

// FamilyProvider is implemented by a module that declares which adapter families it provides.
// ArmoniK uses it to give each container only what it reads (the metrics exporter receives
// the table storage only) and to check that every required family is present. A module that
// does not implement it is classified by the keys it sets (InferFamilies).
type FamilyProvider interface {
	Families() []Family
}

// FamiliesOf returns the families m declares, or, when it declares none, those its outputs'
// keys belong to.
func FamiliesOf(m ModuleOutputs) []Family {
	if p, ok := m.(FamilyProvider); ok {
		if fs := p.Families(); len(fs) > 0 {
			return fs
		}
	}
	return InferFamilies(m.Outputs())
}

// InferFamilies classifies outputs by the keys they set (env names, declared keys of whole
// sources, selected keys), in the order of Families.
func InferFamilies(o Outputs) []Family {
	found := map[Family]bool{}
	see := func(name string) {
		if f, ok := familyOfKey(name); ok {
			found[f] = true
		}
	}
	for k := range o.Env {
		see(k)
	}
	for k := range o.EnvFromSecret {
		see(k)
	}
	for k := range o.EnvFromConfigMap {
		see(k)
	}
	for _, s := range append(slices.Clip(o.EnvSecret), o.EnvConfigMap...) {
		for _, k := range s.Keys {
			see(s.Prefix + k)
		}
	}
	var out []Family
	for _, f := range Families {
		if found[f] {
			out = append(out, f)
		}
	}
	return out
}

// familyPrefixes maps the lower-case configuration sections of ArmoniK Core and its workers to
// their family.
var familyPrefixes = []struct {
	prefix string
	family Family
}{
	{"components__queueadaptorsettings__", FamilyQueue},
	{"components__queuestorage", FamilyQueue},
	{"amqp__", FamilyQueue},
	{"sqs__", FamilyQueue},
	{"pubsub__", FamilyQueue},
	{"nats__", FamilyQueue},
	{"components__tablestorage", FamilyTable},
	{"mongodb__", FamilyTable},
	{"components__objectstorageadaptorsettings__", FamilyObject},
	{"components__objectstorage", FamilyObject},
	{"redis__", FamilyObject},
	{"s3__", FamilyObject},
	{"localstorage__", FamilyObject},
	{"filestoragetype", FamilySharedStorage},
	{"s3storage__", FamilySharedStorage},
}

func familyOfKey(name string) (Family, bool) {
	n := strings.ToLower(name)
	for _, p := range familyPrefixes {
		if strings.HasPrefix(n, p.prefix) {
			return p.family, true
		}
	}
	return "", false
}
