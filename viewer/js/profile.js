/* profile.js: check a parsed DHAT/heaphunt JSON object and turn it into the
   viewer's compact model.

   The model is column-oriented: one Float64Array per per-site number
   ("tb", "tbk", "tl", ..., "hhIdleI"), the frame lists flattened into one
   Int32Array with offsets, and the frame table kept as strings.  Nothing
   else of the parsed JSON is kept (except each site's small run-length "acc"
   array, decoded only when a site is shown), so a 100 MB profile costs a few
   typed arrays once it is loaded.

   The checks follow what Valgrind's dh_view.js requires (dhatFileVersion 2,
   the mode's fields, "bklt"/"bkacc" deciding which per-site fields must be
   present) plus heaphunt's extra fields (docs/json-format.md and the v2
   extra fields: hhTotals, hhTimeline, hhCheckpoints, hhCopySites, hhHist
   and each site's hhH history, hhReach, hhObjs, per-site hh* numbers).
   A site's history is kept as its (instant, bytes, blocks) triples, all
   sites' in one Float64Array with offsets (histStart), like the frames.  A file that fails a check throws ProfileError with ONE
   sentence naming the field and what was found, e.g.
   'pps[12].tb is "abc", expected a number'.

   Frames inside a tool's preload ("... (in .../vgpreload_dhat-amd64-linux.so)",
   which DHAT lists and heaphunt hides) are dropped from the stacks, so that a
   DHAT profile and a heaphunt profile of the same program have the same
   trees and can be diffed. */
