import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sessionStub } from "../src/client/stubs";
import { archivePrefix } from "../src/session/archive-keys";
import type { Owner } from "../src/session-types";
import { api, freshTenant, sessionWithTurns, stubFor } from "./helpers";

/**
 * The object's own owner check, reached directly over RPC: the worker's id
 * check (the HMAC in the session id) is bypassed, as after a bug in it.
 */
async function everyCall(id: string, who: Owner) {
  const stub = sessionStub(env, id);
  return {
    info: await stub.info(who),
    history: await stub.history(who, 100),
    append: await stub.append(who, { role: "user", content: "intrusion", metadata: {} }),
    chat: await stub.chat(who, { query: "intrusion" }),
    transcript: await stub.transcript(who),
    end: await stub.end(who),
    softDelete: await stub.softDelete(who),
    purge: await stub.purge(who),
  };
}

/** Everything the session has, as its owner and the stores see it. */
async function snapshot(id: string, owner: { tenant: number; user: number }) {
  return {
    info: (await api(`/api/sessions/${id}`, { as: owner })).body,
    history: (await api(`/api/sessions/${id}/messages`, { as: owner })).body,
    row: await env.DB.prepare("SELECT * FROM chat_sessions WHERE id = ?").bind(id).first(),
    summaries: (await env.DB.prepare("SELECT id FROM session_summaries WHERE session_id = ?").bind(id).all()).results,
    archives: (await env.ARCHIVE.list({ prefix: archivePrefix(owner.tenant, owner.user) })).objects.length,
    object: await runInDurableObject(stubFor(id), (_o, state) =>
      state.storage.sql.exec("SELECT * FROM session").toArray(),
    ),
  };
}

describe("the session's object refuses every other tenant and user by itself", () => {
  const cases: [string, (t: number) => Owner][] = [
    ["another tenant, same user id", (t) => ({ tenantId: t + 1, userId: 1 })],
    ["same tenant, another user", (t) => ({ tenantId: t, userId: 2 })],
  ];

  it.each(cases)("%s: every RPC method answers as for a missing session and changes nothing", async (_n, stranger) => {
    const owner = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(owner, ["private question one", "private question two"]);
    const before = await snapshot(id, owner);

    const who = stranger(owner.tenant);
    const foreign = await everyCall(id, who);
    // A session id that names no object: what "missing" answers.
    expect(foreign).toEqual(await everyCall(crypto.randomUUID(), who));
    expect(foreign).toEqual({
      info: null,
      history: null,
      append: { ok: false, refusal: "not_found" },
      chat: { ok: false, refusal: "not_found" },
      transcript: null,
      end: { ok: false, refusal: "not_found" },
      softDelete: false,
      purge: null,
    });
    // Creating over an existing foreign session is refused, not taken over.
    expect(await sessionStub(env, id).create(who, id)).toEqual({ ok: false, refusal: "not_found" });
    expect(await sessionStub(env, id).chat(who, { query: "intrusion", createAs: id })).toEqual({
      ok: false,
      refusal: "not_found",
    });

    expect(await snapshot(id, owner)).toEqual(before);
    expect(before.info).toMatchObject({ status: "active", message_count: 4 });
  });
});
