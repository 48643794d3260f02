import type { Config } from "../config";
import { ApiError, notFound } from "../errors";
import { runKeyed } from "../idempotency/claims";
import type { InitialContent } from "../session-object";
import type { Caller, ConversationView, ItemsPage, ItemsQuery, MessageView, NewMessage, Owner } from "../session-types";
import { leaseMs } from "./chat";
import { unwrap } from "./refusals";
import { newSession, refused } from "./session-writes";
import { sessionIds, sessionStub } from "./stubs";

/**
 * Sessions as conversations (the /v1 door): one conversation is one session,
 * under the same id, so both doors see the same thing. Ids the caller was
 * not issued are unknown; refusals are thrown as ApiErrors.
 */

/** The session a conversation id names, if it was issued to the caller; else 404, with no lookup. */
async function conversationId(env: Env, caller: Caller, raw: string): Promise<string> {
  const id = await sessionIds(env).verify(caller, raw);
  if (!id) throw notFound("conversation");
  return id;
}

/** A new session with the client's labels and first messages, stored with it, under the request's key. */
export async function createConversation(
  env: Env,
  config: Config,
  owner: Owner,
  key: string | undefined,
  initial: InitialContent,
): Promise<ConversationView> {
  const proposedSessionId = key ? await sessionIds(env).mint(owner) : null;
  const route = { key, route: "POST /v1/conversations", session: null, body: initial, proposedSessionId };
  const done = await runKeyed<ConversationView>(env, owner, { ...route, leaseMs: leaseMs(config) }, async (claim) => {
    const made = await newSession(env, config, owner, claim, initial);
    return made.ok ? { kind: "done", status: 200, body: made.value.conversation } : refused(made);
  });
  return done.body;
}

export async function getConversation(env: Env, caller: Caller, rawId: string): Promise<ConversationView> {
  const id = await conversationId(env, caller, rawId);
  const conversation = await sessionStub(env, id).conversation(caller);
  if (!conversation) throw notFound("conversation");
  return conversation;
}

/** Replaces the conversation's labels (409 once the session has ended: it is read-only). */
export async function updateConversation(
  env: Env,
  caller: Caller,
  rawId: string,
  metadata: Record<string, string>,
): Promise<ConversationView> {
  const id = await conversationId(env, caller, rawId);
  const updated = await sessionStub(env, id).setMetadata(caller, metadata);
  if (!updated.ok && updated.refusal === "not_found") throw notFound("conversation");
  return unwrap(updated);
}

/** A page of the conversation's messages; `after` must name one of them (400 otherwise). */
export async function listItems(env: Env, caller: Caller, rawId: string, query: ItemsQuery): Promise<ItemsPage> {
  const id = await conversationId(env, caller, rawId);
  const page = await sessionStub(env, id).items(caller, query);
  if (page === null) throw notFound("conversation");
  if (page === "unknown_after") {
    const message = "after: no item with this id in the conversation";
    throw new ApiError(400, "invalid_request", message, [{ field: "after", message }]);
  }
  return page;
}

export async function getItem(env: Env, caller: Caller, rawId: string, itemId: string): Promise<MessageView> {
  const id = await conversationId(env, caller, rawId);
  const item = await sessionStub(env, id).item(caller, itemId);
  if (!item) throw notFound("item");
  return item;
}

/** Appends the messages in one change (all or none), under the request's Idempotency-Key. */
export async function addItems(
  env: Env,
  config: Config,
  owner: Owner,
  rawId: string,
  key: string | undefined,
  messages: NewMessage[],
): Promise<MessageView[]> {
  const id = await conversationId(env, owner, rawId);
  const request = { key, route: "POST /v1/conversations/:id/items", session: id, body: messages };
  const keyed = { ...request, proposedSessionId: null, leaseMs: leaseMs(config) };
  const done = await runKeyed<MessageView[]>(env, owner, keyed, async (claim) => {
    const appended = await sessionStub(env, id).appendAll(owner, messages, claim.attempt ? claim.token : undefined);
    if (appended.ok) return { kind: "done", status: 200, body: appended.value };
    return appended.refusal === "not_found" ? { kind: "refused", error: notFound("conversation") } : refused(appended);
  });
  return done.body;
}

/** Soft delete, as DELETE /api/sessions/:id: gone at once from both doors. */
export async function deleteConversation(env: Env, caller: Caller, rawId: string): Promise<void> {
  const id = await conversationId(env, caller, rawId);
  if (!(await sessionStub(env, id).softDelete(caller))) throw notFound("conversation");
}
