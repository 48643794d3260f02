import { test as base, expect, type Page } from "@playwright/test";
import { mintToken } from "../scripts/lib/jwt.mjs";

export { expect };

export interface Who {
  tenant: number;
  user: number;
  role?: "admin" | "user";
  /** Seconds until the token expires (negative: already expired). */
  ttl?: number;
  /** Sign with another secret than the service's (a token it must refuse). */
  secret?: string;
}

/** A bearer token for the e2e service, made as `npm run token` makes one. */
export function tokenFor(who: Who): Promise<string> {
  const secret = who.secret ?? process.env.E2E_JWT_SECRET;
  if (!secret) throw new Error("E2E_JWT_SECRET is not set: run the tests with `npm run test:e2e`");
  return mintToken(secret, { tenantId: who.tenant, userId: who.user, role: who.role, ttlSeconds: who.ttl ?? 3600 });
}

/** Opens the page with the sign-in link `npm start` prints (#token=…) and waits until it is signed in. */
export async function signInWithLink(page: Page, who: Who) {
  await page.goto(`/#token=${await tokenFor(who)}`);
  await expect(page.locator("#sign-out")).toBeVisible();
  await expect(page.locator("#who")).toContainText(`${who.tenant}`);
}

/**
 * Every test checks, whatever else it does, that the page asked no other host for anything (every request
 * goes to the page's own origin) and broke no rule of its Content-Security-Policy, and that no script error
 * went uncaught.
 */
export const test = base.extend<{ sameOriginOnly: undefined }>({
  sameOriginOnly: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL ?? "").origin;
      const foreign: string[] = [];
      const problems: string[] = [];
      // A blob: URL (the transcript download) has its creator's origin; data: has none and counts as foreign.
      page.on("request", (request) => {
        if (new URL(request.url()).origin !== origin) foreign.push(request.url());
      });
      page.on("console", (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
      await use(undefined);
      expect(foreign, "requests to another origin").toEqual([]);
      expect(problems, "CSP violations and uncaught errors").toEqual([]);
    },
    { auto: true },
  ],
});

/** The conversation's finished answers (not the one streaming in). */
export const answers = (page: Page) => page.locator("#messages .message-assistant:not(.streaming)");
/** The text of each question in the conversation. */
export const questions = (page: Page) => page.locator("#messages .message-user .text");

/** Asks in the open chat the way a person does (type, Enter) and waits for the whole answer. */
export async function ask(page: Page, text: string) {
  const before = await answers(page).count();
  const box = page.locator("#composer-input");
  await box.fill(text);
  await box.press("Enter");
  await expect(answers(page)).toHaveCount(before + 1);
}

/** The session id the address names (#session=…), once it names one. */
export async function sessionInAddress(page: Page): Promise<string> {
  await expect(page).toHaveURL(/#session=[0-9a-f-]{36}$/);
  return decodeURIComponent(new URL(page.url()).hash.replace("#session=", ""));
}
