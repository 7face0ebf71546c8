"""Kill one gunicorn worker under load and count the answers that were cut.

    python bench/kill_worker.py --port 8000 --master GUNICORN_MASTER_PID [--max-cut 5]

A few threads send GET requests for --seconds; halfway, one worker (a child of the master)
is killed with SIGKILL, as the kernel's OOM killer or a crash would. Every answer that is
not a 200 (or no answer at all) counts as cut. Prints one JSON line; exits 1 when more than
--max-cut were cut, or when the master did not replace the worker. Loopback only.
"""

import argparse
import http.client
import ipaddress
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def load(host, port, paths, stop, counts, lock):
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        try:
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", path, headers={"Host": host})
            status = connection.getresponse().status
            connection.close()
        except (OSError, http.client.HTTPException):
            status = 0
        with lock:
            counts["total"] += 1
            if status != 200:
                counts["cut"] += 1
                counts["statuses"][str(status)] = counts["statuses"].get(str(status), 0) + 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--master", type=int, required=True, help="gunicorn master PID")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-cut", type=int, default=5)
    parser.add_argument("--path", action="append", help="paths to request (repeatable)")
    args = parser.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback:
        parser.error("loopback addresses only")
    paths = args.path or ["/", "/articles/", "/healthz"]  # not rate-limited

    before = children(args.master)
    if not before:
        print(json.dumps({"error": f"no workers under {args.master}"}))
        return 1
    stop, lock = threading.Event(), threading.Lock()
    counts = {"total": 0, "cut": 0, "statuses": {}}
    threads = [
        threading.Thread(
            target=load, args=(args.host, args.port, paths, stop, counts, lock), daemon=True
        )
        for _ in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds / 2)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    time.sleep(args.seconds / 2)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    after = children(args.master)
    replaced = victim not in after and len(after) >= len(before)
    print(
        json.dumps(
            {
                **counts,
                "killed": victim,
                "workers_before": len(before),
                "workers_after": len(after),
                "replaced": replaced,
            }
        )
    )
    return 0 if counts["cut"] <= args.max_cut and replaced else 1


if __name__ == "__main__":
    sys.exit(main())
