// `npm start`, step 1: install what is missing and make sure a local JWT secret exists.
// Runs on whatever Node the machine has (20 is fine); wrangler then runs on the node@22 devDependency.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import { DEV_VARS, readDevVars } from "./dev-vars.mjs";

const root = new URL("..", import.meta.url);

if (!existsSync(new URL("node_modules/.bin/wrangler", root)) || !existsSync(new URL("node_modules/.bin/node", root))) {
  console.log("Installing dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!readDevVars().JWT_SECRET) {
  const secret = randomBytes(32).toString("hex");
  appendFileSync(DEV_VARS, `${existsSync(DEV_VARS) ? "\n" : ""}JWT_SECRET=${secret}\n`);
  console.log("Created .dev.vars with a random JWT_SECRET (npm run token -- --tenant 1 --user 1 signs with it).");
}
