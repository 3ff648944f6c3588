// Loads each page in headless Chromium: axe-core (WCAG 2.1 A and AA), the hosts
// the page contacts by itself, and the bytes it transfers (images aside).
// Usage: node browser.mjs <base-url> <allowed-foreign-host,...> <path>...
// Prints one JSON line per page.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, allowedList, ...paths] = process.argv.slice(2);
const allowed = new Set(allowedList ? allowedList.split(",").filter(Boolean) : []);
const own = new URL(base).host;
const UNKNOWN_WORD = "abricot";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  for (const path of paths) {
    // A context of its own: an empty cache, as for a reader's first visit.
    // COLOR_SCHEME=dark, VIEWPORT_WIDTH=390: the same checks in dark mode, on a phone.
    const context = await browser.newContext({
      colorScheme: process.env.COLOR_SCHEME || "light",
      viewport: { width: Number(process.env.VIEWPORT_WIDTH) || 1280, height: 800 },
    });
    const page = await context.newPage();
    const foreign = [];
    const bodies = [];
    page.on("request", (request) => {
      const host = new URL(request.url()).host;
      if (host && host !== own && !allowed.has(host)) { foreign.push(request.url()); }
    });
    page.on("response", (response) => {
      if (response.request().resourceType() === "image") { return; }
      bodies.push(response.body().then((body) => body.length, () => 0)); // 0: a stream or a redirect
    });
    await page.route((url) => new URL(url).host !== own, (route) => route.abort());
    await page.goto(base + path, { waitUntil: "networkidle" });
    // What loading the page transferred, every body read before it is counted.
    const bytes = (await Promise.all(bodies)).reduce((sum, length) => sum + length, 0);
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }));
    const violations = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
    let searchResults = null;
    let unknownResults = null;
    if (path.endsWith("/recherche/") || path.endsWith("recherche.html")) {
      // A reader's search: type a word every site uses, wait for results.
      await page.fill(".pagefind-ui__search-input", process.env.SEARCH_WORD || "association");
      try {
        await page.waitForSelector(".pagefind-ui__result", { timeout: 10000 });
        searchResults = await page.locator(".pagefind-ui__result").count();
        const links = await page.locator(".pagefind-ui__result-link").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        const site = path.endsWith("recherche.html") ? path.split("/")[1] : null;
        if (site && links.some((link) => !link.startsWith("/" + site + "/"))) { searchResults = -1; }
      } catch { searchResults = 0; }
      // A word no page has finds nothing (Pagefind alone answers « abricot » with the pages holding « à »).
      await page.fill(".pagefind-ui__search-input", UNKNOWN_WORD);
      await page.waitForFunction((word) => {
        const message = document.querySelector(".pagefind-ui__message");
        return message && message.textContent.includes(word) && !message.textContent.trim().endsWith("...");
      }, UNKNOWN_WORD, { timeout: 10000 }).catch(() => {});
      unknownResults = await page.locator(".pagefind-ui__result").count();
    }
    console.log(JSON.stringify({ path, violations, foreign, bytes, searchResults, unknownResults }));
    await context.close();
  }
} finally {
  await browser.close();
}
