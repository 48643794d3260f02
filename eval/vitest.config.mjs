import { readdirSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * `npm run eval`: the knowledge pack and questions of eval/, asked through the
 * real worker (the same workerd, D1 and migrations as `npm test`), offline. Not
 * part of `npm test`: it is a measurement, printed, and fails when a goal is missed.
 */
const here = (path) => new URL(path, import.meta.url);
const root = here("..").pathname;

export default defineConfig(async () => {
  const docs = readdirSync(here("./docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((file) => ({ name: file.replace(/\.md$/, ""), text: readFileSync(here(`./docs/${file}`), "utf8") }));
  // One question a line (JSON Lines); blank lines separate the kinds.
  const questionsOf = (file) =>
    readFileSync(here(file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
  const questions = questionsOf("./questions.jsonl");
  const holdout = questionsOf("./holdout.jsonl");
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: `${root}wrangler.toml` },
        miniflare: {
          bindings: {
            JWT_SECRET: "eval-secret-not-for-production",
            SESSION_ID_SECRET: "eval-session-id-secret",
            TEST_MIGRATIONS: await readD1Migrations(`${root}migrations`),
            EVAL_PACK: { docs, questions, holdout },
          },
        },
      }),
    ],
    test: {
      name: "eval",
      include: ["eval/**/*.eval.ts"],
      setupFiles: ["./test/setup.ts"],
      // One long test: the whole pack, question by question.
      testTimeout: 600_000,
    },
  };
});
