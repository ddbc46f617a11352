#!/usr/bin/env bash
# PostgreSQL's own limit for Natter's sends, for BENCHMARKS.md: runs natter-bench `send` against
# a release server on a fresh database (which also leaves the workload's 200 pairs behind), then
# replays one send's statements (scripts/bench-postgres-send.pgbench) with pgbench at the
# server's 16 connections, three times, on that database with the server stopped.
#   scripts/bench-postgres-limit.sh
# Build first: cargo build --release -p natter -p natter-bench
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

if [ -z "${NATTER_TEST_POSTGRES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

release="$CARGO_TARGET_DIR/release"
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
ulimit -n "$(ulimit -Hn)"
database="bench_limit_$(date +%s%N)"
psql -q "$NATTER_TEST_POSTGRES" -c "CREATE DATABASE $database"
url="${NATTER_TEST_POSTGRES%/*}/$database?sslmode=disable"
work=$(mktemp -d)
token="bench-$(date +%s%N)"
"$release/natter" serve --listen 127.0.0.1:0 --data-dir "$work" --database-url "$url" \
  --manager-token "$token" --rate-limit 0 --max-connections 200000 \
  --ws-idle-timeout-secs 3600 >"$work/log" 2>&1 &
pid=$!
server=$(natter_url "$work/log")
"$release/natter-bench" send --server "$server" --manager-token "$token" --server-pid "$pid"
kill "$pid"
wait "$pid" || true
rm -rf "$work"
for run in 1 2 3; do
  echo "pgbench run $run: one send's statements per transaction, 16 clients, 10 s"
  "$pgbench" -n -M prepared -c 16 -j 2 -T 10 -D pairs=200 \
    -f scripts/bench-postgres-send.pgbench "$url" | grep -E '^(tps|latency average)'
done
