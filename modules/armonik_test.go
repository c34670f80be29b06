package modules_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

// wired is a stack with the storage modules wired into the ArmoniK construct.
type wired struct {
	all allModules
	a   *armonik.ArmoniK
	out synthtest.JSON
}

// wire deploys every module and ArmoniK with the given object store in core and the shared
// storage in the worker layer; Wait is off (nothing here runs).
func wire(t *testing.T, object func(allModules) outputs.ModuleOutputs) wired {
	t.Helper()
	st, all := deployAll(t, false)
	no := false
	a, err := armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns,
		Wait:      &no,
		Layers: armonik.Layers{
			Core:   armonik.Conf{all.mq, all.db, object(all)},
			Worker: armonik.Conf{all.shared},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, out := synthtest.Synth(t, st)
	return wired{all, a, out}
}

// fromModules lists the names a merged container gets from the given modules, sorted.
func fromModules(c outputs.Container, modules ...string) []string {
	keep := map[string]bool{}
	for _, m := range modules {
		keep[m] = true
	}
	var names []string
	for _, e := range c.Env {
		if keep[e.From.Module] {
			names = append(names, e.Name)
		}
	}
	for _, f := range c.EnvFrom {
		for _, k := range f.Keys {
			if keep[k.From.Module] {
				names = append(names, f.Prefix+k.Key)
			}
		}
	}
	sort.Strings(names)
	return names
}

func mergedContainer(t *testing.T, a *armonik.ArmoniK, pod, container string) outputs.Container {
	t.Helper()
	for _, p := range a.Pods {
		if p.Name != pod {
			continue
		}
		for _, c := range p.Containers {
			if c.Name == container {
				return c
			}
		}
	}
	var names []string
	for _, p := range a.Pods {
		for _, c := range p.Containers {
			names = append(names, p.Name+"/"+c.Name)
		}
	}
	t.Fatalf("no container %s/%s among %v", pod, container, names)
	return outputs.Container{}
}

// secretsRead lists the Secret names (Terraform references) a rendered container reads.
func secretsRead(c map[string]any) []string {
	var out []string
	env, _ := c["env"].([]any)
	for _, e := range env {
		if n := synthtest.Get(e, "value_from.secret_key_ref.name"); n != nil {
			out = append(out, n.(string))
		}
	}
	from, _ := c["env_from"].([]any)
	for _, f := range from {
		if n := synthtest.Get(f, "secret_ref.name"); n != nil {
			out = append(out, n.(string))
		}
	}
	sort.Strings(out)
	return dedup(out)
}

func dedup(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func secretRef(id string) string { return "${kubernetes_secret_v1." + id + ".metadata[0].name}" }

// TestWiredIntoArmoniK lists the modules in the ArmoniK construct as the default stack does:
// the control plane, the polling agent and the init Job get exactly the storage keys of
// armonik-reference §5; the workers get exactly the shared-storage keys and no storage
// credential; the rendered containers read the module's Secrets through their references.
func TestWiredIntoArmoniK(t *testing.T) {
	w := wire(t, func(a allModules) outputs.ModuleOutputs { return a.rd })
	storage := []string{"activemq", "mongodb", "redis"}
	for _, pc := range [][2]string{{"control-plane", "control-plane"}, {"compute-plane-default", "polling-agent"}, {"init", "init"}} {
		got := fromModules(mergedContainer(t, w.a, pc[0], pc[1]), storage...)
		if !reflect.DeepEqual(got, coreKeys) {
			t.Errorf("%s/%s gets from the storage modules\n  %v\nwant\n  %v", pc[0], pc[1], got, coreKeys)
		}
		if shared := fromModules(mergedContainer(t, w.a, pc[0], pc[1]), "shared"); len(shared) > 0 {
			t.Errorf("%s/%s gets the workers' shared-storage keys %v", pc[0], pc[1], shared)
		}
	}
	worker := mergedContainer(t, w.a, "compute-plane-default", "worker")
	if got := fromModules(worker, storage...); len(got) > 0 {
		t.Errorf("the worker gets storage keys: %v", got)
	}
	if got := fromModules(worker, "shared"); !reflect.DeepEqual(got, workerKeys) {
		t.Errorf("the worker gets from the shared storage\n  %v\nwant\n  %v", got, workerKeys)
	}

	// Rendered: which Secrets each container reads.
	coreSecrets := []string{
		secretRef("activemq-credentials"), secretRef("mongodb-connection"), secretRef("redis-credentials"),
	}
	sort.Strings(coreSecrets)
	cp := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
	if got := secretsRead(cp); !reflect.DeepEqual(got, coreSecrets) {
		t.Errorf("the control plane reads the Secrets\n  %v\nwant\n  %v", got, coreSecrets)
	}
	compute := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "compute-plane-default"))
	if got := secretsRead(compute["polling-agent"]); !reflect.DeepEqual(got, coreSecrets) {
		t.Errorf("the polling agent reads the Secrets\n  %v\nwant\n  %v", got, coreSecrets)
	}
	if got := secretsRead(compute["worker"]); !reflect.DeepEqual(got, []string{secretRef("shared-credentials")}) {
		t.Errorf("the worker reads the Secrets %v, want only the shared storage's", got)
	}
	for _, e := range []string{"FileStorageType", "S3Storage__ServiceURL"} {
		if synthtest.Env(compute["worker"], e) == nil {
			t.Errorf("the worker lacks %s", e)
		}
	}
}

