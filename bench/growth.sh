#!/usr/bin/env bash
# Do pages slow down as the site grows? Two sites side by side: SMALL, the demo site (its
# seed article with 50 threaded comments), and LARGE, the same site grown by
# `glowpress generate` to POSTS posts, COMMENTS comments and PRODUCTS products (defaults
# 100,000 / 1,000,000 / 10,000). The same pages are measured on both in turns with wrk
# (CONNECTIONS, default 32; DURATION; ROUNDS) and the ratio large ÷ small printed; then the
# deep pages of the large site (page 5,000 of the home page, the last page of the shop),
# which the small site does not have, against its first pages; then peak RSS. Target: every
# ratio within 1.5×. On SQLite the query plans of those pages' queries are printed
# (bench/query_plans.sql; needs the sqlite3 command). SQLite by default; DATABASE_URL=postgres://… (a database that may be
# dropped and made again) for PostgreSQL. Needs wrk and curl. Generating takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
POSTS=${POSTS:-100000}
COMMENTS=${COMMENTS:-1000000}
PRODUCTS=${PRODUCTS:-10000}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SMALL_PORT=8221
LARGE_PORT=8222
ARTICLE=/posts/exosome-therapy-skin-rejuvenation
PG_URL=${DATABASE_URL:-}
# Each site gets its own database below; prepare_site's admin lands in a scratch SQLite file.
unset DATABASE_URL
prepare_site

# site name port: a data dir (and a PostgreSQL database) of its own, demo content, the bench
# admin, 50 threaded comments on the seed article.
start_site() {
  local name=$1 port=$2
  export GLOWPRESS_DATA_DIR=$WORK/$name
  if [ -n "$PG_URL" ]; then
    local server=${PG_URL%/*}
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS glowpress_growth_$name" -c "CREATE DATABASE glowpress_growth_$name"
    export DATABASE_URL=$server/glowpress_growth_$name
  fi
  GLOWPRESS_ADMIN_PASSWORD=$PASSWORD "$BIN" create-admin --username bench --email bench@example.com >/dev/null
  GLOWPRESS_BIND=127.0.0.1:$port "$BIN" >/dev/null 2>&1 &
  PIDS="$PIDS $!"
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.05; done
  log_in "http://127.0.0.1:$port" "$WORK/$name.jar" bench "$PASSWORD"
  echo "$name: posted $(post_threaded_comments "http://127.0.0.1:$port" "$WORK/$name.jar" "$ARTICLE" 50) comments on the seed article"
}

start_site small "$SMALL_PORT"
start_site large "$LARGE_PORT"
started=$(date +%s)
echo "large: $("$BIN" generate --posts "$POSTS" --comments "$COMMENTS" --products "$PRODUCTS") in $(( $(date +%s) - started )) s"
LARGE_PID=${PIDS##* }

bytes() { curl -s "$1" | wc -c; }

# name|path on both sites
CASES=(
  "home|/"
  "home, page 2|/?page=2"
  "article, 50 comments|$ARTICLE"
  "category archive|/category/routines"
  "shop|/shop"
  "product|/shop/hydrating-serum"
  "search|/search?q=barrier"
)
# The small site has a single page of posts: its page 2 is a 404, so that case compares
# the large site's page 2 with the small site's home.
small_path() { [ "$1" = "/?page=2" ] && echo / || echo "$1"; }

# The first request for each page after the generator ran is a cache miss: its time shows
# what a page costs to make at each size. wrk then measures the kept pages.
declare -A RPS P50 P99 COLD
first_ms() { curl -s -o /dev/null -w '%{time_total}' "$1" | awk '{printf "%.1f", $1 * 1000}'; }
for case in "${CASES[@]}"; do
  IFS='|' read -r name path <<<"$case"
  COLD["$name|small"]=$(first_ms "http://127.0.0.1:$SMALL_PORT$(small_path "$path")")
  COLD["$name|large"]=$(first_ms "http://127.0.0.1:$LARGE_PORT$path")
done
for round in $(seq "$ROUNDS"); do
  for case in "${CASES[@]}"; do
    IFS='|' read -r name path <<<"$case"
    for site in small large; do
      if [ $site = small ]; then url=http://127.0.0.1:$SMALL_PORT$(small_path "$path"); else url=http://127.0.0.1:$LARGE_PORT$path; fi
      read -r rps p50 p99 <<<"$(measure "$url" "$CONNECTIONS")"
      key="$name|$site"
      # The better of the rounds: the machine's speed drifts, never the other way.
      if [ -z "${RPS[$key]:-}" ] || awk "BEGIN {exit !($rps > ${RPS[$key]})}"; then
        RPS[$key]=$rps P50[$key]=$p50 P99[$key]=$p99
      fi
    done
  done
done

echo
echo "| page | bytes small | bytes large | first request small | large | small r/s | p99 | large r/s | p99 | large ÷ small (time per request) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for case in "${CASES[@]}"; do
  IFS='|' read -r name path <<<"$case"
  small=${RPS["$name|small"]} large=${RPS["$name|large"]}
  printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s | %s | %.2f |\n' "$name" \
    "$(bytes "http://127.0.0.1:$SMALL_PORT$(small_path "$path")")" "$(bytes "http://127.0.0.1:$LARGE_PORT$path")" \
    "${COLD["$name|small"]}" "${COLD["$name|large"]}" \
    "$small" "${P99["$name|small"]}" "$large" "${P99["$name|large"]}" "$(awk "BEGIN {print $small / $large}")"
done

# Deep pages of the large site against its own first pages.
LAST_SHOP=$(( (PRODUCTS + 8 + 23) / 24 ))
echo
echo "| large site, deep page | bytes | first request | r/s | p99 | ÷ first page (time per request) |"
echo "|---|---|---|---|---|---|"
for deep in "/?page=5000|home" "/shop?page=$LAST_SHOP|shop" "/category/routines?page=2000|category archive"; do
  IFS='|' read -r path first <<<"$deep"
  cold=$(first_ms "http://127.0.0.1:$LARGE_PORT$path")
  read -r rps _ p99 <<<"$(measure "http://127.0.0.1:$LARGE_PORT$path" "$CONNECTIONS")"
  printf '| %s | %s | %s ms | %s | %s | %.2f |\n' "$path" "$(bytes "http://127.0.0.1:$LARGE_PORT$path")" "$cold" "$rps" "$p99" \
    "$(awk "BEGIN {print ${RPS["$first|large"]} / $rps}")"
done
echo
echo "large site peak RSS: $(awk '/VmHWM/ {print int($2 / 1024) " MiB"}' "/proc/$LARGE_PID/status")"
if [ -z "$PG_URL" ] && command -v sqlite3 >/dev/null; then
  echo
  echo "query plans on the large site (bench/query_plans.sql):"
  sqlite3 "$WORK/large/glowpress.db" < bench/query_plans.sql
fi
if [ -n "$PG_URL" ]; then
  kill $PIDS 2>/dev/null || true; wait 2>/dev/null || true; PIDS=""
  for name in small large; do psql -q "${PG_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS glowpress_growth_$name"; done
fi
