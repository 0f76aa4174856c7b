#!/usr/bin/python3
"""Benchmark heaphunt against DHAT and Valgrind's no-op tool.

    /usr/bin/python3 bench/bench.py [--reps N] [--workloads a,b] [--tools t,u]
                                    [--markdown FILE]

Each workload (bench/workloads/*.c compiled with -O2, plus GNU sort on a
generated file) runs under `valgrind --tool=none`, `valgrind --tool=dhat` and
heaphunt (`$HEAPHUNT_VG` if set, else ./vg-in-place) in the same run, N times
each, the tools interleaved so that a noisy neighbour hurts all of them alike.
For each it reports the median wall time and median peak RSS measured by
/usr/bin/time -f '%e %M', the ratios heaphunt/DHAT and heaphunt/none, and
whether heaphunt's summary numbers equal DHAT's on the first repetition.

This is a measurement, not a test: it exits 0 whatever the figures are, and 1
only when it cannot run (a workload fails, a tool is missing).  Everything it
builds or writes goes under build/bench/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROG = "bench"
REPO_DIR = Path(__file__).resolve().parent.parent
WORKLOAD_DIR = REPO_DIR / "bench" / "workloads"
BUILD_DIR = REPO_DIR / "build" / "bench"
TIME_BIN = "/usr/bin/time"

# GNU sort's input: deterministic, about 9 MB.  -S and --parallel fix the
# buffer size and thread count, which sort otherwise derives from the
# machine's memory and cores, so the workload is the same everywhere.
SORT_INPUT_LINES = 400_000
SORT_ARGS = ["-S", "64M", "--parallel=1"]

ALL_TOOLS = ["none", "dhat", "heaphunt"]

# DHAT's summary lines (and heaphunt's, which has the same shape).
SUMMARY_RE = re.compile(
    r"^==\d+== (Total:|At t-gmax:|At t-end:|Reads:|Writes:)\s+(.*)$", re.M)


def die(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(1)


def note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


@dataclass
class Workload:
    name: str
    argv: list[str]          # the client program and its arguments
    description: str


@dataclass
class Sample:
    wall_s: float
    peak_rss_kb: int


@dataclass
class Result:
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    summaries: dict[str, list[str]] = field(default_factory=dict)


def ensure_time_bin() -> None:
    """GNU time gives peak RSS; the `time` package may be absent on CI."""
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


def compile_workload(source: Path) -> Path:
    binary = BUILD_DIR / source.stem
    if binary.exists() and binary.stat().st_mtime >= source.stat().st_mtime:
        return binary
    cmd = ["cc", "-O2", "-g", "-o", str(binary), str(source)]
    if subprocess.run(cmd).returncode:
        die(f"compiling {source} failed")
    return binary


def make_sort_input() -> Path:
    """Lines of four words and a number, from a fixed seed."""
    path = BUILD_DIR / "sort.in"
    if path.exists():
        return path
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
             "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]
    rng = random.Random(20240101)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as out:
        for _ in range(SORT_INPUT_LINES):
            out.write(" ".join(rng.choice(words) for _ in range(4)))
            out.write(f" {rng.randrange(10**6)}\n")
    tmp.rename(path)
    return path


def build_workloads() -> list[Workload]:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    descriptions = {
        "churn": "1.5e6 malloc/free of 16..527 B, 64 live",
        "access": "3 x 8 MiB arrays, 24 stencil+dot passes",
        "manylive": "1e6 small blocks live at once, walked, freed",
        "memcpy": "1 MiB memcpy/memmove x200, 1e6 small copies",
    }
    workloads = []
    for source in sorted(WORKLOAD_DIR.glob("*.c")):
        binary = compile_workload(source)
        workloads.append(Workload(source.stem, [str(binary)],
                                  descriptions.get(source.stem, "")))
    sort_bin = shutil.which("sort")
    if sort_bin is None:
        die("GNU sort is missing (coreutils)")
    sort_input = make_sort_input()
    workloads.append(Workload(
        "sort", [sort_bin, *SORT_ARGS, str(sort_input), "-o", "/dev/null"],
        f"GNU sort of {SORT_INPUT_LINES:,} lines (9 MB)"))
    return workloads


def heaphunt_command() -> list[str] | None:
    env_cmd = os.environ.get("HEAPHUNT_VG")
    if env_cmd:
        return shlex.split(env_cmd)
    runner = REPO_DIR / "vg-in-place"
    if os.access(runner, os.X_OK):
        return [str(runner)]
    return None


def tool_command(tool: str, out_dir: Path, hh_cmd: list[str] | None) -> list[str]:
    """The valgrind command line for one tool; profiles go to out_dir."""
    if tool == "none":
        return ["valgrind", "--tool=none"]
    if tool == "dhat":
        return ["valgrind", "--tool=dhat",
                f"--dhat-out-file={out_dir}/dhat.out.%p"]
    if tool == "heaphunt":
        assert hh_cmd is not None
        return [*hh_cmd, f"--heaphunt-out-file={out_dir}/heaphunt.out.%p"]
    raise ValueError(tool)


def run_once(cmd: list[str], env: dict[str, str], scratch: Path) -> tuple[Sample, str]:
    """Run cmd under GNU time; return the sample and the program's stderr."""
    time_file = scratch / "time.out"
    stderr_file = scratch / "stderr.out"
    full = [TIME_BIN, "-f", "%e %M", "-o", str(time_file), *cmd]
    with open(stderr_file, "w") as err:
        status = subprocess.run(full, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err).returncode
    stderr_text = stderr_file.read_text(errors="replace")
    if status != 0:
        die(f"'{shlex.join(cmd)}' exited with status {status}:\n"
            + stderr_text[-2000:])
    # GNU time writes "Command exited..." lines before the figures on failure;
    # the figures are always the last line.
    wall_s, rss_kb = time_file.read_text().split("\n")[-2].split()
    return Sample(float(wall_s), int(rss_kb)), stderr_text


