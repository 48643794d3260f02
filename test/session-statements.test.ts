import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import type { ChatResponse, MessageView, Outcome } from "../src/session-types";
import {
  backdate,
  chat,
  freshTenant,
  indexDelayPassed,
  loadDocument,
  newSession,
  settleIndex,
  stubFor,
} from "./helpers";

const REMOTE_WORK =
  "# Távmunka szabályzat\n\nA munkavállalók hetente legfeljebb két nap távmunkát végezhetnek, a vezető előzetes jóváhagyásával.";

/**
 * The SQL statements the object runs for `work`, in order: each costs tens of
 * microseconds (and a trace span under wrangler dev), so how many a request
 * runs is part of its cost. Counted inside the object, on a warm instance.
 */
async function statementsOf(id: string, work: (obj: SessionObject) => Promise<unknown>): Promise<string[]> {
  return runInDurableObject(stubFor(id), async (obj: SessionObject, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec;
    const seen: string[] = [];
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      seen.push(query.replace(/\s+/g, " ").trim());
      return exec.call(sql, query, ...bindings);
    }) as typeof sql.exec;
    try {
      await work(obj);
    } finally {
      sql.exec = exec;
    }
    return seen;
  });
}

const readsSessionRow = (q: string) => q.startsWith("SELECT * FROM session");
const writesSessionRow = (q: string) => q.startsWith("UPDATE session");
const insertsMessage = (q: string) => q.startsWith("INSERT INTO messages");

async function warmSession() {
  const me = { tenant: freshTenant(), user: 1 };
  const owner = { tenantId: me.tenant, userId: 1 };
  const id = await newSession(me);
  const stub = stubFor(id);
  for (let i = 0; i < 3; i++) await stub.append(owner, { role: "user", content: `m${i}`, metadata: {} });
  return { id, owner };
}

describe("statements per request (the session row is kept in memory)", () => {
  it("a last-20 read is one statement: the messages", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, async (obj) => {
      expect((await obj.history(owner, 20))?.messages).toHaveLength(3);
    });
    expect(seen).toEqual(["SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?"]);
  });

  it("an append is its message and one write of the row (count, time and version bump together)", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, (obj) => obj.append(owner, { role: "user", content: "x", metadata: {} }));
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(seen.filter(insertsMessage)).toHaveLength(1);
    expect(seen.filter(writesSessionRow)).toHaveLength(1);
    expect(seen.filter(readsSessionRow)).toEqual([]);
  });

  it("two messages in one change are two INSERTs and one UPDATE", async () => {
    const { id, owner } = await warmSession();
    const two = [
      { role: "user" as const, content: "q", metadata: {} },
      { role: "assistant" as const, content: "a", metadata: {} },
    ];
    const seen = await statementsOf(id, (obj) => obj.appendAll(owner, two));
    expect(seen.map((q) => q.split(" ").slice(0, 3).join(" "))).toEqual([
      "INSERT INTO messages",
      "INSERT INTO messages",
      "UPDATE session SET",
    ]);
  });

  it("a turn reads no session row and writes the message count only in its two commits' final statements", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, (obj) => obj.chat(owner, { query: "What does the policy say?" }));
    expect(seen.filter(readsSessionRow)).toEqual([]);
    expect(seen.filter(insertsMessage)).toHaveLength(2);
    expect(seen.filter((q) => q.includes("message_count"))).toHaveLength(2);
    expect(seen.filter((q) => q.startsWith("UPDATE session SET index_version"))).toHaveLength(2);
    // It cites nothing, as the session's last answer did: the cited documents are not rewritten.
    expect(seen.filter((q) => q.includes("cited_documents"))).toEqual([]);
  });

  it("the cited documents are written only when an answer cites others than the last one", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Távmunka szabályzat", body: REMOTE_WORK });
    const me = { tenant, user: 1 };
    const owner = { tenantId: tenant, userId: 1 };
    const cited = (id: string) =>
      runInDurableObject(
        stubFor(id),
        (_o, state) => state.storage.sql.exec<{ c: string }>("SELECT cited_documents AS c FROM session").one().c,
      );
    const id = (await chat(me, "Hány nap távmunka engedélyezett?")).body.session_id as string;
    expect(JSON.parse(await cited(id))).toEqual([doc.id]);
    // The same document again: no write of it.
    const again = await statementsOf(id, (obj) => obj.chat(owner, { query: "Hány nap távmunka engedélyezett?" }));
    expect(again.filter((q) => q.includes("cited_documents"))).toEqual([]);
    expect(JSON.parse(await cited(id))).toEqual([doc.id]);
    // An answer that cites nothing: the follow-up steering is cleared.
    await chat(me, "Mi a kedvenc színed?", id);
    expect(JSON.parse(await cited(id))).toEqual([]);
  });

  it("an alarm's index flush is one statement: the row marked as sent", async () => {
    const { id, owner } = await warmSession();
    await indexDelayPassed(id); // the alarm sends now (a new instance: read the row once)
    await stubFor(id).info(owner);
    const seen = await statementsOf(id, (obj) => obj.alarm());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^UPDATE session SET index_synced_version = .* RETURNING \*$/);
  });

  it("no request reads the session row once the instance has it", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, async (obj) => {
      await obj.info(owner);
      await obj.append(owner, { role: "user", content: "x", metadata: {} });
      await obj.history(owner, 20);
      await obj.alarm();
      await obj.end(owner);
    });
    expect(seen.filter(readsSessionRow)).toEqual([]);
  });
});

