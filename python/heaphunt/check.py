"""`heaphunt check`: limits on a profile's numbers, for CI gates.

A limit bounds one number of the profile (NEW):
- global: a summary number (--max-end-bytes 0 -> hhTotals.eb <= 0);
- per function: a site metric summed over every site that has FUNC in its
  stack (--site 'FUNC:METRIC<=N');
- growth: how much a number grew from a baseline profile (OLD), in the
  metric's unit (--max-growth-bytes N) or in percent of OLD's value
  (--max-growth-percent P), globally for --metric or per function
  (--site 'FUNC:METRIC<=+N', --site 'FUNC:METRIC<=+P%').

Limits come from options and from a budgets file (budgets.py).
`evaluate` returns one Result per limit, met or not, each with the places
contributing most (sites grouped and named by their responsible frame,
frames.py, as `heaphunt report` names them); the CLI prints them, and writes them as JUnit XML or
GitHub Actions annotations (ci_output.py).  Pure functions; nothing prints.
"""

from __future__ import annotations

import dataclasses
import math
import re

from .diff import site_deltas
from .metrics import Metric, find_metric
from .frames import Group, group_sites
from .profile import PP_HH_KEYS, CopySite, Profile, Site, frame_function, frame_location
from .rules import Rules, default_rules
from .textfmt import count, signed

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

# The summary numbers a profile has (hhTotals); other keys are summed over sites.
TOTALS_KEYS = ("tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb", "cb", "cbk")

# Per-site metrics a --site limit may name: the JSON keys of a site.
SITE_METRICS = ("tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk", "rb", "wb",
                *PP_HH_KEYS)

DEFAULT_GROWTH_METRIC = "total-bytes"

# Sites listed under a limit.
RESPONSIBLE_SITES_SHOWN = 5

_SITE_LIMIT_RE = re.compile(
    r"^(?P<func>.+):(?P<metric>\w+)\s*<=\s*(?P<plus>\+)?(?P<limit>\d+(?:\.\d+)?)(?P<pct>%)?$")


class LimitSyntaxError(ValueError):
    pass


# How a limit compares NEW's number with its bound.
ABSOLUTE = "absolute"          # value <= limit
GROWTH = "growth"              # value - baseline value <= limit
GROWTH_PERCENT = "percent"     # (value - baseline value) / baseline value <= limit %


@dataclasses.dataclass(frozen=True)
class Limit:
    description: str          # "bytes at t-end", "make_event: eb", "total bytes growth"
    key: str                  # summary or site key
    limit: int | float
    function: str | None = None   # None for a global limit
    kind: str = ABSOLUTE

    @property
    def needs_baseline(self) -> bool:
        return self.kind != ABSOLUTE

    @property
    def bound_text(self) -> str:
        """"<= 4,096", "<= +4,096", "<= +5%": what the limit allows."""
        if self.kind == GROWTH_PERCENT:
            return f"<= +{_percent_text(self.limit)}%"
        return f"<= {'+' if self.kind == GROWTH else ''}{count(self.limit)}"


@dataclasses.dataclass(frozen=True)
class Contributor:
    """A site under a limit: its label, its number (or growth), its source line."""
    label: str
    value: int | float
    location: str | None      # "leaky.c:95", for annotations; None if unknown


@dataclasses.dataclass
class Result:
    limit: Limit
    value: int                # NEW's number
    baseline: int | None      # OLD's number (growth limits)
    responsible: list[Contributor]

    @property
    def growth(self) -> int:
        assert self.baseline is not None
        return self.value - self.baseline

    @property
    def got(self) -> int | float:
        """What is compared with the limit: the number, its growth, or the
        growth in percent (inf when growing from 0)."""
        if self.limit.kind == ABSOLUTE:
            return self.value
        if self.limit.kind == GROWTH:
            return self.growth
        return growth_percent(self.value, self.baseline or 0)

    @property
    def passed(self) -> bool:
        return self.got <= self.limit.limit

    def message(self) -> str:
        """"expected <= 0, got 6,400 (6,400 over)" and its growth forms."""
        lim = self.limit
        if lim.kind == ABSOLUTE:
            over = f" ({count(self.value - lim.limit)} over)" if not self.passed else ""
            return f"expected {lim.bound_text}, got {count(self.value)}{over}"
        change = f"{count(self.baseline)} -> {count(self.value)}"
        if lim.kind == GROWTH:
            over = f"; {count(self.growth - lim.limit)} over" if not self.passed else ""
            return (f"expected {lim.bound_text} over the baseline, got {signed(self.growth)}"
                    f" ({change}{over})")
        got = self.got
        got_text = "+inf% (from 0)" if got == math.inf else f"{'+' if got >= 0 else ''}" \
                                                             f"{_percent_text(got)}%"
        return f"expected {lim.bound_text} over the baseline, got {got_text} ({change})"


