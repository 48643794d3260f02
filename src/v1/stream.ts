import type { EventQueue } from "../routes/sse-queue";
import { type Answer, outputMessage, outputText, type ResponseParts, toResponse } from "./objects";
import type { StreamEventData, StreamEventType } from "./schemas";

/** Where the one text part of the one output message sits. */
const AT = { output_index: 0, content_index: 0 } as const;

/**
 * One response as OpenAI's server-sent events, in the order the SDKs'
 * stream parsers check: created, in_progress, the output message and its
 * text part opened, text deltas, the annotations, everything done, then
 * response.completed; or response.failed, or `error`. Every event carries
 * its type and sequence_number. Writes go through the EventQueue, so the
 * turn that produces them never waits for the reader.
 */
export class ResponseEvents {
  private sequence = 0;
  private answerId: string | null = null;

  constructor(private readonly queue: EventQueue) {}

  /** True once the response exists for the client (its created event is out). */
  get started(): boolean {
    return this.answerId !== null;
  }

  /** The query is stored: the response exists, in progress, with its message (named already) opened. */
  start(parts: ResponseParts, answerId: string): void {
    this.answerId = answerId;
    const response = toResponse({ ...parts, status: "in_progress", answer: null, error: null });
    this.send("response.created", { response });
    this.send("response.in_progress", { response });
    const item = outputMessage({ id: answerId, text: "", sources: [], created_at: parts.createdAt }, "in_progress");
    this.send("response.output_item.added", { output_index: 0, item });
    this.send("response.content_part.added", { item_id: answerId, ...AT, part: outputText("", []) });
  }

  /** After start(): a turn's session event always comes before its text. */
  delta(text: string): void {
    this.send("response.output_text.delta", { item_id: this.answerId as string, ...AT, delta: text, logprobs: [] });
  }

  /** The answer is stored: its text and citations, everything closed, and the whole response. */
  complete(parts: ResponseParts & { answer: Answer }): void {
    const { answer } = parts;
    const part = outputText(answer.text, answer.sources);
    part.annotations.forEach((annotation, annotation_index) => {
      this.send("response.output_text.annotation.added", { item_id: answer.id, ...AT, annotation_index, annotation });
    });
    this.send("response.output_text.done", { item_id: answer.id, ...AT, text: answer.text, logprobs: [] });
    this.send("response.content_part.done", { item_id: answer.id, ...AT, part });
    this.send("response.output_item.done", { output_index: 0, item: outputMessage(answer, "completed") });
    this.send("response.completed", { response: toResponse(parts) });
  }

  /** The turn failed once its query was stored: the response is kept as failed (a keyed retry completes it). */
  fail(parts: ResponseParts): void {
    this.send("response.failed", { response: toResponse({ ...parts, status: "failed", answer: null }) });
  }

  /** Anything else that went wrong after the stream began. */
  error(code: string, message: string): void {
    this.send("error", { code, message, param: null });
  }

  /** Typed by the event's schema (schemas.ts), which the OpenAPI document declares. */
  private send<T extends StreamEventType>(type: T, fields: Omit<StreamEventData<T>, "type" | "sequence_number">): void {
    this.queue.push(type, { type, sequence_number: this.sequence++, ...fields });
  }
}
