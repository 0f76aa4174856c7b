"""The benchmark's workloads: what each one runs and what it stresses.

A workload is a command line (a program from bench/workloads/*.c compiled
with -O2 -g, the Rust program bench/workloads/tokio_tasks built offline with
cargo, or a real program from Debian) plus the inputs it needs, which
this module generates deterministically under build/bench/.  Each workload
has a kind that decides which performance target applies to it (see
bench_report.py): "access" workloads are judged on heaphunt's overhead above
Valgrind's floor, "threaded" ones (several threads running guest code) on
their time against DHAT's with the threaded target, the others on their
wall time against DHAT's, and the "many-blocks" ones also on peak memory.  Scale workloads run once per
benchmark (they measure completion and memory per block or per site, not
a ratio to an error bar).

Every workload has a full size and a --quick size; the quick size only
checks that the benchmark works and gives figures of no value.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
WORKLOAD_DIR = REPO_DIR / "bench" / "workloads"
BUILD_DIR = REPO_DIR / "build" / "bench"

# The kinds of workload, one target each (bench_report.TARGETS).
ACCESS = "access"          # access-heavy: overhead above --tool=none vs DHAT's
THREADED = "threaded"      # several threads: time vs DHAT's, threaded target
OTHER = "other"            # everything else: wall time vs DHAT's

# Sizes, full and --quick.
CHURN_ITERS = (1_500_000, 50_000)
ACCESS_PASSES = (24, 1)
MEMCPY_SMALL_COPIES = (1_000_000, 20_000)
SMALLBLOCKS_N = (1_000_000, 50_000)
SMALLBLOCKS_ACCESSES = (1_000_000, 50_000)
MATMUL_N = (480, 40)
HASHTABLE_NODES = (400_000, 20_000)
HASHTABLE_LOG2_BUCKETS = (20, 14)
HASHTABLE_PASSES = (3, 1)
LEAK_ROUNDS = (40, 4)
SCALE_LIVE_N = (10_000_000, 200_000)
SCALE_SITES_DEPTH = (20, 12)
# The recursion's frames plus the leaf, malloc and main: see scale_sites.c.
SCALE_SITES_NUM_CALLERS = 24
SORT_LINES = (400_000, 20_000)
TEXT_BYTES = (2_000_000, 100_000)    # gzip's input
XZ_BYTES = (500_000, 50_000)         # xz's input (a prefix of gzip's)
PYTHON_ITEMS = (15_000, 2_000)
RUBY_ITEMS = (15_000, 2_000)
CC1_FUNCTIONS = (3, 1)
THREADPOOL_JOBS = (40_000, 2_000)
THREADPOOL_THREADS = 4
TOKIO_TASKS = (20_000, 1_000)


class WorkloadError(Exception):
    """A workload cannot be built or its program is missing."""


@dataclass
class Workload:
    name: str
    argv: list[str]           # the client program and its arguments
    description: str          # what it does and what it stresses
    kind: str = OTHER
    many_blocks: bool = False  # judged on peak memory against DHAT's too
    scale: bool = False        # run once: completion, memory per block/site
    valgrind_options: list[str] = field(default_factory=list)  # all tools
    live_blocks: int = 0       # blocks live at the peak (scale_live)
    sites: int = 0             # distinct allocation sites (scale_sites)
    skip_tools: dict[str, str] = field(default_factory=dict)  # tool -> why not run


def compile_workload(source: Path) -> Path:
    """cc -O2 -g -pthread; rebuilt only when the source or a header beside
    it is newer than the binary."""
    binary = BUILD_DIR / source.stem
    newest = max(p.stat().st_mtime for p in [source, *source.parent.glob("*.h")])
    if binary.exists() and binary.stat().st_mtime >= newest:
        return binary
    cmd = ["cc", "-O2", "-g", "-pthread", "-o", str(binary), str(source)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise WorkloadError(f"compiling {source} failed:\n{done.stderr}")
    return binary


def write_once(path: Path, text: str) -> Path:
    """Write text to path unless it already holds exactly that text."""
    if not path.exists() or path.read_text() != text:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text)
        tmp.rename(path)
    return path


def sort_input(n_lines: int) -> str:
    """Lines of four words and a number, from a fixed seed (22 B a line)."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
             "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]
    rng = random.Random(20240101)
    return "".join(" ".join(rng.choice(words) for _ in range(4))
                   + f" {rng.randrange(10**6)}\n" for _ in range(n_lines))


