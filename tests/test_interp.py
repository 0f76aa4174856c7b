"""Interpreted frames (docs/interpreters.md): Python and Ruby lines in the
allocation stacks of Debian's unmodified /usr/bin/python3 (3.11) and
/usr/bin/ruby (3.1).

- tests/programs/interp/lines.py and lines.rb allocate blocks whose sizes
  their comments derive from the interpreters' sources, each at a marked
  line; the sites must name those lines (and their callers' lines) and
  hold exactly those bytes and blocks.
- The numbers DHAT also computes are DHAT's, with interpreted frames on;
  --interp-frames=no gives native stacks and the same numbers; two runs
  give the same profile.
- An interpreter heaphunt cannot read (another version, a debug build, a
  memory layout that is not the one heaphunt knows: fake_python.c,
  fake_ruby.c) gives native frames and one line saying so.
- examples/interpreters/notifications.rb (Debian's ruby-activesupport):
  the array in which an open event keeps its children is named by the
  Ruby code that appends to it.
- tool/hh_interp_layouts.h is what scripts/gen-interp-layouts.sh makes.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

import heaphunt_testlib as lib

INTERP_DIR = lib.PROGRAMS_DIR / "interp"
EXAMPLES_DIR = lib.REPO_DIR / "examples" / "interpreters"
BUILD_DIR = lib.BUILD_DIR / "interp"

# "0x0: make_str [python] (/path/lines.py:23)", "0x0: * [ruby] (<cfunc>)"
INTERP_FRAME_RE = re.compile(
    r"^0x0: (?P<fn>.*) \[(?P<lang>python|ruby)\] \((?P<where>[^()]*)\)$")
ANNOUNCE_RE = re.compile(r"heaphunt: (Python|Ruby) \S+ frames in allocation stacks")


@dataclasses.dataclass(frozen=True)
class Frame:
    fn: str
    where: str     # "file:line" or "<cfunc>"


def interp_frames(site: lib.Site) -> tuple[Frame, ...]:
    out = []
    for frame in site.frames:
        m = INTERP_FRAME_RE.match(frame)
        if m:
            out.append(Frame(m.group("fn"), m.group("where")))
    return tuple(out)


def marker_lines(script: Path) -> dict[str, int]:
    """Line numbers of the `# NAME_LINE` markers in a script."""
    lines = {}
    for number, text in enumerate(script.read_text().splitlines(), start=1):
        m = re.search(r"#.*?\b([A-Z]+(?:_[A-Z]+)*_LINE)\s*$", text)
        if m:
            lines[m.group(1)] = number
    return lines


def numbers_at(run: lib.ToolRun, stack: tuple[Frame, ...],
               native: str | None = None) -> dict[str, int]:
    """tb, tbk, eb, ebk summed over the sites whose interpreted frames are
    `stack` (innermost first), and which have the native frame `native`
    if given."""
    out = {"tb": 0, "tbk": 0, "eb": 0, "ebk": 0}
    for site in run.sites:
        if interp_frames(site) != stack:
            continue
        if native is not None and not any(lib.frame_function(f) == native
                                          for f in site.frames):
            continue
        for key in out:
            out[key] += site.numbers.get(key, 0)
    return out


def tool_lines(stderr: str) -> list[str]:
    """The tool's own "heaphunt: ..." lines (Valgrind's ==PID== stripped)."""
    lines = [re.sub(r"^==\d+== ?", "", line) for line in stderr.splitlines()]
    return [line for line in lines if line.startswith("heaphunt: ")]


def ruby() -> str:
    proc = subprocess.run(["bash", str(lib.REPO_DIR / "scripts" / "install-ruby.sh")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"scripts/install-ruby.sh failed:\n{proc.stderr}")
    return proc.stdout.strip().splitlines()[-1]


def run(tool: str, argv: list[str], out_dir: Path, *, options=(), env=None) -> lib.ToolRun:
    result = lib.run_tool(tool, argv, out_dir, extra_options=list(options), env=env)
    assert result.returncode == 0, result.describe()
    assert result.profile is not None and result.summary is not None, result.describe()
    return result


# --------------------------------------------------------------------------
# Python: lines.py
# --------------------------------------------------------------------------

PY_SCRIPT = INTERP_DIR / "lines.py"


def list_growth(n_appends: int, visible_above: int) -> tuple[int, int, int]:
    """(bytes, blocks, final bytes) of a list's item array after n appends,
    by list_resize's rule quoted in lines.py: when the new length n exceeds
    the capacity, realloc to (n + n // 8 + 6) & ~3 slots of 8 bytes.  Only
    arrays larger than `visible_above` bytes are malloc'ed (pymalloc serves
    up to 512 bytes)."""
    capacity, total_bytes, blocks = 0, 0, 0
    for length in range(n_appends):
        n = length + 1
        if n <= capacity:
            continue
        capacity = (n + (n >> 3) + 6) & ~3
        if capacity * 8 > visible_above:
            total_bytes += capacity * 8
            blocks += 1
    return total_bytes, blocks, capacity * 8


@pytest.fixture(scope="module", params=["pymalloc", "malloc"])
def python_run(request, tmp_path_factory):
    extra = {"PYTHONMALLOC": "malloc"} if request.param == "malloc" else {}
    out = tmp_path_factory.mktemp(f"py-{request.param}")
    return request.param, run("heaphunt", ["/usr/bin/python3", str(PY_SCRIPT)], out,
                              options=["--accesses=no"], env=lib.fixed_env(extra))


def test_python_lines_have_their_bytes(python_run):
    mode, result = python_run
    lines = marker_lines(PY_SCRIPT)
    path = str(PY_SCRIPT)

    def at(fn, marker):
        return Frame(fn, f"{path}:{lines[marker]}")

    module = Frame("<module>", f"{path}:{lines['MODULE_LINE']}")
    expected = {
        # "x" * 1,000,000: 48-byte header + characters + NUL.
        (at("make_str", "STR_LINE"), module): (1_000_049, 1, 1_000_049, 1),
        (at("make_str", "STR_LINE"), at("nested", "NESTED_LINE"), module):
            (1_000_049, 1, 1_000_049, 1),
        # b"y" * 2,000,000: PyBytesObject_SIZE (33) + bytes.
        (at("make_bytes", "BYTES_LINE"), module): (2_000_033, 1, 2_000_033, 1),
        # [None] * 100,000: the item array; with PYTHONMALLOC=malloc also
        # the one-slot array of [None] (8 bytes, freed at once).
        (at("make_list", "LIST_LINE"), module):
            (800_000, 1, 800_000, 1) if mode == "pymalloc" else (800_008, 2, 800_000, 1),
    }
    growth_bytes, growth_blocks, final_bytes = list_growth(
        10_000, visible_above=512 if mode == "pymalloc" else 0)
    expected[(at("grow_list", "APPEND_LINE"), module)] = (
        growth_bytes, growth_blocks, final_bytes, 1)
    for stack, (tb, tbk, eb, ebk) in expected.items():
        got = numbers_at(result, stack)
        assert got == {"tb": tb, "tbk": tbk, "eb": eb, "ebk": ebk}, (
            f"{mode}: sites of {[f'{f.fn} ({f.where})' for f in stack]}: "
            f"expected tb={tb} tbk={tbk} eb={eb} ebk={ebk}, got {got}")


# The shape importers of DHAT files read a frame with: address, function,
# then one parenthesised location ending the string, "in OBJECT" or
# "FILE[:LINE[:COLUMN]]" (the Firefox Profiler's DHAT importer, for one).
IMPORTER_FRAME_RE = re.compile(
    r"^0x([0-9a-f]+): (.+) \((?:in )?(.+?)(?::(\d+))?(?::(\d+))?\)$", re.I)


def test_python_frames_keep_the_shape_dhat_importers_read(python_run):
    """Each interpreted frame parses as function, file and line."""
    _, result = python_run
    lines = marker_lines(PY_SCRIPT)
    frames = {f for s in result.sites for f in s.frames if INTERP_FRAME_RE.match(f)}
    assert frames
    for frame in frames:
        m = IMPORTER_FRAME_RE.match(frame)
        assert m is not None, frame
        interp = INTERP_FRAME_RE.match(frame)
        assert m.group(2) == f"{interp.group('fn')} [python]", frame
    wanted = f"0x0: make_str [python] ({PY_SCRIPT}:{lines['STR_LINE']})"
    m = IMPORTER_FRAME_RE.match(wanted)
    assert wanted in frames and (m.group(3), m.group(4)) == (str(PY_SCRIPT),
                                                              str(lines["STR_LINE"]))


def test_check_selects_sites_by_python_function(python_run):
    """`heaphunt check --site FUNC:METRIC<=N` names a Python function as it
    names a C one: make_str's two strings, 2 x 1,000,049 bytes."""
    _, result = python_run
    heaphunt = lib.REPO_DIR / "bin" / "heaphunt"
    ok = subprocess.run([str(heaphunt), "check", str(result.profile_path),
                         "--site", "make_str:tb<=2000098"], capture_output=True, text=True)
    over = subprocess.run([str(heaphunt), "check", str(result.profile_path),
                           "--site", "make_str:tb<=2000097"], capture_output=True, text=True)
    assert (ok.returncode, over.returncode) == (0, 1), ok.stdout + ok.stderr + over.stdout


