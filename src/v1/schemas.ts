import { z } from "zod";

/**
 * What /v1 answers, as zod schemas in OpenAI's shapes: the OpenAPI
 * document's /v1 response bodies are generated from these, and objects.ts
 * and stream.ts type what they build with z.infer of them, so neither can
 * change without the other. test/openapi.test.ts checks real responses
 * against the document.
 */

/** Unix seconds, as OpenAI writes times. */
const seconds = () => z.number().int().meta({ description: "Unix time, seconds" });
const metadata = () => z.record(z.string(), z.string()).meta({ description: "The client's labels, echoed" });

export const openAiError = z
  .object({
    error: z.object({
      message: z.string(),
      type: z
        .enum(["invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "server_error"])
        .meta({ description: "From the status, as OpenAI's SDKs expect it" }),
      param: z
        .string()
        .nullable()
        .meta({ description: "The parameter at fault, as OpenAI writes it (`input[0].content[1].type`)" }),
      code: z.string().nullable().meta({ description: "This API's code: see the response's description" }),
      details: z
        .unknown()
        .optional()
        .meta({ description: "A failed turn: {conversation_id, response_id, idempotency_key}" }),
    }),
  })
  .meta({ id: "OpenAIError" });

export const conversation = z
  .object({ id: z.string(), object: z.literal("conversation"), created_at: seconds(), metadata: metadata() })
  .meta({ id: "Conversation", description: "A session, under the same id as on /api" });

export const conversationDeleted = z
  .object({ id: z.string(), object: z.literal("conversation.deleted"), deleted: z.literal(true) })
  .meta({ id: "ConversationDeleted" });

export const urlCitation = z
  .object({
    type: z.literal("url_citation"),
    start_index: z.number().int().meta({ description: "In characters (code points)" }),
    end_index: z.number().int(),
    title: z.string(),
    url: z.string(),
  })
  .meta({ id: "UrlCitation", description: "A cited document that has a source_url" });

/** Always empty: no log probabilities are produced. */
const noLogprobs = () => z.array(z.never()).max(0);

export const outputText = z
  .object({
    type: z.literal("output_text"),
    text: z.string(),
    annotations: z.array(urlCitation),
    logprobs: noLogprobs(),
  })
  .meta({ id: "OutputText" });

const inputText = z.object({ type: z.literal("input_text"), text: z.string() }).meta({ id: "InputText" });

export const conversationItem = z
  .object({
    id: z.string().meta({ description: "The message's id, as on /api" }),
    type: z.literal("message"),
    role: z.enum(["user", "assistant", "system"]),
    status: z.literal("completed"),
    content: z.array(z.union([inputText, outputText])),
  })
  .meta({ id: "ConversationItem", description: "A stored message; an assistant's text carries its citations" });

export const itemList = z
  .object({
    object: z.literal("list"),
    data: z.array(conversationItem),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: "ConversationItemList", description: "A page; pass last_id as `after` while has_more" });

export const outputMessage = z
  .object({
    id: z.string(),
    type: z.literal("message"),
    role: z.literal("assistant"),
    status: z.enum(["in_progress", "completed"]),
    content: z.array(outputText),
  })
  .meta({ id: "OutputMessage", description: "The service's answer (its content is empty while in progress)" });

const usage = z
  .object({
    input_tokens: z.number().int(),
    input_tokens_details: z.object({ cached_tokens: z.number().int(), cache_write_tokens: z.number().int() }),
    output_tokens: z.number().int(),
    output_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
    total_tokens: z.number().int(),
  })
  .meta({ id: "Usage", description: "Zeros: tokens are not counted" });

/** OpenAI's field, which this service never sets (typed as OpenAI's, so 3.0 generators read it too). */
const always = <S extends z.ZodType>(schema: S) => schema.nullable().meta({ description: "Always null here" });

export const response = z
  .object({
    id: z.string().meta({ description: "resp_ + the session id's hex + the query's seq" }),
    object: z.literal("response"),
    created_at: seconds(),
    status: z.enum(["in_progress", "completed", "failed"]),
    background: z.literal(false),
    completed_at: seconds().nullable(),
    conversation: z.object({ id: z.string() }),
    error: z.object({ code: z.literal("server_error"), message: z.string() }).nullable(),
    incomplete_details: always(z.object({ reason: z.string() })),
    instructions: z.string().nullable(),
    max_output_tokens: always(z.number().int()),
    metadata: metadata(),
    model: z.string().meta({ description: "As sent (echoed); the service's configured provider answers" }),
    output: z.array(outputMessage),
    parallel_tool_calls: z.literal(false),
    previous_response_id: z.string().nullable(),
    reasoning: always(z.object({ effort: z.string().nullable(), summary: z.string().nullable() })),
    store: z.literal(true),
    temperature: always(z.number()),
    text: z.object({ format: z.object({ type: z.literal("text") }) }),
    tool_choice: z.literal("auto"),
    tools: z.array(z.never()).max(0),
    top_p: always(z.number()),
    truncation: z.literal("auto"),
    usage: usage.nullable(),
  })
  .meta({ id: "Response", description: "One turn of a session: the query's answer, with its citations" });

/** One server-sent event: `event` is its SSE name, `data` its JSON (which repeats the name as `type`). */
const event = <T extends string, F extends z.ZodRawShape>(type: T, fields: F) =>
  z.object({
    event: z.literal(type),
    data: z.object({ type: z.literal(type), sequence_number: z.number().int(), ...fields }),
  });

const inPart = { item_id: z.string(), output_index: z.literal(0), content_index: z.literal(0) };

export const responseStreamEvent = z
  .discriminatedUnion("event", [
    event("response.created", { response }),
    event("response.in_progress", { response }),
    event("response.output_item.added", { output_index: z.literal(0), item: outputMessage }),
    event("response.content_part.added", { ...inPart, part: outputText }),
    event("response.output_text.delta", { ...inPart, delta: z.string(), logprobs: noLogprobs() }),
    event("response.output_text.annotation.added", {
      ...inPart,
      annotation_index: z.number().int(),
      annotation: urlCitation,
    }),
    event("response.output_text.done", { ...inPart, text: z.string(), logprobs: noLogprobs() }),
    event("response.content_part.done", { ...inPart, part: outputText }),
    event("response.output_item.done", { output_index: z.literal(0), item: outputMessage }),
    event("response.completed", { response }),
    event("response.failed", { response }),
    event("error", { code: z.string(), message: z.string(), param: z.string().nullable() }),
  ])
  .meta({
    id: "ResponseStreamEvent",
    description:
      "One server-sent event of a streamed response, numbered from 0 by sequence_number: response.created, " +
      "response.in_progress, response.output_item.added, response.content_part.added, response.output_text.delta " +
      "(joined, exactly the stored answer), response.output_text.annotation.added, the .done events, then " +
      "response.completed; or response.failed (the response is kept as failed), or error.",
  });

export type ResponseObject = z.infer<typeof response>;
export type OutputMessage = z.infer<typeof outputMessage>;
export type OutputText = z.infer<typeof outputText>;
export type UrlCitation = z.infer<typeof urlCitation>;
export type ConversationObject = z.infer<typeof conversation>;
export type ConversationItem = z.infer<typeof conversationItem>;
export type ItemList = z.infer<typeof itemList>;
/** The data of a stream event of type T. */
export type StreamEventData<T extends z.infer<typeof responseStreamEvent>["event"]> = Extract<
  z.infer<typeof responseStreamEvent>,
  { event: T }
>["data"];
export type StreamEventType = z.infer<typeof responseStreamEvent>["event"];
