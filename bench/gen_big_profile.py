#!/usr/bin/env python3
"""Generate a synthetic heaphunt profile of any size, for the viewer.

    bench/gen_big_profile.py --sites 220000 -o build/bench/big.json   # ~100 MB
    bench/gen_big_profile.py --sites 40 --seed 3 -o small.json        # a test fixture

The file has every field of DHAT's heap format and of heaphunt's extra
fields (hhTotals, hhTimeline, hhCheckpoints, hhCopySites, the per-site hh*
numbers), with numbers that hold together the way a real profile's do:
totals are the sums of the sites, gb <= mb, eb <= mb, the end-idle deciles
add up to eb, hhFirstT <= hhLastT <= te, the timeline passes through the
peak (tg, gb) and ends at (te, eb).  Stacks share callers the way real
programs do (a few hundred entry paths fanning out to many allocation
functions), so the tree has realistic shape: deep, and much smaller than
sites x frames.

Deterministic for a given --seed.  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

TIMELINE_POINTS = 2000
HIST_LIMIT = 1024


def frame_string(index: int, rng_line: int) -> str:
    module = index % 97
    return f"0x{0x400000 + index * 16:X}: fn_{index} (src/mod_{module}.c:{rng_line})"


def build(n_sites: int, depth: int, seed: int) -> dict:
    rng = random.Random(seed)
    ftbl = ["[root]"]
    frame_ids: dict[tuple[int, int], int] = {}

    def frame(fn: int, line: int) -> int:
        key = (fn, line)
        fid = frame_ids.get(key)
        if fid is None:
            fid = len(ftbl)
            ftbl.append(frame_string(fn, line))
            frame_ids[key] = fid
        return fid

    # Caller paths: main -> a few layers shared by many sites.  Each site's
    # stack is an outer path (shared) plus an inner tail (mostly its own).
    n_paths = max(4, n_sites // 40)
    outer_len = max(1, depth // 2)
    paths = []
    for p in range(n_paths):
        path = [frame(0, 10)]  # main
        for level in range(1, outer_len):
            fn = 1 + (p * 7 + level * 131) % (10 + level * max(1, n_paths // 20))
            path.append(frame(fn, 20 + level))
        paths.append(path)

    te = 50_000_000 + n_sites * 2_000
    tg = int(te * 0.6)
    pps = []
    totals = dict.fromkeys(("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"), 0)
    for s in range(n_sites):
        outer = paths[rng.randrange(n_paths)]
        inner_len = max(1, depth - len(outer))
        alloc_fn = 1000 + rng.randrange(max(50, n_sites // 3))
        inner = [frame(alloc_fn, 100 + rng.randrange(50))]
        for k in range(1, inner_len):
            inner.append(frame(500 + (alloc_fn * 3 + k) % 400, 60 + k))
        fs = inner + list(reversed(outer))  # innermost first
        size = rng.choice((8, 16, 24, 32, 48, 64, 128, 256, 1024, 4096, 65536))
        tbk = rng.randint(1, 400)
        tb = size * tbk
        live_max = rng.randint(1, tbk)
        mb, mbk = size * live_max, live_max
        gbk = rng.randint(0, live_max)
        ebk = rng.randint(0, live_max) if rng.random() < 0.3 else 0
        gb, eb = size * gbk, size * ebk
        first_t = rng.randrange(te // 2)
        last_t = te if ebk else rng.randint(first_t, te)
        tl = tbk * rng.randint(1, max(1, last_t - first_t))
        rb = int(tb * rng.choice((0, 0.5, 1, 2, 4)))
        wb = int(tb * rng.choice((0, 1, 1, 2)))
        no_acc = tbk if rb == 0 and wb == 0 else rng.randint(0, tbk // 8)
        write_only = 0 if rb else tbk - no_acc
        deciles = [0] * 10
        for _ in range(ebk):
            deciles[rng.randrange(10)] += size
        copy_out = int(rb * rng.choice((0, 0, 0.25, 0.9))) if rb else 0
        pp = {
            "tb": tb, "tbk": tbk, "tl": tl, "mb": mb, "mbk": mbk, "gb": gb, "gbk": gbk,
            "eb": eb, "ebk": ebk, "rb": rb, "wb": wb,
            "hhCopyInB": int(wb * 0.1), "hhCopyInK": tbk // 10,
            "hhCopyOutB": copy_out, "hhCopyOutK": tbk // 10 if copy_out else 0,
            "hhNoAccK": no_acc, "hhWriteOnlyK": write_only,
            "hhReadOnlyAfterInitK": tbk // 3 if rb else 0,
            "hhShortK": rng.randint(0, tbk),
            "hhIdleI": rng.randint(0, tl), "hhEndIdleDeciles": deciles,
            "hhFirstT": first_t, "hhLastT": last_t,
        }
        if size <= HIST_LIMIT and rng.random() < 0.5:
            hot = rng.randint(1, size)
            pp["acc"] = [-hot, rng.randint(1, 5000)] + ([-(size - hot), 0] if size > hot else [])
        pp["fs"] = fs
        pps.append(pp)
        for key in totals:
            totals[key] += pp[key]
    totals["cb"] = sum(pp["hhCopyOutB"] for pp in pps)
    totals["cbk"] = sum(pp["hhCopyOutK"] for pp in pps)

    # Timeline: a random walk pinned to (tg, gb) and (te, eb).
    ts = sorted(set([0, tg, te] + [rng.randrange(1, te) for _ in range(TIMELINE_POINTS - 3)]))
    gb_total, eb_total = totals["gb"], totals["eb"]
    b, bk = [], []
    for t in ts:
        if t == tg:
            v = gb_total
        elif t == te:
            v = eb_total
        elif t < tg:
            v = int(gb_total * (t / tg) * rng.uniform(0.5, 0.95))
        else:
            frac = (t - tg) / (te - tg)
            v = int(gb_total + (eb_total - gb_total) * frac * rng.uniform(0.9, 1.0))
            v = min(v, gb_total - 1) if gb_total else 0
        b.append(max(0, v))
        bk.append(max(0, v // 64))
    b[0], bk[0] = 0, 0
    checkpoints = [{"name": name, "t": int(te * f), "b": 0, "bk": 0}
                   for name, f in (("startup", 0.1), ("loaded", 0.35), ("peak-phase", 0.6), ("shutdown", 0.9))]
    for cp in checkpoints:
        i = max(k for k, t in enumerate(ts) if t <= cp["t"])
        cp["b"], cp["bk"] = b[i], bk[i]

    copy_sites = []
    for c in range(max(1, n_sites // 50)):
        src = rng.randrange(n_sites)
        dst = rng.randrange(n_sites)
        nbytes = rng.randint(1, 100_000)
        copy_sites.append({"cb": nbytes, "cbk": rng.randint(1, 100),
                           "fs": [frame(900 + c % 50, 300), frame(0, 11)],
                           "src": [[src, nbytes // 2], [-1, nbytes - nbytes // 2]],
                           "dst": [[dst, nbytes]]})

    return {
        "dhatFileVersion": 2, "mode": "heap", "verb": "Allocated", "bklt": True, "bkacc": True,
        "tu": "instrs", "Mtu": "Minstr", "tuth": 500,
        "cmd": f"synthetic --sites {n_sites} --seed {seed}", "pid": 4242, "te": te, "tg": tg,
        "hhVersion": "0.1.0", "hhHistLimit": HIST_LIMIT, "hhTotals": totals, "hhCopies": True,
        "hhTimeline": {"t": ts, "b": b, "bk": bk}, "hhCheckpoints": checkpoints,
        "hhCopySites": copy_sites,
        "pps": pps, "ftbl": ftbl,
    }


def write(profile: dict, out: Path) -> None:
    # One pp per line, as the tool writes them: readable with head/grep.
    with open(out, "w") as f:
        pps = profile.pop("pps")
        ftbl = profile.pop("ftbl")
        head = json.dumps(profile, separators=(",", ":"))[:-1]
        f.write(head + ',\n"pps":[\n')
        f.write(",\n".join(json.dumps(pp, separators=(",", ":")) for pp in pps))
        f.write('\n],\n"ftbl":[\n')
        f.write(",\n".join(json.dumps(s) for s in ftbl))
        f.write("\n]}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=220_000, help="number of allocation sites (default 220000, ~100 MB)")
    ap.add_argument("--depth", type=int, default=12, help="frames per stack (default 12, --num-callers' default)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args()
    if args.sites < 1 or args.depth < 2:
        print("gen_big_profile: --sites must be >= 1 and --depth >= 2", file=sys.stderr)
        return 2
    write(build(args.sites, args.depth, args.seed), args.out)
    size_mb = args.out.stat().st_size / 1e6
    print(f"{args.out}: {args.sites} sites, {size_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
