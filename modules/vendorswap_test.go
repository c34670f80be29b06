package modules_test

// Tests of AEP 5's promise: swapping one vendor for another changes only that family's keys.

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
)

// wireQueueAndTable deploys every in-cluster module plus an external MongoDB and wires ArmoniK
// with the queue and the table store given, Redis as object store and MinIO as shared storage.
func wireQueueAndTable(t *testing.T, queue, table func(allModules, *externalmongodb.Module) outputs.ModuleOutputs) wired {
	t.Helper()
	st, all := deployAll(t, false)
	ext := must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: all.ns}))(t)
	no := false
	a := must(armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns, Wait: &no,
		Layers: armonik.Layers{Core: armonik.Conf{queue(all, ext), table(all, ext), all.rd}, Worker: armonik.Conf{all.shared}},
	}))(t)
	_, out := synthtest.Synth(t, st)
	return wired{all, a, out}
}

func pickActiveMQ(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs { return a.mq }

func pickRabbitMQ(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs { return a.rq }

func pickMongoDB(a allModules, _ *externalmongodb.Module) outputs.ModuleOutputs { return a.db }

func pickExternal(_ allModules, e *externalmongodb.Module) outputs.ModuleOutputs { return e }

// valuesFrom maps each name a merged container gets from the module to its value or source.
func valuesFrom(c outputs.Container, module string) map[string]string {
	out := map[string]string{}
	for _, e := range c.Env {
		if e.From.Module != module {
			continue
		}
		out[e.Name] = "=" + e.Value
		if e.SecretKey != nil {
			out[e.Name] = "<-" + e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
		}
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			if k.From.Module == module {
				out[f.Prefix+k.Key] = "<-envFrom " + f.Secret.Name
			}
		}
	}
	return out
}

// TestVendorSwapQueue swaps ActiveMQ for RabbitMQ in ArmoniK: in every container, what the other
// modules give is identical; the queue gives the same names, and only Amqp__Host and the
// credentials' Secret differ.
func TestVendorSwapQueue(t *testing.T) {
	amq := wireQueueAndTable(t, pickActiveMQ, pickMongoDB)
	rmq := wireQueueAndTable(t, pickRabbitMQ, pickMongoDB)
	queues := map[string]bool{"activemq": true, "rabbitmq": true}
	reached := 0
	for _, p := range amq.a.Pods {
		for _, c := range p.Containers {
			other := mergedContainer(t, rmq.a, p.Name, c.Name)
			if a, b := withoutModules(c, queues), withoutModules(other, queues); a != b {
				t.Errorf("%s/%s: swapping the queue changed more than its own keys:\n%s\n---\n%s", p.Name, c.Name, a, b)
			}
			va, vr := valuesFrom(c, "activemq"), valuesFrom(other, "rabbitmq")
			if !reflect.DeepEqual(slices.Sorted(maps.Keys(va)), slices.Sorted(maps.Keys(vr))) {
				t.Errorf("%s/%s: ActiveMQ gives %v, RabbitMQ %v: the output keys must be the same", p.Name, c.Name, slices.Sorted(maps.Keys(va)), slices.Sorted(maps.Keys(vr)))
			}
			var changed []string
			for _, k := range slices.Sorted(maps.Keys(va)) {
				if va[k] != vr[k] {
					changed = append(changed, k)
				}
			}
			if len(va) > 0 {
				reached++
				if want := []string{"Amqp__Host", "Amqp__Password", "Amqp__User"}; !reflect.DeepEqual(changed, want) {
					t.Errorf("%s/%s: the swap changed %v, want %v", p.Name, c.Name, changed, want)
				}
				if vr["Amqp__User"] != "<-envFrom rabbitmq-credentials" {
					t.Errorf("%s/%s: RabbitMQ's credentials come from %s", p.Name, c.Name, vr["Amqp__User"])
				}
			}
		}
	}
	if reached != 3 { // init, control plane, polling agent; never the metrics exporter
		t.Errorf("the queue reached %d containers, want 3", reached)
	}
	strip := func(w wired) string {
		c := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
		return renderedWithout(c, []string{"Amqp__"}, []string{"activemq-credentials", "rabbitmq-credentials"})
	}
	if a, b := strip(amq), strip(rmq); a != b {
		t.Errorf("the rendered control plane changed beyond the queue's entries:\n%s\n---\n%s", a, b)
	}
}

// TestVendorSwapTable swaps the in-cluster MongoDB for an external one: only the table store's
// names, values and Secret references change, all of them MongoDB__* or
// Components__TableStorage.
func TestVendorSwapTable(t *testing.T) {
	in := wireQueueAndTable(t, pickActiveMQ, pickMongoDB)
	ext := wireQueueAndTable(t, pickActiveMQ, pickExternal)
	tables := map[string]bool{"mongodb": true, "externalmongodb": true}
	for _, p := range in.a.Pods {
		for _, c := range p.Containers {
			other := mergedContainer(t, ext.a, p.Name, c.Name)
			if a, b := withoutModules(c, tables), withoutModules(other, tables); a != b {
				t.Errorf("%s/%s: swapping the table store changed more than its own keys:\n%s\n---\n%s", p.Name, c.Name, a, b)
			}
			for _, m := range []map[string]string{valuesFrom(c, "mongodb"), valuesFrom(other, "externalmongodb")} {
				for k := range m {
					if k != "Components__TableStorage" && !strings.HasPrefix(k, "MongoDB__") {
						t.Errorf("%s/%s: the table store gives %s", p.Name, c.Name, k)
					}
				}
			}
			if got := valuesFrom(other, "externalmongodb")["MongoDB__ConnectionString"]; len(valuesFrom(c, "mongodb")) > 0 &&
				got != "<-externalmongodb-credentials/connection-string" {
				t.Errorf("%s/%s: the external connection string comes from %q", p.Name, c.Name, got)
			}
		}
	}
	strip := func(w wired) string {
		c := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
		return renderedWithout(c, []string{"MongoDB__", "Components__TableStorage"}, nil)
	}
	if a, b := strip(in), strip(ext); a != b {
		t.Errorf("the rendered control plane changed beyond the table store's entries:\n%s\n---\n%s", a, b)
	}
}
