// The one way we mint bearer tokens (npm run token, the benchmark, the tests): HS256 over the
// claims the service requires (integer tenant_id and user_id, exp, optional role "admin").
// WebCrypto only, so it runs on Node and inside workerd alike.
const encoder = new TextEncoder();
const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const json64 = (value) => base64url(encoder.encode(JSON.stringify(value)));

/**
 * @param {string} secret JWT_SECRET
 * @param {{ tenantId: number, userId: number, role?: "admin" | "user", ttlSeconds?: number, claims?: Record<string, unknown> }} who
 * @returns {Promise<string>}
 */
export async function mintToken(secret, { tenantId, userId, role, ttlSeconds = 3600, claims = {} }) {
  const payload = {
    tenant_id: tenantId,
    user_id: userId,
    exp: Math.floor(Date.now() / 1000) + ttlSeconds,
    ...(role ? { role } : {}),
    ...claims,
  };
  const unsigned = `${json64({ alg: "HS256", typ: "JWT" })}.${json64(payload)}`;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(unsigned)));
  return `${unsigned}.${base64url(signature)}`;
}
