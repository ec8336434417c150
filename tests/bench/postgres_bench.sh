#!/usr/bin/env bash
# PostgreSQL beside SQLite, one after another in one run, printed as one
# table:
#
#   identify (wrk, the request of identify_bench.sh: identify.lua from
#   ../shared/bench, a distinct messageId and mostly new customers each)
#     nginx return 204          the ceiling, the same body read and dropped
#     ours on SQLite            callexa_database a file (WAL)
#     ours on PostgreSQL        a throwaway PostgreSQL 15 cluster on
#       cold plans              127.0.0.1 (initdb under WORK, as nobody when
#                               root; SCRAM, the password in a passfile
#                               of the workers' user, mode 600), its
#                               defaults: a new database is not analyzed
#                               within the 10 s (autovacuum looks once a
#                               minute), so the workers' prepared statements
#                               keep the plans made for empty tables
#       analyzed                the same with autovacuum_naptime 1s from
#                               here on: the tables are analyzed as they
#                               grow, as on a database in service
#       analyzed +1 ms          the same with 1 ms added each way on the
#                               loopback (tc netem), postgres, nginx and wrk
#                               all inside a network namespace of their own,
#                               so that the host's loopback is untouched;
#                               skipped, saying why, without netns or netem
#   invitations (the scheduler claiming and emailing due invitations)
#     one host                  INVITE_BENCH_CUSTOMERS customers due at once,
#     two hosts                 ingested first by an nginx that sends no
#                               mail (then analyzed), then one nginx (or
#                               two, each with its own prefix and .eml
#                               folder) on a copy of that database: the time
#                               from the first claim to the last invitation
#                               recorded sent
#
# Beside them: PostgreSQL's CPU time, transactions, WAL flushes and rows
# read by sequential scans. Checks: every 2xx of ours is a stored row
# (seen_messages, counted with sqlite3 or psql), and every invitation became
# exactly one .eml file (To: headers counted across both hosts' folders),
# nginx's error.log and PostgreSQL's errors are shown. Run through
# tests/bench/run_all.sh, which installs what this needs. Exits non-zero
# only when a server cannot start, ours answered 2xx for a message it did
# not store, or an invitation was not sent exactly once.
#
# Environment (beside BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS and
# BENCH_KEEP of run_all.sh):
#   INVITE_BENCH_CUSTOMERS  due invitations per run (default 5000)
#   BENCH_NETEM_DELAY       added latency each way in the namespace (default
#                           1ms; "none": the namespace without netem)
#   BENCH_PG_OPTIONS        more server options, e.g. "-c synchronous_commit=off"
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
PEERS="${PEERS:-$ROOT/../shared/bench}"
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
WRAPPER="$BENCH_DIR/wrk_report.lua"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
CUSTOMERS="${INVITE_BENCH_CUSTOMERS:-5000}"
NETEM_DELAY="${BENCH_NETEM_DELAY:-1ms}"
PG_OPTIONS="${BENCH_PG_OPTIONS:-}"
for v in SECONDS_PER_RUN CONNECTIONS THREADS CUSTOMERS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v must be a positive integer" >&2; exit 2; }
done
[[ "$NETEM_DELAY" =~ ^([0-9]+(\.[0-9]+)?(us|ms)|none)$ ]] \
  || { echo "bench: BENCH_NETEM_DELAY must be like 1ms, 500us or none" >&2; exit 2; }

# Inside the network namespace this script runs itself again for one row
# (PG_BENCH_ROLE=netns-row) and prints its figures as one line.
ROLE="${PG_BENCH_ROLE:-main}"

IDENTIFY_SURVEY='{"name":"bench","automation":true,"min_delay_days":3,"max_delay_days":14}'
INVITE_SURVEY='{"name":"invite bench","automation":true,"min_delay_days":0,"max_delay_days":0}'
BATCH=500  # identifies per /v1/batch request
PUBLIC_URL="https://nps.bench.example"
MAIL_FROM="Bench NPS <nps@bench.example>"

for f in "$MODULE" "$WRAPPER" "$PEERS/identify.lua" "$PG_BIN/initdb" "$PG_BIN/pg_ctl"; do
  [ -f "$f" ] || die "missing $f: run tests/bench/run_all.sh after ./build.sh"
done
for c in nginx wrk sqlite3 psql curl openssl base64 python3; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

bench_workdir "callexa-pg-bench-$ROLE"  # stopped and removed on exit (lib.sh)

