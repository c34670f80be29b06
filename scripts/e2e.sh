#!/usr/bin/env bash
# End-to-end test of the default stack on the loopback control plane (scripts/cluster.sh), once
# per engine: terraform and OpenTofu (ENGINE=terraform|tofu runs only that one; docs/engines.md).
#   0. each engine must be available (terraform on PATH; tofu: $TOFU, the cached pinned build, or
#      built now) and able to install the providers (registry online, or a filesystem mirror in
#      the CLI config named by TF_CLI_CONFIG_FILE); otherwise that engine is SKIPPED, never passed;
#   1. start the cluster (once for all engines);
#   per engine, in its own namespace and state file:
#   2. with the CDKTF CLI: cdktf deploy (TERRAFORM_BINARY_NAME=<engine>; wait switch off: no node
#      runs pods); read the objects back with kubectl; the state must be written by that engine;
#      <engine> plan -detailed-exitcode must report no changes;
#   3. without the CDKTF CLI: change one configuration value, synthesize with the Go app alone,
#      <engine> init/plan/apply in that fresh directory: only the control plane may change and its
#      config-hash annotation must roll; the plan is empty afterwards, and so is cdktf diff;
#   4. cdktf destroy: nothing of the stack may remain (namespace gone, state empty);
#   5. without the CDKTF CLI again: <engine> apply, then <engine> destroy: same checks;
#   6. stop the cluster (also on failure or Ctrl-C).
# Each stage prints its elapsed time. Then one line per engine ("e2e[tofu]: PASSED ...",
# "FAILED ..." or "SKIPPED (not a pass): why"), and last "e2e: N passed, M failed (total T)", or
# "e2e: SKIPPED (not a pass): ..." when no engine could run.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 CI=${CI:-}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
STACK=armonik-localhost
WORK=$(mktemp -d "${TMPDIR:-/tmp}/armonik-e2e.XXXXXX")
T0=$(date +%s%N)
el() { # elapsed since $1 (default: the start)
	local ms=$((($(date +%s%N) - ${1:-$T0}) / 1000000))
	printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100))
}
stage() { echo "=== [e2e $(el)] $*"; }
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
# check_cmd NAME CMD... (logs the output to $WORK/step-<n>.log and shows its tail on failure)
check_cmd() {
	local name=$1 log=$WORK/step-$((pass + fail)).log
	shift
	if "$@" >"$log" 2>&1; then ok "$name"; else
		bad "$name" "see below"
		tail -n 40 "$log" | sed 's/^/      /'
	fi
}

SUMMARY=() # one line per engine
CLUSTER_STARTED=0
cleanup() {
	local code=$? line
	if [ $CLUSTER_STARTED = 1 ]; then
		stage "stopping the cluster"
		scripts/cluster.sh down >/dev/null 2>&1 || true
	fi
	for line in "${SUMMARY[@]}"; do echo "$line"; done
	if [ $((pass + fail)) -gt 0 ]; then
		echo "e2e: $pass passed, $fail failed (total $(el))"
	fi
	rm -rf "$WORK"
	[ $fail -eq 0 ] && exit "$code"
	exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in kubectl node npm go jq; do
	command -v $tool >/dev/null || {
		echo "e2e: error: $tool is not on PATH"
		exit 1
	}
done

case ${ENGINE:-all} in
all) ENGINES=(terraform tofu) ;;
terraform | tofu) ENGINES=("$ENGINE") ;;
*)
	echo "e2e: error: ENGINE=$ENGINE: use terraform, tofu, or leave it unset for both"
	exit 2
	;;
esac
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	unset TF_CLI_CONFIG_FILE # a missing CLI config file only makes the engines complain
fi

stage "setup: bindings, cdktf CLI"
scripts/gen-bindings.sh --quiet || exit 1
scripts/setup-npm.sh || exit 1

