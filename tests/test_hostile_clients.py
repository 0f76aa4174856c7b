"""heaphunt against hostile clients, second round: programs that pass bad
pointers to client requests, change their environment, fork workers under
a limit, misuse custom-block requests, and run where the profile's file
name is long, shared, planted with links, killed mid-write, limited in
size or on a full disk; and what a new user trips over when a program
execs through PATH or the profile cannot be written.

The programs are in tests/programs/reliability/; each states in its header
comment what it does and the numbers it produces, derived by hand.  The
promises tested are those of docs/guarantees.md and docs/options.md.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

PROGRAMS = "reliability"
NAME_MAX = 255        # bytes in a file name (Linux)
PATH_MAX = 4096       # bytes in a path, the NUL included (Linux)


def build(name: str, flags: tuple[str, ...] = ()) -> Path:
    """tests/programs/reliability/<name>.c, rebuilt when it changed."""
    src = lib.PROGRAMS_DIR / PROGRAMS / f"{name}.c"
    exe = lib.BUILD_DIR / PROGRAMS / name
    exe.parent.mkdir(parents=True, exist_ok=True)
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        cmd = ["gcc", "-std=gnu11", "-O0", "-g", "-fno-omit-frame-pointer", "-fno-builtin",
               "-Wall", *flags, "-I", str(lib.PROGRAMS_DIR), "-o", str(exe), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return exe


def run(options: list[str], argv: list[str], cwd: Path, env: dict[str, str] | None = None,
        timeout_s: float = 120, **popen_args) -> subprocess.CompletedProcess:
    """The heaphunt runner with exactly these options (no out-file added)."""
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(lib.heaphunt_runner()), "--vgdb=no", *options, *argv], cwd=cwd,
                          env=env or lib.fixed_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout_s, **popen_args)


def messages(stderr: str) -> list[str]:
    """stderr lines without Valgrind's ==PID== prefix."""
    return [re.sub(r"^==\d+== ?", "", line) for line in stderr.splitlines()]


def heaphunt_lines(stderr: str) -> list[str]:
    return [line for line in messages(stderr) if line.startswith("heaphunt:")]


def load(path: Path) -> dict:
    assert path.exists(), f"expected a profile at {path}, found {sorted(os.listdir(path.parent))}"
    with open(path) as f:
        return json.load(f)


def totals(profile: dict, keys=("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")) -> dict:
    return {k: profile["hhTotals"][k] for k in keys}


def site(profile: dict, function: str) -> dict[str, int]:
    """The numbers of every site whose first frame is in `function`, summed."""
    matches = [pp for pp in profile["pps"]
               if lib.frame_function(profile["ftbl"][pp["fs"][0]]) == function]
    assert matches, f"no site in {function}: {[profile['ftbl'][pp['fs'][0]] for pp in profile['pps']]}"
    return {k: sum(pp[k] for pp in matches) for k in ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")}


def assert_numbers(what: str, expected: dict[str, int], got: dict[str, int]) -> None:
    diff = lib.diff_numbers(expected, got)
    assert not diff, f"{what}:\n{diff}"


def temporaries(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if ".tmp-" in n)


# --------------------------------------------------------------------------
# 19.1  A pool that grows its arena with realloc
# --------------------------------------------------------------------------

def test_pool_that_grows_its_arena_with_realloc_gets_its_block(tmp_path):
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], [str(build("pool_realloc"))], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "grown 1\nsum 100\n", f"stdout: {proc.stdout!r}\n{proc.stderr}"
    assert heaphunt_lines(proc.stderr) == [], proc.stderr   # no refusal of any request
    assert not any(line.startswith("Bad ") for line in messages(proc.stderr)), proc.stderr
    profile = load(tmp_path / "p.json")
    # pool_realloc.c: 1000 + 100 + 2000 allocated; peak 2000 + 100 after the
    # realloc; 1000 copied by realloc plus 100 read by use_obj; 100 written
    # by pool_carve's memset plus the copy.
    assert_numbers("totals", {"tb": 3100, "tbk": 3, "gb": 2100, "gbk": 2, "eb": 0, "ebk": 0,
                              "rb": 1100, "wb": 1100}, totals(profile))
    assert_numbers("arena_new", {"tb": 3000, "tbk": 2, "eb": 0},
                   {k: site(profile, "arena_new")[k] for k in ("tb", "tbk", "eb")})
    assert_numbers("pool_carve", {"tb": 100, "tbk": 1, "eb": 0, "rb": 100, "wb": 100},
                   {k: site(profile, "pool_carve")[k] for k in ("tb", "tbk", "eb", "rb", "wb")})


