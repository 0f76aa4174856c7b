"""Assertions for exact-count tests: assert_totals and assert_site.

Each compares only the numbers it is given, and on failure raises an
AssertionError whose message lists every mismatch as expected vs got and
the top sites responsible (by the first mismatching number), so a failing
test says where the extra bytes came from without opening the profile.
"""

from __future__ import annotations

from .profile import Profile, Site, frame_location
from .textfmt import count, site_label

# Sites listed in a failure message.
SITES_SHOWN_ON_FAILURE = 5

# Keyword -> (summary/site key, words).  The same names work in both helpers.
TOTAL_FIELDS: dict[str, tuple[str, str]] = {
    "bytes": ("tb", "total bytes"),
    "blocks": ("tbk", "total blocks"),
    "gmax_bytes": ("gb", "bytes at t-gmax"),
    "gmax_blocks": ("gbk", "blocks at t-gmax"),
    "end_bytes": ("eb", "bytes at t-end"),
    "end_blocks": ("ebk", "blocks at t-end"),
    "reads": ("rb", "bytes read"),
    "writes": ("wb", "bytes written"),
    "copied_bytes": ("cb", "bytes copied"),
    "copy_calls": ("cbk", "copy calls"),
}

SITE_FIELDS: dict[str, tuple[str, str]] = {
    **{k: v for k, v in TOTAL_FIELDS.items() if k not in ("copied_bytes", "copy_calls")},
    "max_bytes": ("mb", "max bytes"),
    "max_blocks": ("mbk", "max blocks"),
    "lifetimes": ("tl", "total lifetime (instrs)"),
    "copy_in_bytes": ("hhCopyInB", "bytes copied in"),
    "copy_in_calls": ("hhCopyInK", "copies in"),
    "copy_out_bytes": ("hhCopyOutB", "bytes copied out"),
    "copy_out_calls": ("hhCopyOutK", "copies out"),
    "never_accessed_blocks": ("hhNoAccK", "blocks never accessed"),
    "write_only_blocks": ("hhWriteOnlyK", "write-only blocks"),
    "short_lived_blocks": ("hhShortK", "short-lived blocks"),
}


def _top_sites(profile: Profile, sites: list[Site], key: str) -> list[str]:
    valued = sorted(sites, key=lambda s: (-(s.get(key) or 0), s.index))
    lines = []
    for s in valued[:SITES_SHOWN_ON_FAILURE]:
        lines.append(f"  {count(s.get(key) or 0):>12} {key}  {site_label(s, profile)}")
    return lines


def _unknown(kwargs: dict[str, int], allowed: dict[str, tuple[str, str]]) -> None:
    bad = [k for k in kwargs if k not in allowed]
    if bad:
        raise TypeError(f"unknown field(s) {', '.join(bad)}; known: {', '.join(allowed)}")


def assert_totals(profile: Profile, **expected: int) -> None:
    """assert_totals(p, blocks=3, bytes=300, end_blocks=0, end_bytes=0, ...)."""
    _unknown(expected, TOTAL_FIELDS)
    mismatches = []
    first_key = None
    for name, want in expected.items():
        key, words = TOTAL_FIELDS[name]
        got = profile.totals.get(key)
        if got != want:
            mismatches.append(f"{words} ({name}): expected {count(want)}, got {count(got)}")
            first_key = first_key or key
    if mismatches:
        msg = [f"{profile.path} ({profile.cmd}):", *mismatches]
        if first_key in ("cb", "cbk"):
            copy_sites = sorted(profile.copy_sites or [],
                                key=lambda c: (-getattr(c, first_key), c.index))
            msg.append(f"top copy sites by {first_key}:")
            msg += [f"  {count(getattr(c, first_key)):>12} {first_key}  {c.name}"
                    for c in copy_sites[:SITES_SHOWN_ON_FAILURE]]
        else:
            msg.append(f"top sites by {first_key}:")
            msg += _top_sites(profile, profile.sites, first_key)
        raise AssertionError("\n".join(msg))


def matching_sites(profile: Profile, function: str, file: str | None = None) -> list[Site]:
    """Sites whose first user frame is in `function` (and, if given, whose
    location contains `file`, e.g. "leaky.c" or "leaky.c:95")."""
    out = []
    for s in profile.sites:
        if s.function != function:
            continue
        if file is not None:
            frames = s.user_frames
            if not frames or file not in frame_location(frames[0]):
                continue
        out.append(s)
    return out


def site_totals(sites: list[Site], key: str) -> int | None:
    values = [s.get(key) for s in sites]
    if values and all(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


def assert_site(profile: Profile, function: str, *, file: str | None = None,
                sites: int | None = None, acc: list[int] | None = None,
                **expected: int) -> None:
    """Numbers summed over the sites whose first frame is in `function`.

    assert_site(p, "make_event", bytes=640, blocks=10, end_bytes=0);
    sites=N also checks how many sites matched; acc=[...] the decoded
    histogram (one matching site required).
    """
    _unknown(expected, SITE_FIELDS)
    matched = matching_sites(profile, function, file)
    where = function + (f" in {file}" if file else "")
    header = f"{profile.path} ({profile.cmd}): site {where}:"
    if not matched:
        key = SITE_FIELDS[next(iter(expected))][0] if expected else "tb"
        raise AssertionError("\n".join([
            f"{header} no site's first frame is in {where}",
            f"top sites by {key}:", *_top_sites(profile, profile.sites, key)]))
    mismatches = []
    first_key = None
    if sites is not None and len(matched) != sites:
        mismatches.append(f"number of sites: expected {sites}, got {len(matched)}")
    for name, want in expected.items():
        key, words = SITE_FIELDS[name]
        got = site_totals(matched, key)
        if got != want:
            mismatches.append(f"{words} ({name}): expected {count(want)}, got {count(got)}")
            first_key = first_key or key
    if acc is not None:
        if len(matched) != 1:
            mismatches.append(f"acc: needs exactly one site, {len(matched)} matched")
        elif matched[0].acc != acc:
            mismatches.append(f"acc: expected {acc}, got {matched[0].acc}")
    if mismatches:
        key = first_key or "tb"
        raise AssertionError("\n".join([header, *mismatches, f"matching sites by {key}:",
                                        *_top_sites(profile, matched, key)]))
