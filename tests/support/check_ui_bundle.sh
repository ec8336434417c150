#!/usr/bin/env bash
# The generated admin UI bundle (src/admin/ui_bundle.cc) must be what its
# sources give, and must be committed: a build from source without Node.js
# compiles the committed file.
set -euo pipefail
root="$1"
node "$root/src/admin/ui/bundle.mjs" --check
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  if ! git -C "$root" diff --quiet HEAD -- src/admin/ui_bundle.cc; then
    echo "src/admin/ui_bundle.cc differs from the committed file: commit the regenerated bundle" >&2
    exit 1
  fi
fi
echo "admin UI bundle matches its sources and is committed"
