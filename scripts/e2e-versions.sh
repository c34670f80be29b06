#!/usr/bin/env bash
# End-to-end test of armonik.version on the loopback control plane (scripts/cluster.sh): for each
# supported version, deploy the default stack (wait switch off: no node runs pods), read back
# what the version selects (images, the init Job, the control plane's readiness probe, the
# shared storage of the DLL worker), check that terraform plan is empty, then destroy and check
# that nothing is left. With 2.22.3 deployed, synthesizing the default version must be refused
# (Core's 0.34.x -> 0.35.x migration) and leave the synthesis untouched. Last, 2.23.0 with the
# nats queue (NATS with JetStream) is deployed, checked and destroyed the same way.
#
#   scripts/e2e-versions.sh                 start the cluster, test every version, stop it
#   E2E_CLUSTER_RUNNING=1 scripts/e2e-versions.sh
#                                           use the cluster of $KUBECONFIG (scripts/e2e.sh)
#   E2E_VERSIONS="2.22.3" scripts/e2e-versions.sh   some versions only
#   E2E_NATS=0 ...                          skip the last deploy: 2.23.0 with the nats queue
#
# Like scripts/e2e.sh, it prints one line and exits 0 when terraform cannot install the
# providers. The last line is "e2e-versions: N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 CI=${CI:-}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
# The versions of constructs/armonik/versions (a test keeps this list equal to it).
VERSIONS=${E2E_VERSIONS:-"2.22.3 2.23.0 core-0.40.1"}
STACK=armonik-localhost
WORK=$(mktemp -d "${TMPDIR:-/tmp}/armonik-e2e-versions.XXXXXX")
T0=$(date +%s%N)
el() { local ms=$((($(date +%s%N) - T0) / 1000000)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
stage() { echo "=== [e2e-versions $(el)] $*"; }
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+: $2}"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
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
		echo "e2e-versions: $pass passed, $fail failed (total $(el))"
	fi
	rm -rf "$WORK"
	[ $fail -eq 0 ] && exit "$code"
	exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in terraform kubectl node npm go jq; do
	command -v $tool >/dev/null || {
		echo "e2e-versions: error: $tool is not on PATH"
		exit 1
	}
done
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	unset TF_CLI_CONFIG_FILE
fi

if [ "${E2E_CLUSTER_RUNNING:-}" != 1 ]; then
	stage "setup: bindings, cdktf CLI"
	scripts/gen-bindings.sh --quiet || exit 1
	scripts/setup-npm.sh || exit 1
	PROBE=$WORK/probe
	mkdir -p "$PROBE"
	cat >"$PROBE/main.tf.json" <<'JSON'
{"terraform": {"required_providers": {
  "kubernetes": {"source": "hashicorp/kubernetes", "version": "2.38.0"},
  "random": {"source": "hashicorp/random", "version": "3.7.2"},
  "tls": {"source": "hashicorp/tls", "version": "4.1.0"}}}}
JSON
	if ! timeout 120 terraform -chdir="$PROBE" init -backend=false -no-color >"$WORK/probe.log" 2>&1; then
		echo "e2e-versions: SKIPPED (not a pass): terraform cannot install the providers (see README, 'Offline providers')"
		exit 0
	fi
	stage "starting the loopback cluster"
	CLUSTER_STARTED=1
	if ! scripts/cluster.sh up >"$WORK/cluster.log" 2>&1; then
		bad "cluster up" "$(tail -n 20 "$WORK/cluster.log")"
		exit 1
	fi
	eval "$(scripts/cluster.sh env)"
	ok "cluster up ($(el))"
fi
CDKTF=(npx --no-install cdktf)
export ARMONIK_CONFIG=$WORK/armonik.yaml

# write_config NAMESPACE VERSION [EXTRA armonik LINE]
write_config() {
	cat >"$ARMONIK_CONFIG" <<YAML
localhost:
  namespace: $1
  state_file: $WORK/$1.tfstate
  wait: false
  armonik:
    version: $2
${3:-}
YAML
}

for version in $VERSIONS; do
	ns=armonik-v-$(echo "$version" | tr -c 'a-z0-9\n' '-')
	out=$WORK/out-$ns
	dir=$out/stacks/$STACK
	k() { kubectl -n "$ns" "$@" 2>/dev/null; }
	image() { k get "$1" "$2" -o jsonpath="{.spec.template.spec.containers[?(@.name==\"$3\")].image}"; }
	case $version in
	2.22.3) core=0.34.5 worker=dockerhubaneo/armonik_worker_dll:0.19.2 init=mongo:8.0.10 ;;
	2.23.0) core=0.37.2 worker=dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2 init=dockerhubaneo/armonik_control:0.37.2 ;;
	core-0.40.1) core=0.40.1 worker=dockerhubaneo/armonik-dynamic-dotnet-worker:0.21.2 init=dockerhubaneo/armonik_control:0.40.1 ;;
	*)
		bad "version $version" "unknown to this script"
		continue
		;;
	esac

	stage "$version: cdktf deploy $STACK (namespace $ns)"
	write_config "$ns" "$version"
	check_cmd "$version: cdktf deploy" "${CDKTF[@]}" deploy $STACK --auto-approve --skip-provider-lock --output "$out" --no-color
	check "$version: control plane" "$(image deploy control-plane control-plane)" "dockerhubaneo/armonik_control:$core"
	check "$version: polling agent" "$(image deploy compute-plane-default polling-agent)" "dockerhubaneo/armonik_pollingagent:$core"
	check "$version: metrics exporter" "$(image deploy metrics-exporter metrics-exporter)" "dockerhubaneo/armonik_control_metrics:$core"
	check "$version: worker" "$(image deploy compute-plane-default worker)" "$worker"
	check "$version: init Job" "$(image job init init)" "$init"
	check "$version: admin GUI" "$(image deploy admin-gui admin-gui)" "dockerhubaneo/armonik_admin_app:0.15.1"
	readiness=$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].readinessProbe.httpGet.path}')
	case $version in
	2.22.3)
		check "$version: the init Job runs mongosh" "$(k get job init -o jsonpath='{.spec.template.spec.containers[0].command[2]}' | grep -c 'exec mongosh')" 1
		check "$version: MinIO shared storage for the DLL worker" "$(k get deploy shared-storage -o name)" deployment.apps/shared-storage
		check "$version: no InitServices on the agent" "$(k get deploy compute-plane-default -o json | jq '[.spec.template.spec.containers[].env[]? | select(.name | startswith("InitServices__"))] | length')" 0
		check "$version: no readiness probe" "$readiness" ""
		;;
	core-0.40.1)
		check "$version: control-plane readiness probe" "$readiness" /readiness
		;;
	*)
		check "$version: no readiness probe" "$readiness" ""
		;;
	esac
	check_cmd "$version: plan -detailed-exitcode (no changes)" terraform -chdir="$dir" plan -detailed-exitcode -no-color -lock=false

	if [ "$version" = 2.22.3 ]; then
		stage "$version: synthesizing 2.23.0 over it must be refused (Core's 0.34.x -> 0.35.x migration)"
		before=$(sha256sum <"$dir/cdk.tf.json")
		write_config "$ns" 2.23.0
		if "${CDKTF[@]}" synth --output "$out" --no-color >"$WORK/guard.log" 2>&1; then
			bad "$version: upgrade refused" "synth succeeded"
		else
			check "$version: upgrade refused, naming the migration" "$(grep -q "crosses Core's database migration 0.34.x -> 0.35.x" "$WORK/guard.log" && echo yes)" yes
		fi
		check "$version: the synthesis is untouched" "$(sha256sum <"$dir/cdk.tf.json")" "$before"
		write_config "$ns" "$version"
	fi

	stage "$version: cdktf destroy $STACK"
	check_cmd "$version: cdktf destroy" timeout 600 "${CDKTF[@]}" destroy $STACK --auto-approve --skip-provider-lock --output "$out" --no-color
	check "$version: namespace gone" "$(kubectl get ns "$ns" -o name 2>/dev/null)" ""
	check "$version: nothing left in the state" "$(terraform -chdir="$dir" state list 2>/dev/null | wc -l)" 0