# --------------------------------------------------------------------------
# 19.2  Limits change only the process they are meant for
# --------------------------------------------------------------------------

@pytest.mark.parametrize("options,mode,worker_status,parent_status", [
    (["--max-end-bytes=50"], "tidy", 0, 0),
    (["--max-end-bytes=50"], "leaky", 0, 1),
    (["--max-end-blocks=0", "--limit-process=first"], "leaky", 0, 1),
    (["--max-end-bytes=50", "--limit-process=each"], "tidy", 1, 0),
    (["--max-end-bytes=50", "--limit-process=each", "--limit-exit-code=7"], "leaky", 7, 7),
])
def test_limit_changes_only_the_process_it_is_meant_for(tmp_path, options, mode, worker_status,
                                                         parent_status):
    proc = run(["-q", f"--heaphunt-out-file={tmp_path}/p.%p", *options],
               [str(build("fork_worker")), mode], tmp_path)
    assert proc.stdout == f"worker exited {worker_status}\n", (
        f"{options} {mode}: the worker's exit status as its parent saw it:\n"
        f"{proc.stdout!r}\n{proc.stderr}")
    assert proc.returncode == parent_status, (
        f"{options} {mode}: parent's status expected {parent_status}, got {proc.returncode}\n"
        f"{proc.stderr}")
    limit_lines = [line for line in messages(proc.stderr) if "limit exceeded" in line]
    assert len(limit_lines) == (worker_status != 0) + (parent_status != 0), proc.stderr


