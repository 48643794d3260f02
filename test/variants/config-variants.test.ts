import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getConfig } from "../../src/config";
import { archiveKey, archivePrefix } from "../../src/session/archive-keys";
import worker from "../../src/worker";
import {
  api,
  authHeaders,
  backdate,
  type Caller,
  chat,
  freshTenant,
  HOUR,
  newSession,
  sessionWithTurns,
  stubFor,
  summaryRows,
} from "../helpers";

/**
 * Runs in the `variants` Vitest project (vitest.config.ts), whose worker and
 * session objects see these non-default values. Literals on purpose: a test
 * that read them back from the config would follow a broken parse.
 */

const alarmOf = (id: string) => runInDurableObject(stubFor(id), (_o, state) => state.storage.getAlarm());
const info = async (me: Caller, id: string) => (await api(`/api/sessions/${id}`, { as: me })).body;
const indexRow = (id: string) =>
  env.DB.prepare("SELECT end_reason, is_deleted FROM chat_sessions WHERE id = ?").bind(id).first();
const admin = (me: Caller) => ({ ...me, user: 99, role: "admin" as const });

it("this project runs with the non-default values", () => {
  expect(getConfig(env)).toMatchObject({
    SESSION_TIMEOUT_HOURS: 2,
    MIN_MESSAGES_FOR_SUMMARY: 2,
    DELETED_RETENTION_DAYS: 3,
    LTM_CONTEXT_SUMMARIES: 1,
    CLEANUP_INACTIVE_SESSIONS: false,
    ENABLE_SESSION_ARCHIVING: false,
    ENABLE_SESSION_CACHING: false,
  });
});

describe("SESSION_TIMEOUT_HOURS = 2", () => {
  it("the session's alarm ends it after 2 hours idle, not before", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["hello"]);
    expect(await alarmOf(id)).toBe(Date.parse((await info(me, id)).last_message_at) + 2 * HOUR);
    await backdate(id, 1.5);
    await runDurableObjectAlarm(stubFor(id));
    expect((await info(me, id)).status).toBe("active");
    await backdate(id, 1);
    await runDurableObjectAlarm(stubFor(id));
    expect((await info(me, id)).status).toBe("ended");
    expect(await indexRow(id)).toMatchObject({ end_reason: "inactive" });
  });

  it("is the sweep's cutoff too", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const idle = await newSession(me);
    const recent = await newSession(me);
    await backdate(idle, 3);
    await backdate(recent, 1);
    const res = await api("/api/admin/cleanup", { as: admin(me), method: "POST" });
    expect(res.body).toMatchObject({ checked: 1, ended: 1 });
    expect((await info(me, idle)).status).toBe("ended");
    expect((await info(me, recent)).status).toBe("active");
  });
});

describe("MIN_MESSAGES_FOR_SUMMARY = 2", () => {
  it("two messages are summarised, one is not", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const two = await sessionWithTurns(me, ["What is the remote work policy?"]);
    const one = await newSession(me);
    await api(`/api/sessions/${one}/messages`, { as: me, body: { role: "user", content: "just one" } });
    for (const id of [two, one]) await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(await info(me, two)).toMatchObject({ message_count: 2, processed_for_ltm: true });
    expect((await summaryRows(two)).results).toHaveLength(1);
    expect(await info(me, one)).toMatchObject({ message_count: 1, processed_for_ltm: false });
    expect((await summaryRows(one)).results).toEqual([]);
  });
});

describe("DELETED_RETENTION_DAYS = 3", () => {
  it("a soft-deleted session is kept for 3 days, then purged by its alarm", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["to be deleted"]);
    expect((await api(`/api/sessions/${id}`, { as: me, method: "DELETE" })).status).toBe(204);
    await backdate(id, 2 * 24);
    await runDurableObjectAlarm(stubFor(id));
    expect(await indexRow(id)).toMatchObject({ is_deleted: 1 });
    await backdate(id, 2 * 24);
    await runDurableObjectAlarm(stubFor(id));
    expect(await indexRow(id)).toBeNull();
  });

  it("is the sweep's purge cutoff too", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const old = await newSession(me);
    const young = await newSession(me);
    for (const id of [old, young]) await api(`/api/sessions/${id}`, { as: me, method: "DELETE" });
    await backdate(old, 4 * 24);
    await backdate(young, 2 * 24);
    const res = await api("/api/admin/cleanup", { as: admin(me), method: "POST" });
    expect(res.body).toMatchObject({ purged: 1 });
    expect(await indexRow(old)).toBeNull();
    expect(await indexRow(young)).toMatchObject({ is_deleted: 1 });
  });
});

describe("LTM_CONTEXT_SUMMARIES = 1", () => {
  it("a new session receives only the most recent summary", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    for (const q of ["remote work policy", "travel expenses"]) {
      const id = await sessionWithTurns(me, [q]);
      await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    }
    expect((await api("/api/memory", { as: me })).body.summaries).toHaveLength(2);
    const turn = await chat(me, "a new question");
    expect(turn.body.assistant_message.metadata.memory_summaries).toBe(1);
    // POST /api/sessions hands the new session the same.
    const created = await newSession(me);
    const next = await chat(me, "and another", created);
    expect(next.body.resumed).toBe(true);
    expect(next.body.assistant_message.metadata.memory_summaries).toBe(1);
  });
});

describe("CLEANUP_INACTIVE_SESSIONS = false", () => {
  it("the scheduled sweep does nothing, even on a sweep hour", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const idle = await newSession(me);
    await backdate(idle, 48);
    const log = vi.spyOn(console, "log");
    const ctx = createExecutionContext();
    const sweepHour = Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR;
    await worker.scheduled(createScheduledController({ scheduledTime: sweepHour, cron: "0 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await info(me, idle)).status).toBe("active");
    expect(log.mock.calls.some((c) => String(c[0]).includes("session_sweep"))).toBe(false);
    log.mockRestore();
  });
});

describe("ENABLE_SESSION_ARCHIVING = false", () => {
  it("an ended session writes no R2 object; its transcript comes from the session", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["one", "two"]);
    const history = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(await env.ARCHIVE.head(archiveKey(me.tenant, 1, id))).toBeNull();
    expect((await env.ARCHIVE.list({ prefix: archivePrefix(me.tenant, 1) })).objects).toEqual([]);
    // No archive work is left pending either.
    expect(await alarmOf(id)).toBeNull();

    const res = await exports.default.fetch(
      new Request(`http://sessions.test/api/sessions/${id}/transcript`, { headers: await authHeaders(me) }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-transcript-source")).toBe("session");
    const lines = new TextDecoder()
      .decode(await res.arrayBuffer())
      .trim()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual(history);
  });
});

describe("ENABLE_SESSION_CACHING = false", () => {
  it("reads of an ended session are no-store too", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["hello"]);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect((await info(me, id)).status).toBe("ended");
    for (const path of [`/api/sessions/${id}`, `/api/sessions/${id}/messages`, `/api/sessions/${id}/transcript`]) {
      expect((await api(path, { as: me })).headers.get("cache-control"), path).toBe("no-store");
    }
  });
});
