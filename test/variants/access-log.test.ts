import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, captureLogs, chat, freshTenant } from "../helpers";

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

describe("ACCESS_LOG=all (this project's [vars])", () => {
  it("every request, successful ones too, logs one JSON line with its id, tenant, user, session, route, status, duration", async () => {
    const me = { tenant: freshTenant(), user: 7 };
    const id = (await chat(me, "hello")).body.session_id;
    logs.clear();
    await api(`/api/sessions/${id}`, { as: me, headers: { "x-request-id": "trace-me" } });
    await api("/health", { headers: { "x-request-id": "trace-health" } });
    const access = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
    expect(access).toEqual([
      {
        level: "info",
        event: "request",
        request_id: "trace-me",
        tenant_id: me.tenant,
        user_id: 7,
        session_id: id,
        method: "GET",
        route: "/api/sessions/:id",
        status: 200,
        duration_ms: expect.any(Number),
      },
      expect.objectContaining({ request_id: "trace-health", route: "/health", status: 200 }),
    ]);
  });
});
