#!/usr/bin/env bash
# Instructions per request, counted by callgrind (repeatable on a noisy machine, unlike
# timings): the release binary runs under valgrind; for each case a few requests warm it,
# the counters are zeroed, N requests are sent (curl, keep-alive), and the count is dumped
# and divided by N. Cases: the article (50 threaded comments) anonymous and logged in with
# 3 in the cart, home, shop, and a comment POST (held for moderation). Needs valgrind and
# curl. N (default 50) requests per case; TOP=n also lists each case's n
# costliest functions; ONLY_POSTS=1 counts the comment POST alone; KEEP=dir keeps the dumps.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PORT=${PORT:-8105}
N=${N:-50}
BASE=http://127.0.0.1:$PORT
prepare_site
export GLOWPRESS_BIND=127.0.0.1:$PORT
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BIN" >/dev/null 2>"$WORK/valgrind.log" &
SERVER=$!
PIDS=$SERVER
# callgrind writes its last dump when the server ends: copy the dumps after that.
keep_dumps_and_clean_up() {
  kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then cp "$WORK"/cg.out.* "$KEEP"/; fi
  cleanup
}
trap keep_dumps_and_clean_up EXIT
until curl -sf -o /dev/null "$BASE/healthz"; do sleep 0.2; done

ARTICLE=/posts/exosome-therapy-skin-rejuvenation
JAR=$WORK/jar
log_in "$BASE" "$JAR" bench "$PASSWORD"
for slug in gentle-cleanser hydrating-serum soothing-gel; do
  page=$(curl -s -b "$JAR" -c "$JAR" "$BASE/shop/$slug")
  curl -s -o /dev/null -b "$JAR" -c "$JAR" -d "csrf_token=$(echo "$page" | field_value csrf_token)&product_id=$(echo "$page" | field_value product_id)&quantity=1&return_to=/shop" "$BASE/cart/items"
done
COOKIE=$(awk '$6 == "glowpress_session" { print $6 "=" $7 }' "$JAR")
echo "posted $(post_threaded_comments "$BASE" "$JAR" "$ARTICLE" 50) comments"

# A guest's comment form, for the POSTs.
page=$(curl -s -c "$WORK/guest" "$BASE$ARTICLE")
TOKEN=$(echo "$page" | field_value csrf_token)
STAMP=$(echo "$page" | field_value stamp)

gets() { # path [cookie]: N GETs on one connection
  local args=()
  for _ in $(seq "$N"); do args+=(-o /dev/null "$BASE$1"); done
  curl -s ${2:+-H "Cookie: $2"} "${args[@]}"
}
comment_posts() {
  local i
  for i in $(seq "$N"); do
    curl -s -o /dev/null -b "$WORK/guest" --data-urlencode "csrf_token=$TOKEN" \
      --data-urlencode "stamp=$STAMP" --data-urlencode "author=Bench Reader" \
      --data-urlencode "email=bench-$RANDOM@example.com" \
      --data-urlencode "comment=Benchmark comment $RANDOM-$i: my skin felt calmer after a week." \
      "$BASE$ARTICLE/comments"
  done
}
count() { # name command...: instructions per request of the command's N requests
  local name=$1; shift
  "$@"  # warm
  callgrind_control -z "$SERVER" >/dev/null 2>&1
  "$@"
  callgrind_control -d "$SERVER" >/dev/null 2>&1
  local dump; dump=$(ls -t "$WORK"/cg.out.* | head -1)
  local total; total=$(awk '/^(summary|totals):/ {print $2}' "$dump" | tail -1)
  printf "%-32s %12s\n" "$name" "$(( total / N ))"
  # TOP=n: the n functions that cost most (inclusive), for the profile of each case.
  if [ -n "${TOP:-}" ]; then
    callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | grep -E '^ *[0-9,]+ ' | head -"$TOP" | cut -c1-160 || true
  fi
}
printf "%-32s %12s\n" request instructions
# What runs without requests (the content watch reads the versions every 20 ms), per N.
idle() { sleep 1; }
count "nothing, 1 s (background)" idle
if [ -z "${ONLY_POSTS:-}" ]; then
  count "article, anonymous" gets "$ARTICLE"
  count "article, logged in, 3 in cart" gets "$ARTICLE" "$COOKIE"
  count "home" gets /
  count "shop" gets /shop
  count "cart, logged in" gets /cart "$COOKIE"
fi
count "comment POST (held)" comment_posts
