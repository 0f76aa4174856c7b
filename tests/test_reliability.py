"""heaphunt under hostile and unusual conditions: bad frees, every way a
process ends, fork and exec, output files that cannot be written, bad
options, exit-status limits, live dumps of a running server, custom
allocators described with client requests, and an executable with its own
malloc.

The programs are in tests/programs/reliability/; each states in its header
comment the numbers it produces, derived by hand, and the tests here assert
exactly those.  The promises tested are those of docs/guarantees.md and
docs/options.md.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

HEAPHUNT_CLI = lib.REPO_DIR / "bin" / "heaphunt"
PROGRAMS = "reliability"
SIGNAL_EXIT_BASE = 128   # a shell's status for "killed by signal N" is 128 + N


def build(name: str) -> Path:
    """tests/programs/reliability/<name> through the suite's own builder."""
    (lib.BUILD_DIR / PROGRAMS).mkdir(parents=True, exist_ok=True)
    return lib.build_program(f"{PROGRAMS}/{name}")


def build_with_flags(name: str, flags: list[str]) -> Path:
    """For the one program that needs extra include paths (heaphunt.h
    includes "valgrind.h"); rebuilt when the source is newer."""
    src = lib.PROGRAMS_DIR / PROGRAMS / f"{name}.c"
    exe = lib.BUILD_DIR / PROGRAMS / name
    exe.parent.mkdir(parents=True, exist_ok=True)
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        cmd = ["gcc", "-std=gnu11", "-O0", "-g", "-fno-builtin", *flags,
               "-I", str(lib.PROGRAMS_DIR), "-o", str(exe), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return exe


def run_hh(argv: list[str], out_dir: Path, options: list[str] | None = None,
           timeout_s: float = 60) -> lib.ToolRun:
    return lib.run_tool("heaphunt", argv, out_dir, extra_options=options, timeout_s=timeout_s)


def run_raw(options: list[str], argv: list[str], cwd: Path,
            timeout_s: float = 60) -> subprocess.CompletedProcess:
    """The runner with exactly these options (no out-file added)."""
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(lib.heaphunt_runner()), *options, *argv], cwd=cwd,
                          env=lib.fixed_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout_s)


def load(path: Path) -> dict:
    assert path.exists(), f"expected a profile at {path}, found none"
    with open(path) as f:
        return json.load(f)


def totals(profile: dict, keys=("tb", "tbk", "eb", "ebk", "wb")) -> dict[str, int]:
    return {k: profile["hhTotals"][k] for k in keys}


def assert_numbers(what: str, expected: dict[str, int], got: dict[str, int]) -> None:
    diff = lib.diff_numbers(expected, got)
    assert not diff, f"{what}:\n{diff}"


def site_by_function(profile: dict, function: str) -> dict[str, int]:
    """The numbers of every site whose first frame is in `function`, summed
    (one function called from two places is two sites)."""
    matches = [pp for pp in profile["pps"]
               if lib.frame_function(profile["ftbl"][pp["fs"][0]]) == function]
    assert matches, (
        f"expected a site whose first frame is {function}, got none: "
        f"{[[profile['ftbl'][i] for i in pp['fs']][:1] for pp in profile['pps']]}")
    keys = ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")
    return {k: sum(pp[k] for pp in matches) for k in keys}


def messages(stderr: str) -> list[str]:
    """stderr lines without the ==PID== prefix."""
    return [re.sub(r"^==\d+== ?", "", line) for line in stderr.splitlines()]


# --------------------------------------------------------------------------
# 1. Hostile clients
# --------------------------------------------------------------------------

