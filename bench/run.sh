#!/usr/bin/env bash
# Load benchmark: gunicorn + PostgreSQL + Redis on this machine, wrk on loopback.
#
#   make bench                       (or: bash bench/run.sh)
#   BENCH_DURATION=10 make bench     (shorter runs while trying things)
#
# Each target gets a warm-up, then BENCH_DURATION seconds of wrk with BENCH_CONNECTIONS
# keep-alive connections (Accept-Encoding: gzip, as a browser). Then Chromium loads the
# home page and a guide with its cache off, to weigh what a first visit transfers.
# Results: bench/results/load.json and the "Load" section of docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

PY=.venv/bin/python
PORT=${BENCH_PORT:-8765}
BASE="http://127.0.0.1:$PORT"
DURATION=${BENCH_DURATION:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
RESULTS=bench/results
mkdir -p "$RESULTS"
gunicorn_pid=""

cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  stop_redis
  rm -rf "${REDIS_DIR:-/nonexistent}"
}
trap cleanup EXIT

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Install Debian packages: ${need[*]}" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== PostgreSQL, Redis, production settings"
start_postgres beforeyoumix_bench
start_redis 6391
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
export SECRET_KEY="bench-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
# All load comes from one address: raise the per-client limits so the limiter runs (and
# costs what it costs) without refusing the benchmark's own requests.
export RATELIMIT_CHECK=100000000/m RATELIMIT_API=100000000/m
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
FIVE="Zoloft,Ultram,Xanax,Percocet,Ambien"
TWENTY_FIVE="sertraline,fluoxetine,tramadol,oxycodone,alprazolam,zolpidem,gabapentin,ibuprofen,aspirin,warfarin,lithium,bupropion,mirtazapine,trazodone,methadone,buprenorphine,naltrexone,ondansetron,sumatriptan,cyclobenzaprine,quetiapine,clonazepam,hydrocodone,duloxetine,venlafaxine"

echo "== gunicorn (config/gunicorn.conf.py)"
GUNICORN_BIND="127.0.0.1:$PORT" .venv/bin/gunicorn --config config/gunicorn.conf.py >"$RESULTS/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 1 60); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.5; done

declare -A TARGETS=(
  [home]="/"
  [guide]="$GUIDE"
  [drug]="/drugs/sertraline/"
  [check5]="/check/?drugs=$FIVE"
  [check5_light]="/check/?drugs=$FIVE"
  [api5]="/api/v1/interactions?drugs=$FIVE"
  [api25]="/api/v1/interactions?drugs=$TWENTY_FIVE"
  [static]="$CSS"
)
ORDER=(static home guide drug check5 check5_light api5 api25)
# Latency under light load: as many connections as cores.
declare -A CONNS=([check5_light]=$(nproc))

: >"$RESULTS/wrk.jsonl"
for name in "${ORDER[@]}"; do
  path=${TARGETS[$name]}
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$status" = 200 ] || { echo "$name $path answered $status" >&2; exit 1; }
  conns=${CONNS[$name]:-$CONNECTIONS}
  wrk -t1 -c"$conns" -d3s -s bench/report.lua "$BASE$path" >/dev/null  # warm-up
  echo "-- $name: $path (${DURATION}s, $conns connections)"
  line=$(wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 5s -s bench/report.lua "$BASE$path" | tail -n 1)
  echo "   $line"
  printf '{"name": "%s", "path": "%s", "connections": %s, "wrk": %s}\n' "$name" "$path" "$conns" "$line" >>"$RESULTS/wrk.jsonl"
done

echo "== Page weight (Chromium, cache off)"
$PY bench/page_weight.py "$BASE" / "$GUIDE" >"$RESULTS/weight.jsonl"

$PY bench/summarize.py "$RESULTS" "$CONNECTIONS" "$DURATION"
# Keep the end of the request log only (hundreds of thousands of lines).
tail -n 2000 "$RESULTS/gunicorn.log" >"$RESULTS/gunicorn.tail.log" && rm "$RESULTS/gunicorn.log"