def test_limit_follows_the_first_process_across_a_traced_exec(tmp_path):
    # The shell replaces itself with exits (same pid): that program is the
    # first process, and its 100 bytes live exceed the limit.
    exe = build("exits")
    proc = run(["--trace-children=yes", f"--heaphunt-out-file={tmp_path}/p.%p",
                "--max-end-bytes=50"], ["/bin/sh", "-c", f"exec {exe} return"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [line for line in heaphunt_lines(proc.stderr) if "limit exceeded" in line] == [
        "heaphunt: limit exceeded: 100 bytes live at exit, more than --max-end-bytes=50"], (
        proc.stderr)


def test_lost_profile_does_not_change_a_forked_workers_status(tmp_path):
    # The worker makes a directory where its own profile goes (fork_worker.c),
    # so its profile is lost; it still exits 0, as it asked.  The parent's
    # profile is written.
    proc = run(["-q", f"--heaphunt-out-file={tmp_path}/p.%p"],
               [str(build("fork_worker")), "tidy", f"{tmp_path}/p."], tmp_path)
    assert proc.stdout == "worker exited 0\n", f"{proc.stdout!r}\n{proc.stderr}"
    assert proc.returncode == 0, proc.stderr
    errors = [line for line in heaphunt_lines(proc.stderr) if "error" in line]
    assert len(errors) == 1 and "is a directory" in errors[0], proc.stderr
    profiles = [p for p in tmp_path.iterdir() if p.is_file()]
    assert len(profiles) == 1, os.listdir(tmp_path)
    assert_numbers("parent", {"tb": 100, "tbk": 1, "eb": 0}, totals(load(profiles[0]), ("tb", "tbk", "eb")))


# --------------------------------------------------------------------------
# 19.3, 19.4  Bad pointers and names in client requests
# --------------------------------------------------------------------------

BAD_REQUESTS = ("stats_unmapped", "stats_read_only", "stats_straddling", "dump_unmapped",
                "dump_unterminated", "dump_tilde", "dump_tilde_user", "checkpoint_low",
                "checkpoint_unterminated")


def test_bad_client_request_arguments_are_refused_and_the_program_goes_on(tmp_path):
    exe = build("bad_requests", ("-I", "/usr/include/valgrind"))
    proc = run([f"--heaphunt-out-file={tmp_path}/final.json"], [str(exe), str(tmp_path / "asked.json")],
               tmp_path)
    assert proc.returncode == 0, f"exit status {proc.returncode}\n{proc.stderr}"
    expected_stdout = "".join(f"{name} 0\n" for name in BAD_REQUESTS) + "good 1 1 1\n"
    assert proc.stdout == expected_stdout, f"stdout: {proc.stdout!r}\n{proc.stderr}"
    refusals = [line for line in heaphunt_lines(proc.stderr) if "refused" in line]
    assert len(refusals) == len(BAD_REQUESTS), (
        f"expected one refusal line per bad request ({len(BAD_REQUESTS)}), got:\n"
        + "\n".join(refusals) + f"\n--- stderr ---\n{proc.stderr}")
    for request, count in (("HEAPHUNT_GET_STATS", 3), ("HEAPHUNT_DUMP", 4),
                           ("HEAPHUNT_CHECKPOINT", 2)):
        got = [line for line in refusals if line.startswith(f"heaphunt: {request}")]
        assert len(got) == count, f"{request}: expected {count} refusals, got {got}"
    assert sum("'~'" in line for line in refusals) == 2, refusals
    assert not (tmp_path / "~").exists() and not list(tmp_path.glob("~*")), os.listdir(tmp_path)
    for path in (tmp_path / "asked.json", tmp_path / "final.json"):
        profile = load(path)
        # bad_requests.c: one 100-byte block, filled, live at the end.
        assert_numbers(path.name, {"tb": 100, "tbk": 1, "eb": 100, "ebk": 1, "wb": 100},
                       totals(profile, ("tb", "tbk", "eb", "ebk", "wb")))
        assert [c["name"] for c in profile["hhCheckpoints"]] == ["after"], profile["hhCheckpoints"]
        assert (profile["hhCheckpoints"][0]["b"], profile["hhCheckpoints"][0]["bk"]) == (100, 1)


def _start_server(tmp_path: Path) -> subprocess.Popen:
    cmd = [str(lib.heaphunt_runner()), f"--heaphunt-out-file={tmp_path}/final",
           str(build("server"))]
    return subprocess.Popen(cmd, cwd=tmp_path, env=lib.fixed_env(), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_monitor_dump_to_a_tilde_name_is_refused_and_the_program_goes_on(tmp_path):
    server = _start_server(tmp_path)
    try:
        server.stdin.write(b"req\n")
        server.stdin.flush()
        assert server.stdout.readline() == b"done 1\n"
        answer = subprocess.run(["vgdb", f"--pid={server.pid}", "dump", "~/x.json"],
                                capture_output=True, text=True, timeout=60)
        assert "'~'" in answer.stdout and "heaphunt: profile written" not in answer.stdout, answer
        server.stdin.write(b"req\n")
        server.stdin.flush()
        assert server.stdout.readline() == b"done 2\n", "the server stopped after the bad dump"
    finally:
        server.stdin.close()
        stderr = server.stderr.read().decode()
        server.wait(timeout=60)
    assert server.returncode == 0, stderr
    # server.c: 256 bytes per request, kept.
    assert_numbers("final", {"tb": 512, "tbk": 2},
                   {k: site(load(tmp_path / "final"), "handle_request")[k] for k in ("tb", "tbk")})


# --------------------------------------------------------------------------
# 19.5, 19.11  %q{VAR} from the environment the program started with
# --------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["unset", "overwrite", "set"])
def test_q_var_is_taken_from_the_starting_environment(tmp_path, mode):
    env = lib.fixed_env({"HH_RUN": "first"})
    proc = run(["-q", f"--heaphunt-out-file={tmp_path}/prof.%q{{HH_RUN}}.json"],
               [str(build("env_changer")), mode], tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["prof.first.json"], os.listdir(tmp_path)
    profile = load(tmp_path / "prof.first.json")
    assert_numbers(f"{mode}: fill_and_keep", {"tb": 100, "tbk": 1, "eb": 100, "wb": 100},
                   {k: site(profile, "fill_and_keep")[k] for k in ("tb", "tbk", "eb", "wb")})


@pytest.mark.parametrize("env_value,why", [(None, "HH_RUN is not set"), ("", "HH_RUN is empty")])
def test_q_var_unset_or_empty_is_refused_before_the_program_runs(tmp_path, env_value, why):
    env = lib.fixed_env()
    env.pop("HH_RUN", None)
    if env_value is not None:
        env["HH_RUN"] = env_value
    option = f"--heaphunt-out-file={tmp_path}/prof.%q{{HH_RUN}}.json"
    proc = run(["-q", option], ["/bin/echo", "the program ran"], tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "", "the program ran before the name was refused"
    lines = messages(proc.stderr)
    assert f"Bad option: {option}" in lines, proc.stderr
    assert any(why in line for line in lines), proc.stderr
    assert os.listdir(tmp_path) == []


def test_out_file_that_is_a_directory_is_refused_before_the_program_runs(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    proc = run(["-q", f"--heaphunt-out-file={target}"], ["/bin/echo", "the program ran"], tmp_path)
    assert proc.returncode == 1 and proc.stdout == "", (proc.stdout, proc.stderr)
    assert any(f"cannot create the profile '{target}': is a directory" in line
               for line in messages(proc.stderr)), proc.stderr
    assert os.listdir(target) == []


# --------------------------------------------------------------------------
# 19.6  Long but legal names
# --------------------------------------------------------------------------

def test_a_name_of_name_max_characters_is_written(tmp_path):
    name = "p" * (NAME_MAX - 5) + ".json"
    assert len(name) == NAME_MAX
    proc = run(["-q", f"--heaphunt-out-file={tmp_path}/{name}"],
               [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == [name]
    assert_numbers("profile", {"tb": 100, "tbk": 1}, totals(load(tmp_path / name), ("tb", "tbk")))


def test_a_path_near_path_max_is_written(tmp_path):
    # Directories of 200 characters down to a path of PATH_MAX - 1 bytes,
    # the longest the kernel accepts, whose file name is 40 characters.
    base = str(tmp_path)
    file_name_len = 40
    parts = []
    length = len(base)
    while length + 1 + 200 + 1 + file_name_len < PATH_MAX - 1:
        parts.append("d" * 200)
        length += 201
    last_dir_len = PATH_MAX - 1 - length - 1 - 1 - file_name_len
    parts.append("e" * last_dir_len)
    directory = Path(base, *parts)
    os.makedirs(directory)
    target = directory / ("f" * (file_name_len - 5) + ".json")
    assert len(str(target)) == PATH_MAX - 1
    proc = run(["-q", f"--heaphunt-out-file={target}"], [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert os.listdir(directory) == [target.name]
    assert_numbers("profile", {"tb": 100, "tbk": 1}, totals(load(target), ("tb", "tbk")))


# --------------------------------------------------------------------------
# 19.7  Two processes with one pid (containers sharing a volume)
# --------------------------------------------------------------------------

def _can_unshare_pid() -> bool:
    probe = subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True)
    return probe.returncode == 0


def test_same_pid_in_two_pid_namespaces_writing_one_name(tmp_path):
    if shutil.which("unshare") is None or not _can_unshare_pid():
        pytest.fail("needs unshare --pid (util-linux, and root or user namespaces): run as root")
    exe = build("dump_churn")
    # Each process is pid 1 of its own pid namespace, so both write
    # shared.1.json; 4096 sites make each profile a few MB, long to write.
    # Run three rounds of three at once.
    for round_number in range(3):
        procs = [subprocess.Popen(
            ["unshare", "--pid", "--fork", str(lib.heaphunt_runner()), "--vgdb=no",
             "--num-callers=20", f"--heaphunt-out-file={tmp_path}/shared.%p.json",
             str(exe), "12", str(i)],
            cwd=tmp_path, env=lib.fixed_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True) for i in range(3)]
        results = [(p, *p.communicate(timeout=300)) for p in procs]
        for p, out, err in results:
            assert p.returncode == 0 and out == "done\n", f"round {round_number}: {err[-3000:]}"
            assert not [line for line in heaphunt_lines(err) if "error" in line], err[-3000:]
            assert "Profile: " + str(tmp_path / "shared.1.json") in messages(err), err[-3000:]
        assert sorted(os.listdir(tmp_path)) == ["shared.1.json"], os.listdir(tmp_path)
        profile = load(tmp_path / "shared.1.json")   # parses: one writer's whole file
        rounds = int(profile["cmd"].split()[-1])
        # dump_churn.c: 2^12 blocks of 8 bytes kept, and 16 bytes per round.
        assert_numbers("the surviving profile", {"tb": 8 * 4096 + 16 * rounds, "tbk": 4096 + rounds},
                       totals(profile, ("tb", "tbk")))


# --------------------------------------------------------------------------
# 19.8  Links at the temporary name and at the target
# --------------------------------------------------------------------------

def test_link_planted_at_the_old_predictable_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    exe = build("exits")
    # The shell plants the link under its own pid, then becomes Valgrind.
    script = (f'ln -s victim.txt prof.json.tmp-$$ && exec {lib.heaphunt_runner()} -q --vgdb=no '
              f'--heaphunt-out-file={tmp_path}/prof.json {exe} return')
    proc = subprocess.run(["sh", "-c", script], cwd=tmp_path, env=lib.fixed_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == "precious\n", "the profile was written through the planted link"
    assert_numbers("profile", {"tb": 100, "tbk": 1}, totals(load(tmp_path / "prof.json"), ("tb", "tbk")))


def test_temporary_is_created_exclusively_without_following_links(tmp_path):
    if shutil.which("strace") is None:
        pytest.fail("needs strace: run scripts/install-deps.sh")
    log = tmp_path / "strace.log"
    out = tmp_path / "out"
    out.mkdir()
    cmd = ["strace", "-f", "-e", "trace=open,openat,rename", "-o", str(log),
           str(lib.heaphunt_runner()), "-q", "--vgdb=no", f"--heaphunt-out-file={out}/prof.json",
           str(build("exits")), "return"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=lib.fixed_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    opens = [line for line in log.read_text().splitlines()
             if f"{out}/prof.json.tmp-" in line and ("open(" in line or "openat(" in line)]
    # The start-up check and the profile itself.
    assert len(opens) == 2, opens
    names = set()
    for line in opens:
        assert "O_CREAT" in line and "O_EXCL" in line and "O_NOFOLLOW" in line, line
        names.add(re.search(r'"([^"]+)"', line).group(1))
    assert len(names) == 2, f"the two temporaries had the same name: {names}"
    for name in names:
        suffix = name.rsplit(".tmp-", 1)[1]
        assert re.fullmatch(r"\d+-[0-9a-z]{13}", suffix), name
    assert sorted(os.listdir(out)) == ["prof.json"]


def test_out_file_that_is_a_link_is_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "real.json"
    target.write_text("old\n")
    (tmp_path / "prof.json").symlink_to("elsewhere/real.json")
    (tmp_path / "dangling.json").symlink_to("elsewhere/new.json")
    exe = build("exits")
    for name in ("prof.json", "dangling.json"):
        proc = run(["-q", f"--heaphunt-out-file={tmp_path}/{name}"], [str(exe), "return"], tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / name).is_symlink(), f"{name} was replaced by a regular file"
    for path in (target, elsewhere / "new.json"):
        assert_numbers(path.name, {"tb": 100, "tbk": 1}, totals(load(path), ("tb", "tbk")))
    assert sorted(os.listdir(elsewhere)) == ["new.json", "real.json"]


def test_writable_file_in_a_read_only_directory_is_written_in_place():
    # No temporary can be made beside it, as for a file the administrator
    # created for the user in a directory the user cannot write: the file
    # itself is written, as DHAT writes it.  Run as nobody, since root
    # writes any directory.
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.fail("needs root and setpriv (util-linux) to run as nobody: run the suite as root")
    directory = Path(tempfile.mkdtemp(prefix="hh-rodir-", dir="/tmp"))
    try:
        target = directory / "p.json"
        target.write_text("old\n")
        target.chmod(0o666)
        directory.chmod(0o555)
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             str(lib.heaphunt_runner()), "-q", "--vgdb=no", f"--heaphunt-out-file={target}",
             "/bin/true"], env=lib.fixed_env(), capture_output=True, text=True, timeout=120,
            cwd="/")
        assert proc.returncode == 0, proc.stderr
        assert load(target)["cmd"] == "/bin/true"
        assert os.listdir(directory) == ["p.json"]
    finally:
        directory.chmod(0o755)
        shutil.rmtree(directory)


def test_out_file_reached_through_a_descriptor_link_is_written_in_place(tmp_path):
    # /dev/stdout is a link to /proc/self/fd/1, whose text for a pipe
    # ("pipe:[123]") is no path: the profile goes down the pipe.
    proc = run(["-q", "--heaphunt-out-file=/dev/stdout"], [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    profile = json.loads(proc.stdout)
    assert_numbers("profile on stdout", {"tb": 100, "tbk": 1}, totals(profile, ("tb", "tbk")))
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------
# 19.9  SIGKILL while a profile is written
# --------------------------------------------------------------------------

def test_temporary_left_by_sigkill_is_removed_by_the_next_run(tmp_path):
    exe = build("dump_churn")
    out = tmp_path / "out"
    out.mkdir()
    # 16384 sites: each --dump-every profile is about 7 MB; the program
    # writes one every 5M instructions until it is killed.
    cmd = [str(lib.heaphunt_runner()), "-q", "--vgdb=no", "--num-callers=20",
           "--dump-every=5000000", f"--heaphunt-out-file={out}/prof.json", str(exe), "14",
           "100000000"]
    killed = subprocess.Popen(cmd, cwd=tmp_path, env=lib.fixed_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            names = temporaries(out)
            if names and (out / names[0]).stat().st_size > 0:
                killed.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
    finally:
        killed.kill()
        killed.wait(timeout=60)
    left = temporaries(out)
    assert left, f"no partial temporary caught in 240 s: {os.listdir(out)}"
    # A temporary of another name, and one of another machine or namespace:
    # neither is this out-file's, so neither may be touched.
    foreign = ["other.json.tmp-99999-0000000abcdef", f"prof.json.tmp-{killed.pid}-zzzzzzzabcdef"]
    for name in foreign:
        (out / name).write_text("not ours\n")
    proc = run([f"--heaphunt-out-file={out}/prof.json"], [str(exe), "0", "1"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    removed = [line for line in heaphunt_lines(proc.stderr) if "partial profile" in line]
    assert len(removed) == len(left) and all(f"process {killed.pid}" in line for line in removed), (
        f"expected {left} to be removed, each with a line:\n{proc.stderr}")
    assert sorted(os.listdir(out)) == sorted(["prof.json", *foreign]), os.listdir(out)


# --------------------------------------------------------------------------
# 19.10  Custom-block misuse
# --------------------------------------------------------------------------

# custom_misuse.c's expectations, mode by mode.
CUSTOM_MISUSE = {
    "wrap": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 10, "tbk": 1, "gb": 10, "gbk": 1}),
    "huge": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 10, "tbk": 1, "gb": 10, "gbk": 1}),
    "partial_heap": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 110, "tbk": 2, "gb": 100, "gbk": 1}),
    "partial_custom": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 74, "tbk": 2, "gb": 64, "gbk": 1}),
    "enclose_custom": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 26, "tbk": 2, "gb": 16, "gbk": 1}),
    "enclose_heap": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 42, "tbk": 2, "gb": 32, "gbk": 1}),
    "resize_over": ("VALGRIND_RESIZEINPLACE_BLOCK", {"tb": 138, "tbk": 3, "gb": 128, "gbk": 2}),
    "freed_heap": ("VALGRIND_MALLOCLIKE_BLOCK", {"tb": 2010, "tbk": 3, "gb": 1000, "gbk": 1}),
}


@pytest.mark.parametrize("mode", sorted(CUSTOM_MISUSE))
def test_custom_block_misuse_is_refused_with_one_line(tmp_path, mode):
    request, expected = CUSTOM_MISUSE[mode]
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], [str(build("custom_misuse")), mode],
               tmp_path)
    assert proc.returncode == 0, f"{mode}: exit status {proc.returncode}\n{proc.stderr}"
    assert proc.stdout == "done\n", proc.stdout
    lines = heaphunt_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"heaphunt: {request}("), (
        f"{mode}: expected one line refusing {request}, got:\n{proc.stderr}")
    assert not any(line.startswith("Bad ") for line in messages(proc.stderr)), proc.stderr
    # Every mode ends with nothing live and the 10 bytes ordinary_work wrote.
    assert_numbers(mode, {**expected, "eb": 0, "ebk": 0, "wb": 10},
                   totals(load(tmp_path / "p.json"), (*expected, "eb", "ebk", "wb")))


