"""Helpers for heaphunt's test suite: build test programs, run them under
heaphunt and under DHAT, and read back what each tool reported.

Everything here is plain functions and small dataclasses; pytest fixtures
live in conftest.py and only wire these together.

How a run works: a command is run as `<runner> --tool=<tool> --<tool>-out-file=F
<argv>` in a fresh directory, with one fixed environment (`fixed_env()`) so
that heaphunt and DHAT see exactly the same client environment: an
interpreter allocates per environment variable, and Python hashes strings
with a seed taken from PYTHONHASHSEED.  The profile (JSON) and the summary
that the tool prints on stderr are both parsed into `ToolRun`.

Expectations live in the test programs themselves (tests/programs/*.c,
*.cpp), in the header comment, in the shape of the tool's own summary plus
per-site lines; `parse_expectations()` reads them.  See
tests/programs/README.md for the format.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterable

REPO_DIR = Path(__file__).resolve().parent.parent

# The heaphunt package (python/) provides the fixed client environment.
sys.path.insert(0, str(REPO_DIR / "python"))
from heaphunt.runner import fixed_env as _package_fixed_env  # noqa: E402
TESTS_DIR = REPO_DIR / "tests"
PROGRAMS_DIR = TESTS_DIR / "programs"
BUILD_DIR = REPO_DIR / "build" / "tests"
ARTIFACTS_DIR = REPO_DIR / "build" / "test-artifacts"

# The five numbers both tools print at exit and put in the profile.
SUMMARY_FIELDS = ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")

# Per-site numbers whose meaning is the same in DHAT and heaphunt.  Not mb/mbk:
# heaphunt defines them as the site's own maximum, DHAT only updates them when
# the site sets a new global peak.
SITE_FIELDS_SHARED_WITH_DHAT = ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb", "tl")

# A frame string as DHAT writes it, checked against DHAT 3.19's own output:
#   "0x109163: main (basic.c:2)"
#   "0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)"
FRAME_SHAPE_RE = re.compile(r"^0x[0-9A-F]+: .+ \((in )?.+\)$")

_FRAME_PARTS_RE = re.compile(r"^0x[0-9A-Fa-f]+: (?P<fn>.*) \((?:in )?(?P<where>[^()]*)\)$")

# "==1234== Total:     1,000 bytes in 10 blocks"
_PID_PREFIX_RE = re.compile(r"^==\d+== ?")
_SUMMARY_LINE_RES = {
    ("tb", "tbk"): re.compile(r"^Total:\s+([\d,]+) bytes in ([\d,]+) blocks$"),
    ("gb", "gbk"): re.compile(r"^At t-gmax:\s+([\d,]+) bytes in ([\d,]+) blocks$"),
    ("eb", "ebk"): re.compile(r"^At t-end:\s+([\d,]+) bytes in ([\d,]+) blocks$"),
    ("rb",): re.compile(r"^Reads:\s+([\d,]+) bytes$"),
    ("wb",): re.compile(r"^Writes:\s+([\d,]+) bytes$"),
}


class TestSetupError(Exception):
    """Something the tests need is missing (a tool binary, a compiler)."""


# --------------------------------------------------------------------------
# Environment and runners
# --------------------------------------------------------------------------

def fixed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The one environment every client run gets, for both tools: the
    heaphunt package's fixed environment (built from scratch, so that the
    numbers of interpreted programs do not depend on the caller's shell),
    with the real HOME."""
    env = _package_fixed_env({"HOME": os.environ.get("HOME", "/root")})
    if extra:
        env.update(extra)
    return env


def heaphunt_runner() -> Path:
    """`$HEAPHUNT_VG` if set, else the in-place runner of the build tree."""
    override = os.environ.get("HEAPHUNT_VG")
    runner = Path(override) if override else REPO_DIR / "vg-in-place"
    if not runner.exists():
        raise TestSetupError(
            f"heaphunt runner {runner} does not exist: build the tool first "
            "(./autogen.sh && ./configure && make) or set HEAPHUNT_VG")
    return runner


