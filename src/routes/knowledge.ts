import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import type { KnowledgeDocumentRow } from "../db/schema";
import { notFound } from "../errors";
import { KnowledgeBase } from "../knowledge/base";
import { decodeCursor, encodeCursor, pageQuery } from "../lib/cursor";
import { assertCharsWithinLimit, charCount } from "../lib/limits";
import { jsonBody, queryParams, unicodeText } from "../lib/validate";
import { requireAdmin } from "../middleware/admin";
import { describe, jsonContent } from "../openapi/describe";
import { documentFull, documentList, documentPut, type documentSummary } from "../openapi/schemas";

/** A document body of up to 200,000 characters (about a 60-page policy). */
export const MAX_DOCUMENT_CHARS = 200_000;

const documentBody = z.object({
  title: unicodeText().trim().min(1, "must not be empty").max(300),
  body: unicodeText().refine((b) => b.trim().length > 0, "must not be empty"),
  // Cited as a link: only a web address, never javascript:, data: or a local file path.
  source_url: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(2048)
    .nullish(),
  tags: z.array(unicodeText().trim().min(1).max(50)).max(20).optional(),
});

const listQuery = pageQuery(20);

const summaryView = (d: KnowledgeDocumentRow): z.infer<typeof documentSummary> => ({
  id: d.id,
  title: d.title,
  source_url: d.sourceUrl,
  tags: d.tags,
  passage_count: d.passageCount,
  chars: charCount(d.body),
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

const tag = "knowledge";
/** The routes' OpenAPI annotations. */
const docs = {
  put: describe({
    operationId: "putDocument",
    summary: "Tenant admin: add a document, or replace the one with the same source_url",
    tag,
    ok: { status: 201, schema: documentPut, description: "Added (replaced: false)" },
    errors: [400, 403, 413],
    extra: { responses: { 200: { description: "Replaced (replaced: true)", content: jsonContent(documentPut) } } },
  }),
  list: describe({
    operationId: "listDocuments",
    summary: "The tenant's documents, most recently updated first",
    tag,
    ok: { status: 200, schema: documentList, description: "A page; pass next_cursor back as cursor (null at the end)" },
    errors: [400],
  }),
  get: describe({
    operationId: "getDocument",
    summary: "One document with its body",
    tag,
    ok: { status: 200, schema: documentFull, description: "The document" },
    errors: [404],
  }),
  delete: describe({
    operationId: "deleteDocument",
    summary: "Tenant admin: delete a document (gone from search at once)",
    tag,
    ok: { status: 204, schema: null, description: "Deleted" },
    errors: [403, 404],
  }),
};

/**
 * The tenant's knowledge base. Any user of the tenant may read it; only the
 * tenant admin may change it. Another tenant's documents do not exist here.
 */
export const knowledgeRoutes = new Hono<AppEnv>()
  .post("/documents", docs.put, requireAdmin, jsonBody(documentBody), async (c) => {
    const body = c.req.valid("json");
    assertCharsWithinLimit("body", body.body, MAX_DOCUMENT_CHARS);
    const kb = new KnowledgeBase(c.env, c.get("identity").tenantId);
    const { document, replaced } = await kb.put({
      title: body.title,
      body: body.body,
      sourceUrl: body.source_url,
      tags: body.tags,
    });
    return c.json({ ...summaryView(document), replaced }, replaced ? 200 : 201);
  })
  .get("/documents", docs.list, queryParams(listQuery), async (c) => {
    const q = c.req.valid("query");
    const page = await new KnowledgeBase(c.env, c.get("identity").tenantId).list(q.limit, decodeCursor(q.cursor));
    return c.json({ documents: page.rows.map(summaryView), next_cursor: encodeCursor(page.next) });
  })
  .get("/documents/:id", docs.get, async (c) => {
    const doc = await new KnowledgeBase(c.env, c.get("identity").tenantId).get(c.req.param("id"));
    if (!doc) throw notFound("document");
    return c.json({ ...summaryView(doc), body: doc.body });
  })
  .delete("/documents/:id", docs.delete, requireAdmin, async (c) => {
    const gone = await new KnowledgeBase(c.env, c.get("identity").tenantId).delete(c.req.param("id"));
    if (!gone) throw notFound("document");
    return c.body(null, 204);
  });
