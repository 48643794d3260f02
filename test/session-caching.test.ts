import { describe, expect, it } from "vitest";
import { api, freshTenant, sessionWithTurns } from "./helpers";

describe("ENABLE_SESSION_CACHING / SESSION_CACHE_TTL_SEC", () => {
  it("active sessions are never cached; an ended (immutable) one may be kept privately for the TTL", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["hello"]);
    for (const path of [`/api/sessions/${id}`, `/api/sessions/${id}/messages`, `/api/sessions/${id}/transcript`]) {
      expect((await api(path, { as: me })).headers.get("cache-control"), path).toBe("no-store");
    }
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    for (const path of [`/api/sessions/${id}`, `/api/sessions/${id}/messages`]) {
      expect((await api(path, { as: me })).headers.get("cache-control"), path).toBe("private, max-age=1800");
    }
  });
});
