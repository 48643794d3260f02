// `npm start`, step 1: install what is missing and make sure a local JWT secret exists.
// Runs on whatever Node the machine has (20 is fine); wrangler then runs on the node@22 devDependency.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { DEV_VARS, readDevVars } from "./dev-vars.mjs";

const root = new URL("..", import.meta.url);

// The last check catches a checkout whose node_modules predates GET /docs (its bundle comes from there).
const needed = [
  "node_modules/.bin/wrangler",
  "node_modules/.bin/node",
  "node_modules/@scalar/api-reference/package.json",
];
if (needed.some((path) => !existsSync(new URL(path, root)))) {
  console.log("Installing dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// JWT_SECRET signs bearer tokens; SESSION_ID_SECRET seals session ids (never rotate it: it names sessions).
const existing = readDevVars();
for (const name of ["JWT_SECRET", "SESSION_ID_SECRET"]) {
  if (existing[name]) continue;
  const needsNewline = existsSync(DEV_VARS) && !readFileSync(DEV_VARS, "utf8").endsWith("\n");
  appendFileSync(DEV_VARS, `${needsNewline ? "\n" : ""}${name}=${randomBytes(32).toString("hex")}\n`);
  console.log(`Added a random ${name} to .dev.vars.`);
}
