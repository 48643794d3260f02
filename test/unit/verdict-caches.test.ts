import { describe, expect, it } from "vitest";
import { TokenRejected, type VerifySettings, verifyToken } from "../../src/auth/verify";
import { SessionIds } from "../../src/lib/ids";

// The per-isolate caches of verified tokens and session ids must never change a verdict, only its cost.

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const json = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

async function hs256(secret: string, claims: Record<string, unknown>): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signingInput = `${json({ alg: "HS256", typ: "JWT" })}.${json(claims)}`;
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signingInput)));
  return `${signingInput}.${b64url(sig)}`;
}

const settings = (): VerifySettings => ({ algorithms: ["HS256"], secret: "s3cret", maxLifetimeSec: 86_400 });

describe("the verified-token cache", () => {
  it("still refuses a cached token once it has expired", async () => {
    const s = settings();
    const now = Date.UTC(2026, 10, 25, 12);
    const token = await hs256("s3cret", { tenant_id: 1, user_id: 1, iat: now / 1000, exp: now / 1000 + 30 });
    expect((await verifyToken(token, s, now)).user_id).toBe(1);
    expect((await verifyToken(token, s, now + 10_000)).user_id).toBe(1);
    // Well within the cache entry's life, past the token's.
    await expect(verifyToken(token, s, now + 31_000)).rejects.toThrow(/expired/);
  });

  it("a token that differs from a cached one only in its signature is refused", async () => {
    const s = settings();
    const now = Date.UTC(2026, 10, 25, 12);
    const token = await hs256("s3cret", { tenant_id: 1, user_id: 1, exp: now / 1000 + 600 });
    await verifyToken(token, s, now);
    const forged = `${token.slice(0, token.lastIndexOf(".") + 1)}${"A".repeat(43)}`;
    await expect(verifyToken(forged, s, now)).rejects.toBeInstanceOf(TokenRejected);
    const otherSecret = await hs256("other", { tenant_id: 1, user_id: 1, exp: now / 1000 + 600 });
    await expect(verifyToken(otherSecret, s, now)).rejects.toThrow(/signature/);
  });

  it("settings with another secret do not reuse the first settings' verdicts", async () => {
    const now = Date.UTC(2026, 10, 25, 12);
    const token = await hs256("s3cret", { tenant_id: 1, user_id: 1, exp: now / 1000 + 600 });
    await verifyToken(token, settings(), now);
    await expect(verifyToken(token, { ...settings(), secret: "rotated" }, now)).rejects.toThrow(/signature/);
  });
});

describe("the session-id verdict cache", () => {
  it("an id issued to one owner stays unknown to every other, checked before or after", async () => {
    const ids = new SessionIds("id-secret");
    const alice = { tenantId: 1, userId: 1 };
    const id = await ids.mint(alice);
    expect(await ids.verify(alice, id)).toBe(id);
    expect(await ids.verify(alice, id.toUpperCase())).toBe(id);
    expect(await ids.verify({ tenantId: 1, userId: 2 }, id)).toBeNull();
    expect(await ids.verify({ tenantId: 2, userId: 1 }, id)).toBeNull();
    expect(await new SessionIds("another-secret").verify(alice, id)).toBeNull();
    expect(await ids.verify(alice, id)).toBe(id);
  });
});
