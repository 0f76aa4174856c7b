"""Write profiles: `heaphunt merge` and `heaphunt export --mode=copy`; write files atomically.

Both build a plain JSON object and write it in DHAT's layout (one pp per
line group), to a temporary name renamed into place, so an interrupted run
never leaves half a file.  Outputs load in Valgrind's dh_view.html: frame 0
is "[root]", no pp lists frame 0, and no two pps have the same frame list
(dh_view throws "repeated location").

Merge rules (docs/cli.md has the reasoning):
- sites are matched by frame strings (frame_key), numbers are added:
  tb, tbk, tl, gb, gbk, eb, ebk, rb, wb, hh* counts, hhEndIdleDeciles;
- mb/mbk are added too: the sum of each process's own maximum, an upper
  bound of the merged maximum (exact when only one input has the site);
- gb/gbk (and hhTotals.gb) are the sum of each process's bytes at its own
  peak: the peak if the processes all peaked at the same moment, so an upper
  bound for processes that ran side by side;
- te is the largest input te, tg the tg of the input with the largest gb;
  hhFirstT is the minimum, hhLastT the maximum;
- acc histograms of the same length are added (saturating at 65535),
  otherwise dropped; hhTimeline and hhCheckpoints are dropped (the
  processes' clocks are not comparable); copy sites are merged like sites.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .profile import (MAX_ACC_COUNT, PP_BKACC_KEYS, PP_BKLT_KEYS, PP_HH_KEYS, Profile,
                      SUMMARY_KEYS, Site, encode_acc, stack_key)


class MergeError(ValueError):
    pass


class _FrameTable:
    """Frame strings -> indices, [root] first; one representative string per
    frame_key so that matched frames print once."""

    def __init__(self) -> None:
        self.frames = ["[root]"]
        self._by_key: dict[str, int] = {}

    def indices(self, frames: list[str]) -> list[int]:
        out = []
        for frame, key in zip(frames, stack_key(frames)):
            if key not in self._by_key:
                self._by_key[key] = len(self.frames)
                self.frames.append(frame)
            out.append(self._by_key[key])
        return out


def _stack(site_frames: list[str]) -> list[str]:
    # A frame list may not be empty for dh_view; name the unknown.
    return site_frames or ["[no frames]"]


def _add_acc(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    if a is None or b is None or len(a) != len(b):
        return None
    return [min(x + y, MAX_ACC_COUNT) for x, y in zip(a, b)]


def merge_profiles(profiles: list[Profile], cmd: str | None = None) -> dict[str, Any]:
    """The merged profile as a JSON-ready dict; MergeError if incompatible."""
    if not profiles:
        raise MergeError("nothing to merge")
    first = profiles[0]
    for p in profiles[1:]:
        if (p.mode, p.bklt, p.bkacc) != (first.mode, first.bklt, first.bkacc):
            raise MergeError(f"{p.path} is a {p.mode}-mode file and {first.path} a "
                             f"{first.mode}-mode file; only files of one mode merge")
    ftbl = _FrameTable()
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    accs: dict[tuple[str, ...], list[int] | None] = {}
    # (profile number, pp index) -> merged key, for copy sites' src/dst.
    key_of: dict[tuple[int, int], tuple[str, ...]] = {}
    number_keys = ["tb", "tbk"]
    if first.bklt:
        number_keys += PP_BKLT_KEYS
    if first.bkacc:
        number_keys += PP_BKACC_KEYS
    for n, p in enumerate(profiles):
        for site in p.sites:
            frames = _stack(site.frames)
            key = stack_key(frames)
            key_of[(n, site.index)] = key
            if key not in merged:
                merged[key] = {"fs": ftbl.indices(frames)}
                for k in number_keys:
                    merged[key][k] = 0
                accs[key] = site.acc
            else:
                accs[key] = _add_acc(accs[key], site.acc)
            _add_site_numbers(merged[key], site, number_keys)
    pps = []
    index_of: dict[tuple[str, ...], int] = {}
    for key, pp in merged.items():
        index_of[key] = len(pps)
        acc = accs[key]
        out = {k: v for k, v in pp.items() if k != "fs"}
        if acc is not None:
            out["acc"] = encode_acc(acc)
        out["fs"] = pp["fs"]
        pps.append(out)

    te = max(p.te for p in profiles)
    peak_profile = max(profiles, key=lambda p: (p.totals.gb, -profiles.index(p)))
    cmds = []
    for p in profiles:
        if p.cmd not in cmds:
            cmds.append(p.cmd)
    doc: dict[str, Any] = {
        "dhatFileVersion": 2, "mode": first.mode, "verb": first.verb,
        "bklt": first.bklt, "bkacc": first.bkacc, "tu": first.tu, "Mtu": first.mtu,
    }
    for k in ("bu", "bsu", "bksu"):
        if k in first.extra_top_level:
            doc[k] = first.extra_top_level[k]
    if first.bklt:
        doc["tuth"] = first.tuth
    doc["cmd"] = cmd if cmd is not None else " ; ".join(cmds)
    doc["pid"] = first.pid
    doc["te"] = te
    if first.bklt:
        doc["tg"] = peak_profile.tg
    doc["hhVersion"] = __version__
    limits = [p.hist_limit for p in profiles if p.hist_limit is not None]
    if limits:
        doc["hhHistLimit"] = max(limits)
    totals = {k: sum(p.totals.get(k) or 0 for p in profiles) for k in SUMMARY_KEYS}
    if any(p.totals.cb is not None for p in profiles):
        totals["cb"] = sum(p.totals.cb or 0 for p in profiles)
        totals["cbk"] = sum(p.totals.cbk or 0 for p in profiles)
    if first.mode == "heap":
        doc["hhTotals"] = totals
    if any(p.copies_enabled for p in profiles):
        doc["hhCopies"] = True
    doc["hhMerged"] = [{"file": p.path, "cmd": p.cmd, "pid": p.pid, "te": p.te}
                       for p in profiles]
    doc["pps"] = pps
    copy_sites = _merge_copy_sites(profiles, ftbl, key_of, index_of)
    if copy_sites is not None:
        doc["hhCopySites"] = copy_sites
    doc["ftbl"] = ftbl.frames
    frame_dirs = _frame_dirs(profiles, ftbl.frames)
    if frame_dirs is not None:
        doc["hhFrameDirs"] = frame_dirs
    return doc


def _frame_dirs(profiles: list[Profile], ftbl: list[str]) -> dict[str, Any] | None:
    """hhFrameDirs for a merged frame table: each frame's directory as the
    profile it came from recorded it (None when no profile has any)."""
    if not any(p.frame_dirs is not None for p in profiles):
        return None
    dir_of: dict[str, str] = {}
    for p in profiles:
        for frame, directory in (p.frame_dirs or {}).items():
            dir_of.setdefault(frame, directory)
    dirs: list[str] = []
    number: dict[str, int] = {}
    per_frame: list[int | None] = []
    for frame in ftbl:
        directory = dir_of.get(frame)
        if directory is not None and directory not in number:
            number[directory] = len(dirs)
            dirs.append(directory)
        per_frame.append(None if directory is None else number[directory])
    return {"d": dirs, "f": per_frame}


def _add_site_numbers(pp: dict[str, Any], site: Site, number_keys: list[str]) -> None:
    for k in number_keys:
        pp[k] += getattr(site, k) or 0
    for json_key, attr in PP_HH_KEYS.items():
        value = getattr(site, attr)
        if value is None:
            continue
        if json_key == "hhFirstT":
            pp[json_key] = min(pp.get(json_key, value), value)
        elif json_key == "hhLastT":
            pp[json_key] = max(pp.get(json_key, value), value)
        else:
            pp[json_key] = pp.get(json_key, 0) + value
    if site.end_idle_deciles is not None:
        prev = pp.get("hhEndIdleDeciles", [0] * len(site.end_idle_deciles))
        pp["hhEndIdleDeciles"] = [x + y for x, y in zip(prev, site.end_idle_deciles)]


def _merge_copy_sites(profiles: list[Profile], ftbl: _FrameTable,
                      key_of: dict[tuple[int, int], tuple[str, ...]],
                      index_of: dict[tuple[str, ...], int]) -> list[dict[str, Any]] | None:
    if all(p.copy_sites is None for p in profiles):
        return None
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for n, p in enumerate(profiles):
        for cs in p.copy_sites or []:
            frames = _stack(cs.frames)
            key = stack_key(frames)
            entry = merged.setdefault(key, {"cb": 0, "cbk": 0, "fs": ftbl.indices(frames),
                                            "src": {}, "dst": {}})
            entry["cb"] += cs.cb
            entry["cbk"] += cs.cbk
            for side, pairs in (("src", cs.src), ("dst", cs.dst)):
                for pp_index, nbytes in pairs:
                    target = -1 if pp_index < 0 else index_of[key_of[(n, pp_index)]]
                    entry[side][target] = entry[side].get(target, 0) + nbytes
    out = []
    for entry in merged.values():
        out.append({"cb": entry["cb"], "cbk": entry["cbk"], "fs": entry["fs"],
                    "src": [[k, v] for k, v in sorted(entry["src"].items())],
                    "dst": [[k, v] for k, v in sorted(entry["dst"].items())]})
    return out


class ExportError(ValueError):
    pass


def export_copy_mode(p: Profile) -> dict[str, Any]:
    """A DHAT copy-mode file (what `valgrind --tool=dhat --mode=copy` writes)
    from heaphunt's hhCopySites: one pp per copy stack, tb = bytes copied,
    tbk = calls."""
    if p.copy_sites is None:
        raise ExportError(f"{p.path}: has no copy sites (hhCopySites); profile with a "
                          "heaphunt that records copies (hhCopies true)")
    ftbl = _FrameTable()
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for cs in p.copy_sites:
        frames = _stack(cs.frames)
        key = stack_key(frames)
        pp = merged.setdefault(key, {"tb": 0, "tbk": 0, "fs": ftbl.indices(frames)})
        pp["tb"] += cs.cb
        pp["tbk"] += cs.cbk
    return {
        "dhatFileVersion": 2, "mode": "copy", "verb": "Copied",
        "bklt": False, "bkacc": False, "tu": p.tu, "Mtu": p.mtu,
        "cmd": p.cmd, "pid": p.pid, "te": p.te,
        "pps": list(merged.values()), "ftbl": ftbl.frames,
    }


def dumps(doc: dict[str, Any]) -> str:
    """DHAT's layout: top-level keys one per line, one pp per line."""
    parts = []
    for k, v in doc.items():
        if k in ("pps", "hhCopySites", "ftbl", "hhMerged") and isinstance(v, list):
            inner = "\n ,".join(json.dumps(x, separators=(",", ":")) for x in v)
            text = f"\n [{inner}\n ]" if v else "[]"
        else:
            text = json.dumps(v, separators=(",", ":"))
        parts.append(f"{json.dumps(k)}:{text}")
    return "{" + "\n,".join(parts) + "\n}\n"


def write_json(doc: dict[str, Any], out_path: str | Path) -> None:
    write_bytes(dumps(doc).encode("utf-8"), out_path)


def write_bytes(data: bytes, out_path: str | Path) -> None:
    """Write atomically: a temporary file in the same directory, then rename."""
    out = Path(out_path)
    directory = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file private; give it the mode a plain open would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
