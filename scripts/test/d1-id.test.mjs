// The placeholder check and writing the real D1 id into wrangler.toml (what deploy:setup does).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "smol-toml";
import { databaseIdByName, PLACEHOLDER_D1_ID, unsetD1Ids, withD1Id } from "../lib/d1-id.mjs";
import { envDrift } from "../lib/env-drift.mjs";

const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
const placeholder = toml.replaceAll(/database_id = "[^"]*"/g, `database_id = "${PLACEHOLDER_D1_ID}"`);
const ID = "0b9c1f5e-2a33-4c6d-9e8f-1234567890ab";

test("the placeholder id is found in both environments", () => {
  assert.deepEqual(unsetD1Ids(parse(placeholder)), ["d1_databases[DB]", "env.ai.d1_databases[DB]"]);
});

test("withD1Id sets the id in both environments and changes nothing else", () => {
  const next = withD1Id(placeholder, "DB", ID);
  const config = parse(next);
  assert.deepEqual(unsetD1Ids(config), []);
  assert.equal(config.d1_databases[0].database_id, ID);
  assert.equal(config.env.ai.d1_databases[0].database_id, ID);
  assert.deepEqual(envDrift(config, "ai"), []);
  // Only the two id lines differ; comments and layout stay.
  const changed = next.split("\n").filter((line, i) => line !== placeholder.split("\n")[i]);
  assert.equal(changed.length, 2);
  assert.ok(changed.every((line) => line.includes(`database_id = "${ID}"`)));
  assert.equal(withD1Id(next, "DB", ID), next, "setting the same id again is a no-op");
});

test("withD1Id refuses a value that is not a UUID, an unknown binding, and a layout it cannot edit", () => {
  assert.throws(() => withD1Id(placeholder, "DB", "not-an-id"), /not a D1 database id/);
  assert.throws(() => withD1Id(placeholder, "NOPE", ID), /no d1_databases entry with binding = "NOPE"/);
  const singleQuoted = placeholder.replace(
    `database_id = "${PLACEHOLDER_D1_ID}"`,
    `database_id = '${PLACEHOLDER_D1_ID}'`,
  );
  assert.throws(() => withD1Id(singleQuoted, "DB", ID), /set it to .* by hand/);
});

test("databaseIdByName reads `wrangler d1 list --json`", () => {
  const listed = JSON.stringify([
    { uuid: "aaaaaaaa-0000-4000-8000-000000000000", name: "other" },
    { uuid: ID, name: "knowledge-router-sessions", version: "production" },
  ]);
  assert.equal(databaseIdByName(listed, "knowledge-router-sessions"), ID);
  assert.throws(() => databaseIdByName(listed, "missing"), /no D1 database named missing/);
  assert.throws(() => databaseIdByName("✘ [ERROR] not logged in", "x"), /printed no JSON list/);
});
