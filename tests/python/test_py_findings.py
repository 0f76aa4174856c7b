"""Findings on hand-made profiles: the exact sentences and their order,
derived by hand in hh_handmade.py, and each threshold at its edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import heaphunt
import hh_handmade as hm
from heaphunt import findings as F


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
    pp.update(tbk=F.SHORT_LIVED_MIN_BLOCKS - 1, hhShortK=F.SHORT_LIVED_MIN_BLOCKS - 1,
              hhNoAccK=0, tb=64 * (F.SHORT_LIVED_MIN_BLOCKS - 1))
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
