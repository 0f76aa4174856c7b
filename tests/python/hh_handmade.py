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
