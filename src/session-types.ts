/** Shapes shared by the worker and the session object (they cross RPC as plain data). */

/** Who a session belongs to. */
export interface Owner {
  tenantId: number;
  userId: number;
}

/** Who is asking, as a session object sees it: the owner, plus the request id its log lines carry. */
export interface Caller extends Owner {
  requestId?: string;
}

/** A JSON object (message metadata), validated at the edge. */
export type JsonObject = Record<string, unknown>;

export type Role = "user" | "assistant" | "system";
export type SessionStatus = "active" | "ended";

export interface MessageView {
  id: string;
  seq: number;
  role: Role;
  content: string;
  metadata: JsonObject;
  created_at: string;
  /** "service": the service's own answer; "client": stored as a client sent it (any role). */
  origin: MessageOrigin;
}

export type MessageOrigin = "service" | "client";

/** A message a client adds (an item, an earlier input message, instructions): stored as given. */
export interface NewMessage {
  role: Role;
  content: string;
  metadata: JsonObject;
}

/** A session as a conversation (/v1) shows it: the same session, with the client's labels. */
export interface ConversationView {
  id: string;
  status: SessionStatus;
  created_at: string;
  /** OpenAI's metadata: string values only (validated when set). */
  metadata: Record<string, string>;
}

/** A page of a session's messages in either order, after a message (by id) or from either end. */
export interface ItemsQuery {
  limit: number;
  after?: string;
  order: "asc" | "desc";
}

export interface ItemsPage {
  messages: MessageView[];
  has_more: boolean;
}

/** What a response (/v1) asked for and came to, as the session keeps it. */
export interface StoredResponse {
  session_id: string;
  query_seq: number;
  created_at: string;
  status: "in_progress" | "completed" | "failed";
  /** As the client sent it: model, instructions, metadata, previous_response_id. */
  request: JsonObject;
  error: { code: string; message: string } | null;
  /** The service's own answer, once there is one. */
  answer: MessageView | null;
}

export interface SessionInfo {
  id: string;
  tenant_id: number;
  user_id: number;
  status: SessionStatus;
  created_at: string;
  last_message_at: string;
  message_count: number;
  ended_at: string | null;
  processed_for_ltm: boolean;
}

/** A cited document, as the chat response and the stored assistant message carry it. */
export interface Source {
  document_id: string;
  title: string;
  source_url: string | null;
  snippet: string;
}

export interface ChatResponse {
  session_id: string;
  resumed: boolean;
  answer: string;
  /** The knowledge base documents the answer cites. */
  sources: Source[];
  user_message: MessageView;
  assistant_message: MessageView;
}

/** One id's outcome in a batch end. */
export type EndResult = { id: string; ok: true; status: SessionStatus } | { id: string; ok: false; error: string };

export interface HistoryPage {
  session_id: string;
  status: SessionStatus;
  messages: MessageView[];
  has_more: boolean;
  /** Pass as `before` to read the next older page; null when there is none. */
  next_before: number | null;
}

/**
 * One of the user's long-term summaries, as recalled when a session starts:
 * the session keeps them and hands them to the answer provider.
 */
export interface RecalledSummary {
  session_id: string;
  summary: string;
  key_topics: string[];
  created_at: string;
}

export type EndReason = "user" | "inactive" | "limit" | "deleted";

/** What a purge removed, for the erasure report. */
export interface PurgeReport {
  sessions: number;
  messages: number;
  summaries: number;
  archives: number;
}

/** What a streaming turn reports as it goes (server-sent events to the client). */
export type TurnEvent =
  | {
      type: "session";
      session_id: string;
      resumed: boolean;
      /** The stored query, and the id its answer will be stored under. */
      user_message: MessageView;
      answer_id: string;
    }
  | { type: "delta"; text: string }
  | { type: "done"; response: ChatResponse };

/** Why a write was refused; the worker maps each to one HTTP status (src/sessions.ts). */
export type Refusal = "not_found" | "ended" | "answer_failed" | "answer_timeout" | "knowledge_unavailable";

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal; details?: Record<string, string> };
