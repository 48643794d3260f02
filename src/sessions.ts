import type { Identity } from "./app-env";
import { ApiError, notFound } from "./errors";
import { newSessionId, normalizeSessionId, sessionIdForIdempotencyKey } from "./lib/ids";
import type { Outcome, Refusal } from "./session-types";

/** The stub of one session's Durable Object. */
export function sessionStub(env: Env, sessionId: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));
}

/** A path id that cannot name a session is answered exactly like an unknown one. */
export function sessionIdParam(raw: string): string {
  const id = normalizeSessionId(raw);
  if (!id) throw notFound();
  return id;
}

/** A fresh id, or with an Idempotency-Key the same id on every retry. */
export function idForNewSession(env: Env, scope: string, who: Identity, key: string | undefined): Promise<string> {
  return key
    ? sessionIdForIdempotencyKey(env.JWT_SECRET, scope, who.tenantId, who.userId, key)
    : Promise.resolve(newSessionId());
}

export function refusalError(refusal: Refusal): ApiError {
  switch (refusal) {
    case "not_found":
      return notFound();
    case "ended":
      return new ApiError(409, "session_ended", "the session has ended and is read-only");
    case "idempotency_conflict":
      return new ApiError(409, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw refusalError(outcome.refusal);
  return outcome.value;
}
