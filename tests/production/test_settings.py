"""Settings read from the environment: database, caches, gunicorn."""

import json
import runpy
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from gunicorn import glogging

from interactions import warmup

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps({'dbs': {k: [v['ENGINE'], v.get('OPTIONS', {}), v.get('CONN_MAX_AGE'),"
    " v.get('CONN_HEALTH_CHECKS')] for k, v in s.DATABASES.items()},"
    " 'routers': s.DATABASE_ROUTERS, 'caches': {k: [v['BACKEND'], v.get('LOCATION')]"
    " for k, v in s.CACHES.items()}}))"
)


def settings_with(**env):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", PRINT],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgres_and_redis():
    found = settings_with(
        DATABASE_URL="postgres://u:p@primary:5432/bym", REDIS_URL="redis://cache:6379/2"
    )
    assert list(found["dbs"]) == ["default"]
    for engine, options, max_age, health_checks in found["dbs"].values():
        assert engine == "django.db.backends.postgresql"
        assert options["connect_timeout"] == 5 and "statement_timeout" in options["options"]
        assert max_age == 60 and health_checks is True  # persistent, checked before reuse
    assert found["routers"] == []  # no read replicas until reads can be routed safely
    assert found["caches"] == {
        "default": ["web.cache.FaultTolerantRedisCache", "redis://cache:6379/2"],
        # Rate-limit counters: the same database, counted in one round trip.
        "ratelimit": ["web.cache.RateCounterCache", "redis://cache:6379/2"],
        # Pages in the next database: clearing them (a FLUSHDB) never resets a rate limit.
        "pages": ["web.cache.FaultTolerantRedisCache", "redis://cache:6379/3"],
        # Each process's own copy for a few seconds, in front of Redis (web.http).
        "pages_local": [
            "django.core.cache.backends.locmem.LocMemCache",
            "beforeyoumix-pages-local",
        ],
    }


def test_development_defaults():
    found = settings_with()
    assert list(found["dbs"]) == ["default"] and found["routers"] == []
    assert set(found["caches"]) == {"default", "ratelimit", "pages"}
    assert all(backend.endswith("LocMemCache") for backend, _ in found["caches"].values())
    assert found["caches"]["default"][1] != found["caches"]["pages"][1]
    assert found["caches"]["default"][1] == found["caches"]["ratelimit"][1]  # one store


def test_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8123"
    assert config["workers"] >= 3 and config["worker_class"] == "sync" and config["threads"] == 1
    assert config["accesslog"] is None  # the access log would carry query strings
    # Nor is an access line built, to be dropped by the logging config: not even its fields.
    logger = config["logger_class"].__new__(config["logger_class"])
    logger.atoms = lambda *args: pytest.fail("an access line was built")
    assert logger.access(None, None, {"QUERY_STRING": "drugs=zoloft"}, 0) is None
    assert issubclass(config["logger_class"], glogging.Logger)
    assert config["preload_app"] is True and callable(config["when_ready"])


@pytest.mark.django_db
def test_gunicorn_master_warms_and_freezes_what_it_built_then_collects_the_heap_less_often(
    monkeypatch,
):
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    calls = []

    class Collector:  # the gc module, as when_ready uses it
        def collect(self):
            calls.append("collect")

        def freeze(self):
            calls.append("freeze")

        def get_threshold(self):
            return (2000, 10, 10)

        def set_threshold(self, *thresholds):
            calls.append(thresholds)

    server = types.SimpleNamespace(
        log=types.SimpleNamespace(exception=pytest.fail, info=lambda *args: None)
    )
    monkeypatch.setattr(warmup, "warm", lambda budget: calls.append(("warm", budget)) or 0)
    when_ready = config["when_ready"]
    when_ready.__globals__["gc"] = Collector()
    when_ready(server)
    # The pairs are warmed first, within the budget, so that they are frozen and shared too.
    [(name, budget)] = calls[:1]
    assert name == "warm" and 0 < budget <= config["WARMUP_SECONDS"]
    assert calls[1:] == ["collect", "freeze", (2000, 10, config["FULL_COLLECTION_AFTER"])]
    assert config["FULL_COLLECTION_AFTER"] > 10  # less often than Python's default

    # A master that took its whole start budget already (a large formulary) does not warm.
    calls.clear()
    when_ready.__globals__["STARTED"] = time.monotonic() - config["START_BUDGET"]
    when_ready(server)
    assert calls[0] == "collect"
