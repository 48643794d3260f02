import { ApiError, notFound } from "../errors";
import { SessionIds } from "../lib/ids";
import type { SessionObject } from "../session-object";
import type { Owner } from "../session-types";

/**
 * The session object's RPC surface with the signatures it declares. The
 * generic stub type maps every result through Rpc's serializability types,
 * which collapse these shapes to `never` or recurse too deeply; calls are
 * RPC all the same.
 */
export type SessionApi = Pick<
  SessionObject,
  | "create"
  | "info"
  | "chat"
  | "append"
  | "appendAll"
  | "history"
  | "transcript"
  | "end"
  | "expireIfIdle"
  | "softDelete"
  | "purge"
  | "conversation"
  | "setMetadata"
  | "items"
  | "item"
  | "response"
>;

/** The stub of one session's Durable Object. */
export function sessionStub(env: Env, sessionId: string): SessionApi {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sessionId)) as unknown as SessionApi;
}

export const sessionIds = (env: Env) => {
  if (!env.SESSION_ID_SECRET) throw new ApiError(503, "server_misconfigured", "SESSION_ID_SECRET is not set");
  return new SessionIds(env.SESSION_ID_SECRET);
};

/** A path id that was not issued to the caller is answered exactly like an unknown one. */
export async function ownedSessionId(env: Env, who: Owner, raw: string): Promise<string> {
  const id = await sessionIds(env).verify(who, raw);
  if (!id) throw notFound();
  return id;
}
