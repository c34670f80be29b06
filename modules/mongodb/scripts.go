package mongodb

// The scripts of the ConfigMap <name>-scripts. None holds a credential: they read the user
// names and passwords from their container's environment (secretKeyRef), through mongosh's
// process.env. The ConfigMap escapes Terraform's template sequences ("${", "%{") with
// k8s.Literal. The shell scripts pass shellcheck (modules/shellcheck_test.go).

// createUserJS runs once, from /docker-entrypoint-initdb.d, when the image's entrypoint
// initializes an empty data directory: connected as root to a temporary server, it creates the
// user ArmoniK connects as, with the roles upstream's Percona module grants (readWrite and
// dbAdmin on the database, clusterAdmin).
const createUserJS = `// Creates the user ArmoniK connects as (run once, on an empty data directory).
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

// rsInitJS makes one attempt: it exits 0 when the member is the primary of its replica set,
// initiates the replica set when the server has none yet (NotYetInitialized), and exits 1 in
// every other case (server not up, the temporary initdb server, an election in progress) so
// that rs-init.sh tries again.
const rsInitJS = `// One attempt at bringing up the single-member replica set; exit 0 once this member is primary.
const name = process.env.RS_NAME;
const member = process.env.RS_MEMBER;
db.getSiblingDB("admin").auth(process.env.MONGO_ROOT_USER, process.env.MONGO_ROOT_PASSWORD);
let status;
try {
  status = db.adminCommand({ replSetGetStatus: 1 });
} catch (e) {
  status = { ok: 0, code: e.code, errmsg: e.message };
}
if (status.ok === 1) {
  if (status.myState === 1) {
    quit(0);
  }
  print("rs-init: waiting for this member to become primary of " + name + " (state " + status.myState + ")");
  quit(1);
}
if (status.code === 94) { // NotYetInitialized
  db.adminCommand({ replSetInitiate: { _id: name, members: [{ _id: 0, host: member }] } });
  print("rs-init: initiated replica set " + name + " with member " + member);
  quit(1);
}
print("rs-init: server not ready yet: " + status.errmsg);
quit(1);
`

// rsInitSh is the rs-init container: it retries rs-init.js every 5 seconds until the member is
// primary, then idles until the pod stops (a container that exits would be restarted). It
// initiates again whenever the pod starts on a data directory without a replica set, so
// nothing outside the pod has to run, and nothing ever blocks Terraform.
const rsInitSh = `#!/bin/bash
# Brings up this member's single-member replica set (rs-init.js), then idles.
set -u
trap 'exit 0' TERM INT
# MONGOSH_TLS_ARGS is empty, or the TLS options (space-separated) when the server requires TLS.
read -r -a tls_args <<<"${MONGOSH_TLS_ARGS:-}"
until mongosh --quiet --norc --host 127.0.0.1 --port "$MONGO_PORT" ${tls_args[@]+"${tls_args[@]}"} /scripts/rs-init.js; do
  sleep 5 &
  wait $!
done
echo "rs-init: this member is the primary of $RS_NAME"
while true; do
  sleep 3600 &
  wait $!
done
`
