#!/usr/bin/env bash
# Runs every Fuzz* target of the module for the given time each (default 20s), one at a time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
T=${1:-20s}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/armonik-fuzz.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
n=0
while IFS=: read -r file fn; do
	pkg=./$(dirname "$file")
	fn=${fn#func }
	fn=${fn%%(*}
	echo "[fuzz] $pkg $fn for $T" >&2
	go test -run '^$' -fuzz "^$fn\$" -fuzztime "$T" "$pkg"
	n=$((n + 1))
done < <(grep -rHo --include='*_test.go' --exclude-dir=.gen --exclude-dir=node_modules --exclude-dir=tools \
	'^func Fuzz[A-Za-z0-9_]*(' . | sed 's|^\./||' | sort)
echo "[fuzz] $n targets passed" >&2
