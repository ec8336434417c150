#!/usr/bin/env bash
# Identify ingestion: Segment identify POSTs into SQLite, ours beside the
# peers of ../shared/bench, one after another in one run, on the same
# request (identify.lua), with the same load:
#
#   nginx return 204   the ceiling: nginx reading the same body, doing nothing
#   ours               callexa_destination, group commit on a thread pool
#   Node peer          node-peer.js, 2 processes, better-sqlite3
#   Lua peer           lua-peer.nginx.conf, luasql in the event loop
#
# Then checks that every 2xx ours answered is a stored row (seen_messages)
# and prints one table. Run through tests/bench/run_all.sh, which installs
# what this needs. Exits non-zero only when a server cannot start or ours
# answered 2xx for a message it did not store.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
PEERS="${PEERS:-$ROOT/../shared/bench}"
NODE_MODULES="${NODE_MODULES:-$ROOT/build/bench/node/node_modules}"
MODULE="$ROOT/build/ngx_http_callexa_module.so"
WRAPPER="$BENCH_DIR/wrk_report.lua"

SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
for v in SECONDS_PER_RUN CONNECTIONS THREADS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v must be a positive integer" >&2; exit 2; }
done

LUA_PEER_PORT=18082  # fixed in lua-peer.nginx.conf
SURVEY_JSON='{"name":"bench","automation":true,"min_delay_days":3,"max_delay_days":14}'

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "$*"; exit 1; }

for f in "$MODULE" "$WRAPPER" "$PEERS/identify.lua" "$PEERS/node-peer.js" \
         "$PEERS/lua-peer.nginx.conf"; do
  [ -f "$f" ] || die "missing $f"
done
for c in nginx wrk sqlite3 curl openssl node base64; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

# --------------------------------------------------------------------------
# Processes: everything started here is stopped on exit.

WORK="$(mktemp -d /tmp/callexa-bench.XXXXXX)"
chmod 755 "$WORK"  # nginx workers run as nobody and must reach their files
SERVERS=()         # "name main-pid signal" of each server started
declare -A EXTRA_PIDS=()  # name -> child pids seen after start
WRK_PID=""                # the wrk running, if any

if [ "$(id -u)" -eq 0 ]; then RUN_USER=nobody; RUN_GROUP=nogroup; else
  RUN_USER="$(id -un)"; RUN_GROUP="$(id -gn)"; fi

