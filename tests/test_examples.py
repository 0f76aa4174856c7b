"""The examples under examples/ run, and say what their comments say.

Each example states its expected numbers in its own comments, derived by
hand; these tests build the example, run it under heaphunt (the build
tree's vg-in-place, or $HEAPHUNT_VG) and check those numbers:

- client-requests: the C and C++ unit tests that assert exact deltas with
  HEAPHUNT_GET_STATS pass under heaphunt, in any order; a planted leak makes
  them fail; natively they skip.
- pytest: the example pytest file passes when pytest runs it with the
  heaphunt plugin, and its documented failure message is what assert_site
  really prints.
- rust: a Rust program, built offline with cargo, profiled unchanged.
- interpreters: a Python script with and without a leak.
- leak-pattern: `heaphunt report` names the leaking site first.

Built programs go to build/examples/ (ignored by git).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = REPO_DIR / "examples"
BUILD_DIR = REPO_DIR / "build" / "examples"
TOOL_DIR = REPO_DIR / "tool"
sys.path.insert(0, str(REPO_DIR / "python"))

import heaphunt as hhlib  # noqa: E402
from heaphunt.profile import frame_function  # noqa: E402


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def valgrind_include_flags() -> list[str]:
    proc = subprocess.run(["pkg-config", "--cflags", "valgrind"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail("pkg-config --cflags valgrind failed: is Valgrind's SDK installed "
                    f"(scripts/install-deps.sh)?\n{proc.stderr}")
    return proc.stdout.split()


def compile_example(src: Path, name: str, *extra_flags: str) -> Path:
    """Compile one example source into build/examples/<name>, with the
    client-request headers (tool/heaphunt.h, valgrind.h) on the path.
    Not rebuilt when the binary is newer than the source and the header
    (`name` must differ for different flags)."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    exe = BUILD_DIR / name
    inputs_mtime = max(src.stat().st_mtime, (TOOL_DIR / "heaphunt.h").stat().st_mtime)
    if exe.exists() and exe.stat().st_mtime >= inputs_mtime:
        return exe
    if src.suffix == ".cpp":
        cmd = ["g++", "-std=c++17"]
    else:
        cmd = ["gcc", "-std=gnu11"]
    tmp = exe.with_name(name + ".tmp")
    cmd += ["-g", "-Wall", "-I", str(TOOL_DIR), *valgrind_include_flags(), *extra_flags,
            "-o", str(tmp), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"compiling {src} failed:\n{' '.join(cmd)}\n{proc.stderr}")
    os.replace(tmp, exe)
    return exe


def run_under_heaphunt(runner: Path, argv: list[str], out_file: Path,
                       options: tuple[str, ...] = (), cwd: Path | None = None,
                       env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [str(runner), f"--heaphunt-out-file={out_file}", *options, *argv]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                          env=hhlib.fixed_env() if env is None else env, timeout=600)


def show(proc: subprocess.CompletedProcess) -> str:
    return f"exit status {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


def registered_tests(src: Path) -> list[str]:
    """The tests an example registers, in order: its {"test_...", ...} table."""
    return re.findall(r'\{"(test_[a-z0-9_]+)",', src.read_text())


# --------------------------------------------------------------------------
# examples/client-requests
# --------------------------------------------------------------------------

CLIENT_REQUESTS_DIR = EXAMPLES_DIR / "client-requests"
CLIENT_REQUEST_SOURCES = {
    "test_queue": CLIENT_REQUESTS_DIR / "test_queue.c",
    "test_inbox": CLIENT_REQUESTS_DIR / "test_inbox.cpp",
}


