package modules_test

// Tests of the endpoint-only modules (amazonmq, sqs, pubsub, s3, gcs, elasticache,
// memorystore, externalmongodb): what they declare, and that no credential reaches the JSON.

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/amazonmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/elasticache"
	"github.com/armonik-cdktf/armonik-cdktf/modules/externalmongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/gcs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/hostpath"
	"github.com/armonik-cdktf/armonik-cdktf/modules/memorystore"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nfs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/pubsub"
	"github.com/armonik-cdktf/armonik-cdktf/modules/s3"
	"github.com/armonik-cdktf/armonik-cdktf/modules/sqs"
)

// endpointModules are the modules without workloads, each in its usual configuration: amazonmq,
// externalmongodb and memorystore with credentials from sensitive variables, elasticache and
// gcs from existing Secrets.
type endpointModules struct {
	amq  *amazonmq.Module
	sqs  *sqs.Module
	s3   *s3.Module
	ec   *elasticache.Module
	ext  *externalmongodb.Module
	gcs  *gcs.Module
	ps   *pubsub.Module
	ms   *memorystore.Module
	nfs  *nfs.Module // an export
	nfsc *nfs.Module // a StorageClass
	hp   *hostpath.Module
}

func deployEndpoints(t *testing.T, st cdk.Stack, ns *k8s.Namespace) endpointModules {
	t.Helper()
	return endpointModules{
		amq: must(amazonmq.New(st, "amazonmq", amazonmq.Config{Namespace: ns, Host: "b-1234.mq.eu-west-3.amazonaws.com"}))(t),
		sqs: must(sqs.New(st, "sqs", sqs.Config{Region: "eu-west-3"}))(t),
		s3:  must(s3.New(st, "aws-s3", s3.Config{Name: "aws-s3", Region: "eu-west-3", Bucket: "armonik-objects"}))(t),
		ec: must(elasticache.New(st, "elasticache", elasticache.Config{
			Namespace: ns, Host: "master.armonik.abc123.euw3.cache.amazonaws.com", Auth: true, ExistingSecret: "ec-auth",
		}))(t),
		ext:  must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns}))(t),
		gcs:  must(gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "armonik-objects", ExistingSecret: "gcs-hmac"}))(t),
		ps:   must(pubsub.New(st, "pubsub", pubsub.Config{ProjectID: "armonik-project"}))(t),
		ms:   must(memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3", CACertificate: testCA}))(t),
		nfs:  must(nfs.New(st, "nfs", nfs.Config{Namespace: ns, Server: "nfs.example.internal", Path: "/exports/armonik"}))(t),
		nfsc: must(nfs.New(st, "nfs-csi", nfs.Config{Namespace: ns, Name: "nfs-csi", StorageClass: "nfs-csi"}))(t),
		hp:   must(hostpath.New(st, "hostpath", hostpath.Config{}))(t),
	}
}

// variableValidation matches the condition of a variable's validation block.
var variableValidation = regexp.MustCompile(`^variable\.[^.]+\.validation\.\d+\.condition$`)

