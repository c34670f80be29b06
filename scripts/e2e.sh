#!/usr/bin/env bash
# End-to-end test of the default stack on the loopback control plane (scripts/cluster.sh):
#   1. the providers must be installable (registry online, or a filesystem mirror in the
#      Terraform CLI config named by TF_CLI_CONFIG_FILE); otherwise print one line and exit 0;
#   2. start the cluster; npx cdktf deploy armonik-localhost (wait switch off: no node runs pods)
#      with the front door doing mutual TLS, authentication and authorization on;
#   3. read the objects back with kubectl and check what ArmoniK needs; check the front door's
#      certificates (openssl), that no ConfigMap holds a key, and what make output writes;
#   4. terraform plan -detailed-exitcode must report no changes;
#   5. change one configuration value: only the control plane may change, and its config-hash
#      annotation must roll; deploy it; plan a change of the certificates' validity: they are
#      reissued and only the front door rolls;
#   6. npx cdktf destroy: nothing of the stack may remain (namespace gone);
#   7. scripts/e2e-versions.sh on the same cluster: the default stack of every armonik.version;
#   8. stop the cluster (also on failure or Ctrl-C).
# Each stage prints its elapsed time; the last line is "e2e: N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 CI=${CI:-}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
NS=armonik-e2e
STACK=armonik-localhost
WORK=$(mktemp -d "${TMPDIR:-/tmp}/armonik-e2e.XXXXXX")
OUT=$WORK/cdktf.out
STACKDIR=$OUT/stacks/$STACK
T0=$(date +%s%N)
el() { local ms=$((($(date +%s%N) - T0) / 1000000)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
stage() { echo "=== [e2e $(el)] $*"; }
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
# check_cmd NAME CMD... (logs the output to $WORK/<n>.log on failure)
check_cmd() {
	local name=$1 log=$WORK/step-$((pass + fail)).log
	shift
	if "$@" >"$log" 2>&1; then ok "$name"; else
		bad "$name" "see below"
		tail -n 40 "$log" | sed 's/^/      /'
	fi
}

CLUSTER_STARTED=0
cleanup() {
	local code=$?
	if [ $CLUSTER_STARTED = 1 ]; then
		stage "stopping the cluster"
		scripts/cluster.sh down >/dev/null 2>&1 || true
	fi
	if [ $((pass + fail)) -gt 0 ]; then
		echo "e2e: $pass passed, $fail failed (total $(el))"
	fi
	rm -rf "$WORK"
	[ $fail -eq 0 ] && exit "$code"
	exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in terraform kubectl node npm go jq openssl; do
	command -v $tool >/dev/null || {
		echo "e2e: error: $tool is not on PATH"
		exit 1
	}
done

stage "setup: bindings, cdktf CLI"
scripts/gen-bindings.sh --quiet || exit 1
scripts/setup-npm.sh || exit 1

stage "checking that terraform can install hashicorp/kubernetes 2.38.0, hashicorp/random 3.7.2 and hashicorp/tls 4.1.0"
PROBE=$WORK/probe
mkdir -p "$PROBE"
cat >"$PROBE/main.tf.json" <<'JSON'
{"terraform": {"required_providers": {
  "kubernetes": {"source": "hashicorp/kubernetes", "version": "2.38.0"},
  "random": {"source": "hashicorp/random", "version": "3.7.2"},
  "tls": {"source": "hashicorp/tls", "version": "4.1.0"}}}}
JSON
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	unset TF_CLI_CONFIG_FILE # a missing CLI config file only makes terraform complain
fi
if ! timeout 120 terraform -chdir="$PROBE" init -backend=false -no-color >"$WORK/probe.log" 2>&1; then
	echo "e2e: SKIPPED (not a pass): terraform cannot install the providers (registry unreachable and no filesystem mirror of hashicorp/kubernetes 2.38.0, hashicorp/random 3.7.2 and hashicorp/tls 4.1.0 in \$TF_CLI_CONFIG_FILE; see README, 'Offline providers'): $(grep -m1 -E 'Error|error' "$WORK/probe.log" | sed 's/^[│ ]*//')"
	exit 0
fi
ok "providers installable ($(grep -c 'Installed hashicorp' "$WORK/probe.log") installed from ${TF_CLI_CONFIG_FILE:-the registry})"

stage "starting the loopback cluster"
CLUSTER_STARTED=1
if ! scripts/cluster.sh up >"$WORK/cluster.log" 2>&1; then
	bad "cluster up" "$(tail -n 20 "$WORK/cluster.log")"
	exit 1
fi
eval "$(scripts/cluster.sh env)"
ok "cluster up ($(el))"
k() { kubectl -n "$NS" "$@" 2>/dev/null; }

write_config() { # $1: Submitter__MaxErrorAllowed, $2: validity of the front door's certificates (hours)
	cat >"$WORK/armonik.yaml" <<YAML
localhost:
  namespace: $NS
  state_file: $WORK/terraform.tfstate
  wait: false
  armonik:
    front:
      mtls: {enabled: true}
      tls: {validity_hours: ${2:-8760}}
    authentication:
      require_authentication: true
      require_authorization: true
      users: [{name: reader, roles: [Reader]}]
      roles: [{name: Reader, permissions: [Sessions:ListSessions]}]
      certificates: [{user: reader, cn: reader.example.com, fingerprint: "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33"}]
    environment: {name: e2e, version: "1", description: loopback test, color: green}
    layers:
      control:
        env: {Submitter__MaxErrorAllowed: "$1"}
YAML
}
export ARMONIK_CONFIG=$WORK/armonik.yaml
CDKTF="npx --no-install cdktf"

stage "cdktf deploy $STACK"
write_config 50
check_cmd "cdktf deploy" $CDKTF deploy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
stage "deployed; reading back with kubectl"

check "namespace active" "$(kubectl get ns $NS -o jsonpath='{.status.phase}' 2>/dev/null)" Active
for d in control-plane compute-plane-default metrics-exporter admin-gui activemq redis; do
	check "deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
done
check "statefulset mongodb" "$(k get sts mongodb -o jsonpath='{.spec.serviceName}')" mongodb-headless
check "job init" "$(k get job init -o jsonpath='{.spec.template.spec.restartPolicy}')" OnFailure
check "control-plane service 5001 -> control-port" "$(k get svc control-plane -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" 5001/control-port
check "metrics-exporter service 9419" "$(k get svc metrics-exporter -o jsonpath='{.spec.ports[0].port}')" 9419
for s in activemq-credentials mongodb-credentials mongodb-connection redis-credentials; do
	check "secret $s" "$(k get secret $s -o name)" "secret/$s"
done
check "mongodb-connection holds a mongodb:// URI" "$(k get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | cut -c1-10)" "mongodb://"
check "claims of the in-cluster services" "$(k get pvc -o name | grep -c -E 'activemq|redis')" 2
npol=$(k get networkpolicy -o name | wc -l)
if [ "$npol" -gt 0 ]; then ok "network policies ($npol)"; else echo "note  no NetworkPolicy in the stack"; fi

agent='{.spec.template.spec.containers[?(@.name=="polling-agent")]}'
envref() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].valueFrom.secretKeyRef.name}"; }
envval() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].value}"; }
check "agent MongoDB__ConnectionString from Secret" "$(envref MongoDB__ConnectionString)" mongodb-connection
check "agent Amqp credentials envFrom" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.envFrom[].secretRef.name] | sort | join(",")')" "activemq-credentials,redis-credentials"
check "agent partition id" "$(envval Pollster__PartitionId)" default
check "agent Amqp__Host" "$(envval Amqp__Host)" "activemq.$NS.svc.cluster.local"
check "agent mounts" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.volumeMounts[].mountPath] | sort | join(",")')" "/cache/internal,/cache/shared"
check "worker gets no core credential" "$(k get deploy compute-plane-default -o json | jq -r '[.spec.template.spec.containers[] | select(.name != "polling-agent") | .env[]? | select(.name | test("MongoDB|Amqp|Redis"))] | length')" 0
check "pod labels" "$(k get deploy compute-plane-default -o jsonpath='{.spec.template.metadata.labels.app\.kubernetes\.io/part-of}/{.spec.template.metadata.labels.app\.kubernetes\.io/component}')" armonik/compute-plane
HASH1=$(k get deploy control-plane -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
check "config-hash annotation: two sha256 (static, referenced data)" "$(echo "$HASH1" | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1

stage "front door: Service, certificates, Secrets, authentication data, outputs"
check "front deployment" "$(k get deploy front -o jsonpath='{.spec.template.spec.containers[0].image}')" "nginxinc/nginx-unprivileged:1.29.5-alpine-slim"
check "front service LoadBalancer 5000/5001" "$(k get svc front -o jsonpath='{.spec.type} {.spec.ports[0].port}/{.spec.ports[0].targetPort} {.spec.ports[1].port}/{.spec.ports[1].targetPort}')" "LoadBalancer 5000/http 5001/grpc"
secret() { k get secret "$1" -o jsonpath="{.data.${2//./\\.}}" | base64 -d; }
CERTS=$WORK/certs
mkdir -p "$CERTS"
for s in front-tls front-client-ca front-client-submitter front-client-monitoring; do
	check "secret $s" "$(k get secret $s -o name)" "secret/$s"
done
check "front-tls type" "$(k get secret front-tls -o jsonpath='{.type}')" kubernetes.io/tls
secret front-tls tls.crt >"$CERTS/server.crt"
secret front-tls ca.crt >"$CERTS/ca.crt"
secret front-client-ca ca.crt >"$CERTS/client-ca.crt"
secret front-client-submitter tls.crt >"$CERTS/submitter.crt"
secret front-client-submitter tls.key >"$CERTS/submitter.key"
check_cmd "server certificate signed by the CA (openssl verify)" openssl verify -CAfile "$CERTS/ca.crt" "$CERTS/server.crt"
check_cmd "client certificate signed by the client CA" openssl verify -CAfile "$CERTS/client-ca.crt" -purpose sslclient "$CERTS/submitter.crt"
check "client certificate CN" "$(openssl x509 -in "$CERTS/submitter.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" "CN=submitter,O=ArmoniK"
check "client key matches its certificate" "$(openssl pkey -in "$CERTS/submitter.key" -pubout | sha256sum)" "$(openssl x509 -in "$CERTS/submitter.crt" -noout -pubkey | sha256sum)"
SANS=$(openssl x509 -in "$CERTS/server.crt" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
CLUSTER_IP=$(k get svc front -o jsonpath='{.spec.clusterIP}')
for san in DNS:armonik.local DNS:localhost "DNS:front.$NS.svc.cluster.local" IPAddress:127.0.0.1 "IPAddress:$CLUSTER_IP"; do
	if [[ ",$SANS," == *",$san,"* ]]; then ok "server certificate names $san"; else bad "server certificate names $san" "$SANS"; fi
done
check "no ConfigMap holds a private key" "$(k get configmap -o json | grep -c 'PRIVATE KEY')" 0
check "nginx verifies client certificates" "$(k get configmap front-nginx -o jsonpath='{.data.armonik\.conf}' | grep -c -E 'ssl_verify_client on;|grpc_set_header X-Certificate-Client-CN \$armonik_client_cn;')" 2
check "GUI banner" "$(k get configmap front-nginx -o jsonpath='{.data.environment\.json}' | jq -r .name)" e2e
initenv() { k get job init -o jsonpath="{.spec.template.spec.containers[0].env[?(@.name==\"$1\")].value}"; }
check "init loads the generated client's certificate" "$(initenv InitServices__Authentication__UserCertificates__1)" '{"User":"submitter","Cn":"submitter"}'
check "init loads the pinned certificate" "$(initenv InitServices__Authentication__UserCertificates__0 | jq -r .Fingerprint)" 00112233445566778899aabbccddeeff00112233
check "init loads the users" "$(for i in 0 1 2; do initenv InitServices__Authentication__Users__$i | jq -r .Name; done | sort | tr '\n' ' ')" "monitoring reader submitter "
check "control plane requires authentication" "$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="Authenticator__RequireAuthentication")].value}')" true
FHASH=$(k get deploy front -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
check "front config hash covers the certificates" "$(echo "$FHASH" | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1
terraform -chdir="$STACKDIR" output -json >"$WORK/outputs.json" 2>/dev/null
check "output control_plane_url" "$(jq -r .control_plane_url.value "$WORK/outputs.json")" "https://front.$NS.svc.cluster.local:5001"
check "output client_certificates is sensitive" "$(jq -r .client_certificates.sensitive "$WORK/outputs.json")" true
check "output ca_certificate is the CA" "$(jq -j .ca_certificate.value "$WORK/outputs.json" | sha256sum)" "$(sha256sum <"$CERTS/ca.crt")"
GEN=$WORK/generated
check_cmd "make output" env STACK_DIR="$STACKDIR" GENERATED_DIR="$GEN" scripts/output.sh $STACK
check "generated key mode" "$(stat -c %a "$GEN/client.submitter.key" 2>/dev/null)" 600
check "generated key is the submitter's" "$(sha256sum <"$GEN/client.submitter.key")" "$(sha256sum <"$CERTS/submitter.key")"
check "CLI configuration" "$(grep -E '^(endpoint|certificate_authority|client_certificate|client_key):' "$GEN/armonik-cli.yaml" | cut -d: -f1 | tr '\n' ' ')" "endpoint certificate_authority client_certificate client_key "
check_cmd "CLI configuration's files exist" sh -c "for f in \$(grep -E '^(certificate_authority|client_certificate|client_key):' '$GEN/armonik-cli.yaml' | cut -d' ' -f2); do test -s \$f || exit 1; done"

stage "terraform plan must be empty"
check_cmd "plan -detailed-exitcode (no changes)" terraform -chdir="$STACKDIR" plan -detailed-exitcode -no-color -lock=false

stage "changing one value (control layer env): only the control plane may change"
write_config 60
check_cmd "synth the change" $CDKTF synth --output "$OUT" --no-color
terraform -chdir="$STACKDIR" plan -no-color -lock=false -out="$WORK/change.plan" >"$WORK/change-plan.log" 2>&1
changed=$(terraform -chdir="$STACKDIR" show -json "$WORK/change.plan" | jq -r '[.resource_changes[] | select(.change.actions != ["no-op"]) | "\(.address):\(.change.actions | join("+"))"] | join(" ")')
check "planned changes" "$changed" "kubernetes_deployment_v1.armonik-control-plane:update"
check_cmd "cdktf deploy the change" $CDKTF deploy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
HASH2=$(k get deploy control-plane -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
if [ -n "$HASH2" ] && [ "$HASH2" != "$HASH1" ]; then ok "config hash rolled"; else bad "config hash rolled" "before $HASH1 after $HASH2"; fi
check "new value in the control plane" "$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="Submitter__MaxErrorAllowed")].value}')" 60
check_cmd "plan empty after the change" terraform -chdir="$STACKDIR" plan -detailed-exitcode -no-color -lock=false

stage "certificate renewal: reissued certificates roll the front door and nothing else"
write_config 60 4000
check_cmd "synth with another validity" $CDKTF synth --output "$OUT" --no-color
terraform -chdir="$STACKDIR" plan -no-color -lock=false -out="$WORK/renew.plan" >"$WORK/renew-plan.log" 2>&1
renewed=$(terraform -chdir="$STACKDIR" show -json "$WORK/renew.plan" | jq -r '[.resource_changes[] | select(.change.actions != ["no-op"]) | "\(.address):\(.change.actions | join("+"))"] | sort | join(" ")')
check "planned changes" "$renewed" "kubernetes_deployment_v1.armonik-front:update kubernetes_secret_v1.armonik-front-client-monitoring-secret:update kubernetes_secret_v1.armonik-front-client-submitter-secret:update kubernetes_secret_v1.armonik-front-tls:update tls_locally_signed_cert.armonik-front-client-monitoring:delete+create tls_locally_signed_cert.armonik-front-client-submitter:delete+create tls_locally_signed_cert.armonik-front-server:delete+create"
write_config 60
check_cmd "synth back" $CDKTF synth --output "$OUT" --no-color

stage "cdktf destroy $STACK"
check_cmd "cdktf destroy" timeout 600 $CDKTF destroy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
check "namespace gone" "$(kubectl get ns $NS -o name 2>/dev/null)" ""
check "nothing left in the state" "$(terraform -chdir="$STACKDIR" state list 2>/dev/null | wc -l)" 0

stage "the default stack of every armonik.version (scripts/e2e-versions.sh, on this cluster)"
check_cmd "e2e-versions" env E2E_CLUSTER_RUNNING=1 scripts/e2e-versions.sh
stage "done"