def summary_lines(stderr_text: str) -> list[str]:
    return [f"{label} {' '.join(value.split())}"
            for label, value in SUMMARY_RE.findall(stderr_text)]


def run_benchmarks(workloads: list[Workload], tools: list[str], reps: int,
                   hh_cmd: list[str] | None) -> dict[str, Result]:
    # The same environment for every tool: heap numbers depend on it.
    env = dict(os.environ, LC_ALL="C")
    env.pop("HEAPHUNT_VG", None)
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench.", dir=BUILD_DIR) as tmp:
        scratch = Path(tmp)
        for w in workloads:
            result = Result({t: [] for t in tools}, {})
            for rep in range(reps):
                for tool in tools:
                    out_dir = scratch / "profiles"
                    out_dir.mkdir(exist_ok=True)
                    cmd = [*tool_command(tool, out_dir, hh_cmd), *w.argv]
                    sample, stderr_text = run_once(cmd, env, scratch)
                    shutil.rmtree(out_dir)
                    result.samples[tool].append(sample)
                    if rep == 0:
                        result.summaries[tool] = summary_lines(stderr_text)
                    note(f"{w.name:9} {tool:9} rep {rep + 1}/{reps}: "
                         f"{sample.wall_s:6.2f} s {sample.peak_rss_kb / 1024:7.1f} MiB")
            results[w.name] = result
    return results


def median_wall(samples: list[Sample]) -> float:
    return statistics.median(s.wall_s for s in samples)


def median_rss_mb(samples: list[Sample]) -> float:
    return statistics.median(s.peak_rss_kb for s in samples) / 1024


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator == 0:
        return "-"
    return f"{numerator / denominator:.2f}"


