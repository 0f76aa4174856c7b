// Open heaphunt's exports in speedscope, and make them with heaphunt's
// viewer, in headless Chromium, and report what each shows or writes.
//
//   node tests/browser/exports_check.mjs PLAN.json RESULTS.json
//
// PLAN.json:
//   {"viewer": DIR, "speedscope": DIR, "artifacts": DIR,
//    "viewerDownloads": [{"name", "profile", "compareWith"?, "saveDir", "choices": ["0:pprof", ...]}],
//    "speedscopeLoads": [{"name", "file", "saveAs"}]}
//
// viewerDownloads: open `profile` in heaphunt's viewer (viewer/index.html
// from file://, through its "Open profile…" input), list the options of its
// export menu, then pick each choice and save the download in saveDir.
// With compareWith, the viewer shows the diff (profile as A, compareWith as
// B) and the menu offers both: "0:..." is A's, "1:..." B's.
//
// speedscopeLoads: open `file` in the speedscope app of the npm package
// (its dist/release/index.html, from file://) through its Browse input;
// read the profile switcher (every profile's name and the total weight it
// shows) and, for each profile in turn ("n" moves to the next), its title
// and the sandwich table (total, self, name per frame); then press its
// Export button and save what speedscope writes (its own JSON, with each
// profile's exact total as endValue) as saveAs.
//
// RESULTS.json: {"viewer": {name: {...}}, "speedscope": {name: {...}}},
// each with "error" (null or text) and "pageErrors".  The Python test
// (tests/test_exports.py) decides pass or fail; this script acts and looks.
import { withChromium } from "./chromium.mjs";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [planPath, resultsPath] = process.argv.slice(2);
if (!planPath || !resultsPath) {
    console.error("usage: node exports_check.mjs PLAN.json RESULTS.json");
    process.exit(2);
}
const plan = JSON.parse(readFileSync(planPath, "utf8"));
mkdirSync(plan.artifacts, { recursive: true });
const viewerUrl = pathToFileURL(join(resolve(plan.viewer), "index.html")).href;
const speedscopeUrl = pathToFileURL(join(resolve(plan.speedscope), "index.html")).href;
const TIMEOUT_MS = 30000;

// Chromium stops a page's automatic downloads after about ten, so the
// choices are made in batches, each in a page of its own.
const DOWNLOADS_PER_PAGE = 5;

async function openInViewer(context, job, pageErrors) {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e.message || e)));
    await page.goto(viewerUrl);
    await page.locator("#open-input").setInputFiles(job.profile);
    await page.waitForFunction(() => document.body.dataset.state === "ready" || document.body.dataset.state === "error",
                               null, { timeout: TIMEOUT_MS });
    if (job.compareWith) {
        await page.locator("#diff-input").setInputFiles(job.compareWith);
        await page.waitForFunction(() => document.getElementById("file-names").textContent.startsWith("A: "),
                                   null, { timeout: TIMEOUT_MS });
    }
    return page;
}

async function viewerDownloads(context, job) {
    const pageErrors = [];
    const out = { options: [], downloads: {}, pageErrors, error: null };
    let page = null;
    try {
        mkdirSync(job.saveDir, { recursive: true });
        for (let i = 0; i < job.choices.length; i++) {
            if (i % DOWNLOADS_PER_PAGE === 0) {
                if (page) await page.close();
                page = await openInViewer(context, job, pageErrors);
                if (i === 0) {
                    const menu = page.locator("#export-select");
                    out.options = await menu.evaluate((s) => [...s.options].map((o) => ({ value: o.value, text: o.text })));
                    out.menuVisible = await menu.isVisible();
                    await page.screenshot({ path: join(plan.artifacts, `viewer-${job.name}.png`) });
                }
            }
            const [download] = await Promise.all([
                page.waitForEvent("download", { timeout: TIMEOUT_MS }),
                page.locator("#export-select").selectOption(job.choices[i]),
            ]);
            const path = join(job.saveDir, download.suggestedFilename());
            await download.saveAs(path);
            out.downloads[job.choices[i]] = { path, suggested: download.suggestedFilename() };
        }
    } catch (e) {
        out.error = String(e && e.stack || e);
    } finally {
        if (page) await page.close();
    }
    return out;
}

async function speedscopeLoad(context, job) {
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e.message || e)));
    const out = { switcher: [], profiles: [], exported: null, pageErrors, error: null };
    try {
        await page.goto(speedscopeUrl);
        await page.locator("input[type=file]").setInputFiles(job.file);
        // The toolbar's tabs: an emoji, then the word.
        const sandwich = page.getByText(/^\W*Sandwich$/u);
        await sandwich.waitFor({ timeout: TIMEOUT_MS });
        await sandwich.click();
        // The profile switcher's table (hidden until clicked): # | Name | Total Weight.
        out.switcher = await page.evaluate(() => {
            const rows = [];
            for (const table of document.querySelectorAll("table")) {
                const head = table.querySelector("thead")?.textContent ?? "";
                if (!head.includes("Total Weight")) continue;
                for (const tr of table.querySelectorAll("tbody tr")) {
                    const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent.trim());
                    rows.push({ index: cells[0], name: cells[1], total: cells[2] });
                }
            }
            return rows;
        });
        const count = Math.max(1, out.switcher.length);
        const readTitle = () => page.evaluate(() => [...document.querySelectorAll("span")]
            .map((s) => s.textContent).find((t) => /\(\d+\/\d+\)$/.test(t)) ?? null);
        out.firstTitle = await readTitle();
        // "p" and "n" move to the previous and next profile, stopping at the ends.
        for (let i = 0; i < count; i++) await page.keyboard.press("p");
        for (let i = 0; i < count; i++) {
            await page.waitForTimeout(200);
            out.profiles.push(await page.evaluate(() => {
                const rows = [];
                for (const tr of document.querySelectorAll("tr")) {
                    const cells = [...tr.children];
                    if (cells.length !== 3 || tr.closest("thead")) continue;
                    const total = cells[0].textContent.trim(), self = cells[1].textContent.trim();
                    if (!/\(/.test(total) || !/\(/.test(self)) continue; // not a sandwich row
                    rows.push({ total, self, name: cells[2].textContent.trim() });
                }
                const title = [...document.querySelectorAll("span")]
                    .map((s) => s.textContent).find((t) => /\(\d+\/\d+\)$/.test(t)) ?? null;
                return { title, rows };
            }));
            if (i === 0) await page.screenshot({ path: join(plan.artifacts, `speedscope-${job.name}.png`) });
            if (count > 1) await page.keyboard.press("n");
        }
        const [download] = await Promise.all([
            page.waitForEvent("download", { timeout: TIMEOUT_MS }),
            page.getByText(/^\W*Export$/u).click(),
        ]);
        await download.saveAs(job.saveAs);
        out.exported = job.saveAs;
    } catch (e) {
        out.error = String(e && e.stack || e);
    } finally {
        await page.close();
    }
    return out;
}

const results = { viewer: {}, speedscope: {} };
// Tall, so that speedscope's sandwich table (it renders only the rows in
// view) shows every frame of these small profiles.
await withChromium("hh-exports-", { width: 1280, height: 2400 }, async (context) => {
    for (const job of plan.viewerDownloads || []) results.viewer[job.name] = await viewerDownloads(context, job);
    for (const job of plan.speedscopeLoads || []) results.speedscope[job.name] = await speedscopeLoad(context, job);
});
writeFileSync(resultsPath, JSON.stringify(results, null, 1));
