"""Findings on hand-made profiles: the exact sentences and their order,
derived by hand in hh_handmade.py, and each threshold at its edge."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import heaphunt
import hh_handmade as hm
from heaphunt import findings as F
from heaphunt.rules import default_rules, with_frames

MIN_BLOCKS = default_rules().thresholds.short_lived_min_blocks


def _load(doc: dict[str, Any], tmp_path: Path, name: str = "p.json") -> heaphunt.Profile:
    return heaphunt.load(hm.write(doc, tmp_path / name))


def _kinds(p: heaphunt.Profile) -> list[tuple[str, int, int]]:
    return [(f.kind, f.site.index, f.bytes_involved) for f in F.find_all(p)]


def test_handmade_findings_kinds_and_order(tmp_path: Path) -> None:
    assert _kinds(_load(hm.handmade(), tmp_path)) == hm.EXPECTED_FINDINGS


def test_handmade_findings_sentences(tmp_path: Path) -> None:
    sentences = [f.sentence for f in F.find_all(_load(hm.handmade(), tmp_path))]
    assert sentences == [
        "12.0 MB allocated at make_event (leaky.c:42) are still live at exit, 97% of it "
        "not accessed in the last 20% of the run",
        "3.0 MB were copied out of blocks allocated at fill_table (table.c:20), more than "
        "the 1.0 MB read from them otherwise",
        "blocks allocated at fill_table (table.c:20) (4.0 MB in 1 block) spent 60% of "
        "their lifetime unused after their last access",
        "80 of 100 blocks (80%) allocated at read_input (io.c:10) were written but never "
        "read (2.0 MB written, 1.0 kB read)",
        "900 of 1,000 blocks (90%) allocated at scratch (util.c:5) were freed within 500 "
        "instrs of their allocation: allocation churn",
        "600 of 1,000 blocks (60%) allocated at scratch (util.c:5) were never read or written",
        "6.0 MB (60%) of the heap at its peak (400,000 instrs) was allocated at "
        "make_event (leaky.c:42)",
        "4.0 MB (40%) of the heap at its peak (400,000 instrs) was allocated at "
        "fill_table (table.c:20)",
    ]


def test_plain_dhat_file_uses_exact_fallbacks(tmp_path: Path) -> None:
    """No hh fields: site 0 is a plain leak; site 2's average lifetime is
    300,000 / 1,000 = 300 <= tuth 500, so it is short-lived; read_input's
    rb is 1,000, not 0, so no write-only without hhWriteOnlyK."""
    p = _load(hm.as_plain_dhat(hm.handmade()), tmp_path)
    assert _kinds(p) == [("leak", 0, 12_000_000), ("short-lived", 2, 64_000),
                         ("peak", 0, 6_000_000), ("peak", 3, 4_000_000)]
    sentences = [f.sentence for f in F.find_all(p)]
    assert sentences[0] == ("12.0 MB in 1,000 blocks allocated at make_event (leaky.c:42) "
                            "are still live at exit")
    assert sentences[1] == ("1,000 blocks (average lifetime 300 instrs) allocated at scratch "
                            "(util.c:5) were freed within 500 instrs of their allocation: "
                            "allocation churn")


def test_leak_stale_at_exactly_half(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][0]["hhEndIdleDeciles"] = [6_000_000, 0, 0, 0, 0, 0, 0, 0, 6_000_000, 0]
    assert _kinds(_load(doc, tmp_path))[0] == ("leak-stale", 0, 12_000_000)


def test_leak_not_stale_just_below_half(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][0]["hhEndIdleDeciles"] = [5_999_999, 0, 0, 0, 0, 0, 0, 0, 6_000_001, 0]
    kinds = _kinds(_load(doc, tmp_path))
    assert kinds[0] == ("leak", 0, 12_000_000)
    # no longer leak-stale, so its 90% idle time is reported on its own
    assert ("stale-before-free", 0, 12_000_000 * 540 // 600) in kinds


def test_bucket_8_is_not_stale(tmp_path: Path) -> None:
    """Bucket 8 is [0.8 te, 0.9 te): accessed in the last 20%, not stale."""
    doc = hm.handmade()
    doc["pps"][0]["hhEndIdleDeciles"] = [0, 0, 0, 0, 0, 0, 0, 0, 12_000_000, 0]
    assert _kinds(_load(doc, tmp_path))[0][0] == "leak"


def test_short_lived_needs_ten_blocks(tmp_path: Path) -> None:
    doc = hm.handmade()
    pp = doc["pps"][2]
    pp.update(tbk=MIN_BLOCKS - 1, hhShortK=MIN_BLOCKS - 1, hhNoAccK=0, tb=64 * (MIN_BLOCKS - 1))
    del pp["acc"]
    assert "short-lived" not in [k for k, _, _ in _kinds(_load(doc, tmp_path))]


def test_write_only_needs_small_reads(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][1]["rb"] = 200_001   # just over 10% of wb 2,000,000
    assert "write-only" not in [k for k, _, _ in _kinds(_load(doc, tmp_path))]
    doc["pps"][1]["rb"] = 200_000   # exactly 10%
    assert "write-only" in [k for k, _, _ in _kinds(_load(doc, tmp_path, "q.json"))]


def test_copied_equal_to_other_reads_is_not_a_finding(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][3]["rb"] = 6_000_000   # 3,000,000 copied, 3,000,000 other reads
    assert "copied-more-than-read" not in [k for k, _, _ in _kinds(_load(doc, tmp_path))]


def test_peak_threshold_ten_percent(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][3]["gb"] = 1_000_000
    doc["hhTotals"]["gb"] = 10_000_000   # exactly 10%
    assert ("peak", 3, 1_000_000) in _kinds(_load(doc, tmp_path))
    doc["pps"][3]["gb"] = 999_999
    assert all(k != "peak" or i != 3 for k, i, _ in _kinds(_load(doc, tmp_path, "q.json")))


def test_same_named_sites_are_told_apart_by_caller(tmp_path: Path) -> None:
    doc = hm.handmade()
    doc["pps"][1]["fs"] = [1, 8]   # make_event again, called from main:81
    sentences = [f.sentence for f in F.find_all(_load(doc, tmp_path))]
    assert any("make_event (leaky.c:42) called from main (leaky.c:81)" in s for s in sentences)


def test_no_findings_on_a_clean_profile(tmp_path: Path) -> None:
    doc = hm.copy_mode()
    assert F.find_all(_load(doc, tmp_path)) == []


# --------------------------------------------------------------------------
# History, reachability, responsible frames (hh_handmade.piles)
# --------------------------------------------------------------------------

def _piles(tmp_path: Path, reach: bool = True, name: str = "piles.json") -> heaphunt.Profile:
    return _load(hm.piles(reach), tmp_path, name)


def test_piles_kinds_order_and_harm(tmp_path: Path) -> None:
    found = F.find_all(_piles(tmp_path))
    assert [(f.kind, f.site.index, f.bytes_involved, int(f.harm)) for f in found] == \
        hm.PILES_EXPECTED


def test_piles_sentences_as_shown(tmp_path: Path) -> None:
    p = _piles(tmp_path)
    entries = F.shown(F.find_all(p), p)
    assert [(e.kind, e.sentence) for e in entries] == [
        ("pile-up", "96.0 kB in 96 blocks allocated at Event#finish [ruby] (events.rb:40) piled up "
                    "over 78% of the run (100.0 kB per million instrs, 1.0 kB per block) and "
                    "were all freed at once at 98% of it"),
        ("pile-up", "40.0 kB in 40 blocks allocated at Parser::parse (parse.c:70) piled up "
                    "over 32% of the run (100.0 kB per million instrs, 1.0 kB per block) and "
                    "were freed between 62% and 69% of it"),
        ("pile-up", "25.0 kB in 50 blocks allocated at spawn_forget::spawn_all (main.rs:9) "
                    "piled up over 40% of the run (50.0 kB per million instrs, 500 bytes per "
                    "block) and were never freed (20.0 kB of them lost at exit)"),
        ("leak", "4.0 kB in 4 blocks allocated at load_config (config.c:12) are lost at exit: "
                 "no pointer reaches them"),
        ("write-only", "40 of 40 blocks (100%) allocated at myapp::fill (main.rs:30) were "
                       "written but never read (40.0 kB written, 0 bytes read)"),
        ("peak", "96.0 kB (56%) of the heap at its peak (970,000 instrs) was allocated at "
                 "Event#finish [ruby] (events.rb:40)"),
        ("levels-off", "40.0 kB in 40 blocks allocated at Cache::fill (cache.c:30) grew over "
                       "32% of the run (100.0 kB per million instrs) and then stayed at that "
                       "level for 64% of it, like a cache: a problem only if it need not be "
                       "kept"),
        ("peak", "40.0 kB (23%) of the heap at its peak (970,000 instrs) was allocated at "
                 "Cache::fill (cache.c:30)"),
        ("peak", "23.5 kB (13%) of the heap at its peak (970,000 instrs) was allocated at "
                 "spawn_forget::spawn_all (main.rs:9)"),
        ("reachable", "6.0 kB in 6 blocks at 3 places are still reachable at exit and "
                      "unchanged since the first 50% of the run: start-up data, not a leak"),
    ]


def test_piles_reachable_kind_in_full_names_unsymbolised_frames(tmp_path: Path) -> None:
    p = _piles(tmp_path)
    entries = F.shown(F.find_all(p), p, kind="reachable")
    assert [e.sentence for e in entries] == [
        f"{size} in {blocks} allocated at libruby-3.1.so.3.1.2+0x{off} are still "
        f"reachable at exit, unchanged since 1% of the run"
        for size, blocks, off in (("3.0 kB", "3 blocks", "21b000"), ("2.0 kB", "2 blocks", "21c000"),
                                  ("1.0 kB", "1 block", "21d000"))]


def test_piles_grouped_sites_sum_their_numbers(tmp_path: Path) -> None:
    """Sites 7 and 8 reach myapp::fill (main.rs:30) through different std
    paths and at two addresses of the line: one finding, 10 + 30 blocks."""
    write_only = [f for f in F.find_all(_piles(tmp_path)) if f.kind == "write-only"]
    assert [(f.sites, f.blocks_involved, f.bytes_involved) for f in write_only] == \
        [((7, 8), 40, 40_000)]


def test_piles_without_reachability(tmp_path: Path) -> None:
    """No hhReach: site 1's never-freed pile-up does not say what was lost,
    and site 6, unchanged since instant 0, is start-up data like 3, 4, 5:
    the reachable line has 4,000 + 6,000 = 10,000 B in 10 blocks at 4
    places, live (not known to be reachable)."""
    p = _piles(tmp_path, reach=False)
    entries = F.shown(F.find_all(p), p)
    sentences = [e.sentence for e in entries]
    assert sentences[2].endswith("500 bytes per block) and were never freed")
    assert not any(e.kind == "leak" for e in entries)
    assert sentences[-1] == ("10.0 kB in 10 blocks at 4 places are still live at exit and "
                             "unchanged since the first 50% of the run: start-up data, not "
                             "a leak")


def test_piles_max_per_kind_and_max_findings(tmp_path: Path) -> None:
    """With max_per_kind 2: the third pile-up and peak become "+1 more like
    this"; with max_findings 4 the rest is one "more" line."""
    p = _piles(tmp_path)
    rules = dataclasses.replace(default_rules(), thresholds=dataclasses.replace(
        default_rules().thresholds, max_per_kind=2))
    entries = F.shown(F.find_all(p, rules), p, rules)
    shape = [(e.kind, e.hidden) if isinstance(e, F.More) else e.kind for e in entries]
    assert shape == ["pile-up", "pile-up", ("pile-up", 1), "leak", "write-only", "peak",
                     "levels-off", "peak", ("peak", 1), "reachable"]
    entries = F.shown(F.find_all(p), p, max_findings=4)
    assert [(e.kind, e.hidden) if isinstance(e, F.More) else e.kind for e in entries] == \
        ["pile-up", "pile-up", "pile-up", "leak", (None, 8)]


