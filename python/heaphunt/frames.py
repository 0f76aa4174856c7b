"""Naming sites by their responsible frame, and grouping them by it.

A site's stack starts, innermost, with allocation plumbing: malloc's
callers in Rust's alloc.rs and raw_vec.rs, libstdc++'s allocator and
container headers, an interpreter's xmalloc wrappers.  The frame worth
naming is the first one that belongs to the program.  rules.json says which
frames are allocation wrappers ("alloc"), which are library code
("library") and which to keep as the program's whatever else matches
("keep"); `Classifier` applies those expressions to each frame's text (the
frame string without its code address).

The responsible frame of a stack is its first program frame; if it has
none (a runtime's own start-up allocations, an interpreter without its
script's frames), its first library frame that has a symbol (`rb_ary_push`
says more than `libruby.so+0x3d5d4`), else its first library frame; if
even that fails, its first frame.  The full stack is
kept: only the name and the grouping change.  Sites whose stacks are equal
from the responsible frame outwards (frames compared by `frame_key`, so that
two calls on one line are one place) form one `Group`, with the sum of
their numbers: two allocations of one Rust line through different std
paths, or a C++ object and the buffer its constructor allocates.

A frame without a symbol is displayed as object+offset
("libruby.so.3.1+0x1a2b3c", from hhObjs' load bases), or as the object's
base name and the address when the profile has no hhObjs, never as "???".
viewer/js/frames.js is the same code in JavaScript.
"""

from __future__ import annotations

import dataclasses
import re

from . import history
from .profile import Profile, Site
from .rules import Rules

PROGRAM, LIBRARY, ALLOC = 0, 1, 2

# "0x4849CE0: fn (file:line)", "0x0: Object#run [ruby] (app.rb:12)",
# "0x1: ??? (in /lib/x.so)", "0x1: ???", "[root]".  The location is the
# last parenthesised group (C++ function names hold parentheses).
_FRAME_RE = re.compile(
    r"^(?:(?P<addr>0x[0-9A-Fa-f]+): )?(?P<fn>.*?)(?: \[(?P<lang>ruby|python)\])?"
    r"(?: \((?P<in>in )?(?P<where>[^()]*)\))?$")
_ADDRESS_PREFIX_RE = re.compile(r"^0x[0-9A-Fa-f]+: ")
_FILE_LINE_RE = re.compile(r"^.+:\d+$")


@dataclasses.dataclass(frozen=True)
class Frame:
    addr: int | None     # code address, None when the string has none
    fn: str              # function ("???" when unknown)
    where: str           # "file:line", the object path, or ""
    in_object: bool      # `where` is an object, not a source location
    lang: str            # "ruby", "python" or "" (native)


def parse(frame: str) -> Frame:
    m = _FRAME_RE.match(frame)
    assert m is not None  # every group is optional
    addr = int(m.group("addr"), 16) if m.group("addr") else None
    return Frame(addr=addr, fn=m.group("fn"), where=m.group("where") or "",
                 in_object=bool(m.group("in")), lang=m.group("lang") or "")


def rule_text(frame: str) -> str:
    """What rules.json's expressions are matched against."""
    return _ADDRESS_PREFIX_RE.sub("", frame)


def frame_key(frame: str) -> str:
    """What makes two frames one place: the text without the code address
    when the frame has a file:line (two calls on one line, or a rebuild
    that moved the code), the whole string otherwise."""
    f = parse(frame)
    if f.where and not f.in_object and _FILE_LINE_RE.match(f.where):
        return rule_text(frame)
    return frame


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def display(frame: str, objs: list[tuple[str, int]] | None) -> str:
    """The frame as a sentence names it: "log_event (leaky.c:95)";
    "libruby.so.3.1+0x1a2b3c" for a frame with no symbol."""
    f = parse(frame)
    if f.fn == "???" and f.in_object:
        base = next((b for path, b in objs or () if path == f.where), None)
        if base is not None and f.addr is not None and f.addr >= base:
            return f"{_basename(f.where)}+0x{f.addr - base:x}"
        return _basename(f.where) + (f"@0x{f.addr:X}" if f.addr is not None else "")
    if f.fn == "???" and not f.where:
        return f"0x{f.addr:X}" if f.addr is not None else "???"
    return rule_text(frame)


class Classifier:
    """Which tier each frame string is in, by the rules' expressions,
    computed once per distinct frame string.  With the profile's
    hhFrameDirs (`dirs`), the expressions are also matched against the
    frame with its source file's whole path, "init (/rustc/<hash>/library/
    std/src/sys/pal/unix/mod.rs:41)": std's code inlined into a program's
    function names only its file, mod.rs, which a program has too."""

    def __init__(self, rules: Rules, dirs: dict[str, str] | None = None) -> None:
        self._alloc = _combined(rules.alloc)
        self._library = _combined(rules.library)
        self._keep = _combined(rules.keep)
        self._dirs = dirs or {}
        self._cache: dict[str, int] = {}

    def tier(self, frame: str) -> int:
        t = self._cache.get(frame)
        if t is None:
            texts = [rule_text(frame)]
            path = path_text(texts[0], self._dirs.get(frame))
            if path is not None:
                texts.append(path)

            def matches(expr: re.Pattern | None) -> bool:
                return expr is not None and any(expr.search(text) for text in texts)

            if matches(self._keep):
                t = PROGRAM
            elif matches(self._alloc):
                t = ALLOC
            elif matches(self._library):
                t = LIBRARY
            else:
                t = PROGRAM
            self._cache[frame] = t
        return t

    def is_program(self, frame: str) -> bool:
        return self.tier(frame) == PROGRAM

    def responsible(self, frames: list[str]) -> int:
        """Index of the responsible frame (0 for an empty stack)."""
        tiers = [self.tier(f) for f in frames]
        for i, t in enumerate(tiers):
            if t == PROGRAM:
                return i
        for i, t in enumerate(tiers):
            if t == LIBRARY and not rule_text(frames[i]).startswith("???"):
                return i
        for i, t in enumerate(tiers):
            if t == LIBRARY:
                return i
        return 0


