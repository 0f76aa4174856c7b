"""Heap limits on code that runs inside the Python process under test.

When pytest itself runs under heaphunt, the plugin's `heaphunt_limit`
marker measures each test function's call with client requests
(client.py): the counts before and after, and, to name the sites, a
profile dumped before and after.  This module holds what the plugin
computes from them, as pure functions: the limits (from a marker, a
session default, or both), each run's delta, leak vs cache over repeated
runs, and the failure message.  pytest_plugin.py does the measuring.

What a limit bounds, for one call of the test function:
  max_blocks, max_bytes          blocks and bytes allocated during it
  max_end_blocks, max_end_bytes  what it left live: the growth of the live
                                 blocks and bytes from before to after the
                                 call (negative when it frees older blocks)
With repeat=N (N >= 2) the function is called N times in a row: every run
must stay within max_blocks/max_bytes, and the end limits bound what each
run after the first leaves live (both 0 when neither is given): what only
the first run keeps is a cache, reported but allowed; what every run adds
is a leak.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Mapping

from .profile import frame_name, is_preload_frame, stack_key
from .textfmt import count, plural

LIMIT_KEYS = ("max_blocks", "max_bytes", "max_end_blocks", "max_end_bytes")
MARKER_KEYS = (*LIMIT_KEYS, "repeat")

# (delta field, words) per limit.
_LIMIT_FIELDS = {
    "max_blocks": ("total_blocks", "blocks allocated"),
    "max_bytes": ("total_bytes", "bytes allocated"),
    "max_end_blocks": ("curr_blocks", "blocks left live"),
    "max_end_bytes": ("curr_bytes", "bytes left live"),
}


class LimitSpecError(ValueError):
    """A marker or option that does not say a limit; the message says why."""


@dataclasses.dataclass(frozen=True)
class Limits:
    max_blocks: int | None = None
    max_bytes: int | None = None
    max_end_blocks: int | None = None
    max_end_bytes: int | None = None
    repeat: int = 1

    @property
    def any(self) -> bool:
        return self.repeat > 1 or any(getattr(self, k) is not None for k in LIMIT_KEYS)

    def effective(self, key: str) -> int | None:
        """The limit checked: with repeat and neither end limit given, both
        are 0 (a leak fails)."""
        value = getattr(self, key)
        if value is None and self.repeat > 1 and key in ("max_end_blocks", "max_end_bytes") \
                and self.max_end_blocks is None and self.max_end_bytes is None:
            return 0
        return value

    def describe(self) -> str:
        parts = [f"{k}={self.effective(k):,}" for k in LIMIT_KEYS
                 if self.effective(k) is not None]
        if self.repeat > 1:
            parts.append(f"repeat={self.repeat}")
        return ", ".join(parts)


def _count_value(key: str, value: Any, where: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise LimitSpecError(f"{where}: {key} must be a whole number >= 0 (or None),"
                             f" got {value!r}")
    return value


def limits_from(values: Mapping[str, Any], where: str) -> dict[str, int | None]:
    """Checked {key: value} of a marker's keywords or an option's KEY=N pairs."""
    out: dict[str, int | None] = {}
    for key, value in values.items():
        if key not in MARKER_KEYS:
            raise LimitSpecError(f"{where}: unknown limit {key!r}; one of {', '.join(MARKER_KEYS)}")
        if key == "repeat":
            if type(value) is not int or value < 1:
                raise LimitSpecError(f"{where}: repeat must be a whole number >= 1,"
                                     f" got {value!r}")
            out[key] = value
        else:
            out[key] = _count_value(key, value, where)
    return out


def parse_default_limit(text: str) -> dict[str, int | None]:
    """--heaphunt-default-limit "max_end_bytes=0,max_blocks=1000" -> values."""
    values: dict[str, Any] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, number = part.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            raise LimitSpecError(f"--heaphunt-default-limit {text!r}: expected KEY=N,"
                                 " e.g. max_end_bytes=0")
        try:
            values[key] = int(number.strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise LimitSpecError(f"--heaphunt-default-limit {text!r}: {number.strip()!r}"
                                 " is not a whole number") from None
    if not values:
        raise LimitSpecError(f"--heaphunt-default-limit {text!r}: no limit given")
    return limits_from(values, "--heaphunt-default-limit")


def combine(default: Mapping[str, int | None], marker: Mapping[str, int | None]) -> Limits:
    """The session default, overridden key by key by the test's marker (a
    marker's None removes a default)."""
    merged = {**default, **marker}
    return Limits(**{k: v for k, v in merged.items() if v is not None})


