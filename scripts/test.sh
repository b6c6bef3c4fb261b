#!/usr/bin/env bash
# Sets up what is missing, then runs every test:
#   1. native cargo test (engines, content validation, renderer, store, routes)
#   2. browser unit tests (wasm-bindgen-test in headless Chromium)
#   3. release build, then end-to-end tests in headless Chromium against dist/
#      served on 127.0.0.1 (every route, keyboard, axe-core, features)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh" --browser
cd "$ROOT"
mkdir -p target

log "1/3 native tests"
cargo test --offline

log "2/3 browser unit tests (wasm-bindgen-test, headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --offline --target wasm32-unknown-unknown --test web

log "3/3 release build and end-to-end tests"
"$ROOT/scripts/build.sh"
# The same app built for a sub-path, for the sub-path end-to-end test.
DIST=target/dist-course "$ROOT/scripts/build.sh" --public-url /course/ >target/build-course.log 2>&1 \
  || { cat target/build-course.log; exit 1; }
cargo test --offline --features e2e --test e2e -- --test-threads 2

"$ROOT/scripts/bundle-size.sh"
log "all tests passed"