def path_text(text: str, directory: str | None) -> str | None:
    """The rule text with the source file's directory put before its name:
    "fn (DIR/file.rs:41)"; None without a directory."""
    if directory is None or not text.endswith(")"):
        return None
    at = text.rfind(" (")
    if at < 0:
        return None
    return f"{text[:at + 2]}{directory}/{text[at + 2:]}"


def _combined(patterns: tuple[str, ...]) -> re.Pattern | None:
    # ASCII: \w and \d mean what they mean in the viewer's JavaScript.
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.ASCII) if patterns else None


@dataclasses.dataclass
class Group:
    """Sites with one responsible frame and the same callers beyond it."""
    index: int                 # position in the list of groups
    members: list[Site]        # in file order
    site: Site                 # their numbers summed (index: the first member's)
    stack: list[str]           # the first member's frames, a tool's preload left out
    start: int                 # the responsible frame's index in stack
    name: str = ""             # how sentences and reports call it
    # No frame of the program was found, and a member's stack was cut at
    # --num-callers: its callers, the program's code among them, are missing
    # (only said when another place of the profile is the program's).
    cut_short: bool = False

    @property
    def frames(self) -> list[str]:
        """The stack from the responsible frame outwards."""
        return self.stack[self.start:]

    @property
    def plumbing(self) -> list[str]:
        """The frames below the responsible one (the first member's)."""
        return self.stack[:self.start]


def group_key(frames: list[str], start: int) -> tuple[str, ...]:
    return tuple(frame_key(f) for f in frames[start:])


def group_sites(profile: Profile, rules: Rules) -> list[Group]:
    """Every site in a group, groups in the order of their first site, each
    named by its responsible frame, with its caller when another group has
    a responsible frame of the same name."""
    classifier = Classifier(rules, profile.frame_dirs)
    by_key: dict[tuple[str, ...], tuple[list[str], int, list[Site]]] = {}
    for site in profile.sites:
        stack = site.user_frames
        start = classifier.responsible(stack)
        key = group_key(stack, start)
        entry = by_key.get(key)
        if entry is None:
            by_key[key] = (stack, start, [site])
        else:
            entry[2].append(site)
    groups = [Group(index=i, members=members, site=merged_site(members), stack=stack,
                    start=start)
              for i, (stack, start, members) in enumerate(by_key.values())]
    # A stack cut before any frame of the program: a deeper one would reach
    # it, unless the program has no frame anywhere (an interpreter's
    # profile without its script's frames).
    own = [bool(g.frames) and classifier.is_program(g.frames[0]) for g in groups]
    if any(own):
        for g, is_own in zip(groups, own):
            g.cut_short = not is_own and any(m.cut for m in g.members)
    name_counts: dict[str, int] = {}
    for g in groups:
        g.name = _own_name(g, profile)
        name_counts[g.name] = name_counts.get(g.name, 0) + 1
    for g in groups:
        if name_counts[g.name] > 1 and len(g.frames) > 1:
            g.name += " called from " + display(g.frames[1], profile.objs)
    return groups


def _own_name(group: Group, profile: Profile) -> str:
    return display(group.frames[0], profile.objs) if group.frames else "[no frames]"


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def merged_site(sites: list[Site]) -> Site:
    """One Site with the sums of several sites' numbers.  A site's own
    maximum (mb, mbk) and its histogram do not add up: they are kept for a
    group of one and left out (None) otherwise."""
    if len(sites) == 1:
        return sites[0]
    first = sites[0]
    summed = {}
    for field in ("tb", "tbk", "tl", "gb", "gbk", "eb", "ebk", "rb", "wb",
                  "copy_in_bytes", "copy_in_calls", "copy_out_bytes", "copy_out_calls",
                  "realloc_moved_bytes", "never_accessed_blocks", "write_only_blocks",
                  "read_only_after_init_blocks", "short_lived_blocks", "idle_instrs",
                  "lost_bytes", "lost_blocks"):
        summed[field] = _sum([getattr(s, field) for s in sites])
    firsts = [s.first_alloc_t for s in sites]
    lasts = [s.last_free_t for s in sites]
    deciles = [s.end_idle_deciles for s in sites]
    hists = [s.hist for s in sites]
    return Site(
        index=first.index, frames=first.frames, **summed,
        first_alloc_t=None if None in firsts else min(firsts),  # type: ignore[type-var]
        last_free_t=None if None in lasts else max(lasts),  # type: ignore[type-var]
        end_idle_deciles=None if any(d is None for d in deciles)
        else [sum(col) for col in zip(*deciles)],  # type: ignore[misc]
        hist=None if any(h is None for h in hists)
        else history.merge(hists))  # type: ignore[arg-type]
