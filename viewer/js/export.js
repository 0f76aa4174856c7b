/* export.js: the viewer's downloads: the open profile as pprof (gzipped
   profile.proto), collapsed stacks or speedscope JSON, made in the page
   from the loaded model, with no server.

   This file is the twin of python/heaphunt/exports.py: for the same
   profile it writes the very same bytes as `heaphunt export --format=...`
   (tests/test_exports.py compares them), so every choice below mirrors one
   there: the metrics and their order, how a frame string is named and
   split (exportFrame), the grouping of inlined frames into one pprof
   location, the order of pprof's strings, locations and functions, the
   JSON's spacing and \u escapes.  The one exception is pprof's gzip: the
   page compresses with the browser's CompressionStream, whose bytes differ
   from Python's zlib, so for pprof the protobufs inside are equal.
   docs/cli.md describes the formats.

   The page's hook: init(select) once, offer(a, b) whenever profiles open;
   the <select> lists a download per format (and per metric for collapsed
   stacks), for A and, in a diff, for B. */
"use strict";
HH.define("export", ["format", "profile"], function (use) {
    // ---- Metrics (exports.py: export_metrics) ----
    function metric(key, name, label, pprofType, unit, fromCopySites) {
        return { key: key, name: name, label: label, pprofType: pprofType, unit: unit, fromCopySites: !!fromCopySites };
    }
    var TOTAL = [metric("tb", "total-bytes", "total bytes", "alloc_space", "bytes"),
                 metric("tbk", "total-blocks", "total blocks", "alloc_objects", "count")];
    var LIFETIME = [metric("gb", "gmax-bytes", "bytes at t-gmax", "inuse_space", "bytes"),
                    metric("gbk", "gmax-blocks", "blocks at t-gmax", "inuse_objects", "count"),
                    metric("eb", "end-bytes", "bytes at t-end", "end_space", "bytes"),
                    metric("ebk", "end-blocks", "blocks at t-end", "end_objects", "count")];
    var ACCESS = [metric("rb", "reads", "bytes read", "read_bytes", "bytes"),
                  metric("wb", "writes", "bytes written", "written_bytes", "bytes")];
    var COPY_SITES = [metric("cb", "copied-bytes", "bytes copied", "copied_bytes", "bytes", true),
                      metric("cbk", "copy-calls", "copy calls", "copy_calls", "count", true)];
    var COPY_MODE = [metric("tb", "copied-bytes", "bytes copied", "copied_bytes", "bytes"),
                     metric("tbk", "copy-calls", "copy calls", "copy_calls", "count")];
    var AD_HOC = [metric("tb", "units", "units", "units", "count"),
                  metric("tbk", "events", "events", "events", "count")];
    var DEFAULT_KEY = "gb", DEFAULT_COLLAPSED_KEY = "tb";
    var NO_FRAMES = "[no frames]";
    var SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json";

    function metricsOf(model) {
        if (model.mode === "copy") return COPY_MODE;
        if (model.mode === "ad-hoc") return AD_HOC;
        var out = TOTAL.slice();
        if (model.bklt) out = out.concat(LIFETIME);
        if (model.bkacc) out = out.concat(ACCESS);
        if (model.copySites) out = out.concat(COPY_SITES);
        return out;
    }

    function findMetric(metrics, text) {
        for (var i = 0; i < metrics.length; i++) if (metrics[i].key === text || metrics[i].name === text) return i;
        return -1;
    }

    // ---- Frames (exports.py: export_frame) ----
    var NATIVE_RE = /^0x([0-9A-Fa-f]+): ([\s\S]*?) \((in )?([^()]*)\)$/;
    var INTERPRETED_RE = /^0x0+: ([\s\S]*?) \[(?:ruby|python)\] \(([^()]*)\)$/;
    var FILE_LINE_RE = /^([\s\S]*):([0-9]{1,9})$/;
    var ADDRESS_RE = /^0x([0-9A-Fa-f]+): /;
    var MAX_ADDRESS_DIGITS = 12;

    function address(hex) { return hex.length <= MAX_ADDRESS_DIGITS ? parseInt(hex, 16) : 0; }

    function fileAndLine(where) {
        var m = FILE_LINE_RE.exec(where);
        return m ? [m[1], Number(m[2])] : [where, 0];
    }

    // The report's name of a frame (python: profile.frame_name).
    function frameName(frame) { return frame.replace(/^0x[0-9A-Fa-f]+: /, ""); }

    // A frame string recurs in many stacks: parse each once per export.
    var frameCache = new Map();

    function exportFrame(frame) {
        var found = frameCache.get(frame);
        if (!found) frameCache.set(frame, found = parseExportFrame(frame));
        return found;
    }

    function parseExportFrame(frame) {
        var name = frameName(frame), m = INTERPRETED_RE.exec(frame), fl;
        if (m) {
            fl = fileAndLine(m[2]);
            return { name: name, fn: m[1], file: fl[0], line: fl[1], address: 0, interpreted: true };
        }
        m = NATIVE_RE.exec(frame);
        if (m) {
            fl = m[3] ? [m[4], 0] : fileAndLine(m[4]);
            return { name: name, fn: m[2] === "???" ? name : m[2], file: fl[0], line: fl[1], address: address(m[1]), interpreted: false };
        }
        m = ADDRESS_RE.exec(frame);
        return { name: name, fn: name, file: "", line: 0, address: m ? address(m[1]) : 0, interpreted: false };
    }

    // ---- The table (exports.py: export_table) ----
    function framesOf(model, indices) {
        var out = [];
        for (var i = 0; i < indices.length; i++) out.push(model.ftbl[indices[i]]);
        return out.length ? out : [NO_FRAMES];
    }

    function table(model) {
        var metrics = metricsOf(model), stacks = [], s, k;
        for (s = 0; s < model.nSites; s++) {
            var values = [];
            for (k = 0; k < metrics.length; k++) values.push(metrics[k].fromCopySites ? 0 : model.cols[metrics[k].key][s]);
            stacks.push({ frames: framesOf(model, use.profile.siteFrames(model, s)), values: values });
        }
        var copies = model.copySites || [];
        for (s = 0; s < copies.length; s++) {
            var cv = [];
            for (k = 0; k < metrics.length; k++) cv.push(metrics[k].fromCopySites ? copies[s][metrics[k].key] : 0);
            stacks.push({ frames: framesOf(model, copies[s].fs), values: cv });
        }
        return { metrics: metrics, stacks: stacks, cmd: model.cmd, pid: model.pid };
    }

    // ---- Bytes ----
    function Bytes(capacity) { this.buf = new Uint8Array(capacity || 32); this.length = 0; }
    Bytes.prototype.room = function (n) {
        if (this.length + n <= this.buf.length) return;
        var bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
        bigger.set(this.buf.subarray(0, this.length));
        this.buf = bigger;
    };
    Bytes.prototype.byte = function (b) { this.room(1); this.buf[this.length++] = b; };
    Bytes.prototype.append = function (arr) { this.room(arr.length); this.buf.set(arr, this.length); this.length += arr.length; };
    Bytes.prototype.bytes = function () { return this.buf.subarray(0, this.length); };

    var utf8 = new TextEncoder();

    // ---- pprof (exports.py: pprof_proto; field numbers of profile.proto) ----
    var F = {
        sampleType: 1, sample: 2, mapping: 3, location: 4, fn: 5, stringTable: 6, comment: 13, defaultSampleType: 14,
        vtType: 1, vtUnit: 2, sampleLocation: 1, sampleValue: 2,
        mappingId: 1, mappingHas: [7, 8, 9, 10],
        locId: 1, locMapping: 2, locAddress: 3, locLine: 4, lineFunction: 1, lineLine: 2,
        fnId: 1, fnName: 2, fnSystemName: 3, fnFile: 4
    };
    var SYMBOLIZED_MAPPING_ID = 1;

    // Numbers up to 2^53 stay exact: no bit operators beyond 32 bits.
    function varint(out, n) {
        while (n >= 128) { out.byte(n % 128 + 128); n = Math.floor(n / 128); }
        out.byte(n);
    }
    function fieldVarint(out, field, n) { if (n) { varint(out, field * 8); varint(out, n); } }
    function fieldBytes(out, field, data) { varint(out, field * 8 + 2); varint(out, data.length); out.append(data); }
    function fieldPacked(out, field, numbers) {
        if (!numbers.length) return;
        var packed = new Bytes();
        for (var i = 0; i < numbers.length; i++) varint(packed, numbers[i]);
        fieldBytes(out, field, packed.bytes());
    }

    function locationRuns(frames) {
        var runs = [], runAddress = 0;
        for (var i = 0; i < frames.length; i++) {
            var f = exportFrame(frames[i]), addr = f.interpreted ? 0 : f.address, last = runs[runs.length - 1];
            if (last && addr && addr === runAddress && last.indexOf(frames[i]) < 0) {
                last.push(frames[i]);
            } else {
                runs.push([frames[i]]);
                runAddress = addr;
            }
        }
        return runs;
    }

    function pprofComments(t) {
        var lines = ["heaphunt export of: " + t.cmd + " (pid " + t.pid + ")"];
        if (findMetric(t.metrics, "gb") >= 0) {
            lines.push("inuse_space, inuse_objects: live at the global peak (t-gmax);" +
                       " end_space, end_objects: live at exit (t-end)");
        }
        return lines;
    }

    function pprofProto(t, defaultIndex) {
        var strings = new Map([["", 0]]);
        function str(s) {
            var i = strings.get(s);
            if (i === undefined) { i = strings.size; strings.set(s, i); }
            return i;
        }
        var out = new Bytes(1 << 16), i, k;
        for (i = 0; i < t.metrics.length; i++) {
            var vt = new Bytes();
            fieldVarint(vt, F.vtType, str(t.metrics[i].pprofType));
            fieldVarint(vt, F.vtUnit, str(t.metrics[i].unit));
            fieldBytes(out, F.sampleType, vt.bytes());
        }
        var mapping = new Bytes();
        fieldVarint(mapping, F.mappingId, SYMBOLIZED_MAPPING_ID);
        for (k = 0; k < F.mappingHas.length; k++) fieldVarint(mapping, F.mappingHas[k], 1);

        var locationIds = new Map(), locations = new Bytes(), functionIds = new Map(), functions = new Bytes();
        function functionId(f) {
            var key = JSON.stringify([f.fn, f.file]), id = functionIds.get(key);
            if (id === undefined) {
                id = functionIds.size + 1;
                functionIds.set(key, id);
                var fn = new Bytes();
                fieldVarint(fn, F.fnId, id);
                fieldVarint(fn, F.fnName, str(f.fn));
                fieldVarint(fn, F.fnSystemName, str(f.fn));
                fieldVarint(fn, F.fnFile, str(f.file));
                fieldBytes(functions, F.fn, fn.bytes());
            }
            return id;
        }
        function locationId(run) {
            var key = run.length === 1 ? "1" + run[0] : "n" + JSON.stringify(run), id = locationIds.get(key);
            if (id === undefined) {
                id = locationIds.size + 1;
                locationIds.set(key, id);
                var frames = run.map(exportFrame), loc = new Bytes();
                fieldVarint(loc, F.locId, id);
                fieldVarint(loc, F.locMapping, SYMBOLIZED_MAPPING_ID);
                fieldVarint(loc, F.locAddress, frames[0].interpreted ? 0 : frames[0].address);
                for (var j = 0; j < frames.length; j++) {
                    var line = new Bytes();
                    fieldVarint(line, F.lineFunction, functionId(frames[j]));
                    fieldVarint(line, F.lineLine, frames[j].line);
                    fieldBytes(loc, F.locLine, line.bytes());
                }
                fieldBytes(locations, F.location, loc.bytes());
            }
            return id;
        }
        for (i = 0; i < t.stacks.length; i++) {
            var sample = new Bytes();
            fieldPacked(sample, F.sampleLocation, locationRuns(t.stacks[i].frames).map(locationId));
            fieldPacked(sample, F.sampleValue, t.stacks[i].values);
            fieldBytes(out, F.sample, sample.bytes());
        }
        fieldBytes(out, F.mapping, mapping.bytes());
        out.append(locations.bytes());
        out.append(functions.bytes());
        var comments = pprofComments(t).map(str);
        var defaultType = str(t.metrics[defaultIndex].pprofType);
        strings.forEach(function (index, s) { fieldBytes(out, F.stringTable, utf8.encode(s)); });
        fieldPacked(out, F.comment, comments);
        fieldVarint(out, F.defaultSampleType, defaultType);
        return out.bytes();
    }

    // gzip by the browser's own compressor (exports.py: pprof_bytes).
    function gzip(data) {
        var stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
        return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
    }

    // ---- Collapsed stacks (exports.py: collapsed_bytes) ----
    function collapsedName(frame) {
        return exportFrame(frame).name.replace(/;/g, ":").replace(/[\r\n]/g, " ");
    }

    function collapsed(t, index) {
        var totals = new Map();
        for (var i = 0; i < t.stacks.length; i++) {
            var value = t.stacks[i].values[index];
            if (!value) continue;
            var key = t.stacks[i].frames.slice().reverse().map(collapsedName).join(";");
            totals.set(key, (totals.get(key) || 0) + value);
        }
        var text = "";
        totals.forEach(function (value, key) { text += key + " " + value + "\n"; });
        return utf8.encode(text);
    }

    // ---- speedscope (exports.py: speedscope_doc) ----
    function speedscopeDoc(t, activeIndex) {
        var frameIndex = new Map(), frames = [], stacks = [], i, k;
        for (i = 0; i < t.stacks.length; i++) {
            var indices = [], fr = t.stacks[i].frames;
            for (k = fr.length - 1; k >= 0; k--) {
                var f = exportFrame(fr[k]), found = frameIndex.get(f.name);
                if (found === undefined) {
                    found = frames.length;
                    frameIndex.set(f.name, found);
                    var entry = { name: f.name };
                    if (f.file) entry.file = f.file;
                    if (f.line) entry.line = f.line;
                    frames.push(entry);
                }
                indices.push(found);
            }
            stacks.push(indices);
        }
        var profiles = [];
        for (k = 0; k < t.metrics.length; k++) {
            var samples = [], weights = [], sum = 0;
            for (i = 0; i < t.stacks.length; i++) {
                var v = t.stacks[i].values[k];
                if (v) { samples.push(stacks[i]); weights.push(v); sum += v; }
            }
            profiles.push({
                type: "sampled", name: t.metrics[k].label, unit: t.metrics[k].unit === "bytes" ? "bytes" : "none",
                startValue: 0, endValue: sum, samples: samples, weights: weights
            });
        }
        return {
            "$schema": SPEEDSCOPE_SCHEMA, name: t.cmd, exporter: "heaphunt",
            activeProfileIndex: activeIndex, shared: { frames: frames }, profiles: profiles
        };
    }

    // Python's json.dumps(separators=(",", ":")): non-ASCII as \uXXXX.
    function asciiJson(doc) {
        return JSON.stringify(doc).replace(/[\u007f-\uffff]/g, function (c) {
            return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
        }) + "\n";
    }

    // ---- One entry (exports.py: export_bytes) ----
    var FORMATS = {
        pprof: { suffix: ".pb.gz", type: "application/gzip" },
        speedscope: { suffix: ".speedscope.json", type: "application/json" },
        collapsed: { suffix: ".folded", type: "text/plain" }
    };

    // A promise of {bytes, fileName, type} for
    // `heaphunt export --format=fmt [--metric key]`.
    function exportFile(model, fmt, metricKey) {
        frameCache = new Map();
        var t = table(model);
        var index = findMetric(t.metrics, metricKey || (fmt === "collapsed" ? DEFAULT_COLLAPSED_KEY : DEFAULT_KEY));
        if (index < 0) index = 0;
        var base = model.name.replace(/\.json$/i, ""), bytes;
        if (fmt === "pprof") bytes = gzip(pprofProto(t, index));
        else if (fmt === "speedscope") bytes = utf8.encode(asciiJson(speedscopeDoc(t, index)));
        else bytes = collapsed(t, index);
        var name = base + (fmt === "collapsed" ? "." + t.metrics[index].name : "") + FORMATS[fmt].suffix;
        frameCache = new Map();
        return Promise.resolve(bytes).then(function (b) {
            return { bytes: b, fileName: name, type: FORMATS[fmt].type };
        });
    }

    // ---- The page's menu ----
    var select = null, models = [];

    function optionsFor(model, which) {
        var f = use.format, html = "", metrics = metricsOf(model);
        var prefix = which + ":";
        html += '<option value="' + prefix + 'pprof">pprof, all metrics</option>';
        html += '<option value="' + prefix + 'speedscope">speedscope, all metrics</option>';
        for (var i = 0; i < metrics.length; i++) {
            html += '<option value="' + prefix + "collapsed:" + metrics[i].key + '">collapsed: ' + f.html(metrics[i].label) + "</option>";
        }
        return html;
    }

    function offer(a, b) {
        if (!select) return;
        models = b ? [a, b] : [a];
        var html = '<option value="">Export…</option>';
        if (b) {
            html += '<optgroup label="A: ' + use.format.html(a.name) + '">' + optionsFor(a, 0) + "</optgroup>";
            html += '<optgroup label="B: ' + use.format.html(b.name) + '">' + optionsFor(b, 1) + "</optgroup>";
        } else {
            html += optionsFor(a, 0);
        }
        select.innerHTML = html;
        select.value = "";
        select.hidden = false;
    }

    function save(file) {
        var url = URL.createObjectURL(new Blob([file.bytes], { type: file.type }));
        var link = document.createElement("a");
        link.href = url;
        link.download = file.fileName;
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }

    function init(el) {
        select = el;
        select.addEventListener("change", function () {
            var parts = select.value.split(":");
            select.value = "";
            var model = models[Number(parts[0])];
            if (model && parts[1]) exportFile(model, parts[1], parts[2]).then(save);
        });
    }

    return { init: init, offer: offer, exportFile: exportFile };
});
