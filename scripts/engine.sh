#!/usr/bin/env bash
# The Terraform-compatible engine that applies cdktf.out/stacks/<stack>: terraform or OpenTofu.
# terraform is taken from PATH (or $TERRAFORM); OpenTofu is built from the pinned nested Go module
# tools/tofu into a cache outside the clone, once per version (like the test cluster, see
# scripts/cluster.sh), unless $TOFU names a tofu binary to use instead. See docs/engines.md.
#
# Usage: scripts/engine.sh build|path|which|version|regen|help [ENGINE]
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/engine.sh COMMAND [ENGINE]      ENGINE: terraform (default) or tofu

Commands:
  build [tofu]       build the pinned OpenTofu (tools/tofu/go.mod) into the cache (no-op when cached)
  path ENGINE        print the absolute path of ENGINE's binary; builds the pinned tofu if needed
  which ENGINE       like path, but never builds: exit 3 when ENGINE is not available
  version ENGINE     print "ENGINE VERSION" of the binary that path prints
  regen [VERSION]    rewrite tools/tofu/go.mod and go.sum for github.com/opentofu/opentofu VERSION
                     (default: the pinned one), copying its replace directives; commit the result
  help               this text

Environment (defaults in brackets):
  TERRAFORM             terraform binary [terraform on PATH]
  TOFU                  tofu binary to use instead of the pinned build [the pinned build]
  ARMONIK_CDKTF_CACHE   cache root [${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf]
  ENGINE_GOPROXY        GOPROXY used to build tofu [$CLUSTER_GOPROXY, else https://proxy.golang.org]
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOD=$ROOT/tools/tofu
MODULE=github.com/opentofu/opentofu
CACHE_ROOT=${ARMONIK_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf}
BUILD_GOPROXY=${ENGINE_GOPROXY:-${CLUSTER_GOPROXY:-https://proxy.golang.org}}
# Bump when the build recipe below (flags, ldflags) changes: it is part of the cache stamp.
RECIPE=1

# A CLI config file that does not exist only makes both engines print a warning on every call
# (this machine image may name one); fall back to their defaults then, as the Makefile does.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi

say() { echo "engine: $*" >&2; }
die() {
	echo "engine: error: $*" >&2
	exit 1
}

# The pinned version lives in the committed tools/tofu/go.mod.
tofu_version() {
	local v
	[ -f "$MOD/go.mod" ] || die "$MOD/go.mod is missing (the pinned OpenTofu tool module)"
	v=$(awk -v m="$MODULE" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$MOD/go.mod")
	[ -n "$v" ] || die "cannot find $MODULE in $MOD/go.mod"
	printf '%s' "$v"
}

# Sets TOFU_VERSION, STAMP and BIN (the cached binary of this pin and recipe).
load_tofu() {
	TOFU_VERSION=$(tofu_version)
	local hash
	hash=$(cat "$MOD/go.mod" "$MOD/go.sum" | { cat; printf 'recipe=%s arch=%s\n' "$RECIPE" "$(uname -sm)"; } |
		sha256sum | cut -c1-12)
	STAMP=tofu-${TOFU_VERSION}_${hash}
	BIN=$CACHE_ROOT/tofu/$STAMP/bin/tofu
}

BUILD_PID=
BUILD_TMP=
cleanup() {
	if [ -n "$BUILD_PID" ]; then
		kill -INT -- "-$BUILD_PID" 2>/dev/null || true
		wait "$BUILD_PID" 2>/dev/null || true
	fi
	if [ -n "$BUILD_TMP" ]; then rm -rf "$BUILD_TMP"; fi
}

build_tofu() {
	load_tofu
	if [ -x "$BIN" ]; then
		say "tofu $TOFU_VERSION cached: $BIN"
		return 0
	fi
	command -v go >/dev/null || die "go is not on PATH: it builds tofu from tools/tofu (or set TOFU to a tofu binary)"
	local dir=${BIN%/*} start rc=0 v
	mkdir -p "$dir"
	# One build per stamp at a time: a second caller waits, then finds the binary.
	exec 9>"$dir/.lock"
	if ! flock -n 9; then
		say "another build of $STAMP is running; waiting for it"
		flock 9
	fi
	if [ -x "$BIN" ]; then
		say "tofu $TOFU_VERSION cached (built by the other run): $BIN"
		return 0
	fi
	rm -rf "$dir"/.build.*
	BUILD_TMP=$(mktemp -d "$dir/.build.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	say "building tofu $TOFU_VERSION from $MOD into $BIN ($(go version | cut -d' ' -f3), GOPROXY=$BUILD_GOPROXY; cold: a few minutes)"
	start=$(date +%s)
	(
		cd "$MOD"
		exec env CGO_ENABLED=0 GOWORK=off GOPROXY="$BUILD_GOPROXY" GOFLAGS='-mod=readonly -buildvcs=false' \
			setsid go build -trimpath -ldflags "-s -w -X $MODULE/version.dev=no" -o "$BUILD_TMP/tofu" "$MODULE/cmd/tofu"
	) >&2 &
	BUILD_PID=$!
	wait "$BUILD_PID" || rc=$?
	BUILD_PID=
	[ "$rc" -eq 0 ] || die "go build of $MODULE/cmd/tofu $TOFU_VERSION failed (exit $rc)"
	v=$("$BUILD_TMP/tofu" version 2>/dev/null | sed -n 1p)
	[ "$v" = "OpenTofu ${TOFU_VERSION}" ] || die "the built tofu reports '$v', not OpenTofu $TOFU_VERSION"
	mv -f "$BUILD_TMP/tofu" "$BIN" # atomic: a half-written binary is never found
	rm -rf "$BUILD_TMP"
	BUILD_TMP=
	say "built tofu $TOFU_VERSION in $(($(date +%s) - start))s: $BIN"
}

check_engine() {
	case ${1:-} in
	terraform | tofu) ;;
	'') die "name an engine: terraform or tofu" ;;
	*) die "unknown engine '$1': use terraform or tofu (ENGINE=terraform|tofu)" ;;
	esac
}

# find_engine ENGINE BUILD(0|1): prints the absolute path of the binary, or returns 3.
find_engine() {
	local p
	case $1 in
	terraform)
		p=${TERRAFORM:-terraform}
		p=$(command -v "$p") || return 3
		;;
	tofu)
		if [ -n "${TOFU:-}" ]; then
			p=$(command -v "$TOFU") || die "TOFU=$TOFU is not an executable"
		else
			load_tofu
			if [ ! -x "$BIN" ]; then
				[ "$2" = 1 ] || return 3
				build_tofu
			fi
			p=$BIN
		fi
		;;
	esac
	[ -x "$p" ] || return 3
	printf '%s\n' "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
}

regen() {
	local v=${1:-$(tofu_version)} gomod gover
	export GOPROXY=$BUILD_GOPROXY GOFLAGS=-mod=mod GOWORK=off
	gomod=$(go mod download -json "$MODULE@$v" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
	[ -f "$gomod" ] || die "cannot download $MODULE@$v"
	gover=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")
	mkdir -p "$MOD"
	rm -f "$MOD/go.mod" "$MOD/go.sum"
	{
		echo "// Nested tool module: builds the OpenTofu CLI (tofu), one of the two engines that can"
		echo "// apply the synthesized stacks (scripts/engine.sh, docs/engines.md). Generated by"
		echo "// scripts/engine.sh regen; the project's own module never imports it."
		echo "module github.com/armonik-cdktf/armonik-cdktf/tools/tofu"
		echo
		echo "go $gover"
		echo
		echo "// Copied from $MODULE $v's go.mod: godebug settings and replace directives apply"
		echo "// only in the main module, so a build from here must repeat them."
		grep '^godebug ' "$gomod" || true
		sed -n -e '/^replace (/,/^)/p' -e '/^replace [^(]/p' "$gomod"
	} >"$MOD/go.mod"
	(
		cd "$MOD"
		go get -tool "$MODULE/cmd/tofu@$v"
		go mod tidy
	)
	say "tools/tofu regenerated for $MODULE $v (go $gover); review and commit go.mod and go.sum"
}

main() {
	local cmd=${1:-help} p
	case $cmd in
	build)
		[ "${2:-tofu}" = tofu ] || die "only tofu is built by the project (terraform comes from PATH)"
		build_tofu
		;;
	path | which)
		check_engine "${2:-}"
		local build=1
		[ "$cmd" = which ] && build=0
		if ! p=$(find_engine "$2" "$build"); then
			[ "$cmd" = which ] && exit 3
			case $2 in
			terraform) die "terraform is not on PATH: install terraform 1.11, set TERRAFORM, or use ENGINE=tofu" ;;
			tofu) die "no tofu binary" ;;
			esac
		fi
		printf '%s\n' "$p"
		;;
	version)
		check_engine "${2:-}"
		p=$(main path "$2")
		case $2 in
		terraform) echo "terraform $("$p" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')" ;;
		tofu) echo "tofu $("$p" version | sed -n '1s/^OpenTofu v\{0,1\}//p')" ;;
		esac
		;;
	regen) regen "${2:-}" ;;
	help | -h | --help) usage ;;
	*)
		usage >&2
		exit 2
		;;
	esac
}

main "$@"
