"""Findings: plain sentences about the places a programmer should look at,
most harmful first.

The rules and their thresholds are those of rules.json, documented in
docs/findings.md; viewer/js/findings.js applies the same ones, and
tests/test_findings_parity.py requires both to give identical findings
(kinds, sites, order, numbers, sentences) on the same profiles.

Findings are made per group of sites (frames.py: the sites that share a
responsible frame and its callers), named by that frame.  Each rule is a
small function from a group (its summed numbers) and a context to a
Finding or None.  Kinds come in three bands, in this order:

  held    memory held for a long time: pile-up (a site's live bytes rising
          through much of the run, from hhH), leak (lost at exit, or live at
          exit when the file has no reachability), leak-stale
  waste   never-accessed, write-only, stale-before-free,
          copied-more-than-read, short-lived
  info    levels-off (growth that stops: a cache), peak, reachable (memory
          still reachable at exit and unchanged since start-up)

Held findings are ordered by `harm`, bytes times the instrs they were held;
the others by the bytes involved; ties by the first site's position in the
file, then the kind.  `shown` makes the list a reader sees: at most
max_per_kind findings of each kind (then "+N more like this"), and the
reachable ones folded into one line.

Rules that need heaphunt's extra fields fall back, for plain DHAT files, to
what the DHAT numbers say exactly: a site with rb == 0 and wb == 0 had every
block never accessed; with rb == 0 only, every block was written and never
read; a site whose average lifetime is at most tuth is short-lived.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from . import history
from .frames import Group, group_sites
from .profile import Profile, Site
from .rules import Rules, Thresholds, default_rules
from .textfmt import count, human_bytes, percent, plural

HELD_KINDS = ("pile-up", "leak", "leak-stale")
WASTE_KINDS = ("never-accessed", "write-only", "stale-before-free", "copied-more-than-read",
               "short-lived")
INFO_KINDS = ("levels-off", "peak", "reachable")
KINDS = HELD_KINDS + WASTE_KINDS + INFO_KINDS
# Kept for callers of the first version of this module.
PROBLEM_KINDS = HELD_KINDS + WASTE_KINDS

MILLION = 1_000_000


@dataclasses.dataclass(frozen=True)
class Finding:
    kind: str                  # one of KINDS
    site: Site                 # the group's numbers; site.index is its first site
    sites: tuple[int, ...]     # the file's sites ("pps" indices) it covers
    name: str                  # the group's name, as in the sentence
    bytes_involved: int        # what the finding is about
    blocks_involved: int
    harm: float                # bytes x instrs held (held kinds), else 0
    sentence: str


@dataclasses.dataclass(frozen=True)
class More:
    """A line standing for `hidden` findings not shown: "+N more like this"
    of one kind, or (kind None) the rest beyond max_findings."""
    kind: str | None
    hidden: int


@dataclasses.dataclass(frozen=True)
class Context:
    profile: Profile
    th: Thresholds
    group: Group

    @property
    def name(self) -> str:
        return self.group.name


def _share(part: int, whole: int, min_percent: int) -> bool:
    """part >= min_percent% of whole, in integers (no rounding surprises)."""
    return whole > 0 and part * 100 >= whole * min_percent


def _pro_rata_bytes(site: Site, blocks: int) -> int:
    """Bytes of `blocks` of the site's blocks, at the site's average size."""
    return site.tb * blocks // site.tbk if site.tbk else 0


def cut_hint(num_callers: int | None) -> str:
    """Said after a finding whose place has no frame of the program because
    its stack was cut at --num-callers."""
    limit = num_callers or 12
    return (f"; its stack was cut at --num-callers={limit}, all in library code: run again with "
            f"--num-callers={max(40, 2 * limit)} to reach the program's own frame")


def _finding(kind: str, c: Context, nbytes: int, nblocks: int, sentence: str,
             held_instrs: int = 0) -> Finding:
    if c.group.cut_short:
        sentence += cut_hint(c.profile.num_callers)
    harm = float(nbytes) * float(held_instrs) if kind in HELD_KINDS else 0.0
    return Finding(kind=kind, site=c.group.site, sites=tuple(s.index for s in c.group.members),
                   name=c.name, bytes_involved=nbytes, blocks_involved=nblocks, harm=harm,
                   sentence=sentence)


# --------------------------------------------------------------------------
# What the history says about a group
# --------------------------------------------------------------------------

def _growth(c: Context) -> history.Growth | None:
    p, site = c.profile, c.group.site
    if site.hist is None or p.history is None:
        return None
    return history.growth(site.hist, p.history.t, p.te, p.totals.gb, c.th)


def _startup_steady(c: Context) -> int | None:
    """When a site live at exit last changed, if that was within the
    start-up share of the run (else None)."""
    p, site = c.profile, c.group.site
    if site.hist is None or p.history is None or not site.eb:
        return None
    last = history.last_change(site.hist, p.history.t)
    if last is None or last * 100 > p.te * c.th.startup_percent:
        return None
    return last


def _held_since(c: Context) -> int:
    """When the group's memory started being held: its first allocation."""
    site = c.group.site
    if site.first_alloc_t is not None:
        return site.first_alloc_t
    if site.hist is not None and c.profile.history is not None:
        t = history.first_live(site.hist, c.profile.history.t)
        if t is not None:
            return t
    return 0


