#!/usr/bin/env bash
# Does a page view slow down while logins are being hashed? Runs wrk against an article
# twice against the release build: once alone, once while LOGIN_LOOPS (default 1) loops
# log in (each login is one Argon2id verify, ~25 ms of CPU). Needs wrk and curl (apt-get install wrk curl).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8099}
DATA=$(mktemp -d)
BASE=http://127.0.0.1:$PORT
PAGE=$BASE/posts/exosome-therapy-skin-rejuvenation
cargo build --release --quiet
export GLOWPRESS_DATA_DIR=$DATA GLOWPRESS_BIND=127.0.0.1:$PORT RUST_LOG=warn
GLOWPRESS_ADMIN_PASSWORD='velvet kettle orbits lazily' \
  ./target/release/glowpress create-admin --username bench --email bench@example.com >/dev/null
./target/release/glowpress >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER ${LOOPS:-} 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

login_loop() {
  local jar; jar=$(mktemp)
  for _ in $(seq 1 "$1"); do
    local token
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | cut -d'"' -f4)
    curl -s -o /dev/null -c "$jar" -b "$jar" -d "csrf_token=$token&login=bench&password=velvet+kettle+orbits+lazily" "$BASE/login"
    rm -f "$jar"
  done
}

echo "== one login (GET form + POST with one Argon2id verify), 10 in a row:"
start=$(date +%s%N); login_loop 10; end=$(date +%s%N)
echo "   $(( (end - start) / 10000000 )) ms per login round trip"

echo "== page views alone:"
wrk -t2 -c16 -d10s --latency "$PAGE" | grep -E "Latency|Requests/sec|50%|99%"

LOGIN_LOOPS=${LOGIN_LOOPS:-1}
echo "== page views while $LOGIN_LOOPS loop(s) log in:"
LOOPS=""
for _ in $(seq 1 "$LOGIN_LOOPS"); do login_loop 100000 & LOOPS="$LOOPS $!"; done
sleep 1
wrk -t2 -c16 -d10s --latency "$PAGE" | grep -E "Latency|Requests/sec|50%|99%"
kill $LOOPS 2>/dev/null || true
