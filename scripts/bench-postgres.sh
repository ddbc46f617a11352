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
# on the database the workload left (its 200 pairs), at the server's 16 connections, three times,
# then pgbench's own built-in transactions, three times each (builtin_limits, below).
#
# The workload `send-shapes` is `send` followed by those statements replayed in other shapes,
# each twice, interleaved, to see which shape would raise PostgreSQL's own rate: as the server
# runs them; with `BEGIN` pipelined with the first read; and several sends per transaction
# (group commit on our side) on one connection and on several.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

if [ -z "${NATTER_TEST_POSTGRES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

release="$CARGO_TARGET_DIR/release"
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(send list)
ulimit -n "$(ulimit -Hn)"

# One send's statements, without the comments, the pair's choice and the transaction control.
send_statements() {
  grep -vE '^(--|\\set|BEGIN|COMMIT)' scripts/bench-postgres-send.pgbench
}

# Replays the send's statements in each shape for 10 s; prints sends/s (transactions/s times the
# sends in each) and the retries lock waits caused (deadlocks between concurrent batches).
replay_shapes() {
  local database_url=$1 shapes
  shapes=$(mktemp -d)
  cp scripts/bench-postgres-send.pgbench "$shapes/as-run"
  { echo '\set p random(0, :pairs - 1)'; echo '\startpipeline'
    echo 'BEGIN ISOLATION LEVEL READ COMMITTED;'; send_statements | head -1; echo '\endpipeline'
    send_statements | tail -n +2; echo 'COMMIT;'; } >"$shapes/begin-pipelined"
  for sends in 16 64; do
    { echo 'BEGIN ISOLATION LEVEL READ COMMITTED;'
      for _ in $(seq "$sends"); do echo '\set p random(0, :pairs - 1)'; send_statements; done
      echo 'COMMIT;'; } >"$shapes/batch-$sends"
  done
  for run in 1 2; do
    for shape in "as-run 1 16" "begin-pipelined 1 16" "batch-16 16 1" "batch-64 64 1" \
      "batch-16 16 2" "batch-16 16 4"; do
      set -- $shape
      "$pgbench" -n -M prepared -c "$3" -j "$(( $3 < 2 ? 1 : 2 ))" -T 10 -D pairs=200 \
        --max-tries=20 -f "$shapes/$1" "$database_url" 2>&1 |
        awk -v shape="$1" -v sends="$2" -v clients="$3" -v run="$run" '
          /^tps/ { tps = $3 } /transactions retried/ { retried = $5 " " $6 }
          END { printf "run %d: %-16s %2d sends per transaction, %2d connections: %6.0f sends/s, retried %s\n",
                       run, shape, sends, clients, tps * sends, retried }'
    done
  done
  rm -rf "$shapes"
}

# PostgreSQL's own rate for its built-in transactions, the least a send could ask of it: a send
# inserts a message and updates a channel, two users and two conversations, where `tpcb-like`
# updates three rows, reads one and inserts one, and `simple-update` updates one, reads one and
# inserts one (pgbench's schema at scale 16, a database of its own, 16 clients, 10 s each).
builtin_limits() {
  local database="bench_builtin_$(date +%s%N)" url
  psql -q "$NATTER_TEST_POSTGRES" -c "CREATE DATABASE $database"
  url="${NATTER_TEST_POSTGRES%/*}/$database?sslmode=disable"
  "$pgbench" -i -q -s 16 "$url" >/dev/null 2>&1
  for run in 1 2 3; do
    for builtin in tpcb-like simple-update; do
      printf 'pgbench run %d: built-in %-13s 16 clients, 10 s: ' "$run" "$builtin"
      "$pgbench" -n -M prepared -c 16 -j 2 -T 10 -b "$builtin" "$url" | awk '/^tps/ { print $3 " transactions/s" }'
    done
  done
}

# CPU time (user + system, in clock ticks) of every PostgreSQL process: the server's share of the
# two cores is printed beside Natter's.
postgres_ticks() {
  local pid ticks=0
  for pid in $(pgrep -x postgres); do
    ticks=$(( ticks + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$ticks"
}

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
  case "$workload" in send-limit | send-shapes) load=send ;; *) load=$workload ;; esac
  before=$(postgres_ticks)
  "$release/natter-bench" "$load" --server "$url" --manager-token "$token" \
    --server-pid "$pid" | tee "$work/report"
  awk -v ticks="$(( $(postgres_ticks) - before ))" -v hz="$(getconf CLK_TCK)" '
    /messages acknowledged/ { messages = $3 }
    END { if (messages > 0) printf "  PostgreSQL CPU per message %21.0f µs\n", ticks / hz / messages * 1e6 }
  ' "$work/report"
  kill "$pid"
  wait "$pid" || true
  rm -rf "$work"
  if [ "$workload" = send-limit ]; then
    for run in 1 2 3; do
      echo "pgbench run $run: one send's statements per transaction, 16 clients, 10 s"
      "$pgbench" -n -M prepared -c 16 -j 2 -T 10 -D pairs=200 \
        -f scripts/bench-postgres-send.pgbench "$database_url" | grep -E '^(tps|latency average)'
    done
    builtin_limits
  fi
  if [ "$workload" = send-shapes ]; then
    replay_shapes "$database_url"
  fi
done
