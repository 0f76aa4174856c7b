"""Bad command lines and an unwritable output path.

A bad option must stop Valgrind before the client runs, with a non-zero exit
status and a message that names the option (as Valgrind does for its own
options and DHAT for --dhat-out-file=).

An output path that cannot be written is only found out at exit, after the
client ran.  DHAT 3.19 prints "error: can't open DHAT output file '<path>'"
and exits with the client's status (0), so a script cannot tell that the
profile is lost.  heaphunt (observed with 0.1.0) prints the summary, then
"heaphunt: error: cannot create the profile '<path>.tmp-<pid>': no such file
or directory." and exits with status 1: the tests pin that down.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib


def _run(runner: Path, options: list[str], cwd: Path) -> subprocess.CompletedProcess:
    exe = lib.build_program("malloc_basic")
    return subprocess.run([str(runner), "--tool=heaphunt", *options, str(exe)],
                          cwd=cwd, env=lib.fixed_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.parametrize("option, named", [
    ("--histogram-max=abc", "histogram-max"),
    ("--histogram-max=-5", "histogram-max"),
    ("--heaphunt-out-file=", "heaphunt-out-file"),
    ("--heaphunt-no-such-option=1", "heaphunt-no-such-option"),
])
def test_bad_option_is_refused_by_name(heaphunt_runner: Path, tmp_path: Path,
                                       option: str, named: str) -> None:
    proc = _run(heaphunt_runner, [option], tmp_path)
    assert proc.returncode != 0, f"{option} accepted (exit 0):\n{proc.stderr}"
    assert named in proc.stderr, f"message does not name {named}:\n{proc.stderr}"
    assert "Total:" not in proc.stderr, f"the client ran despite {option}:\n{proc.stderr}"
    assert not any(p.name.startswith("heaphunt.out") for p in tmp_path.iterdir())


def test_unwritable_output_path_reports_path(heaphunt_runner: Path, tmp_path: Path) -> None:
    bad_path = "/nonexistent/dir/x.json"
    proc = _run(heaphunt_runner, [f"--heaphunt-out-file={bad_path}"], tmp_path)
    assert bad_path in proc.stderr, f"message does not name {bad_path}:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr and "Assertion" not in proc.stderr, proc.stderr
    # Refused at start-up, before the program runs (DHAT runs it to the
    # end, loses the profile and exits 0).
    assert "Total:" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, f"exit status {proc.returncode}, expected 1:\n{proc.stderr}"
    assert not any(tmp_path.iterdir()), f"wrote {list(tmp_path.iterdir())} instead"


def test_output_directory_not_writable_reports_path(heaphunt_runner: Path, tmp_path: Path) -> None:
    """The directory part is a regular file (permission bits would not stop
    root, who runs CI)."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    bad_path = str(blocker / "x.json")
    proc = _run(heaphunt_runner, [f"--heaphunt-out-file={bad_path}"], tmp_path)
    assert bad_path in proc.stderr, f"message does not name {bad_path}:\n{proc.stderr}"
    assert proc.returncode == 1, f"exit status {proc.returncode}, expected 1:\n{proc.stderr}"
