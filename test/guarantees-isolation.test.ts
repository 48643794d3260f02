import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { archivePrefix } from "../src/session/archive-keys";
import { api, type Caller, freshTenant, loadDocument, sessionWithTurns, summaryRows } from "./helpers";

const tenantA = freshTenant();
const tenantB = freshTenant();
const pairs: [string, Caller, Caller][] = [
  ["other tenant (A→B)", { tenant: tenantA, user: 1 }, { tenant: tenantB, user: 1 }],
  ["other tenant (B→A)", { tenant: tenantB, user: 1 }, { tenant: tenantA, user: 1 }],
  ["other user, same tenant (1→2)", { tenant: tenantA, user: 1 }, { tenant: tenantA, user: 2 }],
  ["other user, same tenant (2→1)", { tenant: tenantA, user: 2 }, { tenant: tenantA, user: 1 }],
];

/** An error body without its request id, which is every response's own. */
const sansRequestId = (body: { error?: object } | null) =>
  body?.error ? { ...body, error: { ...body.error, request_id: "<request id>" } } : body;

/** What a stranger gets from each of the three writes/reads, for a given id. */
async function probe(stranger: Caller, id: string) {
  const end = await api(`/api/sessions/${id}/end`, { as: stranger, method: "POST" });
  const transcript = await api(`/api/sessions/${id}/transcript`, { as: stranger });
  const batch = await api("/api/sessions/end", { as: stranger, body: { session_ids: [id] } });
  return {
    end: [end.status, sansRequestId(end.body)],
    transcript: [transcript.status, sansRequestId(transcript.body)],
    batch: [batch.status, batch.body.results.map((r: { id: string }) => ({ ...r, id: r.id === id ? "<id>" : r.id }))],
  };
}

describe("end, transcript and batch end of another tenant's or user's session", () => {
  it.each(pairs)("%s: answer as for an unknown id and change nothing", async (_name, owner, stranger) => {
    const active = await sessionWithTurns(owner, ["private one", "private two"]);
    const ended = await sessionWithTurns(owner, ["archived one", "archived two"]);
    await api(`/api/sessions/${ended}/end`, { as: owner, method: "POST" });
    const archivesBefore = (await env.ARCHIVE.list({ prefix: archivePrefix(owner.tenant, owner.user) })).objects;

    const unknown = await probe(stranger, crypto.randomUUID());
    expect(unknown.end[0]).toBe(404);
    expect(unknown.transcript[0]).toBe(404);
    expect(unknown.batch).toEqual([200, [{ id: "<id>", ok: false, error: "not_found" }]]);
    for (const id of [active, ended]) expect(await probe(stranger, id)).toEqual(unknown);

    // The owner's sessions are as they were: still active, not summarised; the archive untouched.
    expect((await api(`/api/sessions/${active}`, { as: owner })).body).toMatchObject({
      status: "active",
      message_count: 4,
      processed_for_ltm: false,
    });
    expect((await summaryRows(active)).results).toEqual([]);
    expect((await env.ARCHIVE.list({ prefix: archivePrefix(owner.tenant, owner.user) })).objects).toEqual(
      archivesBefore,
    );
    const row = await env.DB.prepare("SELECT ended_at FROM chat_sessions WHERE id = ?").bind(active).first();
    expect(row).toEqual({ ended_at: null });
  });
});

describe("every /api route answers 401 without a token", () => {
  const me = { tenant: freshTenant(), user: 1 };
  const admin = { ...me, role: "admin" as const };
  let session = "";
  let document = "";
  const routes: [string, string, () => string, unknown?][] = [
    ["POST", "/api/chat", () => "/api/chat", { query: "hi" }],
    ["POST", "/api/chat/", () => "/api/chat/", { query: "hi" }],
    ["POST", "/api/sessions", () => "/api/sessions", {}],
    ["GET", "/api/sessions", () => "/api/sessions"],
    ["POST", "/api/sessions/end", () => "/api/sessions/end", { session_ids: ["x"] }],
    ["GET", "/api/sessions/:id", () => `/api/sessions/${session}`],
    ["GET", "/api/sessions/:id/messages", () => `/api/sessions/${session}/messages`],
    ["POST", "/api/sessions/:id/messages", () => `/api/sessions/${session}/messages`, { role: "user", content: "x" }],
    ["POST", "/api/sessions/:id/end", () => `/api/sessions/${session}/end`],
    ["GET", "/api/sessions/:id/transcript", () => `/api/sessions/${session}/transcript`],
    ["DELETE", "/api/sessions/:id", () => `/api/sessions/${session}`],
    ["GET", "/api/memory", () => "/api/memory"],
    ["DELETE", "/api/users/me/data", () => "/api/users/me/data"],
    ["DELETE", "/api/users/:userId/data", () => `/api/users/${me.user}/data`],
    ["POST", "/api/knowledge/documents", () => "/api/knowledge/documents", { title: "t", body: "b" }],
    ["GET", "/api/knowledge/documents", () => "/api/knowledge/documents"],
    ["GET", "/api/knowledge/documents/:id", () => `/api/knowledge/documents/${document}`],
    ["DELETE", "/api/knowledge/documents/:id", () => `/api/knowledge/documents/${document}`],
    ["POST", "/api/admin/cleanup", () => "/api/admin/cleanup"],
    ["GET", "/api/no-such-route", () => "/api/no-such-route"],
  ];

  beforeAll(async () => {
    session = await sessionWithTurns(me, ["hello"]);
    document = (await loadDocument(me.tenant, { title: "Policy", body: "Two home office days a week." })).id;
  });

  it.each(routes)("%s %s, and any other method on its path", async (method, _route, path, body) => {
    const res = await api(path(), { method, body });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    // Without a token nothing tells which methods a path has.
    for (const other of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => m !== method)) {
      const probe = await api(path(), { method: other, body: other === "GET" ? undefined : body });
      expect(probe.status, other).toBe(401);
    }
    // Nothing was done: the session and the document are as they were.
    expect((await api(`/api/sessions/${session}`, { as: me })).body).toMatchObject({
      status: "active",
      message_count: 2,
    });
    expect((await api(`/api/knowledge/documents/${document}`, { as: admin })).status).toBe(200);
  });
});
