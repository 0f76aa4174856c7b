// viewer_node.mjs: run the viewer's own scripts (viewer/js/*.js) in node,
// without a browser, for the tests that need only their computations:
// the findings parity test and the module-registry test.
//
//   import { loadViewer } from "./viewer_node.mjs";
//   const HH = loadViewer(["format", "rules", "profile", "findings"]);
//   const findings = HH.start("findings");
//
// The scripts are classic scripts, as the page loads them: each runs in
// this process's global scope (vm.runInThisContext) with `window` standing
// for the global object and a `document` that accepts listeners and does
// nothing, which is all that defining the modules touches.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export const VIEWER_JS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "viewer", "js");

export function loadViewer(names) {
    globalThis.window = globalThis;
    if (!globalThis.document) globalThis.document = { addEventListener() {} };
    for (const name of ["registry", ...names]) {
        const file = join(VIEWER_JS, `${name}.js`);
        vm.runInThisContext(readFileSync(file, "utf8"), { filename: file });
    }
    return globalThis.HH;
}
