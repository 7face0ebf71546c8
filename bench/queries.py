"""Write files of request paths for the load benchmark: one path a line, each a different list.

    .venv/bin/python bench/queries.py --out bench/results/q [--kb DIR] [--count 3000] [--seed 1]

Writes, from the names of a knowledge folder (the real one by default):
- check5.txt    /check/?drugs=... with 5 names
- api5.txt      /api/v1/interactions?drugs=... with 5 names
- api25.txt     /api/v1/interactions?drugs=... with 25 names
- typing.txt    /api/v1/drugs?q=... every prefix (2 letters and more) of a name as typed

The names are what people type: generic names and their synonyms, brand and combination
names, in any case, and about 1 in 10 one-word names with a typo (one letter dropped, doubled or two
swapped). wrk picks a random line per request (bench/random_paths.lua), so almost every
request is a list nobody sent before, as with real visitors.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_kb import knowledge_module

TYPO_RATE = 0.1


def known_names(snap) -> list[str]:
    names = []
    for ingredient in snap.ingredients.values():
        names.append(ingredient.name)
        names.extend(ingredient.synonyms)
    for product in snap.products:
        names.append(product.name)
        names.extend(product.synonyms)
    return sorted(set(names))


def typo(rng: random.Random, name: str) -> str:
    if len(name) < 6 or not name.isalpha():  # a typo in "Tylenol with Codeine" splits it
        return name
    i = rng.randrange(1, len(name) - 2)
    how = rng.choice(("drop", "double", "swap"))
    if how == "drop":
        return name[:i] + name[i + 1 :]
    if how == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def as_typed(rng: random.Random, name: str) -> str:
    name = typo(rng, name) if rng.random() < TYPO_RATE else name
    return rng.choice((name, name, name.lower(), name.capitalize()))


def pick(rng: random.Random, names: list[str], size: int) -> list[str]:
    return [as_typed(rng, name) for name in rng.sample(names, size)]


def check_path(prefix: str, names: list[str]) -> str:
    return prefix + quote(",".join(names), safe=",")


def write(out: Path, kb: Path | None = None, count: int = 3000, seed: int = 1) -> dict[str, Path]:
    knowledge = knowledge_module()
    snap = knowledge.load(kb) if kb else knowledge.load(knowledge.DATA_DIR)
    names = known_names(snap)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, prefix, size in (
        ("check5", "/check/?drugs=", 5),
        ("api5", "/api/v1/interactions?drugs=", 5),
        ("api25", "/api/v1/interactions?drugs=", 25),
    ):
        lines = [check_path(prefix, pick(rng, names, size)) for _ in range(count)]
        files[name] = out / f"{name}.txt"
        files[name].write_text("\n".join(lines) + "\n")
    typing = []
    for name in rng.sample(names, min(len(names), count // 4 or 1)):
        typed = as_typed(rng, name)
        typing.extend(f"/api/v1/drugs?q={quote(typed[:n])}" for n in range(2, len(typed) + 1))
    files["typing"] = out / "typing.txt"
    files["typing"].write_text("\n".join(typing) + "\n")
    return files


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--kb", type=Path, default=None, help="knowledge folder (default: the real one)"
    )
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for name, path in write(args.out, args.kb, args.count, args.seed).items():
        print(f"{name}: {path} ({sum(1 for _ in path.open())} paths)")


if __name__ == "__main__":
    main()
