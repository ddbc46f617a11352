# Shell helpers the scripts share; source it: `. "$(dirname "$0")/lib.sh"`.

# Waits for a natter started with `--listen 127.0.0.1:0 >LOG` to print its address, and
# prints its URL (http://127.0.0.1:PORT). Fails with the log when it does not start in 10 s.
natter_url() {
  local log=$1 url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^natter listening on //p' "$log")
    if [ -n "$url" ]; then
      echo "$url"
      return 0
    fi
    sleep 0.1
  done
  cat "$log" >&2
  echo "the server did not start" >&2
  return 1
}
