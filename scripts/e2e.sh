#!/usr/bin/env bash
# End-to-end test of the default stack on the loopback control plane (scripts/cluster.sh):
#   1. the providers must be installable (registry online, or a filesystem mirror in the
#      Terraform CLI config named by TF_CLI_CONFIG_FILE); otherwise print one line and exit 0;
#   2. start the cluster; npx cdktf deploy armonik-localhost (wait switch off: no node runs pods);
#   3. read the objects back with kubectl and check what ArmoniK needs;
#   4. terraform plan -detailed-exitcode must report no changes;
#   5. change one configuration value: only the control plane may change, and its config-hash
#      annotation must roll; deploy it;
#   6. npx cdktf destroy: nothing of the stack may remain (namespace gone);
#   7. stop the cluster (also on failure or Ctrl-C).
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

for tool in terraform kubectl node npm go jq; do
	command -v $tool >/dev/null || {
		echo "e2e: error: $tool is not on PATH"
		exit 1
	}
done

stage "setup: bindings, cdktf CLI"
scripts/gen-bindings.sh --quiet || exit 1
scripts/setup-npm.sh || exit 1

stage "checking that terraform can install hashicorp/kubernetes 2.38.0 and hashicorp/random 3.7.2"
PROBE=$WORK/probe
mkdir -p "$PROBE"
cat >"$PROBE/main.tf.json" <<'JSON'
{"terraform": {"required_providers": {
  "kubernetes": {"source": "hashicorp/kubernetes", "version": "2.38.0"},
  "random": {"source": "hashicorp/random", "version": "3.7.2"}}}}
JSON
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	unset TF_CLI_CONFIG_FILE # a missing CLI config file only makes terraform complain
fi
if ! timeout 120 terraform -chdir="$PROBE" init -backend=false -no-color >"$WORK/probe.log" 2>&1; then
	echo "e2e: SKIPPED (not a pass): terraform cannot install the providers (registry unreachable and no filesystem mirror of hashicorp/kubernetes 2.38.0 and hashicorp/random 3.7.2 in \$TF_CLI_CONFIG_FILE; see README, 'Offline providers'): $(grep -m1 -E 'Error|error' "$WORK/probe.log" | sed 's/^[│ ]*//')"
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

