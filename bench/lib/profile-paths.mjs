// What the by-hand profiler (bench/profile.mjs) needs to know of the two systems: their isolates, where
// their own code is, and which path of a request each profile sample belongs to.

/** The worker's name (wrangler.toml), which names its isolate in workerd: core:user:<name>. */
export const WORKER = { ours: "knowledge-router-sessions", floor: "kr-bench-floor" };
/** Where each system's own code is in its bundle (esbuild's module paths). */
export const OWN = { ours: "src/", floor: "worker.ts" };

/**
 * Which path of a system a sample (its frames, innermost first) belongs to: the request in the worker, the
 * object's append, and for ours the alarm with the index flush it runs (lifecycle duties, outbox, D1 upsert).
 */
const ALARM_MODULES = [
  "src/session/outbox.ts",
  "src/db/session-index.ts",
  "src/session/lifecycle.ts",
  "src/session/post-end.ts",
  "node_modules/drizzle-orm/",
  "cloudflare-internal:d1-api",
];
const FLOOR_OBJECT = new Set(["FloorSession", "create", "append", "turn", "fill", "last", "insert"]);
export const PATHS = {
  ours(frames) {
    const any = (test) => frames.some(({ frame, module }) => test(frame, module));
    if (
      any(
        (f, m) =>
          (f.functionName === "alarm" && m === "src/session-object.ts") || ALARM_MODULES.some((x) => m.includes(x)),
      )
    )
      return "alarm & index flush";
    if (any((_, m) => m === "src/idempotency/ledger-object.ts")) return "idempotency ledger object";
    if (any((_, m) => m === "src/session-object.ts" || m.startsWith("src/session/"))) return "session object (append)";
    if (any((_, m) => m.startsWith("src/") && !m.startsWith("src/workers/"))) return "worker (HTTP, auth, RPC call)";
    if (any((_, m) => m.includes("node_modules/"))) return "worker (libraries, outside src/)";
    return frames[0].module.startsWith("(") ? `runtime ${frames[0].module}` : `other: ${frames[0].module}`;
  },
  floor(frames) {
    const any = (test) => frames.some(({ frame, module }) => test(frame, module));
    if (any((f, m) => m === "worker.ts" && FLOOR_OBJECT.has(f.functionName))) return "session object (append)";
    if (any((_, m) => m === "worker.ts")) return "worker (HTTP, auth, RPC call)";
    if (any((_, m) => m.includes("node_modules/"))) return "worker (libraries, outside src/)";
    return frames[0].module.startsWith("(") ? `runtime ${frames[0].module}` : `other: ${frames[0].module}`;
  },
};
