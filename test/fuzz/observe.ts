import { exports } from "cloudflare:workers";
import { type Json, parseSse } from "../helpers";
import type { IdKind, Resolved } from "./resolve";
import type { World } from "./world";

/** A response as the fuzz read it: whole body, parsed where it says what it is. */
export interface Observed {
  status: number;
  headers: Headers;
  text: string;
  json?: Json;
  /** Server-sent events, in order. */
  events?: { event: string; data: Json }[];
  /** The body claimed to be JSON (or an event carried JSON) but did not parse. */
  unparsable?: boolean;
}

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const GONE: IdKind[] = ["foreign", "unknown", "own-gone", "raw"];
const ADMIN_ONLY = ["POST /api/knowledge/documents", "DELETE /api/knowledge/documents/:id", "POST /api/admin/cleanup"];

export async function send(r: Resolved): Promise<Observed> {
  const res = await exports.default.fetch(new Request(r.url, { method: r.method, headers: r.headers, body: r.body }));
  const text = await res.text();
  const out: Observed = { status: res.status, headers: res.headers, text };
  const type = res.headers.get("content-type") ?? "";
  try {
    if (/^application\/json/.test(type) && text !== "") out.json = JSON.parse(text);
    if (/^text\/event-stream/.test(type)) out.events = parseSse(text);
  } catch {
    out.unparsable = true;
  }
  return out;
}

const hasErrorShape = (body: Json) =>
  body !== null &&
  typeof body === "object" &&
  typeof body.error === "object" &&
  body.error !== null &&
  typeof body.error.code === "string" &&
  typeof body.error.message === "string";

/**
 * Every assertion the fuzz makes about one response; returns what is wrong
 * (empty when all is well). Never a 5xx (also not hidden in an SSE error
 * event or a batch result), the error shape, x-request-id, and nothing of
 * another tenant or user: their ids never appear, their sessions are 404.
 */
export function problemsWith(world: World, r: Resolved, o: Observed): string[] {
  const problems: string[] = [];
  const fail = (p: string) => problems.push(p);
  if (o.status >= 500) fail(`status ${o.status}`);
  if (o.unparsable) fail("the body does not parse as its content-type says");

  const rid = o.headers.get("x-request-id");
  if (!rid) fail("no x-request-id header");
  const sent = r.headers["x-request-id"]?.trim();
  if (sent && CLIENT_REQUEST_ID.test(sent) && rid !== sent) fail(`x-request-id ${rid} is not the one sent (${sent})`);

  const ok = o.status >= 200 && o.status < 300;
  if (!ok && r.method !== "HEAD" && !hasErrorShape(o.json))
    fail(`a ${o.status} without the error shape: ${o.text.slice(0, 200)}`);

  for (const e of o.events ?? []) {
    if (e.event !== "error") continue;
    if (!(e.data.status < 500)) fail(`SSE error event with status ${e.data.status}`);
    if (!hasErrorShape(e.data)) fail("SSE error event without the error shape");
  }
  if (r.spec.endpoint === "POST /api/sessions/end" && Array.isArray(o.json?.results)) {
    o.json.results.forEach((res: Json, i: number) => {
      if (res.error === "internal_error") fail(`batch end result ${i} is an internal_error`);
      const kind = r.batchKinds?.[i];
      if (!r.authValid || o.status !== 200 || !kind) return;
      if (GONE.includes(kind) && (res.ok !== false || res.error !== "not_found"))
        fail(`batch end of a ${kind} id: ${JSON.stringify(res)}`);
      if (kind === "own-live" && res.ok !== true)
        fail(`batch end of the caller's own session failed: ${JSON.stringify(res)}`);
    });
  }

  // Nothing of anyone else: not their session or document ids (unless the request itself carried them).
  const requestText = `${r.url} ${r.body ?? ""}`.toLowerCase();
  for (const foreign of world.foreignIds(r.actor)) {
    if (o.text.includes(foreign) && !requestText.includes(foreign))
      fail(`response reveals ${foreign}, not the caller's`);
  }

  if (!r.authValid) {
    if (ok && new URL(r.url).pathname !== "/health")
      fail(`a ${o.status} for a request with ${r.spec.auth} credentials`);
    return problems;
  }
  const session = r.pathSession;
  const key = keyOf(r);
  const replayed = key !== undefined && world.keyed.get(key) === resultId(r, o);
  if (session && GONE.includes(session.kind) && !replayed) {
    // A 409 about the caller's own Idempotency-Key says nothing about the session.
    const keyConflict = o.status === 409 && /^idempotency_key/.test(o.json?.error?.code);
    if (ok || (o.status === 409 && !keyConflict)) fail(`a ${o.status} for a ${session.kind} session id`);
    if (o.status === 404 && r.method !== "HEAD" && o.json?.error?.code !== "not_found")
      fail("a 404 for a session id that is not not_found");
  }
  if (session?.kind === "own-live" && r.spec.endpoint === "GET /api/sessions/:id" && r.method === "GET") {
    if (o.status !== 200 || o.json?.id !== session.id.toLowerCase()) fail(`own live session answered ${o.status}`);
  }
  const doc = r.pathDocument;
  if (doc && (doc.kind === "foreign" || doc.kind === "unknown") && ok) fail(`a ${o.status} for a ${doc.kind} document`);
  if (ADMIN_ONLY.includes(r.spec.endpoint) && r.actor.role !== "admin" && ok)
    fail("a non-admin changed admin-only state");

  const turn = chatResponse(r, o);
  if (turn && r.chatSessionKind && r.chatSessionKind !== "own-live" && !replayed) {
    const sentId = [...r.ids.entries()].find(([, k]) => k === r.chatSessionKind)?.[0];
    if (turn.resumed !== false || turn.session_id === sentId)
      fail(`a chat turn resumed a ${r.chatSessionKind} session`);
  }
  return problems;
}

