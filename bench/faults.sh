#!/usr/bin/env bash
# Fault checks against the real stack: nginx + gunicorn as `make serve` runs them
# (deploy/serve.sh), PostgreSQL and Redis, all on loopback.
#
#   1. Redis stopped mid-run  -> every page still 200; the cache comes back by itself.
#   2. PostgreSQL stopped     -> /healthz 503, friendly 503 pages, cached pages and the
#                                checker still served; full recovery without a restart.
#   3. A broken knowledge file -> load_knowledge refuses it; the live knowledge is unchanged.
#   4. Slow clients: 40 sockets sending a header a byte a second; /healthz stays < 1 s.
#   5. A worker killed under load: at most a handful of answers cut (measured, reported).
#   6. nginx: static files with far-future caching and the app's security headers, no
#      manifest, unknown Hosts refused, no version in Server.
#   7. Redis memory: pages flooded into a small evicting instance stay under its maxmemory;
#      rate-limit counters, in their own never-evicting instance, survive the flood.
#   8. The log has no 5xx other than those 503s, no medicine name, no client address,
#      no traceback for a bad Host, and no response size on checker and API lines.
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
# Its own directory: nginx's workers (www-data when run as root) must reach the socket in it.
RUN=$(mktemp -d)
serve_pid=""
gunicorn_pid=""

cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  stop_redis
  if [ "${PG_STOPPED:-0}" = 1 ]; then resume_postgres || true; fi
  [ -n "${FAULTS_KEEP_LOG:-}" ] && cp "$LOG" "$FAULTS_KEEP_LOG" 2>/dev/null
  rm -rf "$WORK" "$RUN" "${REDIS_DIR:-/nonexistent}"
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

echo "== Starting PostgreSQL, Redis, gunicorn and nginx"
start_postgres beforeyoumix_faults
# A small pages instance, so the flood in section 7 fills it.
REDIS_PAGES_MAXMEMORY=4mb start_redis 6396
export REDIS_PAGES_MAXMEMORY=4mb  # kept when Redis is restarted in section 1
# Rate limits on, as in production, but far above what these checks send from one address.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
# Per day: no counter window ends during the Redis flood in section 7 (it checks they survive).
export RATELIMIT_ENABLED=1 RATELIMIT_CHECK=100000000/d RATELIMIT_API=100000000/d RATELIMIT_SEARCH=100000000/d
export SITE_URL="$BASE"
export SECRET_KEY="faults-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
export CACHE_RETRY_AFTER_SECONDS=2 CONN_MAX_AGE=60
# Each worker's own copy of a page (in front of Redis) lives this long; the checks below
# wait it out where they need a page to come from Redis, not from a worker's copy.
export PAGES_LOCAL_SECONDS=2
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py import_articles -v 0 >/dev/null
$PY manage.py load_knowledge -v 0 >/dev/null
GUIDE=$($PY manage.py shell -v 0 -c "from articles.models import Article; print(Article.objects.published().first().get_absolute_url())")

PORT=$PORT SERVE_RUN_DIR="$RUN" WEB_CONCURRENCY=2 bash deploy/serve.sh >>"$LOG" 2>&1 &  # append: nginx opens /dev/stderr itself
serve_pid=$!
eventually 200 /healthz
gunicorn_pid=$(awk '$1 == "gunicorn" {print $2}' "$RUN/pids")

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
sleep 2.5  # CACHE_RETRY_AFTER_SECONDS, and the workers' own copies (PAGES_LOCAL_SECONDS) expire
marker=$(wc -l <"$LOG")
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null "$BASE$GUIDE"; done
tail -n +"$((marker + 1))" "$LOG" | grep -q '"cache": "hit"' && ok "Redis back: pages served from the cache again" \
  || bad "no cache hit after Redis came back"
keys=$(redis-cli -p "$REDIS_PAGES_PORT" dbsize 2>/dev/null || echo 0)
[ "${keys:-0}" -gt 0 ] && ok "Redis back: pages stored in Redis again ($keys keys)" \
  || bad "no page stored in Redis after it came back"

