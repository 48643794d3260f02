/**
 * Property-based fuzz of every endpoint (fast-check): generated requests,
 * valid, near-valid and hostile (bodies, headers, credentials, ids, cursors,
 * unicode, methods), sent one after another by five callers in two tenants.
 * For every response: never a 5xx (nor one hidden in an SSE error event or a
 * batch result, nor an error-level log line), non-2xx bodies have the error
 * shape, x-request-id is always set, and nothing of another tenant or user is
 * revealed: their ids never appear, their sessions and documents are 404;
 * and the status and media type are ones the OpenAPI document declares.
 * After the run, every session's history, transcript, message_count, list
 * entry and D1 index row agree (test/fuzz/reconcile.ts).
 *
 * Size: `npm test` sends 1,000 requests; `npm run fuzz` sends 10,000
 * (FUZZ_RUNS=n npm run fuzz for another size). Seed: a new one each run,
 * printed with the summary and with any failure; replay it with
 *   FUZZ_SEED=<seed> FUZZ_RUNS=<n> npx vitest run test/fuzz.test.ts
 * The same seed sends the same sequence (requests name sessions by index
 * into what the run has seen), so the failure recurs at the same request;
 * the failure also prints the request fast-check shrank it to.
 *
 * How the numbers get in: the test runs inside workerd, which has no Node
 * process.env. vitest.config.ts runs in Node and copies FUZZ_RUNS and
 * FUZZ_SEED from its process.env into `miniflare.bindings`, so they arrive
 * here as `env.FUZZ_RUNS` / `env.FUZZ_SEED` (empty: the defaults).
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import policy from "../examples/tavmunka-szabalyzat.md?raw";
import { app } from "../src/app";
import { openApiDocument } from "../src/openapi/document";
import { contractProblems } from "./fuzz/contract";
import { fuzzRequest } from "./fuzz/endpoints";
import { type Observed, problemsWith, record, send } from "./fuzz/observe";
import { reconcile } from "./fuzz/reconcile";
import { type Resolved, resolve } from "./fuzz/resolve";
import { RunStats } from "./fuzz/stats";
import { World } from "./fuzz/world";
import { loadDocument } from "./helpers";

const RUNS = Number(env.FUZZ_RUNS) || 1_000;
const SEED = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Date.now() % 2_147_483_647;

const print = console.log.bind(console);
const stats = new RunStats();
beforeAll(() => {
  // The worker logs a JSON line per request: count them (error-level ones fail the run) instead of printing 10,000.
  for (const level of ["log", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => stats.log(level, line));
  }
});
afterAll(() => vi.restoreAllMocks());

const clip = (s: string | undefined, n = 300) => (s && s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function describeExchange(r: Resolved, o: Observed): string {
  const { authorization: _token, ...headers } = r.headers;
  return [
    `request: ${r.method} ${clip(r.url, 200)} as ${r.actor.name} with ${r.spec.auth} credentials`,
    `headers: ${JSON.stringify(headers)}`,
    `body: ${clip(r.body) ?? "(none)"}`,
    `response: ${o.status} ${clip(o.text)}`,
  ].join("\n");
}

it(`${RUNS} fuzzed requests: no 5xx, the error shape, x-request-id, no leak; then the data agrees`, {
  timeout: 120_000 + RUNS * 100,
}, async () => {
  const world = await World.create();
  const contract = await openApiDocument(() => app.routes);
  // Each tenant's knowledge base holds the sample policy, so turns also retrieve and cite.
  for (const admin of [world.actors[2], world.actors[4]]) {
    const tenant = admin?.tenant as number;
    const doc = await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    world.documents.set(doc.id, { id: doc.id, tenant, deleted: false });
  }

  const property = fc.asyncProperty(fuzzRequest, async (spec) => {
    const r = resolve(world, spec);
    const errorsBefore = stats.errorLines();
    const o = await send(r);
    stats.count(spec, o.status, o.events !== undefined);
    const problems = [...problemsWith(world, r, o), ...record(world, r, o), ...contractProblems(contract, r, o)];
    const errors = stats.logLines.filter((l) => l.level === "error").slice(errorsBefore);
    if (errors.length > 0) problems.push(`error-level log lines: ${errors.map((e) => e.event).join(", ")}`);
    if (problems.length > 0) throw new Error(`${problems.join("; ")}\n${describeExchange(r, o)}`);
  });
  const run = await fc.check(property, { numRuns: RUNS, seed: SEED });
  print(`fuzz ${JSON.stringify(stats.summary(SEED, world))}`);
  print(`fuzz by endpoint ${JSON.stringify(stats.perEndpoint())}`);
  if (run.failed) {
    throw new Error(
      [
        `fuzz failed at request ${run.numRuns} (seed ${run.seed}, path "${run.counterexamplePath}", ${run.numShrinks} shrinks)`,
        `replay: FUZZ_SEED=${run.seed} FUZZ_RUNS=${RUNS} npx vitest run test/fuzz.test.ts`,
        `shrunk request: ${clip(fc.stringify(run.counterexample), 2000)}`,
        run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance),
      ].join("\n"),
    );
  }

  const disagreements = await reconcile(world);
  expect(disagreements.slice(0, 20), `${disagreements.length} disagreements (seed ${SEED})`).toEqual([]);
  expect(stats.fiveXx).toBe(0);
});
