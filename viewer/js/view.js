/* view.js: what the tree, the flame graph and the detail panel look at,
   for one profile or for the diff of two.

   A view's units are groups of sites (frames.js): the sites that share a
   responsible frame and its callers, the same groups `heaphunt report` and
   the findings use.  A unit's stack starts at its responsible frame (the
   allocation plumbing below it is left out of the tree, and shown in the
   detail panel), and frames that differ only by their code address on one
   source line are one frame (the first of them in the frame table).  Each
   unit has its sites' numbers summed, for profile A and, in a diff, for
   profile B; siteA/siteB give a unit's first site in each file (-1 when the
   file has none), for what does not add up (access histograms).

   For a diff, units are matched by their stacks as frame keys (addresses
   dropped where there is a file:line), the two frame tables are merged,
   and a unit missing from one side has zeros there; every metric is then
   shown as B - A. */
"use strict";
HH.define("view", ["format", "metrics", "frames"], function (use) {
    var frames = use.frames;

    // A unit's frames, from the responsible one outwards.
    function unitFrames(model, gr, g) {
        var s = gr.first[g];
        return model.fsFlat.subarray(model.fsStart[s] + gr.start[s], model.fsStart[s + 1]);
    }

    // The units' frames of one model, canonical, in one flat array.
    function flatFrames(model, gr) {
        var n = gr.n, first = gr.first, start = gr.start, fsStart = model.fsStart, fsFlat = model.fsFlat, canon = gr.canon;
        var starts = new Int32Array(n + 1), total = 0, g, s, i;
        for (g = 0; g < n; g++) { s = first[g]; total += fsStart[s + 1] - fsStart[s] - start[s]; }
        var flat = new Int32Array(total), k = 0;
        for (g = 0; g < n; g++) {
            s = first[g];
            starts[g] = k;
            for (i = fsStart[s] + start[s]; i < fsStart[s + 1]; i++) flat[k++] = canon[fsFlat[i]];
        }
        starts[n] = k;
        return { starts: starts, flat: flat };
    }

    // Per-unit sums of a model's columns; the site columns themselves when
    // every group is one site (then group g is site g).
    function groupColumns(model, gr, nUnits, unitOf) {
        var names = Object.keys(model.cols), cols = {}, n = model.nSites, s;
        var identity = gr.n === n && unitOf === null;
        for (var c = 0; c < names.length; c++) {
            var src = model.cols[names[c]];
            if (identity) { cols[names[c]] = src; continue; }
            var dst = new Float64Array(nUnits);
            for (s = 0; s < n; s++) dst[unitOf ? unitOf[gr.groupOf[s]] : gr.groupOf[s]] += src[s];
            cols[names[c]] = dst;
        }
        var sites = new Float64Array(nUnits);
        for (s = 0; s < n; s++) sites[unitOf ? unitOf[gr.groupOf[s]] : gr.groupOf[s]] += 1;
        cols.sites = sites;
        var found = findingsColumn(model, gr, nUnits, unitOf);
        if (found) cols.findings = found;
        return cols;
    }

    // Per unit, how many findings its group has (null before they are computed).
    function findingsColumn(model, gr, nUnits, unitOf) {
        if (!model.findingsCount || model.findingsGroups !== gr) return null;
        var found = new Float64Array(nUnits);
        for (var g = 0; g < gr.n; g++) found[unitOf ? unitOf[g] : g] += model.findingsCount[g];
        return found;
    }

    // The findings column, once the findings of the view's files are computed.
    function addFindings(view) {
        var a = findingsColumn(view.a, view.grA, view.nSites, view.isDiff ? view.unitOfA : null);
        if (a) view.colsA.findings = a;
        if (view.b) {
            var b = findingsColumn(view.b, view.grB, view.nSites, view.unitOfB);
            if (b) view.colsB.findings = b;
        }
    }

    function single(model, compiled) {
        var gr = frames.groups(model, compiled), n = gr.n, g, fr = flatFrames(model, gr);
        var identity = new Int32Array(n);
        for (g = 0; g < n; g++) identity[g] = g;
        return {
            isDiff: false, a: model, b: null, grA: gr, grB: null,
            ftbl: model.ftbl, frameCache: new Array(model.ftbl.length), objs: model.objs,
            nSites: n, fsStart: fr.starts, fsFlat: fr.flat,
            colsA: groupColumns(model, gr, n, null), colsB: null,
            siteA: gr.first, siteB: null, unitOfA: identity, unitOfB: null
        };
    }

    // Units of A and B matched by their stacks' frame keys.  `a` is the
    // baseline ("before"), `b` the one compared with it ("after").
    function diff(a, b, compiled) {
        var grA = frames.groups(a, compiled), grB = frames.groups(b, compiled);
        var frameIndex = new Map(), ftbl = [];
        var unitIndex = new Map(), siteA = [], siteB = [], flat = [], starts = [0];
        function addGroups(model, gr, mine) {
            var unitOf = new Int32Array(gr.n);
            for (var g = 0; g < gr.n; g++) {
                var fr = unitFrames(model, gr, g), parts = new Array(fr.length);
                for (var i = 0; i < fr.length; i++) parts[i] = frames.keyText(gr, fr[i]);
                var key = parts.join("\n"), u = unitIndex.get(key);
                if (u === undefined) {
                    u = siteA.length;
                    unitIndex.set(key, u);
                    siteA.push(-1); siteB.push(-1);
                    for (i = 0; i < fr.length; i++) {
                        var f = frameIndex.get(parts[i]);
                        if (f === undefined) { f = ftbl.length; ftbl.push(model.ftbl[fr[i]]); frameIndex.set(parts[i], f); }
                        flat.push(f);
                    }
                    starts.push(flat.length);
                }
                if (mine[u] === -1) mine[u] = gr.first[g];
                unitOf[g] = u;
            }
            return unitOf;
        }
        var unitOfA = addGroups(a, grA, siteA), unitOfB = addGroups(b, grB, siteB);
        var n = siteA.length;
        return {
            isDiff: true, a: a, b: b, grA: grA, grB: grB,
            ftbl: ftbl, frameCache: new Array(ftbl.length), objs: b.objs || a.objs,
            nSites: n, fsStart: Int32Array.from(starts), fsFlat: Int32Array.from(flat),
            colsA: groupColumns(a, grA, n, unitOfA), colsB: groupColumns(b, grB, n, unitOfB),
            siteA: Int32Array.from(siteA), siteB: Int32Array.from(siteB), unitOfA: unitOfA, unitOfB: unitOfB
        };
    }

    // A frame of the view's table, split for display; a frame without a
    // symbol shows as object+offset (frames.display), never "???".
    function frame(view, index) {
        var f = view.frameCache[index];
        if (!f) {
            f = view.frameCache[index] = use.format.parseFrame(view.ftbl[index]);
            if (f.fn === "???") { f.fn = frames.display(view.ftbl[index], view.objs); f.loc = ""; }
        }
        return f;
    }

    function siteFrames(view, site) {
        return view.fsFlat.subarray(view.fsStart[site], view.fsStart[site + 1]);
    }

    // The metrics both sides have (a diff shows only what can be subtracted).
    function metrics(view) {
        var list = use.metrics.availableList(view.a);
        if (view.b) list = list.filter(function (m) { return use.metrics.available(view.b, m); });
        return list;
    }

    // Units with a site that has `query` (lower case) in any frame of its
    // whole stack, plumbing included (report's --filter): Uint8Array or null.
    function matching(view, query) {
        if (!query) return null;
        var mask = new Uint8Array(view.nSites);
        function mark(model, gr, unitOf) {
            var hit = new Uint8Array(model.ftbl.length);
            for (var i = 0; i < model.ftbl.length; i++) hit[i] = model.ftbl[i].toLowerCase().indexOf(query) >= 0 ? 1 : 0;
            for (var s = 0; s < model.nSites; s++) {
                for (var k = model.fsStart[s]; k < model.fsStart[s + 1]; k++) {
                    if (hit[model.fsFlat[k]]) { mask[unitOf[gr.groupOf[s]]] = 1; break; }
                }
            }
        }
        mark(view.a, view.grA, view.unitOfA);
        if (view.b) mark(view.b, view.grB, view.unitOfB);
        return mask;
    }

    // The model, group and first site a unit has in a file, preferring B
    // (the newer) in a diff: {model, gr, group, pp, side}.
    function fileUnit(view, unit) {
        if (view.isDiff && view.siteB[unit] >= 0) {
            return { model: view.b, gr: view.grB, group: view.grB.groupOf[view.siteB[unit]], pp: view.siteB[unit], side: "B" };
        }
        var pp = view.siteA[unit];
        return { model: view.a, gr: view.grA, group: view.grA.groupOf[pp], pp: pp, side: view.isDiff ? "A" : "" };
    }

    return {
        single: single, diff: diff, frame: frame, siteFrames: siteFrames, metrics: metrics,
        matching: matching, fileUnit: fileUnit, addFindings: addFindings
    };
});
