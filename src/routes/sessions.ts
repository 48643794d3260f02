import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { appendInput, batchEndInput, historyInput, listInput } from "../client/inputs";
import {
  deleteSession,
  endSession,
  endSessions,
  getHistory,
  getSessionInfo,
  listSessions,
} from "../client/session-ops";
import { appendMessage, createSession } from "../client/session-writes";
import { ownedSessionId, sessionStub } from "../client/stubs";
import type { Config } from "../config";
import { ApiError, notFound } from "../errors";
import { idempotencyKeyOf } from "../idempotency/header";
import { assertMetadataWithinLimit, assertTextWithinLimit } from "../lib/limits";
import { jsonBody, queryParams } from "../lib/validate";
import { assertUserContext, userContextSchema } from "../middleware/user-context";
import { describe } from "../openapi/describe";
import { endResults, historyPage, message, session, sessionList } from "../openapi/schemas";
import { archiveKey } from "../session/archive-keys";
import type { SessionStatus } from "../session-types";

const createBody = z.object({ user_context: userContextSchema.optional() });
const appendBody = appendInput.extend({ user_context: userContextSchema.optional() });
const batchEndBody = batchEndInput.extend({ user_context: userContextSchema.optional() });

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

/** The session id in the path, as sent (the operations check it was issued to the caller); noted for the access log. */
function pathSession(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  c.set("sessionId", id);
  return id;
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

const tag = "sessions";
const page = "A page; pass next_cursor back as cursor (null at the end)";
/** The routes' OpenAPI annotations. */
const docs = {
  create: describe({
    operationId: "createSession",
    summary: "Start a new, empty session",
    tag,
    optionalBody: createBody,
    ok: { status: 201, schema: session, description: "The new session" },
    errors: [400, 403, 409, 413],
    idempotent: true,
  }),
  endMany: describe({
    operationId: "endSessions",
    summary: "End several sessions; one bad or foreign id never fails the others",
    tag,
    ok: { status: 200, schema: endResults, description: "Each id's outcome, in order" },
    errors: [400, 403, 413],
  }),
  list: describe({
    operationId: "listSessions",
    summary: "The caller's sessions, most recent activity first",
    tag,
    ok: { status: 200, schema: sessionList, description: page },
    errors: [400],
  }),
  get: describe({
    operationId: "getSession",
    summary: "One session",
    tag,
    ok: { status: 200, schema: session, description: "The session" },
    errors: [404],
  }),
  history: describe({
    operationId: "getHistory",
    summary: "A page of the session's messages, oldest first",
    tag,
    ok: { status: 200, schema: historyPage, description: "The newest `limit` messages before `before`" },
    errors: [400, 404],
  }),
  append: describe({
    operationId: "appendMessage",
    summary: "Store a message in the session (no answer is made)",
    tag,
    ok: { status: 201, schema: message, description: "The stored message" },
    errors: [400, 403, 404, 409, 413],
    idempotent: true,
  }),
  end: describe({
    operationId: "endSession",
    summary: "End the session (a second end returns the same ended_at)",
    tag,
    ok: { status: 200, schema: session, description: "The ended session" },
    errors: [404, 413],
  }),
  transcript: describe({
    operationId: "getTranscript",
    summary: "The whole session as JSON Lines, streamed (from the archive once archived)",
    tag,
    ok: {
      status: 200,
      schema: message,
      mediaType: "application/x-ndjson",
      description: "One Message per line, in seq order; x-transcript-source: archive or session",
    },
    errors: [404],
  }),
  delete: describe({
    operationId: "deleteSession",
    summary: "Delete the session (gone at once from every read; purged later)",
    tag,
    ok: { status: 204, schema: null, description: "Deleted" },
    errors: [404],
  }),
};

export const sessionRoutes = new Hono<AppEnv>()
  .post("/", docs.create, async (c) => {
    const body = createBody.safeParse(await optionalJson(c.req.raw));
    if (!body.success) throw new ApiError(400, "invalid_request", "user_context: must be {tenant_id, user_id}");
    const who = c.get("identity");
    assertUserContext(who, body.data.user_context);
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const owner = { tenantId: who.tenantId, userId: who.userId };
    const created = await createSession(c.env, c.get("config"), owner, key, body.data);
    return c.json(created.body, created.status as 201);
  })
  .post("/end", docs.endMany, jsonBody(batchEndBody), async (c) => {
    const who = c.get("identity");
    assertUserContext(who, c.req.valid("json").user_context);
    return c.json(await endSessions(c.env, who, c.req.valid("json").session_ids));
  })
  .get("/", docs.list, queryParams(listInput), async (c) =>
    c.json(await listSessions(c.env, c.get("identity"), c.req.valid("query"))),
  )
  .get("/:id", docs.get, async (c) => {
    const info = await getSessionInfo(c.env, c.get("identity"), pathSession(c));
    c.header("cache-control", cacheControl(c.get("config"), info.status));
    return c.json(info);
  })
  .get("/:id/messages", docs.history, queryParams(historyInput), async (c) => {
    const config = c.get("config");
    const page = await getHistory(c.env, config, c.get("identity"), pathSession(c), c.req.valid("query"));
    c.header("cache-control", cacheControl(config, page.status));
    return c.json(page);
  })
  .post("/:id/messages", docs.append, jsonBody(appendBody), async (c) => {
    const id = await ownedSessionId(c.env, c.get("identity"), pathSession(c));
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
  .post("/:id/end", docs.end, async (c) => c.json(await endSession(c.env, c.get("identity"), pathSession(c))))
  .get("/:id/transcript", docs.transcript, async (c) => {
    const who = c.get("identity");
    const id = await ownedSessionId(c.env, who, pathSession(c));
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
  .delete("/:id", docs.delete, async (c) => {
    await deleteSession(c.env, c.get("identity"), pathSession(c));
    return c.body(null, 204);
  });
