#!/usr/bin/env bash
# Sets up what is missing, then builds and serves the app on
# http://127.0.0.1:8080 (rebuilding on change).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
log "serving on http://127.0.0.1:8080"
exec trunk serve --release --offline "$@"
