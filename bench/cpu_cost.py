"""CPU time per request, in one process, for the load benchmark's targets: a measure that
other work on a shared machine hardly moves (wrk's requests/s do move with it).

    .venv/bin/python bench/cpu_cost.py [QUERIES_DIR] [--requests 400]

QUERIES_DIR holds bench/queries.py's files (written if missing). Django's test client sends
each request through the whole middleware stack (no gunicorn, no nginx, no network), with
production settings (DEBUG off, cached templates); the database is a throw-away SQLite copy
with the guides imported. For each target: CPU milliseconds per request (median, mean)
after a warm-up of 50 requests, and its cost relative to /robots.txt, the ceiling: a
target costing 4x the ceiling can serve at most 25 % of its throughput.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    handle, db = tempfile.mkstemp(suffix=".sqlite3")
    os.close(handle)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECURE_SSL_REDIRECT="0",
        SITE_URL="http://127.0.0.1", ALLOWED_HOSTS="127.0.0.1,testserver", RATELIMIT_ENABLED="0",
        LOG_LEVEL="WARNING", DATABASE_URL=f"sqlite:///{db}", REDIS_URL="",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "cpu-cost-" + "x" * 40,
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("import_articles", verbosity=0)


def cost(client, paths: list[str], warm: int = 50) -> tuple[float, float]:
    for path in paths[:warm]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    samples = []
    for path in paths[warm:]:
        start = time.process_time()
        client.get(path)
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples), statistics.fmean(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "queries", nargs="?", type=Path, default=ROOT / "bench" / "results" / "queries"
    )
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args(argv)
    setup()
    sys.path.insert(0, str(ROOT / "bench"))
    import queries as make_queries

    if not (args.queries / "check5.txt").exists():
        make_queries.write(args.queries, count=5000)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(4)
    n = args.requests + 50

    def lines(name):
        paths = (args.queries / f"{name}.txt").read_text().split()
        rng.shuffle(paths)
        return paths[:n]

    targets = {
        "/robots.txt (ceiling)": ["/robots.txt"] * n,
        "home": ["/"] * n,
        "a drug page": ["/drugs/sertraline/"] * n,
        "/check/, random 5": lines("check5"),
        "API, random 5": lines("api5"),
        "API, random 25": lines("api25"),
        "autocomplete keystroke": lines("typing"),
    }
    rows = {name: cost(client, paths) for name, paths in targets.items()}
    ceiling = rows["/robots.txt (ceiling)"][1]
    print(
        "| Target | CPU ms per request, median / mean | Cost vs `/robots.txt` | At most, of its throughput |"
    )
    print("| --- | ---: | ---: | ---: |")
    for name, (median, mean) in rows.items():
        print(
            f"| {name} | {median:.2f} / {mean:.2f} | {mean / ceiling:.1f}x | {ceiling / mean:.0%} |"
        )


if __name__ == "__main__":
    main()