write_config() { # $1: Submitter__MaxErrorAllowed
	cat >"$WORK/armonik.yaml" <<YAML
localhost:
  namespace: $NS
  state_file: $WORK/terraform.tfstate
  wait: false
  armonik:
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
for d in control-plane compute-plane-default metrics-exporter admin-gui activemq redis shared-storage; do
	check "deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
done
check "statefulset mongodb" "$(k get sts mongodb -o jsonpath='{.spec.serviceName}')" mongodb-headless
check "job init" "$(k get job init -o jsonpath='{.spec.template.spec.restartPolicy}')" OnFailure
check "control-plane service 5001 -> control-port" "$(k get svc control-plane -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" 5001/control-port
check "metrics-exporter service 9419" "$(k get svc metrics-exporter -o jsonpath='{.spec.ports[0].port}')" 9419
for s in activemq-credentials mongodb-credentials mongodb-connection redis-credentials shared-storage-credentials; do
	check "secret $s" "$(k get secret $s -o name)" "secret/$s"
done
check "mongodb-connection holds a mongodb:// URI" "$(k get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | cut -c1-10)" "mongodb://"
check "claims of the in-cluster services" "$(k get pvc -o name | grep -c -E 'activemq|redis|shared-storage')" 3
npol=$(k get networkpolicy -o name | wc -l)
if [ "$npol" -gt 0 ]; then ok "network policies ($npol)"; else echo "note  no NetworkPolicy in the stack"; fi

# Monitoring (docs/monitoring.md): on by default but tracing.
AGENTS=$NS-node-agents
ka() { kubectl -n "$AGENTS" "$@" 2>/dev/null; }
check "node agents' namespace labelled privileged" "$(kubectl get ns "$AGENTS" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null)" privileged
check "ArmoniK's namespace not loosened" "$(kubectl get ns "$NS" -o json | jq -r '[.metadata.labels | keys[] | select(startswith("pod-security"))] | length')" 0
for d in fluent-bit node-exporter; do
	check "daemonset $d in $AGENTS" "$(ka get ds $d -o name)" "daemonset.apps/$d"
done
check "node-exporter uses the host network" "$(ka get ds node-exporter -o jsonpath='{.spec.template.spec.hostNetwork}/{.spec.template.spec.hostPID}')" true/true
for d in seq grafana mongodb-exporter kube-state-metrics; do
	check "deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
done
check "seq retention cronjob" "$(k get cronjob seq-retention -o jsonpath='{.spec.schedule}')" "0 */12 * * *"
for s in seq-admin grafana-admin; do
	check "secret $s holds a generated password" "$(k get secret $s -o jsonpath='{.data.password}' | base64 -d | wc -c | tr -d ' ')" 24
done
check "grafana dashboards" "$(k get cm grafana-dashboards -o json | jq -r '.data | keys | join(",")')" "armonik-partitions.json,armonik-tasks.json,mongodb.json,nodes.json"
check "fluent-bit ships to Seq" "$(ka get cm fluent-bit-config -o jsonpath='{.data.fluent-bit\.conf}' | grep -c "seq.$NS.svc.cluster.local")" 1
check "fluent-bit may read the pods of $NS, and nothing else" "$(k get role $AGENTS-fluent-bit -o json | jq -r '[.rules[] | (.resources | join(",")) + ":" + (.verbs | sort | join(","))] | join(" ")')" "pods:get,list,watch"
check "mongodb-exporter reads ArmoniK's connection string" "$(k get deploy mongodb-exporter -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MongoDB__ConnectionString")].valueFrom.secretKeyRef.name}')" mongodb-connection
check "metrics exporter serves the dashboards' statuses" "$(k get deploy metrics-exporter -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MetricsExporter__Metrics")].value}')" completed,error,retried

agent='{.spec.template.spec.containers[?(@.name=="polling-agent")]}'
envref() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].valueFrom.secretKeyRef.name}"; }
envval() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].value}"; }
check "agent MongoDB__ConnectionString from Secret" "$(envref MongoDB__ConnectionString)" mongodb-connection
check "agent MongoDB__Password from Secret" "$(envref MongoDB__Password)" mongodb-credentials
check "agent Amqp credentials envFrom" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.envFrom[].secretRef.name] | sort | join(",")')" "activemq-credentials,redis-credentials"
check "agent partition id" "$(envval Pollster__PartitionId)" default
check "agent Amqp__Host" "$(envval Amqp__Host)" "activemq.$NS.svc.cluster.local"
check "agent mounts" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.volumeMounts[].mountPath] | sort | join(",")')" "/cache/internal,/cache/shared"
check "worker gets no core credential" "$(k get deploy compute-plane-default -o json | jq -r '[.spec.template.spec.containers[] | select(.name != "polling-agent") | .env[]? | select(.name | test("MongoDB|Amqp|Redis"))] | length')" 0
check "pod labels" "$(k get deploy compute-plane-default -o jsonpath='{.spec.template.metadata.labels.app\.kubernetes\.io/part-of}/{.spec.template.metadata.labels.app\.kubernetes\.io/component}')" armonik/compute-plane
HASH1=$(k get deploy control-plane -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
check "config-hash annotation: two sha256 (static, referenced data)" "$(echo "$HASH1" | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1

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

stage "cdktf destroy $STACK"
check_cmd "cdktf destroy" timeout 600 $CDKTF destroy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
check "namespace gone" "$(kubectl get ns $NS -o name 2>/dev/null)" ""
check "node agents' namespace gone" "$(kubectl get ns $NS-node-agents -o name 2>/dev/null)" ""
check "nothing left in the state" "$(terraform -chdir="$STACKDIR" state list 2>/dev/null | wc -l)" 0
stage "done"
