#!/usr/bin/env bash
# Loopback Kubernetes control plane for tests: etcd + kube-apiserver +
# kube-controller-manager built from the pinned nested Go modules in tools/,
# started on 127.0.0.1 only. See docs/test-cluster.md.
#
# Usage: scripts/cluster.sh build|up|down|status|env|smoke|help
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/cluster.sh COMMAND

Commands:
  build    build etcd, kube-apiserver, kube-controller-manager into the cache (if missing)
  up       build if needed, then start the cluster on 127.0.0.1 and wait until it is ready
  down     stop the cluster (by recorded PIDs, reverse order); idempotent
  status   show what is running; exit 0 when all components run, 3 otherwise
  env      print the export lines for KUBECONFIG / KUBE_CONFIG_PATH
  smoke    up, kubectl get ns, create/delete a namespace, down; prints "N passed, M failed"
  help     this text

Environment (defaults in brackets):
  CLUSTER_STATE            state dir: PKI, kubeconfig, logs, PIDs [<repo>/.cluster]
  CLUSTER_APISERVER_PORT   kube-apiserver secure port [16443]
  CLUSTER_ETCD_PORT        etcd client port [23790]
  CLUSTER_ETCD_PEER_PORT   etcd peer port [23800]
  CLUSTER_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL [20]
  CLUSTER_READY_TIMEOUT    seconds to wait for each component to get ready [120]
  ARMONIK_CDKTF_CACHE      cache root [${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf]
  CLUSTER_GOPROXY          GOPROXY used to build the tools [https://proxy.golang.org]
EOF
}

# ------------------------------------------------------------------ settings --
SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$SELF")/.." && pwd)
TOOLS=$ROOT/tools

STATE=${CLUSTER_STATE:-$ROOT/.cluster}
APISERVER_PORT=${CLUSTER_APISERVER_PORT:-16443}
ETCD_PORT=${CLUSTER_ETCD_PORT:-23790}
ETCD_PEER_PORT=${CLUSTER_ETCD_PEER_PORT:-23800}
STOP_TIMEOUT=${CLUSTER_STOP_TIMEOUT:-20}
READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-120}
CACHE_ROOT=${ARMONIK_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf}
BUILD_GOPROXY=${CLUSTER_GOPROXY:-https://proxy.golang.org}

# Bump when the build recipe below (flags, ldflags) changes: it is part of the
# cache stamp, so old binaries are not reused.
RECIPE=1
# Components in start order; stopped in reverse order.
COMPONENTS=(etcd kube-apiserver kube-controller-manager)
# kube-controller-manager controllers: everything except what needs nodes,
# a cloud, volumes or bootstrap tokens (see /work/shared/toolchain.md Part B).
KCM_CONTROLLERS='*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-route,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ttl,-bootstrapsigner,-tokencleaner'

# ------------------------------------------------------------------- output --
now_us() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$t"; }
T0_US=${_CLUSTER_T0_US:-$(now_us)}
# secs_since START_US -> "12.3s" in $SECS
secs_since() {
  local d=$(( ($(now_us) - $1) / 100000 ))
  printf -v SECS '%d.%ds' $((d / 10)) $((d % 10))
}
say() { secs_since "$T0_US"; printf 'cluster: [%7s] %s\n' "$SECS" "$*"; }
warn() { secs_since "$T0_US"; printf 'cluster: [%7s] %s\n' "$SECS" "$*" >&2; }
die() { warn "ERROR: $*"; exit 1; }

# fds 7/8 keep the caller's stdout/stderr. A trap can fire while a command with
# `>/dev/null` is running and would then inherit that redirection; every exit
# handler first points stdout/stderr back to the caller.
exec 7>&1 8>&2
restore_output() { exec 1>&7 2>&8; }
INTERRUPTED=
on_signal() { INTERRUPTED=$1; [ "$1" = INT ] && exit 130; exit 143; }

need() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  die "missing required tool(s): ${missing[*]} (install them or put them on PATH)"
}