def test_bad_frees_ignored_counted_and_reported_once_per_stack(tmp_path):
    run = run_hh([str(build("bad_frees"))], tmp_path)
    assert run.returncode == 0, f"exit status: expected 0, got {run.returncode}\n{run.stderr}"
    assert run.stdout == "realloc returned NULL\n", f"stdout: got {run.stdout!r}"
    assert run.profile is not None, run.describe()
    assert_numbers("bad_frees totals", {"tb": 300, "tbk": 2, "gb": 200, "gbk": 1,
                                        "eb": 0, "ebk": 0, "rb": 0, "wb": 0},
                   lib.json_totals(run))
    lines = messages(run.stderr)
    assert "Bad frees: 5 (ignored)" in lines, run.stderr
    assert "Bad reallocs: 1 (returned NULL)" in lines, run.stderr
    # One report per calling stack: 3 frees (the loop's 3 give one), 1 realloc.
    # Each report's stack names the function that called free/realloc.
    expected_callers = {"free": ["double_free_loop", "free_stack_address", "free_interior"],
                        "realloc": ["realloc_never_allocated"]}
    for fn, callers in expected_callers.items():
        report_idx = [i for i, line in enumerate(lines)
                      if line.startswith(f"heaphunt: {fn}(0x")]
        assert len(report_idx) == len(callers), (
            f"{fn} reports: expected {len(callers)} (one per stack), got "
            f"{len(report_idx)}\n{run.stderr}")
        for i, caller in zip(report_idx, callers):
            assert re.match(rf"^\s+by 0x[0-9A-F]+: {caller} \(bad_frees\.c:\d+\)$",
                            lines[i + 2]), (
                f"report {i}: expected its stack to name {caller}, got {lines[i:i + 4]}")


def test_mismatched_deallocations_reported_and_blocks_freed(tmp_path):
    run = run_hh([str(build("mismatch"))], tmp_path)
    assert run.returncode == 0, run.describe()
    lines = messages(run.stderr)
    assert "Mismatched deallocations: 2" in lines, run.stderr
    assert not any(line.startswith("Bad frees") for line in lines), run.stderr
    for allocator, caller in (("operator new[]", "release_array_with_delete"),
                              ("malloc", "release_malloc_with_delete")):
        idx = [i for i, line in enumerate(lines) if line.startswith("heaphunt: mismatched")
               and f"allocated by {allocator} and released by operator delete" in line]
        assert len(idx) == 1, f"mismatch report for {allocator}: got {len(idx)}\n{run.stderr}"
        assert caller in lines[idx[0] + 2], f"expected {caller} in {lines[idx[0]:idx[0] + 3]}"
    assert run.profile is not None, run.describe()
    by_fn = {lib.frame_function(run.profile["ftbl"][pp["fs"][0]]): pp for pp in run.profile["pps"]}
    program_sites = [pp for pp in run.profile["pps"]
                     if any("mismatch.cpp" in run.profile["ftbl"][i] for i in pp["fs"])]
    got = {k: sum(pp[k] for pp in program_sites) for k in ("tb", "tbk", "eb", "ebk")}
    assert_numbers("mismatch.cpp's own sites", {"tb": 64, "tbk": 2, "eb": 0, "ebk": 0}, got)
    # Apart from the program's two blocks, only libstdc++'s start-up block.
    others = [pp for pp in run.profile["pps"] if pp not in program_sites]
    assert all(any("libstdc++" in run.profile["ftbl"][i] for i in pp["fs"]) for pp in others), by_fn
    assert run.profile["hhTotals"]["eb"] == 0, run.profile["hhTotals"]


# --------------------------------------------------------------------------
# 2. Every way a process ends
# --------------------------------------------------------------------------

@pytest.mark.parametrize("mode,expected_status", [
    ("segv", SIGNAL_EXIT_BASE + signal.SIGSEGV),    # 139
    ("abort", SIGNAL_EXIT_BASE + signal.SIGABRT),   # 134
    ("term", SIGNAL_EXIT_BASE + signal.SIGTERM),    # 143
    ("int", SIGNAL_EXIT_BASE + signal.SIGINT),      # 130
    ("_exit", 4),
    ("return", 0),
])
def test_exit_keeps_status_and_writes_complete_profile(tmp_path, mode, expected_status):
    run = run_hh([str(build("exits")), mode], tmp_path)
    # Valgrind re-raises the fatal signal on itself: Python sees -N where a
    # shell reports 128 + N.
    got = run.returncode if run.returncode >= 0 else SIGNAL_EXIT_BASE - run.returncode
    assert got == expected_status, (
        f"exit status (as a shell reports it): expected {expected_status}, got {got}\n{run.stderr}")
    assert run.profile is not None, run.describe()
    assert_numbers(f"profile after {mode}", {"tb": 100, "tbk": 1, "eb": 100, "ebk": 1, "wb": 100},
                   totals(run.profile))
    assert not list(tmp_path.glob("*.tmp-*")), f"temporary left: {list(tmp_path.iterdir())}"


