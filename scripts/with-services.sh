#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster and nats-server of its own, then stops
# them and deletes their data: `scripts/with-services.sh cargo test`.
#
# `--fsync=off` first runs PostgreSQL without fsync, for tests: they kill processes, PostgreSQL's
# included, but never the machine, and what a killed process wrote survives in the operating
# system's cache; the schema migrations every test server runs take about a third of the time.
# The benchmarks keep fsync on, as a deployment has it.
#
# Installs the Debian packages `postgresql`, `nats-server` and `openssl` when missing. PostgreSQL
# serves TLS (and plaintext, to clients that do not ask for TLS) with a certificate for
# `localhost` and 127.0.0.1 from a throwaway CA made here. The command sees:
#   NATTER_TEST_POSTGRES     postgres://postgres@127.0.0.1:<port>/postgres (trust auth,
#                            loopback; Natter's default sslmode=prefer uses TLS on it)
#   NATTER_TEST_POSTGRES_CA  the CA's certificate (PEM), for sslrootcert=
#   NATTER_TEST_POSTGRES_SOCKET_DIR  the directory of its Unix socket, where it offers no TLS
#   NATTER_TEST_NATS         nats://127.0.0.1:<port>
set -euo pipefail

fsync=on
if [ "${1:-}" = --fsync=off ]; then
  fsync=off
  shift
fi

install_packages() {
  local missing=()
  command -v nats-server >/dev/null || missing+=(nats-server)
  command -v openssl >/dev/null || missing+=(openssl)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install_packages
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
work=$(mktemp -d)
chmod 755 "$work"
# PostgreSQL refuses to run as root; the package's `postgres` user runs it then.
as_db_user=()
if [ "$(id -u)" = 0 ]; then
  as_db_user=(runuser -u postgres --)
  chown postgres "$work"
fi

pg_port=$(free_port)
nats_port=$(free_port)
cleanup() {
  "${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${nats_pid:-}" ] && kill "$nats_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_db_user[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C >/dev/null

# A CA that signs the server's certificate; tests trust it through sslrootcert, and a test that
# trusts only the system's roots must be refused. EC keys: quick to make.
tls="$work/tls"
mkdir "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=Natter test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
  >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
  -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
# PostgreSQL refuses a key that others can read.
chmod 600 "$tls/server.key"
chmod 644 "$tls/ca.pem"
chmod 755 "$tls"
[ ${#as_db_user[@]} -gt 0 ] && chown postgres "$tls/server.key" "$tls/server.pem"
"${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work \
      -c fsync=$fsync -c max_connections=500 -c shared_buffers=256MB \
      -c ssl=on -c ssl_cert_file=$tls/server.pem -c ssl_key_file=$tls/server.key" start >/dev/null \
  || { cat "$work/pg.log" >&2; exit 1; }

nats-server -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
nats_pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break
  sleep 0.1
done

export NATTER_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres"
export NATTER_TEST_POSTGRES_CA="$tls/ca.pem"
export NATTER_TEST_POSTGRES_SOCKET_DIR="$work"
export NATTER_TEST_NATS="nats://127.0.0.1:$nats_port"
"$@"
