#!/usr/bin/env bash
# Callexa for nginx: build, run and test on Debian 12.
#
#   ./build.sh        install what is missing, build the module
#   ./build.sh run    build the module, then nginx in the foreground on
#                     127.0.0.1:8080
#   ./build.sh test   build the module and the tests, then every test
#                     through CTest; prints how long each phase took
#   ./build.sh bench  build, then the benchmarks in tests/bench (figures only)
#   ./build.sh fuzz [seconds]  build, then each libFuzzer target for that long
#                     (default 600 s each); new crashes are kept in build/fuzz
#   ./build.sh move-to-postgresql SQLITE_FILE CONNINFO
#                     build build/callexa-move, then move the SQLite database
#                     into an empty PostgreSQL database (README "Several
#                     hosts: PostgreSQL"); nginx stopped first
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$ROOT/build"
MODULE="$BUILD/ngx_http_callexa_module.so"
JOBS="$(nproc)"

# Debian packages: what building and running the module needs, and what
# the tests add (the benchmarks install their own: tests/bench/run_all.sh).
RUN_PACKAGES=(
  g++ make pkg-config openssl ca-certificates
  nginx nginx-dev libpcre2-dev libssl-dev zlib1g-dev
  libsqlite3-dev nlohmann-json3-dev libcurl4-openssl-dev libidn2-dev libpq-dev
  libhowardhinnant-date-dev tzdata
)
TEST_PACKAGES=(
  cmake sqlite3 libgtest-dev googletest clang-format clang libclang-rt-14-dev
  python3 python3-aiosmtpd chromium postgresql-15 faketime
  python3-dkim
)
# Node.js bundles the admin UI and drives the browser tests; any node/npm
# on PATH will do, Debian's only when there is none.
NODE_PACKAGES=()
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  NODE_PACKAGES=(nodejs npm)
fi

log() { printf '%s\n' "build.sh: $*" >&2; }

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# How long each phase took, printed at the end of `./build.sh test`.
PHASES=()
note_phase() { PHASES+=("$(printf '  %-36s %5d s' "$1" "$2")"); }
# Runs a phase and times it; its status is the command's, so that a failing
# ctest fails `./build.sh test`.
phase() {
  local name="$1" start=$SECONDS status=0
  shift
  "$@" || status=$?
  note_phase "$name" $((SECONDS - start))
  return "$status"
}
print_phases() {
  printf '\nbuild.sh: time per phase\n' >&2
  printf '%s\n' "${PHASES[@]}" >&2
  printf '  %-36s %5d s\n' "total" "$SECONDS" >&2
}

# nginx's build system, run on a copy of Debian's nginx-dev sources with the
# flags Debian's nginx was built with, so the module is binary compatible.
build_module() {
  local src="$BUILD/nginx-src" stamp="$BUILD/nginx-src.stamp"
  local want
  want="$(cd "$ROOT" && { cat config config.make;
          find src -name node_modules -prune -o \( -name '*.cc' -o -name '*.h' \) -print | LC_ALL=C sort; } \
          | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "configuring nginx $(dpkg-query -W -f='${Version}' nginx-dev) for the module"
    rm -rf "$src"
    mkdir -p "$BUILD"
    cp -a /usr/share/nginx/src "$src"
    # shellcheck disable=SC1091
    source "$src/conf_flags"
    (cd "$src" && ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$ROOT" \
        >"$src.configure.log" 2>&1) \
      || { tail -20 "$src.configure.log"; exit 1; }
    echo "$want" >"$stamp"
  fi
  make -s -C "$src" -f objs/Makefile -j"$JOBS" modules
  cp "$src/objs/ngx_http_callexa_module.so" "$MODULE.tmp"
  mv "$MODULE.tmp" "$MODULE"
}

# The test tree (tests/CMakeLists.txt), built with Debian's clang under
# ASan and UBSan: the core, the unit tests, the fuzz targets (libFuzzer
# comes with clang) and the sanitized module of the asan.* tests, each
# source compiled once. Needs build_module's configured nginx sources.
build_tests() {
  CC=clang CXX=clang++ cmake -S "$ROOT/tests" -B "$BUILD/tests" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCALLEXA_SANITIZE=ON \
    -DCALLEXA_MODULE="$MODULE" -DCALLEXA_NGINX_SRC="$BUILD/nginx-src" >/dev/null
  cmake --build "$BUILD/tests" -j"$JOBS" -- --no-print-directory
}

# The benchmark drivers, optimised and unsanitized, in build/bench-tools.
build_bench_tools() {
  cmake -S "$ROOT/tests" -B "$BUILD/bench-tools" -DCMAKE_BUILD_TYPE=Release \
    -DCALLEXA_BENCH=ON >/dev/null
  cmake --build "$BUILD/bench-tools" -j"$JOBS" -- --no-print-directory
}

