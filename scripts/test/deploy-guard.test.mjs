// `npm run deploy` and `deploy:ai` refuse while the D1 id is the placeholder (or [env.ai] drifted).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { PLACEHOLDER_D1_ID } from "../lib/d1-id.mjs";

const root = new URL("../../", import.meta.url);
const toml = readFileSync(new URL("wrangler.toml", root), "utf8");
const dir = mkdtempSync(join(tmpdir(), "deploy-guard-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the guard on `text` written to a temp wrangler.toml. */
function guard(text) {
  const path = join(dir, "wrangler.toml");
  writeFileSync(path, text);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL("scripts/deploy-guard.mjs", root)), path], {
    encoding: "utf8",
  });
  return { status: r.status, stderr: r.stderr };
}
const withId = (id) => toml.replaceAll(/database_id = "[^"]*"/g, `database_id = "${id}"`);

test("refuses with the placeholder id, saying what to run", () => {
  const r = guard(withId(PLACEHOLDER_D1_ID));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Refusing to deploy: wrangler.toml still has the placeholder D1 database id/);
  assert.match(r.stderr, /d1_databases\[DB\], env\.ai\.d1_databases\[DB\]/);
  assert.match(r.stderr, /Run `npm run deploy:setup` first/);
});

test("refuses when only one environment still has the placeholder", () => {
  const real = withId("0b9c1f5e-2a33-4c6d-9e8f-1234567890ab");
  const r = guard(real.replace(/(\[env\.ai\][\s\S]*?database_id = )"[^"]*"/, `$1"${PLACEHOLDER_D1_ID}"`));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\(env\.ai\.d1_databases\[DB\]\)/);
});

test("refuses when [env.ai] drifted from the top level", () => {
  const real = withId("0b9c1f5e-2a33-4c6d-9e8f-1234567890ab");
  const r = guard(real.replace(/(\[env\.ai\.vars\][\s\S]*?)MAX_MESSAGE_CHARS = "\d+"/, '$1MAX_MESSAGE_CHARS = "1"'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /env\.ai\.vars\.MAX_MESSAGE_CHARS is "1"/);
});

test("lets a configured wrangler.toml through", () => {
  assert.deepEqual(guard(withId("0b9c1f5e-2a33-4c6d-9e8f-1234567890ab")), { status: 0, stderr: "" });
});

test("both deploy scripts run the guard before wrangler touches anything remote", () => {
  const { scripts } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  for (const name of ["deploy", "deploy:ai"]) {
    assert.match(scripts[name], /^node scripts\/deploy-guard\.mjs && /, `${name} must start with the guard`);
  }
});
