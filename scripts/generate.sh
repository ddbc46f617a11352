#!/usr/bin/env bash
# Regenerates every file the code generates, after a change to the settings, a route or a wire
# type: docs/configuration.md and docs/openapi.json from the server, then the TypeScript SDK's
# wire types from docs/openapi.json. The test command fails while any of them is stale.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

cargo build -q -p natter --locked
"$CARGO_TARGET_DIR/debug/natter" config-reference > docs/configuration.md
"$CARGO_TARGET_DIR/debug/natter" openapi > docs/openapi.json
(cd sdk/js && npm run --silent generate)
echo "regenerated docs/configuration.md, docs/openapi.json and sdk/js/src/generated/openapi.ts"
