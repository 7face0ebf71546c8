"""Turn bench/results/*.jsonl into bench/results/load.json and the "Load" section of
docs/BENCHMARKS.md (only the text between its load-results markers is replaced)."""

import datetime
import json
import os
import platform
import re
import runpy
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config/gunicorn.conf.py imports web.logs, as under gunicorn
DOC = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- load-results:start -->", "<!-- load-results:end -->"
LABELS = {
    "static": "Static CSS file (nginx alone)",
    "robots": "`/robots.txt` (ceiling: gunicorn + all middleware)",
    "home": "Home page",
    "guide": "A guide",
    "drug": "A drug page",
    "check5": "`/check/`, random 5 names",
    "check5_light": "`/check/`, random 5 names, light load",
    "api5": "API, random 5 names",
    "api25": "API, random 25 names",
    "typing": "Autocomplete, each keystroke of a name",
    "check5_limited": "`/check/`, random 5 names, rate limiter on",
    "api5_limited": "API, random 5 names, rate limiter on",
}
# Share of the ceiling's throughput (issue 14), in the same run.
TARGETS = {"check5": 0.25, "guide": 0.50, "api5": 0.40, "api25": 0.15}
WEIGHT_LIMIT = 60 * 1024


def command(*args) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> dict:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    postgres = (
        sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v))[-1]
        if Path("/usr/lib/postgresql").exists()
        else "?"
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "redis": (re.search(r"v=(\S+)", command("redis-server", "--version")) or [None, "?"])[1],
        "wrk": command("dpkg-query", "-W", "-f=${Version}", "wrk"),
        "nginx": command("dpkg-query", "-W", "-f=${Version}", "nginx"),
        "gunicorn": f"{config['workers']} workers x {config['threads']} threads ({config['worker_class']})",
    }


def combined(rounds: list[dict]) -> dict:
    """One target's rounds as one run: requests/s over all of them, the median round's
    latencies, all errors; its share of the ceiling is the median of the rounds' shares
    (each round against the ceiling measured just before it), and each round's share."""
    shares = [
        r["wrk"]["rps"] / r["ceiling"]["rps"] for r in rounds if (r.get("ceiling") or {}).get("rps")
    ]
    wrks, ceilings = [r["wrk"] for r in rounds], [r["ceiling"] for r in rounds if r.get("ceiling")]

    def rate(runs):
        seconds = sum(w["duration_us"] for w in runs) / 1e6
        return sum(w["requests"] for w in runs) / seconds if seconds else 0.0

    wrk = {
        "requests": sum(w["requests"] for w in wrks),
        "duration_us": sum(w["duration_us"] for w in wrks),
        "bytes": sum(w["bytes"] for w in wrks),
        "rps": rate(wrks),
        "errors": {k: sum(w["errors"][k] for w in wrks) for k in wrks[0]["errors"]},
    }
    for key in ("p50_ms", "p90_ms", "p95_ms", "p99_ms"):
        wrk[key] = statistics.median(w[key] for w in wrks)
    wrk["max_ms"] = max(w["max_ms"] for w in wrks)
    return {
        **{k: rounds[0][k] for k in ("name", "path", "connections") if k in rounds[0]},
        "wrk": wrk,
        "ceiling": {"rps": rate(ceilings)} if ceilings else None,
        "share": statistics.median(shares) if shares else None,
        "shares": shares,
        "rounds": rounds,
    }


