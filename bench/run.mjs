// By-hand benchmark (not a test): chat turn and history read latency at 10 and 5,000 messages.
//   npm run bench            (or: node bench/run.mjs [--iterations 200] [--port 8799])
// Starts its own `wrangler dev` on a separate port with a throwaway state dir, fills two sessions,
// measures over loopback, prints a table and writes bench/results/latest.json.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../scripts/lib/jwt.mjs";

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "200" }, port: { type: "string", default: "8799" } },
});
const ITERATIONS = Number(values.iterations);
const WARMUP = 20;
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const root = new URL("..", import.meta.url).pathname;
const env = {
  ...process.env,
  PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}`,
  WRANGLER_SEND_METRICS: "false",
};
const state = mkdtempSync(join(tmpdir(), "kr-bench-"));
const JWT_SECRET = randomBytes(16).toString("hex");
const SESSION_ID_SECRET = randomBytes(16).toString("hex");

const token = await mintToken(JWT_SECRET, { tenantId: 1, userId: 1, ttlSeconds: 7200 });
const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };

async function call(method, path, body) {
  const res = await fetch(`${BASE}${path}`, { method, headers: auth, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function timeIt(fn) {
  const samples = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const t0 = performance.now();
    await fn(i);
    if (i >= WARMUP) samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return {
    n: samples.length,
    p50: q(0.5),
    p95: q(0.95),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

async function fill(sessionId, count) {
  // Sequential appends: local D1 has been reported to crash on concurrent writes (workers-sdk#14916).
  for (let i = 0; i < count; i++) {
    await call("POST", `/api/sessions/${sessionId}/messages`, {
      role: i % 2 === 0 ? "user" : "assistant",
      content: `Benchmark message ${i}: ${"lorem ipsum dolor sit amet ".repeat(6)}`,
    });
  }
}

let server;
try {
  const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  server = spawn(
    "wrangler",
    [
      "dev",
      "--port",
      String(PORT),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      state,
      "--var",
      `JWT_SECRET:${JWT_SECRET}`,
      "--var",
      `SESSION_ID_SECRET:${SESSION_ID_SECRET}`,
    ],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let ready = false;
  for (let i = 0; i < 120 && !ready; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ready = await fetch(`${BASE}/health`).then(
      (r) => r.ok,
      () => false,
    );
  }
  if (!ready) throw new Error("wrangler dev did not come up");

  const results = {};
  for (const size of [10, 5000]) {
    const t0 = performance.now();
    const session = await call("POST", "/api/sessions");
    await fill(session.id, size);
    const fillSeconds = (performance.now() - t0) / 1000;
    console.error(`filled a session with ${size} messages in ${fillSeconds.toFixed(1)} s`);
    // Reads first, so the turns below do not change the size being measured by much.
    results[`history limit=20 @${size}`] = await timeIt(() =>
      call("GET", `/api/sessions/${session.id}/messages?limit=20`),
    );
    results[`history limit=100 @${size}`] = await timeIt(() =>
      call("GET", `/api/sessions/${session.id}/messages?limit=100`),
    );
    results[`chat turn @${size}`] = await timeIt((i) =>
      call("POST", "/api/chat", { query: `Question ${i} about remote work?`, session_id: session.id }),
    );
  }

  const rows = Object.entries(results).map(([name, r]) => ({
    name,
    n: r.n,
    p50_ms: +r.p50.toFixed(2),
    p95_ms: +r.p95.toFixed(2),
    mean_ms: +r.mean.toFixed(2),
  }));
  console.log(
    `\n${"measurement".padEnd(28)} ${"n".padStart(5)} ${"p50 ms".padStart(9)} ${"p95 ms".padStart(9)} ${"mean ms".padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(28)} ${String(r.n).padStart(5)} ${r.p50_ms.toFixed(2).padStart(9)} ${r.p95_ms.toFixed(2).padStart(9)} ${r.mean_ms.toFixed(2).padStart(9)}`,
    );
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30) },
    setup: "wrangler dev (miniflare, local D1/DO), sequential requests over loopback, after 20 warm-up requests",
    results: rows,
  };
  writeFileSync(join(root, "bench/results/latest.json"), `${JSON.stringify(out, null, 2)}\n`);
} finally {
  if (server) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {}
  }
  rmSync(state, { recursive: true, force: true });
}
