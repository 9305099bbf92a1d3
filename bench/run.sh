#!/usr/bin/env bash
# The page benchmark of issue 11, in one command: builds the release binary, starts it on a
# fresh demo site (the seed article has 50 threaded comments), saves each page's HTML and
# serves the same bytes from nginx, then measures glowpress and nginx in turns with wrk and
# prints requests/s, p50, p99 and the ratio glowpress ÷ nginx. Also: start-up time to the
# first 200 on the existing database, and glowpress's peak resident memory under the load.
# DATABASE_URL=postgres://… runs it on PostgreSQL (an empty database). Needs wrk, curl and
# nginx (apt-get install wrk curl nginx-light). Every wrk run lasts DURATION (default 5s).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PORT=${PORT:-8097}
NGINX_PORT=${NGINX_PORT:-8096}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-1}
BASE=http://127.0.0.1:$PORT
prepare_site
export GLOWPRESS_BIND=127.0.0.1:$PORT

start_glowpress() {
  local started; started=$(date +%s%N)
  "$BIN" >/dev/null 2>&1 &
  SERVER=$!
  PIDS="$PIDS $SERVER"
  until curl -sf -o /dev/null "$BASE/"; do sleep 0.01; done
  STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}
if curl -s -o /dev/null "$BASE/"; then echo "port $PORT is taken: stop what runs there" >&2; exit 1; fi
start_glowpress
# Start-up on an existing database: stop and start again.
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
start_glowpress

ARTICLE=/posts/exosome-therapy-skin-rejuvenation
# A logged-in reader with 3 products in the cart.
JAR=$WORK/jar
log_in "$BASE" "$JAR" bench "$PASSWORD"
for slug in gentle-cleanser hydrating-serum soothing-gel; do
  page=$(curl -s -b "$JAR" -c "$JAR" "$BASE/shop/$slug")
  product=$(echo "$page" | field_value product_id)
  token=$(echo "$page" | field_value csrf_token)
  curl -s -o /dev/null -b "$JAR" -c "$JAR" -d "csrf_token=$token&product_id=$product&quantity=1&return_to=/shop" "$BASE/cart/items"
done
COOKIE=$(awk '$6 == "glowpress_session" { print $6 "=" $7 }' "$JAR")

# 50 threaded comments on the article, from the logged-in reader (approved at once).
echo "posted $(post_threaded_comments "$BASE" "$JAR" "$ARTICLE" 50) comments"
ITEMS=$(curl -s -H "Cookie: $COOKIE" "$BASE/cart" | grep -o 'class="cart-line"' | wc -l)

# name|path|cookie|connections
CASES=(
  "article, anonymous|$ARTICLE||32"
  "article, anonymous, 1 conn|$ARTICLE||1"
  "article, logged in, 3 in cart|$ARTICLE|$COOKIE|32"
  "home|/||32"
  "shop|/shop||32"
  "cart, logged in|/cart|$COOKIE|32"
)

mkdir -p "$WORK/static"
# nginx's workers run as an unprivileged user: they must be able to read the copies.
chmod 755 "$WORK" "$WORK/static"
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
  }
}
NGINX
n=0
for case in "${CASES[@]}"; do
  IFS='|' read -r _ path cookie _ <<<"$case"
  n=$((n + 1))
  curl -s ${cookie:+-H "Cookie: $cookie"} "$BASE$path" > "$WORK/static/$n.html"
done
chmod 644 "$WORK"/static/*.html
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/1.html" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/1.html" || { cat "$WORK/nginx-error.log"; exit 1; }

PEAK_KB=0
watch_rss() {
  while kill -0 "$SERVER" 2>/dev/null; do
    awk '/VmHWM/ {print $2}' "/proc/$SERVER/status" > "$WORK/hwm" 2>/dev/null || true
    sleep 0.5
  done
}
watch_rss &
PIDS="$PIDS $!"

printf "\n%-32s %7s %10s %9s %9s %10s %8s\n" page bytes glowpress p50 p99 nginx ratio
n=0
for case in "${CASES[@]}"; do
  IFS='|' read -r name path cookie connections <<<"$case"
  n=$((n + 1))
  bytes=$(wc -c < "$WORK/static/$n.html")
  for _ in $(seq "$ROUNDS"); do
    read -r rps p50 p99 <<<"$(measure "$BASE$path" "$connections" "$cookie")"
    read -r nginx_rps _ _ <<<"$(measure "http://127.0.0.1:$NGINX_PORT/$n.html" "$connections" "")"
    ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.3f", a / b }')
    printf "%-32s %7s %10s %9s %9s %10s %8s\n" "$name" "$bytes" "$rps" "$p50" "$p99" "$nginx_rps" "$ratio"
  done
done
echo
echo "cart lines of the logged-in reader: $ITEMS"
echo "start-up to the first 200 on an existing database: ${STARTUP_MS} ms"
echo "peak resident memory of glowpress: $(( $(cat "$WORK/hwm" 2>/dev/null || echo 0) / 1024 )) MiB"
