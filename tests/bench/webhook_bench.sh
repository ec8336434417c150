#!/usr/bin/env bash
# Webhook delivery throughput: N events (default 2000) queued straight into
# the database of a running nginx, delivered by worker 0's webhook job to
# the local receiver (tests/integration/webhook_receiver.py, which verifies
# every Standard Webhooks signature), signed and recorded one by one as in
# production. Two runs: all events for one webhook (strictly in order: one
# at a time) and spread over 8 webhooks of one survey (8 leased per step).
#
# Seconds: from the commit of the queued events to the last one recorded as
# delivered. Checks that the receiver got every event, verified, exactly
# once. Figures only; not a CTest test. Run through tests/bench/run_all.sh
# (after ./build.sh).
#
# Environment: WEBHOOK_BENCH_EVENTS (default 2000), BENCH_KEEP=1.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
# shellcheck source=tests/bench/lib.sh
. "$BENCH_DIR/lib.sh"
EVENTS="${WEBHOOK_BENCH_EVENTS:-2000}"

[[ "$EVENTS" =~ ^[1-9][0-9]*$ ]] || die "WEBHOOK_BENCH_EVENTS must be a positive integer"
[ -f "$MODULE" ] || die "missing $MODULE: run ./build.sh first"
for c in nginx sqlite3 curl openssl; do
  command -v "$c" >/dev/null || die "$c is not installed: run tests/bench/run_all.sh"
done

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
bench_workdir callexa-webhook-bench  # stopped and removed on exit (lib.sh)

# The receiver: prints its port, then keeps "deliveries unique verified" in
# $WORK/receiver.stats.
cat >"$WORK/receiver.py" <<EOF
import sys, threading, time
sys.path.insert(0, "$ROOT/tests/integration")
from webhook_receiver import WebhookReceiver
r = WebhookReceiver().start()
with open("$WORK/secrets") as f:
    for line in f:
        path, secret = line.split()
        r.secrets[path] = secret
print(r.port, flush=True)
while True:
    got = list(r.deliveries)
    with open("$WORK/receiver.stats.tmp", "w") as f:
        f.write("%d %d %d\n" % (len(got), len({d.headers.get("webhook-id") for d in got}),
                                sum(1 for d in got if d.verified)))
    import os; os.replace("$WORK/receiver.stats.tmp", "$WORK/receiver.stats")
    time.sleep(0.1)
EOF

NG="$WORK/nginx"
bench_prefix "$NG"
write_nginx_conf \
  "$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" \
  "thread_pool callexa_jobs threads=1;" \
  "  callexa_jobs_thread_pool callexa_jobs;
  callexa_webhook_private_networks on;" ""
start_nginx /
SURVEY="$(create_survey '{"name":"bench"}' | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')"
[ -n "$SURVEY" ] || die "nginx refused the survey"

# 8 webhooks on paths /h1../h8 of a receiver started once their secrets are known.
PORT_GUESS="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
: >"$WORK/secrets"
# The receiver's port is not known before it starts, and a webhook's URL
# must be: the URLs name a placeholder port rewritten in the database below.
for i in 1 2 3 4 5 6 7 8; do
  resp="$(admin_call "surveys/$SURVEY/webhooks" \
    -d "{\"url\":\"http://127.0.0.1:$PORT_GUESS/h$i\",\"events\":[\"response.created\"]}")"
  secret="$(sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p' <<<"$resp")"
  [ -n "$secret" ] || die "webhook not created: $resp"
  printf '/h%s %s\n' "$i" "$secret" >>"$WORK/secrets"
done
/usr/bin/python3 "$WORK/receiver.py" >"$WORK/receiver.port" 2>"$WORK/receiver.log" &
track $! TERM receiver
for _ in $(seq 100); do [ -s "$WORK/receiver.port" ] && break; sleep 0.05; done
RPORT="$(head -1 "$WORK/receiver.port")"
[ -n "$RPORT" ] || die "the receiver did not start: $(cat "$WORK/receiver.log")"
sqlite3 "$DB" ".timeout 10000" \
  "UPDATE webhooks SET url = replace(url, ':$PORT_GUESS/', ':$RPORT/');"

PAYLOAD='{"type":"response.created","timestamp":"2026-12-05T02:00:00Z","data":{"survey_id":1,"invitation_id":1,"score":3,"band":"detractor","comment":"Too slow","tag_ratings":{},"extra_answers":{},"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","user_id":"u-1","answered_at":"2026-12-05T02:00:00Z","admin_url":""}}'

# Queues $EVENTS events over webhooks 1..$1 and times their delivery.
run() {
  local hooks="$1" label="$2" before start seconds stats
  before="$(sqlite3 "$DB" ".timeout 10000" \
    "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'")"
  start="$(date +%s.%N)"
  sqlite3 "$DB" <<EOF
.timeout 10000
BEGIN IMMEDIATE;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $EVENTS)
INSERT INTO webhook_deliveries (webhook_id, survey_id, event_id, type, payload, status,
                                attempts, next_attempt_at, created_at)
  SELECT (SELECT min(id) FROM webhooks) + (k % $hooks), $SURVEY,
         'msg_bench_${hooks}_' || k, 'response.created', '$PAYLOAD', 'pending', 0, 0,
         CAST(strftime('%s', 'now') AS INTEGER) FROM i;
COMMIT;
EOF
  for ((i = 0; ; i++)); do
    [ "$(sqlite3 "$DB" ".timeout 10000" "SELECT count(*) FROM webhook_deliveries \
      WHERE status = 'delivered'")" -ge $((before + EVENTS)) ] && break
    ((i < 6000)) || die "$label: not delivered within 600 s"
    sleep 0.1
  done
  seconds="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
  sleep 0.3
  stats="$(cat "$WORK/receiver.stats")"
  printf '| %s | %s | %s | %s | %s |\n' "$label" "$EVENTS" "$seconds" \
    "$(awk -v n="$EVENTS" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')" "$stats"
}

ROW1="$(run 1 "1 webhook (in order, one at a time)")"
ROW8="$(run 8 "8 webhooks of one survey")"
TOTAL="$(cut -d' ' -f1 "$WORK/receiver.stats")"
UNIQUE="$(cut -d' ' -f2 "$WORK/receiver.stats")"
VERIFIED="$(cut -d' ' -f3 "$WORK/receiver.stats")"
stop_nginx
[ "$TOTAL" = $((2 * EVENTS)) ] && [ "$UNIQUE" = "$TOTAL" ] && [ "$VERIFIED" = "$TOTAL" ] ||
  die "the receiver got $TOTAL deliveries, $UNIQUE unique, $VERIFIED verified; wanted $((2 * EVENTS)) each"

printf '\nWebhooks: %s events per run to a local receiver on 127.0.0.1 (load before: %s)\n' \
  "$EVENTS" "$LOAD_BEFORE"
printf '| webhooks | events | seconds | events/s | receiver: total unique verified (cumulative) |\n'
printf '|---|---|---|---|---|\n'
printf '%s\n%s\n\n' "$ROW1" "$ROW8"
