"""Hand-written profiles for the Python package's tests, with every number
derived by hand below (no tool output is captured into expectations).

`handmade()` is a heaphunt heap profile of an imaginary program, te =
1,000,000 instrs, t-gmax at 400,000, four allocation sites, each built to
trigger known findings:

  site 0  make_event <- main   12,000,000 B in 1,000 blocks, all live at the
          end; 11,640,000 B of them last accessed in the first decile
          (bucket 0), 360,000 B in bucket 8: 97% stale -> leak-stale.
          At t-gmax 6,000,000 B in 500 blocks (60% of the peak) -> peak.
          rb 1,000,000, wb 12,000,000; tl 600,000,000, idle 540,000,000
          (90%, but leak-stale already says it: no stale-before-free).
  site 1  read_input <- main    2,000,000 B in 100 blocks, all freed before
          the peak; 80 of 100 blocks written, never read; rb 1,000 (0.05%
          of wb 2,000,000) -> write-only, 1,600,000 B involved.  Receives
          500,000 B in 5 copies from copy site 1.
  site 2  scratch <- main          64,000 B in 1,000 blocks; 900 freed within
          tuth -> short-lived (57,600 B); 600 never accessed ->
          never-accessed (38,400 B).  rb 16,000, wb 32,000, tl 300,000.
  site 3  fill_table <- main    4,000,000 B in 1 block, live at the peak
          (40%) -> peak; read 4,000,000 B of which 3,000,000 by copies
          (copy site 0) -> copied-more-than-read (3,000,000 B); tl 500,000
          with 300,000 idle (60%) -> stale-before-free (4,000,000 * 60% =
          2,400,000 B).

Totals: tb 18,064,000 = 12,000,000 + 2,000,000 + 64,000 + 4,000,000;
tbk 2,101; gb 10,000,000 = 6,000,000 + 4,000,000; gbk 501; eb 12,000,000;
ebk 1,000; rb 5,017,000 = 1,000,000 + 1,000 + 16,000 + 4,000,000;
wb 18,032,000 = 12,000,000 + 2,000,000 + 32,000 + 4,000,000;
cb 3,500,000 in 35 calls (copy sites 0 and 1).

Expected findings, problems by bytes then peaks by bytes:
  leak-stale 0 (12,000,000), copied-more-than-read 3 (3,000,000),
  stale-before-free 3 (2,400,000), write-only 1 (1,600,000),
  short-lived 2 (57,600), never-accessed 2 (38,400), peak 0 (6,000,000),
  peak 3 (4,000,000).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FTBL = [
    "[root]",
    "0x401000: make_event (leaky.c:42)",
    "0x402000: main (leaky.c:80)",
    "0x403000: read_input (io.c:10)",
    "0x404000: scratch (util.c:5)",
    "0x405000: fill_table (table.c:20)",
    "0x406000: copy_rows (table.c:30)",
    "0x407000: load_rows (io.c:50)",
    "0x408000: main (leaky.c:81)",
    "0x409000: main (leaky.c:82)",
    "0x40A000: main (leaky.c:83)",
]

EXPECTED_FINDINGS = [
    ("leak-stale", 0, 12_000_000),
    ("copied-more-than-read", 3, 3_000_000),
    ("stale-before-free", 3, 2_400_000),
    ("write-only", 1, 1_600_000),
    ("short-lived", 2, 57_600),
    ("never-accessed", 2, 38_400),
    ("peak", 0, 6_000_000),
    ("peak", 3, 4_000_000),
]

EXPECTED_TOTALS = {"tb": 18_064_000, "tbk": 2_101, "gb": 10_000_000, "gbk": 501,
                   "eb": 12_000_000, "ebk": 1_000, "rb": 5_017_000, "wb": 18_032_000,
                   "cb": 3_500_000, "cbk": 35}


def _pp(tb, tbk, tl, mb, mbk, gb, gbk, eb, ebk, rb, wb, fs, **hh) -> dict[str, Any]:
    pp = {"tb": tb, "tbk": tbk, "tl": tl, "mb": mb, "mbk": mbk, "gb": gb, "gbk": gbk,
          "eb": eb, "ebk": ebk, "rb": rb, "wb": wb}
    defaults = {"hhCopyInB": 0, "hhCopyInK": 0, "hhCopyOutB": 0, "hhCopyOutK": 0,
                "hhNoAccK": 0, "hhWriteOnlyK": 0, "hhReadOnlyAfterInitK": 0, "hhShortK": 0,
                "hhIdleI": 0, "hhFirstT": 0, "hhLastT": 0,
                "hhEndIdleDeciles": [0] * 10}
    defaults.update(hh)
    pp.update(defaults)
    pp["fs"] = fs
    return pp


def handmade() -> dict[str, Any]:
    pps = [
        _pp(12_000_000, 1_000, 600_000_000, 12_000_000, 1_000, 6_000_000, 500,
            12_000_000, 1_000, 1_000_000, 12_000_000, [1, 2],
            hhIdleI=540_000_000, hhFirstT=1_000, hhLastT=1_000_000,
            hhReadOnlyAfterInitK=1_000,
            hhEndIdleDeciles=[11_640_000, 0, 0, 0, 0, 0, 0, 0, 360_000, 0]),
        _pp(2_000_000, 100, 1_000_000, 200_000, 10, 0, 0, 0, 0, 1_000, 2_000_000, [3, 8],
            hhCopyInB=500_000, hhCopyInK=5, hhWriteOnlyK=80, hhIdleI=10_000,
            hhFirstT=2_000, hhLastT=300_000),
        _pp(64_000, 1_000, 300_000, 640, 10, 0, 0, 0, 0, 16_000, 32_000, [4, 9],
            hhNoAccK=600, hhShortK=900, hhIdleI=1_000, hhFirstT=5_000, hhLastT=900_000),
        _pp(4_000_000, 1, 500_000, 4_000_000, 1, 4_000_000, 1, 0, 0, 4_000_000, 4_000_000,
            [5, 10], hhCopyOutB=3_000_000, hhCopyOutK=30, hhIdleI=300_000,
            hhFirstT=350_000, hhLastT=850_000),
    ]
    # Site 2's blocks are 64 bytes: 16 + 4 + 44 = 64 histogram entries.
    pps[2]["acc"] = [-16, 2, 3, 3, 3, 1, -44, 0]
    return {
        "dhatFileVersion": 2, "mode": "heap", "verb": "Allocated",
        "bklt": True, "bkacc": True, "tu": "instrs", "Mtu": "Minstr", "tuth": 500,
        "cmd": "./imaginary --events 1000", "pid": 4242,
        "te": 1_000_000, "tg": 400_000,
        "hhVersion": "0.1.0", "hhHistLimit": 1024, "hhCopies": True,
        "hhTotals": {k: EXPECTED_TOTALS[k] for k in
                     ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb", "cb", "cbk")},
        "hhTimeline": {"t": [0, 400_000, 1_000_000], "b": [0, 10_000_000, 12_000_000],
                       "bk": [0, 501, 1_000]},
        "hhCheckpoints": [{"name": "after-startup", "t": 100_000, "b": 1_000_000, "bk": 80}],
        "pps": pps,
        "hhCopySites": [
            {"cb": 3_000_000, "cbk": 30, "fs": [6, 10], "src": [[3, 3_000_000]],
             "dst": [[-1, 3_000_000]]},
            {"cb": 500_000, "cbk": 5, "fs": [7, 8], "src": [[-1, 500_000]],
             "dst": [[1, 500_000]]},
        ],
        "ftbl": list(FTBL),
    }


def as_plain_dhat(doc: dict[str, Any]) -> dict[str, Any]:
    """The same profile as DHAT would write it: no hh* keys, and malloc's own
    frame (in DHAT's preload) first in every stack."""
    out = {k: copy.deepcopy(v) for k, v in doc.items() if not k.startswith("hh")}
    out["ftbl"].append("0x483877F: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)")
    malloc_index = len(out["ftbl"]) - 1
    for pp in out["pps"]:
        for k in list(pp):
            if k.startswith("hh"):
                del pp[k]
        pp["fs"] = [malloc_index, *pp["fs"]]
    return out


def copy_mode() -> dict[str, Any]:
    """A DHAT --mode=copy file: two copy sites."""
    return {"dhatFileVersion": 2, "mode": "copy", "verb": "Copied",
            "bklt": False, "bkacc": False, "tu": "instrs", "Mtu": "Minstr",
            "cmd": "./copier", "pid": 7, "te": 5_000,
            "pps": [{"tb": 300, "tbk": 3, "fs": [1]}, {"tb": 40, "tbk": 4, "fs": [2, 1]}],
            "ftbl": ["[root]", "0x1: copy_all (c.c:3)", "0x2: helper (c.c:9)"]}


def ad_hoc_mode() -> dict[str, Any]:
    return {"dhatFileVersion": 2, "mode": "ad-hoc", "verb": "Occurred",
            "bklt": False, "bkacc": False, "bu": "unit", "bsu": "units", "bksu": "events",
            "tu": "instrs", "Mtu": "Minstr", "cmd": "./adhoc", "pid": 8, "te": 100,
            "pps": [{"tb": 10, "tbk": 2, "fs": [1]}],
            "ftbl": ["[root]", "0x1: event (a.c:1)"]}


def write(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(doc))
    return path


# --------------------------------------------------------------------------
# A profile with per-site history (hhHist, hhH), reachability (hhReach) and
# library frames: the shapes the pile-up rules tell apart, by hand.
# --------------------------------------------------------------------------

"""`piles()`: te = 1,000,000 instrs; hhHist has 100 instants t[i] =
10,000 * (i + 1), i = 0..99 (t[99] = te, kind "e"; t[96] = 970,000 is
t-gmax, kind "g"; the rest "s").  A site's value at instant i is given
below; hhH lists it where it changes.  Thresholds are rules.json's
defaults: level 90% of the site's maximum, base 10%, a maximum of at
least 1% of the heap's peak, rise >= 25% of the run in >= 3 rising
instants with no step over 60% of the rise, plateau >= 25% of the run for
"levels off", start-up = the first 50% of the run.

  site 0  Event#finish [ruby] (events.rb:40) <- Object#run [ruby] (app.rb:12),
          under objspace_xmalloc0 and an unsymbolised libruby frame.
          1,000 B blocks, value 1,000 * i B (i blocks) for i = 1..96, 0 from
          i = 97.  Max 96,000 B in 96 blocks.  Level 86,400: first i = 87,
          t 880,000.  Base 9,600: last i < 87 at or below is 9 (9,000 B), t
          100,000.  Rise 780,000 instrs (78%), 78 rising instants, steps of
          1,000.  Rise bytes 87,000 - 9,000 = 78,000; rate 78,000 * 10^6 /
          780,000 = 100,000 B per million instrs.  Below the level from
          i = 97 (t 980,000), at 0 at once: freed at once at 98%.  Plateau
          980,000 - 880,000 = 10%.  Held 980,000 - 100,000 = 880,000;
          harm 96,000 * 880,000 = 84,480,000,000.
  site 1  spawn_all (main.rs:9) <- main (main.rs:20), under Rust's alloc
          and tokio frames.  500 B blocks, value 500 * (i - 49) for
          i = 50..99: 25,000 B in 50 blocks at the end, 20,000 B in 40
          blocks of them lost (hhLostB/K).  Level 22,500: i = 94, t
          950,000.  Base 2,500: i = 54 (2,500 B), t 550,000.  Rise 400,000
          (40%), 40 rising instants; rise bytes 22,500 - 2,500 = 20,000;
          rate 50,000.  Never below the level again: never freed (plateau
          te - 950,000 = 5%).  Held te - 550,000 = 450,000; harm
          25,000 * 450,000 = 11,250,000,000.  Its leak is the pile-up's:
          no separate leak finding.
  site 2  Cache::fill (cache.c:30) <- main (main.c:50).  1,000 B blocks,
          1,000 * (i + 1) for i = 0..39, then 40,000 B in 40 blocks to the
          end, all reachable.  Level 36,000: i = 35, t 360,000.  Base
          4,000: i = 3, t 40,000.  Rise 320,000 (32%), 32 rising instants,
          rate 32,000 * 10^6 / 320,000 = 100,000.  Stays at the level to
          the end: plateau te - 360,000 = 64% >= 25%: levels off.  Last
          change at t[39] = 400,000 (40%): start-up steady, but levels-off
          already says it: not in the reachable line.
  sites 3, 4, 5  ??? in libruby-3.1.so.3.1.2 at 0x4A1B000, 0x4A1C000,
          0x4A1D000 (hhObjs: loaded at 0x4800000, so +0x21b000, +0x21c000,
          +0x21d000), under ruby_xmalloc, called from the ruby binary (no
          symbol either): no frame has a symbol past the allocation wrapper,
          so each is named by its own libruby frame.  3,000 B / 3 blocks, 2,000 / 2,
          1,000 / 1, from instant 0 to the end, reachable.  Start-up data
          (unchanged since t[0] = 10,000, 1%): one reachable line, "6.0 kB
          in 6 blocks at 3 places".
  site 6  load_config (config.c:12) <- main (main.c:40): 4,000 B in 4
          blocks from instant 0, all lost at exit; hhFirstT 5,000.  Leak:
          held 1,000,000 - 5,000 = 995,000, harm 3,980,000,000.
  sites 7, 8  fill (main.rs:30) <- main (main.rs:50), one through
          Vec::with_capacity (alloc.rs, raw_vec.rs), one through
          Vec::push's growth, at two addresses of line 30: one place.
          10 + 30 blocks of 1,000 B, all written (wb = tb), none read,
          freed at once: 40 of 40 blocks write-only, 40,000 B.
  site 9  Parser::parse (parse.c:70) <- main (main.c:60).  1,000 B blocks,
          1,000 * (i - 9) for i = 10..49 (40,000 B at i = 49), 40,000 to
          i = 59, then 40,000 - 4,000 * (i - 59) for i = 60..69 (0 at 69).
          Level 36,000: i = 45, t 460,000.  Base 4,000: i = 13, t 140,000.
          Rise 320,000 (32%), 32 rising instants, rate 100,000.  First
          below the level at i = 61 (32,000 B, t 620,000), at the base at
          i = 68 (4,000 B, t 690,000): freed gradually, between 62% and
          69%.  Plateau 620,000 - 460,000 = 16%.  Held 690,000 - 140,000 =
          550,000; harm 40,000 * 550,000 = 22,000,000,000.

At t-gmax (i = 96): 96,000 + 500 * 47 + 40,000 + 6,000 + 4,000 =
169,500 B (site 9 and sites 7, 8 are at 0), the run's largest total.
hhTimeline is the sum of the sites at each instant; two checkpoints,
"warm" at instant 29 (t 300,000) and "drain" at instant 79 (t 800,000).
Between them, per place: site 0 29,000 -> 79,000 (+50,000), site 9
20,000 -> 0 (-20,000), site 1 0 -> 15,000 (+15,000), site 2 30,000 ->
40,000 (+10,000), sites 6, 3, 4, 5 unchanged (4,000, 3,000, 2,000,
1,000); in all 89,000 -> 144,000 bytes, 89 -> 159 blocks, 75,000 bytes
grew and 20,000 were freed.
Peaks (>= 10% of 169,500 = 16,950): site 0 96,000 (56%), site 2 40,000
(23%), site 1 23,500 (13%).  Pile-up minimum share (1% = 1,695): sites
0, 1, 2, 9 (and 6, which never rises).

Expected findings, held by harm, then waste, then info by bytes:
  pile-up 0 (harm 84,480,000,000), pile-up 9 (22,000,000,000),
  pile-up 1 (11,250,000,000), leak 6 (3,980,000,000),
  write-only 7 (40,000),
  peak 0 (96,000), levels-off 2 (40,000), peak 2 (40,000),
  peak 1 (23,500), reachable 3 (3,000), reachable 4 (2,000),
  reachable 5 (1,000).
"""

PILES_TE = 1_000_000
PILES_INSTANTS = [10_000 * (i + 1) for i in range(100)]
PILES_FTBL = [
    "[root]",
    "0x48A1000: objspace_xmalloc0 (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",  # 1
    "0x48A2000: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",                  # 2
    "0x0: Event#finish [ruby] (events.rb:40)",                                              # 3
    "0x0: Object#run [ruby] (app.rb:12)",                                                   # 4
    "0x10000: alloc (alloc.rs:95)",                                                          # 5
    "0x10000: alloc::boxed::Box<T>::new (boxed.rs:250)",                                     # 6
    "0x20000: tokio::runtime::task::core::Cell<T,S>::new (src/runtime/task/core.rs:128)",   # 7
    "0x21000: tokio::task::spawn::spawn (src/task/spawn.rs:166)",                           # 8
    "0x30000: spawn_forget::spawn_all (main.rs:9)",                                          # 9
    "0x31000: spawn_forget::main (main.rs:20)",                                              # 10
    "0x40000: Cache::fill (cache.c:30)",                                                     # 11
    "0x41000: main (main.c:50)",                                                             # 12
    "0x4A0F000: ruby_xmalloc (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",          # 13
    "0x4A1B000: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",                   # 14
    "0x4A1C000: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",                   # 15
    "0x4A1D000: ??? (in /usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2)",                   # 16
    "0x108000: ??? (in /usr/bin/ruby3.1)",                                                   # 17
    "0x50000: load_config (config.c:12)",                                                    # 18
    "0x51000: main (main.c:40)",                                                             # 19
    "0x60000: alloc::raw_vec::RawVec<T,A>::allocate_in (raw_vec.rs:200)",                   # 20
    "0x61000: myapp::fill (main.rs:30)",                                                     # 21
    "0x62000: myapp::main (main.rs:50)",                                                     # 22
    "0x63000: alloc::raw_vec::finish_grow (raw_vec.rs:400)",                                 # 23
    "0x64000: alloc::vec::Vec<T,A>::push (mod.rs:1800)",                                     # 24
    "0x61040: myapp::fill (main.rs:30)",                                                     # 25
    "0x70000: Parser::parse (parse.c:70)",                                                   # 26
    "0x71000: main (main.c:60)",                                                             # 27
]
PILES_OBJS = [["/usr/lib/x86_64-linux-gnu/libruby-3.1.so.3.1.2", 0x4800000]]

PILES_EXPECTED = [
    ("pile-up", 0, 96_000, 84_480_000_000),
    ("pile-up", 9, 40_000, 22_000_000_000),
    ("pile-up", 1, 25_000, 11_250_000_000),
    ("leak", 6, 4_000, 3_980_000_000),
    ("write-only", 7, 40_000, 0),
    ("peak", 0, 96_000, 0),
    ("levels-off", 2, 40_000, 0),
    ("peak", 2, 40_000, 0),
    ("peak", 1, 23_500, 0),
    ("reachable", 3, 3_000, 0),
    ("reachable", 4, 2_000, 0),
    ("reachable", 5, 1_000, 0),
]


def _series(values: list[int], block: int) -> list[int]:
    """hhH triples for per-instant byte values of equal-size blocks."""
    out: list[int] = []
    previous = 0
    for i, v in enumerate(values):
        if v != previous:
            out += [i, v, v // block]
            previous = v
    return out


def _piles_values() -> dict[int, tuple[list[int], int]]:
    """Per site: live bytes at each of the 100 instants, and the block size."""
    r = range(100)
    return {
        0: ([1_000 * i if 1 <= i <= 96 else 0 for i in r], 1_000),
        1: ([500 * (i - 49) if i >= 50 else 0 for i in r], 500),
        2: ([1_000 * min(i + 1, 40) for i in r], 1_000),
        3: ([3_000] * 100, 1_000),
        4: ([2_000] * 100, 1_000),
        5: ([1_000] * 100, 1_000),
        6: ([4_000] * 100, 1_000),
        7: ([10_000 if i == 2 else 0 for i in r], 1_000),
        8: ([30_000 if i == 3 else 0 for i in r], 1_000),
        9: ([1_000 * (i - 9) if 10 <= i <= 49 else 40_000 if 50 <= i <= 59
             else max(40_000 - 4_000 * (i - 59), 0) if i >= 60 else 0 for i in r], 1_000),
    }


def many_leaks() -> dict[str, Any]:
    """piles() plus six more lost blocks, one site each (leak_more_1..6,
    more.c:1..6, 100 to 600 bytes allocated at instant 0 and lost): seven
    leaks, more than max_per_kind (5), so the default list shows five and
    "+2 more like this"."""
    doc = piles()
    for n in range(1, 7):
        doc["ftbl"].append(f"0x{0x80000 + n * 16:X}: leak_more_{n} (more.c:{n})")
        nbytes = 100 * n
        pp = _pp(tb=nbytes, tbk=1, tl=PILES_TE, mb=nbytes, mbk=1, gb=nbytes, gbk=1, eb=nbytes,
                 ebk=1, rb=nbytes, wb=nbytes, fs=[len(doc["ftbl"]) - 1, 19], hhFirstT=5_000,
                 hhLastT=PILES_TE, hhEndIdleDeciles=[0] * 9 + [nbytes])
        pp.update(hhH=[0, nbytes, 1], hhLostB=nbytes, hhLostK=1)
        doc["pps"].append(pp)
        for key in ("tb", "gb", "eb", "rb", "wb", "lb"):
            doc["hhTotals"][key] += nbytes
        for key in ("tbk", "gbk", "ebk", "lbk"):
            doc["hhTotals"][key] += 1
        tl = doc["hhTimeline"]
        tl["b"] = [b + nbytes for b in tl["b"]]
        tl["bk"] = [k + 1 for k in tl["bk"]]
        for cp in doc["hhCheckpoints"]:
            cp["b"] += nbytes
            cp["bk"] += 1
    return doc


def piles(reach: bool = True) -> dict[str, Any]:
    """The history profile described above; reach=False leaves out hhReach
    and the lost counts (a mid-run dump, or a run with reachability off)."""
    stacks = {0: [1, 2, 3, 4], 1: [5, 6, 7, 8, 9, 10], 2: [11, 12], 3: [13, 14, 17],
              4: [13, 15, 17], 5: [13, 16, 17], 6: [18, 19], 7: [5, 20, 21, 22],
              8: [23, 24, 25, 22], 9: [26, 27]}
    lost = {1: (20_000, 40), 6: (4_000, 4)}
    g = 96
    pps = []
    for s, (values, block) in sorted(_piles_values().items()):
        hist = _series(values, block)
        tb = sum(max(values[i] - (values[i - 1] if i else 0), 0) for i in range(100))
        eb = values[-1]
        written = s in (7, 8)
        pp = _pp(tb=tb, tbk=tb // block, tl=tb // block * 100_000, mb=max(values),
                 mbk=max(values) // block, gb=values[g], gbk=values[g] // block, eb=eb,
                 ebk=eb // block, rb=0 if written else tb, wb=tb, fs=stacks[s],
                 hhWriteOnlyK=tb // block if written else 0,
                 hhFirstT=5_000 if s == 6 else PILES_INSTANTS[next(i for i, v in enumerate(values) if v)],
                 hhLastT=PILES_TE, hhEndIdleDeciles=[0] * 9 + [eb])
        pp["hhH"] = hist
        if reach:
            pp["hhLostB"], pp["hhLostK"] = lost.get(s, (0, 0))
        pps.append(pp)
    totals = {k: sum(pp[k] for pp in pps) for k in ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb")}
    if reach:
        totals.update(lb=24_000, lbk=44)
    values = _piles_values()
    live_b = [sum(v[i] for v, _ in values.values()) for i in range(100)]
    live_k = [sum(v[i] // block for v, block in values.values()) for i in range(100)]
    kinds = "".join("e" if i == 99 else "g" if i == g else "c" if i in (29, 79) else "s"
                    for i in range(100))
    doc = {
        "dhatFileVersion": 2, "mode": "heap", "verb": "Allocated",
        "bklt": True, "bkacc": True, "tu": "instrs", "Mtu": "Minstr", "tuth": 500,
        "cmd": "./piles", "pid": 99, "te": PILES_TE, "tg": PILES_INSTANTS[g],
        "hhVersion": "0.1.0", "hhHistLimit": 1024, "hhTotals": totals,
        "hhHist": {"t": list(PILES_INSTANTS), "k": kinds, "g": g},
        "hhTimeline": {"t": list(PILES_INSTANTS), "b": live_b, "bk": live_k},
        "hhCheckpoints": [{"name": name, "t": PILES_INSTANTS[i], "b": live_b[i], "bk": live_k[i],
                           "hi": i} for name, i in (("warm", 29), ("drain", 79))],
        "hhObjs": [list(o) for o in PILES_OBJS],
        "pps": pps, "ftbl": list(PILES_FTBL),
    }
    if reach:
        doc["hhReach"] = True
    return doc