def test_python_frames_are_announced_once(python_run):
    _, result = python_run
    announced = [line for line in tool_lines(result.stderr) if ANNOUNCE_RE.match(line)]
    assert announced == [
        "heaphunt: Python 3.11.2 frames in allocation stacks (/usr/bin/python3.11); "
        "--interp-frames=no turns them off"], result.stderr


def test_python_interpreted_frames_replace_the_eval_loop(python_run):
    """The string's stack: CPython's C frames above, then the Python frames
    where _PyEval_EvalFrameDefault was, then the native frames below it."""
    _, result = python_run
    lines = marker_lines(PY_SCRIPT)
    wanted = f"0x0: make_str [python] ({PY_SCRIPT}:{lines['STR_LINE']})"
    sites = [s for s in result.sites if wanted in s.frames
             and interp_frames(s)[1].fn == "<module>"]
    assert len(sites) == 1, [s.frames for s in sites]
    frames = sites[0].frames
    first = frames.index(wanted)
    assert first > 0 and INTERP_FRAME_RE.match(frames[first - 1]) is None, frames
    assert frames[first + 1] == f"0x0: <module> [python] ({PY_SCRIPT}:{lines['MODULE_LINE']})"
    assert "_PyEval_EvalFrameDefault" not in [lib.frame_function(f) for f in frames]
    assert lib.frame_function(frames[first + 2]) == "PyEval_EvalCode", frames


