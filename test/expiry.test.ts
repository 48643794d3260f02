import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import { api, backdate, freshTenant, HOUR, newSession, sessionWithTurns, stubFor, summaryRows } from "./helpers";

const alarmOf = (id: string) => runInDurableObject(stubFor(id), (_o, state) => state.storage.getAlarm());
const info = async (me: { tenant: number; user: number }, id: string) =>
  (await api(`/api/sessions/${id}`, { as: me })).body;

describe("inactivity ends a session from its own alarm", () => {
  it("keeps the alarm at last_message_at + SESSION_TIMEOUT_HOURS and moves it with activity", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    expect(await alarmOf(id)).toBe(Date.parse((await info(me, id)).last_message_at) + 24 * HOUR);
    const appended = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "act" } });
    // First the alarm sends the activity to the index, within INDEX_SYNC_WINDOW_MS (2 s)...
    const sendAt = (await alarmOf(id)) as number;
    expect(sendAt - Date.parse(appended.body.created_at)).toBe(2_000);
    // ...then it moves to the new idle deadline.
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    expect(await alarmOf(id)).toBe(Date.parse((await info(me, id)).last_message_at) + 24 * HOUR);
  });

  it("past the deadline the alarm ends it (reason inactive) with its summary", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "És mennyi home office nap engedélyezett?"]);
    await backdate(id, 25);
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    const after = await info(me, id);
    expect(after.status).toBe("ended");
    expect(after.processed_for_ltm).toBe(true);
    expect((await summaryRows(id)).results).toHaveLength(1);
    const reason = await runInDurableObject(stubFor(id), (_o, s) =>
      s.storage.sql.exec<{ end_reason: string }>("SELECT end_reason FROM session").one(),
    );
    expect(reason.end_reason).toBe("inactive");
    // Nothing left to do: no alarm for an ended, summarised, archived session.
    expect(await alarmOf(id)).toBeNull();
  });

  it("an early or repeated alarm never ends an active session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["still here"]);
    await backdate(id, 23);
    for (let i = 0; i < 3; i++) expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    const now = await info(me, id);
    expect(now.status).toBe("active");
    // Re-armed at the real deadline, an hour from now.
    expect(await alarmOf(id)).toBe(Date.parse(now.last_message_at) + 24 * HOUR);
  });

  it("a message just before the deadline keeps the session active and re-arms the alarm", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first"]);
    await backdate(id, 24 - 1 / 60);
    const late = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "just in time" } });
    expect(late.status).toBe(201);
    await runDurableObjectAlarm(stubFor(id));
    const now = await info(me, id);
    expect(now.status).toBe("active");
    expect(now.message_count).toBe(3);
    expect(await alarmOf(id)).toBe(Date.parse(late.body.created_at) + 24 * HOUR);
  });

  it("a message racing the expiry either lands before the end or is refused after it", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first"]);
    await backdate(id, 25);
    const [append] = await Promise.all([
      api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "race" } }),
      runDurableObjectAlarm(stubFor(id)),
    ]);
    const now = await info(me, id);
    const history = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    if (append.status === 201) {
      // The message won: its activity counts, so the session stays open with an alarm.
      expect(now.status).toBe("active");
      expect(await alarmOf(id)).not.toBeNull();
    } else {
      expect(append.status).toBe(409);
      expect(now.status).toBe("ended");
      expect(history.every((m: { created_at: string }) => m.created_at <= now.ended_at)).toBe(true);
    }
  });
});

describe("alarm retries", () => {
  /** A storage failure: the session's own table cannot be read, so every alarm duty fails. */
  async function breakStorage(id: string) {
    await runInDurableObject(stubFor(id), (_obj, state) => {
      state.storage.sql.exec("ALTER TABLE session RENAME TO session_unreadable");
    });
    // A new instance, which has no copy of the record in memory, meets the broken table.
    await evictDurableObject(stubFor(id));
  }

  // Literal retry counts, not the source's constant, so a change to it shows here: 0..4 throw, 5 re-arms.
  it.each([0, 4])("throws on retry %i so the platform retries", async (retryCount) => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["x"]);
    await breakStorage(id);
    await expect(
      runInDurableObject(stubFor(id), (obj: SessionObject) =>
        obj.alarm({ retryCount, isRetry: retryCount > 0, scheduledTime: Date.now() }),
      ),
    ).rejects.toThrow(/no such table: session/);
  });

  it("on its last retry (5) re-arms itself instead of giving up", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["x"]);
    await breakStorage(id);
    const before = Date.now();
    await runInDurableObject(stubFor(id), async (obj: SessionObject, state) => {
      await state.storage.deleteAlarm();
      await obj.alarm({ retryCount: 5, isRetry: true, scheduledTime: Date.now() });
    });
    const alarm = await alarmOf(id);
    expect(alarm).not.toBeNull();
    expect(alarm as number).toBeGreaterThanOrEqual(before + 59_000);
    expect(alarm as number).toBeLessThanOrEqual(Date.now() + 61_000);
  });
});
