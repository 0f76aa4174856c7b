/* findings.js: the findings, as `heaphunt report` words them:
   python/heaphunt/findings.py in JavaScript, rule for rule, with the
   thresholds of rules.js (generated from the package's rules.json).
   tests/test_findings_parity.py feeds the same profiles to both and
   requires identical findings: kinds, sites, order, numbers and sentences.

   Findings are made per group of sites (frames.js: the sites that share a
   responsible frame and its callers).  Three bands, in this order: memory
   held (pile-up, leak, leak-stale) by harm, bytes times the instrs held;
   waste (never-accessed, write-only, stale-before-free,
   copied-more-than-read, short-lived) by bytes; information (levels-off,
   peak, reachable) by bytes.  A finding is {kind, group, site (its first
   site), bytes, blocks, harm}.  A big profile has hundreds of thousands of
   findings and the page shows a few, so nothing is done for all of them
   that the page does not need: a sentence is worded when first asked for
   (sentence()), and shown() (the list a reader sees: at most max_per_kind
   per kind, then "+N more like this", and the reachable ones as one line)
   picks each kind's best few instead of sorting everything; ordered()
   sorts the whole list, for a kind listed in full and for the tests. */
"use strict";
HH.define("findings", ["format", "frames", "history", "profile"], function (use) {
    var fmt = use.format, H = use.history;
    var HELD = ["pile-up", "leak", "leak-stale"];
    var WASTE = ["never-accessed", "write-only", "stale-before-free", "copied-more-than-read", "short-lived"];
    var INFO = ["levels-off", "peak", "reachable"];
    var KINDS = HELD.concat(WASTE, INFO), BAND = {}, KIND_ORDER = {};
    KINDS.forEach(function (k, i) { BAND[k] = HELD.indexOf(k) >= 0 ? 0 : WASTE.indexOf(k) >= 0 ? 1 : 2; KIND_ORDER[k] = i; });
    var MILLION = 1000000;

    var KIND_TITLES = {
        "pile-up": "Pile-up",
        "leak": "Leak",
        "leak-stale": "Leak, stale (ghost)",
        "never-accessed": "Never accessed",
        "write-only": "Write-only",
        "stale-before-free": "Stale before free",
        "copied-more-than-read": "Copied more than read",
        "short-lived": "Short-lived (churn)",
        "levels-off": "Levels off",
        "peak": "Peak",
        "reachable": "Reachable at exit"
    };

    var hb = fmt.humanBytes, pct = fmt.percentDown, int = fmt.int, plural = fmt.plural;

    function share(part, whole, minPercent) { return whole > 0 && part * 100 >= whole * minPercent; }

    // The numbers of group g, summed over its sites; undefined for a column
    // the file lacks (frames.py's merged_site).  One object serves every
    // group in turn (set()), so that a big profile allocates none per group.
    function Numbers(model) {
        this.model = model;
        this.cols = model.cols;
    }
    Numbers.prototype.set = function (gr, g) {
        this.a = gr.memberStart[g]; this.b = gr.memberStart[g + 1]; this.members = gr.members;
        this.first = gr.members[this.a];
        this.hist = undefined;
    };
    // The group's sum of column c (an array of model.cols, or undefined).
    Numbers.prototype.sum = function (c) {
        if (!c) return undefined;
        if (this.b - this.a === 1) return c[this.first];
        var sum = 0;
        for (var i = this.a; i < this.b; i++) sum += c[this.members[i]];
        return sum;
    };
    Numbers.prototype.col = function (name) { return this.sum(this.cols[name]); };
    Numbers.prototype.minCol = function (name) {
        var c = this.cols[name];
        if (!c) return undefined;
        var m = Infinity;
        for (var i = this.a; i < this.b; i++) if (c[this.members[i]] < m) m = c[this.members[i]];
        return m;
    };
    Numbers.prototype.staleBytes = function (buckets) {
        var d = this.model.deciles;
        if (!d) return null;
        var sum = 0;
        for (var i = this.a; i < this.b; i++) for (var j = 0; j < buckets; j++) sum += d[this.members[i] * 10 + j];
        return sum;
    };
    Numbers.prototype.history = function () {
        if (this.hist !== undefined) return this.hist;
        var model = this.model;
        if (!model.hist) return (this.hist = null);
        if (this.b - this.a === 1) return (this.hist = use.profile.siteHistory(model, this.first));
        var list = [];
        for (var i = this.a; i < this.b; i++) list.push(use.profile.siteHistory(model, this.members[i]));
        return (this.hist = H.merge(list));
    };

    // A finding of group g.  a, b, c, d hold what its sentence needs besides
    // the bytes and blocks (words() says which), so that no closure is made
    // per finding.
    function add(out, gr, g, site, kind, bytes, blocks, held, a, b, c, d) {
        out.push({ kind: kind, gr: gr, group: g, site: site, bytes: bytes, blocks: blocks,
                   harm: BAND[kind] === 0 ? bytes * held : 0, a: a, b: b, c: c, d: d, sentence: null });
    }

    // When the group's memory started being held: its first allocation.
    function heldSince(model, n) {
        var first = n.minCol("hhFirstT");
        if (first !== undefined) return first;
        var h = n.history();
        if (h && model.hist) {
            var t = H.firstLive(h, model.hist.t);
            if (t !== null) return t;
        }
        return 0;
    }

    // When a site live at exit last changed, if within the start-up share
    // of the run (else null).
    function startupSteady(model, hist, eb, th) {
        if (!hist || !eb) return null;
        var last = H.lastChange(hist, model.hist.t);
        if (last === null || last * 100 > model.te * th.startup_percent) return null;
        return last;
    }

    // One group's findings, in rule order, appended to `out`; `n` is the
    // Numbers scratch object.
    function forGroup(model, gr, g, out, n) {
        if (model.mode !== "heap") return;
        n.set(gr, g);
        var th = gr.compiled.thresholds, te = model.te, site = n.first, blocks, cols = n.cols;
        var tb = n.sum(cols.tb), tbk = n.sum(cols.tbk), eb = n.sum(cols.eb) || 0, ebk = n.sum(cols.ebk) || 0;
        var rb = n.sum(cols.rb), wb = n.sum(cols.wb), tl = n.sum(cols.tl);
        var lost = model.reach ? n.sum(cols.hhLostB) : undefined, lostK = model.reach ? n.sum(cols.hhLostK) : undefined;
        var reachKnown = model.reach && lost !== undefined;
        var hist = model.hist ? n.history() : null;
        // The history's shapes (history.py).
        var x = hist ? H.growth(hist, model.hist.t, te, model.totals.gb || 0, th) : null;
        var neverFreed = x !== null && x.shape === "never-freed";
        var since = startupSteady(model, hist, eb, th);

        // pile-up: a = the growth, b = bytes lost at exit (or null)
        if (x && x.shape !== "levels-off") {
            add(out, gr, g, site, "pile-up", x.maxBytes, x.maxBlocks, x.heldInstrs, x, reachKnown ? lost : null);
        }

        // leak (a = lost bytes and b = eb when some are lost, else a = null and
        // b = whether reachability is known), leak-stale (a = stale bytes)
        var stale = n.staleBytes(10 - th.stale_window_percent / 10);
        var isLeakStale = eb > 0 && stale !== null && !neverFreed && since === null &&
            !(model.reach && lost) && share(stale, eb, th.leak_stale_min_percent);
        if (eb > 0 && !neverFreed) {
            if (reachKnown && lost) add(out, gr, g, site, "leak", lost, lostK || 0, te - heldSince(model, n), lost, eb);
            else if (since === null && !isLeakStale) add(out, gr, g, site, "leak", eb, ebk, te - heldSince(model, n), null, reachKnown);
        }
        if (isLeakStale) add(out, gr, g, site, "leak-stale", eb, ebk, te - heldSince(model, n), stale);

        // never-accessed: a = tbk
        if (tbk !== 0) {
            var noAcc = n.sum(cols.hhNoAccK);
            blocks = noAcc !== undefined ? noAcc : (rb === 0 && wb === 0 ? tbk : null);
            if (blocks !== null && blocks > 0 && share(blocks, tbk, th.never_accessed_min_percent)) {
                add(out, gr, g, site, "never-accessed", fmt.mulDiv(tb, blocks, tbk), blocks, 0, tbk);
            }
        }

        // write-only: a = tbk, b = wb, c = rb
        if (tbk !== 0 && rb !== undefined && wb !== undefined) {
            var wOnly = n.sum(cols.hhWriteOnlyK);
            blocks = wOnly !== undefined ? wOnly : (rb === 0 && wb > 0 ? tbk : null);
            if (blocks !== null && blocks > 0 && share(blocks, tbk, th.write_only_min_percent) &&
                rb * 100 <= wb * th.write_only_max_read_percent_of_writes) {
                add(out, gr, g, site, "write-only", fmt.mulDiv(tb, blocks, tbk), blocks, 0, tbk, wb, rb);
            }
        }

        // short-lived: a = tbk, b = true when counted (hhShortK), c = tl
        if (tbk >= th.short_lived_min_blocks) {
            var shortK = n.sum(cols.hhShortK);
            if (shortK !== undefined) {
                if (share(shortK, tbk, th.short_lived_min_percent)) {
                    add(out, gr, g, site, "short-lived", fmt.mulDiv(tb, shortK, tbk), shortK, 0, tbk, true);
                }
            } else if (tl !== undefined && model.bklt && tl <= model.tuth * tbk) {
                add(out, gr, g, site, "short-lived", fmt.mulDiv(tb, tbk, tbk), tbk, 0, tbk, false, tl);
            }
        }

        // stale-before-free: a = idle instrs, b = tl, c = tb
        var idle = n.sum(cols.hhIdleI);
        var staleAtExit = eb > 0 && stale !== null && share(stale, eb, th.leak_stale_min_percent);
        if (idle !== undefined && tl && share(idle, tl, th.stale_before_free_min_percent) && !staleAtExit) {
            add(out, gr, g, site, "stale-before-free", fmt.mulDiv(tb, Math.min(idle, tl), tl), tbk, 0, idle, tl, tb);
        }

        // copied-more-than-read: a = the other reads
        var cOut = n.sum(cols.hhCopyOutB);
        if (cOut && rb !== undefined) {
            var other = Math.max(rb - cOut, 0);
            if (cOut > other) add(out, gr, g, site, "copied-more-than-read", cOut, n.col("hhCopyOutK") || 0, 0, other);
        }

        // levels-off: a = the growth
        if (x && x.shape === "levels-off") add(out, gr, g, site, "levels-off", x.maxBytes, x.maxBlocks, 0, x);

        // peak
        var gb = n.col("gb") || 0, total = model.totals.gb;
        if (gb > 0 && share(gb, total, th.peak_min_percent)) add(out, gr, g, site, "peak", gb, n.col("gbk") || 0, 0);

        // reachable: a = when it last changed
        if (since !== null && !(x && x.shape === "levels-off")) {
            var rBytes = eb - (model.reach ? lost || 0 : 0), rBlocks = ebk - (model.reach ? lostK || 0 : 0);
            if (rBytes !== 0) add(out, gr, g, site, "reachable", rBytes, rBlocks, 0, since);
        }
    }

    // findings.py's sentences, from a finding's numbers and its group's name.
    function words(model, f, name) {
        var th = f.gr.compiled.thresholds, te = model.te, at = " allocated at " + name, x, text;
        switch (f.kind) {
        case "pile-up":
            x = f.a;
            text = hb(x.maxBytes) + " in " + plural(x.maxBlocks, "block") + at + " piled up over " + pct(x.tLevel - x.tStart, te) +
                "% of the run (" + hb(fmt.mulDiv(x.riseBytes, MILLION, x.tLevel - x.tStart)) + " per million instrs, " +
                hb(fmt.idiv(x.maxBytes, Math.max(x.maxBlocks, 1))) + " per block)";
            if (x.shape === "never-freed") {
                text += " and were never freed";
                if (f.b !== null && f.b !== undefined) text += f.b ? " (" + hb(f.b) + " of them lost at exit)" : " (still reachable at exit)";
            } else if (x.shape === "freed-at-once") {
                text += " and were all freed at once at " + pct(x.tFreed, te) + "% of it";
            } else if (x.shape === "freed-gradually") {
                text += " and were freed between " + pct(x.tReleased, te) + "% and " + pct(x.tFreed, te) + "% of it";
            } else {
                text += ", and " + pct(x.maxBytes - x.endBytes, x.maxBytes) + "% of them were freed by the end";
            }
            return text;
        case "leak":
            if (f.a === null) return hb(f.bytes) + " in " + plural(f.blocks, "block") + at + " are " + (f.b ? "still reachable" : "still live") + " at exit";
            return hb(f.a) + " in " + plural(f.blocks, "block") + at + " are lost at exit: no pointer reaches them" +
                (f.b > f.a ? " (" + hb(f.b - f.a) + " more are still reachable)" : "");
        case "leak-stale":
            return hb(f.bytes) + at + " are " + (model.reach ? "still reachable" : "still live") + " at exit, " +
                pct(f.a, f.bytes) + "% of it not accessed in the last " + th.stale_window_percent + "% of the run";
        case "never-accessed":
            return int(f.blocks) + " of " + int(f.a) + " blocks (" + pct(f.blocks, f.a) + "%)" + at + " were never read or written";
        case "write-only":
            return int(f.blocks) + " of " + int(f.a) + " blocks (" + pct(f.blocks, f.a) + "%)" + at +
                " were written but never read (" + hb(f.b) + " written, " + hb(f.c) + " read)";
        case "short-lived":
            return (f.b ? int(f.blocks) + " of " + int(f.a) + " blocks (" + pct(f.blocks, f.a) + "%)" :
                plural(f.a, "block") + " (average lifetime " + int(fmt.idiv(f.c, f.a)) + " instrs)") +
                at + " were freed within " + int(model.tuth) + " instrs of their allocation: allocation churn";
        case "stale-before-free":
            return "blocks" + at + " (" + hb(f.c) + " in " + plural(f.blocks, "block") + ") spent " + pct(f.a, f.b) +
                "% of their lifetime unused after their last access";
        case "copied-more-than-read":
            return hb(f.bytes) + " were copied out of blocks" + at + ", more than the " + hb(f.a) + " read from them otherwise";
        case "levels-off":
            x = f.a;
            return hb(x.maxBytes) + " in " + plural(x.maxBlocks, "block") + at + " grew over " + pct(x.tLevel - x.tStart, te) +
                "% of the run (" + hb(fmt.mulDiv(x.riseBytes, MILLION, x.tLevel - x.tStart)) + " per million instrs) and then stayed at that level for " +
                pct(x.plateauInstrs, te) + "% of it, like a cache: a problem only if it need not be kept";
        case "peak":
            return hb(f.bytes) + " (" + pct(f.bytes, model.totals.gb) + "%) of the heap at its peak" +
                (model.bklt ? " (" + int(model.tg) + " instrs)" : "") + " was allocated at " + name;
        default: // reachable
            return hb(f.bytes) + " in " + plural(f.blocks, "block") + at + " are " + (model.reach ? "still reachable" : "still live") +
                " at exit, unchanged since " + pct(f.a, te) + "% of the run";
        }
    }

    // findings.py's sort_key: band, then harm (held) or bytes, largest
    // first, then the first site, then the kind's place in KINDS.
    function compare(a, b) {
        var ba = BAND[a.kind], bb = BAND[b.kind];
        return ba - bb || (bb === 0 ? b.harm - a.harm : b.bytes - a.bytes) || a.site - b.site || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
    }

    // Every finding of the model, in compare()'s order (sorted once).
    function ordered(model) {
        if (!model.findingsOrdered) model.findingsOrdered = sorted(model.findingsList);
        return model.findingsOrdered;
    }

    // `list` in compare()'s order, sorted through typed arrays of the keys
    // (faster than sorting the objects).
    function sorted(list) {
        var n = list.length, band = new Uint8Array(n), size = new Float64Array(n), site = new Int32Array(n), order = new Uint8Array(n);
        var idx = new Int32Array(n), i;
        for (i = 0; i < n; i++) {
            var f = list[i];
            band[i] = BAND[f.kind]; size[i] = band[i] === 0 ? f.harm : f.bytes; site[i] = f.site; order[i] = KIND_ORDER[f.kind]; idx[i] = i;
        }
        idx.sort(function (x, y) {
            return band[x] - band[y] || size[y] - size[x] || site[x] - site[y] || order[x] - order[y];
        });
        var out = new Array(n);
        for (i = 0; i < n; i++) out[i] = list[idx[i]];
        return out;
    }

    // findings.py's cut_hint(): after a finding whose place has no frame of
    // the program because its stack was cut at --num-callers.
    function cutHint(numCallers) {
        var limit = numCallers || 12;
        return "; its stack was cut at --num-callers=" + limit + ", all in library code: run again with --num-callers=" +
            Math.max(40, 2 * limit) + " to reach the program's own frame";
    }

    function sentence(model, f) {
        if (f.sentence === null) {
            f.sentence = words(model, f, use.frames.name(model, f.gr, f.group)) +
                (use.frames.cutShort(model, f.gr, f.group) ? cutHint(model.numCallers) : "");
        }
        return f.sentence;
    }

    // Every finding of the model's groups (under `compiled` rules), most
    // harmful first; also the per-group finding counts the tree sums.
    function compute(model, compiled) {
        var gr = use.frames.groups(model, compiled), all = [], count = new Float64Array(gr.n), n = new Numbers(model);
        for (var g = 0; g < gr.n; g++) {
            var before = all.length;
            forGroup(model, gr, g, all, n);
            count[g] = all.length - before;
        }
        model.findingsList = all;
        model.findingsOrdered = null;
        model.findingsCount = count;
        model.findingsGroups = gr;
        return all;
    }

    function reachableSummary(model, found, th) {
        var bytes = 0, blocks = 0, sites = [];
        for (var i = 0; i < found.length; i++) {
            bytes += found[i].bytes; blocks += found[i].blocks; sites.push(found[i].site);
        }
        var state = model.reach ? "still reachable" : "still live";
        return {
            kind: "reachable", gr: found[0].gr, group: found[0].group, site: found[0].site, summary: found.length, sites: sites,
            bytes: bytes, blocks: blocks, harm: 0, a: null, b: null, c: null, d: null,
            sentence: hb(bytes) + " in " + plural(blocks, "block") + " at " + plural(found.length, "place") + " are " + state +
                " at exit and unchanged since the first " + th.startup_percent + "% of the run: start-up data, not a leak"
        };
    }

    // findings.py's shown(): entries are findings or {more: kind|null,
    // hidden: N}.  `found` is the model's findings in any order.  Python's
    // version walks the sorted list and keeps the first max_per_kind of each
    // kind (and the first reachable one, standing for them all); the same
    // entries come from each kind's best max_per_kind, merged in order.
    function shown(model, found, th, kind, maxFindings) {
        var out = [], i, f;
        maxFindings = maxFindings || 0;
        if (kind) {
            var picked = sorted(found.filter(function (x) { return x.kind === kind; }));
            if (!maxFindings || picked.length <= maxFindings) return picked;
            out = picked.slice(0, maxFindings);
            out.push({ more: null, hidden: picked.length - maxFindings });
            return out;
        }
        var best = {}, perKind = {}, reach = [], K = th.max_per_kind;
        for (i = 0; i < found.length; i++) {
            f = found[i];
            perKind[f.kind] = (perKind[f.kind] || 0) + 1;
            if (f.kind === "reachable") { reach.push(f); continue; }
            var top = best[f.kind] || (best[f.kind] = []);
            if (top.length === K && compare(f, top[K - 1]) >= 0) continue;
            var j = Math.min(top.length, K - 1);
            while (j > 0 && compare(f, top[j - 1]) < 0) { top[j] = top[j - 1]; j--; }
            top[j] = f;
        }
        var candidates = [];
        Object.keys(best).forEach(function (k) { candidates = candidates.concat(best[k]); });
        reach = sorted(reach);
        if (reach.length) candidates.push(reach[0]);
        candidates = sorted(candidates);
        var seen = {}, listed = 0, covered = 0;
        for (i = 0; i < candidates.length; i++) {
            f = candidates[i];
            if (maxFindings && listed >= maxFindings) break;
            if (f.kind === "reachable") {
                out.push(reach.length > 1 ? reachableSummary(model, reach, th) : f);
                listed++;
                covered += reach.length;
                continue;
            }
            var k = seen[f.kind] = (seen[f.kind] || 0) + 1;
            out.push(f);
            listed++;
            covered++;
            if (k === K && perKind[f.kind] > K) {
                out.push({ more: f.kind, hidden: perKind[f.kind] - K });
                covered += perKind[f.kind] - K;
            }
        }
        if (covered < found.length) out.push({ more: null, hidden: found.length - covered });
        return out;
    }

    // The findings of one group, worded, in rule order (the detail panel).
    function ofGroup(model, gr, g) {
        var found = [];
        forGroup(model, gr, g, found, new Numbers(model));
        for (var i = 0; i < found.length; i++) sentence(model, found[i]);
        return found;
    }

    return {
        KINDS: KINDS, KIND_TITLES: KIND_TITLES, HELD: HELD, WASTE: WASTE, INFO: INFO,
        compute: compute, ordered: ordered, sentence: sentence, shown: shown, ofGroup: ofGroup, compare: compare
    };
});
