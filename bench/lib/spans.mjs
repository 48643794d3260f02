// What wrangler dev's local observability collector stored (X_LOCAL_OBSERVABILITY, on by default): its
// trace store is a SQLite file under the server's --persist-to dir, one row per span of the worker (each
// request, RPC call, SQL statement, alarm, D1 query…). Counting them per append shows how much work of each
// kind a system does, independent of the machine's load.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const STORE = "v3/observability/miniflare-wobs-trace-store";

/** {span name: count} of every span the collector has stored so far (empty when observability is off). */
export async function spanCounts(state) {
  const dir = join(state, STORE);
  if (!existsSync(dir)) return {};
  // node:sqlite is Node 22's (the node@22 devDependency that runs the benchmark); loaded only when needed.
  const { DatabaseSync } = await import("node:sqlite");
  const counts = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      const hasSpans = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spans'").get();
      if (!hasSpans) continue;
      for (const { name, n } of db.prepare("SELECT name, count(*) AS n FROM spans GROUP BY name").all()) {
        counts[name] = (counts[name] ?? 0) + n;
      }
    } finally {
      db.close();
    }
  }
  return counts;
}

/**
 * The counts once the collector has caught up: it stores in batches and falls behind under load, so this
 * waits until two readings a second apart agree (at most a minute).
 */
export async function settledSpanCounts(state) {
  let last = JSON.stringify(await spanCounts(state));
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = JSON.stringify(await spanCounts(state));
    if (now === last) break;
    last = now;
  }
  return JSON.parse(last);
}

/** Spans per append of each kind between two counts, most frequent first. */
export function spansPerAppend(before, after, appends) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, n]) => [name, Math.round(((n - (before[name] ?? 0)) / appends) * 100) / 100])
      .filter(([, x]) => x > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}
