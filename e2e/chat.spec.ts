import { answers, ask, expect, questions, sessionInAddress, signInWithLink, test, tokenFor } from "./fixtures";

test("two streamed turns (Hungarian text, Enter sends, Shift+Enter breaks the line), resumed after a reload", async ({
  page,
}) => {
  await signInWithLink(page, { tenant: 1, user: 10 });
  await expect(page.locator("#who")).toHaveText("Tenant 1 · user 10");

  const chats: { body: Record<string, unknown>; key: string | undefined; type: string | null }[] = [];
  page.on("response", async (response) => {
    if (!response.url().endsWith("/api/chat")) return;
    const request = response.request();
    chats.push({
      body: request.postDataJSON(),
      key: request.headers()["idempotency-key"],
      type: response.headers()["content-type"] ?? null,
    });
  });

  // Hungarian text goes in and comes back whole (the fake answer service echoes the question).
  await ask(page, "Árvíztűrő tükörfúrógép");
  await expect(questions(page).first()).toContainText("Árvíztűrő tükörfúrógép");
  await expect(answers(page).first()).toContainText("You asked: Árvíztűrő tükörfúrógép");
  const id = await sessionInAddress(page);

  // Shift+Enter is a new line, not a send.
  const box = page.getByLabel("Your question");
  await box.fill("first line");
  await box.press("Shift+Enter");
  await box.pressSequentially("second line");
  await expect(box).toHaveValue("first line\nsecond line");
  await expect(questions(page)).toHaveCount(1);
  await box.press("Enter");
  await expect(answers(page)).toHaveCount(2);
  await expect(questions(page).nth(1)).toHaveText("first line\nsecond line");

  // Both turns streamed (server-sent events), each with its own Idempotency-Key; the second named the session.
  expect(chats).toHaveLength(2);
  for (const chat of chats) {
    expect(chat.type).toMatch(/^text\/event-stream/);
    expect(chat.body.stream).toBe(true);
    expect(chat.key).toMatch(/^[0-9a-f-]{36}$/);
  }
  expect(chats[0]?.body.session_id).toBeUndefined();
  expect(chats[1]?.body.session_id).toBe(id);
  expect(chats[0]?.key).not.toBe(chats[1]?.key);

  // A reload comes back to the same chat (the address names it), listed and marked in the sidebar.
  await page.reload();
  await expect(questions(page)).toHaveCount(2);
  await expect(answers(page)).toHaveCount(2);
  const current = page.locator("#session-list a[aria-current]");
  await expect(current).toHaveAttribute("href", `#session=${id}`);
  await expect(current).toContainText("Árvíztűrő tükörfúrógép");

  // …and goes on in it.
  await ask(page, "És még valami?");
  expect(chats[2]?.body.session_id).toBe(id);
  expect(await sessionInAddress(page)).toBe(id);
  await expect(page.locator("#session-list li")).toHaveCount(1);
});

test("the link `npm start` prints signs the page in as a tenant admin, and leaves no token in the address", async ({
  page,
}) => {
  const link = process.env.E2E_SIGN_IN_LINK ?? "";
  expect(link).toMatch(/\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
  await page.goto(link);
  await expect(page.locator("#who")).toHaveText("Tenant 1 · user 1 · admin");
  await expect(page.getByRole("link", { name: "Knowledge" })).toBeVisible();
  expect(page.url()).not.toContain("token");
  // Not in the history either: back and forward again come to the address without it (still signed in).
  await page.goBack();
  await page.goForward();
  expect(page.url()).not.toContain("token");
  await expect(page.locator("#who")).toHaveText("Tenant 1 · user 1 · admin");
});

test("a pasted token signs in; a malformed one is refused with a message; signing out asks again", async ({ page }) => {
  await page.goto("/");
  const form = page.locator("#signin");
  await expect(form).toBeVisible();
  await page.getByLabel("Token").fill("not a token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#signin-message")).toHaveText(/not a token/);

  await page.getByLabel("Token").fill(await tokenFor({ tenant: 1, user: 13 }));
  await page.getByLabel("Token").press("Enter");
  await expect(page.locator("#who")).toHaveText("Tenant 1 · user 13");
  await expect(page.locator("#nav-knowledge")).toBeHidden();

  // Still signed in after a reload (this tab's sessionStorage), and no longer after signing out.
  await page.reload();
  await expect(page.locator("#who")).toHaveText("Tenant 1 · user 13");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(form).toBeVisible();
  await page.reload();
  await expect(form).toBeVisible();
});

test("an expired token, or one the service refuses, brings back the sign-in with a clear message", async ({ page }) => {
  await page.goto(`/#token=${await tokenFor({ tenant: 1, user: 14, ttl: -60 })}`);
  await expect(page.locator("#signin-message")).toHaveText(/expired or is not valid/);

  // Well-formed and unexpired, but not signed with the service's secret: the first request answers 401.
  await page.goto("about:blank");
  await page.goto(`/#token=${await tokenFor({ tenant: 1, user: 14, secret: "not-the-service-secret" })}`);
  await expect(page.locator("#signin")).toBeVisible();
  await expect(page.locator("#signin-message")).toHaveText(/expired or is not valid/);
  await expect(page.getByLabel("Token")).toBeFocused();
});
