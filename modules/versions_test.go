package modules_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik/corerules"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/gcs"
	"github.com/armonik-cdktf/armonik-cdktf/modules/nats"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
)

// TestKeysPerVersion writes out the exact keys a module gives ArmoniK for each Core version
// whose outputs differ: RabbitMQ through Core 0.34.5's AMQP 0-9-1 adapter and through the AMQP
// 1.0 adapter of 0.37.2, NATS on 0.37.2 and 0.40.1, Cloud Storage's native adapter on 0.40.1,
// and Amqp__Prefix and Amqp__Separator where they are read.
func TestKeysPerVersion(t *testing.T) {
	st, ns := newStack(t)
	no := false
	sep := ""
	amqp := func(class, path string) map[string]string {
		return map[string]string{
			"Components__QueueAdaptorSettings__ClassName":           class,
			"Components__QueueAdaptorSettings__AdapterAbsolutePath": path,
			"Amqp__Host":        "rabbitmq.armonik.svc.cluster.local",
			"Amqp__Port":        "5672",
			"Amqp__Scheme":      "AMQP",
			"Amqp__MaxPriority": "10",
		}
	}
	rabbitCreds := map[string][]string{"rabbitmq-credentials": {"Amqp__User", "Amqp__Password"}}
	natsKeys := keySet{
		Env: map[string]string{
			"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Nats.QueueBuilder",
			"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/nats/ArmoniK.Core.Adapters.Nats.dll",
		},
		EnvSecret:     map[string][]string{},
		EnvFromSecret: map[string]string{"Nats__Url": "nats-credentials/url"},
	}
	for _, c := range []struct {
		name   string
		module outputs.ModuleOutputs
		want   keySet
	}{
		{"rabbitmq on Core 0.34.5: the AMQP 0-9-1 RabbitMQ adapter", must(rabbitmq.New(st, "rabbitmq-0345", rabbitmq.Config{Namespace: ns, Core: corerules.Core0345, Wait: &no}))(t), keySet{
			Env:       amqp("ArmoniK.Core.Adapters.RabbitMQ.QueueBuilder", "/adapters/queue/rabbit/ArmoniK.Core.Adapters.RabbitMQ.dll"),
			EnvSecret: rabbitCreds, EnvFromSecret: map[string]string{},
		}},
		{"rabbitmq on Core 0.37.2: the AMQP 1.0 adapter", must(rabbitmq.New(st, "rabbitmq-0372", rabbitmq.Config{Namespace: ns, Name: "rabbitmq", Core: corerules.Core0372, Wait: &no}))(t), keySet{
			Env:       amqp("ArmoniK.Core.Adapters.Amqp.QueueBuilder", "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll"),
			EnvSecret: rabbitCreds, EnvFromSecret: map[string]string{},
		}},
		{"nats on Core 0.37.2", must(nats.New(st, "nats-0372", nats.Config{Namespace: ns, Core: corerules.Core0372, Wait: &no}))(t), natsKeys},
		{"nats on Core 0.40.1", must(nats.New(st, "nats-0401", nats.Config{Namespace: ns, Core: corerules.Core0401, Wait: &no}))(t), natsKeys},
		{"gcs native on Core 0.40.1 (workload identity)", must(gcs.New(st, "gcs-native", gcs.Config{Name: "objects", API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0401}))(t), keySet{
			Env: map[string]string{
				"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Gcs.ObjectBuilder",
				"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll",
				"Gcs__BucketName": "armonik-objects",
			},
			EnvSecret: map[string][]string{}, EnvFromSecret: map[string]string{},
		}},
		{"gcs native on Core 0.40.1 (service-account key)", must(gcs.New(st, "gcs-key", gcs.Config{API: gcs.APINative, Bucket: "armonik-objects", ProjectID: "armonik-project",
			CredentialsSecret: "gcs-sa", Core: corerules.Core0401}))(t), keySet{
			Env: map[string]string{
				"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Gcs.ObjectBuilder",
				"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll",
				"Gcs__BucketName":          "armonik-objects",
				"Gcs__ProjectId":           "armonik-project",
				"Gcs__CredentialsFilePath": "/gcs/credentials.json",
			},
			EnvSecret: map[string][]string{}, EnvFromSecret: map[string]string{},
			Mounts: map[string]string{"gcs-key": "secret gcs-sa at /gcs mode 0444 items [credentials.json->credentials.json:0444]"},
		}},
		{"activemq with prefix and separator on Core 0.40.1", must(activemq.New(st, "activemq-0401", activemq.Config{Namespace: ns, Core: corerules.Core0401, Wait: &no,
			AMQP: modules.AMQP{Prefix: "/queues/", Separator: &sep}}))(t), keySet{
			Env: map[string]string{
				"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.Amqp.QueueBuilder",
				"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll",
				"Amqp__Host":        "activemq.armonik.svc.cluster.local",
				"Amqp__Port":        "5672",
				"Amqp__Scheme":      "AMQP",
				"Amqp__MaxPriority": "10",
				"Amqp__Prefix":      "/queues/",
				"Amqp__Separator":   "",
			},
			EnvSecret: map[string][]string{"activemq-credentials": {"Amqp__User", "Amqp__Password"}}, EnvFromSecret: map[string]string{},
		}},
	} {
		if got := keysOf(c.module); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}

	// Every key each module emits is one its Core version reads.
	for _, c := range []struct {
		core *corerules.Version
		m    outputs.ModuleOutputs
	}{
		{corerules.Core0345, must(rabbitmq.New(st, "rq", rabbitmq.Config{Namespace: ns, Name: "rq", Core: corerules.Core0345}))(t)},
		{corerules.Core0372, must(nats.New(st, "nq", nats.Config{Namespace: ns, Name: "nq", Core: corerules.Core0372}))(t)},
		{corerules.Core0401, must(gcs.New(st, "gq", gcs.Config{Name: "gq", API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0401}))(t)},
	} {
		o := c.m.Outputs()
		for k := range o.Env {
			if err := c.core.Reads(k); err != nil {
				t.Errorf("%s on Core %s: %v", c.m.ModuleName(), c.core.Core, err)
			}
		}
		for k := range o.EnvFromSecret {
			if err := c.core.Reads(k); err != nil {
				t.Errorf("%s on Core %s: %v", c.m.ModuleName(), c.core.Core, err)
			}
		}
	}
}

