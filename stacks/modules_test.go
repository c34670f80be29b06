package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// TestRegistry: one entry per role and key, every default available in its stack, every role
// with at least one module in each stack, and no in-cluster module in armonik-external.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range registry {
		k := string(e.role) + "." + e.key
		if seen[k] {
			t.Errorf("%s registered twice", k)
		}
		seen[k] = true
		if e.doc == "" || e.newConfig == nil {
			t.Errorf("%s: doc and config type are required", k)
		}
	}
	for stack, roles := range defaults {
		for role, key := range roles {
			if e := lookup(role, key); e == nil || !contains(e.stacks, stack) {
				t.Errorf("the default %s.%s of %s is not available there", role, key, stack)
			}
		}
	}
	// armonik-platform takes no storage module: only the ArmoniK stacks.
	for _, stack := range []string{LocalhostName, ExternalName} {
		for _, role := range Roles {
			n := 0
			for _, e := range registry {
				if e.role == role && contains(e.stacks, stack) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("%s has no %s module", stack, role)
			}
		}
	}
	for _, key := range []string{"activemq", "rabbitmq", "mongodb", "redis", "minio"} {
		for _, e := range registry {
			if e.key == key && contains(e.stacks, ExternalName) {
				t.Errorf("in-cluster module %s.%s is available in armonik-external", e.role, key)
			}
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestChoiceSet chooses modules from Go as a file would.
func TestChoiceSet(t *testing.T) {
	var cfg LocalhostConfig
	if err := cfg.ObjectStorage.Set("redis", &redis.Config{MaxMemory: "1gb"}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Queue.Set("activemq", nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{cfg.Queue.Set("kafka", nil), `queue: "kafka" is not available in armonik-localhost (choose one of activemq, rabbitmq, nats, amazonmq, sqs, pubsub)`},
		{cfg.Queue.Set("rabbitmq", &activemq.Config{}), "queue.rabbitmq: the configuration is a *activemq.Config, want a *rabbitmq.Config"},
		{(&ExternalConfig{}).Queue.Set("activemq", nil), `queue: "activemq" is not available in armonik-external`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
	}
	mods, errs := cfg.plan()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var paths []string
	for _, m := range mods {
		paths = append(paths, m.path)
	}
	if got := fmt.Sprint(paths); got != "[queue.activemq table_storage.mongodb object_storage.redis]" {
		t.Errorf("planned %s", got)
	}
}