def main(results_dir: str, connections: str, duration: str) -> None:
    results = Path(results_dir)
    lines = [
        json.loads(line)
        for line in (results / "wrk.jsonl").read_text().splitlines()
        if line.strip()
    ]
    by_target: dict[str, list[dict]] = {}
    for line in lines:
        by_target.setdefault(line["name"], []).append(line)
    runs = [combined(rounds) for rounds in by_target.values()]
    weights = [
        json.loads(line)
        for line in (results / "weight.jsonl").read_text().splitlines()
        if line.strip()
    ]
    by_name = {run["name"]: run["wrk"] for run in runs}
    rounds = max(len(run["rounds"]) for run in runs)
    ceiling = by_name["robots"]["rps"]
    static = by_name["static"]["rps"]
    info = machine()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def share(run) -> float:
        """The median of its rounds' shares of the ceiling measured just before each (the
        whole run's ceiling if none was)."""
        return run["share"] if run.get("share") is not None else run["wrk"]["rps"] / ceiling

    shares = {run["name"]: share(run) for run in runs}
    rows = []
    for run in runs:
        wrk = run["wrk"]
        errors = sum(wrk["errors"].values())
        before = (run.get("ceiling") or {}).get("rps")
        each = " / ".join(f"{x:.0%}" for x in run["shares"]) if len(run["shares"]) > 1 else ""
        rows.append(
            f"| {LABELS.get(run['name'], run['name'])} | {run.get('connections', connections)} | {wrk['rps']:,.0f} | "
            f"{wrk['p50_ms']:.1f} | {wrk['p99_ms']:.1f} | {errors} | "
            f"{f'{before:,.0f}' if before else ''} | {shares[run['name']]:.0%} | {each} | {wrk['rps'] / static:.0%} |"
        )
    total_errors = sum(sum(run["wrk"]["errors"].values()) for run in runs)
    heavy = [w for w in weights if w["transferred_bytes"] >= WEIGHT_LIMIT]
    foreign = [url for w in weights for url in w["third_party_requests"]]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    target_rows = [
        f"| {LABELS[name]}, {next(r['connections'] for r in runs if r['name'] == name)} connections | "
        f"≥ {goal:.0%} of the ceiling | {shares[name]:.0%} | {verdict(shares[name] >= goal)} |"
        for name, goal in TARGETS.items()
        if name in by_name
    ]
    weight_rows = [
        f"| `{w['page']}` | {w['requests']} | {w['transferred_bytes'] / 1024:.1f} KB | {len(w['third_party_requests'])} |"
        for w in weights
    ]
    section = "\n".join(
        [
            START,
            f"Measured {when} with `make bench` ({duration} s per target in {rounds} rounds after a 3 s warm-up, "
            "keep-alive connections, `Accept-Encoding: gzip`; checker and API: a different random list of real "
            "names on every request). Each round's share of the ceiling is taken against `/robots.txt` measured "
            "just before it, at the same connections, so that other load on the machine moves both alike; a "
            "target's share is the median of its rounds'. Rate limits off "
            "(`RATELIMIT_ENABLED=0`, as issue 14 sets the benchmark) but in the rows marked "
            '"rate limiter on": a second server, counting every checker and API request in Redis as '
            "production does.",
            "",
            f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB memory, Linux {info['kernel']}; "
            f"Python {info['python']}, PostgreSQL {info['postgresql']}, Redis {info['redis']}, nginx {info['nginx']}, "
            f"wrk {info['wrk']}; gunicorn {info['gunicorn']} behind nginx on a unix socket. "
            "The load generator shares the two cores with the server.",
            "",
            "| Target | Connections | Requests/s | p50 ms | p99 ms | Errors | `/robots.txt` just before, req/s "
            "| vs `/robots.txt` (median) | each round | vs static |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "What a first visit transfers (Chromium, cache off, compressed bodies and headers, all requests):",
            "",
            "| Page | Requests | Transferred | Third-party requests |",
            "| --- | ---: | ---: | ---: |",
            *weight_rows,
            "",
            "| Target | Goal | Measured | |",
            "| --- | --- | --- | --- |",
            f"| Errors | 0 | {total_errors} | {verdict(total_errors == 0)} |",
            *target_rows,
            f"| Home and guide transferred | < 60 KB each | "
            f"{', '.join(f'{w["transferred_bytes"] / 1024:.1f} KB' for w in weights)} | {verdict(not heavy)} |",
            f"| Third-party requests | 0 | {len(foreign)} | {verdict(not foreign)} |",
            END,
        ]
    )
    (results / "load.json").write_text(
        json.dumps({"when": when, "machine": info, "runs": runs, "weights": weights}, indent=2)
    )
    print(section)

    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n## Load\n\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)


if __name__ == "__main__":
    main(*sys.argv[1:4])
