#!/usr/bin/python3
"""Benchmark heaphunt against DHAT and Valgrind's no-op tool, in one command.

    /usr/bin/python3 bench/bench.py                    # everything, 3 reps
    /usr/bin/python3 bench/bench.py --quick            # small sizes, 1 rep
    /usr/bin/python3 bench/bench.py --workloads access,leak --reps 5
    /usr/bin/python3 bench/bench.py --tools none,hh,hh-noacc,hh-nocopy
    /usr/bin/python3 bench/bench.py --markdown build/bench/figures.md
    /usr/bin/python3 bench/bench.py --dry-run          # print the commands

Each workload (bench_workloads.py: C programs under bench/workloads/ and
real programs from Debian) runs under every tool in turn, repetition after
repetition: none, dhat, hh, hh-noacc, none, dhat, ... so that a noisy
neighbour hurts all tools alike.  The tools:

    none       valgrind --tool=none: the cost of Valgrind itself (the floor)
    dhat       valgrind --tool=dhat (heap mode)
    hh         heaphunt, everything on (heap, accesses, copies)
    hh-noacc   heaphunt --accesses=no (heap only)
    hh-nocopy  heaphunt --copies=no (not run unless asked for with --tools)

heaphunt is `$HEAPHUNT_VG` if set, else the build tree's (for the SDK
build: valgrind with ./vg-in-place's VALGRIND_LIB, run like DHAT).  GNU time measures
each run: wall time, user + sys CPU time and peak RSS.  The report gives
medians, the ratios, PASS/FAIL against the performance targets (see
bench_report.py) on wall and on CPU time, and whether heaphunt's summary
numbers equal DHAT's.  Scale workloads run once whatever --reps says.

Every tool runs with the same fixed environment and working directory
(build/bench/): heap numbers depend on both.  This is a measurement, not a
test: it exits 0 whatever the figures are, and 1 only when it cannot run (a
workload fails, a tool is missing).  Everything it builds or writes goes
under build/bench/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import bench_report as report
from bench_report import DHAT, HH, HH_NOACC, HH_NOCOPY, NONE, Result, Sample
from bench_workloads import BUILD_DIR, REPO_DIR, Workload, WorkloadError, build_workloads

sys.path.insert(0, str(REPO_DIR / "tests"))
# The test suite's way of giving DHAT's client the environment heaphunt's
# client sees (LD_PRELOAD and VALGRIND_LIB of the same lengths).
from heaphunt_testlib import dhat_env_matching_heaphunt  # noqa: E402

PROG = "bench"
TIME_BIN = "/usr/bin/time"
DEFAULT_TOOLS = [NONE, DHAT, HH, HH_NOACC]
DEFAULT_REPS = 3

# The client's whole environment, the same for every tool: an interpreter
# allocates per variable; Python and Perl hash with a random seed unless
# fixed.
CLIENT_ENV = {
    "PATH": "/usr/bin:/bin",
    "LC_ALL": "C",
    "HOME": str(BUILD_DIR),
    "PYTHONHASHSEED": "0",
    "PERL_HASH_SEED": "0",
    "PERL_PERTURB_KEYS": "0",
}

# DHAT's summary lines (and heaphunt's, which has the same shape).
SUMMARY_RE = re.compile(
    r"^==\d+== (Total:|At t-gmax:|At t-end:|Reads:|Writes:)\s+(.*)$", re.M)


def die(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(1)


def note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def ensure_time_bin() -> None:
    """GNU time gives CPU times and peak RSS; the `time` package may be
    absent on a fresh machine."""
    if os.access(TIME_BIN, os.X_OK):
        return
    if os.geteuid() != 0:
        die(f"{TIME_BIN} is missing: install Debian's 'time' package")
    note("installing Debian's 'time' package")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "time"]):
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode:
            die(f"'{' '.join(cmd)}' failed; install the 'time' package")


def heaphunt_command() -> list[str] | None:
    env_cmd = os.environ.get("HEAPHUNT_VG")
    if env_cmd:
        return shlex.split(env_cmd)
    runner = REPO_DIR / "vg-in-place"
    if os.access(runner, os.X_OK):
        return [str(runner)]
    return None


def direct_in_place_command(hh_cmd: list[str],
                            valgrind: str) -> tuple[list[str], dict[str, str]]:
    """./vg-in-place is a shell script that sets VALGRIND_LIB and execs
    valgrind: 15 to 20 ms of CPU per run that DHAT, run as `valgrind`, does
    not pay, which is most of the difference on a short workload.  For the
    SDK build, run valgrind the same way for both, with the script's
    VALGRIND_LIB in heaphunt's environment (the client sees the same
    variable either way)."""
    runner = REPO_DIR / "vg-in-place"
    if hh_cmd != [str(runner)]:
        return hh_cmd, {}
    env = {**os.environ, "HEAPHUNT_IN_PLACE_REFRESH_ONLY": "1"}
    refreshed = subprocess.run([str(runner)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0
    in_place = REPO_DIR / ".in_place"
    if not refreshed or not (in_place / "heaphunt-amd64-linux").exists():
        return hh_cmd, {}   # an in-tree build: its own runner
    return [valgrind, "--tool=heaphunt"], {"VALGRIND_LIB": str(in_place)}


def tool_command(tool: str, out_dir: Path, valgrind: str,
                 hh_cmd: list[str]) -> list[str]:
    """The valgrind command line for one tool; its profile goes to out_dir."""
    if tool == NONE:
        return [valgrind, "--tool=none"]
    if tool == DHAT:
        return [valgrind, "--tool=dhat", f"--dhat-out-file={out_dir}/profile"]
    hh = [*hh_cmd, f"--heaphunt-out-file={out_dir}/profile"]
    if tool == HH:
        return hh
    if tool == HH_NOACC:
        return [*hh, "--accesses=no"]
    if tool == HH_NOCOPY:
        return [*hh, "--copies=no"]
    raise ValueError(tool)


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def run_once(cmd: list[str], env: dict[str, str], scratch: Path) -> tuple[Sample, str]:
    """Run cmd under GNU time; return the sample and the run's stderr."""
    time_file = scratch / "time.out"
    stderr_file = scratch / "stderr.out"
    load = load_average()
    full = [TIME_BIN, "-f", "%e %U %S %M", "-o", str(time_file), *cmd]
    with open(stderr_file, "w") as err:
        status = subprocess.run(full, env=env, cwd=BUILD_DIR,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err).returncode
    stderr_text = stderr_file.read_text(errors="replace")
    if status != 0:
        die(f"'{shlex.join(cmd)}' exited with status {status}:\n"
            + stderr_text[-2000:])
    # GNU time writes "Command exited..." lines before the figures on
    # failure; the figures are always the last line.
    wall_s, user_s, sys_s, rss_kb = time_file.read_text().split("\n")[-2].split()
    return Sample(float(wall_s), float(user_s), float(sys_s), int(rss_kb), load), stderr_text


