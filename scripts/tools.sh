#!/usr/bin/env bash
# Provides the pinned lint tools the tests run, and prints the path of the one asked for:
#   scripts/tools.sh shellcheck    shellcheck 0.9.0 (Debian bookworm's package 0.9.0-1)
# A tool already on PATH at the pinned version is used as is. Otherwise the Debian package is
# downloaded (apt-get download, no root needed) and unpacked into the cache outside the clone,
# $ARMONIK_CDKTF_CACHE/tools/<tool>-<version> (default ~/.cache/armonik-cdktf), once.
# Exit status 3 (and a line on stderr) when the tool cannot be had on this machine.
set -euo pipefail
CACHE=${ARMONIK_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf}
[ "$CACHE" = off ] && CACHE=$(mktemp -d)

SHELLCHECK_VERSION=0.9.0
SHELLCHECK_DEB=0.9.0-1

unavailable() {
	echo "tools: $1" >&2
	exit 3
}

# deb NAME VERSION DIR: unpacks the Debian package NAME=VERSION into DIR (once).
deb() {
	local name=$1 version=$2 dir=$3
	[ -d "$dir/root" ] && return 0
	command -v apt-get >/dev/null || unavailable "apt-get is not available: cannot fetch Debian's $name $version"
	command -v dpkg-deb >/dev/null || unavailable "dpkg-deb is not available: cannot unpack Debian's $name $version"
	local work
	work=$(mktemp -d)
	if ! (cd "$work" && apt-get download -q "$name=$version" >/dev/null 2>&1); then
		rm -rf "$work"
		unavailable "apt-get download $name=$version failed (no Debian package index or no network)"
	fi
	mkdir -p "$work/root"
	dpkg-deb -x "$work"/*.deb "$work/root"
	mkdir -p "$(dirname "$dir")"
	rm -rf "$dir"
	mv "$work" "$dir"
}

case "${1:-}" in
shellcheck)
	if command -v shellcheck >/dev/null && shellcheck --version | grep -q "^version: $SHELLCHECK_VERSION\$"; then
		command -v shellcheck
		exit 0
	fi
	dir=$CACHE/tools/shellcheck-$SHELLCHECK_DEB
	deb shellcheck "$SHELLCHECK_DEB" "$dir"
	bin=$dir/root/usr/bin/shellcheck
	[ -x "$bin" ] || unavailable "the shellcheck package has no usr/bin/shellcheck"
	echo "$bin"
	;;
*)
	echo "usage: scripts/tools.sh shellcheck" >&2
	exit 2
	;;
esac
