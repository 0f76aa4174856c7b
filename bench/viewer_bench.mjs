// Time to first render of the viewer on a big profile, in headless Chromium.
//
//   /usr/bin/python3 bench/gen_big_profile.py -o build/bench/big.json     # ~100 MB
//   node bench/viewer_bench.mjs build/bench/big.json [RUNS]
//
// Opens viewer/index.html from file://, gives it the profile through the
// file picker and measures, per run, from handing over the file to the
// tree being on screen (the page's data-state turns "ready" and one
// animation frame has been painted), and to the findings being on the page
// too (data-findings "ready": they follow the tree).  Then, on the loaded page: re-sorting
// by another metric, filtering, scrolling the tree, switching to the flame
// graph, to check that the page stays responsive.  Prints one JSON object.
// A measurement, not a test: nothing here passes or fails.
//
// Uses playwright-core from tests/browser/node_modules (scripts/install-deps.sh)
// and Debian's /usr/bin/chromium, as the browser tests do.
import { statSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { withChromium } = await import(join(repo, "tests", "browser", "chromium.mjs"));

const [profileArg, runsArg = "3"] = process.argv.slice(2);
if (!profileArg) {
    console.error("usage: node bench/viewer_bench.mjs PROFILE.json [RUNS]");
    process.exit(2);
}
const profile = resolve(profileArg);
const runs = Number(runsArg);

async function timed(page, fn, arg) {
    return page.evaluate(async ([body, a]) => {
        const t0 = performance.now();
        await (0, eval)(body)(a);
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - t0;
    }, [fn.toString(), arg]);
}

const out = { profile, sizeMB: +(statSync(profile).size / 1e6).toFixed(1), runs: [] };
await withChromium("heaphunt-viewer-bench-", { width: 1280, height: 800 }, async (context) => {
    for (let i = 0; i < runs; i++) {
        const page = await context.newPage();
        await page.goto(`file://${repo}/viewer/index.html`);
        const t0 = Date.now();
        await page.setInputFiles("#open-input", profile);
        await page.waitForFunction(() => ["ready", "error"].includes(document.body.dataset.state) && !HH.modules.app.state.loading,
            null, { timeout: 600000, polling: 20 });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
        const firstRenderMs = Date.now() - t0;
        // The findings follow the first render (the Findings tab, the tree's
        // findings column): when they are on the page too.
        await page.waitForFunction(() => document.body.dataset.findings !== "pending", null, { timeout: 600000, polling: 20 });
        const findingsReadyMs = Date.now() - t0;
        const info = await page.evaluate(() => ({
            state: document.body.dataset.state, message: document.getElementById("message").innerText,
            sites: HH.modules.app.state.a && HH.modules.app.state.a.nSites, treeNodes: HH.modules.app.state.tree && HH.modules.app.state.tree.size,
            timings: HH.modules.app.state.timings,
            heapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null,
        }));
        const run = { firstRenderMs, findingsReadyMs, ...info };
        if (i === 0 && info.state === "ready") {
            run.sortByEndBytesMs = await timed(page, () => HH.modules.app.setSort("eb"));
            run.sortByIdleFractionMs = await timed(page, () => HH.modules.app.setSort("idleFrac"));
            run.filterMs = await timed(page, () => new Promise((resolve) => {
                const input = document.getElementById("filter-input");
                input.value = "mod_7.c";
                input.dispatchEvent(new Event("input"));
                setTimeout(resolve, 200); // the filter waits 180 ms for more typing
            }));
            run.clearFilterMs = await timed(page, () => new Promise((resolve) => {
                const input = document.getElementById("filter-input");
                input.value = "";
                input.dispatchEvent(new Event("input"));
                setTimeout(resolve, 200);
            }));
            run.bottomUpMs = await timed(page, () => {
                const sel = document.getElementById("direction-select");
                sel.value = "bottom-up";
                sel.dispatchEvent(new Event("change"));
            });
            run.scrollMs = await timed(page, () => {
                const body = document.getElementById("tree-body");
                body.scrollTop = body.scrollHeight / 2;
                body.dispatchEvent(new Event("scroll"));
            });
            run.flameMs = await timed(page, () => HH.modules.app.switchTab("flame"));
            run.timelineMs = await timed(page, () => HH.modules.app.switchTab("timeline"));
        }
        out.runs.push(run);
        await page.close();
    }
});
const ok = out.runs.filter((r) => r.state === "ready").map((r) => r.firstRenderMs).sort((a, b) => a - b);
out.medianFirstRenderMs = ok.length ? ok[Math.floor(ok.length / 2)] : null;
const found = out.runs.filter((r) => r.state === "ready").map((r) => r.findingsReadyMs).sort((a, b) => a - b);
out.medianFindingsReadyMs = found.length ? found[Math.floor(found.length / 2)] : null;
console.log(JSON.stringify(out, null, 1));
