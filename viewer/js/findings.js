/* findings.js: the findings rules (leaks, stale memory, wasted allocations),
   computed per site from the profile's numbers.

   The tool writes no findings; readers compute them, the Python package
   (`heaphunt report`) and this viewer with the same rules and the same
   default thresholds, documented in docs/findings.md.  Threshold names are
   the finding kinds' names with the quantity they bound.  Every finding is
   {kind, site, bytes, sentence}: `bytes` is what the finding is about (the
   leaked bytes, the never-accessed blocks' bytes, ...) and orders the list,
   biggest first, informational "peak" findings last.  A rule that needs a heaphunt-only field is skipped for
   files without it (plain DHAT files get only "leak" and "peak"). */
"use strict";
HH.define("findings", ["profile", "format"], function (use) {
    var THRESHOLDS = {
        // leak-stale: share of the bytes live at exit whose last access was
        // before (1 - STALE_WINDOW_FRACTION) * te.
        LEAK_STALE_MIN_FRACTION: 0.5,
        STALE_WINDOW_FRACTION: 0.2,
        NEVER_ACCESSED_MIN_FRACTION: 0.5,
        WRITE_ONLY_MIN_FRACTION: 0.5,
        // "and rb == 0 or small": reads at most this share of the writes.
        WRITE_ONLY_MAX_READ_FRACTION: 0.1,
        SHORT_LIVED_MIN_FRACTION: 0.5,
        SHORT_LIVED_MIN_BLOCKS: 10,
        STALE_BEFORE_FREE_MIN_FRACTION: 0.5,
        PEAK_MIN_FRACTION: 0.1
    };

    var KIND_TITLES = {
        "leak-stale": "Leak, stale (ghost)",
        "leak": "Leak",
        "never-accessed": "Never accessed",
        "write-only": "Write-only",
        "short-lived": "Short-lived (churn)",
        "stale-before-free": "Stale before free",
        "copied-more-than-read": "Copied more than read",
        "peak": "Peak"
    };

    // "log_event (leaky.c:95) called from startup": the first frame that
    // names a function, and its caller's function, because one allocating
    // function called from two places is two sites.
    function siteName(model, site) {
        var fr = use.profile.siteFrames(model, site);
        if (fr.length === 0) return "[unknown site]";
        var i = 0;
        while (i < fr.length - 1 && use.profile.frame(model, fr[i]).fn === "???") i++;
        var f = use.profile.frame(model, fr[i]);
        var name = f.fn + (f.loc ? " (" + f.loc + ")" : "");
        if (i + 1 < fr.length) name += " called from " + use.profile.frame(model, fr[i + 1]).fn;
        return name;
    }

    function bytesText(n) { return use.format.int(n) + " bytes"; }

    // All findings of one site, in rule order.  Without `withText` the
    // sentences are left out (a big profile has hundreds of thousands of
    // findings; the page words only the ones it shows, with sentence()).
    function forSite(model, site, withText) {
        if (withText === undefined) withText = true;
        var c = model.cols, T = THRESHOLDS, out = [];
        if (model.mode !== "heap") return out;
        function col(name) { return c[name] ? c[name][site] : undefined; }
        var tb = col("tb"), tbk = col("tbk"), eb = col("eb"), ebk = col("ebk"), name = null;
        function who() { return name || (name = siteName(model, site)); }
        function add(kind, bytes, words) {
            out.push({ kind: kind, site: site, bytes: bytes, sentence: withText ? words() : null });
        }

        if (eb > 0) {
            var stale = col("hhStaleEndB");
            if (stale !== undefined && stale >= T.LEAK_STALE_MIN_FRACTION * eb) {
                add("leak-stale", eb, function () { return bytesText(eb) + " allocated at " + who() + " are still live at exit, " +
                    use.format.pct(stale, eb) + " of it not accessed in the last " +
                    Math.round(100 * T.STALE_WINDOW_FRACTION) + "% of the run"; });
            } else {
                add("leak", eb, function () { return bytesText(eb) + " in " + use.format.int(ebk) + " blocks allocated at " + who() +
                    " are still live at exit"; });
            }
        }
        var noAcc = col("hhNoAccK");
        if (noAcc > 0 && noAcc >= T.NEVER_ACCESSED_MIN_FRACTION * tbk) {
            add("never-accessed", tb * noAcc / tbk, function () { return use.format.int(noAcc) + " of " + use.format.int(tbk) +
                " blocks allocated at " + who() + " were never read or written"; });
        }
        var wOnly = col("hhWriteOnlyK"), rb = col("rb"), wb = col("wb");
        if (wOnly > 0 && wOnly >= T.WRITE_ONLY_MIN_FRACTION * tbk && rb <= T.WRITE_ONLY_MAX_READ_FRACTION * wb) {
            add("write-only", tb * wOnly / tbk, function () { return use.format.int(wOnly) + " of " + use.format.int(tbk) +
                " blocks allocated at " + who() + " were written but never read"; });
        }
        var shortK = col("hhShortK");
        if (shortK > 0 && shortK >= T.SHORT_LIVED_MIN_FRACTION * tbk && tbk >= T.SHORT_LIVED_MIN_BLOCKS) {
            add("short-lived", tb * shortK / tbk, function () { return use.format.int(shortK) + " of " + use.format.int(tbk) +
                " blocks allocated at " + who() + " were freed less than " + use.format.int(model.tuth) +
                " instructions after allocation (allocation churn)"; });
        }
        var idle = col("hhIdleI"), tl = col("tl");
        if (idle !== undefined && tl > 0 && idle >= T.STALE_BEFORE_FREE_MIN_FRACTION * tl) {
            add("stale-before-free", tb, function () { return "blocks allocated at " + who() + " spent " + use.format.pct(idle, tl) +
                " of their lives unused after their last access"; });
        }
        var cOut = col("hhCopyOutB");
        if (cOut > 0 && cOut > rb - cOut) {
            add("copied-more-than-read", cOut, function () { return bytesText(cOut) + " were copied out of blocks allocated at " + who() +
                ", more than the " + bytesText(Math.max(0, rb - cOut)) + " read from them otherwise"; });
        }
        var gb = col("gb"), peak = model.totals.gb;
        if (gb > 0 && peak > 0 && gb >= T.PEAK_MIN_FRACTION * peak) {
            add("peak", gb, function () { return bytesText(gb) + " allocated at " + who() + " are " + use.format.pct(gb, peak) +
                " of the heap at its peak (t-gmax)"; });
        }
        return out;
    }

    // The words of a finding computed without them.
    function sentence(model, finding) {
        if (finding.sentence === null) {
            var full = forSite(model, finding.site, true);
            for (var i = 0; i < full.length; i++) if (full[i].kind === finding.kind) finding.sentence = full[i].sentence;
        }
        return finding.sentence;
    }

    // Every finding of the file, biggest first; also fills the per-site
    // "findings" count column the tree sums.
    function compute(model) {
        var all = [], count = new Float64Array(model.nSites);
        for (var s = 0; s < model.nSites; s++) {
            var f = forSite(model, s, false);
            count[s] = f.length;
            for (var i = 0; i < f.length; i++) all.push(f[i]);
        }
        // Biggest first; "peak" is informational, so it follows the others
        // (the leak of a program must come before its temporary peak).
        all.sort(function (a, b) {
            return (a.kind === "peak") - (b.kind === "peak") || b.bytes - a.bytes || a.site - b.site;
        });
        model.cols.findings = count;
        model.findingsList = all;
        return all;
    }

    return { THRESHOLDS: THRESHOLDS, KIND_TITLES: KIND_TITLES, forSite: forSite, compute: compute, sentence: sentence, siteName: siteName };
});
