/* glossary.js: the explanations at the bottom of the page.

   Every abbreviation the page uses and every metric, each linked to where
   the file format defines it (docs/json-format.md) or, for findings, to
   docs/findings.md.  The links are relative to viewer/, so they work when
   the page is opened from a checkout of the repository (and from
   `heaphunt view`, which serves the repository's docs/ next to viewer/). */
"use strict";
HH.define("glossary", ["metrics", "format", "rules"], function (use) {
    var DOC = use.metrics.DOC, f = use.format;
    var TERMS = [
        ["site", "an allocation site (DHAT: program point, a \"pps\" entry): the call stack that allocated, innermost --num-callers frames", DOC + "#per-site-program-point-fields"],
        ["frame", "one function of a stack, written \"0xADDR: function (file:line)\" or \"(in object)\"; shown as function, then location", DOC + "#frame-strings"],
        ["top-down / bottom-up", "top-down starts at the outermost caller (main) and ends at the allocating function; bottom-up (dh_view's order) starts at the allocation point and goes out through its callers", DOC + "#per-site-program-point-fields"],
        ["instrs, Minstr", "the time unit: guest instructions executed since the process started (Minstr: millions)", DOC + "#top-level"],
        ["t-gmax, tg", "the time of the global peak: when the live heap last reached its maximum", DOC + "#top-level"],
        ["t-end, te", "the time the profile was written (the end of the run, or a dump)", DOC + "#top-level"],
        ["tuth", "the short-lived threshold, 500 instrs", DOC + "#top-level"],
        ["B, blk", "bytes (requested sizes, not allocator-rounded), blocks (allocations)", DOC + "#how-allocations-are-counted"],
        ["acc", "the per-offset access histogram: how many loads and stores touched each byte offset of the site's blocks; ∞ is a saturated count (65,535)", DOC + "#acc-the-access-histogram"],
        ["Δ, A, B", "in a diff, A is the profile opened first (before), B the one compared with it (after); Δ = B − A. Sites match when their frame strings are equal", DOC + "#frame-strings"],
        ["copies", "memcpy-family calls (heaphunt only): bytes and calls, and which sites' blocks they read from and wrote to (hhCopySites)", DOC + "#top-level"],
        ["timeline", "the live heap sampled over time (hhTimeline), with t-gmax and the program's checkpoints (hhCheckpoints)", DOC + "#top-level"],
        ["allocator frames", "frames inside a tool's preload (vgpreload_*: malloc, operator new, memcpy), which DHAT lists and heaphunt hides, are left out of the stacks", DOC + "#differences-from-dhat"]
    ];

    function render(el) {
        var html = "<h2>What the numbers mean</h2><dl>";
        for (var i = 0; i < TERMS.length; i++) {
            html += '<dt><a href="' + TERMS[i][2] + '">' + f.html(TERMS[i][0]) + "</a></dt><dd>" + f.html(TERMS[i][1]) + "</dd>";
        }
        html += "</dl><h2>Metrics</h2><dl>";
        use.metrics.LIST.forEach(function (m) {
            html += '<dt><a href="' + m.doc + '">' + f.html(m.label) + "</a> <span class=\"note\">(" + f.html(m.short) + ")</span></dt><dd>" +
                f.html(m.explain) + "</dd>";
        });
        html += "</dl><h2>Findings</h2><dl>";
        var T = use.rules.thresholds, pct = function (x) { return x + "%"; };
        var rules = [
            ["pile-up", "a site's live bytes (its exact history) rose to at least " + pct(T.pileup_min_peak_percent) + " of the heap's peak, over at least " +
                pct(T.pileup_min_rise_percent) + " of the run, in at least " + T.pileup_min_rising_instants + " steps: never freed (a leak), freed at once when a phase ends, or freed gradually"],
            ["leak", "bytes lost at exit (no pointer reaches them), or, in a file without reachability, live at exit"],
            ["leak-stale", "bytes live at exit, of which at least " + pct(T.leak_stale_min_percent) + " were not accessed in the last " + pct(T.stale_window_percent) + " of the run (a \"ghost\")"],
            ["never-accessed", "at least " + pct(T.never_accessed_min_percent) + " of the blocks were never read nor written"],
            ["write-only", "at least " + pct(T.write_only_min_percent) + " of the blocks were written but never read, and reads are at most " + pct(T.write_only_max_read_percent_of_writes) + " of writes"],
            ["stale-before-free", "the blocks spent at least " + pct(T.stale_before_free_min_percent) + " of their lives after their last access"],
            ["copied-more-than-read", "more bytes were copied out of the blocks (memcpy...) than read from them otherwise"],
            ["short-lived", "at least " + pct(T.short_lived_min_percent) + " of at least " + T.short_lived_min_blocks + " blocks were freed within tuth instrs (allocation churn)"],
            ["levels-off", "growth like a pile-up's that then stayed at its level for at least " + pct(T.pileup_plateau_min_percent) + " of the run: a cache (informational)"],
            ["peak", "the site holds at least " + pct(T.peak_min_percent) + " of the heap at t-gmax (informational)"],
            ["reachable", "memory still reachable at exit and unchanged since the first " + pct(T.startup_percent) + " of the run: start-up data, one line (informational)"]
        ];
        for (i = 0; i < rules.length; i++) {
            html += '<dt><a href="' + use.metrics.FINDINGS_DOC + '">' + f.html(rules[i][0]) + "</a></dt><dd>" + f.html(rules[i][1]) + "</dd>";
        }
        html += "</dl>";
        el.innerHTML = html;
    }

    return { render: render, TERMS: TERMS };
});
