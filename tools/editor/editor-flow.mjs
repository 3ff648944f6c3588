// A volunteer in headless Chromium: opens /<site>/admin/ against the local backend (decap-server),
// writes an article with an image and an event through the editor's UI, publishes both.
// Usage: node editor-flow.mjs <admin-url> <site> <image-file> <backend-port> [<screenshot-dir>]
// Prints one JSON line: axe-core's violations on the editor's pages.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [admin, site, image, backendPort, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-sync"],
});

async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
}

async function shot(page, name) {
  if (shots) { await page.screenshot({ path: `${shots}/${name}.png` }); }
}

// Decap names each input "<field>-field-<n>"; the labels say "(optionnel)" after the name.
const field = (page, name) => page.locator(`[id^="${name}-field-"]`).first();

async function open(page, url, collection) {
  await page.goto(url);
  await page.getByText(`Écriture dans la collection ${collection}`).waitFor();
  await field(page, "title").waitFor();
  await page.waitForTimeout(1000);  // the form mounts twice (entry, then its draft)
}

async function publish(page) {
  await page.getByRole("button", { name: "Publier", exact: true }).click();
  await page.getByText("Publier maintenant", { exact: true }).click();
  await page.getByRole("button", { name: "Publiée" }).waitFor({ timeout: 20000 });
}

const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
// Decap's local_backend is http://localhost:8081; the test's decap-server listens on a free port.
await page.route("http://localhost:8081/**", async (route) => {
  const url = route.request().url().replace("localhost:8081", `127.0.0.1:${backendPort}`);
  await route.fulfill({ response: await route.fetch({ url }) });
});
// The host's Content-Security-Policy for the editor (headers.py), given by the test: what the
// browser refuses under it is counted, so a policy that breaks the editor fails the test.
const policy = process.env.EDITOR_CSP;
const refused = [];
page.on("console", (message) => {
  if (/Content Security Policy/i.test(message.text())) { refused.push(message.text().slice(0, 300)); }
});
if (policy) {
  await page.route((url) => url.pathname.includes("/admin/"), async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": policy } });
  });
}
try {
  await page.goto(admin, { waitUntil: "networkidle" });
  await shot(page, "connexion");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByText("Articles").first().waitFor();
  await shot(page, "collections");
  const collections = await axe(page);

  await open(page, `${admin}#/collections/${site}-articles/new`, "Articles");
  await field(page, "title").fill("Le potager partagé ouvre ses portes");
  await field(page, "date").fill("2026-11-20T18:30");
  await page.getByRole("button", { name: /^Ajouter/ }).first().click();  // an image: at most one
  await page.getByRole("button", { name: "Choisir une image" }).click();
  await page.locator('input[type="file"]').setInputFiles(image);
  await page.getByRole("button", { name: "Choisir les éléments sélectionnés" }).click();
  await page.getByRole("button", { name: "Publier", exact: true }).click();  // no description yet:
  await page.getByText("Publier maintenant", { exact: true }).click();
  await page.getByText("il manque un champ requis", { exact: false }).waitFor();  // refused
  await shot(page, "refus");
  await page.getByText("il manque un champ requis", { exact: false }).click();  // closes the message
  await field(page, "alt").fill("Des plants de tomates au soleil");
  await page.locator('[contenteditable="true"]').first().click();
  await page.keyboard.type("Venez planter avec nous samedi.");
  await field(page, "title").scrollIntoViewIfNeeded();
  await shot(page, "article");
  const entry = await axe(page);
  await publish(page);

  await open(page, `${admin}#/collections/${site}-agenda/new`, "Agenda");
  await field(page, "title").fill("Atelier semis");
  await field(page, "start").fill("2026-12-05T14:00");
  await field(page, "end").fill("2026-12-05T17:00");
  await field(page, "place").fill("Jardin de la rue de Siam");
  await field(page, "address").fill("12 rue de Siam, 29200 Kerlouan-sur-Mer");
  await field(page, "latitude").fill("48.3895");
  await field(page, "longitude").fill("-4.487");
  await field(page, "price").fill("gratuit");
  await shot(page, "evenement");
  await publish(page);
  console.log(JSON.stringify({ collections, entry, refused }));
} catch (error) {
  await shot(page, "erreur");
  console.error("refused by the policy:", JSON.stringify(refused));
  throw error;
} finally {
  await browser.close();
}
