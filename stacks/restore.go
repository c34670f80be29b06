package stacks

import (
	"fmt"

	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
)

// RestoreJob returns the Kubernetes Job that restores the MongoDB backup dump (latest, or a
// dump's UTC timestamp) of the stack named stack ("" for armonik-localhost) as cfg configures
// it, for kubectl create (scripts/mongodb-restore.sh, docs/operations.md). It builds no stack:
// the names come from the configuration the way the stack derives them (mongodb.RestoreJob).
func RestoreJob(cfg *Config, stack, dump string) (map[string]any, error) {
	if stack == "" {
		stack = LocalhostName
	}
	if stack != LocalhostName {
		return nil, fmt.Errorf("restore: %s deploys no MongoDB: backups belong to %s's table_storage.mongodb", stack, LocalhostName)
	}
	d := cfg.Localhost.WithDefaults()
	key := d.TableStorage.Key
	if key == "" {
		key = defaults[LocalhostName][RoleTableStorage]
	}
	if key != mongodb.Kind {
		return nil, fmt.Errorf("restore: localhost.table_storage is %s: only the in-cluster mongodb module has backups", key)
	}
	var mc mongodb.Config
	if c, ok := d.TableStorage.Config.(*mongodb.Config); ok && c != nil {
		mc = *c
	}
	ns, err := namespaceNamed(d.Namespace)
	if err != nil {
		return nil, err
	}
	// As the registry completes it for the stack (stacks/modules.go).
	mc.Namespace, mc.ClusterDomain = ns, or(mc.ClusterDomain, d.ClusterDomain)
	job, err := mongodb.RestoreJob(mc, dump)
	if err != nil {
		return nil, fmt.Errorf("%s: localhost.table_storage.mongodb: %w", LocalhostName, err)
	}
	return job, nil
}