def test_custom_block_whose_memory_is_unmapped_ends_with_it(tmp_path):
    # custom_unmapped.c: the heap grows where an unmapped custom block was;
    # the block must be gone by then (the block table holds no overlaps).
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], [str(build("custom_unmapped"))],
               tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "allocated 20200\n", proc.stdout
    profile = load(tmp_path / "p.json")
    for function, expected in (
            ("region_carve", {"tb": 64 << 20, "tbk": 1, "eb": 0, "ebk": 0}),
            ("brk_carve", {"tb": 64 << 10, "tbk": 1, "eb": 0, "ebk": 0}),
            ("grow_heap", {"tb": 200 * (1 << 20) + 20000 * 100, "tbk": 20200,
                           "eb": 200 * (1 << 20) + 20000 * 100, "ebk": 20200})):
        assert_numbers(function, expected, {k: site(profile, function)[k] for k in expected})


# --------------------------------------------------------------------------
# 19.11  Messages
# --------------------------------------------------------------------------

def _limit_file_size(max_bytes: int):
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return set_limit


def test_file_size_limit_is_named_and_no_deleted_temporary_is(tmp_path):
    # dump_churn 6 0: 64 sites, a profile of tens of kB, over a 16 kB limit.
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json", "--num-callers=20"],
               [str(build("dump_churn")), "6", "0"], tmp_path,
               preexec_fn=_limit_file_size(16384))
    errors = [line for line in heaphunt_lines(proc.stderr) if "error" in line]
    assert len(errors) == 1, proc.stderr
    assert "file too large" in errors[0] and f"'{tmp_path}/p.json'" in errors[0], errors
    assert ".tmp-" not in proc.stderr and "disk full" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert os.listdir(tmp_path) == []


