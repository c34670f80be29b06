#!/usr/bin/env bash
# The "app" of cdktf.json: the cdktf CLI runs it to synthesize. It makes sure the generated
# provider bindings are current (a no-op in milliseconds when they are), then runs the Go app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}
scripts/gen-bindings.sh --quiet
exec go run . "$@"