"use strict";
HH.define("profile", ["format", "rules"], function (use) {
    function ProfileError(message) {
        this.name = "ProfileError";
        this.message = message;
    }
    ProfileError.prototype = Object.create(Error.prototype);

    var EXPECTED_FILE_VERSION = 2;
    // Decoded access histograms longer than this are refused: a hostile
    // "-1e15, 1" would otherwise make the page allocate without bound.
    var MAX_ACC_OFFSETS = 1 << 24;

    // Per-site numbers, by the condition under which a file has them.
    var BASE_FIELDS = ["tb", "tbk"];
    var BKLT_FIELDS = ["tl", "mb", "mbk", "gb", "gbk", "eb", "ebk"];
    var BKACC_FIELDS = ["rb", "wb"];
    // heaphunt's optional per-site numbers: a file has all or none of each,
    // but readers must accept them missing (plain DHAT files).
    var HH_SITE_FIELDS = ["hhCopyInB", "hhCopyInK", "hhCopyOutB", "hhCopyOutK",
        "hhNoAccK", "hhWriteOnlyK", "hhReadOnlyAfterInitK", "hhShortK",
        "hhIdleI", "hhFirstT", "hhLastT", "hhLostB", "hhLostK"];
    var TOTALS_FIELDS = ["tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb", "cb", "cbk", "lb", "lbk"];
    // hhEndIdleDeciles buckets before the rules' stale window (0..7 for the
    // last 20% of the run): bytes live at the end not accessed since.
    var STALE_DECILES = 10 - use.rules.thresholds.stale_window_percent / 10;
    var HIST_KINDS = "scge";

    function fail(msg) { throw new ProfileError(msg); }

    function describe(v) {
        if (v === null) return "null";
        if (Array.isArray(v)) return "an array";
        if (typeof v === "string") {
            return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
        }
        if (typeof v === "object") return "an object";
        return String(v);
    }

    function isCount(v) { return typeof v === "number" && v >= 0 && Number.isFinite(v); }

    function needCount(obj, key, where) {
        var v = obj[key];
        if (v === undefined) fail(where + " has no \"" + key + "\" field");
        if (!isCount(v)) fail(where + "." + key + " is " + describe(v) + ", expected a number >= 0");
        return v;
    }

    function needType(obj, key, type, where) {
        var v = obj[key];
        if (v === undefined) fail(where + " has no \"" + key + "\" field");
        var ok = type === "array" ? Array.isArray(v) : typeof v === type && v !== null && !Array.isArray(v);
        if (!ok) fail(where + "." + key + " is " + describe(v) + ", expected " +
                      (type === "array" ? "an array" : type === "object" ? "an object" : "a " + type));
        return v;
    }

    function checkTop(data) {
        if (data === null || typeof data !== "object" || Array.isArray(data)) {
            fail("the file is JSON but not a DHAT profile: its top level is " + describe(data) +
                 ", expected an object with \"dhatFileVersion\"");
        }
        if (!("dhatFileVersion" in data)) {
            fail("the file is JSON but not a DHAT profile: it has no \"dhatFileVersion\" field");
        }
        if (data.dhatFileVersion !== EXPECTED_FILE_VERSION) {
            fail("dhatFileVersion is " + describe(data.dhatFileVersion) + ", this viewer reads version " +
                 EXPECTED_FILE_VERSION + " (Valgrind 3.15 and later)");
        }
        var mode = needType(data, "mode", "string", "the file");
        if (mode !== "heap" && mode !== "copy" && mode !== "ad-hoc") {
            fail("mode is " + describe(mode) + ", expected \"heap\", \"copy\" or \"ad-hoc\"");
        }
        needType(data, "verb", "string", "the file");
        needType(data, "bklt", "boolean", "the file");
        needType(data, "bkacc", "boolean", "the file");
        needType(data, "tu", "string", "the file");
        needType(data, "Mtu", "string", "the file");
        needType(data, "cmd", "string", "the file");
        needCount(data, "pid", "the file");
        needCount(data, "te", "the file");
        if (data.bklt) {
            needCount(data, "tg", "the file");
            needCount(data, "tuth", "the file");
        }
        needType(data, "pps", "array", "the file");
        var ftbl = needType(data, "ftbl", "array", "the file");
        for (var i = 0; i < ftbl.length; i++) {
            if (typeof ftbl[i] !== "string") fail("ftbl[" + i + "] is " + describe(ftbl[i]) + ", expected a string");
        }
    }

    // Total number of offsets a run-length "acc" decodes to; checks shape.
    function accLength(acc, where) {
        var n = 0;
        for (var i = 0; i < acc.length; i++) {
            var v = acc[i];
            if (typeof v !== "number" || !Number.isInteger(v)) fail(where + ".acc[" + i + "] is " + describe(v) + ", expected an integer");
            if (v < 0) {
                if (i + 1 >= acc.length) fail(where + ".acc ends with a repeat count (" + v + ") and no value");
                var val = acc[i + 1];
                if (!Number.isInteger(val) || val < 0) fail(where + ".acc[" + (i + 1) + "] is " + describe(val) + ", expected a count >= 0");
                if (val > 65535) fail(where + ".acc[" + (i + 1) + "] is " + val + ", more than the largest count 65535");
                n += -v;
                i++;
            } else {
                if (v > 65535) fail(where + ".acc[" + i + "] is " + v + ", more than the largest count 65535");
                n += 1;
            }
            if (n > MAX_ACC_OFFSETS) fail(where + ".acc decodes to more than " + MAX_ACC_OFFSETS + " offsets");
        }
        return n;
    }

    function isPreloadFrame(frame) { return frame.indexOf("vgpreload_") >= 0; }

    // The checked, compact model of one file.  `name` is what messages call it.
    function build(data, name) {
        checkTop(data);
        var pps = data.pps, ftbl = data.ftbl, n = pps.length;
        var heap = data.mode === "heap";
        var fields = BASE_FIELDS.slice();
        if (data.bklt) fields = fields.concat(BKLT_FIELDS);
        if (data.bkacc) fields = fields.concat(BKACC_FIELDS);
        var hhFields = [];
        if (n > 0 && pps[0] && typeof pps[0] === "object") {
            for (var h = 0; h < HH_SITE_FIELDS.length; h++) {
                if (HH_SITE_FIELDS[h] in pps[0]) hhFields.push(HH_SITE_FIELDS[h]);
            }
        }
        var cols = {};
        var all = fields.concat(hhFields);
        for (var c = 0; c < all.length; c++) cols[all[c]] = new Float64Array(n);
        var hasDeciles = n > 0 && pps[0] && Array.isArray(pps[0].hhEndIdleDeciles);
        var deciles = hasDeciles ? new Float64Array(n * 10) : null;
        if (hasDeciles) cols.hhStaleEndB = new Float64Array(n);

        // Frame lists: count first so that one Int32Array holds them all.
        var preload = new Uint8Array(ftbl.length);
        for (var f = 0; f < ftbl.length; f++) preload[f] = isPreloadFrame(ftbl[f]) ? 1 : 0;
        var total_frames = 0, total_hist = 0, i, pp, where;
        for (i = 0; i < n; i++) {
            pp = pps[i];
            where = "pps[" + i + "]";
            if (pp === null || typeof pp !== "object" || Array.isArray(pp)) fail(where + " is " + describe(pp) + ", expected an object");
            var fs = needType(pp, "fs", "array", where);
            total_frames += fs.length;
            if (pp.hhH !== undefined) {
                if (!Array.isArray(pp.hhH)) fail(where + ".hhH is " + describe(pp.hhH) + ", expected an array of (instant, bytes, blocks) triples");
                total_hist += pp.hhH.length;
            }
        }
        var hist = history(data);
        var histStart = hist ? new Int32Array(n + 1) : null, histFlat = hist ? new Float64Array(total_hist) : null, h3 = 0;
        var fsStart = new Int32Array(n + 1);
        var fsFlat = new Int32Array(total_frames);
        var acc = new Array(n);
        var accLen = new Int32Array(n);
        var k = 0;
        var seenStacks = null; // only used for small files: dh_view's "repeated location"
        var cut = null;        // hhCut, per site (1: its stack was cut at --num-callers)
        for (i = 0; i < n; i++) {
            pp = pps[i];
            where = "pps[" + i + "]";
            for (c = 0; c < fields.length; c++) {
                var v = pp[fields[c]];
                // Fast path for the common case; needCount words the failure.
                if (typeof v === "number" && v >= 0 && v !== Infinity) cols[fields[c]][i] = v;
                else needCount(pp, fields[c], where);
            }
            for (c = 0; c < hhFields.length; c++) {
                var hv = pp[hhFields[c]];
                if (hv === undefined) hv = 0;
                else if (!isCount(hv)) fail(where + "." + hhFields[c] + " is " + describe(hv) + ", expected a number >= 0");
                cols[hhFields[c]][i] = hv;
            }
            if (hasDeciles) {
                var d = pp.hhEndIdleDeciles;
                if (!Array.isArray(d) || d.length !== 10) fail(where + ".hhEndIdleDeciles is " + describe(d) + ", expected an array of 10 numbers");
                var stale = 0;
                for (var j = 0; j < 10; j++) {
                    if (!isCount(d[j])) fail(where + ".hhEndIdleDeciles[" + j + "] is " + describe(d[j]) + ", expected a number >= 0");
                    deciles[i * 10 + j] = d[j];
                    if (j < STALE_DECILES) stale += d[j];
                }
                cols.hhStaleEndB[i] = stale;
            }
            var fsList = pp.fs;
            fsStart[i] = k;
            for (j = 0; j < fsList.length; j++) {
                var fi = fsList[j];
                if (!Number.isInteger(fi) || fi < 0 || fi >= ftbl.length) {
                    fail(where + ".fs[" + j + "] is " + describe(fi) + ", not an index into ftbl (which has " + ftbl.length + " entries)");
                }
                if (!preload[fi]) fsFlat[k++] = fi;
            }
            if (pp.acc !== undefined) {
                if (!Array.isArray(pp.acc)) fail(where + ".acc is " + describe(pp.acc) + ", expected an array");
                accLen[i] = accLength(pp.acc, where);
                acc[i] = pp.acc;
            } else {
                acc[i] = null;
            }
            if (hist) {
                histStart[i] = h3;
                if (pp.hhH !== undefined) h3 = siteHistory(pp.hhH, where + ".hhH", hist.t.length, histFlat, h3);
            } else if (pp.hhH !== undefined) {
                fail(where + ".hhH is there but the file has no hhHist (the instants it refers to)");
            }
            if (pp.hhCut !== undefined) {
                if (pp.hhCut !== true) fail(where + ".hhCut is " + describe(pp.hhCut) + ", expected true (or no hhCut)");
                (cut || (cut = new Uint8Array(n)))[i] = 1;
            }
            if (cols.hhLostB && cols.hhLostB[i] > (cols.eb ? cols.eb[i] : 0)) {
                fail(where + ".hhLostB is " + cols.hhLostB[i] + ", more than the site's eb (" + (cols.eb ? cols.eb[i] : 0) + ")");
            }
        }
        if (hist) histStart[n] = h3;
        fsStart[n] = k;
        if (k < total_frames) fsFlat = fsFlat.slice(0, k);

        var model = {
            name: name,
            mode: data.mode,
            verb: data.verb,
            byteUnit: typeof data.bu === "string" ? data.bu : "byte",
            bytesUnit: typeof data.bsu === "string" ? data.bsu : "bytes",
            // A copy-mode file counts memcpy-family calls, and DHAT names no unit.
            blocksUnit: typeof data.bksu === "string" ? data.bksu : data.mode === "copy" ? "calls" : "blocks",
            bklt: data.bklt, bkacc: data.bkacc,
            tu: data.tu, Mtu: data.Mtu,
            tuth: data.bklt ? data.tuth : 0,
            cmd: data.cmd, pid: data.pid,
            te: data.te, tg: data.bklt ? data.tg : 0,
            hhVersion: typeof data.hhVersion === "string" ? data.hhVersion : null,
            hhHistLimit: isCount(data.hhHistLimit) ? data.hhHistLimit : null,
            nSites: n,
            cols: cols,
            fsStart: fsStart, fsFlat: fsFlat,
            acc: acc, accLen: accLen,
            deciles: deciles,
            ftbl: ftbl,
            frameCache: new Array(ftbl.length),
            totals: null, totalsFromFile: false,
            copies: data.hhCopies === true,
            timeline: null,
            checkpoints: [],
            copySites: null,
            hist: hist, histStart: histStart, histFlat: histFlat,
            reach: data.hhReach === true,
            objs: objects(data),
            frameDirs: frameDirs(data, ftbl.length),
            numCallers: isCount(data.hhNumCallers) ? data.hhNumCallers : null,
            cut: cut
        };
        model.totals = totals(data, model);
        model.timeline = timeline(data);
        model.checkpoints = checkpoints(data, hist ? hist.t.length : 0);
        model.copySites = copySites(data, n, preload);
        return model;
    }

    function totals(data, model) {
        var t = {};
        if (data.hhTotals !== undefined) {
            var ht = data.hhTotals;
            if (ht === null || typeof ht !== "object" || Array.isArray(ht)) fail("hhTotals is " + describe(ht) + ", expected an object");
            for (var i = 0; i < TOTALS_FIELDS.length; i++) {
                var key = TOTALS_FIELDS[i];
                if (ht[key] === undefined) continue;
                if (!isCount(ht[key])) fail("hhTotals." + key + " is " + describe(ht[key]) + ", expected a number >= 0");
                t[key] = ht[key];
            }
            model.totalsFromFile = true;
        }
        // A plain DHAT file has no totals: they are the sums of the sites,
        // as dh_view computes them for its root entry.
        var sumKeys = ["tb", "tbk", "gb", "gbk", "eb", "ebk", "rb", "wb"];
        for (var s = 0; s < sumKeys.length; s++) {
            var k = sumKeys[s];
            if (t[k] !== undefined || !model.cols[k]) continue;
            var col = model.cols[k], sum = 0;
            for (var j = 0; j < col.length; j++) sum += col[j];
            t[k] = sum;
        }
        return t;
    }

    function numberArray(v, where) {
        if (!Array.isArray(v)) fail(where + " is " + describe(v) + ", expected an array of numbers");
        var out = new Float64Array(v.length);
        for (var i = 0; i < v.length; i++) {
            if (!isCount(v[i])) fail(where + "[" + i + "] is " + describe(v[i]) + ", expected a number >= 0");
            out[i] = v[i];
        }
        return out;
    }

    function timeline(data) {
        var tl = data.hhTimeline;
        if (tl === undefined) return null;
        if (tl === null || typeof tl !== "object" || Array.isArray(tl)) fail("hhTimeline is " + describe(tl) + ", expected an object {t, b, bk}");
        var t = numberArray(tl.t, "hhTimeline.t");
        var b = numberArray(tl.b, "hhTimeline.b");
        var bk = numberArray(tl.bk, "hhTimeline.bk");
        if (b.length !== t.length || bk.length !== t.length) {
            fail("hhTimeline's arrays differ in length (t " + t.length + ", b " + b.length + ", bk " + bk.length + ")");
        }
        for (var i = 1; i < t.length; i++) {
            if (t[i] <= t[i - 1]) fail("hhTimeline.t is not strictly increasing at index " + i + " (" + t[i - 1] + " then " + t[i] + ")");
        }
        return { t: t, b: b, bk: bk };
    }

    function checkpoints(data, nInstants) {
        var cps = data.hhCheckpoints;
        if (cps === undefined) return [];
        if (!Array.isArray(cps)) fail("hhCheckpoints is " + describe(cps) + ", expected an array");
        var out = [];
        for (var i = 0; i < cps.length; i++) {
            var cp = cps[i], where = "hhCheckpoints[" + i + "]";
            if (cp === null || typeof cp !== "object" || Array.isArray(cp)) fail(where + " is " + describe(cp) + ", expected an object");
            var hi = cp.hi === undefined ? null : needCount(cp, "hi", where);
            if (hi !== null && hi >= nInstants) fail(where + ".hi is " + hi + ", but hhHist has " + nInstants + " instants");
            out.push({
                name: needType(cp, "name", "string", where),
                t: needCount(cp, "t", where),
                b: needCount(cp, "b", where),
                bk: needCount(cp, "bk", where),
                hi: hi
            });
        }
        return out;
    }

    // hhHist: {t: instants, k: why each is there, g: index of t-gmax}.
    function history(data) {
        var h = data.hhHist;
        if (h === undefined) return null;
        if (h === null || typeof h !== "object" || Array.isArray(h)) fail("hhHist is " + describe(h) + ", expected an object {t, k, g}");
        var t = numberArray(h.t, "hhHist.t");
        for (var i = 1; i < t.length; i++) {
            if (t[i] <= t[i - 1]) fail("hhHist.t is not strictly increasing at index " + i + " (" + t[i - 1] + " then " + t[i] + ")");
        }
        if (typeof h.k !== "string") fail("hhHist.k is " + describe(h.k) + ", expected a string");
        if (h.k.length !== t.length) fail("hhHist.k has " + h.k.length + " characters for " + t.length + " instants");
        for (i = 0; i < h.k.length; i++) {
            if (HIST_KINDS.indexOf(h.k[i]) < 0) fail("hhHist.k has \"" + h.k[i] + "\"; instants are one of " + HIST_KINDS.split("").join(", "));
        }
        var g = h.g === undefined || h.g === null ? null : h.g;
        if (g !== null && (!Number.isInteger(g) || g < 0 || g >= t.length)) fail("hhHist.g is " + describe(g) + ", but there are " + t.length + " instants");
        return { t: t, k: h.k, g: g };
    }

    // One site's hhH into `flat` from `at`; returns the next free slot.
    function siteHistory(v, where, nInstants, flat, at) {
        if (v.length % 3) fail(where + " has " + v.length + " numbers; it is (instant, bytes, blocks) triples");
        var previous = -1;
        for (var j = 0; j < v.length; j += 3) {
            var idx = v[j], b = v[j + 1], k = v[j + 2];
            if (!Number.isInteger(idx) || idx <= previous || idx >= nInstants) {
                fail(where + "[" + j + "] is instant " + describe(idx) + ": instants must increase and be below " + nInstants + " (hhHist's count)");
            }
            if (!isCount(b)) fail(where + "[" + (j + 1) + "] is " + describe(b) + ", expected a number >= 0");
            if (!isCount(k)) fail(where + "[" + (j + 2) + "] is " + describe(k) + ", expected a number >= 0");
            previous = idx;
            flat[at++] = idx; flat[at++] = b; flat[at++] = k;
        }
        return at;
    }

    // hhFrameDirs: {d: [directory, ...], f: [number or null per ftbl
    // entry]} -> the directory of each frame table entry (or null).
    function frameDirs(data, nFrames) {
        var fd = data.hhFrameDirs;
        if (fd === undefined) return null;
        if (fd === null || typeof fd !== "object" || Array.isArray(fd)) fail("hhFrameDirs is " + describe(fd) + ", expected an object");
        var d = needType(fd, "d", "array", "hhFrameDirs"), f = needType(fd, "f", "array", "hhFrameDirs");
        for (var i = 0; i < d.length; i++) {
            if (typeof d[i] !== "string") fail("hhFrameDirs.d[" + i + "] is " + describe(d[i]) + ", expected a string");
        }
        if (f.length !== nFrames) fail("hhFrameDirs.f has " + f.length + " entries, but ftbl has " + nFrames);
        var out = new Array(nFrames);
        for (i = 0; i < nFrames; i++) {
            if (f[i] === null) { out[i] = null; continue; }
            if (!Number.isInteger(f[i]) || f[i] < 0 || f[i] >= d.length) {
                fail("hhFrameDirs.f[" + i + "] is " + describe(f[i]) + ", expected null or a number below " + d.length + " (hhFrameDirs.d's length)");
            }
            out[i] = d[f[i]];
        }
        return out;
    }

    // hhObjs: [[object path, load base], ...] for object+offset frames.
    function objects(data) {
        var o = data.hhObjs;
        if (o === undefined) return null;
        if (!Array.isArray(o)) fail("hhObjs is " + describe(o) + ", expected an array of [path, load_base] pairs");
        var out = [];
        for (var i = 0; i < o.length; i++) {
            if (!Array.isArray(o[i]) || o[i].length !== 2 || typeof o[i][0] !== "string" || !isCount(o[i][1])) {
                fail("hhObjs[" + i + "] is " + describe(o[i]) + ", expected a [path, load_base] pair");
            }
            out.push([o[i][0], o[i][1]]);
        }
        return out;
    }

    // A site's history triples (a view into the model's histFlat).
    function siteHistoryOf(model, site) {
        return model.histStart ? model.histFlat.subarray(model.histStart[site], model.histStart[site + 1]) : null;
    }

    function pairs(v, where, nSites) {
        if (!Array.isArray(v)) fail(where + " is " + describe(v) + ", expected an array of [pp_index, bytes] pairs");
        var out = [];
        for (var i = 0; i < v.length; i++) {
            var p = v[i];
            if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[0]) || p[0] < -1 || p[0] >= nSites || !isCount(p[1])) {
                fail(where + "[" + i + "] is " + describe(p) + ", expected [pp_index (-1.." + (nSites - 1) + "), bytes]");
            }
            out.push([p[0], p[1]]);
        }
        return out;
    }

    function copySites(data, nSites, preload) {
        var cs = data.hhCopySites;
        if (cs === undefined) return null;
        if (!Array.isArray(cs)) fail("hhCopySites is " + describe(cs) + ", expected an array");
        var out = new Array(cs.length);
        for (var i = 0; i < cs.length; i++) {
            var s = cs[i], where = "hhCopySites[" + i + "]";
            if (s === null || typeof s !== "object" || Array.isArray(s)) fail(where + " is " + describe(s) + ", expected an object");
            var fs = needType(s, "fs", "array", where), frames = [];
            for (var j = 0; j < fs.length; j++) {
                if (!Number.isInteger(fs[j]) || fs[j] < 0 || fs[j] >= data.ftbl.length) fail(where + ".fs[" + j + "] is " + describe(fs[j]) + ", not an index into ftbl");
                if (!preload[fs[j]]) frames.push(fs[j]);
            }
            out[i] = {
                cb: needCount(s, "cb", where), cbk: needCount(s, "cbk", where), fs: frames,
                src: pairs(s.src === undefined ? [] : s.src, where + ".src", nSites),
                dst: pairs(s.dst === undefined ? [] : s.dst, where + ".dst", nSites)
            };
        }
        return out;
    }

    // Decode a site's run-length histogram: "-N, M" is N offsets of count M.
    // 65535 is a saturated count, shown as "∞" like dh_view does.
    function decodeAcc(model, site) {
        var raw = model.acc[site];
        if (!raw) return null;
        var out = new Float64Array(model.accLen[site]), k = 0;
        for (var i = 0; i < raw.length; i++) {
            if (raw[i] < 0) {
                var reps = -raw[i], val = raw[++i];
                for (var j = 0; j < reps; j++) out[k++] = val;
            } else {
                out[k++] = raw[i];
            }
        }
        return out;
    }

    function frame(model, index) {
        var f = model.frameCache[index];
        if (!f) f = model.frameCache[index] = use.format.parseFrame(model.ftbl[index]);
        return f;
    }

    function siteFrames(model, site) {
        return model.fsFlat.subarray(model.fsStart[site], model.fsStart[site + 1]);
    }

    // The key that identifies "the same site" across two files: its frame
    // strings, innermost first (addresses included, as DHAT's own identity).
    function stackKey(model, site) {
        var fr = siteFrames(model, site), parts = new Array(fr.length);
        for (var i = 0; i < fr.length; i++) parts[i] = model.ftbl[fr[i]];
        return parts.join("\n");
    }

    // JSON text -> model, turning every failure into one ProfileError.
    function parseText(text, name) {
        var data;
        if (text.length === 0) fail("the file is empty");
        try {
            data = JSON.parse(text);
        } catch (e) {
            var why = String(e && e.message || e);
            // V8 names the position of the first bad character: at the very
            // end of the text, the file was cut short (a profile still being
            // written, a truncated copy).
            var at = /position (\d+)/.exec(why);
            var atEnd = at && Number(at[1]) >= text.replace(/\s+$/, "").length;
            if (atEnd || /end of JSON input|Unterminated|Unexpected end/i.test(why)) {
                fail("the file is not complete JSON: it ends early, probably truncated (" + why + ")");
            }
            if (e instanceof RangeError) fail("the file's JSON is nested too deeply to read (" + why + ")");
            fail("the file is not valid JSON (" + why + ")");
        }
        try {
            return build(data, name);
        } catch (e) {
            if (e instanceof RangeError) fail("the file is too large or too deeply nested to read (" + e.message + ")");
            throw e;
        }
    }

    return {
        ProfileError: ProfileError, parseText: parseText, build: build, decodeAcc: decodeAcc, frame: frame,
        siteFrames: siteFrames, stackKey: stackKey, siteHistory: siteHistoryOf,
        MAX_ACC_OFFSETS: MAX_ACC_OFFSETS, STALE_DECILES: STALE_DECILES
    };
});