# --------------------------------------------------------------------------
# The PostgreSQL cluster: initdb under WORK, as the workers' user (PostgreSQL
# refuses root), password (SCRAM) authentication, on 127.0.0.1 of the
# current network namespace. PostgreSQL's own settings otherwise
# (synchronous_commit on: each commit waits for its WAL flush), plus
# track_wal_io_timing (for the mean WAL flush time) and BENCH_PG_OPTIONS.

PG_DIR="$WORK/postgres" PG_PORT="" PG_PID="" PG_PASSWORD=""
ROOT_PASSFILE="$WORK/root.pgpass"

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi
}

start_postgres() {
  mkdir -p "$PG_DIR"
  chown "$RUN_USER:$RUN_GROUP" "$PG_DIR"
  chmod 700 "$PG_DIR"
  PG_PASSWORD="$(openssl rand -hex 16)"
  (umask 077 && echo "$PG_PASSWORD" >"$PG_DIR/pwfile")
  chown "$RUN_USER:$RUN_GROUP" "$PG_DIR/pwfile"
  as_server "$PG_BIN/initdb" -D "$PG_DIR/data" -U callexa --pwfile="$PG_DIR/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  rm -f "$PG_DIR/pwfile"
  PG_PORT="$(free_port 18330)"
  as_server "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c track_wal_io_timing=on $PG_OPTIONS" \
    start >/dev/null \
    || { tail -20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  PG_PID="$(head -1 "$PG_DIR/data/postmaster.pid")"
  track "$PG_PID" QUIT postgres  # SIGQUIT: immediate shutdown, a throwaway cluster
  record_children "$PG_PID"
  (umask 077 && echo "127.0.0.1:$PG_PORT:*:callexa:$PG_PASSWORD" >"$ROOT_PASSFILE")
}

# A libpq URI for database $1, its password in passfile $2.
pg_uri() {
  printf 'postgresql://callexa@127.0.0.1:%s/%s?passfile=%s&connect_timeout=10' \
    "$PG_PORT" "$1" "$2"
}

pg_sql() {  # database sql: one psql session as callexa, the rows unaligned
  psql -X -At -q -v ON_ERROR_STOP=1 "$(pg_uri "$1" "$ROOT_PASSFILE")" -c "$2"
}

# The passfile of an nginx prefix: readable by the workers only (mode 600,
# their user), as README.md asks.
prefix_passfile() {  # prefix
  (umask 077 && echo "127.0.0.1:$PG_PORT:*:callexa:$PG_PASSWORD" >"$1/pgpass")
  chown "$RUN_USER:$RUN_GROUP" "$1/pgpass"
  chmod 600 "$1/pgpass"
}

# CPU time of the cluster so far in clock ticks: the postmaster and its
# reaped children (backends that ended), plus the live ones.
pg_ticks() {
  local total p
  total="$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PG_PID/stat" 2>/dev/null || echo 0)"
  for p in $(children_of "$PG_PID"); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
TICKS="$(getconf CLK_TCK)"

# "commits wal-flushes wal-flush-ms" of the whole cluster so far (backends
# report theirs when they end, as nginx stops).
pg_counters() {
  pg_sql postgres "SELECT (SELECT sum(xact_commit) FROM pg_stat_database), wal_sync,
                          round(wal_sync_time::numeric, 1) FROM pg_stat_wal" | tr '|' ' '
}
# Rows read by sequential scans in database $1 (whose counters start at 0
# when it is created).
pg_seq_read() {
  pg_sql "$1" 'SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables'
}
counters_delta() {  # before after: "commits=N flushes=N flush_ms=N"
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "commits=%d flushes=%d flush_ms=%.1f", y[1] - x[1], y[2] - x[2], y[3] - x[3] }'
}

# callexa_database of the prefix made last: a database on the cluster
# (bench_prefix sets DB to the prefix's SQLite file).
use_postgres() {  # database
  prefix_passfile "$NGINX_PREFIX"
  DB="\"$(pg_uri "$1" "$NGINX_PREFIX/pgpass")\""
}

# nginx's own error.log lines above notice (PostgreSQL errors among them).
log_problems() {  # prefix
  grep -v '\[notice\]' "$1/logs/error.log" 2>/dev/null | grep -c . || true
}

# --------------------------------------------------------------------------
# Identify: one wrk run, parsed (as in identify_bench.sh)

declare -A REQ DUR STATUS SOCK P50 P99 NOTE STORED OK2XX PGCPU LOGLINES PGSTAT
calc() { awk "BEGIN { $1 }"; }

