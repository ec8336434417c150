# shellcheck shell=bash
# Sourced by the benchmarks in tests/bench/ (identify_bench.sh,
# mail_bench.sh, sync_bench.sh, postgres_bench.sh): what they share. Not run
# on its own.
#
# The caller sets ROOT (the repository) before sourcing, then:
#
#   bench_workdir NAME          WORK, a fresh /tmp/NAME.XXXXXX, removed on exit
#                               (kept with BENCH_KEEP=1) with all started here
#   bench_prefix DIR [SUBDIR..] an nginx prefix: data/ tmp/ logs/, the admin
#                               htpasswd (ADMIN_PASSWORD), DB
#   write_nginx_conf PORT "<main>" "<http>" "<server>"
#                               DIR/nginx.conf: ours, with those snippets
#   start_nginx PORT [PATH]     starts it, waits until PATH answers
#   stop_nginx                  stops it; the workers checkpoint and close
#                               the database
#   admin_call PATH [curl args] our admin API (api/PATH) as admin
#   create_survey JSON          POST api/surveys; prints the 201 body
#   track PID SIGNAL [NAME]     something started in the background, stopped
#                               with SIGNAL on exit (stop_pid stops it sooner)

MODULE="$ROOT/build/ngx_http_callexa_module.so"

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "$*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then RUN_USER=nobody; RUN_GROUP=nogroup; else
  RUN_USER="$(id -un)"; RUN_GROUP="$(id -gn)"; fi
USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user $RUN_USER $RUN_GROUP;"

# --------------------------------------------------------------------------
# Processes: everything started here is stopped on exit.

PIDS=()                     # "pid signal [name]" of everything started
declare -A CHILD_PIDS=()    # pid -> its children seen once it ran

track() { PIDS+=("$1 $2 ${3:-}"); }

# Forgets pid $1 once it is reaped, so that cleanup never signals a reused pid.
forget() {
  local kept=() entry
  for entry in "${PIDS[@]}"; do [ "${entry%% *}" = "$1" ] || kept+=("$entry"); done
  PIDS=("${kept[@]}")
}

