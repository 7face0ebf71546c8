"""Reading the data folder: YAML files in, one validated Snapshot out.

load() reads and checks every file, then the cross-checks that need the whole knowledge base.
snapshot() keeps the current Snapshot per process and rebuilds it when the files change (their
content hash is the data version); if the new files are broken the previous snapshot stays in
use and the error is logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import yaml

from medicines.knowledge.models import Ingredient, Snapshot
from medicines.knowledge.names import normalise_name
from medicines.knowledge.rules import _validate_rules
from medicines.knowledge.schema import (
    KnowledgeError,
    _Checker,
    _entries,
    _validate_classes,
    _validate_families,
    _validate_ingredient,
    _validate_not_covered,
    _validate_products,
    _validate_references,
)
from medicines.knowledge.vocabulary import CLASSES, MECHANISMS

logger = logging.getLogger("medicines.knowledge")

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# The C loader when libyaml is present (10x faster), the pure-Python one otherwise.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, root: Path):
    relative = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    if root.resolve() == DATA_DIR:
        relative = f"medicines/data/{relative}"
    try:
        with path.open(encoding="utf-8") as handle:
            return relative, yaml.load(handle, Loader=_YamlLoader)
    except yaml.YAMLError as error:
        raise KnowledgeError(relative, None, None, f"not valid YAML: {error}") from None
    except UnicodeDecodeError as error:
        raise KnowledgeError(relative, None, None, f"not UTF-8: {error}") from None


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    files = (
        sorted((data_dir / "ingredients").glob("*.yaml"))
        if (data_dir / "ingredients").is_dir()
        else []
    )
    for name in (
        "products.yaml",
        "not_covered.yaml",
        "families.yaml",
        "classes.yaml",
        "rules.yaml",
        "references.yaml",
    ):
        if (data_dir / name).exists():
            files.append(data_dir / name)
    return files


def data_version(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(str(path.relative_to(data_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load(data_dir: Path = DATA_DIR) -> Snapshot:
    """Read and validate every data file. Raises KnowledgeError naming file, entry and field."""
    data_dir = Path(data_dir)
    version = data_version(data_dir)

    def read(name):
        path = data_dir / name
        if not path.exists():
            return name, None
        return _read_yaml(path, data_dir)

    ref_file, ref_data = read("references.yaml")
    references = _validate_references(_Checker(ref_file), ref_data)

    ingredients: dict[str, Ingredient] = {}
    where: dict[str, str] = {}
    ingredient_dir = data_dir / "ingredients"
    for path in sorted(ingredient_dir.glob("*.yaml")) if ingredient_dir.is_dir() else []:
        file, data = _read_yaml(path, data_dir)
        checker = _Checker(file)
        for index, raw in enumerate(_entries(checker, data, "ingredients")):
            ingredient = _validate_ingredient(checker, raw, index)
            if ingredient.slug in ingredients:
                checker.fail(
                    f"'{ingredient.slug}'", "slug", f"already defined in {where[ingredient.slug]}"
                )
            for ref in ingredient.references:
                if ref not in references:
                    checker.fail(
                        f"'{ingredient.slug}'", "references", f"unknown reference id {ref!r}"
                    )
            ingredients[ingredient.slug] = ingredient
            where[ingredient.slug] = file

    for ingredient in ingredients.values():
        for _, _, target in ingredient.dose_reads_as:
            if target not in ingredients:
                _Checker(where[ingredient.slug]).fail(
                    f"'{ingredient.slug}'", "dose_reads_as", f"unknown ingredient {target!r}"
                )

    file, data = read("classes.yaml")
    classes = _validate_classes(_Checker(file), data)
    file, data = read("products.yaml")
    products = _validate_products(_Checker(file), data, ingredients)
    file, data = read("not_covered.yaml")
    not_covered = _validate_not_covered(_Checker(file), data)
    file, data = read("families.yaml")
    families = _validate_families(_Checker(file), data) if data is not None else ()
    file, data = read("rules.yaml")
    rules, duplicates, cumulative, exempt, coverage, advice = _validate_rules(
        _Checker(file), data, references
    )

    _check_reference_topics(ref_file, references, ingredients)
    names = _check_names_unique(ingredients, products, not_covered)
    _check_groups(names, classes, ingredients, products, families)
    return Snapshot(
        version=version,
        ingredients=ingredients,
        classes=classes,
        products=products,
        not_covered=not_covered,
        references=references,
        rules=rules,
        duplicate_rules=duplicates,
        cumulative_rules=cumulative,
        exempt=exempt,
        coverage=coverage,
        advice=advice,
        families=families,
    )


# --------------------------------------------------------------------------- cross-checks


def _check_reference_topics(file: str, references, ingredients) -> None:
    """Every `about` topic names an ingredient, a class or a mechanism."""
    known = set(ingredients) | set(CLASSES) | set(MECHANISMS)
    for ref in references.values():
        for topic in sorted(ref.about - known):
            raise KnowledgeError(
                file,
                f"'{ref.id}'",
                "about",
                f"unknown topic {topic!r}: use an ingredient slug, a class or a mechanism",
            )


def _check_names_unique(ingredients, products, not_covered) -> set[str]:
    """A name people type must point to one thing; a clash is a data error. Returns every
    name (normalised) that points to something."""
    owner: dict[str, tuple[str, str]] = {}

    def claim(name, what, file):
        key = normalise_name(name)
        if key in owner and owner[key][0] != what:
            raise KnowledgeError(
                file,
                f"'{name}'",
                "name",
                f"the name is also used by {owner[key][0]} ({owner[key][1]})",
            )
        owner[key] = (what, file)

    for ingredient in ingredients.values():
        claim(ingredient.name, f"ingredient {ingredient.slug}", "ingredients")
        claim(ingredient.slug.replace("-", " "), f"ingredient {ingredient.slug}", "ingredients")
        for synonym in ingredient.synonyms:
            claim(synonym, f"ingredient {ingredient.slug}", "ingredients")
    for product in products:
        what = (
            f"ingredient {product.ingredients[0]}"
            if product.kind == "brand"
            else f"product {'+'.join(sorted(product.ingredients))}"
        )
        for name in (product.name, *product.synonyms):
            key = normalise_name(name)
            # A brand may share its name with a product listing the same ingredient.
            if key in owner and owner[key][0] != what:
                raise KnowledgeError(
                    "products.yaml",
                    f"'{name}'",
                    "name",
                    f"the name is also used by {owner[key][0]} ({owner[key][1]})",
                )
            owner[key] = (what, "products.yaml")
    for item in not_covered:
        for name in (item.name, *item.synonyms):
            key = normalise_name(name)
            if key in owner:
                raise KnowledgeError(
                    "not_covered.yaml",
                    f"'{name}'",
                    "name",
                    f"we do check this name: it is {owner[key][0]} ({owner[key][1]})",
                )
    return set(owner) | {
        normalise_name(n) for item in not_covered for n in (item.name, *item.synonyms)
    }


def _check_groups(taken: set[str], classes, ingredients, products, families=()):
    """A group's words are not the name of any medicine (`taken`: every name that points to
    one) nor another group's word; each of a class's examples is a medicine of the class (an
    ingredient's name, or a product all of whose checked ingredients belong to it), and each
    of a family's a product."""
    members: dict[str, frozenset[str]] = {}  # normalised name -> classes of every ingredient
    for ingredient in ingredients.values():
        for name in (ingredient.name, *ingredient.synonyms):
            members[normalise_name(name)] = ingredient.classes
    for product in products:
        shared = frozenset.intersection(*(ingredients[s].classes for s in product.ingredients))
        for name in (product.name, *product.synonyms):
            members.setdefault(normalise_name(name), shared)
    products_named = {normalise_name(p.name) for p in products}
    owners: dict[str, str] = {}  # normalised word -> the group that has it

    def claim_words(file, group, words):
        for word in words:
            key = normalise_name(word)
            if key in taken:
                raise KnowledgeError(file, f"'{group}'", "words", f"'{word}' is a medicine's name")
            if owners.setdefault(key, group) != group:
                raise KnowledgeError(
                    file, f"'{group}'", "words", f"'{word}' is also a word of {owners[key]}"
                )

    for drug_class in classes.values():
        claim_words("classes.yaml", drug_class.slug, drug_class.words)
        for example in drug_class.examples:
            if drug_class.slug not in members.get(normalise_name(example), ()):
                raise KnowledgeError(
                    "classes.yaml", f"'{drug_class.slug}'", "examples",
                    f"'{example}' is not a medicine of this class we check",
                )  # fmt: skip
    for family in families:
        claim_words("families.yaml", family.name, family.words)
        for example in family.examples:
            if normalise_name(example) not in products_named:
                raise KnowledgeError(
                    "families.yaml", f"'{family.name}'", "examples",
                    f"'{example}' is not a product we check",
                )  # fmt: skip


# --------------------------------------------------------------------------- the snapshot


_lock = threading.Lock()
_current: Snapshot | None = None
_fingerprint: tuple | None = None


def _files_fingerprint(data_dir: Path) -> tuple:
    stats = []
    for path in data_files(data_dir):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


_default_dir: Path = DATA_DIR


# How often the default folder's files are looked at for a change (snapshot() without a
# folder: every request asks, several times). Listing and stat-ing the files costs about as
# much as a whole cheap page; once a second is enough to pick up an edit.
RECHECK_SECONDS = 1.0
_checked_at = float("-inf")


def use_data_dir(data_dir: str | Path | None) -> None:
    """Read the knowledge from another folder by default (the site's KNOWLEDGE_DIR setting,
    set by the web layer at start-up; the benchmark's synthetic knowledge). None: the real one."""
    global _default_dir, _checked_at
    _default_dir = Path(data_dir).resolve() if data_dir else DATA_DIR
    _checked_at = float("-inf")


def default_data_dir() -> Path:
    return _default_dir


def snapshot(data_dir: Path | None = None) -> Snapshot:
    """The current snapshot, rebuilt when the data files change.

    Checking is a handful of stat() calls; the files are hashed and re-read only when their
    size or modification time changes. A broken edit keeps the last good snapshot in use.
    Without `data_dir`, the folder set by use_data_dir (the real data by default), looked
    at for a change at most once every RECHECK_SECONDS.
    """
    global _current, _fingerprint, _checked_at
    if data_dir is None:
        now = time.monotonic()
        current, seen = _current, _fingerprint
        if (
            current is not None and seen is not None and seen[0] == str(_default_dir)
            and now - _checked_at < RECHECK_SECONDS
        ):  # fmt: skip
            return current
        _checked_at = now
    data_dir = _default_dir if data_dir is None else data_dir
    fingerprint = (str(data_dir), _files_fingerprint(data_dir))
    if _current is not None and fingerprint == _fingerprint:
        return _current
    with _lock:
        if _current is not None and fingerprint == _fingerprint:
            return _current
        if (
            _current is not None
            and data_version(data_dir) == _current.version
            and fingerprint[0] == _fingerprint[0]
        ):
            _fingerprint = fingerprint
            return _current
        try:
            fresh = load(data_dir)
        except KnowledgeError:
            if _current is None or fingerprint[0] != _fingerprint[0]:
                raise
            logger.exception(
                "Knowledge base files are invalid; keeping version %s", _current.version
            )
            _fingerprint = fingerprint
            return _current
        _current, _fingerprint = fresh, fingerprint
        return fresh


def reset() -> None:
    """Forget the cached snapshot (tests)."""
    global _current, _fingerprint, _checked_at
    with _lock:
        _current = _fingerprint = None
        _checked_at = float("-inf")
