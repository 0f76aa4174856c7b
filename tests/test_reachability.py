"""Reachability at exit: the blocks live at exit split into lost (no pointer
reaches them) and still reachable (--reachability, docs/json-format.md).

The programs are in tests/programs/reach/; each derives by hand, in its
header comment, which of its blocks are lost.  The tests assert those
numbers in the summary's "Lost:" line, in hhTotals (lb, lbk) and per site
(hhLostB, hhLostK), and compare with Memcheck's leak checker on the same
binaries where the two definitions coincide (heaphunt's lost = Memcheck's
definitely + indirectly lost; everything else live at exit is reachable).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

PROGRAMS = "reach"
# Programs whose blocks Memcheck judges by the same definition.  Not
# "custom": Memcheck leaves a malloc'ed block that holds custom blocks out
# of its leak check, and scans custom blocks in static memory as roots.
SAME_DEFINITION_AS_MEMCHECK = ["roots", "threads"]

_LOST_LINE_RE = re.compile(r"^Lost:\s+([\d,]+) bytes in ([\d,]+) blocks")
_END_LINE_RE = re.compile(r"^At t-end:\s+([\d,]+) bytes in ([\d,]+) blocks$")
_TOTAL_LINE_RE = re.compile(r"^Total:\s+([\d,]+) bytes in ([\d,]+) blocks$")
_SITE_LINE_RE = re.compile(r"^site (?P<fn>\S+):\s+(?P<fields>.*)$")
_PID_PREFIX_RE = re.compile(r"^==\d+== ?")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def expectations(name: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The program's "Expected (derived by hand):" block: totals (tb/tbk,
    eb/ebk, lb/lbk, those stated) and per-site fields by function."""
    source = (lib.PROGRAMS_DIR / PROGRAMS / f"{name}.c").read_text()
    block = source.split("Expected (derived by hand):", 1)[1].split("*/", 1)[0]
    totals: dict[str, int] = {}
    sites: dict[str, dict[str, int]] = {}
    for raw in block.splitlines():
        line = re.sub(r"^\s*\*\s?", "", raw).strip()
        if not line:
            continue
        for regex, keys in ((_TOTAL_LINE_RE, ("tb", "tbk")),
                            (_END_LINE_RE, ("eb", "ebk")),
                            (_LOST_LINE_RE, ("lb", "lbk"))):
            m = regex.match(line)
            if m:
                totals.update(zip(keys, map(_number, m.groups())))
                break
        else:
            m = _SITE_LINE_RE.match(line)
            assert m, f"{name}: cannot read expectation line {line!r}"
            sites[m.group("fn")] = {k: _number(v) for k, v in
                                    (kv.split("=") for kv in m.group("fields").split())}
    assert "lb" in totals, f"{name}: the Expected block states no Lost: line"
    return totals, sites


def build(name: str) -> Path:
    (lib.BUILD_DIR / PROGRAMS).mkdir(parents=True, exist_ok=True)
    return lib.build_program(f"{PROGRAMS}/{name}")


def stderr_lines(stderr: str) -> list[str]:
    return [_PID_PREFIX_RE.sub("", line).strip() for line in stderr.splitlines()]


def lost_line(run: lib.ToolRun) -> dict[str, int] | None:
    for line in stderr_lines(run.stderr):
        m = _LOST_LINE_RE.match(line)
        if m:
            return {"lb": _number(m.group(1)), "lbk": _number(m.group(2))}
    return None


def site_fields(run: lib.ToolRun, function: str) -> dict[str, int]:
    """Per-site numbers summed over the sites whose first frame is in
    function (a custom block's first frame is the requesting function)."""
    total: dict[str, int] = {}
    matched = [s for s in run.sites if s.function == function]
    assert matched, f"no site in {function}; sites: {[s.function for s in run.sites]}"
    for site in matched:
        for field, value in site.numbers.items():
            total[field] = total.get(field, 0) + value
    return total


_runs: dict[tuple[str, tuple[str, ...]], lib.ToolRun] = {}


def run_heaphunt(name: str, tmp_root: Path, options: tuple[str, ...] = ()) -> lib.ToolRun:
    key = (name, options)
    if key not in _runs:
        exe = build(name)
        out_dir = tmp_root / name / ("-".join(o.strip("-") for o in options) or "default")
        _runs[key] = lib.run_tool("heaphunt", [str(exe)], out_dir, extra_options=list(options))
    return _runs[key]


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reach")


@pytest.mark.parametrize("name", ["roots", "threads", "custom"])
def test_lost_totals_match_hand_derivation(tmp_root, name):
    expected, _ = expectations(name)
    run = run_heaphunt(name, tmp_root)
    assert run.returncode == 0 and run.profile is not None, run.describe()
    assert run.profile.get("hhReach") is True, run.describe()
    totals = run.profile["hhTotals"]
    got = {k: totals[k] for k in expected}
    assert not lib.diff_numbers(expected, got), lib.diff_numbers(expected, got)
    summary = lost_line(run)
    assert summary == {"lb": expected["lb"], "lbk": expected["lbk"]}, run.describe()


