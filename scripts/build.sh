#!/usr/bin/env bash
# Release build into dist/: the reader, tools and home builds (Trunk,
# offline: it uses the installed tools only), then scripts/postbuild.mjs
# makes one deployable dist/ of them (route entries, CSP, service worker,
# .gz/.br).
# Extra arguments go to every `trunk build`, e.g. --public-url /course/.
# DIST=other/dir puts the result elsewhere (the tests build a sub-path copy).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p target
DIST="${DIST:-dist}"
TOOLS_DIST="target/$(basename "$DIST")-tools"
HOME_DIST="target/$(basename "$DIST")-home"
check_log() {
  # Prove Trunk used the installed tools and downloaded nothing.
  if grep -qiE "download(ing)? (wasm|binaryen|the)" "$1"; then
    log "trunk tried to download a tool: see $1"
    exit 1
  fi
}
log "building the reader (course map, lessons, glossary, search) into $DIST/"
trunk build index.html --release=true --offline=true --dist "$DIST" "$@" 2>&1 | tee target/trunk-build.log
check_log target/trunk-build.log
# The tools and home builds' pages are index.html with another binary
# (generated, so they can never drift apart; Trunk resolves paths from the
# page's folder).
for build in tools home; do
  sed "s/data-bin=\"rollback-lab\"/data-bin=\"rollback-lab-$build\"/" index.html > $build.html
  grep -q "data-bin=\"rollback-lab-$build\"" $build.html || { log "index.html has no data-bin=\"rollback-lab\""; exit 1; }
done
log "building the tools (quiz, simulators, practice) into $TOOLS_DIST/"
trunk build tools.html --release=true --offline=true --dist "$TOOLS_DIST" "$@" 2>&1 | tee target/trunk-build-tools.log
check_log target/trunk-build-tools.log
log "building the home page (the course map alone) into $HOME_DIST/"
trunk build home.html --release=true --offline=true --dist "$HOME_DIST" "$@" 2>&1 | tee target/trunk-build-home.log
check_log target/trunk-build-home.log
log "listing the routes"
cargo run --quiet --bin export -- routes > target/routes.tsv
cargo run --quiet --bin export -- search-index > target/search-index.json
# Each page's prose, written into its first paint for the app to adopt; its
# links carry the base path Trunk was given (--public-url).
base=$(grep -o '<base href="[^"]*"' "$DIST/index.html" | head -1 | cut -d'"' -f2 || true)
[ -n "$base" ] || { log "$DIST/index.html has no <base href>"; exit 1; }
PROSE="target/prose-$(basename "$DIST").json"
cargo run --quiet --bin export -- prose "$base" > "$PROSE"
node scripts/postbuild.mjs "$DIST" "$TOOLS_DIST" "$HOME_DIST" target/routes.tsv target/search-index.json "$PROSE"
