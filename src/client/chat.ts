import type { Config } from "../config";
import { type Claim, runKeyed, type Work } from "../idempotency/claims";
import { SECOND_MS } from "../lib/time";
import type { ChatInput } from "../session-object";
import type { ChatResponse, Outcome, Owner, TurnEvent } from "../session-types";
import { capAfterCreate, recallForNewSession } from "./new-session";
import { isFailedTurn, refusalError } from "./refusals";
import { sessionIds, sessionStub } from "./stubs";

export interface ChatRequest {
  owner: Owner;
  query: string;
  /** As the client sent it: an id not issued to the caller starts a new session. */
  sessionId: string | null | undefined;
  idempotencyKey: string | undefined;
  /** Streaming: the turn's events as they happen (see SessionObject.chat). */
  onEvent?: (event: TurnEvent) => Promise<boolean>;
}

/** How long an attempt holds its key before a retry may take over: a turn's longest wait plus a margin. */
export const leaseMs = (config: Config) => config.ANSWER_TIMEOUT_MS + 30 * SECOND_MS;

/**
 * The seed's resume-or-create, then one turn in the session's object, under
 * the request's Idempotency-Key. Returns the response (the first one again
 * for a retry); refusals are thrown as ApiErrors.
 */
export async function chatTurn(
  env: Env,
  config: Config,
  req: ChatRequest,
): Promise<{ response: ChatResponse; replayed: boolean }> {
  const ids = sessionIds(env);
  // An id not issued to this caller is unknown by construction: no lookup needed.
  const requested = await ids.verify(req.owner, req.sessionId);
  const proposedSessionId = req.idempotencyKey ? await ids.mint(req.owner) : null;
  const done = await runKeyed<ChatResponse>(
    env,
    req.owner,
    {
      key: req.idempotencyKey,
      route: "POST /api/chat",
      session: requested ?? req.sessionId ?? null,
      body: { query: req.query },
      proposedSessionId,
      leaseMs: leaseMs(config),
    },
    async (claim) => toWork(await turnIn(env, config, req, requested, claim)),
  );
  return { response: done.body, replayed: done.replayed };
}

/** A turn's outcome as its Idempotency-Key records it: done, refused (key free again) or failed (retry finishes it). */
export function toWork(result: { outcome: Outcome<ChatResponse>; sessionId: string }): Work<ChatResponse> {
  const { outcome } = result;
  if (outcome.ok) return { kind: "done", status: 200, body: outcome.value };
  if (isFailedTurn(outcome.refusal)) {
    return {
      kind: "failed",
      sessionId: result.sessionId,
      error: (retryKey) => refusalError(outcome.refusal, { ...outcome.details, idempotency_key: retryKey }),
    };
  }
  return { kind: "refused", error: refusalError(outcome.refusal, outcome.details) };
}

async function turnIn(
  env: Env,
  config: Config,
  req: ChatRequest,
  requested: string | null,
  claim: Claim,
): Promise<{ outcome: Outcome<ChatResponse>; sessionId: string }> {
  const turn = { query: req.query, turnId: claim.token, remember: claim.attempt !== null, onEvent: req.onEvent };
  if (requested) {
    const resumed = await sessionStub(env, requested).chat(req.owner, turn);
    // Unknown, foreign, ended or deleted: the seed starts a new session instead.
    if (resumed.ok || (resumed.refusal !== "not_found" && resumed.refusal !== "ended")) {
      return { outcome: resumed, sessionId: requested };
    }
  }
  return turnInNewSession(env, config, req.owner, turn, claim);
}

/**
 * A turn that starts a new session: under the id the request's key fixed on
 * its first use, if any, else a new one; then the per-user cap.
 */
export async function turnInNewSession(
  env: Env,
  config: Config,
  owner: Owner,
  turn: ChatInput,
  claim: Claim,
): Promise<{ outcome: Outcome<ChatResponse>; sessionId: string }> {
  const ids = sessionIds(env);
  const recalled = await recallForNewSession(env, config, owner);
  let id = claim.sessionId ?? (await ids.mint(owner));
  let created = await sessionStub(env, id).chat(owner, { ...turn, createAs: id, recalled });
  if (!created.ok && (created.refusal === "not_found" || created.refusal === "ended")) {
    // The session this key's first attempt started has ended or been deleted since: never resume it.
    id = await ids.mint(owner);
    created = await sessionStub(env, id).chat(owner, { ...turn, createAs: id, recalled });
  }
  if (created.ok && !created.value.resumed) await capAfterCreate(env, config, owner, id);
  return { outcome: created, sessionId: id };
}
