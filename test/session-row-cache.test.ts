import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sessionStub } from "../src/client/stubs";
import type { SessionRecord } from "../src/session/schema";
// biome-ignore lint/style/noRestrictedImports: these tests check the store's in-memory row itself, from inside the object.
import type { SessionStore } from "../src/session/store";
import type { SessionObject } from "../src/session-object";
import { api, chat, freshTenant, indexDelayPassed, newSession, settleIndex, stubFor } from "./helpers";

/** The object's store: its in-memory copy of the session row is what these tests check. */
const storeOf = (obj: SessionObject) => (obj as unknown as { store: SessionStore }).store;

/** The session row as the store gives it, and as storage has it. */
const bothRows = (id: string) =>
  runInDurableObject(stubFor(id), (obj: SessionObject, state) => ({
    kept: storeOf(obj).load(),
    stored: state.storage.sql.exec<SessionRecord>("SELECT * FROM session").toArray()[0] ?? null,
  }));

async function expectTrueRow(id: string): Promise<SessionRecord | null> {
  const { kept, stored } = await bothRows(id);
  expect(kept).toEqual(stored);
  return stored;
}

const indexRow = (id: string) =>
  env.DB.prepare("SELECT message_count, last_message_at, index_version FROM chat_sessions WHERE id = ?")
    .bind(id)
    .first();

describe("the session row kept in memory is the stored one", () => {
  it("after every kind of change: create, append, turn, failed turn, labels, index failure and retry, end, delete", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first question")).body.session_id;
    await expectTrueRow(id);
    await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "a note" } });
    await expectTrueRow(id);
    await indexDelayPassed(id); // the index has waited its longest: the next alarm sends (a new instance)

    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: {
          name: "down",
          answer: async () => {
            throw new Error("provider down");
          },
        },
        indexWriter: async () => {
          throw new Error("D1_ERROR: simulated outage");
        },
      }));
    });
    expect((await chat(me, "this one fails", id)).status).toBe(502);
    await expectTrueRow(id);
    await runDurableObjectAlarm(stubFor(id)); // the index write fails: failures and retry time are recorded
    expect((await expectTrueRow(id))?.index_failures).toBe(1);

    await evictDurableObject(stubFor(id)); // real deps again
    await runDurableObjectAlarm(stubFor(id));
    expect(await expectTrueRow(id)).toMatchObject({ index_failures: 0, index_retry_at: null });
    await sessionStub(env, id).setMetadata({ tenantId: me.tenant, userId: 1 }, { topic: "cache" });
    expect((await expectTrueRow(id))?.conversation_metadata).toBe('{"topic":"cache"}');

    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(await expectTrueRow(id)).toMatchObject({ summary_state: "done", archive_state: "done" });
    await api(`/api/sessions/${id}`, { as: me, method: "DELETE" });
    expect((await expectTrueRow(id))?.is_deleted).toBe(1);
  });

  it("is frozen, however it was obtained (read, commit, update): a caller cannot change it", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await evictDurableObject(stubFor(id)); // a new instance: its first load reads storage
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      const store = storeOf(obj);
      const rows = [store.mustLoad(), store.commit(() => {}), store.update((tx) => tx.clearIndexRetry())];
      for (const s of rows as SessionRecord[]) {
        expect(Object.isFrozen(s)).toBe(true);
        expect(() => {
          s.message_count = 99;
        }).toThrow(TypeError);
      }
      expect(store.load()?.message_count).toBe(0);
    });
  });

  it("is gone after a purge: the id reads as missing, and a new session under it starts afresh", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const owner = { tenantId: me.tenant, userId: 1 };
    const id = await newSession(me);
    const stub = sessionStub(env, id);
    await stub.append(owner, { role: "user", content: "x", metadata: {} });
    expect(await stub.purge(owner)).toMatchObject({ sessions: 1, messages: 1 });
    expect(await stub.info(owner)).toBeNull();
    expect(await stub.history(owner, 20)).toBeNull();
    expect((await stub.create(owner, id)).ok).toBe(true);
    expect(await stub.info(owner)).toMatchObject({ message_count: 0 });
    await expectTrueRow(id);
  });
});

describe("a change that fails inside its transaction leaves no trace in memory", () => {
  it("an append failing midway (its second message cannot be stored) changes nothing a client sees", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const owner = { tenantId: me.tenant, userId: 1 };
    const id = await newSession(me);
    const stub = sessionStub(env, id);
    await stub.append(owner, { role: "user", content: "kept", metadata: {} });
    const before = await stub.info(owner);
    // Past the worker's validation: metadata that JSON cannot hold fails the second message's INSERT.
    const unstorable = { n: 1n } as unknown as Record<string, unknown>;
    await runInDurableObject(stubFor(id), async (obj: SessionObject) => {
      const two = [
        { role: "user" as const, content: "first of two", metadata: {} },
        { role: "user" as const, content: "second of two", metadata: unstorable },
      ];
      await expect(obj.appendAll(owner, two)).rejects.toThrow(/BigInt/);
    });

    expect(await stub.info(owner)).toEqual(before);
    expect((await stub.history(owner, 20))?.messages.map((m) => m.content)).toEqual(["kept"]);
    await expectTrueRow(id);
    const next = await stub.append(owner, { role: "user", content: "next", metadata: {} });
    expect(next.ok && next.value.seq).toBe(2);
    await settleIndex(id);
    expect(await indexRow(id)).toMatchObject({ message_count: 2 });
  });

  it("a transaction that throws drops the copy, even one an inner change had already replaced", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await runInDurableObject(stubFor(id), (obj: SessionObject, state) => {
      const store = storeOf(obj);
      const before = store.mustLoad();
      // Its own write to the row, then a failure: rolled back, so not kept.
      expect(() =>
        store.update((tx) => {
          tx.indexFailed(7, 1);
          throw new Error("fails after writing the row");
        }),
      ).toThrow(/after writing/);
      expect(store.load()).toEqual(before);
      // A nested change commits and is kept; the outer one then fails and takes it back with it.
      expect(() =>
        store.commit(() => {
          store.update((tx) => tx.indexFailed(8, 1));
          throw new Error("outer fails");
        }),
      ).toThrow(/outer fails/);
      const stored = state.storage.sql.exec<SessionRecord>("SELECT * FROM session").one();
      expect(stored.index_failures).toBe(0);
      expect(store.load()).toEqual(stored);
    });
  });
});