def table_rows(workloads: list[Workload], tools: list[str],
               results: dict[str, Result]) -> tuple[list[str], list[list[str]]]:
    header = ["workload"]
    header += [f"{t} s" for t in ALL_TOOLS]
    header += ["hh/dhat", "hh/none"]
    header += [f"{t} MiB" for t in ALL_TOOLS]
    header += ["hh/dhat RSS", "same numbers"]
    rows = []
    for w in workloads:
        r = results[w.name]
        wall = {t: median_wall(r.samples[t]) if t in tools else None
                for t in ALL_TOOLS}
        rss = {t: median_rss_mb(r.samples[t]) if t in tools else None
               for t in ALL_TOOLS}
        if "dhat" in tools and "heaphunt" in tools:
            dh, hh = r.summaries["dhat"], r.summaries["heaphunt"]
            same = "yes" if dh and dh == hh else "NO"
        else:
            same = "-"
        row = [w.name]
        row += [f"{wall[t]:.2f}" if wall[t] is not None else "-" for t in ALL_TOOLS]
        row += [ratio(wall["heaphunt"], wall["dhat"]),
                ratio(wall["heaphunt"], wall["none"])]
        row += [f"{rss[t]:.0f}" if rss[t] is not None else "-" for t in ALL_TOOLS]
        row += [ratio(rss["heaphunt"], rss["dhat"]), same]
        rows.append(row)
    return header, rows


def format_text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(cell.rjust(width) if i else cell.ljust(width)
                       for i, (cell, width) in enumerate(zip(line, widths)))
             for line in [header, *rows]]
    return "\n".join(lines)


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


def valgrind_version() -> str:
    done = subprocess.run(["valgrind", "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "valgrind (unknown version)"


def format_markdown(header: list[str], rows: list[list[str]], reps: int,
                    workloads: list[Workload]) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        f"Measured {today} on {machine_description()}; {valgrind_version()}; "
        f"median of {reps} runs; wall time in seconds, peak RSS in MiB "
        f"(GNU time's %M).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append("Workloads: " + "; ".join(
        f"`{w.name}`: {w.description}" for w in workloads) + ".")
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Wall time and peak RSS of heaphunt vs DHAT vs "
        "--tool=none on fixed workloads.")
    parser.add_argument("--reps", type=int, default=3,
                        help="runs per workload and tool; the median is reported "
                        "(default 3)")
    parser.add_argument("--workloads", default="",
                        help="comma-separated subset (churn,access,manylive,"
                        "memcpy,sort); default all")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS),
                        help="comma-separated subset of none,dhat,heaphunt "
                        "(default all; heaphunt is skipped with a note if it "
                        "is not built)")
    parser.add_argument("--markdown", type=Path,
                        help="also write the table as markdown to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.reps < 1:
        die(f"--reps must be at least 1 (got {args.reps})")
    tools = [t for t in args.tools.split(",") if t]
    for t in tools:
        if t not in ALL_TOOLS:
            die(f"--tools: unknown tool '{t}' (choose from {', '.join(ALL_TOOLS)})")
    tools = [t for t in ALL_TOOLS if t in tools]
    if shutil.which("valgrind") is None:
        die("valgrind is not installed: run scripts/install-deps.sh")
    ensure_time_bin()

    hh_cmd = heaphunt_command()
    if "heaphunt" in tools and hh_cmd is None:
        note("heaphunt is not built (no ./vg-in-place, HEAPHUNT_VG unset): "
             "skipping it; run ./autogen.sh && ./configure && make first")
        tools.remove("heaphunt")
    if not tools:
        die("no tool left to run")

    workloads = build_workloads()
    if args.workloads:
        wanted = args.workloads.split(",")
        known = {w.name for w in workloads}
        for name in wanted:
            if name not in known:
                die(f"--workloads: unknown workload '{name}' "
                    f"(choose from {', '.join(sorted(known))})")
        workloads = [w for w in workloads if w.name in wanted]

    results = run_benchmarks(workloads, tools, args.reps, hh_cmd)
    header, rows = table_rows(workloads, tools, results)
    print(format_text_table(header, rows))
    if args.markdown:
        args.markdown.write_text(format_markdown(header, rows, args.reps, workloads))
        note(f"wrote {args.markdown}")


if __name__ == "__main__":
    main()
