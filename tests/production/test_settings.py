"""Settings read from the environment: databases, replicas, cache, gunicorn."""

import json
import runpy
import subprocess
import sys
from pathlib import Path

from config.dbrouter import ReplicaRouter

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps({'dbs': {k: [v['ENGINE'], v.get('OPTIONS', {}), v.get('CONN_MAX_AGE'),"
    " v.get('CONN_HEALTH_CHECKS')] for k, v in s.DATABASES.items()},"
    " 'routers': s.DATABASE_ROUTERS, 'cache': s.CACHES['default']['BACKEND']}))"
)


def settings_with(**env):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", PRINT],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgres_with_replicas_and_redis():
    found = settings_with(
        DATABASE_URL="postgres://u:p@primary:5432/bym",
        DATABASE_REPLICA_URLS="postgres://u:p@replica1:5432/bym,postgres://u:p@replica2:5432/bym",
        REDIS_URL="redis://cache:6379/0",
    )
    assert set(found["dbs"]) == {"default", "replica1", "replica2"}
    for engine, options, max_age, health_checks in found["dbs"].values():
        assert engine == "django.db.backends.postgresql"
        assert options["connect_timeout"] == 5 and "statement_timeout" in options["options"]
        assert max_age == 60 and health_checks is True  # persistent, checked before reuse
    assert found["routers"] == ["config.dbrouter.ReplicaRouter"]
    assert found["cache"] == "config.cache.FaultTolerantRedisCache"


def test_development_defaults():
    found = settings_with()
    assert list(found["dbs"]) == ["default"] and found["routers"] == []
    assert found["cache"].endswith("LocMemCache")


def test_replica_router(monkeypatch):
    router = ReplicaRouter()
    monkeypatch.setattr(router, "replicas", lambda: ["replica1", "replica2"])
    assert router.db_for_read(None) in {"replica1", "replica2"}
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica1", "articles") is False
    assert router.allow_migrate("default", "articles") is True


def test_gunicorn_settings(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8123"
    assert config["workers"] >= 3 and config["worker_class"] == "sync" and config["threads"] == 1
    assert config["accesslog"] is None  # the access log would carry query strings
    assert config["preload_app"] is True and callable(config["when_ready"])
