#!/usr/bin/env bash
# The scale run (make bench-scale; make bench runs it after the load benchmark): the
# production stack (nginx -> gunicorn, PostgreSQL, Redis, all on loopback) on synthetic
# knowledge of 150, 500, 2,000 and 5,000 ingredients. What it measures: bench/scale.py.
#
#   bash bench/scale.sh              (every size)
#   bash bench/scale.sh 500 2000     (some sizes)
#   SCALE_DURATION=10 SCALE_START_TIMEOUT=120 bash bench/scale.sh 2000
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

PY=.venv/bin/python
cleanup() {
  stop_redis
  rm -rf "${REDIS_DIR:-/nonexistent}"
}
trap cleanup EXIT

start_postgres beforeyoumix_bench
start_redis 6393
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
export SITE_URL=http://127.0.0.1  # required with DEBUG off; nothing measured uses it
export SECRET_KEY="scale-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
# Thousands of checks from one address in a few seconds: no rate limits for this run.
export RATELIMIT_ENABLED=0 NGINX_CONN_PER_ADDRESS=64
export LOG_LEVEL=WARNING
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py import_articles -v 0 >/dev/null

$PY bench/scale.py "$@" | tee bench/results/scale.txt
