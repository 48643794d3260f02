// By-hand CPU profile of the throughput load (not a test, not part of `npm run bench`); see bench/README.md
// for the options and how to read it. Node 22: node_modules/.bin/node bench/profile.mjs [options].
// Starts each system like the benchmark does, creates the throughput phase's 64 sessions, warms up, then
// runs the same load (8 clients appending): bare, in rounds alternating between the systems, measuring the
// CPU of every process of each server (/proc); then once more per system under the V8 sampling profiler
// of each isolate that serves it (the worker with its Durable Objects, miniflare's entry, the local D1,
// wrangler's local observability collector). Prints CPU per append, by path and the top functions; writes
// the .cpuprofile files (open them in DevTools) and summary.json to --out (default: a temp dir, outside the
// repository). Stops every process it started, also on an error or Ctrl-C.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { analyse, annotate } from "./lib/cpuprofile.mjs";
import { findInspector, scriptSources, startProfilers } from "./lib/inspector.mjs";
import { pacedAppends } from "./lib/paced.mjs";
import { cpuSnapshot, cpuSpent } from "./lib/proc-cpu.mjs";
import { serverOutput, stopAll } from "./lib/processes.mjs";
import { OWN, PATHS, WORKER } from "./lib/profile-paths.mjs";
import { settledSpanCounts, spanCounts, spansPerAppend } from "./lib/spans.mjs";
import { startFloor, startService } from "./lib/systems.mjs";
import { appendFor, sessionsOf } from "./phases/throughput.mjs";

const { values } = parseArgs({
  options: {
    system: { type: "string", default: "both" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    "interval-us": { type: "string", default: "200" },
    top: { type: "string", default: "25" },
    out: { type: "string" },
    var: { type: "string", multiple: true, default: [] },
    variant: { type: "string", multiple: true, default: [] },
    rounds: { type: "string", default: "1" },
    bare: { type: "boolean", default: false },
    observability: { type: "string", default: "on" },
    rate: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const intervalUs = Number(values["interval-us"]);
const top = Number(values.top);
const rounds = Number(values.rounds);
const rate = values.rate === undefined ? null : Number(values.rate);
if (rate !== null && !(rate > 0 && rate <= 2000)) {
  console.error("--rate must be a number of appends per second, 0 < rate ≤ 2000");
  process.exit(2);
}
/** The measured load: the throughput phase's closed loop (8 clients, as fast as they can), or paced. */
const load = (system, ids) => (rate ? pacedAppends(system, ids, seconds, rate) : appendFor(system, ids, seconds));
if (![seconds, warmup, intervalUs, top, rounds].every((x) => Number.isSafeInteger(x) && x >= 1)) {
  console.error("--seconds, --warmup, --interval-us, --top and --rounds must be whole numbers ≥ 1");
  process.exit(2);
}
if (!["ours", "floor", "both"].includes(values.system)) {
  console.error("--system must be ours, floor or both");
  process.exit(2);
}
if (!["on", "off", "both"].includes(values.observability)) {
  console.error("--observability must be on, off or both");
  process.exit(2);
}
const variants = values.variant.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]);
const vars = Object.fromEntries(values.var.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
const out = values.out ?? join(tmpdir(), `kr-profile-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(out, { recursive: true });

/**
 * The isolates that serve a request: the user worker with its objects (through wrangler's inspector proxy,
 * which holds workerd's session of it), miniflare's entry, the local D1 and any other user-named isolate.
 */
async function servingTargets(name, server) {
  const direct = await findInspector(server.pid);
  const user = `core:user:${WORKER[name]}`;
  const [proxied] = await (await fetch(`http://127.0.0.1:${server.inspector}/json/list`)).json();
  const others = direct.targets.filter(
    (t) => t.id !== user && (t.id.startsWith("core:user:") || t.id === "core:entry" || t.id.startsWith("d1:")),
  );
  return [{ id: user, webSocketDebuggerUrl: proxied.webSocketDebuggerUrl }, ...others];
}
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const perAppend = (ms, n) => round((ms * 1000) / n, 0); // µs

/** The bare run: appends/s and the CPU of each process of the server (and of this client) per append. */
async function bareRun(system, ids, pgid) {
  const before = cpuSnapshot(pgid);
  const client = process.cpuUsage();
  const run = await load(system, ids);
  const spent = cpuSpent(before, cpuSnapshot(pgid));
  const clientUs = process.cpuUsage(client);
  const processes = Object.fromEntries(
    Object.entries(spent).map(([name, x]) => [
      name,
      {
        us_per_append: perAppend(x.ms, run.appends),
        threads: Object.fromEntries(Object.entries(x.threads).map(([t, ms]) => [t, perAppend(ms, run.appends)])),
      },
    ]),
  );
  const serverMs = Object.values(spent).reduce((a, x) => a + x.ms, 0);
  return {
    ...run,
    server_us_per_append: perAppend(serverMs, run.appends),
    client_us_per_append: round((clientUs.user + clientUs.system) / run.appends, 0),
    processes,
  };
}

/** The profiled run: each served isolate's profile, saved, and summarised per append. */
async function profiledRun({ name, kind }, system, ids, server) {
  const targets = await servingTargets(kind, server);
  const profilers = await startProfilers(targets, intervalUs);
  const run = await load(system, ids);
  const { profiles, sessions } = await profilers.stop();
  const isolates = {};
  for (const { id, session } of sessions) {
    const scripts = new Set(profiles[id].nodes.map((n) => n.callFrame.scriptId).filter((s) => s && s !== "0"));
    const profile = annotate(profiles[id], await scriptSources(session, scripts));
    session.close();
    writeFileSync(
      join(out, `${name.replace(/\W+/g, "-")}.${id.replace(/[^\w.-]+/g, "_")}.cpuprofile`),
      JSON.stringify(profile),
    );
    const a = analyse(profile);
    const perEach = (list) => list.map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) }));
    const busy = a.kinds.filter((k) => k.name !== "(idle)").reduce((s, k) => s + k.ms, 0);
    isolates[id] = {
      busy_us_per_append: perAppend(busy, run.appends),
      kinds: a.kinds.map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
      packages: a.packages.slice(0, top).map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
      modules: a.modules.slice(0, top).map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
      self: a.self.slice(0, top).map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
      total: a.total.slice(0, top).map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
      paths: id.startsWith("core:user:") && !id.endsWith("collector") ? perEach(a.byPath(PATHS[kind])) : [],
      own: Object.fromEntries(
        Object.entries(a.byOwner(OWN[kind], top)).map(([by, list]) => [
          by,
          list.map((k) => ({ ...k, us_per_append: perAppend(k.ms, run.appends) })),
        ]),
      ),
    };
  }
  return { ...run, isolates };
}

