import { UNSAFE_SOURCE, UNSAFE_URL } from "./fake-upstream";
import { answers, ask, expect, signInWithLink, test } from "./fixtures";

const POLICY = `# Kerékpártárolási szabályzat

## Hol tárolhatók a kerékpárok?

A munkavállalók a kerékpárjukat a székház mélygarázsának -1. szintjén, a zárt kerékpártárolóban tárolhatják.
A tároló belépőkártyával nyílik, hétköznap reggel hattól este tízig.
`;
const SOURCE = "https://intranet.example/kerekpar";

test("a tenant admin uploads a Markdown document; answers cite it as a safe link; deleting it asks first", async ({
  page,
}) => {
  await signInWithLink(page, { tenant: 2, user: 1, role: "admin" });
  await expect(page.locator("#who")).toHaveText("Tenant 2 · user 1 · admin");
  await page.getByRole("link", { name: "Knowledge" }).click();
  await expect(page).toHaveURL(/#knowledge$/);
  await expect(page.locator("#document-list")).toHaveText("No documents yet.");

  await page.getByLabel("Markdown or text file").setInputFiles({
    name: "kerekpar.md",
    mimeType: "text/markdown",
    buffer: Buffer.from(POLICY, "utf8"),
  });
  // The title comes from the file's first heading, and stays editable.
  await expect(page.getByLabel("Title")).toHaveValue("Kerékpártárolási szabályzat");
  await page.getByLabel(/Source URL/).fill(SOURCE);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.locator("#status")).toHaveText(/Added “Kerékpártárolási szabályzat” \(\d+ passages\)/);
  const listed = page.locator("#document-list li.document");
  await expect(listed).toHaveCount(1);
  await expect(listed.getByRole("link", { name: "Kerékpártárolási szabályzat" })).toHaveAttribute("href", SOURCE);

  // Ask about it: the answer cites the document, its source as a link that opens apart from the page.
  await page.getByRole("link", { name: "Chat" }).click();
  await ask(page, "Hol tárolhatom a kerékpáromat?");
  const citation = answers(page).first().locator(".sources a");
  await expect(citation).toHaveText("Kerékpártárolási szabályzat");
  await expect(citation).toHaveAttribute("href", SOURCE);
  await expect(citation).toHaveAttribute("target", "_blank");
  await expect(citation).toHaveAttribute("rel", "noopener noreferrer");

  // The run of the inactivity sweep for the tenant reports what it did.
  await page.getByRole("link", { name: "Knowledge" }).click();
  await page.getByRole("button", { name: "Run the inactivity cleanup now" }).click();
  await expect(page.locator("#status")).toHaveText(/Cleanup: \d+ checked, 0 ended, 0 purged, 0 failed\./);

  await listed.getByRole("button", { name: "Delete: Kerékpártárolási szabályzat" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.locator("#document-list")).toHaveText("No documents yet.");
  await expect(page.locator("#status")).toHaveText("Deleted “Kerékpártárolási szabályzat”.");
});

test("a source whose URL is not http(s) is shown as text, never as a link", async ({ page }) => {
  await signInWithLink(page, { tenant: 3, user: 1 });
  await ask(page, `Which source? ${UNSAFE_SOURCE}`);
  const sources = answers(page).first().locator(".sources");
  await expect(sources).toContainText("Unsafe source");
  await expect(sources.locator("a")).toHaveCount(0);
  await expect(page.locator(`a[href="${UNSAFE_URL}"], a[href^="javascript:"]`)).toHaveCount(0);
});

test("a user who is not a tenant admin has no knowledge page", async ({ page }) => {
  await signInWithLink(page, { tenant: 2, user: 2 });
  await expect(page.getByRole("link", { name: "Knowledge" })).toBeHidden();
  await page.goto("/#knowledge");
  await expect(page.locator("#knowledge-view")).toBeHidden();
  await expect(page.locator("#chat-view")).toBeVisible();
});
