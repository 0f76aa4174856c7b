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


# --------------------------------------------------------------------------
# examples/interpreters
# --------------------------------------------------------------------------

INTERPRETERS_DIR = EXAMPLES_DIR / "interpreters"
# Each leaked event keeps one 1,001-byte block (a bytearray(1000) in Python,
# a 1,000-character String in Ruby); 200 events.
LEAKED_PAYLOAD_BLOCKS = 200
LEAKED_PAYLOAD_BYTES = 200 * 1001


def interpreter_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """fixed_env (PYTHONHASHSEED=0 among others) plus PYTHONMALLOC=malloc:
    without it CPython serves objects up to 512 bytes from its own arenas,
    and heaphunt sees the arenas instead of the objects."""
    return hhlib.fixed_env({"PYTHONMALLOC": "malloc", **(extra or {})})


def run_both(runner: Path, argv: list[str], tmp_path: Path, env: dict[str, str]):
    """The clean and the leaky (--leak) run, each from its own empty
    directory, two at a time (each is a separate Valgrind process)."""
    import concurrent.futures

    def one(variant: str):
        cwd = tmp_path / f"cwd-{variant}"
        cwd.mkdir()
        args = argv + (["--leak"] if variant == "leak" else [])
        out = tmp_path / f"{variant}.json"
        # Heap numbers only: the test needs no access counts, and without
        # them an interpreter runs several times faster under Valgrind.
        proc = run_under_heaphunt(runner, args, out, options=("--accesses=no",),
                                  cwd=cwd, env=env)
        return proc, out

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        clean, leak = pool.map(one, ["clean", "leak"])
    for proc, _ in (clean, leak):
        assert proc.returncode == 0, show(proc)
    return clean, leak


def sites_through(profile: hhlib.Profile, function: str, depth: int) -> list[hhlib.Site]:
    """Sites with `function` among their first `depth` frames."""
    return [s for s in profile.sites
            if function in [frame_function(f) for f in s.frames[:depth]]]


def end_of(sites: list[hhlib.Site]) -> tuple[int, int]:
    return (sum(s.get("eb") or 0 for s in sites), sum(s.get("ebk") or 0 for s in sites))


def test_python_leak_shows_at_t_end(heaphunt_runner, tmp_path):
    script = INTERPRETERS_DIR / "event_bus.py"
    (clean, clean_path), (leak, leak_path) = run_both(
        heaphunt_runner, ["/usr/bin/python3", str(script)], tmp_path, interpreter_env())
    assert clean.stdout == "handled 200 events; 0 subscribers left\n", show(clean)
    assert leak.stdout == "handled 200 events; 200 subscribers left\n", show(leak)
    clean_p, leak_p = hhlib.load(clean_path), hhlib.load(leak_path)
    extra_end_bytes = leak_p.totals.get("eb") - clean_p.totals.get("eb")
    assert extra_end_bytes >= LEAKED_PAYLOAD_BYTES, (
        f"t-end: leaky {leak_p.totals.get('eb')} bytes, clean {clean_p.totals.get('eb')}: "
        f"the leak should add at least {LEAKED_PAYLOAD_BYTES}")
    # The leaked buffers' site names CPython's allocation path: bytearray's
    # buffer is (re)allocated by PyByteArray_Resize.
    leak_buffers = [s for s in leak_p.sites if s.function == "PyByteArray_Resize"]
    clean_buffers = [s for s in clean_p.sites if s.function == "PyByteArray_Resize"]
    assert end_of(leak_buffers) == (LEAKED_PAYLOAD_BYTES, LEAKED_PAYLOAD_BLOCKS)
    assert end_of(clean_buffers) == (0, 0)
    assert sum(s.get("tb") for s in clean_buffers) == LEAKED_PAYLOAD_BYTES