def summary(stderr_text: str) -> dict[str, str]:
    return {label: " ".join(value.split())
            for label, value in SUMMARY_RE.findall(stderr_text)}


def run_workload(w: Workload, tools: list[str], reps: int, valgrind: str,
                 hh_cmd: list[str], hh_env: dict[str, str], scratch: Path) -> Result:
    result = Result({t: [] for t in tools})
    # Python reads and writes a few hundred bytes more or less on the heap
    # when its environment's strings change length: DHAT's client gets
    # variables that make it look like heaphunt's, or the summaries differ.
    dhat_env = {**CLIENT_ENV, **dhat_env_matching_heaphunt()}
    hh_env = {**CLIENT_ENV, **hh_env}
    for rep in range(reps):
        for tool in tools:
            if tool in w.skip_tools:
                if rep == 0:
                    note(f"{w.name:12} {tool:9} not run: {w.skip_tools[tool]}")
                continue
            out_dir = scratch / "profiles"
            out_dir.mkdir(exist_ok=True)
            cmd = [*tool_command(tool, out_dir, valgrind, hh_cmd),
                   *w.valgrind_options, *w.argv]
            sample, stderr_text = run_once(cmd, {DHAT: dhat_env, NONE: CLIENT_ENV}.get(tool, hh_env),
                                           scratch)
            result.samples[tool].append(sample)
            if rep == 0:
                result.summaries[tool] = summary(stderr_text)
                profile = out_dir / "profile"
                if profile.exists():
                    result.profile_bytes[tool] = profile.stat().st_size
            shutil.rmtree(out_dir)
            note(f"{w.name:12} {tool:9} rep {rep + 1}/{reps}: "
                 f"{sample.wall_s:7.2f} s wall {sample.cpu_s:7.2f} s CPU "
                 f"{sample.peak_rss_kb / 1024:7.1f} MiB  (load {sample.load_avg:.1f})")
    return result


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def valgrind_version(valgrind: str) -> str:
    done = subprocess.run([valgrind, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "valgrind (unknown version)"


def heaphunt_revision() -> str:
    """The commit heaphunt's sources are at, '+dirty' if tool/ has changes:
    figures belong to a version of the tool."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO_DIR), *args],
                              capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "tool")
    return commit + ("+dirty tool/" if dirty else "")


def render(workloads: list[Workload], tools: list[str], results: dict[str, Result],
           reps: int, quick: bool, hh_cmd: list[str], valgrind: str,
           formatter) -> str:
    """Every table, as text or markdown (formatter decides)."""
    markdown = formatter is report.format_markdown
    heading = (lambda s: f"\n#### {s}\n") if markdown else (lambda s: f"\n== {s}\n")
    found = report.verdicts(workloads, results)
    failed = [v for v in found if v.wall_word == "FAIL"]
    parts = [
        f"Measured {datetime.datetime.now().isoformat(timespec='minutes')} on "
        f"{machine_description()}; {valgrind_version(valgrind)}; heaphunt "
        f"{heaphunt_revision()} ({shlex.join(hh_cmd)}); median of {reps} "
        f"run(s) per tool (scale workloads: 1)"
        + ("; --quick sizes: figures of no value" if quick else "") + ".",
        heading("Wall time, median seconds"),
        formatter(report.time_table(workloads, tools, results, report.wall)),
        heading("CPU time (user + sys), median seconds"),
        formatter(report.time_table(workloads, tools, results, report.cpu)),
        heading("Peak RSS, median MiB; agreement with DHAT's summary"),
        formatter(report.memory_table(workloads, tools, results)),
        heading("Targets"),
        formatter(report.target_table(found)),
        f"\n{len(found) - len(failed)} of {len(found)} targets pass on wall "
        f"time; failing: " + (", ".join(f"{v.workload} ({v.target}: "
                                        f"{report.fmt(v.wall_value)})" for v in failed)
                              or "none") + ".",
    ]
    if any(w.scale for w in workloads):
        parts += [heading("Scale"),
                  formatter(report.scale_table(workloads, tools, results))]
    skipped = [f"{w.name} under {t}: {why}" for w in workloads
               for t, why in w.skip_tools.items() if t in tools]
    if skipped:
        parts.append("\nNot run: " + "; ".join(skipped) + ".")
    if not markdown:
        parts.append("\nWorkloads:\n" + "\n".join(
            f"  {w.name:12} {w.description}" for w in workloads))
    return "\n".join(parts) + "\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Wall time, CPU time and peak RSS of heaphunt vs "
        "DHAT vs --tool=none on fixed workloads, with the performance targets.")
    parser.add_argument("--reps", type=int,
                        help=f"runs per workload and tool, median reported "
                        f"(default {DEFAULT_REPS}; 1 with --quick; scale "
                        f"workloads always 1)")
    parser.add_argument("--workloads", default="",
                        help="comma-separated subset of the workloads (default all)")
    parser.add_argument("--skip", default="",
                        help="comma-separated workloads to leave out")
    parser.add_argument("--tools", default=",".join(DEFAULT_TOOLS),
                        help=f"comma-separated subset of {','.join(report.ALL_TOOLS)} "
                        f"(default {','.join(DEFAULT_TOOLS)})")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and 1 rep: checks the benchmark works")
    parser.add_argument("--dry-run", action="store_true",
                        help="build the workloads and print the commands; run nothing")
    parser.add_argument("--markdown", type=Path,
                        help="also write the tables as markdown to this file")
    parser.add_argument("--json", type=Path,
                        help="also write every sample as JSON to this file")
    return parser.parse_args()


def select_workloads(all_workloads: list[Workload], wanted: str, skip: str) -> list[Workload]:
    known = {w.name for w in all_workloads}
    for option, names in (("--workloads", wanted), ("--skip", skip)):
        for name in filter(None, names.split(",")):
            if name not in known:
                die(f"{option}: unknown workload '{name}' "
                    f"(choose from {', '.join(w.name for w in all_workloads)})")
    chosen = [w for w in all_workloads
              if (not wanted or w.name in wanted.split(","))
              and w.name not in skip.split(",")]
    if not chosen:
        die("no workload left to run")
    return chosen


def main() -> None:
    args = parse_args()
    reps = args.reps if args.reps is not None else (1 if args.quick else DEFAULT_REPS)
    if reps < 1:
        die(f"--reps must be at least 1 (got {reps})")
    tools = [t for t in args.tools.split(",") if t]
    for t in tools:
        if t not in report.ALL_TOOLS:
            die(f"--tools: unknown tool '{t}' (choose from {', '.join(report.ALL_TOOLS)})")
    tools = [t for t in report.ALL_TOOLS if t in tools]
    if not tools:
        die("--tools: no tool given")

    try:
        workloads = select_workloads(build_workloads(args.quick), args.workloads, args.skip)
    except WorkloadError as e:
        die(str(e))

    valgrind = shutil.which("valgrind") or ("valgrind" if args.dry_run else None)
    hh_cmd = heaphunt_command()
    if args.dry_run:
        hh_cmd = hh_cmd or [str(REPO_DIR / "vg-in-place")]
        out_dir = BUILD_DIR / "profiles"
        print(f"# cd {BUILD_DIR}; env -i "
              + " ".join(f"{k}={shlex.quote(v)}" for k, v in CLIENT_ENV.items()))
        for w in workloads:
            for tool in tools:
                if tool in w.skip_tools:
                    print(f"# {w.name} not run under {tool}: {w.skip_tools[tool]}")
                    continue
                print(shlex.join([*tool_command(tool, out_dir, str(valgrind), hh_cmd),
                                  *w.valgrind_options, *w.argv]))
        return

    if valgrind is None:
        die("valgrind is not installed: run scripts/install-deps.sh")
    if hh_cmd is None and any(t.startswith("hh") for t in tools):
        die("heaphunt is not built (no ./vg-in-place, HEAPHUNT_VG unset): run "
            "./autogen.sh && ./configure && make, or leave the hh tools out of --tools")
    ensure_time_bin()
    hh_cmd, hh_env = direct_in_place_command(hh_cmd or [], valgrind)

    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="run.", dir=BUILD_DIR) as tmp:
        for w in workloads:
            results[w.name] = run_workload(w, tools, 1 if w.scale else reps,
                                           valgrind, hh_cmd, hh_env, Path(tmp))

    print(render(workloads, tools, results, reps, args.quick, hh_cmd or [], valgrind,
                 report.format_text))
    if args.markdown:
        args.markdown.write_text(render(workloads, tools, results, reps, args.quick,
                                        hh_cmd or [], valgrind, report.format_markdown))
        note(f"wrote {args.markdown}")
    if args.json:
        args.json.write_text(json.dumps(
            {name: asdict(r) for name, r in results.items()}, indent=1))
        note(f"wrote {args.json}")


if __name__ == "__main__":
    main()
