/* frames.js: naming sites by their responsible frame, and grouping them by
   it: python/heaphunt/frames.py in JavaScript (same rules, same results;
   the findings parity test holds them to it).

   rules.js's expressions sort each frame (matched against the frame string
   without its code address) into the program's own code, library code or
   an allocation wrapper.  A site's responsible frame is its first program
   frame, else its first library frame with a symbol, else its first
   library frame, else its first frame.  Sites whose stacks are equal from the responsible frame
   outwards (frames compared without their address when they have a
   file:line) form one group, named by that frame, with its caller's name
   added when another group's frame has the same name.

   Everything is computed once per model and per set of rules, in typed
   arrays: the tier of every frame table entry, each site's responsible
   frame's position and group, and the groups' member lists (CSR).  The
   user's own expressions (the settings field) come in through
   withFrames(rules, skip, keep). */
"use strict";
HH.define("frames", ["rules"], function (use) {
    var PROGRAM = 0, LIBRARY = 1, ALLOC = 2;
    var FRAME_RE = /^(?:(0x[0-9A-Fa-f]+): )?(.*?)(?: \[(ruby|python)\])?(?: \((in )?([^()]*)\))?$/;

    function parse(frame) {
        var m = FRAME_RE.exec(frame);
        return { addr: m[1] ? m[1] : "", fn: m[2], where: m[5] || "", inObject: !!m[4], lang: m[3] || "" };
    }

    // Where the text after a "0x1A2B: " address starts (0 when there is none).
    function afterAddress(frame) {
        if (frame.charCodeAt(0) !== 48 /* 0 */ || frame.charCodeAt(1) !== 120 /* x */) return 0;
        var i = 2, c;
        while ((c = frame.charCodeAt(i)) >= 48 && c <= 57 || c >= 65 && c <= 70 || c >= 97 && c <= 102) i++;
        return i > 2 && c === 58 /* : */ && frame.charCodeAt(i + 1) === 32 ? i + 2 : 0;
    }

    function ruleText(frame) {
        var from = afterAddress(frame);
        return from ? frame.slice(from) : frame;
    }

    function basename(path) { var i = path.lastIndexOf("/"); return i < 0 ? path : path.slice(i + 1); }

    function hexUpper(addr) { return "0x" + addr.slice(2).toUpperCase().replace(/^0+(?=.)/, ""); }

    // frames.py's display(): "log_event (leaky.c:95)", "libruby.so.3.1+0x1a2b3c".
    function display(frame, objs) {
        // Most frames: "0x...: fn (file:line)", displayed as their key (an
        // interpreted one keeps its language mark: "fn [ruby] (file:line)").
        var from = keyFrom(frame);
        if (from > 0 && frame.charCodeAt(frame.length - 1) === 41 /* ) */) return frame.slice(from);
        var f = parse(frame);
        if (f.fn === "???" && f.inObject) {
            if (objs && f.addr) {
                for (var i = 0; i < objs.length; i++) {
                    if (objs[i][0] !== f.where) continue;
                    var off = BigInt(f.addr) - BigInt(objs[i][1]);
                    if (off >= 0n) return basename(f.where) + "+0x" + off.toString(16);
                    break;
                }
            }
            return basename(f.where) + (f.addr ? "@" + hexUpper(f.addr) : "");
        }
        if (f.fn === "???" && !f.where) return f.addr ? hexUpper(f.addr) : "???";
        return ruleText(frame);
    }

    // frames.py's frame_key(), as the position where the key starts in the
    // frame string: past the address when the frame has a file:line (a
    // rebuild moves addresses, not lines), 0 otherwise.  Written without a
    // regular expression: it runs once per frame table entry, and a big
    // profile has hundreds of thousands.
    function keyFrom(frame) {
        var end = frame.length, i, c;
        if (frame.charCodeAt(end - 1) !== 41 /* ) */) return 0;
        // "file:line)": digits, a colon, at least one character, after " (".
        i = end - 2;
        while ((c = frame.charCodeAt(i)) >= 48 && c <= 57) i--;
        if (i === end - 2 || c !== 58 /* : */) return 0;
        var colon = i;
        while (i >= 0 && (c = frame.charCodeAt(i)) !== 40 /* ( */ && c !== 41) i--;
        if (i < 1 || c !== 40 || frame.charCodeAt(i - 1) !== 32 || colon === i + 1) return 0;
        if (frame.startsWith("in ", i + 1)) return 0;
        return afterAddress(frame);
    }

    function frameKey(frame) { return frame.slice(keyFrom(frame)); }

    function combined(patterns) {
        return patterns.length ? new RegExp(patterns.map(function (p) { return "(?:" + p + ")"; }).join("|")) : null;
    }

    // The rules as compiled expressions: rules.js's, plus the user's.
    function withFrames(rules, skip, keep) {
        function list(tier) { return rules.frames[tier].map(function (e) { return e.re; }); }
        var library = list("library").concat(skip || []), keepList = list("keep").concat(keep || []);
        return {
            thresholds: rules.thresholds,
            alloc: combined(list("alloc")), library: combined(library), keep: combined(keepList),
            // Either: one scan tells most frames (the program's) apart.
            either: combined(list("alloc").concat(library)),
            id: JSON.stringify([skip || [], keep || []])
        };
    }

    var DEFAULT = withFrames(use.rules, [], []);

    // frames.py's path_text(): "fn (DIR/file.rs:41)", or null.
    function pathText(text, dir) {
        if (dir === null || dir === undefined || text.charCodeAt(text.length - 1) !== 41 /* ) */) return null;
        var at = text.lastIndexOf(" (");
        return at < 0 ? null : text.slice(0, at + 2) + dir + "/" + text.slice(at + 2);
    }

    // A frame's tier; `dir` is its source file's directory (hhFrameDirs),
    // when the profile has one: the expressions are also matched against
    // the frame with its whole path, as frames.py's Classifier does.
    function tierOf(compiled, frame, dir) {
        var text = ruleText(frame), path = pathText(text, dir);
        function test(re) { return !!re && (re.test(text) || (path !== null && re.test(path))); }
        if (test(compiled.keep)) return PROGRAM;
        if (!test(compiled.either)) return PROGRAM;
        return test(compiled.alloc) ? ALLOC : LIBRARY;
    }

    var UNKNOWN = 255;

    // FNV-1a's steps over small numbers leave the high bits unmixed; this
    // finishing step (MurmurHash3's) spreads them before a table index is
    // taken from the low bits.
    function mix(h) {
        h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
        return h ^ (h >>> 16);
    }

    // The position of a site's responsible frame in its frame list.  Tiers
    // are worked out on first use: most stacks start with a program frame,
    // and the frames past it are never asked about.
    function responsible(compiled, ftbl, dirs, tiers, fsFlat, a, b) {
        var i, f;
        for (i = a; i < b; i++) {
            f = fsFlat[i];
            if (tiers[f] === UNKNOWN) tiers[f] = tierOf(compiled, ftbl[f], dirs ? dirs[f] : null);
            if (tiers[f] === PROGRAM) return i - a;
        }
        for (i = a; i < b; i++) {
            f = fsFlat[i];
            if (tiers[f] === LIBRARY && !ruleText(ftbl[f]).startsWith("???")) return i - a;
        }
        for (i = a; i < b; i++) if (tiers[fsFlat[i]] === LIBRARY) return i - a;
        return 0;
    }

    // Whether a from i on and b from j on are the same text (no substring made).
    function sameText(a, i, b, j) {
        if (a.length - i !== b.length - j) return false;
        for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
        return true;
    }

    function textHash(text, from) {
        var h = 0x811c9dc5;
        for (var c = from; c < text.length; c++) h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
        return mix(h);
    }

    // The number of the frame key whose text is `text`, or -1.
    function keyIdOfText(gr, text) {
        var mask = gr.ktab.length - 1;
        for (var h = textHash(text, 0) & mask; ; h = (h + 1) & mask) {
            var id = gr.ktab[h];
            if (id === -1) return -1;
            if (sameText(gr.ftbl[gr.firstOf[id]], gr.keyStart[gr.firstOf[id]], text, 0)) return id;
        }
    }

    // Whether sites s and t have the same frame keys from their responsible
    // frames on.  (Not a closure inside groups(): variables a closure
    // captures are slower to reach in the loops around it.)
    function sameKeys(fsStart, fsFlat, start, keyId, s, t) {
        var a = fsStart[s] + start[s], b = fsStart[s + 1], c = fsStart[t] + start[t];
        if (b - a !== fsStart[t + 1] - c) return false;
        for (; a < b; a++, c++) if (keyId[fsFlat[a]] !== keyId[fsFlat[c]]) return false;
        return true;
    }

    // Groups of a model: {start: Int32Array (per site, the responsible
    // frame's position), groupOf: Int32Array (per site), first: Int32Array
    // (per group, its first site), memberStart/members (CSR, sites in file
    // order), n, tiers (per frame table entry, 255 where never needed),
    // keyId (each entry's frameKey, numbered), canon (per entry, the first
    // entry with its key), ftbl and keyStart for keyText()}.  Groups are numbered in the order of their first
    // site, as frames.py lists them.
    function groups(model, compiled) {
        compiled = compiled || DEFAULT;
        var cache = model.groupCache || (model.groupCache = {});
        if (cache[compiled.id]) return cache[compiled.id];
        var ftbl = model.ftbl, nf = ftbl.length, n = model.nSites;
        var tiers = new Uint8Array(nf).fill(UNKNOWN), keyId = new Int32Array(nf), canon = new Int32Array(nf);
        // Frame keys numbered through an open-addressing table of hashes of
        // the key text (no string is made per frame; a Map of 10^5 strings
        // costs more than everything else here).
        var keyStart = new Int32Array(nf), firstOf = new Int32Array(nf), nk = 0, ksize = 1024, f;
        while (ksize < 4 * nf) ksize <<= 1;
        var ktab = new Int32Array(ksize).fill(-1), kmask = ksize - 1;
        for (f = 0; f < nf; f++) {
            var text = ftbl[f], from = keyFrom(text), id, h;
            keyStart[f] = from;
            for (h = textHash(text, from) & kmask; ; h = (h + 1) & kmask) {
                id = ktab[h];
                if (id === -1) { id = nk++; ktab[h] = id; firstOf[id] = f; break; }
                if (sameText(ftbl[firstOf[id]], keyStart[firstOf[id]], text, from)) break;
            }
            keyId[f] = id;
            canon[f] = firstOf[id];
        }
        // Sites with equal key sequences from their responsible frame on are
        // one group: an open-addressing table of group numbers by a hash of
        // the sequence, each candidate compared with the group's first site.
        var start = new Int32Array(n), groupOf = new Int32Array(n), first = new Int32Array(n), ng = 0;
        var fsStart = model.fsStart, fsFlat = model.fsFlat, size = 1024;
        while (size < 2 * n) size <<= 1;
        var table = new Int32Array(size).fill(-1), mask = size - 1;
        for (var s = 0; s < n; s++) {
            var a = fsStart[s], b = fsStart[s + 1], r = responsible(compiled, ftbl, model.frameDirs, tiers, fsFlat, a, b), h = 0x811c9dc5;
            start[s] = r;
            for (var i = a + r; i < b; i++) h = Math.imul(h ^ keyId[fsFlat[i]], 0x01000193);
            h = mix(h ^ (b - a - r)) & mask;
            var g;
            for (;;) {
                g = table[h];
                if (g === -1) { g = ng++; table[h] = g; first[g] = s; break; }
                if (sameKeys(fsStart, fsFlat, start, keyId, first[g], s)) break;
                h = (h + 1) & mask;
            }
            groupOf[s] = g;
        }
        table = null;
        var memberStart = new Int32Array(ng + 1), members = new Int32Array(n);
        for (s = 0; s < n; s++) memberStart[groupOf[s] + 1]++;
        for (g = 0; g < ng; g++) memberStart[g + 1] += memberStart[g];
        var fill = memberStart.slice(0, ng);
        for (s = 0; s < n; s++) members[fill[groupOf[s]]++] = s;
        var out = {
            n: ng, start: start, groupOf: groupOf, first: first.slice(0, ng),
            memberStart: memberStart, members: members, tiers: tiers, names: null, compiled: compiled,
            keyId: keyId, canon: canon, ftbl: ftbl, keyStart: keyStart, ktab: ktab, firstOf: firstOf
        };
        cache[compiled.id] = out;
        return out;
    }

    // The text of a frame table entry's key.
    function keyText(gr, f) { return gr.ftbl[f].substring(gr.keyStart[f]); }

    // The frame-table index of a group's responsible frame, and of its caller.
    function groupFrame(model, gr, g, offset) {
        var s = gr.first[g], i = model.fsStart[s] + gr.start[s] + (offset || 0);
        return i < model.fsStart[s + 1] ? model.fsFlat[i] : -1;
    }

    // frames.py's Group.cut_short: no frame of the program in the group's
    // stack, a member's stack was cut at --num-callers (hhCut), and another
    // group is named by a frame of the program.
    function cutShort(model, gr, g) {
        if (!model.cut) return false;
        if (gr.anyOwn === undefined) {
            gr.anyOwn = false;
            for (var h = 0; h < gr.n && !gr.anyOwn; h++) {
                var own = groupFrame(model, gr, h, 0);
                gr.anyOwn = own >= 0 && gr.tiers[own] === PROGRAM;
            }
        }
        if (!gr.anyOwn) return false;
        var fi = groupFrame(model, gr, g, 0);
        if (fi >= 0 && gr.tiers[fi] === PROGRAM) return false;
        for (var m = gr.memberStart[g]; m < gr.memberStart[g + 1]; m++) if (model.cut[gr.members[m]]) return true;
        return false;
    }

    // How many groups' responsible frames display as each name: counted
    // per frame key where the name is the key's text (a frame with a
    // file:line: most frames, no string made), per name otherwise.
    function nameCounts(model, gr) {
        var byKey = new Int32Array(gr.ktab ? gr.firstOf.length : 0), byText = new Map(), ids = new Int32Array(gr.n);
        for (var g = 0; g < gr.n; g++) {
            var fi = groupFrame(model, gr, g, 0), id = -1;
            if (fi >= 0) {
                var frame = model.ftbl[fi];
                if (gr.keyStart[fi] > 0 && frame.charCodeAt(frame.length - 1) === 41 /* ) */) id = gr.keyId[fi];
                else id = keyIdOfText(gr, display(frame, model.objs));
            }
            ids[g] = id;
            if (id >= 0) byKey[id]++;
            else {
                var text = fi < 0 ? "[no frames]" : display(model.ftbl[fi], model.objs);
                byText.set(text, (byText.get(text) || 0) + 1);
            }
        }
        return { ids: ids, byKey: byKey, byText: byText, full: new Map() };
    }

    // A group's name, with its caller when another group shares the name.
    function name(model, gr, g) {
        var names = gr.names || (gr.names = nameCounts(model, gr)), text = names.full.get(g);
        if (text === undefined) {
            var fi = groupFrame(model, gr, g, 0), caller = groupFrame(model, gr, g, 1);
            text = fi < 0 ? "[no frames]" : display(model.ftbl[fi], model.objs);
            var shared = names.ids[g] >= 0 ? names.byKey[names.ids[g]] > 1 : names.byText.get(text) > 1;
            if (shared && caller >= 0) text += " called from " + display(model.ftbl[caller], model.objs);
            names.full.set(g, text);
        }
        return text;
    }

    return {
        PROGRAM: PROGRAM, LIBRARY: LIBRARY, ALLOC: ALLOC, DEFAULT: DEFAULT,
        parse: parse, display: display, frameKey: frameKey, keyText: keyText, withFrames: withFrames,
        groups: groups, groupFrame: groupFrame, name: name, cutShort: cutShort
    };
});
