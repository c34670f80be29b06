#!/usr/bin/env bash
# Provides the pinned lint tools the tests run, and prints the path of the one asked for:
#   scripts/tools.sh shellcheck    shellcheck 0.9.0 (Debian bookworm's package 0.9.0-1)
#   scripts/tools.sh staticcheck   staticcheck 2026.1 (honnef.co/go/tools v0.8.2, from the Go module proxy)
# A tool already on PATH at the pinned version is used as is. Otherwise the Debian package is
# downloaded (apt-get download, no root needed) and unpacked into the cache outside the clone,
# $ARMONIK_CDKTF_CACHE/tools/<tool>-<version> (default ~/.cache/armonik-cdktf), once.
# Exit status 3 (and a line on stderr) when the tool cannot be had on this machine.
set -euo pipefail
CACHE=${ARMONIK_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf}
[ "$CACHE" = off ] && CACHE=$(mktemp -d)

SHELLCHECK_VERSION=0.9.0
SHELLCHECK_DEB=0.9.0-1
STATICCHECK_MODULE=honnef.co/go/tools
STATICCHECK_VERSION=v0.8.2

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
	# The version text first, then grep: `shellcheck --version | grep -q` can fail under pipefail (SIGPIPE).
	if command -v shellcheck >/dev/null && grep -q "^version: $SHELLCHECK_VERSION\$" <<<"$(shellcheck --version)"; then
		command -v shellcheck
		exit 0
	fi
	dir=$CACHE/tools/shellcheck-$SHELLCHECK_DEB
	deb shellcheck "$SHELLCHECK_DEB" "$dir"
	bin=$dir/root/usr/bin/shellcheck
	[ -x "$bin" ] || unavailable "the shellcheck package has no usr/bin/shellcheck"
	echo "$bin"
	;;
staticcheck)
	dir=$CACHE/tools/staticcheck-$STATICCHECK_VERSION-$(go env GOVERSION)
	bin=$dir/staticcheck
	if [ ! -x "$bin" ]; then
		command -v go >/dev/null || unavailable "go is not on PATH"
		echo "tools: building staticcheck $STATICCHECK_VERSION into $dir (once, about a minute)" >&2
		mkdir -p "$dir"
		GOBIN=$dir GOFLAGS=-mod=mod go install "$STATICCHECK_MODULE/cmd/staticcheck@$STATICCHECK_VERSION" >&2 ||
			unavailable "go install $STATICCHECK_MODULE/cmd/staticcheck@$STATICCHECK_VERSION failed"
	fi
	echo "$bin"
	;;
*)
	echo "usage: scripts/tools.sh shellcheck|staticcheck" >&2
	exit 2
	;;
esac