// TestSensitiveVariables is the secret scan of the endpoint-only modules. Their credentials are
// sensitive Terraform variables: declared with type string, sensitive, not nullable and no
// default, and referenced only from the data of the Secret the module creates, exactly as
// ${var.<name>}. A value given to Terraform (TF_VAR_*) never reaches the synthesized JSON.
func TestSensitiveVariables(t *testing.T) {
	const canary = "canaryTfVar9f3"
	want := []string{
		"amazonmq_password", "amazonmq_user", "elasticache_auth_token", "externalmongodb_connection_string",
		"gcs_access_id", "gcs_secret", "memorystore_auth_string",
	}
	for _, v := range want {
		t.Setenv("TF_VAR_"+v, canary)
	}
	st, ns := newGrid(t)
	must(amazonmq.New(st, "amazonmq", amazonmq.Config{Namespace: ns, Host: "b-1234.mq.eu-west-3.amazonaws.com"}))(t)
	must(elasticache.New(st, "elasticache", elasticache.Config{Namespace: ns, Host: "redis.example.internal", Auth: true}))(t)
	must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{Namespace: ns}))(t)
	must(gcs.New(st, "gcs", gcs.Config{Namespace: ns, Bucket: "armonik-objects"}))(t)
	must(memorystore.New(st, "memorystore", memorystore.Config{Namespace: ns, Host: "10.0.0.3", CACertificate: testCA}))(t)
	raw, out := synthtest.Synth(t, st)
	if strings.Contains(string(raw), canary) {
		t.Fatal("a TF_VAR value reached the synthesized JSON")
	}

	vars, _ := out["variable"].(map[string]any)
	if got := slices.Sorted(maps.Keys(vars)); !reflect.DeepEqual(got, want) {
		t.Errorf("variables %v, want %v", got, want)
	}
	for name, v := range vars {
		d, _ := v.(map[string]any)
		if _, has := d["default"]; has {
			t.Errorf("variable %s has a default", name)
		}
		if d["sensitive"] != true || d["nullable"] != false || d["type"] != "string" || fmt.Sprint(d["description"]) == "" {
			t.Errorf("variable %s = %v, want a described, sensitive, non-nullable string", name, d)
		}
	}
	var all []leaf
	leaves(out, "", &all)
	refs := map[string]int{}
	for _, l := range all {
		if !strings.Contains(l.value, "var.") {
			continue
		}
		if variableValidation.MatchString(l.path) {
			// A validation block checks the variable's value; Terraform never prints it.
			if !strings.HasPrefix(l.value, "${can(") {
				t.Errorf("%s: a validation condition must only test the value: %q", l.path, l.value)
			}
			continue
		}
		if !secretData.MatchString(l.path) {
			t.Errorf("%s refers to a variable outside a Secret's data: %q", l.path, l.value)
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(l.value, "${var."), "}")
		if l.value != "${var."+name+"}" {
			t.Errorf("%s: %q must be exactly one variable reference", l.path, l.value)
		}
		refs[name]++
	}
	for _, v := range want {
		if refs[v] != 1 {
			t.Errorf("variable %s is referenced %d times, want once (in its Secret)", v, refs[v])
		}
	}
	// The Secrets hold nothing else that looks like a credential.
	for id, s := range out.Resources("kubernetes_secret_v1") {
		data, _ := s["data"].(map[string]any)
		for k, v := range data {
			if credentialLooking.MatchString(k) && !strings.HasPrefix(fmt.Sprint(v), "${var.") {
				t.Errorf("Secret %s: %q looks like a credential but is not a variable reference: %v", id, k, v)
			}
		}
	}
	// Two instances with the same name would declare the same variables: an error, not a panic.
	if _, err := amazonmq.New(st, "amazonmq-again", amazonmq.Config{Namespace: ns, Host: "b-1.example.internal"}); err == nil ||
		!strings.Contains(err.Error(), `amazonmq "amazonmq"`) || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a duplicate instance must be an error naming it, got %v", err)
	}
}

// TestExistingSecrets: with existing Secrets, the endpoint modules create nothing and declare no
// variable; ArmoniK reads the user's Secret by name with the configured keys.
func TestExistingSecrets(t *testing.T) {
	st, _ := newGrid(t)
	mods := []outputs.ModuleOutputs{
		must(amazonmq.New(st, "amazonmq", amazonmq.Config{Host: "b-1.example.internal", ExistingSecret: "mq", UserKey: "u", PasswordKey: "p"}))(t),
		must(elasticache.New(st, "elasticache", elasticache.Config{Host: "r.example.internal", Auth: true, ExistingSecret: "ec"}))(t),
		must(externalmongodb.New(st, "externalmongodb", externalmongodb.Config{ExistingSecret: "atlas", ConnectionStringKey: "string"}))(t),
		must(gcs.New(st, "gcs", gcs.Config{Bucket: "b-1", ExistingSecret: "hmac"}))(t),
		must(memorystore.New(st, "memorystore", memorystore.Config{Host: "10.0.0.3", ExistingSecret: "ms", CASecret: "ms-ca"}))(t),
	}
	_, out := synthtest.Synth(t, st)
	if _, ok := out["variable"]; ok {
		t.Error("modules with existing Secrets must declare no variable")
	}
	if got := kubernetesObjects(out); len(got) != 0 {
		t.Errorf("modules with existing Secrets must create nothing, got %v", got)
	}
	want := map[string]map[string]string{
		"amazonmq":        {"Amqp__User": "mq/u", "Amqp__Password": "mq/p"},
		"elasticache":     {"Redis__Password": "ec/auth-token"},
		"externalmongodb": {"MongoDB__ConnectionString": "atlas/string"},
		"gcs":             {"S3__Login": "hmac/access-id", "S3__Password": "hmac/secret"},
		"memorystore":     {"Redis__Password": "ms/auth-string"},
	}
	for _, m := range mods {
		o := m.Outputs()
		got := map[string]string{}
		for n, s := range o.EnvFromSecret {
			got[n] = s.Ref.Name + "/" + s.Key
			if s.Ref.Token != "" {
				t.Errorf("%s: %s refers to an existing Secret through a token %q", m.ModuleName(), n, s.Ref.Token)
			}
		}
		if !reflect.DeepEqual(got, want[m.ModuleName()]) {
			t.Errorf("%s reads %v, want %v", m.ModuleName(), got, want[m.ModuleName()])
		}
	}
	if ms := mods[4].Outputs().MountSecret["memorystore-ca"]; ms.Ref.Name != "ms-ca" || ms.Ref.Token != "" {
		t.Errorf("memorystore CA mount %+v, want the existing ms-ca", ms)
	}
}
