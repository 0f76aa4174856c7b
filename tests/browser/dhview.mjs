// Load a profile into Valgrind's own dh_view.html in headless Chromium and
// report what the page shows.
//
//   node tests/browser/dhview.mjs PROFILE.json SCREENSHOT.png [DH_VIEW_HTML]
//
// Prints one JSON object on stdout: {title, rootText, errorTexts, pageErrors}.
// rootText is the text of the tree's root entry (the file's totals);
// errorTexts the text of any element dh_view marks with class "error";
// pageErrors uncaught exceptions in the page.  The Python test
// (tests/test_dh_view.py) decides pass or fail from these.
//
// Uses Debian's /usr/bin/chromium through playwright-core (never a
// downloaded browser), a fresh profile directory, no network features, and
// an en-US locale so that numbers have "," thousands separators.
import { withChromium } from "./chromium.mjs";

const [profilePath, screenshotPath, viewerPath = "/usr/libexec/valgrind/dh_view.html"] =
    process.argv.slice(2);
if (!profilePath || !screenshotPath) {
    console.error("usage: node dhview.mjs PROFILE.json SCREENSHOT.png [DH_VIEW_HTML]");
    process.exit(2);
}

await withChromium("heaphunt-chromium-", { width: 1280, height: 900 }, async (context) => {
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(String(err)));

    await page.goto(`file://${viewerPath}`);
    await page.setInputFiles("input[type=file]", profilePath);
    // dh_view replaces "Loading..." with the tree, or with an error text.
    await page.waitForFunction(() => {
        const text = document.body.innerText;
        return !text.includes("Loading...") &&
            (text.includes("Total:") || document.querySelector(".error") !== null);
    }, null, { timeout: 30000 });

    const result = await page.evaluate(() => {
        const errorTexts = [...document.querySelectorAll(".error")].map((e) => e.innerText);
        // The first tree entry is the root: the whole file's totals.
        const body = document.body.innerText;
        const start = body.indexOf("Total:");
        const rootText = start >= 0 ? body.slice(start, start + 2000) : "";
        return { title: document.title, rootText, errorTexts };
    });
    result.pageErrors = pageErrors;
    await page.screenshot({ path: screenshotPath, fullPage: false });
    console.log(JSON.stringify(result));
});
