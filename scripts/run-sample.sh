#!/usr/bin/env bash
# Runs the sample app (sample-app/, a product catalog REST API) against a real local Redis that this script
# starts on a free port in a temporary directory, without persistence, and stops again when the app stops
# (Ctrl+C). A Redis already running on the machine (6379) is never touched.
#
#   ./scripts/run-sample.sh                                   # H2 in memory, http://localhost:8080
#   SERVER_PORT=9090 ./scripts/run-sample.sh                  # another HTTP port
#   ./scripts/run-sample.sh --spring.profiles.active=postgres # arguments go to the application
#   ./scripts/run-sample.sh --catalog.db-latency=0ms
#
# Needs Java 17 or newer; installs redis-server when it is missing (scripts/ensure-redis.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APP_PORT="${SERVER_PORT:-8080}"
FIRST_REDIS_PORT="${SAMPLE_REDIS_PORT:-6390}"

say() {
  echo "run-sample: $*"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if ! command -v java >/dev/null 2>&1; then
  say "java is not installed: install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi

if [ -f scripts/ensure-redis.sh ]; then
  bash scripts/ensure-redis.sh
elif ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  say "redis-server is not installed: install Redis 7 (Debian: apt-get install redis-server)" >&2
  exit 1
fi
REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"

if port_in_use "$APP_PORT"; then
  say "port $APP_PORT is in use: stop what listens there or choose another, e.g. SERVER_PORT=9090 $0" >&2
  exit 1
fi

say "building the sample app (the first run downloads Maven and the dependencies)"
./mvnw -B -q -ntp -pl sample-app -am package -DskipTests
JAR="$(ls sample-app/target/sample-app-*-exec.jar | head -n 1)"

REDIS_PORT="$FIRST_REDIS_PORT"
while port_in_use "$REDIS_PORT"; do
  REDIS_PORT=$((REDIS_PORT + 1))
  if [ "$REDIS_PORT" -gt $((FIRST_REDIS_PORT + 100)) ]; then
    say "no free port for Redis in $FIRST_REDIS_PORT-$REDIS_PORT" >&2
    exit 1
  fi
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cache-starter-sample.XXXXXX")"
REDIS_PID=""
APP_PID=""

stop() {
  trap - EXIT INT TERM
  trap '' PIPE # the terminal or a pipe reading our output may be gone already: still stop everything
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    say "stopping Redis on port $REDIS_PORT" || true
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK_DIR"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence; log: $WORK_DIR/redis.log)"
"$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK_DIR" --save "" --appendonly no \
  --daemonize no --logfile "$WORK_DIR/redis.log" --maxmemory 256mb --maxmemory-policy allkeys-lru &
REDIS_PID=$!
for _ in $(seq 1 100); do
  if port_in_use "$REDIS_PORT"; then
    break
  fi
  if ! kill -0 "$REDIS_PID" 2>/dev/null; then
    say "redis-server did not start:" >&2
    cat "$WORK_DIR/redis.log" >&2 || true
    exit 1
  fi
  sleep 0.1
done

export SPRING_DATA_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
say "starting the sample app with SPRING_DATA_REDIS_URL=$SPRING_DATA_REDIS_URL"
java -jar "$JAR" --server.port="$APP_PORT" "$@" &
APP_PID=$!

for _ in $(seq 1 1200); do
  if port_in_use "$APP_PORT" || ! kill -0 "$APP_PID" 2>/dev/null; then
    break
  fi
  sleep 0.1
done

if kill -0 "$APP_PID" 2>/dev/null; then
  BASE="http://localhost:$APP_PORT"
  cat <<EOF

  The catalog is up on $BASE, caching in Redis at $SPRING_DATA_REDIS_URL. Try:

    curl $BASE/products/42                    # first call: database (20 ms); again: the L1, else Redis
    curl '$BASE/products?ids=1,2,3'
    curl $BASE/categories/books/products      # a cached listing, tagged category:books
    curl -X PUT -H 'Content-Type: application/json' -d '{"name":"Deluxe novel 42","price":19.99}' $BASE/products/42
    curl -X PATCH -H 'Content-Type: application/json' -d '{"price":24.50}' $BASE/products/42/price
    curl -X DELETE $BASE/products/42
    curl $BASE/actuator/health                # component cacheStarter: Redis and the circuit breaker
    curl $BASE/actuator/cachestarter          # each cache's settings, hits, misses and hit ratio
    curl $BASE/actuator/metrics/catalog.db.queries
    curl $BASE/actuator/prometheus
    redis-cli -p $REDIS_PORT --scan --pattern 'catalog:*'

  Ctrl+C stops the app and this Redis.

EOF
fi

set +e
wait "$APP_PID"
STATUS=$?
set -e
APP_PID=""
exit "$STATUS"
