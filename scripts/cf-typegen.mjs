// `npm run cf-typegen` writes worker-configuration.d.ts; `npm run check:typegen` (`-- --check`) proves the
// committed file is exactly what it writes. Secret names come from .dev.vars.example, never from the local
// .dev.vars or the shell, so every machine generates the same file.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, wrangler } from "./lib/wrangler-cli.mjs";

const FILE = "worker-configuration.d.ts";
// The output path goes first: --env-file is a list and would swallow it.
const options = ["--env-interface", "Env", "--env-file", ".dev.vars.example"];
const env = { ...process.env };
delete env.CLOUDFLARE_INCLUDE_PROCESS_ENV; // would add every shell variable as a secret
delete env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV; // "false" would drop the secrets file

if (!process.argv.includes("--check")) {
  process.exit(wrangler(["types", FILE, ...options], { env }).status);
}

// `wrangler types --check` compares only a hash of the config in the header, so a hand-edited or
// differently generated body would pass it: generate a copy next to the real one and compare every byte.
const copy = ".typegen-check.d.ts"; // same folder, so the generated import("./src/…") paths match
let status;
try {
  status = compareWithFreshCopy();
} finally {
  rmSync(join(ROOT, copy), { force: true });
}
process.exit(status);

function compareWithFreshCopy() {
  const r = wrangler(["types", copy, ...options], { env, quiet: true });
  if (r.status !== 0) {
    process.stderr.write(r.output);
    return r.status;
  }
  // The header names the command that wrote the file; only the output path differs.
  const fresh = readFileSync(join(ROOT, copy), "utf8").replace(` ${copy}\``, "`").split("\n");
  const committed = readFileSync(join(ROOT, FILE), "utf8").split("\n");
  const at = fresh.findIndex((line, i) => line !== committed[i]);
  if (at < 0 && fresh.length === committed.length) {
    console.log(`✓ ${FILE} is exactly what \`npm run cf-typegen\` writes.`);
    return 0;
  }
  const line = at >= 0 ? at : Math.min(fresh.length, committed.length);
  console.error(`${FILE} is not what \`npm run cf-typegen\` writes (first difference at line ${line + 1}):`);
  console.error(`  committed: ${committed[line] ?? "(end of file)"}\n  generated: ${fresh[line] ?? "(end of file)"}`);
  console.error("Run `npm run cf-typegen` and commit the file.");
  return 1;
}
