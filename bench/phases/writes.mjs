// D1 index writes per 100 messages, counted from outside the service: triggers on chat_sessions in its
// local D1 log every upsert statement (BEFORE INSERT, which SQLite fires for an upsert whether it then
// inserts, updates or does nothing) and every row actually written (AFTER INSERT, AFTER UPDATE).
import { wranglerAsync } from "../lib/processes.mjs";

const TRIGGERS = `
CREATE TABLE IF NOT EXISTS bench_index_writes (n INTEGER PRIMARY KEY, session_id TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS bench_upsert BEFORE INSERT ON chat_sessions
  BEGIN INSERT INTO bench_index_writes (session_id, kind) VALUES (NEW.id, 'statement'); END;
CREATE TRIGGER IF NOT EXISTS bench_inserted AFTER INSERT ON chat_sessions
  BEGIN INSERT INTO bench_index_writes (session_id, kind) VALUES (NEW.id, 'inserted'); END;
CREATE TRIGGER IF NOT EXISTS bench_updated AFTER UPDATE ON chat_sessions
  BEGIN INSERT INTO bench_index_writes (session_id, kind) VALUES (NEW.id, 'updated'); END;`;

// The shape of TenantSessionIndex.upsert (src/db/session-index.ts): INSERT … SELECT … ON CONFLICT DO UPDATE
// … WHERE (the version guard), for the probe below.
const probeUpsert = (version) => `
INSERT INTO chat_sessions (id, tenant_id, user_id, created_at, last_message_at, message_count, ended_at,
  end_reason, processed_for_ltm, is_deleted, deleted_at, index_version)
SELECT 'bench-probe', 999999, 1, 't', 't${version}', ${version}, NULL, NULL, 0, 0, NULL, ${version}
 WHERE NOT EXISTS (SELECT 1 FROM purged_sessions WHERE id = 'bench-probe')
ON CONFLICT (id) DO UPDATE SET last_message_at = excluded.last_message_at, message_count = excluded.message_count,
  index_version = excluded.index_version
 WHERE chat_sessions.index_version < excluded.index_version AND chat_sessions.tenant_id = excluded.tenant_id;`;

/** Runs SQL on the service's local D1 (beside the running server); the rows of each statement, in order. */
async function d1(persistTo, sql) {
  const r = await wranglerAsync([
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    persistTo,
    "--json",
    "--command",
    sql,
  ]);
  if (r.status !== 0) throw new Error(`wrangler d1 execute failed:\n${r.output.slice(-2000)}`);
  return JSON.parse(r.stdout).map((statement) => statement.results ?? []);
}

const tally = (rows) => Object.fromEntries(rows.map((r) => [r.kind, r.n]));

async function counts(persistTo, sessionId) {
  const [rows] = await d1(
    persistTo,
    `SELECT kind, count(*) AS n FROM bench_index_writes WHERE session_id = '${sessionId}' GROUP BY kind`,
  );
  const by = tally(rows);
  return { statements: by.statement ?? 0, rows: (by.inserted ?? 0) + (by.updated ?? 0) };
}

/**
 * Installs the triggers and checks them on a probe row with the service's upsert: a fresh insert, a newer
 * version and a stale one must log 3 statements, 1 insert and 1 update. The probe row then goes.
 */
async function installAndProbe(persistTo) {
  const probeCount =
    "SELECT kind, count(*) AS n FROM bench_index_writes WHERE session_id = 'bench-probe' GROUP BY kind ORDER BY kind";
  const cleanUp =
    "DELETE FROM chat_sessions WHERE id = 'bench-probe'; DELETE FROM bench_index_writes WHERE session_id = 'bench-probe'";
  const results = await d1(
    persistTo,
    `${TRIGGERS}${probeUpsert(1)}${probeUpsert(2)}${probeUpsert(1)}${probeCount};${cleanUp}`,
  );
  const got = tally(results.at(-3) ?? []);
  if (got.statement !== 3 || got.inserted !== 1 || got.updated !== 1) {
    throw new Error(`local D1 did not fire the triggers as expected for the upsert: ${JSON.stringify(got)}`);
  }
  return got;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 100 appends on one session, then 50 turns (100 messages) on another; each followed by `settleMs`. */
export async function writes(ours, persistTo, { settleMs }) {
  const probed = await installAndProbe(persistTo);
  const who = { tenantId: 1, userId: 2 };
  const measure = async (label, messagesPerCall, calls, call) => {
    const id = await ours.newSession(who);
    const created = await counts(persistTo, id);
    if (created.rows < 1) throw new Error(`${label}: creating a session logged no index write: triggers not firing?`);
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await call(id, i);
    const burstMs = performance.now() - t0;
    await sleep(settleMs);
    const after = await counts(persistTo, id);
    const messages = calls * messagesPerCall;
    const per100 = (n) => Math.round((n / messages) * 10000) / 100;
    return {
      messages,
      burst_ms: Math.round(burstMs),
      settle_ms: settleMs,
      at_create: created,
      statements: after.statements - created.statements,
      rows_written: after.rows - created.rows,
      statements_per_100: per100(after.statements - created.statements),
      rows_per_100: per100(after.rows - created.rows),
    };
  };
  return {
    probe: probed,
    appends: await measure("appends", 1, 100, (id, i) => ours.append(who, id, i)),
    turns: await measure("turns", 2, 50, (id, i) => ours.turn(who, id, i)),
  };
}
