"""Copy profiling: heaphunt's copy sites (hhCopySites) and per-site copy
counts (hhCopyInB/K, hhCopyOutB/K) for the memcpy family, against numbers
derived by hand in tests/programs/copies/*.c and against DHAT's
`--mode=copy` on the same binary.

DHAT runs through the same runner as heaphunt (`./vg-in-place --tool=dhat
--mode=copy`), so both see one Valgrind core and one environment.  DHAT's
copy sites start with the replacement's own frame (in its preload); those
frames are dropped before stacks are compared.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heaphunt_testlib as lib  # noqa: E402

HEAPHUNT_CLI = lib.REPO_DIR / "bin" / "heaphunt"
PROGRAMS = "copies"

# copies.c's table: copy-site function -> (cb, cbk, src site, dst site);
# a site is the allocating function, or None for "not a heap block" (-1).
EXPECTED_COPY_SITES = {
    "copy_memcpy": (100, 1, "alloc_src", "alloc_dst"),
    "copy_memmove": (50, 1, "alloc_dst", "alloc_dst"),
    "copy_mempcpy": (32, 1, None, "alloc_dst"),
    "copy_strcpy": (12, 1, "alloc_src", "alloc_dst"),
    "copy_stpcpy": (8, 1, "alloc_src", "alloc_dst"),
    "copy_strncpy_pad": (4, 1, "alloc_src", "alloc_dst"),
    "copy_strncpy_trunc": (5, 1, "alloc_src", None),
    "copy_wcscpy": (16, 1, None, "alloc_dst"),
    "copy_loop": (30, 3, "alloc_src", "alloc_dst"),
}

# copies.c's per-allocation-site copy counts.
EXPECTED_SITE_COPIES = {
    "alloc_dst": {"hhCopyInB": 252, "hhCopyInK": 10, "hhCopyOutB": 50, "hhCopyOutK": 1},
    "alloc_src": {"hhCopyInB": 0, "hhCopyInK": 0, "hhCopyOutB": 159, "hhCopyOutK": 8},
}


def build_copies() -> Path:
    (lib.BUILD_DIR / PROGRAMS).mkdir(parents=True, exist_ok=True)
    return lib.build_program(f"{PROGRAMS}/copies")


def build_fortify() -> Path:
    """-O2 -D_FORTIFY_SOURCE=2, which the suite's -O0 builder cannot give."""
    src = lib.PROGRAMS_DIR / PROGRAMS / "fortify.c"
    exe = lib.BUILD_DIR / PROGRAMS / "fortify"
    exe.parent.mkdir(parents=True, exist_ok=True)
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        cmd = ["gcc", "-O2", "-D_FORTIFY_SOURCE=2", "-g", "-fno-omit-frame-pointer",
               "-o", str(exe), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr}"
    return exe


def is_replacement_frame(frame: str) -> bool:
    return "vgpreload_" in frame or "vg_replace_strmem" in frame


