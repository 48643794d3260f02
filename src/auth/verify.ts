import type { Algorithm, KeyAlgorithm } from "./jwk";
import { findKey, type JwksSource } from "./jwks";

/**
 * Verifies a bearer JWT (RFC 7519/7515, compact form) with WebCrypto: the
 * algorithm must be one the deployment accepts and the header may not choose
 * the key type (HS256 only ever uses JWT_SECRET, RS256/ES256 only the JWKS),
 * then the signature, then the time and audience claims. Answers the payload.
 */

export interface VerifySettings {
  algorithms: readonly Algorithm[];
  secret?: string;
  jwks?: JwksSource;
  issuer?: string;
  audience?: string;
  maxLifetimeSec: number;
}

/** The token is not acceptable; the message says why (it is sent back in the 401). */
export class TokenRejected extends Error {
  override name = "TokenRejected";
}

/** Tokens are small; a megabyte "token" is refused before any work. */
const MAX_TOKEN_CHARS = 8192;
/** An IdP's clock may run a little ahead: a token is taken up to this early (never past its exp). */
const CLOCK_SKEW_SEC = 30;

const VERIFY: Record<Algorithm, Parameters<SubtleCrypto["verify"]>[0]> = {
  HS256: { name: "HMAC" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
};

const encoder = new TextEncoder();

function decodeSegment(segment: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new TokenRejected("malformed token");
  try {
    return Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    throw new TokenRejected("malformed token");
  }
}

function decodeJson(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(decodeSegment(segment)));
  } catch (err) {
    if (err instanceof TokenRejected) throw err;
    throw new TokenRejected("malformed token");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TokenRejected("malformed token");
  return value as Record<string, unknown>;
}

/** JWT_SECRET as an HMAC key, imported once per isolate rather than on every request. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    hmacKeys.set(secret, key);
  }
  return key;
}

async function keyFor(alg: Algorithm, kid: unknown, s: VerifySettings, now: number): Promise<CryptoKey> {
  if (alg === "HS256") {
    if (!s.secret) throw new TokenRejected("HS256 tokens are not accepted here");
    return hmacKey(s.secret);
  }
  if (!s.jwks) throw new TokenRejected(`${alg} tokens are not accepted here`);
  if (kid !== undefined && typeof kid !== "string") throw new TokenRejected("malformed token");
  const found = await findKey(s.jwks, alg as KeyAlgorithm, kid, now);
  if (found === "unknown_kid") throw new TokenRejected("the token's key is not in the identity provider's JWKS");
  if (found === "ambiguous_key") throw new TokenRejected("the token names no key id (kid) and several keys fit");
  if (found === "unusable_key") throw new TokenRejected("the identity provider's key for this token is unusable");
  return found;
}

const numeric = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function checkClaims(claims: Record<string, unknown>, s: VerifySettings, now: number): void {
  const nowSec = now / 1000;
  const { exp, nbf, iat, iss, aud } = claims;
  if (!numeric(exp)) throw new TokenRejected("the token has no exp");
  if (nowSec >= exp) throw new TokenRejected("the token has expired");
  if (nbf !== undefined && (!numeric(nbf) || nbf > nowSec + CLOCK_SKEW_SEC)) {
    throw new TokenRejected("the token is not valid yet (nbf)");
  }
  if (iat !== undefined && (!numeric(iat) || iat > nowSec + CLOCK_SKEW_SEC)) {
    throw new TokenRejected("the token is issued in the future (iat)");
  }
  const start = numeric(iat) ? Math.min(iat, nowSec) : nowSec;
  if (exp - start > s.maxLifetimeSec) {
    throw new TokenRejected(`the token lives longer than ${s.maxLifetimeSec} s (JWT_MAX_TOKEN_LIFETIME_SEC)`);
  }
  if (s.issuer !== undefined && iss !== s.issuer) throw new TokenRejected("the token's issuer (iss) is not accepted");
  if (s.audience !== undefined && !(aud === s.audience || (Array.isArray(aud) && aud.includes(s.audience)))) {
    throw new TokenRejected("the token is not for this service (aud)");
  }
}

export async function verifyToken(token: string, s: VerifySettings, now: number): Promise<Record<string, unknown>> {
  if (token.length > MAX_TOKEN_CHARS) throw new TokenRejected("malformed token");
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenRejected("malformed token");
  const [head, body, signature] = parts as [string, string, string];
  const header = decodeJson(head);
  const alg = header.alg;
  if (typeof alg !== "string" || !(s.algorithms as readonly string[]).includes(alg)) {
    throw new TokenRejected(`algorithm ${String(alg)} is not accepted (${s.algorithms.join(", ")})`);
  }
  // Extensions that must be understood (RFC 7515 4.1.11): none are.
  if (header.crit !== undefined) throw new TokenRejected("the token's crit header is not supported");
  const claims = decodeJson(body);
  const key = await keyFor(alg as Algorithm, header.kid, s, now);
  const sig = decodeSegment(signature);
  if (alg === "ES256" && sig.length !== 64) throw new TokenRejected("invalid signature");
  const valid = await crypto.subtle.verify(VERIFY[alg as Algorithm], key, sig, encoder.encode(`${head}.${body}`));
  if (!valid) throw new TokenRejected("invalid signature");
  checkClaims(claims, s, now);
  return claims;
}
