import { WorkerEntrypoint } from "cloudflare:workers";
import { chatTurn } from "../client/chat";
import { appendInput, batchEndInput, callerInput, chatInput, historyInput, listInput } from "../client/inputs";
import {
  deleteSession,
  endSession,
  endSessions,
  getHistory,
  getSessionInfo,
  listSessions,
} from "../client/session-ops";
import { appendMessage, createSession } from "../client/session-writes";
import { ownedSessionId } from "../client/stubs";
import { getConfig } from "../config";
import { ApiError } from "../errors";
import { idempotencyKeyOf } from "../idempotency/header";
import { assertMetadataWithinLimit, assertTextWithinLimit } from "../lib/limits";
import { errorText, log } from "../lib/log";
import { parseOrThrow } from "../lib/validate";
import type { Caller } from "../session-types";
import type {
  CallOptions,
  ChatRequest,
  HistoryQuery,
  ListPage,
  NewMessage,
  Result,
  SessionServiceApi,
  Who,
} from "./api";

/**
 * The seed's programmatic API for the Knowledge Router's other Workers: a
 * Service Binding with RPC, no HTTP, no JSON, no token. A bound Worker is
 * trusted as a service, so every call names the user it acts for; it is
 * validated with the HTTP API's schemas and goes through the same session
 * client and objects as the HTTP routes. Refusals come back as results with
 * the HTTP API's codes, never as exceptions.
 */
export class SessionService extends WorkerEntrypoint<Env> implements SessionServiceApi {
  createSession(who: Who, options: CallOptions = {}) {
    return this.run(who, async (caller) => {
      const config = getConfig(this.env);
      return (await createSession(this.env, config, caller, this.key(options), {})).body;
    });
  }

  /** The seed's resume-or-create: the caller's active session if `sessionId` names one, else a new one. */
  resumeOrCreateSession(who: Who, sessionId?: string | null, options: CallOptions = {}) {
    return this.run(who, async (caller) => {
      if (sessionId) {
        const info = await getSessionInfo(this.env, caller, sessionId).catch((err) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        });
        if (info?.status === "active") return { session: info, resumed: true };
      }
      const config = getConfig(this.env);
      const created = await createSession(this.env, config, caller, this.key(options), {});
      return { session: created.body, resumed: false };
    });
  }

  getSessionInfo(who: Who, sessionId: string) {
    return this.run(who, (caller) => getSessionInfo(this.env, caller, sessionId));
  }

  endSession(who: Who, sessionId: string) {
    return this.run(who, (caller) => endSession(this.env, caller, sessionId));
  }

  endSessions(who: Who, sessionIds: string[]) {
    return this.run(who, (caller) => {
      const input = parseOrThrow(batchEndInput, { session_ids: sessionIds }, "sessionIds");
      return endSessions(this.env, caller, input.session_ids);
    });
  }

  getActiveSessionsForUser(who: Who, page: ListPage = {}) {
    return this.run(who, (caller) => listSessions(this.env, caller, parseOrThrow(listInput, page, "page")));
  }

  getConversationHistory(who: Who, sessionId: string, page: HistoryQuery = {}) {
    return this.run(who, (caller) => {
      const q = parseOrThrow(historyInput, page, "page");
      return getHistory(this.env, getConfig(this.env), caller, sessionId, q);
    });
  }

  addMessageToSession(who: Who, sessionId: string, message: NewMessage, options: CallOptions = {}) {
    return this.run(who, async (caller) => {
      const config = getConfig(this.env);
      const input = parseOrThrow(appendInput, message, "message");
      assertTextWithinLimit("content", input.content, config);
      const metadata = input.metadata ?? {};
      assertMetadataWithinLimit(metadata);
      const id = await ownedSessionId(this.env, caller, sessionId);
      const appended = await appendMessage(this.env, config, caller, id, this.key(options), {
        role: input.role,
        content: input.content,
        metadata,
      });
      return appended.body;
    });
  }

  /** A whole turn, as POST /api/chat (without streaming). */
  chat(who: Who, request: ChatRequest, options: CallOptions = {}) {
    return this.run(who, async (caller) => {
      const config = getConfig(this.env);
      const input = parseOrThrow(chatInput, request, "request");
      assertTextWithinLimit("query", input.query, config);
      const request_ = { owner: caller, query: input.query, sessionId: input.session_id };
      return (await chatTurn(this.env, config, { ...request_, idempotencyKey: this.key(options) })).response;
    });
  }

  deleteSession(who: Who, sessionId: string) {
    return this.run(who, async (caller) => {
      await deleteSession(this.env, caller, sessionId);
      return { deleted: true as const };
    });
  }

  private key(options: CallOptions): string | undefined {
    return idempotencyKeyOf(options.idempotencyKey);
  }

  /** Validates who the call acts for, runs it, and turns an ApiError into a result. */
  private async run<T>(who: Who, work: (caller: Caller) => Promise<T> | T): Promise<Result<T>> {
    const requestId = crypto.randomUUID();
    try {
      const parsed = parseOrThrow(callerInput, who, "who");
      return { ok: true, value: await work({ ...parsed, requestId }) };
    } catch (err) {
      if (err instanceof ApiError) {
        const error = { status: err.status, code: err.code, message: err.message, request_id: requestId };
        return { ok: false, error: err.details === undefined ? error : { ...error, details: err.details } };
      }
      log("error", "rpc_failed", { request_id: requestId, error: errorText(err) });
      return {
        ok: false,
        error: { status: 500, code: "internal_error", message: "internal error", request_id: requestId },
      };
    }
  }
}
