import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { freshTenant, tokenFor } from "./helpers";
import { deployment, type IdpKey, idpKey, idpToken, jwks, nowSec } from "./idp-helpers";

/**
 * Tokens from a company identity provider (RS256/ES256, keys from an inline
 * JWKS; the fetched JWKS is in idp-jwks-url.test.ts), with the IdP's own
 * claim names. Key pairs are generated here; the worker sees only the public
 * halves, as it would in production.
 */

const ISSUER = "https://idp.example.com/realms/acme";
const AUDIENCE = "knowledge-router";
let rsa: IdpKey;
let ec: IdpKey;
let stranger: IdpKey;

beforeAll(async () => {
  rsa = await idpKey("RS256", "rsa-1");
  ec = await idpKey("ES256", "ec-1");
  // The same kid as rsa, but a key the IdP never published: a forger's.
  stranger = await idpKey("RS256", "rsa-1");
});

const idpVars = () => ({
  JWT_JWKS: JSON.stringify(jwks(rsa, ec)),
  JWT_ISSUER: ISSUER,
  JWT_AUDIENCE: AUDIENCE,
  JWT_TENANT_CLAIM: "org_id",
  JWT_USER_CLAIM: "sub",
});

const claims = (tenant: number, more: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  org_id: tenant,
  sub: "7",
  iat: nowSec(),
  exp: nowSec() + 600,
  ...more,
});

