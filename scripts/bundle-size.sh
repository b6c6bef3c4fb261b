#!/usr/bin/env bash
# The first-load size table of dist/ (gzip and brotli, the .wasm alone),
# without a browser: the size part of scripts/perf.sh. Run scripts/build.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
node scripts/perf/perf.mjs - dist --only size
