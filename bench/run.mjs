// By-hand benchmark (not a test) of the service against its floor; see bench/README.md.
//   npm run bench [-- --only latency|throughput|writes|scaling|bundle] [--iterations 200] [--warmup 20]
//                 [--seconds 10] [--fill 5000] [--fill-parallel 8] [--settle-ms 3000] [--observability on|off]
// Starts `wrangler dev` of the service and of the floor worker (bench/floor/), each on a free port with
// a throwaway state dir, measures over loopback, prints a table, writes bench/results/latest.json, and
// stops every process it started, also on an error or Ctrl-C.
import { readFileSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, platform, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../scripts/lib/wrangler-cli.mjs";
import { serverOutput, stopAll, tempDir } from "./lib/processes.mjs";
import { printReport } from "./lib/report.mjs";
import { startFloor, startService } from "./lib/systems.mjs";
import { bundle } from "./phases/bundle.mjs";
import { latency } from "./phases/latency.mjs";
import { scaling } from "./phases/scaling.mjs";
import { throughput } from "./phases/throughput.mjs";
import { writes } from "./phases/writes.mjs";

const PHASES = ["latency", "throughput", "writes", "scaling", "bundle"];
const { values } = parseArgs({
  options: {
    only: { type: "string" },
    iterations: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    seconds: { type: "string", default: "10" },
    fill: { type: "string", default: "5000" },
    "fill-parallel": { type: "string", default: "8" },
    "settle-ms": { type: "string", default: "3000" },
    // wrangler dev's local trace collector (X_LOCAL_OBSERVABILITY) stores every span, each sql.exec one,
    // in the worker's own process; production has no such collector. Off measures without it, for both.
    observability: { type: "string", default: "on" },
  },
});
if (!["on", "off"].includes(values.observability)) {
  console.error("--observability must be on or off");
  process.exit(2);
}
const wranglerEnv = values.observability === "off" ? { X_LOCAL_OBSERVABILITY: "false" } : {};
if (values.only && !PHASES.includes(values.only)) {
  console.error(`--only must be one of ${PHASES.join(", ")}`);
  process.exit(2);
}
const phases = values.only ? [values.only] : PHASES;
const opts = {
  iterations: Number(values.iterations),
  warmup: Number(values.warmup),
  seconds: Number(values.seconds),
  fill: Number(values.fill),
  fillParallel: Number(values["fill-parallel"]),
  settleMs: Number(values["settle-ms"]),
};
for (const [name, value] of Object.entries(opts)) {
  if (!Number.isSafeInteger(value) || value < (name === "settleMs" ? 0 : 1)) {
    console.error(
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number ≥ 1 (--settle-ms ≥ 0)`,
    );
    process.exit(2);
  }
}

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const out = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${arch()}`,
    shared: true,
  },
  wrangler: JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version,
  node_client: process.version,
  setup:
    "wrangler dev (miniflare, local D1/DO) of the service and of bench/floor, one Node client over loopback, keep-alive",
  options: { ...opts, only: values.only ?? null, observability: values.observability },
  load_average: { start: load() },
  results: {},
};

let exitCode = 0;
try {
  const needsFloor = phases.some((p) => ["latency", "throughput", "scaling"].includes(p));
  const needsService = phases.some((p) => p !== "bundle");
  const [service, floor] = await Promise.all([
    needsService ? startService({ env: wranglerEnv }) : null,
    needsFloor ? startFloor(wranglerEnv) : null,
  ]);
  const both = [service?.target, floor?.target].filter(Boolean);
  for (const phase of phases) {
    console.error(`${phase}…`);
    const t0 = performance.now();
    if (phase === "latency") out.results.latency = await latency(both, opts);
    if (phase === "throughput") out.results.throughput = await throughput(both, opts);
    if (phase === "writes") out.results.writes = await writes(service.target, service.state, opts);
    if (phase === "scaling") out.results.scaling = await scaling(both, opts);
    if (phase === "bundle") out.results.bundle = bundle(tempDir("kr-bench-bundle-"));
    console.error(`${phase} took ${((performance.now() - t0) / 1000).toFixed(1)} s (load ${load().join(" ")})`);
  }
  for (const t of both) t.close();
  out.load_average.end = load();
  printReport(out);
  writeFileSync(join(ROOT, "bench/results/latest.json"), `${JSON.stringify(out, null, 2)}\n`);
} catch (err) {
  console.error(err);
  console.error(serverOutput());
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
