import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import policy from "../examples/tavmunka-szabalyzat.md?raw";
import { WorkersAiAnswerProvider } from "../src/answer/workers-ai";
import { deltas } from "../src/lib/deltas";
import type { SessionObject } from "../src/session-object";
import {
  api,
  authHeaders,
  type Caller,
  chat,
  freshTenant,
  type Json,
  loadDocument,
  parseSse,
  type SseEvent,
  slowAnswers,
  streamingAi,
  stubFor,
} from "./helpers";

async function streamChat(as: Caller, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return exports.default.fetch(
    new Request("http://sessions.test/api/chat", {
      method: "POST",
      headers: { ...(await authHeaders(as)), "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("POST /api/chat streaming (server-sent events)", () => {
  it("streams session, deltas and done; the stored answer equals the streamed text", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    const me = { tenant, user: 1 };
    const res = await streamChat(me, { query: "Mennyi home office nap engedélyezett?", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());

    expect(events[0]).toEqual({ event: "session", data: { session_id: expect.any(String), resumed: false } });
    const deltaEvents = events.filter((e) => e.event === "delta");
    expect(deltaEvents.length).toBeGreaterThan(1);
    const done = events[events.length - 1] as SseEvent;
    expect(done.event).toBe("done");
    expect(events.map((e) => e.event)).toEqual(["session", ...deltaEvents.map(() => "delta"), "done"]);
    const streamed = deltaEvents.map((e) => e.data.text).join("");
    expect(streamed).toBe(done.data.assistant_message.content);
    expect(done.data.sources[0].document_id).toBe(doc.id);

    const history = await api(`/api/sessions/${events[0]?.data.session_id}/messages`, { as: me });
    expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual([
      done.data.user_message.id,
      done.data.assistant_message.id,
    ]);
    expect(history.body.messages[1].content).toBe(streamed);
  });

  it("also streams for Accept: text/event-stream, resuming the given session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    const res = await streamChat(me, { query: "second", session_id: id }, { accept: "text/event-stream" });
    const events = parseSse(await res.text());
    expect(events[0]?.data).toEqual({ session_id: id, resumed: true });
    expect(events.at(-1)?.event).toBe("done");
  });

  it("a failed turn ends the stream with an error event; the query is kept", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: {
          name: "broken",
          answer: async () => {
            throw new Error("model down");
          },
        },
      }));
    });
    const events = parseSse(await (await streamChat(me, { query: "second", session_id: id, stream: true })).text());
    expect(events.map((e) => e.event)).toEqual(["session", "error"]);
    expect(events[1]?.data).toMatchObject({ status: 502, error: { code: "answer_failed" } });
    expect((await api(`/api/sessions/${id}`, { as: me })).body.message_count).toBe(3);
  });

  it("an idempotent retry streams the first response again, storing nothing", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const key = { "idempotency-key": `k-${crypto.randomUUID()}` };
    const first = parseSse(await (await streamChat(me, { query: "hello", stream: true }, key)).text());
    const again = parseSse(await (await streamChat(me, { query: "hello", stream: true }, key)).text());
    expect(again.at(-1)?.data).toEqual(first.at(-1)?.data);
    const id = first[0]?.data.session_id;
    expect((await api(`/api/sessions/${id}`, { as: me })).body.message_count).toBe(2);
  });

  it("a client that disconnects mid-stream does not leave a half turn: the answer is completed and stored", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await slowAnswers(id, () => 50);
    const res = await streamChat(me, { query: "will you finish?", session_id: id, stream: true });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const firstChunk = new TextDecoder().decode((await reader.read()).value);
    expect(firstChunk).toContain("event: session");
    await reader.cancel();

    // The next turn queues behind the abandoned one in the session's object, so once it answers,
    // the abandoned turn has finished.
    expect((await chat(me, "next", id)).status).toBe(200);
    const history = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    expect(history.map((m: { role: string; content: string }) => `${m.role}:${m.content.slice(0, 12)}`)).toEqual([
      "user:first",
      expect.stringMatching(/^assistant:/),
      "user:will you fin",
      expect.stringMatching(/^assistant:/),
      "user:next",
      expect.stringMatching(/^assistant:/),
    ]);
    expect(history[3].content).toContain("will you finish?");
  });
});