def test_exit_from_thread_keeps_status_and_both_threads_blocks(tmp_path):
    run = run_hh([str(build("exits")), "thread"], tmp_path)
    assert run.returncode == 3, f"exit status: expected 3, got {run.returncode}\n{run.stderr}"
    assert run.profile is not None, run.describe()
    # 100 + 50 of the program, 272 of glibc's DTV for the thread (see exits.c)
    assert_numbers("totals", {"tb": 422, "tbk": 3, "eb": 422, "ebk": 3},
                   totals(run.profile, ("tb", "tbk", "eb", "ebk")))
    site = site_by_function(run.profile, "fill_and_keep")
    assert_numbers("fill_and_keep (both threads)", {"tb": 150, "tbk": 2, "eb": 150, "wb": 150},
                   {k: site[k] for k in ("tb", "tbk", "eb", "wb")})


# --------------------------------------------------------------------------
# 3, 4. fork and exec
# --------------------------------------------------------------------------

def test_fork_parent_and_child_each_write_their_profile(tmp_path):
    proc = run_raw(["-q", f"--heaphunt-out-file={tmp_path}/p.%p"], [str(build("forks"))], tmp_path)
    assert proc.returncode == 0, proc.stderr
    pids = dict(line.split() for line in proc.stdout.splitlines())
    assert set(pids) == {"parent", "child"}, proc.stdout
    parent = load(tmp_path / f"p.{pids['parent']}")
    child = load(tmp_path / f"p.{pids['child']}")
    assert parent["pid"] == int(pids["parent"]) and child["pid"] == int(pids["child"])
    assert_numbers("parent", {"tb": 1000, "tbk": 1, "eb": 1000, "ebk": 1, "wb": 1000},
                   totals(parent))
    assert_numbers("child (inherits the parent's block)",
                   {"tb": 1050, "tbk": 2, "eb": 1050, "ebk": 2, "wb": 1050}, totals(child))


