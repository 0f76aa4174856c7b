/* summary.js: the whole-program totals at the top of the page.

   The lines have the shape of the tool's stderr summary ("Total:     41,728
   bytes in 111 blocks"), with exact numbers, so that a user can hold them
   against the terminal.  heaphunt files carry the totals (hhTotals); for a
   plain DHAT file they are the sums of the sites, as dh_view computes them.
   In a diff each line shows A -> B and the change.  Every number carries a
   data-total attribute naming its field, for the tests. */
"use strict";
HH.define("summary", ["format"], function (use) {
    var f = use.format;

    function num(key, value) {
        return '<span class="n" data-total="' + key + '">' + f.int(value) + "</span>";
    }

    function deltaSpan(key, a, b) {
        var d = b - a, cls = d > 0 ? "delta-pos" : d < 0 ? "delta-neg" : "";
        return '<span class="n" data-total="' + key + '-a">' + f.int(a) + "</span> → " +
            '<span class="n" data-total="' + key + '">' + f.int(b) + "</span>" +
            ' <span class="' + cls + '" data-total="' + key + '-delta">(' + f.signedInt(d) + ")</span>";
    }

    // One value, or "A → B (Δ)" in a diff.
    function value(key, a, b) {
        if (a === undefined) return "?";
        return b === undefined ? num(key, a) : deltaSpan(key, a, b);
    }

    function lines(view) {
        var A = view.a, B = view.b, ta = A.totals, tb = B ? B.totals : null;
        function v(key) { return value(key, ta[key], tb ? (tb[key] === undefined ? 0 : tb[key]) : undefined); }
        var out = [];
        out.push("Total:     " + v("tb") + " " + A.bytesUnit + " in " + v("tbk") + " " + A.blocksUnit);
        if (A.bklt) {
            out.push("At t-gmax: " + v("gb") + " bytes in " + v("gbk") + " blocks");
            out.push("At t-end:  " + v("eb") + " bytes in " + v("ebk") + " blocks");
        }
        if (A.bkacc) {
            out.push("Reads:     " + v("rb") + " bytes");
            out.push("Writes:    " + v("wb") + " bytes");
        }
        if (ta.cb !== undefined) {
            out.push("Copies:    " + v("cb") + " bytes in " + v("cbk") + " calls");
        } else if (A.mode === "heap" && A.bkacc) {
            out.push('Copies:    <span class="note">not recorded in this file</span>');
        }
        return out.join("\n");
    }

    function meta(model, tag) {
        var bits = [];
        var kind = model.hhVersion ? "heaphunt " + model.hhVersion : "DHAT";
        bits.push((tag ? "<b>" + tag + "</b> " : "") + "<b>" + f.html(model.name) + "</b> — " + f.html(kind) +
            ", mode <b>" + f.html(model.mode) + "</b>");
        bits.push("Command: <code>" + f.html(model.cmd) + "</code> (pid " + f.html(model.pid) + ")");
        var t = "Run: t-end " + f.int(model.te) + " " + f.html(model.tu);
        if (model.bklt) t += ", t-gmax " + f.int(model.tg) + " " + f.html(model.tu);
        t += ", " + f.int(model.nSites) + " sites";
        bits.push(t);
        return bits.join("<br>");
    }

    function render(el, view) {
        var html = '<div class="totals" id="totals">' + lines(view) + "</div>";
        html += '<div class="meta">' + meta(view.a, view.b ? "A (before):" : "") +
            (view.b ? "<br>" + meta(view.b, "B (after):") +
                '<br><span class="note">Numbers are B − A; sites are matched by their frame strings.</span>' : "") +
            "</div>";
        el.innerHTML = html;
    }

    return { render: render };
});