# --------------------------------------------------------------------------
# Ruby: lines.rb
# --------------------------------------------------------------------------

RB_SCRIPT = INTERP_DIR / "lines.rb"


def array_growth(n_pushes: int) -> tuple[int, int, int]:
    """(bytes, blocks, final bytes) malloc'ed for an array after n pushes,
    by ary_double_capa's rule quoted in lines.rb: past the capacity (3
    embedded slots at first) the new capacity is capa // 2, at least 16,
    plus the new length; buffers of up to 2 KiB stay in the transient
    heap, the first larger one is malloc'ed and the rest realloc'ed."""
    capacity, total_bytes, blocks = 3, 0, 0
    for length in range(n_pushes):
        n = length + 1
        if n <= capacity:
            continue
        capacity = max(capacity // 2, 16) + n
        if blocks > 0 or capacity * 8 > 2048:
            total_bytes += capacity * 8
            blocks += 1
    return total_bytes, blocks, capacity * 8


@pytest.fixture(scope="module")
def ruby_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("rb")
    return run("heaphunt", [ruby(), "--disable-gems", str(RB_SCRIPT)], out,
               options=["--accesses=no"])


def test_ruby_lines_have_their_bytes(ruby_run):
    lines = marker_lines(RB_SCRIPT)
    path = str(RB_SCRIPT)

    def at(fn, marker):
        return Frame(fn, f"{path}:{lines[marker]}")

    main = Frame("<main>", f"{path}:{lines['MAIN_LINE']}")
    cfunc = lambda name: Frame(name, "<cfunc>")  # noqa: E731
    growth_bytes, growth_blocks, final_bytes = array_growth(10_000)
    # Methods are named by their owner as Ruby 3.4 names them: a method
    # defined at the top level belongs to Object.
    expected = [
        # String#*: the characters and a NUL.
        ((cfunc("String#*"), at("Object#make_string", "STRING_LINE"), main),
         "rb_str_times", (1_000_001, 1, 1_000_001, 1)),
        ((cfunc("String#*"), at("Object#make_string", "STRING_LINE"),
          at("Object#nested", "NESTED_LINE"), main),
         "rb_str_times", (1_000_001, 1, 1_000_001, 1)),
        # Array.new(100,000): Class#new calls Array#initialize, which
        # mallocs 100,000 slots of 8 bytes.
        ((cfunc("Array#initialize"), cfunc("Class#new"),
          at("Object#make_array", "ARRAY_LINE"), main), None, (800_000, 1, 800_000, 1)),
        # items << i, in the block Integer#times calls.
        ((Frame("block in Object#grow_array", f"{path}:{lines['PUSH_LINE']}"),
          cfunc("Integer#times"), at("Object#grow_array", "PUSH_LINE"), main),
         "rb_ary_push", (growth_bytes, growth_blocks, final_bytes, 1)),
    ]
    for stack, native, (tb, tbk, eb, ebk) in expected:
        got = numbers_at(ruby_run, stack, native)
        assert got == {"tb": tb, "tbk": tbk, "eb": eb, "ebk": ebk}, (
            f"sites of {[f'{f.fn} ({f.where})' for f in stack]} through {native}: "
            f"expected tb={tb} tbk={tbk} eb={eb} ebk={ebk}, got {got}")


def test_ruby_frames_are_announced_once(ruby_run):
    announced = [line for line in tool_lines(ruby_run.stderr) if ANNOUNCE_RE.match(line)]
    assert len(announced) == 1 and announced[0].startswith(
        "heaphunt: Ruby 3.1.2 frames in allocation stacks (/usr/lib/"), ruby_run.stderr


NAMES = INTERP_DIR / "names.rb"


@pytest.fixture(scope="module")
def names_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("rb-names")
    return run("heaphunt", [ruby(), "--disable-gems", str(NAMES)], out,
               options=["--accesses=no", "-v"])


def string_at(result: lib.ToolRun, fn: str, where: str) -> tuple[int, int]:
    """(bytes, blocks) of the strings String#* built in frame `fn` at `where`."""
    tb = tbk = 0
    for site in result.sites:
        frames = interp_frames(site)
        if frames[:2] == (Frame("String#*", "<cfunc>"), Frame(fn, where)):
            tb += site.numbers["tb"]
            tbk += site.numbers["tbk"]
    return tb, tbk


def test_ruby_frames_are_named_by_the_methods_owner(names_run):
    lines = marker_lines(NAMES)
    expected = [("Greeting.shout", "SINGLETON_LINE", 31),
                ("Greeting#wave", "MODULE_LINE", 41),
                ("block in Host#call", "BLOCK_LINE", 51),
                ("make", "ANON_LINE", 61),
                ("block (2 levels) in with_define_method", "BMETHOD_LINE", 71)]
    got = {fn: string_at(names_run, fn, f"{NAMES}:{lines[marker]}")
           for fn, marker, _ in expected}
    assert got == {fn: (size, 1) for fn, _, size in expected}, got


def test_ruby_names_follow_classes_that_die(names_run):
    """Kn#build builds 2,001 + n bytes; a class that died and another
    at its address must not share a name."""
    where = f"{NAMES}:{marker_lines(NAMES)['DYING_LINE']}"
    got = {n: string_at(names_run, f"K{n}#build", where) for n in range(60)}
    assert got == {n: (2001 + n, 1) for n in range(60)}, got
    m = re.search(r"names from contexts forgotten ([\d,]+) times", names_run.stderr)
    assert m and int(m.group(1).replace(",", "")) > 0, names_run.stderr[-3000:]


# --------------------------------------------------------------------------
# Same numbers as DHAT, with frames on or off; the same profile every run
# --------------------------------------------------------------------------

def interpreter_argv(which: str) -> list[str]:
    if which == "python":
        return ["/usr/bin/python3", str(PY_SCRIPT)]
    return [ruby(), "--disable-gems", str(RB_SCRIPT)]


def env_of_equal_length(tool: str) -> dict[str, str]:
    """fixed_env, with the environment's total length the same under both
    tools.  DHAT's VALGRIND_LIB is 2 characters longer than heaphunt's
    (heaphunt_testlib.dhat_env_matching_heaphunt); Ruby copies every
    variable at start-up (to make room for $0), so the 2 characters are
    2 bytes more in DHAT's run: heaphunt's run gets them in HH_TEST_PAD."""
    dhat_lib = lib.dhat_env_matching_heaphunt().get("VALGRIND_LIB")
    pad = 2 if dhat_lib else 0
    return lib.fixed_env({"HH_TEST_PAD": "x" * pad if tool == "heaphunt" else ""})


@pytest.mark.parametrize("which", ["python", "ruby"])
def test_interpreted_frames_keep_dhats_numbers(which, tmp_path):
    """Ruby randomises its hash seed at start-up, so its reads and writes
    differ from run to run even under one tool: for Ruby only the heap
    numbers are compared."""
    argv = interpreter_argv(which)
    runs = {}
    for tool in ("heaphunt", "dhat"):
        runs[tool] = run(tool, argv, tmp_path / lib.TOOL_DIR_NAMES[tool],
                         env=env_of_equal_length(tool))
    hh, dh = runs["heaphunt"].summary, runs["dhat"].summary
    if which == "ruby":
        hh = {k: v for k, v in hh.items() if k not in ("rb", "wb")}
        dh = {k: v for k, v in dh.items() if k not in ("rb", "wb")}
    assert hh == dh, lib.diff_numbers(dh, hh)
    assert any(interp_frames(s) for s in runs["heaphunt"].sites)


@pytest.mark.parametrize("which", ["python", "ruby"])
def test_interp_frames_off_gives_native_stacks_and_the_same_numbers(which, tmp_path):
    on = run("heaphunt", interpreter_argv(which), tmp_path / "on", options=["--accesses=no"])
    off = run("heaphunt", interpreter_argv(which), tmp_path / "of",
              options=["--accesses=no", "--interp-frames=no"])
    assert not any(interp_frames(s) for s in off.sites)
    assert not any(ANNOUNCE_RE.match(line) for line in tool_lines(off.stderr))
    assert on.summary == off.summary, lib.diff_numbers(off.summary, on.summary)


HEAP_FIELDS = ("tb", "tbk", "gb", "gbk", "eb", "ebk")


@pytest.mark.parametrize("which", ["python", "ruby"])
def test_interpreted_frames_are_the_same_every_run(which, tmp_path):
    """Every site, frames and heap numbers.  (Not the times: Ruby's random
    hash seed changes how many instructions its hash tables take.)"""
    runs = [run("heaphunt", interpreter_argv(which), tmp_path / name,
                options=["--accesses=no"]) for name in ("r1", "r2")]
    first, second = ({stack: tuple(numbers[k] for k in HEAP_FIELDS)
                      for stack, numbers in r.sites_by_stack().items()} for r in runs)
    assert first == second


# --------------------------------------------------------------------------
# Interpreters heaphunt cannot read
# --------------------------------------------------------------------------

def build_fakes() -> dict[str, Path]:
    """fake_python (and its debug-build twin), and fake_ruby with its
    library, of version 3.1.2 and 3.2.0 (in a directory of its own, chosen
    with LD_LIBRARY_PATH)."""
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    tool_dir = lib.REPO_DIR / "tool"
    base = ["gcc", "-std=gnu11", "-O0", "-g", "-Wall", "-I", str(tool_dir)]
    (BUILD_DIR / "v320").mkdir(exist_ok=True)
    steps = {
        "fake_python": base + ["-o", str(BUILD_DIR / "fake_python"),
                               str(INTERP_DIR / "fake_python.c"), "-pthread"],
        "fake_python_debug": base + ["-DFAKE_DEBUG_BUILD", "-o",
                                     str(BUILD_DIR / "fake_python_debug"),
                                     str(INTERP_DIR / "fake_python.c"), "-pthread"],
        "libfake_ruby": base + ["-shared", "-fPIC", "-ftls-model=global-dynamic", "-o",
                                str(BUILD_DIR / "libfake_ruby.so"),
                                str(INTERP_DIR / "fake_libruby.c")],
        "libfake_ruby_320": base + ["-shared", "-fPIC", "-ftls-model=global-dynamic",
                                    '-DFAKE_RUBY_VERSION="3.2.0"', "-o",
                                    str(BUILD_DIR / "v320" / "libfake_ruby.so"),
                                    str(INTERP_DIR / "fake_libruby.c")],
        "fake_ruby": base + ["-o", str(BUILD_DIR / "fake_ruby"),
                             str(INTERP_DIR / "fake_ruby.c"), f"-L{BUILD_DIR}",
                             "-lfake_ruby", f"-Wl,-rpath,{BUILD_DIR}"],
    }
    for name, cmd in steps.items():
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.fail(f"building {name} failed:\n{' '.join(cmd)}\n{proc.stderr}")
    return {"python": BUILD_DIR / "fake_python",
            "python_debug": BUILD_DIR / "fake_python_debug",
            "ruby": BUILD_DIR / "fake_ruby"}


@pytest.fixture(scope="module")
def fakes():
    return build_fakes()


FAKE_CASES = {
    # case: (program, mode, libruby directory or None, eval function, the line)
    "python-version": ("python", "version", None, "_PyEval_EvalFrameDefault",
                       "runs _PyEval_EvalFrameDefault but is not an interpreter heaphunt "
                       "can read (it is Python 3.12.0; heaphunt reads Python 3.11.2)"),
    "python-debug": ("python_debug", "wrong-type", None, "_PyEval_EvalFrameDefault",
                     "runs _PyEval_EvalFrameDefault but is not an interpreter heaphunt "
                     "can read (it is a debug build, which exports _Py_RefTotal; "
                     "heaphunt reads release builds)"),
    "python-unmapped": ("python", "unmapped", None, "_PyEval_EvalFrameDefault",
                        "cannot read the frames of Python 3.11.2 in {exe} (a cframe "
                        "cannot be read)"),
    "python-wrong-type": ("python", "wrong-type", None, "_PyEval_EvalFrameDefault",
                          "cannot read the frames of Python 3.11.2 in {exe} (a frame's "
                          "f_code is not a code object)"),
    "ruby-version": ("ruby", "wrong-type", "v320", "rb_vm_exec",
                     "runs rb_vm_exec but is not an interpreter heaphunt can read "
                     "(it is Ruby 3.2.0; heaphunt reads Ruby 3.1.2)"),
    "ruby-unmapped": ("ruby", "unmapped", None, "rb_vm_exec",
                      "cannot read the frames of Ruby 3.1.2 in {lib} (the execution "
                      "context's VM stack is not readable)"),
    "ruby-wrong-type": ("ruby", "wrong-type", None, "rb_vm_exec",
                        "cannot read the frames of Ruby 3.1.2 in {lib} (a control "
                        "frame's env flags are not a frame's)"),
}


@pytest.mark.parametrize("case", sorted(FAKE_CASES))
def test_unreadable_interpreter_gives_native_frames_and_one_line(case, fakes, tmp_path):
    program, mode, lib_dir, eval_fn, message = FAKE_CASES[case]
    exe = fakes[program]
    env = lib.fixed_env({"LD_LIBRARY_PATH": str(BUILD_DIR / lib_dir)} if lib_dir else None)
    result = run("heaphunt", [str(exe), mode], tmp_path, env=env)
    libruby = BUILD_DIR / (lib_dir or "") / "libfake_ruby.so"
    message = message.format(exe=exe, lib=libruby)
    said = tool_lines(result.stderr)
    assert len(said) == 1 and message in said[0], said
    assert not any(interp_frames(s) for s in result.sites)
    # 100 blocks of 32 bytes under the eval function, 100 in main.
    assert result.summary["tb"] == 6_400 and result.summary["tbk"] == 200, result.summary
    under_eval = [s for s in result.sites if s.function == eval_fn]
    assert sum(s.numbers["tbk"] for s in under_eval) == 100, [s.frames for s in result.sites]


# --------------------------------------------------------------------------
# ActiveSupport::Notifications: the children an open event keeps
# --------------------------------------------------------------------------

NOTIFICATIONS = EXAMPLES_DIR / "notifications.rb"
STEPS = 20_000


def children_growth(n_children: int) -> tuple[int, int, int]:
    """The @children array of the batch event: ActiveSupport's Event#<<
    pushes each child (the growth rule of array_growth)."""
    return array_growth(n_children)


@pytest.fixture(scope="module")
def notification_runs(tmp_path_factory):
    runs = {}
    for variant, args in (("nested", []), ("flat", ["--flat"])):
        out = tmp_path_factory.mktemp(f"as-{variant}")
        runs[variant] = run("heaphunt", [ruby(), str(NOTIFICATIONS), *args], out,
                            options=["--accesses=no"])
    return runs


def children_sites(result: lib.ToolRun) -> list[lib.Site]:
    """Sites of ActiveSupport's Event#<< called from TreeCollector#finish's
    `parent << event`."""
    line = marker_lines(NOTIFICATIONS)["KEEP_LINE"]
    out = []
    for site in result.sites:
        frames = interp_frames(site)
        if (len(frames) >= 2 and frames[0].fn == "ActiveSupport::Notifications::Event#<<"
                and frames[0].where.endswith("/active_support/notifications/instrumenter.rb:120")
                and frames[1] == Frame("TreeCollector#finish", f"{NOTIFICATIONS}:{line}")):
            out.append(site)
    return out


def test_open_event_keeps_its_children_at_the_line_that_appends(notification_runs):
    nested = notification_runs["nested"]
    assert nested.stdout == "1 root events\n"
    tb, tbk, eb = children_growth(STEPS)
    sites = children_sites(nested)
    got = {k: sum(s.numbers[k] for s in sites) for k in ("tb", "tbk", "eb", "ebk")}
    assert got == {"tb": tb, "tbk": tbk, "eb": eb, "ebk": 1}, got


def test_children_are_the_top_site_of_the_scripts_own_allocations(notification_runs):
    """Of the sites of allocations made by Ruby code (interpreted frames,
    and not moved later by the collector's transient-heap evacuation, whose
    Ruby frames are wherever the collection ran: docs/interpreters.md), the
    one with the most bytes live at the end is the children array."""
    nested = notification_runs["nested"]
    own = [s for s in nested.sites if interp_frames(s)
           and "rb_postponed_job_flush" not in [lib.frame_function(f) for f in s.frames]]
    top = max(own, key=lambda s: s.numbers["eb"])
    assert top in children_sites(nested), top.frames


def test_flat_events_keep_no_children(notification_runs):
    flat = notification_runs["flat"]
    assert flat.stdout == f"{STEPS + 0} root events\n"
    assert children_sites(flat) == []


# --------------------------------------------------------------------------
# The generated layouts
# --------------------------------------------------------------------------

def test_layouts_header_is_what_the_script_generates(tmp_path):
    """Fetches the ruby3.1 source package (apt-get source, a minute) into
    build/interp-src/ the first time; a second or two after that."""
    out = tmp_path / "hh_interp_layouts.h"
    proc = subprocess.run(["bash", str(lib.REPO_DIR / "scripts" / "gen-interp-layouts.sh"),
                           str(out)], capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    committed = (lib.REPO_DIR / "tool" / "hh_interp_layouts.h").read_text()
    assert out.read_text() == committed
