#!/usr/bin/env bash
# Runs every Natter test on this machine, installing what the tests need first:
# formatting and lints, a check on the declared minimum Rust where that toolchain is installed,
# the Rust unit, property and integration tests (each starts real servers on loopback ports; the
# WuKongIM gateway's drive WuKongIM's real web SDK in Node) on SQLite and again on PostgreSQL
# with a three-node cluster over NATS (scripts/with-services.sh installs and starts both), a
# two-minute seeded chaos run of three nodes under faults (scripts/chaos.sh, RELIABILITY.md), a
# schemathesis fuzz of the HTTP API, the Rust SDK's examples against a real server, and the
# TypeScript SDK's tests against a real server.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh
# Build output lives outside the clone, so a rerun on the same machine is warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Each step says how long the run has taken so far (bash's SECONDS), so a slow step shows in
# CI's log: the whole run has a time budget.
step() { printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

install_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing Node.js (for the WuKongIM SDK harness and the TypeScript SDK tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
}

step "formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# The oldest Rust the workspace declares (`rust-version` in Cargo.toml, which every crate
# inherits so that clippy knows it). Clippy's incompatible_msrv lint, above, flags a std API
# newer than that; only that toolchain itself catches the rest (language features, dependencies
# that need a newer compiler), so it checks the code too where it is installed. CI machines
# have one toolchain and cannot fetch another.
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
if command -v rustup >/dev/null && rustup toolchain list | grep -q "^$msrv-"; then
  step "the declared minimum Rust ($msrv): cargo +$msrv check"
  cargo "+$msrv" check --workspace --all-targets --locked --target-dir "$CARGO_TARGET_DIR/msrv"
else
  step "no Rust $msrv toolchain here: the declared minimum Rust is covered by clippy's incompatible_msrv lint only"
fi

step "building"
cargo build --workspace --bins --examples --locked

step "Node.js and WuKongIM's web SDK (the gateway's integration tests run the real SDK)"
install_node
(cd crates/natter-wukongim/js && npm ci --no-audit --no-fund)

step "Rust tests"
cargo test --workspace --locked

step "the store's tests and the integration suite again on PostgreSQL (over TLS), with the three-node cluster test (PostgreSQL + NATS)"
# natter-core is selected too although it has no PostgreSQL tests: cargo resolves features over
# the selected packages, and without natter-core's dev-dependencies (criterion) a dependency
# (zerocopy) would get other features, so the whole server would be compiled and linked again.
scripts/with-services.sh --fsync=off cargo test -p natter -p natter-store -p natter-core --tests --locked

step "chaos test: three nodes on PostgreSQL and NATS under seeded faults, checked afterwards (about 2 min)"
scripts/chaos.sh --seed 1 --seconds 80

step "API fuzzing: schemathesis from the server's OpenAPI document (no 5xx, documented bodies)"
scripts/api-fuzz.sh

step "Rust SDK examples against a real server"
data_dir=$(mktemp -d)
manager_token="examples-$(date +%s%N)"
log="$data_dir/natter.log"
"$CARGO_TARGET_DIR/debug/natter" serve --listen 127.0.0.1:0 --data-dir "$data_dir/db" \
  --manager-token "$manager_token" --rate-limit 0 >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$data_dir"' EXIT
url=$(natter_url "$log")
for example in delete_conversation live_events; do
  NATTER_URL="$url" NATTER_MANAGER_TOKEN="$manager_token" \
    timeout 60 "$CARGO_TARGET_DIR/debug/examples/$example"
done
kill "$server_pid"
wait "$server_pid" || true

step "load generator: every workload in quick mode (checks they run; figures not judged)"
timeout 600 "$CARGO_TARGET_DIR/debug/natter-bench" all --quick --binary "$CARGO_TARGET_DIR/debug/natter"

step "the README's curl walkthrough, as printed"
scripts/readme-walkthrough.sh

if [ -f sdk/js/package.json ]; then
  step "TypeScript SDK tests against a real server"
  install_node
  (cd sdk/js && npm ci --no-audit --no-fund && NATTER_BIN="$CARGO_TARGET_DIR/debug/natter" npm test)
fi

if [ -f web/package.json ]; then
  step "web client: build, then an end-to-end test in Chromium against a real server"
  install_node
  command -v chromium >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  }
  (cd web && npm ci --no-audit --no-fund && npm run check-dist &&
    NATTER_BIN="$CARGO_TARGET_DIR/debug/natter" npm test)
fi

step "all tests passed"
