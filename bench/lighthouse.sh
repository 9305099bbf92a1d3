#!/usr/bin/env bash
# Lighthouse (mobile profile: a mid-range phone on a throttled 4G link, simulated) on the
# article with 50 threaded comments, the shop, and the cart holding 3 products, in Debian's
# /usr/bin/chromium. Prints the four scores of each page and, for a score under 100, the
# audits that cost it. Reports (HTML and JSON) are kept in bench/lighthouse/reports/.
#   bash bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PORT=${PORT:-8098}
BASE=http://127.0.0.1:$PORT
LH=bench/lighthouse
[ -d "$LH/node_modules/lighthouse" ] || npm --prefix "$LH" ci --silent --no-audit --no-fund
prepare_site
export GLOWPRESS_BIND=127.0.0.1:$PORT
if curl -s -o /dev/null "$BASE/"; then echo "port $PORT is taken: stop what runs there" >&2; exit 1; fi
"$BIN" >/dev/null 2>&1 &
PIDS="$PIDS $!"
until curl -sf -o /dev/null "$BASE/healthz"; do sleep 0.05; done

ARTICLE=/posts/exosome-therapy-skin-rejuvenation
JAR=$WORK/jar
log_in "$BASE" "$JAR" bench "$PASSWORD"
post_threaded_comments "$BASE" "$JAR" "$ARTICLE" 50 >/dev/null
# A guest shopper with 3 products in the cart.
CART_JAR=$WORK/cart-jar
for slug in gentle-cleanser hydrating-serum soothing-gel; do
  page=$(curl -s -b "$CART_JAR" -c "$CART_JAR" "$BASE/shop/$slug")
  curl -s -o /dev/null -b "$CART_JAR" -c "$CART_JAR" \
    -d "csrf_token=$(echo "$page" | field_value csrf_token)&product_id=$(echo "$page" | field_value product_id)&quantity=1&return_to=/shop" \
    "$BASE/cart/items"
done
CART_COOKIE=$(awk '$6 == "glowpress_session" { print $6 "=" $7 }' "$CART_JAR")

mkdir -p "$LH/reports"
export CHROME_PATH=/usr/bin/chromium
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
printf '%-8s %12s %14s %15s %5s\n' page Performance Accessibility "Best Practices" SEO
for page in article shop cart; do
  case $page in
    article) path=$ARTICLE; headers='{}' ;;
    shop) path=/shop; headers='{}' ;;
    cart) path=/cart; headers="{\"Cookie\": \"$CART_COOKIE\"}" ;;
  esac
  "$LH/node_modules/.bin/lighthouse" "$BASE$path" --quiet --chrome-flags="$FLAGS" \
    --extra-headers="$headers" --output=json --output=html \
    --output-path="$LH/reports/$page" >/dev/null 2>"$WORK/lighthouse-$page.log" ||
    { cat "$WORK/lighthouse-$page.log" >&2; exit 1; }
  node -e '
    const r = require(process.argv[1]);
    const c = r.categories, s = (k) => Math.round(c[k].score * 100);
    console.log(`${process.argv[2].padEnd(8)} ${String(s("performance")).padStart(12)} ${String(s("accessibility")).padStart(14)} ${String(s("best-practices")).padStart(15)} ${String(s("seo")).padStart(5)}`);
    for (const [k, cat] of Object.entries(c)) {
      if (cat.score === 1) continue;
      for (const ref of cat.auditRefs) {
        const a = r.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`         ${k}: ${a.id} (${a.score}) ${a.displayValue ?? ""}`);
      }
    }' "$PWD/$LH/reports/$page.report.json" "$page"
done
echo "reports: $LH/reports/"
