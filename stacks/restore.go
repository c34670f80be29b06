package stacks

import (
	"fmt"

	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
)

// RestoreJob returns the Kubernetes Job that restores the MongoDB backup dump (latest, or a
// dump's UTC timestamp) of the stack named stack ("" for the first configured stack with a
// MongoDB that is backed up) as cfg configures it, for kubectl create
// (scripts/mongodb-restore.sh, docs/operations.md). It builds no stack: the names come from the
// configuration the way the stack derives them (mongodb.RestoreJob, externalmongodb.RestoreJob).
func RestoreJob(cfg *Config, stack, dump string) (map[string]any, error) {
	type candidate struct {
		stack, namespace, clusterDomain, key string
		config                               any
	}
	l, x := cfg.Localhost.WithDefaults(), cfg.External
	var all []candidate
	for _, s := range cfg.SelectedStacks() {
		switch s {
		case LocalhostName:
			all = append(all, candidate{s, l.Namespace, l.ClusterDomain, or(l.TableStorage.Key, defaults[LocalhostName][RoleTableStorage]), l.TableStorage.Config})
		case ExternalName:
			all = append(all, candidate{s, or(x.Namespace, "armonik"), "", x.TableStorage.Key, x.TableStorage.Config})
		}
	}
	var c *candidate
	for i := range all {
		if stack == all[i].stack || (stack == "" && backedUp(all[i].config)) {
			c = &all[i]
			break
		}
	}
	switch {
	case c == nil && stack != "":
		return nil, fmt.Errorf("restore: %s is not a configured stack with a MongoDB (stacks: %v)", stack, cfg.SelectedStacks())
	case c == nil && len(all) > 0:
		c = &all[0] // its error says what is missing
	case c == nil:
		return nil, fmt.Errorf("restore: no configured stack has a MongoDB")
	}
	ns, err := namespaceNamed(c.namespace)
	if err != nil {
		return nil, err
	}
	prefix := "localhost"
	if c.stack == ExternalName {
		prefix = "external"
	}
	var job map[string]any
	switch mc := c.config.(type) {
	case *mongodb.Config:
		m := *mc
		// As the registry completes it for the stack (stacks/modules.go).
		m.Namespace, m.ClusterDomain = ns, or(m.ClusterDomain, c.clusterDomain)
		job, err = mongodb.RestoreJob(m, dump)
	case *externalmongodb.Config:
		m := *mc
		m.Namespace = ns
		job, err = externalmongodb.RestoreJob(m, dump)
	case nil:
		if c.key == mongodb.Kind {
			job, err = mongodb.RestoreJob(mongodb.Config{Namespace: ns, ClusterDomain: c.clusterDomain}, dump)
		} else {
			err = fmt.Errorf("restore: %s.table_storage is not set", prefix)
		}
	default:
		err = fmt.Errorf("restore: %s.table_storage is %s: only mongodb and external_mongodb have backups", prefix, c.key)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s.table_storage.%s: %w", c.stack, prefix, c.key, err)
	}
	return job, nil
}

// backedUp reports whether a table storage configuration has its backups on.
func backedUp(cfg any) bool {
	switch c := cfg.(type) {
	case *mongodb.Config:
		return c.Backup.Enabled
	case *externalmongodb.Config:
		return c.Backup.Enabled
	}
	return false
}
