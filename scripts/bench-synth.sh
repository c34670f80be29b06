#!/usr/bin/env bash
# Whole-process synthesis benchmark (design §7b): builds internal/cmd/synthbench, then times
# each case, interleaved, RUNS times (default 5) with a warm jsii package cache, and prints the
# median, the ratio to the floor (a one-resource stack) and the peak RSS of the process tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/armonik-bench.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
scripts/gen-bindings.sh --quiet
go build -o "$TMPDIR/synthbench" ./internal/cmd/synthbench
"$TMPDIR/synthbench" measure -runs "${RUNS:-5}" ${CASES:+-cases "$CASES"}
