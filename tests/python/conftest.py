"""pytest wiring for the Python package's tests (tests/python/).

Puts python/ (the package) and this directory (hand-made profiles) on
sys.path, makes the package's `heaphunt` fixture available here (what
`-p heaphunt.pytest_plugin` does for other projects), and provides the
end-to-end fixtures: the leaky example compiled once per session and run
under heaphunt (and DHAT) once per session.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO_DIR = HERE.parent.parent
sys.path.insert(0, str(REPO_DIR / "python"))
sys.path.insert(0, str(HERE))

import heaphunt as hhlib  # noqa: E402
from heaphunt.runner import find_valgrind  # noqa: E402
from heaphunt.pytest_plugin import heaphunt as heaphunt  # noqa: E402,F811  (the fixture)
from heaphunt.pytest_plugin import pytest_configure  # noqa: E402,F401

BUILD_DIR = REPO_DIR / "build" / "python-tests"


def runner_or_fail() -> str:
    try:
        return find_valgrind()
    except hhlib.RunError as e:
        pytest.fail(str(e))


def build_c(src: Path, name: str) -> Path:
    """Compile a C test program at -O0 -g (no builtins, so memcpy is a call)."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    exe = BUILD_DIR / name
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        tmp = exe.with_name(name + ".tmp")
        subprocess.run(["gcc", "-std=gnu11", "-g", "-O0", "-fno-builtin",
                        "-fno-omit-frame-pointer", "-o", str(tmp), str(src)], check=True)
        tmp.replace(exe)
    return exe


@pytest.fixture(scope="session")
def python_test_program():
    """build_c for tests/python/programs/NAME.c."""
    return lambda name: build_c(HERE / "programs" / f"{name}.c", name)


@pytest.fixture(scope="session")
def leaky_exe() -> Path:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    exe = BUILD_DIR / "leaky"
    src = REPO_DIR / "examples" / "leaky.c"
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        subprocess.run(["gcc", "-g", "-O0", "-o", str(exe), str(src)], check=True)
    return exe


@pytest.fixture(scope="session")
def leaky_run(leaky_exe: Path, tmp_path_factory: pytest.TempPathFactory) -> hhlib.RunResult:
    runner_or_fail()
    cwd = tmp_path_factory.mktemp("leaky-cwd")
    return hhlib.run([str(leaky_exe)], env=hhlib.fixed_env(), cwd=cwd,
                        save_to=cwd / "leaky.heaphunt.json")


@pytest.fixture(scope="session")
def leaky_dhat_profile(leaky_exe: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    vg = runner_or_fail()
    cwd = tmp_path_factory.mktemp("leaky-dhat")
    out = cwd / "leaky.dhat.json"
    subprocess.run([vg, "--tool=dhat", f"--dhat-out-file={out}", str(leaky_exe)],
                   cwd=cwd, env=hhlib.fixed_env(), capture_output=True, check=True)
    return out
