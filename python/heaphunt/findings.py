"""Findings: plain sentences about the sites a programmer should look at.

The rules are those of the profile contract and docs/findings.md, with their
thresholds as the named constants below.  Each rule is a small function from
a site (and its profile) to a Finding or None; `find_all` applies them all
and orders the result: problems first, by the bytes they involve, largest
first, then the informational "peak" findings, also by bytes.  Sentences name
a site by its first frame's function and file:line.

Rules that need heaphunt's extra fields fall back, for plain DHAT files, to
what the DHAT numbers say exactly: a site with rb == 0 and wb == 0 had every
block never accessed; with rb == 0 only, every block was written and never
read; a site whose average lifetime is at most tuth is short-lived.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from .metrics import END_IDLE_STALE_BUCKETS
from .profile import Profile, Site
from .textfmt import count, human_bytes, percent, plural, site_label

# leak-stale ("ghost"): at least this share of a site's end bytes was last
# accessed before STALE_RUN_FRACTION of the run (buckets 0..7 of 10).
LEAK_STALE_MIN_PERCENT = 50
STALE_RUN_PERCENT = END_IDLE_STALE_BUCKETS * 10      # 80: "the last 20% of the run"
# never-accessed / write-only / short-lived: share of the site's blocks.
NEVER_ACCESSED_MIN_PERCENT = 50
WRITE_ONLY_MIN_PERCENT = 50
# write-only also needs the site's reads to be small next to its writes.
WRITE_ONLY_MAX_READ_PERCENT_OF_WRITES = 10
SHORT_LIVED_MIN_PERCENT = 50
SHORT_LIVED_MIN_BLOCKS = 10
# stale-before-free: idle time at the end of blocks' lives vs their lifetimes.
IDLE_MIN_PERCENT = 50
# peak: a site holding at least this share of the heap at t-gmax.
PEAK_MIN_PERCENT = 10

PROBLEM_KINDS = ("leak-stale", "leak", "never-accessed", "write-only", "short-lived",
                 "stale-before-free", "copied-more-than-read")
INFO_KINDS = ("peak",)


@dataclasses.dataclass(frozen=True)
class Finding:
    kind: str              # one of PROBLEM_KINDS or INFO_KINDS
    site: Site
    bytes_involved: int    # the ordering key
    sentence: str


Rule = Callable[[Site, Profile], "Finding | None"]


def _share(part: int, whole: int, min_percent: int) -> bool:
    """part >= min_percent% of whole, in integers (no rounding surprises)."""
    return whole > 0 and part * 100 >= whole * min_percent


def _pro_rata_bytes(site: Site, blocks: int) -> int:
    """Bytes of `blocks` of the site's blocks, at the site's average size."""
    return site.tb * blocks // site.tbk if site.tbk else 0


def leak_stale(site: Site, p: Profile) -> Finding | None:
    eb = site.eb or 0
    if eb == 0 or site.end_idle_deciles is None:
        return None
    stale = sum(site.end_idle_deciles[:END_IDLE_STALE_BUCKETS])
    if not _share(stale, eb, LEAK_STALE_MIN_PERCENT):
        return None
    return Finding("leak-stale", site, eb,
                   f"{human_bytes(eb)} allocated at {site_label(site, p)} are still live at "
                   f"exit, {percent(stale, eb)}% of it not accessed in the last "
                   f"{100 - STALE_RUN_PERCENT}% of the run")


def leak(site: Site, p: Profile) -> Finding | None:
    eb = site.eb or 0
    if eb == 0 or leak_stale(site, p) is not None:
        return None
    return Finding("leak", site, eb,
                   f"{human_bytes(eb)} in {plural(site.ebk, 'block')} allocated at "
                   f"{site_label(site, p)} are still live at exit")


def never_accessed(site: Site, p: Profile) -> Finding | None:
    if site.tbk == 0:
        return None
    if site.never_accessed_blocks is not None:
        blocks = site.never_accessed_blocks
    elif site.rb == 0 and site.wb == 0:
        blocks = site.tbk
    else:
        return None
    if blocks == 0 or not _share(blocks, site.tbk, NEVER_ACCESSED_MIN_PERCENT):
        return None
    return Finding("never-accessed", site, _pro_rata_bytes(site, blocks),
                   f"{count(blocks)} of {count(site.tbk)} blocks ({percent(blocks, site.tbk)}%) "
                   f"allocated at {site_label(site, p)} were never read or written")


def write_only(site: Site, p: Profile) -> Finding | None:
    if site.tbk == 0 or site.rb is None or site.wb is None:
        return None
    if site.write_only_blocks is not None:
        blocks = site.write_only_blocks
    elif site.rb == 0 and site.wb > 0:
        blocks = site.tbk
    else:
        return None
    if blocks == 0 or not _share(blocks, site.tbk, WRITE_ONLY_MIN_PERCENT):
        return None
    if site.rb * 100 > site.wb * WRITE_ONLY_MAX_READ_PERCENT_OF_WRITES:
        return None
    return Finding("write-only", site, _pro_rata_bytes(site, blocks),
                   f"{count(blocks)} of {count(site.tbk)} blocks ({percent(blocks, site.tbk)}%) "
                   f"allocated at {site_label(site, p)} were written but never read "
                   f"({human_bytes(site.wb)} written, {human_bytes(site.rb)} read)")


def short_lived(site: Site, p: Profile) -> Finding | None:
    if site.tbk < SHORT_LIVED_MIN_BLOCKS:
        return None
    if site.short_lived_blocks is not None:
        blocks = site.short_lived_blocks
        if not _share(blocks, site.tbk, SHORT_LIVED_MIN_PERCENT):
            return None
        detail = f"{count(blocks)} of {count(site.tbk)} blocks ({percent(blocks, site.tbk)}%)"
    elif site.tl is not None and p.tuth is not None and site.tl <= p.tuth * site.tbk:
        blocks = site.tbk
        detail = f"{plural(blocks, 'block')} (average lifetime {count(site.tl // site.tbk)} instrs)"
    else:
        return None
    return Finding("short-lived", site, _pro_rata_bytes(site, blocks),
                   f"{detail} allocated at {site_label(site, p)} were freed within "
                   f"{count(p.tuth)} instrs of their allocation: allocation churn")


def stale_before_free(site: Site, p: Profile) -> Finding | None:
    if site.idle_instrs is None or not site.tl:
        return None
    if not _share(site.idle_instrs, site.tl, IDLE_MIN_PERCENT):
        return None
    if leak_stale(site, p) is not None:
        return None  # the leak-stale finding already says it, more precisely
    frac = percent(site.idle_instrs, site.tl)
    return Finding("stale-before-free", site, site.tb * min(site.idle_instrs, site.tl) // site.tl,
                   f"blocks allocated at {site_label(site, p)} ({human_bytes(site.tb)} in "
                   f"{plural(site.tbk, 'block')}) spent {frac}% of their lifetime unused after "
                   f"their last access")


def copied_more_than_read(site: Site, p: Profile) -> Finding | None:
    out = site.copy_out_bytes
    if not out or site.rb is None:
        return None
    other_reads = max(site.rb - out, 0)
    if out <= other_reads:
        return None
    return Finding("copied-more-than-read", site, out,
                   f"{human_bytes(out)} were copied out of blocks allocated at "
                   f"{site_label(site, p)}, more than the {human_bytes(other_reads)} read "
                   f"from them otherwise")


def peak(site: Site, p: Profile) -> Finding | None:
    gb = site.gb or 0
    total = p.totals.gb
    if gb == 0 or not _share(gb, total, PEAK_MIN_PERCENT):
        return None
    when = f" ({count(p.tg)} instrs)" if p.tg is not None else ""
    return Finding("peak", site, gb,
                   f"{human_bytes(gb)} ({percent(gb, total)}%) of the heap at its peak"
                   f"{when} was allocated at {site_label(site, p)}")


RULES: tuple[Rule, ...] = (leak_stale, leak, never_accessed, write_only, short_lived,
                           stale_before_free, copied_more_than_read, peak)


def find_all(profile: Profile) -> list[Finding]:
    """Every finding of every site, problems first, then by bytes involved."""
    found = [f for site in profile.sites for rule in RULES
             if (f := rule(site, profile)) is not None]
    found.sort(key=lambda f: (f.kind in INFO_KINDS, -f.bytes_involved, f.site.index,
                              RULES.index(_rule_of(f.kind))))
    return found


def _rule_of(kind: str) -> Rule:
    return {"leak-stale": leak_stale, "leak": leak, "never-accessed": never_accessed,
            "write-only": write_only, "short-lived": short_lived,
            "stale-before-free": stale_before_free,
            "copied-more-than-read": copied_more_than_read, "peak": peak}[kind]