# probe ENGINE BIN: can BIN install hashicorp/kubernetes 2.38.0 and hashicorp/random 3.7.2?
probe() {
	local dir=$WORK/probe-$1
	mkdir -p "$dir"
	cat >"$dir/main.tf.json" <<'JSON'
{"terraform": {"required_providers": {
  "kubernetes": {"source": "hashicorp/kubernetes", "version": "2.38.0"},
  "random": {"source": "hashicorp/random", "version": "3.7.2"}}}}
JSON
	timeout 120 "$2" -chdir="$dir" init -backend=false -no-color >"$dir.log" 2>&1
}
probe_error() { grep -m1 -E 'Error|error' "$WORK/probe-$1.log" | sed 's/^[│ ]*//'; }
no_providers() {
	echo "$1 cannot install the providers (registry unreachable and no filesystem mirror of hashicorp/kubernetes 2.38.0 and hashicorp/random 3.7.2 in \$TF_CLI_CONFIG_FILE; see README, 'Offline providers')${2:+: $2}"
}

declare -A BIN SKIP
RUN=()
terraform_probe=none # ok | failed | none (terraform not asked for, or not on PATH)
for e in "${ENGINES[@]}"; do
	stage "engine $e: binary and providers"
	b=
	case $e in
	terraform)
		b=$(scripts/engine.sh which terraform) || {
			SKIP[$e]="terraform is not on PATH (or \$TERRAFORM)"
			continue
		}
		;;
	tofu)
		if ! b=$(scripts/engine.sh which tofu); then
			# Building tofu costs minutes cold; do it when tofu was asked for, or when providers
			# are known to be installable (terraform's probe passed) or cannot be known otherwise.
			if [ "${ENGINE:-all}" = tofu ] || [ $terraform_probe != failed ]; then
				scripts/engine.sh build tofu || {
					bad "build the pinned tofu (scripts/engine.sh build tofu)"
					SUMMARY+=("e2e[tofu]: FAILED: the pinned tofu did not build")
					continue
				}
				b=$(scripts/engine.sh which tofu) || exit 1
			else
				SKIP[$e]="tofu not built, since terraform cannot install the providers here either (ENGINE=tofu builds and tries it anyway)"
				continue
			fi
		fi
		;;
	esac
	if probe "$e" "$b"; then
		ok "$e ($b): providers installable ($(grep -c 'Installed hashicorp' "$WORK/probe-$e.log") installed from ${TF_CLI_CONFIG_FILE:-the registry})"
		[ "$e" = terraform ] && terraform_probe=ok
		BIN[$e]=$b
		RUN+=("$e")
	else
		[ "$e" = terraform ] && terraform_probe=failed
		SKIP[$e]=$(no_providers "$e" "$(probe_error "$e")")
	fi
done
for e in "${ENGINES[@]}"; do
	if [ -n "${SKIP[$e]:-}" ]; then SUMMARY+=("e2e[$e]: SKIPPED (not a pass): ${SKIP[$e]}"); fi