@pytest.mark.parametrize("name", ["roots", "threads", "custom"])
def test_lost_per_site_matches_hand_derivation(tmp_root, name):
    _, sites = expectations(name)
    run = run_heaphunt(name, tmp_root)
    problems = []
    for function, expected in sites.items():
        diff = lib.diff_numbers(expected, site_fields(run, function))
        if diff:
            problems.append(f"site {function}:\n{diff}")
    assert not problems, "\n".join(problems) + "\n" + run.describe()


@pytest.mark.parametrize("name", ["roots", "threads", "custom"])
def test_lost_sites_add_up_and_stay_within_end(tmp_root, name):
    run = run_heaphunt(name, tmp_root)
    pps = run.profile["pps"]
    for pp in pps:
        assert 0 <= pp["hhLostB"] <= pp["eb"] and 0 <= pp["hhLostK"] <= pp["ebk"], pp
    assert sum(pp["hhLostB"] for pp in pps) == run.profile["hhTotals"]["lb"]
    assert sum(pp["hhLostK"] for pp in pps) == run.profile["hhTotals"]["lbk"]


_LEAK_KINDS = ("definitely lost", "indirectly lost", "possibly lost", "still reachable")


def memcheck_leak_summary(exe: Path, out_dir: Path) -> dict[str, tuple[int, int]]:
    """Memcheck's LEAK SUMMARY: kind -> (bytes, blocks)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(lib.dhat_runner()), "--tool=memcheck", "--leak-check=full",
                           str(exe)], cwd=out_dir, env=lib.fixed_env(), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=600)
    found: dict[str, tuple[int, int]] = {}
    for line in stderr_lines(proc.stderr):
        for kind in _LEAK_KINDS:
            m = re.match(rf"^{kind}: ([\d,]+) bytes in ([\d,]+) blocks$", line)
            if m:
                found[kind] = (_number(m.group(1)), _number(m.group(2)))
    assert set(found) == set(_LEAK_KINDS), f"no LEAK SUMMARY from Memcheck:\n{proc.stderr}"
    return found


@pytest.mark.parametrize("name", SAME_DEFINITION_AS_MEMCHECK)
def test_lost_and_reachable_equal_memchecks(tmp_root, name):
    run = run_heaphunt(name, tmp_root)
    leaks = memcheck_leak_summary(build(name), tmp_root / name / "memcheck")
    totals = run.profile["hhTotals"]
    memcheck_lost = tuple(map(sum, zip(leaks["definitely lost"], leaks["indirectly lost"])))
    memcheck_kept = tuple(map(sum, zip(leaks["possibly lost"], leaks["still reachable"])))
    assert (totals["lb"], totals["lbk"]) == memcheck_lost, (leaks, totals)
    assert (totals["eb"] - totals["lb"], totals["ebk"] - totals["lbk"]) == memcheck_kept, (
        leaks, totals)


def test_reachability_no_leaves_the_split_out(tmp_root):
    run = run_heaphunt("roots", tmp_root, ("--reachability=no",))
    assert run.returncode == 0 and run.profile is not None, run.describe()
    assert "hhReach" not in run.profile
    assert "lb" not in run.profile["hhTotals"] and "lbk" not in run.profile["hhTotals"]
    assert all("hhLostB" not in pp and "hhLostK" not in pp for pp in run.profile["pps"])
    assert lost_line(run) is None, run.describe()
    # Everything else is the same run.
    default = run_heaphunt("roots", tmp_root)
    for key in lib.SUMMARY_FIELDS:
        assert run.profile["hhTotals"][key] == default.profile["hhTotals"][key], key


def test_mid_run_dumps_have_no_split(tmp_root):
    """Only the profile written at exit has the scan; dumps before it do not
    (and do not change it)."""
    run = run_heaphunt("roots", tmp_root, ("--dump-every=20000",))
    dumps = sorted(run.out_dir.glob("heaphunt.json.*"))
    assert dumps, run.describe()
    for dump in dumps:
        profile = lib.json.loads(dump.read_text())
        assert "hhReach" not in profile and "lb" not in profile["hhTotals"], dump
    expected, _ = expectations("roots")
    assert run.profile["hhTotals"]["lb"] == expected["lb"], run.describe()


@pytest.mark.parametrize("program", lib.programs_with_expectations())
def test_every_program_profile_splits_its_end_bytes(program_runs, program):
    """On every test program's exit profile: lost within live per site,
    and the sites' lost adding up to hhTotals'."""
    run = program_runs.get("heaphunt", program)
    assert run.profile is not None and run.profile.get("hhReach") is True, run.describe()
    pps = run.profile["pps"]
    for pp in pps:
        assert 0 <= pp["hhLostB"] <= pp["eb"] and 0 <= pp["hhLostK"] <= pp["ebk"], pp
        assert (pp["hhLostB"] == 0) == (pp["hhLostK"] == 0), pp
    totals = run.profile["hhTotals"]
    assert (sum(pp["hhLostB"] for pp in pps), sum(pp["hhLostK"] for pp in pps)) == (
        totals["lb"], totals["lbk"])
    assert lost_line(run) == {"lb": totals["lb"], "lbk": totals["lbk"]}, run.describe()
