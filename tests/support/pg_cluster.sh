#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (a CTest fixture):
#
#   pg_cluster.sh start STATE   initdb + pg_ctl start in a new temporary folder,
#                               listening on 127.0.0.1 at a free port, with
#                               password (SCRAM) authentication; writes
#                               STATE/uri (a libpq URI whose passfile holds the
#                               password) and STATE/dir
#   pg_cluster.sh stop STATE    stops it and removes its folder
#
# PostgreSQL refuses to run as root: as root, the cluster runs as nobody.
set -euo pipefail
cmd="$1" state="$2"
bin=/usr/lib/postgresql/15/bin

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$state"
    dir="$(mktemp -d /tmp/callexa-pg-XXXXXX)"
    echo "$dir" >"$state/dir"
    [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$dir"
    chmod 700 "$dir"
    password="$(openssl rand -hex 16)"
    (umask 077 && echo "$password" >"$dir/pwfile")
    [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$dir/pwfile"
    as_server "$bin/initdb" -D "$dir/data" -U callexa --pwfile="$dir/pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log"; exit 1; }
    rm -f "$dir/pwfile"
    port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log"; exit 1; }
    (umask 077 && echo "127.0.0.1:$port:*:callexa:$password" >"$state/passfile")
    echo "postgresql://callexa@127.0.0.1:$port/postgres?passfile=$state/passfile&connect_timeout=10" \
      >"$state/uri"
    echo "PostgreSQL 15 on 127.0.0.1:$port in $dir"
    ;;
  stop)
    [ -f "$state/dir" ] || exit 0
    dir="$(cat "$state/dir")"
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$state/dir" "$state/uri" "$state/passfile"
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
