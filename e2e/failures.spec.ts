import type { Request } from "@playwright/test";
import { FAIL_ONCE } from "./fake-upstream";
import { answers, ask, expect, questions, sessionInAddress, signInWithLink, test } from "./fixtures";

const chatRequests = (requests: Request[]) =>
  requests
    .filter((r) => r.url().endsWith("/api/chat"))
    .map((r) => ({ key: r.headers()["idempotency-key"], body: r.postData() }));

test("a failed turn shows its error, and Retry completes it with the same Idempotency-Key, storing the query once", async ({
  page,
}) => {
  const requests: Request[] = [];
  page.on("request", (r) => requests.push(r));
  await signInWithLink(page, { tenant: 1, user: 30 });

  const query = `Mi a szabály? ${FAIL_ONCE}`;
  const box = page.getByLabel("Your question");
  await box.fill(query);
  await box.press("Enter");
  const failed = page.locator("#messages .message-user.failed");
  await expect(failed.locator(".turn-failed")).toContainText("No answer: 502 answer_failed");
  await expect(answers(page)).toHaveCount(0);
  const id = await sessionInAddress(page);

  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(answers(page)).toHaveCount(1);
  await expect(answers(page).first()).toContainText(`You asked: ${query}`);
  await expect(page.locator(".turn-failed")).toHaveCount(0);
  expect(await sessionInAddress(page)).toBe(id);

  const [first, retry] = chatRequests(requests);
  expect(retry).toEqual(first);
  expect(first?.key).toBeTruthy();

  // The service kept the query once and completed its turn in the same chat.
  await page.reload();
  await expect(questions(page)).toHaveText([query]);
  await expect(answers(page)).toHaveCount(1);
});

test("a failed turn can still be retried after a reload, in the middle of a chat", async ({ page }) => {
  const requests: Request[] = [];
  page.on("request", (r) => requests.push(r));
  await signInWithLink(page, { tenant: 1, user: 31 });
  await ask(page, "Kezdő kérdés");
  const id = await sessionInAddress(page);
  const query = `Második kérdés ${FAIL_ONCE}`;
  await page.getByLabel("Your question").fill(query);
  await page.getByLabel("Your question").press("Enter");
  await expect(page.locator(".turn-failed")).toContainText("502");

  await page.reload();
  const failed = page.locator("#messages .message-user.failed");
  await expect(failed).toContainText(query);
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(answers(page)).toHaveCount(2);
  await expect(page.locator(".message-user.failed")).toHaveCount(0);
  await expect(questions(page)).toHaveText(["Kezdő kérdés", query]);

  const [, failedTurn, retried] = chatRequests(requests);
  expect(retried).toEqual(failedTurn);
  expect(JSON.parse(retried?.body ?? "{}").session_id).toBe(id);
});

test("every refused request shows its status, code and message; the refused question goes back to the box", async ({
  page,
}) => {
  await signInWithLink(page, { tenant: 1, user: 32 });
  const alert = page.locator("#alerts");

  // 413: longer than MAX_MESSAGE_CHARS (32,000 characters). Nothing is stored, the text is kept for editing.
  const tooLong = "á".repeat(32_001);
  await page.getByLabel("Your question").fill(tooLong);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(alert).toContainText("Error 413 · payload_too_large");
  await expect(alert).toContainText(/Request id: \S+/);
  await expect(page.getByLabel("Your question")).toHaveValue(tooLong);
  await expect(questions(page)).toHaveCount(0);
  await alert.getByRole("button", { name: "Dismiss" }).click();
  await expect(alert).toBeEmpty();

  // 404: a chat that is not the caller's (or does not exist) is answered alike.
  await page.goto("/#session=00000000-0000-4000-8000-000000000000");
  await expect(alert).toContainText("Error 404 · not_found");
  await expect(page.getByRole("heading", { name: "New chat", level: 2 }).first()).toBeVisible();
});
