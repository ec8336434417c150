#!/usr/bin/env bash
# Sync-back throughput: N answers (default 100,000) synced to the local fake
# Segment (tests/integration/fake_segment.py, which checks every batch):
#
#   module   nginx with the module: the answers are written into its
#            database, POST api/surveys/1/sync, and worker 0's sync job
#            sends them, one pool task per batch, as in production
#   core     the core runner (RunSyncStep + libcurl) in a loop, without
#            nginx (build/bench-tools/sync_bench_driver), for comparison
#
# Seconds are the fake's: from the first batch request to the last batch
# accepted (so the module's wait for its next 5 s poll is not counted; the
# time from the POST is shown beside it). Checks that the fake received
# every answer exactly once. Figures only; not a CTest test. Run through
# tests/bench/run_all.sh (after ./build.sh).
#
# Environment: SYNC_BENCH_ANSWERS (default 100000), BENCH_KEEP=1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
DRIVER="$ROOT/build/bench-tools/sync_bench_driver"
FAKE="$ROOT/tests/integration/fake_segment.py"
ANSWERS="${SYNC_BENCH_ANSWERS:-100000}"
WRITE_KEY="bench-write-key"
ANSWERED_AT=1795860000

[[ "$ANSWERS" =~ ^[1-9][0-9]*$ ]] || die "SYNC_BENCH_ANSWERS must be a positive integer"
[ -f "$MODULE" ] || die "missing $MODULE: run ./build.sh first"
[ -x "$DRIVER" ] || die "missing $DRIVER: run ./build.sh first"
for c in nginx sqlite3 curl openssl; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
bench_workdir callexa-sync-bench  # stopped and removed on exit (lib.sh)
FAKE_PID=""

# A JSON number field of the fake's /stats ($1: the stats, $2: the field).
stat() { sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" <<<"$1"; }

# Starts a fresh fake Segment; sets API and STATS_URL.
start_fake() {
  [ -n "$FAKE_PID" ] && stop_pid "$FAKE_PID" TERM fake
  : >"$WORK/fake.url"
  /usr/bin/python3 "$FAKE" --write-key "$WRITE_KEY" >"$WORK/fake.url" 2>>"$WORK/fake.log" &
  FAKE_PID=$!
  track "$FAKE_PID" TERM fake
  for _ in $(seq 100); do [ -s "$WORK/fake.url" ] && break; sleep 0.05; done
  API="$(head -1 "$WORK/fake.url")"
  [ -n "$API" ] || die "fake Segment did not start: $(cat "$WORK/fake.log")"
  STATS_URL="${API%/v1}/stats"
}

# One table row from the fake's /stats: label, extra seconds column.
row() {
  local label="$1" from_post="$2" stats first last seconds
  stats="$(curl -s "$STATS_URL")"
  first="$(stat "$stats" first_request_at)"
  last="$(stat "$stats" last_accepted_at)"
  seconds="$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.2f", b - a }')"
  printf '| %s | %s | %s | %s | %s | %s (%s) |\n' "$label" "$(stat "$stats" requests)" \
    "$seconds" "$from_post" \
    "$(awk -v n="$ANSWERS" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')" \
    "$(stat "$stats" messages)" "$(stat "$stats" unique_messages)"
  [ "$(stat "$stats" unique_messages)" = "$ANSWERS" ] &&
    [ "$(stat "$stats" messages)" = "$ANSWERS" ] ||
    die "$label: the fake did not receive every answer exactly once: $stats"
}

# --------------------------------------------------------------------------
# The module in nginx

start_fake
NG="$WORK/nginx"
bench_prefix "$NG"
# As build.sh run configures it: sending jobs on a pool of their own.
NGINX_ERROR_LEVEL=info  # the sync progress lines, counted below
write_nginx_conf \
  "$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" \
  "thread_pool callexa_jobs threads=1;" \
  "  callexa_jobs_thread_pool callexa_jobs;
  callexa_segment_api $API;" ""
start_nginx /
ADMIN="http://127.0.0.1:$NGINX_PORT/admin/api"
SURVEY="$(create_survey "{\"name\":\"bench\",\"segment_write_key\":\"$WRITE_KEY\"}" |
  sed -n 's/.*"id": *\([0-9]*\).*/\1/p')"
[ -n "$SURVEY" ] || die "nginx refused the survey: $(tail -5 "$NG/logs/error.log")"

log "sync: $ANSWERS answers into $DB"
# As the survey pages leave them: a customer, an answered invitation, an answer.
sqlite3 "$DB" <<EOF
.timeout 10000
BEGIN IMMEDIATE;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $ANSWERS)
INSERT INTO customers (id, survey_id, email, user_id, first_seen_at, last_seen_at)
  SELECT k, $SURVEY, 'c' || k || '@example.com', 'user-' || k, 0, 0 FROM i;
INSERT INTO invitations (id, survey_id, customer_id, status, due_at, created_at, updated_at)
  SELECT id, survey_id, id, 'answered', 0, 0, 0 FROM customers;
INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, created_at,
                     answered_at, change_seq)
  SELECT id, survey_id, id, id % 11,
         iif(id % 3 = 0, '', 'Quick answers from support, th' || char(233) || 'nks! #' || id),
         $ANSWERED_AT + id, $ANSWERED_AT + id, id FROM customers;
INSERT INTO settings (name, value) VALUES ('answer_seq', '$ANSWERS')
  ON CONFLICT (name) DO UPDATE SET value = excluded.value;
COMMIT;
EOF

log "sync: POST $ADMIN/surveys/$SURVEY/sync, waiting for the fake to have them all"
START="$(date +%s.%N)"
admin_call "surveys/$SURVEY/sync" -o /dev/null -X POST
for ((i = 0; ; i++)); do
  [ "$(stat "$(curl -s "$STATS_URL")" unique_messages)" = "$ANSWERS" ] && break
  ((i < 3000)) || die "not synced within 300 s: $(curl -s "$STATS_URL")"
  sleep 0.1
done
FROM_POST="$(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
MODULE_ROW="$(row "module (nginx, worker 0)" "$FROM_POST")"
STATUS="$(admin_call "surveys/$SURVEY/sync")"
PROGRESS_LINES="$(grep -c 'messages sent' "$NG/logs/error.log" || true)"
stop_nginx

# --------------------------------------------------------------------------
# The core runner alone

start_fake
log "sync: $ANSWERS answers by the core runner (RunSyncStep + libcurl), no nginx"
"$DRIVER" "$WORK/core.db" "$API" "$WRITE_KEY" "$ANSWERS" >/dev/null ||
  die "the core runner did not complete"
CORE_ROW="$(row "core runner alone" "—")"

printf '\nSync-back: %s answers to the fake Segment on 127.0.0.1 (load before: %s)\n' \
  "$ANSWERS" "$LOAD_BEFORE"
printf '| sync | requests | seconds | seconds from POST | messages/s | received (unique) |\n'
printf '|---|---|---|---|---|---|\n'
printf '%s\n%s\n' "$MODULE_ROW" "$CORE_ROW"
printf '\nmodule: %s progress lines at info; GET sync: %s\n\n' "$PROGRESS_LINES" "$STATUS"