done
if [ ${#RUN[@]} -eq 0 ]; then
	[ $fail -gt 0 ] && exit 1
	for line in "${SUMMARY[@]}"; do echo "$line"; done
	SUMMARY=()
	pass=0 # the probes alone are no pass
	echo "e2e: SKIPPED (not a pass): no engine can run the stack (${ENGINES[*]}; lines above)"
	exit 0
fi

stage "building the Go app (what go run . runs), once for every engine"
APP=$WORK/armonik-cdktf
go build -o "$APP" . || exit 1

stage "starting the loopback cluster"
CLUSTER_STARTED=1
if ! scripts/cluster.sh up >"$WORK/cluster.log" 2>&1; then
	bad "cluster up" "$(tail -n 20 "$WORK/cluster.log")"
	exit 1
fi
eval "$(scripts/cluster.sh env)"
ok "cluster up ($(el))"
CDKTF="npx --no-install cdktf"

# suite ENGINE: the whole deploy/check/change/destroy cycle with one engine.
suite() {
	local E=$1 B=${BIN[$1]} W=$WORK/$1 NS=armonik-e2e-$1 t0 p0=$pass f0=$fail
	local OUT CLI DIRECT want_version
	t0=$(date +%s%N)
	OUT=$W/cdktf.out
	CLI=$OUT/stacks/$STACK
	DIRECT=$W/direct/stacks/$STACK
	mkdir -p "$W"
	export ARMONIK_CONFIG=$W/armonik.yaml
	export TERRAFORM_BINARY_NAME=$B # the engine the CDKTF CLI runs
	want_version=$(scripts/engine.sh version "$E" | cut -d' ' -f2)
	eng() { "$B" "$@"; }
	k() { kubectl -n "$NS" "$@" 2>/dev/null; }

	write_config() { # $1: Submitter__MaxErrorAllowed
		cat >"$ARMONIK_CONFIG" <<YAML
localhost:
  namespace: $NS
  state_file: $W/terraform.tfstate
  wait: false
  armonik:
    layers:
      control:
        env: {Submitter__MaxErrorAllowed: "$1"}
YAML
	}

	stage "[$E] cdktf deploy $STACK (CDKTF CLI, TERRAFORM_BINARY_NAME=$B)"
	write_config 50
	check_cmd "[$E] cdktf deploy" $CDKTF deploy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
	check "[$E] state written by $E $want_version" "$(jq -r .terraform_version "$W/terraform.tfstate" 2>/dev/null)" "$want_version"
	stage "[$E] deployed; reading back with kubectl"

	check "[$E] namespace active" "$(kubectl get ns "$NS" -o jsonpath='{.status.phase}' 2>/dev/null)" Active
	for d in control-plane compute-plane-default metrics-exporter admin-gui activemq redis shared-storage; do
		check "[$E] deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
	done
	check "[$E] statefulset mongodb" "$(k get sts mongodb -o jsonpath='{.spec.serviceName}')" mongodb-headless
	check "[$E] job init" "$(k get job init -o jsonpath='{.spec.template.spec.restartPolicy}')" OnFailure
	check "[$E] control-plane service 5001 -> control-port" "$(k get svc control-plane -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" 5001/control-port
	check "[$E] metrics-exporter service 9419" "$(k get svc metrics-exporter -o jsonpath='{.spec.ports[0].port}')" 9419
	for s in activemq-credentials mongodb-credentials mongodb-connection redis-credentials shared-storage-credentials; do
		check "[$E] secret $s" "$(k get secret $s -o name)" "secret/$s"
	done
	check "[$E] mongodb-connection holds a mongodb:// URI" "$(k get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | cut -c1-10)" "mongodb://"
	check "[$E] claims of the in-cluster services" "$(k get pvc -o name | grep -c -E 'activemq|redis|shared-storage')" 3
	local npol
	npol=$(k get networkpolicy -o name | wc -l)
	if [ "$npol" -gt 0 ]; then ok "[$E] network policies ($npol)"; else echo "note  no NetworkPolicy in the stack"; fi

	local agent='{.spec.template.spec.containers[?(@.name=="polling-agent")]}'
	envref() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].valueFrom.secretKeyRef.name}"; }
	envval() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].value}"; }
	check "[$E] agent MongoDB__ConnectionString from Secret" "$(envref MongoDB__ConnectionString)" mongodb-connection
	check "[$E] agent MongoDB__Password from Secret" "$(envref MongoDB__Password)" mongodb-credentials
	check "[$E] agent Amqp credentials envFrom" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.envFrom[].secretRef.name] | sort | join(",")')" "activemq-credentials,redis-credentials"
	check "[$E] agent partition id" "$(envval Pollster__PartitionId)" default
	check "[$E] agent Amqp__Host" "$(envval Amqp__Host)" "activemq.$NS.svc.cluster.local"
	check "[$E] agent mounts" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.volumeMounts[].mountPath] | sort | join(",")')" "/cache/internal,/cache/shared"
	check "[$E] worker gets no core credential" "$(k get deploy compute-plane-default -o json | jq -r '[.spec.template.spec.containers[] | select(.name != "polling-agent") | .env[]? | select(.name | test("MongoDB|Amqp|Redis"))] | length')" 0
	check "[$E] pod labels" "$(k get deploy compute-plane-default -o jsonpath='{.spec.template.metadata.labels.app\.kubernetes\.io/part-of}/{.spec.template.metadata.labels.app\.kubernetes\.io/component}')" armonik/compute-plane
	local hash1 hash2 changed n
	hash1=$(k get deploy control-plane -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
	check "[$E] config-hash annotation: two sha256 (static, referenced data)" "$(echo "$hash1" | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1

	stage "[$E] $E plan must be empty"
	check_cmd "[$E] plan -detailed-exitcode (no changes)" eng -chdir="$CLI" plan -detailed-exitcode -no-color -lock=false

	stage "[$E] without the CDKTF CLI: change one value (control layer env), go run . then $E init/plan/apply"
	write_config 60
	check_cmd "[$E] synthesize with the Go app alone" env CDKTF_OUTDIR="$W/direct" "$APP"
	check_cmd "[$E] $E init in the fresh stack directory" eng -chdir="$DIRECT" init -no-color
	eng -chdir="$DIRECT" plan -no-color -lock=false -out="$W/change.plan" >"$W/change-plan.log" 2>&1
	changed=$(eng -chdir="$DIRECT" show -json "$W/change.plan" | jq -r '[.resource_changes[] | select(.change.actions != ["no-op"]) | "\(.address):\(.change.actions | join("+"))"] | join(" ")')
	check "[$E] planned changes: only the control plane" "$changed" "kubernetes_deployment_v1.armonik-control-plane:update"
	check_cmd "[$E] $E apply the saved plan" eng -chdir="$DIRECT" apply -no-color -lock=false "$W/change.plan"
	hash2=$(k get deploy control-plane -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}')
	if [ -n "$hash2" ] && [ "$hash2" != "$hash1" ]; then ok "[$E] config hash rolled"; else bad "[$E] config hash rolled" "before $hash1 after $hash2"; fi
	check "[$E] new value in the control plane" "$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="Submitter__MaxErrorAllowed")].value}')" 60
	check_cmd "[$E] plan empty after the change" eng -chdir="$DIRECT" plan -detailed-exitcode -no-color -lock=false
	check_cmd "[$E] cdktf diff (CDKTF CLI) agrees: no changes" $CDKTF diff $STACK --skip-provider-lock --output "$OUT" --no-color
	if ! grep -q 'No changes' "$WORK/step-$((pass + fail - 1)).log"; then bad "[$E] cdktf diff says 'No changes'"; fi

	stage "[$E] cdktf destroy $STACK (CDKTF CLI)"
	n=$(eng -chdir="$DIRECT" state list 2>/dev/null | wc -l)
	check_cmd "[$E] cdktf destroy" timeout 600 $CDKTF destroy $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
	check "[$E] namespace gone" "$(kubectl get ns "$NS" -o name 2>/dev/null)" ""
	check "[$E] nothing left in the state" "$(eng -chdir="$CLI" state list 2>/dev/null | wc -l)" 0

	stage "[$E] without the CDKTF CLI: $E apply, then $E destroy"
	check_cmd "[$E] $E apply" eng -chdir="$DIRECT" apply -auto-approve -no-color -lock=false
	if [ "$n" -gt 0 ]; then
		check "[$E] $E apply: as many resources as the CDKTF CLI deployed ($n)" "$(eng -chdir="$DIRECT" state list 2>/dev/null | wc -l)" "$n"
	else
		bad "[$E] resources in the state before cdktf destroy" "none"
	fi
	check "[$E] namespace active again" "$(kubectl get ns "$NS" -o jsonpath='{.status.phase}' 2>/dev/null)" Active
	check_cmd "[$E] $E destroy" timeout 600 "$B" -chdir="$DIRECT" destroy -auto-approve -no-color -lock=false
	check "[$E] namespace gone after $E destroy" "$(kubectl get ns "$NS" -o name 2>/dev/null)" ""
	check "[$E] nothing left in the state after $E destroy" "$(eng -chdir="$DIRECT" state list 2>/dev/null | wc -l)" 0

	local verdict=PASSED
	[ $fail -gt "$f0" ] && verdict=FAILED
	SUMMARY+=("e2e[$E]: $verdict ($((pass - p0)) passed, $((fail - f0)) failed, $(el "$t0"), $E $want_version)")
	unset TERRAFORM_BINARY_NAME
}

for e in "${RUN[@]}"; do suite "$e"; done
stage "done"
