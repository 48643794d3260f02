import { z } from "zod";

/** The token algorithms the service verifies: HS256 with JWT_SECRET, RS256 and ES256 with an IdP's JWKS. */
export const ALGORITHMS = ["HS256", "RS256", "ES256"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type KeyAlgorithm = Exclude<Algorithm, "HS256">;

/** One public key of a JWKS, as identity providers publish them (RFC 7517); unknown members are ignored. */
export const jwkSchema = z.looseObject({
  kty: z.string(),
  kid: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
  key_ops: z.array(z.string()).optional(),
  crv: z.string().optional(),
  n: z.string().optional(),
  e: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});
export type Jwk = z.infer<typeof jwkSchema>;

export const jwksSchema = z.object({ keys: z.array(jwkSchema) });

/** RSA keys shorter than this are refused (NIST: 2048 bits at least). */
const MIN_RSA_BITS = 2048;

/** Whether this key may verify a token signed with `alg`: key type, curve, and the key's own alg/use/key_ops. */
export function keyFits(jwk: Jwk, alg: KeyAlgorithm): boolean {
  const typeFits = alg === "RS256" ? jwk.kty === "RSA" : jwk.kty === "EC" && jwk.crv === "P-256";
  return (
    typeFits &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (jwk.key_ops === undefined || jwk.key_ops.includes("verify"))
  );
}

const base64urlBytes = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** The WebCrypto verifying key for a JWK that fits `alg`; throws on a malformed or too weak key. */
export async function importJwk(jwk: Jwk, alg: KeyAlgorithm): Promise<CryptoKey> {
  // Only the public members: a private "d" published by mistake is never imported.
  if (alg === "RS256") {
    if (!jwk.n || !jwk.e) throw new Error("RSA key without n or e");
    if (base64urlBytes(jwk.n).length * 8 < MIN_RSA_BITS) throw new Error(`RSA key under ${MIN_RSA_BITS} bits`);
    const key = { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true };
    return crypto.subtle.importKey("jwk", key, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  }
  if (!jwk.x || !jwk.y) throw new Error("EC key without x or y");
  const key = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true };
  return crypto.subtle.importKey("jwk", key, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
}
