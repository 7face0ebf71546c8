#!/usr/bin/env bash
# Load benchmark on the stack production runs: nginx in front of gunicorn on a unix socket
# (deploy/serve.sh, as `make serve`), PostgreSQL and Redis, all on loopback; wrk on loopback.
#
#   make bench                        (this, then the scale run: bench/scale.sh)
#   BENCH_DURATION=10 bash bench/run.sh   (shorter runs while trying things)
#
# The checker and the API get a different list on every request: bench/queries.py writes
# tens of thousands of random lists of real names (brands, generics, typos) and
# bench/random_paths.lua picks the next one per request, so the benchmark measures cold
# checks, as real visitors make them, not one list served from warm caches.
#
# Ceilings: /robots.txt is the cheapest answer gunicorn gives through the whole Django
# middleware stack (the targets' ratios are to it); the static CSS file is what nginx alone
# serves (the machine's own ceiling, reported too).
#
# Each target gets a 3 s warm-up, then BENCH_DURATION seconds of wrk in BENCH_ROUNDS rounds
# (each after its own ceiling) with BENCH_CONNECTIONS keep-alive connections
# (Accept-Encoding: gzip, as a browser). Then Chromium loads the home page and a guide with
# its cache off, to weigh what a first visit transfers.
# Results: bench/results/load.json and the "Load" section of docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

PY=.venv/bin/python
PORT=${BENCH_PORT:-8765}
BASE="http://127.0.0.1:$PORT"
DURATION=${BENCH_DURATION:-30}
# Each target is measured in ROUNDS rounds, each its own ceiling then the target, and its
# share of the ceiling is the median of the rounds' (a single pair can be caught by a burst
# of other work on this shared machine).
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_DURATION=$(( DURATION / ROUNDS > 3 ? DURATION / ROUNDS : 3 ))
CEILING_DURATION=$(( ROUND_DURATION / 2 > 3 ? ROUND_DURATION / 2 : 3 ))
CONNECTIONS=${BENCH_CONNECTIONS:-16}
RESULTS=bench/results
QUERIES="$RESULTS/queries"
mkdir -p "$RESULTS"
RUN=$(mktemp -d)
serve_pid=""

cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  stop_redis
  rm -rf "${REDIS_DIR:-/nonexistent}" "$RUN"
}
trap cleanup EXIT

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Install Debian packages: ${need[*]}" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== PostgreSQL, Redis, production settings"
start_postgres beforeyoumix_bench
start_redis 6391
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
export SITE_URL="http://127.0.0.1:$PORT"  # required with DEBUG off
export SECRET_KEY="bench-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
# All load comes from one address. The targets are measured with rate limits off, as issue
# 14 sets them (RATELIMIT_ENABLED=0: the site, not the limiter); then the checker and the
# API again with the limiter on, as production runs (a counter in Redis per request), with
# limits raised so that it never refuses the benchmark.
export RATELIMIT_ENABLED=0 RATELIMIT_CHECK=100000000/m RATELIMIT_API=100000000/m
export NGINX_CONN_PER_ADDRESS=${NGINX_CONN_PER_ADDRESS:-64}
export LOG_LEVEL=INFO  # one JSON line per request, as in production
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py import_articles -v 0 >/dev/null
$PY manage.py load_knowledge -v 0 >/dev/null

