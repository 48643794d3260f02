import { ApiError } from "../errors";
import type { Owner } from "../session-types";
import type { Attempt, IdempotencyLedger, StoredResponse } from "./ledger-object";

type LedgerApi = Pick<IdempotencyLedger, "begin" | "complete" | "fail" | "release" | "recordFailure" | "clear">;

/** The ledger of one user's keys (one Durable Object per tenant and user). */
export function ledgerFor(env: Env, owner: Owner): LedgerApi {
  const id = env.IDEMPOTENCY.idFromName(`${owner.tenantId}:${owner.userId}`);
  return env.IDEMPOTENCY.get(id) as unknown as LedgerApi;
}

/** What a request may do once it holds its key (or carries none). */
export interface Claim {
  /** Names this request's work inside the session object; the same on every retry with the key. */
  token: string;
  /** The session a new-session request works in: fixed when the key is first used. */
  sessionId: string | null;
  /** Null when the request carried no Idempotency-Key. */
  attempt: Attempt | null;
}

type Claimed = { replay: StoredResponse } | { claim: Claim };

/** Canonical JSON (object keys sorted), so a retry's fingerprint does not depend on key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The fingerprint of what matters in a request: method and route, the session it names, its body. */
export async function requestFingerprint(route: string, session: string | null, body: unknown): Promise<string> {
  const text = JSON.stringify(canonical({ route, session, body }));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Holds the request's Idempotency-Key for it: the first response of an
 * earlier request with the same key and fingerprint (within 24 h) is
 * replayed; a different fingerprint is a 409; a concurrent attempt is waited
 * for. Without a key the request works under a fresh token.
 */
async function claimKey(
  env: Env,
  owner: Owner,
  key: string,
  fingerprint: string,
  proposedSessionId: string | null,
  leaseMs: number,
): Promise<Claimed> {
  const begun = await ledgerFor(env, owner).begin(key, fingerprint, proposedSessionId, leaseMs);
  switch (begun.kind) {
    case "replay":
      return { replay: { status: begun.status, body: begun.body } };
    case "conflict":
      throw new ApiError(409, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
    case "busy":
      throw new ApiError(409, "idempotency_key_in_use", "a request with this Idempotency-Key is still in progress");
    default:
      return {
        claim: {
          token: begun.token,
          sessionId: begun.sessionId,
          attempt: { key: begun.key, token: begun.token, attempt: begun.attempt },
        },
      };
  }
}

/** A request as its Idempotency-Key is judged: what matters in it (its fingerprint) and how to run it. */
export interface KeyedRequest {
  key: string | undefined;
  /** Method and route, e.g. "POST /api/chat". */
  route: string;
  /** The session the request names, if any. */
  session: string | null;
  /** The body fields that matter. */
  body: unknown;
  /** The id a new-session request gets on its key's first use. */
  proposedSessionId: string | null;
  leaseMs: number;
}

/** What a request's work came to, as the ledger must record it. */
export type Work<T> =
  | { kind: "done"; status: number; body: T }
  /** Refused with nothing stored: the key is free again. */
  | { kind: "refused"; error: ApiError }
  /** Something was stored but not finished (a failed turn): a retry with the returned key finishes it. */
  | { kind: "failed"; sessionId: string | null; error: (retryKey: string) => ApiError };

/**
 * Runs a request's work under its Idempotency-Key (or none): replays the
 * first response, refuses a reused key, and records what the work came to.
 * Every keyed endpoint goes through here, so the contract is one.
 */
export async function runKeyed<T>(
  env: Env,
  owner: Owner,
  request: KeyedRequest,
  work: (claim: Claim) => Promise<Work<T>>,
): Promise<{ status: number; body: T; replayed: boolean }> {
  // Fingerprinted only when a key is involved: a request without one, that succeeds, never needs it.
  const fingerprint = () => requestFingerprint(request.route, request.session, request.body);
  const claimed: Claimed = request.key
    ? await claimKey(env, owner, request.key, await fingerprint(), request.proposedSessionId, request.leaseMs)
    : { claim: { token: crypto.randomUUID(), sessionId: null, attempt: null } };
  if ("replay" in claimed) return { status: claimed.replay.status, body: claimed.replay.body as T, replayed: true };
  const { claim } = claimed;
  // The ledger's stub only when a key is involved or a failure must be recorded: most requests never need it.
  const ledger = () => ledgerFor(env, owner);
  let result: Work<T>;
  try {
    result = await work(claim);
  } catch (err) {
    // Unknown how far it got: a retry resumes under the same token, and the session finds what it stored.
    if (claim.attempt)
      await ledger()
        .fail(claim.attempt, null)
        .catch(() => undefined);
    throw err;
  }
  switch (result.kind) {
    case "done":
      if (claim.attempt) await ledger().complete(claim.attempt, { status: result.status, body: result.body });
      return { status: result.status, body: result.body, replayed: false };
    case "refused":
      if (claim.attempt) await ledger().release(claim.attempt);
      throw result.error;
    case "failed": {
      let retryKey: string;
      if (claim.attempt) {
        await ledger().fail(claim.attempt, result.sessionId);
        retryKey = claim.attempt.key;
      } else {
        retryKey = `retry-${crypto.randomUUID()}`;
        await ledger().recordFailure(retryKey, await fingerprint(), claim.token, result.sessionId);
      }
      throw result.error(retryKey);
    }
  }
}
