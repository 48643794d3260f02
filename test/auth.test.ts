import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { api, freshTenant, tokenFor } from "./helpers";

const b64url = (obj: unknown) => btoa(JSON.stringify(obj)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

async function withToken(token: string | null) {
  return api("/api/sessions", { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

describe("authentication", () => {
  it("accepts a valid HS256 token", async () => {
    const res = await withToken(await tokenFor({ tenant: freshTenant(), user: 1 }));
    expect(res.status).toBe(200);
  });

  it.each([
    ["no Authorization header", async () => null],
    ["a malformed header", async () => "not a jwt"],
    ["an expired token", async () => tokenFor({ tenant: 1, user: 1 }, { exp: Math.floor(Date.now() / 1000) - 10 })],
    [
      "a token signed with another secret",
      async () => sign({ tenant_id: 1, user_id: 1, exp: inAnHour() }, "another-secret", "HS256"),
    ],
    ["a token without exp", async () => sign({ tenant_id: 1, user_id: 1 }, env.JWT_SECRET, "HS256")],
    [
      "alg none",
      async () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ tenant_id: 1, user_id: 1, exp: inAnHour() })}.`,
    ],
    [
      "another algorithm (HS512) even with the right secret",
      async () => sign({ tenant_id: 1, user_id: 1, exp: inAnHour() }, env.JWT_SECRET, "HS512"),
    ],
    [
      "non-integer tenant_id",
      async () => sign({ tenant_id: "1", user_id: 1, exp: inAnHour() }, env.JWT_SECRET, "HS256"),
    ],
    ["missing user_id", async () => sign({ tenant_id: 1, exp: inAnHour() }, env.JWT_SECRET, "HS256")],
  ])("rejects %s with 401", async (_what, makeToken) => {
    const token = await makeToken();
    const res = token === null ? await withToken(null) : await withToken(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("rejects a Basic scheme with 401", async () => {
    const res = await api("/api/sessions", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(res.status).toBe(401);
  });

  it("protects every /api route, including chat", async () => {
    const res = await api("/api/chat", { body: { query: "hi" } });
    expect(res.status).toBe(401);
  });
});

describe("user_context in the body", () => {
  it("must equal the token's identity (403 otherwise), and nothing is stored", async () => {
    const me = { tenant: freshTenant(), user: 7 };
    for (const user_context of [
      { tenant_id: me.tenant + 1, user_id: 7 },
      { tenant_id: me.tenant, user_id: 8 },
    ]) {
      const res = await api("/api/chat", { as: me, body: { query: "hi", user_context } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    const list = await api("/api/sessions?status=all", { as: me });
    expect(list.body.sessions).toEqual([]);
  });

  it("is accepted when it matches", async () => {
    const me = { tenant: freshTenant(), user: 7 };
    const res = await api("/api/chat", {
      as: me,
      body: { query: "hi", user_context: { tenant_id: me.tenant, user_id: 7 } },
    });
    expect(res.status).toBe(200);
  });
});
