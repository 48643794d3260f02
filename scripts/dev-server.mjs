// `npm start`, last step: `wrangler dev` of the service and its web page's files (on port 8787 unless told otherwise), and once it answers, the link
// that signs the web page in with a fresh dev token: a tenant admin of tenant 1, user 1. The token rides in
// the link's #fragment, which the browser never sends to a server; the page moves it to sessionStorage.
// Extra arguments go to `wrangler dev` (the e2e tests start a private instance this way).
// The secret is JWT_SECRET from the environment, else from .dev.vars (as `npm run token` does).
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";
import { mintToken } from "./lib/jwt.mjs";
import { DEV_CONFIGS, ROOT } from "./lib/wrangler-cli.mjs";

const TOKEN_HOURS = 12;

const args = process.argv.slice(2);
const { values } = parseArgs({ args, strict: false, options: { port: { type: "string" }, ip: { type: "string" } } });
const port = typeof values.port === "string" ? values.port : "8787";
const host = typeof values.ip === "string" ? values.ip : "localhost";
const base = `http://${host}:${port}`;

const BIN = join(ROOT, "node_modules", ".bin");
const child = spawn("wrangler", ["dev", ...DEV_CONFIGS, ...(values.port ? [] : ["--port", port]), ...args], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` },
});
// Ctrl+C in the terminal reaches wrangler itself (same process group): let it stop, then follow it.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** Any HTTP answer (even /health's 503 for a missing secret) means the server is up. */
async function waitForServer() {
  for (;;) {
    if (child.exitCode !== null) return false;
    const up = await fetch(`${base}/health`).then(
      () => true,
      () => false,
    );
    if (up) return true;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

if (await waitForServer()) {
  const secret = process.env.JWT_SECRET ?? readDevVars().JWT_SECRET;
  if (!secret) {
    console.log("\nNo JWT_SECRET (run `npm start`, which writes .dev.vars): no sign-in link for the web page.\n");
  } else {
    const token = await mintToken(secret, { tenantId: 1, userId: 1, role: "admin", ttlSeconds: TOKEN_HOURS * 3600 });
    console.log(
      `\nWeb chat, signed in as tenant 1, user 1 (a tenant admin) for ${TOKEN_HOURS} hours:\n\n  ${base}/#token=${token}\n\n` +
        "Other users: `npm run token -- --tenant 1 --user 2` and paste the token into the page's sign-in form.\n",
    );
  }
}