# --------------------------------------------------------------------------
# Deltas and verdicts
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RunDelta:
    """One call of the test function: the differences of the counts."""
    total_blocks: int
    total_bytes: int
    curr_blocks: int
    curr_bytes: int

    @staticmethod
    def between(before: Mapping[str, int], after: Mapping[str, int]) -> "RunDelta":
        def d(key: str) -> int:
            # The tool's counters are unsigned 64-bit; live counts can go down.
            diff = (after[key] - before[key]) % 2**64
            return diff - 2**64 if diff >= 2**63 else diff
        return RunDelta(d("total_blocks"), d("total_bytes"), d("curr_blocks"), d("curr_bytes"))


@dataclasses.dataclass
class Verdict:
    over: list[str]                 # one line per limit exceeded
    summary: list[str]              # the runs' numbers (leak vs cache with repeat)

    @property
    def passed(self) -> bool:
        return not self.over


def _over_line(key: str, limit: int, got: int, which: str) -> str:
    field, words = _LIMIT_FIELDS[key]
    return (f"{key}: {words}{which}: expected <= {count(limit)}, got {count(got)}"
            f" ({count(got - limit)} over)")


def judge(limits: Limits, runs: list[RunDelta]) -> Verdict:
    over: list[str] = []
    summary: list[str] = []
    multi = len(runs) > 1
    for key in ("max_blocks", "max_bytes"):
        limit = getattr(limits, key)
        if limit is None:
            continue
        field, _ = _LIMIT_FIELDS[key]
        for i, run in enumerate(runs):
            got = getattr(run, field)
            if got > limit:
                over.append(_over_line(key, limit, got, f" in run {i + 1}" if multi else ""))
    if not multi:
        for key in ("max_end_blocks", "max_end_bytes"):
            limit = getattr(limits, key)
            field, _ = _LIMIT_FIELDS[key]
            if limit is not None and getattr(runs[0], field) > limit:
                over.append(_over_line(key, limit, getattr(runs[0], field), ""))
        r = runs[0]
        summary.append(f"allocated {plural(r.total_bytes, 'byte')} in"
                       f" {plural(r.total_blocks, 'block')}; left live"
                       f" {plural(r.curr_bytes, 'byte')} in {plural(r.curr_blocks, 'block')}")
        return Verdict(over, summary)

    later = runs[1:]
    summary.append("live bytes left by each run: "
                   + ", ".join(f"{r.curr_bytes:+,}" for r in runs))
    leak_bytes = min(r.curr_bytes for r in later)
    leak_blocks = min(r.curr_blocks for r in later)
    if leak_bytes > 0 or leak_blocks > 0:
        summary.append(f"grows on every run (a leak): +{plural(max(leak_bytes, 0), 'byte')}"
                       f" in +{plural(max(leak_blocks, 0), 'block')} per run")
    else:
        summary.append("grows on every run (a leak): nothing")
    cache_bytes = runs[0].curr_bytes - max(leak_bytes, 0)
    cache_blocks = runs[0].curr_blocks - max(leak_blocks, 0)
    if cache_bytes > 0:
        summary.append(f"first run only (a cache): {plural(cache_bytes, 'byte')} in"
                       f" {plural(max(cache_blocks, 0), 'block')}")
    for key in ("max_end_blocks", "max_end_bytes"):
        limit = limits.effective(key)
        if limit is None:
            continue
        field, _ = _LIMIT_FIELDS[key]
        worst = max(range(1, len(runs)), key=lambda i: getattr(runs[i], field))
        got = getattr(runs[worst], field)
        if got > limit:
            over.append(_over_line(key, limit, got, f" by run {worst + 1} (each run after"
                                                      " the first)"))
    return Verdict(over, summary)


