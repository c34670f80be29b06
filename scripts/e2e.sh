#!/usr/bin/env bash
# shellcheck disable=SC2016 # jq programs and literal $ in single quotes are not meant to expand
# End-to-end test of armonik-platform (KEDA) + armonik-localhost (the default storage, the default
# monitoring: Prometheus scraping the exporters, Grafana, Seq, fluent-bit, node-exporter,
# kube-state-metrics, the MongoDB exporter, node agents in a namespace of their own; two
# partitions scaling 0..5 on their queue length, PriorityClasses, the front door doing mutual
# TLS, authentication and authorization on, with Grafana and Seq behind it; every image through a
# private registry with a pull Secret; both states in the kubernetes backend) on the loopback control plane
# (scripts/cluster.sh), once per engine: terraform and OpenTofu (ENGINE=terraform|tofu runs only
# that one; docs/engines.md).
#   0. build the Go app and synthesize both stacks; each engine must be available (terraform on
#      PATH; tofu: $TOFU, the cached pinned build, or built now) and `init` the providers the
#      stacks pin. An engine is SKIPPED (never passed) only when it is missing or the providers
#      cannot be obtained: its registry is unreachable and no provider mirror is configured
#      (TF_CLI_CONFIG_FILE or the default CLI config, or an implicit local mirror directory).
#      Any other init failure (a bad pin, a bad configuration, an incomplete mirror) FAILS.
#   per engine, on a fresh loopback cluster (started for it, stopped after it), own namespaces
#   and states:
#   1. with the CDKTF CLI: one command, cdktf deploy armonik-platform armonik-localhost
#      (TERRAFORM_BINARY_NAME=<engine>; wait switch off: no node runs pods); both states must be
#      written by that engine, in Secrets of the cluster (state: kubernetes), locked by Leases;
#   2. read the objects back with kubectl: every pod admitted under the namespace's Pod Security
#      level (restricted; Seq's baseline; the node agents' privileged), the system PriorityClass,
#      the PodDisruptionBudgets, what ArmoniK needs, elastic compute (KEDA, ScaledObjects,
#      Prometheus, pod-deletion cost, PriorityClasses, graceful stops), monitoring and logs (scrape
#      jobs, dashboards, log shipping, generated admin passwords), every NetworkPolicy against
#      what the stack declares (selectors, peers, ports) and what each one must admit, the front
#      door's certificates (openssl), that no ConfigMap holds a key, the stack outputs and what
#      make output writes; every pod template and every pod the controllers created pulls from
#      the registry with the pull Secret, which exists in each namespace the stacks created, and
#      `images` lists exactly the images of the live templates;
#   3. <engine> plan -detailed-exitcode of both stacks must report no changes;
#   4. without the CDKTF CLI: change one configuration value, synthesize with the Go app alone,
#      <engine> init/plan/apply in that fresh directory: only the control plane may change and its
#      config-hash annotation must roll; both plans are empty afterwards, and so is cdktf diff;
#   5. plan a change of the certificates' validity: they are reissued and only the front door
#      rolls (planned only);
#   6. cdktf destroy of both stacks: nothing may remain (namespaces, node agents' included, CRDs, cluster roles,
#      PriorityClasses, states);
#   7. without the CDKTF CLI again: <engine> apply of the platform then of ArmoniK, <engine>
#      destroy in reverse order: same checks;
#   8. docs/armonik.production.yaml (its state moved to this cluster, wait off): <engine> apply,
#      every pod admitted under restricted, both plans empty, destroy.
# Then, with terraform, scripts/e2e-versions.sh: the default stack of every armonik.version.
# Each stage prints its elapsed time. Then one line per engine ("e2e[tofu]: PASSED ...",
# "FAILED ..." or "SKIPPED (not a pass): why"), and last "e2e: N passed, M failed (total T)", or
# "e2e: SKIPPED (not a pass): ..." when no engine could run.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 CI=${CI:-}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
STACK=armonik-localhost
PLATFORM=armonik-platform
# Every image through this registry (nothing is pulled: no node runs pods), with this pull Secret.
REG=registry.e2e.invalid/mirror
export TF_VAR_image_pull_secret_regcred='{"auths":{"registry.e2e.invalid":{"auth":"ZTJlOmUyZQ=="}}}'
WORK=$(mktemp -d "${TMPDIR:-/tmp}/armonik-e2e.XXXXXX")
T0=$(date +%s%N)
el() { # elapsed since $1 (default: the start)
	local ms=$((($(date +%s%N) - ${1:-$T0}) / 1000000))
	printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100))
}
stage() { echo "=== [e2e $(el)] $*"; }
pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok    $1"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL  $1${2:+: $2}"
}
# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi; }
# check_true NAME CMD...: CMD must print "true" (a jq verdict); its output is shown otherwise.
check_true() {
	local name=$1 got
	shift
	got=$("$@" 2>&1)
	if [ "$got" = true ]; then ok "$name"; else bad "$name" "${got:-no output}"; fi
}
# check_eventually NAME WANT TRIES CMD...: runs CMD every 2 s, at most TRIES times, until it
# prints WANT, then checks its last output (NAME gets the number of polls).
check_eventually() {
	local name=$1 want=$2 tries=$3 got i
	shift 3
	for i in $(seq 1 "$tries"); do
		got=$("$@")
		[ "$got" = "$want" ] && break
		sleep 2
	done
	check "$name ($i polls)" "$got" "$want"
}
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

for tool in kubectl node npm go jq openssl curl; do
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

# The per-engine settings (set by use_engine, read by write_config and the checks).
E='' B='' W='' NS='' AGENTS='' LOGS='' KEDA_NS='' OUT='' STACKDIR='' PLATFORMDIR='' DIRECT='' DSTACK='' DPLATFORM=''
use_engine() { # ENGINE [BIN]
	E=$1
	B=${2:-}
	W=$WORK/$1
	NS=armonik-e2e-$1
	AGENTS=$NS-node-agents
	LOGS=$NS-logs
	KEDA_NS=keda-e2e-$1
	OUT=$W/cdktf.out
	STACKDIR=$OUT/stacks/$STACK
	PLATFORMDIR=$OUT/stacks/$PLATFORM
	DIRECT=$W/direct
	DSTACK=$DIRECT/stacks/$STACK
	DPLATFORM=$DIRECT/stacks/$PLATFORM
	mkdir -p "$W"
	export ARMONIK_CONFIG=$W/armonik.yaml
}

