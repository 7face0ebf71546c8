"""bench/ab.py measures two versions of the site at once, each from its own checkout."""

import importlib
import re
import subprocess

import pytest

ab = importlib.import_module("bench.ab")


def _worktrees() -> str:
    return subprocess.run(
        ["git", "-C", str(ab.ROOT), "worktree", "list"], capture_output=True, text=True
    ).stdout


def test_two_versions_are_measured_side_by_side_and_their_checkouts_removed(tmp_path, capsys):
    queries = tmp_path / "queries"
    queries.mkdir()
    lists = ["/check/?drugs=Zoloft,tramadol", "/check/?drugs=Xanax+and+oxycodone"]
    (queries / "check5.txt").write_text("\n".join(lists) + "\n")
    before = _worktrees()
    ab.main(["HEAD", "--rounds", "2", "--warm", "2", "--requests", "4", "--queries", str(queries)])
    out = capsys.readouterr().out
    rounds = re.findall(
        r"round \d: base (\d+\.\d+) ms, new (\d+\.\d+) ms, new/base (\d+\.\d+)", out
    )
    assert len(rounds) == 2
    for base, new, ratio in rounds:
        assert float(base) > 0 and float(new) > 0
        assert abs(float(ratio) - float(new) / float(base)) < 0.01
    assert re.search(r"median new/base over 2 rounds: \d+\.\d+", out)
    assert _worktrees() == before  # the temporary checkout is gone


def test_a_failing_measurement_stops_with_a_message(tmp_path):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "check5.txt").write_text("/no-such-page/\n")  # answered 404: not measured
    with pytest.raises(SystemExit, match="failed"):
        ab.main(
            ["HEAD", "--rounds", "1", "--warm", "1", "--requests", "1", "--queries", str(queries)]
        )
    assert "ab-" not in _worktrees()
