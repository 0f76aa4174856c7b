"""Where each frame's source is, and stacks cut at --num-callers: the
tool's hhFrameDirs, hhNumCallers and per-site hhCut (docs/json-format.md),
on tests/programs/frames/source_dirs.c, whose header derives them; and
what the readers do with them: the frame rules also match a frame's whole
source path, and a finding whose stack was cut before any frame of the
program says so (heaphunt report and the viewer alike).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import heaphunt_testlib as lib

sys.path.insert(0, str(lib.REPO_DIR / "python"))
from heaphunt import load  # noqa: E402
from heaphunt.frames import frame_key, group_sites  # noqa: E402
from heaphunt.rules import default_rules, with_frames  # noqa: E402
from heaphunt.textfmt import percent  # noqa: E402

PROGRAM_DIR = lib.PROGRAMS_DIR / "frames"
SOURCE = PROGRAM_DIR / "source_dirs.c"


def marker_line(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.rstrip().endswith(f"/* {marker} */"):
            return number
    raise AssertionError(f"{path.name} has no line marked {marker}")


def run(tmp_path: Path, *options: str) -> dict:
    result = lib.run_tool("heaphunt", [str(lib.build_program("frames/source_dirs"))],
                          tmp_path, extra_options=list(options))
    assert result.profile is not None, result.stderr
    return result.profile


def site_of(profile: dict, nbytes: int) -> dict:
    (site,) = [s for s in profile["pps"] if s["tb"] == nbytes]
    return site


def frames_with_dirs(profile: dict, site: dict) -> list[tuple[str, str | None]]:
    dirs = profile["hhFrameDirs"]
    out = []
    for i in site["fs"]:
        d = dirs["f"][i]
        out.append((profile["ftbl"][i].split(": ", 1)[1], None if d is None else dirs["d"][d]))
    return out


def test_inlined_frame_has_its_own_directory(tmp_path: Path) -> None:
    p = run(tmp_path)
    dirs = p["hhFrameDirs"]
    assert len(dirs["f"]) == len(p["ftbl"]) and dirs["f"][0] is None
    assert len(set(dirs["d"])) == len(dirs["d"])
    arena = marker_line(PROGRAM_DIR / "inl" / "arena.h", "ARENA_MALLOC")
    frames = frames_with_dirs(p, site_of(p, 100))
    assert frames[0] == (f"arena_alloc (arena.h:{arena})", str(PROGRAM_DIR / "inl")), frames
    assert frames[1][0].startswith("make_record (source_dirs.c:"), frames
    assert frames[1][1] == str(PROGRAM_DIR), frames
    # The inlined call and its caller are at one code address.
    fs = site_of(p, 100)["fs"]
    assert p["ftbl"][fs[0]].split(":")[0] == p["ftbl"][fs[1]].split(":")[0]


def test_stack_cut_at_the_default_limit(tmp_path: Path) -> None:
    p = run(tmp_path)
    assert p["hhNumCallers"] == 12
    deep = site_of(p, 64)
    assert deep.get("hhCut") is True
    # malloc's frame (hidden) and 11 of deep's 21 frames were recorded.
    assert len(deep["fs"]) == 11
    assert all(p["ftbl"][i].split(": ", 1)[1].startswith("deep (") for i in deep["fs"])
    assert "hhCut" not in site_of(p, 10) and "hhCut" not in site_of(p, 100)


@pytest.mark.parametrize("limit", [23, 30])
def test_stack_that_ends_within_the_limit_is_not_cut(tmp_path: Path, limit: int) -> None:
    """23 frames (malloc, 21 of deep, main): complete at --num-callers=23."""
    p = run(tmp_path, f"--num-callers={limit}")
    assert p["hhNumCallers"] == limit
    deep = site_of(p, 64)
    assert "hhCut" not in deep
    assert p["ftbl"][deep["fs"][-1]].split(": ", 1)[1].startswith("main ("), deep


def test_one_frame_short_of_the_stack_is_cut(tmp_path: Path) -> None:
    p = run(tmp_path, "--num-callers=22")
    deep = site_of(p, 64)
    assert deep.get("hhCut") is True
    assert len(deep["fs"]) == 21


def test_directories_do_not_change_frame_strings(tmp_path: Path) -> None:
    """The strings stay DHAT's: a bare file name, no directory."""
    p = run(tmp_path)
    for i in site_of(p, 100)["fs"]:
        where = p["ftbl"][i].rsplit(" (", 1)[1]
        assert "/" not in where, p["ftbl"][i]


# --------------------------------------------------------------------------
# The readers: rules matched against the whole path, the cut-stack hint
# --------------------------------------------------------------------------

def report(profile_path: Path, *options: str) -> list[str]:
    """The lines under `Findings:` of `heaphunt report`."""
    proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), "report", str(profile_path),
                           *options], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    return [line.strip() for line in lines[lines.index("Findings:") + 1:] if line.strip()]


def run_to_file(tmp_path: Path, *options: str) -> Path:
    result = lib.run_tool("heaphunt", [str(lib.build_program("frames/source_dirs"))],
                          tmp_path, extra_options=list(options))
    assert result.profile is not None, result.stderr
    return result.profile_path


