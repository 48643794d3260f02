import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatSessionRow } from "../src/db/schema";
import type { SessionObject } from "../src/session-object";
import { api, chat, freshTenant, newSession, stubFor } from "./helpers";

const WINDOW_MS = 2_000; // INDEX_SYNC_WINDOW_MS in wrangler.toml

/** Counts the index writes this session's object sends to D1 (and lets them through). */
async function countWrites(sessionId: string): Promise<ChatSessionRow[]> {
  const sent: ChatSessionRow[] = [];
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(({ indexWriter: real }) => ({
      indexWriter: async (row) => {
        sent.push(row);
        return real(row);
      },
    }));
  });
  return sent;
}

const indexRow = (id: string) =>
  env.DB.prepare("SELECT message_count, last_message_at FROM chat_sessions WHERE id = ?").bind(id).first();
const alarmOf = (id: string) => runInDurableObject(stubFor(id), (_o, state) => state.storage.getAlarm());

describe("activity reaches the D1 index coalesced, at most once per INDEX_SYNC_WINDOW_MS", () => {
  it("a burst of 20 appends costs at most a few index writes, and the index matches right after the window", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const sent = await countWrites(id);
    const started = Date.now();
    let last = "";
    for (let i = 0; i < 20; i++) {
      const res = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: `m${i}` } });
      expect(res.status).toBe(201);
      last = res.body.created_at;
    }
    const elapsed = Date.now() - started;
    // Without coalescing: 20 writes. With it: one per window that the burst spans (any that fired by themselves).
    expect(sent.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / WINDOW_MS));
    if (elapsed < 2_000) expect(sent.length).toBeLessThanOrEqual(3);

    // The alarm that sends the rest is due within the window of the last change...
    expect(((await alarmOf(id)) as number) - Date.parse(last)).toBeLessThanOrEqual(WINDOW_MS);
    // ...and when it fires, the index has the latest snapshot, in one more write.
    const before = sent.length;
    await runDurableObjectAlarm(stubFor(id));
    expect(sent.length).toBe(before + 1);
    expect(await indexRow(id)).toEqual({ message_count: 20, last_message_at: last });
  });

  it("no append or turn on an existing session waits for D1: a D1 outage is not in their path", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    let calls = 0;
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        indexWriter: () => {
          calls++;
          return new Promise<void>(() => {}); // D1 never answers
        },
      }));
    });
    expect((await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "x" } })).status).toBe(
      201,
    );
    expect((await chat(me, "second", id)).status).toBe(200);
    expect(calls).toBe(0);
  });

  it("state changes a list must show at once are written before the response: create, end, delete", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const created = (await chat(me, "hello")).body.session_id;
    expect(await indexRow(created)).toMatchObject({ message_count: 2 });
    const id = await newSession(me);
    expect((await api("/api/sessions?status=all", { as: me })).body.sessions).toHaveLength(2);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(
      (await api("/api/sessions?status=ended", { as: me })).body.sessions.map((s: { id: string }) => s.id),
    ).toEqual([id]);
    await api(`/api/sessions/${created}`, { as: me, method: "DELETE" });
    expect((await api("/api/sessions?status=all", { as: me })).body.sessions.map((s: { id: string }) => s.id)).toEqual([
      id,
    ]);
  });
});
