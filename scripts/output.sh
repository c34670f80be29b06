#!/usr/bin/env bash
# Writes what clients need to reach a deployed stack into generated/<stack>/ (git-ignored),
# from the stack's Terraform outputs (<engine> output -json in cdktf.out/stacks/<stack>, so
# run it after `make deploy`; ENGINE=terraform (default) or tofu, as for the deploy):
#
#   endpoints.json          control_plane_url, admin_gui_url (and grafana_url, seq_url)
#   ca.crt                  the CA of the front door's server certificate
#   client.<name>.crt/.key  each generated client certificate and its key (keys: mode 0600)
#   client.<name>.p12       the same as PKCS#12 without password, for browsers (needs openssl)
#   armonik-cli.yaml        ArmoniK CLI configuration (export AKCONFIG=<path>): endpoint,
#                           certificate_authority, client_certificate, client_key
#   grpc-client.env         GrpcClient__* variables of the ArmoniK .NET client and samples
#
#   scripts/output.sh [stack]      (make output [STACK=name] [CLIENT=name])
#   CLIENT=name selects the identity of armonik-cli.yaml and grpc-client.env (default submitter,
#   else the first one). STACK_DIR and GENERATED_DIR override cdktf.out/stacks/<stack> and
#   generated/<stack> (the e2e test uses them).
# The directory is mode 0700; every file holding a private key is mode 0600.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=${1:-${STACK:-armonik-localhost}}
DIR=${STACK_DIR:-$ROOT/cdktf.out/stacks/$STACK}
OUT=${GENERATED_DIR:-$ROOT/generated/$STACK}
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	unset TF_CLI_CONFIG_FILE
fi

die() {
	echo "output: error: $*" >&2
	exit 1
}
command -v jq >/dev/null || die "jq is not on PATH"
ENGINE=${ENGINE:-terraform}
BIN=$("$ROOT/scripts/engine.sh" path "$ENGINE") || die "no $ENGINE binary (see above)"
[ -f "$DIR/cdk.tf.json" ] || die "no $DIR/cdk.tf.json: run make synth and make deploy STACK=$STACK first"
[ -d "$DIR/.terraform" ] || die "$DIR is not initialized: run make deploy STACK=$STACK first"

umask 077
TMP=$(mktemp -d "${TMPDIR:-/tmp}/armonik-output.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if ! "$BIN" -chdir="$DIR" output -json -no-color >"$TMP/out.json" 2>"$TMP/err"; then
	die "$ENGINE output failed: $(cat "$TMP/err")"
fi
[ "$(jq 'has("control_plane_url")' "$TMP/out.json")" = true ] ||
	die "the state of $STACK has no outputs: deploy it first (make deploy STACK=$STACK)"
val() { jq -r --arg k "$1" '.[$k].value // empty' "$TMP/out.json"; }

mkdir -p "$OUT"
chmod 700 "$OUT"
# write FILE MODE: stdin to $OUT/FILE with MODE, replacing any previous file.
write() {
	local f=$OUT/$1
	rm -f "$f"
	cat >"$f"
	chmod "$2" "$f"
}

jq '{control_plane_url, admin_gui_url, grafana_url, seq_url} | with_entries(select(.value != null) | .value |= .value)' \
	"$TMP/out.json" | write endpoints.json 644
ENDPOINT=$(val control_plane_url)

CA=""
if [ -n "$(val ca_certificate)" ]; then
	jq -j '.ca_certificate.value' "$TMP/out.json" | write ca.crt 644
	CA=$OUT/ca.crt
fi

mapfile -t CLIENTS < <(jq -r '.client_certificates.value // {} | keys[]' "$TMP/out.json")
for c in "${CLIENTS[@]}"; do
	# -j: the PEM texts as they are (they end with a newline).
	jq -j --arg c "$c" '.client_certificates.value[$c].certificate' "$TMP/out.json" | write "client.$c.crt" 644
	jq -j --arg c "$c" '.client_certificates.value[$c].private_key' "$TMP/out.json" | write "client.$c.key" 600
	if command -v openssl >/dev/null; then
		rm -f "$OUT/client.$c.p12"
		openssl pkcs12 -export -in "$OUT/client.$c.crt" -inkey "$OUT/client.$c.key" ${CA:+-certfile "$CA"} \
			-name "armonik $c" -passout pass: -out "$OUT/client.$c.p12" 2>"$TMP/p12.err" &&
			chmod 600 "$OUT/client.$c.p12" ||
			echo "output: note: no client.$c.p12 ($(head -n1 "$TMP/p12.err"))" >&2
	fi
done

CLIENT=${CLIENT:-}
if [ -z "$CLIENT" ] && [ ${#CLIENTS[@]} -gt 0 ]; then
	CLIENT=${CLIENTS[0]}
	for c in "${CLIENTS[@]}"; do [ "$c" = submitter ] && CLIENT=submitter; done
fi
if [ -n "$CLIENT" ] && [ ! -f "$OUT/client.$CLIENT.crt" ]; then
	die "CLIENT=$CLIENT: no such client certificate (generated: ${CLIENTS[*]:-none})"
fi

# The ArmoniK CLI's configuration file (ArmoniK.Admin.CLI src/armonik_cli/core/configuration.py:
# endpoint, certificate_authority, client_certificate, client_key; read from $AKCONFIG).
{
	echo "# ArmoniK CLI configuration for $STACK, written by make output: export AKCONFIG=$OUT/armonik-cli.yaml"
	echo "endpoint: $ENDPOINT"
	[ -n "$CA" ] && echo "certificate_authority: $CA"
	if [ -n "$CLIENT" ]; then
		echo "client_certificate: $OUT/client.$CLIENT.crt"
		echo "client_key: $OUT/client.$CLIENT.key"
	fi
} | write armonik-cli.yaml 600

# The .NET client's options (ArmoniK.Api packages/csharp/ArmoniK.Api.Client/Options/GrpcClient.cs).
{
	echo "GrpcClient__Endpoint=$ENDPOINT"
	[ -n "$CA" ] && echo "GrpcClient__CaCert=$CA"
	if [ -n "$CLIENT" ]; then
		echo "GrpcClient__CertPem=$OUT/client.$CLIENT.crt"
		echo "GrpcClient__KeyPem=$OUT/client.$CLIENT.key"
	fi
} | write grpc-client.env 600

echo "output: wrote $OUT/:"
find "$OUT" -mindepth 1 -maxdepth 1 -printf '  %M %f\n' | sort -k2
echo
jq -r 'to_entries[] | "  \(.key): \(.value)"' "$OUT/endpoints.json"
echo
echo "ArmoniK CLI:   export AKCONFIG=$OUT/armonik-cli.yaml"
echo ".NET samples:  set -a; . $OUT/grpc-client.env; set +a"