def growth_percent(value: int, baseline: int) -> float:
    """Growth from baseline to value in percent; +inf for any growth from 0."""
    if baseline == 0:
        return 0.0 if value <= 0 else math.inf
    return 100.0 * (value - baseline) / baseline


def _percent_text(p: float) -> str:
    """5 -> "5", 2.5 -> "2.5", 33.3333 -> "33.33"."""
    text = f"{p:.2f}".rstrip("0").rstrip(".")
    return text or "0"


# --------------------------------------------------------------------------
# Making limits
# --------------------------------------------------------------------------

def growth_metric_key(name: str) -> str:
    """--metric NAME -> the JSON key whose growth is bounded; LimitSyntaxError
    if NAME is not a count that adds up over sites (averages, ratios)."""
    if name in TOTALS_KEYS or name in SITE_METRICS:
        return name
    metric = find_metric(name)
    if metric is None or not metric.summable or not metric.keys \
            or metric.keys[0] not in SITE_METRICS:
        counts = [m for m in SITE_METRICS if m not in PP_HH_KEYS]
        raise LimitSyntaxError(f"--metric {name!r}: not a count that can grow; one of"
                               f" total-bytes, total-blocks, end-bytes, end-blocks,"
                               f" gmax-bytes, reads, writes, ... or a key: {', '.join(counts)}")
    return metric.keys[0]


def metric_words(key: str) -> str:
    for words_key, words in GLOBAL_LIMITS.values():
        if words_key == key:
            return words
    if key == "cbk":
        return "copy calls"
    metric = find_metric(key)
    return metric.label if metric is not None else key


def growth_limits(key: str, max_bytes: int | None, max_percent: float | None) -> list[Limit]:
    """--max-growth-bytes / --max-growth-percent for the --metric key."""
    words = f"{metric_words(key)} growth"
    limits = []
    if max_bytes is not None:
        limits.append(Limit(words, key, max_bytes, kind=GROWTH))
    if max_percent is not None:
        limits.append(Limit(words, key, max_percent, kind=GROWTH_PERCENT))
    return limits


def parse_site_limit(text: str) -> Limit:
    """"make_event:eb<=0", "parse:tb<=+4096", "parse:tb<=+5%" -> Limit;
    LimitSyntaxError says what is wrong."""
    m = _SITE_LIMIT_RE.match(text.strip())
    if not m or (m.group("pct") and not m.group("plus")) \
            or ("." in m.group("limit") and not m.group("pct")):
        raise LimitSyntaxError(f"--site {text!r}: expected FUNC:METRIC<=N, FUNC:METRIC<=+N"
                               " or FUNC:METRIC<=+P%, e.g. main:eb<=0")
    return site_limit(m.group("func").strip(), m.group("metric"),
                      m.group("limit"), m.group("plus") is not None, m.group("pct") is not None,
                      f"--site {text!r}")


def site_limit(function: str, metric: str, number: str, growth: bool, percent: bool,
               where: str) -> Limit:
    if metric not in SITE_METRICS:
        raise LimitSyntaxError(f"{where}: unknown metric {metric!r};"
                               f" one of {', '.join(SITE_METRICS)}")
    if not function:
        raise LimitSyntaxError(f"{where}: no function named")
    if percent:
        return Limit(f"{function}: {metric} growth", metric, float(number), function,
                     GROWTH_PERCENT)
    if growth:
        return Limit(f"{function}: {metric} growth", metric, int(number), function, GROWTH)
    return Limit(f"{function}: {metric}", metric, int(number), function)


# --------------------------------------------------------------------------
# Evaluating them
# --------------------------------------------------------------------------

def _in_stack(site: Site, function: str) -> bool:
    return any(frame_function(frame) == function for frame in site.frames)


def _site_value(site: Site, key: str) -> int:
    return site.get(key) or 0


def _sites_of(p: Profile, lim: Limit) -> list[Site]:
    if lim.function is None:
        return p.sites
    return [s for s in p.sites if _in_stack(s, lim.function)]


def _value(p: Profile, lim: Limit) -> int:
    if lim.function is None and lim.key in TOTALS_KEYS:
        return p.totals.get(lim.key) or 0
    return sum(_site_value(s, lim.key) for s in _sites_of(p, lim))


def _location(frames: list[str]) -> str | None:
    """The first frame's "file.c:42", if it has one."""
    for frame in frames:
        where = frame_location(frame)
        if where and not where.startswith("in ") and ":" in where:
            return where
        break
    return None


