"""pytest under heaphunt: the heaphunt_limit marker, the session default,
repeat (leak vs cache), and pytest-xdist.

examples/pytest-inprocess/ tests a C library loaded with ctypes
(records.c derives every count); here pytest runs that example as a user
would: natively (limits not checked, every test passes), under heaphunt
with --runxfail so that the example's deliberate failures show their
messages (read back from pytest's JUnit XML), and under heaphunt with
pytest-xdist (-n 2, every process traced), whose per-process profiles
`heaphunt merge` combines.  The existing fixture (examples/pytest) is run
under xdist too.  Each pytest under Valgrind takes a minute or so.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_DIR / "examples" / "pytest-inprocess"
BUILD_DIR = REPO_DIR / "build" / "examples"
sys.path.insert(0, str(REPO_DIR / "python"))

import heaphunt as hhlib  # noqa: E402

TEST_FILE = "test_records.py"
DEMOS = ["test_three_records_are_over_the_limit", "test_unmarked_leak_caught_by_the_default_limit",
         "test_remember_leaks_on_every_run"]
PASSING = ["test_record_round_trip", "test_kept_record_within_its_own_limit",
           "test_lookup_cache_is_not_a_leak"]


def records_lib() -> Path:
    src = EXAMPLE_DIR / "records.c"
    lib = BUILD_DIR / "librecords.so"
    if not lib.exists() or lib.stat().st_mtime < src.stat().st_mtime:
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        tmp = lib.with_name("librecords.so.tmp")
        subprocess.run(["gcc", "-shared", "-fPIC", "-g", "-O0", "-o", str(tmp), str(src)],
                       check=True)
        os.replace(tmp, lib)
    return lib


def show(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


def run_pytest(tmp_path: Path, pytest_args: list[str], valgrind: list[str] | None = None,
               ) -> subprocess.CompletedProcess:
    env = hhlib.fixed_env({"RECORDS_LIB": str(records_lib()), "HOME": str(tmp_path)})
    cmd = [*(valgrind or []), "/usr/bin/python3", "-m", "pytest", "-p", "no:cacheprovider",
           f"--basetemp={tmp_path / 'basetemp'}", *pytest_args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=EXAMPLE_DIR, env=env,
                          timeout=1800)


def junit_outcomes(path: Path) -> dict[str, tuple[str, str]]:
    """test name -> (outcome, failure message or heaphunt property)."""
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        failure = case.find("failure")
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if failure is not None:
            out[case.get("name")] = ("failed", failure.get("message"))
        else:
            out[case.get("name")] = ("passed", props.get("heaphunt", ""))
    return out


def source_line(text: str) -> int:
    lines = (EXAMPLE_DIR / "records.c").read_text().splitlines()
    return next(i for i, line in enumerate(lines) if text in line) + 1


def expected_failures() -> dict[str, str]:
    """The demonstrations' messages, from test_records.py and records.c:
    pytest's JUnit XML keeps the message's first line in `message`, the
    whole text in the element; these are whole texts."""
    new_line = source_line("return calloc(n, 1);")
    remember_line = source_line("struct entry *e = malloc(sizeof *e);")
    libffi = r"\?\?\? \(in /usr/lib/x86_64-linux-gnu/libffi\.so[.0-9]*\)"
    return {
        "test_three_records_are_over_the_limit":
            r"heaphunt_limit\(max_blocks=2, max_bytes=200, max_end_bytes=0\) exceeded by"
            r" \S*test_records\.py::test_three_records_are_over_the_limit:\n"
            r"  max_blocks: blocks allocated: expected <= 2, got 3 \(1 over\)\n"
            r"  max_bytes: bytes allocated: expected <= 200, got 300 \(100 over\)\n"
            r"  allocated 300 bytes in 3 blocks; left live 0 bytes in 0 blocks\n"
            r"sites it allocated from \(bytes allocated, in blocks; bytes still live\):\n"
            rf" +300 B in +3 blocks; +0 B live  record_new \(records\.c:{new_line}\)"
            rf" called from {libffi}$",
        "test_unmarked_leak_caught_by_the_default_limit":
            r"heaphunt_limit\(max_end_bytes=0\) exceeded by"
            r" \S*test_unmarked_leak_caught_by_the_default_limit:\n"
            r"  max_end_bytes: bytes left live: expected <= 0, got 32 \(32 over\)\n"
            r"  allocated 32 bytes in 1 block; left live 32 bytes in 1 block\n"
            r"sites it allocated from \(bytes allocated, in blocks; bytes still live\):\n"
            rf" +32 B in +1 block; +32 B live  remember \(records\.c:{remember_line}\)"
            rf" called from {libffi}$",
        "test_remember_leaks_on_every_run":
            # max_end_bytes=0 is the session default; alone, it does not
            # imply max_end_blocks.
            r"heaphunt_limit\(max_end_bytes=0, repeat=3\) exceeded by"
            r" \S*test_remember_leaks_on_every_run, 3 runs:\n"
            r"  max_end_bytes: bytes left live by run 2 \(each run after the first\):"
            r" expected <= 0, got 32 \(32 over\)\n"
            r"  live bytes left by each run: \+32, \+32, \+32\n"
            r"  grows on every run \(a leak\): \+32 bytes in \+1 block per run\n"
            r"sites that grew on every run after the first \(bytes per run\):\n"
            rf" +32 B  remember \(records\.c:{remember_line}\) called from {libffi}$",
    }


# The passing tests' numbers (the "heaphunt" property of their reports).
EXPECTED_PASSING = {
    "test_record_round_trip": "allocated 100 bytes in 1 block; left live 0 bytes in 0 blocks",
    "test_kept_record_within_its_own_limit":
        "allocated 64 bytes in 1 block; left live 64 bytes in 1 block",
    "test_lookup_cache_is_not_a_leak":
        "live bytes left by each run: +4,096, +0, +0; grows on every run (a leak): nothing;"
        " first run only (a cache): 4,096 bytes in 1 block",
}


def check_junit(path: Path) -> None:
    outcomes = junit_outcomes(path)
    assert sorted(outcomes) == sorted(DEMOS + PASSING), outcomes
    for name in PASSING:
        assert outcomes[name] == ("passed", EXPECTED_PASSING[name]), (name, outcomes[name])
    texts = {case.get("name"): case.find("failure").text
             for case in ET.parse(path).getroot().iter("testcase")
             if case.find("failure") is not None}
    for name, pattern in expected_failures().items():
        assert outcomes[name][0] == "failed", (name, outcomes[name])
        assert re.match(pattern, texts[name].strip(), re.S), f"{name}:\n{texts[name]}"


def test_limits_natively_are_not_checked(tmp_path):
    proc = run_pytest(tmp_path, ["-q", "--heaphunt-default-limit", "max_end_bytes=0", TEST_FILE])
    assert proc.returncode == 0, show(proc)
    assert "6 passed" in proc.stdout, show(proc)
    assert ("heaphunt: 6 test(s) with heap limits, not checked: pytest is not running under"
            " heaphunt") in proc.stdout, show(proc)


def test_limits_under_heaphunt(heaphunt_runner, tmp_path):
    junit = tmp_path / "junit.xml"
    proc = run_pytest(tmp_path, ["-q", "--runxfail", "--heaphunt-default-limit",
                                 "max_end_bytes=0", f"--junitxml={junit}", TEST_FILE],
                      [str(heaphunt_runner), "-q",
                       f"--heaphunt-out-file={tmp_path / 'pytest.%p.json'}"])
    assert proc.returncode == 1, show(proc)
    assert "3 failed, 3 passed" in proc.stdout, show(proc)
    assert "heaphunt: 6 test(s) measured against their heap limits" in proc.stdout
    assert re.search(r"^heaphunt: \S*test_records\.py::test_lookup_cache_is_not_a_leak: first"
                     r" run only \(a cache\): 4,096 bytes in 1 block$", proc.stdout, re.M), \
        show(proc)
    check_junit(junit)


def test_limits_under_heaphunt_with_xdist_and_merged_profiles(heaphunt_runner, tmp_path):
    """pytest -n 2 under heaphunt, every process traced: the workers check
    the limits (same messages), each process writes its profile, and
    `heaphunt merge` adds them up: the library's sites have the totals of
    every test, whichever worker ran it."""
    junit = tmp_path / "junit.xml"
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    proc = run_pytest(tmp_path, ["-q", "-n", "2", "--runxfail", "--heaphunt-default-limit",
                                 "max_end_bytes=0", f"--junitxml={junit}", TEST_FILE],
                      [str(heaphunt_runner), "-q", "--trace-children=yes",
                       f"--heaphunt-out-file={profiles / 'pytest.%p.json'}"])
    assert proc.returncode == 1, show(proc)
    assert "3 failed, 3 passed" in proc.stdout, show(proc)
    check_junit(junit)
    files = sorted(profiles.glob("pytest.*.json"))
    # One profile per traced process: the controller, its two workers (which
    # execnet starts with `python3 -c`), and what they ran (uname -p, for
    # platform.processor()).
    commands = [hhlib.load(f).cmd for f in files]
    assert sum(c.startswith("/usr/bin/python3 -m pytest ") for c in commands) == 1, commands
    assert sum(c.startswith("/usr/bin/python3 -u -c ") for c in commands) == 2, commands
    merged = tmp_path / "merged.json"
    merge = subprocess.run([str(REPO_DIR / "bin" / "heaphunt"), "merge", *map(str, files),
                            "-o", str(merged)], capture_output=True, text=True, timeout=600)
    assert merge.returncode == 0, show(merge)
    profile = hhlib.load(merged)
    # records.c's sites over all six tests: record_new 100 + 3 * 100 + 64
    # bytes in 5 blocks, 64 live at the end; remember 1 + 3 entries of 32
    # bytes, all live; lookup's one table of 4,096 bytes, live.
    hhlib.assert_site(profile, "record_new", bytes=464, blocks=5, end_bytes=64, end_blocks=1)
    hhlib.assert_site(profile, "remember", bytes=128, blocks=4, end_bytes=128, end_blocks=4)
    hhlib.assert_site(profile, "lookup", bytes=4096, blocks=1, end_bytes=4096)


def test_fixture_under_xdist(heaphunt_runner, tmp_path):
    """The heaphunt fixture (each test runs a program under heaphunt) in
    two xdist workers: examples/pytest passes as it does in one process."""
    env = hhlib.fixed_env({"HEAPHUNT_VG": str(heaphunt_runner), "HOME": str(tmp_path)})
    proc = subprocess.run(
        ["/usr/bin/python3", "-m", "pytest", "-p", "no:cacheprovider", "-n", "2",
         f"--basetemp={tmp_path / 'basetemp'}", str(REPO_DIR / "examples" / "pytest")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert proc.returncode == 0, show(proc)
    # Two workers, each collecting the 8 tests (xdist's line without a tty).
    assert re.search(r"^gw0 \[8\] / gw1 \[8\]$", proc.stdout, re.MULTILINE), show(proc)
    assert re.search(r"^=+ 8 passed in ", proc.stdout, re.MULTILINE), show(proc)
