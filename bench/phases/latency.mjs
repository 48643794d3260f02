// Latency from one client, ours and the floor interleaved: append, chat turn, last-20 read.
import { interleaved, ratio } from "../lib/stats.mjs";

/** The goals, ours/floor (at p50 and at p95). */
export const LATENCY_GOALS = { append: 1.2, turn: 1.5, read: 1.1 };

export async function latency(systems, { iterations, warmup }) {
  const who = { tenantId: 1, userId: 1 };
  // One session per kind and system; the read session holds 40 messages, so every read returns 20.
  const sessions = {};
  for (const system of systems) {
    const [append, turn, read] = [
      await system.newSession(who),
      await system.newSession(who),
      await system.newSession(who),
    ];
    for (let i = 0; i < 40; i++) await system.append(who, read, i);
    sessions[system.name] = { append, turn, read };
  }
  const stats = await interleaved(
    systems,
    {
      append: (s, i) => s.append(who, sessions[s.name].append, i),
      turn: (s, i) => s.turn(who, sessions[s.name].turn, i),
      read: async (s) => {
        const n = await s.read(who, sessions[s.name].read);
        if (n !== 20) throw new Error(`${s.name}: a last-20 read returned ${n} messages`);
      },
    },
    { iterations, warmup },
  );
  return Object.fromEntries(
    Object.entries(stats).map(([op, r]) => {
      const ratios = ratio(r.ours, r.floor);
      const goal = LATENCY_GOALS[op];
      return [op, { ...r, ratio: ratios, goal, met: { p50: ratios.p50 <= goal, p95: ratios.p95 <= goal } }];
    }),
  );
}
