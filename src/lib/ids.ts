const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Session ids are UUIDs; anything else can never name a session. */
export function normalizeSessionId(raw: string | undefined | null): string | null {
  if (typeof raw !== "string") return null;
  const id = raw.trim().toLowerCase();
  return UUID.test(id) ? id : null;
}

export const newSessionId = (): string => crypto.randomUUID();

const encoder = new TextEncoder();

/**
 * A session id derived from an Idempotency-Key: unguessable without the
 * secret, shaped as a v4 UUID, and the same on every retry, so a retried
 * "create" lands on the session the first attempt made instead of a new one.
 */
export async function sessionIdForIdempotencyKey(
  secret: string,
  scope: string,
  tenantId: number,
  userId: number,
  key: string,
): Promise<string> {
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", hmacKey, encoder.encode(`${scope}\n${tenantId}\n${userId}\n${key}`)),
  );
  const b = mac.slice(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A stable fingerprint of a request body, to tell a retry from a reused key. */
export async function fingerprint(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify(value)));
  return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
}