// TestModuleNeedsItsVersion: choosing a module (or a setting) the Core version cannot use is
// an error naming the versions that can.
func TestModuleNeedsItsVersion(t *testing.T) {
	st, ns := newStack(t)
	sep := ""
	for _, c := range []struct {
		err  error
		want string
	}{
		{nats.Config{Namespace: ns, Core: corerules.Core0345}.WithDefaults().Validate(),
			`nats "nats": armonik.version: the Core 0.34.5 images ship no NATS queue adapter (ArmoniK.Core.Adapters.Nats.QueueBuilder): Core 0.37.2 and 0.40.1 ship it: choose armonik.version 2.23.0 or core-0.40.1`},
		{gcs.Config{API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0372}.WithDefaults().Validate(),
			`gcs "gcs": armonik.version: the Core 0.37.2 images ship no Google Cloud Storage object adapter (ArmoniK.Core.Adapters.Gcs.ObjectBuilder): Core 0.40.1 ships it: choose armonik.version core-0.40.1`},
		{activemq.Config{Namespace: ns, Core: corerules.Core0372, AMQP: modules.AMQP{Prefix: "/queues/", Separator: &sep}}.WithDefaults().Validate(),
			`activemq "activemq": prefix: Core 0.37.2 binds no option Amqp__Prefix, so it would be ignored (Core 0.40.1 reads it): choose armonik.version core-0.40.1`},
		{activemq.Config{Namespace: ns, Core: corerules.Core0372, AMQP: modules.AMQP{Separator: &sep}}.WithDefaults().Validate(),
			`activemq "activemq": separator: Core 0.37.2 binds no option Amqp__Separator`},
		{rabbitmq.Config{Namespace: ns, Core: corerules.Core0345, AMQP: modules.AMQP{MaxPriority: 300}}.WithDefaults().Validate(),
			`rabbitmq "rabbitmq": max_priority: 300 is above 255: Core 0.34.5's RabbitMQ adapter declares its queues with x-max-priority`},
		{gcs.Config{API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0401, ExistingSecret: "hmac", Role: modules.RoleSharedStorage}.WithDefaults().Validate(),
			`gcs "gcs": api: native is Core's object-storage adapter`},
		{gcs.Config{API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0401, ExistingSecret: "hmac"}.WithDefaults().Validate(),
			`gcs "gcs": existing_secret: only applies with api: s3`},
		{gcs.Config{Bucket: "armonik-objects", Namespace: ns, CredentialsSecret: "sa"}.WithDefaults().Validate(),
			`gcs "gcs": credentials_secret: only applies with api: native`},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v\nwant it to contain %q", c.err, c.want)
		}
	}
	if _, err := nats.New(st, "nats", nats.Config{Namespace: ns, Core: corerules.Core0345}); err == nil || !strings.Contains(err.Error(), "choose armonik.version 2.23.0 or core-0.40.1") {
		t.Errorf("nats.New on Core 0.34.5: %v", err)
	}
	// Without Core, a module targets corerules.Pinned (0.37.2): NATS builds, the prefix does not.
	if err := (nats.Config{Namespace: ns}).WithDefaults().Validate(); err != nil {
		t.Errorf("nats on the pinned Core: %v", err)
	}
}

