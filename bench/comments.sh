#!/usr/bin/env bash
# Comment POSTs per second against the release build (issue 11's target: 2,000/s on SQLite;
# WordPress takes 78–99/s on this machine). One anonymous reader's form is fetched with curl
# (its session cookie, CSRF token and form stamp), then wrk POSTs the comment form of the seed
# article over and over, each with a text of its own so the duplicate check passes. Each 303
# is one committed comment (held for moderation, as a first comment from a new address is).
# The form's minimum age and the flood interval are set to 0 for the run. Needs wrk and curl.
# DATABASE_URL=postgres://… to run it on PostgreSQL (an empty database). BIN=path: see below.
# Each comment mails the moderators. With no SMTP server the mails are .eml files in the
# outbox folder, which here is on tmpfs (/dev/shm), standing in for the mail server a real
# site sends to: on this machine's ext4, creating a file per mail took a third of the CPU
# (the kernel's inode allocation). MAIL_ON_DISK=1 keeps the outbox in the data folder.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8099}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
DATA=$(mktemp -d)
BASE=http://127.0.0.1:$PORT
ARTICLE=/posts/exosome-therapy-skin-rejuvenation
# BIN=path runs a binary built elsewhere (e.g. an older commit's, for a comparison).
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/glowpress
fi
export GLOWPRESS_DATA_DIR=$DATA GLOWPRESS_BIND=127.0.0.1:$PORT RUST_LOG=warn
export GLOWPRESS_COMMENT_MIN_SECONDS=0 GLOWPRESS_COMMENT_FLOOD_SECONDS=0
OUTBOX=
if [ -z "${MAIL_ON_DISK:-}" ] && [ -d /dev/shm ]; then
  OUTBOX=$(mktemp -d /dev/shm/glowpress-outbox.XXXXXX)
  ln -s "$OUTBOX" "$DATA/outbox"
fi
"$BIN" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA" ${OUTBOX:+"$OUTBOX"}' EXIT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

page=$(curl -s -c "$DATA/jar" "$BASE$ARTICLE")
TOKEN=$(echo "$page" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | cut -d'"' -f4)
STAMP=$(echo "$page" | grep -o 'name="stamp" value="[^"]*"' | head -1 | cut -d'"' -f4)
COOKIE=$(awk '$6 == "glowpress_session" { print $6 "=" $7 }' "$DATA/jar")
[ -n "$TOKEN" ] && [ -n "$STAMP" ] || { echo "no comment form on $ARTICLE" >&2; exit 1; }

cat > "$DATA/comment.lua" <<LUA
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local sent = 0
function request()
  sent = sent + 1
  local text = "Benchmark comment " .. thread_id .. "-" .. sent ..
    ": my skin felt calmer after a week of this routine."
  local body = "csrf_token=$TOKEN&stamp=" .. wrk.escape("$STAMP") ..
    "&website_confirm=&author=Bench+Reader&email=bench%40example.com&url=" ..
    "&comment=" .. wrk.escape(text)
  return wrk.format("POST", "$ARTICLE/comments", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "$COOKIE",
  }, body)
end
LUA
# wrk.escape is not in wrk's Lua API: it is defined here.
sed -i '1i function wrk.escape(s) return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end)) end' "$DATA/comment.lua"

echo "== one POST by hand (expect 303):"
curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -b "$DATA/jar" \
  --data-urlencode "csrf_token=$TOKEN" --data-urlencode "stamp=$STAMP" --data-urlencode "website_confirm=" \
  --data-urlencode "author=Bench Reader" --data-urlencode "email=bench@example.com" --data-urlencode "url=" \
  --data-urlencode "comment=The first benchmark comment, posted by hand." "$BASE$ARTICLE/comments"
echo "== comment POSTs: wrk -t2 -c$CONNECTIONS -d$DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$DATA/comment.lua" "$BASE" \
  | grep -E "Latency|Requests/sec|50%|99%|requests in|Non-2xx"
