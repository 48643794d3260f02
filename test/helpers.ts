import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { mintToken } from "../scripts/lib/jwt.mjs";
import type { AiRunner } from "../src/lib/ai";
import type { SessionObject } from "../src/session-object";

export interface Caller {
  tenant: number;
  user: number;
  role?: "user" | "admin";
}

let counter = 0;
/** Storage is shared by the tests of one file, so every test gets its own tenant. */
export function freshTenant(): number {
  counter += 1;
  return 1_000_000 + Math.floor(Math.random() * 1_000_000) * 100 + counter;
}

export function tokenFor(who: Caller, claims: Record<string, unknown> = {}): Promise<string> {
  return mintToken(env.JWT_SECRET, { tenantId: who.tenant, userId: who.user, role: who.role, claims });
}

export async function authHeaders(who: Caller): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(who)}` };
}

export interface ApiOptions {
  method?: string;
  as?: Caller;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A body as tests read it: parsed JSON whose fields each test asserts one by
 * one, so deliberately untyped (the one \`any\` of the suite).
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field.
export type Json = any;

export interface ApiResult<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP request through the worker's own fetch handler, as a client would send it. */
export async function api<T = Json>(path: string, options: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    ...(options.as ? await authHeaders(options.as) : {}),
    ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    ...options.headers,
  };
  const res = await exports.default.fetch(
    new Request(`http://sessions.test${path}`, {
      method: options.method ?? (options.body !== undefined ? "POST" : "GET"),
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === "string"
            ? options.body
            : JSON.stringify(options.body),
    }),
  );
  const text = await res.text();
  const isJson = /^application\/json/.test(res.headers.get("content-type") ?? "");
  return { status: res.status, body: text ? (isJson ? JSON.parse(text) : text) : null, headers: res.headers };
}

export const chat = (as: Caller, query: string, session_id?: string | null, headers?: Record<string, string>) =>
  api("/api/chat", { as, body: { query, ...(session_id !== undefined ? { session_id } : {}) }, headers });

export const newSession = async (as: Caller): Promise<string> => {
  const res = await api("/api/sessions", { as, method: "POST" });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

export const stubFor = (sessionId: string) => env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));

export const HOUR = 3_600_000;

/**
 * Simulates time passing for one session: its stored activity (and deletion)
 * times, and the time of its first change the index has not heard of, move `hours` into the past, in the object and in its index row, as if
 * the session had been idle that long. Alarms are not moved by fake timers, so
 * this is how tests reach deadlines.
 */
export async function backdate(sessionId: string, hours: number): Promise<void> {
  const shift = (iso: string | null) => (iso === null ? null : new Date(Date.parse(iso) - hours * HOUR).toISOString());
  const { evictDurableObject, runInDurableObject } = await import("cloudflare:test");
  const row = await runInDurableObject(stubFor(sessionId), (_obj, state) => {
    const s = state.storage.sql
      .exec<{ last_message_at: string; deleted_at: string | null }>("SELECT last_message_at, deleted_at FROM session")
      .one();
    const moved = { last: shift(s.last_message_at) as string, deleted: shift(s.deleted_at) };
    state.storage.sql.exec(
      "UPDATE session SET last_message_at = ?, deleted_at = ?, index_pending_since = index_pending_since - ?",
      moved.last,
      moved.deleted,
      hours * HOUR,
    );
    return moved;
  });
  // The object keeps its record in memory; a new instance reads the backdated one (as after a real idle spell).
  await evictDurableObject(stubFor(sessionId));
  await env.DB.prepare("UPDATE chat_sessions SET last_message_at = ?, deleted_at = ? WHERE id = ?")
    .bind(row.last, row.deleted, sessionId)
    .run();
}

/** Longer than any INDEX_SYNC_MAX_DELAY_MS the configuration allows. */
const LONGEST_INDEX_DELAY_MS = 60_000;

