// History-length scaling: last-20 read and a chat turn at 10 and at `fill` messages, ours and floor.
import { interleaved } from "../lib/stats.mjs";

/**
 * Fills a session with `count` messages: the floor in one bulk request; ours through its API, `parallel`
 * appends in flight at a time (the session's object still stores them one after the other under its
 * lock, but the HTTP and auth work of the next request overlaps the current one).
 */
async function fillSession(system, who, id, count, parallel) {
  if (system.fill) return system.fill(who, id, count);
  let next = 0;
  const worker = async () => {
    while (next < count) await system.append(who, id, next++);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export async function scaling(systems, { fill, iterations, warmup, fillParallel }) {
  const who = { tenantId: 1, userId: 3 };
  const sizes = [10, fill];
  const sessions = {};
  const fillSeconds = {};
  for (const system of systems) {
    sessions[system.name] = {};
    fillSeconds[system.name] = {};
    for (const size of sizes) {
      const id = await system.newSession(who);
      const t0 = performance.now();
      await fillSession(system, who, id, size, fillParallel);
      fillSeconds[system.name][size] = Math.round((performance.now() - t0) / 100) / 10;
      sessions[system.name][size] = id;
      console.error(`  ${system.name}: filled a session with ${size} messages in ${fillSeconds[system.name][size]} s`);
    }
  }
  // Both sizes in the same loop, so that neither absorbs the warm-up or a quiet spell of the machine.
  // Reads first, while each session holds exactly its size; the turns then add 2 messages each.
  const ops = (kind, run) => Object.fromEntries(sizes.map((size) => [`${kind} @${size}`, run(size)]));
  const reads = await interleaved(
    systems,
    ops("read", (size) => (s) => s.read(who, sessions[s.name][size])),
    { iterations, warmup },
  );
  const turns = await interleaved(
    systems,
    ops("turn", (size) => (s, i) => s.turn(who, sessions[s.name][size], i)),
    { iterations, warmup },
  );
  return { fill_parallel: fillParallel, fill_seconds: fillSeconds, results: { ...reads, ...turns } };
}
