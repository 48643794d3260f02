import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import {
  addItems,
  createConversation,
  deleteConversation,
  getConversation,
  getItem,
  listItems,
  updateConversation,
} from "../client/conversations";
import { idempotencyKeyOf } from "../idempotency/header";
import { conversationCreate, conversationUpdate, itemQuery, itemsCreate, itemsList } from "./bodies";
import { docs } from "./docs";
import { V1Error } from "./errors";
import { messagesOf } from "./input";
import { deletedConversation, itemList, toConversation, toItem } from "./objects";
import { v1Json, v1OptionalJson, v1Query } from "./params";

/** The conversation id in the path (the session's id), noted for the access log. */
function pathConversation(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  c.set("sessionId", id);
  return id;
}

const owner = (c: Context<AppEnv>) => {
  const who = c.get("identity");
  return { tenantId: who.tenantId, userId: who.userId, requestId: who.requestId };
};

/**
 * /v1/conversations: one conversation is one session (same id, same
 * lifecycle, same tenancy), and its items are the session's messages.
 */
export const conversationRoutes = new Hono<AppEnv>()
  .post("/", docs.createConversation, v1OptionalJson(conversationCreate), async (c) => {
    const body = c.req.valid("json");
    const messages = messagesOf(body.items ?? [], "items", c.get("config"));
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const initial = { metadata: body.metadata ?? {}, messages };
    const conversation = await createConversation(c.env, c.get("config"), owner(c), key, initial);
    c.set("sessionId", conversation.id);
    return c.json(toConversation(conversation));
  })
  .get("/:id", docs.getConversation, async (c) =>
    c.json(toConversation(await getConversation(c.env, owner(c), pathConversation(c)))),
  )
  .post("/:id", docs.updateConversation, v1Json(conversationUpdate), async (c) => {
    const metadata = c.req.valid("json").metadata ?? {};
    return c.json(toConversation(await updateConversation(c.env, owner(c), pathConversation(c), metadata)));
  })
  .delete("/:id", docs.deleteConversation, async (c) => {
    const id = pathConversation(c);
    await deleteConversation(c.env, owner(c), id);
    return c.json(deletedConversation(id));
  })
  .get("/:id/items", docs.listItems, v1Query(itemsList), async (c) => {
    const q = c.req.valid("query");
    const query = { limit: q.limit, order: q.order, ...(q.after === undefined ? {} : { after: q.after }) };
    const page = await listItems(c.env, owner(c), pathConversation(c), query);
    return c.json(itemList(page.messages, page.has_more));
  })
  .post("/:id/items", docs.addItems, v1Query(itemQuery), v1Json(itemsCreate), async (c) => {
    const messages = messagesOf(c.req.valid("json").items, "items", c.get("config"));
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const added = await addItems(c.env, c.get("config"), owner(c), pathConversation(c), key, messages);
    return c.json(itemList(added, false));
  })
  .get("/:id/items/:item_id", docs.getItem, v1Query(itemQuery), async (c) => {
    const item = await getItem(c.env, owner(c), pathConversation(c), c.req.param("item_id"));
    return c.json(toItem(item));
  })
  .delete("/:id/items/:item_id", docs.deleteItem, () => {
    throw new V1Error(400, "unsupported_operation", "items cannot be deleted: a conversation's history is append-only");
  });