def test_exec_writes_pre_exec_profile_under_out_file(tmp_path):
    exe = build("execs")
    proc = run_raw(["-q", f"--heaphunt-out-file={tmp_path}/prof"], [str(exe)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    prof = load(tmp_path / "prof")
    assert prof["cmd"] == str(exe), prof["cmd"]
    assert_numbers("pre-exec profile", {"tb": 1000, "tbk": 1, "eb": 1000, "ebk": 1, "wb": 1000},
                   totals(prof))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prof"]


def test_exec_with_trace_children_names_pre_exec_profile(tmp_path):
    exe = build("execs")
    proc = run_raw(["-q", "--trace-children=yes", f"--heaphunt-out-file={tmp_path}/prof"],
                   [str(exe)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    pre = load(tmp_path / "prof.pre-exec")
    assert pre["cmd"] == str(exe), pre["cmd"]
    assert_numbers("prof.pre-exec", {"tb": 1000, "tbk": 1, "eb": 1000, "ebk": 1, "wb": 1000},
                   totals(pre))
    assert load(tmp_path / "prof")["cmd"] == "/bin/true"


# --------------------------------------------------------------------------
# 5. Output faults
# --------------------------------------------------------------------------

def test_missing_directory_is_a_clear_error_and_status_1(tmp_path):
    target = tmp_path / "missing" / "prof"
    proc = run_raw([f"--heaphunt-out-file={target}"], [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 1, f"exit status: expected 1, got {proc.returncode}\n{proc.stderr}"
    # Refused at start-up, before the program runs (a directory that goes
    # away during the run: test_hostile_clients.py).
    errors = [line for line in messages(proc.stderr) if "cannot create the profile" in line]
    assert errors and str(target) in errors[0] and "no such file or directory" in errors[0], (
        f"expected an error naming {target}, got:\n{proc.stderr}")
    assert f"Bad option: --heaphunt-out-file={target}" in messages(proc.stderr), proc.stderr
    assert not any(line.startswith("Total:") for line in messages(proc.stderr)), "the program ran"
    assert sorted(p.name for p in tmp_path.iterdir()) == [], list(tmp_path.iterdir())


def test_dev_null_stays_a_character_device(tmp_path):
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), (
        "precondition: /dev/null was already not a character device before this run "
        "(restore it: rm /dev/null; mknod -m 666 /dev/null c 1 3)")
    proc = run_raw(["--heaphunt-out-file=/dev/null"], [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    mode = os.stat("/dev/null").st_mode
    assert stat.S_ISCHR(mode), f"/dev/null is no longer a character device: mode {oct(mode)}"
    assert not list(Path("/dev").glob("null.tmp-*")), "temporary left in /dev"


def test_two_processes_writing_one_name_leave_one_complete_profile(tmp_path):
    exe = str(build("exits"))
    target = tmp_path / "shared.json"
    cmd = [str(lib.heaphunt_runner()), "-q", f"--heaphunt-out-file={target}", exe, "return"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=lib.fixed_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
             for _ in range(2)]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    profile = load(target)
    # Valgrind runs the client in the runner's process, so its pid is the one
    # Popen started; whichever process renamed last wins, complete.
    assert profile["pid"] in {p.pid for p in procs}, (profile["pid"], [p.pid for p in procs])
    assert profile["cmd"].endswith("exits return"), profile["cmd"]
    assert_numbers("shared profile", {"tb": 100, "tbk": 1, "eb": 100, "ebk": 1, "wb": 100},
                   totals(profile))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.json"]


def _assert_write_failure_reported(proc: subprocess.CompletedProcess, path_part: str) -> None:
    assert proc.returncode == 1, f"exit status: expected 1, got {proc.returncode}\n{proc.stderr}"
    errors = [line for line in messages(proc.stderr) if "heaphunt: error" in line]
    assert errors and path_part in errors[0], f"expected an error naming {path_part}:\n{proc.stderr}"


def test_full_disk_reports_and_leaves_no_file(tmp_path):
    mount_dir = tmp_path / "small"
    mount_dir.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_dir)],
                             capture_output=True).returncode == 0
    try:
        if mounted:
            # Fill the file system completely: creating the temporary still
            # works (an inode), writing its first block does not.
            with open(mount_dir / "filler", "wb") as f:
                try:
                    f.write(b"\0" * 65536)
                    f.flush()
                except OSError:
                    pass
            target = mount_dir / "prof"
            proc = run_raw([f"--heaphunt-out-file={target}"],
                           [str(build("exits")), "return"], tmp_path)
            _assert_write_failure_reported(proc, str(mount_dir))
            assert sorted(p.name for p in mount_dir.iterdir()) == ["filler"], (
                f"expected no profile and no temporary: {list(mount_dir.iterdir())}")
        else:
            # No mount here: /dev/full is a device, written in place.
            proc = run_raw(["--heaphunt-out-file=/dev/full"],
                           [str(build("exits")), "return"], tmp_path)
            _assert_write_failure_reported(proc, "/dev/full")
    finally:
        if mounted:
            subprocess.run(["umount", str(mount_dir)], check=True)


def test_dev_full_write_failure_is_reported(tmp_path):
    proc = run_raw(["--heaphunt-out-file=/dev/full"], [str(build("exits")), "return"], tmp_path)
    _assert_write_failure_reported(proc, "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode), "/dev/full must stay a device"


# --------------------------------------------------------------------------
# 6. Bad options
# --------------------------------------------------------------------------

@pytest.mark.parametrize("option", [
    "--histogram-max=abc", "--histogram-max=-1", "--copies=maybe", "--accesses=2",
    "--max-end-bytes=x", "--limit-exit-code=0", "--dump-every=-5",
    "--heaphunt-out-file=", "--heaphunt-out-file=x.%z", "--alloc-fn=",
])
def test_bad_option_value_stops_with_message_naming_it(tmp_path, option):
    proc = run_raw([option], ["/bin/true"], tmp_path)
    assert proc.returncode != 0, f"{option}: expected a non-zero exit, got 0\n{proc.stderr}"
    assert f"Bad option: {option}" in proc.stderr, (
        f"{option}: expected 'Bad option: {option}' on stderr, got:\n{proc.stderr}")
    assert not list(tmp_path.iterdir()), f"{option}: files written: {list(tmp_path.iterdir())}"


def test_empty_alloc_fn_message_gives_a_valid_example(tmp_path):
    proc = run_raw(["--alloc-fn="], ["/bin/true"], tmp_path)
    hint = [line for line in proc.stderr.splitlines() if "e.g." in line]
    assert hint and "--alloc-fn=xmalloc" in hint[0] and "--alloc-fn==" not in hint[0], (
        f"expected the example '--alloc-fn=xmalloc', got {hint}")


# --------------------------------------------------------------------------
# 7. Limits
# --------------------------------------------------------------------------

@pytest.mark.parametrize("options,expected_status,exceeded", [
    (["--max-end-bytes=99"], 1, True),          # 100 live > 99
    (["--max-end-bytes=100"], 0, False),        # not more than the limit
    (["--max-end-bytes=99", "--limit-exit-code=9"], 9, True),
    (["--max-end-blocks=0"], 1, True),          # 1 block live
    (["--max-end-blocks=1"], 0, False),
])
def test_end_limits_set_exit_status(tmp_path, options, expected_status, exceeded):
    run = run_hh([str(build("exits")), "return"], tmp_path, options)
    assert run.returncode == expected_status, (
        f"{options}: exit status expected {expected_status}, got {run.returncode}\n{run.stderr}")
    limit_lines = [line for line in messages(run.stderr) if "limit exceeded" in line]
    if exceeded and "bytes" in options[0]:
        assert limit_lines == [f"heaphunt: limit exceeded: 100 bytes live at exit, more than "
                               f"{options[0]}"], run.stderr
    elif exceeded:
        assert len(limit_lines) == 1 and options[0] in limit_lines[0], run.stderr
    else:
        assert limit_lines == [], run.stderr
    assert run.profile is not None, "the profile is written whatever the limit"


# --------------------------------------------------------------------------
# 8. Profiles of a live process
# --------------------------------------------------------------------------

REQUEST_BYTES = 256   # server.c's per-request buffer


def _vgdb(pid: int, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["vgdb", f"--pid={pid}", *command], capture_output=True, text=True,
                          timeout=60)


def test_live_server_dumps_and_diff_show_per_request_growth(tmp_path):
    exe = build("server")
    cmd = [str(lib.heaphunt_runner()), f"--heaphunt-out-file={tmp_path}/final", str(exe)]
    server = subprocess.Popen(cmd, cwd=tmp_path, env=lib.fixed_env(), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    served = 0

    def request(count: int) -> None:
        nonlocal served
        for _ in range(count):
            server.stdin.write(b"req\n")
            server.stdin.flush()
            served += 1
            assert server.stdout.readline() == f"done {served}\n".encode()

    try:
        request(2)
        first = _vgdb(server.pid, "dump", str(tmp_path / "dump1"))
        assert "profile written" in first.stdout, first
        request(3)
        stats = _vgdb(server.pid, "stats")
        assert f"Total:     {5 * REQUEST_BYTES:,} bytes in 5 blocks" in stats.stdout, stats
        second = _vgdb(server.pid, "heaphunt", "dump", str(tmp_path / "dump2"))
        assert "profile written" in second.stdout, second
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert server.returncode == 0
    for name, requests in (("dump1", 2), ("dump2", 5), ("final", 5)):
        site = site_by_function(load(tmp_path / name), "handle_request")
        assert_numbers(f"{name}: handle_request",
                       {"tb": requests * REQUEST_BYTES, "tbk": requests,
                        "eb": requests * REQUEST_BYTES},
                       {k: site[k] for k in ("tb", "tbk", "eb")})
    diff = subprocess.run([str(HEAPHUNT_CLI), "diff", str(tmp_path / "dump1"), str(tmp_path / "dump2")],
                          capture_output=True, text=True, timeout=60)
    assert diff.returncode == 0, diff.stderr
    growth = 3 * REQUEST_BYTES
    rows = [line for line in diff.stdout.splitlines() if "handle_request (server.c:" in line]
    assert rows and re.match(rf"^\s*\+{growth:,}\s+\({2 * REQUEST_BYTES:,} -> "
                             rf"{5 * REQUEST_BYTES:,}\)", rows[0]), (
        f"expected handle_request to grow by +{growth:,}, got:\n{diff.stdout}")


def test_heaphunt_dump_and_dump_every_write_numbered_profiles(tmp_path):
    exe = build_with_flags("dumper", ["-I", "/usr/include/valgrind"])
    run = run_hh([str(exe), str(tmp_path / "asked")], tmp_path, ["--dump-every=100000"])
    assert run.returncode == 0, run.describe()
    # HEAPHUNT_DUMP after steps 1 and 2 (see dumper.c)
    for suffix, (tb, tbk) in (("1", (100, 1)), ("2", (300, 2))):
        assert_numbers(f"asked.{suffix}", {"tb": tb, "tbk": tbk, "eb": tb, "wb": tb},
                       totals(load(tmp_path / f"asked.{suffix}"), ("tb", "tbk", "eb", "wb")))
    # --dump-every: checked when the heap changes, and the first malloc is
    # already past 100,000 instrs, so one dump at each of the three mallocs.
    periodic = sorted(p.name for p in tmp_path.glob("heaphunt.json.*"))
    assert periodic == ["heaphunt.json.1", "heaphunt.json.2", "heaphunt.json.3"], periodic
    for suffix, (tb, tbk) in (("1", (100, 1)), ("2", (300, 2)), ("3", (600, 3))):
        assert_numbers(f"heaphunt.json.{suffix}", {"tb": tb, "tbk": tbk},
                       totals(load(tmp_path / f"heaphunt.json.{suffix}"), ("tb", "tbk")))
    assert_numbers("final", {"tb": 600, "tbk": 3, "eb": 600, "ebk": 3, "wb": 600},
                   totals(run.profile))


# --------------------------------------------------------------------------
# 9, 10. Allocators heaphunt does not replace by itself
# --------------------------------------------------------------------------

def test_custom_allocator_client_requests_counted_exactly(tmp_path):
    run = run_hh([str(build("custom_alloc"))], tmp_path)
    assert run.returncode == 0, run.describe()
    assert_numbers("totals (custom_alloc.c)", {"tb": 1250, "tbk": 6, "gb": 1100, "gbk": 2,
                                               "eb": 50, "ebk": 2, "rb": 0, "wb": 210},
                   lib.json_totals(run))
    expected_sites = {
        "arena_from_malloc": {"tb": 1000, "tbk": 1, "eb": 0, "ebk": 0, "wb": 0},
        "carve_heap_obj": {"tb": 140, "tbk": 2, "eb": 0, "ebk": 0, "wb": 100},
        "pool_get": {"tb": 60, "tbk": 1, "eb": 0, "ebk": 0, "wb": 60},
        "carve_static_obj": {"tb": 30, "tbk": 1, "eb": 30, "ebk": 1, "wb": 30},
        "pool_get_static": {"tb": 20, "tbk": 1, "eb": 20, "ebk": 1, "wb": 20},
    }
    for fn, expected in expected_sites.items():
        site = site_by_function(run.profile, fn)
        assert_numbers(f"site {fn}", expected, {k: site[k] for k in expected})
    assert len(run.profile["pps"]) == len(expected_sites)


def test_custom_block_in_static_data_counts_constant_address_accesses(tmp_path):
    # custom_static.c: code translated before the block existed must count
    # its accesses once the block is there (and not after it has gone).
    run = run_hh([str(build("custom_static"))], tmp_path)
    assert run.returncode == 0, run.describe()
    assert_numbers("totals (custom_static.c)", {"tb": 64, "tbk": 1, "gb": 64, "gbk": 1,
                                                "eb": 0, "ebk": 0, "rb": 24, "wb": 24},
                   lib.json_totals(run))
    site = site_by_function(run.profile, "carve_static")
    assert_numbers("site carve_static", {"rb": 24, "wb": 24},
                   {k: site[k] for k in ("rb", "wb")})


@pytest.mark.parametrize("options", [[], ["--soname-synonyms=somalloc=NONE"]])
def test_executable_with_its_own_malloc_is_profiled(tmp_path, options):
    # Measured: the same 300 bytes in 2 blocks with and without
    # --soname-synonyms=somalloc=NONE (Valgrind replaces allocation functions
    # exported by the executable in both cases), as own_malloc.c derives.
    run = run_hh([str(build("own_malloc"))], tmp_path, options)
    assert run.returncode == 0, run.describe()
    assert_numbers(f"own_malloc {options}", {"tb": 300, "tbk": 2, "gb": 300, "gbk": 2,
                                             "eb": 0, "ebk": 0},
                   {k: lib.json_totals(run)[k] for k in ("tb", "tbk", "gb", "gbk", "eb", "ebk")})
    site = site_by_function(run.profile, "own_site")
    assert (site["tb"], site["tbk"]) == (300, 2), site