# Alive and not a zombie.
alive() {
  local state
  state="$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Child pids of $1, from /proc (procps may be absent), read with builtins
# only, so that the scan takes milliseconds.
children_of() {
  local parent="$1" s line rest
  for s in /proc/[0-9]*/stat; do
    { read -r line <"$s"; } 2>/dev/null || continue
    rest="${line##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    if [ "${2:-}" = "$parent" ]; then s="${s#/proc/}"; echo "${s%/stat}"; fi
  done
  return 0
}

# Remembers the children of $1 (nginx workers, Node cluster workers) once it
# runs, to make sure none outlives it.
record_children() { CHILD_PIDS[$1]="$(children_of "$1" | tr '\n' ' ')"; }

# Stops pid $1 with signal $2, killing it if it takes over 10 s, then waits
# for the children recorded of it.
stop_pid() {
  local pid="$1" sig="$2" name="${3:-}" i p
  if alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "${name:+$name }${name:+(}pid $pid${name:+)} still running after SIG$sig, killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  for p in ${CHILD_PIDS[$pid]:-}; do
    for ((i = 0; i < 30; i++)); do alive "$p" || break; sleep 0.1; done
    if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
  done
  unset "CHILD_PIDS[$pid]"
  forget "$pid"
}

bench_cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    # shellcheck disable=SC2086
    stop_pid ${PIDS[$i]}
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}

bench_workdir() {  # name
  WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
  chmod 755 "$WORK"  # nginx workers run as nobody and must reach their files
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# --------------------------------------------------------------------------
# Ports and HTTP

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
wait_http() {  # name pid port log-file [path]
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

# --------------------------------------------------------------------------
# Our nginx: one prefix, one configuration, one nginx at a time.

NGINX_PREFIX="" NGINX_PORT="" NGINX_PID="" DB="" ADMIN_PASSWORD=""
NGINX_ERROR_LEVEL=""  # e.g. info; nginx's default (error) when empty

bench_prefix() {  # dir [more subdirectories]
  local dir="$1" sub
  shift
  NGINX_PREFIX="$dir"
  DB="$dir/data/callexa.db"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/logs"
  for sub in "$@"; do mkdir -p "$dir/$sub"; done
  ADMIN_PASSWORD="$(openssl rand -hex 12)"
  printf 'admin:%s\n' "$(printf '%s' "$ADMIN_PASSWORD" | openssl passwd -6 -stdin)" \
    >"$dir/admin.htpasswd"
  chmod 644 "$dir/admin.htpasswd"
  chown -R "$RUN_USER:$RUN_GROUP" "$dir/data" "$dir/tmp"
}

# The snippets go in as they are: main-level lines after the thread pool,
# http-level lines after callexa_thread_pool, locations before /admin/.
write_nginx_conf() {  # port main http server
  local p="$NGINX_PREFIX"
  NGINX_PORT="$1"
  cat >"$p/nginx.conf" <<EOF
# Generated by tests/bench/${0##*/}
load_module $MODULE;
daemon off;
master_process on;
worker_processes 2;
$USER_LINE
pid $p/nginx.pid;
error_log $p/logs/error.log${NGINX_ERROR_LEVEL:+ $NGINX_ERROR_LEVEL};

# As README.md recommends: commits are grouped, two threads suffice.
thread_pool callexa threads=2;
$2
events { worker_connections 1024; }

http {
  access_log off;
  client_body_temp_path $p/tmp/body;
  proxy_temp_path $p/tmp/proxy;
  fastcgi_temp_path $p/tmp/fastcgi;
  uwsgi_temp_path $p/tmp/uwsgi;
  scgi_temp_path $p/tmp/scgi;

  callexa_database $DB;
  callexa_thread_pool callexa;
$3
  server {
    listen 127.0.0.1:$NGINX_PORT;
$4
    location /admin/ {
      auth_basic "Callexa bench";
      auth_basic_user_file $p/admin.htpasswd;
      callexa_admin;
    }
  }
}
EOF
}

# Starts our nginx on the configuration written last, and waits until
# 127.0.0.1:NGINX_PORT$1 answers (any status).
start_nginx() {  # [path]
  local p="$NGINX_PREFIX" out
  out="$(nginx -t -q -p "$p/" -c "$p/nginx.conf" -e "$p/logs/error.log" 2>&1)" \
    || { printf '%s\n' "$out" >&2; die "our nginx configuration does not load"; }
  nginx -p "$p/" -c "$p/nginx.conf" -e "$p/logs/error.log" >>"$p/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  track "$NGINX_PID" QUIT ours
  wait_http "ours" "$NGINX_PID" "$NGINX_PORT" "$p/logs/error.log" "${1:-/}" \
    || die "our nginx did not start"
  record_children "$NGINX_PID"
}

# Waits for the workers to finish (they checkpoint and close the database).
stop_nginx() { stop_pid "$NGINX_PID" QUIT ours; NGINX_PID=""; }

admin_call() {  # path [curl arguments]
  local path="$1"
  shift
  curl -sS --max-time 15 -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' \
    "$@" "http://127.0.0.1:$NGINX_PORT/admin/api/$path"
}

create_survey() {  # json
  local resp code
  resp="$(admin_call surveys -d "$1" -w '\n%{http_code}')" || die "POST /admin/api/surveys failed"
  code="${resp##*$'\n'}"
  [ "$code" = 201 ] || die "POST /admin/api/surveys answered $code: ${resp%$'\n'*}"
  printf '%s' "${resp%$'\n'*}"
}

# The "api_key" of a survey as create_survey prints it.
api_key_of() {
  local key
  key="$(printf '%s' "$1" | sed -n 's/.*"api_key"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
  [ -n "$key" ] || die "no api_key in $1"
  printf '%s' "$key"
}

# --------------------------------------------------------------------------
# For the report

# How busy the machine is with other work, in % over the next 2 s.
busy_percent() {
  local a b
  a="$(head -1 /proc/stat)"; sleep 2; b="$(head -1 /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, x); split(b, y); t = 0
    for (i = 2; i <= n; i++) t += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.0f", (t > 0 ? 100 * (t - idle) / t : 0) }'
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }

# The commit measured, and whether the tree had changes on top of it.
ours_rev() {
  local rev
  rev="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  (cd "$ROOT" && git diff --quiet HEAD -- 2>/dev/null) || rev="$rev + uncommitted changes"
  printf '%s' "$rev"
}

# --------------------------------------------------------------------------
# Identify load (identify_bench.sh, postgres_bench.sh). The caller declares
# the associative arrays REQ DUR STATUS SOCK P50 P99 NOTE, and sets WRAPPER,
# THREADS, CONNECTIONS and SECONDS_PER_RUN.

# One identify POST with curl; echoes the status code.
probe() {  # url authorization message-id
  local body
  body='{"type":"identify","messageId":"'"$3"'","userId":"probe","timestamp":"2026-11-28T10:00:00.000Z","traits":{"email":"probe@example.com","createdAt":"2026-11-20T08:00:00Z","firstName":"Ada"}}'
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
    -H "Authorization: $2" -d "$body" "$1" || true  # curl prints 000 when it fails
}

# One wrk run against `url` with the request script `script`; fills the
# figures of `key` (parse_wrk_line), or NOTE with why there are none.
run_wrk() {  # key label url script
  local key="$1" label="$2" url="$3" script="$4" out="$WORK/wrk-$1.out" line
  sleep 1  # let the previous run's connections close
  log "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency  $label  $url"
  # In the background, so that a signal to this script is handled at once.
  CALLEXA_WRK_SCRIPT="$script" timeout -k 5 $((SECONDS_PER_RUN + 60)) \
    wrk "-t$THREADS" "-c$CONNECTIONS" "-d${SECONDS_PER_RUN}s" --latency -s "$WRAPPER" "$url" \
    >"$out" 2>&1 &
  local pid=$! rc=0
  track "$pid" TERM wrk
  wait "$pid" || rc=$?
  forget "$pid"
  if [ "$rc" -ne 0 ]; then
    log "wrk against $label failed:"; tail -20 "$out" >&2
    NOTE[$key]="wrk failed"
    return 0
  fi
  line="$(grep '^CALLEXA_BENCH ' "$out" | tail -1)"
  if [ -z "$line" ]; then
    log "no CALLEXA_BENCH line from wrk against $label:"; tail -20 "$out" >&2
    NOTE[$key]="no figures"
    return 0
  fi
  parse_wrk_line "$key" "$line"
}

# Fills REQ DUR STATUS SOCK P50 P99 (NOTE on socket errors) of `key` from a
# CALLEXA_BENCH line of tests/bench/wrk_report.lua.
parse_wrk_line() {  # key line
  local key="$1" kv detail=()
  declare -A f=()
  for kv in ${2#CALLEXA_BENCH }; do f[${kv%%=*}]="${kv#*=}"; done
  REQ[$key]="${f[requests]}"
  DUR[$key]="${f[duration_us]}"
  STATUS[$key]="${f[status]}"
  SOCK[$key]="$(( f[connect] + f[read] + f[write] + f[timeout] ))"
  P50[$key]="${f[p50_us]}"
  P99[$key]="${f[p99_us]}"
  for kv in connect read write timeout; do
    [ "${f[$kv]}" -gt 0 ] && detail+=("$kv ${f[$kv]}")
  done
  [ ${#detail[@]} -gt 0 ] && NOTE[$key]="socket errors: $(IFS=,; echo "${detail[*]}" | sed 's/,/, /g')"
  return 0
}

# Waits (bounded) until the row count the caller's count_seen prints stops
# moving: commits still running when wrk stopped. Prints it.
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

# Posts `total` identifies (bench1@example.com ...; first name Ada, last
# name Lovelace) to /v1/batch on `port`, `size` per request, written first
# as files in `folder`. Dies on any answer but 2xx.
ingest_identifies() {  # folder port authorization total size
  local folder="$1" port="$2" auth="$3" code f
  /usr/bin/python3 - "$folder" "$4" "$5" <<'EOF'
import json, os, sys
folder, total, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for start in range(1, total + 1, size):
    batch = [{"type": "identify", "userId": "bench%d" % i,
              "traits": {"email": "bench%d@example.com" % i,
                         "firstName": "Ada", "lastName": "Lovelace"}}
             for i in range(start, min(start + size, total + 1))]
    with open(os.path.join(folder, "%08d.json" % start), "w") as f:
        json.dump({"batch": batch}, f)
EOF
  log "ingesting $4 identifies, $5 per /v1/batch"
  for f in "$folder"/*.json; do
    code="$(curl -sS -o "$WORK/batch.out" -w '%{http_code}' --max-time 60 \
              -H 'Content-Type: application/json' -H "$auth" --data-binary "@$f" \
              "http://127.0.0.1:$port/v1/batch")"
    [[ "$code" == 2* ]] || die "POST /v1/batch answered $code: $(head -c 300 "$WORK/batch.out")"
  done
}