def _mount_full_tmpfs(mount_dir: Path) -> bool:
    mount_dir.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_dir)],
                      capture_output=True).returncode != 0:
        return False
    with open(mount_dir / "filler", "wb") as f:
        try:
            f.write(b"\0" * 65536)
            f.flush()
        except OSError:
            pass
    return True


def test_dump_every_on_a_full_disk_says_it_once_then_counts(tmp_path):
    mount_dir = tmp_path / "full"
    if not _mount_full_tmpfs(mount_dir):
        pytest.fail("needs mount -t tmpfs: run the suite as root")
    try:
        # dump_churn 0 100: 100 rounds of about 200,000 instructions, so a
        # --dump-every of 100,000 asks for a profile at about every round.
        proc = run([f"--heaphunt-out-file={mount_dir}/p.json", "--dump-every=100000"],
                   [str(build("dump_churn")), "0", "100"], tmp_path)
        lines = heaphunt_lines(proc.stderr)
        periodic = [line for line in lines if "--dump-every" in line]
        assert len(periodic) == 2, f"expected the first failure and a count:\n{proc.stderr}"
        assert "no space left on device" in periodic[0], periodic
        m = re.search(r"(\d+) more --dump-every profiles? could not be written", periodic[1])
        assert m and int(m.group(1)) >= 50, periodic
        assert proc.returncode == 1, proc.stderr   # the final profile is lost too
        assert sorted(os.listdir(mount_dir)) == ["filler"], os.listdir(mount_dir)
    finally:
        subprocess.run(["umount", str(mount_dir)], check=True)


