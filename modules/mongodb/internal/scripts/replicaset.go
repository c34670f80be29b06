// Package scripts holds the scripts modules/mongodb puts in its ConfigMaps: the user creation
// run on a fresh data directory, the replica-set controller and preStop hook of every member,
// and the dump, upload, fetch and restore steps of the backups. No script holds a credential:
// they read them from their container's environment (secretKeyRef). The shell scripts pass
// shellcheck (modules/shellcheck_test.go lints the goldens, this package's tests the texts) and
// their decisions are tested with fake mongosh and aws commands (scripts_test.go). The package
// has no dependency on the provider bindings, so its tests build in a second.
package scripts

// CreateUserJS runs once, from /docker-entrypoint-initdb.d, when the image's entrypoint
// initializes an empty data directory: connected as root to a temporary server, it creates the
// user ArmoniK connects as, with the roles upstream's Percona module grants (readWrite and
// dbAdmin on the database, clusterAdmin). On a member that joins an existing replica set, the
// initial sync replaces this local copy with the primary's users (the same ones).
const CreateUserJS = `// Creates the user ArmoniK connects as (run once, on an empty data directory).
const database = process.env.ARMONIK_MONGODB_DATABASE;
const user = process.env.ARMONIK_MONGODB_USER;
db.getSiblingDB("admin").createUser({
  user: user,
  pwd: process.env.ARMONIK_MONGODB_PASSWORD,
  roles: [
    { role: "readWrite", db: database },
    { role: "dbAdmin", db: database },
    { role: "clusterAdmin", db: "admin" },
  ],
});
print("create-user: created " + user + " for database " + database);
`

// ReplicaSetJS holds the primitives of ReplicaSetSh, one per mongosh run, chosen by the
// environment variable RS_OP (argument RS_ARG). Each prints plain lines for the shell to read:
//
//	status    (this member, as root) "uninitialized"; "error <code name>"; or "state <myState>"
//	          then one "member <host> <health> <state> <votes>" line per configured member
//	hello     (any member, no authentication) "set <replica set name or ->"
//	initiate  replSetInitiate with the single member RS_ARG (_id 0)
//	add       replSetReconfig adding RS_ARG (a new _id, votes and priority 1: since MongoDB 4.4
//	          the server marks it newlyAdded and does not count its vote until it is SECONDARY)
//	remove    replSetReconfig removing RS_ARG
//	stepdown  replSetStepDown for 60 seconds
//
// Writes print "done" or "failed <reason>". A reconfiguration sends the current configuration
// (replSetGetConfig) with one change and its version plus one; the server sets the term itself
// and ignores the one it is sent (MongoDB's jstests/replsets "replSetReconfig ignores the term
// value provided by a user"). Never with force: the server refuses a change that a majority of
// the current voting members cannot commit.
const ReplicaSetJS = `// Replica-set primitives of replicaset.sh: one operation per run, RS_OP with RS_ARG.
const op = process.env.RS_OP;
const arg = process.env.RS_ARG || "";
const name = process.env.RS_NAME;

function asRoot() {
  db.getSiblingDB("admin").auth(process.env.MONGO_ROOT_USER, process.env.MONGO_ROOT_PASSWORD);
}

function run(command) {
  try {
    return db.adminCommand(command);
  } catch (e) {
    return { ok: 0, code: e.code, codeName: e.codeName || "Error", errmsg: e.message };
  }
}

function reconfigure(change) {
  const got = run({ replSetGetConfig: 1 });
  if (got.ok !== 1) {
    print("failed " + got.codeName + ": " + got.errmsg);
    return;
  }
  const cfg = got.config;
  change(cfg);
  cfg.version += 1;
  const r = run({ replSetReconfig: cfg, maxTimeMS: 120000 });
  print(r.ok === 1 ? "done" : "failed " + r.codeName + ": " + r.errmsg);
}

switch (op) {
  case "hello": {
    const h = run({ hello: 1 });
    print("set " + (h.setName || "-"));
    break;
  }
  case "status": {
    try {
      asRoot();
    } catch (e) {
      print("error " + (e.codeName || "AuthenticationFailed"));
      break;
    }
    const s = run({ replSetGetStatus: 1 });
    if (s.ok !== 1) {
      print(s.code === 94 ? "uninitialized" : "error " + s.codeName);
      break;
    }
    const c = run({ replSetGetConfig: 1 });
    if (c.ok !== 1) {
      print("error " + c.codeName);
      break;
    }
    print("state " + s.myState);
    for (const m of c.config.members) {
      const st = s.members.find((x) => x.name === m.host) || { health: 0, stateStr: "UNKNOWN" };
      // stateStr may hold spaces ("(not reachable/healthy)"): one word per field.
      print("member " + m.host + " " + st.health + " " + st.stateStr.replace(/\s+/g, "_") + " " + m.votes);
    }
    break;
  }
  case "initiate": {
    asRoot();
    const r = run({ replSetInitiate: { _id: name, members: [{ _id: 0, host: arg }] } });
    print(r.ok === 1 ? "done" : "failed " + r.codeName + ": " + r.errmsg);
    break;
  }
  case "add":
    asRoot();
    reconfigure((cfg) => {
      const id = cfg.members.reduce((max, m) => Math.max(max, m._id), -1) + 1;
      cfg.members.push({ _id: id, host: arg });
    });
    break;
  case "remove":
    asRoot();
    reconfigure((cfg) => {
      cfg.members = cfg.members.filter((m) => m.host !== arg);
    });
    break;
  case "stepdown": {
    asRoot();
    // A successful step-down closes the connections: an error here is expected.
    const r = run({ replSetStepDown: 60, secondaryCatchUpPeriodSecs: 30 });
    print(r.ok === 1 ? "done" : "answered " + r.codeName);
    break;
  }
  default:
    print("failed unknown operation " + op);
}
`

