// The [env.ai] drift check, on the repo's own wrangler.toml and on edited copies of it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "smol-toml";
import { envDrift, NOT_INHERITED } from "../lib/env-drift.mjs";

const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
const split = toml.indexOf("[env.ai]");
const top = toml.slice(0, split);
const ai = toml.slice(split);

/** Drift messages after `edit` replaced `from` with `to` in one part of wrangler.toml (it must occur there). */
function driftAfter(part, from, to) {
  const text = part === "ai" ? top + ai.replace(from, to) : top.replace(from, to) + ai;
  assert.notEqual(text, toml, `${JSON.stringify(from)} not found in the ${part} part of wrangler.toml`);
  return envDrift(parse(text), "ai");
}

test("the repo's wrangler.toml has no drift", () => {
  assert.deepEqual(envDrift(parse(toml), "ai"), []);
});

test("a var with another value in [env.ai] is named", () => {
  assert.deepEqual(driftAfter("ai", 'MAX_MESSAGE_CHARS = "32000"', 'MAX_MESSAGE_CHARS = "1000"'), [
    'env.ai.vars.MAX_MESSAGE_CHARS is "1000" but the top level has "32000"',
  ]);
});

test("a var missing from [env.ai] or only in [env.ai] is named", () => {
  assert.deepEqual(driftAfter("ai", 'ANSWER_TIMEOUT_MS = "20000"\n', ""), [
    'env.ai.vars.ANSWER_TIMEOUT_MS is missing (top level: "20000")',
  ]);
  assert.deepEqual(driftAfter("top", 'ANSWER_URL = ""\n', 'ANSWER_URL = ""\nNEW_KEY = "1"\n'), [
    'env.ai.vars.NEW_KEY is missing (top level: "1")',
  ]);
  assert.deepEqual(driftAfter("ai", 'ANSWER_URL = ""\n', 'ANSWER_URL = ""\nONLY_AI = "1"\n'), [
    'env.ai.vars.ONLY_AI is "1" but the top level has no vars.ONLY_AI',
  ]);
});

test("D1, Durable Object, R2 and cron differences are named", () => {
  const otherId = "11111111-2222-4333-8444-555555555555";
  const id = parse(toml).d1_databases[0].database_id;
  assert.deepEqual(driftAfter("ai", /database_id = "[^"]*"/, `database_id = "${otherId}"`), [
    `env.ai.d1_databases[DB].database_id is "${otherId}" but the top level has "${id}"`,
  ]);
  assert.deepEqual(driftAfter("ai", 'class_name = "SessionObject"', 'class_name = "Other"'), [
    'env.ai.durable_objects.bindings[SESSIONS].class_name is "Other" but the top level has "SessionObject"',
  ]);
  assert.deepEqual(driftAfter("ai", /r2_buckets = .*\n/, ""), [
    "env.ai.r2_buckets is missing (top level has it; wrangler does not inherit it)",
  ]);
  assert.deepEqual(driftAfter("ai", 'bucket_name = "knowledge-router-archive"', 'bucket_name = "elsewhere"'), [
    'env.ai.r2_buckets[ARCHIVE].bucket_name is "elsewhere" but the top level has "knowledge-router-archive"',
  ]);
  assert.deepEqual(driftAfter("ai", 'crons = ["0 * * * *"]', 'crons = ["0 0 * * *"]'), [
    'env.ai.triggers.crons is ["0 0 * * *"] but the top level has ["0 * * * *"]',
  ]);
});

test("a binding kind added at the top level only, or in [env.ai] only, is named", () => {
  const kv = '[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n\n';
  assert.deepEqual(driftAfter("top", "[vars]", `${kv}[vars]`), [
    "env.ai.kv_namespaces is missing (top level has it; wrangler does not inherit it)",
  ]);
  assert.deepEqual(
    driftAfter("ai", "[env.ai.vars]", 'kv_namespaces = [{ binding = "KV", id = "abc" }]\n\n[env.ai.vars]'),
    ["env.ai.kv_namespaces is set but the top level has no kv_namespaces"],
  );
});

test("[env.ai] may differ only by its name and the AI binding, which it must have", () => {
  assert.deepEqual(driftAfter("ai", 'name = "knowledge-router-sessions-ai"', 'name = "any-name"'), []);
  assert.deepEqual(driftAfter("ai", 'ai = { binding = "AI" }\n', ""), [
    'env.ai.ai must be { binding = "AI" } (the one binding this environment exists for)',
  ]);
  assert.deepEqual(envDrift(parse(top), "ai"), ["[env.ai] is missing from wrangler.toml"]);
});

test("[env.ai] must have exactly the passages' Vectorize binding, and the top level none", () => {
  const line = /vectorize = .*\n/;
  const must =
    'env.ai.vectorize must be [{ binding = "KNOWLEDGE_VECTORS", index_name = "…" }] (semantic retrieval\'s index, and nothing else)';
  assert.deepEqual(driftAfter("ai", line, ""), [must]);
  assert.deepEqual(driftAfter("ai", "KNOWLEDGE_VECTORS", "OTHER"), [must]);
  assert.deepEqual(
    driftAfter(
      "ai",
      line,
      'vectorize = [{ binding = "KNOWLEDGE_VECTORS", index_name = "a" }, { binding = "B", index_name = "b" }]\n',
    ),
    [must],
  );
  assert.deepEqual(driftAfter("ai", 'index_name = "knowledge-router-passages"', 'index_name = "another-index"'), []);
  assert.deepEqual(
    driftAfter("top", "[vars]", '[[vectorize]]\nbinding = "KNOWLEDGE_VECTORS"\nindex_name = "x"\n\n[vars]'),
    ["vectorize is set at the top level: it is remote-only, [env.ai] holds it"],
  );
});

test("NOT_INHERITED lists every key the installed wrangler does not inherit into environments", () => {
  const cli = readFileSync(new URL("../../node_modules/wrangler/wrangler-dist/cli.js", import.meta.url), "utf8");
  const pattern = /notInheritable\(\s*diagnostics,\s*topLevelEnv,\s*rawConfig,\s*rawEnv,\s*envName,\s*"([a-z0-9_]+)"/g;
  const wranglers = new Set([...cli.matchAll(pattern)].map((m) => m[1]));
  assert.ok(wranglers.has("d1_databases") && wranglers.has("vars"), "wrangler's list was not found: update this test");
  assert.deepEqual(
    [...wranglers].filter((k) => !NOT_INHERITED.includes(k)),
    [],
    "wrangler has new non-inherited keys: add them to NOT_INHERITED",
  );
});