describe("identity provider tokens (inline JWKS)", () => {
  it("RS256 and ES256 tokens are accepted; tenant and user come from the configured claims", async () => {
    const call = deployment(idpVars());
    for (const key of [rsa, ec]) {
      const tenant = freshTenant();
      const created = await call("/api/sessions", await idpToken(key, claims(tenant)), { method: "POST" });
      expect(created.status, key.alg).toBe(201);
      expect(created.body).toMatchObject({ tenant_id: tenant, user_id: 7 });
      const listed = await call("/api/sessions", await idpToken(key, claims(tenant)));
      expect(listed.body.sessions.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    }
  });

  it("an audience list that includes this service is accepted; role admin is read", async () => {
    const call = deployment(idpVars());
    const token = await idpToken(rsa, claims(freshTenant(), { aud: ["other-api", AUDIENCE], role: "admin" }));
    expect((await call("/api/admin/cleanup", token, { method: "POST" })).status).toBe(200);
  });

  it.each([
    ["an unknown kid", () => idpToken(rsa, claims(1), { kid: "rsa-9" })],
    ["a key the IdP never published, under a known kid", () => idpToken(stranger, claims(1))],
    ["another issuer", () => idpToken(rsa, claims(1, { iss: "https://evil.example.com" }))],
    ["no issuer", () => idpToken(rsa, claims(1, { iss: undefined }))],
    ["another audience", () => idpToken(ec, claims(1, { aud: "other-api" }))],
    ["an algorithm not in the list (RS384)", () => idpToken(rsa, claims(1), { alg: "RS384" })],
    ["alg none", () => idpToken(rsa, claims(1), { alg: "none" })],
    ["an EC signature presented as RS256", () => idpToken(ec, claims(1), { alg: "RS256", kid: "rsa-1" })],
    ["a lifetime over JWT_MAX_TOKEN_LIFETIME_SEC", () => idpToken(rsa, claims(1, { exp: nowSec() + 86_401 }))],
    ["an iat long before a far exp", () => idpToken(rsa, claims(1, { iat: nowSec() - 86_000, exp: nowSec() + 600 }))],
    ["an expired token", () => idpToken(rsa, claims(1, { exp: nowSec() - 1 }))],
    ["no exp", () => idpToken(rsa, claims(1, { exp: undefined }))],
    ["nbf in the future", () => idpToken(ec, claims(1, { nbf: nowSec() + 300 }))],
    [
      "the tenant under the default claim name only",
      () => idpToken(rsa, { ...claims(1, { org_id: undefined }), tenant_id: 1 }),
    ],
    ["a user id that is not a whole number", () => idpToken(rsa, claims(1, { sub: "auth0|7" }))],
    ["a crit header", () => idpToken(rsa, claims(1), { crit: ["exp"] })],
    ["a role this service does not know", () => idpToken(rsa, claims(1, { role: "superadmin" }))],
  ])("%s → 401", async (_what, makeToken) => {
    const res = await deployment(idpVars())("/api/sessions", await makeToken());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("a token without kid is accepted when one key fits, refused when several do", async () => {
    const one = deployment({ ...idpVars(), JWT_JWKS: JSON.stringify(jwks(rsa)) });
    expect((await one("/api/sessions", await idpToken(rsa, claims(freshTenant()), { kid: undefined }))).status).toBe(
      200,
    );
    const other = await idpKey("RS256", "rsa-2");
    const two = deployment({ ...idpVars(), JWT_JWKS: JSON.stringify(jwks(rsa, other)) });
    const res = await two("/api/sessions", await idpToken(rsa, claims(freshTenant()), { kid: undefined }));
    expect(res.status).toBe(401);
  });
});

describe("HS256 with JWT_SECRET next to an identity provider", () => {
  it("is accepted while the algorithm list allows it, and never verified with the IdP's public key", async () => {
    const call = deployment(idpVars());
    const local = { sub: "7", org_id: freshTenant(), exp: nowSec() + 600, iss: ISSUER, aud: AUDIENCE };
    expect((await call("/api/sessions", await sign(local, env.JWT_SECRET, "HS256"))).status).toBe(200);
    // Key confusion: an HMAC over the token keyed with the IdP's public key material.
    const confused = await sign(local, JSON.stringify(rsa.jwk), "HS256");
    expect((await call("/api/sessions", confused)).status).toBe(401);
  });

  it("JWT_ALGORITHMS=RS256,ES256 turns HS256 off", async () => {
    const call = deployment({ ...idpVars(), JWT_ALGORITHMS: "RS256,ES256" });
    const local = { sub: "7", org_id: freshTenant(), exp: nowSec() + 600, iss: ISSUER, aud: AUDIENCE };
    const res = await call("/api/sessions", await sign(local, env.JWT_SECRET, "HS256"));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/HS256 is not accepted/);
    expect((await call("/api/sessions", await idpToken(ec, claims(freshTenant())))).status).toBe(200);
  });

  it("the local HS256 token keeps its maximum lifetime too", async () => {
    const call = deployment({});
    const me = { tenant: freshTenant(), user: 1 };
    expect((await call("/api/sessions", await tokenFor(me, { exp: nowSec() + 86_400 }))).status).toBe(200);
    expect((await call("/api/sessions", await tokenFor(me, { exp: nowSec() + 86_500 }))).status).toBe(401);
  });
});

describe("identity configuration problems are named by /health and refuse the API (503)", () => {
  it.each([
    [{ JWT_JWKS: "not json" }, /JWT_JWKS/],
    [{ JWT_JWKS: '{"keys": "none"}' }, /JWT_JWKS/],
    [{ JWT_ALGORITHMS: "HS256,HS512" }, /JWT_ALGORITHMS/],
    [{ JWT_ALGORITHMS: "RS256" }, /RS256\/ES256 need JWT_JWKS_URL or JWT_JWKS/],
    [{ JWT_JWKS_URL: "http://idp.example.com/jwks" }, /JWT_JWKS_URL: must be an https URL/],
    [{ JWT_JWKS: '{"keys": []}', JWT_JWKS_URL: "https://idp.example.com/jwks" }, /set one of them/],
    [{ JWT_MAX_TOKEN_LIFETIME_SEC: "0" }, /JWT_MAX_TOKEN_LIFETIME_SEC/],
  ])("%o", async (vars, problem) => {
    const call = deployment(vars);
    const health = await call("/health");
    expect(health.status).toBe(503);
    expect(health.body.problems.join("\n")).toMatch(problem);
    const res = await call("/api/sessions", await tokenFor({ tenant: 1, user: 1 }));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("server_misconfigured");
  });

  it("with an identity provider, JWT_SECRET is optional: /health is ok and HS256 tokens are refused", async () => {
    const call = deployment({ ...idpVars(), JWT_SECRET: undefined });
    expect((await call("/health")).body).toEqual({ status: "ok" });
    expect((await call("/api/sessions", await tokenFor({ tenant: 1, user: 1 }))).status).toBe(401);
    expect((await call("/api/sessions", await idpToken(rsa, claims(freshTenant())))).status).toBe(200);
  });
});
