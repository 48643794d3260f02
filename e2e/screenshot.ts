import { readFileSync } from "node:fs";
import { join } from "node:path";
import { answers, ask, expect, test } from "./fixtures";

/**
 * `npm run screenshot`: the README's pictures of the page (docs/screenshot.png, docs/screenshot-phone.png),
 * with the embedded offline answers and the shipped sample policy, in Hungarian as its users see it.
 */
const ROOT = join(import.meta.dirname, "..");

test.use({ locale: "hu-HU", viewport: { width: 1280, height: 800 } });

test("the README screenshots", async ({ page }) => {
  await page.goto(process.env.E2E_SIGN_IN_LINK ?? "");
  await page.locator('a[href="#knowledge"]').click();
  await page.locator("#upload-file").setInputFiles(join(ROOT, "examples/tavmunka-szabalyzat.md"));
  await page.locator("#upload-source").fill("https://intranet.example/tavmunka");
  await page.locator("#upload-form button[type=submit]").click();
  await expect(page.locator("#document-list li.document")).toHaveCount(1);

  // An earlier chat, ended, so the memory panel has its summary.
  await page.locator("#nav-chat").click();
  await ask(page, "Szia! Mi a távmunka szabályzat?");
  await ask(page, "Kell-e jelezni előre a home office napot?");
  await page.locator("#end-chat").click();
  await expect(async () => {
    await page.locator("#refresh-memory").click();
    await expect(page.locator("#summary-list li.summary")).toHaveCount(1, { timeout: 500 });
  }).toPass();

  await page.locator("#new-chat").click();
  await ask(page, "Mi a távmunka szabályzat?");
  await ask(page, "És mennyi home office nap engedélyezett?");
  await expect(answers(page).last().locator(".sources a")).toHaveCount(1);
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  await page.screenshot({ path: join(ROOT, "docs/screenshot.png") });

  // A phone opens the same chat (its address names it): the lists stay closed until asked for.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await expect(answers(page)).toHaveCount(2);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ROOT, "docs/screenshot-phone.png") });
  expect(readFileSync(join(ROOT, "docs/screenshot.png")).length).toBeGreaterThan(0);
});