def _stale_bytes(c: Context) -> int | None:
    deciles = c.group.site.end_idle_deciles
    return None if deciles is None else sum(deciles[:c.th.stale_buckets])


def _stale_at_exit(c: Context) -> bool:
    """Most of what the group holds at exit was not accessed lately."""
    eb, stale = c.group.site.eb or 0, _stale_bytes(c)
    return eb > 0 and stale is not None and _share(stale, eb, c.th.leak_stale_min_percent)


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------

def pile_up(c: Context) -> Finding | None:
    g = _growth(c)
    if g is None or g.shape == "levels-off":
        return None
    te, site = c.profile.te, c.group.site
    rate = g.rise_bytes * MILLION // (g.t_level - g.t_start)
    text = (f"{human_bytes(g.max_bytes)} in {plural(g.max_blocks, 'block')} allocated at "
            f"{c.name} piled up over {percent(g.t_level - g.t_start, te)}% of the run "
            f"({human_bytes(rate)} per million instrs, "
            f"{human_bytes(g.max_bytes // max(g.max_blocks, 1))} per block)")
    if g.shape == "never-freed":
        text += " and were never freed"
        if c.profile.reach and site.lost_bytes is not None:
            lost = site.lost_bytes
            text += (f" ({human_bytes(lost)} of them lost at exit)" if lost
                     else " (still reachable at exit)")
    elif g.shape == "freed-at-once":
        text += f" and were all freed at once at {percent(g.t_freed or 0, te)}% of it"
    elif g.shape == "freed-gradually":
        text += (f" and were freed between {percent(g.t_released or 0, te)}% and "
                 f"{percent(g.t_freed or 0, te)}% of it")
    else:
        text += (f", and {percent(g.max_bytes - g.end_bytes, g.max_bytes)}% of them were "
                 f"freed by the end")
    return _finding("pile-up", c, g.max_bytes, g.max_blocks, text, g.held_instrs)


def levels_off(c: Context) -> Finding | None:
    g = _growth(c)
    if g is None or g.shape != "levels-off":
        return None
    te = c.profile.te
    rate = g.rise_bytes * MILLION // (g.t_level - g.t_start)
    return _finding("levels-off", c, g.max_bytes, g.max_blocks,
                    f"{human_bytes(g.max_bytes)} in {plural(g.max_blocks, 'block')} allocated "
                    f"at {c.name} grew over {percent(g.t_level - g.t_start, te)}% of the run "
                    f"({human_bytes(rate)} per million instrs) and then stayed at that level "
                    f"for {percent(g.plateau_instrs, te)}% of it, like a cache: a problem only "
                    f"if it need not be kept")


def _never_freed_pile_up(c: Context) -> bool:
    g = _growth(c)
    return g is not None and g.shape == "never-freed"


def leak_stale(c: Context) -> Finding | None:
    site = c.group.site
    eb = site.eb or 0
    stale = _stale_bytes(c)
    if eb == 0 or stale is None or _never_freed_pile_up(c) or _startup_steady(c) is not None:
        return None
    if c.profile.reach and site.lost_bytes:
        return None  # a leak: the leak finding says it
    if not _share(stale, eb, c.th.leak_stale_min_percent):
        return None
    state = "still reachable" if c.profile.reach else "still live"
    return _finding("leak-stale", c, eb, site.ebk or 0,
                    f"{human_bytes(eb)} allocated at {c.name} are {state} at exit, "
                    f"{percent(stale, eb)}% of it not accessed in the last "
                    f"{c.th.stale_window_percent}% of the run",
                    c.profile.te - _held_since(c))