write_config() { # $1: Submitter__MaxErrorAllowed, $2: validity of the front door's certificates (hours), $3: table_storage.mongodb (YAML flow map)
	local mongodb=${3:-"{}"}
	cat >"$ARMONIK_CONFIG" <<YAML
stacks: [$PLATFORM, $STACK]
state:
  kubernetes: {namespace: default, secret_suffix: e2e}
platform:
  wait: false
  keda:
    namespace: $KEDA_NS
localhost:
  namespace: $NS
  image_registry: $REG
  image_pull_secrets: [regcred]
  wait: false
  table_storage:
    mongodb: $mongodb
  armonik:
    priority_classes: {enabled: true}
    partitions:
      - name: default
        scaling: {min_replicas: 0, max_replicas: 5}
      - name: batch-jobs
        priority: 2
        scaling: {min_replicas: 0, max_replicas: 5, threshold: "4"}
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

stage "setup: bindings, cdktf CLI"
scripts/gen-bindings.sh --quiet || exit 1
scripts/setup-npm.sh || exit 1

stage "building the Go app (what go run . runs), once for every engine"
APP=$WORK/armonik-cdktf
go build -o "$APP" . || exit 1

# ------------------------------------------------------------- providers --
# The providers the stacks pin, as one configuration to init: a bad pin fails here like it
# would in the deploy.
stage "synthesizing both stacks for the providers they pin"
use_engine probe
write_config 50
if ! CDKTF_OUTDIR=$W/out "$APP" >"$W/synth.log" 2>&1; then
	bad "synthesize $PLATFORM and $STACK with the e2e configuration" "$(tail -n 20 "$W/synth.log")"
	exit 1
fi
if ! jq -s '{terraform: {required_providers: (map(.terraform.required_providers) | add)}}' \
	"$W/out/stacks/$PLATFORM/cdk.tf.json" "$W/out/stacks/$STACK/cdk.tf.json" >"$WORK/providers.tf.json"; then
	bad "required providers of the synthesized stacks"
	exit 1
fi
PINS=$(jq -r '.terraform.required_providers | to_entries | map("\(.value.source | if test("/") then . else "hashicorp/" + . end) \(.value.version)") | join(", ")' "$WORK/providers.tf.json")
echo "      providers: $PINS"

# probe ENGINE BIN: init the stacks' providers with BIN.
probe() {
	local dir=$WORK/probe-$1
	mkdir -p "$dir"
	cp "$WORK/providers.tf.json" "$dir/main.tf.json"
	timeout 180 "$2" -chdir="$dir" init -backend=false -no-color >"$dir.log" 2>&1
}
probe_error() { grep -m1 -E 'Error|error' "$WORK/probe-$1.log" | sed 's/^[│ ]*//'; }
# probe_log ENGINE: the engine's error, indented (the work directory goes at exit).
probe_log() { sed -n '/Error/,$p' "$WORK/probe-$1.log" | sed 's/^[│╷╵ ]*//; /^$/d; s/^/      /' | head -n 20; }

# mirror_configured ENGINE: prints where the engine would take providers from besides its
# registry (a mirror in a CLI configuration file, or an implicit local mirror directory), or
# returns 1. With one, a failed init is the mirror's or the pin's fault, not the network's.
mirror_configured() {
	local f d files=() data=${XDG_DATA_HOME:-$HOME/.local/share} name=terraform
	[ "$1" = tofu ] && name=opentofu
	if [ -n "${TF_CLI_CONFIG_FILE:-}" ]; then
		files=("$TF_CLI_CONFIG_FILE")
	elif [ "$1" = tofu ]; then
		files=("$HOME/.tofurc" "$HOME/.terraformrc" "${XDG_CONFIG_HOME:-$HOME/.config}/opentofu/tofurc")
	else
		files=("$HOME/.terraformrc")
	fi
	for f in "${files[@]}" "$HOME"/.terraform.d/*.tfrc; do
		if [ -f "$f" ] && grep -qE '^[[:space:]]*(filesystem_mirror|network_mirror)\b' "$f"; then
			echo "the provider mirror of $f"
			return 0
		fi
	done
	local sys=()
	IFS=: read -ra sys <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
	sys=("${sys[@]/%//$name/plugins}")
	for d in "$HOME/.terraform.d/plugins" "$data/$name/plugins" "${sys[@]}"; do
		if [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
			echo "the implicit local mirror $d"
			return 0
		fi
	done
	return 1
}

# registry_reachable ENGINE: prints the registry host when it answers its discovery document.
registry_reachable() {
	local host=registry.terraform.io
	[ "$1" = tofu ] && host=registry.opentofu.org
	curl -fsS --max-time 15 -o /dev/null "https://$host/.well-known/terraform.json" 2>/dev/null || return 1
	echo "$host"
}

declare -A BIN SKIP
RUN=()
terraform_probe=none # ok | failed | skipped | none (terraform not asked for, or not on PATH)
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
			# Building tofu costs minutes cold; do it when tofu was asked for, or unless the
			# providers are known to be unobtainable here (terraform's probe was skipped).
			if [ "${ENGINE:-all}" = tofu ] || [ $terraform_probe != skipped ]; then
				scripts/engine.sh build tofu || {
					bad "build the pinned tofu (scripts/engine.sh build tofu)"
					SUMMARY+=("e2e[tofu]: FAILED: the pinned tofu did not build")
					continue
				}
				b=$(scripts/engine.sh which tofu) || exit 1
			else
				SKIP[$e]="tofu not built, since terraform cannot obtain the providers here either (ENGINE=tofu builds and tries it anyway)"
				continue
			fi
		fi
		;;
	esac
	if probe "$e" "$b"; then
		ok "$e ($b): init of $PINS ($(grep -c 'Installed hashicorp' "$WORK/probe-$e.log") installed from ${TF_CLI_CONFIG_FILE:-the registry})"
		[ "$e" = terraform ] && terraform_probe=ok
		BIN[$e]=$b
		RUN+=("$e")
	elif src=$(mirror_configured "$e"); then
		[ "$e" = terraform ] && terraform_probe=failed
		bad "$e init of the stacks' providers, with $src configured" "$e init failed:"
		probe_log "$e"
		SUMMARY+=("e2e[$e]: FAILED: init of $PINS failed although $src is configured (an incomplete mirror or a bad pin; not a network problem)")
	elif host=$(registry_reachable "$e"); then
		[ "$e" = terraform ] && terraform_probe=failed
		bad "$e init of the stacks' providers, with $host reachable" "$e init failed:"
		probe_log "$e"
		SUMMARY+=("e2e[$e]: FAILED: init of $PINS failed although $host is reachable (a bad pin or configuration; not a network problem)")
	else
		[ "$e" = terraform ] && terraform_probe=skipped
		SKIP[$e]="$e cannot obtain the providers: its registry is unreachable and no provider mirror is configured (\$TF_CLI_CONFIG_FILE with a filesystem mirror of $PINS; see README, 'Offline providers'): $(probe_error "$e")"
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
	echo "e2e: SKIPPED (not a pass): no engine can run the stacks (${ENGINES[*]}; lines above)"
	exit 0
fi

CDKTF=(npx --no-install cdktf)
k() { kubectl -n "$NS" "$@" 2>/dev/null; }
ka() { kubectl -n "$AGENTS" "$@" 2>/dev/null; }
kl() { kubectl -n "$LOGS" "$@" 2>/dev/null; }
eng() { "$B" "$@"; }
config_hash() { k get deploy "$1" -o jsonpath='{.spec.template.metadata.annotations.armonik\.aneo\.fr/config-hash}'; }
# planned DIR PLANFILE: the resources a saved plan changes, "address:actions", sorted.
planned() {
	eng -chdir="$1" show -json "$2" | jq -r '[.resource_changes[] | select(.change.actions != ["no-op"]) | "\(.address):\(.change.actions | join("+"))"] | sort | join(" ")'
}
# Without a kubelet KEDA's metrics server never runs, so its APIService stays unavailable, and
# the namespace controller finalizes no namespace while an aggregated API cannot be discovered.
# On a real cluster KEDA serves it; here the e2e removes the APIService before destroying.
drop_apiservice() {
	echo "note  removing the unavailable APIService v1beta1.external.metrics.k8s.io first (KEDA's metrics server cannot run without a kubelet; it would block namespace deletion)"
	kubectl delete apiservice v1beta1.external.metrics.k8s.io >/dev/null 2>&1 || true
}
# nothing_left WHEN STATE-DIR PLATFORM-DIR: the checks after a destroy.
nothing_left() {
	check "[$E] namespace gone$1" "$(kubectl get ns "$NS" -o name 2>/dev/null)" ""
	check "[$E] node agents' namespace gone$1" "$(kubectl get ns "$AGENTS" -o name 2>/dev/null)" ""
	check "[$E] Seq's namespace gone$1" "$(kubectl get ns "$LOGS" -o name 2>/dev/null)" ""
	check "[$E] KEDA namespace gone$1" "$(kubectl get ns "$KEDA_NS" -o name 2>/dev/null)" ""
	check "[$E] KEDA CRDs gone$1" "$(kubectl get crd -o name 2>/dev/null | grep -c keda)" 0
	check "[$E] KEDA cluster roles gone$1" "$(kubectl get clusterrole -o name 2>/dev/null | grep -c keda)" 0
	check "[$E] PriorityClasses gone$1" "$(kubectl get priorityclass -o name 2>/dev/null | grep -c "armonik-$NS")" 0
	check "[$E] nothing left in the states$1" "$(eng -chdir="$2" state list 2>/dev/null | wc -l)/$(eng -chdir="$3" state list 2>/dev/null | wc -l)" 0/0
}

# ---------------------------------------------------------------- checks --
check_core() {
	check "[$E] namespace active" "$(kubectl get ns "$NS" -o jsonpath='{.status.phase}' 2>/dev/null)" Active
	local d s
	for d in control-plane compute-plane-default metrics-exporter admin-gui activemq redis; do
		check "[$E] deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
	done
	check "[$E] statefulset mongodb" "$(k get sts mongodb -o jsonpath='{.spec.serviceName}')" mongodb-headless
	check "[$E] job init" "$(k get job init -o jsonpath='{.spec.template.spec.restartPolicy}')" OnFailure
	check "[$E] control-plane service 5001 -> control-port" "$(k get svc control-plane -o jsonpath='{.spec.ports[0].port}/{.spec.ports[0].targetPort}')" 5001/control-port
	check "[$E] metrics-exporter service 9419" "$(k get svc metrics-exporter -o jsonpath='{.spec.ports[0].port}')" 9419
	for s in activemq-credentials mongodb-credentials mongodb-connection redis-credentials; do
		check "[$E] secret $s" "$(k get secret $s -o name)" "secret/$s"
	done
	check "[$E] mongodb-connection holds a mongodb:// URI" "$(k get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | cut -c1-10)" "mongodb://"
	check "[$E] claims of the in-cluster services" "$(k get pvc -o name | grep -c -E 'activemq|redis')" 2

	local agent='{.spec.template.spec.containers[?(@.name=="polling-agent")]}'
	envref() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].valueFrom.secretKeyRef.name}"; }
	envval() { k get deploy compute-plane-default -o jsonpath="{.spec.template.spec.containers[?(@.name==\"polling-agent\")].env[?(@.name==\"$1\")].value}"; }
	check "[$E] agent MongoDB__ConnectionString from Secret" "$(envref MongoDB__ConnectionString)" mongodb-connection
	check "[$E] agent Amqp credentials envFrom" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.envFrom[].secretRef.name] | sort | join(",")')" "activemq-credentials,redis-credentials"
	check "[$E] agent partition id" "$(envval Pollster__PartitionId)" default
	check "[$E] agent Amqp__Host" "$(envval Amqp__Host)" "activemq.$NS.svc.cluster.local"
	check "[$E] agent mounts" "$(k get deploy compute-plane-default -o jsonpath="$agent" | jq -r '[.volumeMounts[].mountPath] | sort | join(",")')" "/cache/internal,/cache/shared"
	check "[$E] worker gets no core credential" "$(k get deploy compute-plane-default -o json | jq -r '[.spec.template.spec.containers[] | select(.name != "polling-agent") | .env[]? | select(.name | test("MongoDB|Amqp|Redis"))] | length')" 0
	check "[$E] pod labels" "$(k get deploy compute-plane-default -o jsonpath='{.spec.template.metadata.labels.app\.kubernetes\.io/part-of}/{.spec.template.metadata.labels.app\.kubernetes\.io/component}')" armonik/compute-plane
	HASH1=$(config_hash control-plane)
	check "[$E] config-hash annotation: two sha256 (static, referenced data)" "$(echo "$HASH1" | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1
}

# NetworkPolicies. The loopback cluster has no CNI, so nothing enforces them; what is checked is
# that the API server holds exactly the policies the stack declares, and that those admit what
# they must: each storage module's server accepts ArmoniK's pods (app.kubernetes.io/part-of=
# armonik) on the port its Service targets, from pods of the namespace only, and ArmoniK's pods
# carry that label.
# The two jq programs bring a policy to one shape: cdktf's JSON (snake_case, ports as strings)
# and the API's (camelCase, ports as numbers).
# (jq needs a function defined before its use: sel and peer first, then NP_COMMON.)
NP_COMMON='def port: {port: (.port | tostring), protocol: (.protocol // "TCP")};
def rules($peers): [(. // [])[] | {peers: [(.[$peers] // [])[] | peer], ports: [(.ports // [])[] | port]}];'
NP_DECLARED='def sel: if . == null then null else (.match_labels // {}) end;
def peer: {pod: (.pod_selector | sel), ns: (.namespace_selector | sel), cidr: (.ip_block.cidr // null)};
'"$NP_COMMON"'
.resource.kubernetes_network_policy_v1 // {} | .[] | select(.metadata.name == $n) | .spec |
{pod: (.pod_selector | sel), types: (.policy_types | sort), ingress: (.ingress | rules("from")), egress: (.egress | rules("to"))}'
NP_LIVE='def sel: if . == null then null else (.matchLabels // {}) end;
def peer: {pod: (.podSelector | sel), ns: (.namespaceSelector | sel), cidr: (.ipBlock.cidr // null)};
'"$NP_COMMON"'
.spec | {pod: (.podSelector | sel), types: (.policyTypes | sort), ingress: (.ingress | rules("from")), egress: (.egress | rules("to"))}'

check_netpols() {
	local declared live n kind svc
	declared=$(jq -r '[.resource.kubernetes_network_policy_v1 // {} | .[] | .metadata.name] | sort | join(" ")' "$STACKDIR/cdk.tf.json")
	live=$({ k get networkpolicy -o json; ka get networkpolicy -o json; kl get networkpolicy -o json; } | jq -rs '[.[].items[].metadata.name] | sort | join(" ")')
	check "[$E] NetworkPolicies ($NS, $AGENTS and $LOGS): the declared ones, no other" "$live" "$declared"
	check "[$E] NetworkPolicies of the storage, the monitoring and the log shipper" "$declared" "activemq fluent-bit grafana kube-state-metrics mongodb mongodb-exporter mongodb-exporter-to-mongodb prometheus redis seq"
	local want got
	for n in $declared; do
		want=$(jq -c --arg n "$n" "$NP_DECLARED" "$STACKDIR/cdk.tf.json" 2>&1)
		if [ "$n" = fluent-bit ]; then
			got=$(ka get networkpolicy "$n" -o json | jq -c "$NP_LIVE" 2>&1)
		elif [ "$n" = seq ]; then
			got=$(kl get networkpolicy "$n" -o json | jq -c "$NP_LIVE" 2>&1)
		else
			got=$(k get networkpolicy "$n" -o json | jq -c "$NP_LIVE" 2>&1)
		fi
		if [ -z "$want" ] || [ "$want" = null ]; then
			bad "[$E] NetworkPolicy $n reads back as declared" "nothing declared to compare with ($want)"
		else
			check "[$E] NetworkPolicy $n reads back as declared (pod selector, types, peers, ports)" "$got" "$want"
		fi
	done
	# NAME WORKLOAD SERVICE: the policy selects the workload's pods, and admits ArmoniK's pods on
	# the container port the Service targets; a storage policy admits pods of the namespace only,
	# Prometheus's also KEDA's namespace (its scaler queries Prometheus) and nothing wider.
	local spec
	for spec in activemq:deploy:activemq redis:deploy:redis mongodb:sts:mongodb-headless prometheus:deploy:prometheus; do
		IFS=: read -r n kind svc <<<"$spec"
		k get networkpolicy "$n" -o json >"$W/np.json"
		k get "$kind" "$n" -o json >"$W/workload.json"
		k get svc "$svc" -o json >"$W/svc.json"
		check_true "[$E] NetworkPolicy $n selects the pods of $kind/$n" jq -n \
			--slurpfile p "$W/np.json" --slurpfile w "$W/workload.json" \
			'($p[0].spec.podSelector.matchLabels // {}) as $s | ($w[0].spec.template.metadata.labels // {}) as $l |
			 if ($s | length) > 0 and all($s | to_entries[]; $l[.key] == .value) then true
			 else "selector \($s) does not select the template labels \($l)" end'
		check_true "[$E] NetworkPolicy $n admits app.kubernetes.io/part-of=armonik on the port of Service $svc" jq -n \
			--slurpfile p "$W/np.json" --slurpfile w "$W/workload.json" --slurpfile s "$W/svc.json" \
			'($s[0].spec.ports[0].targetPort) as $t |
			 (if ($t | type) == "number" then $t else
			   first($w[0].spec.template.spec.containers[].ports[]? | select(.name == $t) | .containerPort) end) as $port |
			 [$p[0].spec.ingress[]? | select(any(.from[]?; .podSelector.matchLabels == {"app.kubernetes.io/part-of": "armonik"}))
			  | .ports[]? | select((.port | tostring) == ($port | tostring) and (.protocol // "TCP") == "TCP")] |
			 if length > 0 then true else "no ingress rule admits ArmoniK pods on port \($port) (target \($t))" end'
		if [ "$n" = prometheus ]; then
			check_true "[$E] NetworkPolicy $n admits ArmoniK's pods and the namespace $KEDA_NS only (no open rule, no address peer)" \
				jq --arg keda "$KEDA_NS" \
				'if ([.spec.ingress[]? | select((.from // []) | length == 0)] | length) == 0
				    and all(.spec.ingress[]?.from[]?; .ipBlock == null and
				      ((.podSelector != null and .namespaceSelector == null) or
				       (.podSelector == null and .namespaceSelector.matchLabels == {"kubernetes.io/metadata.name": $keda})))
				    and any(.spec.ingress[]?.from[]?; .namespaceSelector.matchLabels."kubernetes.io/metadata.name" == $keda)
				 then true else .spec.ingress end' "$W/np.json"
		else
			check_true "[$E] NetworkPolicy $n admits only pods of the namespace (no open rule, no namespace or address peer)" jq \
				'if ([.spec.ingress[]? | select((.from // []) | length == 0)] | length) == 0
				    and all(.spec.ingress[]?.from[]?; .podSelector != null and .namespaceSelector == null and .ipBlock == null)
				 then true else .spec.ingress end' "$W/np.json"
		fi
	done
	check "[$E] prometheus network policy restricts egress" "$(k get networkpolicy prometheus -o jsonpath='{.spec.policyTypes}')" '["Ingress","Egress"]'
	check_true "[$E] prometheus may reach the metrics exporter's pods on their container port" jq -n \
		--slurpfile p <(k get networkpolicy prometheus -o json) --slurpfile w <(k get deploy metrics-exporter -o json) \
		'[$w[0].spec.template.spec.containers[].ports[]?.containerPort] as $ports | $w[0].spec.template.metadata.labels as $l |
		 if any($p[0].spec.egress[]?; any(.to[]?; .podSelector.matchLabels as $m | $m != null and all($m | to_entries[]; $l[.key] == .value))
		      and any(.ports[]?; (.port | tostring) as $x | any($ports[]; tostring == $x)))
		 then true else "no egress rule to the metrics exporter (labels \($l), ports \($ports))" end'
	local w
	for w in deploy/control-plane deploy/compute-plane-default deploy/compute-plane-batch-jobs deploy/metrics-exporter job/init; do
		check "[$E] $w pods are labelled app.kubernetes.io/part-of=armonik (admitted by the storage policies)" \
			"$(k get "$w" -o jsonpath='{.spec.template.metadata.labels.app\.kubernetes\.io/part-of}')" armonik
	done
}

check_elastic() {
	local crd d p
	for crd in scaledobjects.keda.sh scaledjobs.keda.sh triggerauthentications.keda.sh clustertriggerauthentications.keda.sh cloudeventsources.eventing.keda.sh clustercloudeventsources.eventing.keda.sh; do
		check "[$E] CRD $crd established" "$(kubectl get crd $crd -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" True
	done
	for d in keda-operator keda-metrics-apiserver; do
		check "[$E] KEDA deployment $d" "$(kubectl -n "$KEDA_NS" get deploy $d -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)" "$REG/ghcr.io/kedacore/$([ $d = keda-operator ] && echo keda || echo keda-metrics-apiserver):2.19.0"
	done
	check "[$E] KEDA namespace $KEDA_NS enforces restricted" "$(kubectl get ns "$KEDA_NS" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null)" restricted
	check_eventually "[$E] KEDA's pods admitted in $KEDA_NS under restricted" "keda-metrics-apiserver keda-operator" 30 pod_apps "$KEDA_NS"
	check "[$E] KEDA external metrics APIService" "$(kubectl get apiservice v1beta1.external.metrics.k8s.io -o jsonpath='{.spec.service.namespace}/{.spec.service.name}' 2>/dev/null)" "$KEDA_NS/keda-metrics-apiserver"
	check "[$E] KEDA operator cluster role binding" "$(kubectl get clusterrolebinding keda-operator -o jsonpath='{.subjects[0].namespace}/{.subjects[0].name}' 2>/dev/null)" "$KEDA_NS/keda-operator"
	so() { k get scaledobject "compute-plane-$p" -o jsonpath="$1"; }
	for p in default batch-jobs; do
		check "[$E] ScaledObject $p bounds" "$(so '{.spec.minReplicaCount}..{.spec.maxReplicaCount}')" "0..5"
		check "[$E] ScaledObject $p targets its Deployment" "$(so '{.spec.scaleTargetRef.kind}/{.spec.scaleTargetRef.name}')" "Deployment/compute-plane-$p"
		check "[$E] ScaledObject $p queries its own partition" "$(so '{.spec.triggers[0].metadata.query}')" "max(armonik_${p//-/_}_tasks_queued{namespace=\"$NS\"})"
		check "[$E] ScaledObject $p queries the in-cluster Prometheus" "$(so '{.spec.triggers[0].metadata.serverAddress}')" "http://prometheus.$NS.svc.cluster.local:9090"
		check "[$E] compute-plane-$p starts at 0 replicas" "$(k get deploy "compute-plane-$p" -o jsonpath='{.spec.replicas}')" 0
		check "[$E] compute-plane-$p PriorityClass" "$(k get deploy "compute-plane-$p" -o jsonpath='{.spec.template.spec.priorityClassName}')" "armonik-$NS-priority-$([ $p = default ] && echo 1 || echo 2)"
		check "[$E] compute-plane-$p worker preStop waits for the agent socket" "$(k get deploy "compute-plane-$p" -o jsonpath='{.spec.template.spec.containers[1].lifecycle.preStop.exec.command[2]}')" "while [ -e '/cache/shared/armonik_agent.sock' ]; do sleep 1; done"
	done
	check "[$E] ScaledObject threshold of batch-jobs" "$(k get scaledobject compute-plane-batch-jobs -o jsonpath='{.spec.triggers[0].metadata.threshold}')" 4
	check "[$E] PriorityClass values" "$(kubectl get priorityclass "armonik-$NS-priority-1" "armonik-$NS-priority-2" -o jsonpath='{.items[*].value}' 2>/dev/null)" "1 2"
	check "[$E] Core partitions follow the scaler (max_pods 5)" "$(k get job init -o json | jq -r '[.spec.template.spec.containers[0].env[] | select(.name | startswith("InitServices__Partitioning__Partitions__")) | .value | fromjson | "\(.PartitionId):\(.PodReserved)-\(.PodMax)"] | sort | join(",")')" "batch-jobs:0-5,default:0-5"
	check "[$E] prometheus deployment" "$(k get deploy prometheus -o jsonpath='{.spec.template.spec.containers[0].image}')" "$REG/docker.io/prom/prometheus:v3.5.1"
	check "[$E] prometheus scrapes the metrics exporter" "$(k get cm prometheus-config -o jsonpath='{.data.prometheus\.yml}' | grep -c "metrics-exporter.$NS.svc.cluster.local:9419")" 1
	rules() { k get role "$1" -o json | jq -c '[.rules[] | {apiGroups, resources, verbs: (.verbs | sort)}]'; }
	check "[$E] prometheus role reads pods only" "$(rules prometheus)" '[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list","watch"]}]'
	check "[$E] metrics-exporter service prometheus.io annotations" "$(k get svc metrics-exporter -o jsonpath='{.metadata.annotations.prometheus\.io/scrape}:{.metadata.annotations.prometheus\.io/port}')" "true:1080"
	check "[$E] pod-deletion-cost updater" "$(k get deploy pod-deletion-cost -o jsonpath='{.spec.template.spec.containers[0].image}')" "$REG/docker.io/dockerhubaneo/armonik_pdc_update:0.3.0"
	check "[$E] pod-deletion-cost role: get and patch pods only" "$(rules pod-deletion-cost)" '[{"apiGroups":[""],"resources":["pods"],"verbs":["get","patch"]}]'
	check "[$E] pod-deletion-cost Prometheus URL" "$(k get deploy pod-deletion-cost -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="PrometheusUrl")].value}')" "http://prometheus.$NS.svc.cluster.local:9090/"
	check "[$E] only the updater among ArmoniK's pods mounts an API token (and the monitoring readers of the API)" "$(k get deploy -o json | jq -r '[.items[] | select(.spec.template.spec.automountServiceAccountToken == true) | .metadata.name] | sort | join(",")')" "kube-state-metrics,pod-deletion-cost,prometheus"
}

# Monitoring and logs (docs/monitoring.md): on by default but tracing.
check_monitoring() {
	local d s
	check "[$E] node agents' namespace labelled privileged" "$(kubectl get ns "$AGENTS" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null)" privileged
	check "[$E] ArmoniK's namespace enforces, audits and warns restricted" "$(kubectl get ns "$NS" -o json | jq -r '[.metadata.labels | to_entries[] | select(.key | startswith("pod-security")) | "\(.key | ltrimstr("pod-security.kubernetes.io/"))=\(.value)"] | sort | join(",")')" "audit=restricted,enforce=restricted,warn=restricted"
	check "[$E] Seq's namespace $LOGS enforces baseline (the Seq image runs as root)" "$(kubectl get ns "$LOGS" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null)" baseline
	check "[$E] deployment seq in $LOGS" "$(kl get deploy seq -o name)" "deployment.apps/seq"
	for d in fluent-bit node-exporter; do
		check "[$E] daemonset $d in $AGENTS" "$(ka get ds $d -o name)" "daemonset.apps/$d"
	done
	check "[$E] node-exporter uses the host network" "$(ka get ds node-exporter -o jsonpath='{.spec.template.spec.hostNetwork}/{.spec.template.spec.hostPID}')" true/true
	for d in grafana mongodb-exporter kube-state-metrics; do
		check "[$E] deployment $d" "$(k get deploy $d -o name)" "deployment.apps/$d"
	done
	check "[$E] seq retention cronjob" "$(kl get cronjob seq-retention -o jsonpath='{.spec.schedule}')" "0 */12 * * *"
	check "[$E] secret seq-admin holds a generated password" "$(kl get secret seq-admin -o jsonpath='{.data.password}' | base64 -d | wc -c | tr -d ' ')" 24
	check "[$E] secret grafana-admin holds a generated password" "$(k get secret grafana-admin -o jsonpath='{.data.password}' | base64 -d | wc -c | tr -d ' ')" 24
	check "[$E] grafana dashboards" "$(k get cm grafana-dashboards -o json | jq -r '.data | keys | join(",")')" "armonik-partitions.json,armonik-tasks.json,mongodb.json,nodes.json"
	check "[$E] fluent-bit ships to Seq" "$(ka get cm fluent-bit-config -o jsonpath='{.data.fluent-bit\.conf}' | grep -c "seq.$LOGS.svc.cluster.local")" 1
	check "[$E] fluent-bit may read the pods of $NS, and nothing else" "$(k get role "$AGENTS-fluent-bit" -o json | jq -r '[.rules[] | (.resources | join(",")) + ":" + (.verbs | sort | join(","))] | join(" ")')" "pods:get,list,watch"
	check "[$E] mongodb-exporter reads ArmoniK's connection string" "$(k get deploy mongodb-exporter -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MongoDB__ConnectionString")].valueFrom.secretKeyRef.name}')" mongodb-connection
	check "[$E] grafana's partition variable lists the partitions with their metric names" "$(k get cm grafana-dashboards -o json | jq -r '.data["armonik-partitions.json"] | fromjson | .templating.list[] | select(.name == "partition") | .query')" "default : default,batch-jobs : batch_jobs"
	check "[$E] grafana's data source is the in-cluster Prometheus" "$(k get cm grafana-provisioning -o jsonpath='{.data.datasources\.yaml}' | grep -c "url: http://prometheus.$NS.svc.cluster.local:9090")" 1
	check "[$E] grafana serves from /grafana behind the front door" "$(k get deploy grafana -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="GF_SERVER_SERVE_FROM_SUB_PATH")].value}')" true
	check "[$E] prometheus scrape jobs" "$(k get cm prometheus-config -o jsonpath='{.data.prometheus\.yml}' | grep -o 'job_name: [a-z-]*' | cut -d' ' -f2 | sort | tr '\n' ' ')" "kube-state-metrics metrics-exporter mongodb-exporter node-exporter polling-agents prometheus "
	check "[$E] prometheus finds every node-exporter through its headless Service" "$(k get cm prometheus-config -o jsonpath='{.data.prometheus\.yml}' | grep -A1 'names:' | grep -c "node-exporter.$AGENTS.svc.cluster.local")" 1
	check "[$E] node-exporter's Service is headless" "$(ka get svc node-exporter -o jsonpath='{.spec.clusterIP}')" None
	check "[$E] prometheus may reach the nodes on 9100 only" "$(k get networkpolicy prometheus -o json | jq -r '[.spec.egress[] | select(.to[0].ipBlock and (.ports[0].port == 9100 or .ports[0].port == "9100")) | .to[0].ipBlock.cidr] | join(",")')" 0.0.0.0/0
	check "[$E] prometheus admits grafana" "$(k get networkpolicy prometheus -o json | jq -r '[.spec.ingress[0].from[].podSelector.matchLabels["app.kubernetes.io/name"] // empty] | join(",")')" grafana
	check "[$E] the exporters admit prometheus" "$(for n in kube-state-metrics mongodb-exporter; do k get networkpolicy $n -o jsonpath='{.spec.ingress[0].from[0].podSelector.matchLabels.app\.kubernetes\.io/name}'; echo; done | sort -u)" prometheus
	check "[$E] metrics exporter serves the dashboards' statuses" "$(k get deploy metrics-exporter -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MetricsExporter__Metrics")].value}')" completed,error,retried
}

