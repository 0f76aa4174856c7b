"""The rules of the heaphunt_limit marker (inprocess.py), on hand-made
numbers: parsing limits, combining a session default with a marker,
judging runs (leak vs cache with repeat), the failure message, and the
sites named from two or more dumps.  The real thing, pytest under
heaphunt, is tests/test_exact_count_pytest.py."""

from __future__ import annotations

import json

import pytest

from heaphunt import client
from heaphunt.inprocess import (Limits, LimitSpecError, RunDelta, combine, dump_sites,
                                failure_message, judge, limits_from, parse_default_limit,
                                site_lines)


def run(total_blocks: int, total_bytes: int, curr_blocks: int, curr_bytes: int) -> RunDelta:
    return RunDelta(total_blocks, total_bytes, curr_blocks, curr_bytes)


def test_parse_default_limit() -> None:
    assert parse_default_limit("max_end_bytes=0, max-blocks=1_000") == {
        "max_end_bytes": 0, "max_blocks": 1000}


@pytest.mark.parametrize("text,message", [
    ("max_end_bytes", "expected KEY=N"),
    ("max_end_bytes=lots", "'lots' is not a whole number"),
    ("max_blocs=3", "unknown limit 'max_blocs'"),
    ("max_bytes=-1", "max_bytes must be a whole number >= 0"),
    ("repeat=0", "repeat must be a whole number >= 1"),
    (" , ", "no limit given"),
])
def test_parse_default_limit_errors(text: str, message: str) -> None:
    with pytest.raises(LimitSpecError, match=message):
        parse_default_limit(text)


def test_marker_values_are_checked() -> None:
    with pytest.raises(LimitSpecError, match="max_end_bytes must be a whole number"):
        limits_from({"max_end_bytes": 1.5}, "@pytest.mark.heaphunt_limit")
    with pytest.raises(LimitSpecError, match="max_end_bytes must be a whole number"):
        limits_from({"max_end_bytes": True}, "@pytest.mark.heaphunt_limit")


def test_marker_overrides_default_key_by_key() -> None:
    default = {"max_end_bytes": 0, "max_blocks": 100}
    assert combine(default, {"max_blocks": 5}) == Limits(max_end_bytes=0, max_blocks=5)
    assert combine(default, {"max_end_bytes": None}) == Limits(max_blocks=100)
    assert not combine({}, {}).any
    assert combine({}, {"repeat": 2}).any


def test_between_handles_live_counts_going_down() -> None:
    before = {"total_blocks": 10, "total_bytes": 1000, "curr_blocks": 5, "curr_bytes": 500}
    after = {"total_blocks": 10, "total_bytes": 1000, "curr_blocks": 4, "curr_bytes": 476}
    assert RunDelta.between(before, after) == run(0, 0, -1, -24)


def test_judge_one_run() -> None:
    limits = Limits(max_blocks=2, max_bytes=200, max_end_bytes=0)
    verdict = judge(limits, [run(3, 300, 1, 100)])
    assert verdict.over == [
        "max_blocks: blocks allocated: expected <= 2, got 3 (1 over)",
        "max_bytes: bytes allocated: expected <= 200, got 300 (100 over)",
        "max_end_bytes: bytes left live: expected <= 0, got 100 (100 over)",
    ]
    assert verdict.summary == ["allocated 300 bytes in 3 blocks; left live 100 bytes in 1 block"]
    assert judge(limits, [run(2, 200, -1, -50)]).passed


def test_judge_repeat_tells_a_cache_from_a_leak() -> None:
    limits = Limits(repeat=3)
    cache = judge(limits, [run(1, 4096, 1, 4096), run(0, 0, 0, 0), run(0, 0, 0, 0)])
    assert cache.passed
    assert cache.summary == ["live bytes left by each run: +4,096, +0, +0",
                             "grows on every run (a leak): nothing",
                             "first run only (a cache): 4,096 bytes in 1 block"]
    both = judge(limits, [run(2, 4128, 2, 4128), run(1, 32, 1, 32), run(1, 32, 1, 32)])
    assert both.over == [
        "max_end_blocks: blocks left live by run 2 (each run after the first):"
        " expected <= 0, got 1 (1 over)",
        "max_end_bytes: bytes left live by run 2 (each run after the first):"
        " expected <= 0, got 32 (32 over)"]
    assert both.summary[1:] == ["grows on every run (a leak): +32 bytes in +1 block per run",
                                "first run only (a cache): 4,096 bytes in 1 block"]


