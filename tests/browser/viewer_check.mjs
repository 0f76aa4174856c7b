// Drive heaphunt's viewer (viewer/index.html) in headless Chromium and
// report what it shows.
//
//   node tests/browser/viewer_check.mjs PLAN.json RESULTS.json
//
// PLAN.json: {"viewer": ".../viewer", "artifacts": DIR, "scenarios":
// [{"name": ..., "steps": [{"do": ...}, ...]}]}.  Each scenario runs in a
// fresh page; the steps act on the page (open a file, sort, filter, drag
// over the timeline, ...) and "observe" steps record what the page shows.
// RESULTS.json gets {scenario name: {"observations": {...}, "pageErrors":
// [...], "error": text-or-null}}.  The Python test (tests/test_viewer.py)
// derives the expected values from the profiles' JSON and decides pass or
// fail; this script only acts and looks.
//
// The browser is Debian's /usr/bin/chromium through playwright-core, with a
// fresh profile directory and no network features, as for dhview.mjs.  A
// tiny HTTP server on 127.0.0.1 serves the viewer and one profile at
// /profile.json, the way `heaphunt view` does, for the ?file= scenarios.
import { withChromium } from "./chromium.mjs";
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, extname, basename, resolve } from "node:path";

const [planPath, resultsPath] = process.argv.slice(2);
if (!planPath || !resultsPath) {
    console.error("usage: node viewer_check.mjs PLAN.json RESULTS.json");
    process.exit(2);
}
const plan = JSON.parse(readFileSync(planPath, "utf8"));
const viewerDir = resolve(plan.viewer);
mkdirSync(plan.artifacts, { recursive: true });

// --- HTTP server: viewer/ at /, the scenario's profile at /profile.json ---
let servedProfile = null;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let path = url.pathname === "/" ? "/index.html" : url.pathname;
    let file = path === "/profile.json" ? servedProfile : join(viewerDir, path);
    if (!file || !resolve(file).startsWith(path === "/profile.json" ? "/" : viewerDir) || !existsSync(file) || statSync(file).isDirectory()) {
        res.writeHead(404); res.end("not found"); return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const baseUrl = `http://127.0.0.1:${server.address().port}`;

// --- What the page shows ---
async function observe(page) {
    return page.evaluate(() => {
        const text = (sel) => { const e = document.querySelector(sel); return e ? e.innerText : null; };
        const totals = {};
        for (const e of document.querySelectorAll("[data-total]")) totals[e.dataset.total] = e.innerText;
        const rows = [...document.querySelectorAll("#tree-rows .row")].map((r) => {
            const cols = {};
            for (const c of r.querySelectorAll("[data-col]")) cols[c.dataset.col] = c.innerText;
            return {
                node: Number(r.dataset.node),
                fn: r.querySelector(".fn")?.innerText ?? "",
                loc: r.querySelector(".loc")?.innerText ?? "",
                depth: parseInt(r.querySelector(".label").style.paddingLeft, 10),
                selected: r.classList.contains("selected"),
                cols,
            };
        });
        const detailMetrics = {};
        for (const tr of document.querySelectorAll("#detail tr[data-metric]")) {
            detailMetrics[tr.dataset.metric] = [...tr.querySelectorAll("td")].map((td) => td.innerText);
        }
        const msg = document.getElementById("message");
        return {
            state: document.body.dataset.state,
            message: msg.hidden ? "" : msg.innerText,
            alerts: [...document.querySelectorAll("[role=alert]")].filter((e) => !e.hidden).length,
            totals,
            summaryText: text("#summary"),
            status: text("#status"),
            sortedHeader: document.querySelector("#tree-head .sorted")?.dataset.metric ?? null,
            sortSelect: document.getElementById("sort-select").value,
            rows,
            detailTitle: text("#detail h2"),
            detailText: text("#detail"),
            detailMetrics,
            findings: [...document.querySelectorAll("#detail .finding")].map((e) => e.dataset.kind),
            accRuns: text("#detail .acc-runs"),
            accCanvas: !!document.querySelector("#detail canvas.acc-chart"),
            findingsList: [...document.querySelectorAll("#findings-list .finding-row, #findings-list .more-row")].map((e) => (
                e.classList.contains("more-row") ? { more: e.dataset.kind, text: e.innerText } :
                    { kind: e.dataset.kind, site: Number(e.dataset.site), text: e.innerText, sentence: e.querySelector(".sentence").textContent,
                      where: e.querySelector(".finding-where")?.textContent ?? null,
                      top: e.getBoundingClientRect().top })),
            tab: document.querySelector("#tabs [aria-selected=true]")?.dataset.tab ?? null,
            visiblePanels: [...document.querySelectorAll("#panels .panel")].filter((e) => !e.hidden).map((e) => e.dataset.panel),
            findingsHead: text("#findings-head"),
            rangeSummary: text("#range-summary"),
            rangeExact: text("#range-exact"),
            rangeRows: [...document.querySelectorAll("#range-sites tr")].slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText)),
            sparkCells: document.querySelectorAll("#tree-rows .spark-cell svg.spark").length,
            historySummary: text("#history-summary"),
            historyChart: !!document.querySelector("#detail svg.history-chart"),
            fullStack: [...document.querySelectorAll("#detail ol.full-stack li")].map((li) => ({ text: li.innerText, cls: li.className })),
            rangeApprox: text("#range-approx"),
            rangeSites: [...document.querySelectorAll("#range-sites .range-site")].map((e) => e.innerText),
            diffGrowth: text("#diff-growth"),
            timelineCheckpoints: document.getElementById("timeline-canvas").dataset.checkpoints ?? null,
            flameBoxes: Number(document.getElementById("flame-canvas").dataset.boxes ?? 0),
            flameCrumbs: text("#flame-crumbs"),
            glossaryLinks: [...document.querySelectorAll("#glossary a")].map((a) => a.getAttribute("href")),
            glossaryText: text("#glossary"),
            scrollWidth: document.documentElement.scrollWidth,
            viewport: { w: window.innerWidth, h: window.innerHeight },
            summaryBottom: document.getElementById("summary").getBoundingClientRect().bottom,
            treeBodyHeight: document.getElementById("tree-body").clientHeight,
            title: document.title,
            timings: window.HH && HH.modules.app.state.timings,
        };
    });
}

