import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Validator } from "@cfworker/json-schema";
import { afterAll, describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import worker from "../src/worker";
import { authHeaders, type Caller, freshTenant, type Json, parseSse, stubFor } from "./helpers";

/**
 * Real responses of every operation (successes and the errors each route
 * declares) checked against GET /openapi.json: the status is declared for the
 * route and the body matches that status's schema for its media type (every
 * event of a stream, every line of a transcript). test/unit/openapi-document
 * validates the document itself.
 */

const doc: Json = await (await exports.default.fetch("http://sessions.test/openapi.json")).json();
// The schemas' $refs point into components; one JSON Schema document holds them all for the validator.
const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
const validatorFor = (schema: Json) =>
  new Validator(
    { ...JSON.parse(JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/")), $defs: defs },
    "2020-12",
    false,
  );

const seen = new Set<string>();

/** Sends a request and checks the response against the document; answers the parsed body. */
async function call(
  method: string,
  docPath: string,
  path: string,
  opts: {
    as?: Caller;
    body?: unknown;
    headers?: Record<string, string>;
    fetcher?: (r: Request) => Promise<Response>;
  } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {
    ...(opts.as ? await authHeaders(opts.as) : {}),
    ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    ...opts.headers,
  };
  const request = new Request(`http://sessions.test${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });
  const res = await (opts.fetcher ?? ((r) => exports.default.fetch(r)))(request);
  const where = `${method} ${docPath} → ${res.status}`;
  const declared = doc.paths[docPath]?.[method.toLowerCase()]?.responses?.[String(res.status)];
  expect(declared, `${where} is not in the document`).toBeDefined();
  seen.add(`${method} ${docPath}`);
  for (const header of Object.keys(declared.headers ?? {}))
    expect(res.headers.get(header), `${where}: ${header}`).toBeTruthy();
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0] as string;
  const text = new TextDecoder().decode(await res.arrayBuffer());
  if (text === "") {
    expect(declared.content, `${where}: declared a body, sent none`).toBeUndefined();
    return { status: res.status, body: null };
  }
  const schema = declared.content?.[mediaType]?.schema;
  expect(schema, `${where}: ${mediaType} is not declared`).toBeDefined();
  const items: Json[] =
    mediaType === "application/json"
      ? [JSON.parse(text)]
      : mediaType === "text/event-stream"
        ? parseSse(text)
        : mediaType === "application/x-ndjson"
          ? text
              .trim()
              .split("\n")
              .map((line) => JSON.parse(line))
          : [text];
  const validator = validatorFor(schema);
  for (const item of items) {
    const result = validator.validate(item);
    expect(result.errors, `${where}: ${JSON.stringify(item).slice(0, 300)}`).toEqual([]);
  }
  return { status: res.status, body: mediaType === "application/json" ? items[0] : items };
}

const breakAnswers = (sessionId: string) =>
  runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(() => ({
      answers: {
        name: "broken",
        answer: async () => {
          throw new Error("model down");
        },
      },
    }));
  });

describe("real responses match the OpenAPI document", () => {
  const tenant = freshTenant();
  const me = { tenant, user: 1 };
  const admin = { tenant, user: 9, role: "admin" as const };

  it("service routes: health, the document, the reference page", async () => {
    expect((await call("GET", "/health", "/health")).status).toBe(200);
    expect((await call("GET", "/openapi.json", "/openapi.json")).body.openapi).toBe("3.1.0");
    expect((await call("GET", "/docs", "/docs")).status).toBe(200);
    // Misconfigured: a missing secret is 503 on /health and on every API route.
    const broken = async (r: Request) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(r, { ...env, JWT_SECRET: "" }, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await call("GET", "/health", "/health", { fetcher: broken })).status).toBe(503);
    expect((await call("GET", "/api/sessions", "/api/sessions", { as: me, fetcher: broken })).status).toBe(503);
    const v1 = await call("GET", "/v1/conversations/{id}", "/v1/conversations/x", { as: me, fetcher: broken });
    expect(v1.body.error).toMatchObject({ type: "server_error", code: "server_misconfigured" });
  });

  it("chat: JSON, streamed, and each error it declares", async () => {
    const first = await call("POST", "/api/chat", "/api/chat", { as: me, body: { query: "Mi a szabályzat?" } });
    expect(first.status).toBe(200);
    const sessionId = first.body.session_id;
    const streamed = await call("POST", "/api/chat", "/api/chat", {
      as: me,
      body: { query: "És még?", session_id: sessionId, stream: true },
    });
    expect(streamed.body.map((e: Json) => e.event)).toContain("done");
    expect((await call("POST", "/api/chat", "/api/chat", { body: { query: "hi" } })).status).toBe(401);
    expect((await call("POST", "/api/chat", "/api/chat", { as: me, body: { query: 1 } })).status).toBe(400);
    const other = { user_context: { tenant_id: tenant, user_id: 2 } };
    expect((await call("POST", "/api/chat", "/api/chat", { as: me, body: { query: "x", ...other } })).status).toBe(403);
    const long = { query: "x".repeat(32_001) };
    expect((await call("POST", "/api/chat", "/api/chat", { as: me, body: long })).status).toBe(413);
    const key = { "idempotency-key": `k-${crypto.randomUUID()}` };
    await call("POST", "/api/chat", "/api/chat", { as: me, body: { query: "one" }, headers: key });
    const reused = await call("POST", "/api/chat", "/api/chat", { as: me, body: { query: "two" }, headers: key });
    expect(reused.status).toBe(409);

    await breakAnswers(sessionId);
    const failed = await call("POST", "/api/chat", "/api/chat", {
      as: me,
      body: { query: "?", session_id: sessionId },
    });
    expect(failed.status).toBe(502);
    const failedStream = await call("POST", "/api/chat", "/api/chat", {
      as: me,
      body: { query: "??", session_id: sessionId, stream: true },
    });
    expect(failedStream.body.at(-1).event).toBe("error");
  });

  it("sessions: every operation, with its not-found, validation and conflict answers", async () => {
    const created = await call("POST", "/api/sessions", "/api/sessions", { as: me });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const at = (suffix = "") => `/api/sessions/${id}${suffix}`;
    expect((await call("GET", "/api/sessions", "/api/sessions?status=all", { as: me })).status).toBe(200);
    expect((await call("GET", "/api/sessions", "/api/sessions?limit=0", { as: me })).status).toBe(400);
    expect((await call("GET", "/api/sessions/{id}", at(), { as: me })).status).toBe(200);
    expect((await call("GET", "/api/sessions/{id}", "/api/sessions/nope", { as: me })).status).toBe(404);
    const message = { role: "user", content: "hello", metadata: { source: "test" } };
    const appended = await call("POST", "/api/sessions/{id}/messages", at("/messages"), { as: me, body: message });
    expect(appended.status).toBe(201);
    expect((await call("POST", "/api/sessions/{id}/messages", at("/messages"), { as: me, body: {} })).status).toBe(400);
    expect((await call("GET", "/api/sessions/{id}/messages", at("/messages?limit=5"), { as: me })).status).toBe(200);
    expect((await call("GET", "/api/sessions/{id}/messages", at("/messages?limit=x"), { as: me })).status).toBe(400);
    expect((await call("GET", "/api/sessions/{id}/transcript", at("/transcript"), { as: me })).status).toBe(200);
    expect((await call("POST", "/api/sessions/{id}/end", at("/end"), { as: me })).status).toBe(200);
    expect((await call("POST", "/api/sessions/{id}/messages", at("/messages"), { as: me, body: message })).status).toBe(
      409,
    );
    const batch = await call("POST", "/api/sessions/end", "/api/sessions/end", {
      as: me,
      body: { session_ids: [id, "nope"] },
    });
    expect(batch.body.results.map((r: Json) => r.ok)).toEqual([true, false]);
    expect((await call("POST", "/api/sessions/end", "/api/sessions/end", { as: me, body: {} })).status).toBe(400);
    expect((await call("DELETE", "/api/sessions/{id}", at(), { as: me })).status).toBe(204);
    expect((await call("DELETE", "/api/sessions/{id}", at(), { as: me })).status).toBe(404);
  });

  it("memory, users and admin", async () => {
    const who = { tenant, user: 3 };
    const turn = await call("POST", "/api/chat", "/api/chat", { as: who, body: { query: "Mi a távmunka?" } });
    const id = turn.body.session_id;
    await call("POST", "/api/chat", "/api/chat", { as: who, body: { query: "És a home office?", session_id: id } });
    await call("POST", "/api/sessions/{id}/end", `/api/sessions/${id}/end`, { as: who });
    const memory = await call("GET", "/api/memory", "/api/memory", { as: who });
    expect(memory.body.summaries).toHaveLength(1);
    expect((await call("GET", "/api/memory", "/api/memory?cursor=nope", { as: who })).status).toBe(400);

    expect((await call("DELETE", "/api/users/{user}/data", "/api/users/me/data", { as: who })).status).toBe(200);
    expect((await call("DELETE", "/api/users/{user}/data", "/api/users/x/data", { as: who })).status).toBe(400);
    expect((await call("DELETE", "/api/users/{user}/data", "/api/users/4/data", { as: who })).status).toBe(403);

    expect((await call("POST", "/api/admin/cleanup", "/api/admin/cleanup", { as: admin })).status).toBe(200);
    expect((await call("POST", "/api/admin/cleanup", "/api/admin/cleanup", { as: who })).status).toBe(403);
  });

  it("knowledge: add, replace, list, read, delete", async () => {
    const path = "/api/knowledge/documents";
    const doc = { title: "Távmunka", body: "Hetente két home office nap.", source_url: "https://intranet.example/t" };
    expect((await call("POST", path, path, { as: admin, body: doc })).status).toBe(201);
    const replaced = await call("POST", path, path, { as: admin, body: doc });
    expect(replaced.body.replaced).toBe(true);
    expect((await call("POST", path, path, { as: me, body: doc })).status).toBe(403);
    expect((await call("POST", path, path, { as: admin, body: { ...doc, source_url: "ftp://x" } })).status).toBe(400);
    const big = { ...doc, source_url: null, body: "x".repeat(200_001) };
    expect((await call("POST", path, path, { as: admin, body: big })).status).toBe(413);
    expect((await call("GET", path, `${path}?limit=5`, { as: me })).status).toBe(200);
    expect((await call("GET", path, `${path}?limit=500`, { as: me })).status).toBe(400);
    const one = `${path}/${replaced.body.id}`;
    expect((await call("GET", `${path}/{id}`, one, { as: me })).status).toBe(200);
    expect((await call("DELETE", `${path}/{id}`, one, { as: me })).status).toBe(403);
    expect((await call("DELETE", `${path}/{id}`, one, { as: admin })).status).toBe(204);
    expect((await call("GET", `${path}/{id}`, one, { as: me })).status).toBe(404);
  });

  it("/v1: conversations, items and responses (JSON and streamed), with OpenAI's error body", async () => {
    const who = { tenant, user: 5 };
    const conv = await call("POST", "/v1/conversations", "/v1/conversations", {
      as: who,
      body: { metadata: { a: "1" }, items: [{ role: "user", content: "Hi" }] },
    });
    expect(conv.status).toBe(200);
    const id = conv.body.id;
    const at = (suffix = "") => `/v1/conversations/${id}${suffix}`;
    // No body at all is an empty conversation.
    expect((await call("POST", "/v1/conversations", "/v1/conversations", { as: who })).status).toBe(200);
    expect((await call("POST", "/v1/conversations", "/v1/conversations", { body: {} })).status).toBe(401);
    const bad = { as: who, body: { colour: "blue" } };
    expect((await call("POST", "/v1/conversations", "/v1/conversations", bad)).status).toBe(400);
    const key = { "idempotency-key": `k-${crypto.randomUUID()}` };
    await call("POST", "/v1/conversations", "/v1/conversations", { as: who, body: {}, headers: key });
    const reused = { as: who, body: { metadata: { b: "2" } }, headers: key };
    expect((await call("POST", "/v1/conversations", "/v1/conversations", reused)).status).toBe(409);
    const long = { items: [{ role: "user", content: "x".repeat(32_001) }] };
    expect((await call("POST", "/v1/conversations", "/v1/conversations", { as: who, body: long })).status).toBe(413);

    expect((await call("GET", "/v1/conversations/{id}", at(), { as: who })).status).toBe(200);
    expect((await call("GET", "/v1/conversations/{id}", "/v1/conversations/nope", { as: who })).status).toBe(404);
    const labels = { metadata: { a: "2" } };
    expect((await call("POST", "/v1/conversations/{id}", at(), { as: who, body: labels })).status).toBe(200);
    expect((await call("POST", "/v1/conversations/{id}", at(), { as: who, body: { metadata: 1 } })).status).toBe(400);

    const items = "/v1/conversations/{id}/items";
    const added = await call("POST", items, at("/items"), {
      as: who,
      body: { items: [{ role: "assistant", content: [{ type: "output_text", text: "Hello" }] }] },
    });
    expect(added.status).toBe(200);
    const image = { items: [{ role: "user", content: [{ type: "input_image", image_url: "https://x.test/i.png" }] }] };
    expect((await call("POST", items, at("/items"), { as: who, body: image })).status).toBe(400);
    expect((await call("GET", items, at("/items?order=asc&limit=1"), { as: who })).body.has_more).toBe(true);
    expect((await call("GET", items, at("/items?after=nope"), { as: who })).status).toBe(400);
    const item = "/v1/conversations/{id}/items/{item_id}";
    const itemId = added.body.data[0].id;
    expect((await call("GET", item, at(`/items/${itemId}`), { as: who })).status).toBe(200);
    expect((await call("GET", item, at("/items/nope"), { as: who })).status).toBe(404);
    expect((await call("GET", item, at(`/items/${itemId}?include[]=x`), { as: who })).status).toBe(400);
    expect((await call("DELETE", item, at(`/items/${itemId}`), { as: who })).status).toBe(400);

    const plain = await call("POST", "/v1/responses", "/v1/responses", {
      as: who,
      body: { model: "m", conversation: id, input: "Mi a távmunka?" },
    });
    expect(plain.status).toBe(200);
    const streamed = await call("POST", "/v1/responses", "/v1/responses", {
      as: who,
      body: { model: "m", previous_response_id: plain.body.id, input: "És még?", stream: true },
    });
    expect(streamed.body.at(-1).event).toBe("response.completed");
    const tools = { model: "m", input: "x", tools: [{ type: "web_search" }] };
    expect((await call("POST", "/v1/responses", "/v1/responses", { as: who, body: tools })).status).toBe(400);
    const unknown = { model: "m", input: "x", conversation: crypto.randomUUID() };
    expect((await call("POST", "/v1/responses", "/v1/responses", { as: who, body: unknown })).status).toBe(404);
    const tooLong = { model: "m", input: "x".repeat(32_001) };
    expect((await call("POST", "/v1/responses", "/v1/responses", { as: who, body: tooLong })).status).toBe(413);
    expect((await call("GET", "/v1/responses/{id}", `/v1/responses/${plain.body.id}`, { as: who })).status).toBe(200);
    expect((await call("GET", "/v1/responses/{id}", "/v1/responses/resp_nope", { as: who })).status).toBe(404);
    const retrieveStream = `/v1/responses/${plain.body.id}?stream=true`;
    expect((await call("GET", "/v1/responses/{id}", retrieveStream, { as: who })).status).toBe(400);

    await breakAnswers(id);
    const failed = await call("POST", "/v1/responses", "/v1/responses", {
      as: who,
      body: { model: "m", conversation: id, input: "?" },
    });
    expect(failed.status).toBe(502);
    const failedStream = await call("POST", "/v1/responses", "/v1/responses", {
      as: who,
      body: { model: "m", conversation: id, input: "??", stream: true },
    });
    expect(failedStream.body.at(-1).event).toBe("response.failed");

    await call("POST", "/api/sessions/{id}/end", `/api/sessions/${id}/end`, { as: who });
    expect((await call("POST", "/v1/conversations/{id}", at(), { as: who, body: labels })).status).toBe(409);
    const ended = { items: [{ role: "user", content: "x" }] };
    expect((await call("POST", items, at("/items"), { as: who, body: ended })).status).toBe(409);
    const inEnded = { model: "m", conversation: id, input: "x" };
    expect((await call("POST", "/v1/responses", "/v1/responses", { as: who, body: inEnded })).status).toBe(409);
    expect((await call("DELETE", "/v1/conversations/{id}", at(), { as: who })).status).toBe(200);
    expect((await call("DELETE", "/v1/conversations/{id}", at(), { as: who })).status).toBe(404);
  });

  afterAll(() => {
    // Every operation of the document was exercised above.
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect([...seen].sort()).toEqual(operations.sort());
  });
});
