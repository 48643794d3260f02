// deploy:setup end to end against a fake Cloudflare account (scripts/test/fake-wrangler.mjs), in a temp copy
// of the scripts and wrangler.toml, so nothing here touches the repo or the network.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { PLACEHOLDER_D1_ID } from "../lib/d1-id.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DB_ID = "5d1f0a9e-7c2b-4e3a-9f10-0123456789ab";
let dir;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "deploy-setup-"));
  cpSync(join(root, "scripts"), join(dir, "scripts"), { recursive: true });
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  writeFileSync(
    join(dir, "wrangler.toml"),
    toml.replaceAll(/database_id = "[^"]*"/g, `database_id = "${PLACEHOLDER_D1_ID}"`),
  );
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join(root, "node_modules", "smol-toml"), join(dir, "node_modules", "smol-toml"));
  const shim = join(dir, "node_modules", ".bin", "wrangler");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, "scripts/test/fake-wrangler.mjs")}" "$@"\n`);
  chmodSync(shim, 0o755);
  account({ calls: [], d1: [], r2: [], secrets: {} });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const account = (state) => writeFileSync(join(dir, "cf.json"), JSON.stringify(state));
const accountNow = () => JSON.parse(readFileSync(join(dir, "cf.json"), "utf8"));
function setup(extraEnv = {}) {
  const env = { ...process.env, FAKE_CF_STATE: join(dir, "cf.json"), ...extraEnv };
  for (const name of ["JWT_SECRET", "SESSION_ID_SECRET", "ANSWER_TOKEN"]) if (!(name in extraEnv)) delete env[name];
  const r = spawnSync(process.execPath, [join(dir, "scripts/deploy-setup.mjs")], { cwd: dir, env, encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}
const bulkCalls = () => accountNow().calls.filter((c) => c[0] === "secret" && c[1] === "bulk");

test("a fresh account: creates D1, reuses the existing bucket, writes the id, sets the same secrets in both Workers", () => {
  account({ calls: [], d1: [], r2: ["knowledge-router-archive"], secrets: {} });
  const r = setup();
  assert.equal(r.status, 0, r.output);

  const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
  assert.equal(toml.match(new RegExp(`database_id = "${DB_ID}"`, "g"))?.length, 2);
  assert.ok(!toml.includes(PLACEHOLDER_D1_ID));
  assert.match(r.output, /R2 bucket: already exists, reused/);
  assert.deepEqual(accountNow().vectorize, [{ name: "knowledge-router-passages", dimensions: 1024 }]);

  const { secrets } = accountNow();
  const top = secrets["knowledge-router-sessions"];
  assert.deepEqual(Object.keys(top).sort(), ["JWT_SECRET", "SESSION_ID_SECRET"]);
  assert.match(top.JWT_SECRET, /^[0-9a-f]{64}$/);
  assert.notEqual(top.JWT_SECRET, top.SESSION_ID_SECRET);
  assert.deepEqual(secrets["knowledge-router-sessions-ai"], top);

  const saved = join(dir, ".deploy-secrets");
  assert.equal(statSync(saved).mode & 0o777, 0o600);
  const text = readFileSync(saved, "utf8");
  assert.ok(
    text.includes(`JWT_SECRET=${top.JWT_SECRET}\n`) && text.includes(`SESSION_ID_SECRET=${top.SESSION_ID_SECRET}\n`),
  );
});

test("running it again changes nothing: same id, secrets kept (SESSION_ID_SECRET is never rotated)", () => {
  assert.equal(setup().status, 0);
  const before = { toml: readFileSync(join(dir, "wrangler.toml"), "utf8"), secrets: accountNow().secrets };
  const bulkBefore = bulkCalls().length;

  const again = setup({ SESSION_ID_SECRET: "an-attempt-to-rotate" });
  assert.equal(again.status, 0, again.output);
  assert.match(again.output, /D1 database: already exists, reused/);
  assert.match(again.output, /Vectorize index: already exists, reused/);
  assert.equal(accountNow().vectorize.length, 1);
  assert.equal(readFileSync(join(dir, "wrangler.toml"), "utf8"), before.toml);
  assert.deepEqual(accountNow().secrets, before.secrets);
  assert.equal(bulkCalls().length, bulkBefore);
});

test("a secret set in one Worker only stops before anything is written", () => {
  account({
    calls: [],
    d1: [],
    r2: [],
    secrets: { "knowledge-router-sessions": { JWT_SECRET: "a", SESSION_ID_SECRET: "b" } },
  });
  const r = setup();
  assert.equal(r.status, 1);
  assert.match(r.output, /JWT_SECRET is set in the default environment but not in --env ai/);
  assert.deepEqual(bulkCalls(), []);
});

test("not logged in: stops at the first step and says how to log in", () => {
  account({ calls: [], d1: [], r2: [], secrets: {}, loggedOut: true });
  const r = setup();
  assert.equal(r.status, 1);
  assert.match(r.output, /Log in first: `npx wrangler login`/);
  assert.equal(accountNow().calls.length, 1);
  assert.ok(readFileSync(join(dir, "wrangler.toml"), "utf8").includes(PLACEHOLDER_D1_ID));
});
