#!/usr/bin/env bash
# Throughput of "add to cart" POSTs against the release build: SHOPPERS (default 400) guest
# sessions are prepared with curl (each gets its session cookie, CSRF token and cart), then
# wrk POSTs /cart/items round-robin over them, adding 1 of a product with unlimited stock
# (each 303 is one committed transaction). Every shopper can take 98 more adds before the
# per-line maximum of 99, so the run stays on the success path; wrk reports any other status
# as "Non-2xx or 3xx responses". Needs wrk and curl. DATABASE_URL=postgres://… to run it on
# PostgreSQL (an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8098}
SHOPPERS=${SHOPPERS:-400}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
DATA=$(mktemp -d)
BASE=http://127.0.0.1:$PORT
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/glowpress
export GLOWPRESS_DATA_DIR=$DATA GLOWPRESS_BIND=127.0.0.1:$PORT RUST_LOG=warn
"$BIN" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

PRODUCT=$(curl -s "$BASE/shop/gentle-cleanser" | grep -o 'name="product_id" value="[0-9]*"' | cut -d'"' -f4)
echo "== preparing $SHOPPERS guest shoppers (product $PRODUCT)"
: > "$DATA/shoppers.txt"
for i in $(seq 1 "$SHOPPERS"); do
  jar="$DATA/jar$i"
  token=$(curl -s -c "$jar" "$BASE/shop" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | cut -d'"' -f4)
  curl -s -o /dev/null -b "$jar" -c "$jar" -d "csrf_token=$token&product_id=$PRODUCT&quantity=1&return_to=/shop" "$BASE/cart/items"
  cookie=$(awk '$6 == "glowpress_session" { print $6 "=" $7 }' "$jar")
  printf '%s\t%s\n' "$cookie" "$token" >> "$DATA/shoppers.txt"
done

cat > "$DATA/add.lua" <<LUA
local shoppers = {}
for line in io.lines("$DATA/shoppers.txt") do
  local cookie, token = line:match("([^\t]+)\t([^\t]+)")
  shoppers[#shoppers + 1] = { cookie = cookie, token = token }
end
local next_one = 0
function init(args)
  -- Threads start at different shoppers.
  next_one = math.random(#shoppers)
end
function request()
  next_one = next_one % #shoppers + 1
  local s = shoppers[next_one]
  local body = "csrf_token=" .. s.token .. "&product_id=$PRODUCT&quantity=1&return_to=%2Fshop"
  return wrk.format("POST", "/cart/items", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = s.cookie,
  }, body)
end
LUA

echo "== add to cart: wrk -t2 -c$CONNECTIONS -d$DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$DATA/add.lua" "$BASE" \
  | grep -E "Latency|Requests/sec|50%|99%|requests in|Non-2xx"
echo "== status of one more add (expect 303):"
first=$(head -1 "$DATA/shoppers.txt")
curl -s -o /dev/null -w '%{http_code}\n' -H "Cookie: ${first%%$'\t'*}" \
  -d "csrf_token=${first##*$'\t'}&product_id=$PRODUCT&quantity=1&return_to=/shop" "$BASE/cart/items"

PAGE=$BASE/posts/exosome-therapy-skin-rejuvenation
echo "== article page views, a reader without a cart:"
wrk -t2 -c16 -d5s --latency "$PAGE" | grep -E "Requests/sec|50%|99%"
echo "== article page views, a shopper with a cart (the mini-cart query added):"
wrk -t2 -c16 -d5s --latency -H "Cookie: ${first%%$'\t'*}" "$PAGE" | grep -E "Requests/sec|50%|99%"
