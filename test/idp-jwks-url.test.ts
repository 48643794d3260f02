import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MIN_REFETCH_MS } from "../src/auth/jwks";
import { freshTenant } from "./helpers";
import { deployment, type IdpKey, idpKey, idpToken, jwks } from "./idp-helpers";

/**
 * JWT_JWKS_URL: the identity provider's JWKS endpoint, faked at the HTTP
 * boundary (the global fetch the worker calls). Time is moved by the clock the
 * worker reads, never by waiting. Each test has its own URL, so its own cache.
 */

let first: IdpKey;
let rotated: IdpKey;
beforeAll(async () => {
  first = await idpKey("ES256", "2026-01");
  rotated = await idpKey("RS256", "2026-02");
});
afterEach(() => vi.restoreAllMocks());

/** The IdP: serves `published` at its URL (or fails while `down`); counts requests. */
function fakeIdp(url: string) {
  const idp = { published: [first], down: false, requests: 0 };
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const target = input instanceof Request ? input.url : String(input);
    if (target !== url) throw new Error(`unexpected fetch of ${target}`);
    idp.requests += 1;
    if (idp.down) return new Response("bad gateway", { status: 502 });
    return Response.json(jwks(...idp.published));
  });
  return idp;
}

let clock = Date.now();
const tick = (ms: number) => {
  clock += ms;
};
const tokenBy = (key: IdpKey) =>
  idpToken(key, { tenant_id: freshTenant(), user_id: 1, iat: clock / 1000, exp: clock / 1000 + 600 });

describe("JWT_JWKS_URL", () => {
  it("is fetched once, kept for JWT_JWKS_CACHE_SEC, then fetched again", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const url = `https://idp.example.com/${crypto.randomUUID()}/jwks`;
    const idp = fakeIdp(url);
    const call = deployment({ JWT_JWKS_URL: url, JWT_JWKS_CACHE_SEC: "300" });
    for (let i = 0; i < 3; i++) expect((await call("/api/sessions", await tokenBy(first))).status).toBe(200);
    expect(idp.requests).toBe(1);
    tick(299_000);
    expect((await call("/api/sessions", await tokenBy(first))).status).toBe(200);
    expect(idp.requests).toBe(1);
    tick(1_000);
    expect((await call("/api/sessions", await tokenBy(first))).status).toBe(200);
    expect(idp.requests).toBe(2);
  });

  it("a rotated key (a kid the cache lacks) is fetched at once; unknown kids refetch at most once a minute", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const url = `https://idp.example.com/${crypto.randomUUID()}/jwks`;
    const idp = fakeIdp(url);
    const call = deployment({ JWT_JWKS_URL: url });
    expect((await call("/api/sessions", await tokenBy(first))).status).toBe(200);
    tick(MIN_REFETCH_MS);
    idp.published = [first, rotated];
    expect((await call("/api/sessions", await tokenBy(rotated))).status).toBe(200);
    expect(idp.requests).toBe(2);

    const forged = await idpKey("RS256", "made-up");
    for (let i = 0; i < 5; i++) expect((await call("/api/sessions", await tokenBy(forged))).status).toBe(401);
    expect(idp.requests).toBe(2);
    tick(MIN_REFETCH_MS);
    expect((await call("/api/sessions", await tokenBy(forged))).status).toBe(401);
    expect(idp.requests).toBe(3);
  });

  it("an unreachable IdP with no keys in hand is a 503 jwks_unavailable, and recovers", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => clock);
    const url = `https://idp.example.com/${crypto.randomUUID()}/jwks`;
    const idp = fakeIdp(url);
    idp.down = true;
    const call = deployment({ JWT_JWKS_URL: url });
    const res = await call("/api/sessions", await tokenBy(first));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("jwks_unavailable");
    idp.down = false;
    expect((await call("/api/sessions", await tokenBy(first))).status).toBe(200);
  });

  it("a malformed token is refused without fetching anything", async () => {
    const url = `https://idp.example.com/${crypto.randomUUID()}/jwks`;
    const idp = fakeIdp(url);
    const call = deployment({ JWT_JWKS_URL: url });
    expect((await call("/api/sessions", "a.b.c")).status).toBe(401);
    expect(idp.requests).toBe(0);
  });
});