def test_judge_repeat_limits_each_run() -> None:
    limits = Limits(max_bytes=100, max_end_bytes=64, repeat=2)
    verdict = judge(limits, [run(1, 50, 1, 50), run(2, 150, 1, 64)])
    assert verdict.over == ["max_bytes: bytes allocated in run 2: expected <= 100,"
                            " got 150 (50 over)"]


def _dump(sites: list[tuple[list[str], int, int, int]]) -> bytes:
    ftbl = ["[root]", "0x48E0: malloc (in /usr/libexec/valgrind/vgpreload_heaphunt-amd64-linux.so)"]
    pps = []
    for frames, tb, tbk, eb in sites:
        fs = [1]
        for frame in frames:
            if frame not in ftbl:
                ftbl.append(frame)
            fs.append(ftbl.index(frame))
        pps.append({"tb": tb, "tbk": tbk, "eb": eb, "fs": fs})
    return json.dumps({"ftbl": ftbl, "pps": pps}).encode()


NODE = ["0x10: make_node (nodes.c:12)", "0x20: parse (nodes.c:40)"]
TABLE = ["0x30: build_table (table.c:5)", "0x40: main (main.c:3)"]


def test_site_lines_one_run() -> None:
    before = dump_sites(_dump([(NODE, 64, 2, 0)]))
    after = dump_sites(_dump([(NODE, 160, 5, 64), (TABLE, 4096, 1, 4096)]))
    assert site_lines([before, after], 5) == [
        "sites it allocated from (bytes allocated, in blocks; bytes still live):",
        "         4,096 B in      1 block;        4,096 B live  build_table (table.c:5)"
        " called from main (main.c:3)",
        "            96 B in      3 blocks;           64 B live  make_node (nodes.c:12)"
        " called from parse (nodes.c:40)"]
    assert site_lines([before, after], 1)[1:] == [
        "         4,096 B in      1 block;        4,096 B live  build_table (table.c:5)"
        " called from main (main.c:3)"]
    assert site_lines([before, after], 0) == []


def test_site_lines_repeat() -> None:
    dumps = [dump_sites(_dump([(NODE, 0, 0, 0)])),
             dump_sites(_dump([(NODE, 32, 1, 32), (TABLE, 4096, 1, 4096)])),
             dump_sites(_dump([(NODE, 64, 2, 64), (TABLE, 4096, 1, 4096)])),
             dump_sites(_dump([(NODE, 96, 3, 96), (TABLE, 4096, 1, 4096)]))]
    assert site_lines(dumps, 5) == [
        "sites that grew on every run after the first (bytes per run):",
        "            32 B  make_node (nodes.c:12) called from parse (nodes.c:40)",
        "sites that only the first run kept (bytes):",
        "         4,096 B  build_table (table.c:5) called from main (main.c:3)"]


def test_failure_message() -> None:
    limits = Limits(max_end_bytes=0)
    verdict = judge(limits, [run(1, 32, 1, 32)])
    assert failure_message("t.py::test_x", limits, verdict, ["sites..."]) == (
        "heaphunt_limit(max_end_bytes=0) exceeded by t.py::test_x:\n"
        "  max_end_bytes: bytes left live: expected <= 0, got 32 (32 over)\n"
        "  allocated 32 bytes in 1 block; left live 32 bytes in 1 block\n"
        "sites...")


def test_client_requests_natively_answer_the_default() -> None:
    """This test process does not run under heaphunt: the request function
    runs (it is real machine code) and changes nothing."""
    assert client.running() is False
    assert client.stats() is None
    assert client.request(client.REQUEST_RUNNING, default=12345) == 12345
    assert client.dump("/nonexistent/never-written.json") is False
