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
    // "0x0: Object#run [ruby] (app.rb:12)"        -> fn "Object#run [ruby]", file app.rb, line 12, lang ruby
    // Anything else (DHAT's "[root]", a hand-made file) is kept whole as fn.
    // The function part can itself hold parentheses (C++: "f(int) const"),
    // so the location is the LAST parenthesised group.
    var FRAME_RE = /^(0x[0-9A-Fa-f]+): (.*?)(?: \[(ruby|python)\])?(?: \((in )?([^()]*)\))?$/;
    var LINE_RE = /^(.*):(\d+)$/;

    function parseFrame(frame) {
        var m = FRAME_RE.exec(frame);
        if (!m) return { addr: "", fn: frame, file: "", line: 0, object: "", loc: "", lang: "" };
        var addr = m[1], fn = m[2], inObject = !!m[4], where = m[5] || "";
        // An interpreted frame's function is shown with its language mark,
        // "Object#run [ruby]", wherever the viewer names it.
        var lang = m[3] || "";
        if (lang) fn += " [" + lang + "]";
        var out = { addr: addr, fn: fn, file: "", line: 0, object: "", loc: where, lang: lang };
        if (where && inObject) {
            out.object = where;
        } else if (where) {
            var lm = LINE_RE.exec(where);
            if (lm) { out.file = lm[1]; out.line = Number(lm[2]); }
            else out.file = where;
        }
        return out;
    }

    // Exact integer arithmetic for the sentences, which must equal the
    // Python package's to the character (findings parity test): floor(a / b)
    // of whole numbers, corrected where the float quotient rounded up, and
    // floor(a * b / c) through BigInt when a * b passes 2^53.
    function idiv(a, b) {
        var q = Math.floor(a / b);
        if (q * b > a) q--;
        else if ((q + 1) * b <= a) q++;
        return q;
    }

    function mulDiv(a, b, c) {
        var p = a * b;
        if (p <= Number.MAX_SAFE_INTEGER) return idiv(p, c);
        return Number(BigInt(a) * BigInt(b) / BigInt(c));
    }

    // Python textfmt's percent(): whole percent, rounded down.
    function percentDown(part, whole) {
        return whole > 0 ? mulDiv(part, 100, whole) : 0;
    }

    // Python textfmt's human_bytes(): "3 bytes", "12.0 MB", decimal units,
    // one decimal rounded half up.
    var DECIMAL_UNITS = [["GB", 1e9], ["MB", 1e6], ["kB", 1e3]];
    function humanBytes(n) {
        var a = Math.abs(n), sign = n < 0 ? "-" : "";
        if (a < 1000) return n + " byte" + (a === 1 ? "" : "s");
        for (var i = 0; i < DECIMAL_UNITS.length; i++) {
            var size = DECIMAL_UNITS[i][1];
            if (a >= size) {
                var tenths = idiv(a * 10 + size / 2, size);
                return sign + Math.floor(tenths / 10) + "." + (tenths % 10) + " " + DECIMAL_UNITS[i][0];
            }
        }
        return n + " bytes";
    }

    // Python textfmt's plural(): "1 block", "2,000 blocks".
    function plural(n, word) {
        return int(n) + " " + word + (n === 1 ? "" : "s");
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
        idiv: idiv, mulDiv: mulDiv, percentDown: percentDown, humanBytes: humanBytes, plural: plural,
        shortBytes: shortBytes, shortCount: shortCount,
        parseFrame: parseFrame, html: html
    };
});