# Alive and not a zombie.
alive() {
  local state
  state="$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Child pids of $1, from /proc (procps may be absent).
children_of() {
  local PARENT_PID="$1" s line rest
  for s in /proc/[0-9]*/stat; do
    line="$(cat "$s" 2>/dev/null)" || continue
    rest="${line##*) }"
    set -- $rest
    if [ "${2:-}" = "$PARENT_PID" ]; then s="${s#/proc/}"; echo "${s%/stat}"; fi
  done
  return 0
}

stop_server() {
  local name="$1" pid="$2" sig="$3" i p
  if alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$name (pid $pid) still running after SIG$sig, killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  for p in ${EXTRA_PIDS[$name]:-}; do
    for ((i = 0; i < 30; i++)); do alive "$p" || break; sleep 0.1; done
    if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
  done
}

cleanup() {
  local rc=$? entry
  set +e
  if [ -n "$WRK_PID" ]; then kill -TERM "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null; fi
  for entry in "${SERVERS[@]}"; do
    # shellcheck disable=SC2086
    stop_server $entry
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on, from $1 upwards.
free_port() {
  local p
  for ((p = $1; p < $1 + 200; p++)); do
    port_open "$p" || { echo "$p"; return 0; }
  done
  die "no free port from $1"
}

# Waits (bounded) until the server answers HTTP on 127.0.0.1:$port$path.
wait_http() {
  local name="$1" pid="$2" port="$3" log_file="$4" path="${5:-/}" i
  for ((i = 0; i < 150; i++)); do
    if ! alive "$pid"; then
      log "$name exited while starting; its log:"
      tail -20 "$log_file" >&2 || true
      return 1
    fi
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port$path"; then return 0; fi
    sleep 0.1
  done
  log "$name did not answer on 127.0.0.1:$port within 15 s; its log:"
  tail -20 "$log_file" >&2 || true
  return 1
}

# Remembers a server to stop on exit, as soon as it is started.
register() { SERVERS+=("$1 $2 $3"); }

# Remembers its children (nginx workers, Node cluster workers) once it runs,
# to make sure none outlives it.
record_children() { EXTRA_PIDS[$1]="$(children_of "$2" | tr '\n' ' ')"; }

# --------------------------------------------------------------------------
# Ours (and the nginx return 204 ceiling, in the same nginx)

OURS="$WORK/ours"
OURS_DB="$OURS/data/callexa.db"
OURS_PORT="$(free_port 18180)"
mkdir -p "$OURS/data" "$OURS/tmp" "$OURS/logs"
ADMIN_PASSWORD="$(openssl rand -hex 12)"
printf 'admin:%s\n' "$(printf '%s' "$ADMIN_PASSWORD" | openssl passwd -6 -stdin)" \
  >"$OURS/admin.htpasswd"
chmod 644 "$OURS/admin.htpasswd"
chown -R "$RUN_USER:$RUN_GROUP" "$OURS/data" "$OURS/tmp"
USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user $RUN_USER $RUN_GROUP;"
cat >"$OURS/nginx.conf" <<EOF
# Generated by tests/bench/identify_bench.sh
load_module $MODULE;
daemon off;
master_process on;
worker_processes 2;
$USER_LINE
pid $OURS/nginx.pid;
error_log $OURS/logs/error.log;

# As README.md recommends: commits are grouped, two threads suffice.
thread_pool callexa threads=2;

events { worker_connections 1024; }

http {
  access_log off;
  client_body_temp_path $OURS/tmp/body;
  proxy_temp_path $OURS/tmp/proxy;
  fastcgi_temp_path $OURS/tmp/fastcgi;
  uwsgi_temp_path $OURS/tmp/uwsgi;
  scgi_temp_path $OURS/tmp/scgi;
  client_body_buffer_size 64k;

  callexa_database $OURS_DB;
  callexa_thread_pool callexa;

  server {
    listen 127.0.0.1:$OURS_PORT;

    location = /segment { callexa_destination; }
    location = /noop { return 204; }

    location /admin/ {
      auth_basic "Callexa bench";
      auth_basic_user_file $OURS/admin.htpasswd;
      callexa_admin;
    }
  }
}
EOF

start_ours() {
  local out
  out="$(nginx -t -q -p "$OURS/" -c "$OURS/nginx.conf" -e "$OURS/logs/error.log" 2>&1)" \
    || { printf '%s\n' "$out" >&2; die "our nginx configuration does not load"; }
  nginx -p "$OURS/" -c "$OURS/nginx.conf" -e "$OURS/logs/error.log" \
    >"$OURS/logs/stdout.log" 2>&1 &
  local pid=$!
  register ours "$pid" QUIT
  wait_http "ours" "$pid" "$OURS_PORT" "$OURS/logs/error.log" /noop || die "our nginx did not start"
  record_children ours "$pid"
}

create_survey() {
  local resp code body key
  resp="$(curl -sS --max-time 15 -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' \
            -d "$SURVEY_JSON" -w '\n%{http_code}' \
            "http://127.0.0.1:$OURS_PORT/admin/api/surveys")" || die "POST /admin/api/surveys failed"
  code="${resp##*$'\n'}"
  body="${resp%$'\n'*}"
  [ "$code" = 201 ] || die "POST /admin/api/surveys answered $code: $body"
  key="$(printf '%s' "$body" | sed -n 's/.*"api_key"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
  [ -n "$key" ] || die "no api_key in $body"
  printf '%s' "$key"
}

# --------------------------------------------------------------------------
# Node peer

NODE_WORK="$WORK/node"
NODE_PORT=""
start_node() {
  NODE_PORT="$(free_port 18181)"  # once ours listens
  [ -d "$NODE_MODULES/better-sqlite3" ] || { log "better-sqlite3 not in $NODE_MODULES"; return 1; }
  mkdir -p "$NODE_WORK"
  WORKERS=2 PORT="$NODE_PORT" DB="$NODE_WORK/peer.db" NODE_PATH="$NODE_MODULES" \
    node "$PEERS/node-peer.js" >"$NODE_WORK/node.log" 2>&1 &
  local pid=$!
  register node "$pid" TERM
  wait_http "Node peer" "$pid" "$NODE_PORT" "$NODE_WORK/node.log" || return 1
  sleep 0.5  # the second cluster worker listening too
  record_children node "$pid"
}

# --------------------------------------------------------------------------
# Lua peer: the reference conf as it is, as its own nginx with its own prefix
# (the workers write peer.db there). PEER_DB reaches the workers only through
# `env PEER_DB;`, which the conf lacks: pass it with -g, and start in the
# prefix so its "peer.db" fallback lands there too.

LUA_WORK="$WORK/lua"
start_lua() {
  local conf="$PEERS/lua-peer.nginx.conf" port="$LUA_PEER_PORT"
  mkdir -p "$LUA_WORK/logs"
  if port_open "$port"; then
    # Something else holds the conf's port: a copy on a free port, in WORK.
    port="$(free_port 18282)"
    sed "s/127\.0\.0\.1:$LUA_PEER_PORT/127.0.0.1:$port/" "$conf" >"$LUA_WORK/lua-peer.nginx.conf"
    conf="$LUA_WORK/lua-peer.nginx.conf"
    log "127.0.0.1:$LUA_PEER_PORT is taken: Lua peer on $port (copy of the conf)"
  fi
  LUA_PORT="$port"
  chown -R "$RUN_USER:$RUN_GROUP" "$LUA_WORK"
  local globals="env PEER_DB;"
  [ "$(id -u)" -eq 0 ] && globals="user $RUN_USER $RUN_GROUP; $globals"
  local out
  out="$(cd "$LUA_WORK" && PEER_DB="$LUA_WORK/peer.db" nginx -t -q -p "$LUA_WORK/" -c "$conf" \
          -e "$LUA_WORK/logs/error.log" -g "$globals" 2>&1)" \
    || { printf '%s\n' "$out" >&2; log "the Lua peer's configuration does not load"; return 1; }
  (cd "$LUA_WORK" && PEER_DB="$LUA_WORK/peer.db" exec nginx -p "$LUA_WORK/" -c "$conf" \
      -e "$LUA_WORK/logs/error.log" -g "$globals" >"$LUA_WORK/logs/stdout.log" 2>&1) &
  local pid=$!
  register lua "$pid" QUIT
  wait_http "Lua peer" "$pid" "$port" "$LUA_WORK/logs/error.log" || return 1
  record_children lua "$pid"
}

# --------------------------------------------------------------------------
# Load

declare -A REQ DUR STATUS SOCK P50 P99 NOTE
PEER_ORDER=(noop ours node lua)
declare -A LABEL=([noop]="nginx return 204" [ours]="ours (callexa)" [node]="Node peer"
                  [lua]="Lua peer")

# One identify POST with curl; echoes the status code.
probe() {  # url script-auth message-id
  local body
  body='{"type":"identify","messageId":"'"$3"'","userId":"probe","timestamp":"2026-11-28T10:00:00.000Z","traits":{"email":"probe@example.com","createdAt":"2026-11-20T08:00:00Z","firstName":"Ada"}}'
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
    -H "Authorization: $2" -d "$body" "$1" || true  # curl prints 000 when it fails
}

run_wrk() {  # peer url script
  local peer="$1" url="$2" script="$3" out="$WORK/wrk-$1.out" line kv
  sleep 1  # let the previous run's connections close
  log "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency  ${LABEL[$peer]}  $url"
  # In the background, so that a signal to this script is handled at once.
  CALLEXA_WRK_SCRIPT="$script" timeout -k 5 $((SECONDS_PER_RUN + 60)) \
    wrk "-t$THREADS" "-c$CONNECTIONS" "-d${SECONDS_PER_RUN}s" --latency -s "$WRAPPER" "$url" \
    >"$out" 2>&1 &
  WRK_PID=$!
  local rc=0
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  if [ "$rc" -ne 0 ]; then
    log "wrk against ${LABEL[$peer]} failed:"; tail -20 "$out" >&2
    NOTE[$peer]="wrk failed"
    return 0
  fi
  line="$(grep '^CALLEXA_BENCH ' "$out" | tail -1)"
  if [ -z "$line" ]; then
    log "no CALLEXA_BENCH line from wrk against ${LABEL[$peer]}:"; tail -20 "$out" >&2
    NOTE[$peer]="no figures"
    return 0
  fi
  declare -A f=()
  for kv in ${line#CALLEXA_BENCH }; do f[${kv%%=*}]="${kv#*=}"; done
  REQ[$peer]="${f[requests]}"
  DUR[$peer]="${f[duration_us]}"
  STATUS[$peer]="${f[status]}"
  SOCK[$peer]="$(( f[connect] + f[read] + f[write] + f[timeout] ))"
  P50[$peer]="${f[p50_us]}"
  P99[$peer]="${f[p99_us]}"
  local detail=()
  for kv in connect read write timeout; do
    [ "${f[$kv]}" -gt 0 ] && detail+=("$kv ${f[$kv]}")
  done
  [ ${#detail[@]} -gt 0 ] && NOTE[$peer]="socket errors: $(IFS=,; echo "${detail[*]}" | sed 's/,/, /g')"
  return 0
}

count_seen() {
  sqlite3 -readonly -cmd '.timeout 5000' "$OURS_DB" 'SELECT count(*) FROM seen_messages;'
}

# Waits (bounded) until the row count stops moving: commits still running
# when wrk stopped.
settled_count() {
  local prev now i
  prev="$(count_seen)"
  for ((i = 0; i < 30; i++)); do
    sleep 0.5
    now="$(count_seen)"
    [ "$now" = "$prev" ] && { echo "$now"; return 0; }
    prev="$now"
  done
  echo "$prev"
}

# --------------------------------------------------------------------------
# Run

log "work directory $WORK"
# How busy the machine is with other work, over 2 s before we start.
cpu_busy_percent() {
  local a b
  a="$(head -1 /proc/stat)"; sleep 2; b="$(head -1 /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x); split(b, y); t = 0
    for (i = 2; i <= n; i++) t += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f", (t > 0 ? 100 * (t - idle) / t : 0) }'
}
BUSY_BEFORE="$(cpu_busy_percent)"
start_ours
API_KEY="$(create_survey)"
OURS_AUTH="Basic $(printf '%s:' "$API_KEY" | base64 -w0)"
OURS_SCRIPT="$WORK/identify-ours.lua"
sed "s|Basic dGVzdGtleTo=|$OURS_AUTH|" "$PEERS/identify.lua" >"$OURS_SCRIPT"
grep -qF "$OURS_AUTH" "$OURS_SCRIPT" || die "could not put our API key into identify.lua"
PEER_SCRIPT="$PEERS/identify.lua"
PEER_AUTH="Basic dGVzdGtleTo="

NODE_OK=1; start_node || { NODE_OK=0; NOTE[node]="did not start"; }
LUA_OK=1; start_lua || { LUA_OK=0; NOTE[lua]="did not start"; }

# One request each before the load: the key and the wiring work.
code="$(probe "http://127.0.0.1:$OURS_PORT/segment" "$OURS_AUTH" "bench-probe")"
[[ "$code" == 2* ]] || die "probe POST /segment answered $code: see $OURS/logs/error.log"
if [ "$NODE_OK" = 1 ]; then
  code="$(probe "http://127.0.0.1:$NODE_PORT/segment" "$PEER_AUTH" "bench-probe")"
  [[ "$code" == 2* ]] || log "probe of the Node peer answered $code"
fi
if [ "$LUA_OK" = 1 ]; then
  code="$(probe "http://127.0.0.1:$LUA_PORT/segment" "$PEER_AUTH" "bench-probe")"
  [[ "$code" == 2* ]] || log "probe of the Lua peer answered $code"
fi

run_wrk noop "http://127.0.0.1:$OURS_PORT/noop" "$OURS_SCRIPT"

ROWS_BEFORE="$(settled_count)"
run_wrk ours "http://127.0.0.1:$OURS_PORT/segment" "$OURS_SCRIPT"
ROWS_AFTER="$(settled_count)"

[ "$NODE_OK" = 1 ] && run_wrk node "http://127.0.0.1:$NODE_PORT/segment" "$PEER_SCRIPT"
[ "$LUA_OK" = 1 ] && run_wrk lua "http://127.0.0.1:$LUA_PORT/segment" "$PEER_SCRIPT"

# --------------------------------------------------------------------------
# Report

calc() { awk "BEGIN { $1 }"; }
rps() { calc "printf \"%.0f\", ${REQ[$1]} / (${DUR[$1]} / 1e6)"; }
ms() { calc "printf \"%.2f ms\", $1 / 1000"; }
have() { [ -n "${REQ[$1]:-}" ]; }
ratio() {  # a b: rps(a) / rps(b)
  if have "$1" && have "$2" && [ "${REQ[$2]}" -gt 0 ]; then
    calc "printf \"%.2fx\", (${REQ[$1]} / ${DUR[$1]}) / (${REQ[$2]} / ${DUR[$2]})"
  else
    echo "n/a"
  fi
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }

echo
echo "== Identify ingestion benchmark =="
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "Debian $(cat /etc/debian_version 2>/dev/null || echo ?), kernel $(uname -r)"
OURS_REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
(cd "$ROOT" && git diff --quiet HEAD -- 2>/dev/null) || OURS_REV="$OURS_REV + uncommitted changes"
echo "ours:    $OURS_REV, SQLite $(pkg_version libsqlite3-0) (system)"
echo "nginx:   $(nginx -v 2>&1 | sed 's/^nginx version: //'),"\
     "libnginx-mod-http-lua $(pkg_version libnginx-mod-http-lua),"\
     "lua-sql-sqlite3 $(pkg_version lua-sql-sqlite3), lua-cjson $(pkg_version lua-cjson)"
echo "node:    $(node --version), better-sqlite3 $(node -p "require('$NODE_MODULES/better-sqlite3/package.json').version" 2>/dev/null || echo ?)" \
     "(SQLite $(NODE_PATH="$NODE_MODULES" node -e "const D=require('better-sqlite3');const d=new D(':memory:');console.log(d.prepare('select sqlite_version() v').get().v)" 2>/dev/null || echo ?))"
echo "busy:    ${BUSY_BEFORE}% CPU busy in the 2 s before the servers started$(
       [ "$BUSY_BEFORE" -gt 10 ] && echo " (other work on the machine: figures are noisy)")"
echo "load:    wrk $(pkg_version wrk) -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency," \
     "identify.lua from ../shared/bench, all on 127.0.0.1, one peer at a time"
echo

printf '%-18s %10s %10s %10s %8s %8s %10s\n' peer 'req/s' p50 p99 non-2xx errors 'vs 204'
printf '%-18s %10s %10s %10s %8s %8s %10s\n' ------------------ ---------- ---------- ---------- \
  -------- -------- ----------
for peer in "${PEER_ORDER[@]}"; do
  if have "$peer"; then
    printf '%-18s %10s %10s %10s %8s %8s %10s\n' "${LABEL[$peer]}" "$(rps "$peer")" \
      "$(ms "${P50[$peer]}")" "$(ms "${P99[$peer]}")" "${STATUS[$peer]}" "${SOCK[$peer]}" \
      "$(ratio "$peer" noop)"
  else
    printf '%-18s %10s   (%s)\n' "${LABEL[$peer]}" "-" "${NOTE[$peer]:-not run}"
  fi
done
echo
echo "ours vs Node peer: $(ratio ours node)   ours vs Lua peer: $(ratio ours lua)   (req/s ratios)"
for peer in "${PEER_ORDER[@]}"; do
  if have "$peer" && [ -n "${NOTE[$peer]:-}" ]; then echo "${LABEL[$peer]}: ${NOTE[$peer]}"; fi
done

# Every 2xx ours answered must be a stored row: each request carries a
# distinct messageId, so the new rows of seen_messages count the stored
# messages. Requests still in flight when wrk stopped (at most one per
# connection) or that wrk gave up on may be stored without being counted.
LOST=0
echo
if have ours; then
  ok2xx=$(( REQ[ours] - STATUS[ours] ))
  stored=$(( ROWS_AFTER - ROWS_BEFORE ))
  slack=$(( CONNECTIONS + SOCK[ours] ))
  if [ "$stored" -eq "$ok2xx" ]; then
    echo "durability: OK: $ok2xx 2xx answers, $stored new rows in seen_messages"
  elif [ "$stored" -gt "$ok2xx" ] && [ "$stored" -le $(( ok2xx + slack )) ]; then
    echo "durability: OK: $ok2xx 2xx answers, $stored new rows in seen_messages" \
         "($(( stored - ok2xx )) were in flight when wrk stopped waiting)"
  elif [ "$stored" -gt "$ok2xx" ]; then
    echo "durability: WARNING: $stored new rows for only $ok2xx 2xx answers" \
         "($(( stored - ok2xx )) more than the $slack requests wrk could have left unanswered)"
  else
    LOST=1
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! durability MISMATCH: $ok2xx 2xx answers but only $stored new rows in"
    echo "!!! seen_messages: $(( ok2xx - stored )) acknowledged messages were not stored"
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  fi
else
  echo "durability: not checked (no figures from our run)"
fi

if [ -s "$OURS/logs/error.log" ] && grep -qv '\[notice\]' "$OURS/logs/error.log"; then
  echo
  echo "our error.log (last 10 lines):"
  grep -v '\[notice\]' "$OURS/logs/error.log" | tail -10 | sed 's/^/  /'
fi

[ "$LOST" = 0 ] || exit 1
