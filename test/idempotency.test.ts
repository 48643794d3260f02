import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import { api, type Caller, chat, freshTenant, HOUR, newSession, slowAnswers, stubFor } from "./helpers";

const key = () => `key-${crypto.randomUUID()}`;
const withKey = (k: string) => ({ "idempotency-key": k });
const countRows = async (tenant: number) =>
  env.DB.prepare("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ?").bind(tenant).first<number>("n");
const messageCount = async (me: Caller, id: string) =>
  (await api(`/api/sessions/${id}`, { as: me })).body.message_count;
const ledger = (me: Caller) => env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`${me.tenant}:${me.user}`));

/** Moves every key the user holds `hours` into the past, as if that much time had gone by. */
const ageKeys = (me: Caller, hours: number) =>
  runInDurableObject(ledger(me), (_obj, state) => {
    state.storage.sql.exec("UPDATE keys SET created_at = created_at - ?", hours * HOUR);
  });

async function makeAnswersFail(sessionId: string) {
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(() => ({
      answers: {
        name: "down",
        answer: async () => {
          throw new Error("model down");
        },
      },
    }));
  });
}

describe("Idempotency-Key on POST /api/chat", () => {
  it("a retried new-session chat returns the first response and creates nothing more", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "Mi a távmunka szabályzat?", undefined, withKey(k));
    const retry = await chat(me, "Mi a távmunka szabályzat?", undefined, withKey(k));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await countRows(me.tenant)).toBe(1);
    expect(await messageCount(me, first.body.session_id)).toBe(2);
  });

  it("a retried turn on a resumed session stores nothing twice", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "first")).body.session_id;
    const k = key();
    const a = await chat(me, "second", sessionId, withKey(k));
    const b = await chat(me, "second", sessionId, withKey(k));
    expect(b.body).toEqual(a.body);
    expect(a.body.resumed).toBe(true);
    expect(await messageCount(me, sessionId)).toBe(4);
  });

  it("concurrent retries with one key make one turn", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const all = await Promise.all(Array.from({ length: 6 }, () => chat(me, "same", undefined, withKey(k))));
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await countRows(me.tenant)).toBe(1);
    expect(await messageCount(me, all[0]?.body.session_id)).toBe(2);
  });

  it("a retry arriving while the first attempt still runs waits for it and gets its response", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "first")).body.session_id;
    await slowAnswers(sessionId, () => 30);
    const k = key();
    const [a, b] = await Promise.all([
      chat(me, "slow one", sessionId, withKey(k)),
      chat(me, "slow one", sessionId, withKey(k)),
    ]);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(await messageCount(me, sessionId)).toBe(4);
  });

  it("the same key with a different query is a 409 and stores nothing", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "one", undefined, withKey(k));
    const other = await chat(me, "two", undefined, withKey(k));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect(await messageCount(me, first.body.session_id)).toBe(2);
    expect(await countRows(me.tenant)).toBe(1);
  });

  it("the same key and query naming another session is a 409, not a new turn there", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const a = (await chat(me, "in A")).body.session_id;
    const b = (await chat(me, "in B")).body.session_id;
    const k = key();
    expect((await chat(me, "same question", a, withKey(k))).status).toBe(200);
    const elsewhere = await chat(me, "same question", b, withKey(k));
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe("idempotency_key_reused");
    expect(await messageCount(me, a)).toBe(4);
    expect(await messageCount(me, b)).toBe(2);
  });

  it("keys are per user: another user's identical key is a different request", async () => {
    const tenant = freshTenant();
    const k = key();
    const a = await chat({ tenant, user: 1 }, "hello", undefined, withKey(k));
    const b = await chat({ tenant, user: 2 }, "hello", undefined, withKey(k));
    expect(b.body.session_id).not.toBe(a.body.session_id);
    expect(await countRows(tenant)).toBe(2);
  });

  it("a retry after the session ended returns the first response", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "question", undefined, withKey(k));
    expect((await api(`/api/sessions/${first.body.session_id}/end`, { as: me, method: "POST" })).status).toBe(200);
    const retry = await chat(me, "question", undefined, withKey(k));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await countRows(me.tenant)).toBe(1);
  });

  it("a key reused after its session was deleted never 404s and never resurrects the session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "question", undefined, withKey(k));
    const id = first.body.session_id;
    expect((await api(`/api/sessions/${id}`, { as: me, method: "DELETE" })).status).toBe(204);
    const retry = await chat(me, "question", undefined, withKey(k));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect((await api(`/api/sessions/${id}`, { as: me })).status).toBe(404);
    expect((await api("/api/sessions?status=all", { as: me })).body.sessions).toEqual([]);
  });

  it("after 24 hours the key is simply new: a new session, the old one untouched", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "question", undefined, withKey(k));
    await ageKeys(me, 25);
    const later = await chat(me, "question", undefined, withKey(k));
    expect(later.status).toBe(200);
    expect(later.body.session_id).not.toBe(first.body.session_id);
    expect(later.body.resumed).toBe(false);
    expect(await messageCount(me, first.body.session_id)).toBe(2);
    expect(await countRows(me.tenant)).toBe(2);
  });

  it("expired keys are deleted, not just ignored", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    await chat(me, "question", undefined, withKey(key()));
    await ageKeys(me, 25);
    const { runDurableObjectAlarm } = await import("cloudflare:test");
    expect(await runDurableObjectAlarm(ledger(me))).toBe(true);
    const left = await runInDurableObject(
      ledger(me),
      (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM keys").one().n,
    );
    expect(left).toBe(0);
  });
});

