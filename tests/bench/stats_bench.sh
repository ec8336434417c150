#!/usr/bin/env bash
# Reports over a large survey: N answers (default 1,000,000) over the last
# 365 days, seeded by build/bench-tools/stats_bench_driver (one transaction,
# prepared statements, the real schema with its triggers and indexes),
# which also times the core's report alone. Then, through nginx with the
# module (2 workers, callexa_reports_thread_pool of 2 threads):
#
#   stats 90 days    GET api/surveys/1/stats (the default period)
#   stats 365 days   the same with from= a year ago, also with tag= and
#                    trait.plan= (filters that read beyond the indexes)
#   CSV 365 days     GET api/surveys/1/responses.csv?from=..., every answer
#
# Seconds are curl's (to /dev/null); the stats are asked 3 times (the first
# also warms the worker's SQLite cache). Memory is each worker's peak RSS
# (VmHWM in /proc/<pid>/status) before and after each step. Target: stats
# over 1M answers under 1 s. Figures only; not a CTest test. Run through
# tests/bench/run_all.sh (after ./build.sh).
#
# Environment: STATS_BENCH_ANSWERS (default 1000000), BENCH_KEEP=1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
DRIVER="$ROOT/build/bench-tools/stats_bench_driver"
ANSWERS="${STATS_BENCH_ANSWERS:-1000000}"

[[ "$ANSWERS" =~ ^[1-9][0-9]+$ ]] || die "STATS_BENCH_ANSWERS must be an integer > 9"
[ -f "$MODULE" ] || die "missing $MODULE: run ./build.sh first"
[ -x "$DRIVER" ] || die "missing $DRIVER: run ./build.sh first"
for c in nginx curl openssl; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
bench_workdir callexa-stats-bench  # stopped and removed on exit (lib.sh)
NOW="$(date +%s)"
YEAR_AGO="$(date -u -d "@$((NOW - 365 * 86400))" +%Y-%m-%dT%H:%M:%SZ)"

NG="$WORK/nginx"
bench_prefix "$NG"
log "stats: seeding $ANSWERS answers into $DB"
DRIVER_OUT="$("$DRIVER" "$DB" "$ANSWERS" "$NOW")" || die "the driver failed"
chown -R "$RUN_USER:$RUN_GROUP" "$NG/data"
printf '%s\n' "$DRIVER_OUT" | sed 's/^/bench: driver: /' >&2

write_nginx_conf "$(free_port 18600)" "thread_pool callexa_reports threads=2;" \
  "  callexa_reports_thread_pool callexa_reports;" ""
start_nginx /
WORKERS="$(children_of "$NGINX_PID" | tr '\n' ' ')"
URL="http://127.0.0.1:$NGINX_PORT/admin/api/surveys/1"

# The workers' peak RSS in MB, "pid:MB" each.
peaks() {
  local pid kb out=""
  for pid in $WORKERS; do
    kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")"
    out+="$pid:$((kb / 1024))MB "
  done
  printf '%s' "${out% }"
}

# One timed GET: "status seconds bytes".
timed_get() {  # url
  curl -sS -o /dev/null -u "admin:$ADMIN_PASSWORD" --max-time 600 \
    -w '%{http_code} %{time_total} %{size_download}' "$1"
}

# counts.answers of the stats JSON $1 (keys come sorted: "answers" first).
answers_of() {
  local rest="${1#*\"counts\":\{\"answers\":}"
  printf '%s' "${rest%%[!0-9]*}"
}

ROWS=()
PEAK_START="$(peaks)"

stats_row() {  # label query
  local label="$1" query="$2" first best t code bytes body i
  read -r code first bytes <<<"$(timed_get "$URL/stats$query")"
  [ "$code" = 200 ] || die "$label: HTTP $code: $(tail -3 "$NG/logs/error.log")"
  best="$first"
  for i in 1 2; do
    read -r code t bytes <<<"$(timed_get "$URL/stats$query")"
    best="$(awk -v a="$best" -v b="$t" 'BEGIN { print (b < a ? b : a) }')"
  done
  body="$(curl -sS -u "admin:$ADMIN_PASSWORD" "$URL/stats$query")"
  ROWS+=("| $label | $(answers_of "$body") | $first | $best | $bytes | $(peaks) |")
}

log "stats: GET stats for 90 and 365 days"
stats_row "stats, 90 days" ""
stats_row "stats, 365 days" "?from=$YEAR_AGO"
# Filters that read beyond the covering indexes: the tags, the customers.
stats_row "stats, 365 days, tag=Support" "?from=$YEAR_AGO&tag=Support"
stats_row "stats, 365 days, trait.plan=pro" "?from=$YEAR_AGO&trait.plan=pro"

log "stats: GET responses.csv for 365 days"
LINES_FILE="$WORK/csv.lines"
read -r code seconds bytes <<<"$(curl -sS -u "admin:$ADMIN_PASSWORD" --max-time 600 \
  -w '%{http_code} %{time_total} %{size_download}' -o >(wc -l >"$LINES_FILE") \
  "$URL/responses.csv?from=$YEAR_AGO")"
[ "$code" = 200 ] || die "CSV: HTTP $code: $(tail -3 "$NG/logs/error.log")"
for _ in $(seq 50); do [ -s "$LINES_FILE" ] && break; sleep 0.1; done
CSV_ROWS=$(($(cat "$LINES_FILE") - 1))
[ "$CSV_ROWS" = "$ANSWERS" ] || log "CSV: $CSV_ROWS rows, expected $ANSWERS"
ROWS+=("| CSV export, 365 days | $CSV_ROWS rows | $seconds | — | $bytes | $(peaks) |")
stop_nginx

printf '\nReports: %s answers (70%% of them first answers of as many customers) over 365 days; nginx 2 workers, reports pool 2 threads (load before: %s, commit %s)\n' \
  "$ANSWERS" "$LOAD_BEFORE" "$(ours_rev)"
printf '%s\n' "$DRIVER_OUT" | sed 's/^/  /'
printf '| request | answers counted | seconds (first) | seconds (best of 3) | bytes | workers VmHWM after (start: %s) |\n' \
  "$PEAK_START"
printf '|---|---|---|---|---|---|\n'
printf '%s\n' "${ROWS[@]}"
printf '\n'