def run_dhat_copy(exe: Path, out_dir: Path) -> dict:
    """DHAT's copy mode through heaphunt's runner; returns its profile."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "dhat-copy.json"
    proc = subprocess.run([str(lib.heaphunt_runner()), "--tool=dhat", "--mode=copy",
                           f"--dhat-out-file={out}", str(exe)], cwd=out_dir,
                          env=lib.fixed_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(out) as f:
        profile = json.load(f)
    assert profile["mode"] == "copy", profile["mode"]
    return profile


def copy_sites_by_stack(profile: dict, sites_key: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """(cb, cbk) per stack, replacement frames dropped; a DHAT copy file
    keeps them in "pps" as tb/tbk."""
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    for site in profile[sites_key]:
        frames = tuple(f for f in (profile["ftbl"][i] for i in site["fs"])
                       if not is_replacement_frame(f))
        cb, cbk = (site["cb"], site["cbk"]) if "cb" in site else (site["tb"], site["tbk"])
        old = out.get(frames, (0, 0))
        out[frames] = (old[0] + cb, old[1] + cbk)
    return out


def copy_totals(profile: dict) -> tuple[int, int]:
    if profile["mode"] == "copy":
        return (sum(pp["tb"] for pp in profile["pps"]), sum(pp["tbk"] for pp in profile["pps"]))
    return (profile["hhTotals"]["cb"], profile["hhTotals"]["cbk"])


@pytest.fixture(scope="module")
def copies_runs(tmp_path_factory):
    """heaphunt's and DHAT's copy-mode profiles of copies.c, run once."""
    exe = build_copies()
    base = tmp_path_factory.mktemp("copies")
    hh = lib.run_tool("heaphunt", [str(exe)], base / lib.TOOL_DIR_NAMES["heaphunt"])
    assert hh.returncode == 0 and hh.profile is not None, hh.describe()
    dh = run_dhat_copy(exe, base / lib.TOOL_DIR_NAMES["dhat"])
    return hh, dh


def pp_index(profile: dict, function: str) -> int:
    matches = [i for i, pp in enumerate(profile["pps"])
               if lib.frame_function(profile["ftbl"][pp["fs"][0]]) == function]
    assert len(matches) == 1, f"expected one allocation site in {function}, got {matches}"
    return matches[0]


def hh_copy_site(profile: dict, function: str) -> dict:
    matches = [cs for cs in profile["hhCopySites"]
               if lib.frame_function(profile["ftbl"][cs["fs"][0]]) == function]
    assert len(matches) == 1, f"expected one copy site in {function}, got {len(matches)}"
    return matches[0]


@pytest.mark.parametrize("function", sorted(EXPECTED_COPY_SITES))
def test_copy_site_bytes_calls_and_ends(copies_runs, function):
    hh, _ = copies_runs
    cb, cbk, src_fn, dst_fn = EXPECTED_COPY_SITES[function]
    site = hh_copy_site(hh.profile, function)
    assert (site["cb"], site["cbk"]) == (cb, cbk), (
        f"{function}: cb/cbk expected {cb}/{cbk}, got {site['cb']}/{site['cbk']}")
    src = [[pp_index(hh.profile, src_fn) if src_fn else -1, cb]]
    dst = [[pp_index(hh.profile, dst_fn) if dst_fn else -1, cb]]
    assert site["src"] == src, f"{function}: src expected {src} ({src_fn}), got {site['src']}"
    assert site["dst"] == dst, f"{function}: dst expected {dst} ({dst_fn}), got {site['dst']}"


def test_strcat_is_not_a_copy_in_either_tool(copies_runs):
    hh, dh = copies_runs
    hh_fns = [lib.frame_function(hh.profile["ftbl"][cs["fs"][0]]) for cs in hh.profile["hhCopySites"]]
    dh_fns = [lib.frame_function(stack[0]) for stack in copy_sites_by_stack(dh, "pps") if stack]
    assert "copy_strcat" not in hh_fns, "heaphunt recorded strcat as a copy"
    assert "copy_strcat" not in dh_fns, "DHAT recorded strcat as a copy"


@pytest.mark.parametrize("function", sorted(EXPECTED_SITE_COPIES))
def test_alloc_site_copy_in_and_out(copies_runs, function):
    hh, _ = copies_runs
    pp = hh.profile["pps"][pp_index(hh.profile, function)]
    expected = EXPECTED_SITE_COPIES[function]
    diff = lib.diff_numbers(expected, {k: pp.get(k) for k in expected})
    assert not diff, f"{function}:\n{diff}"


def test_copy_totals_and_sites_equal_dhat_copy_mode(copies_runs):
    hh, dh = copies_runs
    assert copy_totals(hh.profile) == copy_totals(dh), (
        f"copy totals (cb, cbk): DHAT {copy_totals(dh)}, heaphunt {copy_totals(hh.profile)}")
    hh_sites = copy_sites_by_stack(hh.profile, "hhCopySites")
    dh_sites = copy_sites_by_stack(dh, "pps")
    program_stacks = {s for s in dh_sites if s and "copies.c" in s[0]}
    assert len(program_stacks) == len(EXPECTED_COPY_SITES), program_stacks
    for stack in program_stacks:
        assert hh_sites.get(stack) == dh_sites[stack], (
            f"{stack[0]}: DHAT {dh_sites[stack]}, heaphunt {hh_sites.get(stack)}")


def test_fortified_memcpy_chk_counted_like_dhat(tmp_path):
    exe = build_fortify()
    hh = lib.run_tool("heaphunt", [str(exe)], tmp_path / "hh")
    assert hh.returncode == 0 and hh.profile is not None, hh.describe()
    # The fortified call's stack: the inlined memcpy wrapper
    # (string_fortified.h), then main at the memcpy line.
    source_lines = (lib.PROGRAMS_DIR / PROGRAMS / "fortify.c").read_text().splitlines()

    def line_of(text: str) -> int:
        return next(i for i, src in enumerate(source_lines, 1) if text in src)

    line = line_of("FORTIFIED_MEMCPY")
    sites = [cs for cs in hh.profile["hhCopySites"]
             if any(f"main (fortify.c:{line})" in hh.profile["ftbl"][i] for i in cs["fs"])]
    assert len(sites) == 1, f"expected one copy site at fortify.c:{line}, got {len(sites)}"

    # At -O2 alloc_src's call of malloc is a tail call, so both allocation
    # sites start in main: told apart by their lines.
    def pp_at_line(alloc_line: int) -> int:
        found = [i for i, pp in enumerate(hh.profile["pps"])
                 if f"main (fortify.c:{alloc_line})" in hh.profile["ftbl"][pp["fs"][0]]]
        assert len(found) == 1, f"expected one allocation site at fortify.c:{alloc_line}"
        return found[0]

    src_pp = pp_at_line(line_of("= alloc_src(64);"))
    dst_pp = pp_at_line(line_of("= malloc(64);"))
    assert (sites[0]["cb"], sites[0]["cbk"], sites[0]["src"], sites[0]["dst"]) == (
        40, 1, [[src_pp, 40]], [[dst_pp, 40]]), sites[0]
    dh = run_dhat_copy(exe, tmp_path / "dh")
    assert copy_totals(hh.profile) == copy_totals(dh), (
        f"copy totals: DHAT {copy_totals(dh)}, heaphunt {copy_totals(hh.profile)}")
    stack = next(s for s in copy_sites_by_stack(dh, "pps")
                 if any(f"main (fortify.c:{line})" in f for f in s))
    assert copy_sites_by_stack(hh.profile, "hhCopySites").get(stack) == (40, 1)
    assert copy_sites_by_stack(dh, "pps")[stack] == (40, 1)


def test_export_copy_mode_totals_equal_dhat(copies_runs, tmp_path):
    hh, dh = copies_runs
    out = tmp_path / "exported.json"
    proc = subprocess.run([str(HEAPHUNT_CLI), "export", "--mode=copy", str(hh.profile_path),
                           "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    with open(out) as f:
        exported = json.load(f)
    assert exported["mode"] == "copy", exported["mode"]
    assert copy_totals(exported) == copy_totals(dh), (
        f"exported copy totals {copy_totals(exported)}, DHAT's {copy_totals(dh)}")
