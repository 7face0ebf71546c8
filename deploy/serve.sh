#!/usr/bin/env bash
# The production-like stack on one machine (`make serve`, bench/faults.sh):
#   nginx on $SERVE_HOST:$PORT  -> buffers requests and answers, serves /static/ itself
#   gunicorn on a unix socket   -> reachable only through nginx (and by this user)
# The nginx config is rendered into a run directory (deploy/render_nginx.py), never /etc.
# Both run in the foreground; when either stops, or on Ctrl-C / TERM, both are stopped.
#
# Environment: PORT (8000), SERVE_HOST (127.0.0.1), SERVE_RUN_DIR (a new temporary
# directory, removed on exit), NGINX (nginx binary), TRUSTED_PROXIES (default "unix", nginx
# on the socket), plus everything Django and config/gunicorn.conf.py read (SITE_URL too). Writes $SERVE_RUN_DIR/pids ("gunicorn PID" and "nginx PID").
# Run as root, nginx's workers run as www-data: SERVE_RUN_DIR's parents must let them through.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
HOST=${SERVE_HOST:-127.0.0.1}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ ! -x "$NGINX" ]; then
  echo "nginx is not installed: sudo apt-get install nginx (make serve does it when run as root)" >&2
  exit 1
fi

made_run=0
if [ -z "${SERVE_RUN_DIR:-}" ]; then
  SERVE_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/beforeyoumix-serve.XXXXXX")
  made_run=1
fi
RUN=$(cd "$SERVE_RUN_DIR" && pwd)
SOCKET="$RUN/gunicorn.sock"
rm -f "$SOCKET" "$RUN/pids"

# nginx, on gunicorn's unix socket, is the app's proxy: it sets X-Forwarded-For to the one
# address it saw (or that a proxy in NGINX_TRUSTED_PROXIES forwarded) and X-Forwarded-Proto.
# The app believes those headers from its trusted proxies only; "unix" is this socket.
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-unix}
# SITE_URL (the public address, e.g. https://beforeyoumix.example.org) must be set: with
# DEBUG off Django refuses to start without it. make serve sets http://127.0.0.1:$PORT.

gunicorn_pid=""
nginx_pid=""
stop() {
  trap - EXIT INT TERM
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true
  [ -n "$gunicorn_pid" ] && kill -TERM "$gunicorn_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$made_run" = 1 ]; then rm -rf "$RUN"; else rm -f "$SOCKET" "$RUN/pids"; fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" deploy/render_nginx.py --run-dir "$RUN" --listen "$HOST:$PORT" --socket "$SOCKET"
# Only the owner and nginx's workers (their group) may reach the socket.
worker=$(sed -n 's/^user \([^ ]*\) \([^;]*\);$/\2/p' "$RUN/nginx.conf")
if [ -n "$worker" ]; then chgrp "$worker" "$RUN" && chmod 0710 "$RUN"; else chmod 0700 "$RUN"; fi
# nginx's workers must read the static files. A checkout under a private directory (a
# `mktemp -d` clone is 0700) keeps them out: serve a copy from the run directory instead.
worker_user=$(sed -n 's/^user \([^ ]*\) [^;]*;$/\1/p' "$RUN/nginx.conf")
static_root=$(sed -n 's/^ *alias \(.*\)\/;$/\1/p' "$RUN/nginx.conf" | head -n 1)
probe=$(ls "$static_root"/css/*.css 2>/dev/null | head -n 1 || true)
if [ -n "$worker_user" ] && [ -n "$probe" ] && ! runuser -u "$worker_user" -- test -r "$probe" 2>/dev/null; then
  cp -R "$static_root" "$RUN/static"
  chgrp -R "$worker" "$RUN/static" && chmod -R g+rX,o-rwx "$RUN/static"
  sed -i "s#alias $static_root/#alias $RUN/static/#" "$RUN/nginx.conf"
fi
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e stderr

GUNICORN_BIND="unix:$SOCKET" "$(dirname "$PY")/gunicorn" --config config/gunicorn.conf.py &
gunicorn_pid=$!
for _ in $(seq 1 300); do
  [ -S "$SOCKET" ] && break
  kill -0 "$gunicorn_pid" 2>/dev/null || { echo "gunicorn did not start" >&2; exit 1; }
  sleep 0.1
done
[ -S "$SOCKET" ] || { echo "gunicorn made no socket at $SOCKET" >&2; exit 1; }

"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e stderr -g "daemon off;" &
nginx_pid=$!
printf 'gunicorn %s\nnginx %s\n' "$gunicorn_pid" "$nginx_pid" >"$RUN/pids"
echo "serving on http://$HOST:$PORT (nginx $nginx_pid -> gunicorn $gunicorn_pid on $SOCKET)" >&2

# Until either one stops; then stop() stops the other.
status=0
wait -n "$gunicorn_pid" "$nginx_pid" || status=$?
exit "$status"
