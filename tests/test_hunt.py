"""The findings lead to the bug: examples/hunt/'s three programs, run under
heaphunt as a user would (default options, the fixed environment), and the
first findings of `heaphunt report` (issue 12's acceptance).

- tokio/: a tokio server loop that spawns a task per request and forgets
  its JoinHandle (Debian's packaged tokio, built offline): the first
  finding is the tasks' pile-up, named by the program's own function that
  spawns them (spawn_requests, main.rs), not by tokio or std.
- order_book.cpp: five leaks among std containers: the first five findings
  are the five lines that leak, with the lost bytes derived in the file.
- nested_events.rb and flat_events.rb: ActiveSupport::Notifications events
  nested in an open request (Debian's ruby-activesupport): the first
  finding is the per-event pile-up, named by the script's Ruby line that
  builds each event's SQL text, and the request's children array piles up
  at the script's line that instruments each query; the flat twin has no
  pile-up at all.

Every expected number comes from the programs' header comments.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import heaphunt_testlib as lib

sys.path.insert(0, str(lib.REPO_DIR / "python"))
from heaphunt import findings as F, history, load  # noqa: E402
from heaphunt.frames import Classifier, group_sites  # noqa: E402
from heaphunt.rules import default_rules  # noqa: E402

HUNT = lib.REPO_DIR / "examples" / "hunt"
WORK = lib.BUILD_DIR / "hunt"


def marker_line(path: Path, marker: str, comment: str = "//") -> int:
    """The line number of the source line that ends with `// MARKER` (or
    `# MARKER` with comment="#")."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.rstrip().endswith(f"{comment} {marker}"):
            return number
    raise AssertionError(f"{path.name} has no line marked {marker}")


def run_heaphunt(argv: list[str], name: str, cwd: Path | None = None) -> Path:
    out = WORK / name / "heaphunt.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(lib.heaphunt_runner()), "--tool=heaphunt",
                           f"--heaphunt-out-file={out}", *argv],
                          cwd=cwd or out.parent, env=lib.fixed_env(), capture_output=True,
                          text=True, timeout=900)
    assert out.exists(), f"no profile:\n{proc.stderr[-3000:]}"
    return out


def report_findings(profile: Path) -> list[str]:
    """The lines under `Findings:` of `heaphunt report`, as a user sees them."""
    proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), "report", str(profile)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    return [line.strip() for line in lines[lines.index("Findings:") + 1:] if line.strip()]


# --------------------------------------------------------------------------
# tokio: spawned and forgotten tasks
# --------------------------------------------------------------------------

TOKIO_DIR = HUNT / "tokio"
REQUESTS = 2_000          # tokio/src/main.rs
BUFFER_BYTES = 1_024


