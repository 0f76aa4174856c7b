"""Number and name formatting shared by the report, diff, check and findings.

Pure functions from numbers (and sites) to short strings.  Byte sizes in
sentences use decimal units ("12.0 MB" = 12,000,000 bytes) with one decimal;
tables use exact numbers with thousands separators, as DHAT's summary does.
"""

from __future__ import annotations

from .profile import Profile, Site, frame_name

_DECIMAL_UNITS = (("GB", 10**9), ("MB", 10**6), ("kB", 10**3))


def count(n: int | float | None) -> str:
    """1234567 -> "1,234,567"; floats get two decimals; None -> "-"."""
    if n is None:
        return "-"
    if isinstance(n, float):
        return f"{n:,.2f}"
    return f"{n:,}"


def plural(n: int | None, word: str) -> str:
    """plural(1, "block") -> "1 block"; plural(2_000, "block") -> "2,000 blocks"."""
    return f"{count(n)} {word}" + ("" if n == 1 else "s")


def signed(n: int | float) -> str:
    """A delta with its sign: "+1,024", "-3", "0"."""
    if n == 0:
        return "0"
    if isinstance(n, float):
        return f"{n:+,.2f}"
    return f"{n:+,}"


def human_bytes(n: int) -> str:
    """3 -> "3 bytes", 12_000_000 -> "12.0 MB", 12_250_000 -> "12.3 MB"
    (decimal units, one decimal rounded half up, in integers so that the
    viewer's JavaScript gives the same text)."""
    n = int(n)
    if abs(n) < 1000:
        return f"{n} byte" + ("" if abs(n) == 1 else "s")
    sign = "-" if n < 0 else ""
    for unit, size in _DECIMAL_UNITS:
        if abs(n) >= size:
            tenths = (abs(n) * 10 + size // 2) // size
            return f"{sign}{tenths // 10}.{tenths % 10} {unit}"
    return f"{n} bytes"  # not reached


def percent(part: float, whole: float) -> int:
    """Whole percent, rounded down so that 99.6% never shows as 100%."""
    if whole <= 0:
        return 0
    return int(100 * part // whole)


def ratio(num: int | None, den: int | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def site_label(site: Site, profile: Profile) -> str:
    """The site's name, "make_event (leaky.c:42)", with its caller appended
    when another site of the profile has the same first frame."""
    name = site.name
    frames = site.user_frames
    if len(frames) < 2:
        return name
    if profile.sites_named(name) > 1:
        return f"{name} called from {frame_name(frames[1])}"
    return name
