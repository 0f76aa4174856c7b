"""`heaphunt check`: limits on a profile's numbers, for CI gates.

A limit is either global (a summary number, e.g. --max-end-bytes 0) or per
function (--site FUNC:METRIC<=N: METRIC summed over every site that has FUNC
in its stack).  `evaluate` returns one Violation per limit exceeded, each
with the sites most responsible; the CLI prints them and exits 1 if any.
"""

from __future__ import annotations

import dataclasses
import re

from .profile import PP_HH_KEYS, CopySite, Profile, Site, frame_function
from .textfmt import count, site_label

# Global limits: option dest -> (summary key, words).
GLOBAL_LIMITS: dict[str, tuple[str, str]] = {
    "max_total_bytes": ("tb", "total bytes"),
    "max_total_blocks": ("tbk", "total blocks"),
    "max_peak_bytes": ("gb", "bytes at t-gmax (peak)"),
    "max_peak_blocks": ("gbk", "blocks at t-gmax (peak)"),
    "max_end_bytes": ("eb", "bytes at t-end"),
    "max_end_blocks": ("ebk", "blocks at t-end"),
    "max_reads": ("rb", "bytes read"),
    "max_writes": ("wb", "bytes written"),
    "max_copied_bytes": ("cb", "bytes copied"),
}

# Per-site metrics a --site limit may name: the JSON keys of a site.
SITE_METRICS = ("tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk", "rb", "wb",
                *PP_HH_KEYS)

# Sites listed under a violated limit.
RESPONSIBLE_SITES_SHOWN = 5

_SITE_LIMIT_RE = re.compile(r"^(?P<func>.+):(?P<metric>\w+)\s*<=\s*(?P<limit>\d+)$")


class LimitSyntaxError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Limit:
    description: str          # "bytes at t-end" or "make_event: eb"
    key: str                  # summary or site key
    limit: int
    function: str | None = None   # None for a global limit


@dataclasses.dataclass
class Violation:
    limit: Limit
    got: int
    # (site, its value), largest first; copy sites for the copy limits
    responsible: list[tuple[Site | CopySite, int]]


def parse_site_limit(text: str) -> Limit:
    """"make_event:eb<=0" -> Limit; LimitSyntaxError says what is wrong."""
    m = _SITE_LIMIT_RE.match(text.strip())
    if not m:
        raise LimitSyntaxError(f"--site {text!r}: expected FUNC:METRIC<=N, e.g. main:eb<=0")
    metric = m.group("metric")
    if metric not in SITE_METRICS:
        raise LimitSyntaxError(f"--site {text!r}: unknown metric {metric!r};"
                               f" one of {', '.join(SITE_METRICS)}")
    func = m.group("func").strip()
    return Limit(f"{func}: {metric}", metric, int(m.group("limit")), func)


def _in_stack(site: Site, function: str) -> bool:
    for frame in site.frames:
        if frame_function(frame) == function:
            return True
    return False


def _site_value(site: Site, key: str) -> int:
    return site.get(key) or 0


def _responsible(candidates: list, key: str) -> list[tuple[Site | CopySite, int]]:
    valued = [(s, getattr(s, key) if isinstance(s, CopySite) else _site_value(s, key))
              for s in candidates]
    valued = [sv for sv in valued if sv[1] > 0]
    valued.sort(key=lambda sv: (-sv[1], sv[0].index))
    return valued[:RESPONSIBLE_SITES_SHOWN]


def evaluate(p: Profile, limits: list[Limit]) -> list[Violation]:
    violations = []
    for lim in limits:
        if lim.function is None:
            got = p.totals.get(lim.key) or 0
            # Copies are counted per copy site (memcpy caller), the rest per site.
            candidates: list = (p.copy_sites or []) if lim.key in ("cb", "cbk") else p.sites
        else:
            candidates = [s for s in p.sites if _in_stack(s, lim.function)]
            got = sum(_site_value(s, lim.key) for s in candidates)
        if got > lim.limit:
            violations.append(Violation(lim, got, _responsible(candidates, lim.key)))
    return violations


def missing_data(p: Profile, limits: list[Limit]) -> str | None:
    """Why a limit cannot be checked on this profile, or None."""
    for lim in limits:
        if lim.function is None and p.totals.get(lim.key) is None:
            return (f"{p.path}: has no {lim.description} (copy profiling was off);"
                    " drop the limit or profile with copies on")
        if lim.function is not None and p.sites and all(s.get(lim.key) is None for s in p.sites):
            return f"{p.path}: its sites have no {lim.key} numbers ({p.mode} mode file)"
    return None


def violation_lines(p: Profile, violations: list[Violation]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{v.limit.description}: expected <= {count(v.limit.limit)},"
                     f" got {count(v.got)} ({count(v.got - v.limit.limit)} over)")
        for site, value in v.responsible:
            label = site.name if isinstance(site, CopySite) else site_label(site, p)
            lines.append(f"    {count(value):>15}  {label}")
    return lines