COUNT_SEEN=""  # a command printing the rows of seen_messages
count_seen() { "$COUNT_SEEN"; }
seen_sqlite() { sqlite3 -readonly -cmd '.timeout 5000' "$SQLITE_DB" 'SELECT count(*) FROM seen_messages;'; }
seen_postgres() { pg_sql "$SEEN_DATABASE" 'SELECT count(*) FROM seen_messages'; }


# An nginx with ours at /segment (and return 204 at /noop) on the database
# the caller chose (its own SQLite file, or a database the caller created on
# the cluster); a survey; the identify script with its key. Sets
# SEGMENT_URL, OURS_AUTH, OURS_SCRIPT.
start_identify_nginx() {  # name sqlite|postgres [database]
  local name="$1" code
  bench_prefix "$WORK/$name"
  if [ "$2" = postgres ]; then
    use_postgres "$3"
    COUNT_SEEN=seen_postgres SEEN_DATABASE="$3"
  else
    SQLITE_DB="$DB"
    COUNT_SEEN=seen_sqlite
  fi
  write_nginx_conf "$(free_port 18380)" "" "  client_body_buffer_size 64k;" "
    location = /segment { callexa_destination; }
    location = /noop { return 204; }
"
  start_nginx /noop
  OURS_AUTH="Basic $(printf '%s:' "$(api_key_of "$(create_survey "$IDENTIFY_SURVEY")")" | base64 -w0)"
  OURS_SCRIPT="$WORK/identify-$name.lua"
  sed "s|Basic dGVzdGtleTo=|$OURS_AUTH|" "$PEERS/identify.lua" >"$OURS_SCRIPT"
  grep -qF "$OURS_AUTH" "$OURS_SCRIPT" || die "could not put our API key into identify.lua"
  SEGMENT_URL="http://127.0.0.1:$NGINX_PORT/segment"
  code="$(probe "$SEGMENT_URL" "$OURS_AUTH" "bench-probe")"
  [[ "$code" == 2* ]] || die "probe POST /segment answered $code: see $NGINX_PREFIX/logs/error.log"
}

# wrk against /segment of the nginx started last, then the stored rows;
# stops that nginx. PostgreSQL rows also get the cluster's CPU share.
measure_identify() {  # row
  local row="$1" before after ticks0="" counters0=""
  before="$(settled_count)"
  if [ "$COUNT_SEEN" = seen_postgres ]; then
    ticks0="$(pg_ticks)"
    counters0="$(pg_counters)"
  fi
  run_wrk "$row" "$row" "$SEGMENT_URL" "$OURS_SCRIPT"
  after="$(settled_count)"
  stop_nginx
  if [ -n "$ticks0" ] && [ -n "${REQ[$row]:-}" ]; then
    sleep 0.5  # the backends have ended and reported
    # Their CPU time is the postmaster's now (reaped children).
    PGCPU[$row]="$(calc "printf \"%.0f\", 100 * ($(pg_ticks) - $ticks0) / $TICKS / (${DUR[$row]} / 1e6)")"
    PGSTAT[$row]="$(counters_delta "$counters0" "$(pg_counters)") seqread=$(pg_seq_read "$SEEN_DATABASE")"
  fi
  STORED[$row]=$(( after - before ))
  [ -n "${REQ[$row]:-}" ] && OK2XX[$row]=$(( REQ[$row] - STATUS[$row] ))
  LOGLINES[$row]="$(log_problems "$NGINX_PREFIX")"
}

# --------------------------------------------------------------------------
# The row measured inside the network namespace (this script run again by
# ip netns exec): the cluster, nginx and wrk in the namespace; one line out.

if [ "$ROLE" = netns-row ]; then
  PG_OPTIONS="-c autovacuum_naptime=1s $PG_OPTIONS"  # as the row it is compared with
  start_postgres
  pg_sql postgres "CREATE DATABASE identify_netns" >/dev/null
  start_identify_nginx pg-netns postgres identify_netns
  measure_identify netns
  [ -n "${REQ[netns]:-}" ] || die "no figures in the namespace: ${NOTE[netns]:-}"
  line="$(grep '^CALLEXA_BENCH ' "$WORK/wrk-netns.out" | tail -1)"
  echo "PG_BENCH_ROW $line stored=${STORED[netns]} pgcpu=${PGCPU[netns]:-}" \
       "loglines=${LOGLINES[netns]} ${PGSTAT[netns]:-}"
  if [ "${LOGLINES[netns]}" -gt 0 ]; then
    grep -v '\[notice\]' "$NGINX_PREFIX/logs/error.log" | tail -5 | sed 's/^/PG_BENCH_LOG /'
  fi
  exit 0
