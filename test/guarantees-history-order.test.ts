import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, authHeaders, freshTenant, sessionWithTurns, stubFor } from "./helpers";

async function transcriptSeqs(me: { tenant: number; user: number }, id: string): Promise<number[]> {
  const res = await exports.default.fetch(
    new Request(`http://sessions.test/api/sessions/${id}/transcript`, { headers: await authHeaders(me) }),
  );
  const body = new TextDecoder().decode(await res.arrayBuffer());
  return body
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).seq);
}

describe("history is ordered by seq, also when created_at ties", () => {
  it("messages stored within the same millisecond read back in the order they were stored", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["one", "two", "three"]);
    for (const content of ["four", "five"]) {
      await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content } });
    }
    // Force the tie: every message carries the same timestamp.
    await runInDurableObject(stubFor(id), (_o, state) => {
      state.storage.sql.exec("UPDATE messages SET created_at = '2026-01-01T00:00:00.000Z'");
    });

    const all = (await api(`/api/sessions/${id}/messages?limit=100`, { as: me })).body.messages;
    expect(all.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.filter((m: { role: string }) => m.role === "user").map((m: { content: string }) => m.content)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);

    // Paging back: the newest three, then the three before them, each oldest first.
    const page1 = (await api(`/api/sessions/${id}/messages?limit=3`, { as: me })).body;
    expect(page1.messages.map((m: { seq: number }) => m.seq)).toEqual([6, 7, 8]);
    const page2 = (await api(`/api/sessions/${id}/messages?limit=3&before=${page1.next_before}`, { as: me })).body;
    expect(page2.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);

    expect(await transcriptSeqs(me, id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("a clock that jumped back and forth does not reorder them either", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["one", "two"]);
    // Times out of order: seq 1..4 at :37, :24, :11, :48.
    await runInDurableObject(stubFor(id), (_o, state) => {
      state.storage.sql.exec("UPDATE messages SET created_at = printf('2026-01-01T00:00:%02d.000Z', (seq * 37) % 50)");
    });
    const all = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    expect(all.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(await transcriptSeqs(me, id)).toEqual([1, 2, 3, 4]);
  });
});
