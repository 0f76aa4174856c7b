"""The benchmark's figures: medians, ratios, targets, and the tables.

Pure functions over the samples bench.py collects; nothing here runs a
program.  The targets are the performance issue's, judged on median wall
time as the issue states them, and shown also on median CPU time
(user + sys), which a shared machine disturbs much less: where the two
verdicts differ, the wall-time one is the noise's.

    access-heavy workloads:  (hh - none) <= 0.5 x (dhat - none)
    threaded workloads:      hh <= 0.7 x dhat
    every other workload:    hh <= 1.0 x dhat
    many-blocks workloads:   peak RSS of hh <= peak RSS of dhat
    every workload:          hh --accesses=no <= 1.5 x none

"hh" is heaphunt with everything on (heap, accesses, copies).  A target
whose tools were not all run is not judged.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Callable, Optional

from bench_workloads import ACCESS, THREADED, Workload

# Tools as bench.py names them, in table order.
NONE, DHAT, HH, HH_NOACC, HH_NOCOPY = "none", "dhat", "hh", "hh-noacc", "hh-nocopy"
ALL_TOOLS = [NONE, DHAT, HH, HH_NOACC, HH_NOCOPY]

# Where heaphunt's summary may differ from DHAT's on a workload, and why.
# Every other workload must have all five numbers equal.
KNOWN_DIFFERENCES: dict[str, str] = {
    "tokio": "how many tasks are alive at once depends on how the two "
             "workers are scheduled, which follows each tool's speed",
    "sort_parallel": "the threads' reads and writes of shared state depend on "
                     "how they interleave: DHAT's own runs differ from each "
                     "other by hundreds of bytes",
    "xz_threads": "the threads' reads and writes of shared state depend on how "
                  "they interleave: two runs of DHAT read 136.62 and 137.28 "
                  "million bytes",
    "ruby": "Ruby seeds its hashes at random, so its reads and writes differ "
            "from run to run under any tool; and it copies its environment at "
            "start-up, where DHAT's VALGRIND_LIB is 2 characters longer "
            "(tests/test_interp.py compares the heap numbers with that evened "
            "out: equal)",
}

# Summary lines compared per tool: --accesses=no counts no reads or writes.
HEAP_LINES = ("Total:", "At t-gmax:", "At t-end:")
ALL_LINES = HEAP_LINES + ("Reads:", "Writes:")


@dataclass
class Sample:
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_kb: int
    load_avg: float           # 1-minute load average just before the run

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


@dataclass
class Result:
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    summaries: dict[str, dict[str, str]] = field(default_factory=dict)
    profile_bytes: dict[str, int] = field(default_factory=dict)


def median_of(result: Result, tool: str,
              metric: Callable[[Sample], float]) -> Optional[float]:
    samples = result.samples.get(tool)
    if not samples:
        return None
    return statistics.median(metric(s) for s in samples)


def wall(result: Result, tool: str) -> Optional[float]:
    return median_of(result, tool, lambda s: s.wall_s)


def cpu(result: Result, tool: str) -> Optional[float]:
    return median_of(result, tool, lambda s: s.cpu_s)


def rss_mib(result: Result, tool: str) -> Optional[float]:
    return median_of(result, tool, lambda s: s.peak_rss_kb / 1024)


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def overhead_ratio(hh: Optional[float], dhat: Optional[float],
                   none: Optional[float]) -> Optional[float]:
    """(hh - none) / (dhat - none): heaphunt's cost above Valgrind's floor as
    a fraction of DHAT's."""
    if hh is None or dhat is None or none is None:
        return None
    return ratio(hh - none, dhat - none)


