import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { api, chat, freshTenant, type Json } from "../helpers";
import { failure, openaiFor } from "./sdk";

const texts = (items: OpenAI.Conversations.ConversationItem[]) =>
  items.map((item) => (item.type === "message" ? (item.content[0] as { text: string }).text : item.type));

/** A conversation with `n` user messages "m1".."mn", added through /api. */
async function conversationOf(me: { tenant: number; user: number }, n: number): Promise<string> {
  const client = await openaiFor(me);
  const conv = await client.conversations.create({});
  for (let i = 1; i <= n; i++) {
    const res = await api(`/api/sessions/${conv.id}/messages`, { as: me, body: { role: "user", content: `m${i}` } });
    expect(res.status).toBe(201);
  }
  return conv.id;
}

describe("/v1/conversations/{id}/items with the official openai SDK", () => {
  it("pages in both orders across pages: the SDK's cursor paging (after = last_id until has_more is false)", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await conversationOf(me, 7);
    const client = await openaiFor(me);
    const all = ["m1", "m2", "m3", "m4", "m5", "m6", "m7"];

    const asc: OpenAI.Conversations.ConversationItem[] = [];
    for await (const item of client.conversations.items.list(id, { limit: 3, order: "asc" })) asc.push(item);
    expect(texts(asc)).toEqual(all);
    const desc: OpenAI.Conversations.ConversationItem[] = [];
    for await (const item of client.conversations.items.list(id, { limit: 3, order: "desc" })) desc.push(item);
    expect(texts(desc)).toEqual([...all].reverse());
    // Newest first by default, 20 a page.
    expect(texts((await client.conversations.items.list(id)).data)).toEqual([...all].reverse());

    // Page by page, as the SDK walks them.
    let page = await client.conversations.items.list(id, { limit: 3, order: "asc" });
    expect(page.data.map((i) => i.id)).toEqual(asc.slice(0, 3).map((i) => i.id));
    expect(page.has_more).toBe(true);
    expect(page.last_id).toBe(asc[2]?.id);
    const raw = await (await client.conversations.items.list(id, { limit: 3, order: "asc" }).asResponse()).json();
    expect(raw).toMatchObject({ object: "list", first_id: asc[0]?.id, last_id: asc[2]?.id, has_more: true });
    page = await page.getNextPage();
    expect(texts(page.data)).toEqual(["m4", "m5", "m6"]);
    page = await page.getNextPage();
    expect(texts(page.data)).toEqual(["m7"]);
    expect(page.has_more).toBe(false);
    expect(page.hasNextPage()).toBe(false);
    // A page exactly at the end says there is no more.
    const last = await client.conversations.items.list(id, { limit: 1, order: "desc", after: asc[1]?.id });
    expect(texts(last.data)).toEqual(["m1"]);
    expect(last.has_more).toBe(false);
  });

  it("item ids are the message ids, stable across both doors; retrieve one by id", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const turn = await chat(me, "Mi a távmunka szabályzat?");
    const sessionId = turn.body.session_id;
    const client = await openaiFor(me);
    const items = (await client.conversations.items.list(sessionId, { order: "asc" })).data;
    expect(items.map((i) => i.id)).toEqual([turn.body.user_message.id, turn.body.assistant_message.id]);
    expect(items[0]).toEqual({
      id: turn.body.user_message.id,
      type: "message",
      role: "user",
      status: "completed",
      content: [{ type: "input_text", text: "Mi a távmunka szabályzat?" }],
    });
    expect(items[1]).toMatchObject({
      role: "assistant",
      content: [{ type: "output_text", text: turn.body.answer, annotations: [], logprobs: [] }],
    });
    const one = await client.conversations.items.retrieve(turn.body.assistant_message.id, {
      conversation_id: sessionId,
    });
    expect(one).toEqual(items[1]);
    const missing = await failure(
      client.conversations.items.retrieve(crypto.randomUUID(), { conversation_id: sessionId }),
    );
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.message).toBe("404 item not found");
  });

  it("create: several messages in one change, text as a string or input_text/output_text parts", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    const added = await client.conversations.items.create(conv.id, {
      items: [
        { type: "message", role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "input_text", text: "Part one." },
            { type: "input_text", text: "Two." },
          ],
        },
        { role: "assistant", content: [{ type: "output_text", text: "Noted.", annotations: [] }] } as Json,
      ],
    });
    expect(added.object).toBe("list");
    expect(added.has_more).toBe(false);
    expect(texts(added.data)).toEqual(["Be brief.", "Part one.\nTwo.", "Noted."]);
    expect(added.first_id).toBe(added.data[0]?.id);
    expect(added.last_id).toBe(added.data[2]?.id);
    const history = (await api(`/api/sessions/${conv.id}/messages`, { as: me })).body.messages;
    expect(history.map((m: Json) => [m.id, m.role, m.content])).toEqual(
      added.data.map((i) => [i.id, (i as Json).role, texts([i])[0]]),
    );
  });

  it("refuses what it cannot store, storing nothing: images, tool items, too many; an ended conversation is 409", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    const image = { type: "input_image", image_url: "https://x.test/a.png", detail: "auto" };
    const bad: [Json, string, string][] = [
      [
        [
          { role: "user", content: "ok" },
          { role: "user", content: [image] },
        ],
        "items[1].content[0].type",
        "unsupported_parameter",
      ],
      [
        [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }],
        "items[0].content[0].type",
        "unsupported_parameter",
      ],
      [[{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }], "items[0].type", "unsupported_parameter"],
      [Array.from({ length: 21 }, () => ({ role: "user", content: "x" })), "items", "invalid_request"],
      [[], "items", "invalid_request"],
    ];
    for (const [items, param, code] of bad) {
      const err = await failure(client.conversations.items.create(conv.id, { items }));
      expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.error, param).toMatchObject({ param, code });
    }
    const include = await failure(
      client.conversations.items.create(conv.id, {
        items: [{ role: "user", content: "x" }],
        include: ["message.output_text.logprobs"],
      }),
    );
    expect(include.error).toMatchObject({ param: "include", code: "unsupported_parameter" });
    expect((await client.conversations.items.list(conv.id)).data).toEqual([]);

    expect((await api(`/api/sessions/${conv.id}/end`, { as: me, method: "POST" })).status).toBe(200);
    const ended = await failure(
      client.conversations.items.create(conv.id, { items: [{ role: "user", content: "x" }] }),
    );
    expect(ended).toBeInstanceOf(OpenAI.ConflictError);
    expect(ended.error).toMatchObject({ code: "session_ended" });
    // Still readable.
    expect((await client.conversations.items.list(conv.id)).data).toEqual([]);
  });

  it("an unknown cursor is a 400 naming after; another user's conversation is a 404 for every item call", async () => {
    const tenant = freshTenant();
    const id = await conversationOf({ tenant, user: 1 }, 2);
    const mine = await openaiFor({ tenant, user: 1 });
    const cursor = await failure(mine.conversations.items.list(id, { after: crypto.randomUUID() }));
    expect(cursor).toBeInstanceOf(OpenAI.BadRequestError);
    expect(cursor.error).toMatchObject({ param: "after" });
    const itemId = (await mine.conversations.items.list(id)).data[0]?.id as string;

    const other = await openaiFor({ tenant, user: 2 });
    for (const call of [
      other.conversations.items.list(id),
      other.conversations.items.retrieve(itemId, { conversation_id: id }),
      other.conversations.items.create(id, { items: [{ role: "user", content: "x" }] }),
    ]) {
      expect(await failure(call)).toBeInstanceOf(OpenAI.NotFoundError);
    }
    expect((await mine.conversations.items.list(id)).data).toHaveLength(2);
  });

  it("Idempotency-Key on items.create: a retry returns the same items and stores nothing more", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    const headers = { "Idempotency-Key": `k-${crypto.randomUUID()}` };
    const body = { items: [{ role: "user" as const, content: "once" }] };
    const first = await client.conversations.items.create(conv.id, body, { headers });
    expect(await client.conversations.items.create(conv.id, body, { headers })).toEqual(first);
    expect((await client.conversations.items.list(conv.id)).data).toHaveLength(1);
  });

  it("deleting an item is refused: a conversation's history is append-only", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await conversationOf(me, 1);
    const client = await openaiFor(me);
    const itemId = (await client.conversations.items.list(id)).data[0]?.id as string;
    const err = await failure(client.conversations.items.delete(itemId, { conversation_id: id }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toMatchObject({ code: "unsupported_operation" });
    expect((await client.conversations.items.list(id)).data).toHaveLength(1);
  });
});
