/* timeline.js: live heap over time (hhTimeline), with the global peak
   (t-gmax) and the program's checkpoints (hhCheckpoints) marked, and a
   draggable time range.

   The timeline is a step function: between two samples the heap is the
   value of the earlier one.  A range [t0, t1] (dragged, or chosen between
   two checkpoints) lists, per place (view.js's units), what was live at
   each end, what grew and what was freed.  With the per-site history
   (hhHist, hhH) this is exact: the ends are moved to the last instants the
   tool wrote at or before them, where every site's live bytes are known.
   A file without it (DHAT's, older heaphunt files) gets the old estimate,
   marked "Approximate": a site's total bytes spread evenly over its active
   span [hhFirstT, hhLastT], counted over the part inside the range.  In a
   diff, the panel also shows the exact growth between the two dumps (t-end
   bytes B - A). */
"use strict";
HH.define("timeline", ["format", "frames", "view", "history", "profile"], function (use) {
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
        els.range.addEventListener("change", function (e) {
            if (e.target.id !== "range-from" && e.target.id !== "range-to") return;
            var a = Number(els.range.querySelector("#range-from").value), b = Number(els.range.querySelector("#range-to").value);
            setRange(a, b);
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

    // The last written instant at or before t (-1: before the first).
    function instantAt(model, t) {
        var ts = model.hist.t, lo = 0, hi = ts.length - 1;
        if (hi < 0 || t < ts[0]) return -1;
        while (lo < hi) {
            var mid = (lo + hi + 1) >> 1;
            if (ts[mid] <= t) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    // Exact, per group of the model: live bytes and blocks at instants i0
    // and i1 (carried forward), from each site's history.
    function exactRange(model, gr, i0, i1) {
        var n = gr.n, b0 = new Float64Array(n), k0 = new Float64Array(n), b1 = new Float64Array(n), k1 = new Float64Array(n);
        for (var s = 0; s < model.nSites; s++) {
            var flat = use.profile.siteHistory(model, s), g = gr.groupOf[s];
            if (!flat.length) continue;
            var v0 = i0 < 0 ? [0, 0] : use.history.valueAt(flat, i0), v1 = use.history.valueAt(flat, i1);
            b0[g] += v0[0]; k0[g] += v0[1]; b1[g] += v1[0]; k1[g] += v1[1];
        }
        return { b0: b0, k0: k0, b1: b1, k1: k1 };
    }

    function groupOfModel(model) {
        var v = st.view;
        return model === v.b ? { gr: v.grB, unitOf: v.unitOfB } : { gr: v.grA, unitOf: v.unitOfA };
    }

    // The "from"/"to" menus: the run's start, each checkpoint, t-gmax, the
    // end, and the current range's own ends when they are none of these.
    function endsMenu(id, model, current) {
        var opts = [["start of the run", 0]];
        for (var i = 0; i < model.checkpoints.length; i++) opts.push(["checkpoint \"" + model.checkpoints[i].name + "\"", model.checkpoints[i].t]);
        if (model.bklt) opts.push(["t-gmax (the peak)", model.tg]);
        opts.push(["the end", model.te]);
        if (!opts.some(function (o) { return o[1] === current; })) opts.push([f.int(current) + " " + model.tu, current]);
        return '<select id="' + id + '">' + opts.map(function (o) {
            return '<option value="' + o[1] + '"' + (o[1] === current ? " selected" : "") + ">" + f.html(o[0]) + "</option>";
        }).join("") + "</select>";
    }

    function exactRangeHtml(model, t0, t1) {
        var i0 = instantAt(model, t0), i1 = instantAt(model, t1), ts = model.hist.t;
        if (i1 < 0) return '<p class="note">No instant was written before ' + f.int(t1) + " " + f.html(model.tu) + ".</p>";
        var g = groupOfModel(model), r = exactRange(model, g.gr, i0, i1), rows = [], sum = [0, 0, 0, 0];
        for (var u = 0; u < g.gr.n; u++) {
            sum[0] += r.b0[u]; sum[1] += r.k0[u]; sum[2] += r.b1[u]; sum[3] += r.k1[u];
            if (r.b0[u] || r.b1[u]) rows.push(u);
        }
        rows.sort(function (x, y) {
            var dx = Math.abs(r.b1[x] - r.b0[x]), dy = Math.abs(r.b1[y] - r.b0[y]);
            return dy - dx || r.b1[y] - r.b1[x] || x - y;
        });
        var at0 = i0 < 0 ? 0 : ts[i0], at1 = ts[i1], grew = 0, freed = 0;
        for (u = 0; u < g.gr.n; u++) {
            var d = r.b1[u] - r.b0[u];
            if (d > 0) grew += d; else freed -= d;
        }
        var html = '<p id="range-exact"><b>Exact</b>, per place, at the instants the tool wrote: from ' + f.int(at0) + " to " + f.int(at1) + " " +
            f.html(model.tu) + ": live " + f.int(sum[0]) + " → " + f.int(sum[2]) + " bytes, " + f.int(sum[1]) + " → " + f.int(sum[3]) +
            " blocks; " + f.int(grew) + " bytes grew, " + f.int(freed) + " bytes were freed.</p>";
        html += '<table id="range-sites"><tr><th class="name">Place</th><th>live at start</th><th>live at end</th><th>change</th></tr>';
        for (var i = 0; i < Math.min(rows.length, MAX_RANGE_SITES); i++) {
            u = rows[i];
            var delta = r.b1[u] - r.b0[u];
            html += '<tr><td class="name"><span class="range-site" data-site="' + g.unitOf[u] + '">' + f.html(use.frames.name(model, g.gr, u)) +
                "</span></td><td>" + f.int(r.b0[u]) + "</td><td>" + f.int(r.b1[u]) + '</td><td class="' +
                (delta > 0 ? "delta-pos" : delta < 0 ? "delta-neg" : "") + '">' + f.signedInt(delta) + "</td></tr>";
        }
        html += "</table>";
        if (rows.length > MAX_RANGE_SITES) html += '<p class="note">… and ' + f.int(rows.length - MAX_RANGE_SITES) + " more places.</p>";
        if (!rows.length) html += '<p class="note">Nothing was live at either end.</p>';
        return html;
    }

    function renderRange() {
        var model = st.model, html = "";
        if (st.view && st.view.isDiff) html += exactDiffHtml();
        if (!model || !model.timeline) { els.range.innerHTML = html; return; }
        if (!st.range) {
            els.range.innerHTML = html + '<p class="note">Drag across the chart to select a time range' +
                (model.hist ? ", or choose its ends: " + endsMenu("range-from", model, 0) + " to " + endsMenu("range-to", model, model.te) +
                    ", and see what was live, what grew and what was freed in it, place by place." :
                    " and see which sites allocated in it.") + "</p>";
            return;
        }
        var t0 = st.range[0], t1 = st.range[1], v0 = valueAt(t0), v1 = valueAt(t1);
        html += '<div id="range-summary"><b>Range</b> ' + (model.hist ? endsMenu("range-from", model, t0) + " (" + f.int(t0) + ") – " +
            endsMenu("range-to", model, t1) + " (" + f.int(t1) + ") " : f.int(t0) + " – " + f.int(t1) + " ") + f.html(model.tu) +
            ": live heap " + f.int(v0.b) + " → " + f.int(v1.b) + " bytes (<span data-range=\"delta\">" + f.signedInt(v1.b - v0.b) +
            "</span>), " + f.int(v0.bk) + " → " + f.int(v1.bk) + " blocks.</div>";
        if (model.hist) {
            els.range.innerHTML = html + exactRangeHtml(model, t0, t1);
            return;
        }
        if (!model.cols.hhFirstT || !model.cols.hhLastT) {
            html += '<p class="note">This file has no per-site times (hhFirstT, hhLastT), so the range cannot be attributed to sites.</p>';
            els.range.innerHTML = html;
            return;
        }
        var est = estimate(model, t0, t1), gm = groupOfModel(model);
        html += '<p class="note" id="range-approx"><b>Approximate.</b> This file has no per-site history (hhHist), only per-site totals. ' +
            "A site's estimate is its total bytes spread evenly over its active span [first allocation, last free], counted over the part " +
            "inside the range. Profiles written by heaphunt with the history give the exact numbers here.</p>";
        html += '<table id="range-sites"><tr><th class="name">Site</th><th>est. bytes allocated in range</th><th>total bytes</th><th>first alloc in range</th></tr>';
        for (var i = 0; i < Math.min(est.length, MAX_RANGE_SITES); i++) {
            var e = est[i], g = gm.gr.groupOf[e.site];
            html += '<tr><td class="name"><span class="range-site" data-site="' + gm.unitOf[g] + '">' + f.html(use.frames.name(model, gm.gr, g)) +
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
            var fs = use.view.fileUnit(v, rows[i][0]);
            html += '<tr><td class="name"><span class="range-site" data-site="' + rows[i][0] + '">' +
                f.html(use.frames.name(fs.model, fs.gr, fs.group)) + '</span></td><td class="' + (rows[i][1] > 0 ? "delta-pos" : "delta-neg") + '">' +
                f.signedInt(rows[i][1]) + "</td></tr>";
        }
        return html + "</table></div>";
    }

    return { init: init, set: set, draw: draw, setRange: setRange, state: st };
});