log_tail() { # COMPONENT
  local log=$STATE/logs/$1.log
  [ -f "$log" ] || return 0
  echo "----- last 30 lines of $log -----" >&2
  tail -n 30 "$log" >&2 || true
  echo "----- end of $1 log -----" >&2
}

# ---------------------------------------------------------------- versions --
# The versions live in the committed go.mod files of the nested modules.
mod_version() { # GO_MOD MODULE_PATH
  local v
  v=$(awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$1")
  [ -n "$v" ] || die "cannot find $2 in $1"
  printf '%s' "$v"
}

load_versions() {
  if [ ! -f "$TOOLS/kube/go.mod" ] || [ ! -f "$TOOLS/etcd/go.mod" ]; then
    die "tool modules not found under $TOOLS (expected tools/kube and tools/etcd)"
  fi
  KUBE_VERSION=$(mod_version "$TOOLS/kube/go.mod" k8s.io/kubernetes)
  ETCD_VERSION=$(mod_version "$TOOLS/etcd/go.mod" go.etcd.io/etcd/server/v3)
  local hash
  hash=$(cat "$TOOLS/kube/go.mod" "$TOOLS/kube/go.sum" "$TOOLS/etcd/go.mod" "$TOOLS/etcd/go.sum" |
         { cat; printf 'recipe=%s arch=%s\n' "$RECIPE" "$(uname -sm)"; } | sha256sum | cut -c1-12)
  STAMP=k8s-${KUBE_VERSION}_etcd-${ETCD_VERSION}_${hash}
  BIN=$CACHE_ROOT/kube/$STAMP/bin
}

binaries_present() {
  local c
  for c in "${COMPONENTS[@]}"; do [ -x "$BIN/$c" ] || return 1; done
}

# -------------------------------------------------------------------- build --
BUILD_PGID=
BUILD_TMP=

# Runs one `go build` in its own process group so that an interrupt can stop
# it together with its compiler children; prints a heartbeat every minute.
run_go_build() { # MODULE_DIR LDFLAGS OUTPUT(-o) PACKAGE...
  local dir=$1 ldf=$2 out=$3 start rc=0 next=60
  shift 3
  start=$(now_us)
  (
    cd "$dir"
    export CGO_ENABLED=0 GOWORK=off GOPROXY=$BUILD_GOPROXY GOFLAGS='-mod=readonly -buildvcs=false'
    exec setsid go build -trimpath -ldflags "$ldf" -o "$out" "$@"
  ) &
  BUILD_PGID=$!
  while alive "$BUILD_PGID"; do
    sleep 1
    if [ $(( ($(now_us) - start) / 1000000 )) -ge "$next" ] && alive "$BUILD_PGID"; then
      secs_since "$start"; say "  ... still building ($SECS)"
      next=$((next + 60))
    fi
  done
  wait "$BUILD_PGID" || rc=$?
  BUILD_PGID=
  return "$rc"
}

stop_build() {
  [ -n "$BUILD_PGID" ] || return 0
  warn "stopping the running go build (process group $BUILD_PGID)"
  kill -INT -- "-$BUILD_PGID" 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do alive "$BUILD_PGID" || break; sleep 0.1; done
  kill -KILL -- "-$BUILD_PGID" 2>/dev/null || true
  wait "$BUILD_PGID" 2>/dev/null || true
  BUILD_PGID=
}

cleanup_build() {
  stop_build
  if [ -n "$BUILD_TMP" ]; then rm -rf "$BUILD_TMP"; BUILD_TMP=; fi
}

build_binaries() {
  load_versions
  if binaries_present; then
    say "binaries cached: $BIN"
    return 0
  fi
  need go
  mkdir -p "$BIN"
  # One build per stamp at a time; a second caller waits and then finds the binaries.
  exec 9>"$CACHE_ROOT/kube/$STAMP/.lock"
  if ! flock -n 9; then
    say "another build of $STAMP is running; waiting for it"
    flock 9
  fi
  if binaries_present; then
    say "binaries cached (built by the other run): $BIN"
    exec 9>&-
    return 0
  fi
  rm -rf "$BIN"/.build.*   # leftovers of a killed build; we hold the lock
  BUILD_TMP=$(mktemp -d "$BIN/.build.XXXXXX")
  local start minor kldf v
  say "building into $BIN ($(go version | cut -d' ' -f3), GOPROXY=$BUILD_GOPROXY)"

  if [ ! -x "$BIN/kube-apiserver" ] || [ ! -x "$BIN/kube-controller-manager" ]; then
    minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
    kldf="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION"
    kldf+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
    kldf+=" -X k8s.io/component-base/version.gitTreeState=clean"
    start=$(now_us)
    say "build kube-apiserver + kube-controller-manager $KUBE_VERSION (cold: ~7-16 min on 2 cores, depending on load)"
    run_go_build "$TOOLS/kube" "$kldf" "$BUILD_TMP/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager ||
      die "go build of kube-apiserver/kube-controller-manager failed"
    v=$("$BUILD_TMP/kube-apiserver" --version)
    [ "$v" = "Kubernetes $KUBE_VERSION" ] || die "built kube-apiserver reports '$v', not $KUBE_VERSION"
    secs_since "$start"; say "built kube-apiserver + kube-controller-manager in $SECS"
  fi
  if [ ! -x "$BIN/etcd" ]; then
    start=$(now_us)
    say "build etcd + etcdctl $ETCD_VERSION"
    run_go_build "$TOOLS/etcd" "-s -w" "$BUILD_TMP/etcd" go.etcd.io/etcd/server/v3 ||
      die "go build of etcd failed"
    run_go_build "$TOOLS/etcd" "-s -w" "$BUILD_TMP/etcdctl" go.etcd.io/etcd/etcdctl/v3 ||
      die "go build of etcdctl failed"
    v=$("$BUILD_TMP/etcd" --version)
    [[ $v == *"etcd Version: ${ETCD_VERSION#v}"* ]] || die "built etcd does not report $ETCD_VERSION: $v"
    secs_since "$start"; say "built etcd + etcdctl in $SECS"
  fi
  # Publish: rename is atomic, so a half-written binary is never accepted.
  local f
  for f in "$BUILD_TMP"/*; do [ -f "$f" ] && mv -f "$f" "$BIN/"; done
  rm -rf "$BUILD_TMP"; BUILD_TMP=
  exec 9>&-
  binaries_present || die "build finished but binaries are missing in $BIN"
  say "binaries ready: $BIN"
}

# -------------------------------------------------------------- processes --
pidfile() { printf '%s/%s.pid' "$STATE" "$1"; }

# alive PID: the process exists and is not a zombie
alive() {
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [ "${st%% *}" != Z ]
}

# is_component NAME PID: PID runs the NAME binary (guards against PID reuse)
is_component() {
  local exe
  exe=$(readlink "/proc/$2/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [ "${exe##*/}" = "$1" ]
}

