"""The scale run: the production stack on synthetic knowledge of growing size.

    bash bench/scale.sh                       (make bench-scale; PostgreSQL and Redis set up)
    .venv/bin/python bench/scale.py 150 500   (with DATABASE_URL/REDIS_URL already set)

For each size (ingredients; bench/synthetic_kb.py writes the folder), it starts nginx and
gunicorn (deploy/serve.sh, KNOWLEDGE_DIR set) and measures, on loopback only:

- start: seconds from launching the server to the first /healthz 200;
- memory: each gunicorn worker's private memory (USS: Private_Clean + Private_Dirty in
  /proc/<pid>/smaps_rollup) right after start, after 5,000 distinct checks (random lists of
  5 names, 4 connections, spread over the workers as the kernel hands them out), and after
  the latency run below; the master's too;
- autocomplete: /api/v1/drugs?q=... for every keystroke of real-looking names typed one
  after the other on one connection (p50, p95);
- check: /check/ with a different random list of 5 names on every request at 4
  connections (requests/s, p50, p99).

Bounded: a server that does not answer within SCALE_START_TIMEOUT seconds (default 180), or
whose processes together hold more than SCALE_MAX_MB of memory (default 8000), is stopped
and reported as such. Results: bench/results/scale.json and a Markdown table on stdout.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import queries  # noqa: E402
import synthetic_kb  # noqa: E402

PORT = int(os.environ.get("SCALE_PORT", "8767"))
START_TIMEOUT = float(os.environ.get("SCALE_START_TIMEOUT", "180"))
MAX_MB = float(os.environ.get("SCALE_MAX_MB", "8000"))
CHECKS = int(os.environ.get("SCALE_CHECKS", "5000"))
DURATION = int(os.environ.get("SCALE_DURATION", "15"))
RESULTS = ROOT / "bench" / "results"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        out += kids
        todo += kids
    return out


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def uss_mb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    fields = {
        line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if ":" in line
    }
    return round((fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024, 1)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def gunicorn_pids(serve_pid: int) -> tuple[int | None, list[int]]:
    """(master, workers) under deploy/serve.sh."""
    master = next((p for p in children(serve_pid) if "gunicorn" in comm(p)), None)
    if master is None:
        return None, []
    return master, [p for p in children(master) if "gunicorn" in comm(p)]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - start) * 1000


def healthz(timeout: float = 1.0) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
        status, _ = get(conn, "/healthz")
        conn.close()
        return status == 200
    except OSError:
        return False


def send_all(paths: list[str], connections: int) -> dict:
    """Each path once, over `connections` keep-alive connections."""
    lock = threading.Lock()
    todo = list(paths)
    statuses: dict[int, int] = {}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while True:
            with lock:
                if not todo:
                    break
                path = todo.pop()
            try:
                status, _ = get(conn, path)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": statuses, "seconds": round(time.perf_counter() - started, 1)}


def typing_latency(paths: list[str]) -> dict:
    """Keystrokes one after the other on one connection, as one person typing."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    times = []
    for path in paths:
        status, ms = get(conn, path)
        if status == 200:
            times.append(ms)
    conn.close()
    times.sort()
    return {
        "keystrokes": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
    }


def wrk(path_file: Path, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "random_paths.lua"), f"http://127.0.0.1:{PORT}/", "--",
         str(path_file)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def memory(serve_pid: int) -> dict:
    master, workers = gunicorn_pids(serve_pid)
    return {
        "master_uss_mb": uss_mb(master) if master else None,
        "workers_uss_mb": [uss_mb(p) for p in workers],
        "workers_rss_mb": [round(rss_mb(p), 1) for p in workers],
    }


def stop(serve: subprocess.Popen) -> None:
    """Stop the server this run started: TERM, then KILL its processes if they linger (a
    gunicorn master busy before forking handles no signal until it is done)."""
    pids = descendants(serve.pid)
    if serve.poll() is None:
        serve.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        serve.wait(timeout=20)
    for pid in [serve.pid, *pids]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        serve.wait(timeout=5)


