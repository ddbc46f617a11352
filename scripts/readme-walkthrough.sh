#!/usr/bin/env bash
# Runs the README's curl walkthrough, as printed, against a fresh server on a free port, and
# checks the answers it describes. Keeps the README honest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
natter="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}/debug/natter"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$natter" serve --listen 127.0.0.1:0 --data-dir "$work/data" --manager-token dev-manager-token \
  >"$work/log" 2>&1 &
server=$!
address=$(natter_url "$work/log")
address=${address#http://}

# The block after the walkthrough marker, with the default address swapped for this server's.
awk '/<!-- walkthrough/{found=1; next} found && /^```sh/{inside=1; next} inside && /^```/{exit} inside' README.md \
  | sed "s/localhost:5001/$address/g" >"$work/walkthrough.sh"
bash "$work/walkthrough.sh" >"$work/out"

expect() {
  grep -q -- "$1" "$work/out" || { cat "$work/out"; echo "README walkthrough: missing $1" >&2; exit 1; }
}
expect '"unreadCount":2'
expect '{"totalUnreadCount":2,"version":2}'
expect '{"conversationIDList":\["C2Cbob"\],"removedConversationIDList":\["C2Cbob"\],"version":'
expect '{"conversationList":\[\],"nextCursor":null,"isFinished":true}'
expect '"unreadCount":1'
expect '{"messageList":\[\],"isCompleted":true,"nextReqMessageID":""}'
expect '"via":"client"'
[ "$(grep -o '"status":200' "$work/out" | wc -l)" -ge 2 ] || { echo 'README walkthrough: user creation failed' >&2; exit 1; }
echo "README walkthrough: ok"
