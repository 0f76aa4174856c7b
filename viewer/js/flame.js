/* flame.js: the tree as an icicle graph (a flame graph drawn root-down) on
   a canvas.

   A box's width is its node's share of the metric (only additive metrics:
   sums of bytes, blocks, instructions); children sit under their parent,
   biggest first.  Boxes narrower than MIN_BOX_PX are not drawn nor laid out,
   so the work per frame is bounded by the canvas size, not by the tree.
   Click a box to zoom into it (its ancestors stay above as full-width
   bars, click one to zoom back out); hover for the exact numbers.

   In a diff, widths are profile B's values ("after"; a differential flame
   graph), and colour says the change: red grew, green shrank, grey same. */
"use strict";
HH.define("flame", ["tree", "format", "metrics"], function (use) {
    var BOX_H = 18, MIN_BOX_PX = 0.5, LABEL_MIN_PX = 30;
    var els, onSelect, st = { tree: null, metric: null, zoom: 0, boxes: [] };

    function init(elements, selectCallback) {
        els = elements;
        onSelect = selectCallback;
        els.canvas.addEventListener("mousemove", onMove);
        els.canvas.addEventListener("mouseleave", function () { els.tip.hidden = true; });
        els.canvas.addEventListener("click", onClick);
        els.crumbs.addEventListener("click", function (e) {
            var n = e.target.getAttribute("data-node");
            if (n !== null) { st.zoom = Number(n); render(); }
        });
        window.addEventListener("resize", function () { if (st.tree && !els.canvas.closest("[hidden]")) render(); });
    }

    function set(tree, metric) {
        if (st.tree !== tree) st.zoom = 0;
        st.tree = tree;
        st.metric = metric;
    }

    function width(node) {
        var t = st.tree;
        return use.tree.sideValue(t, t.view.isDiff ? "B" : "A", st.metric, node);
    }

    function delta(node) {
        var t = st.tree;
        return use.tree.sideValue(t, "B", st.metric, node) - use.tree.sideValue(t, "A", st.metric, node);
    }

    // Stable warm colour per function name, as flame graphs conventionally use.
    function hue(name) {
        var h = 0;
        for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
        return Math.abs(h);
    }

    function colour(node) {
        var t = st.tree;
        if (t.view.isDiff) {
            var d = delta(node), w = Math.max(width(node), Math.abs(d)) || 1, k = Math.min(1, Math.abs(d) / w);
            if (d > 0) return "rgb(" + Math.round(235 - 40 * k) + "," + Math.round(200 - 150 * k) + "," + Math.round(190 - 150 * k) + ")";
            if (d < 0) return "rgb(" + Math.round(190 - 150 * k) + "," + Math.round(225 - 60 * k) + "," + Math.round(190 - 140 * k) + ")";
            return "rgb(215,215,215)";
        }
        var h = hue(use.tree.label(t, node));
        return "hsl(" + (10 + h % 40) + "," + (60 + h % 25) + "%," + (62 + (h >> 3) % 14) + "%)";
    }

    function layout(totalW) {
        var t = st.tree, boxes = [], chain = use.tree.pathTo(t, st.zoom);
        chain.unshift(0);
        if (chain[chain.length - 1] !== st.zoom) chain.push(st.zoom);
        // Ancestors of the zoomed node: full-width bars (click to zoom out).
        for (var i = 0; i < chain.length - 1; i++) boxes.push({ node: chain[i], x: 0, w: totalW, depth: i, ancestor: true });
        var base = chain.length - 1, rootV = width(st.zoom);
        if (rootV <= 0) { boxes.push({ node: st.zoom, x: 0, w: totalW, depth: base }); return boxes; }
        var stack = [[st.zoom, 0, totalW, base]];
        while (stack.length) {
            var item = stack.pop(), node = item[0], x = item[1], w = item[2], depth = item[3];
            boxes.push({ node: node, x: x, w: w, depth: depth });
            var kids = use.tree.sortedChildren(t, node, st.metric), cx = x, nodeV = width(node);
            if (nodeV <= 0) continue;
            for (var k = 0; k < kids.length; k++) {
                var cw = w * width(kids[k]) / nodeV;
                if (cw >= MIN_BOX_PX) stack.push([kids[k], cx, cw, depth + 1]);
                cx += Math.max(0, cw);
            }
        }
        return boxes;
    }

    function render() {
        if (!st.tree) return;
        var scroller = els.canvas.parentNode, cssW = Math.max(200, scroller.clientWidth - 2);
        st.boxes = layout(cssW);
        var maxDepth = 0;
        for (var i = 0; i < st.boxes.length; i++) if (st.boxes[i].depth > maxDepth) maxDepth = st.boxes[i].depth;
        var cssH = Math.max(scroller.clientHeight - 4, (maxDepth + 1) * BOX_H + 4);
        var dpr = window.devicePixelRatio || 1;
        els.canvas.style.width = cssW + "px";
        els.canvas.style.height = cssH + "px";
        els.canvas.width = Math.round(cssW * dpr);
        els.canvas.height = Math.round(cssH * dpr);
        var ctx = els.canvas.getContext("2d");
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cssW, cssH);
        ctx.font = "11px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        for (i = 0; i < st.boxes.length; i++) {
            var b = st.boxes[i], y = b.depth * BOX_H;
            ctx.fillStyle = b.ancestor ? "#c9d3e6" : colour(b.node);
            ctx.fillRect(b.x, y, Math.max(b.w - 1, 0.5), BOX_H - 1);
            if (b.w >= LABEL_MIN_PX) {
                ctx.save();
                ctx.beginPath(); ctx.rect(b.x, y, b.w - 2, BOX_H); ctx.clip();
                ctx.fillStyle = "#1d2330";
                ctx.fillText(use.tree.label(st.tree, b.node), b.x + 3, y + BOX_H / 2);
                ctx.restore();
            }
        }
        els.canvas.setAttribute("data-boxes", String(st.boxes.length));
        crumbs();
    }

    function crumbs() {
        var path = use.tree.pathTo(st.tree, st.zoom), html = '<a data-node="0">all</a>';
        for (var i = 0; i < path.length; i++) html += " › <a data-node=\"" + path[i] + "\">" + use.format.html(use.tree.label(st.tree, path[i])) + "</a>";
        els.crumbs.innerHTML = html;
    }

    function boxAt(e) {
        var r = els.canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
        var depth = Math.floor(y / BOX_H);
        for (var i = st.boxes.length - 1; i >= 0; i--) {
            var b = st.boxes[i];
            if (b.depth === depth && x >= b.x && x < b.x + b.w) return b;
        }
        return null;
    }

    function onMove(e) {
        var b = boxAt(e);
        if (!b) { els.tip.hidden = true; return; }
        var t = st.tree, m = st.metric, node = b.node, total = width(0) || 1;
        var text = b.node === 0 ? "all sites" : t.view.ftbl[t.frame[node]];
        var v = width(node);
        text += "\n" + use.metrics.label(t.view.a, m) + (t.view.isDiff ? " (B)" : "") + ": " + use.metrics.format(m, v, false) +
            " (" + use.format.pct(v, total) + " of all)";
        if (t.view.isDiff) text += "\nchange B − A: " + use.metrics.format(m, delta(node), true);
        els.tip.textContent = text;
        els.tip.hidden = false;
        els.tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 540) + "px";
        els.tip.style.top = (e.clientY + 14) + "px";
    }

    function onClick(e) {
        var b = boxAt(e);
        if (!b) return;
        st.zoom = b.node;
        render();
        if (onSelect) onSelect(b.node);
    }

    function zoomTo(node) { st.zoom = node; render(); }

    return { init: init, set: set, render: render, zoomTo: zoomTo, state: st };
});
