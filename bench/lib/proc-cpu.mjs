// CPU time (user + system) of every process and thread of a server's process group, from /proc (Linux only):
// the whole cost of a request on the machine, whatever the profiler of one isolate sees.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { groupProcesses } from "./inspector.mjs";

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** {comm, ms} of /proc/<pid>[/task/<tid>]/stat (the comm may hold spaces; it is in parentheses). */
function stat(path) {
  try {
    const text = readFileSync(path, "utf8");
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime); fields[0] here is field 3.
    return {
      comm: text.slice(text.indexOf("(") + 1, close),
      ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS,
    };
  } catch {
    return null; // gone meanwhile
  }
}

/** What a process is, shortly: the proxy's workerd, the user's workerd (the one with an inspector), wrangler. */
function label(args) {
  if (args.includes("workerd serve")) return args.includes("--inspector-addr") ? "workerd (worker)" : "workerd (proxy)";
  if (args.includes("esbuild")) return "esbuild";
  if (args.includes("wrangler")) return "wrangler (node)";
  return args.slice(0, 40);
}

/** A snapshot: per process its CPU ms and per thread (by name) its CPU ms. */
export function cpuSnapshot(pgid) {
  const snap = {};
  for (const { pid, args } of groupProcesses(pgid)) {
    const total = stat(`/proc/${pid}/stat`);
    if (!total) continue;
    const threads = {};
    for (const tid of readdirSync(`/proc/${pid}/task`, { withFileTypes: false })) {
      const t = stat(`/proc/${pid}/task/${tid}/stat`);
      if (t) threads[t.comm] = (threads[t.comm] ?? 0) + t.ms;
    }
    snap[`${label(args)} ${pid}`] = { ms: total.ms, threads };
  }
  return snap;
}

/** CPU ms spent between two snapshots, per process and per thread name (threads that spent nothing left out). */
export function cpuSpent(before, after) {
  const out = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { ms: 0, threads: {} };
    const threads = {};
    for (const [t, ms] of Object.entries(a.threads)) {
      const d = ms - (b.threads[t] ?? 0);
      if (d > 0) threads[t] = d;
    }
    out[name] = { ms: a.ms - b.ms, threads };
  }
  return out;
}