done

if [ "${E2E_NATS:-1}" = 1 ]; then
	# The queue the newer versions enable: NATS with JetStream for Core's NATS adapter.
	ns=armonik-v-nats
	out=$WORK/out-$ns
	dir=$out/stacks/$STACK
	stage "2.23.0 with queue nats: cdktf deploy $STACK (namespace $ns)"
	write_config "$ns" 2.23.0
	printf '  queue: {nats: {}}\n' >>"$ARMONIK_CONFIG"
	check_cmd "nats: cdktf deploy" "${CDKTF[@]}" deploy $STACK --auto-approve --skip-provider-lock --output "$out" --no-color
	k() { kubectl -n "$ns" "$@" 2>/dev/null; }
	check "nats: statefulset" "$(k get sts nats -o jsonpath='{.spec.template.spec.containers[0].image}')" nats:2.12.7
	check "nats: no activemq" "$(k get deploy activemq -o name)" ""
	check "nats: agent Nats__Url from Secret" "$(k get deploy compute-plane-default -o jsonpath='{.spec.template.spec.containers[?(@.name=="polling-agent")].env[?(@.name=="Nats__Url")].valueFrom.secretKeyRef.name}')" nats-credentials
	check "nats: URL with the generated password" "$(k get secret nats-credentials -o jsonpath='{.data.url}' | base64 -d | grep -cE '^nats://armonik:[A-Za-z0-9]{24}@nats\.armonik-v-nats\.svc\.cluster\.local:4222$')" 1
	check "nats: network policy on 4222" "$(k get networkpolicy nats -o jsonpath='{.spec.ingress[0].ports[0].port}')" 4222
	check_cmd "nats: plan -detailed-exitcode (no changes)" terraform -chdir="$dir" plan -detailed-exitcode -no-color -lock=false
	check_cmd "nats: cdktf destroy" timeout 600 "${CDKTF[@]}" destroy $STACK --auto-approve --skip-provider-lock --output "$out" --no-color
	check "nats: namespace gone" "$(kubectl get ns "$ns" -o name 2>/dev/null)" ""
fi
stage "done"
