# Shared by the bench scripts (sourced, not run).

PASSWORD='velvet kettle orbits lazily'
PIDS=""

# A fresh site for one run: WORK (a temp dir), BIN (the release build), the data dir in
# WORK, the comment form's timing checks off (comments are posted back to back), and the
# administrator "bench" with PASSWORD. `cleanup` runs on exit.
prepare_site() {
  WORK=$(mktemp -d)
  cargo build --release --quiet
  BIN=$(realpath "${CARGO_TARGET_DIR:-target}")/release/glowpress
  export GLOWPRESS_DATA_DIR=$WORK/data RUST_LOG=warn
  export GLOWPRESS_COMMENT_MIN_SECONDS=0 GLOWPRESS_COMMENT_FLOOD_SECONDS=0
  GLOWPRESS_ADMIN_PASSWORD=$PASSWORD "$BIN" create-admin --username bench --email bench@example.com >/dev/null
  trap cleanup EXIT
}

# Stops what the run started (PIDS, and nginx if it has a pid file in WORK), removes WORK.
cleanup() {
  kill $PIDS 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

# The value of the first hidden field `name` in the HTML on stdin.
field_value() {
  grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | cut -d'"' -f4
}

# Logs `user` in through the login form, keeping the session in the cookie jar `jar`.
log_in() { # base jar user password
  local token
  token=$(curl -s -c "$2" "$1/login" | field_value csrf_token)
  curl -s -o /dev/null -b "$2" -c "$2" --data-urlencode "csrf_token=$token" \
    --data-urlencode "login=$3" --data-urlencode "password=$4" "$1/login"
}

# `count` threaded comments on `article` by the reader in `jar` (approved at once when an
# editor or an approved commenter): each answers the post or one of the comments before it,
# up to a few levels deep. Prints how many were posted.
post_threaded_comments() { # base jar article count
  local ids=() i page token stamp parent where id
  for i in $(seq "$4"); do
    page=$(curl -s -b "$2" -c "$2" "$1$3")
    token=$(echo "$page" | field_value csrf_token)
    stamp=$(echo "$page" | field_value stamp)
    parent=""
    if [ "${#ids[@]}" -gt 0 ] && [ $((i % 3)) -ne 0 ]; then parent=${ids[$(( (i * 7) % ${#ids[@]} ))]}; fi
    where=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$2" -c "$2" \
      --data-urlencode "csrf_token=$token" --data-urlencode "stamp=$stamp" \
      --data-urlencode "comment_parent=$parent" \
      --data-urlencode "comment=Comment $i: I tried this for three weeks and my skin feels calmer, though the first days stung a little." \
      "$1$3/comments")
    id=$(echo "$where" | grep -o 'comment-[0-9]*' | cut -d- -f2 || true)
    [ -n "$id" ] && ids+=("$id")
  done
  echo "${#ids[@]}"
}

# "requests/s p50 p99" of wrk on `url` with `connections` (and a Cookie header if given),
# for DURATION.
measure() { # url connections [cookie]
  local out
  out=$(wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$DURATION" --latency ${3:+-H "Cookie: $3"} "$1")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') \
$(echo "$out" | awk '$1 == "50%" {print $2}') $(echo "$out" | awk '$1 == "99%" {print $2}')"
}
