// chromium.mjs: the one way the browser tests and the viewer benchmark
// start Debian's Chromium through playwright-core (never a downloaded
// browser).  The flags keep a headless Chromium, run as root, off the
// network this machine does not have; each run gets a fresh profile
// directory, removed afterwards.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--lang=en-US",
];

// Runs fn(context) in a new headless Chromium; closes it however fn ends.
export async function withChromium(dirPrefix, viewport, fn) {
    const userDataDir = mkdtempSync(join(tmpdir(), dirPrefix));
    let context;
    try {
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: "/usr/bin/chromium",
            headless: true,
            locale: "en-US",
            viewport,
            args: CHROMIUM_ARGS,
        });
        return await fn(context);
    } finally {
        if (context) await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
    }
}
