package modules_test

// Tests of TLS across the storage modules: each server serves the user's certificate, and
// ArmoniK's containers find the CA where their keys point.

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/rabbitmq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// tlsModules deploys the four TLS-capable modules with TLS on, each with its own certificate
// Secret.
type tlsModules struct {
	mq *activemq.Module
	rq *rabbitmq.Module
	db *mongodb.Module
	rd *redis.Module
}

func deployTLS(t *testing.T, st cdk.Stack, ns *k8s.Namespace) tlsModules {
	t.Helper()
	no := false
	return tlsModules{
		mq: must(activemq.New(st, "activemq", activemq.Config{Namespace: ns, TLS: userTLS("activemq-tls"), Wait: &no}))(t),
		rq: must(rabbitmq.New(st, "rabbitmq", rabbitmq.Config{Namespace: ns, TLS: userTLS("rabbitmq-tls"), Wait: &no}))(t),
		db: must(mongodb.New(st, "mongodb", mongodb.Config{Namespace: ns, TLS: userTLS("mongodb-tls"), Wait: &no}))(t),
		rd: must(redis.New(st, "redis", redis.Config{Namespace: ns, TLS: userTLS("redis-tls"), Wait: &no}))(t),
	}
}

// caKeys are the keys that name the CA file ArmoniK's containers read.
var caKeys = []string{"Amqp__CaPath", "MongoDB__CAFile", "Redis__CaPath"}

// TestTLSCAMountedWhereKeysPoint wires the TLS modules into ArmoniK and checks, in the merged
// pods and in the rendered JSON, that the CA is mounted exactly where the key points: the
// mount's directory plus the projected item's path is the key's value, the item is the CA key
// of the user's Secret, and nothing else of that Secret (the private key) is projected.
func TestTLSCAMountedWhereKeysPoint(t *testing.T) {
	for _, queue := range []string{"activemq", "rabbitmq"} {
		t.Run(queue, func(t *testing.T) {
			st, ns := newGrid(t)
			tl := deployTLS(t, st, ns)
			q := outputs.ModuleOutputs(tl.mq)
			if queue == "rabbitmq" {
				q = tl.rq
			}
			no := false
			a := must(armonik.New(st, "armonik", armonik.Config{
				Namespace: ns, Wait: &no, Layers: armonik.Layers{Core: armonik.Conf{q, tl.db, tl.rd}},
			}))(t)
			secretOf := map[string]string{"Amqp__CaPath": queue + "-tls", "MongoDB__CAFile": "mongodb-tls", "Redis__CaPath": "redis-tls"}
			checked := 0
			for _, p := range a.Pods {
				vols := map[string]outputs.Volume{}
				for _, v := range p.Volumes {
					vols[v.Name] = v
				}
				for _, c := range p.Containers {
					for _, e := range c.Env {
						if !slices.Contains(caKeys, e.Name) {
							continue
						}
						checked++
						where := p.Name + "/" + c.Name + " " + e.Name + "=" + e.Value
						var found []string
						for _, m := range c.Mounts {
							v := vols[m.Volume]
							if v.Secret == nil || v.Secret.Ref.Name != secretOf[e.Name] {
								continue
							}
							if len(v.Secret.Items) != 1 || v.Secret.Items[0].Key != "ca.crt" {
								t.Errorf("%s: the volume must project the CA key alone, got %+v", where, v.Secret.Items)
								continue
							}
							if v.Secret.Items[0].Mode != "0444" || v.Secret.Mode != "0444" {
								t.Errorf("%s: CA file mode %q (volume %q), want 0444", where, v.Secret.Items[0].Mode, v.Secret.Mode)
							}
							found = append(found, path.Join(m.Path, v.Secret.Items[0].Path))
						}
						if !reflect.DeepEqual(found, []string{e.Value}) {
							t.Errorf("%s: the CA of %s is mounted at %v", where, secretOf[e.Name], found)
						}
					}
				}
			}
			// init, control plane, polling agent: three keys each; the metrics exporter only
			// MongoDB's.
			if checked != 3*3+1 {
				t.Errorf("checked %d CA keys, want 10", checked)
			}

			// The rendered control plane: the file the key names exists in the pod spec.
			_, out := synthtest.Synth(t, st)
			dep := out.Named(t, "kubernetes_deployment_v1", "control-plane")
			cp := synthtest.Containers(dep)["control-plane"]
			for _, k := range caKeys {
				v, _ := synthtest.Env(cp, k)["value"].(string)
				if v == "" {
					t.Errorf("the control plane lacks %s", k)
					continue
				}
				if got := renderedFile(dep, cp, v); got != secretOf[k]+"/ca.crt" {
					t.Errorf("rendered control plane: %s=%s is %q, want the key ca.crt of %s", k, v, got, secretOf[k])
				}
			}
			// Workers never receive the core layer: no CA, no key.
			for _, c := range synthtest.Containers(out.Named(t, "kubernetes_deployment_v1", "compute-plane-default")) {
				for _, k := range caKeys {
					if c["name"] != "polling-agent" && synthtest.Env(c, k) != nil {
						t.Errorf("worker %v receives %s", c["name"], k)
					}
				}
			}
		})
	}
}

