#!/usr/bin/env bash
# Survey email delivery: how fast MAIL_BENCH_MESSAGES due invitations are
# rendered and delivered to a local SMTP server, beside send loops of the
# same kind of messages (tests/bench/smtp_send_loop.cc), one after another:
#
#   libcurl loop       one reused easy handle, nothing else: the ceiling
#   SmtpTransport      the scheduler's transport in the same loop
#   Callexa -> SMTP    the module in nginx: claim, render, send, record
#   MailDirTransport   .eml files in the same loop (fsync per message)
#   Callexa -> .eml    the module with callexa_mail_dir instead of SMTP
#
# Every SMTP peer sends to its own fresh aiosmtpd sink
# (tests/support/smtp_sink.py in count-only mode); its CPU use is shown, as
# a sink at 100% of a core is the bottleneck rather than the sender.
#
# For the module the identifies are ingested first by an nginx without
# delivery; then an nginx with delivery starts on that database, and the
# time runs from the first claim (the first invitation row appearing) to
# the last invitation recorded 'sent', both seen by polling the database.
# Run through tests/bench/run_all.sh, which installs what this needs.
# Exits non-zero only when something cannot start or not every message
# arrives.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
SEND_LOOP="$ROOT/build/bench-tools/smtp_send_loop"
SUPPORT="$ROOT/tests/support"

