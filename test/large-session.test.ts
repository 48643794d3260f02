import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey } from "../src/session/archive-keys";
import { api, authHeaders, freshTenant, newSession, stubFor, summaryRows } from "./helpers";

const MESSAGES = 2_650;
/** 31,990 characters of Hungarian text a message: about 40 KB each in UTF-8, ~104 MB in all. */
const CONTENT_SQL = `'Kérdés ' || seq || ': ' || substr(replace(hex(zeroblob(8000)), '0', 'szó '), 1, 31990)`;

/**
 * Fills the session's own storage directly (3 seconds instead of 2,600 HTTP
 * appends): the rows are exactly what appends would have written.
 */
async function fill(sessionId: string): Promise<void> {
  await runInDurableObject(stubFor(sessionId), (_obj, state) => {
    const sql = state.storage.sql;
    sql.exec(
      `WITH RECURSIVE n(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM n WHERE seq < ?)
       INSERT INTO messages (seq, id, role, content, metadata, created_at)
       SELECT seq, 'm-' || seq, CASE seq % 2 WHEN 1 THEN 'user' ELSE 'assistant' END, ${CONTENT_SQL}, '{}',
              strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`,
      MESSAGES,
    );
    sql.exec("UPDATE session SET message_count = ?, index_version = index_version + 1", MESSAGES);
  });
  // Written behind the object's back: a new instance reads the record afresh (it keeps it in memory).
  await evictDurableObject(stubFor(sessionId));
}

/** Reads a streamed body to the end, counting bytes and lines, never holding it whole. */
async function measure(body: ReadableStream<Uint8Array>): Promise<{ bytes: number; lines: number; last: string }> {
  let bytes = 0;
  let lines = 0;
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    for (const b of chunk) if (b === 10) lines++;
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-40_000);
  }
  return { bytes, lines, last: tail };
}

const transcript = async (me: { tenant: number; user: number }, id: string) =>
  exports.default.fetch(
    new Request(`http://sessions.test/api/sessions/${id}/transcript`, { headers: await authHeaders(me) }),
  );

describe("a 100 MB session", () => {
  it("exports, ends, summarises, archives and exports again without a 5xx", { timeout: 120_000 }, async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await fill(id);

    const live = await transcript(me, id);
    expect(live.status).toBe(200);
    expect(live.headers.get("x-transcript-source")).toBe("session");
    const fromSession = await measure(live.body as ReadableStream<Uint8Array>);
    expect(fromSession.lines).toBe(MESSAGES);
    expect(fromSession.bytes).toBeGreaterThan(100 * 1024 * 1024);
    const lastLine = JSON.parse(fromSession.last.trimEnd().split("\n").at(-1) as string);
    expect(lastLine).toMatchObject({
      seq: MESSAGES,
      role: "assistant",
      content: expect.stringMatching(/^Kérdés 2650: szó/),
    });

    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: "ended", message_count: MESSAGES, processed_for_ltm: true });
    const summary = (await summaryRows(id)).results[0] as Record<string, unknown>;
    expect(summary).toMatchObject({ message_count: MESSAGES, first_seq: 1, last_seq: MESSAGES });
    expect(String(summary.summary)).toContain(`(${MESSAGES} üzenet)`);

    const archived = await env.ARCHIVE.head(archiveKey(me.tenant, me.user, id));
    expect(archived?.size).toBe(fromSession.bytes);
    const again = await transcript(me, id);
    expect(again.headers.get("x-transcript-source")).toBe("archive");
    const fromArchive = await measure(again.body as ReadableStream<Uint8Array>);
    expect(fromArchive).toEqual(fromSession);
  });
});

describe("the summary digest", () => {
  it("reads both ends of the session, clipped, whatever its size, and keeps the real count", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await fill(id);
    const { summaryDigest } = await import("../src/session/transcript");
    const digest = await runInDurableObject(stubFor(id), (_obj, state) => summaryDigest(state.storage.sql, MESSAGES));
    expect(digest.total).toBe(MESSAGES);
    expect(digest.messages).toHaveLength(100);
    expect(digest.messages.map((m) => m.seq).slice(48, 52)).toEqual([49, 50, MESSAGES - 49, MESSAGES - 48]);
    expect(digest.firstSeq).toBe(1);
    expect(digest.lastSeq).toBe(MESSAGES);
    for (const m of digest.messages) expect(m.content.length).toBeLessThanOrEqual(4_001);
  });
});