// TestVersionedGoldens pins the modules whose output depends on the Core version: RabbitMQ for
// Core 0.34.5's AMQP 0-9-1 adapter, NATS with JetStream, Cloud Storage's native adapter.
func TestVersionedGoldens(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(*testing.T) []byte
	}{
		{"rabbitmq-0.34.5", func(t *testing.T) []byte {
			st, ns := newStack(t)
			m := must(rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, Core: corerules.Core0345}))(t)
			raw, out := synthtest.Synth(t, st)
			conf := dataOf(out.Named(t, "kubernetes_config_map_v1", "rabbitmq-config"), "90-armonik.conf")
			if s := conf; !strings.Contains(s, "deprecated_features.permit.transient_nonexcl_queues = true") || strings.Contains(s, "amqp_address_v1") {
				t.Errorf("the broker configuration for Core 0.34.5's 0-9-1 adapter:\n%v", conf)
			}
			if m.Adapter.Name != "RabbitMQ" {
				t.Errorf("adapter %+v", m.Adapter)
			}
			return raw
		}},
		{"nats", func(t *testing.T) []byte {
			st, ns := newStack(t)
			m := must(nats.New(st, "nats", nats.Config{Namespace: ns}))(t)
			raw, out := synthtest.Synth(t, st)
			conf := dataOf(out.Named(t, "kubernetes_config_map_v1", "nats-config"), "nats.conf")
			for _, want := range []string{"jetstream {", `store_dir: "/data"`, "include ./auth.conf", "port: 4222", "http_port: 8222"} {
				if !strings.Contains(conf, want) {
					t.Errorf("nats.conf lacks %q:\n%s", want, conf)
				}
			}
			if strings.Contains(conf, "password") && !strings.Contains(conf, "auth.conf") {
				t.Errorf("nats.conf holds a password:\n%s", conf)
			}
			url, _ := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "nats-credentials"), "data.url").(string)
			if !strings.HasPrefix(url, "nats://armonik:${random_password.") || !strings.HasSuffix(url, "@nats.armonik.svc.cluster.local:4222") {
				t.Errorf("Nats__Url = %q: want nats://armonik:<generated password>@<host>:4222", url)
			}
			auth := dataOf(out.Named(t, "kubernetes_secret_v1", "nats-auth"), "authorization")
			if !strings.Contains(auth, `password: "${random_password.`) {
				t.Errorf("auth.conf must quote the generated password: %q", auth)
			}
			if m.NetworkPolicy == nil {
				t.Error("no NetworkPolicy")
			}
			return raw
		}},
		{"gcs-native", func(t *testing.T) []byte {
			st, _ := newStack(t)
			must(gcs.New(st, "gcs", gcs.Config{API: gcs.APINative, Bucket: "armonik-objects", Core: corerules.Core0401}))(t)
			raw, _ := synthtest.Synth(t, st)
			return raw
		}},
	} {
		t.Run(c.name, func(t *testing.T) { golden.JSON(t, "module-"+c.name, c.build(t)) })
	}
}

// dataOf returns the data entry key of a ConfigMap or Secret resource.
func dataOf(res map[string]any, key string) string {
	data, _ := res["data"].(map[string]any)
	s, _ := data[key].(string)
	return s
}