def expected_pass_output(names: list[str]) -> str:
    lines = [f"PASS {n}" for n in names] + [f"{len(names)} passed, 0 failed"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("example", sorted(CLIENT_REQUEST_SOURCES))
def test_client_request_unit_tests_pass_under_heaphunt(heaphunt_runner, tmp_path, example, opt):
    src = CLIENT_REQUEST_SOURCES[example]
    exe = compile_example(src, f"{example}{opt}", opt)
    names = registered_tests(src)
    assert len(names) >= 5, f"test table of {src} not found"
    profile_path = tmp_path / "profile.json"
    proc = run_under_heaphunt(heaphunt_runner, [str(exe)], profile_path, cwd=tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stdout == expected_pass_output(names), show(proc)
    # Each test marks its start with HEAPHUNT_CHECKPOINT(name).
    profile = hhlib.load(profile_path)
    assert [c.name for c in profile.checkpoints] == names
    assert all(a.t <= b.t for a, b in zip(profile.checkpoints, profile.checkpoints[1:]))
    # Every test frees what it allocates.
    hhlib.assert_totals(profile, end_bytes=0, end_blocks=0)


@pytest.mark.parametrize("example", sorted(CLIENT_REQUEST_SOURCES))
def test_client_request_unit_tests_pass_in_reverse_order(heaphunt_runner, tmp_path, example):
    src = CLIENT_REQUEST_SOURCES[example]
    exe = compile_example(src, f"{example}-O0", "-O0")
    names = list(reversed(registered_tests(src)))
    proc = run_under_heaphunt(heaphunt_runner, [str(exe), *names], tmp_path / "p.json",
                              cwd=tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stdout == expected_pass_output(names), show(proc)


def test_client_request_unit_tests_catch_a_planted_leak(heaphunt_runner, tmp_path):
    """With -DBREAK_POP_LEAKS_NODE queue_pop forgets free(): the two tests
    that pop report the nodes still live, and the exit status counts them."""
    src = CLIENT_REQUEST_SOURCES["test_queue"]
    exe = compile_example(src, "test_queue-broken", "-O0", "-DBREAK_POP_LEAKS_NODE")
    proc = run_under_heaphunt(heaphunt_runner, [str(exe)], tmp_path / "p.json", cwd=tmp_path)
    assert proc.returncode == 2, show(proc)
    fails = [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]
    assert fails == [
        "FAIL test_pop_frees_node: curr_blocks delta expected 0, got 2;"
        " curr_bytes delta expected 0, got 32;",
        "FAIL test_free_releases_everything: curr_blocks delta expected 0, got 5;"
        " curr_bytes delta expected 0, got 80;",
    ], show(proc)
    assert proc.stdout.endswith("5 passed, 2 failed\n"), show(proc)


@pytest.mark.parametrize("example", sorted(CLIENT_REQUEST_SOURCES))
def test_client_request_unit_tests_skip_natively(example):
    exe = compile_example(CLIENT_REQUEST_SOURCES[example], f"{example}-O0", "-O0")
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "not under heaphunt, skipped\n"), show(proc)


# --------------------------------------------------------------------------
# examples/rust
# --------------------------------------------------------------------------

RUST_DIR = EXAMPLES_DIR / "rust"
RUST_CRATE_PREFIX = "task_registry::"

# From the header of examples/rust/src/main.rs: per first frame in the
# crate, (tb, tbk, eb, ebk).
RUST_EXPECTED_SITES = {
    "task_registry::Registry::reserve": (512, 1, 512, 1),
    "task_registry::Registry::spawn": (2950, 80, 730, 20),
    "task_registry::Registry::run_all": (10240, 40, 2560, 10),
    "task_registry::main": (240, 1, 0, 0),
}


def build_rust_example() -> Path:
    proc = subprocess.run(["bash", str(REPO_DIR / "scripts" / "install-rust.sh")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-rust.sh failed:\n{proc.stderr}")
    cargo = proc.stdout.strip().splitlines()[-1]
    target_dir = BUILD_DIR / "rust-target"
    env = dict(os.environ)
    # rustup's cargo finds rustc beside it; Debian's is in /usr/bin anyway.
    env["PATH"] = f"{Path(cargo).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env["CARGO_TARGET_DIR"] = str(target_dir)
    # cargo reads .cargo/config.toml from the working directory upwards.
    build = subprocess.run([cargo, "build", "--offline", "--quiet"], cwd=RUST_DIR,
                           capture_output=True, text=True, env=env, timeout=900)
    if build.returncode != 0:
        pytest.fail(f"cargo build --offline in {RUST_DIR} failed:\n{build.stderr}")
    return target_dir / "debug" / "task-registry"


def first_frame_with_prefix(site: hhlib.Site, prefix: str) -> str | None:
    for frame in site.frames:
        fn = frame_function(frame)
        if fn.startswith(prefix):
            return fn
    return None


def test_rust_task_registry_counts(heaphunt_runner, tmp_path):
    exe = build_rust_example()
    profile_path = tmp_path / "profile.json"
    proc = run_under_heaphunt(heaphunt_runner, [str(exe)], profile_path,
                              options=("--num-callers=40",), cwd=tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stdout == ("joined 30 tasks (720 result bytes); "
                           "10 audit-log tasks left in the registry\n"), show(proc)
    profile = hhlib.load(profile_path)
    got: dict[str, list[int]] = {}
    for site in profile.sites:
        fn = first_frame_with_prefix(site, RUST_CRATE_PREFIX)
        if fn in RUST_EXPECTED_SITES:
            sums = got.setdefault(fn, [0, 0, 0, 0])
            for i, key in enumerate(("tb", "tbk", "eb", "ebk")):
                sums[i] += site.get(key) or 0
    got_tuples = {fn: tuple(v) for fn, v in got.items()}
    assert got_tuples == RUST_EXPECTED_SITES, "\n".join(
        f"{fn}: (tb, tbk, eb, ebk) expected {RUST_EXPECTED_SITES[fn]}, got {got_tuples.get(fn)}"
        for fn in RUST_EXPECTED_SITES if got_tuples.get(fn) != RUST_EXPECTED_SITES[fn])
    # The leak shows in the whole-program summary too: at least the
    # registry's 3,802 bytes in 31 blocks are live at exit.
    assert profile.totals.get("eb") >= 3802 and profile.totals.get("ebk") >= 31


# --------------------------------------------------------------------------
# examples/pytest
# --------------------------------------------------------------------------

def test_pytest_example_passes(heaphunt_runner, tmp_path):
    """pytest, run on examples/pytest as a user would, with the plugin the
    example's conftest.py loads, passes every test."""
    env = hhlib.fixed_env({"HEAPHUNT_VG": str(heaphunt_runner), "HOME": str(tmp_path)})
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         f"--basetemp={tmp_path / 'basetemp'}", str(EXAMPLES_DIR / "pytest")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900)
    assert proc.returncode == 0, show(proc)
    assert re.search(r"^8 passed in ", proc.stdout, re.MULTILINE), show(proc)


def test_pytest_example_readme_shows_the_real_message():
    """The failure message quoted in examples/pytest/README.md has the
    lines assert_site prints (the first line's paths vary)."""
    readme = (EXAMPLES_DIR / "pytest" / "README.md").read_text()
    for line in ("E   total bytes (bytes): expected 400, got 480",
                 "E   matching sites by tb:",
                 "E              480 tb  make_item (inventory.c:79)"):
        assert line in readme
    # inventory.c:79 is make_item's malloc.
    source_line_79 = (EXAMPLES_DIR / "pytest" / "inventory.c").read_text().splitlines()[78]
    assert "malloc" in source_line_79
