/* app.js: the page's wiring: loading files, the controls, the tabs.

   Ways in: the "Open profile…" picker, drag and drop (one file opens it,
   two files open a diff, the first as A), and the query string:
   ?file=URL opens URL (what `heaphunt view FILE` uses: it serves this
   directory and the profile at /profile.json, and passes the file's name
   as ?name=), ?base=URL adds a baseline, and the page then shows
   file − base.  Browsers refuse fetch() of file://
   URLs, so ?file= works when the page is served over http; the message says
   so when it fails.

   Loading is parse (JSON.parse, then profile.js's checks into typed arrays),
   findings, view, tree, first render, with a repaint between steps so the
   status line moves.  A failure at any step shows ONE message naming the
   file and the problem, and leaves whatever was open before untouched.
   The load timings are kept in the state's timings (bench/viewer_bench.mjs reads
   them). */
"use strict";
HH.define("app", ["profile", "findings", "format", "view", "summary", "timeline", "metrics", "tree", "treeview", "flame", "detail", "glossary", "export"], function (use) {
    // V8 cannot hold a string longer than about 512 M characters: refuse
    // bigger files up front with a clear reason instead of a crash.
    var MAX_FILE_BYTES = 500 * 1024 * 1024;
    var FILTER_DELAY_MS = 180;
    var $ = function (id) { return document.getElementById(id); };
    var st = {
        a: null, b: null, view: null, tree: null,
        direction: "top-down", sort: null, filter: "", tab: "tree", selected: -1,
        flameMetric: null, timings: null, loading: false
    };

    function setStatus(text) { $("status").textContent = text; }

    function showMessage(text) {
        var m = $("message");
        m.textContent = text;
        m.hidden = !text;
        document.body.setAttribute("data-state", text ? "error" : (st.view ? "ready" : "empty"));
    }

    function nextFrame() {
        return new Promise(function (resolve) { setTimeout(resolve, 0); });
    }

    function errorText(name, e) {
        var why = e instanceof use.profile.ProfileError ? e.message : "unexpected failure: " + (e && e.message || e);
        return "Cannot open " + name + ": " + why + ".";
    }

    // Text (or a promise of it) -> checked model; throws the one message.
    function parse(text, name) {
        var t0 = performance.now(), model;
        try {
            model = use.profile.parseText(text, name);
        } catch (e) {
            throw new Error(errorText(name, e));
        }
        var t1 = performance.now();
        use.findings.compute(model);
        model.parseMs = t1 - t0;
        model.findingsMs = performance.now() - t1;
        return model;
    }

    function readFile(file) {
        if (file.size > MAX_FILE_BYTES) {
            return Promise.reject(new Error("Cannot open " + file.name + ": it is " + use.format.int(Math.round(file.size / 1048576)) +
                " MB, more than the " + MAX_FILE_BYTES / 1048576 + " MB a browser page can read as one text."));
        }
        return file.text().catch(function (e) {
            throw new Error("Cannot open " + file.name + ": the browser could not read it (" + (e && e.message || e) + ").");
        });
    }

    function fetchText(url) {
        var name = url.split("/").pop() || url;
        return fetch(url).then(function (r) {
            if (!r.ok) throw new Error("Cannot open " + url + ": the server answered " + r.status + " " + r.statusText + ".");
            var len = Number(r.headers.get("content-length") || 0);
            if (len > MAX_FILE_BYTES) throw new Error("Cannot open " + url + ": it is larger than " + MAX_FILE_BYTES / 1048576 + " MB.");
            return r.text();
        }, function (e) {
            var hint = location.protocol === "file:" ?
                " Browsers do not let a file:// page fetch files: open it with the button, or run `heaphunt view FILE`." : "";
            throw new Error("Cannot open " + url + ": fetching it failed (" + (e && e.message || e) + ")." + hint);
        }).then(function (text) { return { text: text, name: name }; });
    }

    // sources: [{text|promise, name}] for A and optionally B.
    async function open(sourceA, sourceB) {
        if (st.loading) return;
        st.loading = true;
        var t0 = performance.now(), timings = {};
        try {
            setStatus("Reading…");
            document.body.setAttribute("data-state", "loading");
            var textA = await sourceA.text, textB = sourceB ? await sourceB.text : null;
            timings.readMs = performance.now() - t0;
            setStatus("Parsing…");
            await nextFrame();
            var a = parse(textA, sourceA.name);
            textA = null;
            var b = sourceB ? parse(textB, sourceB.name) : null;
            textB = null;
            timings.parseMs = a.parseMs + (b ? b.parseMs : 0);
            timings.findingsMs = a.findingsMs + (b ? b.findingsMs : 0);
            setStatus("Building the tree…");
            await nextFrame();
            show(a, b, timings);
            timings.totalMs = performance.now() - t0;
            st.timings = timings;
            setStatus(use.format.int(a.nSites) + (b ? " + " + use.format.int(b.nSites) : "") + " sites, opened in " +
                (timings.totalMs / 1000).toFixed(2) + " s");
            showMessage("");
        } catch (e) {
            setStatus("");
            showMessage(e && e.message ? e.message : String(e));
        } finally {
            st.loading = false;
        }
    }

    function show(a, b, timings) {
        var t = performance.now();
        st.a = a; st.b = b;
        st.view = b ? use.view.diff(a, b) : use.view.single(a);
        timings.viewMs = performance.now() - t;
        $("file-names").textContent = b ? "A: " + a.name + "  B: " + b.name : a.name;
        document.title = "heaphunt viewer - " + (b ? a.name + " vs " + b.name : a.name);
        $("swap-button").hidden = !b;
        $("undiff-button").hidden = !b;
        use.export.offer(a, b);
        use.summary.render($("summary"), st.view);
        $("tabs").hidden = false;
        $("workspace").hidden = false;
        fillSortSelect();
        t = performance.now();
        rebuildTree();
        timings.treeMs = performance.now() - t;
        use.timeline.set(st.view);
        renderFindings();
        switchTab(st.tab);
        timings.firstRenderMs = performance.now() - t;
        document.body.setAttribute("data-state", "ready");
    }

    function fillSortSelect() {
        var list = use.view.metrics(st.view), sel = $("sort-select"), flame = $("flame-metric");
        if (!st.sort || list.indexOf(st.sort) < 0) st.sort = use.metrics.BY_ID.tb;
        sel.innerHTML = list.map(function (m) {
            return '<option value="' + m.id + '"' + (m === st.sort ? " selected" : "") + ">" + use.format.html(use.metrics.label(st.view.a, m)) + "</option>";
        }).join("");
        var additive = list.filter(function (m) { return m.additive; });
        if (!st.flameMetric || additive.indexOf(st.flameMetric) < 0) st.flameMetric = st.sort.additive ? st.sort : use.metrics.BY_ID.tb;
        flame.innerHTML = additive.map(function (m) {
            return '<option value="' + m.id + '"' + (m === st.flameMetric ? " selected" : "") + ">" + use.format.html(use.metrics.label(st.view.a, m)) + "</option>";
        }).join("");
    }

    function includeMask() {
        var q = st.filter.trim().toLowerCase();
        if (!q) return null;
        var view = st.view, hit = new Uint8Array(view.ftbl.length);
        for (var i = 0; i < view.ftbl.length; i++) hit[i] = view.ftbl[i].toLowerCase().indexOf(q) >= 0 ? 1 : 0;
        var mask = new Uint8Array(view.nSites);
        for (var s = 0; s < view.nSites; s++) {
            for (var k = view.fsStart[s]; k < view.fsStart[s + 1]; k++) if (hit[view.fsFlat[k]]) { mask[s] = 1; break; }
        }
        return mask;
    }

    // The unfiltered tree of each direction is built once per view and
    // kept: a filter is cut out of it (use.tree.subset), clearing the filter
    // or switching back to a direction reuses it.  The other direction's
    // kept tree drops its column sums (recomputed on demand, in one pass).
    var treeCache = { view: null };

    function fullTree(direction) {
        if (treeCache.view !== st.view) treeCache = { view: st.view };
        return treeCache[direction] || (treeCache[direction] = use.tree.build(st.view, direction, null));
    }

    function rebuildTree() {
        var mask = includeMask(), full = fullTree(st.direction);
        if (mask) {
            st.tree = use.tree.subset(full, mask);
        } else {
            full.expanded.fill(0);
            st.tree = full;
        }
        ["top-down", "bottom-up"].forEach(function (d) {
            var t = treeCache[d];
            if (t && d !== st.direction) t.colCache = { A: {}, B: {} };
        });
        use.tree.autoExpand(st.tree, st.sort, 0.05, 300);
        use.treeview.setTree(st.tree, st.sort, use.view.metrics(st.view), setSort);
        use.flame.set(st.tree, st.flameMetric);
        use.treeview.select(0); // and, through its callback, the detail panel
    }

    function setSort(id) {
        var m = use.metrics.BY_ID[id];
        if (!m || !st.tree) return;
        st.sort = m;
        $("sort-select").value = id;
        use.treeview.setMetric(m);
        select(st.selected);
    }

    function select(node) {
        st.selected = node;
        use.detail.render(st.tree, node, st.sort);
    }

    // A site (view numbering) picked in the detail panel, the findings or the timeline.
    function revealSite(site) {
        if (site < 0 || !st.tree) return;
        if (st.tree.siteEnd[site] < 0 && st.filter) {
            st.filter = "";
            $("filter-input").value = "";
            rebuildTree();
        }
        var node = st.tree.siteEnd[site];
        if (node < 0) return;
        switchTab("tree");
        use.treeview.reveal(node);
    }

    function renderFindings() {
        var model = st.view.b || st.view.a, list = model.findingsList || [], f = use.format, html = "";
        if (model.mode !== "heap") html = '<p class="note">Findings are computed for heap profiles only.</p>';
        else if (!list.length) html = '<p class="note">No findings.</p>';
        else {
            html += '<p class="note">' + f.int(list.length) + " findings" + (st.view.b ? " in B (" + f.html(model.name) + ")" : "") +
                ", biggest first. " + (model.hhVersion ? "" : "This is a plain DHAT file: only the leak and peak rules apply (the others need heaphunt's fields).") + "</p>";
            // B's site -> the diff's site, for the links.
            var toView = null;
            if (st.view.b) {
                toView = new Int32Array(model.nSites).fill(-1);
                for (var u = 0; u < st.view.siteB.length; u++) if (st.view.siteB[u] >= 0) toView[st.view.siteB[u]] = u;
            }
            for (var i = 0; i < Math.min(list.length, 500); i++) {
                var fd = list[i], vs = toView ? toView[fd.site] : fd.site;
                html += '<span class="finding-row" data-site="' + vs + '" data-kind="' + fd.kind + '"><span class="kind">' +
                    f.html(use.findings.KIND_TITLES[fd.kind]) + "</span>" + f.html(use.findings.sentence(model, fd)) + "</span>";
            }
            if (list.length > 500) html += '<p class="note">… and ' + f.int(list.length - 500) + " more.</p>";
        }
        $("findings-list").innerHTML = html;
    }

    function switchTab(tab) {
        st.tab = tab;
        var tabs = document.querySelectorAll("#tabs [role=tab]");
        for (var i = 0; i < tabs.length; i++) tabs[i].setAttribute("aria-selected", String(tabs[i].getAttribute("data-tab") === tab));
        var panels = document.querySelectorAll("#panels .panel");
        for (i = 0; i < panels.length; i++) panels[i].hidden = panels[i].getAttribute("data-panel") !== tab;
        if (tab === "tree") use.treeview.refresh();
        if (tab === "flame") use.flame.render();
        if (tab === "timeline") use.timeline.draw();
    }

    function wire() {
        use.treeview.init({ head: $("tree-head"), body: $("tree-body"), spacer: $("tree-spacer"), rows: $("tree-rows") }, select);
        use.detail.init($("detail"), revealSite);
        use.flame.init({ canvas: $("flame-canvas"), tip: $("flame-tip"), crumbs: $("flame-crumbs") }, select);
        use.timeline.init({ canvas: $("timeline-canvas"), tip: $("timeline-tip"), range: $("timeline-range"), blocks: $("timeline-blocks") }, revealSite);
        use.glossary.render($("glossary"));
        use.export.init($("export-select"));

        $("open-input").addEventListener("change", function (e) {
            var file = e.target.files[0];
            e.target.value = "";
            if (file) open({ text: readFile(file), name: file.name });
        });
        $("diff-input").addEventListener("change", function (e) {
            var file = e.target.files[0];
            e.target.value = "";
            if (!file) return;
            if (!st.a) { open({ text: readFile(file), name: file.name }); return; }
            var a = st.a;
            openModels(a, { text: readFile(file), name: file.name });
        });
        $("swap-button").addEventListener("click", function () {
            if (st.a && st.b) { var t = {}; show(st.b, st.a, t); }
        });
        $("undiff-button").addEventListener("click", function () {
            if (st.a) { var t = {}; show(st.a, null, t); }
        });
        document.getElementById("tabs").addEventListener("click", function (e) {
            var tab = e.target.getAttribute("data-tab");
            if (tab) switchTab(tab);
        });
        $("sort-select").addEventListener("change", function (e) { setSort(e.target.value); });
        $("direction-select").addEventListener("change", function (e) { st.direction = e.target.value; rebuildTree(); if (st.tab !== "tree") switchTab(st.tab); });
        var timer = null;
        $("filter-input").addEventListener("input", function (e) {
            clearTimeout(timer);
            timer = setTimeout(function () { st.filter = e.target.value; rebuildTree(); if (st.tab !== "tree") switchTab(st.tab); }, FILTER_DELAY_MS);
        });
        $("flame-metric").addEventListener("change", function (e) {
            st.flameMetric = use.metrics.BY_ID[e.target.value];
            use.flame.set(st.tree, st.flameMetric);
            use.flame.render();
        });
        $("findings-list").addEventListener("click", function (e) {
            var row = e.target.closest("[data-site]");
            if (row) revealSite(Number(row.getAttribute("data-site")));
        });
        wireDrop();
        fromQuery();
    }

    // A diff with an already-checked A: only B needs parsing.
    async function openModels(a, sourceB) {
        if (st.loading) return;
        st.loading = true;
        try {
            setStatus("Reading…");
            var text = await sourceB.text;
            var b = parse(text, sourceB.name), t = {};
            show(a, b, t);
            setStatus(use.format.int(a.nSites) + " + " + use.format.int(b.nSites) + " sites");
            showMessage("");
        } catch (e) {
            setStatus("");
            showMessage(e.message || String(e));
        } finally {
            st.loading = false;
        }
    }

    function wireDrop() {
        var overlay = $("drop-overlay"), depth = 0;
        window.addEventListener("dragenter", function (e) { e.preventDefault(); depth++; overlay.hidden = false; });
        window.addEventListener("dragleave", function () { if (--depth <= 0) { depth = 0; overlay.hidden = true; } });
        window.addEventListener("dragover", function (e) { e.preventDefault(); });
        window.addEventListener("drop", function (e) {
            e.preventDefault();
            depth = 0;
            overlay.hidden = true;
            var files = e.dataTransfer && e.dataTransfer.files;
            if (!files || !files.length) return;
            var a = { text: readFile(files[0]), name: files[0].name };
            var b = files.length > 1 ? { text: readFile(files[1]), name: files[1].name } : null;
            open(a, b);
        });
    }

    function fromQuery() {
        var params = new URLSearchParams(location.search);
        var file = params.get("file"), base = params.get("base");
        if (!file) return;
        if (base) {
            var fa = fetchText(base), fb = fetchText(file);
            open({ text: fa.then(function (r) { return r.text; }), name: base.split("/").pop() },
                 { text: fb.then(function (r) { return r.text; }), name: file.split("/").pop() });
        } else {
            var f = fetchText(file);
            // `heaphunt view` serves every profile as /profile.json and
            // passes the file's own name as ?name=.
            open({ text: f.then(function (r) { return r.text; }), name: params.get("name") || file.split("/").pop() || file });
        }
    }

    // For tests and the benchmark: open JSON text as if it were a file.
    function openText(text, name, textB, nameB) {
        return open({ text: text, name: name }, textB === undefined ? null : { text: textB, name: nameB });
    }

    document.addEventListener("DOMContentLoaded", wire);
    return { state: st, open: open, openText: openText, setSort: setSort, switchTab: switchTab, revealSite: revealSite };
});
