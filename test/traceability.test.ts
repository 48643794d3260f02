import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionObject } from "../src/session-object";
import { api, captureLogs, chat, freshTenant, stubFor, tokenFor } from "./helpers";

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("x-request-id", () => {
  it("echoes a request id the client sent, on success and on errors, and error bodies carry it", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const ok = await api("/api/sessions", { as: me, headers: { "x-request-id": "client-abc-1" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toBe("client-abc-1");

    const unauthorized = await api("/api/sessions", { headers: { "x-request-id": "client-abc-2" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("x-request-id")).toBe("client-abc-2");
    expect(unauthorized.body.error.request_id).toBe("client-abc-2");

    const noRoute = await api("/api/nowhere", { as: me, headers: { "x-request-id": "client-abc-3" } });
    expect(noRoute.status).toBe(404);
    expect(noRoute.body.error.request_id).toBe("client-abc-3");
  });

  it("makes one when none (or an unusable one) is sent", async () => {
    const made = await api("/health");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await api("/health", { headers: { "x-request-id": "has spaces in it" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await api("/api/chat", { as: { tenant: freshTenant(), user: 1 }, body: {} });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.request_id).toBe(invalid.headers.get("x-request-id"));
  });
});

describe("log lines", () => {
  it("a failed request logs one JSON line: request id, tenant, user, session, route, status, duration", async () => {
    const me = { tenant: freshTenant(), user: 7 };
    const id = (await chat(me, "hello")).body.session_id;
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    logs.clear();
    await api(`/api/sessions/${id}/messages`, {
      as: me,
      body: { role: "user", content: "too late" },
      headers: { "x-request-id": "trace-me" },
    });
    const access = logs.parsed().filter((l) => l.event === "request" && l.request_id === "trace-me");
    expect(access).toEqual([
      {
        level: "warn",
        event: "request",
        request_id: "trace-me",
        tenant_id: me.tenant,
        user_id: 7,
        session_id: id,
        method: "POST",
        route: "/api/sessions/:id/messages",
        status: 409,
        duration_ms: expect.any(Number),
      },
    ]);
  });

  it("with ACCESS_LOG=errors (the default) a request that succeeds adds no line of its own", async () => {
    const me = { tenant: freshTenant(), user: 7 };
    logs.clear();
    expect((await api("/api/sessions", { as: me, headers: { "x-request-id": "quiet" } })).status).toBe(200);
    expect(logs.parsed().filter((l) => l.request_id === "quiet")).toEqual([]);
  });

  it("a failed turn's lines are JSON, carry the request id, and hold no message text, token or secret", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "hello")).body.session_id;
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: {
          name: "down",
          answer: async () => {
            throw new Error("model down");
          },
        },
      }));
    });
    const secretText = `private question ${crypto.randomUUID()}`;
    const token = await tokenFor(me);
    logs.clear();
    const res = await api("/api/chat", {
      body: { query: secretText, session_id: id },
      headers: { authorization: `Bearer ${token}`, "x-request-id": "failing-turn" },
    });
    expect(res.status).toBe(502);
    expect(res.body.error.request_id).toBe("failing-turn");
    const all = logs.parsed();
    expect(all.find((l) => l.event === "turn_failed")).toMatchObject({
      level: "warn",
      request_id: "failing-turn",
      tenant_id: me.tenant,
      session_id: id,
      refusal: "answer_failed",
    });
    expect(all.find((l) => l.event === "request" && l.request_id === "failing-turn")).toMatchObject({ status: 502 });
    for (const line of logs.lines) {
      expect(line).not.toContain(secretText);
      expect(line).not.toContain(token);
      expect(line).not.toContain(env.JWT_SECRET);
    }
  });
});

describe("the access line names the route that answered", () => {
  it.each([
    ["/api/sessions/not-an-id", "/api/sessions/:id"],
    ["/api/nowhere", "/api/*"], // no route matched: the last middleware that ran
  ])("%s → %s", async (path, route) => {
    logs.clear();
    await api(path, { as: { tenant: freshTenant(), user: 1 }, headers: { "x-request-id": `route-${path}` } });
    expect(logs.parsed().find((l) => l.event === "request" && l.request_id === `route-${path}`)).toMatchObject({
      route,
    });
  });
});
