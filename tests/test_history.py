"""Per-site history: every site's live bytes and blocks at the instants of
hhHist (a sampling grid, the checkpoints, t-gmax and the end), exact at
each (docs/json-format.md, "hhHist").

Programs in tests/programs/history/ derive by hand what their sites hold
at each checkpoint (HEAPHUNT_CHECKPOINT: an instant a program can name);
the tests assert hhH there exactly.  Every test program's profile is also
checked for the invariants the format promises: the value at the t-gmax
instant is the site's gb/gbk, at the last instant its eb/ebk; the sites
add up to each checkpoint's live heap and to hhTimeline's points at the
same instants.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

PROGRAMS = lib.PROGRAMS_DIR / "history"
HH_HIST_MAX_CHECKPOINTS = 1024   # tool/hh_tool.h
GRID_MIN, GRID_MAX = 64, 128     # sampling instants over a whole run


def build(name: str) -> Path:
    src = PROGRAMS / f"{name}.c"
    exe = lib.BUILD_DIR / "history" / name
    exe.parent.mkdir(parents=True, exist_ok=True)
    headers = [lib.REPO_DIR / "tool" / "heaphunt.h", lib.PROGRAMS_DIR / "prog_util.h"]
    if not exe.exists() or exe.stat().st_mtime < max(p.stat().st_mtime for p in [src, *headers]):
        cmd = ["gcc", "-std=gnu11", "-O0", "-g", "-fno-builtin", "-Wall",
               "-I", str(lib.REPO_DIR / "tool"), "-I", "/usr/include/valgrind",
               "-I", str(lib.PROGRAMS_DIR), "-o", str(exe), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return exe


_runs: dict[tuple[str, tuple[str, ...]], lib.ToolRun] = {}


def run(name: str, tmp_root: Path, options: tuple[str, ...] = ()) -> lib.ToolRun:
    key = (name, options)
    if key not in _runs:
        out_dir = tmp_root / name / ("-".join(o.strip("-") for o in options) or "default")
        _runs[key] = lib.run_tool("heaphunt", [str(build(name))], out_dir,
                                  extra_options=list(options))
        assert _runs[key].returncode == 0 and _runs[key].profile, _runs[key].describe()
    return _runs[key]


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("history")


def value_at(hh: list[int], i: int) -> tuple[int, int]:
    """A site's (bytes, blocks) at instant i: its last triple at or
    before i, carried forward; (0, 0) before the first."""
    value = (0, 0)
    for j in range(0, len(hh), 3):
        if hh[j] > i:
            break
        value = (hh[j + 1], hh[j + 2])
    return value


def site_named(profile: dict, function: str) -> dict:
    ftbl = profile["ftbl"]
    found = [pp for pp in profile["pps"] if lib.frame_function(ftbl[pp["fs"][0]]) == function]
    assert len(found) == 1, f"{len(found)} sites in {function}"
    return found[0]


_HISTORY_LINE_RE = re.compile(r"^history (?P<at>\S+): (?P<values>.*)$")


def history_expectations(name: str) -> dict[str, dict[str, tuple[int, int]]]:
    """"history NAME: f=B/K g=B/K" lines: instant name -> function -> value."""
    text = (PROGRAMS / f"{name}.c").read_text().split("*/", 1)[0]
    expected = {}
    for raw in text.splitlines():
        m = _HISTORY_LINE_RE.match(re.sub(r"^\s*\*\s*", "", raw))
        if m:
            expected[m.group("at")] = {
                fn: tuple(int(x) for x in value.split("/"))
                for fn, value in (kv.split("=") for kv in m.group("values").split())}
    assert expected, f"{name}: no 'history' lines"
    return expected


def test_phases_sites_at_each_checkpoint_t_gmax_and_end(tmp_root):
    profile = run("phases", tmp_root).profile
    hist = profile["hhHist"]
    instant_of = {cp["name"]: cp["hi"] for cp in profile["hhCheckpoints"]}
    instant_of["t-gmax"] = hist["g"]
    instant_of["t-end"] = len(hist["t"]) - 1
    problems = []
    for at, sites in history_expectations("phases").items():
        i = instant_of[at]
        for function, expected in sites.items():
            got = value_at(site_named(profile, "alloc_" + function)["hhH"], i)
            if got != expected:
                problems.append(f"{at} (instant {i}): alloc_{function} "
                                f"expected {expected}, got {got}")
    assert not problems, "\n".join(problems)
    # The checkpoints are instants of their own kind, in order.
    indices = [cp["hi"] for cp in profile["hhCheckpoints"]]
    assert indices == sorted(set(indices)) and all(hist["k"][i] == "c" for i in indices)


def test_checkpoints_in_a_loop_are_instants_up_to_the_bound(tmp_root):
    profile = run("checkpoint_loop", tmp_root).profile
    hist = profile["hhHist"]
    checkpoints = profile["hhCheckpoints"]
    assert len(checkpoints) == 1100
    with_instant = [cp for cp in checkpoints if cp["hi"] is not None]
    assert len(with_instant) == HH_HIST_MAX_CHECKPOINTS
    assert checkpoints[:HH_HIST_MAX_CHECKPOINTS] == with_instant
    assert all(cp["hi"] is None for cp in checkpoints[HH_HIST_MAX_CHECKPOINTS:])
    grow = site_named(profile, "grow")["hhH"]
    churn = site_named(profile, "churn")["hhH"]
    for i, cp in enumerate(with_instant):
        assert hist["t"][cp["hi"]] == cp["t"] and hist["k"][cp["hi"]] == "c"
        assert value_at(grow, cp["hi"]) == (16 * (i + 1), i + 1), cp
        assert value_at(churn, cp["hi"]) == (0, 0), cp
    assert value_at(grow, len(hist["t"]) - 1) == (17600, 1100)
    assert GRID_MIN <= hist["k"].count("s") <= GRID_MAX


def test_history_is_the_same_with_dumps_written_mid_run(tmp_root):
    """A dump reads the histories and changes nothing: the final profile's
    hhHist and hhH equal those of a run without dumps."""
    plain = run("phases", tmp_root).profile
    dumped_run = run("phases", tmp_root, ("--dump-every=5000",))
    assert sorted(dumped_run.out_dir.glob("heaphunt.json.*")), dumped_run.describe()
    dumped = dumped_run.profile
    assert dumped["hhHist"] == plain["hhHist"]
    assert [pp["hhH"] for pp in dumped["pps"]] == [pp["hhH"] for pp in plain["pps"]]
    assert dumped["hhCheckpoints"] == plain["hhCheckpoints"]


# ---------------------------------------------------------------------------
# Invariants, on every test program's profile
# ---------------------------------------------------------------------------

def check_history_invariants(profile: dict) -> list[str]:
    problems: list[str] = []
    hist = profile["hhHist"]
    t, k, g = hist["t"], hist["k"], hist["g"]
    if len(t) != len(k) or not t:
        return [f"t has {len(t)} instants, k {len(k)}"]
    if any(a >= b for a, b in zip(t, t[1:])):
        problems.append("t is not strictly increasing")
    if k[-1] != "e" or t[-1] != profile["te"] or "e" in k[:-1]:
        problems.append(f"the last instant must be the end: k={k[-3:]}, t={t[-1]}")
    if set(k) - set("scge"):
        problems.append(f"unknown kinds in {k!r}")
    if profile["hhTotals"]["tbk"] > 0:
        if g is None or t[g] != profile["tg"] or k[g] not in "ge":
            problems.append(f"g={g} is not t-gmax {profile['tg']}")
    elif g is not None:
        problems.append("g set though nothing was allocated")
    if profile["te"] >= 64 * 64 and not GRID_MIN <= k.count("s") <= GRID_MAX:
        problems.append(f"{k.count('s')} sampling instants")

    sums = [[0, 0] for _ in t]
    for n, pp in enumerate(profile["pps"]):
        hh = pp["hhH"]
        if len(hh) % 3:
            problems.append(f"site {n}: hhH length {len(hh)}")
            continue
        prev_i, prev_v = -1, (0, 0)
        for j in range(0, len(hh), 3):
            i, v = hh[j], (hh[j + 1], hh[j + 2])
            if not prev_i < i < len(t):
                problems.append(f"site {n}: instant {i} after {prev_i}")
            if v == prev_v:
                problems.append(f"site {n}: instant {i} repeats the value {v}")
            prev_i, prev_v = i, v
        if g is not None and value_at(hh, g) != (pp["gb"], pp["gbk"]):
            problems.append(f"site {n}: at g {value_at(hh, g)} != gb/gbk "
                            f"{(pp['gb'], pp['gbk'])}")
        if value_at(hh, len(t) - 1) != (pp["eb"], pp["ebk"]):
            problems.append(f"site {n}: at the end {value_at(hh, len(t) - 1)} != eb/ebk "
                            f"{(pp['eb'], pp['ebk'])}")
        for i in range(len(t)):
            b, blocks = value_at(hh, i)
            sums[i][0] += b
            sums[i][1] += blocks

    for cp in profile["hhCheckpoints"]:
        if cp["hi"] is not None and sums[cp["hi"]] != [cp["b"], cp["bk"]]:
            problems.append(f"checkpoint {cp['name']} at {cp['t']}: sites add up to "
                            f"{sums[cp['hi']]}, the checkpoint says {[cp['b'], cp['bk']]}")
    timeline = profile["hhTimeline"]
    at_time = {tt: (b, bk) for tt, b, bk in zip(timeline["t"], timeline["b"], timeline["bk"])}
    for i, tt in enumerate(t):
        if tt in at_time and tuple(sums[i]) != at_time[tt]:
            problems.append(f"instant {i} (t={tt}): sites add up to {sums[i]}, "
                            f"hhTimeline has {at_time[tt]}")
    return problems


@pytest.mark.parametrize("program", lib.programs_with_expectations())
def test_history_invariants_on_every_test_program(program_runs, program):
    run_ = program_runs.get("heaphunt", program)
    assert run_.profile is not None, run_.describe()
    problems = check_history_invariants(run_.profile)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("name", ["phases", "checkpoint_loop", "pileup"])
def test_history_invariants_on_history_programs(tmp_root, name):
    problems = check_history_invariants(run(name, tmp_root).profile)
    assert not problems, "\n".join(problems[:20])


def test_pileup_grows_then_is_released(tmp_root):
    """pileup.c: the pile only grows until its release, reaches 640,000
    bytes in 20,000 blocks, only shrinks after, and is 0 at the end; it
    grew in many steps, seen at many sampling instants."""
    profile = run("pileup", tmp_root).profile
    hist = profile["hhHist"]
    pile = site_named(profile, "pile_push")["hhH"]
    values = [value_at(pile, i) for i in range(len(hist["t"]))]
    full = (32 * 20000, 20000)
    first_full = values.index(full)
    last_full = len(values) - 1 - values[::-1].index(full)
    assert all(a <= b for a, b in zip(values[:first_full], values[1:first_full + 1]))
    assert all(a >= b for a, b in zip(values[last_full:], values[last_full + 1:]))
    assert values[-1] == (0, 0) and values[-2] == (0, 0)
    steps = {values[i] for i in range(first_full) if hist["k"][i] == "s"}
    assert len(steps) >= 40, len(steps)
    checkpoints = profile["hhCheckpoints"]
    assert [value_at(pile, cp["hi"]) for cp in checkpoints] == [
        (32000 * k, 1000 * k) for k in range(1, 21)]
