"""Per-thread counts (HEAPHUNT_GET_THREAD_STATS) from 8 threads at once.

examples/client-requests/test_thread_stats.c runs 8 threads that do the
same kinds of work in different amounts at the same time, yielding every
64 bytes so that Valgrind switches between them inside every loop, and
checks each thread's exact counts, derived in its comments (blocks,
bytes, live, peak, reads, writes, copies; a block freed by another thread;
instructions equal to those of the same code run alone), and that the
threads' totals add up to the process's.  Here it runs under heaphunt with
Valgrind's two schedulers, and natively.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SRC = REPO_DIR / "examples" / "client-requests" / "test_thread_stats.c"
BUILD_DIR = REPO_DIR / "build" / "examples"
sys.path.insert(0, str(REPO_DIR / "tests"))

import heaphunt_testlib as lib  # noqa: E402

ALL_PASSED = "thread stats: 123 checks, all passed\n"


def build() -> Path:
    exe = BUILD_DIR / "test_thread_stats"
    header = REPO_DIR / "tool" / "heaphunt.h"
    if exe.exists() and exe.stat().st_mtime >= max(SRC.stat().st_mtime, header.stat().st_mtime):
        return exe
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    cflags = subprocess.run(["pkg-config", "--cflags", "valgrind"], capture_output=True,
                            text=True, check=True).stdout.split()
    tmp = exe.with_name("test_thread_stats.tmp")
    subprocess.run(["gcc", "-std=gnu11", "-O0", "-g", "-fno-builtin", "-pthread", "-Wall",
                    "-Wextra", "-Werror", "-I", str(REPO_DIR / "tool"), *cflags, "-o", str(tmp),
                    str(SRC)], check=True)
    os.replace(tmp, exe)
    return exe


def show(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


@pytest.mark.parametrize("scheduler", ["--fair-sched=no", "--fair-sched=yes"])
def test_eight_threads_each_count_exactly_their_own(heaphunt_runner, tmp_path, scheduler):
    proc = subprocess.run([str(heaphunt_runner), "-q", scheduler,
                           f"--heaphunt-out-file={tmp_path / 'p.json'}", str(build())],
                          capture_output=True, text=True, cwd=tmp_path, env=lib.fixed_env(),
                          timeout=600)
    assert (proc.returncode, proc.stdout) == (0, ALL_PASSED), show(proc)


def test_natively_skipped(tmp_path):
    proc = subprocess.run([str(build())], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "not under heaphunt, skipped\n"), show(proc)
