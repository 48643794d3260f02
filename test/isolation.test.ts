import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, type Caller, chat, freshTenant } from "./helpers";

/** Every way to reach one session by id; a stranger must get exactly what an unknown id gets. */
function probes(id: string) {
  return [
    { name: "GET info", path: `/api/sessions/${id}` },
    { name: "GET messages", path: `/api/sessions/${id}/messages` },
    { name: "POST message", path: `/api/sessions/${id}/messages`, body: { role: "user", content: "intrusion" } },
    { name: "DELETE", path: `/api/sessions/${id}`, method: "DELETE" },
  ];
}

async function ownedSession(owner: Caller) {
  const turn = await chat(owner, "private question");
  return turn.body.session_id as string;
}

describe("another tenant's or user's session is invisible", () => {
  const tenantA = freshTenant();
  const tenantB = freshTenant();
  const pairs: [string, Caller, Caller][] = [
    ["other tenant (A→B)", { tenant: tenantA, user: 1 }, { tenant: tenantB, user: 1 }],
    ["other tenant (B→A)", { tenant: tenantB, user: 1 }, { tenant: tenantA, user: 1 }],
    ["other user, same tenant (1→2)", { tenant: tenantA, user: 1 }, { tenant: tenantA, user: 2 }],
    ["other user, same tenant (2→1)", { tenant: tenantA, user: 2 }, { tenant: tenantA, user: 1 }],
  ];

  it.each(pairs)("%s: every endpoint answers as for an unknown id", async (_name, owner, stranger) => {
    const id = await ownedSession(owner);
    const unknown = crypto.randomUUID();
    // The same request id for both, since error bodies carry it: then the bodies must be identical.
    const headers = { "x-request-id": "isolation-probe" };
    for (const probe of probes(id)) {
      const foreign = await api(probe.path, { as: stranger, method: probe.method, body: probe.body, headers });
      const missing = await api(probe.path.replace(id, unknown), {
        as: stranger,
        method: probe.method,
        body: probe.body,
        headers,
      });
      expect(foreign.status, probe.name).toBe(404);
      // The same body but for the request id, which is every response's own.
      expect({ ...foreign.body.error, request_id: null }, probe.name).toEqual({
        ...missing.body.error,
        request_id: null,
      });
    }
    // Resume attempts start a new session of the stranger's own.
    const resume = await chat(stranger, "let me in", id);
    expect(resume.body.resumed).toBe(false);
    expect(resume.body.session_id).not.toBe(id);
    // Lists never show it.
    const list = await api("/api/sessions?status=all&limit=100", { as: stranger });
    expect(list.body.sessions.map((s: { id: string }) => s.id)).not.toContain(id);
    // And the owner's session is untouched.
    const mine = await api(`/api/sessions/${id}`, { as: owner });
    expect(mine.body.message_count).toBe(2);
  });
});

describe("ids that name nothing", () => {
  it.each(["not-a-uuid", "123", "%27%20OR%201%3D1", "00000000-0000-0000-0000-00000000000g"])(
    "a malformed id (%s) is a 404, not a 500",
    async (bad) => {
      const me = { tenant: freshTenant(), user: 1 };
      for (const path of [`/api/sessions/${bad}`, `/api/sessions/${bad}/messages`]) {
        const res = await api(path, { as: me });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
    },
  );

  it("looking up or resuming an unknown id writes nothing anywhere", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const unknown = crypto.randomUUID();
    const objectId = env.SESSIONS.idFromName(unknown);
    expect((await api(`/api/sessions/${unknown}`, { as: me })).status).toBe(404);
    expect((await api(`/api/sessions/${unknown}/messages`, { as: me })).status).toBe(404);
    expect(
      (await api(`/api/sessions/${unknown}/messages`, { as: me, body: { role: "user", content: "x" } })).status,
    ).toBe(404);
    const resumed = await chat(me, "hello", unknown);
    expect(resumed.body.session_id).not.toBe(unknown);

    const ids = await listDurableObjectIds(env.SESSIONS);
    expect(ids.some((id) => id.equals(objectId))).toBe(false);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM chat_sessions WHERE id = ?").bind(unknown).first("n");
    expect(row).toBe(0);
  });
});
