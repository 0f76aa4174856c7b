"""A site's exact live bytes over time (hhH), and the shapes the findings
look for in it: growth that piles up, levels off, or stops at start-up.

hhHist.t lists the instants (instrs) at which the tool wrote every site's
live bytes and blocks; a site's hhH lists (instant index, bytes, blocks)
only where its value changed, and the value holds until the next triple
(0 before the first).  Everything here works on those change points, never
on a dense array, so a profile of a million sites costs what its triples
cost.  viewer/js/history.js is the same code in JavaScript; the findings
parity test holds them to the same results.

Pure functions from lists of integers to small dataclasses.
"""

from __future__ import annotations

import dataclasses

from .rules import Thresholds


def triples(flat: list[int]) -> list[tuple[int, int, int]]:
    """[i0, b0, k0, i1, ...] -> [(i0, b0, k0), ...]."""
    return [(flat[j], flat[j + 1], flat[j + 2]) for j in range(0, len(flat), 3)]


def merge(histories: list[list[int]]) -> list[int]:
    """The history of a group of sites: at every instant, the sum of its
    members' values (each carried forward), listed where the sum changes."""
    if len(histories) == 1:
        return histories[0]
    changes: dict[int, list[tuple[int, int, int]]] = {}
    for member, flat in enumerate(histories):
        for j in range(0, len(flat), 3):
            changes.setdefault(flat[j], []).append((member, flat[j + 1], flat[j + 2]))
    current = [(0, 0)] * len(histories)
    total_b = total_k = 0
    out: list[int] = []
    for index in sorted(changes):
        for member, b, k in changes[index]:
            old_b, old_k = current[member]
            total_b += b - old_b
            total_k += k - old_k
            current[member] = (b, k)
        if not out or out[-2] != total_b or out[-1] != total_k:
            out += [index, total_b, total_k]
    return out


@dataclasses.dataclass(frozen=True)
class Growth:
    """A rise of a site's live bytes, and what happened after it.

    Times are instrs.  The rise runs from `t_start` (the last instant at
    or below pileup_base_percent of the site's maximum) to `t_level` (the
    first instant at or above pileup_level_percent of it).  `shape` is
    "levels-off" when the bytes then stay at that level for at least
    pileup_plateau_min_percent of the run, else one of "never-freed",
    "freed-at-once" (from the level to the base in one step between two
    instants: a parent or a collection let go of them all), "freed-gradually"
    (down to the base over several instants) and "partly-freed" (still above
    the base at the end).
    """
    max_bytes: int
    max_blocks: int
    t_start: int
    t_level: int
    rise_bytes: int           # bytes at t_level minus bytes at t_start
    rising_instants: int
    shape: str
    t_released: int | None    # first instant below the level
    t_freed: int | None       # first instant at or below the base
    end_bytes: int
    plateau_instrs: int       # from t_level to t_released (or te)
    held_instrs: int          # from t_start to t_freed (or t_released, or te)


def growth(flat: list[int], t: list[int], te: int, global_peak: int,
           th: Thresholds) -> Growth | None:
    """The site's rise, if it is one the findings care about: a large share
    of the peak, over a large share of the run, in many steps."""
    if not flat or te == 0 or global_peak == 0:
        return None
    ch = triples(flat)
    max_bytes = max(b for _, b, _ in ch)
    if max_bytes == 0 or max_bytes * 100 < global_peak * th.pileup_min_peak_percent:
        return None
    r = next(m for m, (_, b, _) in enumerate(ch) if b * 100 >= max_bytes * th.pileup_level_percent)
    s = next((m for m in range(r - 1, -1, -1)
              if ch[m][1] * 100 <= max_bytes * th.pileup_base_percent), None)
    if s is None:
        # Below the base (at 0) until the first change: the rise starts at
        # the instant before it, or at the start of the run.
        t_start = t[ch[0][0] - 1] if ch[0][0] > 0 else 0
        start_bytes, first = 0, 0
    else:
        t_start, start_bytes, first = t[ch[s][0]], ch[s][1], s + 1
    t_level = t[ch[r][0]]
    rise_instrs = t_level - t_start
    if rise_instrs * 100 < te * th.pileup_min_rise_percent:
        return None
    rising, biggest_step, previous = 0, 0, start_bytes
    for m in range(first, r + 1):
        step = ch[m][1] - previous
        if step > 0:
            rising += 1
            biggest_step = max(biggest_step, step)
        previous = ch[m][1]
    rise_bytes = ch[r][1] - start_bytes
    if rising < th.pileup_min_rising_instants or \
            biggest_step * 100 > rise_bytes * th.pileup_max_step_percent:
        return None
    max_blocks = next(k for _, b, k in ch if b == max_bytes)
    f = next((m for m in range(r + 1, len(ch))
              if ch[m][1] * 100 < max_bytes * th.pileup_level_percent), None)
    t_released = t[ch[f][0]] if f is not None else None
    plateau = (t_released if t_released is not None else te) - t_level
    d = None if f is None else next(
        (m for m in range(f, len(ch)) if ch[m][1] * 100 <= max_bytes * th.pileup_base_percent), None)
    t_freed = t[ch[d][0]] if d is not None else None
    if plateau * 100 >= te * th.pileup_plateau_min_percent:
        shape = "levels-off"
    elif f is None:
        shape = "never-freed"
    elif d == f:
        shape = "freed-at-once"
    elif d is not None:
        shape = "freed-gradually"
    else:
        shape = "partly-freed"
    return Growth(max_bytes=max_bytes, max_blocks=max_blocks, t_start=t_start, t_level=t_level,
                  rise_bytes=rise_bytes, rising_instants=rising, shape=shape,
                  t_released=t_released, t_freed=t_freed, end_bytes=ch[-1][1],
                  plateau_instrs=plateau,
                  held_instrs=(t_freed or t_released or te) - t_start)


def last_change(flat: list[int], t: list[int]) -> int | None:
    """When the site's live bytes last changed (None: never had any)."""
    return t[flat[-3]] if flat else None


def first_live(flat: list[int], t: list[int]) -> int | None:
    """The first instant at which the site had live bytes."""
    for j in range(0, len(flat), 3):
        if flat[j + 1] > 0:
            return t[flat[j]]
    return None


def value_at(flat: list[int], index: int) -> tuple[int, int]:
    """(bytes, blocks) live at instant `index` (carried forward)."""
    b = k = 0
    for j in range(0, len(flat), 3):
        if flat[j] > index:
            break
        b, k = flat[j + 1], flat[j + 2]
    return b, k
