#!/usr/bin/env bash
# Screenshots of routes at 1280 and 375 px, light and dark, into
# target/screenshots/ (for looking at the app; not a test).
#   scripts/screenshots.sh [path ...]     default: every route
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
out=target/screenshots
mkdir -p "$out"
port=8097
python3 scripts/serve_dist.py $port dist &
server=$!
trap 'kill $server' EXIT
sleep 0.5
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
  paths=(/ /quiz /simulators/canary /simulators/migration /runbooks /checklists /assignments /review /progress /glossary /game-day)
  for f in content/lessons/*.md content/examples/*.md content/playbooks/*.md content/exercises/*.md; do
    paths+=("/learn/$(basename "$f" .md)")
  done
fi
for p in "${paths[@]}"; do
  name=$(echo "$p" | sed 's#^/##; s#[/?=&]#_#g'); name=${name:-home}
  for scheme in light dark; do
    for w in 1280 375; do
      h=$([ $w = 375 ] && echo 812 || echo 900)
      chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
        --disable-background-networking --disable-component-update --no-first-run \
        --force-prefers-color-scheme=$scheme --blink-settings=preferredColorScheme=$([ $scheme = dark ] && echo 0 || echo 1) \
        --window-size=$w,$h --virtual-time-budget=4000 \
        --screenshot="$out/${name}-${w}-${scheme}.png" "http://127.0.0.1:$port$p" >/dev/null 2>&1 || true
    done
  done
done
echo "screenshots in $out/"
