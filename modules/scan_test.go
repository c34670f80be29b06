package modules_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nats"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// leaf is one string of the synthesized JSON with its dotted path.
type leaf struct{ path, value string }

func leaves(v any, path string, out *[]leaf) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			leaves(e, join(path, k), out)
		}
	case synthtest.JSON:
		leaves(map[string]any(x), path, out)
	case []any:
		for i, e := range x {
			leaves(e, join(path, fmt.Sprint(i)), out)
		}
	case string:
		*out = append(*out, leaf{path, x})
	}
}

func join(path, step string) string {
	if path == "" {
		return step
	}
	return path + "." + step
}

// inSecretData reports whether path is an entry of a kubernetes_secret_v1's data.
var secretData = regexp.MustCompile(`^resource\.kubernetes_secret_v1\.[^.]+\.data\.[^.]+$`)

// credentialLooking matches names that hold credentials (the contract's words, plus a few).
var credentialLooking = regexp.MustCompile(`(?i)password|secret|token|connectionstring|accesskey|credential|keyfile|passwd|uri`)

// TestSecretScan is design §7's secret scan. User names are not secret, but they are treated as
// credentials here: each is a unique canary that may appear only in Secret data. Generated
// values may be referenced only from Secret data (their random_password results), so they reach
// containers only through secretKeyRef or envFrom. No ConfigMap holds a credential-looking key
// or a reference to a credential, and no container has a credential-looking literal.
func TestSecretScan(t *testing.T) {
	st, ns := newStack(t)
	canaries := map[string]string{
		"activemq": "canaryAmqUser7e1",
		"mongodb":  "canaryMongoUser7e2",
		"s3":       "canaryS3User7e3",
		"shared":   "canarySharedUser7e4",
		"rabbitmq": "canaryRabbitUser7e5",
		"nats":     "canaryNatsUser7e6",
	}
	must(activemq.New(st, "activemq", activemq.Config{Namespace: ns, User: canaries["activemq"]}))(t)
	must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, User: canaries["mongodb"]}))(t)
	must(redis.New(st, "redis", redis.Config{Namespace: ns}))(t)
	must(minio.New(st, "s3", minio.Config{Namespace: ns, Name: "s3", User: canaries["s3"]}))(t)
	must(minio.New(st, "shared", minio.Config{Namespace: ns, Name: "shared", Role: minio.RoleSharedStorage, User: canaries["shared"]}))(t)
	must(rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, User: canaries["rabbitmq"]}))(t)
	must(nats.New(st, "nats", nats.Config{Namespace: ns, User: canaries["nats"]}))(t)
	_, out := synthtest.Synth(t, st)

	if _, ok := out["variable"]; ok {
		t.Error("the modules must not declare Terraform variables (a sensitive one with a default would leak)")
	}
	var all []leaf
	leaves(out, "", &all)
	seen := map[string]int{}
	for _, l := range all {
		if strings.Contains(l.value, "random_password.") && !secretData.MatchString(l.path) {
			t.Errorf("%s references a generated credential outside a Secret's data: %q", l.path, l.value)
		}
		for module, c := range canaries {
			if strings.Contains(l.value, c) {
				seen[module]++
				if !secretData.MatchString(l.path) {
					t.Errorf("the %s user name (canary %q) appears outside a Secret's data, at %s", module, c, l.path)
				}
			}
		}
	}
	for module, c := range canaries {
		if seen[module] == 0 {
			t.Errorf("the %s canary %q appears nowhere: the user name is not configurable, or the scan is blind", module, c)
		}
	}

	// Secret data: every credential-looking entry but the user names is generated (a reference),
	// never a literal.
	userNames := map[string]bool{
		"Amqp__User": true, "Redis__User": true, "username": true, "root-username": true,
		"S3__Login": true, "S3Storage__AccessKeyId": true, "root-user": true,
	}
	for id, s := range out.Resources("kubernetes_secret_v1") {
		data, _ := s["data"].(map[string]any)
		for k, v := range data {
			if credentialLooking.MatchString(k) && !userNames[k] && !strings.Contains(fmt.Sprint(v), "${random_password.") {
				t.Errorf("Secret %s: %q looks like a credential but is not generated: %v", id, k, v)
			}
		}
	}
	// ConfigMaps: no credential-looking key, no reference to a credential.
	cms := out.Resources("kubernetes_config_map_v1")
	if len(cms) == 0 {
		t.Fatal("expected the ActiveMQ and MongoDB ConfigMaps")
	}
	for id, cm := range cms {
		data, _ := cm["data"].(map[string]any)
		for k, v := range data {
			if credentialLooking.MatchString(k) {
				t.Errorf("ConfigMap %s: key %q looks like a credential", id, k)
			}
			s := fmt.Sprint(v)
			for _, bad := range []string{"random_password", "kubernetes_secret_v1", "${"} {
				if strings.Contains(strings.ReplaceAll(s, "$${", ""), bad) {
					t.Errorf("ConfigMap %s: key %q refers to %q", id, k, bad)
				}
			}
		}
	}
	// Containers: a credential-looking variable always comes from a Secret.
	for _, w := range workloads(out) {
		for _, c := range allContainers(w.res) {
			env, _ := c["env"].([]any)
			for _, e := range env {
				m, _ := e.(map[string]any)
				name, _ := m["name"].(string)
				if !credentialLooking.MatchString(name) {
					continue
				}
				if _, literal := m["value"]; literal || synthtest.Get(m, "value_from.secret_key_ref.name") == nil {
					t.Errorf("%s, container %v: %s must come from a Secret (secretKeyRef)", w.id, c["name"], name)
				}
			}
		}
	}
}