def dhat_runner() -> Path:
    """The Valgrind that runs DHAT: `$DHAT_VG`, else the installed valgrind.

    Not heaphunt's runner: DHAT must keep working as the oracle while the
    tool is unbuilt or broken, and an in-tree build may not include DHAT.
    For the SDK build both are the same Valgrind core anyway.
    """
    return Path(os.environ.get("DHAT_VG") or "/usr/bin/valgrind")


# Both tools' clients see their tool directory (VALGRIND_LIB, and twice in
# LD_PRELOAD) through a symlink of a fixed length, whatever the checkout's
# path.  Python's reads and writes change with those lengths: by hundreds of
# bytes in millions, even between two DHAT runs whose VALGRIND_LIB differ by
# one character, and the same two lengths under the two tools can still
# disagree depending on how the dynamic linker rounds each preload's path in
# its own bookkeeping.  So the lengths are not derived from the checkout
# (a clone at one path agreed with DHAT, at another it did not): they are
# these two constants, under which the tools' clients agree.  DHAT's is 2
# longer because "heaphunt" is 4 longer than "dhat" and the directory appears
# twice in LD_PRELOAD: both LD_PRELOADs have the same length.  The contents
# of the paths do not matter, only their lengths.
HEAPHUNT_LIB_LINK_LENGTH = 20
DHAT_LIB_LINK_LENGTH = HEAPHUNT_LIB_LINK_LENGTH + 2

_lib_link_lock = threading.Lock()


def _fixed_length_link(prefix: str, length: int, target: Path) -> Path:
    """A symlink named prefix + padding, `length` characters long, to target;
    replaced atomically when it points elsewhere."""
    assert len(prefix) <= length, (prefix, length)
    link = Path(prefix + "x" * (length - len(prefix)))
    with _lib_link_lock:
        if not link.is_symlink() or os.readlink(link) != str(target):
            tmp_link = Path(f"{link}.tmp{os.getpid()}")
            tmp_link.unlink(missing_ok=True)
            tmp_link.symlink_to(target)
            os.replace(tmp_link, link)
    return link


def heaphunt_env_for_comparison() -> dict[str, str]:
    """VALGRIND_LIB for running this build's heaphunt with the installed
    valgrind as ./vg-in-place does, but through a fixed-length link (see
    HEAPHUNT_LIB_LINK_LENGTH).  Each checkout gets its own link (the name
    ends in a digest of its path).  Empty when heaphunt is not an SDK build
    of this checkout (HEAPHUNT_VG set, or nothing built)."""
    in_place = REPO_DIR / ".in_place"
    if os.environ.get("HEAPHUNT_VG") or not (in_place / "heaphunt-amd64-linux").exists():
        return {}
    digest = hashlib.sha1(str(REPO_DIR).encode()).hexdigest()
    prefix = "/tmp/hh-"
    name = prefix + digest[:HEAPHUNT_LIB_LINK_LENGTH - len(prefix)]
    return {"VALGRIND_LIB": str(_fixed_length_link(name, HEAPHUNT_LIB_LINK_LENGTH, in_place))}


def dhat_env_matching_heaphunt() -> dict[str, str]:
    """VALGRIND_LIB for DHAT, of the length that matches
    heaphunt_env_for_comparison (see HEAPHUNT_LIB_LINK_LENGTH).  Empty when
    DHAT is not installed where the link expects it."""
    dhat_dir = Path("/usr/libexec/valgrind")
    if not (dhat_dir / "vgpreload_dhat-amd64-linux.so").exists():
        return {}
    return {"VALGRIND_LIB": str(_fixed_length_link("/tmp/hh-dhat-lib-", DHAT_LIB_LINK_LENGTH,
                                                   dhat_dir))}


# Each tool's client runs in a directory of this name, the same length for
# both, since a program may read its working directory's path.
TOOL_DIR_NAMES = {"heaphunt": "hh", "dhat": "dh"}


# --------------------------------------------------------------------------
# Building test programs
# --------------------------------------------------------------------------

def program_source(name: str) -> Path:
    for suffix in (".c", ".cpp"):
        src = PROGRAMS_DIR / (name + suffix)
        if src.exists():
            return src
    raise TestSetupError(f"no test program {name}.c or {name}.cpp in {PROGRAMS_DIR}")


