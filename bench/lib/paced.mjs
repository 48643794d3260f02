// A paced (open-loop) append load for the profiler: `rate` appends per second over the throughput phase's
// sessions, round-robin, whatever the server's speed (at most `inFlight` outstanding). Unlike the closed
// loop of the throughput phase, both systems then do the same work per second, far from saturating the
// machine, so CPU per append compares like with like and suffers less from the other loads of a shared box.

import { owner } from "../phases/throughput.mjs";
import { summarise } from "./stats.mjs";

export async function pacedAppends(system, ids, seconds, rate, inFlight = 32) {
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  let firstError = null;
  let pending = 0;
  const latencies = [];
  const running = new Set();
  const started = performance.now();
  const total = Math.floor(seconds * rate);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (pending >= inFlight) {
      skipped++; // the server is behind: this append is not sent (counted, so a saturated run shows)
      continue;
    }
    const k = i % ids.length;
    pending++;
    const t0 = performance.now();
    const p = system.append(owner(k), ids[k], i).then(
      () => {
        ok++;
        latencies.push(performance.now() - t0);
      },
      (err) => {
        failed++;
        firstError ??= String(err?.message ?? err);
      },
    );
    running.add(p);
    p.finally(() => {
      pending--;
      running.delete(p);
    });
  }
  await Promise.all(running);
  const elapsed = (performance.now() - started) / 1000;
  return {
    appends: ok,
    failed,
    skipped,
    first_error: firstError,
    seconds: Math.round(elapsed * 100) / 100,
    per_second: Math.round((ok / elapsed) * 10) / 10,
    latency: summarise(latencies),
  };
}
