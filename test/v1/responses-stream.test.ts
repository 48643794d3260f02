import { runInDurableObject } from "cloudflare:test";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import policy from "../../examples/tavmunka-szabalyzat.md?raw";
import { WorkersAiAnswerProvider } from "../../src/answer/workers-ai";
import type { SessionObject } from "../../src/session-object";
import { api, freshTenant, type Json, loadDocument, streamingAi, stubFor } from "../helpers";
import { failure, openaiFor, scriptUpstream } from "./sdk";

type Event = OpenAI.Responses.ResponseStreamEvent;

async function collect(stream: AsyncIterable<Event>): Promise<Event[]> {
  const events: Event[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The event types in order, with the run of deltas written once. */
const shape = (events: Event[]) =>
  events.map((e) => e.type).filter((t, i, all) => !(t === "response.output_text.delta" && all[i - 1] === t));

const OPENING = [
  "response.created",
  "response.in_progress",
  "response.output_item.added",
  "response.content_part.added",
  "response.output_text.delta",
];

async function useWorkersAi(sessionId: string, tokens: string[], breakAfter?: number) {
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(() => ({ answers: new WorkersAiAnswerProvider(streamingAi(tokens, breakAfter), "@cf/test/chat") }));
  });
}

describe("streamed /v1/responses with the official openai SDK", () => {
  it("the standard event sequence, numbered; the deltas join to the stored, cited answer", async () => {
    const tenant = freshTenant();
    await loadDocument(tenant, { title: "Távmunka", body: policy, source_url: "https://intranet.example/t" });
    const me = { tenant, user: 1 };
    const client = await openaiFor(me);
    const stream = await client.responses.create({ model: "m", input: "Mennyi home office nap?", stream: true });
    const events = await collect(stream);

    const annotations = events.filter((e) => e.type === "response.output_text.annotation.added");
    expect(annotations.length).toBeGreaterThan(0);
    expect(shape(events)).toEqual([
      ...OPENING,
      ...annotations.map(() => "response.output_text.annotation.added"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));

    const created = events[0] as OpenAI.Responses.ResponseCreatedEvent;
    expect(created.response).toMatchObject({ status: "in_progress", output: [], model: "m" });
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.id).toBe(created.response.id);
    const streamed = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : [])).join("");
    const conversationId = completed.response.conversation?.id as string;
    const stored = (await api(`/api/sessions/${conversationId}/messages`, { as: me })).body.messages[1];
    expect(streamed).toBe(stored.content);
    const added = events[2] as OpenAI.Responses.ResponseOutputItemAddedEvent;
    expect(added.item.id).toBe(stored.id);
    const message = completed.response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message.content[0]).toMatchObject({ type: "output_text", text: stored.content });
    expect((message.content[0] as OpenAI.Responses.ResponseOutputText).annotations).toEqual(
      annotations.map((a) => (a as Json).annotation),
    );
    // What was streamed is what is kept (the SDK adds output_text to what it retrieves).
    const { output_text: _, ...retrieved } = await client.responses.retrieve(completed.response.id);
    expect(retrieved).toEqual(completed.response);
  });

  it("the SDK's responses.stream() helper accumulates it into the final response, live model tokens included", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    const tokens = ["Hetente ", "legfeljebb ", "két ", "home office ", "nap."];
    await useWorkersAi(conv.id, tokens);

    const seen: string[] = [];
    const stream = client.responses
      .stream({ model: "m", conversation: conv.id, input: "Hány nap?" })
      .on("response.output_text.delta", (e) => seen.push(e.delta));
    const final = await stream.finalResponse();
    expect(seen).toEqual(tokens);
    expect(final.status).toBe("completed");
    expect(final.output_text).toBe(tokens.join(""));
    expect(final.conversation).toEqual({ id: conv.id });
    expect((await client.responses.retrieve(final.id)).output_text).toBe(tokens.join(""));
  });

  it("a model stream that breaks mid-answer ends with response.failed; a retry with the key completes that response", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    await useWorkersAi(conv.id, ["Hetente ", "legfeljebb "], 1);
    const headers = { "Idempotency-Key": `k-${crypto.randomUUID()}` };
    const request = { model: "m", conversation: conv.id, input: "Hány nap?", stream: true as const };

    const events = await collect(await client.responses.create(request, { headers }));
    expect(shape(events)).toEqual([...OPENING, "response.failed"]);
    const failed = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.response).toMatchObject({ status: "failed", output: [], error: { code: "server_error" } });
    expect(failed.response.error?.message).toContain(`Idempotency-Key: ${headers["Idempotency-Key"]}`);
    expect((await client.responses.retrieve(failed.response.id)).status).toBe("failed");
    let history = (await api(`/api/sessions/${conv.id}/messages`, { as: me })).body.messages;
    expect(history.map((m: Json) => m.role)).toEqual(["user"]);

    await useWorkersAi(conv.id, ["Két ", "nap."]);
    const retried = await collect(await client.responses.create(request, { headers }));
    const done = retried.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.type).toBe("response.completed");
    expect(done.response.id).toBe(failed.response.id);
    expect((await client.responses.retrieve(failed.response.id)).output_text).toBe("Két nap.");
    history = (await api(`/api/sessions/${conv.id}/messages`, { as: me })).body.messages;
    expect(history.map((m: Json) => m.content)).toEqual(["Hány nap?", "Két nap."]);
  });

  it("an upstream answer service failure, streamed: response.failed carries the service's retry key", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const conv = await client.conversations.create({});
    await scriptUpstream(conv.id, [() => new Response("down", { status: 500 })]);
    const events = await collect(
      await client.responses.create({ model: "m", conversation: conv.id, input: "Hi?", stream: true }),
    );
    const failed = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.type).toBe("response.failed");
    expect(failed.response.error?.message).toMatch(/^answer_failed: .*Idempotency-Key: retry-/);
  });

  it("refused before anything is stored, a streamed request is a plain error with its status", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const unknown = await failure(
      client.responses.create({ model: "m", conversation: crypto.randomUUID(), input: "x", stream: true }),
    );
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.error).toMatchObject({ param: "conversation" });
    const conv = await client.conversations.create({});
    expect((await api(`/api/sessions/${conv.id}/end`, { as: me, method: "POST" })).status).toBe(200);
    const ended = await failure(
      client.responses.create({ model: "m", conversation: conv.id, input: "x", stream: true }),
    );
    expect(ended).toBeInstanceOf(OpenAI.ConflictError);
  });

  it("a keyed retry of a completed streamed response replays it whole, with the same ids, asking nothing again", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = await openaiFor(me);
    const headers = { "Idempotency-Key": `k-${crypto.randomUUID()}` };
    const request = { model: "m", input: "Once?", stream: true as const };
    const first = await collect(await client.responses.create(request, { headers }));
    const again = await collect(await client.responses.create(request, { headers }));
    expect(shape(again)).toEqual(shape(first));
    const last = (events: Event[]) => (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    expect(last(again)).toEqual(last(first));
    const history = (await api(`/api/sessions/${last(first).conversation?.id}/messages`, { as: me })).body.messages;
    expect(history).toHaveLength(2);
  });
});
