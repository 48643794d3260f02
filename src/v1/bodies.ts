import { z } from "zod";
import { unicodeText } from "../lib/validate";
import { MAX_ITEMS, messageItem, metadataParam, unsupported } from "./params";

/** The bodies and queries of the /v1 endpoints, with OpenAI's parameter names. */

const include = unsupported((v) => Array.isArray(v) && v.length === 0, "[]");

export const conversationCreate = z
  .object({
    items: z.array(messageItem).max(MAX_ITEMS, `at most ${MAX_ITEMS} items at a time`).nullish(),
    metadata: metadataParam.nullish(),
  })
  .strict();

export const conversationUpdate = z.object({ metadata: metadataParam.nullable() }).strict();

export const itemsCreate = z
  .object({ items: z.array(messageItem).min(1).max(MAX_ITEMS, `at most ${MAX_ITEMS} items at a time`) })
  .strict();

/** The query of item reads and writes: `include` asks for data (logprobs, tool outputs) there is none of. */
export const itemQuery = z.object({ include }).strict();

export const itemsList = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().min(1).optional(),
    order: z.enum(["asc", "desc"]).default("desc"),
    include,
  })
  .strict();

export const responseRetrieve = z
  .object({
    include,
    include_obfuscation: unsupported((v) => v === "false", "false"),
    starting_after: unsupported(),
    stream: unsupported((v) => v === "false", "false"),
  })
  .strict();

const conversationParam = z.union([z.string().min(1), z.object({ id: z.string().min(1) }).strict()]);

/**
 * POST /v1/responses. What cannot be honoured is refused by name: tools,
 * images, audio, sampling and output controls, reasoning, background runs,
 * `store: false` (every turn is kept). Neutral values (`tools: []`,
 * `tool_choice: "auto"`, `truncation: "auto"`, `text.format.type: "text"`…)
 * ask for nothing and are accepted.
 */
export const responseCreate = z
  .object({
    input: z.union([unicodeText(), z.array(messageItem).min(1).max(MAX_ITEMS, `at most ${MAX_ITEMS} messages`)]),
    model: z.string().min(1).max(256).nullish(),
    conversation: conversationParam.nullish(),
    previous_response_id: z.string().min(1).nullish(),
    instructions: unicodeText().nullish(),
    metadata: metadataParam.nullish(),
    store: unsupported((v) => v === true, "true", "false is not supported: every turn of a conversation is kept"),
    stream: z.boolean().nullish(),
    // No obfuscation padding is sent, so asking for none asks for nothing.
    stream_options: unsupported((v) => isObject(v) && Object.values(v).every((x) => x === false), "options all false"),
    tools: unsupported((v) => Array.isArray(v) && v.length === 0, "[]"),
    tool_choice: unsupported((v) => v === "auto" || v === "none", '"auto" or "none"'),
    parallel_tool_calls: unsupported((v) => typeof v === "boolean", "a boolean (no tools are called)"),
    max_tool_calls: unsupported(),
    include,
    truncation: unsupported(
      (v) => v === "auto",
      '"auto"',
      "only auto: the last MAX_CONTEXT_MESSAGES messages are used",
    ),
    text: unsupported(
      isPlainTextFormat,
      '{format: {type: "text"}}',
      "only plain text output ({format: {type: text}}) is supported",
    ),
    background: unsupported((v) => v === false, "false"),
    access_programs: unsupported(),
    context_management: unsupported(),
    image: unsupported(),
    max_output_tokens: unsupported(),
    moderation: unsupported(),
    prompt: unsupported(),
    prompt_cache_key: unsupported(),
    prompt_cache_options: unsupported(),
    prompt_cache_retention: unsupported(),
    reasoning: unsupported(),
    safety_identifier: unsupported(),
    service_tier: unsupported((v) => v === "auto" || v === "default", '"auto" or "default"'),
    temperature: unsupported(),
    top_logprobs: unsupported(),
    top_p: unsupported(),
    user: unsupported(),
  })
  .strict();

export type ResponseCreate = z.infer<typeof responseCreate>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `text: {format: {type: "text"}}` (the default) asks for nothing. */
function isPlainTextFormat(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 0) return true;
  if (keys.length !== 1 || !isObject(v.format)) return false;
  return v.format.type === "text" && Object.keys(v.format).length === 1;
}
