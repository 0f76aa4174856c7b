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

import pytest

import heaphunt_testlib as lib

SCRIPTS_DIR = lib.REPO_DIR / "scripts"
BUILD_TIMEOUT_S = 40 * 60


def _run_script(name: str, version: str, timeout_s: float) -> subprocess.CompletedProcess:
    script = SCRIPTS_DIR / name
    assert script.exists(), f"{script} does not exist"
    env = dict(os.environ)
    env.pop("HEAPHUNT_VG", None)  # the smoke test must check the in-tree runner
    proc = subprocess.run(["bash", str(script), version], cwd=lib.REPO_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout_s,
                          stdin=subprocess.DEVNULL)
    log_dir = lib.ARTIFACTS_DIR
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / f"{name}-{version}.log").write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.19", "3.24"])
def test_in_tree_build_runs_heaphunt(version: str) -> None:
    build = _run_script("build-in-tree.sh", version, BUILD_TIMEOUT_S)
    assert build.returncode == 0, (
        f"build-in-tree.sh {version} failed (exit {build.returncode}):\n{build.stderr[-3000:]}")
    smoke = _run_script("smoke-in-tree.sh", version, 300)
    assert smoke.returncode == 0, (
        f"smoke-in-tree.sh {version} failed (exit {smoke.returncode}):\n"
        f"{smoke.stdout[-2000:]}\n{smoke.stderr[-3000:]}")
