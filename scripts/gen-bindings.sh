#!/usr/bin/env bash
# Generates the Go bindings of the pinned CDKTF provider packages into .gen/<provider>/
# (git-ignored; go.mod `replace`s the upstream module paths with these folders).
#
#   scripts/gen-bindings.sh            make .gen current (no-op when the stamp matches)
#   scripts/gen-bindings.sh --quiet    same, silent when nothing has to be done
#   scripts/gen-bindings.sh --force    regenerate with jsii-pacmak even when cached
#
# Inputs (one place each):
#   scripts/bindings/package.json + package-lock.json   the npm packages, pinned exactly
#   scripts/bindings/packages.txt                        the Go sub-packages kept (<provider>/<pkg>)
# How:
#   1. jsii-pacmak --target go --code-only turns every @cdktf/provider-* package of package.json
#      into Go code (~50 s, ~1.5 GB RSS). The full output is cached outside the clone in
#      $ARMONIK_CDKTF_CACHE/bindings/<hash of the lockfile> (default ~/.cache/armonik-cdktf;
#      ARMONIK_CDKTF_CACHE=off disables the cache), so reruns on this machine skip it.
#   2. The listed sub-packages (plus go.mod, LICENSE and the jsii/ runtime package) are copied
#      into .gen/<provider>/; .gen/STAMP records hash(lockfile, list).
#   3. Every provider import in the project's .go files must be in the list.
set -euo pipefail

GEN_VERSION=1 # bump when the generation logic changes the output
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BDIR=$ROOT/scripts/bindings
GEN=$ROOT/.gen
CACHE=${ARMONIK_CDKTF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/armonik-cdktf}
QUIET=0
FORCE=0
for arg in "$@"; do
	case $arg in
	--quiet) QUIET=1 ;;
	--force) FORCE=1 ;;
	-h | --help)
		sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "gen-bindings: unknown argument $arg (try --help)" >&2
		exit 2
		;;
	esac
done

T0=$(date +%s%N)
say() {
	local ms=$((($(date +%s%N) - T0) / 1000000))
	printf '[bindings %3d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*" >&2
}
die() {
	echo "gen-bindings: error: $*" >&2
	exit 1
}

for f in package.json package-lock.json packages.txt; do
	[ -f "$BDIR/$f" ] || die "missing $BDIR/$f"
done
command -v sha256sum >/dev/null || die "sha256sum (coreutils) is required"

