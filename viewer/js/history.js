/* history.js: a site's exact live bytes over time (its hhH triples at the
   file's hhHist instants), and the shapes the findings look for in it:
   python/heaphunt/history.py in JavaScript, function for function.

   A history is a flat array [i0, b0, k0, i1, b1, k1, ...]: at instant
   t[i] the site had b bytes in k blocks, listed only where the value
   changed, carried forward in between, 0 before the first triple. */
"use strict";
HH.define("history", [], function () {
    // The sum of several histories, listed where the sum changes.
    function merge(histories) {
        if (histories.length === 1) return histories[0];
        var changes = new Map(), m, j;
        for (m = 0; m < histories.length; m++) {
            var flat = histories[m];
            for (j = 0; j < flat.length; j += 3) {
                var list = changes.get(flat[j]);
                if (!list) changes.set(flat[j], list = []);
                list.push(m, flat[j + 1], flat[j + 2]);
            }
        }
        var indices = Array.from(changes.keys()).sort(function (a, b) { return a - b; });
        var curB = new Float64Array(histories.length), curK = new Float64Array(histories.length);
        var totalB = 0, totalK = 0, out = [];
        for (var x = 0; x < indices.length; x++) {
            var ch = changes.get(indices[x]);
            for (j = 0; j < ch.length; j += 3) {
                totalB += ch[j + 1] - curB[ch[j]];
                totalK += ch[j + 2] - curK[ch[j]];
                curB[ch[j]] = ch[j + 1];
                curK[ch[j]] = ch[j + 2];
            }
            var n = out.length;
            if (!n || out[n - 2] !== totalB || out[n - 1] !== totalK) out.push(indices[x], totalB, totalK);
        }
        return out;
    }

    // history.py's growth(): the rise of a site's live bytes, or null.
    function growth(flat, t, te, globalPeak, th) {
        if (!flat || !flat.length || te === 0 || globalPeak === 0) return null;
        var M = flat.length / 3, m, maxBytes = 0;
        function idx(q) { return flat[3 * q]; }
        function b(q) { return flat[3 * q + 1]; }
        for (m = 0; m < M; m++) if (b(m) > maxBytes) maxBytes = b(m);
        if (maxBytes === 0 || maxBytes * 100 < globalPeak * th.pileup_min_peak_percent) return null;
        var level = maxBytes * th.pileup_level_percent, base = maxBytes * th.pileup_base_percent;
        var r = 0;
        while (b(r) * 100 < level) r++;
        var s = -1;
        for (m = r - 1; m >= 0; m--) if (b(m) * 100 <= base) { s = m; break; }
        var tStart, startBytes, first;
        if (s < 0) {
            tStart = idx(0) > 0 ? t[idx(0) - 1] : 0;
            startBytes = 0; first = 0;
        } else {
            tStart = t[idx(s)]; startBytes = b(s); first = s + 1;
        }
        var tLevel = t[idx(r)], riseInstrs = tLevel - tStart;
        if (riseInstrs * 100 < te * th.pileup_min_rise_percent) return null;
        var rising = 0, biggest = 0, previous = startBytes;
        for (m = first; m <= r; m++) {
            var step = b(m) - previous;
            if (step > 0) { rising++; if (step > biggest) biggest = step; }
            previous = b(m);
        }
        var riseBytes = b(r) - startBytes;
        if (rising < th.pileup_min_rising_instants || biggest * 100 > riseBytes * th.pileup_max_step_percent) return null;
        var maxBlocks = 0;
        for (m = 0; m < M; m++) if (b(m) === maxBytes) { maxBlocks = flat[3 * m + 2]; break; }
        var f = -1;
        for (m = r + 1; m < M; m++) if (b(m) * 100 < level) { f = m; break; }
        var tReleased = f >= 0 ? t[idx(f)] : null;
        var plateau = (tReleased !== null ? tReleased : te) - tLevel;
        var d = -1;
        if (f >= 0) for (m = f; m < M; m++) if (b(m) * 100 <= base) { d = m; break; }
        var tFreed = d >= 0 ? t[idx(d)] : null;
        var shape;
        if (plateau * 100 >= te * th.pileup_plateau_min_percent) shape = "levels-off";
        else if (f < 0) shape = "never-freed";
        else if (d === f) shape = "freed-at-once";
        else if (d >= 0) shape = "freed-gradually";
        else shape = "partly-freed";
        var heldEnd = tFreed !== null ? tFreed : tReleased !== null ? tReleased : te;
        return {
            maxBytes: maxBytes, maxBlocks: maxBlocks, tStart: tStart, tLevel: tLevel,
            riseBytes: riseBytes, risingInstants: rising, shape: shape,
            tReleased: tReleased, tFreed: tFreed, endBytes: b(M - 1),
            plateauInstrs: plateau, heldInstrs: heldEnd - tStart
        };
    }

    function lastChange(flat, t) {
        return flat && flat.length ? t[flat[flat.length - 3]] : null;
    }

    function firstLive(flat, t) {
        for (var j = 0; j < flat.length; j += 3) if (flat[j + 1] > 0) return t[flat[j]];
        return null;
    }

    // [bytes, blocks] live at instant `index` (carried forward).
    function valueAt(flat, index) {
        var b = 0, k = 0;
        for (var j = 0; j < flat.length && flat[j] <= index; j += 3) { b = flat[j + 1]; k = flat[j + 2]; }
        return [b, k];
    }

    return { merge: merge, growth: growth, lastChange: lastChange, firstLive: firstLive, valueAt: valueAt };
});
