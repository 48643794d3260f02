import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// This file runs in Node, whose process.env is not typed here (no @types/node).
const shell = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          JWT_SECRET: "test-secret-not-for-production",
          SESSION_ID_SECRET: "test-session-id-secret",
          // The same migrations wrangler applies, applied by test/setup.ts.
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // test/fuzz.test.ts: size and seed from the shell (`npm run fuzz`); workerd has no process.env.
          FUZZ_RUNS: shell.FUZZ_RUNS ?? "",
          FUZZ_SEED: shell.FUZZ_SEED ?? "",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
