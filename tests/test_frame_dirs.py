"""Where each frame's source is, and stacks cut at --num-callers: the
tool's hhFrameDirs, hhNumCallers and per-site hhCut (docs/json-format.md),
on tests/programs/frames/source_dirs.c, whose header derives them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import heaphunt_testlib as lib

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
