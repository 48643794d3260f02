import type { Config } from "../config";
import { notFound } from "../errors";
import { runKeyed } from "../idempotency/claims";
import type { ChatInput } from "../session-object";
import type { Caller, ChatResponse, JsonObject, NewMessage, StoredResponse, TurnEvent } from "../session-types";
import { leaseMs, toWork, turnInNewSession } from "./chat";
import { sessionIds, sessionStub } from "./stubs";

/**
 * Responses (the /v1 door): a turn in exactly the session named (never a
 * silent new one: unknown is 404, ended is 409) or in a new session, with
 * the client's earlier messages stored just before the query and what the
 * response asked for kept with it, under the one Idempotency-Key contract.
 */
export interface RespondRequest {
  owner: Caller;
  /** The session to answer in, already verified as the caller's; null starts a new one. */
  sessionId: string | null;
  query: string;
  preamble: NewMessage[];
  /** What the response asked for (model, instructions, metadata, previous_response_id), kept as sent. */
  request: JsonObject;
  idempotencyKey: string | undefined;
  /** Streaming: the turn's events as they happen (see SessionObject.chat). */
  onEvent?: (event: TurnEvent) => Promise<boolean>;
}

export async function respond(
  env: Env,
  config: Config,
  req: RespondRequest,
): Promise<{ response: ChatResponse; replayed: boolean }> {
  const proposedSessionId = req.idempotencyKey && !req.sessionId ? await sessionIds(env).mint(req.owner) : null;
  const keyed = {
    key: req.idempotencyKey,
    route: "POST /v1/responses",
    session: req.sessionId,
    body: { query: req.query, preamble: req.preamble, request: req.request },
    proposedSessionId,
    leaseMs: leaseMs(config),
  };
  const done = await runKeyed<ChatResponse>(env, req.owner, keyed, async (claim) => {
    const turn: ChatInput = {
      query: req.query,
      preamble: req.preamble,
      response: req.request,
      turnId: claim.token,
      remember: claim.attempt !== null,
      onEvent: req.onEvent,
    };
    if (!req.sessionId) return toWork(await turnInNewSession(env, config, req.owner, turn, claim));
    const outcome = await sessionStub(env, req.sessionId).chat(req.owner, turn);
    return toWork({ outcome, sessionId: req.sessionId });
  });
  return { response: done.body, replayed: done.replayed };
}

/** The response whose query is message `querySeq` of the caller's session `rawSessionId`; 404 if none. */
export async function getStoredResponse(
  env: Env,
  caller: Caller,
  rawSessionId: string,
  querySeq: number,
): Promise<StoredResponse> {
  const id = await sessionIds(env).verify(caller, rawSessionId);
  if (!id) throw notFound("response");
  const stored = await sessionStub(env, id).response(caller, querySeq);
  if (!stored) throw notFound("response");
  return stored;
}

/** The seq of one of the caller's messages (a failed turn names its query by id), or null. */
export async function messageSeq(
  env: Env,
  caller: Caller,
  sessionId: string,
  messageId: string,
): Promise<number | null> {
  const id = await sessionIds(env).verify(caller, sessionId);
  return id ? ((await sessionStub(env, id).item(caller, messageId))?.seq ?? null) : null;
}
