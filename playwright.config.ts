import { defineConfig } from "@playwright/test";

/**
 * Browser tests of the web page (public/), in Debian's Chromium (no browser download), against a private
 * `wrangler dev` that e2e/global-setup.ts starts. One worker: the machine has two cores and wrangler needs one.
 */
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    locale: "en-GB",
    launchOptions: { executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] },
    headless: true,
    trace: "off",
  },
  projects: [
    { name: "e2e", testMatch: /.*\.spec\.ts/ },
    { name: "screenshot", testMatch: /screenshot\.ts/ },
  ],
});
