import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { copyDocsAssets } from "./scripts/docs-assets.mjs";

/**
 * Non-default [vars] for the `variants` project (test/variants/). Several of
 * these keys act inside the session's Durable Object, which reads its config
 * once in its constructor, so they need an environment of their own rather
 * than a patched env. The default project keeps wrangler.toml's [vars].
 */
const VARIANT_VARS = {
  SESSION_TIMEOUT_HOURS: "2",
  MIN_MESSAGES_FOR_SUMMARY: "2",
  DELETED_RETENTION_DAYS: "3",
  LTM_CONTEXT_SUMMARIES: "1",
  CLEANUP_INACTIVE_SESSIONS: "false",
  ENABLE_SESSION_ARCHIVING: "false",
  ENABLE_SESSION_CACHING: "false",
  ACCESS_LOG: "all",
};

/**
 * The `upstream` project (test/upstream/): turns go to an answer service at
 * ANSWER_URL, which its tests fake at the HTTP boundary (the global fetch the
 * provider calls), so a brand-new session's very first turn can fail.
 */
const UPSTREAM_VARS = {
  ANSWER_URL: "https://router.upstream.test/answer",
  ANSWER_TOKEN: "upstream-test-token",
};

/**
 * The assets-only Worker of web/wrangler.toml (the page's static files), which the service's WEB binding
 * reaches. Miniflare needs a script for it; this one only hands every request to its static assets, as the
 * deployed assets-only Worker does.
 */
const WEB_WORKER = {
  name: "knowledge-router-web",
  compatibilityDate: "2026-11-01",
  modules: true,
  script: "export default { fetch: (request, env) => env.ASSETS.fetch(request) };",
  assets: { directory: "./public", binding: "ASSETS" },
};

// This file runs in Node, whose process.env is not typed here (no @types/node).
const shell = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

export default defineConfig(async () => {
  // The web Worker's files (what GET /docs loads) are built by wrangler's build command, which tests do not run.
  copyDocsAssets();
  const bindings = {
    JWT_SECRET: "test-secret-not-for-production",
    SESSION_ID_SECRET: "test-session-id-secret",
    // The same migrations wrangler applies, applied by test/setup.ts.
    TEST_MIGRATIONS: await readD1Migrations("./migrations"),
    // test/fuzz.test.ts: size and seed from the shell (`npm run fuzz`); workerd has no process.env.
    FUZZ_RUNS: shell.FUZZ_RUNS ?? "",
    FUZZ_SEED: shell.FUZZ_SEED ?? "",
  };
  const project = (name: string, include: string[], exclude: string[], vars: Record<string, string>) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { ...bindings, ...vars }, workers: [WEB_WORKER] },
      }),
    ],
    test: {
      name,
      include,
      exclude,
      setupFiles: ["./test/setup.ts"],
    },
  });
  return {
    test: {
      // Every request logs an access line; keep the output to what matters (tests that check logs spy on console).
      onConsoleLog: (line: string) => !line.includes('"event":"request"'),
      projects: [
        project("default", ["test/**/*.test.ts"], ["test/variants/**", "test/upstream/**", "test/unit/**"], {}),
        project("variants", ["test/variants/**/*.test.ts"], [], VARIANT_VARS),
        project("upstream", ["test/upstream/**/*.test.ts"], [], UPSTREAM_VARS),
        // Pure modules, in plain Node: no Workers runtime at all.
        { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      ],
    },
  };
});