def run_size(size: int, work: Path) -> dict:
    kb = work / f"kb-{size}"
    made = synthetic_kb.build(size, kb, seed=size)
    snap = synthetic_kb.knowledge_module().load(kb)
    names = len(queries.known_names(snap))
    qdir = work / f"q-{size}"
    files = queries.write(qdir, kb, count=CHECKS + 30000, seed=size)
    lines = files["check5"].read_text().splitlines()
    warm, rest = lines[:CHECKS], lines[CHECKS:]
    (qdir / "check5-latency.txt").write_text("\n".join(rest) + "\n")
    typing = files["typing"].read_text().splitlines()[:1500]
    result: dict = {"ingredients": made["ingredients"], "names": names}

    run_dir = Path(tempfile.mkdtemp(prefix="scale-run-"))
    os.chmod(run_dir, 0o755)
    env = dict(os.environ, KNOWLEDGE_DIR=str(kb), PORT=str(PORT), SERVE_RUN_DIR=str(run_dir))
    log = (work / f"server-{size}.log").open("w")
    started = time.perf_counter()
    serve = subprocess.Popen(
        ["bash", "deploy/serve.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    peak = 0.0
    try:
        while True:
            elapsed = time.perf_counter() - started
            if healthz():
                result["start_s"] = round(elapsed, 1)
                break
            total = sum(rss_mb(p) for p in descendants(serve.pid))
            peak = max(peak, total)
            if serve.poll() is not None:
                result["failed"] = f"server exited with {serve.returncode} after {elapsed:.0f} s"
                return result
            if elapsed > START_TIMEOUT:
                result["failed"] = (
                    f"no /healthz 200 within {START_TIMEOUT:.0f} s (server memory {total:,.0f} MB)"
                )
                return result
            if total > MAX_MB:
                result["failed"] = (
                    f"stopped at {total:,.0f} MB of memory after {elapsed:.0f} s, before serving"
                )
                return result
            time.sleep(0.1)
        time.sleep(1)  # every worker up
        result["memory_start"] = memory(serve.pid)
        result["warm_checks"] = send_all(warm, 4)
        result["memory_after_checks"] = memory(serve.pid)
        result["autocomplete"] = typing_latency(typing)
        check = wrk(qdir / "check5-latency.txt", 4, DURATION)
        result["check5_c4"] = {
            k: check[k] for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")
        } | {"errors": sum(check["errors"].values())}
        result["memory_after_latency"] = memory(serve.pid)
        result["peak_start_mb"] = round(peak, 1)
        return result
    finally:
        stop(serve)
        log.close()
        subprocess.run(["rm", "-rf", str(run_dir)], check=False)


def table(results: list[dict]) -> str:
    rows = [
        "| Ingredients (names) | Start to first `/healthz` 200 | Worker USS after start / after "
        f"{CHECKS:,} checks / after the latency run (MB, largest) | Autocomplete p50 / p95 ms "
        "| `/check/` random 5, 4 connections: req/s, p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        head = f"| {r['ingredients']:,} ({r['names']:,}) "
        if "failed" in r:
            rows.append(head + f"| {r['failed']} | | | |")
            continue

        def largest(key, r=r):
            return max(x for x in r[key]["workers_uss_mb"] if x is not None)

        rows.append(
            head
            + f"| {r['start_s']:.1f} s "
            + f"| {largest('memory_start'):.0f} / {largest('memory_after_checks'):.0f} / "
            + f"{largest('memory_after_latency'):.0f} "
            + f"| {r['autocomplete']['p50_ms']:.1f} / {r['autocomplete']['p95_ms']:.1f} "
            + f"| {r['check5_c4']['rps']:,.0f}: {r['check5_c4']['p50_ms']:.0f} / "
            + f"{r['check5_c4']['p99_ms']:.0f} |"
        )
    return "\n".join(rows)


DOC = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- scale-results:start -->", "<!-- scale-results:end -->"


def verdicts(results: list[dict]) -> list[str]:
    """Issue 14's targets at 2,000 ingredients (about 25,000 names)."""
    at = next((r for r in results if r["ingredients"] == 2000), None)
    if at is None:
        return []
    if "failed" in at:
        return [f"At 2,000 ingredients: **{at['failed']}**; no target met."]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    worst = max(x for x in at["memory_after_checks"]["workers_uss_mb"] if x is not None)
    typing, check = at["autocomplete"]["p95_ms"], at["check5_c4"]["p99_ms"]
    return [
        "| At 2,000 ingredients | Goal | Measured | |",
        "| --- | --- | --- | --- |",
        f"| Start to first `/healthz` 200 | < 10 s | {at['start_s']:.1f} s | {verdict(at['start_s'] < 10)} |",
        f"| Each worker's private memory after {CHECKS:,} distinct checks | < 200 MB | {worst:.0f} MB "
        f"| {verdict(worst < 200)} |",
        f"| Autocomplete p95 per keystroke over HTTP | < 20 ms | {typing:.1f} ms | {verdict(typing < 20)} |",
        f"| `/check/` random 5 names, p99 at 4 connections | < 150 ms | {check:.0f} ms "
        f"| {verdict(check < 150)} |",
    ]


def write_doc(results: list[dict]) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = "\n".join(
        [
            START,
            f"Measured {when} with `make bench-scale` (bench/scale.py: nginx -> gunicorn with "
            f"config/gunicorn.conf.py, {os.cpu_count()} cores shared with the load generator; "
            f"{CHECKS:,} distinct checks, then {DURATION} s of `/check/` at 4 connections).",
            "",
            table(results),
            "",
            *verdicts(results),
            END,
        ]
    )
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Scale\n\n" + section + "\n"
    DOC.write_text(text)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [150, 500, 2000, 5000]
    work = Path(tempfile.mkdtemp(prefix="scale-"))
    results = []
    try:
        for size in sizes:
            print(f"== {size} ingredients", flush=True)
            result = run_size(size, work)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    print("\n".join(verdicts(results)))
    if os.environ.get("SCALE_WRITE_DOC", "1") == "1":
        write_doc(results)


if __name__ == "__main__":
    main(sys.argv[1:])
