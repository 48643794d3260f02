import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatSessionRow } from "../src/db/schema";
import type { SessionObject } from "../src/session-object";
import { api, backdate, chat, freshTenant, HOUR, indexDelayPassed, newSession, stubFor } from "./helpers";

const WINDOW_MS = 2_000; // INDEX_SYNC_WINDOW_MS in wrangler.toml
const MAX_DELAY_MS = 10_000; // INDEX_SYNC_MAX_DELAY_MS in wrangler.toml

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
/** When the first change the index has not heard of was made (null: none). */
const pendingSince = (id: string) =>
  runInDurableObject(
    stubFor(id),
    (_o, state) => state.storage.sql.exec<{ t: number | null }>("SELECT index_pending_since AS t FROM session").one().t,
  );

async function append(as: { tenant: number; user: number }, id: string, content: string) {
  const res = await api(`/api/sessions/${id}/messages`, { as, body: { role: "user", content } });
  expect(res.status).toBe(201);
  return res.body as { created_at: string };
}

describe("activity reaches the D1 index coalesced, at most once per INDEX_SYNC_WINDOW_MS", () => {
  it("a burst of 20 appends costs at most a few index writes, and the index matches once they pause for the window", async () => {
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
    // ...and when it fires after a window without messages, the index has the latest snapshot, in one more write.
    await backdate(id, WINDOW_MS / HOUR);
    const after = await countWrites(id); // backdate started a new instance
    await runDurableObjectAlarm(stubFor(id));
    expect(after).toHaveLength(1);
    const info = (await api(`/api/sessions/${id}`, { as: me })).body;
    expect(info.message_count).toBe(20);
    expect(await indexRow(id)).toEqual({ message_count: 20, last_message_at: info.last_message_at });
  });

  it("while messages keep coming, the alarm waits for a pause of one window after the latest", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const sent = await countWrites(id);
    let last = "";
    for (let i = 0; i < 3; i++) last = (await append(me, id, `m${i}`)).created_at;
    await runDurableObjectAlarm(stubFor(id)); // early: the latest message is not half a window old
    expect(sent).toHaveLength(0);
    expect(await indexRow(id)).toMatchObject({ message_count: 0 });
    expect(await alarmOf(id)).toBe(Date.parse(last) + WINDOW_MS);

    await backdate(id, WINDOW_MS / HOUR); // the pause
    const after = await countWrites(id);
    await runDurableObjectAlarm(stubFor(id));
    expect(after).toHaveLength(1);
    expect(await indexRow(id)).toMatchObject({ message_count: 3 });
  });

  it("one change alone is not a stream: the alarm sends it whenever it fires", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const sent = await countWrites(id);
    await append(me, id, "only");
    await runDurableObjectAlarm(stubFor(id));
    expect(sent).toHaveLength(1);
    expect(await indexRow(id)).toMatchObject({ message_count: 1 });
  });

  it("a session written without a pause still reaches the index INDEX_SYNC_MAX_DELAY_MS after its first unsent change", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await append(me, id, "m0");
    await append(me, id, "m1");
    // The first unsent change is now one second short of the longest delay, and messages keep coming.
    await indexDelayPassed(id, MAX_DELAY_MS - 1_000);
    const since = (await pendingSince(id)) as number;
    let sent = await countWrites(id);
    await append(me, id, "m2");
    await runDurableObjectAlarm(stubFor(id));
    expect(sent).toHaveLength(0);
    expect(await alarmOf(id)).toBe(since + MAX_DELAY_MS); // not a window after the latest message: the deadline

    await indexDelayPassed(id, 1_000); // the deadline has passed
    sent = await countWrites(id);
    await append(me, id, "m3");
    await runDurableObjectAlarm(stubFor(id));
    expect(sent).toHaveLength(1);
    expect(await indexRow(id)).toMatchObject({ message_count: 4 });
    expect(await pendingSince(id)).toBeNull();
  });

  it("a change made while a send is in flight is due a window after that send, not at once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await append(me, id, "m0");
    let release = () => {};
    const sent: ChatSessionRow[] = [];
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(({ indexWriter: real }) => ({
        indexWriter: async (row) => {
          sent.push(row);
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return real(row);
        },
      }));
    });
    const alarm = runDurableObjectAlarm(stubFor(id));
    while (sent.length === 0) await new Promise((r) => setTimeout(r, 1));
    await append(me, id, "m1"); // while m0's snapshot is on its way to D1
    const released = Date.now();
    await runInDurableObject(stubFor(id), () => release()); // the promise belongs to the object: resolved there
    await alarm;
    const done = Date.now();
    expect(sent).toHaveLength(1);
    expect(await indexRow(id)).toMatchObject({ message_count: 1 });
    const due = (await alarmOf(id)) as number;
    expect(due).toBeGreaterThanOrEqual(released + WINDOW_MS);
    expect(due).toBeLessThanOrEqual(done + WINDOW_MS);
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
