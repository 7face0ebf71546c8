"""Faults: Redis down or stopped mid-run, the database failing, a broken knowledge file.

The same faults against real servers (gunicorn, PostgreSQL and Redis stopped and started
again) are scripted in bench/faults.sh, which CI runs after the suite.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import InterfaceError, InternalError, OperationalError, connection
from django.test.utils import CaptureQueriesContext

CI = os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(port: int, retry_after: float = 0.2) -> dict:
    """Rate limits in database 0 (counted through "ratelimit"), pages in database 1
    (production uses two instances)."""
    return {
        alias: {
            "BACKEND": backend,
            "LOCATION": f"redis://127.0.0.1:{port}/{number}",
            "OPTIONS": {"RETRY_AFTER_SECONDS": retry_after},
        }
        for number, alias, backend in [
            (0, "default", "web.cache.FaultTolerantRedisCache"),
            (0, "ratelimit", "web.cache.RateCounterCache"),
            (1, "pages", "web.cache.FaultTolerantRedisCache"),
        ]
    }


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, len(captured)


class RedisServer:
    def __init__(self, port):
        self.port, self.process = port, None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        if CI:
            pytest.fail("redis-server is missing: .ci/run installs Debian's redis-server package")
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


def test_site_serves_when_redis_is_unreachable(client, make_guide, settings, log_lines):
    # Nothing listens there. A long retry, so a slow (loaded) machine cannot make the
    # requests outlast it: the point is one error per cache, not one per call.
    settings.CACHES = redis_cache(free_port(), retry_after=60)
    guide = make_guide()
    started = time.monotonic()
    for path in (
        "/",
        guide.get_absolute_url(),
        guide.get_absolute_url(),
        "/articles/",
        "/check/?drugs=Zoloft",
    ):
        assert client.get(path).status_code == 200, path
    assert time.monotonic() - started < 5
    errors = [json.loads(line) for line in log_lines() if '"beforeyoumix.cache"' in line]
    assert errors and errors[0]["level"] == "ERROR"
    # After one failure the cache is skipped for a while, not retried on every call.
    assert len(errors) <= 2


def test_redis_stopped_mid_run_and_back(client, make_guide, settings, redis_server, log_lines):
    settings.CACHES = redis_cache(redis_server.port)
    settings.COUNTER_BATCH = 20
    url = make_guide().get_absolute_url()
    assert client.get(url).status_code == 200
    assert queries(client, url)[1] == 0  # served from Redis

    redis_server.stop()
    for _ in range(3):
        response, count = queries(client, url)
        assert response.status_code == 200
        assert count > 0  # rendered without the cache
    assert any('"beforeyoumix.cache"' in line for line in log_lines())

    redis_server.start()
    time.sleep(0.3)  # RETRY_AFTER_SECONDS
    client.get(url)
    assert queries(client, url)[1] == 0  # cached again, no restart needed


def test_redis_failures_degrade_every_cache_call(settings, redis_server):
    from django.core.cache import caches

    settings.CACHES = redis_cache(redis_server.port)
    cache = caches["default"]
    assert cache.add("k", 1) and cache.incr("k") == 2
    redis_server.stop()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", 1) is False and cache.set("k", 1) is False
    assert cache.get_or_set("other", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.delete("k") is False and cache.has_key("k") is False
    cache.delete_many(["k"])
    cache.set_many({"k": 1})
    assert cache.clear() is False


def test_rate_limits_count_in_one_round_trip_and_expire(client, db, settings, redis_server):
    import redis

    settings.CACHES = redis_cache(redis_server.port)
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {**settings.RATELIMITS, "check": "3/m"}
    visitor = {"REMOTE_ADDR": "203.0.113.7"}
    server = redis.Redis(port=redis_server.port)
    assert client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code == 200
    server.config_resetstat()  # from here on the script is loaded (the first call loads it)
    codes = [client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    stats = server.info("commandstats")
    # One call per counted request; no SET NX, no separate EXISTS or INCRBY round trips.
    assert stats["cmdstat_evalsha"]["calls"] == 3 and "cmdstat_eval" not in stats
    assert "cmdstat_set" not in stats and "cmdstat_exists" not in stats
    [key] = server.keys("*rl:*")
    assert int(server.get(key)) == 4
    assert 0 < server.ttl(key) <= 60 + 5  # the window and django-ratelimit's fudge, never -1


def test_rate_limits_fail_open_when_redis_stops(client, db, settings, redis_server):
    settings.CACHES = redis_cache(redis_server.port)
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = {**settings.RATELIMITS, "check": "2/m"}
    visitor = {"REMOTE_ADDR": "203.0.113.8"}
    assert client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code == 200
    redis_server.stop()
    # Nothing can be counted: the checker answers rather than lock everyone out.
    for _ in range(3):
        assert client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code == 200
    redis_server.start()
    time.sleep(0.3)  # RETRY_AFTER_SECONDS
    codes = [client.get("/check/?drugs=Zoloft,Ultram", **visitor).status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # counting again (from 0: this Redis kept nothing)


# Without a wrapping test transaction, as in production: a failed write there would mark
# the test's transaction for rollback and fail every later query.
# InterfaceError is what psycopg raises on a connection the database closed (a restart):
# not a DatabaseError, so it needs catching of its own.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_then_back(client, library, monkeypatch, error):
    cached_guide = library.filter(status="published").first().get_absolute_url()
    assert client.get(cached_guide).status_code == 200  # now in the page cache

    def broken(*args, **kwargs):
        raise error("the database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        assert client.get("/healthz").status_code == 503
        for path in ("/search/?q=tramadol", "/articles/?page=2", "/tags/opioids/"):
            response = client.get(path)
            assert response.status_code == 503, path
            html = response.content.decode()
            assert "We are having trouble right now" in html and "911" in html, path
            assert response.headers["Retry-After"] == "30"
        # Pages already rendered keep being served (their read counter fails quietly).
        assert client.get(cached_guide).status_code == 200
        # The checker and the API need no database.
        assert client.get("/check/?drugs=Zoloft,Ultram").status_code == 200
        assert client.get("/api/v1/interactions?drugs=Zoloft,Ultram").status_code == 200

    # Recovery without a restart.
    assert client.get("/healthz").status_code == 200
    for path in ("/search/?q=tramadol", "/articles/?page=2", "/tags/opioids/"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_checker_answers_without_guide_links_when_the_guides_cannot_be_read(
    client, db, monkeypatch, error
):
    """The guide index is the checker's only database read: when it fails (InterfaceError:
    a connection the database closed), the findings still come, without guide links."""
    from articles import linking
    from interactions import services

    def broken():
        raise error("connection already closed")

    monkeypatch.setattr(linking, "published_guide_index", broken)
    monkeypatch.setattr(services, "_latest_index", [None, None])
    result = services.check(["Zoloft", "Ultram"])
    assert result.highest_severity == "major" and result.findings
    assert all(not f.articles for f in result.findings) and not result.guides
    assert client.get("/check/?drugs=Zoloft,Ultram").status_code == 200
    response = client.get("/api/v1/interactions?drugs=Zoloft,Ultram")
    assert response.status_code == 200 and response.json()["findings"]


@pytest.fixture
def knowledge_copy(tmp_path):
    from medicines import knowledge

    data = tmp_path / "data"
    shutil.copytree(knowledge.DATA_DIR, data)
    knowledge.reset()
    yield data
    knowledge.reset()


def test_broken_knowledge_file_keeps_the_previous_knowledge_live(knowledge_copy, log_lines):
    from medicines import engine, knowledge

    before = knowledge.snapshot(knowledge_copy)
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text() + "\n  - this: is [not valid\n")
    later = time.time() + 5
    os.utime(rules, (later, later))

    after = knowledge.snapshot(knowledge_copy)
    assert after is before  # the last good snapshot stays live
    assert "invalid" in "\n".join(log_lines()).lower()
    assert engine is not None


def test_load_knowledge_refuses_a_broken_file(knowledge_copy, db):
    from medicines import knowledge

    out = io.StringIO()
    call_command("load_knowledge", data_dir=str(knowledge_copy), verbosity=0, stdout=out)
    live = knowledge.snapshot().version
    assert live in out.getvalue()  # the copy is the real knowledge: same version

    ingredient_file = next((knowledge_copy / "ingredients").glob("*.yaml"))
    ingredient_file.write_text(ingredient_file.read_text().replace("slug:", "slgu:", 1))
    with pytest.raises(CommandError) as error:
        call_command("load_knowledge", data_dir=str(knowledge_copy), verbosity=0)
    assert ingredient_file.name in str(error.value)
    assert knowledge.snapshot().version == live  # what the site serves is unchanged


@pytest.mark.parametrize("error", [OperationalError, InternalError, InterfaceError])
def test_a_failed_read_count_write_never_reaches_the_reader(
    client, make_guide, settings, monkeypatch, log_lines, error
):
    """Issue 13, item 5: the database refuses writes (a read-only replica promoted badly, a
    full disk); every guide view must still answer."""
    from django.db.models import QuerySet

    from articles import reads

    settings.COUNTER_BATCH = 1  # a write on every read
    reads.forget_pending()
    url = make_guide().get_absolute_url()

    def refuse(self, **kwargs):
        raise error("cannot execute UPDATE in a read-only transaction")

    monkeypatch.setattr(QuerySet, "update", refuse)
    for _ in range(12):
        assert client.get(url).status_code == 200
    assert sum("read count not saved" in line for line in log_lines()) == 12
