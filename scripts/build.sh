#!/usr/bin/env bash
# Release build into dist/ (offline: Trunk uses the installed tools only).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
log "building the release bundle into dist/"
trunk build --release --offline "$@" 2>&1 | tee target/trunk-build.log
# Prove Trunk used the installed tools and downloaded nothing.
if grep -qiE "download(ing)? (wasm|binaryen|the)" target/trunk-build.log; then
  log "trunk tried to download a tool: see target/trunk-build.log"
  exit 1
fi
