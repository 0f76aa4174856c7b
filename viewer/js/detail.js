/* detail.js: the panel on the right: everything about the selected node.

   For any node: its frame, the path to it, every metric the file has (A, B
   and the change in a diff), and the places below it.  For a node that is
   one place (a group of sites with one responsible frame, view.js): its
   findings in plain words, its exact live bytes over the run (hhH, drawn
   by sparkline.js), its whole allocation stack with the library frames
   below the responsible one marked, its access histogram (histogram.js;
   one site only: histograms do not add up) and its copies: which
   memcpy-family call sites copied into its blocks and out of them, with
   the other end of each copy, from the file's hhCopySites (src/dst lists
   of [pp_index, bytes]; -1 is memory that was not a live heap block). */
"use strict";
HH.define("detail", ["format", "profile", "findings", "view", "tree", "metrics", "histogram", "frames", "history", "sparkline"], function (use) {
    var f = use.format, el, onSite;
    var MAX_SITES_LISTED = 25, MAX_COPY_SITES_LISTED = 20;

    function init(element, siteCallback) {
        el = element;
        onSite = siteCallback;
        el.addEventListener("click", function (e) {
            var link = e.target.closest("[data-site]");
            if (link) onSite(Number(link.getAttribute("data-site")));
        });
    }

    // Per file: for each pp, the copy sites writing into it / reading from it.
    function copyIndex(model) {
        if (model.copyIndex) return model.copyIndex;
        var into = new Map(), out = new Map();
        var cs = model.copySites || [];
        function add(map, pp, entry) {
            var list = map.get(pp);
            if (!list) map.set(pp, list = []);
            list.push(entry);
        }
        for (var i = 0; i < cs.length; i++) {
            for (var d = 0; d < cs[i].dst.length; d++) add(into, cs[i].dst[d][0], [i, cs[i].dst[d][1]]);
            for (var s = 0; s < cs[i].src.length; s++) add(out, cs[i].src[s][0], [i, cs[i].src[s][1]]);
        }
        return (model.copyIndex = { into: into, out: out });
    }

    function frameLabel(model, fi) {
        var fr = use.profile.frame(model, fi);
        return f.html(fr.fn) + (fr.loc ? ' <span class="loc">(' + f.html(fr.loc) + ")</span>" : "");
    }

    // A site of the file by its place's name, linked to its view unit.
    function ppLabel(model, gr, pp, toUnit) {
        if (pp < 0) return "<i>not a heap block</i> (stack, static data)";
        var g = gr.groupOf[pp], name = f.html(use.frames.name(model, gr, g));
        return toUnit ? '<span class="site-link" data-site="' + toUnit[g] + '">' + name + "</span>" : name;
    }

    function copySiteName(model, cs) {
        return cs.fs.length ? frameLabel(model, cs.fs[0]) : "[unknown copy site]";
    }

    function copiesHtml(model, gr, members, toUnit) {
        if (!model.copySites) {
            return '<p class="note">' + (model.hhVersion ? "This profile was written without copy profiling." :
                "Copies are recorded by heaphunt only (not in DHAT heap files).") + "</p>";
        }
        var idx = copyIndex(model), html = "";
        function section(title, entries, otherKey, otherWord) {
            html += "<h3>" + title + "</h3>";
            if (!entries || !entries.length) { html += '<p class="note">none</p>'; return; }
            entries = entries.slice().sort(function (a, b) { return b[1] - a[1]; });
            html += "<table>";
            for (var i = 0; i < Math.min(entries.length, MAX_COPY_SITES_LISTED); i++) {
                var cs = model.copySites[entries[i][0]];
                var others = cs[otherKey].slice().sort(function (a, b) { return b[1] - a[1]; }).slice(0, 4).map(function (p) {
                    return ppLabel(model, gr, p[0], toUnit) + " " + f.int(p[1]) + " B";
                });
                html += '<tr><td>' + copySiteName(model, cs) + '<div class="note">' + otherWord + ": " +
                    (others.join("; ") || "–") + '</div></td><td class="num">' + f.int(entries[i][1]) + " B</td></tr>";
            }
            if (entries.length > MAX_COPY_SITES_LISTED) html += '<tr><td colspan="2" class="note">… ' + (entries.length - MAX_COPY_SITES_LISTED) + " more</td></tr>";
            html += "</table>";
        }
        // A place's entries: its sites', added up per copy site.
        function entriesOf(map) {
            var sum = new Map();
            for (var i = 0; i < members.length; i++) {
                var list = map.get(members[i]) || [];
                for (var j = 0; j < list.length; j++) sum.set(list[j][0], (sum.get(list[j][0]) || 0) + list[j][1]);
            }
            return Array.from(sum.entries());
        }
        section("Copied into this site's blocks by", entriesOf(idx.into), "src", "reading from");
        section("Copied out of this site's blocks by", entriesOf(idx.out), "dst", "writing into");
        return html;
    }

    function metricsTable(tree, node) {
        var view = tree.view, diff = view.isDiff, list = use.view.metrics(view);
        var sitesA = use.tree.siteCount(tree, "A", node), sitesB = diff ? use.tree.siteCount(tree, "B", node) : 0;
        var html = '<table class="metrics">';
        if (diff) html += '<tr><th></th><th class="num">A</th><th class="num">B</th><th class="num">Δ</th></tr>';
        for (var i = 0; i < list.length; i++) {
            var m = list[i];
            var name = '<th title="' + f.html(m.explain) + '">' + f.html(use.metrics.label(view.a, m)) + "</th>";
            if (!diff) {
                var v = use.tree.sideValue(tree, "A", m, node);
                var shown = m.perSite && sitesA > 1 ? "–" : use.metrics.format(m, v, false);
                html += '<tr data-metric="' + m.id + '">' + name + '<td class="num">' + shown + "</td></tr>";
            } else {
                var a = use.tree.sideValue(tree, "A", m, node), b = use.tree.sideValue(tree, "B", m, node), d = b - a;
                var per = m.perSite && Math.max(sitesA, sitesB) > 1;
                html += '<tr data-metric="' + m.id + '">' + name +
                    '<td class="num">' + (per ? "–" : use.metrics.format(m, a, false)) + "</td>" +
                    '<td class="num">' + (per ? "–" : use.metrics.format(m, b, false)) + "</td>" +
                    '<td class="num ' + (d > 0 ? "delta-pos" : d < 0 ? "delta-neg" : "") + '">' + (per ? "–" : use.metrics.format(m, d, true)) + "</td></tr>";
            }
        }
        return html + "</table>";
    }

    // A place's live bytes over the run: its sites' histories added up.
    function placeHistory(model, members) {
        if (members.length === 1) return use.profile.siteHistory(model, members[0]);
        var list = [];
        for (var i = 0; i < members.length; i++) list.push(use.profile.siteHistory(model, members[i]));
        return use.history.merge(list);
    }

    // The first site's whole stack, innermost first, the frames below the
    // responsible one marked as library code.
    function stackHtml(model, gr, pp) {
        var a = model.fsStart[pp], b = model.fsStart[pp + 1], start = gr.start[pp], html = '<ol class="stack full-stack">';
        for (var i = a; i < b; i++) {
            var fi = model.fsFlat[i], fr = use.profile.frame(model, fi);
            var fn = fr.fn === "???" ? use.frames.display(model.ftbl[fi], model.objs) : fr.fn;
            html += "<li" + (i - a < start ? ' class="plumbing" title="library or allocation code: not the responsible frame"' :
                i - a === start ? ' class="responsible" title="the responsible frame: the site is named after it"' : "") + ">" +
                f.html(fn) + (fr.fn !== "???" && fr.loc ? ' <span class="loc">(' + (fr.object ? "in " : "") + f.html(fr.loc) + ")</span>" : "") + "</li>";
        }
        return html + "</ol>";
    }

    function siteSection(tree, unit) {
        var view = tree.view, fu = use.view.fileUnit(view, unit), model = fu.model, gr = fu.gr, pp = fu.pp;
        var members = gr.members.subarray(gr.memberStart[fu.group], gr.memberStart[fu.group + 1]);
        var tag = view.isDiff ? " (profile " + fu.side + ")" : "";
        // Links to other places of the same file go through the view's numbering.
        var toUnit = model === view.b ? view.unitOfB : view.unitOfA;
        var html = "<h3>Findings" + tag + "</h3>";
        var found = use.findings.ofGroup(model, gr, fu.group);
        if (!found.length) html += '<p class="note">' + (model.mode === "heap" ? "none" : "not computed for " + f.html(model.mode) + "-mode files") + "</p>";
        for (var i = 0; i < found.length; i++) {
            html += '<div class="finding" data-kind="' + found[i].kind + '"><b>' + f.html(use.findings.KIND_TITLES[found[i].kind]) +
                ":</b> " + f.html(found[i].sentence) + "</div>";
        }
        if (model.hist) {
            var hist = placeHistory(model, members);
            html += "<h3>Live bytes over the run" + tag + "</h3>" + use.sparkline.chart(model, hist, 310, 64) +
                '<p class="note" id="history-summary">' + f.html(use.sparkline.summary(model, hist)) + "</p>";
        }
        html += "<h3>Allocation stack" + (members.length > 1 ? " (first of " + f.int(members.length) + " sites)" : "") + tag + "</h3>" +
            stackHtml(model, gr, pp);
        html += "<h3>Access histogram" + tag + "</h3>";
        var counts = members.length === 1 ? use.profile.decodeAcc(model, pp) : null;
        if (counts) html += use.histogram.html(counts);
        else if (members.length > 1) html += '<p class="note">Not shown: this place is ' + f.int(members.length) +
            " sites (library paths to one line), and their histograms do not add up.</p>";
        else html += '<p class="note">' + (model.mode !== "heap" ? "Not recorded in " + f.html(model.mode) + " mode." :
            "None: the site's blocks differ in size, are larger than the histogram limit" +
            (model.hhHistLimit !== null ? " (" + f.int(model.hhHistLimit) + " bytes)" : " (1,024 bytes in DHAT)") +
            ", or were resized by realloc.") + "</p>";
        if (model.mode === "heap") html += copiesHtml(model, gr, members, toUnit);
        return { html: html, counts: counts };
    }

    function render(tree, node, sortMetric) {
        if (!tree || node < 0) { el.innerHTML = '<p class="note">Select a row to see its details.</p>'; return; }
        var view = tree.view, html = "";
        if (node === 0) {
            html += "<h2>All sites</h2><div class=\"loc\">" + f.int(tree.nIncluded) + " sites" +
                (tree.nIncluded < view.nSites ? " match the filter (of " + f.int(view.nSites) + ")" : "") + "</div>";
        } else {
            var fr = use.view.frame(view, tree.frame[node]);
            html += "<h2>" + f.html(fr.fn) + "</h2>";
            html += '<div class="loc">' + (fr.file ? f.html(fr.file) + (fr.line ? ":" + fr.line : "") :
                fr.object ? "in " + f.html(fr.object) : "no source location") + (fr.addr && !fr.lang ? " · " + f.html(fr.addr) : "") + "</div>";
        }
        // A single site's own story (findings, histogram, copies) first,
        // then the numbers, then where the node sits in the stacks.
        var sites = use.tree.sitesUnder(tree, node), section = null;
        if (sites.length === 1) {
            section = siteSection(tree, sites[0]);
            html += section.html;
        } else if (sites.length > 1) {
            var top = topSites(tree, sortMetric, sites, MAX_SITES_LISTED);
            html += "<h3>Sites below (" + f.int(sites.length) + "), by " + f.html(sortMetric.label) + "</h3><table>";
            for (var s = 0; s < top.length; s++) {
                var v = siteValue(tree, sortMetric, top[s]);
                var fs = use.view.fileUnit(view, top[s]);
                html += '<tr><td><span class="site-link" data-site="' + top[s] + '">' +
                    f.html(use.frames.name(fs.model, fs.gr, fs.group)) + '</span></td><td class="num">' +
                    use.metrics.format(sortMetric, v, view.isDiff) + "</td></tr>";
            }
            if (sites.length > MAX_SITES_LISTED) html += '<tr><td colspan="2" class="note">… ' + f.int(sites.length - MAX_SITES_LISTED) + " more</td></tr>";
            html += "</table>";
        }
        html += "<h3>Metrics" + (view.isDiff ? " (A before, B after)" : "") + "</h3>" + metricsTable(tree, node);
        if (node !== 0) {
            var pathHtml = "";
            var path = use.tree.pathTo(tree, node);
            pathHtml += "<h3>" + (tree.direction === "bottom-up" ? "Allocation point, then its callers" : "Call path, outermost first") + "</h3><ol class=\"stack\">";
            for (var i = 0; i < path.length; i++) {
                var pf = use.view.frame(view, tree.frame[path[i]]);
                pathHtml += "<li>" + f.html(pf.fn) + (pf.loc ? ' <span class="loc">(' + f.html(pf.loc) + ")</span>" : "") + "</li>";
            }
            pathHtml += "</ol>";
            html += pathHtml;
        }
        el.innerHTML = html;
        if (section && section.counts) use.histogram.draw(el.querySelector("canvas.acc-chart"), section.counts);
    }

    // A site's own value for a metric (B - A in a diff).
    function siteValue(tree, m, site) {
        var view = tree.view;
        function side(cols) {
            return use.metrics.value(m, function (name) { return cols[name] ? cols[name][site] : 0; });
        }
        return view.isDiff ? side(view.colsB) - side(view.colsA) : side(view.colsA);
    }

    // The k sites with the biggest keys, biggest first, without sorting
    // them all (the root of a big profile has hundreds of thousands).
    function topSites(tree, m, sites, k) {
        var keys = new Float64Array(sites.length), best = [];
        for (var i = 0; i < sites.length; i++) keys[i] = siteKey(tree, m, sites[i]);
        for (i = 0; i < sites.length; i++) {
            if (best.length === k && keys[i] <= keys[best[k - 1]]) continue;
            var j = best.length < k ? best.length : k - 1;
            while (j > 0 && (keys[best[j - 1]] < keys[i] || (keys[best[j - 1]] === keys[i] && sites[best[j - 1]] > sites[i]))) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return best.map(function (x) { return sites[x]; });
    }

    function siteKey(tree, m, site) {
        var v = siteValue(tree, m, site);
        return tree.view.isDiff ? Math.abs(v) : v;
    }

    return { init: init, render: render, siteValue: siteValue };
});