/**
 * Time passes for this session's pending index update as if its messages had
 * kept coming for `ms` (by default longer than INDEX_SYNC_MAX_DELAY_MS: the
 * alarm sends it whenever it runs). The stored time of the first unsent change is moved back
 * (nothing a client sees) and the instance is evicted, so a new one reads it
 * (as `backdate` does); what a test installed with useDeps goes with it.
 */
export async function indexDelayPassed(sessionId: string, ms = LONGEST_INDEX_DELAY_MS): Promise<void> {
  const { evictDurableObject, runInDurableObject } = await import("cloudflare:test");
  await runInDurableObject(stubFor(sessionId), (_obj, state) => {
    // A purged or never created session has no row (nor table) to move.
    if (state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'session'").toArray().length === 0) return;
    state.storage.sql.exec("UPDATE session SET index_pending_since = index_pending_since - ?", ms);
  });
  await evictDurableObject(stubFor(sessionId));
}

/**
 * Lets the D1 index catch up with these sessions now, as their alarms would
 * once messages pause (or after INDEX_SYNC_MAX_DELAY_MS): activity reaches the
 * index from the session's alarm, not inline. Running an alarm early is
 * harmless: every duty is re-checked when it fires.
 */
export async function settleIndex(...sessionIds: string[]): Promise<void> {
  const { runDurableObjectAlarm } = await import("cloudflare:test");
  for (const id of sessionIds) {
    await indexDelayPassed(id);
    await runDurableObjectAlarm(stubFor(id));
  }
}

/** A session with `turns` chat turns (2 messages each); returns its id. */
export async function sessionWithTurns(as: Caller, queries: string[]): Promise<string> {
  let id: string | undefined;
  for (const q of queries) {
    const res = await chat(as, q, id);
    if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${JSON.stringify(res.body)}`);
    id = res.body.session_id;
  }
  return id as string;
}

export const summaryRows = (sessionId: string) =>
  env.DB.prepare("SELECT * FROM session_summaries WHERE session_id = ?").bind(sessionId).all();

export const loadDocument = async (
  tenant: number,
  doc: { title: string; body: string; source_url?: string; tags?: string[] },
) => {
  const res = await api("/api/knowledge/documents", { as: { tenant, user: 1, role: "admin" }, body: doc });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`load failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; passage_count: number };
};

export interface SseEvent {
  event: string;
  data: Json;
}

/** Server-sent events as a client reads them: `event:` and `data:` (JSON) per block. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
      const data = lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      return { event, data: JSON.parse(data) };
    });
}

/** A real model takes time: wraps the session's answer provider so each answer comes `ms` later. */
export async function slowAnswers(sessionId: string, ms: () => number): Promise<void> {
  const { runInDurableObject } = await import("cloudflare:test");
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(({ answers: inner }) => ({
      answers: {
        name: "slow",
        answer: async (input, onDelta) => {
          await new Promise((resolve) => setTimeout(resolve, ms()));
          return inner.answer(input, onDelta);
        },
      },
    }));
  });
}

/** Collects what the service logs (every console call, as one string); undo with vi.restoreAllMocks(). */
export function captureLogs(): { lines: string[]; parsed: () => Json[]; clear: () => void } {
  const lines: string[] = [];
  for (const level of ["log", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
  return { lines, parsed: () => lines.map((l) => JSON.parse(l)), clear: () => lines.splice(0) };
}

/** A fake of the Workers AI binding's streaming reply: SSE lines of tokens, optionally breaking after `breakAfter`. */
export function streamingAi(tokens: string[], breakAfter?: number): AiRunner {
  return {
    async run(_model, input) {
      if (!input.stream) throw new Error("expected a streaming call");
      const encoder = new TextEncoder();
      let i = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (breakAfter !== undefined && i === breakAfter) return controller.error(new Error("connection reset"));
          if (i < tokens.length)
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ response: tokens[i++] })}\n\n`));
          else {
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          }
        },
      });
    },
  };
}
