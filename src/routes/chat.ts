import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { assertUserContext } from "../auth";
import type { Config } from "../config";
import { deltas } from "../lib/deltas";
import { assertTextWithinLimit, idempotencyKeyOf } from "../lib/limits";
import { jsonBody } from "../lib/validate";
import { enforceSessionCap } from "../lifecycle/session-cap";
import { recentMemory } from "../memory/recall";
import type { ChatResponse, Outcome, Owner, TurnEvent } from "../session-types";
import { idForNewSession, refusalError, sessionIds, sessionStub, unwrap } from "../sessions";

export const userContextSchema = z.object({
  tenant_id: z.number().int(),
  user_id: z.number().int(),
});

const chatBody = z.object({
  query: z.string().refine((q) => q.trim().length > 0, "must not be empty"),
  session_id: z.string().nullish(),
  user_context: userContextSchema.optional(),
  stream: z.boolean().optional(),
});

interface Turn {
  owner: Owner;
  query: string;
  sessionId: string | null | undefined;
  idempotencyKey: string | undefined;
  onEvent?: (event: TurnEvent) => Promise<boolean>;
}

/** The seed's resume-or-create, then one turn in the session's object. */
async function runTurn(env: Env, config: Config, turn: Turn): Promise<Outcome<ChatResponse>> {
  const { owner, query, idempotencyKey, onEvent } = turn;
  // An id not issued to this caller is unknown by construction: no lookup needed.
  const requested = await sessionIds(env).verify(owner, turn.sessionId);
  if (requested) {
    const resumed = await sessionStub(env, requested).chat(owner, { query, idempotencyKey, onEvent });
    // Unknown, foreign, ended or deleted: the seed starts a new session instead.
    if (resumed.ok || (resumed.refusal !== "not_found" && resumed.refusal !== "ended")) return resumed;
  }
  const id = await idForNewSession(env, "chat", owner, idempotencyKey);
  const memory = await recentMemory(env, owner, config.LTM_CONTEXT_SUMMARIES);
  const created = await sessionStub(env, id).chat(owner, { query, idempotencyKey, createAs: id, memory, onEvent });
  if (created.ok && !created.value.resumed) await enforceSessionCap(env, config, owner, id);
  return created;
}

/**
 * POST /api/chat. With `"stream": true` or `Accept: text/event-stream` the
 * turn streams as server-sent events: `session` once the query is stored,
 * `delta`s of the stored answer, then `done` (or `error`). The turn runs in
 * the session's object and is kept alive past a client that disconnects, so
 * it is always completed and stored (or marked failed).
 */
export const chatRoutes = new Hono<AppEnv>().post("/", jsonBody(chatBody), async (c) => {
  const body = c.req.valid("json");
  const who = c.get("identity");
  const config = c.get("config");
  assertUserContext(who, body.user_context);
  assertTextWithinLimit("query", body.query, config);
  const turn: Turn = {
    owner: { tenantId: who.tenantId, userId: who.userId },
    query: body.query,
    sessionId: body.session_id,
    idempotencyKey: idempotencyKeyOf(c.req.header("idempotency-key")),
  };

  const wantsStream = body.stream ?? /\btext\/event-stream\b/.test(c.req.header("accept") ?? "");
  if (!wantsStream) return c.json(unwrap(await runTurn(c.env, config, turn)));

  return streamSSE(c, async (sse) => {
    const send = (event: string, data: unknown) => sse.writeSSE({ event, data: JSON.stringify(data) });
    /** Returns false once the client has gone, so the object stops emitting (and carries on). */
    const forward = async (e: TurnEvent): Promise<boolean> => {
      if (sse.aborted || sse.closed) return false;
      if (e.type === "session") await send("session", { session_id: e.session_id, resumed: e.resumed });
      else if (e.type === "delta") await send("delta", { text: e.text });
      else {
        const { session_id, user_message, assistant_message, sources } = e.response;
        done = true;
        await send("done", { session_id, user_message, assistant_message, sources });
      }
      return true;
    };
    let done = false;
    const outcome = runTurn(c.env, config, { ...turn, onEvent: forward });
    c.executionCtx.waitUntil(outcome.catch(() => undefined));
    const result = await outcome;
    if (!result.ok) {
      const err = refusalError(result.refusal, result.details);
      await send("error", {
        status: err.status,
        error: { code: err.code, message: err.message, details: err.details },
      });
    } else if (!done && !sse.aborted) {
      // An idempotent replay ran no live turn: stream the stored response whole.
      const r = result.value;
      await forward({ type: "session", session_id: r.session_id, resumed: r.resumed });
      for (const text of deltas(r.answer)) await forward({ type: "delta", text });
      await forward({ type: "done", response: r });
    }
  });
});
