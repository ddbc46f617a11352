#!/usr/bin/env bash
# The load generator's workloads against a release server on PostgreSQL, for BENCHMARKS.md:
#   scripts/bench-postgres.sh [workload…]   (default: send list)
# Each workload gets a fresh database in a throwaway PostgreSQL cluster (scripts/with-services.sh)
# and a fresh server. Build first: cargo build --release -p natter -p natter-bench
# The server reaches PostgreSQL without TLS (loopback; figures comparable across runs) unless
# BENCH_SSLMODE says otherwise (e.g. BENCH_SSLMODE=require to measure what TLS costs).
#
# The workload `send-limit` is `send` followed by PostgreSQL's own limit for those sends: with
# the server stopped, pgbench replays one send's statements (scripts/bench-postgres-send.pgbench)
# on the database the workload left (its 200 pairs), at the server's 16 connections, three times.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

if [ -z "${NATTER_TEST_POSTGRES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

release="$CARGO_TARGET_DIR/release"
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(send list)
ulimit -n "$(ulimit -Hn)"
for workload in "${workloads[@]}"; do
  database="bench_${workload//-/_}_$(date +%s%N)"
  psql -q "$NATTER_TEST_POSTGRES" -c "CREATE DATABASE $database"
  database_url="${NATTER_TEST_POSTGRES%/*}/$database?sslmode=${BENCH_SSLMODE:-disable}"
  work=$(mktemp -d)
  token="bench-$(date +%s%N)"
  "$release/natter" serve --listen 127.0.0.1:0 --data-dir "$work" \
    --database-url "$database_url" --manager-token "$token" \
    --rate-limit 0 --max-connections 200000 --ws-idle-timeout-secs 3600 >"$work/log" 2>&1 &
  pid=$!
  url=$(natter_url "$work/log")
  "$release/natter-bench" "${workload%-limit}" --server "$url" --manager-token "$token" \
    --server-pid "$pid"
  kill "$pid"
  wait "$pid" || true
  rm -rf "$work"
  if [ "$workload" = send-limit ]; then
    pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
    for run in 1 2 3; do
      echo "pgbench run $run: one send's statements per transaction, 16 clients, 10 s"
      "$pgbench" -n -M prepared -c 16 -j 2 -T 10 -D pairs=200 \
        -f scripts/bench-postgres-send.pgbench "$database_url" | grep -E '^(tps|latency average)'
    done
  fi
done
