import type { Config } from "../config";
import { type Claim, runKeyed } from "../idempotency/claims";
import type { Created, InitialContent } from "../session-object";
import type { JsonObject, MessageView, Outcome, Owner, Refusal, Role, SessionInfo } from "../session-types";
import { leaseMs } from "./chat";
import { capAfterCreate, recallForNewSession } from "./new-session";
import { refusalError } from "./refusals";
import { sessionIds, sessionStub } from "./stubs";

/** POST /api/sessions: a new empty session (201), under the request's Idempotency-Key. */
export async function createSession(
  env: Env,
  config: Config,
  owner: Owner,
  key: string | undefined,
  body: JsonObject,
): Promise<{ status: number; body: SessionInfo }> {
  const ids = sessionIds(env);
  const proposedSessionId = key ? await ids.mint(owner) : null;
  return runKeyed<SessionInfo>(
    env,
    owner,
    { key, route: "POST /api/sessions", session: null, body, proposedSessionId, leaseMs: leaseMs(config) },
    async (claim) => {
      const made = await newSession(env, config, owner, claim);
      return made.ok ? { kind: "done", status: 201, body: made.value.info } : refused(made);
    },
  );
}

/**
 * A new session, under the id the request's key fixed on its first use if
 * any (else a new one), with its initial content; then the per-user cap.
 */
export async function newSession(
  env: Env,
  config: Config,
  owner: Owner,
  claim: Claim,
  initial?: InitialContent,
): Promise<Outcome<Created>> {
  const ids = sessionIds(env);
  const recalled = await recallForNewSession(env, config, owner);
  let id = claim.sessionId ?? (await ids.mint(owner));
  let made = await sessionStub(env, id).create(owner, id, recalled, initial);
  if (!made.ok) {
    // The key's first attempt made this session and it was deleted since: never resurrect it.
    id = await ids.mint(owner);
    made = await sessionStub(env, id).create(owner, id, recalled, initial);
  }
  if (made.ok && made.value.created) await capAfterCreate(env, config, owner, id);
  return made;
}

export const refused = (outcome: { ok: false; refusal: Refusal }) =>
  ({ kind: "refused", error: refusalError(outcome.refusal) }) as const;

export interface AppendRequest {
  role: Role;
  content: string;
  metadata: JsonObject;
}

/** POST /api/sessions/:id/messages (201), under the request's Idempotency-Key. */
export async function appendMessage(
  env: Env,
  config: Config,
  owner: Owner,
  sessionId: string,
  key: string | undefined,
  message: AppendRequest,
): Promise<{ status: number; body: MessageView }> {
  return runKeyed<MessageView>(
    env,
    owner,
    {
      key,
      route: "POST /api/sessions/:id/messages",
      session: sessionId,
      body: message,
      proposedSessionId: null,
      leaseMs: leaseMs(config),
    },
    async (claim) => {
      const appended = await sessionStub(env, sessionId).append(owner, {
        ...message,
        turnId: claim.attempt ? claim.token : undefined,
      });
      return appended.ok ? { kind: "done", status: 201, body: appended.value } : refused(appended);
    },
  );
}
