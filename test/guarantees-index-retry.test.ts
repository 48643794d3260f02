import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import { api, chat, freshTenant, HOUR, stubFor } from "./helpers";

const MINUTE = 60_000;
const alarmOf = (id: string) => runInDurableObject(stubFor(id), (_o, state) => state.storage.getAlarm());

/** D1 refuses the next `k` index writes of this session's object (the object's indexWriter seam). */
async function failD1(sessionId: string, k: number) {
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    let left = k;
    obj.useDeps(({ indexWriter: real }) => ({
      indexWriter: async (row) => {
        if (left-- > 0) throw new Error("D1_ERROR: simulated outage");
        return real(row);
      },
    }));
  });
}

describe("a failed D1 index write is retried within minutes, not at the idle deadline", () => {
  it("the retry alarm is due seconds after the failure, backs off, and stays within minutes", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "hello")).body.session_id;
    await failD1(id, 2);

    const appended = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "x" } });
    expect(appended.status).toBe(201);
    const idleDeadline = Date.parse(appended.body.created_at) + 24 * HOUR;
    // The update is sent by the alarm, within the window; that first try fails.
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    const first = (await alarmOf(id)) as number;
    const firstDelay = first - Date.now();
    // About a second or two after the failed write: far from the 24 h idle deadline.
    expect(firstDelay).toBeGreaterThan(-5_000);
    expect(firstDelay).toBeLessThanOrEqual(MINUTE);
    expect(first).toBeLessThan(idleDeadline);

    // The retry fails again: the next one is later (backoff) but still within minutes.
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    const second = (await alarmOf(id)) as number;
    const secondDelay = second - Date.now();
    expect(secondDelay).toBeGreaterThan(firstDelay + 1_000);
    expect(secondDelay).toBeLessThanOrEqual(5 * MINUTE);

    // D1 is back: the next retry lands and only the idle deadline remains.
    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    expect(await alarmOf(id)).toBe(idleDeadline);
  });

  it("a long outage never pushes the retry past five minutes", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "hello")).body.session_id;
    await failD1(id, 12);
    await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "x" } });
    let delay = 0;
    for (let i = 0; i < 10; i++) {
      await runDurableObjectAlarm(stubFor(id));
      delay = ((await alarmOf(id)) as number) - Date.now();
      expect(delay).toBeLessThanOrEqual(5 * MINUTE);
    }
    // Backed off all the way to the cap.
    expect(delay).toBeGreaterThan(4 * MINUTE);
  });
});