fi

# --------------------------------------------------------------------------
# The network namespace with netem on its loopback; NETNS_WHY says why not.

NS="" NS_MADE=0 NETNS_WHY=""
setup_netns() {
  local out
  [ "$(id -u)" -eq 0 ] || { NETNS_WHY="needs root (ip netns add)"; return 1; }
  if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
    NETNS_WHY="ip and tc (iproute2) are not installed"; return 1
  fi
  NS="callexa-bench-$$"
  out="$(ip netns add "$NS" 2>&1)" || { NETNS_WHY="ip netns add: $out"; return 1; }
  NS_MADE=1
  out="$(ip netns exec "$NS" ip link set lo up 2>&1)" \
    || { NETNS_WHY="ip link set lo up in the namespace: $out"; return 1; }
  [ "$NETEM_DELAY" = none ] && return 0
  out="$(ip netns exec "$NS" tc qdisc add dev lo root netem delay "$NETEM_DELAY" 2>&1)" \
    || { NETNS_WHY="tc qdisc add dev lo root netem delay $NETEM_DELAY: $out$(
           [[ "$out" == *"qdisc kind is unknown"* ]] && echo " (this kernel has no sch_netem)")"
         return 1; }
}

# The EXIT trap: what runs in the namespace stops first (lib.sh), then the
# namespace goes.
pg_bench_cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    # shellcheck disable=SC2086
    stop_pid ${PIDS[$i]}
  done
  PIDS=()
  if [ "$NS_MADE" = 1 ]; then
    ip netns del "$NS" 2>/dev/null || log "could not delete network namespace $NS"
  fi
  (exit "$rc")
  bench_cleanup
}
trap pg_bench_cleanup EXIT

