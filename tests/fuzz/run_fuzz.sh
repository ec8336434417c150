#!/usr/bin/env bash
# Runs one libFuzzer target for a while on a scratch copy of its committed
# seed corpus (new inputs it finds stay out of the repository), then
# replays every committed seed, including the regression cases of fixed
# crashes.   usage: run_fuzz.sh <target binary> <seed dir> <seconds>
set -euo pipefail
target="$1" seeds="$2" seconds="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
# One process, bounded memory and time per input: a hang or a blow-up is a
# failure like a crash. Artifacts (the crashing input) land in $work.
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work" 2>&1 | tail -25
status="${PIPESTATUS[0]}"
if [ "$status" -ne 0 ]; then
  for crash in "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*; do
    [ -f "$crash" ] || continue
    echo "crashing input ($crash), base64:"; base64 -w0 "$crash"; echo
  done
  exit "$status"
fi
"$target" -runs=0 "$seeds" >/dev/null 2>&1 || { echo "a committed seed fails"; exit 1; }
