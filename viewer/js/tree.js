/* tree.js: the allocation tree of a view, top-down or bottom-up, in flat
   typed arrays.

   Top-down: the root's children are the outermost frames (main, _start),
   and a path ends at the allocating function.  Bottom-up (inverted, the way
   dh_view.html shows it): the root's children are the allocating functions,
   and a path goes out through their callers.  Each node is one frame on one
   path; a site adds its numbers to every node of its path, so a node holds
   the sums over the sites below it.

   Nodes are numbered in creation order, so a node's parent always has a
   smaller number: one backwards pass adds children into parents.  Column
   sums are computed only when a column is first asked for (a 500,000-site
   profile has millions of nodes and the page shows about ten columns).
   Children are kept in one array (CSR) and sorted only when their parent
   is shown. */
"use strict";
HH.define("tree", ["metrics", "view"], function (use) {
    // Open-addressing hash table (parent node, frame) -> child node, in one
    // Int32Array of (parent, frame, child) triples, so a probe touches one
    // cache line: a JS Map keyed by parent*nFrames+frame makes heap-number
    // keys past 2^31 and is several times slower on a million nodes.  It
    // starts small and doubles when half full (the node count is not known
    // up front; the number of frames is a loose upper bound).
    function ChildTable(capacity) {
        var size = 1024;
        while (size < capacity * 2) size <<= 1;
        this.alloc(size);
    }
    ChildTable.prototype.alloc = function (size) {
        this.mask = size - 1;
        this.used = 0;
        this.t = new Int32Array(size * 3).fill(-1);
    };
    ChildTable.prototype.slot = function (parent, frame) {
        var t = this.t, mask = this.mask;
        var h = (Math.imul(parent, 0x9E3779B1) ^ Math.imul(frame + 1, 0x85EBCA77)) & mask;
        for (;;) {
            var p = t[h * 3];
            if (p === -1 || (p === parent && t[h * 3 + 1] === frame)) return h;
            h = (h + 1) & mask;
        }
    };
    ChildTable.prototype.put = function (h, parent, frame, child) {
        var t = this.t;
        t[h * 3] = parent; t[h * 3 + 1] = frame; t[h * 3 + 2] = child;
        if (++this.used * 2 > this.mask + 1) {
            var old = t, n = old.length;
            this.alloc((this.mask + 1) * 2);
            this.used = 0;
            for (var i = 0; i < n; i += 3) {
                if (old[i] === -1) continue;
                var k = this.slot(old[i], old[i + 1]);
                this.t[k * 3] = old[i]; this.t[k * 3 + 1] = old[i + 1]; this.t[k * 3 + 2] = old[i + 2];
                this.used++;
            }
        }
    };

    // direction: "top-down" | "bottom-up"; include: Uint8Array(nSites) or null.
    function build(view, direction, include) {
        var n = view.nSites;
        var cap = view.fsFlat.length + 1;
        var parent = new Int32Array(cap), frame = new Int32Array(cap), depth = new Int32Array(cap);
        parent[0] = -1; frame[0] = -1; depth[0] = 0;
        var bottomUp = direction === "bottom-up";
        // Bottom-up paths share little past the allocating function: most
        // frames make a node, so size the table for all of them at once.
        var count = 1, table = new ChildTable(bottomUp ? cap : Math.min(cap, 4 * n + 1024));
        var siteEnd = new Int32Array(n).fill(-1);
        for (var s = 0; s < n; s++) {
            if (include && !include[s]) continue;
            var a = view.fsStart[s], b = view.fsStart[s + 1], node = 0;
            for (var k = 0; k < b - a; k++) {
                var f = view.fsFlat[bottomUp ? a + k : b - 1 - k];
                var h = table.slot(node, f), kid;
                if (table.t[h * 3] === -1) {
                    kid = count++;
                    parent[kid] = node; frame[kid] = f; depth[kid] = depth[node] + 1;
                    table.put(h, node, f, kid);
                } else {
                    kid = table.t[h * 3 + 2];
                }
                node = kid;
            }
            siteEnd[s] = node;
        }
        table = null;
        return finish(view, direction, parent, frame, depth, count, siteEnd);
    }

    // The tree of the sites in `include` (Uint8Array(nSites)), cut out of
    // the whole tree `full` (built with no filter) instead of rebuilt: mark
    // the end node of every included site and its ancestors, then keep the
    // marked nodes in their order (a parent still comes before its
    // children).  One pass over the sites and one over the nodes.
    function subset(full, include) {
        var n = full.view.nSites, size = full.size, mark = new Uint8Array(size);
        var fParent = full.parent, fEnd = full.siteEnd, s, x;
        mark[0] = 1;
        for (s = 0; s < n; s++) {
            if (!include[s] || fEnd[s] < 0) continue;
            for (x = fEnd[s]; !mark[x]; x = fParent[x]) mark[x] = 1;
        }
        var newIndex = new Int32Array(size), count = 0, i;
        for (i = 0; i < size; i++) if (mark[i]) newIndex[i] = count++;
        var parent = new Int32Array(count), frame = new Int32Array(count), depth = new Int32Array(count);
        var fFrame = full.frame, fDepth = full.depth;
        for (i = 0; i < size; i++) {
            if (!mark[i]) continue;
            var k = newIndex[i];
            parent[k] = i === 0 ? -1 : newIndex[fParent[i]];
            frame[k] = fFrame[i];
            depth[k] = fDepth[i];
        }
        var siteEnd = new Int32Array(n).fill(-1);
        for (s = 0; s < n; s++) if (include[s] && fEnd[s] >= 0) siteEnd[s] = newIndex[fEnd[s]];
        return finish(full.view, full.direction, parent, frame, depth, count, siteEnd);
    }

    function finish(view, direction, parent, frame, depth, count, siteEnd) {
        var n = view.nSites, i, s;
        // Children in CSR form: childStart[p] .. childStart[p+1] in `children`.
        var childStart = new Int32Array(count + 1), children = new Int32Array(Math.max(0, count - 1));
        for (i = 1; i < count; i++) childStart[parent[i] + 1]++;
        for (i = 0; i < count; i++) childStart[i + 1] += childStart[i];
        var fill = childStart.slice(0, count);
        for (i = 1; i < count; i++) children[fill[parent[i]]++] = i;
        // Sites ending at each node, CSR likewise (for "sites under a node").
        var endStart = new Int32Array(count + 1), included = 0;
        for (s = 0; s < n; s++) if (siteEnd[s] >= 0) { endStart[siteEnd[s] + 1]++; included++; }
        for (i = 0; i < count; i++) endStart[i + 1] += endStart[i];
        var ends = new Int32Array(included), efill = endStart.slice(0, count);
        for (s = 0; s < n; s++) if (siteEnd[s] >= 0) ends[efill[siteEnd[s]]++] = s;
        return {
            view: view, direction: direction, size: count,
            parent: parent.subarray(0, count), frame: frame.subarray(0, count), depth: depth.subarray(0, count),
            childStart: childStart, children: children,
            endStart: endStart, ends: ends, siteEnd: siteEnd, nIncluded: included,
            colCache: { A: {}, B: {} }, rootCache: { A: {}, B: {} },
            sortedFor: new Array(count), // metric key each node's children are sorted by
            expanded: new Uint8Array(count)
        };
    }

    // Sums (or min/max) of one raw column over every node's subtree.
    function nodeColumn(tree, side, name, agg) {
        var cache = tree.colCache[side];
        if (cache[name]) return cache[name];
        var cols = side === "A" ? tree.view.colsA : tree.view.colsB;
        var src = cols && cols[name], out = new Float64Array(tree.size);
        if (!src) return (cache[name] = out);
        var parent = tree.parent, ends = tree.siteEnd, s, i;
        if (agg === "min" || agg === "max") {
            var isMin = agg === "min";
            out.fill(isMin ? Infinity : -Infinity);
            for (s = 0; s < ends.length; s++) {
                if (ends[s] < 0) continue;
                var v = src[s], e = ends[s];
                if (isMin ? v < out[e] : v > out[e]) out[e] = v;
            }
            for (i = tree.size - 1; i > 0; i--) {
                var p = parent[i];
                if (isMin ? out[i] < out[p] : out[i] > out[p]) out[p] = out[i];
            }
            for (i = 0; i < tree.size; i++) if (!Number.isFinite(out[i])) out[i] = 0;
        } else {
            for (s = 0; s < ends.length; s++) if (ends[s] >= 0) out[ends[s]] += src[s];
            for (i = tree.size - 1; i > 0; i--) out[parent[i]] += out[i];
        }
        return (cache[name] = out);
    }

    // The root's value of one raw column: one pass over the sites, so the
    // detail panel of the root (every metric) does not make every column's
    // sums over the whole tree.
    function rootColumn(tree, side, name, agg) {
        var cache = tree.rootCache[side];
        if (name in cache) return cache[name];
        var cols = side === "A" ? tree.view.colsA : tree.view.colsB;
        var src = cols && cols[name], ends = tree.siteEnd, s;
        if (!src) return (cache[name] = 0);
        var out;
        if (agg === "min" || agg === "max") {
            var isMin = agg === "min";
            out = isMin ? Infinity : -Infinity;
            for (s = 0; s < ends.length; s++) {
                if (ends[s] < 0) continue;
                if (isMin ? src[s] < out : src[s] > out) out = src[s];
            }
            if (!Number.isFinite(out)) out = 0;
        } else {
            out = 0;
            for (s = 0; s < ends.length; s++) if (ends[s] >= 0) out += src[s];
        }
        return (cache[name] = out);
    }

    function sideValue(tree, side, m, node) {
        return use.metrics.value(m, function (name) {
            if (node === 0 && !tree.colCache[side][name]) return rootColumn(tree, side, name, m.agg);
            return nodeColumn(tree, side, name, m.agg)[node];
        });
    }

    // The value a node shows for metric m: A's, or B - A in a diff.
    function value(tree, m, node) {
        var a = sideValue(tree, "A", m, node);
        return tree.view.isDiff ? sideValue(tree, "B", m, node) - a : a;
    }

    function siteCount(tree, side, node) {
        return nodeColumn(tree, side, "sites")[node];
    }

    // Sort key: in a diff, the biggest change either way comes first.
    function sortKey(tree, m, node) {
        var v = value(tree, m, node);
        return tree.view.isDiff ? Math.abs(v) : v;
    }

    function label(tree, node) {
        if (node === 0) return tree.direction === "bottom-up" ? "all sites (bottom-up)" : "all sites (top-down)";
        return use.view.frame(tree.view, tree.frame[node]).fn;
    }

    // Children of `node`, sorted by metric m (biggest first, ties by name).
    function sortedChildren(tree, node, m) {
        var a = tree.childStart[node], b = tree.childStart[node + 1];
        if (b - a > 1 && tree.sortedFor[node] !== m.id) {
            var kids = tree.children.subarray(a, b), n = kids.length;
            var keys = new Float64Array(n), order = new Array(n), labels = new Array(n);
            for (var i = 0; i < n; i++) { keys[i] = sortKey(tree, m, kids[i]); order[i] = i; }
            // Labels only for tied keys, and once each, not per comparison.
            order.sort(function (x, y) {
                if (keys[y] !== keys[x]) return keys[y] - keys[x];
                var lx = labels[x], ly = labels[y];
                if (lx === undefined) lx = labels[x] = label(tree, kids[x]);
                if (ly === undefined) ly = labels[y] = label(tree, kids[y]);
                return lx < ly ? -1 : lx > ly ? 1 : kids[x] - kids[y];
            });
            var sorted = new Int32Array(n);
            for (i = 0; i < n; i++) sorted[i] = kids[order[i]];
            kids.set(sorted);
            tree.sortedFor[node] = m.id;
        }
        return tree.children.subarray(a, b);
    }

    function childCount(tree, node) { return tree.childStart[node + 1] - tree.childStart[node]; }

    // The rows on screen: every node whose ancestors are all expanded, in
    // display order.  Proportional to what is expanded, not to the tree.
    function visibleRows(tree, m) {
        var rows = [], stack = [0];
        while (stack.length) {
            var node = stack.pop();
            rows.push(node);
            if (tree.expanded[node]) {
                var kids = sortedChildren(tree, node, m);
                for (var i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
            }
        }
        return rows;
    }

    // Open the tree where the metric is: the root, then every child holding
    // at least `share` of its parent's value, down a few levels, and single-
    // child chains all the way (they hide nothing).
    function autoExpand(tree, m, share, maxRows) {
        var total = Math.abs(sortKey(tree, m, 0)) || 1, budget = maxRows, queue = [0];
        tree.expanded[0] = 1;
        while (queue.length && budget > 0) {
            var node = queue.shift();
            var kids = sortedChildren(tree, node, m);
            budget -= kids.length;
            for (var i = 0; i < kids.length; i++) {
                var k = kids[i];
                if (childCount(tree, k) === 0) continue;
                if (kids.length === 1 || sortKey(tree, m, k) >= share * total) {
                    tree.expanded[k] = 1;
                    queue.push(k);
                }
            }
        }
    }

    // Every site in the subtree of `node`.
    function sitesUnder(tree, node) {
        var out = [], stack = [node];
        while (stack.length) {
            var x = stack.pop();
            for (var e = tree.endStart[x]; e < tree.endStart[x + 1]; e++) out.push(tree.ends[e]);
            for (var c = tree.childStart[x]; c < tree.childStart[x + 1]; c++) stack.push(tree.children[c]);
        }
        return out;
    }

    function pathTo(tree, node) {
        var path = [];
        for (var x = node; x > 0; x = tree.parent[x]) path.push(x);
        return path.reverse();
    }

    // Node for a site (its path's end) -- expands the path so it is visible.
    function reveal(tree, site) {
        var node = tree.siteEnd[site];
        if (node < 0) return -1;
        for (var x = tree.parent[node]; x >= 0; x = tree.parent[x]) tree.expanded[x] = 1;
        return node;
    }

    return {
        build: build, subset: subset, nodeColumn: nodeColumn, value: value, sideValue: sideValue, siteCount: siteCount,
        sortKey: sortKey, label: label, sortedChildren: sortedChildren, childCount: childCount,
        visibleRows: visibleRows, autoExpand: autoExpand, sitesUnder: sitesUnder, pathTo: pathTo, reveal: reveal
    };
});
