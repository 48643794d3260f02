// `npm run deploy:setup`: the one-time production setup (README, "Deploy"). Needs `wrangler login` (or
// CLOUDFLARE_API_TOKEN). Every step is safe to repeat: existing resources are reused, set secrets are kept.
import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { databaseIdByName, jsonListIn, withD1Id } from "./lib/d1-id.mjs";
import { planSecrets } from "./lib/secrets-plan.mjs";
import { envArgs, ROOT, wrangler } from "./lib/wrangler-cli.mjs";
import { readWranglerToml, WRANGLER_TOML } from "./lib/wrangler-config.mjs";

const SECRETS_FILE = join(ROOT, ".deploy-secrets");

function fail(message, output = "") {
  console.error(`\ndeploy:setup stopped: ${message}`);
  if (/CLOUDFLARE_API_TOKEN|not authenticated|wrangler login/i.test(output)) {
    console.error("Log in first: `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID).");
  }
  process.exit(1);
}

/** fn(), or stop with its error's message. */
function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

/** Runs a create command; "already exists" (Vectorize: "duplicate_name") counts as done. */
function ensure(what, args) {
  console.log(`\n▶ ${what}: wrangler ${args.join(" ")}`);
  const r = wrangler(args);
  if (r.status === 0) return;
  if (/already exists|duplicate_name/i.test(r.output)) return console.log(`${what}: already exists, reused.`);
  fail(`${what} failed (see above).`, r.output);
}

const { text, config } = readWranglerToml();
const db = config.d1_databases?.find((d) => d.binding === "DB");
const bucket = config.r2_buckets?.find((b) => b.binding === "ARCHIVE");
if (!db || !bucket) fail("wrangler.toml lacks the DB (D1) or ARCHIVE (R2) binding.");
const envs = ["", ...Object.keys(config.env ?? {})];

// 1. D1: create it, then read its id back from the account (also when it existed already).
ensure("D1 database", ["d1", "create", db.database_name]);
const list = wrangler(["d1", "list", "--json"], { quiet: true });
if (list.status !== 0) fail(`\`wrangler d1 list --json\` failed:\n${list.output}`, list.output);
const id = attempt(() => databaseIdByName(list.stdout, db.database_name));
const updated = attempt(() => withD1Id(text, "DB", id));
if (updated !== text) writeFileSync(WRANGLER_TOML, updated);
console.log(`D1 database ${db.database_name} is ${id}; wrangler.toml has it in every environment. Commit that.`);

// 2. R2: the archive bucket (shared by both environments, like the database).
ensure("R2 bucket", ["r2", "bucket", "create", bucket.bucket_name]);

// 2b. Vectorize: the `ai` environment's passage embeddings (bge-m3: 1024 dimensions, cosine).
for (const index of Object.values(config.env ?? {}).flatMap((e) => e.vectorize ?? [])) {
  ensure("Vectorize index", ["vectorize", "create", index.index_name, "--dimensions=1024", "--metric=cosine"]);
}

// 3. Secrets, per environment (each is its own Worker). Only names can be listed, never values.
const existing = {};
for (const env of envs) {
  const r = wrangler(["secret", "list", "--format", "json", ...envArgs(env)], { quiet: true });
  const listed = r.status === 0 ? jsonListIn(r.stdout) : undefined;
  if (listed) {
    existing[env] = listed.map((s) => s.name);
  } else if (/Worker ".*" .*not found/i.test(r.output)) {
    existing[env] = []; // not deployed yet, so no secrets
  } else {
    fail(`\`wrangler secret list ${envArgs(env).join(" ")}\` failed:\n${r.output}`, r.output);
  }
}
const provided = Object.fromEntries(
  ["JWT_SECRET", "SESSION_ID_SECRET", "ANSWER_TOKEN"].map((name) => [name, process.env[name]]),
);
const plan = planSecrets(existing, provided, () => randomBytes(32).toString("hex"));
console.log("\n▶ Secrets");
for (const note of plan.notes) console.log(`  ${note}`);
if (plan.errors.length > 0) fail(plan.errors.join("\n"));
if (plan.generated.length > 0) {
  // Written before they are sent, so a value that reached one environment is never lost.
  const lines = plan.generated.map((name) => `${name}=${Object.values(plan.put).find((p) => p[name])[name]}`);
  appendFileSync(SECRETS_FILE, `# ${new Date().toISOString()} npm run deploy:setup\n${lines.join("\n")}\n`, {
    mode: 0o600,
  });
  console.log(`  Generated values are in ${SECRETS_FILE} (git-ignored): move them to your password manager, then`);
  console.log("  delete the file. JWT_SECRET is what your identity provider and `npm run token` sign tokens with.");
}
for (const env of envs) {
  if (Object.keys(plan.put[env]).length === 0) continue;
  console.log(`  → ${Object.keys(plan.put[env]).join(", ")} for ${env ? `--env ${env}` : "the default environment"}`);
  const r = wrangler(["secret", "bulk", ...envArgs(env)], { input: JSON.stringify(plan.put[env]) });
  if (r.status !== 0) fail(`setting secrets for ${env || "the default environment"} failed.`, r.output);
}

console.log("\nSetup done. Next: `npm run deploy` (and/or `npm run deploy:ai`), then check it (README, Deploy).");
