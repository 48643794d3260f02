import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { unwrap } from "../client/refusals";
import { appendMessage, createSession } from "../client/session-writes";
import { ownedSessionId, sessionIds, sessionStub } from "../client/stubs";
import type { Config } from "../config";
import { TenantSessionIndex } from "../db/session-index";
import { ApiError, notFound } from "../errors";
import { idempotencyKeyOf } from "../idempotency/header";
import { decodeCursor, encodeCursor, pageQuery } from "../lib/cursor";
import { MAX_JSON_DEPTH, withinDepth } from "../lib/json-depth";
import { assertMetadataWithinLimit, assertTextWithinLimit } from "../lib/limits";
import { errorText, log } from "../lib/log";
import { jsonBody, queryParams, unicodeText } from "../lib/validate";
import { assertUserContext, userContextSchema } from "../middleware/user-context";
import { archiveKey } from "../session/archive-keys";
import { sessionInfo } from "../session/views";
import type { SessionStatus } from "../session-types";

const createBody = z.object({ user_context: userContextSchema.optional() });

const listQuery = pageQuery(10).extend({ status: z.enum(["active", "ended", "all"]).default("active") });

const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

const appendBody = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: unicodeText().refine((t) => t.trim().length > 0, "must not be empty"),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => withinDepth(m), `must not nest deeper than ${MAX_JSON_DEPTH} levels`)
    .optional(),
  user_context: userContextSchema.optional(),
});

const batchEndBody = z.object({
  session_ids: z.array(z.string()).min(1).max(100, "at most 100 session ids"),
  user_context: userContextSchema.optional(),
});

/**
 * The seed's session cache, here: the session's object is the live cache, and
 * an ended session never changes again, so with ENABLE_SESSION_CACHING its
 * reads may be kept privately by clients for SESSION_CACHE_TTL_SEC. Active
 * sessions are never cached.
 */
function cacheControl(config: Config, status: SessionStatus): string {
  return config.ENABLE_SESSION_CACHING && status === "ended" && config.SESSION_CACHE_TTL_SEC > 0
    ? `private, max-age=${config.SESSION_CACHE_TTL_SEC}`
    : "no-store";
}

/** The session named in the path, if it was issued to the caller (else 404); noted for the access log. */
async function pathSession(c: Context<AppEnv>): Promise<string> {
  c.set("sessionId", c.req.param("id"));
  return ownedSessionId(c.env, c.get("identity"), c.req.param("id") ?? "");
}

/** A body is optional here: none, or an empty one, means "no user_context". */
async function optionalJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "the body is not valid JSON");
  }
}

export const sessionRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = createBody.safeParse(await optionalJson(c.req.raw));
    if (!body.success) throw new ApiError(400, "invalid_request", "user_context: must be {tenant_id, user_id}");
    const who = c.get("identity");
    assertUserContext(who, body.data.user_context);
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const owner = { tenantId: who.tenantId, userId: who.userId };
    const created = await createSession(c.env, c.get("config"), owner, key, body.data);
    return c.json(created.body, created.status as 201);
  })
  .post("/end", jsonBody(batchEndBody), async (c) => {
    // The seed's gather(..., return_exceptions=True): one bad id never fails the others.
    const who = c.get("identity");
    assertUserContext(who, c.req.valid("json").user_context);
    const ids = sessionIds(c.env);
    const results = await Promise.all(
      c.req.valid("json").session_ids.map(async (raw) => {
        const id = await ids.verify(who, raw);
        if (!id) return { id: raw, ok: false, error: "not_found" };
        try {
          const ended = await sessionStub(c.env, id).end(who, "user");
          return ended.ok ? { id, ok: true, status: ended.value.status } : { id, ok: false, error: ended.refusal };
        } catch (err) {
          log("error", "batch_end_failed", {
            request_id: who.requestId,
            tenant_id: who.tenantId,
            session_id: id,
            error: errorText(err),
          });
          return { id, ok: false, error: "internal_error" };
        }
      }),
    );
    return c.json({ results });
  })
  .get("/", queryParams(listQuery), async (c) => {
    const q = c.req.valid("query");
    const who = c.get("identity");
    const index = new TenantSessionIndex(c.env.DB, who.tenantId);
    const page = await index.listForUser(who.userId, q.status, q.limit, decodeCursor(q.cursor));
    return c.json({ sessions: page.rows.map(sessionInfo), next_cursor: encodeCursor(page.next) });
  })
  .get("/:id", async (c) => {
    const id = await pathSession(c);
    const info = await sessionStub(c.env, id).info(c.get("identity"));
    if (!info) throw notFound();
    c.header("cache-control", cacheControl(c.get("config"), info.status));
    return c.json(info);
  })
  .get("/:id/messages", queryParams(historyQuery), async (c) => {
    const id = await pathSession(c);
    const q = c.req.valid("query");
    const limit = q.limit ?? c.get("config").MAX_CONTEXT_MESSAGES;
    const page = await sessionStub(c.env, id).history(c.get("identity"), limit, q.before);
    if (!page) throw notFound();
    c.header("cache-control", cacheControl(c.get("config"), page.status));
    return c.json(page);
  })
  .post("/:id/messages", jsonBody(appendBody), async (c) => {
    const id = await pathSession(c);
    const body = c.req.valid("json");
    const who = c.get("identity");
    assertUserContext(who, body.user_context);
    assertTextWithinLimit("content", body.content, c.get("config"));
    const metadata = body.metadata ?? {};
    assertMetadataWithinLimit(metadata);
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const owner = { tenantId: who.tenantId, userId: who.userId };
    const message = { role: body.role, content: body.content, metadata };
    const appended = await appendMessage(c.env, c.get("config"), owner, id, key, message);
    return c.json(appended.body, appended.status as 201);
  })
  .post("/:id/end", async (c) => {
    const id = await pathSession(c);
    return c.json(unwrap(await sessionStub(c.env, id).end(c.get("identity"), "user")));
  })
  .get("/:id/transcript", async (c) => {
    const who = c.get("identity");
    const id = await pathSession(c);
    const stub = sessionStub(c.env, id);
    const info = await stub.info(who);
    if (!info) throw notFound();
    const headers = {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": cacheControl(c.get("config"), info.status),
    };
    const archived = c.env.ARCHIVE ? await c.env.ARCHIVE.get(archiveKey(who.tenantId, who.userId, id)) : null;
    if (archived) return new Response(archived.body, { headers: { ...headers, "x-transcript-source": "archive" } });
    const live = await stub.transcript(who);
    if (live === null) throw notFound();
    return new Response(live, { headers: { ...headers, "x-transcript-source": "session" } });
  })
  .delete("/:id", async (c) => {
    const id = await pathSession(c);
    if (!(await sessionStub(c.env, id).softDelete(c.get("identity")))) throw notFound();
    return c.body(null, 204);
  });
