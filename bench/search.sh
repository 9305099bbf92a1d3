#!/usr/bin/env bash
# Does search slow down as the site grows? Two sites from `glowpress generate`, SMALL posts
# (default 100) and LARGE posts (default 100,000), each with a tenth as many products, are
# searched in turns (small, large, small, large …) with wrk, and the ratio printed.
# SQLite by default; PG_URL=postgres://postgres@127.0.0.1:5432 runs the same on PostgreSQL
# (two databases are created there and dropped after). Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-100}
LARGE=${LARGE:-100000}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-4}
QUERIES=${QUERIES:-"skin barrier+ceramide dermatologist+winter+habit zzzz"}
PG_URL=${PG_URL:-}
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/glowpress
WORK=$(mktemp -d)
PIDS=""
cleanup() {
  kill $PIDS 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$PG_URL" ]; then
    for size in "$SMALL" "$LARGE"; do psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS glowpress_bench_$size" || true; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_site() { # size port
  local size=$1 port=$2 dir=$WORK/$1
  mkdir -p "$dir"
  export GLOWPRESS_DATA_DIR=$dir RUST_LOG=warn
  if [ -n "$PG_URL" ]; then
    psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS glowpress_bench_$size" -c "CREATE DATABASE glowpress_bench_$size"
    export DATABASE_URL=$PG_URL/glowpress_bench_$size
  else
    unset DATABASE_URL
  fi
  echo "== $size posts: $($BIN generate --posts "$size" --comments 0 --products $((size / 10)))"
  GLOWPRESS_BIND=127.0.0.1:$port $BIN >/dev/null 2>&1 &
  PIDS="$PIDS $!"
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
}

start_site "$SMALL" 8211
start_site "$LARGE" 8212

measure() { # port query -> "rps p50 p99 bytes"
  local url="http://127.0.0.1:$1/search?q=$2" out bytes
  bytes=$(curl -s "$url" | wc -c)
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') \
$(echo "$out" | awk '$1 == "50%" {print $2}') \
$(echo "$out" | awk '$1 == "99%" {print $2}') $bytes"
}

printf "\n%-22s %8s %10s %9s %9s %10s %9s %9s %7s\n" query bytes "r/s $SMALL" p50 p99 "r/s $LARGE" p50 p99 ratio
for query in $QUERIES; do
  for _ in $(seq "$ROUNDS"); do
    read -r small_rps small_p50 small_p99 small_bytes <<<"$(measure 8211 "$query")"
    read -r large_rps large_p50 large_p99 large_bytes <<<"$(measure 8212 "$query")"
    ratio=$(awk -v a="$large_rps" -v b="$small_rps" 'BEGIN { printf "%.2f", a / b }')
    printf "%-22s %8s %10s %9s %9s %10s %9s %9s %7s\n" "$query" "$small_bytes/$large_bytes" \
      "$small_rps" "$small_p50" "$small_p99" "$large_rps" "$large_p50" "$large_p99" "$ratio"
  done
done
echo "(ratio = requests/s at $LARGE posts ÷ at $SMALL posts; 0.50 or more is within 2×)"