def test_skip_frames_matches_the_source_directory(tmp_path: Path) -> None:
    """arena_alloc's frame string says only "arena.h"; its directory,
    tests/programs/frames/inl, is what --skip-frames '/frames/inl/' names:
    the 100 bytes are then named by make_record, which called it."""
    path = run_to_file(tmp_path)
    p = load(path)
    arena = marker_line(PROGRAM_DIR / "inl" / "arena.h", "ARENA_MALLOC")
    by_tb = {g.site.tb: g.name for g in group_sites(p, default_rules())}
    assert by_tb[100] == f"arena_alloc (arena.h:{arena})"
    skipped = with_frames(default_rules(), skip=["/frames/inl/"])
    by_tb = {g.site.tb: g.name for g in group_sites(p, skipped)}
    assert re.fullmatch(r"make_record \(source_dirs\.c:\d+\)", by_tb[100]), by_tb
    # Without the directories (a DHAT file, or an older heaphunt's), the
    # expression matches nothing: the name stays arena_alloc's.
    p.frame_dirs = None
    by_tb = {g.site.tb: g.name for g in group_sites(p, skipped)}
    assert by_tb[100] == f"arena_alloc (arena.h:{arena})"


HINT = ("; its stack was cut at --num-callers={n}, all in library code: run again with "
        "--num-callers={m} to reach the program's own frame")


def test_a_finding_whose_stack_was_cut_says_so(tmp_path: Path) -> None:
    """With deep() counted as library code (--skip-frames), the 64-byte
    block's stack has no frame of the program within the 12 recorded: the
    peak finding (64 of the 174 bytes live at the peak, 36%) says the
    stack was cut and what to run.  Recorded to its end (--num-callers=30),
    the same block is named by main, with no hint."""
    skip = r"^deep \("
    deep_line = marker_line(SOURCE, "DEEP_MALLOC")
    cut_path = run_to_file(tmp_path / "cut")
    tg = load(cut_path).tg
    cut = [f for f in report(cut_path, "--skip-frames", skip) if f.startswith("[peak] 64 bytes")]
    assert cut == [f"[peak] 64 bytes ({percent(64, 174)}%) of the heap at its peak ({tg:,} instrs) "
                   f"was allocated at deep (source_dirs.c:{deep_line})" + HINT.format(n=12, m=40)], cut
    whole = [f for f in report(run_to_file(tmp_path / "whole", "--num-callers=30"), "--skip-frames", skip)
             if f.startswith("[peak] 64 bytes")]
    assert len(whole) == 1 and "--num-callers" not in whole[0], whole
    assert re.search(r"was allocated at main \(source_dirs\.c:\d+\)$", whole[0]), whole


def test_the_viewer_agrees(tmp_path: Path) -> None:
    """findings.js reads hhFrameDirs and hhCut as findings.py does."""
    from test_findings_parity import compare
    cut = run_to_file(tmp_path / "cut")
    whole = run_to_file(tmp_path / "whole", "--num-callers=30")
    compare([("source_dirs", cut, [], [], None, 0),
             ("source_dirs, deep skipped", cut, [r"^deep \("], [], None, 0),
             ("source_dirs, inl skipped", cut, ["/frames/inl/"], [], None, 0),
             ("source_dirs at 30, deep skipped", whole, [r"^deep \("], [], None, 0)])


@pytest.mark.parametrize("change, message", [
    (lambda d: d["f"].pop(), "hhFrameDirs.f has {n_minus_1} entries, but ftbl has {n}"),
    (lambda d: d["f"].__setitem__(1, len(d["d"])),
     "hhFrameDirs.f[1] is {n_dirs}, expected null or a number below {n_dirs} (hhFrameDirs.d's length)"),
    # Each reader words a wrong type its own way; both name the field.
    (lambda d: d["d"].__setitem__(0, 7), "hhFrameDirs.d[0] "),
])
def test_a_bad_side_table_is_refused_in_one_line(tmp_path: Path, change, message: str) -> None:
    """heaphunt report and the viewer refuse a file whose hhFrameDirs does
    not fit its ftbl, naming the field, as for any other bad field."""
    import json
    from test_findings_parity import node_findings
    doc = json.loads(run_to_file(tmp_path).read_text())
    n, n_dirs = len(doc["ftbl"]), len(doc["hhFrameDirs"]["d"])
    change(doc["hhFrameDirs"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    expected = message.format(n=n, n_minus_1=n - 1, n_dirs=n_dirs)
    proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), "report", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and proc.stdout == ""
    assert f": {expected}" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    (js,) = node_findings([{"path": str(bad), "skip": [], "keep": [], "kind": None, "max": 0}])
    assert js["error"].startswith(expected), js


def test_merged_profiles_keep_the_directories(tmp_path: Path) -> None:
    """`heaphunt merge` writes hhFrameDirs for its frame table, so a merged
    profile's frames are classified as the runs' were: --skip-frames
    '/frames/inl/' still names the 100 bytes (twice 100 now) by make_record."""
    a, b = run_to_file(tmp_path / "a"), run_to_file(tmp_path / "b")
    merged = tmp_path / "merged.json"
    proc = subprocess.run([str(lib.REPO_DIR / "bin" / "heaphunt"), "merge", str(a), str(b),
                           "-o", str(merged)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    p = load(merged)
    assert p.frame_dirs is not None
    # Every frame has the directory the runs gave it (frames matched as
    # merge matches them, by frame_key).
    run_dirs = {frame_key(f): d for f, d in load(a).frame_dirs.items()}
    assert any(run_dirs.values())
    assert all(p.frame_dirs.get(f) == run_dirs.get(frame_key(f)) for f in p.frame_table)
    skipped = with_frames(default_rules(), skip=["/frames/inl/"])
    by_tb = {g.site.tb: g.name for g in group_sites(p, skipped)}
    assert re.fullmatch(r"make_record \(source_dirs\.c:\d+\)", by_tb[200]), by_tb
