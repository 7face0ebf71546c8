"""The site's snapshot() looks at the data files at most once a second, not on every call
(several calls per request), and still picks up an edit after that."""

import shutil

import pytest

from medicines import knowledge
from medicines.knowledge import loading


@pytest.fixture
def data(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(knowledge.DATA_DIR, copy)
    knowledge.use_data_dir(copy)
    yield copy
    knowledge.use_data_dir(None)
    knowledge.reset()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(loading.time, "monotonic", lambda: now[0])
    return now


def test_the_files_are_looked_at_once_per_interval(data, clock, monkeypatch):
    calls = []
    real = loading._files_fingerprint
    monkeypatch.setattr(loading, "_files_fingerprint", lambda d: calls.append(d) or real(d))
    first = knowledge.snapshot()
    for _ in range(50):
        assert knowledge.snapshot() is first
    assert len(calls) == 1
    clock[0] += loading.RECHECK_SECONDS + 0.1
    assert knowledge.snapshot() is first
    assert len(calls) == 2
    # An explicit folder is always looked at (tools and tests).
    knowledge.snapshot(data)
    assert len(calls) == 3


def test_an_edit_is_picked_up_after_the_interval(data, clock):
    first = knowledge.snapshot()
    summary = "A test edit to the summary of sertraline."
    path = next(
        p for p in (data / "ingredients").glob("*.yaml") if "slug: sertraline" in p.read_text()
    )
    text = path.read_text()
    old = next(line for line in text.splitlines() if line.strip().startswith("summary:"))
    path.write_text(text.replace(old, old.split("summary:")[0] + f"summary: {summary}", 1))
    assert knowledge.snapshot() is first  # within the interval
    clock[0] += loading.RECHECK_SECONDS + 0.1
    fresh = knowledge.snapshot()
    assert fresh is not first and fresh.version != first.version
