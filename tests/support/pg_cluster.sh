#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (a CTest fixture):
#
#   pg_cluster.sh start STATE   initdb + pg_ctl start in a new temporary folder,
#                               listening on 127.0.0.1 at a free port, with
#                               password (SCRAM) authentication; writes
#                               STATE/uri (a libpq URI whose passfile holds the
#                               password) and STATE/dir
#   pg_cluster.sh stop STATE    stops it and removes its folder
#   pg_cluster.sh stop-server STATE
#                               stops the server only (pg_ctl stop -m fast),
#                               keeping the cluster, its port and password
#   pg_cluster.sh start-server STATE
#                               starts it again on the same port, with the
#                               same options (for outage tests; the shared
#                               fixture's cluster is never stopped so)
#
# PostgreSQL refuses to run as root: as root, the cluster runs as nobody.
set -euo pipefail
cmd="$1" state="$2"
bin=/usr/lib/postgresql/15/bin

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

# pg_ctl start of the cluster in folder $1 on port $2; waits until it
# accepts connections.
start_server() {
  as_server "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
    -o "-p $2 -k $1 -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$1/server.log"; exit 1; }
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
    start_server "$dir" "$port"
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
  stop-server)
    dir="$(cat "$state/dir")"
    as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
  start-server)
    dir="$(cat "$state/dir")"
    port="$(sed -E 's|^postgresql://[^@]*@127\.0\.0\.1:([0-9]+)/.*$|\1|' "$state/uri")"
    start_server "$dir" "$port"
    ;;
  *)
    echo "usage: $0 start|stop|stop-server|start-server STATE_DIR" >&2
    exit 2
    ;;
esac
