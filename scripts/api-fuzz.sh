#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis, generated from the server's own GET /openapi.json:
# every operation gets valid and invalid requests, and the run fails on any 5xx answer or any
# response (error bodies included) that does not match the document. The client API runs with a
# user token, the server API with the manager token, so authenticated handlers are exercised,
# not just the 401 path. Uses the server built in $CARGO_TARGET_DIR (scripts/test.sh builds it)
# and a Python venv kept outside the clone ($NATTER_VENV), so a rerun installs nothing.
# API_FUZZ_EXAMPLES caps the generated requests per operation and phase (default 25).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"
venv="${NATTER_VENV:-$HOME/.cache/natter-venv}"
examples="${API_FUZZ_EXAMPLES:-25}"
schemathesis_version=4.32.5
# Hypothesis is pinned too, so that a release of it cannot change what a run does.
hypothesis_version=6.140.0

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $schemathesis_version" ] ||
  [ "$("$venv/bin/python" -c 'import hypothesis; print(hypothesis.__version__)' 2>/dev/null)" != "$hypothesis_version" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" \
    "hypothesis==$hypothesis_version"
fi

binary="$CARGO_TARGET_DIR/debug/natter"
[ -x "$binary" ] || cargo build -p natter --locked

work=$(mktemp -d)
manager_token="api-fuzz-$(date +%s%N)"
user_token="api-fuzz-user-$(date +%s%N)"
log="$work/natter.log"

# The operator's language services, stood up so that translation and speech to text are fuzzed
# past "not configured" (501): LibreTranslate's /translate echoes the texts, OpenAI's
# /v1/audio/transcriptions hears the same words in any file.
cat >"$work/language_services.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Services(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/translate":
            answer = {"translatedText": json.loads(body)["q"]}
        elif self.path == "/v1/audio/transcriptions":
            answer = {"text": "see you at nine"}
        else:
            self.send_error(404)
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Services)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$work/language_services.py" >"$work/services.port" &
services_pid=$!
for _ in $(seq 50); do [ -s "$work/services.port" ] && break; sleep 0.1; done
services="http://127.0.0.1:$(cat "$work/services.port")"

"$binary" serve --listen 127.0.0.1:0 --data-dir "$work/db" --manager-token "$manager_token" \
  --rate-limit 0 --translation-url "$services/translate" \
  --speech-to-text-url "$services/v1/audio/transcriptions" >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" "$services_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
url=$(natter_url "$log")

# A user with a token, and someone to talk to, so user-token requests get past authentication.
for uid in fuzzer bob; do
  curl -sf -X POST "$url/user/token" -H "token: $manager_token" \
    -d "{\"uid\":\"$uid\",\"token\":\"$user_token-$uid\"}" >/dev/null
done

run() {
  local surface=$1 token=$2
  shift 2
  printf '\n--- %s\n' "$surface"
  # not_a_server_error: no 5xx. response_schema_conformance: every documented answer, errors
  # included, has the documented body (Error on /v1/..., ServerError elsewhere).
  # From the work dir: schemathesis keeps a cache in the current directory. One worker: with two
  # (threads), hypothesis describing a filter's lambda (it parses schemathesis's source with `ast`)
  # failed on Python 3.11 with "AST constructor recursion depth mismatch" (3.11 keeps that count
  # per interpreter, not per thread); one worker costs a few seconds.
  (cd "$work" && "$venv/bin/schemathesis" run "$url/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" --seed 8 --workers 1 \
    --report junit --report-dir "$work/report" \
    "$@")
}

status=0
run "client API, as the user fuzzer" "$user_token-fuzzer" --include-path-regex '^/v1/' || status=1
run "server API and operations, as the manager" "$manager_token" --exclude-path-regex '^/v1/' || status=1
if [ "$status" != 0 ]; then
  echo "schemathesis found problems; the server log follows" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
