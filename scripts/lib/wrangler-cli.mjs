// Runs the project's wrangler (on the node@22 devDependency, whatever Node started the script).
import { spawnSync } from "node:child_process";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../node_modules/.bin", import.meta.url));

/**
 * `wrangler …args` in the repo root. Output is captured (returned as stdout/stderr) and, unless `quiet`,
 * also shown; `input` is written to its stdin (which is how secrets are passed, never as arguments).
 */
export function wrangler(args, { input, quiet = false, env = process.env } = {}) {
  const r = spawnSync("wrangler", args, {
    cwd: ROOT,
    encoding: "utf8",
    input: input ?? "",
    env: { ...env, PATH: `${BIN}${delimiter}${env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (!quiet) {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/**
 * `wrangler dev`'s configurations: the service (the entry point, its port) and the assets-only Worker of the web
 * page's static files that it hands non-API GETs to (web/wrangler.toml), in one process.
 */
export const DEV_CONFIGS = ["-c", "wrangler.toml", "-c", "web/wrangler.toml"];

/** `--env <name>`; "" names the top level explicitly (wrangler warns when a config has environments and none is named). */
export const envArgs = (env) => ["--env", env];