NETNS_LOG=()
run_netns_row() {
  local out="$WORK/netns.out" pid rc=0 line
  if ! setup_netns; then NOTE[netns]="skipped: $NETNS_WHY"; return 0; fi
  log "in network namespace $NS: lo with $(ip netns exec "$NS" tc qdisc show dev lo | head -1)"
  ip netns exec "$NS" env PG_BENCH_ROLE=netns-row ROOT="$ROOT" PEERS="$PEERS" \
    BENCH_SECONDS="$SECONDS_PER_RUN" BENCH_CONNECTIONS="$CONNECTIONS" BENCH_THREADS="$THREADS" \
    BENCH_PG_OPTIONS="$PG_OPTIONS" BENCH_KEEP="${BENCH_KEEP:-0}" \
    bash "$BENCH_DIR/postgres_bench.sh" >"$out" &
  pid=$!
  track "$pid" TERM "netns row"
  wait "$pid" || rc=$?
  forget "$pid"
  line="$(grep '^PG_BENCH_ROW ' "$out" | tail -1 || true)"
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then NOTE[netns]="failed in the namespace (rc $rc)"; return 0; fi
  line="${line#PG_BENCH_ROW }"
  parse_wrk_line netns "$line"
  declare -A f=()
  local kv
  for kv in ${line#* }; do f[${kv%%=*}]="${kv#*=}"; done
  STORED[netns]="${f[stored]}"
  OK2XX[netns]=$(( REQ[netns] - STATUS[netns] ))
  PGCPU[netns]="${f[pgcpu]}"
  [ -n "${f[commits]:-}" ] \
    && PGSTAT[netns]="commits=${f[commits]} flushes=${f[flushes]} flush_ms=${f[flush_ms]} seqread=${f[seqread]}"
  LOGLINES[netns]="${f[loglines]}"
  mapfile -t NETNS_LOG < <(sed -n 's/^PG_BENCH_LOG //p' "$out")
}

# --------------------------------------------------------------------------
# Invitations: CUSTOMERS due at once in database "ingested", then each run
# on a copy (CREATE DATABASE ... TEMPLATE).

declare -A INV_SECS INV_NOTE INV_SPLIT INV_ONCE INV_LOG INV_STAT INV_PGCPU
HOST_PIDS=() HOST_PREFIXES=()

ingest_customers() {
  local auth due
  pg_sql postgres "CREATE DATABASE ingested" >/dev/null
  bench_prefix "$WORK/ingest" batches
  use_postgres ingested
  # No callexa_public_url: this nginx claims and sends nothing.
  write_nginx_conf "$(free_port 18380)" "" "  client_max_body_size 4m;
  client_body_buffer_size 4m;" "
    location /v1/ { callexa_tracking_api; }
    location = /noop { return 204; }
"
  start_nginx /noop
  auth="Authorization: Basic $(printf '%s:' "$(api_key_of "$(create_survey "$INVITE_SURVEY")")" | base64 -w0)"
  ingest_identifies "$NGINX_PREFIX/batches" "$NGINX_PORT" "$auth" "$CUSTOMERS" "$BATCH"
  stop_nginx  # its connections close: the database can be a template
  due="$(pg_sql ingested 'SELECT count(*) FROM customers WHERE pending_due_at IS NOT NULL')"
  [ "$due" -eq "$CUSTOMERS" ] || die "$due invitations due after ingesting $CUSTOMERS identifies"
  pg_sql ingested 'ANALYZE' >/dev/null  # as autovacuum does; the copies keep the statistics
}

# Prints "first-claim end" (epoch seconds) once CUSTOMERS invitations are
# recorded sent, polling through one psql session: every 2 ms until the
# first claim, then every 20 ms.
POLLER='
import subprocess, sys, time
uri, want, deadline = sys.argv[1], int(sys.argv[2]), time.time() + float(sys.argv[3])
psql = subprocess.Popen(["psql", "-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", uri],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def one(sql):
    psql.stdin.write(sql + ";\n")
    psql.stdin.flush()
    line = psql.stdout.readline()
    if not line:
        sys.exit("psql ended")
    return line.strip()
claimed = "SELECT EXISTS (SELECT 1 FROM invitations)"
if one(claimed) == "t":
    sys.exit("the first claim came before polling started")
while one(claimed) != "t":
    if time.time() > deadline: sys.exit("no invitation was claimed")
    time.sleep(0.002)
first = time.time()
while int(one("SELECT count(*) FROM invitations WHERE status = \x27sent\x27")) < want:
    if time.time() > deadline: sys.exit("not all were sent in time")
    time.sleep(0.02)
print("%.6f %.6f" % (first, time.time()))
'

# Counts the .eml files by recipient (To:) across the folders; prints
# "files distinct duplicated missing per-folder-counts...".
EML_COUNT='
import collections, os, re, sys
want, folders = int(sys.argv[1]), sys.argv[2:]
by_to, per = collections.Counter(), []
for d in folders:
    n = 0
    for name in os.listdir(d):
        if not name.endswith(".eml"):
            continue
        n += 1
        with open(os.path.join(d, name), "rb") as f:
            head = f.read(65536).split(b"\r\n\r\n", 1)[0].decode(errors="replace")
        m = re.search(r"^To:.*?<?([^<>\s]+@[^<>\s]+)>?\s*$", head, re.M | re.I)
        by_to[m.group(1).lower() if m else "?"] += 1
    per.append(n)
expected = {"bench%d@example.com" % i for i in range(1, want + 1)}
print(sum(per), len(by_to), sum(1 for c in by_to.values() if c > 1),
      len(expected - set(by_to)), *per)
'

# HOSTS nginx on database $2 (a copy of "ingested"), each with its own
# prefix, port and .eml folder, started together.
run_invitations() {  # row hosts
  local row="$1" hosts="$2" database="inv_$1" h out pid rc=0 times folders=() counts
  pg_sql postgres "CREATE DATABASE $database TEMPLATE ingested" >/dev/null
  HOST_PIDS=() HOST_PREFIXES=()
  local port=18390
  for ((h = 1; h <= hosts; h++)); do
    bench_prefix "$WORK/$row-host$h" data/mail
    use_postgres "$database"
    port="$(free_port "$port")"
    write_nginx_conf "$port" "" "
  callexa_public_url $PUBLIC_URL;
  callexa_mail_from \"$MAIL_FROM\";
  callexa_mail_dir $NGINX_PREFIX/data/mail;
  callexa_scheduler_interval 100ms;" "
    location = /noop { return 204; }
"
    out="$(nginx -t -q -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" \
             -e "$NGINX_PREFIX/logs/error.log" 2>&1)" \
      || { printf '%s\n' "$out" >&2; die "host $h's configuration does not load"; }
    HOST_PREFIXES+=("$NGINX_PREFIX:$NGINX_PORT")
    port=$(( port + 1 ))
  done
  log "invitations, $hosts host(s): $CUSTOMERS due in database $database"
  local counters0 ticks0
  counters0="$(pg_counters)"
  ticks0="$(pg_ticks)"
  # Together: the first scheduler step comes 1 s after a worker starts.
  for h in "${HOST_PREFIXES[@]}"; do
    nginx -p "${h%:*}/" -c "${h%:*}/nginx.conf" -e "${h%:*}/logs/error.log" \
      >>"${h%:*}/logs/stdout.log" 2>&1 &
    HOST_PIDS+=("$!")
    track "$!" QUIT "nginx ${h%:*}"
  done
  python3 -c "$POLLER" "$(pg_uri "$database" "$ROOT_PASSFILE")" "$CUSTOMERS" \
    $(( 60 + CUSTOMERS / 20 )) >"$WORK/poll-$row.out" &
  local poller=$!
  track "$poller" TERM poller
  for ((h = 0; h < hosts; h++)); do
    wait_http "host $((h + 1))" "${HOST_PIDS[$h]}" "${HOST_PREFIXES[$h]##*:}" \
      "${HOST_PREFIXES[$h]%:*}/logs/error.log" /noop || die "host $((h + 1)) did not start"
    record_children "${HOST_PIDS[$h]}"
  done
  wait "$poller" || rc=$?
  forget "$poller"
  times="$(cat "$WORK/poll-$row.out")"
  if [ "$rc" -ne 0 ] || [ -z "$times" ]; then
    INV_NOTE[$row]="not all sent in time"
  else
    INV_SECS[$row]="$(awk -v t="$times" 'BEGIN { split(t, a); printf "%.3f", a[2] - a[1] }')"
    # From the start of the hosts (a second before the first claim) to the
    # last sent: a little more than the seconds measured.
    INV_PGCPU[$row]="$(calc "printf \"%.0f\", 100 * ($(pg_ticks) - $ticks0) / $TICKS / ${INV_SECS[$row]}")"
  fi
  sleep 0.5  # a scheduler step that found nothing more, on each host
  for ((h = hosts - 1; h >= 0; h--)); do stop_pid "${HOST_PIDS[$h]}" QUIT "host $((h + 1))"; done
  sleep 0.5  # the backends have ended and reported
  INV_STAT[$row]="$(counters_delta "$counters0" "$(pg_counters)") seqread=$(pg_seq_read "$database")"
  for h in "${HOST_PREFIXES[@]}"; do folders+=("${h%:*}/data/mail"); done
  # shellcheck disable=SC2207
  counts=($(python3 -c "$EML_COUNT" "$CUSTOMERS" "${folders[@]}"))
  # files distinct duplicated missing per-host...
  if [ "${counts[0]}" -eq "$CUSTOMERS" ] && [ "${counts[1]}" -eq "$CUSTOMERS" ] \
     && [ "${counts[2]}" -eq 0 ] && [ "${counts[3]}" -eq 0 ]; then
    INV_ONCE[$row]=ok
  else
    INV_ONCE[$row]=bad
    INV_NOTE[$row]="${counts[0]} .eml files for $CUSTOMERS invitations: ${counts[1]} recipients,"
    INV_NOTE[$row]+=" ${counts[2]} more than once, ${counts[3]} never"
  fi
  INV_SPLIT[$row]="$(IFS=+; echo "${counts[*]:4}")"
  INV_LOG[$row]=0
  for h in "${HOST_PREFIXES[@]}"; do
    INV_LOG[$row]=$(( INV_LOG[$row] + $(log_problems "${h%:*}") ))
  done
}

