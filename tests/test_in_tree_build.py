"""heaphunt builds inside Valgrind's own source tree (3.19 and 3.24) and that
Valgrind runs it and counts right.

Runs scripts/build-in-tree.sh VERSION then scripts/smoke-in-tree.sh VERSION.
The builds are cached under $HEAPHUNT_INTREE_ROOT/intree-VERSION/ (default
~/.cache/heaphunt, outside the checkout), so only the first run on
a machine takes minutes.  Marked slow, but part of the default run; if the
scripts are missing the tests fail (they never skip).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Callable

import pytest

import heaphunt_testlib as lib

SCRIPTS_DIR = lib.REPO_DIR / "scripts"
BUILD_TIMEOUT_S = 40 * 60
# A build that takes minutes says how far it is this often, so that the
# suite does not look stuck (only a build from scratch runs that long).
PROGRESS_EVERY_S = 30


@pytest.fixture
def say(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """say(line): one line on the terminal now, past pytest's output capture."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    terminal = request.config.pluginmanager.getplugin("terminalreporter")

    def write(line: str) -> None:
        with capture.global_and_fixture_disabled():
            terminal.write_line(line)
    return write


def _last_line(path: Path) -> str:
    lines = path.read_text(errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else "(no output yet)"


def _run_script(name: str, version: str, timeout_s: float,
                say: Callable[[str], None]) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `bash scripts/NAME VERSION`; every
    PROGRESS_EVERY_S seconds, a line with the time so far and the script's
    last line on stderr (its current step)."""
    script = SCRIPTS_DIR / name
    assert script.exists(), f"{script} does not exist"
    env = dict(os.environ)
    env.pop("HEAPHUNT_VG", None)  # the smoke test must check the in-tree runner
    log_dir = lib.ARTIFACTS_DIR
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path = log_dir / f"{name}-{version}.stdout"
    err_path = log_dir / f"{name}-{version}.stderr"
    started = time.monotonic()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(["bash", str(script), version], cwd=lib.REPO_DIR, env=env,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        while True:
            try:
                proc.wait(timeout=PROGRESS_EVERY_S)
                break
            except subprocess.TimeoutExpired:
                elapsed_s = int(time.monotonic() - started)
                if elapsed_s > timeout_s:
                    proc.kill()
                    proc.wait()
                    pytest.fail(f"{name} {version} did not finish within {timeout_s} s"
                                f" (log: {err_path})")
                say(f"{name} {version}: {elapsed_s // 60}:{elapsed_s % 60:02d} so far;"
                    f" {_last_line(err_path)}")
    stdout, stderr = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    (log_dir / f"{name}-{version}.log").write_text(stdout + "\n--- stderr ---\n" + stderr)
    out_path.unlink()
    err_path.unlink()
    return proc.returncode, stdout, stderr


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.19", "3.24"])
def test_in_tree_build_runs_heaphunt(version: str, say: Callable[[str], None]) -> None:
    status, _, stderr = _run_script("build-in-tree.sh", version, BUILD_TIMEOUT_S, say)
    assert status == 0, (
        f"build-in-tree.sh {version} failed (exit {status}):\n{stderr[-3000:]}")
    status, stdout, stderr = _run_script("smoke-in-tree.sh", version, 300, say)
    assert status == 0, (
        f"smoke-in-tree.sh {version} failed (exit {status}):\n"
        f"{stdout[-2000:]}\n{stderr[-3000:]}")
