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
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
WRAPPER="$BENCH_DIR/wrk_report.lua"

SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
for v in SECONDS_PER_RUN CONNECTIONS THREADS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v must be a positive integer" >&2; exit 2; }
done

LUA_PEER_PORT=18082  # fixed in lua-peer.nginx.conf
SURVEY_JSON='{"name":"bench","automation":true,"min_delay_days":3,"max_delay_days":14}'

for f in "$MODULE" "$WRAPPER" "$PEERS/identify.lua" "$PEERS/node-peer.js" \
         "$PEERS/lua-peer.nginx.conf"; do
  [ -f "$f" ] || die "missing $f"
done
for c in nginx wrk sqlite3 curl openssl node base64; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

# --------------------------------------------------------------------------
# Processes: everything started here is stopped on exit (lib.sh).

bench_workdir callexa-bench

# --------------------------------------------------------------------------
# Ours (and the nginx return 204 ceiling, in the same nginx)

OURS="$WORK/ours"
bench_prefix "$OURS"
OURS_DB="$DB"
write_nginx_conf "$(free_port 18180)" "" \
  "  client_body_buffer_size 64k;" "
    location = /segment { callexa_destination; }
    location = /noop { return 204; }
"
OURS_PORT="$NGINX_PORT"

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
  track "$pid" TERM node
  wait_http "Node peer" "$pid" "$NODE_PORT" "$NODE_WORK/node.log" || return 1
  sleep 0.5  # the second cluster worker listening too
  record_children "$pid"
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
  track "$pid" QUIT lua
  wait_http "Lua peer" "$pid" "$port" "$LUA_WORK/logs/error.log" || return 1
  record_children "$pid"
}

# --------------------------------------------------------------------------
# Load

declare -A REQ DUR STATUS SOCK P50 P99 NOTE
PEER_ORDER=(noop ours node lua)
declare -A LABEL=([noop]="nginx return 204" [ours]="ours (callexa)" [node]="Node peer"
                  [lua]="Lua peer")

count_seen() {
  sqlite3 -readonly -cmd '.timeout 5000' "$OURS_DB" 'SELECT count(*) FROM seen_messages;'
}


# --------------------------------------------------------------------------
# Run

log "work directory $WORK"
# How busy the machine is with other work, over 2 s before we start.
BUSY_BEFORE="$(busy_percent)"
start_nginx /noop
API_KEY="$(api_key_of "$(create_survey "$SURVEY_JSON")")"
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

run_wrk noop "${LABEL[noop]}" "http://127.0.0.1:$OURS_PORT/noop" "$OURS_SCRIPT"

ROWS_BEFORE="$(settled_count)"
run_wrk ours "${LABEL[ours]}" "http://127.0.0.1:$OURS_PORT/segment" "$OURS_SCRIPT"
ROWS_AFTER="$(settled_count)"

[ "$NODE_OK" = 1 ] && run_wrk node "${LABEL[node]}" "http://127.0.0.1:$NODE_PORT/segment" "$PEER_SCRIPT"
[ "$LUA_OK" = 1 ] && run_wrk lua "${LABEL[lua]}" "http://127.0.0.1:$LUA_PORT/segment" "$PEER_SCRIPT"

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

echo
echo "== Identify ingestion benchmark =="
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "Debian $(cat /etc/debian_version 2>/dev/null || echo ?), kernel $(uname -r)"
echo "ours:    $(ours_rev), SQLite $(pkg_version libsqlite3-0) (system)"
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
