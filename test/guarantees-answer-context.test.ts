import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { answerProviderFor } from "../src/answer";
import type { AiRunner } from "../src/lib/ai";
import type { SessionObject } from "../src/session-object";
import {
  api,
  type Caller,
  chat,
  freshTenant,
  type Json,
  newSession,
  sessionWithTurns,
  stubFor,
  summaryRows,
} from "./helpers";

const UPSTREAM = "https://router.upstream.test/answer";

/** A user with one ended, summarised session: their long-term memory. */
async function userWithMemory(): Promise<{ me: Caller; earlier: string; summary: string }> {
  const me = { tenant: freshTenant(), user: 1 };
  const earlier = await sessionWithTurns(me, ["What is the remote work policy?", "How many home office days?"]);
  await api(`/api/sessions/${earlier}/end`, { as: me, method: "POST" });
  const row = (await summaryRows(earlier)).results[0] as { summary: string };
  return { me, earlier, summary: row.summary };
}

/**
 * A new session (it recalls the user's summaries when created), with `env`'s
 * answer provider installed in its object before its first turn.
 */
async function sessionFor(me: Caller, providerEnv: Env): Promise<string> {
  const id = await newSession(me);
  await runInDurableObject(stubFor(id), (obj: SessionObject) => {
    obj.useDeps(() => ({ answers: answerProviderFor(providerEnv) }));
  });
  return id;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the upstream provider (ANSWER_URL) gets the user's memory and ANSWER_TOKEN", () => {
  it("sends the earlier summaries as memory and the token as its bearer, on every turn", async () => {
    const { me, earlier, summary } = await userWithMemory();
    const sent: { url: string; authorization: string | null; body: Json }[] = [];
    // The one external service, faked at the HTTP boundary the provider really uses.
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, authorization: request.headers.get("authorization"), body: await request.json() });
      return Response.json({ answer: "From the router." });
    });
    const id = await sessionFor(me, {
      ...env,
      ANSWER_URL: UPSTREAM,
      ANSWER_TOKEN: "answer-token-123",
    } as unknown as Env);

    const first = await chat(me, "And the travel policy?", id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ session_id: id, answer: "From the router." });
    const second = await chat(me, "Anything else?", id);
    expect(second.body.answer).toBe("From the router.");

    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.url).toBe(UPSTREAM);
      expect(request.authorization).toBe("Bearer answer-token-123");
      expect(request.body.memory).toEqual([
        { session_id: earlier, summary, key_topics: expect.any(Array), created_at: expect.any(String) },
      ]);
    }
  });
});

describe("the Workers AI provider gets the summaries and at most MAX_CONTEXT_MESSAGES (20) messages", () => {
  it("sends the memory as a system message and the last 20 messages, ending with the query", async () => {
    const { me, summary } = await userWithMemory();
    const calls: { model: string; messages: { role: string; content: string }[] }[] = [];
    // The AI binding at its real shape: run(model, {messages}) → {response}.
    const ai: AiRunner = {
      async run(model, input) {
        calls.push({ model, messages: input.messages });
        return { response: "From the model." };
      },
    };
    const id = await sessionFor(me, { ...env, AI: ai } as unknown as Env);
    expect((await chat(me, "First question", id)).status).toBe(200);
    for (let i = 1; i <= 25; i++) {
      const role = i % 2 ? "user" : "assistant";
      await api(`/api/sessions/${id}/messages`, { as: me, body: { role, content: `message ${i}` } });
    }
    const before = (await api(`/api/sessions/${id}/messages?limit=19`, { as: me })).body.messages;
    expect((await chat(me, "The last question", id)).status).toBe(200);

    for (const call of calls) {
      expect(call.messages).toContainEqual({
        role: "system",
        content: `What you remember of earlier sessions:\n- ${summary}`,
      });
    }
    // The system prompt, the knowledge, the memory; then the conversation.
    const last = calls[1]?.messages ?? [];
    expect(last.slice(0, 3).map((m) => m.role)).toEqual(["system", "system", "system"]);
    const conversation = last.slice(3);
    expect(conversation).toHaveLength(20);
    expect(conversation.map((m) => m.content)).toEqual([
      ...before.map((m: { content: string }) => m.content),
      "The last question",
    ]);
  });
});
