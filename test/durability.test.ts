import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant, stubFor } from "./helpers";

describe("a session's history lives in its object's storage", () => {
  it("survives a fresh object instance", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const first = await chat(me, "Mi a távmunka szabályzat?");
    const sessionId = first.body.session_id;
    await chat(me, "És mennyi home office nap engedélyezett?", sessionId);
    const before = (await api(`/api/sessions/${sessionId}/messages`, { as: me })).body;

    // Mark the instance so we can prove the next one is new.
    await runInDurableObject(stubFor(sessionId), (obj) => {
      (obj as unknown as { marker: string }).marker = "old instance";
    });
    await evictDurableObject(stubFor(sessionId));
    const marker = await runInDurableObject(
      stubFor(sessionId),
      (obj) => (obj as unknown as { marker?: string }).marker,
    );
    expect(marker).toBeUndefined();

    const after = (await api(`/api/sessions/${sessionId}/messages`, { as: me })).body;
    expect(after).toEqual(before);
    const third = await chat(me, "Köszönöm!", sessionId);
    expect(third.body.resumed).toBe(true);
    expect(third.body.user_message.seq).toBe(5);
    // The new instance hands the provider the stored conversation as context.
    expect(third.body.assistant_message.metadata.context_messages).toBe(5);
  });
});
