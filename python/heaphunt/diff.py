"""`heaphunt diff A B`: what changed between two profiles.

Sites are matched by their stacks from the responsible frame outwards
(frames.py: library and allocation frames below it are left out, so that a
change of library version or inlining does not break the match), as
strings (frame_key: the code address is dropped from frames that have a
file:line, so a rebuild with moved code still matches), never by index.
Several sites of one file with the same key (one group) are added together
first.  The result is one row per key with
the metric's value in A and B (0 where the site is absent), sorted by the
absolute delta, largest first.  Pure functions; the CLI prints the lines.
"""

from __future__ import annotations

import dataclasses

from .frames import display, group_key, group_sites
from .metrics import Metric, site_matches
from .profile import SUMMARY_KEYS, Profile
from .rules import Rules, default_rules
from .textfmt import count, plural, signed


@dataclasses.dataclass
class SiteDelta:
    key: tuple[str, ...]
    label: str                 # first frame, without its address
    caller: str | None         # second frame, to tell same-named sites apart
    before: float              # metric in A (0 if absent)
    after: float
    in_a: bool
    in_b: bool

    @property
    def delta(self) -> float:
        return self.after - self.before


def _values_by_key(p: Profile, metric: Metric, filter_text: str | None, rules: Rules
                   ) -> dict[tuple[str, ...], tuple[float, list[str]]]:
    """Per group key: the metric of the group's matching sites, summed
    (a ratio metric is the group's own), and its frames from the
    responsible one."""
    out: dict[tuple[str, ...], tuple[float, list[str]]] = {}
    for group in group_sites(p, rules):
        matching = [s for s in group.members if site_matches(s, filter_text)]
        if not matching:
            continue
        if metric.summable:
            value = sum(metric.value(s, p) or 0 for s in matching)
        else:
            value = metric.value(group.site, p) or 0
        out[group_key(group.stack, group.start)] = (value, group.frames)
    return out


def site_deltas(a: Profile, b: Profile, metric: Metric, filter_text: str | None = None,
                rules: Rules | None = None) -> list[SiteDelta]:
    rules = rules or default_rules()
    va = _values_by_key(a, metric, filter_text, rules)
    vb = _values_by_key(b, metric, filter_text, rules)
    rows = []
    for key in list(va) + [k for k in vb if k not in va]:
        before, frames_a = va.get(key, (0, None))
        after, frames_b = vb.get(key, (0, None))
        frames = frames_a or frames_b or []
        objs = (a if frames_a else b).objs
        rows.append(SiteDelta(
            key=key, label=display(frames[0], objs) if frames else "[no frames]",
            caller=display(frames[1], objs) if len(frames) > 1 else None,
            before=before, after=after, in_a=key in va, in_b=key in vb))
    rows.sort(key=lambda r: (-abs(r.delta), -max(r.before, r.after), r.label))
    return rows


def totals_lines(a: Profile, b: Profile) -> list[str]:
    names = {"tb": "total bytes", "tbk": "total blocks", "gb": "bytes at t-gmax",
             "gbk": "blocks at t-gmax", "eb": "bytes at t-end", "ebk": "blocks at t-end",
             "rb": "bytes read", "wb": "bytes written", "cb": "bytes copied",
             "cbk": "copy calls"}
    lines = ["Totals (A -> B, delta):"]
    keys = list(SUMMARY_KEYS)
    if a.totals.cb is not None or b.totals.cb is not None:
        keys += ["cb", "cbk"]
    for key in keys:
        x = a.totals.get(key)
        y = b.totals.get(key)
        # A DHAT file has no copy numbers: "-", not a fake drop to 0.
        delta = signed(y - x) if x is not None and y is not None else "n/a"
        lines.append(f"  {names[key]:<16} {count(x):>15} -> {count(y):>15}  ({delta})")
    return lines


def _number(v: float) -> str:
    return count(v) if isinstance(v, float) and not v.is_integer() else count(int(v))


def diff_lines(a: Profile, b: Profile, metric: Metric, top: int,
               filter_text: str | None = None, rules: Rules | None = None) -> list[str]:
    lines = [f"A: {a.path} ({a.cmd})", f"B: {b.path} ({b.cmd})", ""]
    lines += totals_lines(a, b)
    matched = site_deltas(a, b, metric, filter_text, rules)
    rows = [r for r in matched if r.delta != 0]
    both = sum(1 for r in matched if r.in_a and r.in_b)
    only_a = sum(1 for r in matched if r.in_a and not r.in_b)
    only_b = sum(1 for r in matched if r.in_b and not r.in_a)
    what = f" matching {filter_text!r}" if filter_text else ""
    lines.append("")
    lines.append(f"Sites{what}, matched by call stack: {both + only_a} in A, {both + only_b}"
                 f" in B; {both} in both, {only_a} only in A, {only_b} only in B")
    shown = f"; the {top} largest:" if 0 < top < len(rows) else ""
    lines.append(f"By change in {metric.label} ({metric.name}):"
                 f" {len(rows)} of {plural(len(matched), 'site')} changed{shown}")
    for r in rows[:top]:
        status = "" if (r.in_a and r.in_b) else ("  [only in B]" if r.in_b else "  [only in A]")
        delta = signed(r.delta if isinstance(r.delta, float) and not r.delta.is_integer()
                       else int(r.delta))
        lines.append(f"  {delta:>14}  ({_number(r.before)} -> {_number(r.after)})"
                     f"  {r.label}{status}")
        if r.caller:
            lines.append(f"  {'':>14}   called from {r.caller}")
    return lines
