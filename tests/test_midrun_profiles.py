"""A profile written part-way through a run never changes the run's
numbers.

heaphunt writes a profile before exit in four ways: --dump-every, the
HEAPHUNT_DUMP client request, vgdb's `dump` monitor command, and just
before an execve.  tests/programs/reliability/midrun.c takes blocks through
every point of their lives (before and after their accesses, before and
after the free of a site's last live block, across realloc, custom blocks
in a container, mempool blocks, a container still hidden at exit) and can
ask for a profile at 14 points without changing the instructions it runs.
For each way, the final profile and the stderr summary of a run with the
mid-run profiles must equal, field by field, those of the same run without
them; and the mid-run profiles themselves hold the numbers midrun.c derives
for each point.
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

N_POINTS = 14

# midrun.c's "Expected at exit" (sums over the sites of each function).
EXPECTED_SITES_AT_EXIT = {
    "alloc_a": {"tb": 100, "tbk": 1, "eb": 0, "ebk": 0, "rb": 100, "wb": 100},
    "grow_b": {"tb": 112, "tbk": 3, "eb": 32, "ebk": 1, "rb": 48, "wb": 128},
    "arena_c": {"tb": 256, "tbk": 1, "eb": 0, "rb": 0, "wb": 0},
    "carve_c": {"tb": 64, "tbk": 1, "eb": 0, "rb": 0, "wb": 64},
    "pool_arena_d": {"tb": 512, "tbk": 1, "eb": 0, "rb": 0, "wb": 0},
    "pool_get_d": {"tb": 64, "tbk": 2, "eb": 0, "rb": 0, "wb": 64},
    "arena_e": {"tb": 128, "tbk": 1, "eb": 128, "ebk": 1, "rb": 0, "wb": 0,
                "hhNoAccK": 1},
    "carve_e": {"tb": 32, "tbk": 1, "eb": 32, "ebk": 1, "rb": 0, "wb": 32},
}

# midrun.c's table of points: what a profile written at point N holds.
EXPECTED_AT_POINT = {
    1: {"alloc_a": {"tb": 100, "eb": 100, "rb": 0, "wb": 0}},
    2: {"alloc_a": {"eb": 100, "rb": 0, "wb": 100}},
    3: {"alloc_a": {"eb": 100, "rb": 100, "wb": 100}},
    4: {"alloc_a": {"eb": 0, "rb": 100, "wb": 100}},
    5: {"grow_b": {"tb": 16, "tbk": 1, "eb": 16, "rb": 0, "wb": 16}},
    6: {"grow_b": {"tb": 80, "tbk": 2, "eb": 64, "rb": 16, "wb": 96}},
    7: {"grow_b": {"tb": 112, "tbk": 3, "eb": 32, "rb": 48, "wb": 128}},
    8: {"carve_c": {"tb": 64, "eb": 64, "wb": 0}, "arena_c": {"tb": 256, "eb": 256}},
    9: {"carve_c": {"eb": 64, "wb": 64}},
    10: {"carve_c": {"eb": 0, "wb": 64}, "arena_c": {"eb": 256}},
    11: {"pool_get_d": {"tb": 64, "tbk": 2, "eb": 64, "ebk": 2, "wb": 64}},
    12: {"pool_get_d": {"eb": 32, "ebk": 1, "wb": 64}},
    13: {"pool_get_d": {"eb": 0, "ebk": 0, "wb": 64}},
    14: {"arena_e": {"eb": 128}, "carve_e": {"eb": 32, "wb": 32}},
}

# The summary lines heaphunt prints at exit.
_SUMMARY_LINE_RE = re.compile(r"^==\d+== ((?:Total|At t-gmax|At t-end|Reads|Writes|Copies):.*)$")


def midrun_exe() -> Path:
    """Built like dumper.c: heaphunt.h includes "valgrind.h"."""
    src = lib.PROGRAMS_DIR / "reliability" / "midrun.c"
    exe = lib.BUILD_DIR / "reliability" / "midrun"
    exe.parent.mkdir(parents=True, exist_ok=True)
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        cmd = ["gcc", "-std=gnu11", "-O0", "-g", "-fno-builtin", "-fno-omit-frame-pointer",
               "-I", "/usr/include/valgrind", "-I", str(lib.PROGRAMS_DIR),
               "-o", str(exe), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return exe


def run_midrun(modes: str, out_dir: Path, options: list[str] | None = None) -> lib.ToolRun:
    run = lib.run_tool("heaphunt", [str(midrun_exe()), modes], out_dir,
                       extra_options=options, timeout_s=120)
    assert run.returncode == 0, run.describe()
    assert run.profile is not None, run.describe()
    return run


def summary_lines(stderr: str) -> list[str]:
    return [m.group(1) for line in stderr.splitlines()
            if (m := _SUMMARY_LINE_RE.match(line))]


def without_run_identity(profile: dict) -> dict:
    """The profile minus what names the process, not what it did: its pid
    and its command line (the modes argument differs between the runs)."""
    return {k: v for k, v in profile.items() if k not in ("pid", "cmd")}


def assert_same_final_state(baseline: lib.ToolRun, dumped: lib.ToolRun, how: str) -> None:
    base = without_run_identity(baseline.profile)
    got = without_run_identity(dumped.profile)
    differing = sorted(k for k in base.keys() | got.keys() if base.get(k) != got.get(k))
    details = []
    if "pps" in differing and len(base["pps"]) == len(got["pps"]):
        for i, (pb, pg) in enumerate(zip(base["pps"], got["pps"])):
            fields = sorted(k for k in pb.keys() | pg.keys() if pb.get(k) != pg.get(k))
            if fields:
                frame = got["ftbl"][pg["fs"][0]]
                details.append(f"  pps[{i}] ({frame}): " + ", ".join(
                    f"{k} {pb.get(k)} -> {pg.get(k)}" for k in fields))
    assert not differing, (
        f"{how}: the final profile differs from the run without mid-run profiles in "
        f"{differing}\n" + "\n".join(details))
    assert summary_lines(dumped.stderr) == summary_lines(baseline.stderr), (
        f"{how}: the summary differs:\nwithout: {summary_lines(baseline.stderr)}\n"
        f"with:    {summary_lines(dumped.stderr)}")
    assert len(summary_lines(baseline.stderr)) >= 5, baseline.describe()


def sites_by_function(profile: dict) -> dict[str, dict[str, int]]:
    """Per-site numbers summed over the sites whose first frame is in a
    function."""
    out: dict[str, dict[str, int]] = {}
    for pp in profile["pps"]:
        fn = lib.frame_function(profile["ftbl"][pp["fs"][0]])
        numbers = out.setdefault(fn, {})
        for k, v in pp.items():
            if isinstance(v, int):
                numbers[k] = numbers.get(k, 0) + v
    return out


def assert_sites(what: str, expected: dict[str, dict[str, int]], profile: dict) -> None:
    sites = sites_by_function(profile)
    problems = []
    for fn, fields in expected.items():
        if fn not in sites:
            problems.append(f"  no site in {fn}")
            continue
        diff = lib.diff_numbers(fields, sites[fn])
        if diff:
            problems.append(f"  {fn}:\n{diff}")
    assert not problems, f"{what}:\n" + "\n".join(problems)


def acc_of(profile: dict, function: str) -> list[int] | None:
    matches = [pp for pp in profile["pps"]
               if lib.frame_function(profile["ftbl"][pp["fs"][0]]) == function]
    assert len(matches) == 1, f"expected one site in {function}, got {len(matches)}"
    return lib.decode_acc(matches[0]["acc"]) if "acc" in matches[0] else None


def load(path: Path) -> dict:
    assert path.exists(), f"expected a profile at {path}, found none"
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> lib.ToolRun:
    """midrun with every mode off: no profile before exit."""
    run = run_midrun("000", tmp_path_factory.mktemp("midrun") / "a")
    assert_sites("midrun.c at exit", EXPECTED_SITES_AT_EXIT, run.profile)
    assert acc_of(run.profile, "alloc_a") == [2] * 100
    return run


def test_dump_every_after_each_heap_event_leaves_final_numbers_unchanged(tmp_path, baseline):
    # --dump-every=1: a profile after every heap event of the run, the free of
    # alloc_a's last live block included (the double count of issue 14).
    run = run_midrun("000", tmp_path / "b", ["--dump-every=1"])
    periodic = sorted(tmp_path.glob("b/heaphunt.json.*"), key=lambda p: int(p.suffix[1:]))
    # midrun.c has 17 heap events of its own (5 mallocs, 3 frees, 2
    # reallocs, 7 custom requests that start or end blocks), each more than
    # an instruction after the one before.
    assert len(periodic) >= 17, [p.name for p in periodic]
    after_free = [p for p in periodic
                  if sites_by_function(load(p)).get("alloc_a", {}).get("eb") == 0]
    assert after_free, "no periodic profile was written after free(a)"
    assert_sites(f"{after_free[0].name}, the first profile after free(a)",
                 {"alloc_a": {"tb": 100, "tbk": 1, "eb": 0, "rb": 100, "wb": 100}},
                 load(after_free[0]))
    assert_sites("midrun.c at exit, with --dump-every=1", EXPECTED_SITES_AT_EXIT, run.profile)
    assert_same_final_state(baseline, run, "--dump-every=1")


def test_heaphunt_dump_at_each_point_leaves_final_numbers_unchanged(tmp_path, baseline):
    run = run_midrun("100", tmp_path / "b")
    for n, expected in EXPECTED_AT_POINT.items():
        assert_sites(f"HEAPHUNT_DUMP at point {n}", expected,
                     load(tmp_path / "b" / f"point.{n:02d}"))
    assert_same_final_state(baseline, run, "HEAPHUNT_DUMP at 14 points")


def test_profile_before_a_failed_exec_leaves_final_numbers_unchanged(tmp_path):
    # --trace-children=yes sends the pre-exec profile to <out-file>.pre-exec
    # (so the last one, point 14's, is left to read); both runs get it.
    options = ["--trace-children=yes"]
    base = run_midrun("000", tmp_path / "a", options)
    run = run_midrun("010", tmp_path / "b", options)
    written = [line for line in run.stderr.splitlines() if "(before execve)" in line]
    assert len(written) == N_POINTS, run.describe()
    assert not list(tmp_path.glob("a/*.pre-exec")), "the run without execs wrote a pre-exec profile"
    assert_sites("the pre-exec profile of point 14", EXPECTED_AT_POINT[14],
                 load(tmp_path / "b" / "heaphunt.json.pre-exec"))
    assert_same_final_state(base, run, "profiles before 14 failed execs")


def _drive_over_stdin(out_dir: Path, dump: bool) -> lib.ToolRun:
    """midrun with S = 1: at each point it says "point NN" and waits for a
    byte on stdin; with dump, `vgdb dump FILE` is sent while it waits."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile_path = out_dir / "heaphunt.json"
    cmd = [str(lib.heaphunt_runner()), "--tool=heaphunt",
           f"--heaphunt-out-file={profile_path}", str(midrun_exe()), "001"]
    proc = subprocess.Popen(cmd, cwd=out_dir, env=lib.fixed_env(), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for n in range(1, N_POINTS + 1):
            line = proc.stdout.readline().decode()
            assert line == f"point {n:02d}\n", f"expected point {n}, got {line!r}"
            if dump:
                vgdb = subprocess.run(["vgdb", f"--pid={proc.pid}", "dump",
                                       str(out_dir / f"vgdb.{n:02d}")],
                                      capture_output=True, text=True, timeout=60)
                assert "profile written" in vgdb.stdout, vgdb
            proc.stdin.write(b"\n")
            proc.stdin.flush()
        proc.stdin.close()
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    return lib.ToolRun("heaphunt", cmd, proc.returncode, "", stderr, out_dir, profile_path,
                       load(profile_path), None)


def test_vgdb_dump_at_each_point_leaves_final_numbers_unchanged(tmp_path):
    base = _drive_over_stdin(tmp_path / "a", dump=False)
    run = _drive_over_stdin(tmp_path / "b", dump=True)
    for n, expected in EXPECTED_AT_POINT.items():
        assert_sites(f"vgdb dump at point {n}", expected, load(tmp_path / "b" / f"vgdb.{n:02d}"))
    assert_sites("midrun.c at exit, driven over stdin", EXPECTED_SITES_AT_EXIT, run.profile)
    assert_same_final_state(base, run, "vgdb dump at 14 points")