GUIDE=$($PY manage.py shell -v 0 -c "
from articles.models import Article
guide = Article.objects.published().filter(slug__contains='tramadol').first() or Article.objects.published().first()
print(guide.get_absolute_url())")
CSS=$($PY manage.py shell -v 0 -c "from django.templatetags.static import static; print(static('css/site.css'))")

echo "== Random lists of real names ($QUERIES)"
$PY bench/queries.py --out "$QUERIES" --count "${BENCH_LISTS:-40000}" --seed "${BENCH_SEED:-$RANDOM}"

serve() {
  PORT=$PORT SERVE_RUN_DIR="$RUN" bash deploy/serve.sh >>"$RESULTS/server.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 240); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.25; done
}

unserve() {
  kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  for _ in $(seq 1 40); do curl -sf -o /dev/null "$BASE/healthz" || break; sleep 0.25; done
}

echo "== nginx -> gunicorn (deploy/serve.sh, config/gunicorn.conf.py)"
: >"$RESULTS/server.log"
serve

# name|path or @file of paths|connections
TARGETS=(
  "static|$CSS|$CONNECTIONS"
  "robots|/robots.txt|$CONNECTIONS"
  "home|/|$CONNECTIONS"
  "guide|$GUIDE|$CONNECTIONS"
  "drug|/drugs/sertraline/|$CONNECTIONS"
  "check5|@$QUERIES/check5.txt|$CONNECTIONS"
  "check5_light|@$QUERIES/check5.txt|4"
  "api5|@$QUERIES/api5.txt|$CONNECTIONS"
  "api25|@$QUERIES/api25.txt|$CONNECTIONS"
  "typing|@$QUERIES/typing.txt|4"
)
# Again with the rate limiter on (a fresh server: the setting is read at start).
LIMITED=(
  "check5_limited|@$QUERIES/check5.txt|$CONNECTIONS"
  "api5_limited|@$QUERIES/api5.txt|$CONNECTIONS"
)

measure() {
  local name=$1 path=$2 conns=$3 file="" url status sample bad ceiling line
  if [ "${path:0:1}" = "@" ]; then
    file=${path:1}
    # Every list must be answered (a 400 would be a cheap error page, not a check).
    bad=0
    while read -r sample; do
      status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$sample")
      [ "$status" = 200 ] || { echo "$name: $sample answered $status" >&2; bad=$((bad + 1)); }
    done < <(shuf -n 20 "$file")
    [ "$bad" = 0 ] || exit 1
    path="(${file##*/}: a random line per request)"
    url=$BASE/
  else
    status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
    [ "$status" = 200 ] || { echo "$name $path answered $status" >&2; exit 1; }
    url=$BASE$path
  fi
  wrk -t1 -c"$conns" -d3s -s bench/random_paths.lua "$url" -- $file >/dev/null  # warm-up
  echo "-- $name: $path ($ROUNDS x ${ROUND_DURATION}s, $conns connections)"
  for round in $(seq 1 "$ROUNDS"); do
    # The ceiling again, just before: other work on the machine drifts during a run, so
    # each ratio compares two measurements taken seconds apart.
    ceiling=$(wrk -t1 -c"$conns" -d"$CEILING_DURATION"s -s bench/random_paths.lua "$BASE/robots.txt" | tail -n 1)
    line=$(wrk -t1 -c"$conns" -d"${ROUND_DURATION}s" --timeout 5s -s bench/random_paths.lua "$url" -- $file | tail -n 1)
    echo "   $line"
    printf '{"name": "%s", "path": "%s", "connections": %s, "round": %s, "wrk": %s, "ceiling": %s}\n' \
      "$name" "$path" "$conns" "$round" "$line" "$ceiling" >>"$RESULTS/wrk.jsonl"
  done
}

: >"$RESULTS/wrk.jsonl"
for target in "${TARGETS[@]}"; do
  IFS='|' read -r name path conns <<<"$target"
  measure "$name" "$path" "$conns"
done

echo "== The checker and the API with the rate limiter on"
unserve
RATELIMIT_ENABLED=1 serve
for target in "${LIMITED[@]}"; do
  IFS='|' read -r name path conns <<<"$target"
  measure "$name" "$path" "$conns"
done

echo "== Page weight (Chromium, cache off)"
$PY bench/page_weight.py "$BASE" / "$GUIDE" >"$RESULTS/weight.jsonl"

$PY bench/summarize.py "$RESULTS" "$CONNECTIONS" "$DURATION"
# Keep the end of the request log only (hundreds of thousands of lines).
tail -n 2000 "$RESULTS/server.log" >"$RESULTS/server.tail.log" && rm "$RESULTS/server.log"
