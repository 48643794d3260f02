import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import {
  api,
  backdate,
  type Caller,
  chat,
  freshTenant,
  newSession,
  sessionWithTurns,
  stubFor,
  summaryRows,
} from "./helpers";

const indexRow = (id: string) =>
  env.DB.prepare("SELECT end_reason, processed_for_ltm FROM chat_sessions WHERE id = ?").bind(id).first();

/** The summary row an earlier attempt wrote to D1 before it could set the object's flag. */
async function insertSummaryRow(me: Caller, sessionId: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO session_summaries (id, tenant_id, user_id, session_id, summary, key_topics, first_seq, last_seq,
       message_count, method, model, language, created_at)
     VALUES (?, ?, ?, ?, 'Written before the crash.', '["crash"]', 1, 4, 4, 'extractive', NULL, 'en', ?)`,
  )
    .bind(id, me.tenant, me.user, sessionId, new Date().toISOString())
    .run();
  return id;
}

const summaryState = (id: string) =>
  runInDurableObject(stubFor(id), (_o, state) =>
    state.storage.sql.exec<{ summary_state: string }>("SELECT summary_state FROM session").one(),
  );

describe("a summary already in D1 while the object's flag is unset (a crash between the two)", () => {
  it("the end finds it: exactly one summary, processed_for_ltm true", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first question", "second question"]);
    const written = await insertSummaryRow(me, id);

    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.status).toBe(200);
    expect(ended.body.processed_for_ltm).toBe(true);
    expect((await summaryRows(id)).results).toEqual([expect.objectContaining({ id: written })]);
    expect(await indexRow(id)).toEqual({ end_reason: "user", processed_for_ltm: 1 });
    expect((await api("/api/memory", { as: me })).body.summaries.map((s: { id: string }) => s.id)).toEqual([written]);
  });

  it("the alarm's retry finds it: exactly one summary, processed_for_ltm true, nothing left pending", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first question", "second question"]);
    // The end's own summary attempt fails, so the object's summary stays pending...
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(({ summarizer: real }) => ({
        summarizer: {
          method: real.method,
          summarize: async () => {
            obj.useDeps(() => ({ summarizer: real }));
            throw new Error("crashed");
          },
        },
      }));
    });
    expect((await api(`/api/sessions/${id}/end`, { as: me, method: "POST" })).body.processed_for_ltm).toBe(false);
    expect(await summaryState(id)).toEqual({ summary_state: "pending" });
    // ...while D1 already has the row.
    const written = await insertSummaryRow(me, id);

    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    expect((await api(`/api/sessions/${id}`, { as: me })).body.processed_for_ltm).toBe(true);
    expect((await summaryRows(id)).results).toEqual([expect.objectContaining({ id: written })]);
    expect(await indexRow(id)).toEqual({ end_reason: "user", processed_for_ltm: 1 });
    expect(await summaryState(id)).toEqual({ summary_state: "done" });
    expect(await runInDurableObject(stubFor(id), (_o, s) => s.storage.getAlarm())).toBeNull();
  });
});

describe("sessions ended by MAX_SESSIONS_PER_USER (20)", () => {
  it("are summarised: end reason limit, processed_for_ltm true, one summary each", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const oldest = [
      await sessionWithTurns(me, ["remote work policy", "home office days"]),
      await sessionWithTurns(me, ["travel expenses", "per diem rates"]),
    ];
    // Clearly the least recently active, whatever the clock's resolution.
    for (const id of oldest) await backdate(id, 2);
    for (let i = 0; i < 18; i++) await newSession(me);
    // Two more creates go two over the cap of 20.
    await newSession(me);
    await chat(me, "one more conversation");

    for (const id of oldest) {
      const info = (await api(`/api/sessions/${id}`, { as: me })).body;
      expect(info).toMatchObject({ status: "ended", message_count: 4, processed_for_ltm: true });
      expect(await indexRow(id)).toEqual({ end_reason: "limit", processed_for_ltm: 1 });
      expect((await summaryRows(id)).results).toEqual([
        expect.objectContaining({ message_count: 4, first_seq: 1, last_seq: 4 }),
      ]);
    }
    const memory = (await api("/api/memory", { as: me })).body.summaries;
    expect(memory.map((s: { session_id: string }) => s.session_id).sort()).toEqual([...oldest].sort());
  });
});