def test_ruby_leak_shows_at_t_end(heaphunt_runner, tmp_path):
    proc = subprocess.run(["bash", str(REPO_DIR / "scripts" / "install-ruby.sh")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-ruby.sh failed:\n{proc.stderr}")
    ruby = proc.stdout.strip().splitlines()[-1]
    script = INTERPRETERS_DIR / "event_tree.rb"
    (clean, clean_path), (leak, leak_path) = run_both(
        heaphunt_runner, [ruby, str(script)], tmp_path, hhlib.fixed_env())
    assert clean.stdout == "handled 200 events; 0 children left\n", show(clean)
    assert leak.stdout == "handled 200 events; 200 children left\n", show(leak)
    clean_p, leak_p = hhlib.load(clean_path), hhlib.load(leak_path)
    assert leak_p.totals.get("eb") - clean_p.totals.get("eb") >= LEAKED_PAYLOAD_BYTES
    # Debian's libruby has no names for its static allocation helpers (the
    # first frame is "???"); the first named one is String#*'s C function.
    leak_payloads = sites_through(leak_p, "rb_str_times", depth=3)
    clean_payloads = sites_through(clean_p, "rb_str_times", depth=3)
    assert end_of(leak_payloads) == (LEAKED_PAYLOAD_BYTES, LEAKED_PAYLOAD_BLOCKS)
    assert end_of(clean_payloads) == (0, 0)


# --------------------------------------------------------------------------
# examples/leak-pattern
# --------------------------------------------------------------------------

SPAN_TRACER_SRC = EXAMPLES_DIR / "leak-pattern" / "span_tracer.c"


def test_leak_pattern_report_names_the_leak_first(heaphunt_runner, tmp_path):
    exe = compile_example(SPAN_TRACER_SRC, "span_tracer-O0", "-O0")
    profile_path = tmp_path / "spans.json"
    proc = run_under_heaphunt(heaphunt_runner, [str(exe)], profile_path, cwd=tmp_path)
    assert proc.returncode == 0, show(proc)
    assert proc.stdout.startswith("requests handled: 1000\n"), show(proc)

    # The numbers of span_tracer.c's header comment.
    profile = hhlib.load(profile_path)
    hhlib.assert_totals(profile, bytes=385_536, blocks=2_011, gmax_bytes=105_024,
                        gmax_blocks=1_003, end_bytes=72_256, end_blocks=1_002)
    hhlib.assert_site(profile, "start_child_span", bytes=64_000, blocks=1_000,
                      end_bytes=64_000, end_blocks=1_000, reads=0, writes=72_000)
    hhlib.assert_site(profile, "span_add_child", bytes=16_320, blocks=8,
                      end_bytes=8_192, end_blocks=1)
    hhlib.assert_site(profile, "handle_request", bytes=256_000, blocks=1_000, end_bytes=0,
                      reads=256_000, writes=256_000)
    hhlib.assert_site(profile, "audit_open", bytes=16_384, blocks=1, end_bytes=0,
                      reads=0, writes=16_000)
    hhlib.assert_site(profile, "compute_stats", bytes=32_768, blocks=1, end_bytes=0,
                      reads=1_966_080, writes=32_768)
    hhlib.assert_site(profile, "root_span_new", bytes=64, blocks=1, end_bytes=64)

    # `heaphunt report`, end to end: the first finding is the spans' leak.
    report = subprocess.run([str(REPO_DIR / "bin" / "heaphunt"), "report", str(profile_path)],
                            capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, show(report)
    lines = report.stdout.splitlines()
    assert "Findings:" in lines, report.stdout
    findings = [line.strip() for line in lines[lines.index("Findings:") + 1:] if line.strip()]
    first = findings[0]
    # The root span is main's local: at exit nothing points at it, nor at
    # its children (memcheck: 64 bytes definitely, 72,192 indirectly lost).
    assert first.startswith("[leak] 64.0 kB in 1,000 blocks allocated at start_child_span "
                            "(span_tracer.c:"), report.stdout
    assert first.endswith("are lost at exit: no pointer reaches them"), report.stdout
    # ... and its file:line is the malloc of a span.
    line_no = int(re.search(r"span_tracer\.c:(\d+)\)", first).group(1))
    source_line = SPAN_TRACER_SRC.read_text().splitlines()[line_no - 1]
    assert "malloc(sizeof *span)" in source_line, source_line
    # The busiest site, normal freed work, is not a finding.
    assert not any("handle_request" in f for f in findings), report.stdout

    # The library agrees with the command.
    first_finding = hhlib.find_findings(profile)[0]
    assert (first_finding.kind, first_finding.site.function) == ("leak", "start_child_span")
