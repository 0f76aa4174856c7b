// findings_node.mjs: the viewer's findings (viewer/js/findings.js and the
// modules it uses), run in node on profile files, printed as JSON for
// tests/test_findings_parity.py to hold against the Python package's.
//
//   node tests/browser/findings_node.mjs REQUEST.json
//
// REQUEST.json: [{"path": FILE, "skip": [REGEX...], "keep": [REGEX...],
// "kind": KIND or null, "max": N}, ...].  Output: one entry per request,
// {"findings": [...every finding...], "shown": [...what a reader sees...]}
// or {"error": message} for a file the viewer refuses.  A finding is
// {kind, site, bytes, blocks, harm, sentence}; a "+N more" line is
// {more: KIND or null, hidden: N}.
import { readFileSync } from "node:fs";
import { loadViewer } from "./viewer_node.mjs";

const requests = JSON.parse(readFileSync(process.argv[2], "utf8"));
const HH = loadViewer(["format", "rules", "frames", "history", "profile", "findings"]);
HH.start("findings");
const { profile, findings, frames, rules } = HH.modules;

function plain(model, f) {
    if (f.more !== undefined) return { more: f.more, hidden: f.hidden };
    return { kind: f.kind, site: f.site, bytes: f.bytes, blocks: f.blocks, harm: f.harm,
             sentence: findings.sentence(model, f) };
}

const out = requests.map((req) => {
    let model;
    try {
        model = profile.parseText(readFileSync(req.path, "utf8"), req.path);
    } catch (e) {
        return { error: String(e.message || e) };
    }
    const compiled = frames.withFrames(rules, req.skip || [], req.keep || []);
    const all = findings.compute(model, compiled);
    const shown = findings.shown(model, all, compiled.thresholds, req.kind || null, req.max || 0);
    return { findings: findings.ordered(model).map((f) => plain(model, f)), shown: shown.map((f) => plain(model, f)) };
});
process.stdout.write(JSON.stringify(out));
