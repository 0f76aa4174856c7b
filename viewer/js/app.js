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
   view (groups of sites, frames.js), tree, first render, with a repaint
   between steps so the status line moves; then the findings, which fill
   the Findings tab and the tree's findings column a moment after the tree
   is on screen (body[data-findings] turns from "pending" to "ready").  A failure at any step shows ONE message naming the
   file and the problem, and leaves whatever was open before untouched.
   The frame rules (which frames are library code) are rules.js's plus the
   user's expressions from the "Frames" settings; changing them recomputes
   the groups, the findings, the view and the tree.
   The load timings are kept in the state's timings (bench/viewer_bench.mjs reads
   them). */
"use strict";
HH.define("app", ["profile", "findings", "format", "view", "summary", "timeline", "metrics", "tree", "treeview", "flame", "detail", "glossary", "export", "frames", "rules"], function (use) {
    // V8 cannot hold a string longer than about 512 M characters: refuse
    // bigger files up front with a clear reason instead of a crash.
    var MAX_FILE_BYTES = 500 * 1024 * 1024;
    var FILTER_DELAY_MS = 180;
    var $ = function (id) { return document.getElementById(id); };
    var st = {
        a: null, b: null, view: null, tree: null,
        direction: "top-down", sort: null, filter: "", tab: "tree", selected: -1,
        flameMetric: null, timings: null, loading: false,
        compiled: use.frames.DEFAULT, frameSkip: "", frameKeep: "", findingsKind: null
    };
    // Findings rows the Findings tab writes at most (a big profile has
    // hundreds of thousands; the kinds' "+N more" rows stand for the rest).
    var MAX_FINDINGS_ROWS = 500;

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
        model.parseMs = performance.now() - t0;
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
            setStatus("Building the tree…");
            await nextFrame();
            // A heap profile opens on its findings, most harmful first, as
            // `heaphunt report` lists them: where to look.  A diff or
            // another mode opens on the tree.
            st.tab = a.mode === "heap" && !b ? "findings" : "tree";
            show(a, b, timings);
            timings.totalMs = performance.now() - t0;
            st.timings = timings;
            setStatus(use.format.int(a.nSites) + (b ? " + " + use.format.int(b.nSites) : "") + " sites, opened in " +
                (timings.totalMs / 1000).toFixed(2) + " s");
            showMessage("");
        } catch (e) {
            setStatus("");
            showMessage(e && e.message ? e.message : String(e));
            return;
        } finally {
            st.loading = false;
        }
        await nextFrame();
        if (st.a === a && st.b === b) {
            completeFindings(timings);
            timings.findingsReadyMs = performance.now() - t0;
        }
    }

    // Whether a model's findings are computed under the current rules.
    function hasFindings(model) {
        return !model || model.findingsGroups === use.frames.groups(model, st.compiled);
    }

    // Compute what is missing, then put the findings on the page: the
    // tree's findings column (its sums dropped from the trees' caches), the
    // Findings tab and the detail panel.
    function completeFindings(timings) {
        if (!st.view) return;
        var t = performance.now();
        [st.a, st.b].forEach(function (m) { if (!hasFindings(m)) use.findings.compute(m, st.compiled); });
        if (timings) timings.findingsMs = performance.now() - t;
        use.view.addFindings(st.view);
        [treeCache["top-down"], treeCache["bottom-up"], st.tree].forEach(function (tree) {
            if (!tree) return;
            ["A", "B"].forEach(function (side) { delete tree.colCache[side].findings; delete tree.rootCache[side].findings; });
            if (st.sort.id === "findings") tree.sortedFor.fill(undefined);
        });
        use.treeview.refresh();
        renderFindings();
        select(st.selected);
        document.body.setAttribute("data-findings", "ready");
    }

    function show(a, b, timings) {
        var t = performance.now();
        st.a = a; st.b = b;
        st.view = b ? use.view.diff(a, b, st.compiled) : use.view.single(a, st.compiled);
        st.findingsKind = null;
        document.body.setAttribute("data-findings", hasFindings(a) && hasFindings(b) ? "ready" : "pending");
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
        return use.view.matching(st.view, st.filter.trim().toLowerCase());
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

    // The Findings tab: what `heaphunt report` lists (findings.shown): most
    // harmful first, at most max_per_kind of a kind, then a "+N more like
    // this" row that lists the kind in full when clicked.
    function renderFindings() {
        var model = st.view.b || st.view.a, list = model.findingsList || [], f = use.format, html = "";
        var unitOf = st.view.b ? st.view.unitOfB : st.view.unitOfA;
        if (model.mode !== "heap") html = '<p class="note">Findings are computed for heap profiles only.</p>';
        else if (!hasFindings(model)) html = '<p class="note">Computing the findings…</p>';
        else if (!list.length) html = '<p class="note">No findings.</p>';
        else {
            var entries = use.findings.shown(model, list, st.compiled.thresholds, st.findingsKind, 0);
            if (st.findingsKind) {
                html += '<p class="note" id="findings-head">All ' + f.int(entries.length) + " findings of kind " + f.html(st.findingsKind) +
                    ' · <span class="more-row" data-kind="">back to all kinds</span></p>';
            } else {
                html += '<p class="note" id="findings-head">' + f.int(list.length) + " findings" + (st.view.b ? " in B (" + f.html(model.name) + ")" : "") +
                    ", most harmful first: memory held (pile-ups, leaks), then waste, then the peak. Click one to see its place in the Tree. " +
                    (model.hhVersion ? "" : "This is a plain DHAT file: only the leak, peak and fallback rules apply (the others need heaphunt's fields).") + "</p>";
            }
            for (var i = 0; i < Math.min(entries.length, MAX_FINDINGS_ROWS); i++) {
                var e = entries[i];
                if (e.more !== undefined) {
                    html += e.more ? '<span class="more-row" data-kind="' + e.more + '">+' + f.int(e.hidden) + " more like this</span>" :
                        '<p class="note">… and ' + f.int(e.hidden) + " more.</p>";
                    continue;
                }
                html += '<span class="finding-row" data-site="' + unitOf[e.group] + '" data-kind="' + e.kind + '"><span class="kind">' +
                    f.html(use.findings.KIND_TITLES[e.kind]) + '</span><span class="sentence">' + f.html(use.findings.sentence(model, e)) + "</span>" +
                    (e.summary ? "" : whereLine(model, e)) + "</span>";
            }
            if (entries.length > MAX_FINDINGS_ROWS) html += '<p class="note">… and ' + f.int(entries.length - MAX_FINDINGS_ROWS) + " more.</p>";
        }
        $("findings-list").innerHTML = html;
    }

    // Under a finding: the line to change (its group's responsible frame's
    // file:line) and who called it; a place with no frame of the program
    // is said to be library code.
    function whereLine(model, e) {
        var F = use.frames, fi = F.groupFrame(model, e.gr, e.group, 0), caller = F.groupFrame(model, e.gr, e.group, 1), f = use.format;
        if (fi < 0) return "";
        var frame = F.parse(model.ftbl[fi]), html = '<span class="finding-where">';
        if (e.gr.tiers[fi] !== F.PROGRAM) {
            html += "In library code, no frame of the program: " + f.html(F.display(model.ftbl[fi], model.objs));
        } else if (frame.where && !frame.inObject && /:\d+$/.test(frame.where)) {
            html += 'Line to change: <span class="line">' + f.html(frame.where) + "</span> in " + f.html(frame.fn);
        } else {
            html += "At " + f.html(F.display(model.ftbl[fi], model.objs));
        }
        if (caller >= 0) html += ", called from " + f.html(F.display(model.ftbl[caller], model.objs));
        return html + "</span>";
    }

    // The "Frames" settings: the user's expressions for library frames
    // (skipped when naming a site) and program frames (kept).  A bad
    // expression is reported and changes nothing.
    function applyFrameRules() {
        var skip = $("skip-frames-input").value.trim(), keep = $("keep-frames-input").value.trim(), compiled;
        if (skip === st.frameSkip && keep === st.frameKeep) return;
        try {
            compiled = use.frames.withFrames(use.rules, skip ? [skip] : [], keep ? [keep] : []);
        } catch (e) {
            showMessage("Frames: " + (e && e.message || e) + ".");
            return;
        }
        showMessage("");
        st.frameSkip = skip; st.frameKeep = keep; st.compiled = compiled;
        if (!st.a) return;
        show(st.a, st.b, {});
        completeFindings(null);
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
            var more = e.target.closest(".more-row");
            if (more) {
                st.findingsKind = more.getAttribute("data-kind") || null;
                renderFindings();
                return;
            }
            var row = e.target.closest("[data-site]");
            if (row) revealSite(Number(row.getAttribute("data-site")));
        });
        ["skip-frames-input", "keep-frames-input"].forEach(function (id) {
            $(id).addEventListener("change", applyFrameRules);
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
            st.tab = "tree";
            show(a, b, t);
            completeFindings(t);
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
    // For tests: set the Frames settings as a user would, then apply them.
    function setFrameRules(skip, keep) {
        $("skip-frames-input").value = skip || "";
        $("keep-frames-input").value = keep || "";
        applyFrameRules();
    }

    return { state: st, open: open, openText: openText, setSort: setSort, switchTab: switchTab, revealSite: revealSite,
             setFrameRules: setFrameRules };
});