def text_input(n_bytes: int) -> str:
    """English-like text for the compressors: words from a small vocabulary
    with numbers, compressible the way logs are."""
    words = ["the", "heap", "block", "site", "alloc", "free", "peak", "read",
             "write", "copy", "stack", "frame", "bytes", "time", "leak"]
    rng = random.Random(20240202)
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        line = " ".join(rng.choice(words) for _ in range(rng.randrange(4, 12)))
        line += f" {rng.randrange(100_000)}\n"
        parts.append(line)
        size += len(line)
    return "".join(parts)[:n_bytes]


def python_script(n_items: int) -> str:
    """A small mixed Python workload: dicts, strings, json, re, sort."""
    return (
        "import collections, json, re\n"
        f"N = {n_items}\n"
        "words = ['w%d' % (i * 7919 % 5000) for i in range(2 * N)]\n"
        "counts = collections.Counter(words)\n"
        "text = json.dumps(sorted(counts.items()))\n"
        "total = sum(int(m.group(1)) for m in re.finditer(r'w(\\d+)', text))\n"
        "objs = [{'k': i, 'v': str(i) * 3} for i in range(N)]\n"
        "objs.sort(key=lambda o: o['v'])\n"
        "print(len(text), total, len(json.loads(text)), objs[0]['k'])\n")


def ruby_script(n_items: int) -> str:
    """The Ruby twin of python_script: hashes, strings, JSON, a regexp
    scan, sort_by (RubyGems loaded, as a Ruby program has it)."""
    return (
        "require 'json'\n"
        f"N = {n_items}\n"
        "words = (0...2 * N).map { |i| \"w#{i * 7919 % 5000}\" }\n"
        "counts = Hash.new(0)\n"
        "words.each { |w| counts[w] += 1 }\n"
        "text = JSON.generate(counts.sort)\n"
        "total = text.scan(/w(\\d+)/).sum { |m| m[0].to_i }\n"
        "objs = (0...N).map { |i| { 'k' => i, 'v' => i.to_s * 3 } }\n"
        "objs.sort_by! { |o| o['v'] }\n"
        "puts [text.size, total, JSON.parse(text).size, objs[0]['k']].join(' ')\n")


def cc1_source(n_functions: int) -> str:
    """A self-contained C file (no #include, so cc1 needs no search paths)
    with loops, a switch and pointer chasing: enough for -O2's passes."""
    lines = ["/* generated by bench/bench_workloads.py */",
             "struct rec { long key; double val; int tag; struct rec *next; };"]
    for i in range(n_functions):
        lines.append(f"""
long fn_{i}(struct rec *r, long n, double *out)
{{
    long acc = {i};
    for (long k = 0; k < n; k++) {{
        switch ((k + {i}) % 5) {{
        case 0: acc += r->key * {i + 3}; break;
        case 1: acc ^= (long)(r->val * {i}.5); break;
        case 2: out[k % 16] += (double)acc / ({i} + 1.0); break;
        case 3: r = r->next ? r->next : r; break;
        default: acc = acc * 31 + r->tag;
        }}
    }}
    return acc + (n > {i} ? n - {i} : {i});
}}""")
    return "\n".join(lines) + "\n"


def which_or_fail(name: str, package: str) -> str:
    path = shutil.which(name, path="/usr/bin:/bin")
    if path is None:
        raise WorkloadError(f"{name} is missing: install Debian's '{package}'")
    return path


def cc1_path() -> str:
    """cc1 itself: run directly, Valgrind sees the compiler proper without
    --trace-children (gcc is only a driver that forks it)."""
    done = subprocess.run(["gcc", "-print-prog-name=cc1"], capture_output=True,
                          text=True)
    path = done.stdout.strip()
    if done.returncode or not Path(path).is_file():
        raise WorkloadError("gcc's cc1 not found (gcc -print-prog-name=cc1)")
    return path


