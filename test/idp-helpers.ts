import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src/worker";
import type { Json } from "./helpers";

/** Test doubles of a company identity provider: key pairs made here, tokens signed as an IdP signs them. */

export interface IdpKey {
  alg: "RS256" | "ES256";
  kid: string;
  privateKey: CryptoKey;
  /** The public half as the IdP publishes it in its JWKS. */
  jwk: Record<string, unknown>;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const json64 = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

export async function idpKey(alg: "RS256" | "ES256", kid: string): Promise<IdpKey> {
  const params =
    alg === "RS256"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: "P-256" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const { kty, n, e, crv, x, y } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return { alg, kid, privateKey: pair.privateKey, jwk: { kty, n, e, crv, x, y, kid, alg, use: "sig" } };
}

export const jwks = (...keys: IdpKey[]) => ({ keys: keys.map((k) => k.jwk) });

/** A signed compact JWT; `header` overrides the protected header (alg, kid, …) as a forger would. */
export async function idpToken(key: IdpKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const unsigned = `${json64({ alg: key.alg, typ: "JWT", kid: key.kid, ...header })}.${json64(claims)}`;
  const params = key.alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" };
  const signature = await crypto.subtle.sign(params, key.privateKey, new TextEncoder().encode(unsigned));
  return `${unsigned}.${b64url(new Uint8Array(signature))}`;
}

export const nowSec = () => Math.floor(Date.now() / 1000);

/**
 * A deployment with these [vars]: one env object, so its parsed config and key
 * caches live as long as the test's deployment does (as in one isolate).
 */
export function deployment(vars: Record<string, string | undefined>) {
  const deployed = { ...env, ...vars } as Env;
  return async (path: string, token?: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> => {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`http://sessions.test${path}`, { ...init, headers }), deployed, ctx);
    await waitOnExecutionContext(ctx);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