echo "== 2. PostgreSQL stopped mid-run"
# Warm Redis: a page a worker still holds from section 1 (rendered while Redis was down)
# would be served from that copy and never reach Redis, so wait for those copies to expire.
sleep 2.5  # PAGES_LOCAL_SECONDS
for _ in 1 2 3 4; do curl -s -o /dev/null "$BASE/"; curl -s -o /dev/null "$BASE$GUIDE"; done
stop_postgres
PG_STOPPED=1
expect 503 /healthz
expect 503 "/search/?q=tramadol" "We are having trouble right now"
# A page no worker has cached (the guide list, /articles/, may be in a worker's own copy).
expect 503 "/tags/opioids/?page=2" "We are having trouble right now"
expect 503 /tags/opioids/ "We are having trouble right now"
expect 200 / "Before You Mix"
expect 200 "$GUIDE"
expect 200 "/check/?drugs=Zoloft,Ultram" "Zoloft"
expect 200 "/api/v1/interactions?drugs=Zoloft,Ultram"
resume_postgres
PG_STOPPED=0
eventually 200 /healthz
expect 200 "/search/?q=tramadol"
expect 200 "/tags/opioids/?page=2"
kill -0 "$gunicorn_pid" 2>/dev/null && ok "same gunicorn master throughout (no restart)" || bad "gunicorn died"

echo "== 3. A broken knowledge file"
cp -r medicines/data "$WORK/data"
printf '\n  - this: [is not valid\n' >>"$WORK/data/rules.yaml"
# What the running site serves: the knowledge version in an API answer.
served() { curl -s "$BASE/api/v1/interactions?drugs=Zoloft,Ultram" | $PY -c "import json, sys; print(json.load(sys.stdin)['data_version'])"; }
before=$(served)
if $PY manage.py load_knowledge --data-dir "$WORK/data" >"$WORK/load.out" 2>&1; then
  bad "load_knowledge accepted a broken file"
else
  grep -q "rules.yaml" "$WORK/load.out" && ok "load_knowledge refused it, naming rules.yaml" || bad "error does not name the file"
fi
after=$(served)
[ -n "$before" ] && [ "$before" = "$after" ] && ok "knowledge served unchanged ($after)" || bad "knowledge changed: $before -> $after"
expect 200 "/api/v1/interactions?drugs=Nardil,dextromethorphan" "contraindicated"

echo "== 4. Slow clients (40 sockets, a header byte a second for 15 s)"
if out=$($PY bench/slow_clients.py --port "$PORT" --sockets 40 --seconds 15 --max-ms 1000); then
  ok "/healthz answered in under 1 s throughout: $out"
else
  bad "/healthz failed or slow under slow clients: $out"
fi

echo "== 5. A worker killed under load"
if out=$($PY bench/kill_worker.py --port "$PORT" --master "$gunicorn_pid" --seconds 8 --max-cut 5); then
  ok "worker killed and replaced; answers cut: $out"
else
  bad "too many answers cut, or the worker not replaced: $out"
fi

echo "== 6. nginx"
css=$(cd staticfiles && ls css/site.*.css | grep -E 'site\.[0-9a-f]{12}\.css$' | head -n 1)
headers=$(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$BASE/static/$css")
grep -qi '^cache-control: public, max-age=315360000, immutable' <<<"$headers" \
  && grep -qi "^content-security-policy: default-src 'self'" <<<"$headers" \
  && grep -qi '^content-encoding: gzip' <<<"$headers" \
  && ok "/static/$css: far-future, gzip, with the security headers" || bad "/static/$css headers: $headers"
expect 404 /static/staticfiles.json
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "$BASE/")
[ "$code" = 400 ] && ok "unknown Host refused by nginx (400)" || bad "unknown Host: $code"
server=$(curl -s -D - -o /dev/null "$BASE/healthz" | tr -d '\r' | awk -F': ' 'tolower($1) == "server" {print $2}')
[[ "$server" =~ [0-9] ]] && bad "Server header has a version: $server" || ok "Server header without a version (${server:-none})"

# Straight to gunicorn's socket (only nginx reaches it in production): what it logs itself.
answers=$($PY - "$RUN/gunicorn.sock" <<'PYEOF'
import socket, sys
for raw in (b"GET /check/?drugs=Zoloft,Ultram HTTP/9\r\nHost: 127.0.0.1\r\n\r\n",
            b"GET /no-such-page/ HTTP/1.1\r\nHost: evil.example<script>" + b"x" * 300 + b"\r\nConnection: close\r\n\r\n"):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(sys.argv[1])
    s.sendall(raw)
    try:
        print(s.recv(4096).split(b"\r\n", 1)[0].decode())
    except OSError as error:
        print(error)
    s.close()
PYEOF
)
[ "$(grep -c '^HTTP/1.1 400' <<<"$answers")" = 2 ] && ok "bad request line and bad Host straight to gunicorn: 400" \
  || bad "straight to gunicorn: $answers"