def leak(c: Context) -> Finding | None:
    site = c.group.site
    eb = site.eb or 0
    if eb == 0 or _never_freed_pile_up(c):
        return None
    held = c.profile.te - _held_since(c)
    reach_known = c.profile.reach and site.lost_bytes is not None
    if reach_known and site.lost_bytes:
        lost = site.lost_bytes
        text = (f"{human_bytes(lost)} in {plural(site.lost_blocks, 'block')} allocated at "
                f"{c.name} are lost at exit: no pointer reaches them")
        if eb > lost:
            text += f" ({human_bytes(eb - lost)} more are still reachable)"
        return _finding("leak", c, lost, site.lost_blocks or 0, text, held)
    if _startup_steady(c) is not None or leak_stale(c) is not None:
        return None
    state = "still reachable" if reach_known else "still live"
    return _finding("leak", c, eb, site.ebk or 0,
                    f"{human_bytes(eb)} in {plural(site.ebk, 'block')} allocated at "
                    f"{c.name} are {state} at exit", held)


def reachable(c: Context) -> Finding | None:
    site = c.group.site
    since = _startup_steady(c)
    if since is None or levels_off(c) is not None:
        return None  # levels-off already says how it got there
    lost = (site.lost_bytes or 0) if c.profile.reach else 0
    lost_blocks = (site.lost_blocks or 0) if c.profile.reach else 0
    nbytes, nblocks = (site.eb or 0) - lost, (site.ebk or 0) - lost_blocks
    if nbytes == 0:
        return None
    state = "still reachable" if c.profile.reach else "still live"
    return _finding("reachable", c, nbytes, nblocks,
                    f"{human_bytes(nbytes)} in {plural(nblocks, 'block')} allocated at "
                    f"{c.name} are {state} at exit, unchanged since "
                    f"{percent(since, c.profile.te)}% of the run")


def never_accessed(c: Context) -> Finding | None:
    site = c.group.site
    if site.tbk == 0:
        return None
    if site.never_accessed_blocks is not None:
        blocks = site.never_accessed_blocks
    elif site.rb == 0 and site.wb == 0:
        blocks = site.tbk
    else:
        return None
    if blocks == 0 or not _share(blocks, site.tbk, c.th.never_accessed_min_percent):
        return None
    return _finding("never-accessed", c, _pro_rata_bytes(site, blocks), blocks,
                    f"{count(blocks)} of {count(site.tbk)} blocks "
                    f"({percent(blocks, site.tbk)}%) allocated at {c.name} were never read "
                    f"or written")


def write_only(c: Context) -> Finding | None:
    site = c.group.site
    if site.tbk == 0 or site.rb is None or site.wb is None:
        return None
    if site.write_only_blocks is not None:
        blocks = site.write_only_blocks
    elif site.rb == 0 and site.wb > 0:
        blocks = site.tbk
    else:
        return None
    if blocks == 0 or not _share(blocks, site.tbk, c.th.write_only_min_percent):
        return None
    if site.rb * 100 > site.wb * c.th.write_only_max_read_percent_of_writes:
        return None
    return _finding("write-only", c, _pro_rata_bytes(site, blocks), blocks,
                    f"{count(blocks)} of {count(site.tbk)} blocks "
                    f"({percent(blocks, site.tbk)}%) allocated at {c.name} were written but "
                    f"never read ({human_bytes(site.wb)} written, {human_bytes(site.rb)} read)")


def short_lived(c: Context) -> Finding | None:
    site, p = c.group.site, c.profile
    if site.tbk < c.th.short_lived_min_blocks:
        return None
    if site.short_lived_blocks is not None:
        blocks = site.short_lived_blocks
        if not _share(blocks, site.tbk, c.th.short_lived_min_percent):
            return None
        detail = (f"{count(blocks)} of {count(site.tbk)} blocks "
                  f"({percent(blocks, site.tbk)}%)")
    elif site.tl is not None and p.tuth is not None and site.tl <= p.tuth * site.tbk:
        blocks = site.tbk
        detail = f"{plural(blocks, 'block')} (average lifetime {count(site.tl // site.tbk)} instrs)"
    else:
        return None
    return _finding("short-lived", c, _pro_rata_bytes(site, blocks), blocks,
                    f"{detail} allocated at {c.name} were freed within {count(p.tuth)} "
                    f"instrs of their allocation: allocation churn")


def stale_before_free(c: Context) -> Finding | None:
    site = c.group.site
    if site.idle_instrs is None or not site.tl:
        return None
    if not _share(site.idle_instrs, site.tl, c.th.stale_before_free_min_percent):
        return None
    if _stale_at_exit(c):
        return None  # its blocks are held to the end: the leak findings say it
    frac = percent(site.idle_instrs, site.tl)
    return _finding("stale-before-free", c,
                    site.tb * min(site.idle_instrs, site.tl) // site.tl, site.tbk,
                    f"blocks allocated at {c.name} ({human_bytes(site.tb)} in "
                    f"{plural(site.tbk, 'block')}) spent {frac}% of their lifetime unused "
                    f"after their last access")


