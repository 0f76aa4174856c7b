"""Sort metrics: every number a report or diff can rank sites by.

Each metric has a name for --sort (e.g. "end-bytes"), the JSON keys that
also select it ("eb"), a label for headings and a function from a site (and
its profile) to a number, or None when the site has no such number (a DHAT
file has no copy fields) or is outside the metric's condition (dh_view's
"short-lived" ranks only sites whose average lifetime is at most tuth).
Sites whose value is None are left out of a ranking.

The list covers every sort metric of Valgrind's dh_view.html plus the
averages, maxima and heaphunt's extra fields.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from .profile import Profile, Site
from .rules import default_rules

Value = int | float | None

# dh_view's conditions, kept identical so the rankings agree.
TINY_AVG_SIZE_BYTES = 16          # "Total (blocks), tiny"
LOW_ACCESS_PER_BYTE = 0.4         # "Total (bytes), low-access"
HIGH_ACCESS_PER_BYTE = 1000       # "Reads/Writes (bytes), high-access"


@dataclasses.dataclass(frozen=True)
class Metric:
    name: str
    keys: tuple[str, ...]          # JSON keys that select it too
    label: str
    value: Callable[[Site, Profile], Value]
    summable: bool = True          # a diff of two values means something


def _div(num: int | None, den: int | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def _field(key: str) -> Callable[[Site, Profile], Value]:
    return lambda s, p: s.get(key)


def _avg_lifetime(s: Site, p: Profile) -> float | None:
    return _div(s.tl, s.tbk)


def _short_lived(s: Site, p: Profile) -> Value:
    if s.short_lived_blocks is not None:
        return s.short_lived_blocks
    avg = _avg_lifetime(s, p)
    if avg is None or p.tuth is None or avg > p.tuth:
        return None
    return s.tbk


def _tiny(s: Site, p: Profile) -> Value:
    avg = _div(s.tb, s.tbk)
    return s.tbk if avg is not None and avg <= TINY_AVG_SIZE_BYTES else None


def _zero_rw(key: str) -> Callable[[Site, Profile], Value]:
    def value(s: Site, p: Profile) -> Value:
        if s.rb is None or s.wb is None:
            return None
        return s.get(key) if (s.rb == 0 or s.wb == 0) else None
    return value


def _low_access(key: str) -> Callable[[Site, Profile], Value]:
    def value(s: Site, p: Profile) -> Value:
        if not s.rb or not s.wb or not s.tb:
            return None
        if s.rb / s.tb <= LOW_ACCESS_PER_BYTE or s.wb / s.tb <= LOW_ACCESS_PER_BYTE:
            return s.get(key)
        return None
    return value


def _high_access(key: str) -> Callable[[Site, Profile], Value]:
    def value(s: Site, p: Profile) -> Value:
        if s.rb is None or s.wb is None or not s.tb:
            return None
        if s.rb / s.tb >= HIGH_ACCESS_PER_BYTE or s.wb / s.tb >= HIGH_ACCESS_PER_BYTE:
            return s.get(key)
        return None
    return value


def _idle_fraction(s: Site, p: Profile) -> float | None:
    return _div(s.idle_instrs, s.tl)


def end_idle_bytes(s: Site) -> int | None:
    """Bytes live at the end not accessed in the rules' stale window (the
    last 20% of the run by default)."""
    if s.end_idle_deciles is None:
        return None
    return sum(s.end_idle_deciles[:default_rules().thresholds.stale_buckets])


METRICS: tuple[Metric, ...] = (
    Metric("total-bytes", ("tb",), "total bytes", _field("tb")),
    Metric("total-blocks", ("tbk",), "total blocks", _field("tbk")),
    Metric("total-avg-size", (), "average block size (bytes)",
           lambda s, p: _div(s.tb, s.tbk), summable=False),
    Metric("total-avg-lifetime", ("tl",), "average lifetime (instrs)", _avg_lifetime,
           summable=False),
    Metric("tiny", (), "total blocks, tiny (avg size <= 16 bytes)", _tiny),
    Metric("short-lived", ("hhShortK",), "short-lived blocks", _short_lived),
    Metric("max-bytes", ("mb",), "max bytes (site's own maximum)", _field("mb")),
    Metric("max-blocks", ("mbk",), "max blocks", _field("mbk")),
    Metric("gmax-bytes", ("gb",), "bytes at t-gmax", _field("gb")),
    Metric("gmax-blocks", ("gbk",), "blocks at t-gmax", _field("gbk")),
    Metric("end-bytes", ("eb",), "bytes at t-end", _field("eb")),
    Metric("end-blocks", ("ebk",), "blocks at t-end", _field("ebk")),
    Metric("reads", ("rb",), "bytes read", _field("rb")),
    Metric("writes", ("wb",), "bytes written", _field("wb")),
    Metric("reads-per-byte", (), "reads per byte", lambda s, p: _div(s.rb, s.tb),
           summable=False),
    Metric("writes-per-byte", (), "writes per byte", lambda s, p: _div(s.wb, s.tb),
           summable=False),
    Metric("zero-rw-bytes", (), "total bytes, zero reads or zero writes", _zero_rw("tb")),
    Metric("zero-rw-blocks", (), "total blocks, zero reads or zero writes", _zero_rw("tbk")),
    Metric("low-access-bytes", (), "total bytes, low-access", _low_access("tb")),
    Metric("low-access-blocks", (), "total blocks, low-access", _low_access("tbk")),
    Metric("reads-high-access", (), "bytes read, high-access", _high_access("rb")),
    Metric("writes-high-access", (), "bytes written, high-access", _high_access("wb")),
    Metric("copy-in-bytes", ("hhCopyInB",), "bytes copied in", _field("hhCopyInB")),
    Metric("copy-in-calls", ("hhCopyInK",), "copies in", _field("hhCopyInK")),
    Metric("copy-out-bytes", ("hhCopyOutB",), "bytes copied out", _field("hhCopyOutB")),
    Metric("copy-out-calls", ("hhCopyOutK",), "copies out", _field("hhCopyOutK")),
    Metric("realloc-moved-bytes", ("hhReallocMovedB",), "bytes moved by realloc",
           _field("hhReallocMovedB")),
    Metric("never-accessed", ("hhNoAccK",), "blocks never accessed", _field("hhNoAccK")),
    Metric("write-only", ("hhWriteOnlyK",), "blocks written, never read",
           _field("hhWriteOnlyK")),
    Metric("read-only-after-init", ("hhReadOnlyAfterInitK",),
           "blocks read-only after init", _field("hhReadOnlyAfterInitK")),
    Metric("idle", ("hhIdleI",), "idle time at end of life (instrs)", _field("hhIdleI")),
    Metric("idle-fraction", (), "fraction of lifetime idle", _idle_fraction, summable=False),
    Metric("end-idle-bytes", ("hhEndIdleDeciles",),
           "bytes live at t-end, not accessed in the last 20% of the run",
           lambda s, p: end_idle_bytes(s)),
)

_BY_NAME: dict[str, Metric] = {}
for _m in METRICS:
    _BY_NAME[_m.name] = _m
    for _k in _m.keys:
        _BY_NAME.setdefault(_k, _m)


def metric_names() -> list[str]:
    return [m.name for m in METRICS]


def find_metric(name: str) -> Metric | None:
    """By --sort name or JSON key; None if unknown."""
    return _BY_NAME.get(name)


def rank(sites: list[Site], profile: Profile, metric: Metric) -> list[tuple[Site, Value]]:
    """Sites with a value for the metric, largest first; ties by total bytes,
    then file order, so the order is stable."""
    valued = [(s, metric.value(s, profile)) for s in sites]
    kept = [(s, v) for s, v in valued if v is not None]
    kept.sort(key=lambda sv: (-sv[1], -sv[0].tb, sv[0].index))
    return kept


def site_matches(site: Site, text: str | None) -> bool:
    """--filter: TEXT occurs in any frame (function names and file:line)."""
    return not text or any(text in f for f in site.frames)
