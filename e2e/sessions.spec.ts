import { answers, ask, expect, questions, sessionInAddress, signInWithLink, test } from "./fixtures";

test("the sidebar: new chat, newest first, resume by clicking, end, delete only after confirming", async ({ page }) => {
  await signInWithLink(page, { tenant: 1, user: 20 });
  await expect(page.locator("#session-list")).toHaveText("No chats yet.");

  await ask(page, "Where is the first topic?");
  const first = await sessionInAddress(page);
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(questions(page)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "New chat", level: 2 }).first()).toBeVisible();
  await ask(page, "What about the second topic?");
  const second = await sessionInAddress(page);
  expect(second).not.toBe(first);

  // Newest activity first, each named by its first question.
  const links = page.locator("#session-list a.session");
  await expect(links).toHaveCount(2);
  await expect(links.nth(0)).toContainText("What about the second topic?");
  await expect(links.nth(1)).toContainText("Where is the first topic?");

  // Resume the first by clicking it: its history, and the next question continues it.
  await links.nth(1).click();
  expect(await sessionInAddress(page)).toBe(first);
  await expect(questions(page)).toHaveText([/Where is the first topic\?/]);
  await ask(page, "And a follow-up?");
  expect(await sessionInAddress(page)).toBe(first);
  await expect(questions(page)).toHaveCount(2);

  // End it: the page says so, the list too, and a new question would start a new chat.
  await page.getByRole("button", { name: "End chat" }).click();
  await expect(page.locator("#conversation-status")).toHaveText("ended");
  await expect(page.locator("#ended-note")).toBeVisible();
  await expect(page.getByRole("button", { name: "End chat" })).toBeHidden();
  await expect(page.locator(`#session-list a[href="#session=${first}"] .badge`)).toHaveText("ended");

  // Delete the second: cancelling keeps it; confirming removes it from the list and the view.
  await page.locator(`#session-list a[href="#session=${second}"]`).click();
  await expect(questions(page)).toHaveText([/second topic/]);
  await page.getByRole("button", { name: "Delete chat" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Delete this chat?");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(links).toHaveCount(2);
  await page.getByRole("button", { name: "Delete chat" }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(links).toHaveCount(1);
  await expect(links.first()).toHaveAttribute("href", `#session=${first}`);
  await expect(page).toHaveURL(/#chat$/);
  await expect(questions(page)).toHaveCount(0);
});

test("an ended chat's summary shows in the memory panel and opens its chat; the transcript downloads", async ({
  page,
}) => {
  await signInWithLink(page, { tenant: 1, user: 21 });
  await expect(page.locator("#summary-list")).toContainText("Nothing yet");
  await ask(page, "Hány home office nap jár egy héten?");
  await ask(page, "És havonta összesen?");
  const id = await sessionInAddress(page);

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download transcript" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`chat-${id}.jsonl`);
  const lines = (await streamText(await file.createReadStream()))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  expect(lines[0].content).toBe("Hány home office nap jár egy héten?");

  // Four messages reach MIN_MESSAGES_FOR_SUMMARY: ending the chat summarises it (after the end returns).
  await page.getByRole("button", { name: "End chat" }).click();
  await expect(page.locator("#conversation-status")).toHaveText("ended");
  const summary = page.locator("#summary-list li.summary");
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(summary).toHaveCount(1, { timeout: 500 });
  }).toPass();
  await expect(summary).toContainText("home office");

  await page.getByRole("button", { name: "New chat" }).click();
  await expect(questions(page)).toHaveCount(0);
  await summary.getByRole("link", { name: "Open the chat" }).click();
  expect(await sessionInAddress(page)).toBe(id);
  await expect(answers(page)).toHaveCount(2);
});

test("deleting all my data, after confirming, empties the chats and the memory", async ({ page }) => {
  await signInWithLink(page, { tenant: 1, user: 22 });
  await ask(page, "Something to forget");
  await expect(page.locator("#session-list a.session")).toHaveCount(1);
  await page.getByRole("button", { name: "Delete all my data" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.locator("#status")).toHaveText(/Deleted 1 chats, 2 messages and 0 summaries/);
  await expect(page.locator("#session-list")).toHaveText("No chats yet.");
  await expect(questions(page)).toHaveCount(0);
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
