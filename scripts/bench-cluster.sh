#!/usr/bin/env bash
# The send workload against three release nodes on one PostgreSQL database, joined by NATS, and
# against one node on the same PostgreSQL in the same window, for BENCHMARKS.md ("Cluster: three
# nodes on one machine"):
#   scripts/bench-cluster.sh [rounds]   (default 2: three nodes, one node, three nodes, one node)
# Every node, PostgreSQL, nats-server and the load generator share this machine. Each run gets a
# fresh database in a throwaway PostgreSQL cluster and a nats-server (scripts/with-services.sh)
# and fresh servers. On three nodes sender i sends through node i % 3 to a recipient connected
# to the next node, so every push crosses nodes (natter-bench --server, several times); after
# the run each node's presence counters are printed. Build first:
#   cargo build --release -p natter -p natter-bench
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

if [ -z "${NATTER_TEST_POSTGRES:-}" ] || [ -z "${NATTER_TEST_NATS:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

release="$CARGO_TARGET_DIR/release"
rounds=${1:-2}
ulimit -n "$(ulimit -Hn)"

# Starts `count` nodes (a cluster when more than one) on a fresh database, runs send against
# them, and stops them.
run() {
  local count=$1 database database_url token cluster work node
  local urls=() pids=() works=() flags=()
  database="bench_cluster_${count}_$(date +%s%N)"
  psql -q "$NATTER_TEST_POSTGRES" -c "CREATE DATABASE $database"
  database_url="${NATTER_TEST_POSTGRES%/*}/$database?sslmode=disable"
  token="bench-$(date +%s%N)"
  cluster="bench-$(date +%s%N)"
  [ "$count" -gt 1 ] && flags=(--nats-url "$NATTER_TEST_NATS" --cluster-name "$cluster")
  for node in $(seq 1 "$count"); do
    work=$(mktemp -d)
    works+=("$work")
    "$release/natter" serve --listen 127.0.0.1:0 --data-dir "$work" \
      --database-url "$database_url" --manager-token "$token" "${flags[@]}" \
      --rate-limit 0 --max-connections 200000 --ws-idle-timeout-secs 3600 >"$work/log" 2>&1 &
    pids+=($!)
    urls+=("$(natter_url "$work/log")")
  done
  echo "== send, $count node(s) on one PostgreSQL"
  "$release/natter-bench" send --server "$(IFS=,; echo "${urls[*]}")" \
    --manager-token "$token" --server-pid "$(IFS=,; echo "${pids[*]}")"
  if [ "$count" -gt 1 ]; then
    for node in "${!urls[@]}"; do
      echo "node $node: $(curl -s "${urls[$node]}/metrics" | grep '^natter_cluster_events' | tr '\n' ' ')"
    done
  fi
  kill "${pids[@]}"
  wait "${pids[@]}" || true
  rm -rf "${works[@]}"
}

for _ in $(seq 1 "$rounds"); do
  run 3
  run 1
done