for _ in 1 2 3; do curl -s -o /dev/null "$BASE/check/?drugs=Zoloft,Ultram"; done
sleep 0.5

echo "== 7. Redis memory (pages: maxmemory $REDIS_PAGES_MAXMEMORY, allkeys-lru; counters: noeviction)"
policy() { redis-cli -p "$1" config get maxmemory-policy | tail -n 1; }
[ "$(policy "$REDIS_PAGES_PORT")" = allkeys-lru ] && [ "$(policy "$REDIS_PORT")" = noeviction ] \
  && ok "eviction policies applied: pages allkeys-lru, counters noeviction" \
  || bad "eviction policies: pages $(policy "$REDIS_PAGES_PORT"), counters $(policy "$REDIS_PORT")"
curl -s -o /dev/null "$BASE/check/?drugs=Zoloft,Ultram"  # a rate-limit counter for this client
counters_before=$(redis-cli -p "$REDIS_PORT" --scan | sort)
[ -n "$counters_before" ] && ok "rate-limit counters in their own instance ($(wc -l <<<"$counters_before") keys)" \
  || bad "no rate-limit counter in the counters instance"
# Distinct cacheable answers: every drug page, plain and gzip, full and htmx partial, and
# every article list page number; plus ?v=N, which must make no entry at all.
slugs=$($PY manage.py shell -v 0 -c "from medicines import knowledge; print(' '.join(sorted(knowledge.snapshot().ingredients)))")
{
  for slug in $slugs; do
    for enc in identity gzip; do
      printf -- '-H "Accept-Encoding: %s" %s/drugs/%s/\n' "$enc" "$BASE" "$slug"
      printf -- '-H "Accept-Encoding: %s" -H "HX-Request: true" %s/drugs/%s/\n' "$enc" "$BASE" "$slug"
    done
  done
  for n in $(seq 1 400); do printf -- '%s/articles/?page=%s\n' "$BASE" "$n"; printf -- '%s/drugs/?v=%s\n' "$BASE" "$n"; done
} >"$WORK/flood"
started=$(date +%s)
xargs -P 8 -L 1 curl -s -o /dev/null <"$WORK/flood" || true
info() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2}'; }
used=$(info "$REDIS_PAGES_PORT" memory used_memory)
limit=$(info "$REDIS_PAGES_PORT" memory maxmemory)
evicted=$(info "$REDIS_PAGES_PORT" stats evicted_keys)
echo "  $(wc -l <"$WORK/flood") requests in $(($(date +%s) - started)) s; pages used_memory $used of $limit, evicted $evicted"
[ "$limit" -gt 0 ] && [ "$used" -le $((limit + limit / 20)) ] && ok "pages Redis stayed under its maxmemory ($used <= $limit)" \
  || bad "pages Redis grew past its maxmemory: $used > $limit"
[ "${evicted:-0}" -gt 0 ] && ok "the flood filled it: $evicted old pages evicted" || bad "nothing evicted: the flood did not fill the pages instance"
counters_after=$(redis-cli -p "$REDIS_PORT" --scan | sort)
missing=$(comm -23 <(echo "$counters_before") <(echo "$counters_after"))
[ -z "$missing" ] && [ "$(info "$REDIS_PORT" stats evicted_keys)" = 0 ] \
  && ok "every rate-limit counter survived the flood (none evicted)" || bad "rate-limit counters lost: $missing"

echo "== 8. The log"
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
grep -q '"invalid request: Invalid HTTP Version"' "$LOG" && ok "gunicorn's invalid request logged without request line" \
  || bad "no redacted invalid-request line"
if grep -q '"disallowed host: ' "$LOG" && ! grep -qE 'Traceback|Invalid HTTP_HOST|<script>|x{60}' "$LOG"; then
  ok "bad Host: one short WARNING line, no traceback"
else
  bad "bad Host logged with a traceback or the raw host"
fi
grep -E '"path": "/(check|api)/' "$LOG" | grep -q '"bytes"' && bad "a checker or API line carries its size" \
  || ok "no size on checker and API lines"
grep '^{' "$LOG" | grep -qE '\b127\.0\.0\.1\b|ip=' && bad "a client address in the log" || ok "no client address in the log"

echo "faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
