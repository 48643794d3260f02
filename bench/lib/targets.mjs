// The two systems under test behind one interface: the service ("ours") and the floor worker.
// Every call checks what it got (status, and for turns the session resumed), so a benchmark of
// refusals or of new sessions cannot pass for one of appends and turns.
import { mintToken } from "../../scripts/lib/jwt.mjs";
import { expectStatus, httpClient } from "./http.mjs";

/** The same message bodies for both (about 180 characters, like the old benchmark's). */
export const messageBody = (i) => ({
  role: i % 2 === 0 ? "user" : "assistant",
  content: `Benchmark message ${i}: ${"lorem ipsum dolor sit amet ".repeat(6)}`,
});
export const question = (i) => `Question ${i} about remote work?`;

function checkTurn(body, sessionId, what) {
  if (body.session_id !== sessionId || body.resumed !== true || !body.assistant_message) {
    throw new Error(`${what}: the turn did not continue session ${sessionId}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

function checkPage(body, what) {
  if (!Array.isArray(body.messages)) throw new Error(`${what}: no messages array`);
}

/** The service: bearer tokens per identity (tenant, user), the real endpoints, no Idempotency-Key. */
export function oursTarget(base, jwtSecret) {
  const http = httpClient(base);
  const tokens = new Map();
  const headers = async ({ tenantId, userId }) => {
    const key = `${tenantId}:${userId}`;
    if (!tokens.has(key)) tokens.set(key, await mintToken(jwtSecret, { tenantId, userId, ttlSeconds: 6 * 3600 }));
    return { authorization: `Bearer ${tokens.get(key)}` };
  };
  return {
    name: "ours",
    async newSession(who) {
      const body = await expectStatus(
        http.send("POST", "/api/sessions", { headers: await headers(who) }),
        201,
        "ours: create",
      );
      return body.id;
    },
    async append(who, id, i) {
      const opts = { headers: await headers(who), json: messageBody(i) };
      await expectStatus(http.send("POST", `/api/sessions/${id}/messages`, opts), 201, "ours: append");
    },
    async turn(who, id, i) {
      const opts = { headers: await headers(who), json: { query: question(i), session_id: id } };
      checkTurn(await expectStatus(http.send("POST", "/api/chat", opts), 200, "ours: turn"), id, "ours: turn");
    },
    async read(who, id) {
      const res = http.send("GET", `/api/sessions/${id}/messages?limit=20`, { headers: await headers(who) });
      const body = await expectStatus(res, 200, "ours: read");
      checkPage(body, "ours: read");
      return body.messages.length;
    },
    close: http.close,
  };
}

/** The floor: the same calls without auth (identities are ignored). */
export function floorTarget(base) {
  const http = httpClient(base);
  return {
    name: "floor",
    async newSession() {
      return (await expectStatus(http.send("POST", "/sessions"), 201, "floor: create")).id;
    },
    async append(_who, id, i) {
      await expectStatus(http.send("POST", `/sessions/${id}/messages`, { json: messageBody(i) }), 201, "floor: append");
    },
    async turn(_who, id, i) {
      const res = http.send("POST", "/chat", { json: { query: question(i), session_id: id } });
      checkTurn(await expectStatus(res, 200, "floor: turn"), id, "floor: turn");
    },
    /** Set-up only: `count` messages stored in one request (the floor's bulk path; ours has none). */
    async fill(_who, id, count) {
      const json = { count, content: messageBody(0).content };
      const body = await expectStatus(http.send("POST", `/sessions/${id}/fill`, { json }), 200, "floor: fill");
      if (body.message_count !== count) throw new Error(`floor: fill stored ${body.message_count} of ${count}`);
    },
    async read(_who, id) {
      const body = await expectStatus(http.send("GET", `/sessions/${id}/messages?limit=20`), 200, "floor: read");
      checkPage(body, "floor: read");
      return body.messages.length;
    },
    close: http.close,
  };
}