def _largest(p: Profile, lim: Limit, rules: Rules) -> list[Contributor]:
    # Copies are counted per copy site (memcpy caller), the rest per group
    # of sites with one responsible frame.
    if lim.function is None and lim.key in ("cb", "cbk"):
        copies = [(c, getattr(c, lim.key)) for c in p.copy_sites or []]
        copies = [cv for cv in copies if cv[1] > 0]
        copies.sort(key=lambda cv: (-cv[1], cv[0].index))
        return [Contributor(c.name, v, _location(c.frames))
                for c, v in copies[:RESPONSIBLE_SITES_SHOWN]]
    chosen = {s.index for s in _sites_of(p, lim)}
    valued: list[tuple[Group, int]] = []
    for group in group_sites(p, rules):
        value = sum(_site_value(s, lim.key) for s in group.members if s.index in chosen)
        if value > 0:
            valued.append((group, value))
    valued.sort(key=lambda gv: (-gv[1], gv[0].site.index))
    return [Contributor(g.name, v, _location(g.frames)) for g, v in valued[:RESPONSIBLE_SITES_SHOWN]]


def _key_metric(key: str) -> Metric:
    metric = find_metric(key)
    if metric is not None and key in metric.keys:
        return metric
    return Metric(key, (key,), key, lambda s, p: s.get(key))


def _largest_growth(new: Profile, old: Profile, lim: Limit, rules: Rules) -> list[Contributor]:
    """Sites (matched by stack, as diff matches them) that grew most."""
    new_view = dataclasses.replace(new, sites=_sites_of(new, lim))
    old_view = dataclasses.replace(old, sites=_sites_of(old, lim))
    grown = [d for d in site_deltas(old_view, new_view, _key_metric(lim.key), rules=rules)
             if d.delta > 0]
    out = []
    for d in grown[:RESPONSIBLE_SITES_SHOWN]:
        label = d.label + (f" called from {d.caller}" if d.caller else "")
        label += "" if d.in_a else "  [new]"
        out.append(Contributor(label, int(d.delta), _location(list(d.key))))
    return out


def evaluate(new: Profile, limits: list[Limit], baseline: Profile | None = None,
             rules: Rules | None = None) -> list[Result]:
    """One Result per limit, in the order given.  Growth limits need a baseline."""
    rules = rules or default_rules()
    results = []
    for lim in limits:
        value = _value(new, lim)
        if lim.needs_baseline:
            assert baseline is not None, "growth limits need a baseline"
            old = _value(baseline, lim)
            result = Result(lim, value, old, [])
            if result.growth > 0:
                result.responsible = _largest_growth(new, baseline, lim, rules)
        else:
            result = Result(lim, value, None, _largest(new, lim, rules))
        results.append(result)
    return results


def missing_data(p: Profile, limits: list[Limit]) -> str | None:
    """Why a limit cannot be checked on this profile, or None."""
    for lim in limits:
        if lim.function is None and lim.key in TOTALS_KEYS and not _total_recorded(p, lim.key):
            return f"{p.path}: has no {metric_words(lim.key)}: {_why_missing(p, lim.key)}"
        if (lim.function is not None or lim.key not in TOTALS_KEYS) and p.sites \
                and all(s.get(lim.key) is None for s in p.sites):
            return f"{p.path}: its sites have no {lim.key} numbers: {_why_missing(p, lim.key)}"
    return None


def _total_recorded(p: Profile, key: str) -> bool:
    # Copy-mode and ad-hoc files count only their events (tb, tbk): the
    # other totals of such a file read as 0, which must not pass a limit.
    if p.mode != "heap":
        return key in ("tb", "tbk")
    return p.totals.get(key) is not None


def _why_missing(p: Profile, key: str) -> str:
    """Why profile p has no number `key`, and what to do instead."""
    if p.mode == "copy":
        return ("a copy-mode file counts only the bytes copied and the calls, as its"
                " total bytes and total blocks; use --max-total-bytes or --max-total-blocks"
                if key in ("cb", "cbk") else
                "a copy-mode file counts only the bytes copied and the calls")
    if p.mode != "heap":
        article = "an" if p.mode[:1] in "aeiou" else "a"
        return f"{article} {p.mode}-mode file counts only its events"
    if not p.is_heaphunt and (key.startswith("hh") or key in ("cb", "cbk")):
        return ("it is a DHAT heap profile, which has no copy or access-pattern numbers"
                " (DHAT counts copies only in a run of its own, --mode=copy); check a"
                " heaphunt profile of the program")
    if key in ("cb", "cbk") and p.copies_enabled is False:
        return "it was profiled with --copies=no; drop the limit or profile with copies on"
    return "drop the limit"


def result_lines(results: list[Result]) -> list[str]:
    """Each result that is over its limit: the message and its sites."""
    lines = []
    for r in results:
        if r.passed:
            continue
        lines.append(f"{r.limit.description}: {r.message()}")
        for c in r.responsible:
            value = signed(c.value) if r.limit.needs_baseline else count(c.value)
            lines.append(f"    {value:>15}  {c.label}")
    return lines