/** The value of an outcome that must have succeeded. */
async function succeeded<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const r = await outcome;
  if (!r.ok) throw new Error(`refused: ${r.refusal}`);
  return r.value;
}
const info = (id: string, owner: { tenantId: number; userId: number }) => stubFor(id).info(owner);
const indexRow = (id: string) =>
  env.DB.prepare("SELECT message_count, last_message_at FROM chat_sessions WHERE id = ?").bind(id).first();

describe("message_count and last_message_at, written once per change", () => {
  it("follow multi-message appends and turns: in the object, in a new instance, and in the index", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const owner = { tenantId: me.tenant, userId: 1 };
    const id = await newSession(me);
    const three = ["a", "b", "c"].map((content) => ({ role: "user" as const, content, metadata: {} }));
    const appended = await succeeded<MessageView[]>(stubFor(id).appendAll(owner, three));
    expect(await info(id, owner)).toMatchObject({ message_count: 3, last_message_at: appended[2]?.created_at });

    const turn = await chat(me, "What does the policy say?", id);
    expect(turn.body.assistant_message.seq).toBe(5);
    expect(await info(id, owner)).toMatchObject({
      message_count: 5,
      last_message_at: turn.body.assistant_message.created_at,
    });
    // A turn whose query comes with a preamble stores three messages in one change.
    const preamble = three.slice(0, 2);
    const withPreamble = await succeeded<ChatResponse>(stubFor(id).chat(owner, { query: "And then?", preamble }));
    expect(withPreamble.user_message.seq).toBe(8);
    const expected = { message_count: 9, last_message_at: withPreamble.assistant_message.created_at };
    expect(await info(id, owner)).toMatchObject(expected);

    await evictDurableObject(stubFor(id));
    expect(await info(id, owner)).toMatchObject(expected);
    await settleIndex(id);
    expect(await indexRow(id)).toEqual(expected);
  });

  it("last_message_at never moves back: a stored time later than the new message's is kept", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const owner = { tenantId: me.tenant, userId: 1 };
    const id = await newSession(me);
    await backdate(id, -1); // an hour ahead, as after a clock step back
    const ahead = (await info(id, owner))?.last_message_at;
    const appended = await succeeded<MessageView>(
      stubFor(id).append(owner, { role: "user", content: "x", metadata: {} }),
    );
    expect(appended.created_at < (ahead as string)).toBe(true);
    expect(await info(id, owner)).toMatchObject({ message_count: 1, last_message_at: ahead });
  });
});
