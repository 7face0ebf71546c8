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

# start_redis PORT: a private, non-persistent redis-server on loopback; exports REDIS_URL.
start_redis() {
  REDIS_PORT=${1:-6390}
  REDIS_DIR=$(mktemp -d)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --dir "$REDIS_DIR" --maxmemory 256mb --maxmemory-policy allkeys-lru
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export REDIS_PORT REDIS_DIR
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

stop_redis() {
  if [ -n "${REDIS_DIR:-}" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do
      redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break
      sleep 0.1
    done
  fi
}

resume_redis() { start_redis "$REDIS_PORT"; }
