import type { ConversationView, JsonObject, MessageView, Source, StoredResponse } from "../session-types";
import { responseId } from "./ids";
import type {
  ConversationItem,
  ConversationObject,
  ItemList,
  OutputMessage,
  OutputText,
  ResponseObject,
  UrlCitation,
} from "./schemas";

/** Sessions, messages and turns as OpenAI's objects (the shapes the SDKs parse, declared in schemas.ts). */

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export const toConversation = (c: ConversationView): ConversationObject => ({
  id: c.id,
  object: "conversation",
  created_at: seconds(c.created_at),
  metadata: c.metadata,
});

export const deletedConversation = (id: string) => ({ id, object: "conversation.deleted", deleted: true }) as const;

const isSource = (s: unknown): s is Source =>
  typeof s === "object" &&
  s !== null &&
  typeof (s as Source).title === "string" &&
  ((s as Source).source_url === null || typeof (s as Source).source_url === "string");

/** The documents an assistant message cites, as the turn that produced it kept them in its metadata. */
export function sourcesIn(metadata: JsonObject): Source[] {
  return Array.isArray(metadata.sources) ? metadata.sources.filter(isSource) : [];
}

/** UTF-16 offset → character (code point) offset: indices count characters, as everywhere in this API. */
function characterOffsets(text: string): (utf16: number) => number {
  const at = new Uint32Array(text.length + 1);
  let chars = 0;
  for (let i = 0; i < text.length; i++) {
    at[i] = chars;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) at[++i] = chars;
    chars++;
  }
  at[text.length] = chars;
  return (utf16) => at[utf16] as number;
}

/**
 * Our citations as url_citation annotations: each `[n]` marker of a cited
 * document that has a URL, and for one whose marker the text never uses, the
 * whole text. Documents without a URL cannot be a url_citation.
 */
export function urlCitations(text: string, sources: Source[]): UrlCitation[] {
  const offset = characterOffsets(text);
  const found = new Set<number>();
  const annotations = [...text.matchAll(/\[(\d{1,4})\]/g)].flatMap((m) => {
    const n = Number(m[1]);
    const source = sources[n - 1];
    if (!source?.source_url) return [];
    found.add(n);
    const start = m.index as number;
    return [citation(source, offset(start), offset(start + m[0].length))];
  });
  sources.forEach((source, i) => {
    if (source.source_url && !found.has(i + 1)) annotations.push(citation(source, 0, offset(text.length)));
  });
  return annotations;
}

const citation = (source: Source, start: number, end: number): UrlCitation => ({
  type: "url_citation",
  start_index: start,
  end_index: end,
  title: source.title,
  url: source.source_url as string,
});

export const outputText = (text: string, sources: Source[]): OutputText => ({
  type: "output_text",
  text,
  annotations: urlCitations(text, sources),
  logprobs: [],
});

/** A stored message as a conversation item: the service's and clients' messages alike. */
export const toItem = (m: MessageView): ConversationItem => ({
  id: m.id,
  type: "message",
  role: m.role,
  status: "completed",
  content: [
    // Only the service's own answers carry its citations; a client's assistant message is shown as written.
    m.role === "assistant"
      ? outputText(m.content, m.origin === "service" ? sourcesIn(m.metadata) : [])
      : { type: "input_text", text: m.content },
  ],
});

export const itemList = (items: MessageView[], hasMore: boolean): ItemList => ({
  object: "list",
  data: items.map(toItem),
  first_id: items[0]?.id ?? null,
  last_id: items[items.length - 1]?.id ?? null,
  has_more: hasMore,
});

/** What a response asked for, as it is kept with it (and echoed). */
export interface ResponseRequest {
  model: string;
  instructions: string | null;
  metadata: Record<string, string>;
  previous_response_id: string | null;
}

export interface Answer {
  id: string;
  text: string;
  sources: Source[];
  created_at: string;
}

/** Everything a response object is made from. */
export interface ResponseParts {
  id: string;
  conversationId: string;
  createdAt: string;
  status: "in_progress" | "completed" | "failed";
  request: ResponseRequest;
  answer: Answer | null;
  error: { code: string; message: string } | null;
}

export const outputMessage = (answer: Answer, status: "in_progress" | "completed"): OutputMessage => ({
  id: answer.id,
  type: "message",
  role: "assistant",
  status,
  content: status === "completed" ? [outputText(answer.text, answer.sources)] : [],
});

/** Tokens are not counted here: usage is reported as zeros. */
const NO_USAGE = {
  input_tokens: 0,
  input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  output_tokens: 0,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 0,
};

export function toResponse(p: ResponseParts): ResponseObject {
  const done = p.status === "completed" && p.answer !== null;
  return {
    id: p.id,
    object: "response",
    created_at: seconds(p.createdAt),
    status: p.status,
    background: false,
    completed_at: done && p.answer ? seconds(p.answer.created_at) : null,
    conversation: { id: p.conversationId },
    // Our codes (answer_failed, answer_timeout, knowledge_unavailable) are not OpenAI's: they lead the message.
    error: p.error ? { code: "server_error", message: `${p.error.code}: ${p.error.message}` } : null,
    incomplete_details: null,
    instructions: p.request.instructions,
    max_output_tokens: null,
    metadata: p.request.metadata,
    model: p.request.model,
    output: done && p.answer ? [outputMessage(p.answer, "completed")] : [],
    parallel_tool_calls: false,
    previous_response_id: p.request.previous_response_id,
    reasoning: null,
    store: true,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "auto",
    usage: done ? NO_USAGE : null,
  };
}

/** The model echoed when a request names none. */
export const DEFAULT_MODEL = "knowledge-router";

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** A kept request, read defensively (it was validated when it was sent). */
export function requestOf(json: JsonObject): ResponseRequest {
  const metadata = typeof json.metadata === "object" && json.metadata !== null ? json.metadata : {};
  return {
    model: str(json.model) ?? DEFAULT_MODEL,
    instructions: str(json.instructions),
    metadata: metadata as Record<string, string>,
    previous_response_id: str(json.previous_response_id),
  };
}

/** A kept response as its parts. */
export const storedParts = (s: StoredResponse): ResponseParts => ({
  id: responseId(s.session_id, s.query_seq),
  conversationId: s.session_id,
  createdAt: s.created_at,
  status: s.status,
  request: requestOf(s.request),
  answer: s.answer && {
    id: s.answer.id,
    text: s.answer.content,
    sources: sourcesIn(s.answer.metadata),
    created_at: s.answer.created_at,
  },
  error: s.error,
});
