#!/usr/bin/env bash
# The browser tests: builds glowpress, starts it on a free port with a fresh SQLite data dir
# (demo content, an editor account), and runs journeys.mjs in headless Chromium against it.
# Needs /usr/bin/chromium (apt-get install chromium) and Node.js; installs the npm packages
# (playwright-core, axe-core) from package-lock.json when missing. Screenshots go to
# tests/browser/screenshots/ (ignored by git). PROFILE=release runs the release build (what
# `cargo run --release` serves) instead of the debug one.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/browser

profile=${PROFILE:-debug}
case $profile in
  release) cargo build --quiet --release --bin glowpress ;;
  debug) cargo build --quiet --bin glowpress ;;
  *) echo "PROFILE is debug or release, not $profile" >&2; exit 2 ;;
esac
[ -d "$here/node_modules/playwright-core" ] || npm --prefix "$here" ci --silent --no-audit --no-fund

data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bin=target/$profile/glowpress
export GLOWPRESS_DATA_DIR="$data" GLOWPRESS_BIND="127.0.0.1:$port"
# Comments sent back to back are fine here; the 3-second form age stays (a journey meets it).
export GLOWPRESS_COMMENT_FLOOD_SECONDS=0
export GLOWPRESS_BROWSER_EDITOR=editor GLOWPRESS_BROWSER_EDITOR_PASSWORD="browser tests editor 1"
GLOWPRESS_ADMIN_PASSWORD="$GLOWPRESS_BROWSER_EDITOR_PASSWORD" \
  "$bin" create-admin --username editor --email editor@example.com > /dev/null
"$bin" > "$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done
rm -rf "$here/screenshots"
node "$here/journeys.mjs" "http://127.0.0.1:$port"
