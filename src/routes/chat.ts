import { Hono, type TypedResponse } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { chatTurn } from "../client/chat";
import { chatInput } from "../client/inputs";
import { ApiError, type ErrorBody, errorBody } from "../errors";
import { idempotencyKeyOf } from "../idempotency/header";
import { deltas } from "../lib/deltas";
import { assertTextWithinLimit } from "../lib/limits";
import { errorText, log } from "../lib/log";
import { jsonBody } from "../lib/validate";
import { assertUserContext, userContextSchema } from "../middleware/user-context";
import { describe } from "../openapi/describe";
import { chatResponse, chatStreamEvent } from "../openapi/schemas";
import type { ChatResponse, TurnEvent } from "../session-types";
import { EventQueue } from "./sse-queue";

const chatBody = chatInput.extend({
  user_context: userContextSchema.optional(),
  stream: z.boolean().optional(),
});

/** The stream, as the typed client sees it: text, which src/http-client/ reads as typed events. */
type EventStream = Response & TypedResponse<string, 200, "text">;

/** An error as the `error` event carries it: the body a non-streaming request would get, plus its status. */
function errorEvent(err: unknown, requestId: string): { status: number } & ErrorBody {
  if (err instanceof ApiError) {
    return { status: err.status, ...errorBody(err.code, err.message, err.details, requestId) };
  }
  log("error", "streamed_turn_failed", { request_id: requestId, error: errorText(err) });
  return { status: 500, ...errorBody("internal_error", "internal error", undefined, requestId) };
}

/**
 * POST /api/chat. With `"stream": true` or `Accept: text/event-stream` the
 * turn streams as server-sent events: `session` once the query is stored,
 * `delta`s of the stored answer, then `done` or, whatever went wrong,
 * `error`. A request refused before anything is stored gets a plain JSON
 * error with its status instead. The turn runs in the session's object and
 * is kept alive past a client that disconnects, so it is always completed and
 * stored (or marked failed). Events are queued here, so a slow reader never
 * holds the session.
 */
const doc = describe({
  operationId: "chat",
  summary: "Ask: one turn in a new or resumed session",
  tag: "chat",
  description:
    "Resumes `session_id` if it is the caller's and active; otherwise (none, unknown, ended, deleted, foreign) " +
    "starts a new session. Stores the query and the answer. With `stream: true` or `Accept: text/event-stream` " +
    "the answer streams as server-sent events; a request refused before anything is stored still gets a JSON error.",
  ok: {
    status: 200,
    schema: chatResponse,
    events: chatStreamEvent,
    description: "The answer (application/json), or its stream (text/event-stream, one ChatStreamEvent per event)",
  },
  errors: [400, 403, 409, 413, 502, 503, 504],
  idempotent: true,
});

export const chatRoutes = new Hono<AppEnv>().post("/", doc, jsonBody(chatBody), async (c) => {
  const body = c.req.valid("json");
  const who = c.get("identity");
  const config = c.get("config");
  assertUserContext(who, body.user_context);
  assertTextWithinLimit("query", body.query, config);
  const request = {
    owner: { tenantId: who.tenantId, userId: who.userId, requestId: who.requestId },
    query: body.query,
    sessionId: body.session_id,
    idempotencyKey: idempotencyKeyOf(c.req.header("idempotency-key")),
  };

  const wantsStream = body.stream ?? /\btext\/event-stream\b/.test(c.req.header("accept") ?? "");
  if (!wantsStream) {
    const { response } = await chatTurn(c.env, config, request);
    c.set("sessionId", response.session_id);
    return c.json(response);
  }

  const events = new EventQueue();
  let done = false;
  const sendDone = (r: ChatResponse) => {
    const { session_id, user_message, assistant_message, sources } = r;
    events.push("done", { session_id, user_message, assistant_message, sources });
  };
  /** Answers false once the client has gone, so the object stops emitting (and carries on). */
  const forward = async (e: TurnEvent): Promise<boolean> => {
    if (events.gone) return false;
    if (e.type === "session") events.push("session", { session_id: e.session_id, resumed: e.resumed });
    else if (e.type === "delta") for (const text of deltas(e.text)) events.push("delta", { text });
    else {
      done = true;
      sendDone(e.response);
    }
    return true;
  };
  const turn = chatTurn(c.env, config, { ...request, onEvent: forward });
  c.executionCtx.waitUntil(turn.catch(() => undefined));
  // Refused before anything was stored (a reused key, …): a plain JSON error with its own status.
  const first = await Promise.race([
    events.firstEvent.then(() => "streaming"),
    turn.then(
      () => "done",
      () => "refused",
    ),
  ]);
  if (first === "refused") await turn;

  const stream = streamSSE(c, async (sse) => {
    events.attach(sse);
    try {
      const { response } = await turn;
      c.set("sessionId", response.session_id);
      if (!done) {
        // A replayed response ran no live turn: stream it whole.
        events.push("session", { session_id: response.session_id, resumed: response.resumed });
        for (const text of deltas(response.answer)) events.push("delta", { text });
        sendDone(response);
      }
    } catch (err) {
      // Once the query is stored, the stream has begun: whatever went wrong ends it as an event.
      events.push("error", errorEvent(err, c.get("requestId")));
    }
    await events.drained();
  });
  return stream as EventStream;
});