// TestVendorSwapInArmoniK swaps Redis for an object-storage MinIO in core: in every ArmoniK
// container, only the names, values and references the object store contributes change.
func TestVendorSwapInArmoniK(t *testing.T) {
	withRedis := wire(t, func(a allModules) outputs.ModuleOutputs { return a.rd })
	withMinio := wire(t, func(a allModules) outputs.ModuleOutputs { return a.s3 })
	objectOnly := map[string]bool{"redis": true, "s3": true}
	for _, p := range withRedis.a.Pods {
		for _, c := range p.Containers {
			other := mergedContainer(t, withMinio.a, p.Name, c.Name)
			if a, b := withoutModules(c, objectOnly), withoutModules(other, objectOnly); a != b {
				t.Errorf("%s/%s: swapping the object store changed more than its own keys:\n%s\n---\n%s", p.Name, c.Name, a, b)
			}
			got := fromModules(other, "s3")
			var want []string
			if len(fromModules(c, "redis")) > 0 {
				want = []string{
					"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath",
					"Components__ObjectStorageAdaptorSettings__ClassName", "S3__BucketName", "S3__EndpointUrl", "S3__Login",
					"S3__MustForcePathStyle", "S3__Password", "S3__UseChecksum", "S3__UseChunkEncoding",
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s gets from MinIO %v, want %v", p.Name, c.Name, got, want)
			}
		}
	}
	// Rendered: the control plane's container differs only in the object store's entries.
	strip := func(w wired) string {
		c := synthtest.Containers(w.out.Named(t, "kubernetes_deployment_v1", "control-plane"))["control-plane"]
		return renderedWithout(c, []string{"Redis__", "S3__", "Components__ObjectStorage"}, []string{"redis-credentials", "s3-credentials"})
	}
	if a, b := strip(withRedis), strip(withMinio); a != b {
		t.Errorf("the rendered control plane changed beyond the object store's entries:\n%s\n---\n%s", a, b)
	}
}

// withoutModules renders a merged container without the items of the given modules.
func withoutModules(c outputs.Container, drop map[string]bool) string {
	var lines []string
	for _, e := range c.Env {
		if drop[e.From.Module] {
			continue
		}
		v := "=" + e.Value
		if e.SecretKey != nil {
			v = "<-" + e.SecretKey.Ref.Name + "/" + e.SecretKey.Key
		}
		lines = append(lines, e.Name+v+" ("+e.From.String()+")")
	}
	for _, f := range c.EnvFrom {
		if drop[f.From.Module] {
			continue
		}
		b, _ := json.Marshal(f)
		lines = append(lines, "envFrom "+string(b))
	}
	for _, m := range c.Mounts {
		lines = append(lines, "mount "+m.Path+" "+m.Volume)
	}
	return strings.Join(lines, "\n")
}

// renderedWithout renders a synthesized container as JSON without the env entries whose name
// has one of the prefixes and the envFrom entries naming one of the Secrets.
func renderedWithout(c map[string]any, prefixes, secrets []string) string {
	cp := map[string]any{}
	for k, v := range c {
		cp[k] = v
	}
	var env []any
	list, _ := c["env"].([]any)
	for _, e := range list {
		name, _ := synthtest.Get(e, "name").(string)
		drop := false
		for _, p := range prefixes {
			drop = drop || strings.HasPrefix(name, p)
		}
		if !drop {
			env = append(env, e)
		}
	}
	cp["env"] = env
	var from []any
	list, _ = c["env_from"].([]any)
	for _, f := range list {
		n, _ := synthtest.Get(f, "secret_ref.name").(string)
		drop := false
		for _, s := range secrets {
			drop = drop || n == secretRef(s)
		}
		if !drop {
			from = append(from, f)
		}
	}
	cp["env_from"] = from
	b, _ := json.MarshalIndent(cp, "", " ")
	return string(b)
}

// TestTwoObjectStoresInArmoniK puts Redis and an object-storage MinIO in core: the construct
// refuses, naming both modules.
func TestTwoObjectStoresInArmoniK(t *testing.T) {
	st, all := deployAll(t, false)
	_, err := armonik.New(st, "armonik", armonik.Config{
		Namespace: all.ns,
		Layers:    armonik.Layers{Core: armonik.Conf{all.mq, all.db, all.rd, all.s3}},
	})
	if err == nil {
		t.Fatal("two object stores in core were accepted")
	}
	msg := err.Error()
	for _, w := range []string{`"redis"`, `"s3"`, "Components__ObjectStorageAdaptorSettings__ClassName", "control-plane"} {
		if !strings.Contains(msg, w) {
			t.Errorf("the error lacks %s:\n%s", w, msg)
		}
	}
}
