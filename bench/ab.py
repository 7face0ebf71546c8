"""Two versions of the site side by side: the CPU a request costs in each, measured at once.

    .venv/bin/python bench/ab.py BASE [NEW] [--target check5] [--rounds 4]
                                 [--warm 6000] [--requests 2000]

BASE and NEW are git commits (NEW left out: the working tree as it is). Each is checked out
in a temporary worktree and measured in its own process, both at the same time, one per
core, so that other load on this shared machine falls on both alike (one after the other,
minutes apart, the same code has measured 30 % apart). Both send the same random lists
(bench/queries.py's files, TARGET.txt) through Django's whole middleware stack with the
test client and production settings, as bench/cpu_cost.py does: WARM requests first, so the
memos fill as in a worker that has served a while, then REQUESTS timed in CPU time.

Prints each round's CPU milliseconds per request and NEW / BASE, then the median ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "results" / "queries"


def measure(target: str, warm: int, requests: int, queries: Path) -> float:
    """In a child, in the tree being measured (its cwd): CPU ms per request."""
    sys.path.insert(0, str(Path.cwd() / "bench"))
    import cpu_cost  # this tree's: its setup() and its settings

    cpu_cost.setup()
    from django.core.management import call_command
    from django.test import Client

    if not (Path.cwd() / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    paths = (queries / f"{target}.txt").read_text().split()
    random.Random(3).shuffle(paths)
    paths = (paths * (1 + (warm + requests) // len(paths)))[: warm + requests]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    _median, mean = cpu_cost.cost(client, paths, warm=warm)  # a warm-up answer not 200 stops
    return mean


def _worktree(ref: str, into: Path) -> Path:
    tree = into / ref.replace("/", "_")
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(tree), ref],
        check=True,
    )
    return tree


def _start(tree: Path, args) -> subprocess.Popen:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", args.target]
    command += ["--warm", str(args.warm), "--requests", str(args.requests)]
    command += ["--queries", str(args.queries)]
    return subprocess.Popen(
        command,
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def _result(process: subprocess.Popen) -> float:
    out, _ = process.communicate()
    if process.returncode != 0 or not out.strip():
        raise SystemExit(f"a measuring process failed (exit {process.returncode})")
    return float(out.split()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="a commit")
    parser.add_argument("new", nargs="?", help="a commit; the working tree when left out")
    parser.add_argument("--target", default="check5", help="a queries file: check5, api5...")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warm", type=int, default=6000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--measure", metavar="TARGET", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(f"{measure(args.measure, args.warm, args.requests, args.queries):.4f}")
        return
    if not args.base:
        parser.error("which commit to compare with: BASE")
    if not (args.queries / f"{args.target}.txt").exists():
        sys.path.insert(0, str(ROOT / "bench"))
        import queries as make_queries

        make_queries.write(args.queries, count=5000)
    with tempfile.TemporaryDirectory(prefix="ab-") as scratch:
        trees = [_worktree(args.base, Path(scratch))]
        trees.append(_worktree(args.new, Path(scratch)) if args.new else ROOT)
        try:
            ratios = []
            for round_ in range(1, args.rounds + 1):
                base, new = [_result(p) for p in [_start(tree, args) for tree in trees]]
                ratios.append(new / base)
                print(
                    f"round {round_}: base {base:.3f} ms, new {new:.3f} ms, new/base {new / base:.3f}"
                )
            print(f"median new/base over {args.rounds} rounds: {statistics.median(ratios):.3f}")
        finally:
            for tree in trees:
                if tree != ROOT:
                    subprocess.run(
                        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                        check=False,
                    )


if __name__ == "__main__":
    main()