def test_a_failing_programs_exit_status_is_kept_when_a_limit_is_exceeded(tmp_path):
    # exits _exit: status 4 with 100 bytes live, more than the limit.
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json", "--max-end-bytes=0"],
               [str(build("exits")), "_exit"], tmp_path)
    assert proc.returncode == 4, proc.stderr
    assert any("limit exceeded" in line for line in heaphunt_lines(proc.stderr)), proc.stderr


def test_a_failing_programs_exit_status_is_kept_when_its_profile_is_lost(tmp_path):
    # The shell removes the profile's directory, then exits 4.
    out = tmp_path / "out"
    out.mkdir()
    proc = run([f"--heaphunt-out-file={out}/p.json"], ["/bin/sh", "-c", f"rm -rf {out}; exit 4"],
               tmp_path)
    assert proc.returncode == 4, proc.stderr
    assert any("cannot create the profile" in line for line in heaphunt_lines(proc.stderr)), (
        proc.stderr)


# --------------------------------------------------------------------------
# 18.3  exec through PATH; a script that execs the real program
# --------------------------------------------------------------------------

def test_exec_through_path_writes_the_pre_exec_profile_once(tmp_path):
    # env looks `true` up through PATH: execve fails in every directory
    # before the one that has it.
    env = lib.fixed_env({"PATH": "/nonexistent/a:/nonexistent/b:/nonexistent/c:/usr/bin:/bin"})
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], ["/usr/bin/env", "true"], tmp_path,
               env=env)
    assert proc.returncode == 0, proc.stderr
    written = [line for line in heaphunt_lines(proc.stderr) if "before execve" in line]
    assert written == [f"heaphunt: profile written to {tmp_path}/p.json (before execve)"], (
        proc.stderr)
    assert load(tmp_path / "p.json")["cmd"] == "/usr/bin/env true"


