#!/usr/bin/env bash
# The chaos test: three Natter nodes on one PostgreSQL database joined by NATS (or one node on
# SQLite) run a mixed workload of users and devices while a seeded schedule injects faults;
# then a checker judges everything the clients recorded. Arguments go to natter-chaos:
#
#   scripts/chaos.sh --seed 1 --seconds 80       # the short run of scripts/test.sh, about 2 min
#   scripts/chaos.sh --minutes 30                # a long run with a random seed (printed first)
#   scripts/chaos.sh --store sqlite --seed 1     # one SQLite node: kill -9 and a full disk
#   scripts/chaos.sh --check history.jsonl       # judge a recorded history again
#   scripts/chaos.sh --help
#
# Installs the Debian packages postgresql and nats-server when missing. A failing run prints
# each anomaly with the smallest counterexample the checker found and the seed to replay it,
# and keeps its logs, databases and history.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"

# As scripts/with-services.sh does.
missing=()
command -v nats-server >/dev/null || missing+=(nats-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# What scripts/test.sh's build step builds, not just these two binaries: cargo resolves features
# over the targets it is given (examples bring their packages' dev-dependencies), so anything
# less would compile the server again with other features after that step.
cargo build --locked --workspace --bins --examples
exec "$CARGO_TARGET_DIR/debug/natter-chaos" "$@"
