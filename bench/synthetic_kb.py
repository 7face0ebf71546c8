"""Write a synthetic knowledge folder of N ingredients, for measuring at formulary scale.

    .venv/bin/python bench/synthetic_kb.py --ingredients 2000 --out /tmp/kb-2000

The real ingredients are kept as they are (so every rule, product, reference and name of the
real knowledge base is there), and clones of them are added until there are N: each clone
keeps its original's classes and properties (so the same rules fire for it), gets a new
made-up generic name and about 13 made-up brand names (a real formulary lists about that
many per ingredient), and no synonyms, doses or references of its own. Rules, references,
classes and the not-covered list are copied unchanged. The result passes the real loader's
validation (checked at the end unless --no-check). Deterministic for a given --seed.

Not medical data: the names are invented, and only the benchmark reads them.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BRANDS_PER_INGREDIENT = 13


def knowledge_module():
    """The domain's knowledge module (medicines.knowledge), imported on first use."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("medicines.knowledge")


def real_data_dir() -> Path:
    return Path(knowledge_module().DATA_DIR)


# Made-up names that read like medicines: two to four syllables and a drug-like ending.
ONSETS = [
    "b",
    "br",
    "c",
    "cl",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "z",
    "x",
]
VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ay"]
CODAS = ["", "", "", "n", "r", "l", "x", "s", "m"]
GENERIC_ENDINGS = [
    "ine",
    "ide",
    "ol",
    "am",
    "ex",
    "ate",
    "one",
    "azole",
    "pril",
    "tan",
    "mab",
    "afil",
    "etine",
    "oxone",
    "ipine",
]
BRAND_ENDINGS = ["", "", "", "a", "ex", "ix", "on", "yl", "ra", "o", " XR", " ER", " CR", "-D"]


def syllables(rng: random.Random, low: int, high: int) -> str:
    return "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
        for _ in range(rng.randint(low, high))
    )


class Names:
    """Unique names, never one the loader already knows (compared as the resolver does)."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = set(taken)

    def _claim(self, make) -> str:
        while True:
            name = make()
            key = self.normalise(name)
            if key not in self.taken and len(name) <= 40:
                self.taken.add(key)
                return name

    @staticmethod
    def normalise(name: str) -> str:
        text = name.casefold().replace("’", "'")
        text = re.sub(r"[.'`´]", "", text)
        text = re.sub(r"[^\w]+|_", " ", text)
        return " ".join(text.split())

    def generic(self) -> str:
        return self._claim(lambda: syllables(self.rng, 1, 3) + self.rng.choice(GENERIC_ENDINGS))

    def brand(self) -> str:
        return self._claim(
            lambda: (syllables(self.rng, 1, 2) + self.rng.choice(BRAND_ENDINGS)).capitalize()
        )


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def entries(data, key: str) -> list:
    if isinstance(data, dict):
        return list(data.get(key) or [])
    return list(data or [])


def existing_names(src: Path) -> set[str]:
    names = set()
    for path in sorted((src / "ingredients").glob("*.yaml")):
        for raw in entries(read_yaml(path), "ingredients"):
            names.add(Names.normalise(raw["name"]))
            names.add(Names.normalise(raw["slug"].replace("-", " ")))
            names.update(Names.normalise(s) for s in raw.get("synonyms") or [])
    for raw in entries(read_yaml(src / "products.yaml"), "products"):
        names.add(Names.normalise(raw["name"]))
        names.update(Names.normalise(s) for s in raw.get("synonyms") or [])
    for raw in entries(read_yaml(src / "not_covered.yaml"), "not_covered"):
        names.add(Names.normalise(raw["name"]))
        names.update(Names.normalise(s) for s in raw.get("synonyms") or [])
    return names


def build(count: int, out: Path, seed: int = 1, src: Path | None = None) -> dict:
    src = src or real_data_dir()
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("*.md", "__pycache__"))

    real = [
        raw
        for path in sorted((src / "ingredients").glob("*.yaml"))
        for raw in entries(read_yaml(path), "ingredients")
    ]
    clones: list[dict] = []
    brands: list[dict] = []
    names = Names(rng, existing_names(src))
    for index in range(max(0, count - len(real))):
        original = real[index % len(real)]
        name = names.generic()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        clone = {
            key: value
            for key, value in original.items()
            if key
            not in ("synonyms", "street_names", "references", "dose_reads_as", "slug", "name")
        }
        clone.update(slug=slug, name=name, synonyms=[])
        clones.append(clone)
        for _ in range(max(1, round(rng.gauss(BRANDS_PER_INGREDIENT, 3)))):
            brands.append({"name": names.brand(), "kind": "brand", "ingredients": [slug]})
    if clones:
        dump = yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper
        with (out / "ingredients" / "zz_synthetic.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump(clones, handle, Dumper=dump, sort_keys=False, allow_unicode=True)
        products = entries(read_yaml(src / "products.yaml"), "products") + brands
        with (out / "products.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump(products, handle, Dumper=dump, sort_keys=False, allow_unicode=True)
    return {"ingredients": len(real) + len(clones), "brands_added": len(brands)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ingredients", type=int, required=True, help="how many in all (at least the real ones)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-check", action="store_true", help="skip loading it with the real loader"
    )
    args = parser.parse_args(argv)
    made = build(args.ingredients, args.out, args.seed)
    line = (
        f"{args.out}: {made['ingredients']} ingredients, {made['brands_added']} brand names added"
    )
    if not args.no_check:
        snap = knowledge_module().load(args.out)
        names = len(snap.ingredients) + sum(1 + len(p.synonyms) for p in snap.products)
        line += f"; loads: {len(snap.ingredients)} ingredients, about {names:,} names, version {snap.version}"
    print(line)


if __name__ == "__main__":
    main()
