"""Benchmark of the interaction engine and the JSON API (not a test).

    .venv/bin/python bench/engine.py [--runs 300] [--markdown]

Measures, for 2, 10 and 25 medicines:
- engine: engine.check() on already-resolved medicines (the pure-Python core);
- service: services.check() on the typed names (resolve + engine + guide links + JSON shape);
- API: GET /api/v1/interactions through the whole Django stack (middleware, URL routing,
  rendering) with the test client, against a throw-away SQLite database holding the guides.
Also the one-off cost per process of loading the knowledge base and precomputing every pair.
Reports median and 95th percentile in milliseconds.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")
_handle, _db_path = tempfile.mkstemp(suffix=".sqlite3")
os.close(_handle)
os.environ["DATABASE_URL"] = f"sqlite:///{_db_path}"

# A realistic list, most interacting first; the first N are used.
NAMES = [
    "Zoloft",
    "Ultram 50 mg",
    "Xanax",
    "Percocet",
    "Tylenol",
    "ibuprofen 800",
    "warfarin",
    "methadone",
    "Celexa",
    "Zofran",
    "lithium",
    "Wellbutrin XL 150",
    "Sudafed",
    "alcohol",
    "gabapentin",
    "Ambien",
    "trazodone",
    "Flexeril",
    "Benadryl",
    "Suboxone",
    "Seroquel",
    "clonidine",
    "Imitrex",
    "Lexapro",
    "sertaline",
]
STOPPED = ["Prozac"]


def timed(fn, runs):
    for _ in range(min(20, runs)):  # warm up caches
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("import_articles", verbosity=0)

    from interactions import services
    from medicines import engine, knowledge
    from medicines.resolver import Resolved, resolver_for

    start = time.perf_counter()
    snap = knowledge.load()
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    engine.rule_index(snap)
    index_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    resolver_for(snap)
    resolver_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    table = engine.pair_table(snap)  # what the tools build (kb_matrix), never a request
    table_ms = (time.perf_counter() - start) * 1000
    knowledge.reset()
    snap = knowledge.snapshot()
    resolver = resolver_for(snap)

    client = Client()
    rows = []
    for n in (2, 10, 25):
        names = NAMES[:n]
        medicines = []
        for name in names:
            item = resolver.resolve(name)
            assert isinstance(item, Resolved), name
            medicines.append(engine.Medicine(item.name, item.ingredients))
        stopped = [engine.Medicine("Prozac", ("fluoxetine",))]
        findings = engine.check(snap, medicines, stopped)

        def cold_check(medicines=medicines, stopped=stopped):  # every pair computed again,
            engine._pair_memo(snap).cache_clear()  # as for a list nobody sent before
            engine.check(snap, medicines, stopped)

        cold_t = timed(cold_check, args.runs)
        engine_t = timed(lambda m=medicines, s=stopped: engine.check(snap, m, s), args.runs)
        service_t = timed(lambda n=names: services.check(n, STOPPED), args.runs)
        url = (
            "/api/v1/interactions?drugs="
            + ",".join(names)
            + "&recently_stopped="
            + ",".join(STOPPED)
        )
        response = client.get(url)
        assert response.status_code == 200
        api_t = timed(lambda u=url: client.get(u), args.runs)
        rows.append((n, len(findings), cold_t, engine_t, service_t, api_t, len(response.content)))

    lines = [
        f"Machine: {machine()}.",
        f"Date: {time.strftime('%Y-%m-%d')}; knowledge base {snap.version}: {len(snap.ingredients)} "
        f"ingredients, {len(snap.products)} products, {len(snap.rules)} pair rules; "
        f"{len(table.current)} pair findings in all; {args.runs} runs each.",
        "",
        "| medicines | findings | engine, pairs computed (ms) | engine, pairs memoised (ms) "
        "| service median / p95 (ms) | API median / p95 (ms) | response size |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, count, c, e, s, a, size in rows:
        lines.append(
            f"| {n} | {count} | {c[0]:.3f} / {c[1]:.3f} | {e[0]:.3f} / {e[1]:.3f} | {s[0]:.2f} / {s[1]:.2f} "
            f"| {a[0]:.2f} / {a[1]:.2f} | {size / 1024:.0f} KiB |"
        )
    lines += [
        "",
        f"One-off per process: reading and validating the YAML {load_ms:.0f} ms, the rule index "
        f"{index_ms:.0f} ms, the name index {resolver_ms:.0f} ms. Every pair finding at once (only "
        f"the tools build it: kb_matrix, the class table, peer review) {table_ms:.0f} ms.",
    ]
    print("\n".join(lines))
    os.unlink(_db_path)


if __name__ == "__main__":
    main()
