/* view.js: what the tree, the flame graph and the detail panel look at,
   for one profile or for the diff of two.

   A "view" has one frame table, one list of sites (frame lists as indices
   into that table) and the sites' raw columns for profile A and, in a diff,
   for profile B.  For one profile, it is the profile's own arrays.  For a
   diff, sites are matched by their frame strings (innermost first, addresses
   included: the identity DHAT itself uses), the two frame tables are merged,
   and a site missing from one side has zeros there; every metric is then
   shown as B - A. */
"use strict";
HH.define("view", ["profile", "format", "metrics"], function (use) {
    function ones(n) { var a = new Float64Array(n); a.fill(1); return a; }

    function single(model) {
        var cols = Object.assign({}, model.cols);
        cols.sites = ones(model.nSites);
        var identity = new Int32Array(model.nSites);
        for (var i = 0; i < identity.length; i++) identity[i] = i;
        return {
            isDiff: false, a: model, b: null,
            ftbl: model.ftbl, frameCache: model.frameCache,
            nSites: model.nSites, fsStart: model.fsStart, fsFlat: model.fsFlat,
            colsA: cols, colsB: null, siteA: identity, siteB: null
        };
    }

    // Sites of A and B, matched by frame strings.  `a` is the baseline
    // ("before"), `b` the one compared with it ("after").
    function diff(a, b) {
        var frameIndex = new Map(), ftbl = [];
        function frameOf(model, fi) {
            var s = model.ftbl[fi], k = frameIndex.get(s);
            if (k === undefined) { k = ftbl.length; ftbl.push(s); frameIndex.set(s, k); }
            return k;
        }
        var siteIndex = new Map(), siteA = [], siteB = [], frames = [], starts = [0];
        // toUnion: each file's site -> its union site.  A file can repeat a
        // stack (DHAT's own duplicates, hand-merged files): those are summed.
        function addSites(model, mine) {
            var toUnion = new Int32Array(model.nSites);
            for (var s = 0; s < model.nSites; s++) {
                var key = use.profile.stackKey(model, s), u = siteIndex.get(key);
                if (u === undefined) {
                    u = siteA.length;
                    siteIndex.set(key, u);
                    siteA.push(-1); siteB.push(-1);
                    var fr = use.profile.siteFrames(model, s);
                    for (var i = 0; i < fr.length; i++) frames.push(frameOf(model, fr[i]));
                    starts.push(frames.length);
                }
                if (mine[u] === -1) mine[u] = s;
                toUnion[s] = u;
            }
            return toUnion;
        }
        var unionOfA = addSites(a, siteA), unionOfB = addSites(b, siteB);
        var n = siteA.length;
        function columns(model, toUnion) {
            var cols = {}, names = Object.keys(model.cols);
            for (var c = 0; c < names.length; c++) {
                var src = model.cols[names[c]], dst = new Float64Array(n);
                for (var s = 0; s < model.nSites; s++) dst[toUnion[s]] += src[s];
                cols[names[c]] = dst;
            }
            var sites = new Float64Array(n);
            for (s = 0; s < model.nSites; s++) sites[toUnion[s]] = 1;
            cols.sites = sites;
            return cols;
        }
        var mapA = Int32Array.from(siteA), mapB = Int32Array.from(siteB);
        return {
            isDiff: true, a: a, b: b,
            ftbl: ftbl, frameCache: new Array(ftbl.length),
            nSites: n, fsStart: Int32Array.from(starts), fsFlat: Int32Array.from(frames),
            colsA: columns(a, unionOfA), colsB: columns(b, unionOfB), siteA: mapA, siteB: mapB
        };
    }

    function frame(view, index) {
        var f = view.frameCache[index];
        if (!f) f = view.frameCache[index] = use.format.parseFrame(view.ftbl[index]);
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

    return { single: single, diff: diff, frame: frame, siteFrames: siteFrames, metrics: metrics };
});
