import type { ChatResponse, EndResult, HistoryPage, MessageView, Owner, Role, SessionInfo } from "../session-types";

/**
 * The types a consuming Worker imports to call SessionService over a Service
 * Binding: `env.SESSIONS` typed as `Service<SessionServiceApi>` (see the
 * README and examples/consumer/).
 */
export type { ChatResponse, EndResult, HistoryPage, MessageView, SessionInfo };

/** The user a call acts for: a bound Worker is trusted as a service and names them. */
export type Who = Owner;

/** A refusal, with the same status and code the HTTP API would give. */
export interface ServiceError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  request_id: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

/** An Idempotency-Key, with the HTTP API's contract (one per user across every door). */
export interface CallOptions {
  idempotencyKey?: string;
}

export interface ListPage {
  status?: "active" | "ended" | "all";
  limit?: number;
  cursor?: string;
}

export interface HistoryQuery {
  limit?: number;
  before?: number;
}

export interface NewMessage {
  role: Role;
  content: string;
  metadata?: Record<string, unknown>;
}

export interface ChatRequest {
  query: string;
  session_id?: string | null;
}

/** The seed's session service and context manager, as RPC methods. */
export interface SessionServiceApi {
  createSession(who: Who, options?: CallOptions): Promise<Result<SessionInfo>>;
  resumeOrCreateSession(
    who: Who,
    sessionId?: string | null,
    options?: CallOptions,
  ): Promise<Result<{ session: SessionInfo; resumed: boolean }>>;
  getSessionInfo(who: Who, sessionId: string): Promise<Result<SessionInfo>>;
  endSession(who: Who, sessionId: string): Promise<Result<SessionInfo>>;
  endSessions(who: Who, sessionIds: string[]): Promise<Result<{ results: EndResult[] }>>;
  getActiveSessionsForUser(
    who: Who,
    page?: ListPage,
  ): Promise<Result<{ sessions: SessionInfo[]; next_cursor: string | null }>>;
  getConversationHistory(who: Who, sessionId: string, page?: HistoryQuery): Promise<Result<HistoryPage>>;
  addMessageToSession(
    who: Who,
    sessionId: string,
    message: NewMessage,
    options?: CallOptions,
  ): Promise<Result<MessageView>>;
  chat(who: Who, request: ChatRequest, options?: CallOptions): Promise<Result<ChatResponse>>;
  deleteSession(who: Who, sessionId: string): Promise<Result<{ deleted: true }>>;
}
