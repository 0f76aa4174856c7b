"""`heaphunt report`: the text of a profile's summary, top sites and findings.

Every function here returns lines (strings) and prints nothing: the CLI
prints them.  Layout: a header with DHAT's five summary numbers (and copies,
when profiled), then the top N sites by the chosen metric with their numbers
and stack, then "Findings:".  Sites are ranked and named in groups
(frames.py): the sites that share a responsible frame and its callers, so
that a line of the program that allocates through several library paths is
one entry; its stack is shown from the responsible frame outwards.
"""

from __future__ import annotations

import dataclasses

from . import findings as findings_mod
from .frames import Group, display, group_sites
from .metrics import Metric, rank, site_matches
from .profile import Profile, Site
from .rules import Rules, default_rules
from .textfmt import count, plural, ratio


@dataclasses.dataclass(frozen=True)
class ReportOptions:
    metric: Metric
    top: int = 10              # sites shown
    stack_frames: int = 5      # frames shown per site; 0 = none
    filter_text: str | None = None
    show_findings: bool = True
    max_findings: int = 20     # 0 = all
    kind: str | None = None    # list every finding of this kind only
    rules: Rules = dataclasses.field(default_factory=default_rules)


def event_words(p: Profile) -> tuple[str, str]:
    """What a file's tb and tbk count: bytes and blocks in heap mode, bytes
    and calls in copy mode; ad-hoc files name their own units (bsu, bksu)."""
    if p.mode == "heap":
        return "bytes", "blocks"
    return (p.extra_top_level.get("bsu", "bytes"),
            p.extra_top_level.get("bksu", "calls" if p.mode == "copy" else "blocks"))


def _events(n: int | None, plural_word: str) -> str:
    """_events(1, "calls") -> "1 call"."""
    word = plural_word[:-1] if n == 1 and plural_word.endswith("s") else plural_word
    return f"{count(n)} {word}"


def header_lines(p: Profile) -> list[str]:
    t = p.totals
    tool = f"heaphunt {p.hh_version}" if p.hh_version else "DHAT"
    lines = [
        f"Profile:   {p.path} ({tool} file, mode {p.mode})",
        f"Command:   {p.cmd}",
        f"PID:       {p.pid}",
    ]
    time_line = f"Time:      {count(p.te)} {p.tu} at t-end"
    if p.tg is not None:
        time_line += f", t-gmax at {count(p.tg)} {p.tu}"
    lines.append(time_line)
    if p.mode != "heap":
        units, events = event_words(p)
        lines.append(f"Total:     {count(t.tb)} {units} in {count(t.tbk)} {events} ({p.verb})")
        return lines
    lines += [
        f"Total:     {count(t.tb)} bytes in {count(t.tbk)} blocks",
        f"At t-gmax: {count(t.gb)} bytes in {count(t.gbk)} blocks",
        f"At t-end:  {count(t.eb)} bytes in {count(t.ebk)} blocks",
    ]
    if t.lb is not None:
        lines.append(f"Lost:      {count(t.lb)} bytes in {count(t.lbk)} blocks (unreachable at exit)")
    lines += [
        f"Reads:     {count(t.rb)} bytes",
        f"Writes:    {count(t.wb)} bytes",
    ]
    if t.cb is not None:
        lines.append(f"Copies:    {count(t.cb)} bytes in {count(t.cbk)} calls")
    if p.checkpoints:
        for c in p.checkpoints:
            lines.append(f"Checkpoint {c.name!r} at {count(c.t)} {p.tu}: "
                         f"{count(c.b)} bytes in {count(c.bk)} blocks live")
    return lines


def _avg(num: int | None, den: int | None) -> str:
    r = ratio(num, den)
    return "-" if r is None else f"{r:,.1f}"


