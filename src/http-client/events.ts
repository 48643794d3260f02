import type { z } from "zod";
import type { chatStreamEvent } from "../openapi/schemas";
import { SessionsApiError, type SessionsClient } from "./client";

/** One event of a streamed chat turn: `session`, `delta`s, then `done` or `error` (see the OpenAPI ChatStreamEvent). */
export type ChatEvent = z.infer<typeof chatStreamEvent>;

type ChatBody = Parameters<SessionsClient["api"]["chat"]["$post"]>[0]["json"];

/** The stream ended before `done` or `error`: the connection dropped (the turn itself still completes and is stored). */
export class ChatStreamError extends Error {
  override name = "ChatStreamError";
}

const EVENTS = new Set(["session", "delta", "done", "error"]);

/**
 * Parses a text/event-stream body into typed events as they arrive. Unknown
 * event names are skipped, so a newer service can add some.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChatEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  // A "\r" at a chunk's end may be the first half of "\r\n": it waits for the next chunk.
  let carriageReturn = "";
  let finished = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      const text = carriageReturn + value;
      carriageReturn = text.endsWith("\r") ? "\r" : "";
      buffer += text.slice(0, text.length - carriageReturn.length).replace(/\r\n?/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!event) continue;
        yield event;
        if (event.event === "done" || event.event === "error") finished = true;
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (!finished) throw new ChatStreamError("the chat stream ended before its done or error event");
}

function parseBlock(block: string): ChatEvent | null {
  let name = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // a comment (keep-alive)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  if (!EVENTS.has(name) || data.length === 0) return null;
  return { event: name, data: JSON.parse(data.join("\n")) } as ChatEvent;
}

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
