/* format.js: number, unit and frame-string formatting for the heaphunt viewer.

   Everything the page prints goes through here, so that a number looks the
   same in the summary, the tree, the detail panel and the tooltips:
   exact integers with "," thousands separators (never rounded, because the
   tests and the users compare them with the JSON), and a short human form
   ("12.0 MB") only where space is tight and the exact number is one hover
   away.  Frame strings ("0x10917E: log_event (leaky.c:90)", Valgrind's
   describe_IP shape, see docs/json-format.md#frame-strings) are split into
   function and location here too. */
"use strict";
HH.define("format", [], function () {
    // Exact integer with thousands separators, locale-independent (the
    // browser's locale could use "." or a thin space, and then the numbers
    // would not match the stderr summary that users compare them with).
    function int(n) {
        if (n === Infinity) return "∞";
        if (!Number.isFinite(n)) return "–";
        var neg = n < 0;
        var s = String(Math.round(Math.abs(n)));
        if (s.indexOf("e") >= 0) return (neg ? "-" : "") + s;
        var out = "";
        while (s.length > 3) {
            out = "," + s.slice(-3) + out;
            s = s.slice(0, -3);
        }
        return (neg ? "-" : "") + s + out;
    }

    // Signed integer for diffs: "+1,024", "-8", "0".
    function signedInt(n) {
        return n > 0 ? "+" + int(n) : int(n);
    }

    // A ratio such as an average, with a fixed number of decimals.
    function dec(n, digits) {
        if (!Number.isFinite(n)) return "–";
        return n.toFixed(digits === undefined ? 1 : digits);
    }

    function pct(part, whole) {
        if (!whole) return "–";
        var p = 100 * part / whole;
        if (Math.abs(p) >= 10 || p === 0) return p.toFixed(0) + "%";
        return p.toFixed(1) + "%";
    }

    // Short form for space-tight places (flame graph labels, axes):
    // 1,536 -> "1.5 KB" (powers of 1024, as the stderr summaries of
    // heap tools do not round at all; the exact value is in the tooltip).
    function shortBytes(n) {
        var a = Math.abs(n), units = ["B", "KB", "MB", "GB", "TB"], i = 0;
        while (a >= 1024 && i < units.length - 1) { a /= 1024; i++; }
        var s = i === 0 ? String(Math.round(a)) : a.toFixed(a >= 100 ? 0 : 1);
        return (n < 0 ? "-" : "") + s + " " + units[i];
    }

    // Short form of a plain count: 1234567 -> "1.2M".
    function shortCount(n) {
        var a = Math.abs(n), units = ["", "k", "M", "G", "T"], i = 0;
        while (a >= 1000 && i < units.length - 1) { a /= 1000; i++; }
        var s = i === 0 ? String(Math.round(a)) : a.toFixed(a >= 100 ? 0 : 1);
        return (n < 0 ? "-" : "") + s + units[i];
    }

    // "0x10917E: log_event (leaky.c:90)"         -> fn log_event, file leaky.c, line 90
    // "0x4849CE0: strdup (in /usr/lib/libc.so.6)" -> fn strdup, object /usr/lib/libc.so.6
    // "0x4849CE0: ???"                            -> fn ???
    // Anything else (DHAT's "[root]", a hand-made file) is kept whole as fn.
    // The function part can itself hold parentheses (C++: "f(int) const"),
    // so the location is the LAST parenthesised group.
    var FRAME_RE = /^(0x[0-9A-Fa-f]+): (.*?)(?: \((in )?([^()]*)\))?$/;
    var LINE_RE = /^(.*):(\d+)$/;

    function parseFrame(frame) {
        var m = FRAME_RE.exec(frame);
        if (!m) return { addr: "", fn: frame, file: "", line: 0, object: "", loc: "" };
        var addr = m[1], fn = m[2], inObject = !!m[3], where = m[4] || "";
        var out = { addr: addr, fn: fn, file: "", line: 0, object: "", loc: where };
        if (where && inObject) {
            out.object = where;
        } else if (where) {
            var lm = LINE_RE.exec(where);
            if (lm) { out.file = lm[1]; out.line = Number(lm[2]); }
            else out.file = where;
        }
        return out;
    }

    // Escape text for innerHTML (the tree builds rows as HTML strings for
    // speed; frame strings come from the file and must never become markup).
    function html(s) {
        return String(s).replace(/[&<>"']/g, function (c) {
            return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
        });
    }

    return {
        int: int, signedInt: signedInt, dec: dec, pct: pct,
        shortBytes: shortBytes, shortCount: shortCount,
        parseFrame: parseFrame, html: html
    };
});