const KEYED = ["POST /api/chat", "POST /api/sessions", "POST /api/sessions/:id/messages"];

/** The caller's Idempotency-Key as the ledger scopes it (per tenant and user), on an endpoint that honours it. */
function keyOf(r: Resolved): string | undefined {
  const key = r.headers["idempotency-key"]?.trim();
  return key && KEYED.includes(r.spec.endpoint) ? `${r.actor.tenant}:${r.actor.user}|${key}` : undefined;
}

/** What a keyed request created (the turn's query, the message, the session): a replay names the same. */
function resultId(r: Resolved, o: Observed): string | undefined {
  if (o.status < 200 || o.status >= 300) return undefined;
  return r.spec.endpoint === "POST /api/chat" ? chatResponse(r, o)?.user_message?.id : o.json?.id;
}

/** The chat turn's result, streamed or not. */
function chatResponse(r: Resolved, o: Observed): Json {
  if (r.spec.endpoint !== "POST /api/chat" || o.status !== 200) return undefined;
  if (o.json) return o.json;
  const session = o.events?.find((e) => e.event === "session")?.data;
  const done = o.events?.find((e) => e.event === "done")?.data;
  return done && session ? { ...done, resumed: session.resumed } : undefined;
}

/** What a successful response tells the run about the world: sessions, messages, deletions, cursors. */
export function record(world: World, r: Resolved, o: Observed): string[] {
  const problems: string[] = [];
  if (!r.authValid || o.status < 200 || o.status >= 300) return problems;
  const seen = (sessionId: string, m: Json) => {
    const s = world.track(sessionId, r.actor);
    const before = s.messages.get(m.seq);
    if (before && before.id !== m.id) problems.push(`two different messages reported at seq ${m.seq} of ${sessionId}`);
    s.messages.set(m.seq, { id: m.id, role: m.role, content: m.content });
  };
  const key = keyOf(r);
  const created = resultId(r, o);
  if (key && created && !world.keyed.has(key)) world.keyed.set(key, created);
  const body = o.json;
  if (o.json?.next_cursor) world.cursors.push(o.json.next_cursor);
  switch (r.spec.endpoint) {
    case "POST /api/chat": {
      const turn = chatResponse(r, o);
      if (!turn) {
        // A stream reports what went wrong as its `error` event (checked above) under the 200 it had to send first.
        if (!o.events?.some((e) => e.event === "error"))
          problems.push("a 200 chat turn without its result or an error");
        break;
      }
      seen(turn.session_id, turn.user_message);
      seen(turn.session_id, turn.assistant_message);
      break;
    }
    case "POST /api/sessions":
      world.track(body.id, r.actor);
      break;
    case "POST /api/sessions/:id/messages":
      seen(r.pathSession?.id.toLowerCase() as string, body);
      break;
    case "GET /api/sessions/:id/messages":
      if (body.next_before !== null) world.beforeValues.push(body.next_before);
      break;
    case "DELETE /api/sessions/:id": {
      const s = world.sessions.get(r.pathSession?.id.toLowerCase() as string);
      if (s?.fate === "live") s.fate = "deleted";
      break;
    }
    case "DELETE /api/users/:user/data":
      world.erase(body.tenant_id, body.user_id);
      break;
    case "POST /api/knowledge/documents":
      world.documents.set(body.id, { id: body.id, tenant: r.actor.tenant, deleted: false });
      break;
    case "DELETE /api/knowledge/documents/:id": {
      const d = world.documents.get(r.pathDocument?.id as string);
      if (d) d.deleted = true;
      break;
    }
  }
  return problems;
}