def copied_more_than_read(c: Context) -> Finding | None:
    site = c.group.site
    out = site.copy_out_bytes
    if not out or site.rb is None:
        return None
    other_reads = max(site.rb - out, 0)
    if out <= other_reads:
        return None
    return _finding("copied-more-than-read", c, out, site.copy_out_calls or 0,
                    f"{human_bytes(out)} were copied out of blocks allocated at {c.name}, "
                    f"more than the {human_bytes(other_reads)} read from them otherwise")


def peak(c: Context) -> Finding | None:
    site, p = c.group.site, c.profile
    gb = site.gb or 0
    total = p.totals.gb
    if gb == 0 or not _share(gb, total, c.th.peak_min_percent):
        return None
    when = f" ({count(p.tg)} instrs)" if p.tg is not None else ""
    return _finding("peak", c, gb, site.gbk or 0,
                    f"{human_bytes(gb)} ({percent(gb, total)}%) of the heap at its peak"
                    f"{when} was allocated at {c.name}")


Rule = Callable[[Context], "Finding | None"]
RULES: dict[str, Rule] = {
    "pile-up": pile_up, "leak": leak, "leak-stale": leak_stale,
    "never-accessed": never_accessed, "write-only": write_only,
    "stale-before-free": stale_before_free, "copied-more-than-read": copied_more_than_read,
    "short-lived": short_lived, "levels-off": levels_off, "peak": peak, "reachable": reachable,
}


def sort_key(f: Finding) -> tuple:
    """Held kinds by harm, then waste, then info, each by bytes."""
    band = 0 if f.kind in HELD_KINDS else 1 if f.kind in WASTE_KINDS else 2
    size = f.harm if band == 0 else float(f.bytes_involved)
    return (band, -size, f.site.index, KINDS.index(f.kind))


def find_all(profile: Profile, rules: Rules | None = None) -> list[Finding]:
    """Every finding of every group of sites, most harmful first."""
    if profile.mode != "heap":
        return []
    rules = rules or default_rules()
    found = []
    for group in group_sites(profile, rules):
        c = Context(profile=profile, th=rules.thresholds, group=group)
        for rule in RULES.values():
            f = rule(c)
            if f is not None:
                found.append(f)
    found.sort(key=sort_key)
    return found


def reachable_summary(found: list[Finding], profile: Profile, th: Thresholds) -> Finding:
    """The "reachable" findings as one line."""
    nbytes = sum(f.bytes_involved for f in found)
    nblocks = sum(f.blocks_involved for f in found)
    state = "still reachable" if profile.reach else "still live"
    first = found[0]
    return dataclasses.replace(
        first, sites=tuple(s for f in found for s in f.sites), name="",
        bytes_involved=nbytes, blocks_involved=nblocks,
        sentence=f"{human_bytes(nbytes)} in {plural(nblocks, 'block')} at "
                 f"{plural(len(found), 'place')} are {state} at exit and unchanged since the "
                 f"first {th.startup_percent}% of the run: start-up data, not a leak")


def shown(found: list[Finding], profile: Profile, rules: Rules | None = None,
          kind: str | None = None, max_findings: int = 0) -> list[Finding | More]:
    """What a reader sees.  With `kind`, every finding of that kind.
    Otherwise at most max_per_kind of each kind, a More line after the last
    one shown of a kind with more, and the reachable findings as one line;
    max_findings (0 = no limit) bounds the findings shown."""
    th = (rules or default_rules()).thresholds
    if kind is not None:
        picked = [f for f in found if f.kind == kind]
        if max_findings == 0 or len(picked) <= max_findings:
            return list(picked)
        return [*picked[:max_findings], More(None, len(picked) - max_findings)]
    per_kind: dict[str, int] = {}
    for f in found:
        per_kind[f.kind] = per_kind.get(f.kind, 0) + 1
    out: list[Finding | More] = []
    seen: dict[str, int] = {}
    reach = [f for f in found if f.kind == "reachable"]
    listed = covered = 0
    for f in found:
        if max_findings and listed >= max_findings:
            break
        if f.kind == "reachable":
            if f is reach[0]:
                out.append(reachable_summary(reach, profile, th) if len(reach) > 1 else f)
                listed += 1
                covered += len(reach)
            continue
        n = seen[f.kind] = seen.get(f.kind, 0) + 1
        if n <= th.max_per_kind:
            out.append(f)
            listed += 1
            covered += 1
            if n == th.max_per_kind and per_kind[f.kind] > n:
                out.append(More(f.kind, per_kind[f.kind] - n))
                covered += per_kind[f.kind] - n
    if covered < len(found):
        out.append(More(None, len(found) - covered))
    return out