# component_pid NAME -> prints the PID if NAME is running from our pid file
component_pid() {
  local f pid
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" && is_component "$1" "$pid" || return 1
  printf '%s' "$pid"
}

stop_component() { # NAME
  local name=$1 f pid start i
  f=$(pidfile "$name")
  [ -f "$f" ] || return 0
  if ! pid=$(component_pid "$name"); then
    say "$name not running (removing stale pid file)"
    rm -f "$f"
    return 0
  fi
  start=$(now_us)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    warn "$name (pid $pid) still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
  fi
  alive "$pid" && die "$name (pid $pid) does not die"
  rm -f "$f"
  secs_since "$start"; say "stopped $name (pid $pid) in $SECS"
}

# Each component runs under a small bash wrapper that waits for it, so the
# component is reaped as soon as it exits (no zombies even where PID 1 is slow
# to reap) and its exit status lands in <state>/<name>.exit. setsid puts it in
# its own session: a Ctrl-C in the terminal reaches only this script, whose
# traps then stop exactly what it started.
WRAPPERS=()
LAUNCHED=()
start_component() { # NAME ARG...
  local name=$1 f log i
  shift
  f=$(pidfile "$name")
  log=$STATE/logs/$name.log
  rm -f "$f" "$f.tmp" "$STATE/$name.exit"
  : >"$log"
  LAUNCHED+=("$name")
  # shellcheck disable=SC2016 # the wrapper's own script: its $1, $@, $! expand in that shell
  setsid bash -c '
    f=$1; shift
    "$@" </dev/null &
    echo $! >"$f.tmp" && mv -f "$f.tmp" "$f"
    rc=0; wait $! || rc=$?
    echo "$rc" >"${f%.pid}.exit"
  ' cluster-wrapper "$f" "$BIN/$name" "$@" </dev/null >>"$log" 2>&1 7>&- 8>&- 9>&- &
  WRAPPERS+=($!)
  for ((i = 0; i < 50; i++)); do [ -f "$f" ] && break; sleep 0.1; done
  [ -f "$f" ] || die "$name did not start (no pid file)"
}

