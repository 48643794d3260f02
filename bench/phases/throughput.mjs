// Concurrent throughput: CLIENTS clients appending over SESSIONS sessions (one user each, across
// eight tenants) for a fixed time, against ours and the floor, in ROUNDS alternating rounds. The ratio is
// the median of the rounds' ratios: in each round the two systems run back to back, so the machine's load,
// which drifts by 20–40 % within a minute here, hits both alike (the systems' own median rounds, which
// may come from different minutes, are reported too).
import { summarise } from "../lib/stats.mjs";

export const THROUGHPUT_GOAL = 0.85;
const CLIENTS = 8;
const SESSIONS = 64;
const ROUNDS = 5;

export const owner = (k) => ({ tenantId: 2 + (k % 8), userId: 100 + k });

export async function sessionsOf(system) {
  const ids = [];
  for (let k = 0; k < SESSIONS; k++) ids.push(await system.newSession(owner(k)));
  return ids;
}

export async function appendFor(system, ids, seconds) {
  let ok = 0;
  let failed = 0;
  let firstError = null;
  const latencies = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async (c) => {
    // Client c appends round-robin to sessions c, c + CLIENTS, c + 2·CLIENTS, …
    for (let n = 0; performance.now() < deadline; n++) {
      const k = c + CLIENTS * (n % (SESSIONS / CLIENTS));
      const t0 = performance.now();
      try {
        await system.append(owner(k), ids[k], n);
        ok++;
        latencies.push(performance.now() - t0);
      } catch (err) {
        failed++;
        firstError ??= String(err?.message ?? err);
        if (failed > 50) return; // the server is gone; do not spin
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  return {
    appends: ok,
    failed,
    first_error: firstError,
    seconds: Math.round(elapsed * 100) / 100,
    per_second: Math.round((ok / elapsed) * 10) / 10,
    latency: summarise(latencies),
  };
}

const median = (rounds) => [...rounds].sort((a, b) => a.per_second - b.per_second)[Math.floor(rounds.length / 2)];

export async function throughput(systems, { seconds }) {
  const out = { clients: CLIENTS, sessions: SESSIONS, rounds: ROUNDS };
  const ids = new Map();
  for (const system of systems) ids.set(system.name, await sessionsOf(system));
  const rounds = new Map(systems.map((s) => [s.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const system of r % 2 ? [...systems].reverse() : systems) {
      rounds.get(system.name).push(await appendFor(system, ids.get(system.name), seconds));
    }
  }
  for (const system of systems) {
    out[system.name] = { ...median(rounds.get(system.name)), rounds: rounds.get(system.name).map((x) => x.per_second) };
  }
  if (out.ours && out.floor) {
    const paired = rounds.get("ours").map((x, r) => x.per_second / rounds.get("floor")[r].per_second);
    out.round_ratios = paired.map((x) => Math.round(x * 100) / 100);
    out.ratio = Math.round([...paired].sort((a, b) => a - b)[Math.floor(paired.length / 2)] * 100) / 100;
    out.ratio_of_medians = Math.round((out.ours.per_second / out.floor.per_second) * 100) / 100;
    out.goal = THROUGHPUT_GOAL;
    out.met = out.ratio >= THROUGHPUT_GOAL;
  }
  return out;
}
