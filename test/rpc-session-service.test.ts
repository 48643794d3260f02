import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionServiceApi } from "../src/rpc/api";
import { api, chat, freshTenant } from "./helpers";

/** The entrypoint as another Worker's Service Binding sees it. */
const service = exports.SessionService as unknown as SessionServiceApi;
const who = (tenant: number, user = 1) => ({ tenantId: tenant, userId: user });
const asHttp = (tenant: number, user = 1) => ({ tenant, user });

async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("SessionService: the seed's programmatic API over RPC", () => {
  it("create → chat → history → end, and HTTP sees the same session", async () => {
    const tenant = freshTenant();
    const created = await value(service.createSession(who(tenant)));
    expect(created).toMatchObject({ tenant_id: tenant, user_id: 1, status: "active", message_count: 0 });

    const turn = await value(service.chat(who(tenant), { query: "Mi a távmunka szabályzat?", session_id: created.id }));
    expect(turn).toMatchObject({ session_id: created.id, resumed: true });
    expect(turn.answer.length).toBeGreaterThan(0);
    await value(service.addMessageToSession(who(tenant), created.id, { role: "system", content: "note" }));

    const history = await value(service.getConversationHistory(who(tenant), created.id, { limit: 2 }));
    expect(history.messages.map((m) => m.role)).toEqual(["assistant", "system"]);
    expect(history.has_more).toBe(true);

    // The other door sees it all.
    const overHttp = await api(`/api/sessions/${created.id}`, { as: asHttp(tenant) });
    expect(overHttp.body.message_count).toBe(3);
    const ended = await value(service.endSession(who(tenant), created.id));
    expect(ended.status).toBe("ended");
    expect((await value(service.endSession(who(tenant), created.id))).ended_at).toBe(ended.ended_at);
  });

  it("a session made over HTTP is the caller's over RPC too, and the reverse", async () => {
    const tenant = freshTenant();
    const viaHttp = (await chat(asHttp(tenant), "hello")).body.session_id;
    expect((await value(service.getSessionInfo(who(tenant), viaHttp))).message_count).toBe(2);
    const viaRpc = (await value(service.createSession(who(tenant)))).id;
    const listed = await api("/api/sessions", { as: asHttp(tenant) });
    expect(listed.body.sessions.map((s: { id: string }) => s.id).sort()).toEqual([viaHttp, viaRpc].sort());
    const active = await value(service.getActiveSessionsForUser(who(tenant), { limit: 1 }));
    expect(active.sessions).toHaveLength(1);
    expect(active.next_cursor).toEqual(expect.any(String));
    const rest = await value(
      service.getActiveSessionsForUser(who(tenant), { limit: 1, cursor: active.next_cursor as string }),
    );
    expect([...active.sessions, ...rest.sessions].map((s) => s.id).sort()).toEqual([viaHttp, viaRpc].sort());
  });

  it("resumeOrCreateSession resumes the caller's active session, else starts a new one", async () => {
    const tenant = freshTenant();
    const fresh = await value(service.resumeOrCreateSession(who(tenant)));
    expect(fresh.resumed).toBe(false);
    const again = await value(service.resumeOrCreateSession(who(tenant), fresh.session.id));
    expect(again).toEqual({ session: fresh.session, resumed: true });
    await value(service.endSession(who(tenant), fresh.session.id));
    const afterEnd = await value(service.resumeOrCreateSession(who(tenant), fresh.session.id));
    expect(afterEnd.resumed).toBe(false);
    expect(afterEnd.session.id).not.toBe(fresh.session.id);
    const foreign = await value(service.resumeOrCreateSession(who(tenant, 2), afterEnd.session.id));
    expect(foreign.resumed).toBe(false);
    expect(foreign.session.user_id).toBe(2);
  });

  it("batch end and delete: per-id results, and a deleted session is unknown", async () => {
    const tenant = freshTenant();
    const a = (await value(service.createSession(who(tenant)))).id;
    const theirs = (await value(service.createSession(who(tenant, 2)))).id;
    const { results } = await value(service.endSessions(who(tenant), [a, theirs, "nonsense"]));
    expect(results).toEqual([
      { id: a, ok: true, status: "ended" },
      { id: theirs, ok: false, error: "not_found" },
      { id: "nonsense", ok: false, error: "not_found" },
    ]);
    expect(await value(service.deleteSession(who(tenant), a))).toEqual({ deleted: true });
    const gone = await service.getSessionInfo(who(tenant), a);
    expect(gone).toMatchObject({ ok: false, error: { status: 404, code: "not_found" } });
    expect(await service.deleteSession(who(tenant), a)).toMatchObject({ ok: false, error: { status: 404 } });
  });
});

