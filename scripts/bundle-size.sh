#!/usr/bin/env bash
# Prints the release bundle: every file in dist/ with its raw and gzip size,
# and the first-load total (what the home page needs). Run scripts/build.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
python3 "$ROOT/scripts/bundle_size.py" "$ROOT/dist"
