#!/usr/bin/env bash
# Uploads one large file several times to a release server on loopback and reports, per run,
# the upload's speed as a ratio to what the same disk takes from `dd` with an fsync in the same
# run (the limit an upload, written and fsync'd before it is answered, cannot beat), and the
# server's peak resident memory before and after: an upload streams to disk, so the peak must
# not grow by the file's size. Usage: scripts/bench-upload.sh [MiB per file] [runs].
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"
mib="${1:-100}"
runs="${2:-3}"
cargo build -q --release -p natter
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$CARGO_TARGET_DIR/release/natter" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
  --manager-token bench-manager-token --max-upload-bytes "$((mib << 20))" >"$work/log" 2>&1 &
server=$!
url=$(natter_url "$work/log")
curl -sf "$url/user/token" -H 'token: bench-manager-token' \
  -d '{"uid":"alice","token":"alice-bench-token","device_flag":0}' >/dev/null
head -c "$((mib << 20))" /dev/urandom >"$work/upload.bin"

peak_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server/status"; }
echo "file: $mib MiB; server peak RSS at start: $(($(peak_kib) / 1024)) MiB"
for run in $(seq 1 "$runs"); do
  disk_start=$(date +%s.%N)
  dd if="$work/upload.bin" of="$work/dd.bin" bs=1M conv=fsync status=none
  disk_end=$(date +%s.%N)
  rm "$work/dd.bin"
  upload_secs=$(curl -sf -o /dev/null -w '%{time_total}' -X POST "$url/v1/files?name=upload.bin" \
    -H 'Authorization: Bearer alice-bench-token' -H 'Content-Type: application/octet-stream' \
    --data-binary @"$work/upload.bin")
  awk -v run="$run" -v mib="$mib" -v disk="$(awk -v a="$disk_start" -v b="$disk_end" 'BEGIN { print b - a }')" \
    -v upload="$upload_secs" -v peak="$(($(peak_kib) / 1024))" 'BEGIN {
      printf "run %s: upload %.0f MiB/s, dd with fsync %.0f MiB/s, ratio %.2f; server peak RSS %s MiB\n",
        run, mib / upload, mib / disk, disk / upload, peak }'
done