describe("token streaming from Workers AI", () => {
  it("forwards the model's tokens as they come; the stored answer is exactly their concatenation", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "Szia!")).body.session_id;
    const tokens = ["Hetente ", "legfeljebb ", "két ", "home office ", "nap [1]."];
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({ answers: new WorkersAiAnswerProvider(streamingAi(tokens), "@cf/test/chat") }));
    });
    const events = parseSse(await (await streamChat(me, { query: "Hány nap?", session_id: id, stream: true })).text());
    expect(events.map((e) => e.event)).toEqual(["session", ...tokens.map(() => "delta"), "done"]);
    expect(events.filter((e) => e.event === "delta").map((e) => e.data.text)).toEqual(tokens);
    const stored = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages[3];
    expect(stored.content).toBe(tokens.join(""));
    expect(events.at(-1)?.data.assistant_message.content).toBe(tokens.join(""));
  });

  it("a model stream that breaks mid-answer ends with an error event and a failed turn, no partial answer stored", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "Szia!")).body.session_id;
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: new WorkersAiAnswerProvider(streamingAi(["Hetente ", "legfeljebb "], 1), "@cf/test/chat"),
      }));
    });
    const events = parseSse(await (await streamChat(me, { query: "Hány nap?", session_id: id, stream: true })).text());
    expect(events.map((e) => e.event)).toEqual(["session", "delta", "error"]);
    const messages = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    expect(messages).toHaveLength(3);
    expect(messages[2]).toMatchObject({ role: "user", metadata: { turn_status: "failed" } });
  });
});

describe("deltas", () => {
  it.each(["", "short", "A tudásbázis szerint: hetente legfeljebb két home office nap. [1]", "x".repeat(100)])(
    "join back to the text exactly (%#)",
    (text) => {
      expect(deltas(text).join("")).toBe(text);
      for (const d of deltas(text)) expect(d.length).toBeLessThanOrEqual(24);
    },
  );
});

describe("a stream always ends with done or error", () => {
  it("a turn that breaks outside the answer provider (the session object reset) ends with an error event", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await runInDurableObject(stubFor(id), (obj: SessionObject, state) => {
      obj.useDeps(() => ({
        answers: {
          name: "resets",
          answer: async () => {
            state.abort("simulated reset");
            throw new Error("unreachable");
          },
        },
      }));
    });
    const res = await streamChat(me, { query: "second", session_id: id, stream: true });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.at(-1)?.event).toBe("error");
    expect(events.at(-1)?.data).toMatchObject({ status: 500, error: { code: "internal_error" } });
  });

  it("a client that does not read the stream never holds the session: the next turn goes through", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = (await chat(me, "first")).body.session_id;
    await runInDurableObject(stubFor(id), (obj: SessionObject) => {
      // A long answer: many events for a reader that never reads.
      obj.useDeps(() => ({
        answers: {
          name: "long",
          answer: async () => ({ content: "szó ".repeat(20_000), sources: [], metadata: {} }),
        },
      }));
    });
    const unread = await streamChat(me, { query: "long answer please", session_id: id, stream: true });
    expect(unread.status).toBe(200);
    const next = await chat(me, "and now?", id);
    expect(next.status).toBe(200);
    expect(next.body.user_message.seq).toBe(5);
    await unread.body?.cancel();
  });
});

describe("a streamed request refused before anything is stored", () => {
  it("gets a plain JSON error with its real status, not a 200 stream", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const key = { "idempotency-key": `k-${crypto.randomUUID()}` };
    expect((await streamChat(me, { query: "one", stream: true }, key)).status).toBe(200);
    const reused = await streamChat(me, { query: "another", stream: true }, key);
    expect(reused.status).toBe(409);
    expect(reused.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await reused.json()) as Json).error.code).toBe("idempotency_key_reused");
  });
});
