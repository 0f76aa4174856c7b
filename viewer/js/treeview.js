/* treeview.js: the allocation tree on screen, virtualized.

   Only the rows inside the scrolled window (plus a few above and below)
   exist in the DOM; the body holds a spacer as tall as all visible rows, so
   the scroll bar is right and a tree of a million nodes scrolls as fast as
   one of ten.  Rows are built as HTML strings (frame text escaped) because
   that is the fastest way to make a few dozen rows per scroll event.

   Columns: the label (function, then its source location), the history
   (when the file has hhHist: a sparkline of the exact live bytes of the
   sites below the row, sparkline.js, cached per tree node), then as many
   metric columns as fit the width, in metrics.js's DEFAULT_COLUMNS order; the
   sort metric is always one of them.  Clicking a column header sorts by it.
   Keys: Up/Down move, Right/Left expand/collapse, Enter shows the details. */
"use strict";
HH.define("treeview", ["tree", "metrics", "format", "view", "sparkline"], function (use) {
    var ROW_H = 22, OVERSCAN = 12, LABEL_MIN_PX = 250, COL_PX = 82, INDENT_PX = 14, MAX_INDENT_LEVELS = 30;
    var SPARK_W = 64, SPARK_H = 14;
    var els, onSelect, state = { tree: null, metric: null, columns: [], rows: [], selected: -1, available: [] };

    function init(elements, selectCallback) {
        els = elements;
        onSelect = selectCallback;
        els.body.addEventListener("scroll", renderRows);
        els.rows.addEventListener("click", onClick);
        els.rows.addEventListener("dblclick", function (e) {
            var node = nodeOf(e.target);
            if (node >= 0) toggle(node);
        });
        els.head.addEventListener("click", function (e) {
            var id = e.target.getAttribute("data-metric");
            if (id && state.sortCallback) state.sortCallback(id);
        });
        els.body.addEventListener("keydown", onKey);
        window.addEventListener("resize", function () { if (state.tree) { layoutColumns(); renderRows(); } });
    }

    function nodeOf(target) {
        var row = target.closest(".row");
        return row ? Number(row.getAttribute("data-node")) : -1;
    }

    function onClick(e) {
        var node = nodeOf(e.target);
        if (node < 0) return;
        if (e.target.classList.contains("toggle")) toggle(node);
        select(node);
    }

    function onKey(e) {
        if (!state.tree || state.selected < 0) return;
        var i = state.rows.indexOf(state.selected), t = state.tree, node = state.selected;
        if (e.key === "ArrowDown" && i + 1 < state.rows.length) select(state.rows[i + 1]);
        else if (e.key === "ArrowUp" && i > 0) select(state.rows[i - 1]);
        else if (e.key === "ArrowRight" && use.tree.childCount(t, node) && !t.expanded[node]) toggle(node);
        else if (e.key === "ArrowLeft" && t.expanded[node]) toggle(node);
        else if (e.key === "ArrowLeft" && t.parent[node] >= 0) select(t.parent[node]);
        else return;
        e.preventDefault();
        scrollIntoView(state.selected);
    }

    function toggle(node) {
        var t = state.tree;
        if (!use.tree.childCount(t, node)) return;
        t.expanded[node] = t.expanded[node] ? 0 : 1;
        // Opening a single-child chain opens it to its first fork.
        if (t.expanded[node]) {
            var x = node;
            while (use.tree.childCount(t, x) === 1) {
                x = t.children[t.childStart[x]];
                if (use.tree.childCount(t, x)) t.expanded[x] = 1;
            }
        }
        refresh();
    }

    function setTree(tree, metric, available, sortCallback) {
        state.tree = tree;
        state.metric = metric;
        state.available = available;
        state.sortCallback = sortCallback;
        state.selected = -1;
        layoutColumns();
        refresh();
    }

    function setMetric(metric) {
        state.metric = metric;
        layoutColumns();
        refresh();
    }

    function layoutColumns() {
        var ids = state.available.map(function (m) { return m.id; });
        var wanted = use.metrics.DEFAULT_COLUMNS.filter(function (id) { return ids.indexOf(id) >= 0; });
        if (wanted.indexOf(state.metric.id) < 0) wanted.unshift(state.metric.id);
        var width = els.body.clientWidth || 900;
        var sparks = !state.tree.view.isDiff && !!state.tree.view.a.hist;
        var fit = Math.max(1, Math.floor((width - LABEL_MIN_PX - (sparks ? SPARK_W + 8 : 0)) / COL_PX));
        if (wanted.length > fit) {
            var keep = wanted.slice(0, fit);
            if (keep.indexOf(state.metric.id) < 0) keep[fit - 1] = state.metric.id;
            wanted = keep;
        }
        state.columns = wanted.map(function (id) { return use.metrics.BY_ID[id]; });
        var diff = state.tree.view.isDiff, model = state.tree.view.a;
        state.sparks = sparks;
        var template = "minmax(" + LABEL_MIN_PX + "px, 1fr) " + (state.sparks ? (SPARK_W + 8) + "px " : "") +
            "repeat(" + state.columns.length + ", " + COL_PX + "px)";
        els.head.parentNode.style.setProperty("--tree-cols", template);
        var head = '<div data-metric="">' + (diff ? "Site (Δ = B − A)" : "Site: function, location") + "</div>";
        if (state.sparks) head += '<div class="spark-head" title="Live bytes over the run, exact at the instants the tool wrote (hhH), summed over the sites below the row">History</div>';
        for (var i = 0; i < state.columns.length; i++) {
            var m = state.columns[i];
            head += '<div class="num' + (m === state.metric ? " sorted" : "") + '" data-metric="' + m.id +
                '" title="' + use.format.html(use.metrics.label(model, m) + ": " + m.explain + ". Click to sort.") + '">' +
                (diff ? "Δ " : "") + use.format.html(m.short) + "</div>";
        }
        els.head.innerHTML = head;
    }

    function refresh() {
        if (!state.tree) return;
        state.rows = use.tree.visibleRows(state.tree, state.metric);
        els.spacer.style.height = (state.rows.length * ROW_H) + "px";
        renderRows();
    }

    function cellText(m, v, diff, sites) {
        if (m.perSite && sites > 1) return { text: "–", title: m.label + " is a per-site number; this node covers " + sites + " sites" };
        var exact = use.metrics.format(m, v, diff);
        if (exact.length > 11) return { text: (diff && v > 0 ? "+" : "") + use.metrics.shortFormat(m, v), title: exact };
        return { text: exact, title: "" };
    }

    function rowHtml(node, index) {
        var t = state.tree, view = t.view, diff = view.isDiff;
        var kids = use.tree.childCount(t, node);
        var depth = Math.min(t.depth[node], MAX_INDENT_LEVELS);
        var html = '<div class="row' + (node === state.selected ? " selected" : "") + '" data-node="' + node +
            '" style="top:' + (index * ROW_H) + 'px">';
        var toggleChar = kids ? (t.expanded[node] ? "▾" : "▸") : "";
        var label;
        if (node === 0) {
            label = '<span class="fn">' + use.tree.label(t, 0) + "</span>";
        } else {
            var fr = use.view.frame(view, t.frame[node]);
            label = '<span class="fn">' + use.format.html(fr.fn) + "</span>" +
                (fr.loc ? '<span class="loc">' + use.format.html(fr.loc) + "</span>" : "");
        }
        var title = node === 0 ? "" : use.format.html(view.ftbl[t.frame[node]]);
        html += '<div class="label" title="' + title + '" style="padding-left:' + (4 + depth * INDENT_PX) + 'px">' +
            '<span class="toggle">' + toggleChar + "</span>" + label + "</div>";
        if (state.sparks) html += '<div class="spark-cell">' + spark(node) + "</div>";
        var sites = Math.max(use.tree.siteCount(t, "A", node), diff ? use.tree.siteCount(t, "B", node) : 0);
        var rootKey = use.tree.sortKey(t, state.metric, 0) || 1;
        for (var i = 0; i < state.columns.length; i++) {
            var m = state.columns[i], v = use.tree.value(t, m, node), c = cellText(m, v, diff, sites);
            var cls = "num" + (m === state.metric ? " sorted" : "") + (diff ? (v > 0 ? " delta-pos" : v < 0 ? " delta-neg" : "") : "");
            var bar = "";
            if (m === state.metric && m.additive && !diff) {
                var w = Math.max(0, Math.min(100, 100 * v / rootKey));
                bar = '<span class="bar" style="width:' + w.toFixed(1) + '%"></span>';
            }
            if (m.id === "findings" && v > 0 && !diff) c.text = '<span class="badge">' + c.text + "</span>";
            html += '<div class="' + cls + '" data-col="' + m.id + '"' + (c.title ? ' title="' + use.format.html(c.title) + '"' : "") +
                ">" + bar + c.text + "</div>";
        }
        return html + "</div>";
    }

    // A row's sparkline: the live bytes of every site below the node.
    function spark(node) {
        var t = state.tree, cache = t.sparkCache || (t.sparkCache = new Map()), svg = cache.get(node);
        if (svg === undefined) {
            var view = t.view, model = view.a, gr = view.grA, units = use.tree.sitesUnder(t, node), sites = [];
            for (var i = 0; i < units.length; i++) {
                var g = gr.groupOf[view.siteA[units[i]]];
                for (var m = gr.memberStart[g]; m < gr.memberStart[g + 1]; m++) sites.push(gr.members[m]);
            }
            var values = use.sparkline.sampled(model, sites), max = 0;
            for (i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
            svg = use.sparkline.small(values, SPARK_W, SPARK_H, "live bytes over the run: at most " + use.format.int(max) +
                " (sampled at " + values.length + " times; exact values in the detail panel)");
            cache.set(node, svg);
        }
        return svg;
    }

    function renderRows() {
        if (!state.tree) return;
        var top = els.body.scrollTop, height = els.body.clientHeight || 600;
        var first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
        var last = Math.min(state.rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
        var html = "";
        for (var i = first; i < last; i++) html += rowHtml(state.rows[i], i);
        if (state.rows.length === 1 && state.tree.nIncluded === 0) {
            html += '<div class="empty-note" style="top:' + ROW_H + 'px;position:absolute">No site matches the filter.</div>';
        }
        els.rows.innerHTML = html;
    }

    function select(node) {
        state.selected = node;
        renderRows();
        if (onSelect) onSelect(node);
    }

    function scrollIntoView(node) {
        var i = state.rows.indexOf(node);
        if (i < 0) return;
        var top = i * ROW_H, body = els.body;
        if (top < body.scrollTop) body.scrollTop = top;
        else if (top + ROW_H > body.scrollTop + body.clientHeight) body.scrollTop = top + ROW_H - body.clientHeight;
        renderRows();
    }

    // Show a node: expand its ancestors, scroll to it, select it.
    function reveal(node) {
        var t = state.tree;
        for (var x = t.parent[node]; x >= 0; x = t.parent[x]) t.expanded[x] = 1;
        refresh();
        select(node);
        scrollIntoView(node);
    }

    function expandAll(open) {
        var t = state.tree;
        if (!t) return;
        // Expanding everything of a huge tree would make millions of rows;
        // cap it (the filter is the way to narrow a big tree).
        if (open && t.size > 200000) return false;
        t.expanded.fill(open ? 1 : 0);
        t.expanded[0] = 1;
        refresh();
        return true;
    }

    return {
        init: init, setTree: setTree, setMetric: setMetric, refresh: refresh, select: select, reveal: reveal,
        expandAll: expandAll, state: state, ROW_H: ROW_H
    };
});
