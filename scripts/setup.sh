#!/usr/bin/env bash
# Installs what Rollback Lab needs to build (and, with --browser, to test),
# skipping everything already installed. Needs only the Rust toolchain,
# gcc, node/npm and python; reaches only the package registries.
#
#   scripts/setup.sh            wasm32 target, trunk, wasm-bindgen-cli, wasm-opt
#   scripts/setup.sh --browser  the same, plus Chromium and ChromeDriver (apt)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (about 10 minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

WB_VERSION="$(wasm_bindgen_version)"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (about 4 minutes the first time)"
  # Not --locked: its lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# wasm-opt (binaryen 132, a JS build) and axe-core, pinned in package.json.
if [ "$(wasm-opt --version 2>/dev/null || true)" != "wasm-opt version 132 (version_132)" ] \
   || [ ! -f node_modules/axe-core/axe.min.js ]; then
  log "installing npm tools (binaryen 132, axe-core)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Debian's chromium and chromium-driver"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium chromium-driver
  fi
fi

# Everything cargo needs, so builds can run --offline.
cargo fetch --quiet
cargo fetch --quiet --target wasm32-unknown-unknown
log "tools ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version)"