function print({ name, kind }, r) {
  const b = r.bare;
  // The processes of the round whose server CPU is the median one.
  const m = [...b.rounds].sort((x, y) => x.server_us_per_append - y.server_us_per_append)[b.rounds.length >> 1];
  console.log(
    `\n=== ${name}: bare, median round ${m.per_second} appends/s (${m.appends} in ${m.seconds} s, p50 ${m.latency.p50} ms)`,
  );
  console.log(`server CPU ${m.server_us_per_append} µs/append, client ${m.client_us_per_append} µs/append`);
  for (const [p, x] of Object.entries(m.processes)) {
    const threads = Object.entries(x.threads)
      .sort((a, c) => c[1] - a[1])
      .slice(0, 4)
      .map(([t, us]) => `${t} ${us}`)
      .join(", ");
    console.log(`  ${p.padEnd(26)} ${String(x.us_per_append).padStart(6)} µs  (threads: ${threads})`);
  }
  const spans = Object.entries(b.spans_per_append);
  if (spans.length) {
    const all = spans.reduce((a, [, x]) => a + x, 0).toFixed(2);
    console.log(
      `spans stored by the local observability collector per append: ${all} (${spans.map(([k, x]) => `${k} ${x}`).join(", ")})`,
    );
  }
  if (b.rounds.length > 1) {
    console.log(`rounds: ${b.rounds.map((x) => `${x.per_second}/s ${x.server_us_per_append} µs`).join(", ")}`);
  }
  const p = r.profiled;
  if (!p) return;
  console.log(`profiled (${intervalUs} µs sampling): ${p.per_second} appends/s (${p.appends} appends)`);
  for (const [id, x] of Object.entries(p.isolates)) {
    if (x.busy_us_per_append === 0) continue;
    const kinds = x.kinds.map((k) => `${k.name} ${k.us_per_append}`).join(", ");
    console.log(`\n--- isolate ${id}: busy (all but idle) ${x.busy_us_per_append} µs/append (${kinds})`);
    if (x.paths.length)
      console.log("by path (µs/append):", x.paths.map((k) => `${k.name} ${k.us_per_append}`).join(", "));
    console.log("packages (self µs/append):", x.packages.map((k) => `${k.name} ${k.us_per_append}`).join(", "));
    console.log("top functions by self time (µs/append):");
    for (const f of x.self) console.log(`  ${String(f.us_per_append).padStart(6)}  ${f.name}`);
    if (!id.startsWith("core:user:") || id.endsWith("collector")) continue;
    console.log(`by our own innermost file (${OWN[kind]}…, with what it calls; µs/append):`);
    for (const f of x.own.files) console.log(`  ${String(f.us_per_append).padStart(6)}  ${f.name}`);
    console.log("by our own innermost function (µs/append):");
    for (const f of x.own.functions) console.log(`  ${String(f.us_per_append).padStart(6)}  ${f.name}`);
  }
}

