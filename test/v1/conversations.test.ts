import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { api, freshTenant, newSession } from "../helpers";
import { failure, openaiFor } from "./sdk";

describe("/v1/conversations with the official openai SDK", () => {
  it("create, retrieve, update, delete: one conversation is one session, under the same id", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);

    const created = await client.conversations.create({ metadata: { topic: "remote work" } });
    expect(created).toEqual({
      id: expect.any(String),
      object: "conversation",
      created_at: expect.any(Number),
      metadata: { topic: "remote work" },
    });
    expect(Math.abs(created.created_at - Date.now() / 1000)).toBeLessThan(60);
    // The same session on the other door, listed there at once.
    const session = await api(`/api/sessions/${created.id}`, { as: me });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ id: created.id, status: "active", message_count: 0 });
    expect((await api("/api/sessions", { as: me })).body.sessions.map((s: { id: string }) => s.id)).toEqual([
      created.id,
    ]);

    expect(await client.conversations.retrieve(created.id)).toEqual(created);
    const updated = await client.conversations.update(created.id, { metadata: { topic: "home office", n: "2" } });
    expect(updated).toEqual({ ...created, metadata: { topic: "home office", n: "2" } });
    expect((await client.conversations.retrieve(created.id)).metadata).toEqual({ topic: "home office", n: "2" });

    expect(await client.conversations.delete(created.id)).toEqual({
      id: created.id,
      object: "conversation.deleted",
      deleted: true,
    });
    const gone = await failure(client.conversations.retrieve(created.id));
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect(gone.error).toMatchObject({ type: "invalid_request_error", code: "not_found" });
    expect((await api(`/api/sessions/${created.id}`, { as: me })).status).toBe(404);
    expect((await failure(client.conversations.delete(created.id))).status).toBe(404);
  });

  it("initial items are stored with the conversation, in order, as its first messages", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const created = await client.conversations.create({
      items: [
        { type: "message", role: "system", content: "Answer briefly." },
        { role: "user", content: [{ type: "input_text", text: "Hi" }] },
        { role: "assistant", content: "Hello!" },
      ],
    });
    expect(created.metadata).toEqual({});
    const messages = (await api(`/api/sessions/${created.id}/messages`, { as: me })).body.messages;
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["system", "Answer briefly."],
      ["user", "Hi"],
      ["assistant", "Hello!"],
    ]);
  });

  it("a session created through /api is a conversation", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const client = await openaiFor(me);
    expect(await client.conversations.retrieve(id)).toMatchObject({ id, object: "conversation", metadata: {} });
  });

  it("another user's or tenant's conversation, and an unknown id, are one and the same 404", async () => {
    const tenant = freshTenant();
    const mine = await (await openaiFor({ tenant, user: 1 })).conversations.create({});
    for (const other of [
      { tenant, user: 2 },
      { tenant: freshTenant(), user: 1 },
    ]) {
      const client = await openaiFor(other);
      for (const id of [mine.id, crypto.randomUUID(), "conv_nope"]) {
        const err = await failure(client.conversations.retrieve(id));
        expect(err).toBeInstanceOf(OpenAI.NotFoundError);
        expect(err.message).toBe("404 conversation not found");
        expect((await failure(client.conversations.update(id, { metadata: {} }))).status).toBe(404);
        expect((await failure(client.conversations.delete(id))).status).toBe(404);
      }
    }
    // Still there for its owner.
    expect((await (await openaiFor({ tenant, user: 1 })).conversations.retrieve(mine.id)).id).toBe(mine.id);
  });

  it("a bad token is an AuthenticationError in OpenAI's error shape", async () => {
    const client = await openaiFor({ tenant: 1, user: 1 }, { apiKey: "not-a-jwt" });
    const err = await failure(client.conversations.create({}));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.error).toEqual({
      message: "malformed token",
      type: "authentication_error",
      param: null,
      code: "unauthorized",
    });
    expect(err.requestID).toEqual(expect.any(String));
  });

  it("metadata outside OpenAI's limits, and unknown parameters, are 400s naming the parameter", async () => {
    const client = await openaiFor({ tenant: freshTenant(), user: 1 });
    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
    const cases: [unknown, string, string][] = [
      [{ metadata: tooMany }, "metadata", "invalid_request"],
      [{ metadata: { k: "x".repeat(513) } }, "metadata.k", "invalid_request"],
      [{ metadata: { k: 1 } }, "metadata.k", "invalid_request"],
      [{ colour: "blue" }, "colour", "unknown_parameter"],
      [
        { items: [{ role: "user", content: [{ type: "input_image", image_url: "x" }] }] },
        "items[0].content[0].type",
        "unsupported_parameter",
      ],
      [
        { items: [{ type: "function_call_output", call_id: "c", output: "x" }] },
        "items[0].type",
        "unsupported_parameter",
      ],
      [{ items: [{ role: "developer", content: "x" }] }, "items[0].role", "invalid_request"],
      [{ items: [{ role: "user", content: " " }] }, "items[0].content", "invalid_request"],
    ];
    for (const [body, param, code] of cases) {
      const err = await failure(client.conversations.create(body as OpenAI.Conversations.ConversationCreateParams));
      expect(err, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.error, JSON.stringify(body)).toMatchObject({ type: "invalid_request_error", param, code });
    }
    expect((await api("/api/sessions", { as: { tenant: freshTenant(), user: 1 } })).body.sessions).toEqual([]);
  });

  it("text over MAX_MESSAGE_CHARS is a 413 naming the parameter; a body too large to hold it is a 413 unread", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const long = "x".repeat(32_001);
    const cases: [() => Promise<unknown>, string | null][] = [
      [() => client.responses.create({ model: "m", input: long }), "input"],
      [() => client.responses.create({ model: "m", input: "Hi?", instructions: long }), "instructions"],
      [
        () =>
          client.conversations.create({
            items: [
              { role: "user", content: "ok" },
              { role: "user", content: long },
            ],
          }),
        "items[1].content",
      ],
      // Past the byte cap of the largest /v1 body (20 messages at the limit): refused before it is read.
      [() => client.responses.create({ model: "m", input: "y".repeat(9_000_000) }), null],
    ];
    for (const [call, param] of cases) {
      const err = await failure(call());
      expect(err.status, String(param)).toBe(413);
      expect(err.error, String(param)).toMatchObject({
        type: "invalid_request_error",
        param,
        code: "payload_too_large",
      });
    }
    expect((await api("/api/sessions", { as: me })).body.sessions).toEqual([]);
  });

  it("Idempotency-Key: the same create again returns the same conversation and makes no other", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const headers = { "Idempotency-Key": `k-${crypto.randomUUID()}` };
    const first = await client.conversations.create({ metadata: { a: "1" } }, { headers });
    expect(await client.conversations.create({ metadata: { a: "1" } }, { headers })).toEqual(first);
    const reused = await failure(client.conversations.create({ metadata: { a: "2" } }, { headers }));
    expect(reused).toBeInstanceOf(OpenAI.ConflictError);
    expect(reused.error).toMatchObject({ code: "idempotency_key_reused" });
    expect(reused.headers?.get("x-should-retry")).toBe("false");
    expect((await api("/api/sessions", { as: me })).body.sessions).toHaveLength(1);
  });

  it("an ended conversation is read-only: updating it is a 409 the SDK is told not to retry", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({ metadata: { a: "1" } });
    expect((await api(`/api/sessions/${conv.id}/end`, { as: me, method: "POST" })).status).toBe(200);
    const err = await failure(client.conversations.update(conv.id, { metadata: { a: "2" } }));
    expect(err).toBeInstanceOf(OpenAI.ConflictError);
    expect(err.error).toMatchObject({ code: "session_ended" });
    expect(err.headers?.get("x-should-retry")).toBe("false");
    expect((await client.conversations.retrieve(conv.id)).metadata).toEqual({ a: "1" });
  });
});
