"""heaphunt's profile file: valid DHAT file-version-2 JSON, in the shape
dh_view.html and the Firefox Profiler's DHAT importer expect, complete, and
named as the options say.

Checked on every test program's profile and on a Python run (hundreds of
sites, frames in shared libraries without debug info).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

PROGRAMS = lib.programs_with_expectations()

# Keys dh_view.js reads at the top level and per site (heap mode).
TOP_LEVEL_KEYS = {"dhatFileVersion", "mode", "verb", "bklt", "bkacc", "tu", "Mtu",
                  "tuth", "cmd", "pid", "te", "tg", "pps", "ftbl"}
SITE_KEYS = {"tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk", "rb", "wb", "fs"}
HH_TOTALS_KEYS = {"tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"}


@pytest.fixture(scope="module")
def python_run(tmp_path_factory: pytest.TempPathFactory, heaphunt_runner: Path) -> lib.ToolRun:
    out_dir = tmp_path_factory.mktemp("python-json")
    argv = ["/usr/bin/python3", "-c", "import json, email.message; print(len(json.dumps(list(range(500)))))"]
    return lib.run_tool("heaphunt", argv, out_dir)


def _profile_runs(program_runs, python_run) -> list[lib.ToolRun]:
    return [program_runs.get("heaphunt", p) for p in PROGRAMS] + [python_run]


def _check_profile_shape(run: lib.ToolRun) -> list[str]:
    """Every problem with one profile, as readable lines."""
    problems: list[str] = []
    with open(run.profile_path) as f:
        text = f.read()
    try:
        profile = json.loads(text)
    except ValueError as e:
        return [f"{run.profile_path}: not JSON: {e}"]
    where = f"{' '.join(run.argv)[:60]}: "
    missing = TOP_LEVEL_KEYS - set(profile)
    if missing:
        problems.append(where + f"top-level keys missing: {sorted(missing)}")
    if profile.get("dhatFileVersion") != 2 or profile.get("mode") != "heap":
        problems.append(where + "not dhatFileVersion 2 / mode heap")
    if not isinstance(profile.get("hhVersion"), str):
        problems.append(where + "hhVersion is not a string")
    if not isinstance(profile.get("hhHistLimit"), int):
        problems.append(where + "hhHistLimit is not a number")
    if not HH_TOTALS_KEYS <= set(profile.get("hhTotals", {})):
        problems.append(where + f"hhTotals lacks {sorted(HH_TOTALS_KEYS - set(profile.get('hhTotals', {})))}")
    ftbl = profile.get("ftbl", [])
    if not ftbl or ftbl[0] != "[root]":
        problems.append(where + f"ftbl[0] is {ftbl[:1]}, not '[root]'")
    site_frames = {j for pp in profile.get("pps", []) for j in pp.get("fs", ())}
    for j in sorted(site_frames):
        if 0 < j < len(ftbl) and not lib.FRAME_SHAPE_RE.match(ftbl[j]):
            problems.append(where + f"site frame not in DHAT's shape: {ftbl[j]!r}")
    if len(set(ftbl)) != len(ftbl):
        problems.append(where + "ftbl has repeated entries")
    seen_fs: set[tuple[int, ...]] = set()
    for i, pp in enumerate(profile.get("pps", [])):
        missing = SITE_KEYS - set(pp)
        if missing:
            problems.append(where + f"pps[{i}] lacks {sorted(missing)}")
        fs = tuple(pp.get("fs", ()))
        if not fs:
            problems.append(where + f"pps[{i}] has an empty fs")
        if any(not (1 <= j < len(ftbl)) for j in fs):
            problems.append(where + f"pps[{i}].fs indexes outside ftbl: {fs}")
        if fs in seen_fs:
            problems.append(where + f"pps[{i}] repeats another site's fs {fs}")
        seen_fs.add(fs)
        if "acc" in pp and any(v > 65535 for v in lib.decode_acc(pp["acc"])):
            problems.append(where + f"pps[{i}].acc has counts above 65535")
    return problems


def test_every_profile_has_dhat_shape(program_runs, python_run) -> None:
    problems = []
    for run in _profile_runs(program_runs, python_run):
        assert run.profile_path.exists(), f"no profile written\n{run.describe()}"
        problems += _check_profile_shape(run)
    assert not problems, "\n".join(problems[:40])


def test_every_frame_has_dhat_shape(program_runs, python_run) -> None:
    """All of ftbl, including frames only heaphunt's extra records (copy
    sites) refer to: a reader that parses frames (the Firefox Profiler's
    DHAT importer) must be able to parse every one."""
    problems = []
    for run in _profile_runs(program_runs, python_run):
        assert run.profile is not None, run.describe()
        bad = [f for f in run.profile["ftbl"][1:] if not lib.FRAME_SHAPE_RE.match(f)]
        if bad:
            problems.append(f"{' '.join(run.argv)[:60]}: {bad[:6]}")
    assert not problems, "frames not in DHAT's shape:\n" + "\n".join(problems)


def test_python_profile_has_many_sites(python_run) -> None:
    assert python_run.returncode == 0, python_run.describe()
    assert python_run.profile is not None, python_run.describe()
    assert len(python_run.profile["pps"]) > 50


def test_histogram_limit_defaults_to_1024(program_runs) -> None:
    run = program_runs.get("heaphunt", "malloc_basic")
    assert run.profile is not None, run.describe()
    assert run.profile["hhHistLimit"] == 1024


def test_cmd_and_pid_describe_the_client(program_runs) -> None:
    run = program_runs.get("heaphunt", "malloc_basic")
    assert run.profile is not None, run.describe()
    assert run.profile["cmd"].endswith("malloc_basic")
    pids = set(re.findall(r"^==(\d+)==", run.stderr, re.M))
    assert str(run.profile["pid"]) in pids, f"pid {run.profile['pid']} not in stderr's {pids}"


def test_no_temporary_file_left_beside_profile(program_runs, python_run) -> None:
    """The profile is written to a temporary name and renamed: after the run
    only the final file may be there."""
    for run in _profile_runs(program_runs, python_run):
        leftovers = [p.name for p in run.out_dir.iterdir()
                     if p.name.startswith("heaphunt") and p != run.profile_path]
        hidden = [p.name for p in run.out_dir.iterdir() if p.name.startswith(".")]
        assert not leftovers and not hidden, f"{run.out_dir}: left behind {leftovers + hidden}"


def _run_plain(runner: Path, options: list[str], argv: list[str], cwd: Path,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(runner), "--tool=heaphunt", *options, *argv], cwd=cwd,
                          env=env or lib.fixed_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def _client_pid(stderr: str) -> str:
    pids = re.findall(r"^==(\d+)==", stderr, re.M)
    assert pids, f"no ==PID== lines in stderr:\n{stderr}"
    return pids[0]


def test_default_output_name_is_heaphunt_out_pid(heaphunt_runner: Path, tmp_path: Path) -> None:
    exe = lib.build_program("malloc_basic")
    proc = _run_plain(heaphunt_runner, [], [str(exe)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    pid = _client_pid(proc.stderr)
    expected = tmp_path / f"heaphunt.out.{pid}"
    assert expected.exists(), f"no {expected.name}; directory has {sorted(p.name for p in tmp_path.iterdir())}"
    json.loads(expected.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == [expected.name]


def test_out_file_expands_pid_and_env_var(heaphunt_runner: Path, tmp_path: Path) -> None:
    exe = lib.build_program("malloc_basic")
    env = lib.fixed_env({"HH_TEST_TAG": "tagged"})
    proc = _run_plain(heaphunt_runner, ["--heaphunt-out-file=prof.%p.%q{HH_TEST_TAG}.json"],
                      [str(exe)], tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    pid = _client_pid(proc.stderr)
    expected = tmp_path / f"prof.{pid}.tagged.json"
    assert expected.exists(), f"no {expected.name}; directory has {sorted(p.name for p in tmp_path.iterdir())}"
    assert json.loads(expected.read_text())["hhTotals"]["tb"] == 1000


def test_histogram_max_zero_writes_no_acc(heaphunt_runner: Path, tmp_path: Path) -> None:
    exe = lib.build_program("acc_histogram")
    run = lib.run_tool("heaphunt", [str(exe)], tmp_path, extra_options=["--histogram-max=0"])
    assert run.returncode == 0 and run.profile is not None, run.describe()
    assert run.profile["hhHistLimit"] == 0
    assert all("acc" not in pp for pp in run.profile["pps"])


def test_histogram_max_limits_block_size(heaphunt_runner: Path, tmp_path: Path) -> None:
    """With --histogram-max=200, malloc_basic's 100-byte blocks keep their
    histogram; in peak_middle, 200-byte blocks keep it, 1,000-byte ones not."""
    exe = lib.build_program("peak_middle")
    run = lib.run_tool("heaphunt", [str(exe)], tmp_path, extra_options=["--histogram-max=200"])
    assert run.returncode == 0 and run.profile is not None, run.describe()
    assert run.profile["hhHistLimit"] == 200
    has_acc = {s.function: s.acc is not None for s in run.sites}
    assert has_acc == {"alloc_a": True, "alloc_b": False, "alloc_c": True}


def test_allocator_frames_are_hidden(program_runs) -> None:
    """A site's first frame is the caller of malloc/new, not the preload's
    replacement function (DHAT shows "malloc (in vgpreload_dhat...)").
    (A preload frame further up a stack, the setenv wrapper's, stays, named
    as DHAT names it: strmem_env_frames.c.)"""
    shown = []
    for program in PROGRAMS:
        run = program_runs.get("heaphunt", program)
        assert run.profile is not None, run.describe()
        first_frames = [run.profile["ftbl"][pp["fs"][0]] for pp in run.profile["pps"]]
        shown += [f for f in first_frames if "vgpreload_" in f]
    assert not shown, f"sites whose first frame is in heaphunt's preload: {shown[:5]}"


def test_site_frames_name_the_allocating_functions(program_runs) -> None:
    run = program_runs.get("heaphunt", "call_stacks")
    assert run.profile is not None, run.describe()
    stacks = sorted([lib.frame_function(f) for f in s.frames[:3]] for s in run.sites)
    assert stacks == [["leaf_alloc", "path_one", "main"], ["leaf_alloc", "path_two", "main"]]
