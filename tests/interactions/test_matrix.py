"""The reviewed ingredient-by-ingredient matrix (docs/kb_matrix.csv)."""

import csv
import io
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    return header[1:], {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def test_kb_matrix_writes_a_symmetric_table(tmp_path, snap):
    target = tmp_path / "matrix.csv"
    call_command("kb_matrix", str(target), stdout=io.StringIO())
    slugs, cells = read(target)
    assert slugs == list(snap.ingredients)
    for x in slugs:
        for y in slugs:
            assert cells[x][y] == cells[y][x]
    assert cells["sertraline"]["tramadol"] == "major"
    assert cells["phenelzine"]["dextromethorphan"] == "contraindicated"
    for x, y in [
        ("oxycodone", "acetaminophen"),
        ("naloxone", "sertraline"),
        ("naltrexone", "sertraline"),
        ("acetaminophen", "sertraline"),
    ]:
        assert cells[x][y] == "", (x, y)
    assert cells["acetaminophen"]["acetaminophen"] == "same:major"
    assert cells["naloxone"]["naloxone"] == ""


def test_committed_matrix_matches_the_knowledge_base(tmp_path):
    """A data change must come with a regenerated and reviewed matrix (docs/KB_REVIEW.md)."""
    target = tmp_path / "matrix.csv"
    call_command("kb_matrix", str(target), stdout=io.StringIO())
    committed = ROOT / "docs" / "kb_matrix.csv"
    assert committed.read_text() == target.read_text(), (
        "docs/kb_matrix.csv is out of date: run `python manage.py kb_matrix`, review the "
        "changed cells (every blank claims 'no known interaction') and note them in docs/KB_REVIEW.md"
    )
