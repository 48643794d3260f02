import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantKnowledge } from "../src/knowledge/store";
import { queryTerms } from "../src/text/analyse";
import { lookupsFor } from "../src/text/match";
import { chat, freshTenant, loadDocument } from "./helpers";

afterEach(() => vi.restoreAllMocks());

/** What a turn asks the store for a question. */
const lookups = (question: string) => lookupsFor(queryTerms(question));

describe("a tenant without knowledge costs its turns no D1 read", () => {
  it("after one search finds the tenant empty, the next ones do not query D1; a new document ends that", async () => {
    const tenant = freshTenant();
    const kb = new TenantKnowledge(env.DB, tenant);
    const prepare = vi.spyOn(env.DB, "prepare");
    expect(await kb.postings(lookups("távmunka"))).toBeNull();
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(await kb.postings(lookups("home office"))).toBeNull();
    expect(prepare).toHaveBeenCalledTimes(1);

    await kb.put({ title: "Távmunka", body: "A távmunka heti két nap." });
    const found = await kb.postings(lookups("távmunka"));
    expect(found?.stats.passages).toBe(1);
    expect(found?.hits.length).toBeGreaterThan(0);
  });

  it("a tenant that has documents is always searched, even when a query matches nothing", async () => {
    const tenant = freshTenant();
    await loadDocument(tenant, { title: "Szabadság", body: "Évente 25 nap szabadság jár." });
    const kb = new TenantKnowledge(env.DB, tenant);
    expect((await kb.postings(lookups("kantin")))?.hits).toEqual([]);
    const prepare = vi.spyOn(env.DB, "prepare");
    expect(new Set((await kb.postings(lookups("szabadság")))?.hits.map((h) => h.passage_id)).size).toBe(1);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it("turns of an empty tenant still answer plainly", async () => {
    const res = await chat({ tenant: freshTenant(), user: 1 }, "Mi a távmunka szabályzat?");
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual([]);
  });
});
