#!/usr/bin/env bash
# Installs the project's pinned npm dev dependencies (the cdktf CLI) into node_modules/ with
# `npm ci`, unless node_modules already matches package-lock.json.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v node >/dev/null || { echo "setup-npm: error: node is not on PATH: install Node.js >= 20.9 and npm" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup-npm: error: npm is not on PATH: it comes with Node.js >= 20.9" >&2; exit 1; }
want=$(sha256sum package-lock.json | cut -c1-16)
# node_modules holds a Go package (flatted's): a go.mod there keeps it out of ./... patterns
# (go vet ./..., go test ./...).
keep_go_out() { [ -f node_modules/go.mod ] || printf 'module node_modules_not_part_of_the_project\n' >node_modules/go.mod; }
if [ -f node_modules/.armonik-stamp ] && [ "$(cat node_modules/.armonik-stamp)" = "$want" ] && [ -x node_modules/.bin/cdktf ]; then
	keep_go_out
	exit 0
fi
T0=$(date +%s)
echo "[npm] npm ci (cdktf-cli, pinned by package-lock.json)" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
echo "$want" >node_modules/.armonik-stamp
keep_go_out
echo "[npm] done in $(($(date +%s) - T0))s" >&2
