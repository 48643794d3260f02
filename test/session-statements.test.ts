import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SessionObject } from "../src/session-object";
import { freshTenant, newSession, stubFor } from "./helpers";

/**
 * The SQL statements the object runs for `work`, in order: each costs tens of
 * microseconds (and a trace span under wrangler dev), so how many a request
 * runs is part of its cost. Counted inside the object, on a warm instance.
 */
async function statementsOf(id: string, work: (obj: SessionObject) => Promise<unknown>): Promise<string[]> {
  return runInDurableObject(stubFor(id), async (obj: SessionObject, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec;
    const seen: string[] = [];
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      seen.push(query.replace(/\s+/g, " ").trim());
      return exec.call(sql, query, ...bindings);
    }) as typeof sql.exec;
    try {
      await work(obj);
    } finally {
      sql.exec = exec;
    }
    return seen;
  });
}

const readsSessionRow = (q: string) => q.startsWith("SELECT * FROM session");

async function warmSession() {
  const me = { tenant: freshTenant(), user: 1 };
  const owner = { tenantId: me.tenant, userId: 1 };
  const id = await newSession(me);
  const stub = stubFor(id);
  for (let i = 0; i < 3; i++) await stub.append(owner, { role: "user", content: `m${i}`, metadata: {} });
  return { id, owner };
}

describe("statements per request (the session row is kept in memory)", () => {
  it("a last-20 read is one statement: the messages", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, async (obj) => {
      expect((await obj.history(owner, 20))?.messages).toHaveLength(3);
    });
    expect(seen).toEqual(["SELECT * FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?"]);
  });

  it("an alarm's index flush is one statement: the row marked as sent", async () => {
    const { id } = await warmSession();
    const seen = await statementsOf(id, (obj) => obj.alarm());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^UPDATE session SET index_synced_version = .* RETURNING \*$/);
  });

  it("no request reads the session row once the instance has it", async () => {
    const { id, owner } = await warmSession();
    const seen = await statementsOf(id, async (obj) => {
      await obj.info(owner);
      await obj.append(owner, { role: "user", content: "x", metadata: {} });
      await obj.history(owner, 20);
      await obj.alarm();
      await obj.end(owner);
    });
    expect(seen.filter(readsSessionRow)).toEqual([]);
  });
});