# --------------------------------------------------------------------------
# Run

log "work directory $WORK"
BUSY_BEFORE="$(busy_percent)"
start_postgres
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$PG_PORT in $PG_DIR"

start_identify_nginx sqlite sqlite
run_wrk noop noop "http://127.0.0.1:$NGINX_PORT/noop" "$OURS_SCRIPT"
measure_identify sqlite
pg_sql postgres "CREATE DATABASE identify_cold" >/dev/null
start_identify_nginx pg-cold postgres identify_cold
measure_identify pg
# From here on autovacuum looks at each database every second, not every
# minute: the tables are analyzed as they grow, and each ANALYZE makes the
# workers plan their statements again.
pg_sql postgres "ALTER SYSTEM SET autovacuum_naptime = '1s'" >/dev/null
pg_sql postgres "SELECT pg_reload_conf()" >/dev/null
pg_sql postgres "CREATE DATABASE identify_analyzed" >/dev/null
start_identify_nginx pg-analyzed postgres identify_analyzed
measure_identify analyzed
run_netns_row

ingest_customers
run_invitations one 1
run_invitations two 2

# --------------------------------------------------------------------------
# Report

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
inv_rate() { calc "printf \"%.0f\", $CUSTOMERS / ${INV_SECS[$1]}"; }

