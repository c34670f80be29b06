package modules_test

// Tests of the RabbitMQ module beside ActiveMQ.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
)

// TestActiveMQAndRabbitMQInOneNamespace deploys both brokers, with and without TLS, in one
// namespace: no two objects of a kind share a name, no RabbitMQ object carries an ActiveMQ name
// (upstream's RabbitMQ module reused activemq, activemq-user...), and their CA mounts differ.
func TestActiveMQAndRabbitMQInOneNamespace(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		st, ns := newGrid(t)
		var mc activemq.Config
		var rc rabbitmq.Config
		if withTLS {
			mc.TLS, rc.TLS = userTLS("activemq-tls"), userTLS("rabbitmq-tls")
		}
		mc.Namespace, rc.Namespace = ns, ns
		mq := must(activemq.New(st, "activemq", mc))(t)
		rq := must(rabbitmq.New(st, "rabbitmq", rc))(t)
		_, out := synthtest.Synth(t, st)
		seen := map[string]bool{}
		for _, n := range kubernetesObjects(out) {
			if seen[n] {
				t.Errorf("tls %v: two objects are called %s", withTLS, n)
			}
			seen[n] = true
		}
		for typ := range out["resource"].(map[string]any) {
			for _, r := range out.Resources(typ) {
				labels, _ := synthtest.Get(r, "metadata.labels").(map[string]any)
				name := fmt.Sprint(synthtest.Get(r, "metadata.name"))
				if labels["app.kubernetes.io/name"] == "rabbitmq" && strings.Contains(name, "activemq") {
					t.Errorf("tls %v: the RabbitMQ %s is called %s", withTLS, typ, name)
				}
			}
		}
		for n := range mq.Outputs().MountSecret {
			if _, dup := rq.Outputs().MountSecret[n]; dup {
				t.Errorf("both brokers mount %s", n)
			}
		}
	}
}