def build_tokio() -> Path:
    proc = subprocess.run(["bash", str(lib.REPO_DIR / "scripts" / "install-rust.sh")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"scripts/install-rust.sh failed:\n{proc.stderr}"
    cargo = proc.stdout.strip().splitlines()[-1]
    assert Path("/usr/share/cargo/registry/tokio-1.24.2").is_dir(), (
        "Debian's librust-tokio-dev is missing: run scripts/install-deps.sh")
    target = lib.BUILD_DIR / "hunt-tokio-target"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target),
               PATH=f"{Path(cargo).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    build = subprocess.run([cargo, "build", "--offline", "--quiet"], cwd=TOKIO_DIR, env=env,
                           capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, f"cargo build --offline failed:\n{build.stderr}"
    return target / "debug" / "spawn-forget"


@pytest.fixture(scope="module")
def tokio_profile(heaphunt_runner) -> Path:
    return run_heaphunt([str(build_tokio())], "tokio")


def test_tokio_first_finding_is_the_spawning_function(tokio_profile: Path) -> None:
    line = marker_line(TOKIO_DIR / "src" / "main.rs", "SPAWN")
    first = report_findings(tokio_profile)[0]
    m = re.match(r"\[pile-up\] [\d.]+ [kM]B in 2,000 blocks allocated at "
                 rf"spawn_forget::spawn_requests \(main\.rs:{line}\) piled up over (\d+)% of the run "
                 r"\(.* per million instrs, [\d.]+ kB per block\) and were (all freed at once at|"
                 r"freed between) ", first)
    assert m, first
    # The spawns are nearly the whole run (main.rs): the rise is most of it.
    assert int(m.group(1)) >= 50, first


def test_tokio_cells_one_per_task_all_released(tokio_profile: Path) -> None:
    p = load(tokio_profile)
    place = next(g for g in group_sites(p, default_rules())
                 if g.name.startswith("spawn_forget::spawn_requests (main.rs:"))
    site = place.site
    # One cell per request, all of one size S >= the buffer the future holds.
    assert site.tbk == REQUESTS and site.tb % REQUESTS == 0, (site.tb, site.tbk)
    assert site.tb // REQUESTS >= BUFFER_BYTES
    # All live at once at the end of the spawns, none at exit.
    assert (site.gb, site.gbk, site.eb, site.ebk) == (site.tb, REQUESTS, 0, 0)
    g = history.growth(site.hist, p.history.t, p.te, p.totals.gb, default_rules().thresholds)
    assert g is not None and g.shape in ("freed-at-once", "freed-gradually")
    assert (g.max_bytes, g.max_blocks) == (site.tb, REQUESTS)
    # Below it: tokio's spawn path and std's Box, library code.
    assert any(f.startswith("tokio::") or "tokio::" in f for f in map(_fn, place.plumbing))


def test_tokio_no_place_is_named_by_std_or_a_crate(tokio_profile: Path) -> None:
    """Rust's std inlined into a function names only its file, as in
    `init (mod.rs:41)` (std's stack-overflow handler, run before main):
    the profile's hhFrameDirs say it is in /rustc/<hash>/, so no place with
    a frame of the program is named by a frame of std (/rustc/) or of a
    crate (/usr/share/cargo/registry/)."""
    p = load(tokio_profile)
    assert p.frame_dirs, "the profile has no hhFrameDirs"
    rules = default_rules()
    classifier = Classifier(rules, p.frame_dirs)
    inlined_std = [f for f in p.frame_table if re.search(r": init \(mod\.rs:\d+\)$", f)]
    assert inlined_std and all(p.frame_dirs[f].startswith("/rustc/") for f in inlined_std)
    assert not any(classifier.is_program(f) for f in inlined_std)
    for g in group_sites(p, rules):
        if classifier.is_program(g.frames[0]):
            where = p.frame_dirs.get(g.frames[0], "")
            assert not where.startswith(("/rustc/", "/usr/share/cargo/registry/")), (g.name, where)


def _fn(frame: str) -> str:
    return frame.split(": ", 1)[-1]


# --------------------------------------------------------------------------
# C++: five leaks among std containers
# --------------------------------------------------------------------------

ORDER_BOOK = HUNT / "order_book.cpp"
# order_book.cpp's header: (marker, function, lost bytes, lost blocks), in
# the order derived there (bytes held x time held).
LEAKS = [("LEAK_QUEUE", "queue_work()", 12_576, 26),
         ("LEAK_NOTES", "take_notes()", 6_674, 52),
         ("LEAK_PEERS", "link_peers()", 6_064, 2),
         ("LEAK_PRICES", "load_prices()", 4_024, 2),
         ("LEAK_LABEL", "make_label()", 2_033, 2)]


@pytest.fixture(scope="module")
def order_book_profile(heaphunt_runner) -> Path:
    exe = WORK / "order_book.bin"
    exe.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["g++", "-std=c++17", "-O0", "-g", "-o", str(exe), str(ORDER_BOOK)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return run_heaphunt([str(exe)], "order_book")


def test_cpp_lost_totals(order_book_profile: Path) -> None:
    p = load(order_book_profile)
    assert p.reach
    assert (p.totals.lb, p.totals.lbk) == (31_371, 84)
    assert (p.totals.eb, p.totals.ebk) == (31_371, 84)


def test_cpp_first_five_findings_are_the_five_leaks(order_book_profile: Path) -> None:
    first = report_findings(order_book_profile)[:5]
    p = load(order_book_profile)
    sizes = {f.name: (f.bytes_involved, f.blocks_involved)
             for f in F.find_all(p) if f.kind == "leak"}
    for line, (marker, function, nbytes, nblocks) in zip(first, LEAKS):
        name = f"{function} (order_book.cpp:{marker_line(ORDER_BOOK, marker)})"
        assert line.startswith("[leak] ") and f" allocated at {name} are lost at exit" in line, \
            (marker, line)
        assert sizes[name] == (nbytes, nblocks), (marker, sizes[name])


# --------------------------------------------------------------------------
# Ruby: nested ActiveSupport::Notifications events and their flat twin
# --------------------------------------------------------------------------

QUERIES = 50_000          # nested_events.rb, flat_events.rb


def ruby_profile(script: str) -> Path:
    ruby = subprocess.run(["bash", str(lib.REPO_DIR / "scripts" / "install-ruby.sh")],
                          capture_output=True, text=True)
    assert ruby.returncode == 0, ruby.stderr
    check = subprocess.run([ruby.stdout.strip(), "-e", 'require "active_support/notifications"'],
                           capture_output=True, text=True)
    assert check.returncode == 0, (
        f"Debian's ruby-activesupport is missing: run scripts/install-deps.sh\n{check.stderr}")
    cwd = WORK / script
    cwd.mkdir(parents=True, exist_ok=True)
    return run_heaphunt([ruby.stdout.strip(), str(HUNT / script)], script, cwd=cwd)


@pytest.fixture(scope="module")
def nested_profile(heaphunt_runner) -> Path:
    return ruby_profile("nested_events.rb")


@pytest.fixture(scope="module")
def flat_profile(heaphunt_runner) -> Path:
    return ruby_profile("flat_events.rb")


NESTED = HUNT / "nested_events.rb"


def ruby_place(marker: str) -> str:
    """How findings name run_query's line marked MARKER in nested_events.rb,
    called from handle_request's block (Ruby's frames are in the stacks by
    default)."""
    return f"Object#run_query [ruby] ({NESTED}:{marker_line(NESTED, marker, '#')})"


def test_ruby_nested_first_finding_is_the_per_event_pile_up(nested_profile: Path) -> None:
    first = report_findings(nested_profile)[0]
    # Named by the script's line that builds each event's SQL text.
    assert first.startswith("[pile-up] "), first
    assert f" allocated at {ruby_place('SQL_TEXT')} " in first, first
    p = load(nested_profile)
    piles = [f for f in F.find_all(p) if f.kind == "pile-up"]
    events = piles[0]
    # One SQL text per event, of 33 to 37 characters (a buffer of at least
    # 34 bytes each), rising with the queries (most of the run) and freed
    # when the request ends, at the end.
    assert events.blocks_involved == QUERIES, events.sentence
    assert events.bytes_involved >= QUERIES * 34, events.sentence
    g = history.growth(events.site.hist, p.history.t, p.te, p.totals.gb,
                       default_rules().thresholds)
    assert g.shape in ("freed-at-once", "freed-gradually"), events.sentence
    assert (g.t_level - g.t_start) * 2 >= p.te, events.sentence
    assert events.site.eb == 0, events.sentence


def test_ruby_nested_children_array_piles_up(nested_profile: Path) -> None:
    """One block, grown by rb_ary_push to hold 50,000 children (8 bytes
    each), freed at once when the request ends: pushed by ActiveSupport's
    Event#<< (library code), so its place is the script's line that
    instruments each query."""
    p = load(nested_profile)
    rules = default_rules()
    places = [g for g in group_sites(p, rules)
              if any(s.gbk == 1 and s.gb >= QUERIES * 8
                     and any("rb_ary_push" in frame for frame in s.frames) for s in g.members)]
    assert len(places) == 1, [g.name for g in places]
    place = places[0]
    assert place.name.startswith(ruby_place("INSTRUMENT") + " called from "), place.name
    children = next(s for s in place.members if s.gbk == 1 and s.gb >= QUERIES * 8)
    assert any(f.split(": ", 1)[1].startswith("ActiveSupport::Notifications::Event#<< [ruby] (")
               for f in children.frames), children.frames
    g = history.growth(children.hist, p.history.t, p.te, p.totals.gb, rules.thresholds)
    assert g is not None and g.shape == "freed-at-once", g
    assert children.eb == 0


def test_ruby_flat_twin_has_no_pile_up(flat_profile: Path) -> None:
    p = load(flat_profile)
    assert [f.sentence for f in F.find_all(p) if f.kind == "pile-up"] == []
    assert not any(line.startswith("[pile-up]") for line in report_findings(flat_profile))
