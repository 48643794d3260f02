import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import type { MessageView, Outcome } from "../src/session-types";
import { api, backdate, freshTenant, HOUR, sessionWithTurns, stubFor, summaryRows } from "./helpers";

const alarmOf = (id: string) => runInDurableObject(stubFor(id), (_o, state) => state.storage.getAlarm());
const indexCount = (id: string) =>
  env.DB.prepare("SELECT message_count FROM chat_sessions WHERE id = ?").bind(id).first<number>("message_count");

/**
 * An append and the idle alarm in flight at once, in a chosen order: both are
 * started in the same synchronous step inside the object, so whichever is
 * started first takes the session's lock first. No timing involved.
 */
async function race(id: string, owner: { tenantId: number; userId: number }, first: "append" | "alarm") {
  return runInDurableObject(stubFor(id), async (obj: SessionObject) => {
    const append = () => obj.append(owner, { role: "user", content: "race", metadata: {} });
    let appended: Promise<Outcome<MessageView>>;
    let alarmed: Promise<void>;
    if (first === "append") {
      appended = append();
      alarmed = obj.alarm();
    } else {
      alarmed = obj.alarm();
      appended = append();
    }
    await alarmed;
    return appended;
  });
}

describe("an append racing the idle-expiry alarm (session idle past its deadline)", () => {
  it("append first: it is stored, the session stays active and the alarm re-arms to the new deadline", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first", "second"]);
    await backdate(id, 25);

    const appended = await race(id, { tenantId: me.tenant, userId: 1 }, "append");
    expect(appended.ok).toBe(true);
    const message = (appended as { value: MessageView }).value;

    const info = (await api(`/api/sessions/${id}`, { as: me })).body;
    expect(info).toMatchObject({ status: "active", message_count: 5, last_message_at: message.created_at });
    expect(await alarmOf(id)).toBe(Date.parse(message.created_at) + 24 * HOUR);
    expect((await summaryRows(id)).results).toEqual([]);
    expect(await indexCount(id)).toBe(5);
  });

  it("alarm first: the session ends, the append is refused (409 session_ended) and nothing is stored", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["first", "second"]);
    await backdate(id, 25);

    expect(await race(id, { tenantId: me.tenant, userId: 1 }, "alarm")).toEqual({ ok: false, refusal: "ended" });
    const late = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "race" } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("session_ended");

    const info = (await api(`/api/sessions/${id}`, { as: me })).body;
    expect(info).toMatchObject({ status: "ended", message_count: 4, processed_for_ltm: true });
    const history = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    expect(history.map((m: { content: string }) => m.content)).not.toContain("race");
    expect(history).toHaveLength(4);
    expect(await indexCount(id)).toBe(4);
    // The summary covers exactly the messages before the end.
    expect((await summaryRows(id)).results).toEqual([expect.objectContaining({ message_count: 4, last_seq: 4 })]);
  });
});