MESSAGES="${MAIL_BENCH_MESSAGES:-10000}"
[[ "$MESSAGES" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench: MAIL_BENCH_MESSAGES must be a positive integer" >&2; exit 2; }
BATCH=500  # identifies per /v1/batch request
STEP=50    # invitations per scheduler step (DeliveryOptions.batch_size)

# As in smtp_send_loop.cc, so that both sides render the same messages.
PUBLIC_URL="https://nps.bench.example"
MAIL_FROM="Bench NPS <nps@bench.example>"
SURVEY_JSON='{"name":"mail bench","automation":true,"min_delay_days":0,"max_delay_days":0}'

for f in "$MODULE" "$SEND_LOOP" "$SUPPORT/smtp_sink.py"; do
  [ -f "$f" ] || die "missing $f: run ./build.sh first"
done
for c in nginx sqlite3 curl openssl base64; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null \
  || die "python3-aiosmtpd is not installed: run tests/bench/run_all.sh"

bench_workdir callexa-mail-bench  # stopped and removed on exit (lib.sh)

# user + system CPU time of a process and its threads, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
TICKS="$(getconf CLK_TCK)"

# --------------------------------------------------------------------------
# The SMTP sink: a fresh one per peer, so each starts from the same state.

SINK_PID="" SINK_PORT="" SINK_DIR=""
start_sink() {  # name
  SINK_DIR="$WORK/sink-$1"
  SINK_PORT="$(free_port 18250)"
  PYTHONPATH="$SUPPORT" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SINK_PORT" \
    -c smtp_sink.Sink "$SINK_DIR" count-only >"$WORK/sink-$1.log" 2>&1 &
  SINK_PID=$!
  track "$SINK_PID" TERM sink
  local i
  for ((i = 0; i < 100; i++)); do
    port_open "$SINK_PORT" && return 0
    alive "$SINK_PID" || break
    sleep 0.1
  done
  tail -20 "$WORK/sink-$1.log" >&2
  die "the SMTP sink did not start"
}

stop_sink() { stop_pid "$SINK_PID" TERM sink; }

received() { [ -f "$SINK_DIR/received.log" ] && wc -l <"$SINK_DIR/received.log" || echo 0; }

# --------------------------------------------------------------------------
# Figures, by peer

declare -A COUNT SECS SINK_CPU SENDER_CPU NOTE
PEER_ORDER=(raw transport ours maildir ours_eml)
declare -A LABEL=([raw]="libcurl loop" [transport]="SmtpTransport loop"
                  [ours]="Callexa -> SMTP" [maildir]="MailDirTransport loop"
                  [ours_eml]="Callexa -> .eml")
RENDER_US="" MESSAGE_BYTES=""

# smtp_send_loop MODE against a fresh sink (or a folder for maildir).
run_loop() {  # peer
  local peer="$1" target out line kv ticks0 rc=0
  if [ "$peer" = maildir ]; then
    target="$WORK/loop-mail"
  else
    start_sink "$peer"
    target="smtp://127.0.0.1:$SINK_PORT"
  fi
  log "smtp_send_loop $peer $MESSAGES $target"
  ticks0="$( [ "$peer" = maildir ] || cpu_ticks "$SINK_PID")"
  "$SEND_LOOP" "$peer" "$MESSAGES" "$target" >"$WORK/loop-$peer.out" &
  track "$!" TERM "$peer loop"
  wait "$!" || rc=$?
  forget "$!"
  line="$(grep '^CALLEXA_MAIL_BENCH ' "$WORK/loop-$peer.out" || true)"
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    NOTE[$peer]="send loop failed"
    [ "$peer" = maildir ] || stop_sink
    return 0
  fi
  declare -A f=()
  for kv in ${line#CALLEXA_MAIL_BENCH }; do f[${kv%%=*}]="${kv#*=}"; done
  COUNT[$peer]=$(( f[messages] - f[failed] ))
  SECS[$peer]="$(awk -v us="${f[send_us]}" 'BEGIN { printf "%.3f", us / 1e6 }')"
  RENDER_US="${f[render_us]}"
  SENDER_CPU[$peer]=$(( f[send_cpu_us] * TICKS / 1000000 ))
  MESSAGE_BYTES=$(( f[bytes] / f[messages] ))
  [ "${f[failed]}" -gt 0 ] && NOTE[$peer]="${f[failed]} failed"
  if [ "$peer" = maildir ]; then
    rm -rf "$target"
  else
    SINK_CPU[$peer]=$(( $(cpu_ticks "$SINK_PID") - ticks0 ))
    [ "$(received)" -eq "${COUNT[$peer]}" ] \
      || NOTE[$peer]="the sink received $(received) of ${COUNT[$peer]}"
    stop_sink
  fi
}

# --------------------------------------------------------------------------
# The module

OURS="$WORK/ours"
bench_prefix "$OURS" batches

write_conf() {  # delivery directives
  write_nginx_conf "$OURS_PORT" "" "  client_max_body_size 4m;
  client_body_buffer_size 4m;$1" "
    location /v1/ { callexa_tracking_api; }
    location = /noop { return 204; }
"
}

# The nginx workers: the children of NGINX_PID.
WORKERS=()
find_workers() { mapfile -t WORKERS < <(children_of "$NGINX_PID"); }

# Their CPU time so far (pool threads included), in ticks.
workers_cpu() {
  local total=0 p
  for p in "${WORKERS[@]}"; do total=$(( total + $(cpu_ticks "$p") )); done
  echo "$total"
}

# The survey, and MESSAGES identifies due at once, through an nginx without
# delivery: nothing is claimed until the second nginx starts.
ingest() {
  local key auth
  write_conf ""
  start_nginx /noop
  key="$(api_key_of "$(create_survey "$SURVEY_JSON")")"
  auth="Authorization: Basic $(printf '%s:' "$key" | base64 -w0)"
  # The traits smtp_send_loop.cc renders with.
  ingest_identifies "$OURS/batches" "$OURS_PORT" "$auth" "$MESSAGES" "$BATCH"
  stop_nginx
  # The workers have checkpointed and closed the database: it is one file.
  [ ! -s "$DB-wal" ] || die "$DB-wal is left after nginx stopped"
  local due
  due="$(sqlite3 "file:$DB?immutable=1" \
           'SELECT count(*) FROM customers WHERE pending_due_at IS NOT NULL')"
  [ "$due" -eq "$MESSAGES" ] || die "$due invitations due after ingesting $MESSAGES identifies"
  # Each delivery run starts from a copy: the same due invitations.
  mv "$DB" "$OURS/data/ingested.db"
  rm -f "$DB-wal" "$DB-shm"
}

# Polls the database read-only: prints the time of the first invitation
# row (the first claim committed) and of the moment MESSAGES are 'sent'.
# Polling is cheap next to the work measured: every 2 ms until the first
# claim, then every 20 ms, a count over at most MESSAGES rows.
POLLER='
import sqlite3, sys, time
db, want, deadline = sys.argv[1], int(sys.argv[2]), time.time() + float(sys.argv[3])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
def one(sql, *args):
    return con.execute(sql, args).fetchone()[0]
if one("SELECT EXISTS (SELECT 1 FROM invitations)"):
    sys.exit("the first claim came before polling started")
while not one("SELECT EXISTS (SELECT 1 FROM invitations)"):
    if time.time() > deadline: sys.exit("no invitation was claimed")
    time.sleep(0.002)
first = time.time()
while one("SELECT count(*) FROM invitations WHERE status = ?", "sent") < want:
    if time.time() > deadline: sys.exit("not all were sent in time")
    time.sleep(0.02)
print("%.6f %.6f" % (first, time.time()))
'

run_ours() {  # peer
  local peer="$1" delivery ticks0 wticks0 rc=0 times
  rm -f "$DB-wal" "$DB-shm"
  cp -p "$OURS/data/ingested.db" "$DB"
  if [ "$peer" = ours ]; then
    start_sink "$peer"
    delivery="
  callexa_public_url $PUBLIC_URL;
  callexa_mail_from \"$MAIL_FROM\";
  callexa_smtp smtp://127.0.0.1:$SINK_PORT;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 100ms;"
  else
    mkdir -p "$OURS/data/mail"
    chown "$RUN_USER:$RUN_GROUP" "$OURS/data/mail"
    delivery="
  callexa_public_url $PUBLIC_URL;
  callexa_mail_from \"$MAIL_FROM\";
  callexa_mail_dir $OURS/data/mail;
  callexa_scheduler_interval 100ms;"
  fi
  write_conf "$delivery"
  log "${LABEL[$peer]}: $MESSAGES due invitations"
  start_nginx /noop
  # The first claim comes a second after the workers start: time enough
  # to start polling and to take the CPU counters before it.
  /usr/bin/python3 -c "$POLLER" "$DB" "$MESSAGES" $(( 60 + MESSAGES / 20 )) \
    >"$WORK/poll-$peer.out" &
  local poller=$!
  track "$poller" TERM poller
  [ "$peer" = ours ] && ticks0="$(cpu_ticks "$SINK_PID")"
  find_workers
  wticks0="$(workers_cpu)"
  wait "$poller" || rc=$?
  forget "$poller"
  times="$(cat "$WORK/poll-$peer.out")"
  if [ "$rc" -ne 0 ] || [ -z "$times" ]; then
    NOTE[$peer]="not all sent in time (see $OURS/logs/error.log)"
  else
    COUNT[$peer]="$MESSAGES"
    SECS[$peer]="$(awk -v t="$times" 'BEGIN { split(t, a); printf "%.3f", a[2] - a[1] }')"
    SENDER_CPU[$peer]=$(( $(workers_cpu) - wticks0 ))
  fi
  if [ "$peer" = ours ]; then
    SINK_CPU[$peer]=$(( $(cpu_ticks "$SINK_PID") - ticks0 ))
    [ -n "${COUNT[$peer]:-}" ] && [ "$(received)" -ne "$MESSAGES" ] \
      && NOTE[$peer]="the sink received $(received) of $MESSAGES"
  else
    local files
    files="$(find "$OURS/data/mail" -name '*.eml' | wc -l)"
    [ -n "${COUNT[$peer]:-}" ] && [ "$files" -ne "$MESSAGES" ] \
      && NOTE[$peer]="$files .eml files for $MESSAGES invitations"
  fi
  stop_nginx
  [ "$peer" = ours ] && stop_sink
  if grep -v '\[notice\]' "$OURS/logs/error.log" | grep -q .; then
    log "our error.log (last 10 lines):"
    grep -v '\[notice\]' "$OURS/logs/error.log" | tail -10 | sed 's/^/  /' >&2
  fi
  : >"$OURS/logs/error.log"
}

# --------------------------------------------------------------------------
# Run

log "work directory $WORK"
BUSY_BEFORE="$(busy_percent)"
OURS_PORT="$(free_port 18190)"
ingest
run_loop raw
run_loop transport
run_ours ours
run_loop maildir
run_ours ours_eml

# --------------------------------------------------------------------------
# Report

have() { [ -n "${COUNT[$1]:-}" ]; }
rate() { awk -v n="${COUNT[$1]}" -v s="${SECS[$1]}" 'BEGIN { printf "%.0f", n / s }'; }
ratio() {  # peer ceiling
  if have "$1" && have "$2"; then
    awk -v a="$(rate "$1")" -v b="$(rate "$2")" 'BEGIN { printf "%.2fx", a / b }'
  else
    echo "n/a"
  fi
}
cpu_share() {  # ticks peer: CPU time as a share of the peer's wall time
  awk -v t="$1" -v hz="$TICKS" -v s="${SECS[$2]}" 'BEGIN { printf "%.0f%%", 100 * t / hz / s }'
}

echo
echo "== Survey email delivery benchmark =="
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)," \
     "Debian $(cat /etc/debian_version 2>/dev/null || echo ?), kernel $(uname -r)"
echo "ours:    $(ours_rev), nginx $(nginx -v 2>&1 | sed 's/^nginx version: nginx\///'), 2 workers," \
     "thread_pool threads=2, SQLite $(dpkg-query -W -f='${Version}' libsqlite3-0 2>/dev/null || echo ?)," \
     "libcurl $(dpkg-query -W -f='${Version}' libcurl4 2>/dev/null || echo ?)"
echo "sink:    aiosmtpd $(dpkg-query -W -f='${Version}' python3-aiosmtpd 2>/dev/null || echo ?)," \
     "count-only, a fresh one per SMTP peer, on 127.0.0.1"
echo "busy:    ${BUSY_BEFORE}% CPU busy in the 2 s before the run$(
       [ "$BUSY_BEFORE" -gt 10 ] && echo " (other work on the machine: figures are noisy)")"
[ -n "$MESSAGE_BYTES" ] && echo "message: ${MESSAGE_BYTES} bytes on average (multipart, text + HTML);" \
     "rendering alone: $(awk -v n="$MESSAGES" -v us="$RENDER_US" \
       'BEGIN { printf "%.0f msg/s", n / (us / 1e6) }') on one thread"
echo

printf '%-22s %9s %9s %9s %11s %11s %9s\n' peer messages seconds 'msg/s' 'vs ceiling' \
  'sender CPU' 'sink CPU'
printf '%-22s %9s %9s %9s %11s %11s %9s\n' ---------------------- --------- --------- \
  --------- ----------- ----------- ---------
for peer in "${PEER_ORDER[@]}"; do
  if ! have "$peer"; then
    printf '%-22s %9s   (%s)\n' "${LABEL[$peer]}" - "${NOTE[$peer]:-not run}"
    continue
  fi
  case "$peer" in
    raw | transport | ours) ceiling=raw ;;
    *) ceiling=maildir ;;
  esac
  printf '%-22s %9s %9s %9s %11s %11s %9s\n' "${LABEL[$peer]}" "${COUNT[$peer]}" \
    "${SECS[$peer]}" "$(rate "$peer")" "$(ratio "$peer" "$ceiling")" \
    "$( [ -n "${SENDER_CPU[$peer]:-}" ] && cpu_share "${SENDER_CPU[$peer]}" "$peer" || echo -)" \
    "$( [ -n "${SINK_CPU[$peer]:-}" ] && cpu_share "${SINK_CPU[$peer]}" "$peer" || echo -)"