const summary = {
  date: new Date().toISOString(),
  load: { start: loadavg() },
  seconds,
  warmup,
  intervalUs,
  vars,
  systems: {},
};
let exitCode = 0;
try {
  // wrangler dev's local observability (default on) streams every span of the worker to a collector that
  // stores it; X_LOCAL_OBSERVABILITY=false turns it off. Production has no such collector.
  const modes = values.observability === "both" ? ["on", "off"] : [values.observability];
  const kinds = values.system === "both" ? ["ours", "floor"] : [values.system];
  const plan = modes.flatMap((mode) => [
    ...kinds.map((kind) => ({ kind, mode, label: kind })),
    ...variants.map(([label, dir]) => ({ kind: "ours", mode, label, dir })),
  ]);
  // All servers run from the start (as in `npm run bench`), and their bare rounds alternate, so that drift
  // on the shared machine hits all alike; each round is also compared with the floor's round next to it.
  const systems = await Promise.all(
    plan.map(async ({ kind, mode, label, dir }) => {
      const env = mode === "off" ? { X_LOCAL_OBSERVABILITY: "false" } : {};
      const name = modes.length > 1 ? `${label}, observability ${mode}` : label;
      const started = kind === "ours" ? await startService({ vars, env, dir }) : await startFloor(env);
      return { name, kind, mode, ...started, runs: [] };
    }),
  );
  for (const s of systems) {
    s.ids = await sessionsOf(s.target);
    await appendFor(s.target, s.ids, warmup);
  }
  // What each server burns with no request at all (timers, file watchers…), once warm: CPU ms per second.
  const idleBefore = systems.map((s) => cpuSnapshot(s.server.pid));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  systems.forEach((s, i) => {
    const spent = Object.values(cpuSpent(idleBefore[i], cpuSnapshot(s.server.pid)));
    s.idleMsPerSecond = round(spent.reduce((a, x) => a + x.ms, 0) / seconds, 1);
  });
  for (const s of systems) s.spansBefore = await spanCounts(s.state);
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 ? [...systems].reverse() : systems) {
      console.error(`${s.name}: bare run ${r + 1} of ${rounds}…`);
      s.runs.push(await bareRun(s.target, s.ids, s.server.pid));
    }
  }
  for (const s of systems) {
    const appends = s.runs.reduce((a, x) => a + x.appends, 0);
    s.spans = spansPerAppend(s.spansBefore, await settledSpanCounts(s.state), appends);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const workerUs = (run) =>
    Object.entries(run.processes).find(([p]) => p.startsWith("workerd (worker)"))?.[1].us_per_append;
  for (const s of systems) {
    const floor = systems.find((f) => f.kind === "floor" && f.mode === s.mode);
    const bare = {
      spans_per_append: s.spans,
      idle_server_ms_per_second: s.idleMsPerSecond,
      rounds: s.runs,
      per_second: median(s.runs.map((x) => x.per_second)),
      server_us_per_append: median(s.runs.map((x) => x.server_us_per_append)),
      worker_us_per_append: median(s.runs.map(workerUs)),
      client_us_per_append: median(s.runs.map((x) => x.client_us_per_append)),
      // Round by round against the floor's round of the same mode: what drift between rounds cannot fake.
      server_vs_floor:
        floor && median(s.runs.map((x, i) => x.server_us_per_append / floor.runs[i].server_us_per_append)),
      worker_minus_floor_us: floor && median(s.runs.map((x, i) => workerUs(x) - workerUs(floor.runs[i]))),
      rate_vs_floor: floor && median(s.runs.map((x, i) => x.per_second / floor.runs[i].per_second)),
    };
    let profiled = null;
    if (!values.bare) {
      console.error(`${s.name}: profiled run…`);
      profiled = await profiledRun(s, s.target, s.ids, s.server);
    }
    summary.systems[s.name] = { bare, profiled };
  }
  for (const s of systems) {
    s.target.close();
    print(s, summary.systems[s.name]);
  }
  console.log(
    `\nsummary: medians of ${rounds} rounds; CPU in µs per append; "vs floor" compares each round with the floor's`,
  );
  for (const s of systems) {
    const b = summary.systems[s.name].bare;
    const vs =
      b.server_vs_floor &&
      ` | vs floor: server CPU ×${round(b.server_vs_floor, 2)}, worker's workerd +${round(b.worker_minus_floor_us, 0)} µs, appends/s ×${round(b.rate_vs_floor, 2)}`;
    console.log(
      `${s.name.padEnd(30)} ${b.per_second}/s, server ${b.server_us_per_append} (worker's workerd ${b.worker_us_per_append}; idle ${b.idle_server_ms_per_second} ms/s)${vs ?? ""}`,
    );
  }
  summary.load.end = loadavg();
  writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nprofiles and summary.json in ${out}`);
} catch (err) {
  console.error(err);
  console.error(serverOutput());
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
