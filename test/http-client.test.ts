import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import policy from "../examples/tavmunka-szabalyzat.md?raw";
import {
  bodyOf,
  type ChatEvent,
  chatEvents,
  createSessionsClient,
  SessionsApiError,
  type SessionsClient,
} from "../src/http-client";
import type { SessionObject } from "../src/session-object";
import type { ChatResponse, HistoryPage, SessionInfo } from "../src/session-types";
import { type Caller, freshTenant, loadDocument, stubFor, tokenFor } from "./helpers";

/**
 * The typed client (src/http-client/) against the real worker: its fetch is
 * the worker's own, injected, so every request goes through routing,
 * validation, auth and the session objects as over the network.
 */

const requests: Request[] = [];
const workerFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  requests.push(request.clone());
  return exports.default.fetch(request);
};

const clientFor = (who: Caller) =>
  createSessionsClient("http://sessions.test", { token: () => tokenFor(who), fetch: workerFetch });

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const all: ChatEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

describe("the typed HTTP client", () => {
  it("chats, resumes and reads the session back, with typed bodies", async () => {
    const tenant = freshTenant();
    await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    const client = clientFor({ tenant, user: 1 });

    const first: ChatResponse = await bodyOf(await client.api.chat.$post({ json: { query: "Mi a távmunka?" } }));
    expect(first.resumed).toBe(false);
    expect(first.sources.length).toBeGreaterThan(0);
    const again = await bodyOf(
      await client.api.chat.$post({ json: { query: "Hány home office nap?", session_id: first.session_id } }),
    );
    expect(again).toMatchObject({ session_id: first.session_id, resumed: true });

    const param = { id: first.session_id };
    const info: SessionInfo = await bodyOf(await client.api.sessions[":id"].$get({ param }));
    expect(info.message_count).toBe(4);
    const page: HistoryPage = await bodyOf(
      await client.api.sessions[":id"].messages.$get({ param, query: { limit: "2" } }),
    );
    expect(page.messages.map((m) => m.content)).toEqual([again.user_message.content, again.answer]);
    const list = await bodyOf(await client.api.sessions.$get({ query: { status: "all" } }));
    expect(list.sessions.map((s) => s.id)).toEqual([first.session_id]);
    // The token function is asked on every request.
    expect(requests.at(-1)?.headers.get("authorization")).toMatch(/^Bearer /);
  });

  it("a refusal throws a SessionsApiError with the service's code, status and request id", async () => {
    const client = clientFor({ tenant: freshTenant(), user: 1 });
    const res = await client.api.sessions[":id"].$get({ param: { id: crypto.randomUUID() } });
    const error = await bodyOf(res).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionsApiError);
    expect(error).toMatchObject({ status: 404, code: "not_found", requestId: res.headers.get("x-request-id") });

    const unauthorized = createSessionsClient("http://sessions.test", { token: "nope", fetch: workerFetch });
    await expect(bodyOf(await unauthorized.api.sessions.$get({ query: {} }))).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
  });

  it("chatEvents yields the stream's typed events; the deltas join into the stored answer", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const events = await collect(chatEvents(clientFor(me), { query: "Szia!" }));
    expect(events[0]).toMatchObject({ event: "session", data: { resumed: false } });
    const last = events.at(-1);
    if (last?.event !== "done") throw new Error(`expected done, got ${last?.event}`);
    const text = events.flatMap((e) => (e.event === "delta" ? [e.data.text] : [])).join("");
    expect(text).toBe(last.data.assistant_message.content);
    expect(requests.at(-1)?.headers.get("accept")).toBe("text/event-stream");
  });

  it("chatEvents: a refusal before anything is stored throws; a failed turn ends with an error event", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const client = clientFor(me);
    const key = `k-${crypto.randomUUID()}`;
    await collect(chatEvents(client, { query: "one" }, { idempotencyKey: key }));
    await expect(collect(chatEvents(client, { query: "two" }, { idempotencyKey: key }))).rejects.toMatchObject({
      status: 409,
      code: "idempotency_key_reused",
    });

    const first = await bodyOf(await client.api.chat.$post({ json: { query: "first" } }));
    await runInDurableObject(stubFor(first.session_id), (obj: SessionObject) => {
      obj.useDeps(() => ({
        answers: {
          name: "broken",
          answer: async () => {
            throw new Error("model down");
          },
        },
      }));
    });
    const events = await collect(chatEvents(client, { query: "second", session_id: first.session_id }));
    expect(events.map((e) => e.event)).toEqual(["session", "error"]);
    expect(events[1]).toMatchObject({ data: { status: 502, error: { code: "answer_failed" } } });
  });
});

/** Compile-time only (tsc -p test): the client rejects what the API would. Never called. */
export function typeErrors(client: SessionsClient) {
  // @ts-expect-error query must be a string
  client.api.chat.$post({ json: { query: 1 } });
  // @ts-expect-error role is user, assistant or system
  client.api.sessions[":id"].messages.$post({ param: { id: "x" }, json: { role: "bot", content: "hi" } });
  // @ts-expect-error no such route
  client.api.nope.$get();
}