def test_a_script_that_execs_the_real_program_is_pointed_out(tmp_path):
    script = tmp_path / "shim"
    script.write_text("#!/bin/sh\nexec /bin/true \"$@\"\n")
    script.chmod(0o755)
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], [str(script)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = heaphunt_lines(proc.stderr)
    pointers = [line for line in lines if "--trace-children=yes" in line]
    assert len(pointers) == 1 and str(script) in pointers[0] and "/bin/true" in pointers[0], (
        proc.stderr)
    # With --trace-children=yes it is not needed: the real program is profiled.
    traced = run(["--trace-children=yes", f"--heaphunt-out-file={tmp_path}/t.%p"], [str(script)],
                 tmp_path)
    assert traced.returncode == 0, traced.stderr
    assert not [line for line in heaphunt_lines(traced.stderr) if "--trace-children" in line]


# --------------------------------------------------------------------------
# 18.4  An unwritable profile path
# --------------------------------------------------------------------------

def test_unwritable_path_is_refused_before_the_program_runs(tmp_path):
    target = tmp_path / "missing" / "p.json"
    proc = run([f"--heaphunt-out-file={target}"], ["/bin/echo", "the program ran"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "", "the program ran before the path was refused"
    lines = messages(proc.stderr)
    # The message docs/options.md shows.
    assert f"Bad option: --heaphunt-out-file={target}" in lines, proc.stderr
    assert (f"cannot create the profile '{target}': no such file or directory; "
            "choose a writable location.") in lines, proc.stderr
    assert os.listdir(tmp_path) == []


def test_a_directory_that_disappears_during_the_run_is_reported_at_exit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = run([f"--heaphunt-out-file={out}/p.json"], ["/bin/rmdir", str(out)], tmp_path)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in heaphunt_lines(proc.stderr) if "error" in line]
    assert errors == [f"heaphunt: error: cannot create the profile '{out}/p.json': no such file "
                      "or directory; no profile written (choose a writable location with "
                      "--heaphunt-out-file)."], proc.stderr
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------
# 18.7, 18.8  The tool's own wording; DHAT's --mode
# --------------------------------------------------------------------------

def test_help_names_dhat_out_file_and_where_heaphunt_bugs_go(tmp_path):
    proc = run(["--help"], [], tmp_path)
    assert proc.returncode == 0
    assert re.search(r"^\s+--dhat-out-file=<file>\s+the same", proc.stdout, re.M), proc.stdout
    assert "Report heaphunt's bugs to heaphunt's issue tracker" in proc.stdout, proc.stdout


def test_mode_heap_is_accepted(tmp_path):
    proc = run(["--mode=heap", f"--heaphunt-out-file={tmp_path}/p.json"],
               [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_numbers("profile", {"tb": 100, "tbk": 1}, totals(load(tmp_path / "p.json"), ("tb", "tbk")))


@pytest.mark.parametrize("mode,instead", [
    ("copy", "heaphunt export --mode=copy"),
    ("ad-hoc", "DHAT_AD_HOC_EVENT requests are ignored"),
])
def test_dhat_modes_heaphunt_lacks_are_refused_with_one_line(tmp_path, mode, instead):
    proc = run([f"--mode={mode}"], ["/bin/echo", "the program ran"], tmp_path)
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"--mode={mode}" in lines[0] and instead in lines[0], proc.stderr


def test_ad_hoc_requests_are_said_once_and_ignored(tmp_path):
    src = tmp_path / "adhoc.c"
    src.write_text('#include <valgrind/dhat.h>\n#include <stdlib.h>\n'
                   'int main(void) { for (int i = 0; i < 5; i++) DHAT_AD_HOC_EVENT(10);\n'
                   '  char *p = malloc(100); p[0] = 1; return p[0] - 1; }\n')
    exe = tmp_path / "adhoc"
    subprocess.run(["gcc", "-O0", "-g", "-o", str(exe), str(src)], check=True)
    proc = run([f"--heaphunt-out-file={tmp_path}/p.json"], [str(exe)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    said = [line for line in heaphunt_lines(proc.stderr) if "DHAT_AD_HOC_EVENT" in line]
    assert len(said) == 1 and "ignored" in said[0], proc.stderr
    assert_numbers("profile", {"tb": 100, "tbk": 1}, totals(load(tmp_path / "p.json"), ("tb", "tbk")))


def test_num_callers_1_names_the_allocation_function(tmp_path):
    proc = run(["--num-callers=1", f"--heaphunt-out-file={tmp_path}/p.json"],
               [str(build("exits")), "return"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    profile = load(tmp_path / "p.json")
    frames = [profile["ftbl"][i] for pp in profile["pps"] for i in pp["fs"]]
    assert not any("[no frames]" in f for f in frames), frames
    assert [lib.frame_function(f) for f in frames] == ["malloc"], frames
