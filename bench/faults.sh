#!/usr/bin/env bash
# Fault checks against the real stack: gunicorn + PostgreSQL + Redis on loopback.
#
#   1. Redis stopped mid-run  -> every page still 200; the cache comes back by itself.
#   2. PostgreSQL stopped     -> /healthz 503, friendly 503 pages, cached pages and the
#                                checker still served; full recovery without a restart.
#   3. A broken knowledge file -> load_knowledge refuses it; the live knowledge is unchanged.
#   4. The log has no 5xx other than those 503s, and no medicine name.
#
# Run: bash bench/faults.sh   (as root: it starts and stops Debian's PostgreSQL cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/services.sh

PY=.venv/bin/python
PORT=${FAULTS_PORT:-8766}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
LOG="$WORK/gunicorn.log"
passed=0
failed=0
gunicorn_pid=""

cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  stop_redis
  if [ "${PG_STOPPED:-0}" = 1 ]; then resume_postgres || true; fi
  rm -rf "$WORK" "${REDIS_DIR:-/nonexistent}"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "  ok    $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL  $*"; }

# expect STATUS PATH [TEXT]: the answer has that status (and contains TEXT).
expect() {
  local status=$1 path=$2 text=${3:-}
  local code
  code=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Accept-Encoding: identity' "$BASE$path" || echo 000)
  if [ "$code" != "$status" ]; then
    bad "$path: expected $status, got $code"
  elif [ -n "$text" ] && ! grep -q "$text" "$WORK/body"; then
    bad "$path: $status but without \"$text\""
  else
    ok "$path -> $status${text:+ (\"$text\")}"
  fi
}

# eventually STATUS PATH: within 20 s.
eventually() {
  local status=$1 path=$2
  for _ in $(seq 1 40); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path" || true)" = "$status" ] && { ok "$path -> $status (recovered)"; return; }
    sleep 0.5
  done
  bad "$path did not return to $status"
}

echo "== Starting PostgreSQL, Redis and gunicorn"
start_postgres beforeyoumix_faults
start_redis 6392
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 RATELIMIT_ENABLED=0
export SECRET_KEY="faults-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export CACHE_RETRY_AFTER_SECONDS=2 CONN_MAX_AGE=60
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py import_articles -v 0 >/dev/null
$PY manage.py load_knowledge -v 0 >/dev/null
GUIDE=$($PY manage.py shell -v 0 -c "from articles.models import Article; print(Article.objects.published().first().get_absolute_url())")

GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 \
  .venv/bin/gunicorn --config config/gunicorn.conf.py >"$LOG" 2>&1 &
gunicorn_pid=$!
eventually 200 /healthz

echo "== Baseline"
expect 200 /
expect 200 "$GUIDE"
expect 200 "/check/?drugs=Zoloft,Ultram" "Zoloft"
expect 200 "/api/v1/interactions?drugs=Nardil,dextromethorphan" "contraindicated"
expect 200 "/search/?q=tramadol"

echo "== 1. Redis stopped mid-run"
stop_redis
for path in / "$GUIDE" /articles/ /drugs/sertraline/ "/check/?drugs=Zoloft,Ultram" "/search/?q=tramadol" /healthz; do
  expect 200 "$path"
done
expect 200 "/api/v1/interactions?drugs=Zoloft,Ultram" "serotonin"
grep -q '"beforeyoumix.cache"' "$LOG" && ok "cache errors logged, not raised" || bad "no cache error logged"
resume_redis
sleep 2.5  # CACHE_RETRY_AFTER_SECONDS
marker=$(wc -l <"$LOG")
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null "$BASE$GUIDE"; done
tail -n +"$((marker + 1))" "$LOG" | grep -q '"cache": "hit"' && ok "Redis back: pages served from the cache again" \
  || bad "no cache hit after Redis came back"

echo "== 2. PostgreSQL stopped mid-run"
for _ in 1 2 3 4; do curl -s -o /dev/null "$BASE/"; curl -s -o /dev/null "$BASE$GUIDE"; done  # warm the cache
stop_postgres
PG_STOPPED=1
expect 503 /healthz
expect 503 "/search/?q=tramadol" "We are having trouble right now"
expect 503 "/articles/?page=2" "We are having trouble right now"
expect 503 /tags/opioids/ "We are having trouble right now"
expect 200 / "Before You Mix"
expect 200 "$GUIDE"
expect 200 "/check/?drugs=Zoloft,Ultram" "Zoloft"
expect 200 "/api/v1/interactions?drugs=Zoloft,Ultram"
resume_postgres
PG_STOPPED=0
eventually 200 /healthz
expect 200 "/search/?q=tramadol"
expect 200 "/articles/?page=2"
kill -0 "$gunicorn_pid" 2>/dev/null && ok "same gunicorn master throughout (no restart)" || bad "gunicorn died"

echo "== 3. A broken knowledge file"
cp -r interactions/data "$WORK/data"
printf '\n  - this: [is not valid\n' >>"$WORK/data/rules.yaml"
before=$($PY manage.py shell -v 0 -c "from interactions.models import KnowledgeVersion as K; print(K.objects.count(), K.objects.first().version)")
if $PY manage.py load_knowledge --data-dir "$WORK/data" >"$WORK/load.out" 2>&1; then
  bad "load_knowledge accepted a broken file"
else
  grep -q "rules.yaml" "$WORK/load.out" && ok "load_knowledge refused it, naming rules.yaml" || bad "error does not name the file"
fi
after=$($PY manage.py shell -v 0 -c "from interactions.models import KnowledgeVersion as K; print(K.objects.count(), K.objects.first().version)")
[ "$before" = "$after" ] && ok "knowledge in the database unchanged ($after)" || bad "knowledge changed: $before -> $after"
expect 200 "/api/v1/interactions?drugs=Nardil,dextromethorphan" "contraindicated"

echo "== 4. The log"
if grep -E '"status": 5[0-9][0-9]' "$LOG" | grep -v '"status": 503' | grep -q .; then
  bad "a 5xx other than 503 in the log"
else
  ok "no 5xx in the log other than the expected 503s"
fi
if grep -qiE 'zoloft|ultram|nardil|dextromethorphan|sertraline|tramadol|drugs=' "$LOG"; then
  bad "a medicine name or query string in the log"
else
  ok "no medicine name or query string in $(wc -l <"$LOG") log lines"
fi

echo "faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
