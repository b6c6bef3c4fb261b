#!/usr/bin/env bash
# Performance figures beside their budgets (first-load size, load to ready
# against a static page, Lighthouse, interaction to paint): sets up what is
# missing (the browser, and the script's own npm packages in
# scripts/perf/node_modules), builds the release bundle, serves it and the
# static baseline from one server, and prints one table.
#   scripts/perf.sh [--no-build] [--loads N] [--only size,load,lighthouse,interaction]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi
"$ROOT/scripts/setup.sh" --browser
if [[ ! -d scripts/perf/node_modules/lighthouse || ! -d scripts/perf/node_modules/puppeteer-core ]]; then
  log "installing the performance script's packages (lighthouse, puppeteer-core)"
  npm ci --prefix scripts/perf --no-audit --no-fund
fi
if [[ $build == 1 ]]; then "$ROOT/scripts/build.sh" >target/perf-build.log 2>&1 || { cat target/perf-build.log; exit 1; }; fi
[[ -f dist/index.html ]] || { log "dist/ is missing: run scripts/build.sh"; exit 1; }

# The static baseline: the same lessons as plain HTML, with the app's stylesheet.
css=$(grep -o 'href="[^"]*app-[0-9a-f]*\.css"' dist/index.html | head -1 | sed 's/href="//; s/"$//')
rm -rf target/perf/static
cargo run --quiet --bin export -- static-pages target/perf/static "$css" >/dev/null
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const f of fs.readdirSync(process.argv[1])) {
    const p = process.argv[1] + "/" + f, d = fs.readFileSync(p);
    fs.writeFileSync(p + ".gz", zlib.gzipSync(d, { level: 9 }));
    fs.writeFileSync(p + ".br", zlib.brotliCompressSync(d));
  }' target/perf/static

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 scripts/serve_dist.py "$port" dist "__static=target/perf/static" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
CHROMIUM=${CHROMIUM:-/usr/bin/chromium} node scripts/perf/perf.mjs "http://127.0.0.1:$port" dist "$@"