// TestTerraformEscaping checks that every "${" reaching Terraform opens a reference to a
// resource or a function call the modules made on purpose: literal text (activemq.xml, the
// MongoDB scripts, probes) must be escaped with k8s.Literal, or Terraform would evaluate it.
func TestTerraformEscaping(t *testing.T) {
	st, _ := deployAll(t, true)
	_, out := synthtest.Synth(t, st)
	var all []leaf
	leaves(out, "", &all)
	open := regexp.MustCompile(`\$+\{`)
	allowed := []string{"kubernetes_", "random_password.", "nonsensitive("}
	var bad []string
	for _, l := range all {
		for _, loc := range open.FindAllStringIndex(l.value, -1) {
			dollars := loc[1] - loc[0] - 1
			if dollars%2 == 0 { // "$${" is an escaped, literal "${"
				continue
			}
			rest := l.value[loc[1]:]
			ok := false
			for _, p := range allowed {
				ok = ok || strings.HasPrefix(rest, p)
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: %.60q", l.path, l.value[loc[0]:]))
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("unescaped Terraform template sequence at %s", b)
	}
	cm := out.Resources("kubernetes_config_map_v1")["activemq-config"]
	data, _ := cm["data"].(map[string]any)
	if x, _ := data["activemq.xml"].(string); !strings.Contains(x, `dataDirectory="$${activemq.data}"`) ||
		!strings.Contains(x, `password="$${ARMONIK_AMQP_PASSWORD}"`) {
		t.Errorf("activemq.xml must keep its Spring placeholders, escaped for Terraform:\n%s", x)
	}
}

// workload is a Deployment or StatefulSet of the synthesized JSON.
type workload struct {
	id  string
	res map[string]any
}

func workloads(out synthtest.JSON) []workload {
	var ws []workload
	for _, typ := range []string{"kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_job_v1"} {
		for _, id := range out.ResourceIDs(typ) {
			ws = append(ws, workload{typ + "." + id, out.Resources(typ)[id]})
		}
	}
	return ws
}

// allContainers returns the init containers and containers of a workload.
func allContainers(r map[string]any) []map[string]any {
	var out []map[string]any
	for _, k := range []string{"init_container", "container"} {
		list, _ := synthtest.Get(r, "spec.template.spec."+k).([]any)
		for _, c := range list {
			m, _ := c.(map[string]any)
			out = append(out, m)
		}
	}
	return out
}