done
echo
echo "vs ceiling: SMTP peers against the libcurl loop, .eml peers against the"
echo "MailDirTransport loop. CPU: share of one core over the peer's seconds; the"
echo "sender is the loop, or for Callexa the two nginx workers with their threads."

# Where the module's time goes, from the arrival times at its sink: the
# interval between messages within a step (render, send, and record that
# outcome: each is committed as soon as the server answers) beside the gap
# between the last message of a step and the first of the next (claim the
# next, timer and thread hand-off, then render and send).
if have ours && [ -f "$WORK/sink-ours/received.log" ]; then
  awk -v step="$STEP" '
    { t[NR] = $2 }
    END {
      for (i = 2; i <= NR; i++) {
        if ((i - 1) % step == 0) { gap += t[i] - t[i - 1]; gaps++ }
        else { within += t[i] - t[i - 1]; n++ }
      }
      if (n > 0 && gaps > 0)
        printf "Callexa -> SMTP at its sink: %.2f ms from one message to the next within" \
               " a step of %d, %.1f ms from one step to the next (%.0f%% of the time)\n",
               1000 * within / n, step, 1000 * gap / gaps, 100 * gap / (gap + within)
    }' "$WORK/sink-ours/received.log"
fi
if have raw && [ -f "$WORK/sink-raw/received.log" ]; then
  awk 'NR == 1 { first = $2 } { last = $2 }
       END { if (NR > 1) printf "libcurl loop at its sink: %.2f ms from one message to the next\n",
                                1000 * (last - first) / (NR - 1) }' "$WORK/sink-raw/received.log"
fi
FAILED=0
for peer in "${PEER_ORDER[@]}"; do
  if [ -n "${NOTE[$peer]:-}" ]; then echo "${LABEL[$peer]}: ${NOTE[$peer]}"; FAILED=1; fi
done
[ "$FAILED" = 0 ]
