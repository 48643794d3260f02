import type { Page } from "@playwright/test";
import { answers, ask, expect, signInWithLink, test, tokenFor } from "./fixtures";

/** How far the page is wider than the screen (0: nothing overflows sideways). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test.describe("on a phone (375 px wide)", () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test("nothing overflows sideways; the chats list and the memory open from their buttons", async ({ page }) => {
    await signInWithLink(page, { tenant: 4, user: 1, role: "admin" });
    await expect(page.locator("#sidebar")).toBeHidden();
    await expect(page.locator("#memory")).toBeHidden();
    expect(await overflow(page)).toBe(0);

    // A long unbroken word, a long question and its answer still fit.
    await ask(page, `${"Árvíztűrőtükörfúrógép".repeat(12)} és egy hosszú kérdés a szabályzatról`);
    await ask(page, "https://intranet.example/a/very/long/path/that/does/not/break/anywhere/at/all/ever");
    expect(await overflow(page)).toBe(0);

    const chats = page.getByRole("button", { name: "Chats" });
    await expect(chats).toHaveAttribute("aria-expanded", "false");
    await chats.click();
    await expect(chats).toHaveAttribute("aria-expanded", "true");
    await expect(page.locator("#session-list a.session")).toHaveCount(1);
    await page.getByRole("button", { name: "Memory" }).click();
    await expect(page.locator("#memory")).toBeVisible();
    expect(await overflow(page)).toBe(0);

    // Opening a chat from the list closes the list again.
    await page.locator("#session-list a.session").first().click();
    await expect(page.locator("#sidebar")).toBeHidden();

    await page.getByRole("link", { name: "Knowledge" }).click();
    await expect(page.getByRole("heading", { name: "Knowledge base" })).toBeVisible();
    expect(await overflow(page)).toBe(0);
  });
});

test("usable with the keyboard alone: sign in, ask, open a chat from the sidebar, focus always visible", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByLabel("Token")).toBeFocused();
  await page.keyboard.type(await tokenFor({ tenant: 4, user: 2 }));
  await page.keyboard.press("Enter");
  await expect(page.locator("#who")).toHaveText("Tenant 4 · user 2");
  await expect(page.getByLabel("Your question")).toBeFocused();

  // After a reload, the skip link is the first stop and leads to the message box.
  await page.reload();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to the message box" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Your question")).toBeFocused();
  await page.keyboard.type("Kérdés billentyűzetről");
  await page.keyboard.press("Enter");
  await expect(answers(page)).toHaveCount(1);

  await page.getByRole("button", { name: "New chat" }).focus();
  await page.keyboard.press("Enter");
  await expect(answers(page)).toHaveCount(0);

  // Tab from the top of the page until the chat's link in the sidebar has the focus, then open it.
  await page.locator("body").focus();
  const link = page.locator("#session-list a.session").first();
  for (let i = 0; i < 20 && !(await link.evaluate((a) => a === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const active = document.activeElement;
      return active && active !== document.body ? getComputedStyle(active).outlineStyle : "solid";
    });
    expect(outline, "the focused control shows a focus outline").not.toBe("none");
  }
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(answers(page)).toHaveCount(1);
  await expect(page.locator(".message-user .text")).toHaveText("Kérdés billentyűzetről");
});

test.describe("in Hungarian", () => {
  test.use({ locale: "hu-HU" });

  test("a Hungarian browser gets the page in Hungarian; the switch changes it to English and is kept", async ({
    page,
  }) => {
    await signInWithLink(page, { tenant: 4, user: 3 });
    await expect(page.locator("html")).toHaveAttribute("lang", "hu");
    await expect(page.getByRole("button", { name: "Új beszélgetés" })).toBeVisible();
    await expect(page.getByLabel("Kérdésed")).toBeVisible();
    await expect(page.locator("#who")).toHaveText("Cég: 4 · felhasználó: 3");
    await ask(page, "Árvíztűrő tükörfúrógép");
    await expect(answers(page).first().locator(".author")).toHaveText("Asszisztens");

    await page.getByRole("button", { name: "Az oldal angolra váltása" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("button", { name: "New chat" })).toBeVisible();
    await expect(answers(page).first().locator(".author")).toHaveText("Assistant");
    await page.reload();
    await expect(page.getByLabel("Your question")).toBeVisible();
  });
});

test("the page has a strict CSP; /docs, /openapi.json, /health and the API still reach the worker", async ({
  request,
}) => {
  const page = await request.get("/");
  expect(page.status()).toBe(200);
  expect(page.headers()["content-type"]).toMatch(/^text\/html/);
  const csp = page.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(await page.text()).toContain('<meta charset="utf-8" />');

  expect((await request.get("/health")).status()).toBe(200);
  const openapi = await request.get("/openapi.json");
  expect((await openapi.json()).openapi).toMatch(/^3\.1/);
  const docs = await request.get("/docs");
  expect(await docs.text()).toContain("/docs/scalar/standalone.js");
  const api = await request.get("/api/sessions");
  expect(api.status()).toBe(401);
  expect((await api.json()).error.code).toBe("unauthorized");
  // Paths with no file are the worker's (no fallback to the page), e.g. the /v1 API.
  const other = await request.get("/v1/sessions");
  expect(other.headers()["content-type"]).toMatch(/^application\/json/);
});
