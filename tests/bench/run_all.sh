#!/usr/bin/env bash
# Benchmarks of Callexa for nginx: figures only, not a pass/fail test (not in
# CTest). `./build.sh bench` builds the module and runs this.
#
#   bash tests/bench/run_all.sh      (after ./build.sh)
#
# Installs what the benchmarks need on Debian 12 (as root), then runs each
# benchmark in turn. The peers we compare against live outside the repo, in
# ../shared/bench (README.md there says what each one shows).
#
# Environment:
#   BENCH_SECONDS      duration of each wrk run (default 10)
#   BENCH_CONNECTIONS  wrk connections (default 50)
#   BENCH_THREADS      wrk threads (default 2)
#   MAIL_BENCH_MESSAGES  survey emails per peer in mail_bench.sh (default 10000)
#   STATS_BENCH_ANSWERS  answers seeded by stats_bench.sh (default 1000000)
#   WEBHOOK_BENCH_EVENTS  events per run in webhook_bench.sh (default 2000)
#   INVITE_BENCH_CUSTOMERS  due invitations per run in postgres_bench.sh (default 5000)
#   BENCH_NETEM_DELAY  latency added each way in postgres_bench.sh's network
#                      namespace (default 1ms; "none": the namespace alone)
#   BENCH_KEEP=1       keep the temporary directory (configs, logs, databases)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/../.." && pwd)"
PEERS="$ROOT/../shared/bench"
NODE_DIR="$ROOT/build/bench/node"

# Debian packages: the load generator, the Lua peer, the row count, the
# SMTP sink, and for postgres_bench.sh the PostgreSQL server and client,
# ip netns and tc netem.
PACKAGES=(
  nginx openssl curl ca-certificates wrk sqlite3
  libnginx-mod-http-lua lua-sql-sqlite3 lua-cjson
  python3 python3-aiosmtpd
  postgresql-15 postgresql-client-15 iproute2
)

log() { printf '%s\n' "bench: $*" >&2; }
die() { log "$*"; exit 1; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (run as root to install): ${missing[*]}"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Node peer's one dependency, in build/ (gitignored), never in the repo.
# better-sqlite3 builds from source when its prebuilt binary cannot be
# fetched; node-gyp then uses the headers that come with Node.
install_node_peer() {
  command -v node >/dev/null || die "node is not installed (Node 20 is expected on the machine)"
  command -v npm >/dev/null || die "npm is not installed"
  if (cd "$NODE_DIR" 2>/dev/null &&
      node -e "require('better-sqlite3')(':memory:').close()" >/dev/null 2>&1); then
    return 0
  fi
  log "installing better-sqlite3@12 into $NODE_DIR (may build from source, a few minutes)"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private": true}' >"$NODE_DIR/package.json"
  local nodedir=()
  if [ -f /usr/include/node/node.h ]; then nodedir=(env npm_config_nodedir=/usr); fi
  (cd "$NODE_DIR" &&
    timeout 900 "${nodedir[@]}" npm install --no-audit --no-fund --loglevel=error \
      better-sqlite3@12 >"$NODE_DIR/npm-install.log" 2>&1) \
    || { tail -30 "$NODE_DIR/npm-install.log" >&2; die "npm install better-sqlite3@12 failed"; }
  (cd "$NODE_DIR" && node -e "require('better-sqlite3')(':memory:').close()") \
    || die "better-sqlite3 installed but does not load"
}

[ -d "$PEERS" ] || die "peers not found at $PEERS (expected ../shared/bench beside the repo)"
for f in ngx_http_callexa_module.so bench-tools/smtp_send_loop bench-tools/stats_bench_driver \
         bench-tools/sync_bench_driver; do
  [ -f "$ROOT/build/$f" ] || die "build/$f is missing: run ./build.sh bench"
done

install_packages
install_node_peer

# Each benchmark in the background, so that a TERM or INT sent to this
# script reaches it and it stops what it started.
CHILD=""
forward() {
  if [ -n "$CHILD" ]; then kill "-$1" "$CHILD" 2>/dev/null; wait "$CHILD"; fi
  exit "$2"
}
trap 'forward TERM 143' TERM
trap 'forward TERM 130' INT  # async children ignore INT: send TERM

run_bench() {
  ROOT="$ROOT" PEERS="$PEERS" NODE_MODULES="$NODE_DIR/node_modules" bash "$1" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  return "$rc"
}

run_bench "$BENCH_DIR/identify_bench.sh"
run_bench "$BENCH_DIR/mail_bench.sh"
run_bench "$BENCH_DIR/sync_bench.sh"
run_bench "$BENCH_DIR/webhook_bench.sh"
run_bench "$BENCH_DIR/stats_bench.sh"
run_bench "$BENCH_DIR/postgres_bench.sh"
