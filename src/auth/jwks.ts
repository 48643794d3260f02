import { importJwk, type Jwk, jwksSchema, type KeyAlgorithm, keyFits } from "./jwk";

/**
 * The identity provider's public keys: an inline JWKS (JWT_JWKS), or one
 * fetched from JWT_JWKS_URL and kept per isolate for JWT_JWKS_CACHE_SEC.
 * A token naming a key id the cached set lacks (the IdP rotated its keys)
 * refreshes it early, at most once a minute, so random key ids cannot make
 * the service hammer the IdP.
 */

export const MIN_REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/** The JWKS could not be fetched or read: no token can be checked until it can (503). */
export class JwksUnavailable extends Error {
  override name = "JwksUnavailable";
}

/** Why no key verifies the token: it names a key id the set lacks, or names none while several keys fit. */
export type Miss = "unknown_kid" | "ambiguous_key" | "unusable_key";

class KeySet {
  private readonly imported = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly keys: Jwk[]) {}

  async find(alg: KeyAlgorithm, kid: string | undefined): Promise<CryptoKey | Miss> {
    const fitting = this.keys.filter((k) => keyFits(k, alg));
    const matches = kid === undefined ? fitting : fitting.filter((k) => k.kid === kid);
    if (matches.length === 0) return "unknown_kid";
    if (matches.length > 1) return "ambiguous_key";
    const jwk = matches[0] as Jwk;
    const id = `${alg} ${this.keys.indexOf(jwk)}`;
    let key = this.imported.get(id);
    if (!key) {
      key = importJwk(jwk, alg);
      this.imported.set(id, key);
    }
    return key.catch(() => "unusable_key" as const);
  }
}

async function download(url: string): Promise<KeySet> {
  let body: unknown;
  try {
    const res = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new JwksUnavailable(`JWT_JWKS_URL could not be fetched: ${(err as Error).message}`);
  }
  const parsed = jwksSchema.safeParse(body);
  if (!parsed.success) throw new JwksUnavailable("JWT_JWKS_URL did not answer with a JWKS ({keys: [...]})");
  return new KeySet(parsed.data.keys);
}

class RemoteJwks {
  private set: KeySet | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly maxAgeMs: number,
  ) {}

  async find(alg: KeyAlgorithm, kid: string | undefined, now: number): Promise<CryptoKey | Miss> {
    if (!this.set || now - this.fetchedAt >= this.maxAgeMs) await this.refresh(now);
    const found = await (this.set as KeySet).find(alg, kid);
    if (found !== "unknown_kid" || now - this.fetchedAt < MIN_REFETCH_MS) return found;
    // A key the cached set lacks: perhaps a rotation. If the IdP cannot answer now, the set in hand still stands.
    try {
      await this.refresh(now);
    } catch {
      return found;
    }
    return (this.set as KeySet).find(alg, kid);
  }

  /** One download at a time, whoever asks. */
  private refresh(now: number): Promise<void> {
    this.loading ??= download(this.url)
      .then((set) => {
        this.set = set;
        this.fetchedAt = now;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

const remote = new Map<string, RemoteJwks>();
const inline = new WeakMap<Jwk[], KeySet>();

/** Where keys come from: the inline set, or the URL's (one cache per URL and lifetime, per isolate). */
export type JwksSource = { keys: Jwk[] } | { url: string; maxAgeMs: number };

export function findKey(
  source: JwksSource,
  alg: KeyAlgorithm,
  kid: string | undefined,
  now: number,
): Promise<CryptoKey | Miss> {
  if ("keys" in source) {
    let set = inline.get(source.keys);
    if (!set) {
      set = new KeySet(source.keys);
      inline.set(source.keys, set);
    }
    return set.find(alg, kid);
  }
  const id = `${source.maxAgeMs} ${source.url}`;
  let jwks = remote.get(id);
  if (!jwks) {
    jwks = new RemoteJwks(source.url, source.maxAgeMs);
    remote.set(id, jwks);
  }
  return jwks.find(alg, kid, now);
}
