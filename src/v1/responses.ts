import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../app-env";
import { getStoredResponse, type RespondRequest, respond } from "../client/responses";
import { ApiError, notFound } from "../errors";
import { idempotencyKeyOf } from "../idempotency/header";
import { deltas } from "../lib/deltas";
import { errorText, log } from "../lib/log";
import { EventQueue } from "../routes/sse-queue";
import type { TurnEvent } from "../session-types";
import { responseCreate, responseRetrieve } from "./bodies";
import { docs } from "./docs";
import { parseResponseId } from "./ids";
import { turnOf } from "./input";
import { DEFAULT_MODEL, type ResponseRequest, storedParts, toResponse } from "./objects";
import { v1Json, v1Query } from "./params";
import { completedParts, failedError, startedParts, type Target, targetSession, v1Refusal } from "./respond";
import { ResponseEvents } from "./stream";

const ownerOf = (c: Context<AppEnv>) => {
  const who = c.get("identity");
  return { tenantId: who.tenantId, userId: who.userId, requestId: who.requestId };
};

/**
 * /v1/responses: a response is one turn of a session, answered by the
 * service's provider with retrieval, memory and citations, in the
 * conversation named, after the previous response, or in a new session.
 */
export const responseRoutes = new Hono<AppEnv>()
  .post("/", docs.createResponse, v1Json(responseCreate), async (c) => {
    const body = c.req.valid("json");
    const config = c.get("config");
    const owner = ownerOf(c);
    const target = await targetSession(c.env, owner, body);
    const { query, preamble } = turnOf(body, config);
    const request: ResponseRequest = {
      model: body.model ?? DEFAULT_MODEL,
      instructions: body.instructions ?? null,
      metadata: body.metadata ?? {},
      previous_response_id: body.previous_response_id ?? null,
    };
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const req = { owner, sessionId: target.sessionId, query, preamble, request: { ...request }, idempotencyKey: key };
    if (body.stream) return streamed(c, req, request, target);
    try {
      const { response } = await respond(c.env, config, req);
      c.set("sessionId", response.session_id);
      return c.json(toResponse(completedParts(response, request)));
    } catch (err) {
      throw await v1Refusal(c.env, owner, err, target, key !== undefined);
    }
  })
  .get("/:id", docs.getResponse, v1Query(responseRetrieve), async (c) => {
    const named = parseResponseId(c.req.param("id"));
    if (!named) throw notFound("response");
    c.set("sessionId", named.sessionId);
    const stored = await getStoredResponse(c.env, ownerOf(c), named.sessionId, named.querySeq);
    return c.json(toResponse(storedParts(stored)));
  });

/**
 * A streamed response: OpenAI's events as the turn produces them (see
 * stream.ts). Refused before anything is stored, it is a plain JSON error
 * with its status instead. The turn runs in the session's object and is
 * kept alive past a client that disconnects, so it is always completed and
 * stored (or kept as failed).
 */
async function streamed(c: Context<AppEnv>, req: RespondRequest, request: ResponseRequest, target: Target) {
  const events = new EventQueue();
  const writer = new ResponseEvents(events);
  let started: ReturnType<typeof startedParts> | null = null;
  let finished = false;
  /** Answers false once the client has gone, so the object stops emitting (and carries on). */
  const onEvent = async (e: TurnEvent): Promise<boolean> => {
    if (events.gone) return false;
    if (e.type === "session") {
      started = startedParts(e, request);
      writer.start(started, e.answer_id);
    } else if (e.type === "delta") {
      for (const text of deltas(e.text)) writer.delta(text);
    } else {
      finished = true;
      writer.complete(completedParts(e.response, request));
    }
    return true;
  };
  const turn = respond(c.env, c.get("config"), { ...req, onEvent });
  c.executionCtx.waitUntil(turn.catch(() => undefined));
  const first = await Promise.race([
    events.firstEvent.then(() => "streaming"),
    turn.then(
      () => "done",
      () => "refused",
    ),
  ]);
  if (first === "refused") {
    await turn.catch(async (err) => {
      throw await v1Refusal(c.env, req.owner, err, target, req.idempotencyKey !== undefined);
    });
  }

  return streamSSE(c, async (sse) => {
    events.attach(sse);
    try {
      const { response } = await turn;
      c.set("sessionId", response.session_id);
      if (!finished) {
        // A replayed response ran no live turn: stream it whole.
        const whole = completedParts(response, request);
        writer.start(whole, whole.answer.id);
        for (const text of deltas(response.answer)) writer.delta(text);
        writer.complete(whole);
      }
    } catch (err) {
      // Once the response exists, whatever went wrong ends the stream as an event.
      const failed = failedError(err);
      if (started && failed) writer.fail({ ...started, status: "failed", error: failed });
      else if (err instanceof ApiError) writer.error(err.code, err.message);
      else {
        log("error", "streamed_response_failed", { request_id: req.owner.requestId, error: errorText(err) });
        writer.error("internal_error", "internal error");
      }
    }
    await events.drained();
  });
}