describe("one key, every endpoint", () => {
  it("an append key reused on another session, with another body, is a 409", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const a = await newSession(me);
    const b = await newSession(me);
    const k = key();
    const first = await api(`/api/sessions/${a}/messages`, {
      as: me,
      body: { role: "user", content: "note" },
      headers: withKey(k),
    });
    expect(first.status).toBe(201);
    const reused = await api(`/api/sessions/${b}/messages`, {
      as: me,
      body: { role: "user", content: "other note" },
      headers: withKey(k),
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    expect(await messageCount(me, b)).toBe(0);
  });

  it("a key used for an append is a 409 on chat", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const k = key();
    await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: "x" }, headers: withKey(k) });
    const res = await chat(me, "x", id, withKey(k));
    expect(res.status).toBe(409);
    expect(await messageCount(me, id)).toBe(1);
  });

  it("an append retry returns the first message; metadata key order does not matter", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "hi")).body.session_id;
    const k = key();
    const path = `/api/sessions/${sessionId}/messages`;
    const first = await api(path, {
      as: me,
      body: { role: "system", content: "pinned", metadata: { a: 1, b: { c: 2, d: 3 } } },
      headers: withKey(k),
    });
    const retry = await api(path, {
      as: me,
      body: { metadata: { b: { d: 3, c: 2 }, a: 1 }, content: "pinned", role: "system" },
      headers: withKey(k),
    });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await messageCount(me, sessionId)).toBe(3);
    const changed = await api(path, {
      as: me,
      body: { role: "system", content: "different" },
      headers: withKey(k),
    });
    expect(changed.status).toBe(409);
    expect(await messageCount(me, sessionId)).toBe(3);
  });

  it("a refused request stores nothing and frees its key", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    const k = key();
    const refused = await api(`/api/sessions/${id}/messages`, {
      as: me,
      body: { role: "user", content: "late" },
      headers: withKey(k),
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("session_ended");
    // Free again: the same key now serves a different request.
    expect((await chat(me, "fresh", undefined, withKey(k))).status).toBe(200);
  });
});

describe("Idempotency-Key on POST /api/sessions", () => {
  it("a retry returns the first response (status and body), not the session as it is now", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const a = await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    expect(a.status).toBe(201);
    await chat(me, "a turn in it", a.body.id);
    const b = await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.body.message_count).toBe(0);
    expect(await countRows(me.tenant)).toBe(1);
  });

  it("compares the body: the same key with another body is a 409", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    const other = await api("/api/sessions", {
      as: me,
      body: { user_context: { tenant_id: me.tenant, user_id: me.user } },
      headers: withKey(k),
    });
    expect(other.status).toBe(409);
    expect(await countRows(me.tenant)).toBe(1);
  });

  it("after its session was deleted, a retry replays the first response; after 24 h the key makes a new session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const a = await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    await api(`/api/sessions/${a.body.id}`, { as: me, method: "DELETE" });
    const b = await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect((await api(`/api/sessions/${a.body.id}`, { as: me })).status).toBe(404);
    await ageKeys(me, 25);
    const c = await api("/api/sessions", { as: me, method: "POST", headers: withKey(k) });
    expect(c.status).toBe(201);
    expect(c.body.id).not.toBe(a.body.id);
    expect((await api(`/api/sessions/${c.body.id}`, { as: me })).status).toBe(200);
  });
});

describe("a failed turn says how to retry it, key or no key", () => {
  it("without a key: the 502 names a key; retrying with it completes the same turn once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await makeAnswersFail(id);
    const failed = await chat(me, "second", id);
    expect(failed.status).toBe(502);
    const { idempotency_key: retryKey, user_message_id } = failed.body.error.details;
    expect(retryKey).toEqual(expect.any(String));
    expect(failed.body.error.message).toMatch(/Idempotency-Key/);

    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: { name: "back", answer: async () => ({ content: "Now it works.", sources: [], metadata: {} }) },
      }));
    });
    const retried = await chat(me, "second", id, withKey(retryKey));
    expect(retried.status).toBe(200);
    expect(retried.body.user_message.id).toBe(user_message_id);
    expect(retried.body.answer).toBe("Now it works.");
    expect(await messageCount(me, id)).toBe(4);
    // The key now replays, and a different body with it is refused.
    expect((await chat(me, "second", id, withKey(retryKey))).body).toEqual(retried.body);
    expect((await chat(me, "third", id, withKey(retryKey))).status).toBe(409);
  });

  it("with a key: the 502 names that key", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await makeAnswersFail(id);
    const k = key();
    const failed = await chat(me, "second", id, withKey(k));
    expect(failed.status).toBe(502);
    expect(failed.body.error.details.idempotency_key).toBe(k);
  });
});

describe("erasure", () => {
  it("removes the user's kept responses: afterwards the key is new", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    await chat(me, "question", undefined, withKey(k));
    const erased = await api("/api/users/me/data", { as: me, method: "DELETE" });
    expect(erased.body.removed.idempotency_keys).toBe(1);
    const again = await chat(me, "question", undefined, withKey(k));
    expect(again.status).toBe(200);
    expect(await messageCount(me, again.body.session_id)).toBe(2);
    expect(await countRows(me.tenant)).toBe(1);
  });
});