LOST=0
# Every 2xx must be a stored row: each request carries a distinct
# messageId. Requests still in flight when wrk stopped (at most one per
# connection) may be stored without being counted.
stored_check() {  # row
  local row="$1" ok="${OK2XX[$1]}" stored="${STORED[$1]}" slack
  slack=$(( CONNECTIONS + SOCK[$1] ))
  if [ "$stored" -eq "$ok" ]; then
    echo "stored $stored of $ok"
  elif [ "$stored" -gt "$ok" ] && [ "$stored" -le $(( ok + slack )) ]; then
    echo "stored $stored of $ok (+$(( stored - ok )) in flight)"
  elif [ "$stored" -gt "$ok" ]; then
    echo "WARNING: $stored rows for $ok 2xx"
  else
    LOST=1
    echo "LOST $(( ok - stored )) of $ok 2xx"
  fi
}

declare -A LABEL=([noop]="identify: nginx return 204" [sqlite]="identify: ours, SQLite"
  [pg]="identify: ours, PostgreSQL, cold plans" [analyzed]="identify: ours, PostgreSQL, analyzed"
  [netns]="identify: ours, PostgreSQL, analyzed +$NETEM_DELAY"
  [one]="invitations: 1 host, PostgreSQL" [two]="invitations: 2 hosts, PostgreSQL")
[ "$NETEM_DELAY" = none ] && LABEL[netns]="identify: ours, PostgreSQL, analyzed, netns"

echo
echo "== PostgreSQL benchmark =="
echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "Debian $(cat /etc/debian_version 2>/dev/null || echo ?), kernel $(uname -r)"
echo "ours:     $(ours_rev), nginx $(nginx -v 2>&1 | sed 's/^nginx version: nginx\///'), 2 workers," \
     "thread_pool threads=2; SQLite $(pkg_version libsqlite3-0), libpq $(pkg_version libpq5)"
echo "postgres: $("$PG_BIN/postgres" --version | awk '{ print $3 }') on 127.0.0.1, its defaults" \
     "(synchronous_commit $(pg_sql postgres 'SHOW synchronous_commit'), fsync $(pg_sql postgres 'SHOW fsync'))${PG_OPTIONS:+ + $PG_OPTIONS}," \
     "SCRAM with a passfile; same machine, same cores; autovacuum_naptime 1min for the" \
     "cold plans, then $(pg_sql postgres 'SHOW autovacuum_naptime')"
echo "busy:     ${BUSY_BEFORE}% CPU busy in the 2 s before the servers started$(
       [ "$BUSY_BEFORE" -gt 10 ] && echo " (other work on the machine: figures are noisy)")"
echo "identify: wrk $(pkg_version wrk) -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency," \
     "identify.lua from ../shared/bench, a fresh database each"
echo "invites:  $CUSTOMERS customers due at once (min/max delay 0), .eml files," \
     "callexa_scheduler_interval 100ms; from the first claim to the last recorded sent"
echo

line_out() { printf '%-42s %14s %9s %9s %7s %6s %7s %7s  %s\n' "$@"; }
line_out row rate p50 p99 non-2xx errors ratio 'pg CPU' check
line_out ------------------------------------------ -------------- --------- --------- ------- \
  ------ ------- ------- ------------------------------
for row in noop sqlite pg analyzed netns; do
  if ! have "$row"; then
    printf '%-42s %14s   (%s)\n' "${LABEL[$row]}" - "${NOTE[$row]:-not run}"
    continue
  fi
  check=-
  [ -n "${STORED[$row]:-}" ] && check="$(stored_check "$row")"
  [ "${LOGLINES[$row]:-0}" -gt 0 ] && check+="; ${LOGLINES[$row]} error.log lines"
  line_out "${LABEL[$row]}" "$(rps "$row") req/s" "$(ms "${P50[$row]}")" \
    "$(ms "${P99[$row]}")" "${STATUS[$row]}" "${SOCK[$row]}" "$(ratio "$row" noop)" \
    "$( [ -n "${PGCPU[$row]:-}" ] && echo "${PGCPU[$row]}%" || echo -)" "$check"