describe("refusals come back as results with the HTTP API's codes", () => {
  it("another tenant's or user's session is exactly an unknown one, for every method", async () => {
    const tenant = freshTenant();
    const mine = (await value(service.createSession(who(tenant)))).id;
    const unknown = crypto.randomUUID();
    for (const stranger of [who(freshTenant()), who(tenant, 2)]) {
      const calls = (id: string) => [
        service.getSessionInfo(stranger, id),
        service.endSession(stranger, id),
        service.getConversationHistory(stranger, id),
        service.addMessageToSession(stranger, id, { role: "user", content: "intrusion" }),
        service.deleteSession(stranger, id),
      ];
      const foreign = await Promise.all(calls(mine));
      const missing = await Promise.all(calls(unknown));
      for (const [i, r] of foreign.entries()) {
        expect(r.ok).toBe(false);
        if (r.ok || missing[i]?.ok !== false) continue;
        expect({ ...r.error, request_id: "" }).toEqual({ ...missing[i].error, request_id: "" });
        expect(r.error).toMatchObject({ status: 404, code: "not_found" });
      }
    }
    expect((await value(service.getSessionInfo(who(tenant), mine))).message_count).toBe(0);
  });

  it("bad input is a 400 naming the field; text over its limit a 413; an ended session a 409", async () => {
    const tenant = freshTenant();
    const id = (await value(service.createSession(who(tenant)))).id;
    const badRole = await service.addMessageToSession(who(tenant), id, { role: "robot" as "user", content: "x" });
    expect(badRole).toMatchObject({ ok: false, error: { status: 400, code: "invalid_request" } });
    expect(!badRole.ok && badRole.error.message).toMatch(/^role/);
    expect(await service.chat(who(tenant), { query: "   " })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await service.getConversationHistory(who(tenant), id, { limit: 0 })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await service.getActiveSessionsForUser(who(tenant), { cursor: "nope" })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await service.endSessions(who(tenant), [])).toMatchObject({ ok: false, error: { status: 400 } });
    const huge = await service.addMessageToSession(who(tenant), id, { role: "user", content: "x".repeat(32_001) });
    expect(huge).toMatchObject({ ok: false, error: { status: 413, code: "payload_too_large" } });
    await value(service.endSession(who(tenant), id));
    expect(await service.addMessageToSession(who(tenant), id, { role: "user", content: "late" })).toMatchObject({
      ok: false,
      error: { status: 409, code: "session_ended" },
    });
  });

  it.each([[{ tenantId: "1", userId: 1 }], [{ tenantId: 1, userId: -3 }], [{ tenantId: 1 }], [null]])(
    "a bad `who` (%j) is a 400 naming it",
    async (bad) => {
      const r = await service.createSession(bad as unknown as { tenantId: number; userId: number });
      expect(r).toMatchObject({ ok: false, error: { status: 400, code: "invalid_request" } });
      expect(!r.ok && r.error.message).toMatch(/^(who|tenantId|userId)/);
    },
  );

  it("an Idempotency-Key is one per user across doors: an RPC turn replays over HTTP", async () => {
    const tenant = freshTenant();
    const key = `k-${crypto.randomUUID()}`;
    const first = await value(service.chat(who(tenant), { query: "hello" }, { idempotencyKey: key }));
    const overHttp = await chat(asHttp(tenant), "hello", undefined, { "idempotency-key": key });
    expect(overHttp.status).toBe(200);
    expect(overHttp.body).toEqual(first);
    const other = await service.chat(who(tenant), { query: "something else" }, { idempotencyKey: key });
    expect(other).toMatchObject({ ok: false, error: { status: 409, code: "idempotency_key_reused" } });
  });
});
