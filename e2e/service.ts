import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * A private instance of the service, started the way `npm start` starts one (scripts/dev-server.mjs, which
 * runs `wrangler dev` and prints the page's sign-in link), with its own state directory, migrated first, on
 * a free port. It runs in its own process group, so stopping it stops wrangler's workerd too.
 */
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");
const env = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Service {
  /** The link the server printed: the page, signed in as tenant 1, user 1, a tenant admin. */
  link: string;
  base: string;
  stop: () => Promise<void>;
}

export async function startService(secret: string, vars: Record<string, string>): Promise<Service> {
  const state = mkdtempSync(join(tmpdir(), "krs-e2e-"));
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const [port, inspector] = [await freePort(), await freePort()];
  const args = ["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector)];
  args.push("--persist-to", state, "--var", `JWT_SECRET:${secret}`);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child: ChildProcess = spawn(process.execPath, ["scripts/dev-server.mjs", ...args], {
    cwd: ROOT,
    env: { ...env, JWT_SECRET: secret },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid ?? 0;
  const kill = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  const last = () => kill("SIGKILL");
  process.on("exit", last);

  let output = "";
  const link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sign-in link within 120 s:\n${output.slice(-3000)}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /(http:\/\/\S+\/#token=\S+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}):\n${output.slice(-3000)}`));
    });
  });
  // Keep draining its output, or a full pipe would stall the server.
  child.stdout?.resume();
  child.stderr?.resume();

  const stop = async () => {
    if (kill("SIGTERM")) {
      const deadline = Date.now() + 5000;
      while (kill(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      last();
    }
    process.off("exit", last);
    rmSync(state, { recursive: true, force: true });
  };
  return { link, base: new URL(link).origin, stop };
}