def fmt(value: Optional[float], digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# ---- Targets ------------------------------------------------------------

@dataclass
class Verdict:
    workload: str
    target: str
    limit: float
    wall_value: Optional[float]   # the target's ratio on wall time (or RSS)
    cpu_value: Optional[float]    # the same on CPU time; None for RSS

    @staticmethod
    def word(value: Optional[float], limit: float) -> str:
        if value is None:
            return "-"
        return "PASS" if value <= limit else "FAIL"

    @property
    def wall_word(self) -> str:
        return self.word(self.wall_value, self.limit)

    @property
    def cpu_word(self) -> str:
        return self.word(self.cpu_value, self.limit)


def verdicts(workloads: list[Workload], results: dict[str, Result]) -> list[Verdict]:
    out: list[Verdict] = []
    for w in workloads:
        r = results[w.name]
        if w.kind == ACCESS:
            out.append(Verdict(
                w.name, "(hh-none)/(dhat-none) <= 0.5", 0.5,
                overhead_ratio(wall(r, HH), wall(r, DHAT), wall(r, NONE)),
                overhead_ratio(cpu(r, HH), cpu(r, DHAT), cpu(r, NONE))))
        elif w.kind == THREADED:
            out.append(Verdict(w.name, "hh/dhat <= 0.7", 0.7,
                               ratio(wall(r, HH), wall(r, DHAT)),
                               ratio(cpu(r, HH), cpu(r, DHAT))))
        else:
            out.append(Verdict(w.name, "hh/dhat <= 1.0", 1.0,
                               ratio(wall(r, HH), wall(r, DHAT)),
                               ratio(cpu(r, HH), cpu(r, DHAT))))
        if w.many_blocks:
            out.append(Verdict(w.name, "RSS hh/dhat <= 1.0", 1.0,
                               ratio(rss_mib(r, HH), rss_mib(r, DHAT)), None))
        out.append(Verdict(w.name, "noacc/none <= 1.5", 1.5,
                           ratio(wall(r, HH_NOACC), wall(r, NONE)),
                           ratio(cpu(r, HH_NOACC), cpu(r, NONE))))
    return out


# ---- Agreement with DHAT -------------------------------------------------

def summary_check(w: Workload, r: Result) -> str:
    """'yes' when every heaphunt variant's summary equals DHAT's on the
    numbers it counts, 'known' for a documented difference, else what
    differs."""
    dhat = r.summaries.get(DHAT)
    if not dhat:
        return "-"
    problems = []
    for tool in (HH, HH_NOACC, HH_NOCOPY):
        hh = r.summaries.get(tool)
        if hh is None:
            continue
        lines = HEAP_LINES if tool == HH_NOACC else ALL_LINES
        for line in lines:
            if hh.get(line) != dhat.get(line):
                problems.append(f"{tool} {line} {hh.get(line)!r} vs dhat "
                                f"{dhat.get(line)!r}")
    if not problems:
        return "yes"
    if w.name in KNOWN_DIFFERENCES:
        return "known"
    return "NO: " + "; ".join(problems)


# ---- Tables --------------------------------------------------------------

Table = tuple[list[str], list[list[str]]]


def time_table(workloads: list[Workload], tools: list[str], results: dict[str, Result],
               metric: Callable[[Result, str], Optional[float]]) -> Table:
    """Median times per tool, and the ratios the targets use."""
    header = ["workload", *[f"{t} s" for t in tools],
              "hh/dhat", "(hh-none)/(dhat-none)", "noacc/none"]
    rows = []
    for w in workloads:
        r = results[w.name]
        m = {t: metric(r, t) for t in ALL_TOOLS}
        rows.append([w.name, *[fmt(m[t]) for t in tools],
                     fmt(ratio(m[HH], m[DHAT])),
                     fmt(overhead_ratio(m[HH], m[DHAT], m[NONE])),
                     fmt(ratio(m[HH_NOACC], m[NONE]))])
    return header, rows


def memory_table(workloads: list[Workload], tools: list[str],
                 results: dict[str, Result]) -> Table:
    header = ["workload", *[f"{t} MiB" for t in tools], "hh/dhat RSS",
              "load avg", "same numbers as DHAT"]
    rows = []
    for w in workloads:
        r = results[w.name]
        loads = [s.load_avg for samples in r.samples.values() for s in samples]
        rows.append([w.name, *[fmt(rss_mib(r, t), 0) for t in tools],
                     fmt(ratio(rss_mib(r, HH), rss_mib(r, DHAT))),
                     fmt(statistics.median(loads), 1) if loads else "-",
                     summary_check(w, r)])
    return header, rows


def target_table(found: list[Verdict]) -> Table:
    header = ["workload", "target", "on wall", "wall verdict", "on CPU", "CPU verdict"]
    rows = [[v.workload, v.target, fmt(v.wall_value), v.wall_word,
             fmt(v.cpu_value), v.cpu_word if v.cpu_value is not None else ""]
            for v in found]
    return header, rows


def scale_table(workloads: list[Workload], tools: list[str],
                results: dict[str, Result]) -> Table:
    """Per scale workload and tool: time, memory, memory above --tool=none
    per live block or per site, profile size."""
    header = ["workload", "tool", "wall s", "CPU s", "peak MiB",
              "above none MiB", "bytes per unit", "profile MiB"]
    rows = []
    for w in workloads:
        if not w.scale:
            continue
        r = results[w.name]
        units = w.live_blocks or w.sites
        unit = "block" if w.live_blocks else "site"
        base = rss_mib(r, NONE)
        for t in tools:
            peak = rss_mib(r, t)
            above = None if peak is None or base is None else peak - base
            per_unit = (None if above is None or not units or t == NONE
                        else above * 1024 * 1024 / units)
            profile = r.profile_bytes.get(t)
            rows.append([w.name, t, fmt(wall(r, t)), fmt(cpu(r, t)), fmt(peak, 0),
                         fmt(above, 0) if t != NONE else "",
                         f"{per_unit:.0f} per {unit}" if per_unit is not None else "",
                         fmt(profile / 2**20, 1) if profile is not None else ""])
    return header, rows


def format_text(table: Table) -> str:
    header, rows = table
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    return "\n".join("  ".join(cell.rjust(width) if i else cell.ljust(width)
                               for i, (cell, width) in enumerate(zip(line, widths)))
                     for line in [header, *rows])


def format_markdown(table: Table) -> str:
    header, rows = table
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
