# Source this file: functions that start Debian's PostgreSQL and a private Redis on
# loopback, for CI (.ci/postgres.sh), the benchmark (bench/run.sh) and the fault checks
# (bench/faults.sh). Each sets the environment variable Django reads.

# start_postgres DBNAME: start the newest installed cluster, create role and database,
# export DATABASE_URL and PG_VERSION/PG_CLUSTER/PG_PORT.
start_postgres() {
  local db=${1:-beforeyoumix}
  PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  PG_CLUSTER=main
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$PG_VERSION $PG_CLUSTER$"; then
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
  fi
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 2>/dev/null || true
  PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')
  wait_for_postgres
  su postgres -c "psql -p $PG_PORT -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='beforeyoumix'\"" | grep -q 1 ||
    su postgres -c "psql -p $PG_PORT -qc \"CREATE ROLE beforeyoumix LOGIN CREATEDB PASSWORD 'beforeyoumix'\""
  su postgres -c "psql -p $PG_PORT -qtAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 ||
    su postgres -c "createdb -p $PG_PORT -O beforeyoumix $db"
  export PG_VERSION PG_CLUSTER PG_PORT
  export DATABASE_URL="postgres://beforeyoumix:beforeyoumix@127.0.0.1:$PG_PORT/$db"
}

wait_for_postgres() {
  for _ in $(seq 1 60); do
    su postgres -c "psql -p $PG_PORT -qtAc 'select 1'" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "PostgreSQL did not start" >&2
  return 1
}

stop_postgres() { pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast; }
resume_postgres() { pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start && wait_for_postgres; }

# start_redis PORT: two private, non-persistent redis-servers on loopback, as production
# runs them (docs/DEPLOY.md, "Redis"); exports REDIS_URL and REDIS_PAGES_URL.
#   PORT     rate-limit counters: maxmemory-policy noeviction, so no counter is ever evicted
#            (full, a write fails and the limiter fails open; counters expire within minutes)
#   PORT+1   rendered pages: maxmemory REDIS_PAGES_MAXMEMORY (64mb) with allkeys-lru, so
#            flooding it with pages evicts old ones instead of growing it
start_redis() {
  REDIS_PORT=${1:-6390}
  REDIS_PAGES_PORT=$((REDIS_PORT + 1))
  if [ -z "${REDIS_DIR:-}" ] || [ ! -d "$REDIS_DIR" ]; then REDIS_DIR=$(mktemp -d); fi
  _redis_server "$REDIS_PORT" counters --maxmemory "${REDIS_MAXMEMORY:-64mb}" --maxmemory-policy noeviction
  _redis_server "$REDIS_PAGES_PORT" pages --maxmemory "${REDIS_PAGES_MAXMEMORY:-64mb}" \
    --maxmemory-policy allkeys-lru
  export REDIS_PORT REDIS_PAGES_PORT REDIS_DIR
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export REDIS_PAGES_URL="redis://127.0.0.1:$REDIS_PAGES_PORT/0"
}

_redis_server() {
  local port=$1 name=$2
  shift 2
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$REDIS_DIR/$name.pid" --logfile "$REDIS_DIR/$name.log" \
    --dir "$REDIS_DIR" "$@"
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server ($name) did not start on $port" >&2
  return 1
}

stop_redis() {
  local name port
  [ -n "${REDIS_DIR:-}" ] || return 0
  for name in counters pages; do
    [ -f "$REDIS_DIR/$name.pid" ] || continue
    port=$REDIS_PORT
    [ "$name" = pages ] && port=$REDIS_PAGES_PORT
    kill "$(cat "$REDIS_DIR/$name.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do
      redis-cli -p "$port" ping >/dev/null 2>&1 || break
      sleep 0.1
    done
  done
}

resume_redis() { start_redis "$REDIS_PORT"; }