// renderedFile returns "<secret>/<key>" for the Secret key projected at the file p of the
// rendered container c of the workload w, or "" when no mount provides it.
func renderedFile(w, c map[string]any, p string) string {
	mounts, _ := c["volume_mount"].([]any)
	vols, _ := synthtest.Get(w, "spec.template.spec.volume").([]any)
	for _, m := range mounts {
		mp, _ := synthtest.Get(m, "mount_path").(string)
		for _, v := range vols {
			if synthtest.Get(v, "name") != synthtest.Get(m, "name") {
				continue
			}
			items, _ := synthtest.Get(v, "secret.items").([]any)
			for _, it := range items {
				if path.Join(mp, fmt.Sprint(synthtest.Get(it, "path"))) == p {
					return fmt.Sprint(synthtest.Get(v, "secret.secret_name")) + "/" + fmt.Sprint(synthtest.Get(it, "key"))
				}
			}
		}
	}
	return ""
}

// TestTLSServers checks that each server serves TLS with the user's Secret: the certificate, key
// and CA projected from it, and the server configured for TLS only.
func TestTLSServers(t *testing.T) {
	st, ns := newGrid(t)
	deployTLS(t, st, ns)
	_, out := synthtest.Synth(t, st)

	tlsVolume := func(w map[string]any, secret string) {
		t.Helper()
		vols, _ := synthtest.Get(w, "spec.template.spec.volume").([]any)
		for _, v := range vols {
			if synthtest.Get(v, "secret.secret_name") == secret {
				want := []any{
					map[string]any{"key": "tls.crt", "path": "tls.crt"},
					map[string]any{"key": "tls.key", "path": "tls.key"},
					map[string]any{"key": "ca.crt", "path": "ca.crt"},
				}
				if got := synthtest.Get(v, "secret.items"); !reflect.DeepEqual(got, want) || synthtest.Get(v, "secret.default_mode") != "0440" {
					t.Errorf("the %s volume: %v", secret, v)
				}
				return
			}
		}
		t.Errorf("no volume of the Secret %s", secret)
	}

	// ActiveMQ: a PKCS#12 keystore built by openssl from the PEM files, amqp+ssl on 5671.
	mq := out.Named(t, "kubernetes_deployment_v1", "activemq")
	tlsVolume(mq, "activemq-tls")
	init := fmt.Sprint(synthtest.Get(mq, "spec.template.spec.init_container.0.command"))
	if !strings.Contains(init, "openssl pkcs12 -export -in /tls/tls.crt -inkey /tls/tls.key -certfile /tls/ca.crt") ||
		!strings.Contains(init, "-passout env:ARMONIK_KEYSTORE_PASSWORD") {
		t.Errorf("activemq keystore init container: %s", init)
	}
	xml := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "activemq-config"), "data"))
	for _, s := range []string{`amqp+ssl://0.0.0.0:5671`, `keyStoreType="PKCS12"`, `keyStorePassword="$${ARMONIK_KEYSTORE_PASSWORD}"`} {
		if !strings.Contains(xml, s) {
			t.Errorf("activemq.xml lacks %s", s)
		}
	}
	if strings.Contains(xml, "amqp://") {
		t.Error("activemq.xml must not keep a plain AMQP connector with TLS on")
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_secret_v1", "activemq-server"), "data.keystore-password"); got != "${random_password.activemq-server-keystore-password.result}" {
		t.Errorf("the keystore password must be generated, got %v", got)
	}

	// RabbitMQ: TLS listener only, the files of the Secret.
	rq := out.Named(t, "kubernetes_stateful_set_v1", "rabbitmq")
	tlsVolume(rq, "rabbitmq-tls")
	conf := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_config_map_v1", "rabbitmq-config"), "data"))
	for _, s := range []string{"listeners.tcp = none", "listeners.ssl.default = 5671", "ssl_options.certfile = /etc/rabbitmq/tls/tls.crt",
		"ssl_options.keyfile = /etc/rabbitmq/tls/tls.key", "ssl_options.cacertfile = /etc/rabbitmq/tls/ca.crt",
		"deprecated_features.permit.amqp_address_v1 = true"} {
		if !strings.Contains(conf, s) {
			t.Errorf("90-armonik.conf lacks %q", s)
		}
	}

	// MongoDB: requireTLS with the joined PEM file; the probe and rs-init connect with TLS; the
	// connection string asks for TLS (it overrides MongoDB__Tls in Core).
	db := out.Named(t, "kubernetes_stateful_set_v1", "mongodb")
	tlsVolume(db, "mongodb-tls")
	cs := synthtest.Containers(db)
	args := fmt.Sprint(cs["mongod"]["args"])
	if !strings.Contains(args, "--tlsMode requireTLS --tlsCertificateKeyFile /keyfile/server.pem --tlsCAFile /tls/ca.crt --tlsAllowConnectionsWithoutCertificates") {
		t.Errorf("mongod args %s", args)
	}
	if got := fmt.Sprint(synthtest.Get(db, "spec.template.spec.init_container.0.command")); !strings.Contains(got, "cat /tls/tls.crt /tls/tls.key > /keyfile/server.pem && chmod 0400 /keyfile/server.pem") {
		t.Errorf("mongodb init container %s", got)
	}
	if got := fmt.Sprint(synthtest.Get(cs["mongod"], "readiness_probe.exec.command")); !strings.Contains(got, "--tls --tlsCAFile /tls/ca.crt --tlsAllowInvalidHostnames") {
		t.Errorf("mongodb readiness %s", got)
	}
	if got := synthtest.Env(cs["rs-init"], "MONGOSH_TLS_ARGS")["value"]; got != "--tls --tlsCAFile /tls/ca.crt --tlsAllowInvalidHostnames" {
		t.Errorf("rs-init TLS args %v", got)
	}
	if uri := fmt.Sprint(synthtest.Get(out.Named(t, "kubernetes_secret_v1", "mongodb-connection"), "data.uri")); !strings.HasSuffix(uri, "&tls=true") {
		t.Errorf("connection string %s must ask for TLS", uri)
	}

	// Redis: TLS only on 6379, clients without certificates; the probe speaks TLS.
	rd := out.Named(t, "kubernetes_deployment_v1", "redis")
	tlsVolume(rd, "redis-tls")
	rc := synthtest.Containers(rd)["redis"]
	if got := fmt.Sprint(rc["args"]); !strings.Contains(got, "--port 0 --tls-port 6379 --tls-cert-file /tls/tls.crt --tls-key-file /tls/tls.key --tls-ca-cert-file /tls/ca.crt --tls-auth-clients no") {
		t.Errorf("redis args %s", got)
	}
	if got := fmt.Sprint(synthtest.Get(rc, "readiness_probe.exec.command")); !strings.Contains(got, "--tls --cacert /tls/ca.crt") {
		t.Errorf("redis readiness %s", got)
	}

	// Services and NetworkPolicies follow the TLS ports.
	for name, port := range map[string]float64{"activemq": 5671, "rabbitmq": 5671, "redis": 6379} {
		if got := synthtest.Get(out.Named(t, "kubernetes_service_v1", name), "spec.port.0.port"); got != port {
			t.Errorf("Service %s port %v, want %v", name, got, port)
		}
		if got := synthtest.Get(out.Named(t, "kubernetes_network_policy_v1", name), "spec.ingress.0.ports.0.port"); got != fmt.Sprint(port) {
			t.Errorf("NetworkPolicy %s port %v, want %v", name, got, port)
		}
	}
}
