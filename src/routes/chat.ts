import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { assertUserContext } from "../auth";
import { assertTextWithinLimit, idempotencyKeyOf } from "../lib/limits";
import { jsonBody } from "../lib/validate";
import { enforceSessionCap } from "../lifecycle/session-cap";
import { recentMemory } from "../memory/recall";
import { idForNewSession, sessionIds, sessionStub, unwrap } from "../sessions";

export const userContextSchema = z.object({
  tenant_id: z.number().int(),
  user_id: z.number().int(),
});

const chatBody = z.object({
  query: z.string().refine((q) => q.trim().length > 0, "must not be empty"),
  session_id: z.string().nullish(),
  user_context: userContextSchema.optional(),
});

/** POST /api/chat: the seed's resume-or-create, then one turn. */
export const chatRoutes = new Hono<AppEnv>().post("/", jsonBody(chatBody), async (c) => {
  const body = c.req.valid("json");
  const who = c.get("identity");
  assertUserContext(who, body.user_context);
  assertTextWithinLimit("query", body.query, c.get("config"));
  const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
  const owner = { tenantId: who.tenantId, userId: who.userId };

  // An id not issued to this caller is unknown by construction: no lookup needed.
  const requested = await sessionIds(c.env).verify(owner, body.session_id);
  if (requested) {
    const resumed = await sessionStub(c.env, requested).chat(owner, {
      query: body.query,
      idempotencyKey,
    });
    // Unknown, foreign, ended or deleted: the seed starts a new session instead.
    if (resumed.ok || (resumed.refusal !== "not_found" && resumed.refusal !== "ended")) return c.json(unwrap(resumed));
  }
  const config = c.get("config");
  const id = await idForNewSession(c.env, "chat", who, idempotencyKey);
  const memory = await recentMemory(c.env, owner, config.LTM_CONTEXT_SUMMARIES);
  const created = await sessionStub(c.env, id).chat(owner, {
    query: body.query,
    idempotencyKey,
    createAs: id,
    memory,
  });
  const response = unwrap(created);
  if (!response.resumed) await enforceSessionCap(c.env, config, owner, id);
  return c.json(response);
});
