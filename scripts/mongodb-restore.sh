#!/usr/bin/env bash
# Restores ArmoniK's MongoDB from one of its backups (docs/operations.md, "Restore"):
#   scripts/mongodb-restore.sh [DUMP] [STACK]
# DUMP is latest (default) or a dump's UTC timestamp (20260405T020000Z, the name of the object
# under the backup prefix without .archive.gz). The Job comes from `go run . restore`, built
# from the same configuration as the stack ($ARMONIK_CONFIG or ./armonik.yaml): it downloads
# the dump with the AWS CLI, then runs mongorestore --archive --gzip --drop with the connection
# string of the Secret <name>-connection. This script creates it with kubectl in the current
# context, waits until it succeeds or fails (TIMEOUT seconds, default 3600) and prints its logs.
#   DRY_RUN=1   print the Job and create nothing
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dump=${1:-latest}
stack=${2:-}
scripts/gen-bindings.sh --quiet
args=(restore --dump "$dump")
if [ -n "$stack" ]; then args+=("$stack"); fi
manifest=$(go run . "${args[@]}")
if [ -n "${DRY_RUN:-}" ]; then
	printf '%s\n' "$manifest"
	exit 0
fi
ns=$(jq -r .metadata.namespace <<<"$manifest")
job=$(kubectl create -f - -o name <<<"$manifest")
echo "restore: created $job in namespace $ns (dump $dump); ArmoniK's writers should be stopped (docs/operations.md)"
deadline=$(($(date +%s) + ${TIMEOUT:-3600}))
status=''
while [ "$(date +%s)" -lt "$deadline" ]; do
	status=$(kubectl -n "$ns" get "$job" -o jsonpath='{.status.succeeded}/{.status.failed}')
	case $status in
	1/*) break ;;
	*/[1-9]*) break ;;
	esac
	sleep 5
done
kubectl -n "$ns" logs "$job" --all-containers --prefix || true
case $status in
1/*) echo "restore: $job succeeded" ;;
*/[1-9]*)
	echo "restore: $job failed (kubectl -n $ns describe $job)" >&2
	exit 1
	;;
*)
	echo "restore: $job did not finish within ${TIMEOUT:-3600} seconds" >&2
	exit 1
	;;
esac
