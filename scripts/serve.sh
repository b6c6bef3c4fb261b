#!/usr/bin/env bash
# Sets up what is missing, builds the release bundle (scripts/build.sh) and
# serves dist/ on http://127.0.0.1:8080 as a static host would. Extra
# arguments go to the build (e.g. --public-url /course/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh" "$@"
log "serving dist/ on http://127.0.0.1:8080 (Ctrl-C to stop)"
exec python3 "$ROOT/scripts/serve_dist.py" 8080 "$ROOT/dist"
