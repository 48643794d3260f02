import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant } from "./helpers";

const key = () => `key-${crypto.randomUUID()}`;
const countRows = async (tenant: number) =>
  env.DB.prepare("SELECT count(*) AS n FROM chat_sessions WHERE tenant_id = ?").bind(tenant).first<number>("n");

describe("Idempotency-Key on POST /api/chat", () => {
  it("a retried new-session chat returns the first response and creates nothing more", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "Mi a távmunka szabályzat?", undefined, { "idempotency-key": k });
    const retry = await chat(me, "Mi a távmunka szabályzat?", undefined, { "idempotency-key": k });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await countRows(me.tenant)).toBe(1);
    const info = await api(`/api/sessions/${first.body.session_id}`, { as: me });
    expect(info.body.message_count).toBe(2);
  });

  it("a retried turn on a resumed session stores nothing twice", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "first")).body.session_id;
    const k = key();
    const a = await chat(me, "second", sessionId, { "idempotency-key": k });
    const b = await chat(me, "second", sessionId, { "idempotency-key": k });
    expect(b.body).toEqual(a.body);
    expect(a.body.resumed).toBe(true);
    expect((await api(`/api/sessions/${sessionId}`, { as: me })).body.message_count).toBe(4);
  });

  it("concurrent retries with one key make one turn", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const all = await Promise.all(
      Array.from({ length: 6 }, () => chat(me, "same", undefined, { "idempotency-key": k })),
    );
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await countRows(me.tenant)).toBe(1);
    expect((await api(`/api/sessions/${all[0]?.body.session_id}`, { as: me })).body.message_count).toBe(2);
  });

  it("the same key with a different query is a 409 and stores nothing", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const first = await chat(me, "one", undefined, { "idempotency-key": k });
    const other = await chat(me, "two", undefined, { "idempotency-key": k });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect((await api(`/api/sessions/${first.body.session_id}`, { as: me })).body.message_count).toBe(2);
  });

  it("keys are per user: another user's identical key is a different request", async () => {
    const tenant = freshTenant();
    const k = key();
    const a = await chat({ tenant, user: 1 }, "hello", undefined, { "idempotency-key": k });
    const b = await chat({ tenant, user: 2 }, "hello", undefined, { "idempotency-key": k });
    expect(b.body.session_id).not.toBe(a.body.session_id);
    expect(await countRows(tenant)).toBe(2);
  });
});

describe("Idempotency-Key on POST /api/sessions/:id/messages", () => {
  it("a retry returns the first message and appends nothing", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const sessionId = (await chat(me, "hi")).body.session_id;
    const k = key();
    const body = { role: "system", content: "pinned", metadata: { a: 1 } };
    const first = await api(`/api/sessions/${sessionId}/messages`, { as: me, body, headers: { "idempotency-key": k } });
    const retry = await api(`/api/sessions/${sessionId}/messages`, { as: me, body, headers: { "idempotency-key": k } });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await api(`/api/sessions/${sessionId}`, { as: me })).body.message_count).toBe(3);

    const changed = await api(`/api/sessions/${sessionId}/messages`, {
      as: me,
      body: { ...body, content: "different" },
      headers: { "idempotency-key": k },
    });
    expect(changed.status).toBe(409);
    expect((await api(`/api/sessions/${sessionId}`, { as: me })).body.message_count).toBe(3);
  });
});

describe("Idempotency-Key on POST /api/sessions", () => {
  it("a retried create returns the same session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const k = key();
    const a = await api("/api/sessions", { as: me, method: "POST", headers: { "idempotency-key": k } });
    const b = await api("/api/sessions", { as: me, method: "POST", headers: { "idempotency-key": k } });
    expect(b.body.id).toBe(a.body.id);
    expect(await countRows(me.tenant)).toBe(1);
  });
});
