/* sparkline.js: a site's exact live bytes over the run (its hhH history),
   drawn small: in every tree row (the sum over the sites below the row) and
   larger, with its numbers, in the detail panel.

   The tree's sparklines sample each history at GRID_POINTS times spread
   evenly over the run (the value at a time is the one written at the last
   instant at or before it), so a row costs its sites' triples once, and is
   then cached with the tree.  The detail chart draws every written instant
   of the history as a step.  Both are SVG strings, so that a row can be
   built as HTML text like the rest of the tree. */
"use strict";
HH.define("sparkline", ["format", "history", "profile"], function (use) {
    var GRID_POINTS = 48, f = use.format;

    // For each grid time, the last instant at or before it (-1: none yet).
    function grid(model) {
        if (model.sparkGrid) return model.sparkGrid;
        var t = model.hist.t, out = new Int32Array(GRID_POINTS), i = -1;
        for (var g = 0; g < GRID_POINTS; g++) {
            var at = model.te * (g + 1) / GRID_POINTS;
            while (i + 1 < t.length && t[i + 1] <= at) i++;
            out[g] = i;
        }
        return (model.sparkGrid = out);
    }

    // Add one site's bytes at the grid times into `acc`.
    function addSite(model, site, acc) {
        var flat = use.profile.siteHistory(model, site), gi = grid(model), j = 0, b = 0;
        for (var g = 0; g < GRID_POINTS; g++) {
            while (j < flat.length && flat[j] <= gi[g]) { b = flat[j + 1]; j += 3; }
            acc[g] += b;
        }
    }

    // The grid values of a set of sites of one model.
    function sampled(model, sites) {
        var acc = new Float64Array(GRID_POINTS);
        for (var i = 0; i < sites.length; i++) addSite(model, sites[i], acc);
        return acc;
    }

    function polyline(points) {
        return points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" ");
    }

    // A small step chart of grid values, w x h pixels.
    function small(values, w, h, title) {
        var max = 0, i;
        for (i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
        var pts = [[0, h]], step = w / values.length;
        for (i = 0; i < values.length; i++) {
            var y = max ? h - 1 - (h - 2) * values[i] / max : h - 1;
            pts.push([i * step, y], [(i + 1) * step, y]);
        }
        return '<svg class="spark" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h +
            '" aria-hidden="true"><title>' + f.html(title) + '</title><polyline points="' + polyline(pts) + '"/></svg>';
    }

    // The detail panel's chart of one history (flat triples), every
    // written instant a step, with t-gmax and the checkpoints marked.
    function chart(model, flat, w, h) {
        var t = model.hist.t, te = model.te || 1, max = 0, j;
        for (j = 0; j < flat.length; j += 3) if (flat[j + 1] > max) max = flat[j + 1];
        function x(time) { return w * time / te; }
        function y(v) { return max ? h - 1 - (h - 4) * v / max : h - 1; }
        var pts = [[0, y(0)]], v = 0;
        for (j = 0; j < flat.length; j += 3) {
            var at = x(t[flat[j]]);
            pts.push([at, y(v)], [at, y(flat[j + 1])]);
            v = flat[j + 1];
        }
        pts.push([w, y(v)]);
        var marks = "";
        if (model.bklt) marks += '<line class="mark-gmax" x1="' + x(model.tg).toFixed(1) + '" x2="' + x(model.tg).toFixed(1) + '" y1="0" y2="' + h + '"/>';
        for (var c = 0; c < model.checkpoints.length; c++) {
            var cx = x(model.checkpoints[c].t).toFixed(1);
            marks += '<line class="mark-checkpoint" x1="' + cx + '" x2="' + cx + '" y1="0" y2="' + h + '"/>';
        }
        return '<svg class="history-chart" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h +
            '" role="img" aria-label="live bytes over the run">' + marks + '<polyline points="' + polyline(pts) + '"/></svg>';
    }

    // What the chart shows, in words: the maximum, when, and at the end.
    function summary(model, flat) {
        var t = model.hist.t, max = 0, maxK = 0, at = -1;
        for (var j = 0; j < flat.length; j += 3) if (flat[j + 1] > max) { max = flat[j + 1]; maxK = flat[j + 2]; at = t[flat[j]]; }
        var end = use.history.valueAt(flat, t.length - 1);
        if (at < 0) return "Nothing live at any written instant.";
        return "Live at most " + f.int(max) + " bytes in " + f.plural(maxK, "block") + " (at " + f.int(at) + " " + model.tu +
            ", " + f.percentDown(at, model.te) + "% of the run); " + f.int(end[0]) + " bytes in " + f.plural(end[1], "block") +
            " at the end. Exact at the " + f.int(t.length) + " instants the tool wrote.";
    }

    return { GRID_POINTS: GRID_POINTS, sampled: sampled, small: small, chart: chart, summary: summary };
});