def all_program_names() -> list[str]:
    return sorted(p.stem for p in PROGRAMS_DIR.iterdir()
                  if p.suffix in (".c", ".cpp") and not p.name.startswith("."))


def programs_with_expectations() -> list[str]:
    """Test programs whose header comment has an "Expected...:" block."""
    names = []
    for name in all_program_names():
        text = program_source(name).read_text()
        if "Expected" in text.split("*/", 1)[0]:
            names.append(name)
    return names


def build_program(name: str) -> Path:
    """Compile tests/programs/<name>.c|.cpp at -O0 -g into build/tests/.

    Rebuilt only when the source or a header beside it is newer than the
    binary, so reruns cost nothing.
    """
    src = program_source(name)
    exe = BUILD_DIR / name
    exe.parent.mkdir(parents=True, exist_ok=True)  # name may be "reliability/x"
    headers = list(PROGRAMS_DIR.glob("*.h"))
    newest_input_mtime = max(p.stat().st_mtime for p in [src, *headers])
    if exe.exists() and exe.stat().st_mtime >= newest_input_mtime:
        return exe
    if src.suffix == ".cpp":
        cmd = ["g++", "-std=c++17"]
    else:
        cmd = ["gcc", "-std=gnu11"]
    tmp_exe = exe.with_name(exe.name + ".tmp")
    cmd += ["-O0", "-g", "-fno-omit-frame-pointer", "-fno-builtin", "-Wall",
            "-I", str(PROGRAMS_DIR), "-o", str(tmp_exe), str(src), "-pthread"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise TestSetupError(f"compiling {src} failed:\n{' '.join(cmd)}\n{proc.stderr}")
    os.replace(tmp_exe, exe)
    return exe


# --------------------------------------------------------------------------
# Parsing what a tool reports
# --------------------------------------------------------------------------

def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_summary(stderr: str) -> dict[str, int]:
    """The five summary lines of DHAT's (and heaphunt's) stderr, as numbers.

    Raises ValueError naming the missing lines if any is absent.
    """
    found: dict[str, int] = {}
    for raw in stderr.splitlines():
        line = _PID_PREFIX_RE.sub("", raw).strip()
        for keys, regex in _SUMMARY_LINE_RES.items():
            m = regex.match(line)
            if m:
                for key, value in zip(keys, m.groups()):
                    found[key] = _int(value)
    missing = [k for k in SUMMARY_FIELDS if k not in found]
    if missing:
        raise ValueError(f"summary lines for {missing} not found in stderr:\n{stderr}")
    return found


def frame_function(frame: str) -> str:
    """"0x1091A9: alloc_small (site.c:12)" -> "alloc_small";
    "0x10A0: alloc_plain() (new_delete.cpp:20)" -> "alloc_plain"."""
    m = _FRAME_PARTS_RE.match(frame)
    fn = m.group("fn") if m else frame
    return fn.split("(")[0].strip()


def is_preload_frame(frame: str) -> bool:
    """Frames inside a tool's preload (malloc, operator new...): DHAT shows
    them, heaphunt hides them.  Both are dropped before comparing sites."""
    return "vgpreload_" in frame


def decode_acc(acc: list[int]) -> list[int]:
    """Undo DHAT's run-length encoding: "-N,M" is N entries of value M."""
    out: list[int] = []
    i = 0
    while i < len(acc):
        if acc[i] < 0:
            out.extend([acc[i + 1]] * -acc[i])
            i += 2
        else:
            out.append(acc[i])
            i += 1
    return out


@dataclasses.dataclass
class Site:
    """One program point ("pps" entry) with its frames resolved."""
    numbers: dict[str, int]
    frames: list[str]             # frame strings, preload frames removed
    acc: list[int] | None         # decoded per-offset histogram, if any

    @property
    def function(self) -> str:
        return frame_function(self.frames[0]) if self.frames else "[none]"


@dataclasses.dataclass
class ToolRun:
    tool: str                     # "heaphunt" or "dhat"
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    out_dir: Path                 # where the profile was written
    profile_path: Path
    profile: dict[str, Any] | None
    summary: dict[str, int] | None

    @property
    def sites(self) -> list[Site]:
        assert self.profile is not None, f"{self.tool} wrote no profile:\n{self.stderr}"
        ftbl = self.profile["ftbl"]
        sites = []
        for pp in self.profile["pps"]:
            frames = [ftbl[i] for i in pp["fs"]]
            frames = [f for f in frames if not is_preload_frame(f)]
            numbers = {k: v for k, v in pp.items() if isinstance(v, int)}
            acc = decode_acc(pp["acc"]) if "acc" in pp else None
            sites.append(Site(numbers, frames, acc))
        return sites

    def sites_by_function(self) -> dict[str, dict[str, int]]:
        """Per-site numbers summed over every pp whose first (non-preload)
        frame is in the same function."""
        return _sum_sites(self.sites, lambda s: s.function)

    def sites_by_stack(self) -> dict[tuple[str, ...], dict[str, int]]:
        """Per-site numbers keyed by the full frame list (preload frames
        removed), summed where two pps have the same list."""
        return _sum_sites(self.sites, lambda s: tuple(s.frames))

    def site_acc(self, function: str) -> list[int] | None:
        matches = [s for s in self.sites if s.function == function]
        assert len(matches) == 1, (
            f"{self.tool}: expected one site in {function}, got {len(matches)}")
        return matches[0].acc

    def describe(self) -> str:
        return (f"{self.tool} run of {' '.join(self.argv)} (exit {self.returncode}),"
                f" profile {self.profile_path}\n--- stderr ---\n{self.stderr}")


def _sum_sites(sites: Iterable[Site], key) -> dict:
    out: dict = {}
    for site in sites:
        acc = out.setdefault(key(site), {f: 0 for f in SITE_FIELDS_SHARED_WITH_DHAT})
        for field in SITE_FIELDS_SHARED_WITH_DHAT:
            acc[field] += site.numbers.get(field, 0)
    return out


# --------------------------------------------------------------------------
# Running a tool
# --------------------------------------------------------------------------

def run_tool(tool: str, argv: list[str], out_dir: Path, *,
             extra_options: list[str] | None = None,
             env: dict[str, str] | None = None,
             stdin_path: Path | None = None,
             timeout_s: float = 600) -> ToolRun:
    """Run argv under `tool` ("heaphunt" or "dhat") in out_dir.

    Callers comparing the two tools give them directories whose paths have
    the same length (see TOOL_DIR_NAMES).

    The profile goes to out_dir/<tool>.json.  A missing or unparsable profile
    or summary is recorded as None, not raised, so that tests about those
    failures can look at them.
    """
    if tool == "heaphunt":
        runner = heaphunt_runner()
        out_option = "--heaphunt-out-file"
    elif tool == "dhat":
        runner = dhat_runner()
        out_option = "--dhat-out-file"
    else:
        raise ValueError(f"unknown tool {tool!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile_path = out_dir / f"{tool}.json"
    env = dict(env or fixed_env())
    if tool == "dhat" and "DHAT_VG" not in os.environ:
        env.update(dhat_env_matching_heaphunt())
    if tool == "heaphunt":
        comparison_env = heaphunt_env_for_comparison()
        if comparison_env:
            # What ./vg-in-place runs (the valgrind on PATH with this
            # build's tool directory), with the fixed-length directory.
            env.update(comparison_env)
            runner = Path(shutil.which("valgrind") or "/usr/bin/valgrind")
    cmd = [str(runner), f"--tool={tool}", f"{out_option}={profile_path}",
           *(extra_options or []), *argv]
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        proc = subprocess.run(cmd, cwd=out_dir, env=env,
                              stdin=stdin, capture_output=True, timeout=timeout_s)
    finally:
        if stdin_path:
            stdin.close()
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    profile = None
    if profile_path.exists():
        try:
            with open(profile_path) as f:
                profile = json.load(f)
        except ValueError:
            profile = None
    try:
        summary = parse_summary(stderr)
    except ValueError:
        summary = None
    return ToolRun(tool, argv, proc.returncode, stdout, stderr, out_dir,
                   profile_path, profile, summary)


def json_totals(run: ToolRun) -> dict[str, int]:
    """The global numbers from a profile: heaphunt's "hhTotals"."""
    assert run.profile is not None, run.describe()
    return {k: run.profile["hhTotals"][k] for k in SUMMARY_FIELDS}


def pps_totals(run: ToolRun) -> dict[str, int]:
    """Global numbers recomputed from the per-site entries of a profile."""
    assert run.profile is not None, run.describe()
    return {k: sum(pp[k] for pp in run.profile["pps"]) for k in SUMMARY_FIELDS}


# --------------------------------------------------------------------------
# Expectations written in the test programs
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Expectations:
    summary: dict[str, int]
    sites: dict[str, dict[str, int]]          # function -> field -> value
    accs: dict[str, list[int]]                # function -> decoded histogram
    options: list[str]                        # extra tool options, if any
    args: list[str]                           # program arguments, if any
    stdout: str | None                        # the program's whole stdout


_EXPECT_SITE_RE = re.compile(r"^site (?P<fn>\S+):\s+(?P<fields>.*)$")
_EXPECT_ACC_RE = re.compile(r"^acc (?P<fn>\S+):\s+(?P<rle>.*)$")


def parse_expectations(name: str) -> Expectations:
    """Read the "Expected:" block of a test program's header comment.

    Lines (each after the comment's leading " * ", in any order):
      Total:     1,000 bytes in 10 blocks      (the tool's own summary shape)
      At t-gmax: ..., At t-end: ..., Reads: ..., Writes: ...
      site FN: tb=1000 tbk=10 ...              (sum over sites whose first
                                                frame is in function FN)
      acc FN: -100,1                           (DHAT's run-length encoding)
      options: --histogram-max=16              (extra options for both tools)
      args: a b c                              (program arguments)
      stdout: usable 100                       (the program's stdout, stripped)
    A summary line left out means "not derived by hand": that number is
    then only compared with DHAT's.
    """
    lines: list[str] | None = None
    for raw in program_source(name).read_text().splitlines():
        stripped = raw.strip()
        if lines is None:
            if re.match(r"^\*?\s*Expected\b.*:$", stripped):
                lines = []
            continue
        # The block ends at a blank comment line or at the comment's end.
        if stripped in ("*", "") or stripped.startswith("*/"):
            break
        lines.append(re.sub(r"^\*\s?", "", stripped).strip())
    if lines is None:
        raise TestSetupError(f"{name}: no 'Expected...:' line in its header comment")
    summary: dict[str, int] = {}
    sites: dict[str, dict[str, int]] = {}
    accs: dict[str, list[int]] = {}
    options: list[str] = []
    args: list[str] = []
    stdout: str | None = None
    for line in lines:
        if not line:
            continue
        matched = False
        for keys, regex in _SUMMARY_LINE_RES.items():
            sm = regex.match(line)
            if sm:
                summary.update({k: _int(v) for k, v in zip(keys, sm.groups())})
                matched = True
        if matched:
            continue
        if sm := _EXPECT_SITE_RE.match(line):
            fields = dict(kv.split("=") for kv in sm.group("fields").split())
            sites[sm.group("fn")] = {k: _int(v) for k, v in fields.items()}
        elif am := _EXPECT_ACC_RE.match(line):
            accs[am.group("fn")] = decode_acc(
                [int(x) for x in am.group("rle").replace(" ", "").split(",")])
        elif line.startswith("options:"):
            options = line.split(":", 1)[1].split()
        elif line.startswith("args:"):
            args = line.split(":", 1)[1].split()
        elif line.startswith("stdout:"):
            stdout = line.split(":", 1)[1].strip()
        else:
            raise TestSetupError(f"{name}: cannot read expectation line {line!r}")
    if not summary:
        raise TestSetupError(f"{name}: Expected block has no summary lines")
    return Expectations(summary, sites, accs, options, args, stdout)


def diff_numbers(expected: dict[str, int], got: dict[str, int]) -> str:
    """"tb: expected 1000, got 900" lines for every field that differs."""
    lines = [f"  {k}: expected {expected[k]}, got {got.get(k)}"
             for k in expected if got.get(k) != expected[k]]
    return "\n".join(lines)