done
FAILED=0
for row in one two; do
  if [ -z "${INV_SECS[$row]:-}" ]; then
    printf '%-42s %14s   (%s)\n' "${LABEL[$row]}" - "${INV_NOTE[$row]:-not run}"
    FAILED=1
    continue
  fi
  if [ "${INV_ONCE[$row]}" = ok ]; then
    check="each sent once ($([ "$row" = two ] && echo "hosts ${INV_SPLIT[$row]}" || echo "${INV_SPLIT[$row]} .eml"))"
  else
    check="${INV_NOTE[$row]}"; FAILED=1
  fi
  [ "${INV_LOG[$row]}" -gt 0 ] && check+="; ${INV_LOG[$row]} error.log lines"
  line_out "${LABEL[$row]} (${INV_SECS[$row]} s)" "$(inv_rate "$row") inv/s" - - - - \
    "$( [ -n "${INV_SECS[one]:-}" ] && calc "printf \"%.2fx\", ${INV_SECS[one]} / ${INV_SECS[$row]}" || echo n/a)" \
    "$( [ -n "${INV_PGCPU[$row]:-}" ] && echo "${INV_PGCPU[$row]}%" || echo -)" "$check"
done
echo
echo "ratio: identify rows against nginx return 204, invitation rows against one host."
echo "pg CPU: the cluster's CPU time over the wrk run (invitations: from the start of the hosts"
echo "to the last sent, over the seconds measured), in % of one core."
echo "ours on PostgreSQL vs SQLite: $(ratio pg sqlite) with cold plans, $(ratio analyzed sqlite) analyzed$(
       have netns && echo "; analyzed, with the namespace's latency vs without: $(ratio netns analyzed)")"
# What PostgreSQL did: transactions committed (reads included) and WAL
# flushes (each synchronous commit waits for one, unless it joins another's).
pg_line() {  # label count what stat
  declare -A f=()
  local kv
  for kv in $4; do f[${kv%%=*}]="${kv#*=}"; done
  [ "${f[commits]:-0}" -gt 0 ] || return 0
  calc "printf \"%s: %d transactions committed (%.2f %s each), %d WAL flushes of %.2f ms on average, %d rows read by sequential scans\\n\",
        \"$1\", ${f[commits]}, $2 / ${f[commits]}, \"$3\", ${f[flushes]},
        (${f[flushes]} > 0 ? ${f[flush_ms]} / ${f[flushes]} : 0), ${f[seqread]:-0}"
}
for row in pg analyzed netns; do
  have "$row" && [ -n "${PGSTAT[$row]:-}" ] \
    && pg_line "${LABEL[$row]}" "${OK2XX[$row]}" "2xx identifies" "${PGSTAT[$row]}"
done
for row in one two; do
  [ -n "${INV_STAT[$row]:-}" ] && pg_line "${LABEL[$row]}" "$CUSTOMERS" invitations "${INV_STAT[$row]}"
done
for row in noop sqlite pg analyzed netns; do
  if have "$row" && [ -n "${NOTE[$row]:-}" ]; then echo "${LABEL[$row]}: ${NOTE[$row]}"; fi
done

# nginx's error.log lines above notice, per run (PostgreSQL errors among them).
show_log() {  # label file
  if [ -s "$2" ] && grep -qv '\[notice\]' "$2"; then
    echo
    echo "$1 error.log ($(log_problems "${2%/logs/error.log}") lines above notice; the last 5):"
    grep -v '\[notice\]' "$2" | tail -5 | sed 's/^/  /'
  fi
}
show_log "identify on SQLite:" "$WORK/sqlite/logs/error.log"
show_log "identify on PostgreSQL, cold plans:" "$WORK/pg-cold/logs/error.log"
show_log "identify on PostgreSQL, analyzed:" "$WORK/pg-analyzed/logs/error.log"
if [ ${#NETNS_LOG[@]} -gt 0 ]; then
  echo; echo "identify in the namespace: error.log (the last 5):"
  printf '  %s\n' "${NETNS_LOG[@]}"
fi
show_log "ingestion of the customers:" "$WORK/ingest/logs/error.log"
for row in one two; do
  for d in "$WORK/$row"-host*; do show_log "invitations, ${d##*/}:" "$d/logs/error.log"; done
done
if grep -q 'ERROR\|FATAL' "$PG_DIR/server.log" 2>/dev/null; then
  echo
  echo "PostgreSQL's log: $(grep -c 'ERROR\|FATAL' "$PG_DIR/server.log") ERROR/FATAL lines; the last 5:"
  grep 'ERROR\|FATAL' "$PG_DIR/server.log" | tail -5 | sed 's/^/  /'
fi

[ "$LOST" = 0 ] && [ "$FAILED" = 0 ]
