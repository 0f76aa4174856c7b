"""Rust: the heaphunt crate (bindings/rust/heaphunt) in `cargo test`.

examples/rust-tests/ asserts exact per-test counts, derived in its
comments, from tests that run in parallel threads.  Here cargo (from
scripts/install-rust.sh, offline) runs it natively (the assertions are not
checked and every test passes) and under heaphunt through cargo's runner
setting, with the default number of test threads and with 8, and with
Debian's cargo and rustc 1.63 too; the crate's own documentation examples
run natively.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_DIR / "examples" / "rust-tests"
CRATE_DIR = REPO_DIR / "bindings" / "rust" / "heaphunt"
TARGET_DIR = REPO_DIR / "build" / "examples" / "rust-tests-target"
sys.path.insert(0, str(REPO_DIR / "python"))

import heaphunt as hhlib  # noqa: E402

EXPECTED_TESTS = 10
NOT_CHECKED = "heaphunt: not running under heaphunt: heap assertions not checked"


@pytest.fixture(scope="module")
def cargo() -> str:
    proc = subprocess.run(["bash", str(REPO_DIR / "scripts" / "install-rust.sh")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-rust.sh failed:\n{proc.stderr}")
    return proc.stdout.strip().splitlines()[-1]


def cargo_env(cargo: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(cargo).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env["CARGO_TARGET_DIR"] = str(TARGET_DIR)
    env.pop("RUST_TEST_THREADS", None)
    env.update(extra or {})
    return env


def show(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


def cargo_test(cargo: str, cwd: Path, args: list[str], env_extra: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess:
    return subprocess.run([cargo, "test", "--offline", *args], cwd=cwd, capture_output=True,
                          text=True, env=cargo_env(cargo, env_extra), timeout=1800)


def passed_line(n: int) -> str:
    return f"test result: ok. {n} passed; 0 failed;"


def test_example_natively_passes_unchecked(cargo):
    proc = cargo_test(cargo, EXAMPLE_DIR, ["--", "--nocapture"])
    assert proc.returncode == 0, show(proc)
    assert passed_line(EXPECTED_TESTS) in proc.stdout, show(proc)
    assert NOT_CHECKED in proc.stderr, show(proc)


@pytest.mark.parametrize("threads", [None, 8])
def test_example_under_heaphunt_in_parallel_threads(cargo, heaphunt_runner, tmp_path, threads):
    runner = f"{heaphunt_runner} -q --heaphunt-out-file={tmp_path / 'rust.%p.json'}"
    args = ["--", "--nocapture"] + ([f"--test-threads={threads}"] if threads else [])
    proc = cargo_test(cargo, EXAMPLE_DIR, args,
                      {"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER": runner})
    assert proc.returncode == 0, show(proc)
    assert passed_line(EXPECTED_TESTS) in proc.stdout, show(proc)
    # Every assertion was checked: no "not checked" note, and the unit
    # tests ran in the test binary under heaphunt (its profile).
    assert NOT_CHECKED not in proc.stderr, show(proc)
    profiles = [hhlib.load(p) for p in tmp_path.glob("rust.*.json")]
    assert any("order_book-" in p.cmd for p in profiles), [p.cmd for p in profiles]


def test_example_under_heaphunt_with_debians_cargo(heaphunt_runner, tmp_path):
    """Debian bookworm's cargo and rustc 1.63, the oldest the crate supports
    (scripts/install-deps.sh installs them), in parallel test threads."""
    debian_cargo = Path("/usr/bin/cargo")
    if not (debian_cargo.exists() and Path("/usr/bin/rustc").exists()):
        pytest.fail("Debian's cargo and rustc are missing: run scripts/install-deps.sh "
                    "(apt-get install rustc cargo)")
    runner = f"{heaphunt_runner} -q --heaphunt-out-file={tmp_path / 'rust.%p.json'}"
    env = {"PATH": "/usr/bin:/bin", "CARGO_TARGET_DIR": str(TARGET_DIR) + "-debian",
           "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER": runner}
    proc = subprocess.run([str(debian_cargo), "test", "--offline", "--", "--nocapture"],
                          cwd=EXAMPLE_DIR, capture_output=True, text=True,
                          env={**cargo_env(str(debian_cargo)), **env}, timeout=1800)
    assert proc.returncode == 0, show(proc)
    assert passed_line(EXPECTED_TESTS) in proc.stdout, show(proc)
    assert NOT_CHECKED not in proc.stderr, show(proc)
    profiles = [hhlib.load(p) for p in tmp_path.glob("rust.*.json")]
    assert any("order_book-" in p.cmd for p in profiles), [p.cmd for p in profiles]


def test_crate_documentation_examples(cargo):
    proc = cargo_test(cargo, CRATE_DIR, ["--doc"])
    assert proc.returncode == 0, show(proc)
    assert re.search(r"test result: ok\. [1-9]\d* passed", proc.stdout), show(proc)
