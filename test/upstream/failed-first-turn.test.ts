import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, chat, freshTenant, type Json } from "../helpers";

/**
 * The answer service at ANSWER_URL (this project's [vars]), faked at the HTTP
 * boundary the upstream provider really uses: a query starting with "fail:"
 * gets a 503 the first time it is asked, and an answer after that.
 */
let asked: Json[] = [];
beforeEach(() => {
  asked = [];
  const failedOnce = new Set<string>();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== env.ANSWER_URL) throw new Error(`unexpected fetch of ${request.url}`);
    const body = (await request.json()) as { query: string };
    asked.push({ ...body, authorization: request.headers.get("authorization") });
    if (body.query.startsWith("fail:") && !failedOnce.has(body.query)) {
      failedOnce.add(body.query);
      return new Response("overloaded", { status: 503 });
    }
    return Response.json({ answer: `Answer to ${body.query}` });
  });
});
afterEach(() => vi.restoreAllMocks());

const history = async (me: { tenant: number; user: number }, id: string) =>
  (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;

describe("a brand-new session whose first turn fails", () => {
  it("without a key: the 502 names a key, and retrying with it completes that turn in the same session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const failed = await chat(me, "fail: first question");
    expect(failed.status).toBe(502);
    const { session_id, user_message_id, idempotency_key } = failed.body.error.details;
    expect((await api(`/api/sessions/${session_id}`, { as: me })).body.message_count).toBe(1);

    const retried = await chat(me, "fail: first question", undefined, { "idempotency-key": idempotency_key });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ session_id, resumed: false, answer: "Answer to fail: first question" });
    expect(retried.body.user_message.id).toBe(user_message_id);
    expect((await history(me, session_id)).map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect((await api("/api/sessions", { as: me })).body.sessions).toHaveLength(1);
    // The upstream got the service's token each time.
    expect(asked.map((a) => a.authorization)).toEqual(["Bearer upstream-test-token", "Bearer upstream-test-token"]);
  });

  it("with a key: the retry with the same key completes it, once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const key = { "idempotency-key": `k-${crypto.randomUUID()}` };
    const failed = await chat(me, "fail: hello", undefined, key);
    expect(failed.status).toBe(502);
    expect(failed.body.error.details.idempotency_key).toBe(key["idempotency-key"]);
    const retried = await chat(me, "fail: hello", undefined, key);
    expect(retried.status).toBe(200);
    expect(retried.body.session_id).toBe(failed.body.error.details.session_id);
    expect(await chat(me, "fail: hello", undefined, key)).toMatchObject({ status: 200, body: retried.body });
    expect(asked).toHaveLength(2);
  });

  it("if the session was deleted before the retry, the retry starts a new one: never a 404, never the deleted one", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const failed = await chat(me, "fail: gone");
    const { session_id, idempotency_key } = failed.body.error.details;
    expect((await api(`/api/sessions/${session_id}`, { as: me, method: "DELETE" })).status).toBe(204);
    const retried = await chat(me, "fail: gone", undefined, { "idempotency-key": idempotency_key });
    expect(retried.status).toBe(200);
    expect(retried.body.session_id).not.toBe(session_id);
    expect((await api(`/api/sessions/${session_id}`, { as: me })).status).toBe(404);
    expect((await history(me, retried.body.session_id)).map((m: { role: string }) => m.role)).toEqual([
      "user",
      "assistant",
    ]);
  });
});
