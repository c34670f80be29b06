#!/usr/bin/env bash
# Runs go vet and the whole Go test suite the way CI does:
#   scripts/go-test.sh          vet + tests
#   scripts/go-test.sh bench    benchmarks
# The jsii runtime starts one node child per test binary and leaves temporary folders behind
# (/tmp/cdktf.outdir.* per test app), so the tests get a private TMPDIR, removed afterwards.
# The jsii package cache (~/.cache/aws/jsii) stays: a cold one costs ~1.5 s and ~700 MB per binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
export CHECKPOINT_DISABLE=1
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/armonik-test.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
T0=$(date +%s)
# The pinned linters the tests run (cached outside the clone once fetched).
if SHELLCHECK=$(scripts/tools.sh shellcheck); then
	export SHELLCHECK
else
	SHELLCHECK=
	echo "[test] shellcheck unavailable: the embedded shell scripts will not be linted" >&2
fi
# nginx is not fetched: Debian's nginx gets security updates, so an exact version leaves the
# archive. Where one is installed (apt-get install nginx-light, or NGINX=/path), the front door's
# configuration is checked with nginx -t and run on loopback (internal/nginxconf).
if [ -z "${NGINX:-}" ] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
	echo "[test] nginx unavailable: the front door's configuration will not be checked with nginx -t (apt-get install nginx-light)" >&2
fi
if [ "${1:-}" = bench ]; then
	go test -run '^$' -bench . -benchmem ./...
	exit
fi
# Linting the shell scripts is a test: every one of the repository must pass shellcheck at style severity
# (the embedded scripts are checked by the Go tests). Only an unobtainable tool is skipped, loudly.
SCRIPTS=(scripts/*.sh scripts/cluster/* .ci/run)
if [ -n "$SHELLCHECK" ]; then
	echo "[test] shellcheck --severity=style: ${#SCRIPTS[@]} scripts (scripts/*.sh, scripts/cluster/*, .ci/run)" >&2
	"$SHELLCHECK" --norc --severity=style "${SCRIPTS[@]}"
elif [ -n "${CI:-}" ]; then
	echo "[test] shellcheck could not be installed (see above): failing, as CI must lint" >&2
	exit 1
else
	echo "[test] shellcheck unavailable: the shell scripts are not linted" >&2
fi
echo "[test] go vet ./..." >&2
go vet ./...
# staticcheck is a test: it fails make test. Only an unobtainable tool is skipped, loudly.
if STATICCHECK=$(scripts/tools.sh staticcheck); then
	echo "[test] staticcheck ./..." >&2
	"$STATICCHECK" ./...
elif [ -n "${CI:-}" ]; then
	echo "[test] staticcheck could not be installed (see above): failing, as CI must lint" >&2
	exit 1
else
	echo "[test] staticcheck unavailable: not linted" >&2
fi
echo "[test] go test ./... (vet took $(($(date +%s) - T0))s)" >&2
go test -count=1 ./...
echo "[test] done in $(($(date +%s) - T0))s" >&2
