// The benchmark's child processes (`wrangler dev` of the service and of the floor) and throwaway dirs.
// Each server runs in its own process group, so stopping it stops its workerd too; everything started
// here is stopped on a normal end, on an error and on SIGINT/SIGTERM/SIGHUP (no leftover workerd).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ROOT } from "../../scripts/lib/wrangler-cli.mjs";

const BIN = join(ROOT, "node_modules/.bin");
const children = new Set();
const tails = new Map();
const dirs = new Set();

/** A port nothing listens on right now (the machine is shared: fixed ports may be taken). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A temporary directory, removed when the benchmark ends. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

const wranglerEnv = () => ({
  ...process.env,
  PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
});

/**
 * A one-off `wrangler …args` that leaves the event loop running (spawnSync would stall the HTTP
 * clients' sockets meanwhile). Resolves to {status, stdout, output}.
 */
export function wranglerAsync(args) {
  return new Promise((resolve, reject) => {
    const child = spawn("wrangler", args, { cwd: ROOT, env: wranglerEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, output: `${stdout}\n${stderr}` }));
  });
}

/**
 * `wrangler dev` with `args` (and `env` added to the environment), on a free port of its own; resolves
 * once GET /health answers 200.
 * Returns the base URL, the inspector port (DevTools protocol, see bench/profile.mjs) and the tail of
 * its output (for error messages).
 */
export async function startWrangler(name, args, env = {}) {
  const port = await freePort();
  const inspector = await freePort();
  const child = spawn(
    "wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), ...args],
    {
      cwd: ROOT,
      env: { ...wranglerEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  children.add(child);
  const lines = [];
  const keep = (chunk) => {
    lines.push(...String(chunk).split("\n"));
    lines.splice(0, Math.max(0, lines.length - 60));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const tail = () => lines.join("\n");
  tails.set(name, tail);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name}: wrangler dev exited (${child.exitCode ?? child.signalCode}):\n${tail()}`);
    }
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { base, pid: child.pid, inspector, tail };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}: wrangler dev did not answer /health within 60 s:\n${tail()}`);
}

/** The last lines each server printed (for a failed run: did it crash, and why). */
export function serverOutput() {
  return [...tails].map(([name, tail]) => `--- ${name}: last lines of wrangler dev ---\n${tail()}`).join("\n");
}

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to every group started here, SIGKILL after 5 s; then the throwaway dirs go. */
export async function stopAll() {
  const waiting = [...children].map(async (child) => {
    children.delete(child);
    if (!groupAlive(child.pid)) return;
    process.kill(-child.pid, "SIGTERM");
    const deadline = Date.now() + 5000;
    while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(child.pid)) process.kill(-child.pid, "SIGKILL");
  });
  await Promise.allSettled(waiting);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Last resort, synchronous (an `exit` handler cannot wait): SIGKILL whatever is left. */
function killNow() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

process.on("exit", killNow);
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers`);
    stopAll().finally(() => process.exit(code));
  });
}