async function waitSettled(page) {
    await page.waitForFunction(() => ["ready", "error"].includes(document.body.dataset.state) && !HH.modules.app.state.loading &&
        document.body.dataset.findings !== "pending", null, { timeout: 120000 });
}

// --- Steps ---
async function runStep(page, step, obs, name) {
    switch (step.do) {
    case "goto": {
        if (step.serve) servedProfile = resolve(step.serve);
        const url = step.http ? `${baseUrl}/index.html${step.query ?? ""}` : `file://${viewerDir}/index.html${step.query ?? ""}`;
        await page.goto(url);
        if (step.query) await waitSettled(page);
        break;
    }
    case "open":
        await page.setInputFiles("#open-input", step.path);
        await waitSettled(page);
        break;
    case "compare":
        await page.setInputFiles("#diff-input", step.path);
        await waitSettled(page);
        break;
    case "drop": {
        const files = step.paths.map((p) => ({ name: basename(p), text: readFileSync(p, "utf8") }));
        await page.evaluate((files) => {
            const dt = new DataTransfer();
            for (const f of files) dt.items.add(new File([f.text], f.name, { type: "application/json" }));
            window.dispatchEvent(new DragEvent("dragenter", { dataTransfer: dt, bubbles: true }));
            window.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
        }, files);
        await page.waitForTimeout(50);
        await waitSettled(page);
        break;
    }
    case "sort":
        await page.selectOption("#sort-select", step.metric);
        break;
    case "sortHeader":
        await page.click(`#tree-head [data-metric="${step.metric}"]`);
        break;
    case "filter":
        await page.fill("#filter-input", step.text);
        await page.waitForTimeout(400);
        break;
    case "direction":
        await page.selectOption("#direction-select", step.value);
        break;
    case "tab":
        await page.click(`#tabs [data-tab="${step.name}"]`);
        break;
    case "clickRow": {
        const row = page.locator("#tree-rows .row", { has: page.locator(".fn", { hasText: new RegExp(`^${step.fn}$`) }) }).nth(step.nth ?? 0);
        await row.click({ position: { x: 60, y: 8 } });
        break;
    }
    case "toggleRow": {
        const row = page.locator("#tree-rows .row", { has: page.locator(".fn", { hasText: new RegExp(`^${step.fn}$`) }) }).nth(step.nth ?? 0);
        await row.locator(".toggle").click();
        break;
    }
    case "revealSite":
        await page.evaluate((s) => HH.modules.app.revealSite(s), step.site);
        break;
    case "revealPlace":
        // The view unit of a file's site (units are places: groups of sites).
        await page.evaluate((s) => {
            const v = HH.modules.app.state.view;
            HH.modules.app.revealSite(v.unitOfA[v.grA.groupOf[s]]);
        }, step.site);
        break;
    case "frames":
        if (!(await page.evaluate(() => document.getElementById("frame-settings").open))) await page.click("#frame-settings summary");
        await page.fill("#skip-frames-input", step.skip ?? "");
        await page.fill("#keep-frames-input", step.keep ?? "");
        await page.press("#keep-frames-input", "Enter");
        await page.press("#skip-frames-input", "Enter");
        await page.waitForTimeout(100);
        break;
    case "clickMore":
        await page.click(`#findings-list .more-row[data-kind="${step.kind}"]`);
        break;
    case "timelineDrag": {
        const box = await page.locator("#timeline-canvas").boundingBox();
        // The plot starts 70 px from the left and ends 16 px from the right.
        const x = (t) => box.x + 70 + (box.width - 86) * t;
        const y = box.y + box.height / 2;
        await page.mouse.move(x(step.from), y);
        await page.mouse.down();
        await page.mouse.move((x(step.from) + x(step.to)) / 2, y, { steps: 3 });
        await page.mouse.move(x(step.to), y, { steps: 3 });
        await page.mouse.up();
        break;
    }
    case "timelineRange":
        await page.evaluate(([a, b]) => HH.modules.timeline.setRange(a, b), [step.t0, step.t1]);
        break;
    case "flameClick": {
        const pos = await page.evaluate((fn) => {
            const b = HH.modules.flame.state.boxes.find((b) => !b.ancestor && HH.modules.tree.label(HH.modules.flame.state.tree, b.node) === fn);
            if (!b) return null;
            const r = document.getElementById("flame-canvas").getBoundingClientRect();
            return { x: r.left + b.x + Math.min(b.w / 2, 20), y: r.top + b.depth * 18 + 9 };
        }, step.fn);
        if (!pos) throw new Error(`no flame box for ${step.fn}`);
        await page.mouse.move(pos.x, pos.y);
        await page.mouse.click(pos.x, pos.y);
        break;
    }
    case "hoverFlame": {
        const r = await page.locator("#flame-canvas").boundingBox();
        await page.mouse.move(r.x + 30, r.y + 9);
        obs[step.as] = await page.evaluate(() => { const t = document.getElementById("flame-tip"); return t.hidden ? null : t.innerText; });
        break;
    }
    case "wait":
        await page.waitForTimeout(step.ms);
        break;
    case "screenshot":
        await page.screenshot({ path: join(plan.artifacts, step.file), fullPage: !!step.fullPage,
            clip: step.clip ?? undefined });
        break;
    case "observe":
        obs[step.as] = await observe(page);
        break;
    default:
        throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
}

const results = {};
try {
    await withChromium("heaphunt-viewer-chromium-", { width: 1280, height: 800 }, async (context) => {
    for (const sc of plan.scenarios) {
        const page = await context.newPage();
        const pageErrors = [];
        page.on("pageerror", (err) => pageErrors.push(String(err)));
        const obs = {};
        let error = null;
        try {
            for (const step of sc.steps) await runStep(page, step, obs, sc.name);
        } catch (e) {
            error = String(e && e.stack || e);
            try { await page.screenshot({ path: join(plan.artifacts, `FAILED-${sc.name}.png`) }); } catch { /* page gone */ }
        }
        results[sc.name] = { observations: obs, pageErrors, error };
        await page.close();
    }
    });
} finally {
    server.close();
}
writeFileSync(resultsPath, JSON.stringify(results, null, 1));
