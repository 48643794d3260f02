// Latency samples: nearest-rank percentiles, and the interleaved timing loop used by every comparison.

/** {n, p50, p95, mean} in ms of a list of durations in ms. */
export function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const round = (x) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/** ours / floor of each statistic, two decimals. */
export function ratio(ours, floor) {
  const r = (a, b) => Math.round((a / b) * 100) / 100;
  return { p50: r(ours.p50, floor.p50), p95: r(ours.p95, floor.p95), mean: r(ours.mean, floor.mean) };
}

/**
 * Times `ops` (name → (system, i) => Promise) on every system, interleaved: each iteration runs each
 * op once per system, the systems' order alternating from one iteration to the next, so that drift
 * on the shared machine hits all of them alike. The first `warmup` iterations are not recorded.
 * Returns {op: {system: summary}}.
 */
export async function interleaved(systems, ops, { iterations, warmup }) {
  const samples = Object.fromEntries(
    Object.keys(ops).map((op) => [op, Object.fromEntries(systems.map((s) => [s.name, []]))]),
  );
  for (let i = 0; i < warmup + iterations; i++) {
    const order = i % 2 === 0 ? systems : [...systems].reverse();
    for (const [op, run] of Object.entries(ops)) {
      for (const system of order) {
        const t0 = performance.now();
        await run(system, i);
        if (i >= warmup) samples[op][system.name].push(performance.now() - t0);
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([op, bySystem]) => [
      op,
      Object.fromEntries(Object.entries(bySystem).map(([name, s]) => [name, summarise(s)])),
    ]),
  );
}