# The list, without comments and blank lines, sorted.
mapfile -t WANT < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$BDIR/packages.txt" | grep -v '^$' | sort -u)
[ ${#WANT[@]} -gt 0 ] || die "scripts/bindings/packages.txt lists no package"
for w in "${WANT[@]}"; do
	[[ $w =~ ^[a-z0-9]+/[a-z0-9]+$ ]] || die "packages.txt: '$w' is not <provider>/<sub-package>"
done
mapfile -t PROVIDERS < <(printf '%s\n' "${WANT[@]}" | cut -d/ -f1 | sort -u)

LOCKHASH=$( (
	echo "gen $GEN_VERSION"
	cat "$BDIR/package-lock.json"
) | sha256sum | cut -c1-16)
STAMP=$( (
	echo "$LOCKHASH"
	printf '%s\n' "${WANT[@]}"
) | sha256sum | cut -c1-16)

# check_imports fails when a .go file of the project imports a generated sub-package that the
# list does not keep (the build would fail later with a less helpful message).
check_imports() {
	local missing=0 imp file
	while IFS=: read -r file imp; do
		imp=${imp//\"/}
		local prov=${imp#github.com/cdktf/cdktf-provider-}
		prov=${prov%%-go/*}
		local sub=${imp##*/}
		# grep reads a process substitution, not a pipe: under pipefail, grep -q quitting at the
		# first match could kill printf with SIGPIPE and turn the match into a miss.
		if ! grep -qx "$prov/$sub" < <(printf '%s\n' "${WANT[@]}"); then
			echo "gen-bindings: error: ${file#"$ROOT"/} imports $imp, but scripts/bindings/packages.txt does not list '$prov/$sub': add that line" >&2
			missing=1
		fi
	done < <(grep -rhoE --include='*.go' --exclude-dir=.gen --exclude-dir=node_modules --exclude-dir=tools \
		-H '"github\.com/cdktf/cdktf-provider-[a-z0-9]+-go/[a-z0-9]+/v[0-9]+/[a-z0-9]+"' "$ROOT" | sort -u)
	return $missing
}

current() {
	[ -f "$GEN/STAMP" ] && [ "$(cat "$GEN/STAMP")" = "$STAMP" ] || return 1
	local p
	for p in "${PROVIDERS[@]}"; do [ -f "$GEN/$p/go.mod" ] || return 1; done
}

if [ $FORCE = 0 ] && current; then
	check_imports || exit 1
	[ $QUIET = 1 ] || say "bindings current (stamp $STAMP): ${PROVIDERS[*]} in .gen/"
	exit 0
fi

mkdir -p "$GEN"
exec 9>"$GEN/.lock"
if ! flock -n 9; then
	say "another gen-bindings run holds .gen/.lock; waiting"
	flock 9
fi
if [ $FORCE = 0 ] && current; then # done by the run we waited for
	check_imports || exit 1
	exit 0
fi
say "generating bindings (stamp $STAMP) for: ${WANT[*]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/armonik-bindings.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ "$CACHE" = off ]; then
	FULL=$WORK/full
else
	FULL=$CACHE/bindings/$LOCKHASH
fi

if [ $FORCE = 1 ] || [ ! -f "$FULL/COMPLETE" ]; then
	command -v node >/dev/null || die "node is not on PATH: Node.js >= 20.9 and npm are required to generate the provider bindings (and by the jsii runtime at synth time)"
	command -v npm >/dev/null || die "npm is not on PATH: it comes with Node.js >= 20.9"
	nodev=$(node -p 'process.versions.node')
	IFS=. read -r nmaj nmin _ <<<"$nodev"
	if [ "$nmaj" -lt 20 ] || { [ "$nmaj" -eq 20 ] && [ "$nmin" -lt 9 ]; }; then
		die "node $nodev is too old: CDKTF 0.21 needs Node.js >= 20.9"
	fi
	cp "$BDIR/package.json" "$BDIR/package-lock.json" "$WORK/"
	say "npm ci (pinned package-lock.json; node $nodev, npm $(npm --version))"
	(cd "$WORK" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2) ||
		die "npm ci failed in $WORK (is the npm registry reachable?)"
	mapfile -t NPMPKGS < <(cd "$WORK" && node -p 'Object.keys(require("./package.json").dependencies).filter(d => d.startsWith("@cdktf/provider-")).join("\n")')
	say "jsii-pacmak --target go --code-only: ${NPMPKGS[*]} (about 50 s)"
	args=()
	for p in "${NPMPKGS[@]}"; do args+=("node_modules/$p"); done
	(cd "$WORK" && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 \
		npx --no-install jsii-pacmak --target go --code-only --no-npmignore -o "$WORK/dist" "${args[@]}" >&2) ||
		die "jsii-pacmak failed"
	[ -d "$WORK/dist/go" ] || die "jsii-pacmak wrote no $WORK/dist/go"
	touch "$WORK/dist/go/COMPLETE"
	if [ "$CACHE" = off ]; then
		mv "$WORK/dist/go" "$FULL"
	else
		mkdir -p "$CACHE/bindings"
		rm -rf "$FULL.tmp.$$" "$FULL"
		mv "$WORK/dist/go" "$FULL.tmp.$$"
		mv "$FULL.tmp.$$" "$FULL"
		say "cached full output in $FULL ($(du -sh "$FULL" | cut -f1))"
	fi
else
	say "using cached jsii-pacmak output $FULL"
fi

for p in "${PROVIDERS[@]}"; do
	src=$FULL/$p
	[ -f "$src/go.mod" ] || die "provider '$p' (packages.txt) is not generated: add @cdktf/provider-$p to scripts/bindings/package.json and run npm install --package-lock-only there"
	dst=$GEN/$p.new
	rm -rf "$dst"
	mkdir -p "$dst"
	cp "$src/go.mod" "$dst/"
	[ -f "$src/LICENSE" ] && cp "$src/LICENSE" "$dst/"
	cp -r "$src/jsii" "$dst/"
	for w in "${WANT[@]}"; do
		[ "${w%%/*}" = "$p" ] || continue
		sub=${w#*/}
		if [ ! -d "$src/$sub" ]; then
			die "packages.txt lists '$w', which @cdktf/provider-$p does not have (see $src for the names)"
		fi
		cp -r "$src/$sub" "$dst/"
	done
	rm -rf "${GEN:?}/$p"
	mv "$dst" "$GEN/$p"
	say "wrote .gen/$p: $(find "$GEN/$p" -type f | wc -l) files, $(du -sh "$GEN/$p" | cut -f1) ($(grep -c "^$p/" <(printf '%s\n' "${WANT[@]}")) sub-packages)"
done
# Providers no longer listed.
for d in "$GEN"/*/; do
	d=${d%/}
	name=${d##*/}
	grep -qx "$name" < <(printf '%s\n' "${PROVIDERS[@]}") || { rm -rf "$d" && say "removed .gen/$name (no longer listed)"; }
done
echo "$STAMP" >"$GEN/STAMP"
check_imports || exit 1
say "done"
