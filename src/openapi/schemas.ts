import { z } from "zod";
import type { ErasureReport } from "../lifecycle/erasure";
import type { SweepResult } from "../lifecycle/sweep";
import type { ChatResponse, EndResult, HistoryPage, MessageView, SessionInfo, Source } from "../session-types";

/**
 * What the API answers, as zod schemas: the OpenAPI document's response
 * bodies are generated from these (the request bodies from the validators'
 * own schemas). `typesMatch` below ties each one to the type its handler
 * returns (views built in routes/ are typed with z.infer of these), so neither
 * can change without the other; the OpenAPI test checks real responses
 * against the document.
 */

/** ISO-8601 UTC, as every timestamp the service writes. */
const timestamp = () => z.string().meta({ format: "date-time" });
const id = () => z.number().int();

export const errorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: "Stable, machine-readable: see the response's description for this status" }),
      message: z.string(),
      details: z.unknown().optional(),
      request_id: z.string().meta({ description: "Equals the x-request-id response header" }),
    }),
  })
  .meta({ id: "Error" });

export const message = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    role: z.enum(["user", "assistant", "system"]),
    content: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: timestamp(),
    origin: z.enum(["service", "client"]).meta({
      description:
        "`service`: the service's own answer (its `metadata.sources` are its citations); `client`: stored as a client sent it, whatever its role",
    }),
  })
  .meta({ id: "Message" });

export const session = z
  .object({
    id: z.string(),
    tenant_id: id(),
    user_id: id(),
    status: z.enum(["active", "ended"]),
    created_at: timestamp(),
    last_message_at: timestamp(),
    message_count: z.number().int(),
    ended_at: timestamp().nullable(),
    processed_for_ltm: z.boolean(),
  })
  .meta({ id: "Session" });

export const source = z
  .object({ document_id: z.string(), title: z.string(), source_url: z.string().nullable(), snippet: z.string() })
  .meta({ id: "Source" });

export const chatResponse = z
  .object({
    session_id: z.string(),
    resumed: z.boolean(),
    answer: z.string(),
    sources: z.array(source),
    user_message: message,
    assistant_message: message,
  })
  .meta({ id: "ChatResponse" });

export const chatDone = chatResponse
  .pick({ session_id: true, user_message: true, assistant_message: true, sources: true })
  .meta({ id: "ChatDone" });

/** One server-sent event of a streamed turn: its `event:` name and its `data:` line, parsed. */
export const chatStreamEvent = z
  .discriminatedUnion("event", [
    z.object({
      event: z.literal("session"),
      data: z.object({ session_id: z.string(), resumed: z.boolean() }),
    }),
    z.object({ event: z.literal("delta"), data: z.object({ text: z.string() }) }),
    z.object({ event: z.literal("done"), data: chatDone }),
    z.object({
      event: z.literal("error"),
      data: z.object({ status: z.number().int(), error: errorResponse.shape.error }),
    }),
  ])
  .meta({
    id: "ChatStreamEvent",
    description:
      "One server-sent event: `event` is its name, `data` its JSON data line. A stream is `session`, `delta`s " +
      "(joined, exactly the stored answer), then `done` or one `error` (the status and body a non-streaming request would have got).",
  });

export const sessionList = z
  .object({ sessions: z.array(session), next_cursor: z.string().nullable() })
  .meta({ id: "SessionList" });

export const historyPage = z
  .object({
    session_id: z.string(),
    status: z.enum(["active", "ended"]),
    messages: z.array(message),
    has_more: z.boolean(),
    next_before: z.number().int().nullable(),
  })
  .meta({ id: "HistoryPage" });

export const endResults = z
  .object({
    results: z.array(
      z.union([
        z.object({ id: z.string(), ok: z.literal(true), status: z.enum(["active", "ended"]) }),
        z.object({ id: z.string(), ok: z.literal(false), error: z.string() }),
      ]),
    ),
  })
  .meta({ id: "EndResults" });

export const summary = z
  .object({
    id: z.string(),
    session_id: z.string(),
    summary: z.string(),
    key_topics: z.array(z.string()),
    message_range: z.object({ first_seq: z.number().int(), last_seq: z.number().int() }),
    message_count: z.number().int(),
    method: z.string(),
    model: z.string().nullable(),
    language: z.string(),
    created_at: timestamp(),
  })
  .meta({ id: "Summary" });

export const summaryList = z
  .object({ summaries: z.array(summary), next_cursor: z.string().nullable() })
  .meta({ id: "SummaryList" });

const documentFields = {
  id: z.string(),
  title: z.string(),
  source_url: z.string().nullable(),
  tags: z.array(z.string()),
  passage_count: z.number().int(),
  chars: z.number().int(),
  created_at: timestamp(),
  updated_at: timestamp(),
};

export const documentSummary = z.object(documentFields).meta({ id: "DocumentSummary" });
export const documentPut = z.object({ ...documentFields, replaced: z.boolean() }).meta({
  id: "DocumentPut",
  description: "The stored document's summary; replaced: true when its source_url existed",
});
export const documentFull = z.object({ ...documentFields, body: z.string() }).meta({ id: "Document" });
export const documentList = z
  .object({ documents: z.array(documentSummary), next_cursor: z.string().nullable() })
  .meta({ id: "DocumentList" });

export const erasureReport = z
  .object({
    tenant_id: id(),
    user_id: id(),
    removed: z.object({
      sessions: z.number().int(),
      messages: z.number().int(),
      summaries: z.number().int(),
      archives: z.number().int(),
      idempotency_keys: z.number().int(),
    }),
  })
  .meta({ id: "ErasureReport" });

export const sweepResult = z
  .object({
    tenants: z.number().int(),
    checked: z.number().int(),
    ended: z.number().int(),
    purged: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: "SweepResult" });

export const healthOk = z.object({ status: z.literal("ok") }).meta({ id: "HealthOk" });
export const healthMisconfigured = z
  .object({ status: z.literal("misconfigured"), problems: z.array(z.string()) })
  .meta({ id: "HealthMisconfigured" });

/** Exactly the same type both ways (a plain `extends` would let an optional field slip). */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const typesMatch: true[] = [
  true satisfies Exact<z.infer<typeof message>, MessageView>,
  true satisfies Exact<z.infer<typeof session>, SessionInfo>,
  true satisfies Exact<z.infer<typeof source>, Source>,
  true satisfies Exact<z.infer<typeof chatResponse>, ChatResponse>,
  true satisfies Exact<z.infer<typeof historyPage>, HistoryPage>,
  true satisfies Exact<z.infer<typeof endResults>["results"][number], EndResult>,
  true satisfies Exact<z.infer<typeof erasureReport>["removed"], ErasureReport>,
  true satisfies Exact<z.infer<typeof sweepResult>, SweepResult>,
];