def test_piles_frame_rules_from_the_user(tmp_path: Path) -> None:
    p = _piles(tmp_path)
    keep = with_frames(default_rules(), keep=[r"^tokio::task::spawn::"])
    names = {f.site.index: f.name for f in F.find_all(p, keep)}
    assert names[1] == "tokio::task::spawn::spawn (src/task/spawn.rs:166)"
    skip = with_frames(default_rules(), skip=[r"^Cache::"])
    names = {f.site.index: f.name for f in F.find_all(p, skip)}
    assert names[2] == "main (main.c:50)"


def test_pile_up_needs_enough_rising_instants(tmp_path: Path) -> None:
    """Site 9 rising by 5,000 B at instants 10, 25 and 40 (t 110,000,
    260,000, 410,000), freed at instant 60: with all three steps (15,000 B;
    level 13,500 first at instant 40, base 1,500 last at instant 9, t
    100,000: a rise of 31% of the run, steps of 33% of it) it is a pile-up;
    without the middle one (10,000 B, the same rise, steps of 50%) it rose
    at 2 instants, below the minimum of 3."""
    for steps, expected in (((10, 40), False), ((10, 25, 40), True)):
        doc = hm.piles()
        values = [0] * 100
        for i in range(10, 60):
            values[i] = 5_000 * sum(1 for s in steps if s <= i)
        doc["pps"][9]["hhH"] = hm._series(values, 1_000)
        found = F.find_all(_load(doc, tmp_path, f"steps{len(steps)}.json"))
        assert any(f.kind == "pile-up" and f.site.index == 9 for f in found) is expected, steps
