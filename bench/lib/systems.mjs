// Starting the two systems under test, the same way for the benchmark (run.mjs) and the profiler (profile.mjs).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEV_CONFIGS, wrangler } from "../../scripts/lib/wrangler-cli.mjs";
import { startWrangler, tempDir } from "./processes.mjs";
import { floorTarget, oursTarget } from "./targets.mjs";

const label = (env) => (Object.keys(env).length ? ` (${Object.entries(env).map(([k, v]) => `${k}=${v}`)})` : "");

/**
 * The service, after its migrations, with random secrets and the embedded (offline) answer provider.
 * `vars` are extra `--var NAME:value` settings (e.g. INDEX_SYNC_WINDOW_MS for an experiment), `env`
 * extra environment for wrangler (e.g. X_LOCAL_OBSERVABILITY), `dir` another checkout of the service
 * to run instead of this one (its wrangler.toml, src/ and migrations/).
 */
export async function startService({ vars = {}, env = {}, dir = null } = {}) {
  const state = tempDir("kr-bench-service-");
  const config = dir ? ["--config", join(dir, "wrangler.toml")] : [];
  const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, ...config], {
    quiet: true,
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.output.slice(-2000)}`);
  const jwtSecret = randomBytes(32).toString("hex");
  // As `npm start` runs it: the service, and the web page's files it hands non-API GETs to (web/wrangler.toml).
  const web = dir && join(dir, "web", "wrangler.toml");
  const configs = dir ? [...config, ...(existsSync(web) ? ["-c", web] : [])] : DEV_CONFIGS;
  const args = [...configs, "--persist-to", state, "--var", `JWT_SECRET:${jwtSecret}`];
  args.push("--var", `SESSION_ID_SECRET:${randomBytes(32).toString("hex")}`, "--var", "ANSWER_URL:");
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const server = await startWrangler(`service${dir ? ` ${dir}` : ""}${label(env)}`, args, env);
  return { state, server, target: oursTarget(server.base, jwtSecret) };
}

export async function startFloor(env = {}) {
  const state = tempDir("kr-bench-floor-");
  const args = ["--config", "bench/floor/wrangler.toml", "--persist-to", state];
  const server = await startWrangler(`floor${label(env)}`, args, env);
  return { state, server, target: floorTarget(server.base) };
}