def site_detail_lines(site: Site, p: Profile) -> list[str]:
    """The numbers of one site, DHAT-style, a few lines."""
    units, events = event_words(p)
    lines = [f"total {count(site.tb)} {units} in {_events(site.tbk, events)}"
             f" (avg size {_avg(site.tb, site.tbk)} {units}"
             + (f", avg lifetime {_avg(site.tl, site.tbk)} {p.tu})" if site.tl is not None else ")")]
    if site.gb is not None:
        own_max = (f"max {count(site.mb)} bytes in {plural(site.mbk, 'block')}; "
                   if site.mb is not None else "")
        lines.append(f"{own_max}at t-gmax {count(site.gb)} bytes in {plural(site.gbk, 'block')};"
                     f" at t-end {count(site.eb)} bytes in {plural(site.ebk, 'block')}")
    if site.rb is not None:
        lines.append(f"reads {count(site.rb)} bytes ({_avg(site.rb, site.tb)}/byte);"
                     f" writes {count(site.wb)} bytes ({_avg(site.wb, site.tb)}/byte)")
    extras = []
    if site.copy_in_bytes is not None or site.copy_out_bytes is not None:
        extras.append(f"copied in {count(site.copy_in_bytes)} bytes"
                      f" ({count(site.copy_in_calls)} calls), out {count(site.copy_out_bytes)}"
                      f" bytes ({count(site.copy_out_calls)} calls)")
    if site.never_accessed_blocks is not None:
        extras.append(f"never accessed {count(site.never_accessed_blocks)} blocks,"
                      f" write-only {count(site.write_only_blocks)},"
                      f" short-lived {count(site.short_lived_blocks)}")
    if site.idle_instrs is not None and site.tl:
        extras.append(f"idle {site.idle_instrs * 100 // site.tl}% of lifetime")
    if extras:
        lines.append("; ".join(extras))
    return lines


def stack_lines(group: Group, p: Profile, frames_shown: int) -> list[str]:
    """The stack from the responsible frame outwards, after a line naming
    the library frames below it (the first site's, when the group has
    several)."""
    frames = group.frames
    shown = frames[:frames_shown]
    lines = []
    below = group.plumbing
    if below and shown:
        lines.append(f"(through {plural(len(below), 'library frame')} from "
                     f"{display(below[0], p.objs)})")
    lines += [("at " if i == 0 else "   ") + display(f, p.objs) for i, f in enumerate(shown)]
    if len(frames) > len(shown) and shown:
        lines.append(f"   ... {plural(len(frames) - len(shown), 'more frame')}")
    if len(group.members) > 1:
        lines.append(f"({len(group.members)} sites of the file, by their library frames)")
    return lines



def _value_text(value: int | float) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def top_sites_lines(p: Profile, opts: ReportOptions) -> list[str]:
    groups = [g for g in group_sites(p, opts.rules)
              if any(site_matches(s, opts.filter_text) for s in g.members)]
    by_site = {g.site.index: g for g in groups}
    ranked = rank([g.site for g in groups], p, opts.metric)
    what = f"{len(p.sites)} sites"
    if opts.filter_text:
        matching = sum(site_matches(s, opts.filter_text) for s in p.sites)
        what += f", {matching} matching {opts.filter_text!r}"
    label = opts.metric.label
    if p.mode != "heap":
        # A copy-mode or ad-hoc file's tbk counts calls or events, not blocks.
        label = label.replace("blocks", event_words(p)[1])
    lines = [f"Top {min(opts.top, len(ranked))} sites by {label}"
             f" ({opts.metric.name}; {what}):"]
    if not ranked:
        lines.append("  (no site has this metric)")
    for n, (site, value) in enumerate(ranked[:opts.top], 1):
        group = by_site[site.index]
        lines.append("")
        lines.append(f"#{n}  {_value_text(value)}  {group.name}")
        lines += ["    " + line for line in site_detail_lines(site, p)]
        if opts.stack_frames > 0:
            lines += ["    " + line for line in stack_lines(group, p, opts.stack_frames)]
    return lines


def findings_lines(p: Profile, max_findings: int = 0, kind: str | None = None,
                   rules: Rules | None = None) -> list[str]:
    rules = rules or default_rules()
    found = findings_mod.find_all(p, rules)
    entries = findings_mod.shown(found, p, rules, kind=kind, max_findings=max_findings)
    lines = [f"Findings of kind {kind}:" if kind is not None else "Findings:"]
    if not entries:
        lines.append("  none")
    for e in entries:
        if isinstance(e, findings_mod.Finding):
            lines.append(f"  [{e.kind}] {e.sentence}")
        elif e.kind is not None:
            lines.append(f"    +{e.hidden} more like this (--kind {e.kind} lists them all)")
        else:
            lines.append(f"  ... {e.hidden} more (--findings 0 shows all)")
    return lines


def report_lines(p: Profile, opts: ReportOptions) -> list[str]:
    lines = header_lines(p) + [""] + top_sites_lines(p, opts)
    if opts.show_findings:
        lines += [""] + findings_lines(p, opts.max_findings, opts.kind, opts.rules)
    return lines
