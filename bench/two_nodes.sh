#!/usr/bin/env bash
# The article page (50 threaded comments, anonymous reader) through nginx as a load
# balancer: one node direct, one node behind nginx, two nodes behind nginx (round robin,
# keep-alive to the upstreams), measured in turns with wrk at 32 connections. Both nodes
# share one site: the same data dir and SQLite file, or DATABASE_URL=postgres://… (an empty
# database). On a 2-core machine the nodes, nginx and wrk share the same two cores, so this
# shows the proxy's overhead, not a speed-up: a second node helps when it has cores of its
# own. Needs wrk, curl and nginx (apt-get install wrk curl nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PORT_A=${PORT_A:-8101}
PORT_B=${PORT_B:-8102}
LB_ONE=${LB_ONE:-8103}
LB_TWO=${LB_TWO:-8104}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
prepare_site
for port in "$PORT_A" "$PORT_B" "$LB_ONE" "$LB_TWO"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken" >&2; exit 1; fi
done
start_node() { # port
  GLOWPRESS_BIND=127.0.0.1:$1 "$BIN" >/dev/null 2>&1 &
  PIDS="$PIDS $!"
  until curl -sf -o /dev/null "http://127.0.0.1:$1/healthz"; do sleep 0.05; done
}
start_node "$PORT_A"
start_node "$PORT_B"

ARTICLE=/posts/exosome-therapy-skin-rejuvenation
JAR=$WORK/jar
log_in "http://127.0.0.1:$PORT_A" "$JAR" bench "$PASSWORD"
echo "posted $(post_threaded_comments "http://127.0.0.1:$PORT_A" "$JAR" "$ARTICLE" 50) comments on node A"

cat > "$WORK/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream one_node { server 127.0.0.1:$PORT_A; keepalive 64; }
  upstream two_nodes { server 127.0.0.1:$PORT_A; server 127.0.0.1:$PORT_B; keepalive 64; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$host;
  proxy_buffers 16 16k;
  server { listen 127.0.0.1:$LB_ONE; location / { proxy_pass http://one_node; } }
  server { listen 127.0.0.1:$LB_TWO; location / { proxy_pass http://two_nodes; } }
}
NGINX
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$LB_TWO/healthz" && break; sleep 0.1; done

# Both nodes must serve the same page (node B learned of the comments from the database).
a=$(curl -s "http://127.0.0.1:$PORT_A$ARTICLE" | grep -o 'class="comment__body"' | wc -l)
b=$(curl -s "http://127.0.0.1:$PORT_B$ARTICLE" | grep -o 'class="comment__body"' | wc -l)
echo "comment bodies on node A: $a, on node B: $b"

printf "\n%-30s %10s %9s %9s %8s\n" "article, anonymous, ${CONNECTIONS} conn" "r/s" p50 p99 "÷ direct"
for _ in $(seq "$ROUNDS"); do
  read -r direct p50 p99 <<<"$(measure "http://127.0.0.1:$PORT_A$ARTICLE" "$CONNECTIONS")"
  printf "%-30s %10s %9s %9s %8s\n" "one node, direct" "$direct" "$p50" "$p99" "1.000"
  for row in "one node behind nginx|$LB_ONE" "two nodes behind nginx|$LB_TWO"; do
    IFS='|' read -r name port <<<"$row"
    read -r rps p50 p99 <<<"$(measure "http://127.0.0.1:$port$ARTICLE" "$CONNECTIONS")"
    ratio=$(awk -v a="$rps" -v b="$direct" 'BEGIN { printf "%.3f", a / b }')
    printf "%-30s %10s %9s %9s %8s\n" "$name" "$rps" "$p50" "$p99" "$ratio"
  done
done
echo
echo "nodes: A on $PORT_A, B on $PORT_B; database: ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite in $GLOWPRESS_DATA_DIR}"
