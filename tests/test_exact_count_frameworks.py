"""Exact-count tests in C++ test frameworks: tool/heaphunt_test.h with
GoogleTest and Catch2 (Debian's libgtest-dev and catch2).

The examples in examples/test-frameworks/ derive every expected number in
their comments; here they are built (at -O0 and -O2), run under heaphunt
(every test passes), run natively (expectations not checked, said once),
and their deliberate failures are run to check what a failure reports:
expected, got, file and line.  Built programs go to build/examples/.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_DIR / "examples" / "test-frameworks"
BUILD_DIR = REPO_DIR / "build" / "examples"
TOOL_DIR = REPO_DIR / "tool"

NOT_CHECKED = "heaphunt_test.h: not running under heaphunt: heap expectations not checked\n"
LEAK_MESSAGE = ("heaphunt: live blocks left in d: curr_blocks expected 0, got 1;"
                " curr_bytes expected 0, got 24")
ALLOCS_MESSAGE = ("heaphunt: allocations in d: total_blocks expected 0, got 1;"
                  " total_bytes expected 0, got 24")


def _valgrind_cflags() -> list[str]:
    proc = subprocess.run(["pkg-config", "--cflags", "valgrind"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"pkg-config --cflags valgrind failed:\n{proc.stderr}")
    return proc.stdout.split()


def build(framework: str, opt: str) -> Path:
    src = EXAMPLE_DIR / f"test_order_book_{framework}.cpp"
    inputs = [src, EXAMPLE_DIR / "order_book.h", TOOL_DIR / "heaphunt.h",
              TOOL_DIR / "heaphunt_test.h"]
    exe = BUILD_DIR / f"test_order_book_{framework}{opt}"
    if exe.exists() and exe.stat().st_mtime >= max(p.stat().st_mtime for p in inputs):
        return exe
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    libs = ["-lgtest", "-lgtest_main"] if framework == "gtest" else []
    tmp = exe.with_name(exe.name + ".tmp")
    cmd = ["g++", "-std=c++17", opt, "-g", "-Wall", "-Wextra", "-Werror", "-I", str(TOOL_DIR),
           *_valgrind_cflags(), "-o", str(tmp), str(src), *libs, "-pthread"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed (are libgtest-dev and catch2 installed? "
                    f"scripts/install-deps.sh):\n{proc.stderr}")
    os.replace(tmp, exe)
    return exe


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    import heaphunt_testlib as lib
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=lib.fixed_env(),
                          timeout=600)


def under_heaphunt(runner: Path, tmp_path: Path, argv: list[str]) -> subprocess.CompletedProcess:
    return run([str(runner), "-q", f"--heaphunt-out-file={tmp_path / 'profile.json'}", *argv],
               tmp_path)


def show(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


def macro_line(framework: str, text: str, after: str) -> int:
    """The line number of the first line containing `text` after the line
    containing `after` in the example's source."""
    lines = (EXAMPLE_DIR / f"test_order_book_{framework}.cpp").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if text in lines[i]) + 1


# --------------------------------------------------------------------------
# GoogleTest
# --------------------------------------------------------------------------

GTEST_TESTS = ["AddAllocatesOneBlockPerOrder", "CancelFreesTheOrder",
               "SnapshotIsOneBlockOwnedByTheCaller", "TotalQuantityAllocatesAndWritesNothing",
               "NestedScopes", "ThreadScopeCountsOnlyThisThread"]


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_gtest_example_passes_under_heaphunt(heaphunt_runner, tmp_path, opt):
    exe = build("gtest", opt)
    proc = under_heaphunt(heaphunt_runner, tmp_path, [str(exe)])
    assert proc.returncode == 0, show(proc)
    ran = re.findall(r"^\[       OK \] OrderBook\.(\w+) ", proc.stdout, re.M)
    assert ran == GTEST_TESTS, show(proc)
    assert f"[  PASSED  ] {len(GTEST_TESTS)} tests." in proc.stdout
    assert NOT_CHECKED not in proc.stderr


def test_gtest_example_natively_says_expectations_are_not_checked(tmp_path):
    proc = run([str(build("gtest", "-O0"))], tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stderr == NOT_CHECKED, show(proc)


def test_gtest_failure_reports_expected_got_and_line(heaphunt_runner, tmp_path):
    exe = build("gtest", "-O0")
    proc = under_heaphunt(heaphunt_runner, tmp_path,
                          [str(exe), "--gtest_also_run_disabled_tests",
                           "--gtest_filter=*DISABLED_LeakIsReported"])
    assert proc.returncode == 1, show(proc)
    after = "DISABLED_LeakIsReported"
    no_leaks = macro_line("gtest", "HEAPHUNT_EXPECT_NO_LEAKS(d)", after)
    allocs = macro_line("gtest", "HEAPHUNT_ASSERT_ALLOCS(d, 0, 0)", after)
    # gtest names the file as the compiler was given it (here a full path).
    where = re.escape(str(EXAMPLE_DIR / "test_order_book_gtest.cpp"))
    expected = (f"{where}:{no_leaks}: Failure\nFailed\n{re.escape(LEAK_MESSAGE)}\n"
                f"{where}:{allocs}: Failure\nFailed\n{re.escape(ALLOCS_MESSAGE)}\n"
                r"\[  FAILED  \] OrderBook\.DISABLED_LeakIsReported \(")
    assert re.search(expected, proc.stdout), show(proc)
    # HEAPHUNT_ASSERT_* is fatal: the line after it never runs.
    assert "not reached" not in proc.stdout, show(proc)


# --------------------------------------------------------------------------
# Catch2
# --------------------------------------------------------------------------

@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_catch2_example_passes_under_heaphunt(heaphunt_runner, tmp_path, opt):
    exe = build("catch2", opt)
    proc = under_heaphunt(heaphunt_runner, tmp_path, [str(exe)])
    assert proc.returncode == 0, show(proc)
    assert "All tests passed (2 assertions in 5 test cases)" in proc.stdout, show(proc)


def test_catch2_example_natively_says_expectations_are_not_checked(tmp_path):
    proc = run([str(build("catch2", "-O0"))], tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stderr == NOT_CHECKED, show(proc)


def test_catch2_failure_reports_expected_got_and_line(heaphunt_runner, tmp_path):
    exe = build("catch2", "-O0")
    proc = under_heaphunt(heaphunt_runner, tmp_path, [str(exe), "[.demo]"])
    # Catch2 2.x exits with the number of failed assertions.
    assert proc.returncode == 2, show(proc)
    after = "a leak is reported"
    no_leaks = macro_line("catch2", "HEAPHUNT_EXPECT_NO_LEAKS(d)", after)
    allocs = macro_line("catch2", "HEAPHUNT_ASSERT_ALLOCS(d, 0, 0)", after)
    # Catch2 wraps messages at 80 columns: compare the words.
    text = " ".join(proc.stdout.split())
    assert (f"test_order_book_catch2.cpp:{no_leaks}: FAILED: explicitly with message:"
            f" {LEAK_MESSAGE}") in text, show(proc)
    assert (f"test_order_book_catch2.cpp:{allocs}: FAILED: explicitly with message:"
            f" {ALLOCS_MESSAGE}") in text, show(proc)
    assert "not reached" not in proc.stdout, show(proc)
    assert "test cases: 1 | 1 failed" in proc.stdout, show(proc)
