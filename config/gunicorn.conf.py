"""Gunicorn settings for `make serve` and production. Every value can be overridden by env.

Sync workers, 2 × cores + 1 of them: the work is CPU-bound Python, so processes (not
threads) use the cores, and because a sync worker takes one connection at a time the
kernel spreads requests evenly; with threaded workers a few keep-alive connections from a
load balancer stay pinned to one process. `make bench` compared both. Either kind is held
by slow clients (gthread only has a few more threads to lose), so gunicorn always sits
behind nginx, which buffers them, on a unix socket: deploy/serve.sh sets
GUNICORN_BIND=unix:… (docs/DEPLOY.md).
"""

import gc
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

from web.logs import logging_config

STARTED = time.monotonic()  # this file is read as the master starts

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# More than one thread turns a sync worker into a gthread one.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
wsgi_app = "config.wsgi:application"

# Load Django once, then fork: faster start and shared memory. Nothing opens a database
# or cache connection at import, so no connection is shared between workers.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 20000
max_requests_jitter = 2000
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Several servers may run on one machine (tests, benchmark): no shared control socket.
control_socket_disable = True

# Behind a load balancer: which addresses may set X-Forwarded-Proto/-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190
limit_request_fields = 100

# Django logs one JSON line per request (web.middleware.RequestLogMiddleware), so no
# gunicorn access log: its lines would carry the query string, which is health data.
accesslog = None
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO"), gunicorn=True)


class WithoutAccessLog(Logger):
    """Gunicorn's logger, less its access log. With a logging config given, gunicorn builds
    every request's access line (query string and all) and leaves it to the config to drop
    (web.logs silences "gunicorn.access"): here it is never built, so no change to the
    logging config can let a list of medicines through, and no request pays for it (about
    2 % of a worker's time per request under load, py-spy)."""

    def access(self, resp, req, environ, request_time):
        return None


logger_class = WithoutAccessLog
proc_name = "beforeyoumix"


# Collections of the middle generation between two of the whole heap (Python's default: 10).
FULL_COLLECTION_AFTER = 100
# Seconds the master spends checking pairs of medicines before it forks (interactions/
# warmup.py), and never past START_BUDGET seconds from its start, so that a large formulary
# still answers its first request in seconds (it warms less, or not at all).
WARMUP_SECONDS = float(os.environ.get("GUNICORN_WARMUP_SECONDS", "2"))
START_BUDGET = 5.0


def when_ready(server):
    """Build what every worker needs once, in the master, before forking: the knowledge
    snapshot with its name index and rule index (no pair table: pairs are computed on
    demand, so this takes seconds even for a formulary). Workers then share it (copy-on-write)
    and none pays for it on a patient's first request. Then, within its time budget, the
    findings of the most-named pairs of medicines (interactions/warmup.py): every worker, and
    every worker restarted after max_requests, starts with them instead of learning them on
    its first thousand checks. Connections opened on the way are closed so no worker
    inherits a socket."""
    from django.core.cache import caches
    from django.db import connections

    try:
        from interactions import services
        from interactions.templatetags import checker

        services.check(["Zoloft", "Ultram", "Percocet"])
        services.lookup("sertaline")
        checker.compile_templates()  # each worker would compile them again after a restart
        budget = min(WARMUP_SECONDS, START_BUDGET - (time.monotonic() - STARTED))
        if budget > 0:
            from interactions import warmup

            started = time.monotonic()
            pairs = warmup.warm(budget)
            server.log.info("warm-up: %d pairs in %.1f s", pairs, time.monotonic() - started)
    except Exception:  # a cold start is slower, not broken
        server.log.exception("warm-up failed")
    finally:
        connections.close_all()
        caches.close_all()
    # Everything built so far (Django, the knowledge, its rule index and name index) is
    # never freed: move it out of the garbage collector's sight, so the workers' collections
    # do not write to those pages and the forked workers keep sharing them (copy-on-write).
    gc.collect()
    gc.freeze()
    # What a worker keeps between requests (its memos of findings and names, a few hundred
    # thousand objects) changes a little on every check, so Python's default would walk all
    # of it every 2,000 or so checks: about 130 ms added to one patient's answer, 0.06 ms a
    # check on average. Request garbage is collected young as before; the whole heap, one
    # time in ten as often (docs/BENCHMARKS.md).
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
