"""make bench's summary: a target measured in rounds is reported by its median share of the
ceiling measured before each round, with every round's share beside it."""

import importlib

summarize = importlib.import_module("bench.summarize")


def wrk(rps: float, seconds: float = 10, p99: float = 40.0, errors: int = 0) -> dict:
    return {
        "requests": int(rps * seconds),
        "duration_us": int(seconds * 1e6),
        "bytes": 1000,
        "rps": rps,
        "p50_ms": p99 / 2,
        "p90_ms": p99 * 0.8,
        "p95_ms": p99 * 0.9,
        "p99_ms": p99,
        "max_ms": p99 * 2,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": errors, "timeout": 0},
    }


def line(round_: int, rps: float, ceiling: float, **kwargs) -> dict:
    return {
        "name": "check5",
        "path": "(check5.txt)",
        "connections": 16,
        "round": round_,
        "wrk": wrk(rps, **kwargs),
        "ceiling": wrk(ceiling, seconds=5),
    }


def test_the_share_is_the_median_of_the_rounds():
    run = summarize.combined(
        [line(1, 500, 2000, p99=50), line(2, 400, 2000, p99=70, errors=2), line(3, 660, 2200)]
    )
    assert [round(s, 3) for s in run["shares"]] == [0.25, 0.2, 0.3]
    assert run["share"] == 0.25  # not the mean (0.25 here too) nor the best round
    assert round(run["wrk"]["rps"]) == round((5000 + 4000 + 6600) / 30)
    assert run["wrk"]["p99_ms"] == 50 and run["wrk"]["errors"]["status"] == 2
    assert round(run["ceiling"]["rps"]) == round((10000 + 10000 + 11000) / 15)


def test_a_burst_in_one_round_moves_the_median_less_than_a_single_pair():
    rounds = [line(1, 500, 2000), line(2, 500, 2000), line(3, 500, 1400)]  # robots slowed once
    assert summarize.combined(rounds)["share"] == 0.25
    assert summarize.combined(rounds[2:])["share"] > 0.35


def test_one_line_without_rounds_still_reads():
    single = line(1, 500, 2000)
    del single["round"]
    run = summarize.combined([single])
    assert run["share"] == 0.25 and run["shares"] == [0.25]
