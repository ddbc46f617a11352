#!/usr/bin/env bash
# Runs WuKongIM's real web SDK (wukongimjssdk, pinned in crates/natter-wukongim/js) in Node
# against a loopback WebSocket server built on natter-wukongim, and fails unless each side
# accepts the other: the SDK takes the crate's CONNACK, RECV, SENDACK, SUBACK, PONG and
# DISCONNECT (and drops a RECV with a forged msg key), and the crate decodes and verifies the
# SDK's CONNECT, SEND, SUB, PING and RECVACK. Needs Node.js 20 and the npm registry.
# `scripts/wukongim-sdk-check.sh --write DIR` also records the frames as hex fixtures.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

(cd crates/natter-wukongim/js && npm ci --no-audit --no-fund)
cargo run --locked -q -p natter-wukongim --example record_sdk -- "$@"