# --------------------------------------------------------------------------
# Sites, from profiles dumped around each run
# --------------------------------------------------------------------------

# A dump's sites: stack key -> (label, tb, tbk, eb).
SiteNumbers = dict[tuple[str, ...], tuple[str, int, int, int]]


def dump_sites(data: bytes) -> SiteNumbers:
    """The sites of a profile the tool has just dumped, read lightly: the
    process reading it runs under Valgrind too, where the full loader's
    checks of every field (profile.load) cost seconds more than the three
    numbers needed here.  Sites with the same stack are added up."""
    doc = json.loads(data)
    ftbl = doc["ftbl"]
    out: SiteNumbers = {}
    for pp in doc["pps"]:
        frames = [ftbl[i] for i in pp["fs"] if not is_preload_frame(ftbl[i])]
        key = stack_key(frames)
        label = frame_name(frames[0]) if frames else "[no frames]"
        if len(frames) > 1:
            label += f" called from {frame_name(frames[1])}"
        _, tb, tbk, eb = out.get(key, (label, 0, 0, 0))
        out[key] = (label, tb + pp["tb"], tbk + pp["tbk"], eb + pp.get("eb", 0))
    return out


def _grown(before: SiteNumbers, after: SiteNumbers, field: int) -> dict[str, int]:
    """label -> growth of one number (1 tb, 2 tbk, 3 eb), positive only."""
    out: dict[str, int] = {}
    for key, numbers in after.items():
        old = before.get(key)
        delta = numbers[field] - (old[field] if old else 0)
        if delta > 0:
            out[numbers[0]] = out.get(numbers[0], 0) + delta
    return out


def _largest(values: dict[str, int], top: int) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def site_lines(dumps: list[SiteNumbers], top: int) -> list[str]:
    """The sites the test allocated from; with repeats, those that grew on
    every run after the first and those that only the first run kept."""
    if top <= 0 or len(dumps) < 2:
        return []
    if len(dumps) == 2:
        allocated = _grown(dumps[0], dumps[1], 1)
        blocks = _grown(dumps[0], dumps[1], 2)
        live = _grown(dumps[0], dumps[1], 3)
        rows = _largest(allocated, top)
        if not rows:
            return []
        lines = ["sites it allocated from (bytes allocated, in blocks; bytes still live):"]
        for label, nbytes in rows:
            lines.append(f"  {count(nbytes):>12} B in {count(blocks.get(label, 0)):>6}"
                         f" {'block' if blocks.get(label, 0) == 1 else 'blocks'};"
                         f" {count(live.get(label, 0)):>12} B live  {label}")
        return lines
    per_run = [_grown(a, b, 3) for a, b in zip(dumps, dumps[1:])]
    later = per_run[1:]
    leaking = {label: min(run.get(label, 0) for run in later) for label in later[0]}
    leaking = {label: v for label, v in leaking.items() if v > 0}
    cached = {label: v - leaking.get(label, 0) for label, v in per_run[0].items()}
    cached = {label: v for label, v in cached.items() if v > 0}
    lines = []
    if leaking:
        lines.append("sites that grew on every run after the first (bytes per run):")
        lines += [f"  {count(v):>12} B  {label}" for label, v in _largest(leaking, top)]
    if cached:
        lines.append("sites that only the first run kept (bytes):")
        lines += [f"  {count(v):>12} B  {label}" for label, v in _largest(cached, top)]
    return lines


def failure_message(test: str, limits: Limits, verdict: Verdict, sites: list[str]) -> str:
    runs = f", {limits.repeat} runs" if limits.repeat > 1 else ""
    lines = [f"heaphunt_limit({limits.describe()}) exceeded by {test}{runs}:"]
    lines += [f"  {line}" for line in verdict.over]
    lines += [f"  {line}" for line in verdict.summary]
    lines += sites
    return "\n".join(lines)
