// `npm run cf-typegen` writes worker-configuration.d.ts; `npm run check:types` (`-- --check`) proves the
// committed file is what it writes. Secret names come from .dev.vars.example, never from the local .dev.vars
// or the shell, so every machine generates the same file.
import { wrangler } from "./lib/wrangler-cli.mjs";

const check = process.argv.includes("--check");
const env = { ...process.env };
delete env.CLOUDFLARE_INCLUDE_PROCESS_ENV; // would add every shell variable as a secret
delete env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV; // "false" would drop the secrets file

const r = wrangler(
  ["types", "--env-interface", "Env", "--env-file", ".dev.vars.example", ...(check ? ["--check"] : [])],
  {
    env,
  },
);
if (r.status !== 0 && check) {
  console.error("worker-configuration.d.ts is stale: run `npm run cf-typegen` and commit the file.");
}
process.exit(r.status);
