#!/usr/bin/env bash
# Sync-back throughput: N answers (default 100,000) synced to the local fake
# Segment (tests/integration/fake_segment.py, which checks every batch) by
# the core runner with libcurl, step after step as the nginx worker's sync
# job runs it. Prints requests made, seconds and messages per second, and
# checks that the fake received every answer exactly once. Figures only;
# not a CTest test. Run through tests/bench/run_all.sh (after ./build.sh).
#
# Environment: SYNC_BENCH_ANSWERS (default 100000).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${ROOT:-$(cd "$BENCH_DIR/../.." && pwd)}"
DRIVER="$ROOT/build/tests/sync_bench_driver"
FAKE="$ROOT/tests/integration/fake_segment.py"
ANSWERS="${SYNC_BENCH_ANSWERS:-100000}"
WRITE_KEY="bench-write-key"

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "$*"; exit 1; }

[[ "$ANSWERS" =~ ^[1-9][0-9]*$ ]] || die "SYNC_BENCH_ANSWERS must be a positive integer"
[ -x "$DRIVER" ] || die "missing $DRIVER: run ./build.sh first"

WORK="$(mktemp -d /tmp/callexa-sync-bench.XXXXXX)"
FAKE_PID=""
cleanup() {
  if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  [ -n "${BENCH_KEEP:-}" ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

/usr/bin/python3 "$FAKE" --write-key "$WRITE_KEY" >"$WORK/fake.url" 2>"$WORK/fake.log" &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$WORK/fake.url" ] && break; sleep 0.05; done
API="$(head -1 "$WORK/fake.url")"
[ -n "$API" ] || die "fake Segment did not start: $(cat "$WORK/fake.log")"
STATS_URL="${API%/v1}/stats"

log "sync: $ANSWERS answers to the fake Segment at $API (core runner + libcurl)"
FIGURES="$("$DRIVER" "$WORK/callexa.db" "$API" "$WRITE_KEY" "$ANSWERS")" \
  || die "sync did not complete: $FIGURES"
STATS="$(curl -s "$STATS_URL")"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$FIGURES"; }
unique="$(sed -n 's/.*"unique_messages": \([0-9]*\).*/\1/p' <<<"$STATS")"
received="$(sed -n 's/.*"messages": \([0-9]*\).*/\1/p' <<<"$STATS")"

printf '\nSync-back: %s answers, core runner (RunSyncStep + libcurl), fake Segment on 127.0.0.1\n' "$ANSWERS"
printf '| requests | seconds | messages/s | received (unique) |\n|---|---|---|---|\n'
printf '| %s | %s | %s | %s (%s) |\n\n' "$(field requests)" "$(field seconds)" \
  "$(field msgs_per_s)" "$received" "$unique"
[ "$unique" = "$ANSWERS" ] && [ "$received" = "$ANSWERS" ] \
  || die "the fake received $received messages ($unique unique), expected $ANSWERS"