# wait_ready NAME PROBE_FUNCTION: poll until the probe succeeds
wait_ready() {
  local name=$1 probe=$2 start i pid
  start=$(now_us)
  for ((i = 0; i < READY_TIMEOUT * 5; i++)); do
    if "$probe"; then
      secs_since "$start"; say "$name ready (+$SECS)"
      return 0
    fi
    if ! pid=$(component_pid "$name"); then
      warn "$name exited during startup (status $(cat "$STATE/$name.exit" 2>/dev/null || echo '?'))"
      log_tail "$name"
      exit 1
    fi
    sleep 0.2
  done
  warn "$name not ready after ${READY_TIMEOUT}s"
  log_tail "$name"
  exit 1
}

# The probes capture curl's output before matching it: `curl | grep -q` under pipefail fails when
# grep quits at the first match and curl, still writing, dies of SIGPIPE (a false negative).
probe_etcd() {
  local body
  body=$(curl -s --max-time 1 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null) &&
    grep -q '"health":"true"' <<<"$body"
}
probe_apiserver() {
  [ "$(curl -s --max-time 2 --cacert "$STATE/pki/ca.crt" -H "@$STATE/pki/auth-header" \
        "https://127.0.0.1:$APISERVER_PORT/readyz" 2>/dev/null)" = ok ]
}
probe_kcm() { # the serviceaccount controller has created default/default
  [ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' --cacert "$STATE/pki/ca.crt" -H "@$STATE/pki/auth-header" \
    "https://127.0.0.1:$APISERVER_PORT/api/v1/namespaces/default/serviceaccounts/default" 2>/dev/null)" = 200 ]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() {
  local p name bad=0
  for p in "$ETCD_PORT:etcd client (CLUSTER_ETCD_PORT)" "$ETCD_PEER_PORT:etcd peer (CLUSTER_ETCD_PEER_PORT)" \
           "$APISERVER_PORT:kube-apiserver (CLUSTER_APISERVER_PORT)"; do
    name=${p#*:}; p=${p%%:*}
    if port_in_use "$p"; then
      warn "port 127.0.0.1:$p for $name is already in use"
      bad=1
    fi
  done
  [ "$bad" -eq 0 ] || die "free the port(s) or pick others via the variables above (another cluster? try: $SELF down)"
}

# -------------------------------------------------------------------- PKI --
gen_pki() {
  local p=$STATE/pki
  if [ -f "$p/ca.crt" ] && [ -f "$p/apiserver.crt" ] && [ -f "$p/apiserver.key" ] && [ -f "$p/sa.key" ] &&
     [ -f "$p/sa.pub" ] && [ -f "$p/tokens.csv" ] && [ -f "$p/auth-header" ]; then
    say "PKI present: $p"
    return 0
  fi
  rm -rf "$p"
  mkdir -p "$p"
  chmod 700 "$p"
  (
    umask 077
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=armonik-cdktf-test-ca" \
      -keyout ca.key -out ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2>/dev/null
    {
      echo "basicConstraints=CA:FALSE"
      echo "keyUsage=critical,digitalSignature,keyEncipherment"
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    } >apiserver.ext
    openssl x509 -req -sha256 -days 3650 -in apiserver.csr -CA ca.crt -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 16)" -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    local token
    token=$(openssl rand -hex 24)
    # static token of the admin user, member of system:masters
    echo "$token,cluster-admin,cluster-admin-uid,system:masters" >tokens.csv
    echo "Authorization: Bearer $token" >auth-header
    rm -f apiserver.csr
  ) || die "PKI generation with openssl failed"
  say "PKI generated: $p (CA, apiserver cert, service-account key pair, admin token)"
}

write_kubeconfig() { # FILE
  local token
  token=$(cut -d, -f1 "$STATE/pki/tokens.csv")
  (
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: armonik-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $STATE/pki/ca.crt
users:
- name: cluster-admin
  user:
    token: $token
contexts:
- name: armonik-test
  context:
    cluster: armonik-test
    user: cluster-admin
    namespace: default
current-context: armonik-test
EOF
  )
}

# ---------------------------------------------------------------- commands --
all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do component_pid "$c" >/dev/null || return 1; done
}
any_pidfile() {
  local c
  for c in "${COMPONENTS[@]}"; do [ -f "$(pidfile "$c")" ] && return 0; done
  return 1
}

print_env() {
  echo "export KUBECONFIG=$STATE/kubeconfig"
  echo "export KUBE_CONFIG_PATH=$STATE/kubeconfig"
}

UP_OK=0
on_up_exit() {
  local rc=$? i c f n
  trap '' INT TERM
  restore_output
  cleanup_build
  if [ "$UP_OK" -ne 1 ] && [ ${#LAUNCHED[@]} -gt 0 ]; then
    if [ -n "$INTERRUPTED" ]; then warn "interrupted (SIG$INTERRUPTED): stopping what this run started"
    else warn "up failed: stopping what this run started"; fi
    for ((i = ${#LAUNCHED[@]} - 1; i >= 0; i--)); do
      c=${LAUNCHED[i]}
      f=$(pidfile "$c")
      # a pid file may not be written yet if we were interrupted right after the launch
      for ((n = 0; n < 30; n++)); do [ -f "$f" ] && break; sleep 0.1; done
      STOP_TIMEOUT=$((STOP_TIMEOUT < 10 ? STOP_TIMEOUT : 10)) stop_component "$c" || true
    done
  fi
  for i in "${WRAPPERS[@]}"; do
    # reap wrappers that already finished; the ones of a running cluster stay
    alive "$i" || wait "$i" 2>/dev/null || true
  done
  [ "$rc" -eq 0 ] && [ "$UP_OK" -ne 1 ] && rc=1
  exit "$rc"
}

cmd_build() {
  trap 'trap "" INT TERM; restore_output; cleanup_build' EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  need flock sha256sum setsid
  build_binaries
}

cmd_up() {
  need curl openssl setsid flock sha256sum
  mkdir -p "$STATE/logs"
  STATE=$(cd "$STATE" && pwd)
  load_versions
  if all_running; then
    say "already running (state $STATE)"
    print_env
    return 0
  fi
  if any_pidfile; then
    say "cluster partly running or stale: cleaning up first"
    cmd_down
  fi
  trap on_up_exit EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM

  build_binaries
  check_ports
  gen_pki
  write_kubeconfig "$STATE/kubeconfig"
  write_kubeconfig "$STATE/pki/kcm.kubeconfig"
  {
    echo "KUBE_VERSION=$KUBE_VERSION"
    echo "ETCD_VERSION=$ETCD_VERSION"
    echo "BIN=$BIN"
    echo "APISERVER_URL=https://127.0.0.1:$APISERVER_PORT"
    echo "ETCD_URL=http://127.0.0.1:$ETCD_PORT"
  } >"$STATE/cluster.env"
  local p=$STATE/pki

  rm -rf "$STATE/etcd-data"   # every `up` starts from an empty cluster
  say "starting etcd $ETCD_VERSION on 127.0.0.1:$ETCD_PORT (peer $ETCD_PEER_PORT)"
  start_component etcd --name armonik-test --data-dir "$STATE/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "armonik-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync
  wait_ready etcd probe_etcd

  say "starting kube-apiserver $KUBE_VERSION on https://127.0.0.1:$APISERVER_PORT"
  start_component kube-apiserver \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --endpoint-reconciler-type=none \
    --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
    --client-ca-file="$p/ca.crt" --token-auth-file="$p/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --authorization-mode=RBAC --allow-privileged=true \
    --enable-admission-plugins=PodSecurity,Priority
  wait_ready kube-apiserver probe_apiserver

  say "starting kube-controller-manager $KUBE_VERSION (no listener: --secure-port=0)"
  start_component kube-controller-manager \
    --kubeconfig="$p/kcm.kubeconfig" --secure-port=0 --leader-elect=false \
    --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
    --use-service-account-credentials=false \
    --controllers="$KCM_CONTROLLERS"
  wait_ready kube-controller-manager probe_kcm

  UP_OK=1
  say "cluster up (state $STATE, logs in $STATE/logs); use it with:"
  print_env
}

cmd_down() {
  if [ ! -d "$STATE" ] || ! any_pidfile; then
    say "not running (state $STATE)"
    return 0
  fi
  local i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_component "${COMPONENTS[i]}"; done
  say "cluster down"
}

cmd_status() {
  local c pid n=0 v
  load_versions
  echo "state:    $STATE"
  echo "binaries: $BIN ($(binaries_present && echo present || echo 'not built'))"
  for c in "${COMPONENTS[@]}"; do
    if pid=$(component_pid "$c"); then
      printf '%-24s running (pid %s)\n' "$c:" "$pid"
      n=$((n + 1))
    elif [ -f "$STATE/$c.exit" ]; then
      printf '%-24s stopped (last exit status %s)\n' "$c:" "$(cat "$STATE/$c.exit")"
    else
      printf '%-24s stopped\n' "$c:"
    fi
  done
  if [ "$n" -eq ${#COMPONENTS[@]} ]; then
    v=$(sed -n 's|^APISERVER_URL=https://127.0.0.1:||p' "$STATE/cluster.env" 2>/dev/null || true)
    APISERVER_PORT=${v:-$APISERVER_PORT}
    if probe_apiserver; then v=ok; else v='not ready'; fi
    echo "readyz:   $v (https://127.0.0.1:$APISERVER_PORT)"
    echo "kubeconfig: $STATE/kubeconfig"
    [ "$v" = ok ] && return 0
  fi
  return 3
}

SMOKE_PASS=0
SMOKE_FAIL=0
SMOKE_STOP=1
check() { # DESCRIPTION COMMAND...
  local d=$1 start
  shift
  start=$(now_us)
  if "$@"; then
    SMOKE_PASS=$((SMOKE_PASS + 1)); secs_since "$start"; say "ok   $d ($SECS)"
  else
    SMOKE_FAIL=$((SMOKE_FAIL + 1)); secs_since "$start"; say "FAIL $d ($SECS)"
  fi
}
eventually() { # SECONDS COMMAND...: retry every 0.5s
  local t=$1 i
  shift
  for ((i = 0; i < t * 2; i++)); do "$@" && return 0; sleep 0.5; done
  return 1
}
k() { kubectl --kubeconfig "$STATE/kubeconfig" "$@"; }
ns_listed() { k get ns -o name >"$STATE/smoke-ns.txt" && grep -qx namespace/default "$STATE/smoke-ns.txt" &&
              grep -qx namespace/kube-system "$STATE/smoke-ns.txt"; }
server_version() { # the whole answer first: a pipe into grep -q can fail under pipefail (SIGPIPE)
  local body
  body=$(curl -s --max-time 5 --cacert "$STATE/pki/ca.crt" -H "@$STATE/pki/auth-header" \
           "https://127.0.0.1:$APISERVER_PORT/version") &&
    grep -q "\"gitVersion\": \"$KUBE_VERSION\"" <<<"$body"
}
ns_create() { k create ns "$1" >/dev/null; }
ns_phase_active() { [ "$(k get ns "$1" -o jsonpath='{.status.phase}' 2>/dev/null)" = Active ]; }
ns_has() { k -n "$1" get "$2" "$3" -o name >/dev/null 2>&1; }
ns_delete_and_gone() {
  k delete ns "$1" --wait=true --timeout=120s >/dev/null &&
    [ -z "$(k get ns "$1" -o name --ignore-not-found 2>/dev/null)" ]
}

on_smoke_exit() {
  local rc=$?
  trap '' INT TERM
  restore_output
  if [ -n "$INTERRUPTED" ]; then
    SMOKE_FAIL=$((SMOKE_FAIL + 1)); say "FAIL smoke interrupted (SIG$INTERRUPTED)"
  elif [ "$rc" -ne 0 ]; then
    SMOKE_FAIL=$((SMOKE_FAIL + 1)); say "FAIL smoke aborted (exit status $rc)"
  fi
  if [ "$SMOKE_STOP" -eq 1 ]; then
    local start; start=$(now_us)
    if "$SELF" down; then
      secs_since "$start"; say "ok   cluster down ($SECS)"; SMOKE_PASS=$((SMOKE_PASS + 1))
    else
      say "FAIL cluster down"; SMOKE_FAIL=$((SMOKE_FAIL + 1))
    fi
  else
    say "cluster was already running before smoke: left running"
  fi
  secs_since "$T0_US"
  echo "smoke: $SMOKE_PASS passed, $SMOKE_FAIL failed (total $SECS)"
  [ "$SMOKE_FAIL" -eq 0 ] || exit 1
  exit 0
}

cmd_smoke() {
  need curl openssl kubectl setsid flock sha256sum
  mkdir -p "$STATE"
  STATE=$(cd "$STATE" && pwd)
  export CLUSTER_STATE=$STATE _CLUSTER_T0_US=$T0_US
  load_versions
  if all_running; then SMOKE_STOP=0; fi
  trap on_smoke_exit EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM

  local start rc=0
  start=$(now_us)
  "$SELF" up || rc=$?
  if [ "$rc" -ne 0 ]; then
    SMOKE_FAIL=$((SMOKE_FAIL + 1)); say "FAIL cluster up (exit status $rc)"
    exit 0   # the EXIT trap stops what is left and prints the summary
  fi
  SMOKE_PASS=$((SMOKE_PASS + 1)); secs_since "$start"; say "ok   cluster up ($SECS)"

  local ns
  ns=smoke-$(openssl rand -hex 4)
  check "server reports $KUBE_VERSION" server_version
  check "kubectl get ns lists default and kube-system" ns_listed
  check "create namespace $ns" ns_create "$ns"
  check "namespace $ns is Active" eventually 10 ns_phase_active "$ns"
  check "default ServiceAccount in $ns (controller-manager)" eventually 60 ns_has "$ns" serviceaccount default
  check "kube-root-ca.crt ConfigMap in $ns (controller-manager)" eventually 60 ns_has "$ns" configmap kube-root-ca.crt
  check "delete namespace $ns and wait until gone (finalized by controller-manager)" ns_delete_and_gone "$ns"
}

main() {
  local cmd=${1:-help}
  case $cmd in
    build) cmd_build ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) print_env ;;
    smoke) cmd_smoke ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