run_fuzzers() {
  local seconds="${1:-600}" out="$BUILD/fuzz"
  mkdir -p "$out"
  for target in "$BUILD"/tests/fuzz_*; do
    local name corpus
    name="$(basename "$target")"
    corpus="$out/$name"
    mkdir -p "$corpus"
    cp -rn "$ROOT/tests/fuzz/corpus/$name"/. "$corpus"/
    log "fuzzing $name for $seconds s (corpus and any crash in $corpus)"
    "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$corpus/" -print_final_stats=1 "$corpus" 2>&1 | tail -12
  done
}

# An npm project's node_modules from its committed lockfile; again whenever
# the lockfile changes.
npm_install() {
  local dir="$1" what="$2" stamp="$1/node_modules/.lock.sha256"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  log "installing $what's npm packages"
  npm ci --prefix "$dir" --no-audit --no-fund >/dev/null
  echo "$want" >"$stamp"
}

# The admin UI (src/admin/ui) bundled into the generated source
# src/admin/ui_bundle.cc, which is committed so that a build from source
# needs no Node.js. The file records its inputs' fingerprint (bundle.mjs
# computes it the same way): bundled again only when they changed.
bundle_admin_ui() {
  local dir="$ROOT/src/admin/ui" want have
  want="$(cd "$dir" && find bundle.mjs package-lock.json src -type f | LC_ALL=C sort \
          | xargs sha256sum | sha256sum | cut -d' ' -f1)"
  have="$(sed -n 's@^// Sources: @@p' "$ROOT/src/admin/ui_bundle.cc")"
  [ "$want" = "$have" ] && return 0
  install_packages "${NODE_PACKAGES[@]}"
  npm_install "$dir" "the admin UI"
  mkdir -p "$BUILD"
  node "$dir/bundle.mjs" >"$BUILD/admin-ui-bundle.log"
}

# What running needs: the module, nothing of the tests.
build_module_only() {
  install_packages "${RUN_PACKAGES[@]}"
  mkdir -p "$BUILD"
  bundle_admin_ui
  build_module
}

# Everything `test` runs. The npm installs wait on the network, so they go
# on beside the module's compilation.
build_for_tests() {
  phase "packages (apt)" install_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}" \
    "${NODE_PACKAGES[@]}"
  mkdir -p "$BUILD"
  local npm_log="$BUILD/npm-install.log" npm_pid npm_start=$SECONDS
  { npm_install "$ROOT/tests/browser" "the browser test" &&
    npm_install "$ROOT/src/admin/ui" "the admin UI"; } >"$npm_log" 2>&1 &
  npm_pid=$!
  phase "module (nginx's build, g++)" build_module
  if ! wait "$npm_pid"; then
    cat "$npm_log" >&2
    exit 1
  fi
  note_phase "npm packages (beside the module)" $((SECONDS - npm_start))
  phase "admin UI bundle" bundle_admin_ui
  phase "test tree (clang, ASan+UBSan)" build_tests
}

