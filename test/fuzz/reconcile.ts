import { env } from "cloudflare:workers";
import { api, type Json, settleIndex } from "../helpers";
import { type Actor, sameOwner, type TrackedSession, type World } from "./world";

const as = (a: Actor) => ({ tenant: a.tenant, user: a.user, role: a.role });

/** Every session the caller's list shows (status=all), paged to the end. */
async function listed(actor: Actor, problems: string[]): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await api(`/api/sessions?status=all&limit=100${q}`, { as: as(actor) });
    if (page.status !== 200) {
      problems.push(`${actor.name}: list answered ${page.status}`);
      break;
    }
    for (const s of page.body.sessions) out.set(s.id, s);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

/** Every long-term summary the caller's memory shows, paged to the end. */
async function memories(actor: Actor, problems: string[]): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await api(`/api/memory?limit=100${q}`, { as: as(actor) });
    if (page.status !== 200) {
      problems.push(`${actor.name}: memory answered ${page.status}`);
      break;
    }
    out.push(...page.body.summaries);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

/** The whole history, newest page first, paged back with `before` until there is no more. */
async function history(s: TrackedSession): Promise<{ status: number; messages: Json[] }> {
  const messages: Json[] = [];
  let before: number | null = null;
  do {
    const q: string = before === null ? "" : `&before=${before}`;
    const page = await api(`/api/sessions/${s.id}/messages?limit=100${q}`, { as: as(s.owner) });
    if (page.status !== 200) return { status: page.status, messages };
    messages.unshift(...page.body.messages);
    before = page.body.next_before;
  } while (before !== null);
  return { status: 200, messages };
}

/** Where a stored message first differs from the one a response reported, with some context. */
function difference(stored: Json, seen: { id: string; role: string; content: string }): string {
  if (!stored) return "nothing stored";
  if (stored.id !== seen.id || stored.role !== seen.role)
    return `stored ${stored.id}/${stored.role}, reported ${seen.id}/${seen.role}`;
  const a = stored.content as string;
  const b = seen.content;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40));
  return `content from char ${i}: stored ${around(a)}, reported ${around(b)} (lengths ${a.length}, ${b.length})`;
}

const d1Row = (id: string) =>
  env.DB.prepare("SELECT message_count, is_deleted, user_id, tenant_id FROM chat_sessions WHERE id = ?")
    .bind(id)
    .first<{ message_count: number; is_deleted: number; user_id: number; tenant_id: number }>();

async function checkLive(s: TrackedSession, list: Map<string, Json>, problems: string[]): Promise<void> {
  const fail = (p: string) => problems.push(`${s.id} (${s.owner.name}): ${p}`);
  const info = await api(`/api/sessions/${s.id}`, { as: as(s.owner) });
  if (info.status !== 200) {
    fail(`GET answered ${info.status}`);
    return;
  }
  const n = info.body.message_count as number;
  const h = await history(s);
  if (h.status !== 200) {
    fail(`history answered ${h.status}`);
    return;
  }
  const seqs = h.messages.map((m) => m.seq);
  if (seqs.length !== n || seqs.some((seq, i) => seq !== i + 1)) {
    fail(
      `history seqs are not 1..${n}: [${seqs.slice(0, 12).join(",")}${seqs.length > 12 ? ",…" : ""}] (${seqs.length})`,
    );
  }
  const highestSeen = Math.max(0, ...s.messages.keys());
  if (highestSeen !== n) fail(`message_count ${n}, but responses reported messages up to seq ${highestSeen}`);
  for (const [seq, seen] of s.messages) {
    const stored = h.messages[seq - 1];
    if (!stored || stored.id !== seen.id || stored.role !== seen.role || stored.content !== seen.content) {
      fail(`seq ${seq}: history and response differ: ${difference(stored, seen)}`);
    }
  }
  const row = await d1Row(s.id);
  if (!row) fail("no D1 index row");
  else if (row.message_count !== n || row.is_deleted !== 0) fail(`D1 row ${JSON.stringify(row)} vs message_count ${n}`);
  const entry = list.get(s.id);
  if (!entry) fail("missing from the owner's list");
  else if (JSON.stringify(entry) !== JSON.stringify(info.body)) {
    fail(`listed as ${JSON.stringify(entry)}, the session says ${JSON.stringify(info.body)}`);
  }
  const transcript = await api(`/api/sessions/${s.id}/transcript`, { as: as(s.owner) });
  const lines = String(transcript.body ?? "")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  if (transcript.status !== 200 || JSON.stringify(lines) !== JSON.stringify(h.messages)) {
    fail(`the transcript (${transcript.status}, ${lines.length} lines) is not the history (${h.messages.length})`);
  }
}

async function checkGone(s: TrackedSession, list: Map<string, Json>, problems: string[]): Promise<void> {
  const fail = (p: string) => problems.push(`${s.id} (${s.owner.name}, ${s.fate}): ${p}`);
  for (const path of [`/api/sessions/${s.id}`, `/api/sessions/${s.id}/messages`]) {
    const res = await api(path, { as: as(s.owner) });
    if (res.status !== 404) fail(`${path} answered ${res.status}`);
  }
  if (list.has(s.id)) fail("still in the owner's list");
  const row = await d1Row(s.id);
  if (s.fate === "deleted" && row?.is_deleted !== 1) fail(`D1 row ${JSON.stringify(row)} is not marked deleted`);
  if (s.fate === "erased" && row) fail(`D1 row ${JSON.stringify(row)} survived the erasure`);
}

/**
 * After the run: every session's object, history, transcript, message_count,
 * list entry and D1 index row agree, deleted and erased sessions are gone
 * from every read (memory included), and no list holds a session the run
 * never saw created. Index retries
 * still pending are run first (the row may lag by design until then).
 */
export async function reconcile(world: World): Promise<string[]> {
  const problems: string[] = [];
  await settleIndex(...world.sessions.keys());
  for (const actor of world.actors) {
    const list = await listed(actor, problems);
    const mine = [...world.sessions.values()].filter((s) => sameOwner(s.owner, actor));
    for (const s of mine) {
      if (s.fate === "live") await checkLive(s, list, problems);
      else await checkGone(s, list, problems);
    }
    const tracked = new Set(mine.map((s) => s.id));
    for (const id of list.keys()) {
      if (!tracked.has(id)) problems.push(`${actor.name}: lists ${id}, never reported created`);
    }
    const live = new Set(mine.filter((s) => s.fate === "live").map((s) => s.id));
    for (const summary of await memories(actor, problems)) {
      if (!live.has(summary.session_id))
        problems.push(`${actor.name}: memory holds a summary of ${summary.session_id}`);
    }
  }
  return problems;
}
