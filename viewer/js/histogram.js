/* histogram.js: a site's per-offset access histogram ("acc") as a bar chart.

   acc is run-length encoded in the file ("-N, M" = N offsets with count M,
   see docs/json-format.md#acc-the-access-histogram); profile.js decodes it.
   The chart has one bar per offset, or, when the block is wider than the
   canvas in pixels, one bar per group of offsets showing the group's
   largest count (so a hot byte never disappears).  A count of 65535 is
   saturated ("∞", as in dh_view) and drawn in a darker colour.  Under the
   chart, the same data as text runs ("0–15: 100") that a reader can copy. */
"use strict";
HH.define("histogram", ["format"], function (use) {
    var SATURATED = 65535;

    // Runs of equal counts: [[firstOffset, lastOffset, count], ...].
    function runs(counts) {
        var out = [];
        for (var i = 0; i < counts.length;) {
            var j = i;
            while (j + 1 < counts.length && counts[j + 1] === counts[i]) j++;
            out.push([i, j, counts[i]]);
            i = j + 1;
        }
        return out;
    }

    function countText(c) { return c >= SATURATED ? "∞" : use.format.int(c); }

    function draw(canvas, counts) {
        var dpr = window.devicePixelRatio || 1;
        var cssW = canvas.clientWidth || 300, cssH = canvas.clientHeight || 120;
        canvas.width = Math.round(cssW * dpr);
        canvas.height = Math.round(cssH * dpr);
        var ctx = canvas.getContext("2d");
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssW, cssH);
        var padL = 34, padB = 16, padT = 6, w = cssW - padL - 4, h = cssH - padB - padT;
        var max = 0;
        for (var i = 0; i < counts.length; i++) if (counts[i] > max) max = counts[i];
        var n = counts.length, groups = Math.min(n, Math.floor(w)), per = n / groups;
        ctx.fillStyle = "#6a7383";
        ctx.font = "10px sans-serif";
        ctx.textAlign = "right";
        ctx.fillText(countText(max), padL - 3, padT + 8);
        ctx.fillText("0", padL - 3, padT + h);
        ctx.textAlign = "left";
        ctx.fillText("offset 0", padL, cssH - 3);
        ctx.textAlign = "right";
        ctx.fillText(String(n - 1), padL + w, cssH - 3);
        ctx.strokeStyle = "#d9dde5";
        ctx.beginPath(); ctx.moveTo(padL, padT + h + 0.5); ctx.lineTo(padL + w, padT + h + 0.5); ctx.stroke();
        if (max === 0) return;
        var barW = w / groups;
        for (var g = 0; g < groups; g++) {
            var a = Math.floor(g * per), b = Math.max(a + 1, Math.floor((g + 1) * per)), top = 0;
            for (var k = a; k < b; k++) if (counts[k] > top) top = counts[k];
            if (top === 0) continue;
            var bh = Math.max(1, h * top / max);
            ctx.fillStyle = top >= SATURATED ? "#1f2d4a" : "#2458b3";
            ctx.fillRect(padL + g * barW, padT + h - bh, Math.max(1, barW - (barW > 3 ? 1 : 0)), bh);
        }
        canvas.onmousemove = function (e) {
            var r = canvas.getBoundingClientRect(), x = e.clientX - r.left - padL;
            if (x < 0 || x >= w) { canvas.title = ""; return; }
            var g2 = Math.floor(x / barW), a2 = Math.floor(g2 * per), b2 = Math.max(a2 + 1, Math.floor((g2 + 1) * per));
            var best = 0;
            for (var q = a2; q < b2; q++) if (counts[q] > best) best = counts[q];
            canvas.title = (b2 - a2 > 1 ? "offsets " + a2 + "–" + (b2 - 1) + ": max " : "offset " + a2 + ": ") +
                countText(best) + " accesses";
        };
    }

    // HTML for the panel: canvas + runs; call draw() after inserting it.
    function html(counts) {
        var r = runs(counts), total = 0, zero = 0;
        for (var i = 0; i < counts.length; i++) { total += counts[i]; if (counts[i] === 0) zero++; }
        var out = '<canvas class="acc-chart" aria-label="access histogram"></canvas>';
        out += '<div class="note">' + use.format.int(counts.length) + " bytes per block; " +
            use.format.int(zero) + " offsets never accessed.</div>";
        var shown = r.slice(0, 64), lines = [];
        for (var j = 0; j < shown.length; j++) {
            var run = shown[j];
            lines.push((run[0] === run[1] ? run[0] : run[0] + "–" + run[1]) + ": " + countText(run[2]));
        }
        out += '<div class="acc-runs"><code>' + lines.join(", ") + (r.length > 64 ? ", … (" + (r.length - 64) + " more runs)" : "") +
            "</code></div>";
        return out;
    }

    return { draw: draw, html: html, runs: runs };
});