# The move to PostgreSQL (src/tools/callexa_move.c++): its main and the
# few core sources it needs, compiled straight with g++ (no nginx, no test
# tree), again only when they changed.
build_move_tool() {
  install_packages "${RUN_PACKAGES[@]}"
  mkdir -p "$BUILD"
  local tool="$BUILD/callexa-move" stamp="$BUILD/callexa-move.stamp" want
  local sources=("$ROOT/src/tools/callexa_move.c++" "$ROOT"/src/sql/*.cc
                 "$ROOT/src/store/schema.cc" "$ROOT/src/store/store_copy.cc")
  want="$(cat "${sources[@]}" $(find "$ROOT/src/common" "$ROOT/src/sql" "$ROOT/src/store" \
          -name '*.h' | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)"
  if [ -x "$tool" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "compiling $tool"
  g++ -std=c++17 -O2 -Wall -Wextra -I"$ROOT/src" -I"$(pkg-config --variable=includedir libpq)" \
    "${sources[@]}" -o "$tool.tmp" -lsqlite3 -lpq -lpthread
  mv "$tool.tmp" "$tool"
  echo "$want" >"$stamp"
}

# The embedded default configuration of `./build.sh run`.
write_run_config() {
  local var="$1" user="$2" group="$3"
  cat >"$var/nginx.conf" <<EOF
# Generated by build.sh run: a local Callexa on 127.0.0.1:8080.
load_module $MODULE;
daemon off;
master_process on;
worker_processes 2;
user $user $group;
pid $var/nginx.pid;
error_log stderr notice;

# SQLite commits and admin queries; two threads keep both warm.
thread_pool callexa threads=2;
# Sending emails and the sync-back, apart so they never delay a commit.
thread_pool callexa_jobs threads=1;
# Reports and exports, so that long reads never wait behind a commit.
thread_pool callexa_reports threads=2;

events { worker_connections 1024; }

http {
  access_log off;
  client_body_temp_path $var/tmp/body;
  proxy_temp_path $var/tmp/proxy;
  fastcgi_temp_path $var/tmp/fastcgi;
  uwsgi_temp_path $var/tmp/uwsgi;
  scgi_temp_path $var/tmp/scgi;
  client_body_buffer_size 512k;

  callexa_database $var/data/callexa.db;
  callexa_thread_pool callexa;
  callexa_jobs_thread_pool callexa_jobs;
  callexa_reports_thread_pool callexa_reports;

  # Survey emails: links point here; with no callexa_smtp each email is
  # written as an .eml file to the mail folder.
  callexa_public_url http://127.0.0.1:8080;
  callexa_mail_from "Callexa <nps@callexa.localhost>";
  callexa_mail_dir $var/mail;
  callexa_scheduler_interval 10s;

  # Sync-back to Segment (the default API, api.segment.io) runs only for
  # surveys with a segment_write_key, once a day each, or now on request.

  server {
    listen 127.0.0.1:8080;

    location = /segment { callexa_destination; }
    location /v1/ { callexa_tracking_api; }
    location /s/ { callexa_survey; }
    # Approved testimonials for your website (public by design).
    location /embed/ { callexa_embed; }

    location /admin/ {
      auth_basic "Callexa admin";
      auth_basic_user_file $var/admin.htpasswd;
      callexa_admin;
    }

    # Prometheus metrics: counts only, yet not for the world.
    location = /metrics {
      allow 127.0.0.1;
      deny all;
      callexa_metrics;
    }
  }
}
EOF
}

run_nginx() {
  build_module_only
  local var="$ROOT/var" user group
  mkdir -p "$var/data" "$var/tmp" "$var/mail"
  if [ "$(id -u)" -eq 0 ]; then user=nobody; group=nogroup; else user="$(id -un)"; group="$(id -gn)"; fi
  if [ ! -f "$var/admin.password" ]; then
    (umask 077 && openssl rand -base64 18 | tr -d '/+=' >"$var/admin.password")
  fi
  printf 'admin:%s\n' "$(openssl passwd -6 -stdin <"$var/admin.password")" >"$var/admin.htpasswd"
  chown -R "$user:$group" "$var/data" "$var/tmp" "$var/mail"
  chgrp "$group" "$var/admin.htpasswd" && chmod 640 "$var/admin.htpasswd"
  write_run_config "$var" "$user" "$group"
  cat <<EOF

Callexa is starting on http://127.0.0.1:8080
  Admin UI:             http://127.0.0.1:8080/admin/
  Admin user:           admin
  Admin password:       $(cat "$var/admin.password")
  Segment destination:  POST http://127.0.0.1:8080/segment
  Tracking API:         POST http://127.0.0.1:8080/v1/identify, /v1/batch
  Survey pages:         http://127.0.0.1:8080/s/ (links in the emails)
  Metrics:              http://127.0.0.1:8080/metrics
  Database:             $var/data/callexa.db
  Survey emails:        $var/mail/*.eml (every 10 s, no SMTP server set)
Stop with Ctrl-C.

EOF
  exec nginx -p "$var" -c "$var/nginx.conf"
}

case "${1:-build}" in
  build) build_module_only ;;
  run) run_nginx ;;
  test)
    build_for_tests
    cd "$BUILD/tests"
    status=0
    # Four at a time on two cores: most integration tests wait on timers,
    # SMTP and nginx rather than compute.
    phase "tests (ctest -j$((JOBS * 2)))" ctest --output-on-failure -j$((JOBS * 2)) || status=$?
    print_phases
    exit "$status"
    ;;
  fuzz)
    build_for_tests
    run_fuzzers "${2:-600}"
    ;;
  move-to-postgresql)
    if [ $# -ne 3 ]; then
      echo "usage: $0 move-to-postgresql SQLITE_FILE CONNINFO" >&2
      exit 2
    fi
    build_move_tool
    exec "$BUILD/callexa-move" "$2" "$3"
    ;;
  bench)
    build_module_only
    install_packages "${TEST_PACKAGES[@]}"
    build_bench_tools
    bash "$ROOT/tests/bench/run_all.sh"
    ;;
  *)
    echo "usage: $0 [build|run|test|bench|fuzz [seconds]|move-to-postgresql SQLITE_FILE CONNINFO]" >&2
    exit 2
    ;;
esac
