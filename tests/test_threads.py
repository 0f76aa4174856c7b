"""Dozens of threads allocating at once and freeing each other's blocks:
exact counts for the program's own sites, no bad frees, a valid profile,
and the same numbers as DHAT (tests/programs/reliability/many_threads.c
derives them)."""

from __future__ import annotations

from pathlib import Path

import pytest

import heaphunt_testlib as lib

WORKER_ALLOC = {"tb": 42_240, "tbk": 320, "eb": 0, "ebk": 0}
WORKER_LEAK = {"tb": 3_200, "tbk": 32, "eb": 3_200, "ebk": 32}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, lib.ToolRun]:
    exe = lib.build_program("reliability/many_threads")
    base = tmp_path_factory.mktemp("threads")
    return {tool: lib.run_tool(tool, [str(exe)], base / name)
            for tool, name in (("heaphunt", "hh"), ("dhat", "dh"))}


def _site_numbers(run: lib.ToolRun, function: str) -> dict[str, int]:
    by_function = run.sites_by_function()
    assert function in by_function, (
        f"no site in {function}; sites: {sorted(by_function)}\n{run.describe()}")
    return {k: by_function[function][k] for k in ("tb", "tbk", "eb", "ebk")}


def test_many_threads_run_cleanly(runs) -> None:
    run = runs["heaphunt"]
    assert run.returncode == 0, run.describe()
    assert "32 threads done" in run.stdout
    assert "Bad frees" not in run.stderr, run.describe()
    assert run.profile is not None, run.describe()


@pytest.mark.parametrize("function,expected", [("worker_alloc", WORKER_ALLOC),
                                               ("worker_leak", WORKER_LEAK)])
def test_many_threads_site_counts(runs, function: str,
                                  expected: dict[str, int]) -> None:
    got = _site_numbers(runs["heaphunt"], function)
    assert got == expected, lib.diff_numbers(expected, got)


@pytest.mark.parametrize("function", ["worker_alloc", "worker_leak"])
def test_many_threads_sites_equal_dhat(runs, function: str) -> None:
    expected = _site_numbers(runs["dhat"], function)
    got = _site_numbers(runs["heaphunt"], function)
    assert got == expected, "(expected = DHAT)\n" + lib.diff_numbers(expected, got)


def test_many_threads_totals_add_up(runs) -> None:
    run = runs["heaphunt"]
    totals = run.profile["hhTotals"]
    for key in ("tb", "tbk", "eb", "ebk"):
        assert totals[key] == sum(pp[key] for pp in run.profile["pps"]), key
