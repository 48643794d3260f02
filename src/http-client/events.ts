import type { z } from "zod";
import { readEvents as readStream } from "../../public/app/sse.js";
import type { chatStreamEvent } from "../openapi/schemas";
import { SessionsApiError, type SessionsClient } from "./client";

export { ChatStreamError } from "../../public/app/sse.js";

/** One event of a streamed chat turn: `session`, `delta`s, then `done` or `error` (see the OpenAPI ChatStreamEvent). */
export type ChatEvent = z.infer<typeof chatStreamEvent>;

type ChatBody = Parameters<SessionsClient["api"]["chat"]["$post"]>[0]["json"];

/**
 * Parses a text/event-stream body into typed events as they arrive; unknown
 * event names are skipped. The parser is the web page's (public/app/sse.js,
 * one copy for both); a stream that ends before `done` or `error` throws
 * ChatStreamError (the turn itself still completes and is stored).
 */
export const readEvents = readStream as (body: ReadableStream<Uint8Array>) => AsyncGenerator<ChatEvent>;

/**
 * POST /api/chat as a stream: yields the turn's events as they arrive. A
 * request refused before anything was stored (400, 403, 409, …) throws a
 * SessionsApiError instead; a turn that fails once its query is stored ends
 * with an `error` event carrying the same status and body.
 */
export async function* chatEvents(
  client: SessionsClient,
  body: Omit<ChatBody, "stream">,
  options: { idempotencyKey?: string; signal?: AbortSignal } = {},
): AsyncGenerator<ChatEvent> {
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
  const response = await client.api.chat.$post(
    { json: { ...body, stream: true } },
    { headers, init: { signal: options.signal } },
  );
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !type.startsWith("text/event-stream") || !response.body) {
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the status alone
    }
    throw new SessionsApiError(response.status, parsed);
  }
  yield* readEvents(response.body);
}
