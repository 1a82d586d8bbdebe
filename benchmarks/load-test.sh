#!/usr/bin/env bash
# Load test of the sample catalog application: cache off, cache on, and cache on with a Redis outage in the middle.
#
# Builds the sample application and the load driver, starts its own redis-server on a free loopback port (never
# 6379), starts the sample application against it with a 10,000-product catalog and a simulated database latency,
# drives GET /products/{id} with zipf-distributed ids, and stops everything it started on exit.
#
# Environment: DURATION (measured seconds, 30), WARMUP (seconds, 10), CONCURRENCY (32), RATE (requests/s offered in
# the measured window, open loop; 0 = closed loop, the default), DB_LATENCY (20ms),
# ZIPF (1.0), CATALOG (10000), OUTAGE_AT / OUTAGE_FOR (seconds into the outage run, 10 / 10),
# OUTAGE_APP_ARGS (extra application arguments for the outage run), SKIP_BUILD=1, SCENARIOS ("off on outage"; also "redis": cache on with the sample's L1 off).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-10}"
CONCURRENCY="${CONCURRENCY:-32}"
RATE="${RATE:-0}"
DB_LATENCY="${DB_LATENCY:-20ms}"
ZIPF="${ZIPF:-1.0}"
CATALOG="${CATALOG:-10000}"
OUTAGE_AT="${OUTAGE_AT:-10}"
OUTAGE_FOR="${OUTAGE_FOR:-10}"
OUTAGE_APP_ARGS="${OUTAGE_APP_ARGS:-}"
SCENARIOS="${SCENARIOS:-off on outage}"
WORK="$(mktemp -d /tmp/cache-starter-load.XXXXXX)"
RESULTS="${RESULTS:-$ROOT/benchmarks/results/load-test.md}"

REDIS_PID=""
APP_PID=""
DRIVER_PID=""

stop_pid() {
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  stop_pid "$DRIVER_PID"
  stop_pid "$APP_PID"
  stop_pid "$REDIS_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  (cd "$ROOT" && mvn -o -q -B -pl benchmarks,sample-app -am package -DskipTests)
fi
"$ROOT/scripts/ensure-redis.sh" >/dev/null
REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"
APP_JAR="$(ls "$ROOT"/sample-app/target/sample-app-*-exec.jar | head -1)"
DRIVER_JAR="$ROOT/benchmarks/target/benchmarks.jar"
REDIS_PORT="$(free_port)"
APP_PORT="$(free_port)"
[ "$REDIS_PORT" != "6379" ] || REDIS_PORT="$(free_port)"

start_redis() {
  "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --protected-mode no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server did not start on port $REDIS_PORT" >&2
  exit 1
}

start_app() {
  local name="$1"
  shift
  java -Xms512m -Xmx512m -jar "$APP_JAR" --server.port="$APP_PORT" \
    --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
    --spring.sql.init.data-locations="file:$ROOT/benchmarks/load-data.sql" \
    --catalog.db-latency="$DB_LATENCY" --logging.level.root=warn "$@" >"$WORK/app-$name.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$APP_PORT/products/1" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$APP_PID" 2>/dev/null; then
      echo "the sample application ($name) stopped; its log:" >&2
      tail -50 "$WORK/app-$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "the sample application ($name) did not answer within 150 s" >&2
  exit 1
}

stop_app() {
  stop_pid "$APP_PID"
  APP_PID=""
}

drive() {
  local label="$1"
  java -cp "$DRIVER_JAR" io.cachestarter.benchmarks.load.LoadDriver --url="http://127.0.0.1:$APP_PORT" \
    --label="$label" --duration="$DURATION" --warmup="$WARMUP" --concurrency="$CONCURRENCY" --rate="$RATE" \
    --catalog="$CATALOG" --zipf="$ZIPF" --out="$WORK/rows.md"
}

start_redis
echo "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT; sample application on 127.0.0.1:$APP_PORT"
echo "DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=$CONCURRENCY DB_LATENCY=$DB_LATENCY ZIPF=$ZIPF CATALOG=$CATALOG"

for scenario in $SCENARIOS; do
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  case "$scenario" in
    off)
      start_app off --cache-starter.enabled=false --spring.cache.type=none
      drive "cache off"
      ;;
    on)
      start_app on
      drive "cache on"
      ;;
    redis)
      # The sample turns L1 on for products: this is the same cache with Redis only.
      start_app redis --cache-starter.caches.products.local.enabled=false
      drive "cache on, Redis only (L1 off)"
      ;;
    outage)
      # shellcheck disable=SC2086
      start_app outage $OUTAGE_APP_ARGS
      drive "cache on, Redis killed at $((WARMUP + OUTAGE_AT)) s for $OUTAGE_FOR s${OUTAGE_APP_ARGS:+ ($OUTAGE_APP_ARGS)}" &
      DRIVER_PID=$!
      sleep "$((WARMUP + OUTAGE_AT))"
      echo ">>> kill -9 redis-server (pid $REDIS_PID) at $(date +%T)"
      kill -9 "$REDIS_PID"
      wait "$REDIS_PID" 2>/dev/null || true
      sleep "$OUTAGE_FOR"
      echo ">>> restarting redis-server on port $REDIS_PORT at $(date +%T)"
      start_redis
      wait "$DRIVER_PID"
      DRIVER_PID=""
      ;;
    *)
      echo "unknown scenario $scenario" >&2
      exit 1
      ;;
  esac
  stop_app
done

{
  echo
  echo "<!-- $(date -u +%FT%TZ) commit $(git -C "$ROOT" rev-parse --short HEAD) DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=$CONCURRENCY DB_LATENCY=$DB_LATENCY ZIPF=$ZIPF CATALOG=$CATALOG -->"
  echo "| scenario | requests | seconds | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | hit ratio | db queries/s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
  cat "$WORK/rows.md"
} | tee -a "$RESULTS"
