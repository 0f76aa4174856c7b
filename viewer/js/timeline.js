/* timeline.js: live heap over time (hhTimeline), with the global peak
   (t-gmax) and the program's checkpoints (hhCheckpoints) marked, and a
   draggable time range.

   The timeline is a step function: between two samples the heap is the
   value of the earlier one.  The file has only per-site aggregates, so
   "which sites grew in this range" cannot be exact from one profile; the
   range panel says so and gives an estimate: a site's total bytes spread
   evenly over its active span [hhFirstT, hhLastT], counted over the part of
   the span inside the range.  Exact per-site growth comes from two dumps of
   the run compared as a diff (t-end bytes B - A), which the panel shows
   when a diff is open. */
"use strict";
HH.define("timeline", ["format", "findings", "detail"], function (use) {
    var f = use.format, els, onSite;
    var PAD_L = 70, PAD_R = 16, PAD_T = 28, PAD_B = 24, MAX_RANGE_SITES = 30;
    var st = { view: null, model: null, range: null, drag: null, blocks: false };

    function init(elements, siteCallback) {
        els = elements;
        onSite = siteCallback;
        var c = els.canvas;
        c.addEventListener("mousedown", function (e) {
            if (!st.model || !st.model.timeline) return;
            st.drag = { x0: xOf(e), x1: xOf(e) };
        });
        c.addEventListener("mousemove", function (e) {
            if (!st.model || !st.model.timeline) return;
            if (st.drag) { st.drag.x1 = xOf(e); draw(); }
            tip(e);
        });
        c.addEventListener("mouseleave", function () { els.tip.hidden = true; });
        window.addEventListener("mouseup", function () {
            if (!st.drag) return;
            var a = Math.min(st.drag.x0, st.drag.x1), b = Math.max(st.drag.x0, st.drag.x1);
            st.drag = null;
            if (b - a >= 3) setRange(tOfX(a), tOfX(b));
            else draw();
        });
        els.blocks.addEventListener("change", function () { st.blocks = els.blocks.checked; draw(); });
        els.range.addEventListener("click", function (e) {
            var link = e.target.closest("[data-site]");
            if (link) onSite(Number(link.getAttribute("data-site")));
        });
        window.addEventListener("resize", function () { if (st.model && !els.canvas.closest("[hidden]")) draw(); });
    }

    function xOf(e) { return e.clientX - els.canvas.getBoundingClientRect().left; }

    function plotW() { return (els.canvas.clientWidth || 800) - PAD_L - PAD_R; }
    function tMax() { var tl = st.model.timeline; return Math.max(st.model.te, tl.t.length ? tl.t[tl.t.length - 1] : 0) || 1; }
    function xOfT(t) { return PAD_L + plotW() * t / tMax(); }
    function tOfX(x) { return Math.max(0, Math.min(tMax(), Math.round((x - PAD_L) / plotW() * tMax()))); }

    // Index of the last sample at or before t (the step function's value).
    function sampleAt(t) {
        var ts = st.model.timeline.t, lo = 0, hi = ts.length - 1;
        if (hi < 0 || t < ts[0]) return -1;
        while (lo < hi) {
            var mid = (lo + hi + 1) >> 1;
            if (ts[mid] <= t) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    // The model whose timeline is drawn: B (the later dump) in a diff.
    function set(view) {
        st.view = view;
        st.model = view.b || view.a;
        st.range = null;
    }

    function draw() {
        var c = els.canvas, model = st.model;
        var cssW = c.clientWidth || 800, cssH = c.clientHeight || 260, dpr = window.devicePixelRatio || 1;
        c.width = Math.round(cssW * dpr); c.height = Math.round(cssH * dpr);
        var ctx = c.getContext("2d");
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssW, cssH);
        ctx.font = "11px system-ui, sans-serif";
        if (!model || !model.timeline) {
            ctx.fillStyle = "#6a7383";
            ctx.fillText(model ? "This file has no timeline (hhTimeline): plain DHAT files and heaphunt profiles " +
                "written before the timeline existed do not record one." : "", 12, 30);
            renderRange();
            return;
        }
        var tl = model.timeline, ys = st.blocks ? tl.bk : tl.b, n = tl.t.length;
        var maxY = 0;
        for (var i = 0; i < n; i++) if (ys[i] > maxY) maxY = ys[i];
        maxY = maxY || 1;
        var h = cssH - PAD_T - PAD_B;
        function yOf(v) { return PAD_T + h - h * v / maxY; }
        // Axes and labels.
        ctx.strokeStyle = "#d9dde5"; ctx.fillStyle = "#6a7383";
        ctx.beginPath(); ctx.moveTo(PAD_L, PAD_T + h + 0.5); ctx.lineTo(PAD_L + plotW(), PAD_T + h + 0.5); ctx.stroke();
        ctx.textAlign = "right";
        ctx.fillText(st.blocks ? f.int(maxY) + " blk" : f.shortBytes(maxY), PAD_L - 6, PAD_T + 4);
        ctx.fillText("0", PAD_L - 6, PAD_T + h);
        ctx.textAlign = "left";
        ctx.fillText("0", PAD_L, cssH - 6);
        ctx.textAlign = "right";
        ctx.fillText(f.int(tMax()) + " " + model.tu, PAD_L + plotW(), cssH - 6);
        // Selected range.
        var sel = st.drag ? [Math.min(st.drag.x0, st.drag.x1), Math.max(st.drag.x0, st.drag.x1)] :
            st.range ? [xOfT(st.range[0]), xOfT(st.range[1])] : null;
        if (sel) { ctx.fillStyle = "rgba(36,88,179,.13)"; ctx.fillRect(sel[0], PAD_T, sel[1] - sel[0], h); }
        // The step function, filled.
        ctx.beginPath();
        ctx.moveTo(xOfT(tl.t[0]), yOf(0));
        for (i = 0; i < n; i++) {
            var x = xOfT(tl.t[i]);
            if (i > 0) ctx.lineTo(x, yOf(ys[i - 1]));
            ctx.lineTo(x, yOf(ys[i]));
        }
        ctx.lineTo(xOfT(tMax()), yOf(ys[n - 1]));
        ctx.lineTo(xOfT(tMax()), yOf(0));
        ctx.closePath();
        ctx.fillStyle = "rgba(36,88,179,.25)"; ctx.fill();
        ctx.strokeStyle = "#2458b3"; ctx.lineWidth = 1.2; ctx.stroke(); ctx.lineWidth = 1;
        // t-gmax.
        if (model.bklt) marker(ctx, xOfT(model.tg), PAD_T, h, "#c0392b", "t-gmax", 0);
        // In a diff drawn on B's timeline: where A ended (its dump time).
        if (st.view.b && st.view.a.te <= tMax()) marker(ctx, xOfT(st.view.a.te), PAD_T, h, "#7d3c98", "A's end", 0);
        // Checkpoints, labels staggered over two lines so neighbours stay legible.
        var cps = model.checkpoints;
        for (i = 0; i < cps.length; i++) marker(ctx, xOfT(cps[i].t), PAD_T, h, "#1e8449", cps[i].name, 1 + (i % 2));
        els.canvas.setAttribute("data-checkpoints", String(cps.length));
        renderRange();
    }

    function marker(ctx, x, top, h, colour, label, row) {
        ctx.save();
        ctx.strokeStyle = colour; ctx.setLineDash([4, 3]);
        ctx.beginPath(); ctx.moveTo(Math.round(x) + 0.5, top - (row ? 2 : 0)); ctx.lineTo(Math.round(x) + 0.5, top + h); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = colour; ctx.textAlign = "center";
        ctx.fillText(label, Math.min(Math.max(x, PAD_L + 20), (els.canvas.clientWidth || 800) - 30), row === 0 ? top - 4 : top - 4 - (row - 1) * 12 - 0);
        ctx.restore();
    }

    function tip(e) {
        var x = xOf(e), t = tOfX(x), i = sampleAt(t), tl = st.model.timeline;
        if (x < PAD_L || i < 0) { els.tip.hidden = true; return; }
        var text = "t = " + f.int(t) + " " + st.model.tu + "\nlive: " + f.int(tl.b[i]) + " bytes in " + f.int(tl.bk[i]) + " blocks";
        var cps = st.model.checkpoints;
        for (var k = 0; k < cps.length; k++) {
            if (Math.abs(xOfT(cps[k].t) - x) < 4) text += "\ncheckpoint \"" + cps[k].name + "\": " + f.int(cps[k].b) + " bytes, " + f.int(cps[k].bk) + " blocks";
        }
        if (st.model.bklt && Math.abs(xOfT(st.model.tg) - x) < 4) text += "\nt-gmax (global peak)";
        els.tip.textContent = text;
        els.tip.hidden = false;
        els.tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 300) + "px";
        els.tip.style.top = (e.clientY + 14) + "px";
    }

    function setRange(t0, t1) {
        st.range = [Math.min(t0, t1), Math.max(t0, t1)];
        draw();
    }

    function valueAt(t) {
        var i = sampleAt(t), tl = st.model.timeline;
        return i < 0 ? { b: 0, bk: 0 } : { b: tl.b[i], bk: tl.bk[i] };
    }

    // Sites estimated to have allocated in [t0, t1] (see the file header).
    function estimate(model, t0, t1) {
        var first = model.cols.hhFirstT, last = model.cols.hhLastT, tb = model.cols.tb, out = [];
        for (var s = 0; s < model.nSites; s++) {
            var a = first[s], b = last[s], overlap = Math.min(t1, b) - Math.max(t0, a);
            if (overlap < 0 || tb[s] === 0) continue;
            var span = b - a, est = span > 0 ? tb[s] * overlap / span : tb[s];
            out.push({ site: s, est: est, starts: a >= t0 && a <= t1 });
        }
        out.sort(function (x, y) { return y.est - x.est || x.site - y.site; });
        return out;
    }

    function viewSiteOf(model, pp) {
        var v = st.view;
        if (!v.isDiff) return pp;
        var map = model === v.b ? v.siteB : v.siteA;
        for (var u = 0; u < map.length; u++) if (map[u] === pp) return u;
        return -1;
    }

    function renderRange() {
        var model = st.model, html = "";
        if (st.view && st.view.isDiff) html += exactDiffHtml();
        if (!model || !model.timeline) { els.range.innerHTML = html; return; }
        if (!st.range) {
            els.range.innerHTML = html + '<p class="note">Drag across the chart to select a time range and see which sites allocated in it.</p>';
            return;
        }
        var t0 = st.range[0], t1 = st.range[1], v0 = valueAt(t0), v1 = valueAt(t1);
        html += '<div id="range-summary"><b>Range</b> ' + f.int(t0) + " – " + f.int(t1) + " " + f.html(model.tu) +
            ": live heap " + f.int(v0.b) + " → " + f.int(v1.b) + " bytes (<span data-range=\"delta\">" + f.signedInt(v1.b - v0.b) +
            "</span>), " + f.int(v0.bk) + " → " + f.int(v1.bk) + " blocks.</div>";
        if (!model.cols.hhFirstT || !model.cols.hhLastT) {
            html += '<p class="note">This file has no per-site times (hhFirstT, hhLastT), so the range cannot be attributed to sites.</p>';
            els.range.innerHTML = html;
            return;
        }
        var est = estimate(model, t0, t1);
        html += '<p class="note" id="range-approx"><b>Approximate.</b> A profile has per-site totals only, not each allocation\'s time. ' +
            "A site's estimate is its total bytes spread evenly over its active span [first allocation, last free], counted over the part " +
            "inside the range. For exact per-site growth between two moments, dump a profile at each and open them with \"Compare with…\".</p>";
        html += '<table id="range-sites"><tr><th class="name">Site</th><th>est. bytes allocated in range</th><th>total bytes</th><th>first alloc in range</th></tr>';
        for (var i = 0; i < Math.min(est.length, MAX_RANGE_SITES); i++) {
            var e = est[i], vs = viewSiteOf(model, e.site);
            html += '<tr><td class="name"><span class="range-site" data-site="' + vs + '">' + f.html(use.findings.siteName(model, e.site)) +
                "</span></td><td>" + f.int(e.est) + "</td><td>" + f.int(model.cols.tb[e.site]) + "</td><td>" + (e.starts ? "yes" : "") + "</td></tr>";
        }
        html += "</table>";
        if (!est.length) html += '<p class="note">No site was active in this range.</p>';
        els.range.innerHTML = html;
    }

    // Exact: bytes live at the end of B minus at the end of A, per site.
    function exactDiffHtml() {
        var v = st.view, rows = [];
        for (var u = 0; u < v.nSites; u++) {
            var d = (v.colsB.eb ? v.colsB.eb[u] : 0) - (v.colsA.eb ? v.colsA.eb[u] : 0);
            if (d !== 0) rows.push([u, d]);
        }
        rows.sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; });
        var html = '<div id="diff-growth"><b>Exact growth between the two dumps</b> (bytes live at the end of B minus at the end of A, per site; ' +
            "A ended at " + f.int(v.a.te) + ", B at " + f.int(v.b.te) + " " + f.html(v.a.tu) + "):";
        if (!rows.length) return html + ' <span class="note">no site changed.</span></div>';
        html += "<table><tr><th class=\"name\">Site</th><th>Δ t-end bytes</th></tr>";
        for (var i = 0; i < Math.min(rows.length, MAX_RANGE_SITES); i++) {
            var fs = use.detail.fileSite(v, rows[i][0]);
            html += '<tr><td class="name"><span class="range-site" data-site="' + rows[i][0] + '">' +
                f.html(use.findings.siteName(fs.model, fs.pp)) + '</span></td><td class="' + (rows[i][1] > 0 ? "delta-pos" : "delta-neg") + '">' +
                f.signedInt(rows[i][1]) + "</td></tr>";
        }
        return html + "</table></div>";
    }

    return { init: init, set: set, draw: draw, setRange: setRange, state: st };
});
