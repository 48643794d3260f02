import type { Json } from "../helpers";
import type { Body, DocRef, FuzzRequest, IdRef, PathPart, QueryValue, Template } from "./values";
import type { Actor, World } from "./world";

/** What an id in a request is to its caller; decides what the response may be. */
export type IdKind = "own-live" | "own-gone" | "foreign" | "unknown" | "raw";

/** A fuzzed request made concrete against the run's state, plus what the checks need to know about it. */
export interface Resolved {
  spec: FuzzRequest;
  actor: Actor;
  authValid: boolean;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Session ids the request names (path and body), with what each is to the caller. */
  ids: Map<string, IdKind>;
  pathSession?: { id: string; kind: IdKind };
  pathDocument?: { id: string; kind: IdKind };
  /** POST /api/sessions/end: the kind of each id sent, in order. */
  batchKinds?: IdKind[];
  /** POST /api/chat: what the session_id sent was, if one was. */
  chatSessionKind?: IdKind;
}

const safeSegment = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "x"; // lone surrogates cannot be percent-encoded
  }
};

function resolveId(world: World, actor: Actor, ref: IdRef): { id: string; kind: IdKind } {
  const pick = <T>(list: T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];
  switch (ref.ref) {
    case "own": {
      const s = pick(world.sessionsOf(actor, ["live"]), ref.pick);
      if (s) return { id: ref.upper ? s.id.toUpperCase() : s.id, kind: "own-live" };
      break;
    }
    case "gone": {
      const s = pick(world.sessionsOf(actor, ["deleted", "erased"]), ref.pick);
      if (s) return { id: s.id, kind: "own-gone" };
      break;
    }
    case "foreign": {
      const s = pick(world.foreignSessions(actor), ref.pick);
      if (s) return { id: s.id, kind: "foreign" };
      break;
    }
    case "raw":
      return { id: ref.text, kind: "raw" };
  }
  return { id: crypto.randomUUID(), kind: "unknown" };
}

function resolveDoc(world: World, actor: Actor, ref: DocRef): { id: string; kind: IdKind } {
  if (ref.ref === "raw") return { id: ref.text, kind: "raw" };
  const docs = world.documentsOf(actor.tenant, ref.ref === "own");
  const doc = docs[ref.pick % Math.max(docs.length, 1)];
  if (!doc) return { id: crypto.randomUUID(), kind: "unknown" };
  return { id: doc.id, kind: ref.ref === "own" ? (doc.deleted ? "own-gone" : "own-live") : "foreign" };
}

/** The placeholder's argument if `t` is `{[key]: argument}`, else undefined. */
function placeholder(t: object, key: string): Json {
  return key in t && Object.keys(t).length === 1 ? (t as Record<string, unknown>)[key] : undefined;
}

function deepJson(n: number, shape: "array" | "metadata" | "user_context"): string {
  if (shape === "array") return "[".repeat(n) + "]".repeat(n);
  const nested = shape === "metadata" ? `${'{"a":'.repeat(n)}1${"}".repeat(n)}` : "[".repeat(n) + "]".repeat(n);
  return `{"role":"user","content":"deep","query":"deep","title":"deep","body":"deep","${shape}":${nested}}`;
}

export function resolve(world: World, spec: FuzzRequest): Resolved {
  const actor = world.actor(spec.actor);
  const ids = new Map<string, IdKind>();
  const out: Resolved = {
    spec,
    actor,
    authValid: spec.auth === "valid",
    method: spec.method,
    url: "",
    headers: {},
    ids,
  };
  const id = (ref: IdRef) => {
    const r = resolveId(world, actor, ref);
    ids.set(r.id.toLowerCase(), r.kind);
    return r;
  };

  const template = (t: Template): unknown => {
    if (Array.isArray(t)) return t.map(template);
    if (t === null || typeof t !== "object") return t;
    const ref: IdRef | undefined = placeholder(t, "$id");
    if (ref) return id(ref).id;
    const big: [string, number] | undefined = placeholder(t, "$big");
    if (big) return big[0].repeat(big[1]);
    const uc: string | undefined = placeholder(t, "$uc");
    if (uc) {
      const { tenant, user } = actor;
      if (uc === "other-user") return { tenant_id: tenant, user_id: user + 1 };
      if (uc === "other-tenant") return { tenant_id: tenant + 1, user_id: user };
      if (uc === "strings") return { tenant_id: String(tenant), user_id: String(user) };
      return { tenant_id: tenant, user_id: user };
    }
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, template(v as Template)]));
  };

  const segment = (p: PathPart): string => {
    if (typeof p === "string") return safeSegment(p);
    if ("$id" in p) {
      const r = id(p.$id);
      // "", "." and ".." are not an id segment at all: the URL resolves to another route.
      if (!["", ".", ".."].includes(r.id)) out.pathSession = r;
      return safeSegment(r.id);
    }
    if ("$doc" in p) {
      out.pathDocument = resolveDoc(world, actor, p.$doc);
      return safeSegment(out.pathDocument.id);
    }
    const u = p.$user;
    return safeSegment(u === "self" ? String(actor.user) : String(u));
  };
  const path = spec.path.map(segment).join("/");
  const params = new URLSearchParams();
  for (const [key, value] of spec.query ?? []) params.append(key, queryValue(world, value));
  const query = params.toString();
  out.url = `http://sessions.test/${path}${query ? `?${query}` : ""}`;

  if (spec.body && spec.method !== "GET" && spec.method !== "HEAD") {
    out.body = bodyText(spec.body, template);
    if (spec.endpoint === "POST /api/sessions/end" && "json" in spec.body) {
      const sent = (template(spec.body.json) as { session_ids?: unknown })?.session_ids;
      if (Array.isArray(sent))
        out.batchKinds = sent.map((s) => (typeof s === "string" ? (ids.get(s.toLowerCase()) ?? "raw") : "raw"));
    }
    if (spec.endpoint === "POST /api/chat") {
      const parsed = safeParse(out.body) as { session_id?: unknown } | null;
      if (parsed && typeof parsed.session_id === "string")
        out.chatSessionKind = ids.get(parsed.session_id.toLowerCase()) ?? "raw";
    }
  }
  out.headers = headersFor(world, actor, spec, out.body !== undefined);
  return out;
}

function bodyText(body: Body, template: (t: Template) => unknown): string {
  if ("raw" in body) return body.raw;
  if ("deep" in body) return deepJson(body.deep, body.shape);
  return JSON.stringify(template(body.json));
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function queryValue(world: World, v: QueryValue): string {
  if (typeof v === "string") return v;
  if ("$cursor" in v) return world.cursors[v.$cursor % Math.max(world.cursors.length, 1)] ?? "no-cursor-yet";
  return String(world.beforeValues[v.$before % Math.max(world.beforeValues.length, 1)] ?? 1);
}

function headersFor(world: World, actor: Actor, spec: FuzzRequest, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  const auth = world.authorization(actor, spec.auth);
  if (auth !== undefined) h.authorization = auth;
  const contentType = spec.contentType ?? (hasBody ? "application/json" : undefined);
  if (contentType) h["content-type"] = contentType;
  if (spec.accept) h.accept = spec.accept;
  if (spec.requestId !== undefined) h["x-request-id"] = spec.requestId;
  const key = spec.idempotencyKey;
  if (key) h["idempotency-key"] = "pool" in key ? `fuzz-key-${key.pool}` : key.raw;
  return h;
}