check_front() {
	check "[$E] front deployment" "$(k get deploy front -o jsonpath='{.spec.template.spec.containers[0].image}')" "$REG/docker.io/nginxinc/nginx-unprivileged:1.29.5-alpine-slim"
	check "[$E] front service LoadBalancer 5000/5001" "$(k get svc front -o jsonpath='{.spec.type} {.spec.ports[0].port}/{.spec.ports[0].targetPort} {.spec.ports[1].port}/{.spec.ports[1].targetPort}')" "LoadBalancer 5000/http 5001/grpc"
	secret() { k get secret "$1" -o jsonpath="{.data.${2//./\\.}}" | base64 -d; }
	local certs=$W/certs s san sans cluster_ip gen
	mkdir -p "$certs"
	for s in front-tls front-client-ca front-client-submitter front-client-monitoring; do
		check "[$E] secret $s" "$(k get secret $s -o name)" "secret/$s"
	done
	check "[$E] front-tls type" "$(k get secret front-tls -o jsonpath='{.type}')" kubernetes.io/tls
	secret front-tls tls.crt >"$certs/server.crt"
	secret front-tls ca.crt >"$certs/ca.crt"
	secret front-client-ca ca.crt >"$certs/client-ca.crt"
	secret front-client-submitter tls.crt >"$certs/submitter.crt"
	secret front-client-submitter tls.key >"$certs/submitter.key"
	check_cmd "[$E] server certificate signed by the CA (openssl verify)" openssl verify -CAfile "$certs/ca.crt" "$certs/server.crt"
	check_cmd "[$E] client certificate signed by the client CA" openssl verify -CAfile "$certs/client-ca.crt" -purpose sslclient "$certs/submitter.crt"
	check "[$E] client certificate CN" "$(openssl x509 -in "$certs/submitter.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" "CN=submitter,O=ArmoniK"
	check "[$E] client key matches its certificate" "$(openssl pkey -in "$certs/submitter.key" -pubout | sha256sum)" "$(openssl x509 -in "$certs/submitter.crt" -noout -pubkey | sha256sum)"
	sans=$(openssl x509 -in "$certs/server.crt" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
	cluster_ip=$(k get svc front -o jsonpath='{.spec.clusterIP}')
	for san in DNS:armonik.local DNS:localhost "DNS:front.$NS.svc.cluster.local" IPAddress:127.0.0.1 "IPAddress:$cluster_ip"; do
		if [[ ",$sans," == *",$san,"* ]]; then ok "[$E] server certificate names $san"; else bad "[$E] server certificate names $san" "$sans"; fi
	done
	check "[$E] no ConfigMap holds a private key" "$(k get configmap -o json | grep -c 'PRIVATE KEY')" 0
	check "[$E] nginx verifies client certificates" "$(k get configmap front-nginx -o jsonpath='{.data.armonik\.conf}' | grep -c -E 'ssl_verify_client on;|grpc_set_header X-Certificate-Client-CN \$armonik_client_cn;')" 2
	check "[$E] front door routes /grafana/ (path kept) and /seq/ (base href)" "$(k get configmap front-nginx -o jsonpath='{.data.armonik\.conf}' | grep -c -E "proxy_pass http://grafana.$NS.svc.cluster.local:3000/grafana/;|proxy_pass http://seq.$LOGS.svc.cluster.local:80/;|base href=\"/seq/\"")" 3
	check "[$E] GUI banner" "$(k get configmap front-nginx -o jsonpath='{.data.environment\.json}' | jq -r .name)" e2e
	initenv() { k get job init -o jsonpath="{.spec.template.spec.containers[0].env[?(@.name==\"$1\")].value}"; }
	check "[$E] init loads the generated client's certificate" "$(initenv InitServices__Authentication__UserCertificates__1)" '{"User":"submitter","Cn":"submitter"}'
	check "[$E] init loads the pinned certificate" "$(initenv InitServices__Authentication__UserCertificates__0 | jq -r .Fingerprint)" 00112233445566778899aabbccddeeff00112233
	check "[$E] init loads the users" "$(for i in 0 1 2; do initenv "InitServices__Authentication__Users__$i" | jq -r .Name; done | sort | tr '\n' ' ')" "monitoring reader submitter "
	check "[$E] control plane requires authentication" "$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="Authenticator__RequireAuthentication")].value}')" true
	check "[$E] front config hash covers the certificates" "$(config_hash front | grep -cE "^[0-9a-f]{64}-[0-9a-f]{64}$")" 1
	eng -chdir="$STACKDIR" output -json >"$W/outputs.json" 2>/dev/null
	check "[$E] output control_plane_url ($E output)" "$(jq -r .control_plane_url.value "$W/outputs.json")" "https://front.$NS.svc.cluster.local:5001"
	check "[$E] output grafana_url" "$(jq -r .grafana_url.value "$W/outputs.json")" "https://front.$NS.svc.cluster.local:5000/grafana/"
	check "[$E] output seq_url" "$(jq -r .seq_url.value "$W/outputs.json")" "https://front.$NS.svc.cluster.local:5000/seq/"
	check "[$E] output client_certificates is sensitive" "$(jq -r .client_certificates.sensitive "$W/outputs.json")" true
	check "[$E] output ca_certificate is the CA" "$(jq -j .ca_certificate.value "$W/outputs.json" | sha256sum)" "$(sha256sum <"$certs/ca.crt")"
	gen=$W/generated
	check_cmd "[$E] make output (ENGINE=$E)" env ENGINE="$E" STACK_DIR="$STACKDIR" GENERATED_DIR="$gen" scripts/output.sh $STACK
	check "[$E] generated key mode" "$(stat -c %a "$gen/client.submitter.key" 2>/dev/null)" 600
	check "[$E] generated key is the submitter's" "$(sha256sum <"$gen/client.submitter.key")" "$(sha256sum <"$certs/submitter.key")"
	check "[$E] CLI configuration" "$(grep -E '^(endpoint|certificate_authority|client_certificate|client_key):' "$gen/armonik-cli.yaml" | cut -d: -f1 | tr '\n' ' ')" "endpoint certificate_authority client_certificate client_key "
	check_cmd "[$E] CLI configuration's files exist" sh -c "for f in \$(grep -E '^(certificate_authority|client_certificate|client_key):' '$gen/armonik-cli.yaml' | cut -d' ' -f2); do test -s \$f || exit 1; done"
}

# The states (state: kubernetes): Secret tfstate-default-e2e-<stack> in the namespace default,
# gzipped, written by the engine, and a Lease lock-tfstate-default-e2e-<stack> released after
# the deploy.
state_of() { kubectl -n default get secret "tfstate-default-e2e-$1" -o jsonpath='{.data.tfstate}' 2>/dev/null | base64 -d | gunzip 2>/dev/null; }
check_state() { # WANT-VERSION
	check "[$E] states in Secrets of the cluster, written by $E $1" "$(state_of $PLATFORM | jq -r .terraform_version)/$(state_of $STACK | jq -r .terraform_version)" "$1/$1"
	check "[$E] state of $STACK holds its resources" "$(state_of $STACK | jq '.resources | length > 50')" true
	check "[$E] state Secrets labelled by the backend" "$(kubectl -n default get secret -l tfstate=true,tfstateSecretSuffix=e2e-$STACK -o name 2>/dev/null)" "secret/tfstate-default-e2e-$STACK"
	check "[$E] state locks: Leases, released" "$(kubectl -n default get lease "lock-tfstate-default-e2e-$PLATFORM" "lock-tfstate-default-e2e-$STACK" -o json 2>/dev/null | jq -r '[.items[] | .spec.holderIdentity // "free"] | join(",")')" "free,free"
}

# Images: every pod template of the stacks' namespaces pulls from $REG and lists regcred; so do
# the pods the controllers created (Pending: no node); the Secret exists in each namespace;
# `images` prints exactly the images of the live templates.
check_images() {
	local n live listed
	for n in "$NS" "$AGENTS" "$LOGS" "$KEDA_NS"; do
		check "[$E] pull Secret regcred in $n" "$(kubectl -n "$n" get secret regcred -o jsonpath='{.type}' 2>/dev/null)" kubernetes.io/dockerconfigjson
	done
	kubectl get deploy,sts,ds,job,cronjob -A -o json 2>/dev/null | jq --arg ns "$NS $AGENTS $LOGS $KEDA_NS" '[.items[] | select(.metadata.namespace as $n | $ns | split(" ") | index($n))]' >"$W/workloads.json"
	check "[$E] workloads in the stacks' namespaces" "$(jq 'length > 15' "$W/workloads.json")" true
	check_true "[$E] every pod template pulls from $REG with the pull Secret" jq --arg reg "$REG/" \
		'[.[] | {w: "\(.kind)/\(.metadata.name)", s: (.spec.template.spec // .spec.jobTemplate.spec.template.spec)}
		  | select(([.s.imagePullSecrets[]?.name] | index("regcred") | not) or any((.s.containers + (.s.initContainers // []))[]; .image | startswith($reg) | not)) | .w]
		 | if length == 0 then true else "not through the registry, or without regcred: \(join(", "))" end' "$W/workloads.json"
	kubectl get pods -A -o json 2>/dev/null | jq --arg ns "$NS $AGENTS $LOGS $KEDA_NS" '[.items[] | select(.metadata.namespace as $n | $ns | split(" ") | index($n))]' >"$W/pods.json"
	check "[$E] pods created by the controllers (Pending without a node)" "$(jq 'length > 5' "$W/pods.json")" true
	check_true "[$E] every pod pulls from $REG with the pull Secret" jq --arg reg "$REG/" \
		'[.[] | select(([.spec.imagePullSecrets[]?.name] | index("regcred") | not) or any((.spec.containers + (.spec.initContainers // []))[]; .image | startswith($reg) | not)) | .metadata.name]
		 | if length == 0 then true else "not through the registry, or without regcred: \(join(", "))" end' "$W/pods.json"
	live=$(jq -r '[.[] | (.spec.template.spec // .spec.jobTemplate.spec.template.spec) | (.containers + (.initContainers // []))[].image] | unique | .[]' "$W/workloads.json")
	listed=$("$APP" images 2>"$W/images.err")
	check "[$E] images lists exactly the live templates' images ($(echo "$live" | wc -l))" "$listed" "$live"
}

# Pod Security admission, priorities and disruption budgets. The loopback API server runs the
# PodSecurity and Priority admission plugins (scripts/cluster.sh) and the controller manager
# creates the pods of every ReplicaSet, StatefulSet and Job: they stay Pending (no node runs
# them), but they exist only if admission let them in. So every workload with replicas must
# get its pods, no controller may report "violates PodSecurity", and the pods nothing creates
# here (DaemonSets: no node; the CronJob: no schedule yet) go through a server-side dry run.

# pods_per_workload NAMESPACE...: the pods of each Deployment and StatefulSet with replicas of
# the namespaces, "ns/kind/name=count".
pods_per_workload() {
	local ns
	jq -rn --slurpfile w <(for ns; do kubectl -n "$ns" get deploy,sts -o json 2>/dev/null; done | jq -s '{items: map(.items) | add}') \
		--slurpfile p <(for ns; do kubectl -n "$ns" get pods -o json 2>/dev/null; done | jq -s '{items: map(.items) | add}') \
		'$p[0].items as $ps | [$w[0].items[] | select(.spec.replicas > 0) | . as $x | $x.spec.selector.matchLabels as $sel |
		 "\($x.metadata.namespace)/\($x.kind)/\($x.metadata.name)=\([$ps[] | select(.metadata.namespace == $x.metadata.namespace and
		   (.metadata.labels as $l | all($sel | to_entries[]; $l[.key] == .value)))] | length)"] | sort | join(" ")'
}
# pod_apps NAMESPACE: the app labels of the pods of NAMESPACE, sorted, each once.
pod_apps() { kubectl -n "$1" get pods -o json 2>/dev/null | jq -r '[.items[].metadata.labels.app] | sort | unique | join(" ")'; }
# dry_run_pod NAMESPACE: a Pod made of the pod template read on stdin (a DaemonSet's or a
# CronJob's), created with --dry-run=server in NAMESPACE: admission runs, nothing is stored.
dry_run_pod() {
	jq --arg ns "$1" '{apiVersion: "v1", kind: "Pod", metadata: {generateName: "admission-check-", namespace: $ns, labels: .metadata.labels}, spec: (.spec | del(.serviceAccountName))}' |
		kubectl create --dry-run=server -f - 2>&1
}
check_admission() {
	local want ds pct
	want=$({ k get deploy,sts -o json; kl get deploy,sts -o json; } | jq -rs '[.[].items[] | select(.spec.replicas > 0) | "\(.metadata.namespace)/\(.kind)/\(.metadata.name)=\(.spec.replicas)"] | sort | join(" ")')
	echo "      workloads with replicas: $want"
	check_eventually "[$E] every Deployment and StatefulSet with replicas got its pods (admitted under restricted and baseline)" "$want" 45 pods_per_workload "$NS" "$LOGS"
	check "[$E] the init Job got its pod" "$(k get pods -l job-name=init -o name | wc -l | tr -d ' ')" 1
	check "[$E] no pod of $NS and $LOGS refused by PodSecurity (FailedCreate events)" "$({ k get events -o json; kl get events -o json; } | jq -rs '[.[].items[] | select(.reason == "FailedCreate" and (.message | test("PodSecurity"))) | .message] | length')" 0
	check "[$E] pods of ArmoniK's namespace set runAsNonRoot true and allowPrivilegeEscalation false on every container (read back)" "$(k get pods -o json | jq -r '[.items[] | .metadata.name as $n | .spec as $s | (.spec.initContainers // []) + .spec.containers | .[] | select(.securityContext.runAsNonRoot != true or .securityContext.allowPrivilegeEscalation != false or $s.securityContext.runAsNonRoot == false) | "\($n)/\(.name)"] | join(",")')" ""
	for ds in fluent-bit node-exporter; do
		check "[$E] daemonset $ds: its pod is admitted in $AGENTS (server-side dry run)" "$(ka get ds $ds -o json | jq .spec.template | dry_run_pod "$AGENTS" | grep -c 'created (server dry run)')" 1
	done
	check "[$E] the node-exporter pod is refused in $NS: admission enforces restricted there" "$(ka get ds node-exporter -o json | jq .spec.template | dry_run_pod "$NS" | grep -c 'violates PodSecurity "restricted')" 1
	check "[$E] cronjob seq-retention: its pod is admitted in $LOGS (server-side dry run)" "$(kl get cronjob seq-retention -o json | jq .spec.jobTemplate.spec.template | dry_run_pod "$LOGS" | grep -c 'created (server dry run)')" 1
	check "[$E] Prometheus (which the partitions scale on) runs at the system priority" "$(k get pods -l app.kubernetes.io/name=prometheus -o jsonpath='{.items[*].spec.priority}')" 1000000
	check "[$E] system PriorityClass above the partitions" "$(kubectl get priorityclass "armonik-$NS-priority-system" -o jsonpath='{.value}' 2>/dev/null)" 1000000
	check "[$E] control plane and storage pods resolved the system priority" "$(k get pods -o json | jq -r '[.items[] | select(.metadata.labels["app.kubernetes.io/component"] | IN("control-plane", "metrics-exporter", "admin-gui", "front", "queue", "table-storage", "object-storage")) | "\(.metadata.labels["app.kubernetes.io/component"])=\(.spec.priority)"] | unique | join(" ")')" "admin-gui=1000000 control-plane=1000000 front=1000000 metrics-exporter=1000000 object-storage=1000000 queue=1000000 table-storage=1000000"
	check "[$E] PodDisruptionBudgets: control plane and storage, max 1 unavailable" "$(k get pdb -o json | jq -r '[.items[] | "\(.metadata.name):\(.spec.maxUnavailable)"] | sort | join(" ")')" "activemq:1 control-plane:1 mongodb:1 redis:1"
	for pct in control-plane:deploy activemq:deploy redis:deploy mongodb:sts; do
		check_true "[$E] PodDisruptionBudget ${pct%%:*} selects its workload's pods" jq -n \
			--slurpfile b <(k get pdb "${pct%%:*}" -o json) --slurpfile w <(k get "${pct##*:}" "${pct%%:*}" -o json) \
			'if $b[0].spec.selector.matchLabels == $w[0].spec.selector.matchLabels then true else "\($b[0].spec.selector) vs \($w[0].spec.selector)" end'
	done
}

# mongodb_step NAME YAML WANT: synthesizes with table_storage.mongodb YAML, plans, checks that the
# planned changes of MongoDB's resources are WANT and that nothing is replaced but ArmoniK's init
# Job (a Job's template cannot change), then applies the plan.
mongodb_step() {
	local name=$1 got replaced
	write_config 60 "" "$2"
	check_cmd "[$E] $name: synthesize" env CDKTF_OUTDIR="$DIRECT" "$APP"
	eng -chdir="$DSTACK" plan -no-color -lock=false -out="$W/mongodb.plan" >"$W/mongodb-plan.log" 2>&1
	got=$(planned "$DSTACK" "$W/mongodb.plan")
	check "[$E] $name: planned changes of MongoDB" "$(tr ' ' '\n' <<<"$got" | grep mongodb | tr '\n' ' ' | sed 's/ $//')" "$3"
	replaced=$(tr ' ' '\n' <<<"$got" | grep -E ':(delete\+create|create\+delete)$' | grep -v '^kubernetes_job_v1.armonik-init:' | tr '\n' ' ')
	check "[$E] $name: nothing replaced but the init Job" "$replaced" ""
	echo "note  $name: ArmoniK's side of the plan: $(tr ' ' '\n' <<<"$got" | grep -v mongodb | tr '\n' ' ')"
	check_cmd "[$E] $name: $E apply" eng -chdir="$DSTACK" apply -no-color -lock=false "$W/mongodb.plan"
}

check_mongodb_scaling() {
	local sts=kubernetes_stateful_set_v1.mongodb-statefulset members=kubernetes_config_map_v1.mongodb-members
	local conn=kubernetes_secret_v1.mongodb-connection exporter=kubernetes_deployment_v1.mongodb-exporter-deployment
	local np=kubernetes_network_policy_v1.mongodb-network-policy
	local store="kubernetes_deployment_v1.mongodb-backups-deployment:create kubernetes_network_policy_v1.mongodb-backups-network-policy:create kubernetes_persistent_volume_claim_v1.mongodb-backups-data:create kubernetes_pod_disruption_budget_v1.mongodb-backups-disruption-budget:create kubernetes_secret_v1.mongodb-backups-credentials:create kubernetes_secret_v1.mongodb-backups-server:create kubernetes_service_v1.mongodb-backups-service:create"
	local backup="kubernetes_config_map_v1.mongodb-backup-scripts:create kubernetes_cron_job_v1.mongodb-backup:create"
	local want m
	want=$(tr ' ' '\n' <<<"$members:update $backup $store $exporter:update $np:update $conn:update $sts:update random_password.mongodb-backups-server-root-password:create" | sort | tr '\n' ' ' | sed 's/ $//')
	mongodb_step "1 -> 3 members, backups on" "{replicas: 3, backup: {enabled: true}}" "$want"
	check "[$E] statefulset mongodb: 3 replicas" "$(k get sts mongodb -o jsonpath='{.spec.replicas}')" 3
	check "[$E] desired members" "$(k get cm mongodb-members -o jsonpath='{.data.members}' | grep -c "^mongodb-[0-2].mongodb-headless.$NS.svc.cluster.local:27017$")" 3
	check "[$E] connection string lists the 3 members" "$(k get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | grep -o "mongodb-[0-9].mongodb-headless.$NS.svc.cluster.local:27017" | tr '\n' ' ')" "mongodb-0.mongodb-headless.$NS.svc.cluster.local:27017 mongodb-1.mongodb-headless.$NS.svc.cluster.local:27017 mongodb-2.mongodb-headless.$NS.svc.cluster.local:27017 "
	check "[$E] disruption budget: one member at a time" "$(k get pdb mongodb -o jsonpath='{.spec.maxUnavailable}')" 1
	check "[$E] members kept apart (preferred anti-affinity on the node)" "$(k get sts mongodb -o jsonpath='{.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey}')" kubernetes.io/hostname
	check "[$E] backup CronJob: dump then upload" "$(k get cronjob mongodb-backup -o jsonpath='{.spec.schedule} {.spec.jobTemplate.spec.template.spec.initContainers[0].command[2]} {.spec.jobTemplate.spec.template.spec.containers[0].command[2]}')" "0 2 * * * dump upload"
	check "[$E] MongoDB admits the backup pods" "$(k get networkpolicy mongodb -o jsonpath='{.spec.ingress[0].from[2].podSelector.matchLabels.app\.kubernetes\.io/name}')" mongodb-backup
	check_cmd "[$E] the restore Job (go run . restore) is accepted by the API server (server-side dry run)" \
		bash -c "'$APP' restore --dump latest | kubectl create --dry-run=server -f -"
	want=$(tr ' ' '\n' <<<"$members:update $exporter:update $conn:update $sts:update" | sort | tr '\n' ' ' | sed 's/ $//')
	mongodb_step "3 -> 5 members" "{replicas: 5, backup: {enabled: true}}" "$want"
	check "[$E] statefulset mongodb: 5 replicas" "$(k get sts mongodb -o jsonpath='{.spec.replicas}')" 5
	m="kubernetes_config_map_v1.mongodb-backup-scripts:delete kubernetes_cron_job_v1.mongodb-backup:delete"
	for r in $store random_password.mongodb-backups-server-root-password:create; do m+=" ${r%:create}:delete"; done
	want=$(tr ' ' '\n' <<<"$members:update $m $exporter:update $np:update $conn:update $sts:update" | sort | tr '\n' ' ' | sed 's/ $//')
	mongodb_step "5 -> 1 member, backups off (the defaults again)" "{}" "$want"
	check "[$E] statefulset mongodb: 1 replica" "$(k get sts mongodb -o jsonpath='{.spec.replicas}')" 1
	check_cmd "[$E] plan of $STACK empty after scaling back" eng -chdir="$DSTACK" plan -detailed-exitcode -no-color -lock=false
}

# ------------------------------------------------------------ production --
# production_config: docs/armonik.production.yaml as deployed here. Two changes only: its state
# lives in this cluster (the kubernetes backend) instead of S3, which is not reachable here, and
# the wait switches are off (no node runs pods). Everything else is the file.
production_config() {
	if grep -q '^platform:' docs/armonik.production.yaml; then
		echo "docs/armonik.production.yaml has a platform section: production_config must merge wait: false into it" >&2
		return 1
	fi
	awk '
		/^state:/ { skip = 1; print "state:\n  kubernetes: {namespace: default, secret_suffix: prod}"; next }
		skip && /^[^ #]/ { skip = 0 }
		skip { next }
		{ print }
		/^localhost:/ { print "  wait: false" }
	' docs/armonik.production.yaml
	printf 'platform:\n  wait: false\n'
}

# check_production deploys the production configuration (3-member MongoDB with backups, a
# private registry with its pull Secret, a restricted namespace, budgets, priorities, KEDA)
# with the engine alone, checks that every pod was admitted and the second plan is empty, and
# destroys it.
check_production() {
	local cfg=$W/production.yaml dir=$W/production s want n
	local pns=armonik reg=registry.corp/mirror/
	pk() { kubectl -n "$pns" "$@" 2>/dev/null; }
	production_config >"$cfg" || { bad "[$E] production: configuration" "see above"; return; }
	check_cmd "[$E] production: synthesize docs/armonik.production.yaml (state in this cluster, wait off)" env ARMONIK_CONFIG="$cfg" CDKTF_OUTDIR="$dir" "$APP"
	for s in $PLATFORM $STACK; do
		check_cmd "[$E] production: $E init $s" eng -chdir="$dir/stacks/$s" init -no-color
		check_cmd "[$E] production: $E apply $s (locked by a Lease)" timeout 600 "$B" -chdir="$dir/stacks/$s" apply -auto-approve -no-color
	done
	check "[$E] production: namespace $pns enforces restricted" "$(kubectl get ns "$pns" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null)" restricted
	# Deployments get all their pods; a StatefulSet its first (OrderedReady: the next waits for
	# a Ready pod, and no node runs one here).
	want=$(pk get deploy,sts -o json | jq -r '[.items[] | select(.spec.replicas > 0) | "\(.metadata.namespace)/\(.kind)/\(.metadata.name)=\(if .kind == "StatefulSet" then 1 else .spec.replicas end)"] | sort | join(" ")')
	# An empty list would make the check below pass on nothing: it must name the control plane and MongoDB.
	check "[$E] production: the workloads to wait for include the control plane and MongoDB" "$(grep -o 'Deployment/control-plane=3\|StatefulSet/mongodb=1' <<<"$want" | sort | tr '\n' ' ')" "Deployment/control-plane=3 StatefulSet/mongodb=1 "
	check_eventually "[$E] production: every workload of $pns got its pods, admitted under restricted" "$want" 45 pods_per_workload "$pns"
	check "[$E] production: no pod refused by PodSecurity" "$(pk get events -o json | jq -r '[.items[] | select(.reason == "FailedCreate" and (.message | test("PodSecurity")))] | length')" 0
	check "[$E] production: control plane replicas" "$(pk get deploy control-plane -o jsonpath='{.spec.replicas}')" 3
	check "[$E] production: MongoDB replica set of 3 members, all in the connection string" "$(pk get sts mongodb -o jsonpath='{.spec.replicas}')/$(pk get secret mongodb-connection -o jsonpath='{.data.uri}' | base64 -d | grep -o 'mongodb-[0-9].mongodb-headless' | wc -l | tr -d ' ')" 3/3
	check "[$E] production: members never share a node (required anti-affinity)" "$(pk get sts mongodb -o jsonpath='{.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey}')" kubernetes.io/hostname
	check "[$E] production: backup CronJob" "$(pk get cronjob mongodb-backup -o jsonpath='{.spec.schedule}')" "0 2 * * *"
	check "[$E] production: PodDisruptionBudgets" "$(pk get pdb -o json | jq -r '[.items[] | "\(.metadata.name):\(.spec.maxUnavailable)"] | sort | join(" ")')" "activemq:1 control-plane:1 mongodb:1 redis:1"
	n=$(pk get pods -o json | jq -r '.items | length')
	check "[$E] production: pods exist to check images on" "$([ "${n:-0}" -gt 0 ] && echo yes || echo "no ($n)")" yes
	check "[$E] production: every pod pulls from $reg with regcred" "$(pk get pods -o json | jq -r --arg reg "$reg" '[.items[] | select(([.spec.imagePullSecrets[]?.name] | index("regcred") | not) or any((.spec.containers + (.spec.initContainers // []))[]; .image | startswith($reg) | not)) | .metadata.name] | join(",")')" ""
	check "[$E] production: partitions scale with KEDA" "$(pk get scaledobject -o name | wc -l | tr -d ' ')" 1
	check "[$E] production: states in Secrets of the namespace default" "$(kubectl -n default get secret -o name 2>/dev/null | grep -c 'tfstate-default-prod-')" 2
	for s in $PLATFORM $STACK; do
		check_cmd "[$E] production: plan -detailed-exitcode $s (no changes)" eng -chdir="$dir/stacks/$s" plan -detailed-exitcode -no-color
	done
	drop_apiservice
	check_cmd "[$E] production: $E destroy $STACK" timeout 600 "$B" -chdir="$dir/stacks/$STACK" destroy -auto-approve -no-color
	check_cmd "[$E] production: $E destroy $PLATFORM" timeout 600 "$B" -chdir="$dir/stacks/$PLATFORM" destroy -auto-approve -no-color
	check "[$E] production: namespaces gone" "$(kubectl get ns "$pns" "$pns-logs" "$pns-node-agents" keda -o name 2>/dev/null | wc -l | tr -d ' ')" 0
	check "[$E] production: PriorityClasses gone" "$(kubectl get priorityclass -o name 2>/dev/null | grep -c "armonik-$pns-")" 0
	check "[$E] production: nothing left in the states" "$(eng -chdir="$dir/stacks/$STACK" state list 2>/dev/null | wc -l)/$(eng -chdir="$dir/stacks/$PLATFORM" state list 2>/dev/null | wc -l)" 0/0
}

# ----------------------------------------------------------------- suite --
# suite ENGINE: the whole deploy/check/change/destroy cycle with one engine, on its own cluster.
suite() {
	use_engine "$1" "${BIN[$1]}"
	local t0 p0=$pass f0=$fail want_version n hash2
	t0=$(date +%s%N)
	want_version=$(scripts/engine.sh version "$E" | cut -d' ' -f2)

	stage "[$E] starting a fresh loopback cluster"
	CLUSTER_STARTED=1
	if ! scripts/cluster.sh up >"$W/cluster.log" 2>&1; then
		bad "[$E] cluster up" "$(tail -n 20 "$W/cluster.log")"
		SUMMARY+=("e2e[$E]: FAILED: the loopback cluster did not start")
		return
	fi
	eval "$(scripts/cluster.sh env)"
	ok "[$E] cluster up ($(el "$t0"))"
	export TERRAFORM_BINARY_NAME=$B # the engine the CDKTF CLI runs

	stage "[$E] cdktf deploy $PLATFORM $STACK (one command: the platform first, then ArmoniK planned against KEDA's CRDs; TERRAFORM_BINARY_NAME=$B)"
	write_config 50
	check_cmd "[$E] cdktf deploy" "${CDKTF[@]}" deploy $PLATFORM $STACK --auto-approve --skip-provider-lock --output "$OUT" --no-color
	check_state "$want_version"
	stage "[$E] deployed; reading back with kubectl"
	echo "note  KEDA is installed by $PLATFORM from its real objects (CRDs, RBAC, Deployments, APIService); without a kubelet its pods never run, so nothing scales here: the checks are that every object is accepted and reads back"
	check_core
	stage "[$E] NetworkPolicies: as declared, and admitting ArmoniK's pods"
	check_netpols
	stage "[$E] elastic compute: KEDA, Prometheus, ScaledObjects, pod-deletion cost, graceful stops"
	check_elastic
	stage "[$E] monitoring and logs"
	check_monitoring
	stage "[$E] Pod Security admission (restricted), priorities, disruption budgets"
	check_admission
	stage "[$E] front door: Service, certificates, Secrets, authentication data, outputs"
	check_front
	stage "[$E] images: registry and pull Secret in every template and pod; images lists them"
	check_images

	stage "[$E] $E plan must be empty (both stacks)"
	check_cmd "[$E] plan -detailed-exitcode $PLATFORM (no changes)" eng -chdir="$PLATFORMDIR" plan -detailed-exitcode -no-color -lock=false
	check_cmd "[$E] plan -detailed-exitcode $STACK (no changes)" eng -chdir="$STACKDIR" plan -detailed-exitcode -no-color -lock=false

	stage "[$E] without the CDKTF CLI: change one value (control layer env), go run . then $E init/plan/apply"
	write_config 60
	check_cmd "[$E] synthesize with the Go app alone" env CDKTF_OUTDIR="$DIRECT" "$APP"
	check_cmd "[$E] $E init $PLATFORM in the fresh directory" eng -chdir="$DPLATFORM" init -no-color
	check_cmd "[$E] $E init $STACK in the fresh directory" eng -chdir="$DSTACK" init -no-color
	eng -chdir="$DSTACK" plan -no-color -lock=false -out="$W/change.plan" >"$W/change-plan.log" 2>&1
	check "[$E] planned changes: only the control plane" "$(planned "$DSTACK" "$W/change.plan")" "kubernetes_deployment_v1.armonik-control-plane:update"
	check_cmd "[$E] $E apply the saved plan" eng -chdir="$DSTACK" apply -no-color -lock=false "$W/change.plan"
	hash2=$(config_hash control-plane)
	if [ -n "$hash2" ] && [ "$hash2" != "$HASH1" ]; then ok "[$E] config hash rolled"; else bad "[$E] config hash rolled" "before $HASH1 after $hash2"; fi
	check "[$E] new value in the control plane" "$(k get deploy control-plane -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="Submitter__MaxErrorAllowed")].value}')" 60
	check_cmd "[$E] plan of $STACK empty after the change" eng -chdir="$DSTACK" plan -detailed-exitcode -no-color -lock=false
	check_cmd "[$E] plan of $PLATFORM empty after the change" eng -chdir="$DPLATFORM" plan -detailed-exitcode -no-color -lock=false
	check_cmd "[$E] cdktf diff (CDKTF CLI) agrees: no changes" "${CDKTF[@]}" diff $STACK --skip-provider-lock --output "$OUT" --no-color
	if ! grep -q 'No changes' "$WORK/step-$((pass + fail - 1)).log"; then bad "[$E] cdktf diff says 'No changes'"; fi

	stage "[$E] certificate renewal: reissued certificates roll the front door and nothing else (planned)"
	write_config 60 4000
	check_cmd "[$E] synthesize with another validity" env CDKTF_OUTDIR="$DIRECT" "$APP"
	eng -chdir="$DSTACK" plan -no-color -lock=false -out="$W/renew.plan" >"$W/renew-plan.log" 2>&1
	check "[$E] planned changes" "$(planned "$DSTACK" "$W/renew.plan")" "kubernetes_deployment_v1.armonik-front:update kubernetes_secret_v1.armonik-front-client-monitoring-secret:update kubernetes_secret_v1.armonik-front-client-submitter-secret:update kubernetes_secret_v1.armonik-front-tls:update tls_locally_signed_cert.armonik-front-client-monitoring:delete+create tls_locally_signed_cert.armonik-front-client-submitter:delete+create tls_locally_signed_cert.armonik-front-server:delete+create"
	write_config 60
	check_cmd "[$E] synthesize back" env CDKTF_OUTDIR="$DIRECT" "$APP"

	stage "[$E] MongoDB replica set: 1 -> 3 members with backups -> 5 -> 1, planned and applied (no member runs without a kubelet: the plans and the objects)"
	check_mongodb_scaling


	stage "[$E] cdktf destroy $STACK $PLATFORM (CDKTF CLI)"
	n=$(($(eng -chdir="$DSTACK" state list 2>/dev/null | wc -l) + $(eng -chdir="$DPLATFORM" state list 2>/dev/null | wc -l)))
	drop_apiservice
	check_cmd "[$E] cdktf destroy" timeout 600 "${CDKTF[@]}" destroy $STACK $PLATFORM --auto-approve --skip-provider-lock --output "$OUT" --no-color
	nothing_left "" "$STACKDIR" "$PLATFORMDIR"

	stage "[$E] without the CDKTF CLI: $E apply $PLATFORM then $STACK, $E destroy in reverse"
	check_cmd "[$E] $E apply $PLATFORM" eng -chdir="$DPLATFORM" apply -auto-approve -no-color -lock=false
	check_cmd "[$E] $E apply $STACK" eng -chdir="$DSTACK" apply -auto-approve -no-color -lock=false
	if [ "$n" -gt 0 ]; then
		check "[$E] $E apply: as many resources as the CDKTF CLI deployed ($n)" "$(($(eng -chdir="$DSTACK" state list 2>/dev/null | wc -l) + $(eng -chdir="$DPLATFORM" state list 2>/dev/null | wc -l)))" "$n"
	else
		bad "[$E] resources in the states before cdktf destroy" "none"
	fi
	check "[$E] namespaces active again" "$(kubectl get ns "$NS" "$KEDA_NS" -o jsonpath='{.items[*].status.phase}' 2>/dev/null)" "Active Active"
	check "[$E] ScaledObjects again" "$(k get scaledobject -o name | wc -l)" 2
	drop_apiservice
	check_cmd "[$E] $E destroy $STACK" timeout 600 "$B" -chdir="$DSTACK" destroy -auto-approve -no-color -lock=false
	check_cmd "[$E] $E destroy $PLATFORM" timeout 600 "$B" -chdir="$DPLATFORM" destroy -auto-approve -no-color -lock=false
	nothing_left " after $E destroy" "$DSTACK" "$DPLATFORM"

	stage "[$E] the production configuration (docs/armonik.production.yaml): $E apply, admitted pods, empty plans, destroy"
	check_production

	unset TERRAFORM_BINARY_NAME
	stage "[$E] stopping the cluster"
	scripts/cluster.sh down >/dev/null 2>&1 || true
	CLUSTER_STARTED=0

	local verdict=PASSED
	[ $fail -gt "$f0" ] && verdict=FAILED
	SUMMARY+=("e2e[$E]: $verdict ($((pass - p0)) passed, $((fail - f0)) failed, $(el "$t0"), $E $want_version)")
}

for e in "${RUN[@]}"; do suite "$e"; done
# armonik.version: the default stack of every supported version, with terraform, on a cluster of
# its own (scripts/e2e-versions.sh; E2E_VERSIONS_RUN=0 leaves it out).
if [[ " ${RUN[*]} " == *" terraform "* ]] && [ "${E2E_VERSIONS_RUN:-1}" = 1 ]; then
	stage "the default stack of every armonik.version (scripts/e2e-versions.sh, terraform)"
	if scripts/e2e-versions.sh; then
		ok "e2e-versions"
		SUMMARY+=("e2e-versions: PASSED")
	else
		bad "e2e-versions" "see its lines above"
		SUMMARY+=("e2e-versions: FAILED")
	fi
fi
stage "done"
