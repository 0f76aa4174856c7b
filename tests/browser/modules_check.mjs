// modules_check.mjs: load the viewer's scripts in node in the order given
// on the command line and build the module named first, then print what
// happened as JSON: {"ok": true, "built": [...]} or {"ok": false,
// "error": message}.  tests/test_viewer_modules.py runs it with the page's
// files in shuffled orders and with one missing.
//
//   node tests/browser/modules_check.mjs ENTRY FILE...
import { loadViewer } from "./viewer_node.mjs";

const [entry, ...files] = process.argv.slice(2);
try {
    const HH = loadViewer(files);
    HH.start(entry);
    console.log(JSON.stringify({ ok: true, built: Object.keys(HH.modules).sort() }));
} catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
}
