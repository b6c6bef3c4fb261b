#!/bin/sh
# Trunk post-build hook: make dist/ deployable to any static host.
# 404.html is the app itself, so a deep link (/learn/...) that the host does
# not know still boots the app, which then renders the right page.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cp "$dir/index.html" "$dir/404.html"