def build_tokio_tasks() -> str:
    """cargo build --release --offline of bench/workloads/tokio_tasks, from
    Debian's packaged tokio (librust-tokio-dev), into build/bench/."""
    if not Path("/usr/share/cargo/registry").is_dir() or not any(
            Path("/usr/share/cargo/registry").glob("tokio-1.*")):
        raise WorkloadError("Debian's librust-tokio-dev is missing: run "
                            "scripts/install-deps.sh")
    found = subprocess.run(["bash", str(REPO_DIR / "scripts" / "install-rust.sh")],
                           capture_output=True, text=True)
    if found.returncode:
        raise WorkloadError(f"scripts/install-rust.sh failed:\n{found.stderr}")
    cargo = found.stdout.strip().splitlines()[-1]
    target = BUILD_DIR / "tokio-target"
    env = {"PATH": f"{Path(cargo).parent}:/usr/bin:/bin",
           "HOME": str(Path.home()), "CARGO_TARGET_DIR": str(target)}
    done = subprocess.run([cargo, "build", "--release", "--offline", "--quiet"],
                          cwd=WORKLOAD_DIR / "tokio_tasks", env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise WorkloadError(f"building tokio_tasks failed:\n{done.stderr}")
    return str(target / "release" / "tokio-tasks")


def build_workloads(quick: bool) -> list[Workload]:
    """Compile the C workloads, generate the inputs, return every workload."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    size = 1 if quick else 0
    suffix = ".quick" if quick else ""
    bins = {src.stem: str(compile_workload(src))
            for src in sorted(WORKLOAD_DIR.glob("*.c"))}

    n_small = SMALLBLOCKS_N[size]
    leak_rounds = LEAK_ROUNDS[size]
    n_live = SCALE_LIVE_N[size]
    depth = SCALE_SITES_DEPTH[size]
    sort_in = write_once(BUILD_DIR / f"sort{suffix}.in", sort_input(SORT_LINES[size]))
    text = text_input(TEXT_BYTES[size])
    text_in = write_once(BUILD_DIR / f"text{suffix}.in", text)
    xz_in = write_once(BUILD_DIR / f"xz{suffix}.in", text[:XZ_BYTES[size]])
    py_script = write_once(BUILD_DIR / f"work{suffix}.py",
                           python_script(PYTHON_ITEMS[size]))
    rb_script = write_once(BUILD_DIR / f"work{suffix}.rb", ruby_script(RUBY_ITEMS[size]))
    cc1_in = write_once(BUILD_DIR / f"cc1{suffix}.c", cc1_source(CC1_FUNCTIONS[size]))
    tokio_tasks = build_tokio_tasks()
    n_jobs = THREADPOOL_JOBS[size]

    return [
        Workload("churn", [bins["churn"], str(CHURN_ITERS[size])],
                 f"{CHURN_ITERS[size]:,} malloc/free of 16..527 B, 64 live: the "
                 "allocation path"),
        Workload("access", [bins["access"], str(ACCESS_PASSES[size])],
                 f"3 x 8 MiB arrays, {ACCESS_PASSES[size]} stencil+dot passes: "
                 "the access path, few large blocks", kind=ACCESS),
        Workload("smallblocks", [bins["smallblocks"], str(n_small),
                                 str(SMALLBLOCKS_ACCESSES[size])],
                 f"{n_small:,} live blocks of 16..64 B, "
                 f"{SMALLBLOCKS_ACCESSES[size]:,} random read+write pairs, "
                 "shuffled frees: block lookup with no locality",
                 kind=ACCESS, many_blocks=True),
        Workload("matmul", [bins["matmul"], str(MATMUL_N[size])],
                 f"{MATMUL_N[size]} x {MATMUL_N[size]} matrix multiply of doubles, "
                 "vectorised: many accesses per instruction, on 3 blocks",
                 kind=ACCESS),
        Workload("hashtable", [bins["hashtable"], str(HASHTABLE_NODES[size]),
                               str(HASHTABLE_LOG2_BUCKETS[size]),
                               str(HASHTABLE_PASSES[size])],
                 f"{HASHTABLE_NODES[size]:,} 24-byte nodes in "
                 f"2^{HASHTABLE_LOG2_BUCKETS[size]} buckets, "
                 f"{HASHTABLE_PASSES[size]} lookup passes: pointer chasing "
                 "through small blocks with histograms", kind=ACCESS),
        Workload("memcpy", [bins["memcpy"], str(MEMCPY_SMALL_COPIES[size])],
                 f"1 MiB memcpy/memmove x{MEMCPY_SMALL_COPIES[size] // 5000}, "
                 f"{MEMCPY_SMALL_COPIES[size]:,} small copies: the str/mem "
                 "replacements and copy tracking"),
        Workload("leak", [bins["leak"], str(leak_rounds)],
                 f"3,000 allocating functions x {leak_rounds} rounds, 2/3 freed "
                 "at the peak: peak handling over thousands of sites"),
        Workload("sort", [which_or_fail("sort", "coreutils"), "-S", "64M",
                          "--parallel=1", str(sort_in), "-o", "/dev/null"],
                 f"GNU sort of {SORT_LINES[size]:,} lines "
                 f"({sort_in.stat().st_size / 1e6:.1f} MB)"),
        Workload("python3", ["/usr/bin/python3", str(py_script)],
                 f"CPython 3: Counter, json, re, sort over {PYTHON_ITEMS[size]:,} "
                 "items (PYTHONHASHSEED=0)"),
        Workload("ruby", [which_or_fail("ruby", "ruby"), str(rb_script)],
                 f"CRuby 3: Hash, JSON, a regexp scan, sort_by over "
                 f"{RUBY_ITEMS[size]:,} items, RubyGems loaded"),
        Workload("gzip", [which_or_fail("gzip", "gzip"), "-6", "-c", str(text_in)],
                 f"gzip -6 of {TEXT_BYTES[size] / 1e6:.1f} MB of text: no heap "
                 "at all, every access must be filtered out"),
        Workload("xz", [which_or_fail("xz", "xz-utils"), "-T1", "-2", "-c", str(xz_in)],
                 f"xz -2 of {XZ_BYTES[size] / 1e6:.1f} MB of text: a few large "
                 "heap blocks (the match finder) accessed at random"),
        Workload("cc1", [cc1_path(), "-quiet", "-O2", str(cc1_in), "-o", "/dev/null"],
                 f"gcc's cc1 -O2 on a generated file of {CC1_FUNCTIONS[size]} "
                 "functions: a large program, mostly Valgrind's translation cost"),
        Workload("threadpool", [bins["threadpool"], str(n_jobs),
                                str(THREADPOOL_THREADS)],
                 f"{THREADPOOL_THREADS} threads share {n_jobs:,} jobs of 8 KiB of "
                 "stack work each among heap blocks (the heap range covers "
                 "their stacks)", kind=THREADED),
        Workload("threadpool_main", [bins["threadpool"], str(n_jobs), "0"],
                 f"threadpool's {n_jobs:,} jobs on the main thread alone: "
                 "what the threads' work costs with one thread"),
        Workload("tokio", [tokio_tasks, str(TOKIO_TASKS[size])],
                 f"Tokio's multi-thread runtime (2 workers), {TOKIO_TASKS[size]:,} "
                 "tasks that allocate, parse on their stacks and send through "
                 "a channel", kind=THREADED),
        Workload("sort_parallel", [which_or_fail("sort", "coreutils"), "-S", "64M",
                                   "--parallel=2", str(sort_in), "-o", "/dev/null"],
                 f"GNU sort --parallel=2 of {SORT_LINES[size]:,} lines",
                 kind=THREADED),
        Workload("xz_threads", [which_or_fail("xz", "xz-utils"), "-T2", "-2",
                                f"--block-size={XZ_BYTES[size] // 2}", "-c",
                                str(xz_in)],
                 f"xz -T2 -2 of {XZ_BYTES[size] / 1e6:.1f} MB of text in two "
                 "blocks: two compressing threads",
                 kind=THREADED),
        Workload("scale_live", [bins["scale_live"], str(n_live)],
                 f"{n_live:,} live 16-byte blocks at the peak: memory per live "
                 "block", many_blocks=True, scale=True, live_blocks=n_live),
        Workload("scale_sites", [bins["scale_sites"], str(depth)],
                 f"binary recursion of depth {depth}: {2 ** depth:,} distinct "
                 f"allocation sites with --num-callers={SCALE_SITES_NUM_CALLERS}",
                 scale=True, sites=2 ** depth,
                 valgrind_options=[f"--num-callers={SCALE_SITES_NUM_CALLERS}"],
                 # Measured: 8,192 sites 0.9 s CPU, 32,768 sites 15.7 s.
                 skip_tools={} if quick else {
                     "dhat": "quadratic here: each free at the peak walks every "
                             "site, so 2^20 sites would take hours"}),
    ]