// ReplicaSetSh is the replica-set controller of every member, run in two ways:
//
//	replicaset.sh run       the rs-init container: reconcile every RS_INTERVAL seconds (10)
//	replicaset.sh once      one reconciliation (tests)
//	replicaset.sh prestop   mongod's preStop hook
//
// Reconciliation compares the replica set with the desired members, one host per line in
// RS_MEMBERS_FILE (a ConfigMap volume the kubelet refreshes in place, so a new member count
// reaches running pods without restarting them), and makes at most one change per pass:
//
//   - This member has no replica set: only the first desired member initiates one, with itself
//     alone, and only when no other desired member answers that it already belongs to RS_NAME
//     (the first member lost its data while the others kept the set: it waits to be added
//     back instead of starting a second set of the same name). Other members wait.
//   - This member is not the primary: nothing (the primary's controller acts).
//   - The primary is not desired: it steps down, so that a desired member takes over.
//   - A member is configured but not desired: it is removed, unreachable ones first, and only
//     when the healthy voting members of the new configuration are a majority of its votes.
//   - A member is desired but not configured: once every member is healthy (PRIMARY or
//     SECONDARY) and the new host answers with no replica set (or this one), it is added.
//
// The preStop hook keeps a stopping member from taking the majority with it. It returns at
// once when the other healthy voting members are a majority of the votes (a rolling restart, a
// member of a healthy set, a single member), when this member is no longer configured, or when
// mongod does not answer. Otherwise (scaling 3 -> 1 stops two members of three) it steps down
// if it is the primary and waits until the primary's controller has removed it, or there has
// been no primary for RS_PRESTOP_NO_PRIMARY seconds (30): nobody can remove it then. The
// kubelet bounds the wait with the pod's termination grace period.
//
// Environment: RS_NAME, RS_SELF (this member's host:port), MONGO_PORT, MONGO_ROOT_USER,
// MONGO_ROOT_PASSWORD, MONGOSH_TLS_ARGS (empty, or the TLS options), RS_MEMBERS_FILE, RS_JS
// (the primitives, default /scripts/replicaset.js).
const ReplicaSetSh = `#!/bin/bash
# Replica-set controller of one member (see modules/mongodb/internal/scripts).
#   replicaset.sh run|once|prestop
set -u
trap 'exit 0' TERM INT
members_file=${RS_MEMBERS_FILE:-/rs-config/members}
rs_js=${RS_JS:-/scripts/replicaset.js}
# MONGOSH_TLS_ARGS is empty, or the TLS options (space-separated) when the server requires TLS.
read -r -a tls_args <<<"${MONGOSH_TLS_ARGS:-}"

# rs OP [ARG] [HOST]: one primitive of replicaset.js on HOST (default: this member).
rs() {
	RS_OP=$1 RS_ARG=${2:-} mongosh --quiet --norc \
		"mongodb://${3:-127.0.0.1:$MONGO_PORT}/?directConnection=true&serverSelectionTimeoutMS=5000" \
		${tls_args[@]+"${tls_args[@]}"} "$rs_js"
}

last=''
# say MESSAGE: logs MESSAGE, once while it repeats.
say() {
	if [ "$*" != "$last" ]; then
		echo "replicaset: $*"
		last="$*"
	fi
}

majority() { echo $(($1 / 2 + 1)); }

# The replica set as this member sees it, read by read_status from "rs status".
state='' hosts=() health=() states=() votes=()
read_status() {
	local kind a b c d
	state='' hosts=() health=() states=() votes=()
	while read -r kind a b c d; do
		case $kind in
		state) state=$a ;;
		member)
			hosts+=("$a")
			states+=("$c")
			votes+=("$d")
			if [ "$b" = 1 ] && { [ "$c" = PRIMARY ] || [ "$c" = SECONDARY ]; }; then health+=(1); else health+=(0); fi
			;;
		esac
	done <<<"$1"
}

# contains WORD LIST...
contains() {
	local w=$1 x
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

reconcile() {
	local desired=() out h i n_vote=0 n_ok=0 all_ok=1 extra=() missing=() pick=-1
	mapfile -t desired < <(grep -v '^[[:space:]]*$' "$members_file" 2>/dev/null)
	if [ ${#desired[@]} -eq 0 ]; then
		say "no desired member in $members_file yet"
		return
	fi
	if ! out=$(rs status); then
		say "mongod is not answering yet"
		return
	fi
	case $out in
	uninitialized*)
		if [ "$RS_SELF" != "${desired[0]}" ]; then
			say "no replica set yet: waiting for the primary to add $RS_SELF"
			return
		fi
		for h in "${desired[@]:1}"; do
			if [ "$(rs hello '' "$h" 2>/dev/null)" = "set $RS_NAME" ]; then
				say "not initiating: $h already belongs to $RS_NAME; waiting to be added back"
				return
			fi
		done
		out=$(rs initiate "$RS_SELF")
		say "initiate $RS_NAME with $RS_SELF: $out"
		return
		;;
	state*) ;;
	*)
		say "not ready: $out"
		return
		;;
	esac
	read_status "$out"
	if [ "$state" != 1 ]; then
		say "this member is not the primary (state $state): the primary reconciles"
		return
	fi
	for i in "${!hosts[@]}"; do
		if [ "${votes[i]}" -gt 0 ]; then
			n_vote=$((n_vote + 1))
			[ "${health[i]}" = 1 ] && n_ok=$((n_ok + 1))
		fi
		[ "${health[i]}" = 1 ] || all_ok=0
		contains "${hosts[i]}" "${desired[@]}" || extra+=("$i")
	done
	for h in "${desired[@]}"; do
		contains "$h" "${hosts[@]}" || missing+=("$h")
	done
	if [ ${#extra[@]} -gt 0 ]; then
		for i in "${extra[@]}"; do
			if [ "${hosts[i]}" = "$RS_SELF" ]; then
				say "$RS_SELF is the primary but not a desired member: stepping down ($(rs stepdown))"
				return
			fi
		done
		# Unreachable members first (removing them costs no healthy vote), else the last one.
		for i in "${extra[@]}"; do
			if [ "${health[i]}" = 0 ]; then
				pick=$i
				break
			fi
		done
		[ "$pick" -ge 0 ] || pick=${extra[${#extra[@]} - 1]}
		if [ "${votes[pick]}" -gt 0 ]; then
			n_vote=$((n_vote - 1))
			[ "${health[pick]}" = 1 ] && n_ok=$((n_ok - 1))
		fi
		if [ "$n_ok" -lt "$(majority "$n_vote")" ]; then
			say "not removing ${hosts[pick]}: $n_ok healthy of $n_vote voting members would remain, no majority; waiting for members to recover"
			return
		fi
		say "remove ${hosts[pick]}: $(rs remove "${hosts[pick]}")"
		return
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		if [ "$all_ok" = 0 ]; then
			say "waiting for every member to be PRIMARY or SECONDARY before adding ${missing[0]}"
			return
		fi
		h=${missing[0]}
		if ! out=$(rs hello '' "$h" 2>/dev/null); then
			say "waiting for $h to answer before adding it"
			return
		fi
		if [ "$out" != "set -" ] && [ "$out" != "set $RS_NAME" ]; then
			say "not adding $h: it answers '$out', another replica set"
			return
		fi
		say "add $h: $(rs add "$h")"
		return
	fi
	say "in sync: ${#hosts[@]} members"
}

prestop() {
	local out i n_vote others_ok has_primary no_primary=0 self
	local wait_s=${RS_PRESTOP_INTERVAL:-5} limit=${RS_PRESTOP_NO_PRIMARY:-30}
	while true; do
		if ! out=$(rs status); then
			say "mongod does not answer: nothing to hand over"
			return 0
		fi
		case $out in
		state*) ;;
		*)
			say "no replica set to keep ($out)"
			return 0
			;;
		esac
		read_status "$out"
		n_vote=0 others_ok=0 has_primary=0 self=-1
		for i in "${!hosts[@]}"; do
			[ "${states[i]}" = PRIMARY ] && [ "${health[i]}" = 1 ] && has_primary=1
			if [ "${hosts[i]}" = "$RS_SELF" ]; then
				self=$i
				[ "${votes[i]}" -gt 0 ] && n_vote=$((n_vote + 1))
				continue
			fi
			if [ "${votes[i]}" -gt 0 ]; then
				n_vote=$((n_vote + 1))
				[ "${health[i]}" = 1 ] && others_ok=$((others_ok + 1))
			fi
		done
		if [ "$self" -lt 0 ]; then
			say "$RS_SELF is no longer a member: stopping"
			return 0
		fi
		if [ "$n_vote" -le 1 ] || [ "$others_ok" -ge "$(majority "$n_vote")" ]; then
			say "the other members keep a majority ($others_ok healthy of $n_vote votes): stopping"
			return 0
		fi
		if [ "$has_primary" = 0 ]; then
			no_primary=$((no_primary + wait_s))
			if [ "$no_primary" -ge "$limit" ]; then
				say "no primary for ${limit}s: nobody can remove $RS_SELF, stopping"
				return 0
			fi
		else
			no_primary=0
		fi
		if [ "$state" = 1 ]; then
			say "stepping down before stopping: $(rs stepdown)"
		fi
		say "waiting: without $RS_SELF, $others_ok healthy of $n_vote voting members would remain; the primary removes it first"
		sleep "$wait_s"
	done
}

case ${1:-run} in
once) reconcile ;;
prestop) prestop ;;
run)
	while true; do
		reconcile
		sleep "${RS_INTERVAL:-10}" &
		wait $!
	done
	;;
*)
	echo "usage: replicaset.sh run|once|prestop" >&2
	exit 2
	;;
esac
`
