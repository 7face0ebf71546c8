"""Pair findings are computed on demand from the rules both ingredients can trigger, and
agree exactly with the full table that tools build; a check or a drug page never builds it."""

import dataclasses
import importlib
import random

import pytest

from medicines import engine, knowledge

synthetic_kb = importlib.import_module("bench.synthetic_kb")


def same(a, b) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and dataclasses.astuple(a) == dataclasses.astuple(b)
    )


@pytest.fixture(scope="module")
def fresh():
    """A snapshot nobody has used yet (its caches empty)."""
    return knowledge.load()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("kb") / "data"
    synthetic_kb.build(300, out, seed=7)
    return knowledge.load(out)


def never(*args, **kwargs):
    raise AssertionError("the full pair table was asked for")


def test_a_check_never_builds_the_pair_table(fresh, monkeypatch):
    monkeypatch.setattr(engine, "pair_table", never)
    monkeypatch.setattr(engine, "_build_pair_table", never)
    medicines = [engine.Medicine(s, (s,)) for s in ("sertraline", "tramadol", "alprazolam")]
    findings = engine.check(fresh, medicines, [engine.Medicine("fluoxetine", ("fluoxetine",))])
    assert findings
    assert engine.partners(fresh, "sertraline")


def test_a_drug_page_never_builds_the_pair_table(client, db, monkeypatch):
    monkeypatch.setattr(engine, "pair_table", never)
    monkeypatch.setattr(engine, "_build_pair_table", never)
    assert client.get("/drugs/tramadol/").status_code == 200
    assert client.get("/check/?drugs=zoloft,ultram,xanax").status_code == 200


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_on_demand_findings_equal_the_full_table(which, snap, synthetic):
    kb = snap if which == "real" else synthetic
    table = engine.pair_table(kb)
    assert table.current and table.stopped
    for (x, y), finding in table.current.items():
        assert same(engine.pair_finding(kb, x, y), finding)
        assert same(engine.pair_finding(kb, y, x), finding)
    for (s, c), finding in table.stopped.items():
        assert same(engine.stopped_finding(kb, s, c), finding)
    rng = random.Random(3)
    slugs = sorted(kb.ingredients)
    for _ in range(3000):
        x, y = rng.sample(slugs, 2)
        assert same(engine.pair_finding(kb, x, y), table.current.get((min(x, y), max(x, y))))
        assert same(engine.stopped_finding(kb, x, y), table.stopped.get((x, y)))


def test_partners_are_the_pairs_of_one_medicine(snap):
    table = engine.pair_table(snap)
    for slug in ("sertraline", "tramadol", "phenelzine", "warfarin", "alcohol"):
        expected = {
            (y if x == slug else x): f for (x, y), f in table.current.items() if slug in (x, y)
        }
        found = dict(engine.partners(snap, slug))
        assert found.keys() == expected.keys()
        assert all(same(found[other], expected[other]) for other in found)


def test_the_pair_memo_is_bounded_and_keyed_by_version(snap, synthetic):
    info = engine._pair_memo(snap).cache_info()
    assert info.maxsize == engine.PAIR_MEMO_SIZE
    # Two snapshots of different knowledge never share an entry.
    assert engine._pair_memo(snap) is not engine._pair_memo(synthetic)
    # A snapshot rebuilt from the same files (same version) shares them.
    assert engine._pair_memo(snap) is engine._pair_memo(dataclasses.replace(snap))
