/* metrics.js: every number the viewer can show, sort by or draw, in one table.

   A metric is computed from the per-node sums of the raw per-site columns
   (profile.js): "tb" is itself a column, "Average lifetime" is tl / tbk of
   the same node, so that a tree node aggregating many sites shows the right
   ratio (not an average of averages).  Each entry says its unit, whether it
   adds up (only additive metrics can size a flame graph's boxes), which
   columns it needs (a metric whose columns the file lacks is hidden: a plain
   DHAT file has no hh* columns, a copy-mode file only tb/tbk), and where it
   is defined: an anchor in docs/json-format.md, shown in the glossary at the
   bottom of the page. */
"use strict";
HH.define("metrics", ["format"], function (use) {
    var DOC = "../docs/json-format.md";
    var SITE_DOC = DOC + "#per-site-program-point-fields";
    var FINDINGS_DOC = "../docs/findings.md";

    function ratio(a, b) { return b ? a / b : 0; }

    // kind: bytes | blocks | instrs | perbyte | percent | count
    var LIST = [
        { id: "tb", label: "Total bytes", short: "Total B", kind: "bytes", cols: ["tb"], additive: true,
          doc: SITE_DOC, explain: "bytes allocated over the whole run (tb); a realloc adds its new size" },
        { id: "tbk", label: "Total blocks", short: "Blocks", kind: "blocks", cols: ["tbk"], additive: true,
          doc: SITE_DOC, explain: "blocks allocated over the whole run (tbk); a realloc counts as one more block" },
        { id: "avgSize", label: "Average size", short: "Avg size", kind: "bytes", cols: ["tb", "tbk"],
          value: function (g) { return ratio(g("tb"), g("tbk")); },
          doc: SITE_DOC, explain: "tb / tbk: the average block size in bytes" },
        { id: "avgLife", label: "Average lifetime", short: "Avg life", kind: "instrs", cols: ["tl", "tbk"],
          value: function (g) { return ratio(g("tl"), g("tbk")); },
          doc: SITE_DOC, explain: "tl / tbk: instructions from allocation to free (or to the end) per block" },
        { id: "tl", label: "Total lifetimes", short: "Lifetimes", kind: "instrs", cols: ["tl"], additive: true,
          doc: SITE_DOC, explain: "tl: the sum of the blocks' lifetimes, in instructions" },
        { id: "mb", label: "Max bytes (site)", short: "Max B", kind: "bytes", cols: ["mb"], perSite: true,
          doc: SITE_DOC, explain: "mb: the most bytes the site had live at one moment (shown only for a single site)" },
        { id: "mbk", label: "Max blocks (site)", short: "Max blk", kind: "blocks", cols: ["mbk"], perSite: true,
          doc: SITE_DOC, explain: "mbk: the site's live blocks when it reached mb" },
        { id: "gb", label: "At t-gmax bytes", short: "t-gmax B", kind: "bytes", cols: ["gb"], additive: true,
          doc: SITE_DOC, explain: "gb: bytes live at the global peak (time tg)" },
        { id: "gbk", label: "At t-gmax blocks", short: "t-gmax blk", kind: "blocks", cols: ["gbk"], additive: true,
          doc: SITE_DOC, explain: "gbk: blocks live at the global peak" },
        { id: "eb", label: "At t-end bytes", short: "t-end B", kind: "bytes", cols: ["eb"], additive: true,
          doc: SITE_DOC, explain: "eb: bytes still live at the end (time te): leaked or never freed" },
        { id: "ebk", label: "At t-end blocks", short: "t-end blk", kind: "blocks", cols: ["ebk"], additive: true,
          doc: SITE_DOC, explain: "ebk: blocks still live at the end" },
        { id: "rb", label: "Reads bytes", short: "Reads B", kind: "bytes", cols: ["rb"], additive: true,
          doc: SITE_DOC, explain: "rb: bytes read from the blocks (loads and system calls)" },
        { id: "wb", label: "Writes bytes", short: "Writes B", kind: "bytes", cols: ["wb"], additive: true,
          doc: SITE_DOC, explain: "wb: bytes written to the blocks (stores and system calls)" },
        { id: "readsPerByte", label: "Reads per byte", short: "R/B", kind: "perbyte", cols: ["rb", "tb"],
          value: function (g) { return ratio(g("rb"), g("tb")); },
          doc: SITE_DOC, explain: "rb / tb: how many times each allocated byte was read, on average" },
        { id: "writesPerByte", label: "Writes per byte", short: "W/B", kind: "perbyte", cols: ["wb", "tb"],
          value: function (g) { return ratio(g("wb"), g("tb")); },
          doc: SITE_DOC, explain: "wb / tb: how many times each allocated byte was written, on average" },
        { id: "hhCopyInB", label: "Copied in bytes", short: "Copy in B", kind: "bytes", cols: ["hhCopyInB"], additive: true,
          doc: SITE_DOC, explain: "hhCopyInB: bytes memcpy-family calls copied into the blocks (as destination)" },
        { id: "hhCopyInK", label: "Copied in calls", short: "Copy in #", kind: "count", cols: ["hhCopyInK"], additive: true,
          doc: SITE_DOC, explain: "hhCopyInK: memcpy-family calls that copied into the blocks" },
        { id: "hhCopyOutB", label: "Copied out bytes", short: "Copy out B", kind: "bytes", cols: ["hhCopyOutB"], additive: true,
          doc: SITE_DOC, explain: "hhCopyOutB: bytes memcpy-family calls copied out of the blocks (as source)" },
        { id: "hhCopyOutK", label: "Copied out calls", short: "Copy out #", kind: "count", cols: ["hhCopyOutK"], additive: true,
          doc: SITE_DOC, explain: "hhCopyOutK: memcpy-family calls that copied out of the blocks" },
        { id: "hhNoAccK", label: "Never-accessed blocks", short: "No-acc blk", kind: "blocks", cols: ["hhNoAccK"], additive: true,
          doc: SITE_DOC, explain: "hhNoAccK: blocks never read nor written (calloc's zeroing aside)" },
        { id: "hhWriteOnlyK", label: "Write-only blocks", short: "W-only blk", kind: "blocks", cols: ["hhWriteOnlyK"], additive: true,
          doc: SITE_DOC, explain: "hhWriteOnlyK: blocks written but never read" },
        { id: "hhReadOnlyAfterInitK", label: "Read-only-after-init blocks", short: "RO-init blk", kind: "blocks", cols: ["hhReadOnlyAfterInitK"], additive: true,
          doc: SITE_DOC, explain: "hhReadOnlyAfterInitK: blocks read, and never written after their first read" },
        { id: "hhShortK", label: "Short-lived blocks", short: "Short blk", kind: "blocks", cols: ["hhShortK"], additive: true,
          doc: SITE_DOC, explain: "hhShortK: blocks freed less than tuth (500) instructions after allocation" },
        { id: "hhIdleI", label: "Idle time", short: "Idle", kind: "instrs", cols: ["hhIdleI"], additive: true,
          doc: SITE_DOC, explain: "hhIdleI: summed over blocks, instructions from the last access (or allocation) to the free or the end" },
        { id: "idleFrac", label: "Idle fraction of lifetime", short: "Idle %", kind: "percent", cols: ["hhIdleI", "tl"],
          value: function (g) { return ratio(g("hhIdleI"), g("tl")); },
          doc: SITE_DOC, explain: "hhIdleI / tl: the share of the blocks' lives spent after their last use" },
        { id: "hhStaleEndB", label: "Stale at end bytes", short: "Stale B", kind: "bytes", cols: ["hhStaleEndB"], additive: true,
          doc: SITE_DOC, explain: "hhEndIdleDeciles buckets 0-7: bytes live at the end whose last access was before 80% of the run" },
        { id: "hhLostB", label: "Lost at exit bytes", short: "Lost B", kind: "bytes", cols: ["hhLostB"], additive: true,
          doc: SITE_DOC, explain: "hhLostB: bytes live at exit that no pointer reaches (memcheck's definitely and indirectly lost); the rest of eb is still reachable" },
        { id: "hhLostK", label: "Lost at exit blocks", short: "Lost blk", kind: "blocks", cols: ["hhLostK"], additive: true,
          doc: SITE_DOC, explain: "hhLostK: blocks live at exit that no pointer reaches" },
        { id: "hhFirstT", label: "First allocation time", short: "First t", kind: "instrs", cols: ["hhFirstT"], agg: "min",
          doc: SITE_DOC, explain: "hhFirstT: the earliest allocation of the site's blocks (minimum over a node's sites)" },
        { id: "hhLastT", label: "Last free time", short: "Last t", kind: "instrs", cols: ["hhLastT"], agg: "max",
          doc: SITE_DOC, explain: "hhLastT: the latest free (or te) of the site's blocks (maximum over a node's sites)" },
        { id: "findings", label: "Findings", short: "Findings", kind: "count", cols: ["findings"], additive: true,
          doc: FINDINGS_DOC, explain: "how many findings (leak, stale, never accessed, ...) the sites have; see the Findings tab" },
        { id: "sites", label: "Sites", short: "Sites", kind: "count", cols: ["sites"], additive: true,
          doc: SITE_DOC, explain: "how many allocation sites (pps entries) the node covers" }
    ];
    var BY_ID = {};
    LIST.forEach(function (m) { BY_ID[m.id] = m; });

    // The tree's columns, in order, when the file has them; the sort metric
    // is added when it is not one of these.
    var DEFAULT_COLUMNS = ["tb", "tbk", "avgLife", "gb", "eb", "rb", "wb", "hhCopyOutB", "idleFrac", "findings"];

    function available(model, m) {
        for (var i = 0; i < m.cols.length; i++) {
            var c = m.cols[i];
            if (c === "findings" || c === "sites") continue;
            if (!model.cols[c]) return false;
        }
        if (m.id === "findings") return model.mode === "heap";
        return true;
    }

    function availableList(model) {
        return LIST.filter(function (m) { return available(model, m); });
    }

    // The value of metric m given a getter of aggregated columns.
    function value(m, get) {
        return m.value ? m.value(get) : get(m.cols[0]);
    }

    function format(m, v, signed) {
        var f = use.format;
        if (m.kind === "percent") return (signed && v > 0 ? "+" : "") + (100 * v).toFixed(0) + "%";
        if (m.kind === "perbyte") return (signed && v > 0 ? "+" : "") + v.toFixed(2);
        if (m.id === "avgSize" || m.id === "avgLife") return (signed && v > 0 ? "+" : "") + f.int(v);
        return signed ? f.signedInt(v) : f.int(v);
    }

    function shortFormat(m, v) {
        if (m.kind === "bytes") return use.format.shortBytes(v);
        if (m.kind === "percent") return (100 * v).toFixed(0) + "%";
        if (m.kind === "perbyte") return v.toFixed(2);
        return use.format.shortCount(v);
    }

    // Unit words for copy and ad-hoc mode files (DHAT's bsu/bksu).
    function label(model, m) {
        if (model.mode !== "heap") {
            if (m.id === "tb") return "Total " + model.bytesUnit;
            if (m.id === "tbk") return "Total " + model.blocksUnit;
        }
        return m.label;
    }

    return {
        LIST: LIST, BY_ID: BY_ID, DEFAULT_COLUMNS: DEFAULT_COLUMNS,
        available: available, availableList: availableList,
        value: value, format: format, shortFormat: shortFormat, label: label,
        DOC: DOC, FINDINGS_DOC: FINDINGS_DOC
    };
});
